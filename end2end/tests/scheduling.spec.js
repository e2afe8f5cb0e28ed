// Self-scheduling: the client requests a slot, the therapist's calendar badge rises live and
// they accept, the client sees the appointment; with self-scheduling off for the client the
// request form is gone; a therapist makes an appointment and edits availability; a slot within
// 24 hours (extra hours two hours from now) is offered only with the sub-setting on, is then
// marked last-minute, and the client cancels it. The server's refusals are tested with a fixed clock in
// server/tests/scheduling.rs. Serial: the steps build on each other.
const { test, expect } = require("@playwright/test");
const { signIn, expectGoodPage, waitForHydration } = require("./helpers");

test.describe.configure({ mode: "serial" });

async function openAppointments(page) {
  await expect(page.getByRole("heading", { level: 1, name: "Jordan Lee" })).toBeVisible();
  await page.getByRole("navigation", { name: "Jordan Lee in the portal" }).getByRole("link", { name: "Appointments" }).click();
  await expect(page.getByRole("heading", { level: 1, name: "Appointments" })).toBeVisible();
}

test("the client requests a slot, the therapist's badge rises live and they accept, the client sees it", async ({ browser }) => {
  // The therapist's admin is open before the request: the badge must rise without a reload.
  const therapist = await (await browser.newContext()).newPage();
  await signIn(therapist, "therapist@brightpath.example", "/admin");
  await waitForHydration(therapist);
  const icon = therapist.getByRole("navigation", { name: "Primary" }).getByRole("link", { name: /Calendar/ });
  await expect(icon.locator(".badge")).toHaveCount(0);

  const client = await (await browser.newContext()).newPage();
  await signIn(client, "client@brightpath.example", "/portal/clients");
  await openAppointments(client);
  await waitForHydration(client);
  const time = client.getByLabel("Time");
  const chosen = await time.locator("option").first().textContent();
  await time.selectOption({ index: 0 });
  await client.getByLabel("Note for the therapist (optional)").fill("First visit after the holidays");
  await client.getByRole("button", { name: "Request this time" }).click();
  await expect(client.getByText("Requested. The therapist will answer")).toBeVisible();
  const when = chosen.split(" with ")[0];
  const upcoming = client.getByRole("region", { name: "Upcoming" });
  await expect(upcoming.locator("li", { hasText: when })).toContainText("Requested, waiting for the therapist");
  await expectGoodPage(client);

  await expect(icon.locator(".badge")).toHaveText("1");
  await icon.click();
  const request = therapist.locator("li.request", { hasText: "Jordan Lee" });
  await expect(request).toContainText(when);
  await expect(request).toContainText("First visit after the holidays");
  await expectGoodPage(therapist);
  await request.getByRole("button", { name: /^Accept/ }).click();
  await expect(therapist.getByText("Answer saved. The client has been emailed.")).toBeVisible();
  await expect(icon.locator(".badge")).toHaveCount(0);

  await client.reload();
  const booked = upcoming.locator("li", { hasText: when });
  await expect(booked).toContainText("Booked");
  const href = await booked.getByRole("link", { name: /^Add to calendar/ }).getAttribute("href");
  const file = await client.request.get(href);
  expect(file.headers()["content-type"]).toContain("text/calendar");
  expect(await file.text()).toContain("BEGIN:VEVENT");

  await therapist.locator("summary", { hasText: "Subscribe in your calendar app" }).click();
  await therapist.getByRole("button", { name: "Create a private link" }).click();
  await expect(therapist.getByLabel(/Your private calendar link/)).toHaveValue(/\/calendar\/[0-9a-f]{64}\.ics$/);
});

