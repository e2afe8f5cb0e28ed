// Organization → Locations: an administrator adds a location, which the send-forms form offers;
// archived, it is offered no more and stays listed as archived. Accessible and without sideways
// scroll at 360 px.
const { test, expect } = require("@playwright/test");
const { signIn, expectGoodPage, waitForHydration } = require("./helpers");

test("an administrator adds a location, archives it, and it is no longer offered", async ({ page }) => {
  await signIn(page, "admin@brightpath.example", "/admin");
  await page.goto("/admin/organization/locations");
  await waitForHydration(page);
  await expect(page.getByRole("heading", { level: 1, name: "Locations" })).toBeVisible();
  const form = page.getByRole("region", { name: "Add a location" });
  await form.getByLabel("Name").fill("Eastside Annex");
  await form.getByLabel("Street").fill("77 Ocean Avenue");
  await form.getByLabel("City").fill("Portland");
  await form.getByLabel("State").fill("ME");
  await form.getByLabel("Postal code").fill("not a zip!");
  await form.getByRole("button", { name: "Add location" }).click();
  await expect(form.locator(".field-error", { hasText: "Enter a postal code such as 04101 or 04101-1234." })).toBeVisible();
  await form.getByLabel("Postal code").fill("04103");
  await form.getByRole("button", { name: "Add location" }).click();
  const row = page.locator("li.location", { hasText: "Eastside Annex" });
  await expect(row).toContainText("77 Ocean Avenue, Portland, ME 04103");
  await expectGoodPage(page);

  // Offered when sending forms from a client's page.
  await page.goto("/admin/clients");
  await page.getByRole("link", { name: "Jordan Lee" }).click();
  await waitForHydration(page);
  await expect(page.getByLabel("Location", { exact: true }).locator("option", { hasText: "Eastside Annex" })).toHaveCount(1);

  await page.goto("/admin/organization/locations");
  await waitForHydration(page);
  await page.getByRole("button", { name: "Archive Eastside Annex" }).click();
  await expect(page.locator("li.location", { hasText: "Eastside Annex" })).toContainText("(archived)");
  await expect(page.getByRole("button", { name: "Restore Eastside Annex" })).toBeVisible();

  await page.goto("/admin/clients");
  await page.getByRole("link", { name: "Jordan Lee" }).click();
  await waitForHydration(page);
  await expect(page.getByLabel("Location", { exact: true }).locator("option", { hasText: "Main Clinic" })).toHaveCount(1);
  await expect(page.getByLabel("Location", { exact: true }).locator("option", { hasText: "Eastside Annex" })).toHaveCount(0);
});
