// End-to-end tests on the real app: tauri-driver + WebKitWebDriver, started by run.sh under
// dbus-run-session + xvfb-run with a throwaway HOME and an unlocked gnome-keyring.
// Prints one line per test and closes with "N passed, M failed". Tests run in order and share
// ROLLCALL_HOME, like one admin's computer: first launch, the demo, then a connected org.
import {
  mkdirSync,
  readFileSync,
  readdirSync,
  writeFileSync,
  existsSync,
} from "node:fs";
import { execFileSync, spawn } from "node:child_process";
import { join } from "node:path";
import { Session, waitForDriver, sleep, freePort } from "./webdriver.mjs";
import {
  answerDialog,
  answerOpenDialog,
  answerSaveDialog,
  dialogVisible,
} from "./dialogs.mjs";

const root = new URL("../..", import.meta.url).pathname;
const app = process.env.ROLLCALL_E2E_BIN;
const jcsimBin = process.env.ROLLCALL_E2E_JCSIM;
const driver = process.env.ROLLCALL_E2E_DRIVER;
const home = process.env.ROLLCALL_HOME;
const screens = join(root, "target/e2e-screens");
const only = process.env.ROLLCALL_E2E_ONLY ?? "";
mkdirSync(screens, { recursive: true });

const cargoVersion = /^version\s*=\s*"([^"]+)"/m.exec(
  readFileSync(join(root, "Cargo.toml"), "utf8"),
)[1];
const VIEWS = [
  "users",
  "groups",
  "devices",
  "apps",
  "admins",
  "checklists",
  "reports",
  "activity",
];

async function launch(args = [], ready = '[data-testid="nav-users"]') {
  let s;
  try {
    s = await Session.start(driver, app, args);
  } catch (e) {
    // WebKitWebDriver sometimes misses a window that closed a moment before; one more try.
    console.log(`     (session start failed: ${e.message}; retrying once)`);
    await sleep(2000);
    s = await Session.start(driver, app, args);
  }
  await s.find(ready, 30_000);
  return s;
}

async function shot(s, name) {
  writeFileSync(join(screens, `${name}.png`), await s.screenshot());
}

function assert(cond, msg) {
  if (!cond) throw new Error(msg);
}

const $ = (id) => `[data-testid="${id}"]`;

async function click(s, css, timeout) {
  await (await s.find(css, timeout)).click();
}

/**
 * Clicks a control as a person would: scrolled into view, and only if it is the element under
 * its own centre (a notice or a dialog covering it fails the test instead of being clicked
 * through).
 */
async function jsClick(s, css) {
  await s.find(css);
  const covered = await s.execute(
    `const e = document.querySelector(arguments[0]);
     e.scrollIntoView({block: 'center'});
     const r = e.getBoundingClientRect();
     const hit = document.elementFromPoint(r.left + r.width / 2, r.top + r.height / 2);
     if (hit && (hit === e || e.contains(hit))) { e.click(); return null; }
     return hit ? (hit.getAttribute('data-testid') || hit.className || hit.tagName) : 'nothing';`,
    [css],
  );
  assert(
    covered === null,
    `${css} is covered by ${covered}; a person could not click it`,
  );
}

async function type(s, css, text) {
  await (await s.find(css)).type(text);
}

/** Sets a React-controlled <select> or <input> (date pickers included) as a user would. */
async function setValue(s, css, value) {
  await s.find(css);
  await s.execute(
    `const e = document.querySelector(arguments[0]);
     const proto = e.tagName === "SELECT" ? HTMLSelectElement.prototype : HTMLInputElement.prototype;
     Object.getOwnPropertyDescriptor(proto, "value").set.call(e, arguments[1]);
     e.dispatchEvent(new Event("input", { bubbles: true }));
     e.dispatchEvent(new Event("change", { bubbles: true }));`,
    [css, value],
  );
}

/** The base URL of the demo simulator the app started most recently (from its log). */
function demoBase() {
  const logs = join(home, "logs");
  const text = readdirSync(logs)
    .filter((f) => f.startsWith("rollcall."))
    .map((f) => readFileSync(join(logs, f), "utf8"))
    .join("");
  const all = [
    ...text.matchAll(
      /demo organisation started base_url=(http:\/\/127\.0\.0\.1:\d+)/g,
    ),
  ];
  assert(
    all.length > 0,
    "the log does not say where the demo simulator listens",
  );
  return all[all.length - 1][1];
}

async function sim(base, path, init) {
  const r = await fetch(base + path, init);
  assert(r.ok, `${path}: HTTP ${r.status}`);
  return r.json();
}

async function simApi(base, key, path) {
  return sim(base, path, { headers: { "x-api-key": key } });
}

/** Requests the simulator saw whose path contains `part`, by method. */
async function simRequests(base, method, part) {
  const all = await sim(
    base,
    `/__sim/requests?path=${encodeURIComponent(part)}`,
  );
  return all.filter((r) => r.method === method && r.path.includes(part));
}

function adminKey(info) {
  return info.admins.find((a) => a.role === "Administrator" && !a.multiTenant)
    .apiKey;
}

