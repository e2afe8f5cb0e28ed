// The administrators' audit log: a therapist opens Jordan's page; the administrator narrows the
// log to views by that therapist and sees the entry by name and role, follows the client's name
// to Jordan's own view, downloads the same entries as CSV, and is told when the days are the
// wrong way round. Accessible and without sideways scroll at 360 px.
const { test, expect } = require("@playwright/test");
const { signIn, expectGoodPage, waitForHydration } = require("./helpers");

test("the administrator filters the audit log by person and kind, opens a client's view and exports it", async ({ page, browser }) => {
  const therapist = await (await browser.newContext()).newPage();
  await signIn(therapist, "therapist@brightpath.example", "/admin");
  await therapist.getByRole("link", { name: "Jordan Lee" }).click();
  await expect(therapist.getByRole("heading", { level: 1, name: "Jordan Lee" })).toBeVisible();

  await signIn(page, "admin@brightpath.example", "/admin");
  await page.goto("/admin/organization/audit-log");
  await waitForHydration(page);
  const filters = page.getByRole("search", { name: "Filter the audit log" });
  await filters.getByLabel("Person").selectOption({ label: "Taylor Brooks, therapist" });
  await filters.getByLabel("Kind of action").selectOption({ label: "Views of a client's record" });
  await filters.getByRole("button", { name: "Show entries" }).click();
  await expect(page).toHaveURL(/person=staff%3A\d+&kind=views/);
  const row = page.getByRole("row", { name: /Client: viewed/ }).first();
  await expect(row).toContainText("Taylor Brooks, therapist");
  await expect(row.getByRole("link", { name: "Jordan Lee" })).toBeVisible();
  await expect(page.getByRole("row", { name: /Sign in/ })).toHaveCount(0);
  await expectGoodPage(page);

  // The client's name narrows to every record of Jordan, keeping the other filters.
  await row.getByRole("link", { name: "Jordan Lee" }).click();
  await expect(page.getByText("Client: Jordan Lee. Every record of the client is included.")).toBeVisible();
  await expect(page).toHaveURL(/client=\d+&person=staff%3A\d+&kind=views/);

  // The same entries as CSV.
  const href = await page.getByRole("link", { name: "Download these entries as CSV" }).getAttribute("href");
  const csv = await page.request.get(href);
  expect(csv.status()).toBe(200);
  expect(csv.headers()["content-type"]).toBe("text/csv; charset=utf-8");
  const text = await csv.text();
  expect(text.split("\r\n")[0]).toBe("id,at_utc,at_local,actor,actor_ref,action,action_label,object,object_ref,old_value,new_value,ip");
  expect(text).toContain("\"Taylor Brooks, therapist\"");
  expect(text).toContain(",client.viewed,Client: viewed,Jordan Lee,");

  // Days the wrong way round: said beside the field.
  await page.goto("/admin/organization/audit-log?from=2026-12-02&to=2026-12-01");
  await expect(page.getByText("The last day is before the first day.")).toBeVisible();
  await expectGoodPage(page);
});
