// Organization → Client Portal: the switches, their dependencies, client-level turn-offs and
// their effect on the portal, including the parent's client switcher. Every test that depends on
// the demo organization's settings lives here. Serial: these tests change the demo organization's settings and
// put them back.
const { test, expect } = require("@playwright/test");
const { signIn, expectGoodPage, waitForHydration, openSettings, orgSwitch, toggle } = require("./helpers");

test.describe.configure({ mode: "serial" });

const ORG_SWITCHES = [
  "Allow Payments through Client Portal",
  "Display Insurance Info",
  "Allow Secure Messaging through Client Portal",
  "Allow Clients Self-Scheduling through Client Portal",
  "Allow Clients to Schedule/Cancel an Appointment within 24 hours",
  "Allow Clients to Add New Insurance Payers",
  "Allow Client Portal Access for Client Contacts",
  "Hide Location Address on Intake Forms",
];

function clientRow(page, name) {
  return page.locator("li.portal-client", { has: page.getByRole("heading", { name }) });
}

test("the admin reaches Client Portal through Organization; the page is accessible", async ({ page }) => {
  await signIn(page, "admin@brightpath.example", "/admin");
  await page.getByRole("navigation", { name: "Primary" }).getByRole("link", { name: "Organization" }).click();
  await page.getByRole("navigation", { name: "Organization" }).getByRole("link", { name: "Client Portal" }).click();
  await expect(page.getByRole("heading", { level: 1, name: "Client Portal Settings" })).toBeVisible();
  for (const name of ORG_SWITCHES) await expect(orgSwitch(page, name)).toBeVisible();
  await expect(page.getByRole("heading", { name: "Manage Clients" })).toBeVisible();
  await expectGoodPage(page);
});

test("every available switch toggles and keeps its state after a reload", async ({ page }) => {
  await signIn(page, "admin@brightpath.example", "/admin");
  await openSettings(page);
  // Payments needs card processing (tested below); the others can all be changed now.
  for (const name of ORG_SWITCHES.slice(1)) {
    const sw = orgSwitch(page, name);
    const after = await toggle(sw);
    await page.reload();
    await waitForHydration(page);
    await expect(orgSwitch(page, name), `${name} after reload`).toHaveAttribute("aria-checked", after);
    await toggle(orgSwitch(page, name));
  }
  // Keyboard: Space toggles a focused switch.
  const hide = orgSwitch(page, "Hide Location Address on Intake Forms");
  await hide.focus();
  await page.keyboard.press("Space");
  await expect(hide).toHaveAttribute("aria-checked", "true");
  await expect(hide).toHaveAttribute("aria-busy", "false");
  await expect(hide).toBeFocused();
  await page.keyboard.press("Space");
  await expect(hide).toHaveAttribute("aria-checked", "false");
  await expect(hide).toHaveAttribute("aria-busy", "false");
});

test("payments stays disabled with its reason until card processing is enabled", async ({ page }) => {
  await signIn(page, "admin@brightpath.example", "/admin");
  await openSettings(page);
  const payments = orgSwitch(page, "Allow Payments through Client Portal");
  await expect(payments).toBeDisabled();
  await expect(payments).toHaveAccessibleDescription(/Enable credit-card processing for the organization first\./);

  await page.goto("/admin/organization");
  await waitForHydration(page);
  await page.getByLabel("Card processor").selectOption("sandbox");
  await page.getByRole("button", { name: "Save", exact: true }).click();
  await expect(page.getByText("Enabled with Sandbox (test cards).")).toBeVisible();

  await openSettings(page);
  await expect(payments).toBeEnabled();
  await toggle(payments);
  await expect(payments).toHaveAttribute("aria-checked", "true");
  await toggle(payments);

  await page.goto("/admin/organization");
  await waitForHydration(page);
  await page.getByLabel("Card processor").selectOption("");
  await page.getByRole("button", { name: "Save", exact: true }).click();
  await expect(page.getByText(/^Not enabled\./)).toBeVisible();
});