/** A Windows device with MDM and BitLocker (lock and wipe both offered) and its one user. */
async function pickTarget(base) {
  const key = adminKey(await sim(base, "/__sim/info"));
  for (let skip = 0; ; skip += 100) {
    const page = await simApi(base, key, `/api/systems?limit=100&skip=${skip}`);
    for (const s of page.results) {
      if (
        s.osFamily !== "windows" ||
        !s.fde?.active ||
        s.mdm?.vendor !== "internal" ||
        /[<>]/.test(s.hostname)
      )
        continue;
      const users = await simApi(base, key, `/api/v2/systems/${s._id}/users`);
      if (users.length !== 1) continue;
      const u = await simApi(base, key, `/api/systemusers/${users[0].id}`);
      if (u.state === "ACTIVATED" && !/[<>]/.test(u.email))
        return { system: s, user: u };
    }
    if (skip + 100 >= page.totalCount)
      throw new Error(
        "the demo has no Windows device with MDM and BitLocker bound to one active user",
      );
  }
}

/** Starts the jcsim binary on `port`; resolves with its info once it answers. */
async function startJcsim(port) {
  const child = spawn(
    jcsimBin,
    ["--port", String(port), "--users", "60", "--single-org", "--seed", "11"],
    { stdio: "ignore" },
  );
  const base = `http://127.0.0.1:${port}`;
  const until = Date.now() + 20_000;
  while (Date.now() < until) {
    try {
      return { child, base, info: await sim(base, "/__sim/info") };
    } catch {
      await sleep(150);
    }
  }
  child.kill();
  throw new Error("jcsim did not start");
}

function secretToolSearch() {
  try {
    return execFileSync(
      "secret-tool",
      ["search", "--all", "service", "app.rollcall.desktop"],
      { encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] },
    );
  } catch (e) {
    return String(e.stdout ?? "");
  }
}

