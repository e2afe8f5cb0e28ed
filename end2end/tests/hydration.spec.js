// Pages work from the server-rendered HTML alone, and keep working once the WASM has hydrated them.
const { test, expect } = require("@playwright/test");
const { PASSWORD, waitForHydration, bundlesOf } = require("./helpers");

test.describe("before hydration (JavaScript off)", () => {
  test.use({ javaScriptEnabled: false });

  test("sign-in, the client list and search work as plain HTML", async ({ page }) => {
    await page.goto("/sign-in");
    await page.getByLabel("Email").fill("admin@brightpath.example");
    await page.getByLabel("Password").fill("wrong-password");
    await page.getByRole("button", { name: "Sign in" }).click();
    await expect(page.getByRole("alert")).toHaveText("The email or password is incorrect.");
    await page.getByLabel("Email").fill("admin@brightpath.example");
    await page.getByLabel("Password").fill(PASSWORD);
    await page.getByRole("button", { name: "Sign in" }).click();
    await expect(page).toHaveURL(/\/admin/);
    await expect(page.getByRole("link", { name: "Jordan Lee" })).toBeVisible();
    await page.getByRole("searchbox", { name: "Search clients by name" }).fill("sam");
    await page.getByRole("button", { name: "Search" }).click();
    await expect(page).toHaveURL(/q=sam/);
    await expect(page.getByRole("link", { name: "Sam Lee" })).toBeVisible();
    await expect(page.getByRole("link", { name: "Jordan Lee" })).toHaveCount(0);
  });
});

test("after hydration: live validation on the islands sign-in page, then sign-in and search without reloads", async ({ page }) => {
  const bundle = [];
  page.on("request", (req) => {
    if (/\/pkg\/.+\.(wasm|js)$/.test(req.url())) bundle.push(req.url());
  });
  await page.goto("/sign-in");
  await waitForHydration(page);
  // The sign-in page loads only the islands bundle; its form is the island.
  expect(bundlesOf(bundle)).toEqual(["islands"]);
  await expect(page.locator('leptos-island[data-component^="SignInIsland_"]')).toHaveCount(1);
  await page.getByLabel("Email").fill("not-an-email");
  await expect(page.getByText("Enter an email address like name@example.com.")).toBeVisible();
  await page.getByLabel("Email").fill("admin@brightpath.example");
  await expect(page.getByText("Enter an email address like name@example.com.")).toHaveCount(0);
  await page.getByLabel("Password").fill(PASSWORD);
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page).toHaveURL(/\/admin/);
  await expect(page.getByRole("link", { name: "Jordan Lee" })).toBeVisible();
  await waitForHydration(page);
  await page.getByRole("searchbox", { name: "Search clients by name" }).fill("jordan");
  await page.getByRole("button", { name: "Search" }).click();
  await expect(page).toHaveURL(/q=jordan/);
  await expect(page.getByRole("link", { name: "Sam Lee" })).toHaveCount(0);
  await expect(page.getByRole("link", { name: "Jordan Lee" })).toBeVisible();
});

test("the bundle arrives compressed under hashed names and cached for a year; pages are never stored", async ({ page }) => {
  const bundle = [];
  page.on("response", (res) => {
    if (/\/pkg\/client_portal\.[^/]+\.(wasm|js|css)$/.test(res.url())) bundle.push(res);
  });
  // A page that hydrates whole with the main bundle (sign-in and the pages behind its links are
  // islands pages): the second step, which without a first one says the sign-in has expired.
  const stepPage = await page.goto("/sign-in/two-step");
  expect(stepPage.headers()["cache-control"]).toBe("no-store");
  await expect(page.getByText("This sign-in has expired or was finished.")).toBeVisible();
  await waitForHydration(page);
  const css = bundle.find((res) => res.url().endsWith(".css"));
  expect(css && css.status(), "the stylesheet loads under its hashed name").toBe(200);
  const wasm = bundle.find((res) => res.url().endsWith(".wasm"));
  expect(wasm, "the WASM file has a content-hashed name").toBeTruthy();
  const headers = await wasm.allHeaders();
  // Chromium asks for brotli only over HTTPS; on plain-HTTP localhost it gets the gzip copy.
  expect(["br", "gzip"]).toContain(headers["content-encoding"]);
  expect(headers["cache-control"]).toBe("public, max-age=31536000, immutable");
  const raw = await page.request.get(wasm.url(), { headers: { "accept-encoding": "identity" } });
  expect(Number(headers["content-length"])).toBeLessThan((await raw.body()).length / 2);

  const signInPage = await page.goto("/sign-in");
  expect(signInPage.headers()["cache-control"]).toBe("no-store");
  await page.getByLabel("Email").fill("client@brightpath.example");
  await page.getByLabel("Password").fill(PASSWORD);
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page).toHaveURL(/\/portal/);
  const signedIn = await page.request.get(page.url());
  expect(signedIn.status()).toBe(200);
  expect(signedIn.headers()["cache-control"]).toBe("no-store");
});

test("the portal home is an islands page: its links load whole pages, and signing out works from it", async ({ page }) => {
  await page.goto("/sign-in");
  await page.getByLabel("Email").fill("client@brightpath.example");
  await page.getByLabel("Password").fill(PASSWORD);
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page).toHaveURL(/\/portal\/clients\/\d+$/);
  const home = page.url();
  await page.goto(home);
  await waitForHydration(page);
  // Only the islands are interactive: the page has no router, so a tab is a page load.
  await expect(page.locator("leptos-island")).not.toHaveCount(0);
  const tabs = page.getByRole("navigation", { name: "Jordan Lee in the portal" });
  await tabs.getByRole("link", { name: "Forms" }).click();
  await expect(page).toHaveURL(/\/forms$/);
  await expect(page.getByRole("heading", { level: 1 })).toBeVisible();
  await waitForHydration(page);
  await page.goto(home);
  await waitForHydration(page);
  await page.getByRole("button", { name: "Sign out" }).click();
  await expect(page).toHaveURL(/\/sign-in/);
  await page.goto(home);
  await expect(page).toHaveURL(/\/sign-in/);
});
