// Idle logoff, on a second server whose sessions end after 40 seconds without activity (the
// warning comes a quarter of that ahead, as it comes two minutes ahead of the usual 30 minutes).
// The open event stream and the page's own checks keep nothing alive: only the person does.
const { test, expect } = require("@playwright/test");
const { signIn, expectGoodPage, waitForHydration } = require("./helpers");

test.use({ baseURL: `http://127.0.0.1:${process.env.E2E_IDLE_PORT}` });

test("an unattended tab warns, stays when asked, and otherwise ends on the sign-in page", async ({ page }) => {
  test.setTimeout(180_000);
  await signIn(page, "client@brightpath.example", "/portal");
  await expect(page.getByRole("heading", { level: 1, name: "Jordan Lee" })).toBeVisible();
  // Loaded afresh, the client's home is an islands page: the dialog is an island there.
  await page.reload();
  await waitForHydration(page);
  await expect(page.locator('leptos-island[data-component^="IdleIsland_"]')).toHaveCount(1);

  const dialog = page.getByRole("alertdialog", { name: "Are you still there?" });
  await expect(dialog).toBeVisible({ timeout: 45_000 });
  await expect(dialog).toContainText(/signed out in 0:\d\d/);
  const stay = dialog.getByRole("button", { name: "Stay signed in" });
  await expect(stay).toBeFocused();
  await expectGoodPage(page);
  await page.keyboard.press("Enter");
  await expect(dialog).toBeHidden();
  // The person stayed: the session outlives the first timeout.
  await page.waitForTimeout(8_000);
  await expect(page.getByRole("heading", { level: 1, name: "Jordan Lee" })).toBeVisible();

  // Left alone, the warning comes back and the tab ends on the sign-in page.
  await expect(dialog).toBeVisible({ timeout: 45_000 });
  await expect(page).toHaveURL(/\/sign-in\?idle=1$/, { timeout: 45_000 });
  await expect(page.getByRole("status")).toContainText("You were signed out after a while without activity");
  await expect(page.getByText("Jordan Lee")).toHaveCount(0);
  // Going back shows the sign-in page again, not the client's page.
  await page.goBack();
  await expect(page).toHaveURL(/\/sign-in/);
  await expect(page.getByText("Jordan Lee")).toHaveCount(0);
});