test("sub-settings are disabled while their parent is off, and keep their value", async ({ page }) => {
  await signIn(page, "admin@brightpath.example", "/admin");
  await openSettings(page);
  const insurance = orgSwitch(page, "Display Insurance Info");
  const payers = orgSwitch(page, "Allow Clients to Add New Insurance Payers");
  await expect(payers).toHaveAttribute("aria-checked", "true");
  await toggle(insurance);
  await expect(payers).toBeDisabled();
  await expect(payers).toHaveAttribute("aria-checked", "true"); // its stored value is kept
  await expect(payers).toHaveAccessibleDescription(/Turn on “Display Insurance Info” first\./);
  await toggle(insurance);
  await expect(payers).toBeEnabled();
  await expect(payers).toHaveAttribute("aria-checked", "true"); // and restored

  const scheduling = orgSwitch(page, "Allow Clients Self-Scheduling through Client Portal");
  const within24 = orgSwitch(page, "Allow Clients to Schedule/Cancel an Appointment within 24 hours");
  await toggle(scheduling);
  await expect(within24).toBeDisabled();
  await expect(page.getByText("Turn on “Allow Clients Self-Scheduling through Client Portal” first.")).toBeVisible();
  await toggle(scheduling);
  await expect(within24).toBeEnabled();
});

test("a client switch is disabled while its organization setting is off", async ({ page }) => {
  await signIn(page, "admin@brightpath.example", "/admin");
  await openSettings(page);
  const messaging = orgSwitch(page, "Allow Secure Messaging through Client Portal");
  const jordans = clientRow(page, "Jordan Lee").getByRole("switch", { name: "Allow Secure Messaging through Client Portal" });
  await expect(jordans).toBeEnabled();
  await toggle(messaging);
  await expect(jordans).toBeDisabled();
  await expect(jordans).toHaveAttribute("aria-checked", "false");
  await expect(jordans).toHaveAccessibleDescription(/off for the whole organization/);
  await toggle(messaging);
  await expect(jordans).toBeEnabled();
  await expectGoodPage(page);
});

test("turning Display Insurance Info off for Jordan alone changes Jordan's portal, not Sam's", async ({ browser }) => {
  const admin = await (await browser.newContext()).newPage();
  await signIn(admin, "admin@brightpath.example", "/admin");
  await openSettings(admin);
  const jordansInsurance = clientRow(admin, "Jordan Lee").getByRole("switch", { name: "Display Insurance Info" });
  await toggle(jordansInsurance);
  await expect(jordansInsurance).toHaveAttribute("aria-checked", "false");
  await expect(clientRow(admin, "Jordan Lee").locator(".effective")).not.toContainText("Display Insurance Info");
  await expect(clientRow(admin, "Sam Lee").locator(".effective")).toContainText("Display Insurance Info");

  const parent = await (await browser.newContext()).newPage();
  await signIn(parent, "parent@brightpath.example", "/portal");
  const card = (name) => parent.locator("li.card", { has: parent.getByRole("heading", { name }) });
  await expect(card("Sam Lee")).toContainText("View and update insurance");
  await expect(card("Jordan Lee")).not.toContainText("insurance");
  await expect(card("Jordan Lee")).toContainText("Exchange secure messages");
  await expectGoodPage(parent);

  await toggle(jordansInsurance);
  await parent.reload();
  await expect(card("Jordan Lee")).toContainText("View and update insurance");

  // The change is in the audit log, with Jordan's filter.
  await admin.goto("/admin/organization/audit-log");
  await expect(admin.getByRole("cell", { name: "Display Insurance Info (for a client)" }).first()).toBeVisible();
  await expectGoodPage(admin);
});

test("a therapist has no Organization menu and is refused the settings", async ({ page }) => {
  await signIn(page, "therapist@brightpath.example", "/admin");
  await expect(page.getByRole("link", { name: "Organization" })).toHaveCount(0);
  await page.goto("/admin/organization/client-portal");
  await expect(page.getByRole("alert")).toContainText("Not available");
  await expect(page.getByRole("switch")).toHaveCount(0);
});

