// Staff manage a client's appointments from the client's page: one made for Jordan is listed
// under Upcoming, changed to another time, then cancelled with a reason; the portal shows it
// cancelled. Accessible and without sideways scroll at 360 px.
const { test, expect } = require("@playwright/test");
const { signIn, expectGoodPage, waitForHydration } = require("./helpers");

test("staff change and cancel an appointment, and the portal shows it cancelled", async ({ page, browser }) => {
  await signIn(page, "admin@brightpath.example", "/admin");
  await page.goto("/admin/clients");
  await page.getByRole("link", { name: "Jordan Lee" }).click();
  await waitForHydration(page);
  const form = page.locator("details", { has: page.locator("summary", { hasText: "New appointment" }) });
  await form.locator("summary").click();
  await form.getByLabel("Therapist", { exact: true }).selectOption({ label: "Taylor Brooks" });
  await form.getByLabel("Where").selectOption("telehealth");
  await form.getByLabel("Date", { exact: true }).fill("2031-07-07");
  await form.getByLabel("Start time").fill("10:00");
  await form.getByLabel("Service").fill("ABA session");
  await form.getByRole("button", { name: "Make appointment" }).click();
  await expect(page.getByText("Appointment made.")).toBeVisible();

  const row = page.locator("li.appointment", { hasText: "Mon 7 Jul 2031, 10:00" });
  await expect(row).toContainText("Taylor Brooks · Telehealth · ABA session");
  await row.locator("summary", { hasText: "Change" }).click();
  await row.getByLabel("Start time").fill("15:00");
  await row.getByRole("button", { name: "Save changes" }).click();
  await expect(page.getByText("Appointment changed. The family was emailed.")).toBeVisible();
  const moved = page.locator("li.appointment", { hasText: "Mon 7 Jul 2031, 15:00" });
  await expect(moved).toBeVisible();
  await expectGoodPage(page);

  await moved.locator("summary", { hasText: "Cancel" }).click();
  await moved.getByLabel("Reason (the family sees it)").fill("Therapist unwell");
  await moved.getByRole("button", { name: "Cancel appointment" }).click();
  await expect(page.getByText("Appointment cancelled. The family was emailed.")).toBeVisible();
  await expect(page.locator("li.appointment", { hasText: "Mon 7 Jul 2031, 15:00" })).toContainText("Cancelled by the practice: Therapist unwell");

  const client = await (await browser.newContext()).newPage();
  await signIn(client, "client@brightpath.example", "/portal");
  await client.goto(client.url().replace(/\/?$/, "/appointments"));
  const shown = client.locator("li.appointment", { hasText: "Mon 7 Jul 2031, 15:00" });
  await expect(shown).toContainText("Cancelled");
  await expectGoodPage(client);
});
