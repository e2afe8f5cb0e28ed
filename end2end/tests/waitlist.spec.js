// The waitlist: the parent puts Sam on Taylor Brooks's waitlist; the practice cancels one of
// Jordan's appointments with Taylor; the offer reaches the parent (read from the outbox), its link
// opens the request form on the freed time, and the parent requests it. Staff see Sam waiting on
// the Calendar. Accessible and without sideways scroll at 360 px.
const { test, expect } = require("@playwright/test");
const { signIn, expectGoodPage, waitForHydration } = require("./helpers");

/**
 * A weekday at least five days ahead in New York: its date as YYYY-MM-DD, and the 15:00 hour as
 * the app writes it ("8 Dec 2026, 15:00–16:00"). Jordan may have other 15:00 appointments with
 * Taylor (the scheduling spec books the first free slot), so rows and emails are matched by date.
 */
function weekdayAhead() {
  const day = new Date(Date.now() + 5 * 86400000);
  const inNewYork = (options) => day.toLocaleDateString("en-US", { timeZone: "America/New_York", ...options });
  while (["Sat", "Sun"].includes(inNewYork({ weekday: "short" }))) day.setTime(day.getTime() + 86400000);
  const date = day.toLocaleDateString("en-CA", { timeZone: "America/New_York" });
  const label = `${inNewYork({ day: "numeric" })} ${inNewYork({ month: "short" })} ${inNewYork({ year: "numeric" })}, 15:00–16:00`;
  return { date, label };
}

test("a waitlisted client is offered a cancelled time and requests it", async ({ page, browser }) => {
  const parent = await (await browser.newContext()).newPage();
  await signIn(parent, "parent@brightpath.example", "/portal");
  await parent.getByRole("navigation", { name: "Switch client" }).getByRole("link", { name: "Sam Lee" }).click();
  await expect(parent.getByRole("heading", { level: 1, name: "Sam Lee" })).toBeVisible();
  await parent.getByRole("navigation", { name: "Sam Lee in the portal" }).getByRole("link", { name: "Appointments" }).click();
  await expect(parent.getByRole("heading", { level: 1, name: "Appointments" })).toBeVisible();
  await waitForHydration(parent);
  const waitlist = parent.getByRole("region", { name: "Waitlist" });
  await waitlist.locator("summary", { hasText: "Join a waitlist" }).click();
  await waitlist.getByLabel("Therapist").selectOption({ label: "Taylor Brooks" });
  await waitlist.getByRole("button", { name: "Join the waitlist" }).click();
  await expect(waitlist.locator(".field-error", { hasText: "Choose at least one weekday." })).toBeVisible();
  for (const day of ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday"]) await waitlist.getByLabel(day).check();
  for (const part of ["Mornings", "Afternoons"]) await waitlist.getByLabel(part).check();
  await waitlist.getByRole("button", { name: "Join the waitlist" }).click();
  await expect(parent.getByText("You are on the waitlist.")).toBeVisible();
  await expect(waitlist.locator("li", { hasText: "Taylor Brooks" })).toContainText("Mon, Tue, Wed, Thu, Fri · mornings, afternoons");
  await expectGoodPage(parent);

  // The practice makes, then cancels, one of Jordan's appointments with Taylor.
  const { date, label } = weekdayAhead();
  await signIn(page, "admin@brightpath.example", "/admin");
  await page.goto("/admin/clients");
  await page.getByRole("link", { name: "Jordan Lee" }).click();
  await waitForHydration(page);
  const form = page.locator("details", { has: page.locator("summary", { hasText: "New appointment" }) });
  await form.locator("summary").click();
  await form.getByLabel("Therapist", { exact: true }).selectOption({ label: "Taylor Brooks" });
  await form.getByLabel("Where").selectOption("telehealth");
  await form.getByLabel("Date", { exact: true }).fill(date);
  await form.getByLabel("Start time").fill("15:00");
  await form.getByLabel("Service").fill("ABA session");
  await form.getByRole("button", { name: "Make appointment" }).click();
  await expect(page.getByText("Appointment made.")).toBeVisible();
  const row = page.locator("li.appointment", { hasText: label }).filter({ hasText: "Taylor Brooks" });
  await row.locator("summary", { hasText: "Cancel" }).click();
  await row.getByLabel("Reason (the family sees it)").fill("Therapist at a training");
  await row.getByRole("button", { name: "Cancel appointment" }).click();
  await expect(page.getByText("Appointment cancelled. The family was emailed.")).toBeVisible();

  // The offer, in the outbox, to the parent.
  await page.goto("/admin/organization/outbox");
  const email = page.locator("article.email", { hasText: "a time opened up" }).filter({ has: page.locator(".recipient", { hasText: "parent@brightpath.example" }) }).first();
  await expect(email).toBeVisible();
  const body = await email.locator(".email-body").innerText();
  expect(body).toContain(label);
  expect(body).not.toContain("Taylor");
  const link = body.match(/https?:\/\/\S+\/appointments\?slot=\S+/);
  expect(link, body).not.toBeNull();

  // The link opens the request form on that time; the parent asks for it.
  await parent.goto(link[0]);
  await waitForHydration(parent);
  await expect(parent.getByText("The time you were offered is chosen below.")).toBeVisible();
  await expect(parent.getByLabel("Time").locator("option:checked")).toContainText(label);
  await parent.getByRole("button", { name: "Request this time" }).click();
  await expect(parent.getByText("Requested. The therapist will answer")).toBeVisible();
  await expect(parent.getByRole("region", { name: "Upcoming" }).locator("li", { hasText: label })).toContainText("Requested, waiting for the therapist");
  await expectGoodPage(parent);

  // Staff see Sam on Taylor's waitlist, with the offer sent.
  await page.goto("/admin/calendar?staff=all&view=day");
  const waiting = page.getByRole("region", { name: "Waitlist" }).locator("li", { hasText: "Sam Lee" });
  await expect(waiting).toContainText("Taylor Brooks · Mon, Tue, Wed, Thu, Fri · mornings, afternoons");
  await expect(waiting).toContainText("1 offer sent");
  await expectGoodPage(page);
});