test("the parent switches between Jordan and Sam; contact access off for Jordan removes Jordan only", async ({ browser }) => {
  const parent = await (await browser.newContext()).newPage();
  await signIn(parent, "parent@brightpath.example", "/portal");
  const switcher = parent.getByRole("navigation", { name: "Switch client" });
  const cards = parent.getByRole("list", { name: "Clients" });
  await expect(cards.getByRole("heading", { name: "Jordan Lee" })).toBeVisible();
  await expect(cards.getByRole("heading", { name: "Sam Lee" })).toBeVisible();
  await switcher.getByRole("link", { name: "Jordan Lee" }).click();
  await expect(parent).toHaveURL(/\/portal\/clients\/\d+$/);
  const jordanUrl = parent.url();
  await expect(parent.getByRole("heading", { level: 1, name: "Jordan Lee" })).toBeVisible();
  await expect(switcher.getByRole("link", { name: "Jordan Lee" })).toHaveAttribute("aria-current", "page");
  await switcher.getByRole("link", { name: "Sam Lee" }).click();
  await expect(parent.getByRole("heading", { level: 1, name: "Sam Lee" })).toBeVisible();
  await expect(switcher.getByRole("link", { name: "Sam Lee" })).toHaveAttribute("aria-current", "page");
  await expectGoodPage(parent);

  const admin = await (await browser.newContext()).newPage();
  await signIn(admin, "admin@brightpath.example", "/admin");
  await openSettings(admin);
  const jordansContacts = clientRow(admin, "Jordan Lee").getByRole("switch", { name: "Allow Client Portal Access for Client Contacts" });
  await toggle(jordansContacts);
  await expect(jordansContacts).toHaveAttribute("aria-checked", "false");

  await parent.reload();
  await expect(switcher.getByRole("link", { name: "Sam Lee" })).toBeVisible();
  await expect(switcher.getByRole("link", { name: "Jordan Lee" })).toHaveCount(0);
  const denied = await parent.goto(jordanUrl);
  expect(denied.status()).toBe(403);
  await expect(parent.getByRole("alert")).toContainText("Not available");

  await toggle(jordansContacts);
  await parent.goto("/portal");
  await expect(switcher.getByRole("link", { name: "Jordan Lee" })).toBeVisible();
  // Staff pages are not for portal logins.
  await parent.goto("/admin/clients");
  await expect(parent).toHaveURL(/\/portal/);
});

test("with Hide Location Address on, the address is in neither the page nor its HTML; with it off, it is", async ({ browser, request }) => {
  const admin = await (await browser.newContext()).newPage();
  await signIn(admin, "admin@brightpath.example", "/admin");
  const parent = await (await browser.newContext()).newPage();
  await signIn(parent, "parent@brightpath.example", "/portal");
  await parent.getByRole("navigation", { name: "Switch client" }).getByRole("link", { name: "Jordan Lee" }).click();
  await parent.getByRole("link", { name: "Forms", exact: true }).click();
  await parent.getByRole("link", { name: "Client Intake Form" }).first().click();
  await expect(parent.getByText("Main Clinic")).toBeVisible();
  const formUrl = parent.url();
  const address = "125 Harbor Street";
  await expect(parent.getByText(address, { exact: false })).toBeVisible();

  await openSettings(admin);
  const hide = orgSwitch(admin, "Hide Location Address on Intake Forms");
  await toggle(hide);
  await expect(hide).toHaveAttribute("aria-checked", "true");
  await parent.goto(formUrl);
  await expect(parent.getByText("Main Clinic")).toBeVisible();
  expect(await parent.content()).not.toContain(address);
  const cookies = await parent.context().cookies();
  const html = await (await request.get(formUrl, { headers: { cookie: cookies.map((c) => `${c.name}=${c.value}`).join("; ") } })).text();
  expect(html).toContain("Main Clinic");
  expect(html).not.toContain(address);

  await toggle(hide);
  await parent.goto(formUrl);
  await expect(parent.getByText(address, { exact: false })).toBeVisible();
});
