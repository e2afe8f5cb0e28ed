// The client's own access log: a therapist opens Jordan's completed intake form, and Jordan's
// "Who has seen my information" page shows that view, by name and role, with Jordan's own
// sign-in and its device. Runs after forms.spec.js, which submits the form.
const { test, expect } = require("@playwright/test");
const { signIn, expectGoodPage } = require("./helpers");

test("a therapist's view of Jordan's intake form shows in Jordan's access log", async ({ page, browser }) => {
  await signIn(page, "therapist@brightpath.example", "/admin");
  await page.getByRole("link", { name: "Jordan Lee" }).click();
  await expect(page.getByRole("heading", { level: 1, name: "Jordan Lee" })).toBeVisible();
  const done = page.locator("li.sent-form", { hasText: "Completed" });
  await done.getByRole("link", { name: "Client Intake Form (version 1)" }).first().click();
  await expect(page.getByRole("heading", { level: 1, name: "Client Intake Form — Jordan Lee" })).toBeVisible();

  const client = await (await browser.newContext()).newPage();
  await signIn(client, "client@brightpath.example", "/portal/clients");
  await client.getByRole("navigation", { name: "Jordan Lee in the portal" }).getByRole("link", { name: "Who has seen my information" }).click();
  await expect(client.getByRole("heading", { level: 1, name: "Who has seen my information" })).toBeVisible();
  const staff = client.getByRole("region", { name: "Staff" });
  await expect(staff.locator("li").first()).toContainText("Taylor Brooks, therapist · Opened a completed form");
  await expect(staff).toContainText("Opened the client's page");
  const signIns = client.getByRole("region", { name: "Sign-ins to the portal" });
  await expect(signIns.locator("li", { hasText: "Jordan Lee, client" }).first()).toContainText("Signed in from Chrome");
  await expect(client.locator("body")).not.toContainText("127.0.0.1");
  await expectGoodPage(client);
});
