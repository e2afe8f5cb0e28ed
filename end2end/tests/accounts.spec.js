// Portal accounts: a staff invitation read from the Outbox, choosing a password, a contact's
// access with scopes and an end date, and a password reset. Serial: the tests follow one new
// client, Quinn Park, from invitation to reset.
const { test, expect } = require("@playwright/test");
const { signIn, expectGoodPage, waitForHydration, linkFromOutbox } = require("./helpers");

test.describe.configure({ mode: "serial" });

const QUINN = "quinn.park@example.com";
const NEW_PASSWORD = "quinn's first password";
const RESET_PASSWORD = "quinn's second password";

test("staff invite a client; the client sets a password from the emailed link and is signed in", async ({ browser }) => {
  const admin = await (await browser.newContext()).newPage();
  await signIn(admin, "admin@brightpath.example", "/admin");
  await admin.goto("/admin/clients/new");
  await waitForHydration(admin);
  await admin.getByLabel("First name").fill("Quinn");
  await admin.getByLabel("Last name").fill("Park");
  await admin.getByLabel("Date of birth").fill("2014-03-01");
  await admin.getByLabel("Email (optional)").fill(QUINN);
  await admin.getByRole("button", { name: "Create client" }).click();
  await expect(admin.getByRole("heading", { level: 1, name: "Quinn Park" })).toBeVisible();
  await expect(admin.locator(".portal-status").first()).toHaveText("Not invited");
  await admin.getByRole("button", { name: "Invite to portal: Quinn Park" }).click();
  await expect(admin.getByText("Invitation sent.")).toBeVisible();
  await expect(admin.locator(".portal-status").first()).toContainText("Invited, link valid until");
  await expect(admin.getByRole("button", { name: "Revoke invitation: Quinn Park" })).toBeVisible();

  const link = await linkFromOutbox(admin, QUINN, "/welcome");
  await expectGoodPage(admin);

  const client = await (await browser.newContext()).newPage();
  await client.goto(link);
  await expect(client.getByRole("heading", { name: "Welcome to Bright Path ABA" })).toBeVisible();
  await expectGoodPage(client);
  await waitForHydration(client);
  await client.getByLabel("New password").fill("short");
  await expect(client.getByText("Use at least 10 characters.")).toBeVisible();
  await client.getByLabel("New password").fill(NEW_PASSWORD);
  await client.getByLabel("Repeat the password").fill(NEW_PASSWORD);
  await client.getByRole("button", { name: "Save password and sign in" }).click();
  // Quinn's login acts for one client, so it lands on that client's home.
  await expect(client).toHaveURL(/\/portal\/clients\/\d+$/);
  await expect(client.getByRole("heading", { level: 1, name: "Quinn Park" })).toBeVisible();

  // The link works once only.
  await client.goto(link);
  await expect(client.getByRole("heading", { name: "This link has been used" })).toBeVisible();
  await expectGoodPage(client);

  await admin.goto("/admin/clients");
  await admin.getByRole("link", { name: "Quinn Park" }).click();
  await expect(admin.locator(".portal-status").first()).toHaveText("Has a portal login");
});

test("staff grant a contact access with scopes and an end date, then invite them", async ({ page }) => {
  await signIn(page, "admin@brightpath.example", "/admin");
  await page.goto("/admin/clients");
  await page.getByRole("link", { name: "Quinn Park" }).click();
  await waitForHydration(page);
  await page.getByText("Add a contact").click();
  await page.getByLabel("Contact name").fill("Pat Park");
  await page.getByLabel("Contact email").fill("pat.park@example.com");
  await page.getByLabel("Relationship", { exact: true }).selectOption("guardian");
  await page.getByRole("button", { name: "Add contact" }).click();
  await expect(page.getByText("Contact added.")).toBeVisible();
  const pat = page.locator("li.contact", { hasText: "Pat Park" });
  await expect(pat.locator(".access")).toHaveText("No portal access");

  await pat.getByText("Portal access for Pat Park").click();
  await pat.getByLabel("Allow portal access for this client").check();
  await pat.getByRole("button", { name: "Save access" }).click();
  await expect(pat.getByText("Choose at least one of intake forms, payments, scheduling or messages.")).toBeVisible();
  await pat.getByLabel("Intake forms").check();
  await pat.getByLabel("Messages").check();
  await pat.getByLabel("Access ends after (optional)").fill("2030-01-31");
  await pat.getByRole("button", { name: "Save access" }).click();
  await expect(page.getByText("Access saved.")).toBeVisible();
  await expect(pat.locator(".access")).toHaveText("Portal access: Intake forms, Messages · until 2030-01-31");

  await pat.getByRole("button", { name: "Invite to portal: Pat Park" }).click();
  await expect(page.getByText("Invitation sent.")).toBeVisible();
  await expect(pat.locator(".portal-status")).toContainText("Invited");
  await expectGoodPage(page);
});

test("a password reset works and ends the old session", async ({ browser }) => {
  const old = await (await browser.newContext()).newPage();
  await old.goto("/sign-in");
  await old.getByLabel("Email").fill(QUINN);
  await old.getByLabel("Password").fill(NEW_PASSWORD);
  await old.getByRole("button", { name: "Sign in" }).click();
  // This login acts for one client: it lands on that client's home.
  await expect(old).toHaveURL(/\/portal\/clients\/\d+$/);

  const page = await (await browser.newContext()).newPage();
  await page.goto("/sign-in");
  await page.getByRole("link", { name: "Forgot your password?" }).click();
  await expect(page.getByRole("heading", { name: "Reset your password" })).toBeVisible();
  // An islands page: its form is the island, which says what happened once it is hydrated.
  await waitForHydration(page);
  await expect(page.locator('leptos-island[data-component^="ForgotPasswordIsland_"]')).toHaveCount(1);
  await expectGoodPage(page);
  await page.getByLabel("Email").fill(QUINN);
  await page.getByRole("button", { name: "Send reset link" }).click();
  await expect(page.getByText("If that email has a login, a reset link is on its way.")).toBeVisible();

  const admin = await (await browser.newContext()).newPage();
  await signIn(admin, "admin@brightpath.example", "/admin");
  const link = await linkFromOutbox(admin, QUINN, "/reset-password");
  await page.goto(link);
  await expect(page.getByRole("heading", { name: "Choose a new password" })).toBeVisible();
  await page.getByLabel("New password").fill(RESET_PASSWORD);
  await page.getByLabel("Repeat the password").fill(RESET_PASSWORD);
  await page.getByRole("button", { name: "Save password and sign in" }).click();
  await expect(page).toHaveURL(/\/portal\/clients\/\d+$/);
  await expect(page.getByRole("heading", { level: 1, name: "Quinn Park" })).toBeVisible();

  await old.reload();
  await expect(old).toHaveURL(/\/sign-in$/);
});
