// End-to-end tests on the real app: tauri-driver + WebKitWebDriver, started by run.sh under
// dbus-run-session + xvfb-run with a throwaway HOME and an unlocked gnome-keyring.
// Prints one line per test and closes with "N passed, M failed". Tests run in order and share
// ROLLCALL_HOME, like one admin's computer: first launch, the demo, checklists, then a
// connected org. Each feature's tests live in their own file; helpers.mjs has what they share.
import { waitForDriver } from "./webdriver.mjs";
import { driver, only, screens } from "./helpers.mjs";
import { tests as basics } from "./basics.mjs";
import { tests as demo } from "./demo.mjs";
import { tests as checklists } from "./checklists.mjs";
import { tests as reports } from "./reports.mjs";
import { tests as access } from "./access.mjs";
import { tests as console_ } from "./console.mjs";
import { tests as connected } from "./connected.mjs";
import { tests as msp } from "./msp.mjs";

// The order matters: the demo is first opened by "demo: search, …"; the last two basics
// (log file, dialog helper) run after everything else.
const tests = [
  ...basics.slice(0, 2),
  ...demo,
  ...reports,
  ...access,
  ...console_,
  ...checklists,
  ...connected,
  ...msp,
  ...basics.slice(2),
];

await waitForDriver(driver);
let passed = 0;
let failed = 0;
for (const [name, fn] of tests) {
  if (only && !name.includes(only)) continue;
  const t0 = Date.now();
  try {
    await fn();
    passed++;
    console.log(`ok   ${name} (${Date.now() - t0} ms)`);
  } catch (e) {
    failed++;
    console.log(
      `FAIL ${name} (${Date.now() - t0} ms)\n     ${String(e?.stack ?? e)
        .split("\n")
        .join("\n     ")}`,
    );
  }
}
console.log(`screenshots: ${screens}`);
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed === 0 && passed > 0 ? 0 : 1);
