// Organization → Staff: an administrator invites a therapist, who joins from the Outbox link,
// sets up two-step verification with a code the test computes, sets weekly hours and is offered
// in a client's appointment form; once deactivated, their open session is signed out on its next
// request and they are offered no more. Accessible and without sideways scroll at 360 px.
const { test, expect } = require("@playwright/test");
const { signIn, expectGoodPage, waitForHydration, linkFromOutbox, totp } = require("./helpers");

const ROWAN = "rowan.hale@brightpath.example";
const PASSWORD = "rowan's own password";

test("an administrator invites a therapist who joins, is booked, and is deactivated", async ({ browser }) => {
  const admin = await (await browser.newContext()).newPage();
  await signIn(admin, "admin@brightpath.example", "/admin");
  await admin.goto("/admin/organization/staff");
  await waitForHydration(admin);
  await expect(admin.getByRole("heading", { level: 1, name: "Staff" })).toBeVisible();
  const invite = admin.getByRole("region", { name: "Invite a staff member" });
  // No role: the server says what is missing and keeps what was typed.
  await invite.getByLabel("Name").fill("Rowan Hale");
  await invite.getByLabel("Email").fill(ROWAN);
  await invite.getByLabel("Credentials (optional, e.g. BCBA, RBT)").fill("RBT");
  await invite.getByLabel("Therapist").uncheck();
  await invite.getByRole("button", { name: "Send invitation" }).click();
  await expect(invite.locator(".field-error", { hasText: "Choose Administrator, Therapist, or both." })).toBeVisible();
  await expect(invite.getByLabel("Name")).toHaveValue("Rowan Hale");
  await invite.getByLabel("Therapist").check();
  await invite.getByRole("button", { name: "Send invitation" }).click();
  await expect(invite.getByText("Invitation sent.")).toBeVisible();
  const row = admin.locator("tr", { hasText: ROWAN });
  await expect(row).toContainText("Rowan Hale, RBT");
  await expect(row).toContainText("Invited (link valid until");
  await expectGoodPage(admin);

  // Rowan joins from the emailed link and lands in the admin.
  const link = await linkFromOutbox(admin, ROWAN, "/welcome");
  const rowan = await (await browser.newContext()).newPage();
  await rowan.goto(link);
  await waitForHydration(rowan);
  await rowan.getByLabel("New password").fill(PASSWORD);
  await rowan.getByLabel("Repeat the password").fill(PASSWORD);
  await rowan.getByRole("button", { name: "Save password and sign in" }).click();
  await expect(rowan).toHaveURL(/\/admin(\/|$)/);

  // Two-step verification, with a code computed from the key the page shows.
  await rowan.goto("/admin/account");
  await waitForHydration(rowan);
  const twoStep = rowan.getByRole("region", { name: "Two-step verification" });
  await twoStep.getByRole("button", { name: "Set up two-step verification" }).click();
  await expect(twoStep.getByRole("img", { name: "QR code for your authenticator app" })).toBeVisible();
  const key = await twoStep.locator("code.secret").innerText();
  await twoStep.getByLabel("Code from the app").fill(totp(key));
  await twoStep.getByRole("button", { name: "Turn on" }).click();
  await expect(twoStep.getByRole("heading", { name: "Your recovery codes" })).toBeVisible();
  await expect(twoStep.locator("ul.recovery-codes li")).toHaveCount(10);
  await expectGoodPage(rowan);

  // Weekly hours on Tuesdays.
  await rowan.goto("/admin/availability");
  await waitForHydration(rowan);
  await rowan.locator("summary", { hasText: "Add hours or an exception" }).click();
  await rowan.getByLabel("What").selectOption("weekly");
  await rowan.getByLabel("Day of the week (weekly hours)").selectOption({ label: "Tuesday" });
  await rowan.getByLabel("From", { exact: true }).fill("09:00");
  await rowan.getByLabel("Until").fill("12:00");
  await rowan.getByRole("button", { name: "Add", exact: true }).click();
  await expect(rowan.getByText("Added.")).toBeVisible();
  const weekly = rowan.locator("section", { has: rowan.getByRole("heading", { name: "Weekly hours" }) });
  await expect(weekly).toContainText("Tuesday");

  // Assigned to a new client, Rowan is offered in that client's appointment form.
  await admin.goto("/admin/clients/new");
  await waitForHydration(admin);
  await admin.getByLabel("First name").fill("Ellis");
  await admin.getByLabel("Last name").fill("Hale");
  await admin.getByLabel("Date of birth").fill("2016-09-12");
  await admin.getByRole("button", { name: "Create client" }).click();
  await expect(admin.getByRole("heading", { level: 1, name: "Ellis Hale" })).toBeVisible();
  await waitForHydration(admin);
  await admin.getByLabel("Assign staff member").selectOption({ label: "Rowan Hale" });
  await admin.getByRole("button", { name: "Assign", exact: true }).click();
  await expect(admin.getByRole("button", { name: "Unassign Rowan Hale" })).toBeVisible();
  await expect(admin.locator("#appt-staff").locator("option", { hasText: "Rowan Hale" })).toHaveCount(1);
  const client = admin.url();

  // Deactivated: the open session ends on its next request, and Rowan is offered no more.
  await admin.goto("/admin/organization/staff");
  await waitForHydration(admin);
  await expect(admin.locator("tr", { hasText: ROWAN })).toContainText("two-step on");
  await admin.locator("tr", { hasText: ROWAN }).getByRole("link", { name: "Deactivate Rowan Hale" }).click();
  const panel = admin.getByRole("region", { name: "Deactivate Rowan Hale" });
  await expect(panel).toContainText("no open appointment requests");
  await panel.getByLabel("Their open requests").selectOption("decline");
  await panel.getByRole("button", { name: "Deactivate" }).click();
  await expect(admin.getByText("Rowan Hale was deactivated and signed out.")).toBeVisible();
  await expect(admin.locator("tr", { hasText: ROWAN })).toContainText("Deactivated");
  await expectGoodPage(admin);

  await rowan.goto("/admin/calendar");
  await expect(rowan).toHaveURL(/\/sign-in/);
  await rowan.getByLabel("Email").fill(ROWAN);
  await rowan.getByLabel("Password").fill(PASSWORD);
  await rowan.getByRole("button", { name: "Sign in" }).click();
  await expect(rowan.getByText("This login has been deactivated.")).toBeVisible();

  await admin.goto(client);
  await waitForHydration(admin);
  await expect(admin.getByText("Rowan Hale (therapist) (deactivated)")).toBeVisible();
  await expect(admin.locator("#appt-staff").locator("option", { hasText: "Rowan Hale" })).toHaveCount(0);
});
