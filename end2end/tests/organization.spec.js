// Organization → Overview: the administrator sets the practice's contact phone, which the
// portal's footer shows; a new time zone is explained and saved only once confirmed (and set
// back, for the tests after this one). Accessible and without sideways scroll at 360 px.
const { test, expect } = require("@playwright/test");
const { signIn, expectGoodPage, waitForHydration } = require("./helpers");

async function chooseZone(page, zone, expected) {
  const profile = page.getByRole("region", { name: "Practice profile" });
  await profile.getByLabel("Time zone").selectOption(zone);
  await profile.getByRole("button", { name: "Save profile" }).click();
  const confirm = page.getByRole("alertdialog");
  await expect(confirm).toContainText(expected);
  await confirm.getByRole("button", { name: `Change to ${zone}` }).click();
  await expect(profile.getByText("Saved.")).toBeVisible();
  await expect(page.getByRole("alertdialog")).toHaveCount(0);
}

test("the practice's profile reaches the portal, and a new time zone needs a confirmation", async ({ page, browser }) => {
  await signIn(page, "admin@brightpath.example", "/admin");
  await page.goto("/admin/organization");
  await waitForHydration(page);
  const profile = page.getByRole("region", { name: "Practice profile" });
  await profile.getByLabel("Contact phone for the portal (optional)").fill("12");
  await profile.getByRole("button", { name: "Save profile" }).click();
  await expect(profile.locator(".field-error", { hasText: "Enter a phone number with 7 to 15 digits." })).toBeVisible();
  await profile.getByLabel("Contact phone for the portal (optional)").fill("(207) 555-0123");
  await profile.getByRole("button", { name: "Save profile" }).click();
  await expect(profile.getByText("Saved.")).toBeVisible();

  const client = await (await browser.newContext()).newPage();
  await signIn(client, "client@brightpath.example", "/portal");
  await expect(client.locator("footer.portal-footer")).toContainText("(207) 555-0123");
  await expectGoodPage(client);

  await chooseZone(page, "America/Chicago", "9:00 AM in America/Chicago");
  await expectGoodPage(page);
  await chooseZone(page, "America/New_York", "in America/New_York");
});

test("the administrator sets how far ahead appointments are reminded", async ({ page }) => {
  await signIn(page, "admin@brightpath.example", "/admin");
  await page.goto("/admin/organization");
  await waitForHydration(page);
  const reminders = page.getByRole("region", { name: "Appointment reminders" });
  await expect(reminders.getByRole("status")).toHaveText("Families are reminded 24 hours before each appointment.");
  const hours = reminders.getByLabel("Hours before the appointment (0 turns reminders off)");
  await hours.fill("200");
  // The browser's own range check stops it first; the server's answer is checked without it.
  await hours.evaluate((input) => input.form.setAttribute("novalidate", ""));
  await reminders.getByRole("button", { name: "Save hours" }).click();
  await expect(reminders.locator(".field-error", { hasText: "from 0 to 168" })).toBeVisible();
  await hours.fill("48");
  await reminders.getByRole("button", { name: "Save hours" }).click();
  await expect(reminders.getByRole("status")).toHaveText("Families are reminded 48 hours before each appointment.");
  await page.reload();
  await expect(page.getByRole("region", { name: "Appointment reminders" }).getByLabel(/Hours before/)).toHaveValue("48");
  await expectGoodPage(page);
  // Back to the default, for the tests after this one.
  await waitForHydration(page);
  await page.getByRole("region", { name: "Appointment reminders" }).getByLabel(/Hours before/).fill("24");
  await page.getByRole("region", { name: "Appointment reminders" }).getByRole("button", { name: "Save hours" }).click();
  await expect(page.getByRole("region", { name: "Appointment reminders" }).getByRole("status")).toHaveText("Families are reminded 24 hours before each appointment.");
});
