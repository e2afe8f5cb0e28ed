// Intake forms: staff send the Client Intake Form for Jordan to the parent, the parent fills
// half, reloads and finds the draft, is stopped by a required field, signs and submits, and
// staff read the submission. Serial: each step builds on the one before.
const { test, expect } = require("@playwright/test");
const { signIn, expectGoodPage, waitForHydration, recordBundles } = require("./helpers");

test.describe.configure({ mode: "serial" });

async function openJordan(page) {
  await page.goto("/admin/clients");
  await page.getByRole("link", { name: "Jordan Lee" }).click();
  await expect(page.getByRole("heading", { level: 1, name: "Jordan Lee" })).toBeVisible();
  await waitForHydration(page);
}

test("staff send the intake form for Jordan to the parent", async ({ page }) => {
  await signIn(page, "admin@brightpath.example", "/admin");
  await openJordan(page);
  await page.locator("summary", { hasText: "Send forms" }).click();
  await page.getByLabel("Client Intake Form", { exact: true }).check();
  await page.getByLabel("Send to").selectOption({ label: "Alex Lee" });
  await page.getByLabel("Location").selectOption({ label: "Main Clinic" });
  await page.getByLabel("Due date").fill("2030-06-30");
  await page.getByRole("button", { name: "Send forms" }).click();
  await expect(page.getByText("Forms sent.")).toBeVisible();
  const sent = page.locator("li.sent-form", { hasText: "due 2030-06-30" });
  await expect(sent).toContainText("Client Intake Form (version 1)");
  await expect(sent).toContainText("Sent");
  await expectGoodPage(page);
});

test("the parent fills half, reloads, keeps the draft, is stopped by a required field, then signs and submits", async ({ page }) => {
  await signIn(page, "parent@brightpath.example", "/portal");
  await page.getByRole("navigation", { name: "Switch client" }).getByRole("link", { name: "Jordan Lee" }).click();
  await page.getByRole("navigation", { name: "Jordan Lee in the portal" }).getByRole("link", { name: "Forms" }).click();
  await expect(page.getByRole("heading", { level: 1, name: "Forms" })).toBeVisible();
  await expectGoodPage(page);
  const outstanding = page.getByRole("region", { name: "Outstanding" });
  // Filling in is a task islands page: only its bundle, and the form is its island.
  const bundles = recordBundles(page);
  await outstanding.getByRole("link", { name: "Client Intake Form" }).first().click();
  await expect(page.getByRole("heading", { level: 1, name: "Client Intake Form" })).toBeVisible();
  await expect(page.getByText("125 Harbor Street, Portland, ME 04101")).toBeVisible();
  await waitForHydration(page);
  expect(bundles(), "the form page loads only the task pages' islands bundle").toEqual(["islands-tasks"]);
  await expect(page.locator('leptos-island[data-component^="FillInIsland_"]')).toHaveCount(1);

  await page.getByLabel("Client's full name").fill("Jordan Lee");
  await page.getByLabel("Date of birth").fill("2012-04-02");
  await expect(page.getByText("Draft saved.")).toBeVisible();
  const url = page.url();
  await page.reload();
  await waitForHydration(page);
  expect(page.url()).toBe(url);
  await expect(page.getByLabel("Client's full name")).toHaveValue("Jordan Lee");
  await expect(page.getByLabel("Date of birth")).toHaveValue("2012-04-02");
  await expectGoodPage(page);

  await page.getByRole("button", { name: "Sign and submit" }).click();
  await expect(page.getByRole("alert")).toContainText("Some answers need attention");
  const emergency = page.getByLabel("Emergency contact name");
  await expect(emergency).toHaveAttribute("aria-invalid", "true");
  await expect(emergency).toHaveAccessibleDescription(/This field is required\./);

  await page.getByLabel("They/them").check();
  await emergency.fill("Alex Lee");
  await page.getByLabel("Emergency contact phone").fill("207 555 0100");
  await page.getByLabel("Communication").check();
  await page.getByLabel("Your full name").fill("Alex Lee");
  await page.getByLabel("I agree that typing my name is my signature on this form.").check();
  await page.getByRole("button", { name: "Sign and submit" }).click();
  // Accepted, the page loads again and reads the form back, locked.
  await expect(page.getByText(/This form is locked\./)).toBeVisible();
  await expect(page.getByRole("button", { name: "Sign and submit" })).toHaveCount(0);
  await expect(page.getByText("Signed: Alex Lee")).toBeVisible();
  await expectGoodPage(page);
});

test("staff see the submission", async ({ page }) => {
  await signIn(page, "admin@brightpath.example", "/admin");
  await openJordan(page);
  const done = page.locator("li.sent-form", { hasText: "Completed" });
  await done.getByRole("link", { name: "Client Intake Form (version 1)" }).click();
  await expect(page.getByRole("heading", { level: 1, name: "Client Intake Form — Jordan Lee" })).toBeVisible();
  await expect(page.getByText("207 555 0100")).toBeVisible();
  await expect(page.getByText(/^Alex Lee, \d{4}-\d\d-\d\d \d\d:\d\d UTC, from /)).toBeVisible();
  await expectGoodPage(page);
});

test("an administrator builds a template; saving makes a new version", async ({ page }) => {
  await signIn(page, "admin@brightpath.example", "/admin");
  await page.goto("/admin/organization");
  await page.getByRole("navigation", { name: "Organization" }).getByRole("link", { name: "Intake Forms" }).click();
  await expect(page.getByRole("link", { name: "Client Intake Form" })).toBeVisible();
  await waitForHydration(page);
  await page.locator("summary", { hasText: "New form template" }).click();
  await page.getByLabel("Template name").fill("Speech Intake");
  await page.getByRole("button", { name: "Create and edit" }).click();
  await expect(page.getByRole("heading", { level: 1, name: "Speech Intake" })).toBeVisible();
  await expect(page.getByText("Current version: 1.")).toBeVisible();
  await waitForHydration(page);

  await page.getByLabel("Section title").first().fill("About the child");
  await page.getByLabel("Question", { exact: true }).first().fill("Child's name");
  await page.getByLabel("Required").first().check();
  await page.getByRole("button", { name: "Add field" }).click();
  await page.getByLabel("Answer type").nth(1).selectOption("single_choice");
  await expect(page.getByText("A choice field needs at least two options.")).toBeVisible();
  await page.getByLabel("Options, one per line").nth(1).fill("Yes\nNo");
  await expect(page.getByText("A choice field needs at least two options.")).toHaveCount(0);
  await page.getByRole("button", { name: "Add section" }).click();
  await page.getByRole("button", { name: "Add field" }).click();
  await page.getByLabel("Answer type").nth(2).selectOption("signature");
  await expectGoodPage(page);
  await page.getByRole("button", { name: "Save new version" }).click();
  await expect(page.getByText("Saved as version 2.")).toBeVisible();

  await page.reload();
  await expect(page.getByText("Current version: 2.")).toBeVisible();
  await expect(page.getByLabel("Question", { exact: true }).first()).toHaveValue("Child's name");
  await expect(page.getByLabel("Section title")).toHaveCount(2);
});