test("with self-scheduling off for Jordan, the request form is gone", async ({ browser }) => {
  const admin = await (await browser.newContext()).newPage();
  await signIn(admin, "admin@brightpath.example", "/admin");
  await admin.goto("/admin/organization/client-portal");
  await waitForHydration(admin);
  const row = admin.locator("li.portal-client", { has: admin.getByRole("heading", { name: "Jordan Lee" }) });
  const jordans = row.getByRole("switch", { name: "Allow Clients Self-Scheduling through Client Portal" });
  await jordans.click();
  await expect(jordans).toHaveAttribute("aria-checked", "false");
  await expect(jordans).toHaveAttribute("aria-busy", "false");

  const client = await (await browser.newContext()).newPage();
  await signIn(client, "client@brightpath.example", "/portal/clients");
  await openAppointments(client);
  await expect(client.getByRole("region", { name: "Upcoming" })).toBeVisible();
  await expect(client.getByRole("heading", { name: "Request an appointment" })).toHaveCount(0);

  await jordans.click();
  await expect(jordans).toHaveAttribute("aria-checked", "true");
  await expect(jordans).toHaveAttribute("aria-busy", "false");
});

test("a therapist makes an appointment from the client's page and sees it in the week", async ({ page }) => {
  await signIn(page, "therapist@brightpath.example", "/admin");
  await page.getByRole("link", { name: "Sam Lee" }).click();
  await expect(page.getByRole("heading", { level: 1, name: "Sam Lee" })).toBeVisible();
  await waitForHydration(page);
  // The new-appointment form (each listed appointment has a change form with the same fields).
  const form = page.locator("details", { has: page.locator("summary", { hasText: "New appointment" }) });
  await form.locator("summary").click();
  await form.getByLabel("Therapist", { exact: true }).selectOption({ label: "Taylor Brooks" });
  await form.getByLabel("Where").selectOption("telehealth");
  await form.getByLabel("Date", { exact: true }).fill("2031-03-03");
  await form.getByLabel("Start time").fill("11:00");
  await form.getByLabel("Service").fill("Speech session");
  await form.getByLabel("Price in dollars (optional)").fill("95");
  await form.getByRole("button", { name: "Make appointment" }).click();
  await expect(page.getByText("Appointment made.")).toBeVisible();
  await expectGoodPage(page);

  await page.goto("/admin/calendar?week=2031-03-05");
  await waitForHydration(page);
  const monday = page.locator("li.day", { has: page.getByRole("heading", { name: "Monday 3 March" }) });
  await expect(monday.locator("li.item")).toContainText("11:00–12:00");
  await expect(monday.locator("li.item")).toContainText("Sam Lee");
  await expectGoodPage(page);
  await monday.getByRole("link", { name: "Monday 3 March" }).click();
  await expect(page.getByRole("heading", { name: "Taylor Brooks · Monday 3 March 2031" })).toBeVisible();
  await expect(page.locator("li.item")).toContainText("Sam Lee");
  await expect(page.locator("li.day")).toHaveCount(1);
  await expectGoodPage(page);
  await page.getByRole("link", { name: "Next day" }).click();
  await expect(page.getByRole("heading", { name: "Taylor Brooks · Tuesday 4 March 2031" })).toBeVisible();
  await page.getByRole("link", { name: "Whole week" }).click();
  await page.getByRole("link", { name: "Next week" }).click();
  await expect(page.getByRole("heading", { name: /week of 10 March 2031/ })).toBeVisible();
});

test("a therapist publishes extra hours and removes them", async ({ page }) => {
  await signIn(page, "therapist@brightpath.example", "/admin");
  await page.goto("/admin/calendar");
  await page.getByRole("link", { name: "Your availability" }).click();
  await expect(page.getByRole("heading", { level: 1, name: "Availability" })).toBeVisible();
  await expect(page.locator("li strong", { hasText: "Monday" })).toBeVisible();
  await waitForHydration(page);
  await page.locator("summary", { hasText: "Add hours or an exception" }).click();
  await page.getByLabel("What").selectOption("extra_hours");
  await page.getByLabel("Date (time off or extra hours)").fill("2031-05-03");
  await page.getByLabel("From", { exact: true }).fill("10:00");
  await page.getByLabel("Until").fill("09:00");
  await page.getByRole("button", { name: "Add", exact: true }).click();
  await expect(page.locator("p.field-error", { hasText: "The end must be after the start." })).toBeVisible();
  await page.getByLabel("Until").fill("12:00");
  await page.getByRole("button", { name: "Add", exact: true }).click();
  await expect(page.locator("li strong", { hasText: "2031-05-03 · extra hours" })).toBeVisible();
  await expectGoodPage(page);
  await page.getByRole("button", { name: /^Remove 2031-05-03/ }).click();
  await expect(page.locator("li strong", { hasText: "2031-05-03 · extra hours" })).toHaveCount(0);
});

