// Secure messaging with two browsers side by side: the therapist writes, the client's badge rises
// without a reload (also on the portal home and Messages served as islands), the client reads (the therapist sees "Seen" live) and replies (the therapist
// sees it live); markup stays text; turning messaging off for Jordan removes the tab and the
// envelope's option. Serial: the last test changes a client-level setting and puts it back.
const { test, expect } = require("@playwright/test");
const { signIn, expectGoodPage, waitForHydration, openSettings, toggle, bundlesOf } = require("./helpers");

test.describe.configure({ mode: "serial" });

const MESSAGING = "Allow Secure Messaging through Client Portal";

async function openJordan(page) {
  await signIn(page, "client@brightpath.example", "/portal/clients");
  await expect(page.getByRole("heading", { level: 1, name: "Jordan Lee" })).toBeVisible();
  return page.getByRole("navigation", { name: "Jordan Lee in the portal" });
}

test("the therapist and the client talk live, with read receipts, and markup stays text", async ({ browser }) => {
  const therapist = await (await browser.newContext()).newPage();
  await signIn(therapist, "therapist@brightpath.example", "/admin");
  await therapist.getByRole("navigation", { name: "Primary" }).getByRole("link", { name: /Messages/ }).click();
  await expect(therapist.getByRole("heading", { level: 1, name: "Messages" })).toBeVisible();
  await waitForHydration(therapist);
  await expectGoodPage(therapist);

  const client = await (await browser.newContext()).newPage();
  // A page that fails to hydrate (a link in a message once did) stops its islands: none may.
  const errors = [];
  client.on("pageerror", (err) => errors.push(err.message));
  const tabs = await openJordan(client);
  await waitForHydration(client);
  await expect(tabs.getByRole("link", { name: "Messages", exact: true })).toBeVisible();

  await therapist.getByLabel("To").selectOption({ label: "Jordan Lee" });
  await therapist.getByLabel("Message", { exact: true }).fill("Hello Jordan <script>window.__pwned = 1</script> see https://example.org/plan");
  await therapist.getByRole("button", { name: "Send" }).click();
  await expect(therapist).toHaveURL(/\/admin\/messages\/\d+$/);
  await expect(therapist.getByRole("heading", { level: 1, name: "Messages with Jordan Lee" })).toBeVisible();
  await waitForHydration(therapist);

  // The client's badge rises without a reload.
  await expect(tabs.getByRole("link", { name: "Messages 1 unread" })).toBeVisible();
  // Loaded afresh with a message unread, the islands home shows the badge and hydrates.
  await client.reload();
  await waitForHydration(client);
  await expect(tabs.getByRole("link", { name: "Messages 1 unread" })).toBeVisible();
  expect(errors, "page errors on the home with a message unread").toEqual([]);
  await tabs.getByRole("link", { name: "Messages 1 unread" }).click();
  const thread = client.getByRole("list", { name: "Messages with Jordan Lee" });
  await expect(thread).toContainText("Hello Jordan <script>window.__pwned = 1</script> see");
  await expect(thread.getByRole("link", { name: "https://example.org/plan" })).toHaveAttribute("href", "https://example.org/plan");
  expect(await client.evaluate(() => window.__pwned)).toBeUndefined();
  await expect(tabs.getByRole("link", { name: "Messages", exact: true })).toBeVisible();
  await expectGoodPage(client);

  // The therapist sees the read receipt live.
  await expect(therapist.getByText(/^Seen \d\d:\d\d$/)).toBeVisible();

  await client.getByLabel("Message", { exact: true }).fill("Thanks, see you on Monday.");
  await client.getByRole("button", { name: "Send" }).click();
  await expect(thread).toContainText("Thanks, see you on Monday.");
  // The therapist sees the reply live, and the client then sees "Seen" on it.
  await expect(therapist.getByRole("list", { name: "Messages with Jordan Lee" })).toContainText("Thanks, see you on Monday.");
  await expect(client.getByText(/^Seen \d\d:\d\d$/)).toBeVisible();
  await expectGoodPage(therapist);
  // The therapist's thread, loaded afresh with the link in it, hydrates too.
  const staffErrors = [];
  therapist.on("pageerror", (err) => staffErrors.push(err.message));
  await therapist.reload();
  await waitForHydration(therapist);
  await expect(therapist.getByRole("list", { name: "Messages with Jordan Lee" }).getByRole("link", { name: "https://example.org/plan" })).toBeVisible();
  expect(staffErrors).toEqual([]);
  expect(errors).toEqual([]);
});

