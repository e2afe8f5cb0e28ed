// Billing & Insurance Info (an islands page): Jordan adds a policy and edits it, adds a payer
// that is not listed, staff see that payer in the review queue, turning Display Insurance Info
// off for Jordan removes the tab (a direct address says it is not available), and staff still
// edit Jordan's insurance.
// Serial: the tests build on each other and change a client-level setting, which they put back.
const { test, expect } = require("@playwright/test");
const { signIn, expectGoodPage, waitForHydration, openSettings, toggle, recordBundles } = require("./helpers");

test.describe.configure({ mode: "serial" });

/** Opens Jordan's Billing & Insurance Info: an islands page whose policies and form are one
 *  island, loaded with the islands bundle alone. */
async function openInsurance(page) {
  await signIn(page, "client@brightpath.example", "/portal/clients");
  await expect(page.getByRole("heading", { level: 1, name: "Jordan Lee" })).toBeVisible();
  const bundles = recordBundles(page);
  await page.getByRole("navigation", { name: "Jordan Lee in the portal" }).getByRole("link", { name: "Billing & Insurance Info" }).click();
  await expect(page.getByRole("heading", { level: 1, name: "Billing & Insurance Info" })).toBeVisible();
  await waitForHydration(page);
  expect(bundles(), "Billing & Insurance Info loads only its islands bundle").toEqual(["islands-insurance"]);
  await expect(page.locator('leptos-island[data-component^="InsuranceIsland_"]')).toHaveCount(1);
}

async function fillPolicy(page, { member, rank, effective }) {
  const form = page.getByRole("region", { name: "Add a policy" });
  await form.getByLabel("Member ID").fill(member);
  await form.getByLabel("Subscriber name").fill("Jordan Lee");
  await form.getByLabel("Subscriber date of birth").fill("2000-05-01");
  await form.getByLabel("Rank").selectOption(rank);
  await form.getByLabel("Effective date").fill(effective);
  return form;
}

test("Jordan adds a policy, picking the payer from a searchable list", async ({ page }) => {
  await openInsurance(page);
  await expect(page.getByText("No insurance on file.")).toBeVisible();
  await expectGoodPage(page);
  const form = page.getByRole("region", { name: "Add a policy" });
  await form.getByLabel("Search payers").fill("aet");
  await expect(form.getByLabel("Payer", { exact: true }).locator("option")).toHaveText(["Choose a payer", "Aetna (60054)", "My insurance is not listed"]);
  await form.getByLabel("Payer", { exact: true }).selectOption({ label: "Aetna (60054)" });
  await fillPolicy(page, { member: "W 1", rank: "primary", effective: "2026-01-01" });
  // The shared rule, in the browser: the member ID is refused before anything is sent.
  await expect(form.getByText("A member ID has 2 to 30 letters, digits or hyphens (as on the card).")).toBeVisible();
  await form.getByLabel("Member ID").fill("W123456789");
  await form.getByRole("button", { name: "Save policy" }).click();
  await expect(page.getByRole("heading", { name: "Primary — Aetna" })).toBeVisible();
  await expect(page.getByRole("list").filter({ hasText: "W123456789" })).toBeVisible();
  await expectGoodPage(page);
  // Edit is a link that loads the page with the policy's form; saved, the form closes, the
  // address loses `?edit=` and the list shows the change.
  await page.getByRole("link", { name: "Edit Primary — Aetna" }).click();
  await expect(page).toHaveURL(/\/insurance\?edit=\d+$/);
  await waitForHydration(page);
  const edit = page.getByRole("region", { name: "Edit policy" });
  await expect(edit.getByLabel("Member ID")).toHaveValue("W123456789");
  await edit.getByLabel("Group number (optional)").fill("GRP-100");
  await edit.getByRole("button", { name: "Save policy" }).click();
  await expect(page.getByRole("region", { name: "Add a policy" }).getByText("Saved.")).toBeVisible();
  await expect(edit).toHaveCount(0);
  await expect(page).toHaveURL(/\/insurance$/);
  await expect(page.getByRole("list").filter({ hasText: "GRP-100" })).toBeVisible();
  await expectGoodPage(page);
});

