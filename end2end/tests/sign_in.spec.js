// Sign-in, landing places, the wrong-password message and sign-out.
const { test, expect } = require("@playwright/test");
const { signIn, expectGoodPage } = require("./helpers");

const LOGINS = [
  ["admin@brightpath.example", "/admin"],
  ["therapist@brightpath.example", "/admin"],
  ["client@brightpath.example", "/portal/clients"],
  ["parent@brightpath.example", "/portal"],
  ["admin@otherclinic.example", "/admin"],
];

for (const [email, landing] of LOGINS) {
  test(`${email} lands in ${landing}`, async ({ page }) => {
    await signIn(page, email, landing);
    if (landing === "/admin") {
      await expect(page.getByRole("navigation", { name: "Primary" }).getByRole("link", { name: "Clients" })).toBeVisible();
    } else if (landing === "/portal") {
      await expect(page.getByRole("heading", { level: 1 })).toContainText("Welcome");
    } else {
      // A login with a single client lands on that client's home, with what needs doing first.
      await expect(page.getByRole("heading", { level: 1 })).toHaveText("Jordan Lee");
      await expect(page.getByRole("region", { name: "What needs doing" })).toBeVisible();
    }
    await expectGoodPage(page);
  });
}

test("the sign-in page is accessible", async ({ page }) => {
  await page.goto("/sign-in");
  await expectGoodPage(page);
});

test("a wrong password shows one generic error and stays on the page", async ({ page }) => {
  await page.goto("/sign-in");
  await page.getByLabel("Email").fill("admin@brightpath.example");
  await page.getByLabel("Password").fill("not-the-password");
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page.getByRole("alert")).toHaveText("The email or password is incorrect.");
  await expect(page).toHaveURL(/\/sign-in/);
  await expectGoodPage(page);
});

test("sign-out ends the session", async ({ page }) => {
  await signIn(page, "therapist@brightpath.example", "/admin");
  await page.getByRole("button", { name: "Sign out" }).click();
  await expect(page).toHaveURL(/\/sign-in/);
  await page.goto("/admin/clients");
  await expect(page).toHaveURL(/\/sign-in/);
});