const tests = [
  [
    "first launch: the window is titled Rollcall and asks to connect an organisation",
    async () => {
      const s = await launch([], $("connect-screen"));
      try {
        assert(
          (await s.title()) === "Rollcall",
          `document title is "${await s.title()}"`,
        );
        const native = execFileSync(
          "xdotool",
          ["search", "--onlyvisible", "--name", "^Rollcall$"],
          { encoding: "utf8" },
        );
        assert(
          native.trim() !== "",
          "no visible native window titled Rollcall",
        );
        await s.waitForText($("org-name"), "No organisation");
        await s.waitForText($("connection-state"), "Not connected");
        assert(
          (await (await s.find($("connect-key"))).attribute("type")) ===
            "password",
          "the API key field is not masked",
        );
        await shot(s, "connect");
      } finally {
        await s.quit();
      }
    },
  ],
  [
    "the About panel shows the version from app_info",
    async () => {
      const s = await launch();
      try {
        await click(s, $("nav-about"));
        const version = await s.waitForText($("about-version"), cargoVersion);
        assert(
          version === cargoVersion,
          `About shows "${version}", Cargo.toml says ${cargoVersion}`,
        );
        const dataDir = await (await s.find($("about-data-dir"))).text();
        assert(
          dataDir.startsWith(home),
          `data dir ${dataDir} is outside ROLLCALL_HOME`,
        );
        await shot(s, "about");
        await click(s, $("about-close"));
      } finally {
        await s.quit();
      }
    },
  ],
  [
    "demo: search, suspend, reset MFA, lock (Cancel, then OK), wipe with the typed hostname, Activity",
    async () => {
      const s = await launch([], $("try-demo"));
      try {
        await click(s, $("try-demo"));
        await s.find($("demo-banner"), 20_000);
        await s.waitForText($("data-as-of"), "Data as of", 60_000);
        await s.waitForText($("connection-state"), "Online", 20_000);
        const base = demoBase();
        const { system, user } = await pickTarget(base);

        // Search the user and open their panel.
        await type(s, $("global-search"), user.email);
        await click(s, $(`hit-${user._id}`), 10_000);
        await s.waitForText($("panel-title"), user.lastname);
        await shot(s, "user-panel");

        await click(s, $("action-suspend"));
        await s.waitForText($("user-state"), "SUSPENDED", 15_000);
        await click(s, $("action-resetmfa"));
        await s.waitForText($("notice-ok"), "Reset MFA", 15_000);
        assert(
          (
            await simRequests(
              base,
              "POST",
              `/systemusers/${user._id}/state/suspend`,
            )
          ).length === 1,
          "jcsim did not see exactly one suspend",
        );
        assert(
          (await simRequests(base, "POST", `/systemusers/${user._id}/resetmfa`))
            .length === 1,
          "jcsim did not see exactly one MFA reset",
        );

        // Their Windows device: lock, answered Cancel then OK.
        await click(s, $(`user-device-${system._id}`));
        await s.waitForText($("panel-title"), system.hostname);
        const lockPath = `/systems/${system._id}/command/builtin/lock`;
        await click(s, $("action-lock"));
        await answerDialog("Lock device", "cancel");
        await s.waitForText($("notice-warn"), "nothing was sent", 10_000);
        assert(
          (await simRequests(base, "POST", lockPath)).length === 0,
          "Cancel still sent a lock",
        );
        await click(s, $("action-lock"));
        await answerDialog("Lock device", "ok", 10_000, "alt+l");
        await s.waitForText($("notice-ok"), "Lock sent", 15_000);
        assert(
          (await simRequests(base, "POST", lockPath)).length === 1,
          "OK did not send exactly one lock",
        );

        // Wipe: the hostname must be typed first, then the native dialog.
        await click(s, $("action-wipe"));
        await s.find($("wipe-modal"));
        const cont = await s.find($("wipe-continue"));
        assert(
          (await cont.attribute("disabled")) !== null,
          "Wipe is enabled before the hostname is typed",
        );
        await type(s, $("wipe-hostname"), system.hostname);
        await shot(s, "wipe-typed");
        await click(s, $("wipe-continue"));
        await answerDialog(
          "Wipe device — erase all data",
          "ok",
          10_000,
          "alt+w",
        );
        await s.waitForText($("notice-ok"), "Wipe sent", 15_000);
        assert(
          (
            await simRequests(
              base,
              "POST",
              `/systems/${system._id}/command/builtin/erase`,
            )
          ).length === 1,
          "jcsim did not see exactly one erase",
        );

        // Activity lists the four actions; the device's panel shows its own.
        await s.waitForText($("panel-history"), "device.wipe", 10_000);
        await click(s, $("nav-activity"));
        const activity = await s.waitForText(
          $("activity-table"),
          "device.wipe",
          10_000,
        );
        for (const a of [
          "user.suspend",
          "user.reset_mfa",
          "device.lock",
          "device.wipe",
        ]) {
          assert(
            activity.includes(a),
            `Activity lacks ${a}: ${activity.slice(0, 400)}`,
          );
        }
        await shot(s, "view-activity");
      } finally {
        await s.quit();
      }
    },
  ],
  [
    "demo: hostile names render as text and run nothing",
    async () => {
      const s = await launch();
      try {
        await s.find($("demo-banner"), 20_000);
        await s.waitForText($("data-as-of"), "Data as of", 60_000);
        await type(s, $("users-filter"), "hostile");
        await s.waitForText(
          $("users-table"),
          "<script>alert('xss')</script>",
          10_000,
        );
        const row = await s.execute(
          "const r = document.querySelector('[data-testid=users-table] [data-testid^=row-]'); r.click(); return r.textContent;",
        );
        assert(row.length > 0, "no hostile row");
        await s.find($("user-panel"));
        await type(s, $("global-search"), "hostile");
        await s.find($("search-results"));
        await sleep(500);
        const report = await s.execute(`return {
          title: document.title,
          markup: document.querySelectorAll('main script, main img, main svg, main marquee, main b, main i').length,
          alerts: typeof window.__rollcallAlerts,
          text: document.querySelector('main').textContent,
        };`);
        assert(
          report.title === "Rollcall",
          `the page title changed to "${report.title}"`,
        );
        assert(
          report.markup === 0,
          `${report.markup} elements from JumpCloud data were parsed as markup`,
        );
        assert(
          report.text.includes("<img src=x onerror"),
          "the hostile text is not shown as text",
        );
        await shot(s, "hostile");
      } finally {
        await s.quit();
      }
    },
  ],
  [
    "demo: a screenshot of every view",
    async () => {
      const s = await launch();
      try {
        await s.find($("demo-banner"), 20_000);
        await s.waitForText($("data-as-of"), "Data as of", 60_000);
        for (const v of VIEWS) {
          await click(s, $(`nav-${v}`));
          await s.find($(`view-${v}`));
          await sleep(400);
          await shot(s, `view-${v}`);
        }
        await click(s, $("nav-devices"));
        await click(s, $("chip-os-linux"));
        await sleep(300);
        await s.execute(
          "document.querySelector('[data-testid=devices-table] [data-testid^=row-]').click()",
        );
        await s.waitForText(
          $("action-reasons"),
          "Linux systems have no managed wipe",
          10_000,
        );
        await shot(s, "device-panel-linux");
        await click(s, $("panel-close"));
        await click(s, $("nav-users"));
        await sleep(400);
        await shot(s, "demo");

        // CSV export of the filtered view, through the native save dialog.
        await click(s, $("chip-state-SUSPENDED"));
        const suspended = Number(
          (await s.textOf($("chip-state-SUSPENDED"))).replace(/\D+/g, ""),
        );
        const out = join(home, "suspended-users.csv");
        await click(s, $("export-csv"));
        await answerSaveDialog("Export users as CSV", out);
        await s.waitForText($("notice-ok"), "Exported", 10_000);
        const csv = readFileSync(out, "utf8").trim().split("\r\n");
        assert(
          csv[0].startsWith("id,username,email"),
          `unexpected CSV header: ${csv[0]}`,
        );
        assert(
          csv.length - 1 === suspended,
          `the CSV has ${csv.length - 1} rows, the Suspended chip says ${suspended}`,
        );
        assert(
          csv.slice(1).every((l) => l.includes("SUSPENDED")),
          "the CSV holds users outside the filter",
        );
      } finally {
        await s.quit();
      }
    },
  ],
  [
    "demo: offboard a user click by click; quit mid-run, relaunch, resume without repeating a request; evidence",
    async () => {
      let s = await launch();
      let base;
      let target;
      try {
        await s.find($("demo-banner"), 20_000);
        await s.waitForText($("notice-ok"), "Sync finished", 60_000);
        base = demoBase();
        target = await pickTarget(base);
        const { user } = target;
        await type(s, $("global-search"), user.email);
        await click(s, $(`hit-${user._id}`), 10_000);
        await click(s, $("offboard-user"));
        await sleep(1000);
        await shot(s, "checklist-started");
        await s.find($("run-detail"), 10_000);
        const preview = await s.textOf($("step-6"));
        assert(
          preview.includes(target.system.hostname),
          `the lock step does not name ${target.system.hostname}: ${preview}`,
        );
        for (let i = 0; i <= 5; i++) {
          await jsClick(s, $(`step-${i}-run`));
          await s.waitForText($(`step-${i}-state`), "done", 20_000);
        }
        await shot(s, "checklist-midway");
      } finally {
        await s.quit(); // mid-run: the lock step and after are still to do
      }

      s = await launch();
      try {
        await s.find($("demo-banner"), 20_000);
        await s.waitForText($("notice-ok"), "Sync finished", 60_000);
        base = demoBase(); // a new simulator: its log starts empty
        await click(s, $("nav-checklists"));
        await s.find('[data-testid="run-list"] [data-testid^="run-"]', 10_000);
        await s.execute(
          "document.querySelector('[data-testid=run-list] [data-testid^=run-]').click()",
        );
        await s.waitForText($("step-5-state"), "done", 10_000);
        await s.waitForText($("step-6-state"), "pending");
        await jsClick(s, $("step-6-run"));
        await answerDialog("Lock device", "ok", 10_000, "alt+l");
        await s.waitForText($("step-6-state"), "done", 20_000);
        const uid = target.user._id;
        for (const part of [
          `/systemusers/${uid}/state/suspend`,
          `/systemusers/${uid}/resetmfa`,
          `/systemusers/${uid}/expire`,
        ]) {
          assert(
            (await simRequests(base, "POST", part)).length === 0,
            `resuming repeated ${part}`,
          );
        }
        const members = (await sim(base, "/__sim/requests")).filter(
          (r) => r.path.endsWith("/members") && r.body.includes(uid),
        );
        assert(
          members.length === 0,
          `resuming repeated ${members.length} group removals`,
        );
        const locks = await simRequests(
          base,
          "POST",
          `/systems/${target.system._id}/command/builtin/lock`,
        );
        assert(
          locks.length === 1,
          `expected exactly one lock, jcsim saw ${locks.length}`,
        );

        await type(s, $("step-7-note"), "devices not returned yet");
        await jsClick(s, $("step-7-skip"));
        await s.waitForText($("step-7-state"), "skipped", 10_000);
        await type(s, $("step-8-note"), "Laptop collected at the front desk");
        await jsClick(s, $("step-8-run"));
        await s.waitForText($("step-8-state"), "done", 10_000);
        await jsClick(s, $("step-9-run"));
        await s.waitForText($("run-status"), "finished", 10_000);
        await shot(s, "checklist-finished");
        const out = join(home, "offboarding-evidence.csv");
        await jsClick(s, $("run-export"));
        await answerSaveDialog("Export the evidence report as CSV", out);
        await s.waitForText($("notice-ok"), "Saved the evidence", 10_000);
        const csv = readFileSync(out, "utf8");
        for (const t of [
          "Capture current access",
          "Remove from all groups",
          "Reset MFA",
          "Suspend the account",
          "Lock each bound device",
          "front desk",
          "device.lock",
          "user.suspend",
        ]) {
          assert(csv.includes(t), `the evidence lacks "${t}"`);
        }

        const pdfOut = join(home, "offboarding-evidence.pdf");
        await jsClick(s, $("run-export-pdf"));
        await answerSaveDialog("Export the evidence report as PDF", pdfOut);
        await s.waitForText($("notice-ok"), "evidence.pdf", 10_000);
        const pdf = readFileSync(pdfOut, "latin1");
        assert(pdf.startsWith("%PDF-"), "the PDF report is not a PDF");
        // A long title wraps inside its table cell: look for its first two words.
        for (const t of [
          "Capture current access",
          "Remove from all groups",
          "Remove direct app access",
          "Reset MFA",
          "Expire password",
          "Suspend the account",
          "Lock each bound device",
          "Wipe returned devices",
          "Laptop collected",
          "Evidence report",
          "device.lock",
        ]) {
          const head = t.split(" ").slice(0, 2).join(" ");
          assert(pdf.includes(head), `the PDF report lacks "${t}"`);
        }

        // A mistake: "Restore access" re-adds what was captured and JumpCloud no longer holds.
        // The relaunched demo simulator started afresh (the person is back in every group), so
        // take them out of one group first, as the removal step did.
        const uid2 = target.user._id;
        const key = adminKey(await sim(base, "/__sim/info"));
        const held = await simApi(base, key, `/api/v2/users/${uid2}/memberof`);
        assert(held.length > 0, "the person is in no group to restore");
        const takenOut = await fetch(
          `${base}/api/v2/usergroups/${held[0].id}/members`,
          {
            method: "POST",
            headers: { "x-api-key": key, "content-type": "application/json" },
            body: JSON.stringify({ op: "remove", type: "user", id: uid2 }),
          },
        );
        assert(
          takenOut.ok,
          `taking the person out of a group: HTTP ${takenOut.status}`,
        );
        await jsClick(s, $("run-restore"));
        await s.waitForText(".notices", "Verified", 15_000);
        const adds = (await sim(base, "/__sim/requests")).filter(
          (r) =>
            r.method === "POST" &&
            r.path.endsWith("/members") &&
            r.body.includes(uid2) &&
            r.body.includes('"add"'),
        );
        assert(
          adds.length === 1 && adds[0].path.includes(held[0].id),
          `Restore access should re-add only the one group JumpCloud lacks; it sent ${adds.length}`,
        );
        await click(s, $("nav-activity"));
        await s.find($("activity-run"), 10_000);
      } finally {
        await s.quit();
      }
    },
  ],
  [
    "demo: a group added in JumpCloud after the sync is captured, removed once and verified gone",
    async () => {
      const s = await launch();
      try {
        await s.find($("demo-banner"), 20_000);
        await s.waitForText($("notice-ok"), "Sync finished", 60_000);
        const base = demoBase();
        const key = adminKey(await sim(base, "/__sim/info"));
        const headers = {
          "x-api-key": key,
          "content-type": "application/json",
        };
        // An active person in at least two groups (names without markup, to search by).
        let user;
        let before = [];
        const page = await simApi(
          base,
          key,
          "/api/systemusers?limit=100&filter=state:$eq:ACTIVATED",
        );
        for (const u of page.results.filter((x) => !/[<>]/.test(x.email))) {
          before = await simApi(base, key, `/api/v2/users/${u._id}/memberof`);
          if (before.length >= 2) {
            user = u;
            break;
          }
        }
        assert(user, "the demo has no active person in two groups");
        await type(s, $("global-search"), user.email);
        await click(s, $(`hit-${user._id}`), 10_000);
        await click(s, $("offboard-user"));
        await s.find($("run-detail"), 10_000);
        await s.find($("step-1-live"), 10_000);

        // Behind the mirror's back: HR's integration creates a group and adds the person.
        const created = await fetch(`${base}/api/v2/usergroups`, {
          method: "POST",
          headers,
          body: JSON.stringify({ name: "Late group (added by HR)" }),
        });
        assert(created.ok, `creating the late group: HTTP ${created.status}`);
        const late = await created.json();
        const added = await fetch(
          `${base}/api/v2/usergroups/${late.id}/members`,
          {
            method: "POST",
            headers,
            body: JSON.stringify({ op: "add", type: "user", id: user._id }),
          },
        );
        assert(added.ok, `adding to the late group: HTTP ${added.status}`);
        const preview = await s.textOf($("step-1"));
        assert(
          !preview.includes("Late group"),
          "the preview comes from the last sync",
        );

        await jsClick(s, $("step-0-run"));
        await s.waitForText($("step-0-state"), "done", 20_000);
        const captured = await s.textOf($("step-0"));
        assert(
          captured.includes("added since the last sync: Late group"),
          `capture does not name the late group: ${captured}`,
        );
        await jsClick(s, $("step-1-run"));
        await s.waitForText($("step-1-state"), "done", 30_000);
        const removed = await s.textOf($("step-1"));
        for (const t of [
          "added since the preview: Late group",
          "Verified at",
        ]) {
          assert(removed.includes(t), `step 2 lacks "${t}": ${removed}`);
        }
        await shot(s, "checklist-live-read");

        const left = await simApi(
          base,
          key,
          `/api/v2/users/${user._id}/memberof`,
        );
        assert(
          left.length === 0,
          `JumpCloud still lists ${left.length} groups for the person`,
        );
        const sent = (await sim(base, "/__sim/requests")).filter(
          (r) =>
            r.method === "POST" &&
            r.path.endsWith("/members") &&
            r.body.includes(user._id) &&
            r.body.includes('"remove"'),
        );
        const paths = new Set(sent.map((r) => r.path));
        assert(
          sent.length === before.length + 1 && paths.size === sent.length,
          `expected ${before.length + 1} removals, one per group; jcsim saw ${sent.length} to ${paths.size} groups`,
        );
        assert(
          [...paths].some((p) => p.includes(late.id)),
          "no removal from the late group",
        );
      } finally {
        await s.quit();
      }
    },
  ],
  [
    "demo: an MFA reset waits for the identity check; a checklist for several people at once",
    async () => {
      const s = await launch();
      try {
        await s.find($("demo-banner"), 20_000);
        await s.waitForText($("notice-ok"), "Sync finished", 60_000);
        const base = demoBase();
        const key = adminKey(await sim(base, "/__sim/info"));
        const page = await simApi(
          base,
          key,
          "/api/systemusers?limit=20&filter=state:$eq:ACTIVATED",
        );
        const [a, b, c] = page.results.filter((u) => !/[<>]/.test(u.email));
        await click(s, $("nav-checklists"));
        await setValue(s, $("template"), "mfa_reset");
        await click(s, $("new-offboarding"));
        await type(s, $("person-search"), a.email);
        await click(s, $(`pick-person-${a._id}`), 10_000);
        await s.waitForText(".run-head", "MFA reset for", 10_000);
        await jsClick(s, $("step-1-run"));
        await s.waitForText(".notices", "comes first", 10_000);
        assert(
          (await simRequests(base, "POST", `/systemusers/${a._id}/resetmfa`))
            .length === 0,
          "an MFA reset went out before the identity check",
        );
        await type(
          s,
          $("step-0-note"),
          "Called back on the number HR holds; verified by the e2e admin",
        );
        await jsClick(s, $("step-0-run"));
        await s.waitForText($("step-0-state"), "done", 10_000);
        await jsClick(s, $("step-1-run"));
        await s.waitForText($("step-1-state"), "done", 15_000);
        assert(
          (await simRequests(base, "POST", `/systemusers/${a._id}/resetmfa`))
            .length === 1,
          "expected exactly one MFA reset",
        );
        await shot(s, "checklist-mfa-reset");

        await click(s, $("new-bulk"));
        await type(
          s,
          $("bulk-people"),
          // WebDriver types a line break as the Enter key (U+E007).
          `${b.email}\uE007${c.username}\uE007nobody@nowhere.example`,
        );
        await click(s, $("bulk-start"));
        await s.waitForText(".notices", "Started 2 runs", 10_000);
        await s.waitForText(".notices", "nobody@nowhere.example", 10_000);
      } finally {
        await s.quit();
      }
    },
  ],
  [
    "demo: templates edited, exported and imported; onboarding a new starter; an access request due for removal",
    async () => {
      const s = await launch(["--demo"]);
      try {
        await s.find($("demo-banner"), 20_000);
        await s.waitForText($("notice-ok"), "Sync finished", 60_000);
        const base = demoBase();
        const key = adminKey(await sim(base, "/__sim/info"));
        await click(s, $("nav-checklists"));

        // The org's own onboarding: a manual step and a baseline group, saved, then exported.
        await click(s, $("edit-templates"));
        await setValue(s, $("edit-template"), "onboarding");
        await s.waitForText($("template-steps"), "create user", 5_000);
        await setValue(s, $("tstep-kind"), "manual");
        await jsClick(s, $("tstep-add"));
        await s.find($("tstep-5"));
        await jsClick(s, `${$("baseline-groups")} input[type=checkbox]`);
        await jsClick(s, $("template-save"));
        await s.waitForText(".notices", "Saved “Onboarding”", 10_000);
        await shot(s, "checklist-template-editor");
        const file = join(home, "onboarding.rollcall-template.json");
        await jsClick(s, $("template-export"));
        await answerSaveDialog('Export the template "Onboarding"', file);
        await s.waitForText(".notices", "Exported", 10_000);
        const exported = JSON.parse(readFileSync(file, "utf8"));
        assert(
          exported.template.steps.length === 6 &&
            exported.template.defaults.groups.length === 1,
          `the exported template lacks the edits: ${JSON.stringify(exported)}`,
        );
        // Put it back as shipped, then import the file: the edits return.
        await jsClick(s, $("template-reset"));
        await s.waitForText(".notices", "back as shipped", 10_000);
        await jsClick(s, $("template-import"));
        await answerOpenDialog("Import a checklist template", file);
        await s.waitForText(".notices", "Imported “Onboarding”", 10_000);
        await click(s, $("edit-templates")); // close the editor

        // Onboarding: create (staged) → baseline group → activation → bind a device.
        const devices = await simApi(base, key, "/api/systems?limit=50");
        const device = devices.results.find(
          (d) => !/[<>]/.test(d.hostname) && d.hostname.length > 3,
        );
        await setValue(s, $("template"), "onboarding");
        await click(s, $("new-offboarding"));
        await type(s, $("new-username"), "e2e.starter");
        await type(s, $("new-email"), "e2e.starter@example.com");
        await type(s, $("new-firstname"), "Erin");
        await type(s, $("new-lastname"), "Starter");
        await type(s, $("device-search"), device.hostname);
        await jsClick(s, $(`pick-device-${device._id}`));
        await shot(s, "checklist-onboarding-form");
        await jsClick(s, $("onboarding-start"));
        await s.waitForText(".run-head", "Onboarding for Erin Starter", 10_000);
        for (let i = 0; i <= 3; i++) {
          await jsClick(s, $(`step-${i}-run`));
          await s.waitForText($(`step-${i}-state`), "done", 20_000);
        }
        await type(s, $("step-4-note"), "Welcome call done by the e2e admin");
        await jsClick(s, $("step-4-run"));
        await s.waitForText($("step-4-state"), "done", 10_000);
        await shot(s, "checklist-onboarding-done");
        const created = (await sim(base, "/__sim/requests")).filter(
          (r) => r.method === "POST" && r.path === "/api/systemusers",
        );
        assert(
          created.length === 1,
          `expected one create, saw ${created.length}`,
        );
        const found = await simApi(
          base,
          key,
          "/api/systemusers?filter=username:$eq:e2e.starter",
        );
        const newId = found.results[0]?._id;
        assert(
          newId && found.results[0].state === "ACTIVATED",
          "the new starter is not active in JumpCloud",
        );
        const bound = await simApi(
          base,
          key,
          `/api/v2/systems/${device._id}/users`,
        );
        assert(
          bound.some((u) => u.id === newId),
          "the device is not bound to the new starter",
        );
        const groups = await simApi(
          base,
          key,
          `/api/v2/users/${newId}/memberof`,
        );
        assert(
          groups.length === 1,
          `expected 1 baseline group, got ${groups.length}`,
        );

        // Several new starters at once, from HR's CSV through the native open dialog.
        const starters = join(home, "new-starters.csv");
        writeFileSync(
          starters,
          "username,email,firstname,lastname\nfay.one,fay.one@example.com,Fay,One\ngus.two,gus.two@example.com,Gus,Two\n",
        );
        await click(s, $("new-bulk"));
        await jsClick(s, $("bulk-csv"));
        await answerOpenDialog("Choose a CSV of people", starters);
        for (let i = 0; i < 50; i++) {
          const v = await s.execute(
            "return document.querySelector(arguments[0]).value",
            [$("bulk-people")],
          );
          if (v.includes("gus.two@example.com")) break;
          await sleep(100);
        }
        await jsClick(s, $("bulk-start"));
        await s.waitForText(".notices", "Started 2 runs of Onboarding", 10_000);

        // Access request: approval first, then the grant; it expires today, so it is due.
        const users = await simApi(
          base,
          key,
          "/api/systemusers?limit=20&filter=state:$eq:ACTIVATED",
        );
        const who = users.results.find((u) => !/[<>]/.test(u.email));
        const memberOf = (
          await simApi(base, key, `/api/v2/users/${who._id}/memberof`)
        ).map((g) => g.id);
        const allGroups = await simApi(
          base,
          key,
          "/api/v2/usergroups?limit=100",
        );
        const group = allGroups.find(
          (g) => !memberOf.includes(g.id) && !/[<>]/.test(g.name),
        );
        await setValue(s, $("template"), "access_request");
        await click(s, $("new-offboarding"));
        await type(s, $("person-search"), who.email);
        await jsClick(s, $(`pick-person-${who._id}`));
        await setValue(s, $("access-group"), group.id);
        const today = new Date().toISOString().slice(0, 10);
        await setValue(s, $("access-expiry"), today);
        await shot(s, "checklist-access-form");
        await jsClick(s, $("access-start"));
        await s.waitForText(".run-head", "Access request for", 10_000);
        await jsClick(s, $("step-1-run"));
        await s.waitForText(".notices", "comes first", 10_000);
        const adds = async () =>
          (await simRequests(base, "POST", `/usergroups/${group.id}/members`))
            .length;
        assert((await adds()) === 0, "a grant went out before the approval");
        await type(s, $("step-0-approver"), "Dana Lee (IT lead)");
        await type(s, $("step-0-ticket"), "HELP-4321");
        await jsClick(s, $("step-0-run"));
        await s.waitForText($("step-0-state"), "done", 10_000);
        await jsClick(s, $("step-1-run"));
        await s.waitForText($("step-1-state"), "done", 15_000);
        assert((await adds()) === 1, "expected exactly one grant");
        await s.waitForText($("grants-due"), "1 due for removal", 10_000);
        await shot(s, "checklist-access-due");
        const runRow = await s.find('[data-testid^="grant-run-"]');
        const runId = (await runRow.attribute("data-testid")).slice(
          "grant-".length,
        );
        await jsClick(s, $(`grant-${runId}-remove`));
        await s.waitForText(".notices", "Removed 1 of 1", 15_000);
        assert(
          (await adds()) === 2,
          "the one-click removal did not send exactly one request",
        );
        await jsClick(s, $("step-2-run"));
        await s.waitForText($("run-status"), "finished", 10_000);
        const pdfOut = join(home, "access-evidence.pdf");
        await jsClick(s, $("run-export-pdf"));
        await answerSaveDialog("Export the evidence report as PDF", pdfOut);
        await s.waitForText(".notices", "access-evidence.pdf", 10_000);
        const pdf = readFileSync(pdfOut, "latin1");
        for (const t of [
          "Approved by Dana Lee",
          "HELP-4321",
          "group.remove_members",
          "access granted",
        ]) {
          assert(pdf.includes(t), `the access request's PDF lacks "${t}"`);
        }
      } finally {
        await s.quit();
      }
    },
  ],
  [
    "a connected org: key in the Secret Service, read back after a relaunch; offline, then recovery",
    async () => {
      const port = freePort();
      let js = await startJcsim(port);
      const key = adminKey(js.info);
      const org = js.info.organizations[0];
      const s = await launch();
      try {
        await click(s, $("org-name"));
        await click(s, $("org-add"));
        await click(s, $("connect-advanced"));
        await type(s, $("connect-base"), js.base);
        await type(s, $("connect-key"), "not-a-key");
        await click(s, $("connect-test"));
        await s.waitForText($("connect-error"), "refused the API key", 15_000);
        await shot(s, "connect-wrong-key");
        await s.execute(
          "const e = document.querySelector('[data-testid=connect-key]'); e.select();",
        );
        await (await s.find($("connect-key"))).type("\uE003".repeat(20) + key);
        await click(s, $("connect-test"));
        await s.waitForText($("connect-result"), org.name, 15_000);
        await click(s, $("connect-submit"));
        await s.waitForText($("org-name"), org.name, 15_000);
        await s.waitForText($("data-as-of"), "Data as of", 60_000);
      } finally {
        await s.quit();
      }
      const stored = secretToolSearch();
      assert(
        stored.includes(org.id),
        `the Secret Service has no Rollcall entry for ${org.id}: ${stored}`,
      );
      assert(stored.includes(key), "the stored secret is not the key");
      const orgsJson = readFileSync(join(home, "config", "orgs.json"), "utf8");
      assert(!orgsJson.includes(key), "orgs.json holds the key");
      const dbFile = join(home, "data", "orgs", `${org.id}.sqlite`);
      assert(existsSync(dbFile), `no cache file at ${dbFile}`);
      assert(
        !readFileSync(dbFile).includes(Buffer.from(key)),
        "the cache file holds the key",
      );
      const logs = readdirSync(join(home, "logs"))
        .map((f) => readFileSync(join(home, "logs", f), "utf8"))
        .join("");
      assert(!logs.includes(key), "a log line holds the key");

      // JumpCloud unreachable: the app opens from the cache and says so.
      js.child.kill();
      await sleep(300);
      const s2 = await launch();
      try {
        await s2.waitForText($("org-name"), org.name, 15_000);
        await s2.waitForText(
          $("connection-state"),
          "Offline — data as of",
          30_000,
        );
        await s2.find(
          '[data-testid="users-table"] [data-testid^="row-"]',
          10_000,
        );
        await shot(s2, "offline");
        // The network returns: the key read back from the keyring works again, by itself.
        js = await startJcsim(port);
        await s2.waitForText($("connection-state"), "Online", 40_000);

        // The admin regenerates their key in JumpCloud: the next sync is refused, and the org
        // offers "Enter a new key", which keeps its local copy.
        const admin = js.info.admins.find(
          (a) => a.role === "Administrator" && !a.multiTenant,
        );
        const rotated = await sim(js.base, "/__sim/rotate-key", {
          method: "POST",
          body: JSON.stringify({ email: admin.email }),
        });
        await jsClick(s2, $("sync-now"));
        await s2.find($("key-refused"), 30_000);
        await shot(s2, "key-refused");
        await jsClick(s2, $("rekey-open"));
        await setValue(s2, $("rekey-key"), "still-not-a-key");
        await jsClick(s2, $("rekey-save"));
        await s2.waitForText($("rekey-error"), "refused the API key", 15_000);
        await setValue(s2, $("rekey-key"), rotated.apiKey);
        await shot(s2, "rekey");
        await jsClick(s2, $("rekey-save"));
        await s2.waitForText($("notice-ok"), "The new key works", 20_000);
        await s2.waitForText($("connection-state"), "Online", 20_000);
        assert(
          secretToolSearch().includes(rotated.apiKey),
          "the new key did not replace the old one in the Secret Service",
        );
        await s2.find(
          '[data-testid="users-table"] [data-testid^="row-"]',
          10_000,
        );
        // Remove the organisation: native confirmation, then the key and the file are gone.
        await click(s2, $("org-name"));
        await click(s2, $(`org-remove-${org.id}`));
        await answerDialog("Remove organisation", "ok", 10_000, "alt+r");
        await sleep(1000);
      } finally {
        await s2.quit();
        js.child.kill();
      }
      assert(
        !secretToolSearch().includes(org.id),
        "the keyring entry survived Remove organisation",
      );
      assert(
        !existsSync(dbFile),
        "the cache file survived Remove organisation",
      );
    },
  ],
  [
    "the app writes its log file below ROLLCALL_HOME",
    async () => {
      const logs = join(home, "logs");
      assert(existsSync(logs), `${logs} does not exist`);
      const files = readdirSync(logs).filter((f) =>
        /^rollcall\.\d{4}-\d{2}-\d{2}\.log$/.test(f),
      );
      assert(
        files.length > 0,
        `no rollcall.YYYY-MM-DD.log in ${logs}: ${readdirSync(logs)}`,
      );
      const text = files
        .map((f) => readFileSync(join(logs, f), "utf8"))
        .join("");
      assert(
        text.includes("starting Rollcall"),
        "the log file lacks the start-up line",
      );
    },
  ],
  [
    "the dialog helper finds a native GTK dialog by title and answers it",
    async () => {
      const title = "Rollcall e2e check?";
      for (const [answer, code] of [
        ["cancel", 1],
        ["ok", 0],
      ]) {
        const child = spawn(
          "zenity",
          [
            "--question",
            `--title=${title}`,
            "--text=Answer me",
            "--ok-label=_OK",
            "--cancel-label=_Cancel",
          ],
          {
            stdio: "ignore",
          },
        );
        const exited = new Promise((r) => child.on("exit", (c) => r(c)));
        await answerDialog(title, answer);
        const got = await Promise.race([
          exited,
          sleep(5000).then(() => "timeout"),
        ]);
        assert(
          got === code,
          `answering ${answer}: zenity exited ${got}, expected ${code}`,
        );
        assert(!dialogVisible(title), "the dialog is still visible");
      }
    },
  ],
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
