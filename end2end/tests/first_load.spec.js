// What a browser downloads on a first visit to each page, with an empty cache: the portal never
// loads the staff admin's code, every page hydrates without an error, the islands pages (the
// portal home, the account, the forms list, appointments, payments, messages) load only the islands bundle (its
// entry and the files of the islands they show), a form to fill in only the task pages' islands
// bundle (card entry is checked in payments.spec.js, where card processing is on), Billing &
// Insurance Info only its own, and staff pages the main module plus the lazily loaded views of
// their route. Each portal page also passes axe and fits a 360 px wide
// screen.
const { test, expect } = require("@playwright/test");
const { PASSWORD, waitForHydration, expectGoodPage, bundlesOf } = require("./helpers");

/** Staff-only lazy views (their files are named `split___<view>_view_…`). */
const ADMIN_VIEWS = [
  "admin_shell", "clients", "new_client", "client", "submission", "calendar", "availability", "messages",
  "thread", "payments", "payment", "organization_layout", "organization", "client_portal_settings",
  "audit_log", "outbox", "forms", "form_builder", "payers",
];
const viewOf = (url) => (url.match(/\/split___([a-z_]+?)_view_\d+\./) || [])[1];
/** The portal home's budget: what a browser transfers before it is interactive (brotli). */
const HOME_BUDGET = 200_000;
/** Any other portal page's budget. */
const PAGE_BUDGET = 250_000;
/** The client's pages checked below, each an islands page, and its bundle (the portal's other
 *  pages, a form to fill in and card entry, load the task bundle, checked below and in
 *  payments.spec.js). */
const BUNDLE_OF = { "/insurance": "islands-insurance" };

/** Signs in with a fresh context and returns its cookies and landing address. */
async function session(browser, email) {
  const context = await browser.newContext();
  const page = await context.newPage();
  await page.goto("/sign-in");
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password").fill(PASSWORD);
  await page.getByRole("button", { name: "Sign in" }).click();
  await page.waitForURL(/\/(portal|admin)/);
  const state = await context.storageState();
  const landing = new URL(page.url()).pathname;
  await context.close();
  return { state, landing };
}

/** Opens `path` in a new context (empty cache) and returns the bundle files it loaded, their
 *  brotli size as the server sends them, and any console or page errors. */
async function firstLoad(browser, state, path, status = 200, checks = async () => {}) {
  const context = await browser.newContext({ storageState: state });
  const page = await context.newPage();
  const files = new Set();
  const errors = [];
  page.on("request", (req) => {
    if (/\/pkg\/.+\.(wasm|js)$/.test(req.url())) files.add(req.url());
  });
  page.on("console", (msg) => {
    // A "Not available" page is answered 403, which Chromium logs; that is the page, not an error.
    const ownStatus = status !== 200 && msg.text().startsWith(`Failed to load resource: the server responded with a status of ${status}`);
    if (msg.type() === "error" && !ownStatus) errors.push(msg.text());
  });
  page.on("pageerror", (err) => errors.push(err.message));
  const response = await page.goto(path);
  expect(response.status(), path).toBe(status);
  await waitForHydration(page);
  await checks(page);
  let brotli = 0;
  for (const url of files) {
    const res = await context.request.get(url, { headers: { "accept-encoding": "br" } });
    expect(res.headers()["content-encoding"], url).toBe("br");
    // The bytes on the wire: the body Playwright hands back is already decoded.
    brotli += Number(res.headers()["content-length"]);
  }
  await context.close();
  return { files: [...files], brotli, errors };
}

test("a client's portal pages are islands pages within budget that never load staff code", async ({ browser }) => {
  // Six pages, each with a fresh cache, axe and the 360 px check.
  test.setTimeout(120_000);
  const { state, landing } = await session(browser, "client@brightpath.example");
  expect(landing, "a single-client login lands on the client's home").toMatch(/^\/portal\/clients\/\d+$/);
  // Payments are switched off in the demo (no card processing): that page says "Not available".
  const pages = [["", 200], ["/forms", 200], ["/appointments", 200], ["/payments", 403], ["/insurance", 200], ["/messages", 200]]
    .map(([p, status]) => [landing + p, status]);
  for (const [path, status] of pages) {
    // Each portal page also passes axe and has no sideways scroll at 360 px.
    const load = await firstLoad(browser, state, path, status, expectGoodPage);
    console.log(`first load of ${path}: ${(load.brotli / 1000).toFixed(1)} KB brotli in ${load.files.length} files`);
    expect(load.errors, `console errors on ${path}`).toEqual([]);
    const staff = load.files.map(viewOf).filter((v) => ADMIN_VIEWS.includes(v));
    expect(staff, `staff views loaded by ${path}`).toEqual([]);
    const bundle = BUNDLE_OF[path.slice(landing.length)] || "islands";
    expect(bundlesOf(load.files), `${path} loads only the ${bundle} bundle`).toEqual([bundle]);
    const budget = path === landing ? HOME_BUDGET : PAGE_BUDGET;
    expect(load.brotli, `${path}'s budget`).toBeLessThanOrEqual(budget);
  }
});

