// Playwright runs the release server (target/release/server) on a free port with a fresh SQLite
// database and the demo data (and a second one with a 40-second idle timeout), and drives
// Debian's Chromium.
const { defineConfig } = require("@playwright/test");
const { execSync } = require("child_process");
const fs = require("fs");
const os = require("os");
const path = require("path");

// Chosen once in the main process; the workers inherit them through the environment.
if (!process.env.E2E_PORT) {
  process.env.E2E_PORT = execSync(
    `node -e "const s=require('net').createServer();s.listen(0,'127.0.0.1',()=>{console.log(s.address().port);s.close()})"`,
  )
    .toString()
    .trim();
}
// A second server whose sessions end after 24 seconds without activity, for the idle logoff.
if (!process.env.E2E_IDLE_PORT) {
  process.env.E2E_IDLE_PORT = execSync(
    `node -e "const s=require('net').createServer();s.listen(0,'127.0.0.1',()=>{console.log(s.address().port);s.close()})"`,
  )
    .toString()
    .trim();
}
if (!process.env.E2E_DATA_DIR) {
  process.env.E2E_DATA_DIR = fs.mkdtempSync(path.join(os.tmpdir(), "client-portal-e2e-"));
}
const port = process.env.E2E_PORT;
const root = path.resolve(__dirname, "..");

module.exports = defineConfig({
  testDir: "./tests",
  timeout: 30_000,
  expect: { timeout: 10_000 },
  fullyParallel: false,
  // One worker: several files change the demo organization (settings, contact access, forms).
  workers: 1,
  forbidOnly: !!process.env.CI,
  retries: 0,
  reporter: [["list"]],
  use: {
    baseURL: `http://127.0.0.1:${port}`,
    trace: "retain-on-failure",
    launchOptions: {
      executablePath: "/usr/bin/chromium",
      args: [
        "--no-sandbox",
        "--disable-gpu",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--no-first-run",
        "--disable-quic",
      ],
    },
  },
  webServer: [server(port, "e2e", {}), server(process.env.E2E_IDLE_PORT, "idle", { SESSION_IDLE_SECONDS: "40" })],
});

/** The release server with the demo data on `port`, its own database `name`, and `extra` settings. */
function server(port, name, extra) {
  return {
    command: `${root}/target/release/server --demo`,
    cwd: root,
    url: `http://127.0.0.1:${port}/sign-in`,
    reuseExistingServer: false,
    timeout: 60_000,
    stdout: "pipe",
    env: {
      ...process.env,
      LEPTOS_SITE_ADDR: `127.0.0.1:${port}`,
      LEPTOS_SITE_ROOT: `${root}/target/site`,
      LEPTOS_ENV: "PROD",
      DATABASE_URL: `sqlite://${process.env.E2E_DATA_DIR}/${name}.sqlite?mode=rwc`,
      SECRETS_KEY_FILE: `${process.env.E2E_DATA_DIR}/${name}.key`,
      ...extra,
    },
  };
}