test("Jordan adds a payer that is not listed; staff find it in the review queue", async ({ browser }) => {
  const client = await (await browser.newContext()).newPage();
  await openInsurance(client);
  const form = client.getByRole("region", { name: "Add a policy" });
  await form.getByLabel("Payer", { exact: true }).selectOption(NEW_PAYER_LABEL);
  await form.getByLabel("Payer name").fill("Harbor Health Plan");
  await form.getByLabel("Payer phone (optional)").fill("617-555-0100");
  await fillPolicy(client, { member: "HHP-778812", rank: "secondary", effective: "2026-03-01" });
  await form.getByRole("button", { name: "Save policy" }).click();
  await expect(client.getByRole("heading", { name: "Secondary — Harbor Health Plan" })).toBeVisible();

  const admin = await (await browser.newContext()).newPage();
  await signIn(admin, "admin@brightpath.example", "/admin");
  await admin.goto("/admin/organization");
  await admin.getByRole("navigation", { name: "Organization" }).getByRole("link", { name: "Payers" }).click();
  await expect(admin.getByRole("heading", { level: 1, name: "Payers" })).toBeVisible();
  const queue = admin.getByRole("region", { name: "Review queue" });
  await expect(queue.locator("li strong", { hasText: "Harbor Health Plan" })).toBeVisible();
  await expect(queue).toContainText("1 policy");
  await expect(admin.getByRole("row", { name: /Harbor Health Plan.*added by a client/ })).toBeVisible();
  await expectGoodPage(admin);
  await waitForHydration(admin);
  await queue.getByRole("button", { name: "Approve Harbor Health Plan" }).click();
  await expect(queue.getByText("No payers added by clients are waiting.")).toBeVisible();
});

const NEW_PAYER_LABEL = { label: "My insurance is not listed" };

test("Display Insurance Info off for Jordan removes the tab; a direct address says it is not available; staff still edit", async ({ browser }) => {
  const admin = await (await browser.newContext()).newPage();
  await signIn(admin, "admin@brightpath.example", "/admin");
  await openSettings(admin);
  const jordans = admin.locator("li.portal-client", { has: admin.getByRole("heading", { name: "Jordan Lee" }) })
    .getByRole("switch", { name: "Display Insurance Info" });
  await toggle(jordans);
  await expect(jordans).toHaveAttribute("aria-checked", "false");

  const client = await (await browser.newContext()).newPage();
  await signIn(client, "client@brightpath.example", "/portal/clients");
  await expect(client.getByRole("heading", { level: 1, name: "Jordan Lee" })).toBeVisible();
  const tabs = client.getByRole("navigation", { name: "Jordan Lee in the portal" });
  await expect(tabs.getByRole("link", { name: "Appointments" })).toBeVisible();
  await expect(tabs.getByRole("link", { name: "Billing & Insurance Info" })).toHaveCount(0);
  await client.goto(client.url().replace(/\/?$/, "/insurance"));
  await expect(client.getByRole("heading", { name: "Not available" })).toBeVisible();
  await expect(client.getByText(/not available in the portal for this client/)).toBeVisible();
  await expectGoodPage(client);

  // Staff: the therapist edits Jordan's policy on the client's page.
  const therapist = await (await browser.newContext()).newPage();
  await signIn(therapist, "therapist@brightpath.example", "/admin");
  await therapist.getByRole("link", { name: "Jordan Lee" }).first().click();
  const insurance = therapist.getByRole("region", { name: "Insurance", exact: true });
  await expect(insurance.getByRole("heading", { name: "Primary — Aetna" })).toBeVisible();
  await insurance.getByRole("link", { name: "Edit Primary — Aetna" }).click();
  await waitForHydration(therapist);
  const edit = therapist.getByRole("region", { name: "Edit policy" });
  await edit.getByLabel("Group number (optional)").fill("GRP-2026");
  await edit.getByRole("button", { name: "Save policy" }).click();
  await expect(insurance.getByText("GRP-2026")).toBeVisible();
  await expect(edit).toHaveCount(0);
  await expectGoodPage(therapist);

  await toggle(jordans);
  await expect(jordans).toHaveAttribute("aria-checked", "true");
});
