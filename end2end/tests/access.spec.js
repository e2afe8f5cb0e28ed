// Who sees which clients: therapists their assigned clients, administrators their own organization.
const { test, expect } = require("@playwright/test");
const { signIn, expectGoodPage } = require("./helpers");

test("an administrator creates a client; an unassigned therapist cannot open it", async ({ browser }) => {
  const admin = await (await browser.newContext()).newPage();
  await signIn(admin, "admin@brightpath.example", "/admin");
  await admin.getByRole("link", { name: "New client" }).click();
  await expect(admin.getByRole("heading", { name: "New client" })).toBeVisible();
  await expectGoodPage(admin);
  await admin.getByLabel("First name").fill("Quinn");
  await admin.getByLabel("Last name").fill("Harper");
  await admin.getByLabel("Date of birth").fill("2017-05-06");
  await admin.getByRole("button", { name: "Create client" }).click();
  await expect(admin.getByRole("heading", { level: 1, name: "Quinn Harper" })).toBeVisible();
  await expectGoodPage(admin);
  const clientUrl = admin.url();

  const therapist = await (await browser.newContext()).newPage();
  await signIn(therapist, "therapist@brightpath.example", "/admin");
  await expect(therapist.getByRole("link", { name: "Jordan Lee" })).toBeVisible();
  await expect(therapist.getByRole("link", { name: "Quinn Harper" })).toHaveCount(0);
  await therapist.goto(clientUrl);
  await expect(therapist.getByRole("alert")).toContainText("Not available");
  await expect(therapist.getByText("Quinn Harper")).toHaveCount(0);
  // Therapists have no Organization menu.
  await expect(therapist.getByRole("link", { name: "Organization" })).toHaveCount(0);
});

test("the other organization's administrator sees none of Bright Path's clients", async ({ page }) => {
  await signIn(page, "admin@otherclinic.example", "/admin");
  await expect(page.getByRole("link", { name: "Riley Chen" })).toBeVisible();
  await expect(page.getByText("Jordan Lee")).toHaveCount(0);
  await expect(page.getByText("Sam Lee")).toHaveCount(0);
  await page.getByRole("searchbox", { name: "Search clients by name" }).fill("Lee");
  await page.getByRole("button", { name: "Search" }).click();
  await expect(page.getByText("No clients match this search.")).toBeVisible();
});

test("the administrator manages a client's staff and contacts", async ({ page }) => {
  await signIn(page, "admin@brightpath.example", "/admin");
  await page.getByRole("link", { name: "Sam Lee" }).click();
  await expect(page.getByRole("heading", { level: 1, name: "Sam Lee" })).toBeVisible();
  await expect(page.locator("li.contact strong", { hasText: "Alex Lee" })).toBeVisible();
  await page.getByText("Add a contact").click();
  await page.getByLabel("Contact name").fill("Robin Lee");
  await page.getByLabel("Contact phone").fill("12");
  await expect(page.getByText("Enter a phone number with 7 to 15 digits.")).toBeVisible();
  await page.getByLabel("Contact phone").fill("207 555 0142");
  await page.getByLabel("Relationship", { exact: true }).selectOption("guardian");
  await page.getByRole("button", { name: "Add contact" }).click();
  await expect(page.getByText("Contact added.")).toBeVisible();
  await expect(page.locator("li.contact strong", { hasText: "Robin Lee" })).toBeVisible();
  await page.getByLabel("Assign staff member").selectOption({ label: "Morgan Reyes" });
  await page.getByRole("button", { name: "Assign", exact: true }).click();
  await expect(page.getByRole("button", { name: "Unassign Morgan Reyes" })).toBeVisible();
  await expectGoodPage(page);
  await page.getByRole("link", { name: "Organization" }).click();
  await expect(page.getByText("125 Harbor Street, Portland, ME 04101")).toBeVisible();
  await expectGoodPage(page);
});
