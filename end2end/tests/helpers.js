// Shared steps for the end-to-end tests: signing in, accessibility and layout checks.
const { expect } = require("@playwright/test");
const { default: AxeBuilder } = require("@axe-core/playwright");
const crypto = require("crypto");

const PASSWORD = "demo-password-1";

/** Signs in through the sign-in form and waits for the landing page to be interactive (the
 *  sign-in page is an islands page: the browser loads the landing page afresh). */
async function signIn(page, email, landing) {
  await page.goto("/sign-in");
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password").fill(PASSWORD);
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page).toHaveURL(new RegExp(`${landing}(/|$|\\?)`));
  await waitForHydration(page);
}

/** Fails on any axe-core violation on the current page. */
async function expectAccessible(page) {
  // A lazily loaded route sets its <title> again as its chunk arrives and the page hydrates:
  // check the settled page.
  await page.locator('body[data-hydrated="true"]').waitFor({ state: "attached" });
  await expect(page).toHaveTitle(/\S/);
  const results = await new AxeBuilder({ page }).analyze();
  const summary = results.violations.map((v) => `${v.id}: ${v.help} (${v.nodes.map((n) => n.target).join(", ")})`);
  expect(summary, `axe-core violations on ${page.url()}`).toEqual([]);
}

/** Fails when the page scrolls sideways at a 360 px wide viewport. */
async function expectNoHorizontalScroll(page) {
  const size = page.viewportSize();
  await page.setViewportSize({ width: 360, height: 740 });
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
  const culprits = overflow > 0
    ? await page.evaluate(() => [...document.querySelectorAll("body *")]
        .filter((e) => e.getBoundingClientRect().right > document.documentElement.clientWidth + 1)
        .slice(0, 5)
        .map((e) => `${e.tagName.toLowerCase()}${e.id ? "#" + e.id : ""}${e.className ? "." + e.className : ""}`)
        .join(", "))
    : "";
  expect(overflow, `horizontal overflow at 360 px on ${page.url()}: ${culprits}`).toBeLessThanOrEqual(0);
  if (size) await page.setViewportSize(size);
}

/** Both page-level checks. */
async function expectGoodPage(page) {
  await expectAccessible(page);
  await expectNoHorizontalScroll(page);
}

/** Waits until the WASM bundle has hydrated the page. */
async function waitForHydration(page) {
  await page.locator('body[data-hydrated="true"]').waitFor({ state: "attached" });
}

/** The newest link to `path` emailed to `recipient`, read from Organization → Outbox. */
async function linkFromOutbox(admin, recipient, path) {
  await admin.goto("/admin/organization/outbox");
  const email = admin.locator("article.email", { has: admin.locator(".recipient", { hasText: recipient }) }).first();
  await expect(email).toBeVisible();
  const body = await email.locator(".email-body").innerText();
  const match = body.match(new RegExp(`https?://\\S+${path.replace("?", "\\?")}\\?token=[0-9a-f]{64}`));
  expect(match, `a ${path} link in: ${body}`).not.toBeNull();
  return match[0];
}

/** The RFC 6238 code (SHA-1, 6 digits, 30 s) of a base32 `secret` as an authenticator app shows it. */
function totp(secret, at = Date.now()) {
  const alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
  let bits = "";
  for (const c of secret.replace(/[\s=]/g, "").toUpperCase()) bits += alphabet.indexOf(c).toString(2).padStart(5, "0");
  const key = Buffer.from(bits.match(/.{8}/g).map((b) => parseInt(b, 2)));
  const counter = Buffer.alloc(8);
  counter.writeBigUInt64BE(BigInt(Math.floor(at / 1000 / 30)));
  const mac = crypto.createHmac("sha1", key).update(counter).digest();
  const offset = mac[mac.length - 1] & 15;
  return String((mac.readUInt32BE(offset) & 0x7fffffff) % 1000000).padStart(6, "0");
}

/** Opens Organization → Client Portal as an administrator. */
async function openSettings(page) {
  await page.goto("/admin/organization/client-portal");
  await waitForHydration(page);
}

function orgSwitch(page, name) {
  return page.getByRole("region", { name: "Organization-wide settings" }).getByRole("switch", { name, exact: true });
}

/** Clicks a switch and waits until the server has saved the new state. */
async function toggle(sw) {
  const before = await sw.getAttribute("aria-checked");
  const after = before === "true" ? "false" : "true";
  await sw.click();
  await expect(sw).toHaveAttribute("aria-checked", after);
  await expect(sw).toHaveAttribute("aria-busy", "false");
  return after;
}

/** The bundle a file under `/pkg` belongs to: `islands`, `islands-tasks` or `islands-insurance`
 *  (anything in an islands bundle's folder, such as `islands.<hash>/`: its entry module and each
 *  lazy island's file), `client_portal` (the main module), or the name of a lazily loaded view's or
 *  shared chunk's file. */
function bundleOf(url) {
  const parts = new URL(url).pathname.split("/");
  const folder = parts[2].match(/^(islands|islands-tasks|islands-insurance)\./);
  return folder ? folder[1] : parts.pop().split(".")[0];
}

/** Starts recording the bundle files (`/pkg/….wasm` and `.js`) that `page` requests; the
 *  returned function stops and gives the bundles they belong to, each named once. */
function recordBundles(page) {
  const urls = [];
  const record = (req) => {
    if (/\/pkg\/.+\.(wasm|js)$/.test(req.url())) urls.push(req.url());
  };
  page.on("request", record);
  return () => {
    page.off("request", record);
    return bundlesOf(urls);
  };
}

/** The bundles that the files at `urls` belong to, each named once. */
function bundlesOf(urls) {
  return [...new Set(urls.map(bundleOf))].sort();
}

module.exports = {
  bundleOf, bundlesOf, recordBundles,
  PASSWORD, signIn, expectAccessible, expectNoHorizontalScroll, expectGoodPage, waitForHydration, openSettings, orgSwitch, toggle, linkFromOutbox, totp,
};