test("on the islands home the badge rises live, and on the islands Messages page the conversation is live and replies", async ({ browser }) => {
  const client = await (await browser.newContext()).newPage();
  await openJordan(client);
  // Loaded afresh, the client's home is an islands page: only the islands bundle runs on it.
  const bundle = [];
  client.on("request", (req) => {
    if (/\/pkg\/.+\.(wasm|js)$/.test(req.url())) bundle.push(req.url());
  });
  // The badge's live stream: once its answer has begun, the server delivers every change to it.
  const stream = client.waitForResponse((res) => new URL(res.url()).pathname === "/events");
  await client.reload();
  await waitForHydration(client);
  expect((await stream).status(), "the home's live stream is open").toBe(200);
  expect(bundlesOf(bundle)).toEqual(["islands"]);
  const tabs = client.getByRole("navigation", { name: "Jordan Lee in the portal" });
  await expect(tabs.getByRole("link", { name: "Messages", exact: true })).toBeVisible();

  const therapist = await (await browser.newContext()).newPage();
  await signIn(therapist, "therapist@brightpath.example", "/admin");
  await therapist.goto("/admin/messages");
  await waitForHydration(therapist);
  await therapist.getByLabel("To").selectOption({ label: "Jordan Lee" });
  await therapist.getByLabel("Message", { exact: true }).fill("A note for the home page");
  await therapist.getByRole("button", { name: "Send" }).click();
  await expect(therapist).toHaveURL(/\/admin\/messages\/\d+$/);

  await expect(tabs.getByRole("link", { name: "Messages 1 unread" })).toBeVisible();
  bundle.length = 0;
  await tabs.getByRole("link", { name: "Messages 1 unread" }).click();
  const thread = client.getByRole("list", { name: "Messages with Jordan Lee" });
  await expect(thread).toContainText("A note for the home page");
  await expect(tabs.getByRole("link", { name: "Messages", exact: true })).toBeVisible();

  // Messages is an islands page too: the conversation is an island, live, with its reply form.
  await waitForHydration(client);
  expect(bundlesOf(bundle)).toEqual(["islands"]);
  await expect(client.locator('leptos-island[data-component^="ConversationIsland_"]')).toHaveCount(1);
  await expectGoodPage(client);
  // A message arrives live while the client types: it shows, and what is typed stays.
  const box = client.getByLabel("Message", { exact: true });
  await box.fill("Thank you, we");
  await waitForHydration(therapist);
  await therapist.getByLabel("Message", { exact: true }).fill("Bring the sensory kit, please");
  await therapist.getByRole("button", { name: "Send" }).click();
  await expect(thread).toContainText("Bring the sensory kit, please");
  await expect(box).toHaveValue("Thank you, we");
  // The reply is sent without a page load, shows in the thread, and the box starts empty again.
  await box.fill("Thank you, we will.");
  await client.getByRole("button", { name: "Send" }).click();
  await expect(thread).toContainText("Thank you, we will.");
  await expect(box).toHaveValue("");
  await expect(client.getByText("0 / 5000")).toBeVisible();
  await expect(therapist.getByRole("list", { name: "Messages with Jordan Lee" })).toContainText("Thank you, we will.");
  const entries = bundle.filter((url) => url.endsWith("/portal_islands.js"));
  expect(entries, "no page load after the islands page").toHaveLength(1);
});

test("messaging off for Jordan removes the portal tab and the envelope's option; staff keep the history", async ({ browser }) => {
  const admin = await (await browser.newContext()).newPage();
  await signIn(admin, "admin@brightpath.example", "/admin");
  await openSettings(admin);
  const jordans = admin.locator("li.portal-client", { has: admin.getByRole("heading", { name: "Jordan Lee" }) })
    .getByRole("switch", { name: MESSAGING });
  await toggle(jordans);
  await expect(jordans).toHaveAttribute("aria-checked", "false");

  const client = await (await browser.newContext()).newPage();
  const tabs = await openJordan(client);
  await expect(tabs.getByRole("link", { name: "Appointments" })).toBeVisible();
  await expect(tabs.getByRole("link", { name: /^Messages/ })).toHaveCount(0);
  await client.goto(client.url().replace(/\/?$/, "/messages"));
  await expect(client.getByRole("heading", { name: "Not available" })).toBeVisible();

  const therapist = await (await browser.newContext()).newPage();
  await signIn(therapist, "therapist@brightpath.example", "/admin");
  await therapist.goto("/admin/messages");
  await expect(therapist.getByLabel("To").locator("option")).toHaveText(["Sam Lee"]);
  await therapist.getByRole("link", { name: "Jordan Lee" }).click();
  await expect(therapist.getByText("Thanks, see you on Monday.")).toBeVisible();
  await expect(therapist.getByText(/Secure messaging is turned off for this client/)).toBeVisible();
  await expect(therapist.getByRole("button", { name: "Send" })).toHaveCount(0);
  await expectGoodPage(therapist);

  await toggle(jordans);
  await expect(jordans).toHaveAttribute("aria-checked", "true");
});
