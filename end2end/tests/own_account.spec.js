// Every login's Account page: the therapist changes their password (a wrong current one is
// refused), their other browser is signed out, and they change it back; a parent sees where
// they are signed in, switches reminders and changes their password on the portal's islands
// account page. Accessible and without sideways scroll at 360 px.
const { test, expect } = require("@playwright/test");
const { signIn, expectGoodPage, waitForHydration } = require("./helpers");

async function changePassword(page, current, next) {
  await page.getByLabel("Current password").fill(current);
  await page.getByRole("textbox", { name: "New password", exact: true }).fill(next);
  await page.getByLabel("Repeat the new password").fill(next);
  const answered = page.waitForResponse((r) => r.url().includes("/api/change_password"));
  await page.getByRole("button", { name: "Change password" }).click();
  return (await answered).status();
}

/** The password is changed after a wrong current one is refused; the account shows this device
 *  only and `other` (the same login's other browser) is signed out; then back to the demo's. */
async function changeAndSignOutTheOther(page, other, otherPage) {
  const sessions = page.getByRole("region", { name: "Where you are signed in" });
  await changePassword(page, "not-my-password", "a-brand-new-password");
  await expect(page.getByRole("alert")).toContainText("Your current password is not correct.");
  await expect(page.getByRole("textbox", { name: "Current password" })).toHaveAccessibleDescription(/Your current password is not correct\./);
  await changePassword(page, "demo-password-1", "a-brand-new-password");
  await expect(page.getByText("Password changed. Your other devices are signed out.")).toBeVisible();
  // The account was loaded again: only this device is left.
  await expect(sessions.locator("li.session")).toHaveCount(1);

  await otherPage.reload();
  await expect(otherPage).toHaveURL(/\/sign-in/);
  await other.close();

  // Back to the demo password, for the other tests.
  expect(await changePassword(page, "a-brand-new-password", "demo-password-1")).toBe(200);
  await expect(page.getByText("Password changed. Your other devices are signed out.")).toBeVisible();
}

test("a therapist changes their password and their other browser is signed out", async ({ page, browser }) => {
  const other = await browser.newContext();
  const otherPage = await other.newPage();
  await signIn(otherPage, "therapist@brightpath.example", "/admin");

  await signIn(page, "therapist@brightpath.example", "/admin");
  await page.getByRole("link", { name: /Your account/ }).click();
  await expect(page.getByRole("heading", { level: 1, name: "Your account" })).toBeVisible();
  await waitForHydration(page);
  const sessions = page.getByRole("region", { name: "Where you are signed in" });
  // This browser and the other one (earlier tests may have left more).
  expect(await sessions.locator("li.session").count()).toBeGreaterThanOrEqual(2);
  await expect(sessions).toContainText("(this device)");
  await expectGoodPage(page);
  await changeAndSignOutTheOther(page, other, otherPage);
});

test("a parent sees where they are signed in", async ({ page }) => {
  await signIn(page, "parent@brightpath.example", "/portal");
  await page.getByRole("link", { name: "Account" }).click();
  await expect(page.getByRole("heading", { level: 1, name: "Your account" })).toBeVisible();
  await waitForHydration(page);
  await expect(page.getByRole("region", { name: "Where you are signed in" })).toContainText("(this device)");
  await expect(page.getByRole("region", { name: "Calendar feed" })).toHaveCount(0);
  await expectGoodPage(page);
});

test("a parent turns appointment reminders off for their own login, and on again", async ({ page }) => {
  await signIn(page, "parent@brightpath.example", "/portal");
  await page.goto("/portal/account");
  await waitForHydration(page);
  const reminders = page.getByRole("switch", { name: "Email me appointment reminders" });
  await expect(reminders).toHaveAttribute("aria-checked", "true");
  await reminders.click();
  await expect(reminders).toHaveAttribute("aria-checked", "false");
  await page.reload();
  await expect(page.getByRole("switch", { name: "Email me appointment reminders" })).toHaveAttribute("aria-checked", "false");
  await expectGoodPage(page);
  await waitForHydration(page);
  await page.getByRole("switch", { name: "Email me appointment reminders" }).click();
  await expect(page.getByRole("switch", { name: "Email me appointment reminders" })).toHaveAttribute("aria-checked", "true");
});

test("a parent changes their password on the islands account page and their other browser is signed out", async ({ page, browser }) => {
  const other = await browser.newContext();
  const otherPage = await other.newPage();
  await signIn(otherPage, "parent@brightpath.example", "/portal");

  await signIn(page, "parent@brightpath.example", "/portal");
  await page.goto("/portal/account");
  await waitForHydration(page);
  await expect(page.locator('leptos-island[data-component^="AccountIsland_"]')).toHaveCount(1);
  const sessions = page.getByRole("region", { name: "Where you are signed in" });
  expect(await sessions.locator("li.session").count()).toBeGreaterThanOrEqual(2);

  // The island checks as the person types, with the rule the server applies.
  await page.getByRole("textbox", { name: "New password", exact: true }).fill("short");
  await expect(page.getByRole("textbox", { name: "New password", exact: true })).toHaveAccessibleDescription(/Use at least \d+ characters\./);
  await changeAndSignOutTheOther(page, other, otherPage);
});