test("a form to fill in loads only the task pages' islands bundle, within budget", async ({ browser }) => {
  // The demo's forms are sent to the parent, who acts for two clients: the first form found.
  const { state } = await session(browser, "parent@brightpath.example");
  const context = await browser.newContext({ storageState: state });
  const html = async (path) => (await context.request.get(path)).text();
  const clients = [...new Set([...(await html("/portal")).matchAll(/href="(\/portal\/clients\/\d+)"/g)].map((m) => m[1]))];
  let form;
  for (const client of clients) {
    form = form || ((await html(`${client}/forms`)).match(/href="(\/portal\/clients\/\d+\/forms\/\d+)"/) || [])[1];
  }
  await context.close();
  expect(form, "a form sent to the parent").toBeTruthy();
  const load = await firstLoad(browser, state, form, 200, expectGoodPage);
  console.log(`first load of ${form}: ${(load.brotli / 1000).toFixed(1)} KB brotli in ${load.files.length} files`);
  expect(load.errors, `console errors on ${form}`).toEqual([]);
  expect(bundlesOf(load.files), `${form} loads only the task bundle`).toEqual(["islands-tasks"]);
  expect(load.brotli, `${form}'s budget`).toBeLessThanOrEqual(PAGE_BUDGET);
});

test("a contact's client list and account are islands pages and pass the page checks", async ({ browser }) => {
  const { state } = await session(browser, "parent@brightpath.example");
  const load = await firstLoad(browser, state, "/portal", 200, expectGoodPage);
  expect(load.errors).toEqual([]);
  expect(bundlesOf(load.files)).toEqual(["islands"]);
  expect(load.brotli).toBeLessThanOrEqual(HOME_BUDGET);
  const account = await firstLoad(browser, state, "/portal/account", 200, async (page) => {
    await expectGoodPage(page);
    await expect(page.locator('leptos-island[data-component^="AccountIsland_"]')).toHaveCount(1);
  });
  console.log(`first load of /portal/account: ${(account.brotli / 1000).toFixed(1)} KB brotli in ${account.files.length} files`);
  expect(account.errors).toEqual([]);
  expect(bundlesOf(account.files)).toEqual(["islands"]);
  expect(account.brotli).toBeLessThanOrEqual(PAGE_BUDGET);
});

test("sign-in and the pages behind its links are islands pages within budget and pass the page checks", async ({ browser }) => {
  // A link that does not work still says so on an islands page.
  for (const [path, island] of [
    ["/sign-in", "SignInIsland_"],
    ["/forgot-password", "ForgotPasswordIsland_"],
    ["/unlock?token=not-a-token", "UnlockIsland_"],
    ["/welcome?token=not-a-token", null],
  ]) {
    const load = await firstLoad(browser, undefined, path, 200, async (page) => {
      await expectGoodPage(page);
      if (island) await expect(page.locator(`leptos-island[data-component^="${island}"]`)).toHaveCount(1);
    });
    console.log(`first load of ${path}: ${(load.brotli / 1000).toFixed(1)} KB brotli in ${load.files.length} files`);
    expect(load.errors, path).toEqual([]);
    expect(bundlesOf(load.files), path).toEqual(["islands"]);
    expect(load.brotli, path).toBeLessThanOrEqual(PAGE_BUDGET);
  }
});

test("staff pages load the admin views they need and hydrate", async ({ browser }) => {
  test.setTimeout(60_000);
  const { state } = await session(browser, "admin@brightpath.example");
  for (const [path, views] of [
    ["/admin/clients", ["admin_shell", "clients"]],
    ["/admin/calendar", ["admin_shell", "calendar"]],
    ["/admin/organization/client-portal", ["admin_shell", "organization_layout", "client_portal_settings"]],
  ]) {
    const load = await firstLoad(browser, state, path);
    expect(load.errors, `console errors on ${path}`).toEqual([]);
    expect(load.files.map(viewOf).filter(Boolean).sort(), path).toEqual([...views].sort());
  }
});
