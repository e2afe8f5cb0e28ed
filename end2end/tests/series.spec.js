// Recurring appointments: a therapist checks a Mon/Wed/Fri series for Sam across the spring
// clock change, sees the date taken by another appointment marked, makes the rest, and finds
// them marked in the month view at the same local time; then cancels the whole series from
// one of its appointments. Accessible and without sideways scroll at 360 px.
const { test, expect } = require("@playwright/test");
const { signIn, expectGoodPage, waitForHydration } = require("./helpers");

test("a series is checked, made without its conflict, shown in the month view and cancelled", async ({ page }) => {
  await signIn(page, "therapist@brightpath.example", "/admin");
  await page.getByRole("link", { name: "Sam Lee" }).click();
  await expect(page.getByRole("heading", { level: 1, name: "Sam Lee" })).toBeVisible();
  await waitForHydration(page);

  // Wednesday 3 March 2032 at 16:00 is taken already.
  const single = page.locator("details", { has: page.locator("summary", { hasText: "New appointment" }) });
  await single.locator("summary").click();
  await single.getByLabel("Therapist", { exact: true }).selectOption({ label: "Taylor Brooks" });
  await single.getByLabel("Where").selectOption("telehealth");
  await single.getByLabel("Date", { exact: true }).fill("2032-03-03");
  await single.getByLabel("Start time").fill("16:00");
  await single.getByLabel("Service").fill("Speech session");
  await single.getByRole("button", { name: "Make appointment" }).click();
  await expect(page.getByText("Appointment made.")).toBeVisible();
  // The list shows it once the page has redrawn with the new appointment.
  await expect(page.locator("li.appointment", { hasText: "Wed 3 Mar 2032, 16:00" })).toBeVisible();

  const panel = page.locator("details", { has: page.locator("summary", { hasText: "Recurring appointments" }) });
  await panel.locator("summary").click();
  await expect(panel.getByLabel("First date")).toBeVisible();
  await panel.getByLabel("Therapist", { exact: true }).selectOption({ label: "Taylor Brooks" });
  await panel.getByLabel("Where").selectOption("telehealth");
  await panel.getByLabel("First date").fill("2032-03-01");
  await panel.getByLabel("Start time").fill("15:30");
  await panel.getByLabel("Duration").selectOption({ label: "120 minutes" });
  await panel.getByLabel("Service").fill("ABA session");
  await panel.getByRole("button", { name: "Check dates" }).click();
  await expect(panel.locator(".field-error", { hasText: "Choose at least one weekday." })).toBeVisible();
  for (const day of ["Monday", "Wednesday", "Friday"]) await panel.getByLabel(day).check();
  await panel.getByLabel("For how many weeks").fill("3");
  await panel.getByRole("button", { name: "Check dates" }).click();

  await expect(panel.getByRole("heading", { name: "Every Mon, Wed, Fri at 15:30 · 9 dates" })).toBeVisible();
  const conflicts = panel.locator(".series-dates li.conflict");
  await expect(conflicts).toHaveCount(1);
  await expect(conflicts).toContainText("Wed 3 Mar 2032");
  await expect(conflicts).toContainText("Another appointment 16:00–17:00.");
  // After the clocks go forward on 14 March the series keeps its local time.
  await expect(panel.locator(".series-dates li", { hasText: "Mon 15 Mar 2032" })).toContainText("15:30–17:30 EDT");
  await expectGoodPage(page);
  await panel.getByRole("button", { name: "Make the 8 free appointments (skip 1)" }).click();
  await expect(page.getByText("Series made: 8 appointments, 1 date skipped.")).toBeVisible();
  const first = page.locator("li.appointment", { hasText: "Mon 1 Mar 2032, 15:30" });
  await expect(first).toContainText("Series: Every Mon, Wed, Fri at 15:30");

  await page.goto("/admin/calendar?view=month&date=2032-03-01");
  await expect(page.getByRole("heading", { name: "Taylor Brooks · March 2032" })).toBeVisible();
  const day = (label) => page.locator("li.day", { has: page.getByRole("heading", { name: label, exact: true }) });
  await expect(day("Monday 1 March").locator("li.item")).toContainText("15:30–17:30");
  await expect(day("Monday 1 March").locator("li.item")).toContainText("(recurring)");
  await expect(day("Wednesday 3 March").locator("li.item")).toHaveCount(1);
  await expect(day("Wednesday 3 March").locator("li.item")).toContainText("16:00–17:00");
  await expect(day("Monday 15 March").locator("li.item")).toContainText("15:30–17:30");
  await expect(page.locator(".series-mark")).toHaveCount(8);
  await expectGoodPage(page);
  await page.getByRole("link", { name: "Next month" }).click();
  await expect(page.getByRole("heading", { name: "Taylor Brooks · April 2032" })).toBeVisible();

  // Cancelling the whole series from its first appointment.
  await page.goto("/admin/calendar?view=month&date=2032-03-01");
  await day("Monday 1 March").getByRole("link", { name: "Sam Lee" }).click();
  await waitForHydration(page);
  const row = page.locator("li.appointment", { hasText: "Mon 1 Mar 2032, 15:30" });
  await row.locator("summary", { hasText: "Cancel" }).click();
  await row.getByLabel("Reason (the family sees it)").fill("Schedule change");
  // The cancel form's choice (the change form has one too).
  await row.locator('form:has(button:has-text("Cancel appointment"))').getByLabel("Apply to").selectOption("all");
  await row.getByRole("button", { name: "Cancel appointment" }).click();
  await expect(page.getByText("Appointment cancelled. The family was emailed.")).toBeVisible();
  await page.goto("/admin/calendar?view=month&date=2032-03-01");
  await expect(page.getByRole("heading", { name: "Taylor Brooks · March 2032" })).toBeVisible();
  await expect(page.locator(".series-mark")).toHaveCount(0);
  await expect(day("Wednesday 3 March").locator("li.item")).toHaveCount(1);
});
