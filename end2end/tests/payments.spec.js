// Payments through the portal with the sandbox processor: no Pay button while payments are off,
// paying with 4242… and the receipt, a declined card's reason, a staff refund, and card
// processing turned off again. Serial: these tests change the demo organization and put it back.
const { test, expect } = require("@playwright/test");
const { signIn, expectGoodPage, waitForHydration, openSettings, orgSwitch, toggle, recordBundles } = require("./helpers");

test.describe.configure({ mode: "serial" });

const PAYMENTS = "Allow Payments through Client Portal";

async function openJordan(page) {
  await signIn(page, "client@brightpath.example", "/portal/clients");
  await expect(page.getByRole("heading", { level: 1, name: "Jordan Lee" })).toBeVisible();
  return page.getByRole("navigation", { name: "Jordan Lee in the portal" });
}

async function setCardProcessor(page, value, status) {
  await page.goto("/admin/organization");
  await waitForHydration(page);
  await page.getByLabel("Card processor").selectOption(value);
  await page.getByRole("button", { name: "Save", exact: true }).click();
  await expect(page.getByText(status)).toBeVisible();
}

async function fillCard(page, number, expiry, cvc) {
  await page.getByLabel("Card number").fill(number);
  await page.getByLabel("Expiry (MM/YY)").fill(expiry);
  await page.getByLabel("Security code").fill(cvc);
}

test("while payments are off there is no Payments tab and no Pay button", async ({ page }) => {
  const tabs = await openJordan(page);
  await expect(tabs.getByRole("link", { name: "Appointments" })).toBeVisible();
  await expect(tabs.getByRole("link", { name: "Payments" })).toHaveCount(0);
  await page.goto(page.url().replace(/\/?$/, "/payments"));
  await expect(page.getByRole("heading", { name: "Not available" })).toBeVisible();
  await expect(page.getByRole("link", { name: /^Pay / })).toHaveCount(0);
});