/** The date (YYYY-MM-DD) and hour in New York `hoursAhead` hours from now. */
function newYork(hoursAhead) {
  const at = new Date(Date.now() + hoursAhead * 3600 * 1000);
  const parts = Object.fromEntries(
    new Intl.DateTimeFormat("en-CA", { timeZone: "America/New_York", year: "numeric", month: "2-digit", day: "2-digit", hour: "2-digit", hourCycle: "h23" })
      .formatToParts(at)
      .map((p) => [p.type, p.value]),
  );
  return { date: `${parts.year}-${parts.month}-${parts.day}`, hour: Number(parts.hour) };
}

test("a slot within 24 hours is offered only with the sub-setting on, is then marked last-minute, and the client cancels it", async ({ browser }) => {
  // Extra hours two to three hours from now: certainly within 24 hours. An hour that starts at
  // 23:00 would end at midnight, the next day: then the hour after it.
  let { date, hour } = newYork(2);
  if (hour === 23) ({ date, hour } = newYork(3));
  const therapist = await (await browser.newContext()).newPage();
  await signIn(therapist, "therapist@brightpath.example", "/admin");
  await therapist.goto("/admin/availability");
  await waitForHydration(therapist);
  await therapist.locator("summary", { hasText: "Add hours or an exception" }).click();
  await therapist.getByLabel("What").selectOption("extra_hours");
  await therapist.getByLabel("Date (time off or extra hours)").fill(date);
  await therapist.getByLabel("From", { exact: true }).fill(`${String(hour).padStart(2, "0")}:00`);
  await therapist.getByLabel("Until").fill(`${String(hour + 1).padStart(2, "0")}:00`);
  await therapist.getByRole("button", { name: "Add", exact: true }).click();
  await expect(therapist.locator("li strong", { hasText: `${date} · extra hours` })).toBeVisible();

  const client = await (await browser.newContext()).newPage();
  await signIn(client, "client@brightpath.example", "/portal/clients");
  await openAppointments(client);
  await expect(client.getByLabel("Time").locator("option", { hasText: "(last-minute)" })).toHaveCount(0);

  const admin = await (await browser.newContext()).newPage();
  await signIn(admin, "admin@brightpath.example", "/admin");
  await admin.goto("/admin/organization/client-portal");
  await waitForHydration(admin);
  const within24 = admin.getByRole("region", { name: "Organization-wide settings" })
    .getByRole("switch", { name: "Allow Clients to Schedule/Cancel an Appointment within 24 hours", exact: true });
  await within24.click();
  await expect(within24).toHaveAttribute("aria-checked", "true");
  await expect(within24).toHaveAttribute("aria-busy", "false");

  await client.reload();
  await waitForHydration(client);
  const lastMinute = client.getByLabel("Time").locator("option", { hasText: "(last-minute)" }).first();
  const label = await lastMinute.textContent();
  await client.getByLabel("Time").selectOption({ label });
  await client.getByRole("button", { name: "Request this time" }).click();
  await expect(client.getByText("Requested. The therapist will answer")).toBeVisible();
  const item = client.getByRole("region", { name: "Upcoming" }).locator("li", { hasText: label.split(" with ")[0] });
  await expect(item).toContainText("last-minute");
  // The client cancels it on the islands page: the tab loads again in place, no page load.
  await client.evaluate(() => { window.stillThisPage = true; });
  await item.getByRole("button", { name: /^Cancel/ }).click();
  await expect(client.getByText("Cancelled.", { exact: true })).toBeVisible();
  await expect(item).toContainText("Cancelled");
  await expect(item.getByRole("button", { name: /^Cancel/ })).toHaveCount(0);
  expect(await client.evaluate(() => window.stillThisPage)).toBe(true);

  await within24.click();
  await expect(within24).toHaveAttribute("aria-checked", "false");
  await expect(within24).toHaveAttribute("aria-busy", "false");
});