test("with the sandbox enabled, Jordan pays with 4242… and sees the receipt; staff refund part of it", async ({ browser }) => {
  const admin = await (await browser.newContext()).newPage();
  await signIn(admin, "admin@brightpath.example", "/admin");
  await setCardProcessor(admin, "sandbox", "Enabled with Sandbox (test cards).");
  await expectGoodPage(admin);
  await openSettings(admin);
  const payments = orgSwitch(admin, PAYMENTS);
  await expect(payments).toBeEnabled();
  await toggle(payments);

  const client = await (await browser.newContext()).newPage();
  const tabs = await openJordan(client);
  await tabs.getByRole("link", { name: "Payments" }).click();
  await expect(client.getByRole("heading", { level: 1, name: "Payments" })).toBeVisible();
  await expect(client.getByText("You owe $240.00 for 2 appointments.")).toBeVisible();
  await expectGoodPage(client);

  // The payment page is a task islands page: only its bundle and the card form's island.
  const bundles = recordBundles(client);
  await client.getByRole("link", { name: /^Pay \$120\.00/ }).first().click();
  await expect(client.getByRole("heading", { level: 1, name: "Pay for an appointment" })).toBeVisible();
  await waitForHydration(client);
  expect(bundles(), "the payment page loads only the task pages' islands bundle").toEqual(["islands-tasks"]);
  await expect(client.locator('leptos-island[data-component^="CardIsland_"]')).toHaveCount(1);
  await expectGoodPage(client);
  await fillCard(client, "4242 4242 4242 4242", "12/34", "123");
  // A double click is one payment: the button locks, and the server keys the attempt.
  await client.getByRole("button", { name: "Pay $120.00" }).dblclick();
  await expect(client).toHaveURL(/\/receipts\/\d+$/);
  await expect(client.getByText("Paid. Thank you!")).toBeVisible();
  const receipt = client.getByRole("article", { name: /Receipt #\d+/ });
  await expect(receipt).toContainText("Bright Path ABA");
  await expect(receipt).toContainText("Visa •••• 4242");
  await expect(receipt).toContainText("$120.00");
  await expect(client.getByRole("button", { name: "Print receipt" })).toBeVisible();
  await expectGoodPage(client);
  // Loaded afresh, a receipt is an islands page: its Print button is an island, and prints.
  await client.reload();
  await waitForHydration(client);
  await expect(client.locator('leptos-island[data-component^="PrintIsland_"]')).toHaveCount(1);
  await client.evaluate(() => {
    window.printed = 0;
    window.print = () => { window.printed += 1; };
  });
  await client.getByRole("button", { name: "Print receipt" }).click();
  await expect.poll(() => client.evaluate(() => window.printed)).toBe(1);
  await expectGoodPage(client);

  await client.getByRole("link", { name: "Back to Payments" }).click();
  await expect(client.getByText("You owe $120.00 for 1 appointment.")).toBeVisible();
  await expect(client.getByRole("region", { name: "Paid" }).getByRole("link", { name: /^Receipt/ })).toHaveCount(1);

  // Staff: the payments list, the payment, a partial refund that the receipt shows.
  await admin.getByRole("navigation", { name: "Primary" }).getByRole("link", { name: "Payments" }).click();
  await expect(admin.getByRole("heading", { level: 1, name: "Payments" })).toBeVisible();
  await expect(admin.getByRole("row", { name: /Jordan Lee.*\$120\.00.*Paid/ })).toHaveCount(1);
  await expectGoodPage(admin);
  await admin.getByRole("row", { name: /Jordan Lee/ }).getByRole("link").first().click();
  await waitForHydration(admin);
  await admin.getByLabel("Amount in dollars").fill("20");
  await admin.getByLabel("Reason").fill("Session ended early");
  await admin.getByRole("button", { name: "Refund" }).click();
  await expect(admin.getByText("Refunded $20.00; net paid $100.00.")).toBeVisible();
  await expectGoodPage(admin);
  await client.getByRole("region", { name: "Paid" }).getByRole("link", { name: /^Receipt/ }).click();
  await expect(client.getByRole("article", { name: /Receipt #\d+/ })).toContainText("Session ended early");
});

test("a declined card shows the processor's reason and charges nothing", async ({ page }) => {
  const tabs = await openJordan(page);
  await tabs.getByRole("link", { name: "Payments" }).click();
  await page.getByRole("link", { name: /^Pay \$120\.00/ }).click();
  await waitForHydration(page);
  await fillCard(page, "4242 4242 4242 4241", "12/34", "123");
  await page.getByRole("button", { name: "Pay $120.00" }).click();
  await expect(page.getByText("That card number is not valid. Check it and try again.")).toBeVisible();

  await fillCard(page, "4000 0000 0000 0002", "12/34", "123");
  await page.getByRole("button", { name: "Pay $120.00" }).click();
  await expect(page.getByRole("alert")).toHaveText("Your card was declined.");
  await expect(page).toHaveURL(/\/payments\/\d+$/);
  await fillCard(page, "4000 0000 0000 9995", "12/34", "123");
  await page.getByRole("button", { name: "Pay $120.00" }).click();
  await expect(page.getByRole("alert")).toHaveText("Your card has insufficient funds.");
  await expectGoodPage(page);
  await page.getByRole("link", { name: "Back to Payments" }).click();
  await expect(page.getByText("You owe $120.00 for 1 appointment.")).toBeVisible();
});

test("turning card processing off greys the setting out again and removes the Pay button", async ({ browser }) => {
  const admin = await (await browser.newContext()).newPage();
  await signIn(admin, "admin@brightpath.example", "/admin");
  await setCardProcessor(admin, "", /^Not enabled\./);
  await openSettings(admin);
  const payments = orgSwitch(admin, PAYMENTS);
  await expect(payments).toBeDisabled();
  await expect(payments).toHaveAccessibleDescription(/Enable credit-card processing for the organization first\./);

  const client = await (await browser.newContext()).newPage();
  const tabs = await openJordan(client);
  await expect(tabs.getByRole("link", { name: "Payments" })).toHaveCount(0);
  await client.goto(client.url().replace(/\/?$/, "/payments"));
  await expect(client.getByRole("heading", { name: "Not available" })).toBeVisible();

  // The stored value is kept while greyed out; put the demo back as it starts: payments off.
  await expect(payments).toHaveAttribute("aria-checked", "true");
  await setCardProcessor(admin, "sandbox", "Enabled with Sandbox (test cards).");
  await openSettings(admin);
  await toggle(orgSwitch(admin, PAYMENTS));
  await setCardProcessor(admin, "", /^Not enabled\./);
});
