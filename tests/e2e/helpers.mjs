// What every end-to-end test shares: the app and simulator it drives, WebDriver helpers that
// act as a person would, and the simulator's control API.
import { mkdirSync, readFileSync, readdirSync, writeFileSync } from "node:fs";
import { execFileSync, spawn } from "node:child_process";
import { join } from "node:path";
import { Key, Session, sleep } from "./webdriver.mjs";

// What the feature files use besides the helpers below, so each imports from one place.
export {
  copyFileSync,
  existsSync,
  mkdirSync,
  readFileSync,
  readdirSync,
  writeFileSync,
} from "node:fs";
export { execFileSync, spawn } from "node:child_process";
export { join } from "node:path";
export { Session, sleep, freePort, Key } from "./webdriver.mjs";
export {
  answerDialog,
  answerOpenDialog,
  answerSaveDialog,
  dialogVisible,
} from "./dialogs.mjs";

export const root = new URL("../..", import.meta.url).pathname;
export const app = process.env.ROLLCALL_E2E_BIN;
export const jcsimBin = process.env.ROLLCALL_E2E_JCSIM;
export const driver = process.env.ROLLCALL_E2E_DRIVER;
export const home = process.env.ROLLCALL_HOME;
export const screens = join(root, "target/e2e-screens");
export const only = process.env.ROLLCALL_E2E_ONLY ?? "";
mkdirSync(screens, { recursive: true });

export const cargoVersion = /^version\s*=\s*"([^"]+)"/m.exec(
  readFileSync(join(root, "Cargo.toml"), "utf8"),
)[1];
export const VIEWS = [
  "users",
  "groups",
  "devices",
  "apps",
  "admins",
  "checklists",
  "access",
  "reports",
  "insights",
  "console",
  "activity",
];

export async function launch(args = [], ready = '[data-testid="nav-users"]') {
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

/** Waits until the page has drawn what it holds: every chart has finished rendering (and
 * animating; the Chart component marks it `data-settled`), then two more frames are painted.
 * A barrier on the renderer, not a guess at how long it takes. */
export async function settle(s) {
  await s.executeAsync(
    `const done = arguments[arguments.length - 1];
     const until = Date.now() + 10000;
     const frames = (n) => n === 0 ? done(true) : requestAnimationFrame(() => frames(n - 1));
     const wait = () => {
       const busy = [...document.querySelectorAll(".chart")].some((c) => c.dataset.settled !== "true");
       if (busy && Date.now() < until) requestAnimationFrame(wait);
       else frames(2);
     };
     wait();`,
  );
}

/** Waits until `pred()` (sync or async) is true, checking every 100 ms; fails naming `what`
 * after `timeout` ms. A barrier on the outcome, not a guess at how long it takes. */
export async function waitUntil(pred, what, timeout = 10_000) {
  const end = Date.now() + timeout;
  while (!(await pred())) {
    if (Date.now() > end) throw new Error(`waited ${timeout} ms for ${what}`);
    await sleep(100);
  }
}

/** A screenshot of the settled page, kept as `target/e2e-screens/<name>.png`. */
export async function shot(s, name) {
  await settle(s);
  writeFileSync(join(screens, `${name}.png`), await s.screenshot());
}

export function assert(cond, msg) {
  if (!cond) throw new Error(msg);
}

export const $ = (id) => `[data-testid="${id}"]`;

export async function click(s, css, timeout) {
  await (await s.find(css, timeout)).click();
}

/**
 * Clicks a control as a person would: scrolled into view, and only if it is the element under
 * its own centre (a notice or a dialog covering it fails the test instead of being clicked
 * through).
 */
export async function jsClick(s, css) {
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

/** A PDF's text as a reader extracts it (pdftotext), runs of white space as one space. */
export function pdfText(path) {
  return execFileSync("pdftotext", [path, "-"], { encoding: "utf8" }).replace(
    /\s+/g,
    " ",
  );
}

/** Waits until `css` matches an enabled control (actions stay disabled until JumpCloud answers). */
export async function waitEnabled(s, css, timeout = 30_000) {
  const until = Date.now() + timeout;
  while (Date.now() < until) {
    const state = await s.execute(
      "const e = document.querySelector(arguments[0]); return e ? e.disabled : null;",
      [css],
    );
    if (state === false) return;
    await sleep(100);
  }
  throw new Error(`${css} stayed disabled (or absent) for ${timeout} ms`);
}

export async function type(s, css, text) {
  await (await s.find(css)).type(text);
}

/** What has the keyboard focus: its test id, role, label and whether it shows a focus ring. */
export async function focused(s) {
  return s.execute(
    `const e = document.activeElement;
     return e ? { testid: e.dataset?.testid ?? "", role: e.getAttribute("role") ?? "",
                  label: e.getAttribute("aria-label") ?? e.textContent.slice(0, 60),
                  ring: e.matches(":focus-visible"),
                  selected: e.getAttribute("aria-selected") } : null;`,
  );
}

/** Presses Tab until `wanted(focused)` holds, as a keyboard user moves through the window;
 * fails after `max` presses. */
export async function tabTo(s, wanted, what, max = 60) {
  for (let i = 0; i < max; i++) {
    const f = await focused(s);
    if (f && wanted(f)) return f;
    await s.keys(Key.Tab);
  }
  throw new Error(`${max} presses of Tab never reached ${what}`);
}

/** Sets a React-controlled <select> or <input> (date pickers included) as a user would. */
export async function setValue(s, css, value) {
  await s.find(css);
  // A person can only choose an option that is shown: a <select> filled by a query waits for it.
  const isSelect = await s.execute(
    "return document.querySelector(arguments[0]).tagName === 'SELECT'",
    [css],
  );
  if (isSelect) {
    const option = `${css} option[value="${value}"]`;
    await s.find(option, 15_000);
  }
  await s.execute(
    `const e = document.querySelector(arguments[0]);
     const proto = e.tagName === "SELECT" ? HTMLSelectElement.prototype
       : e.tagName === "TEXTAREA" ? HTMLTextAreaElement.prototype : HTMLInputElement.prototype;
     Object.getOwnPropertyDescriptor(proto, "value").set.call(e, arguments[1]);
     e.dispatchEvent(new Event("input", { bubbles: true }));
     e.dispatchEvent(new Event("change", { bubbles: true }));`,
    [css, value],
  );
}

/** The base URL of the demo simulator the app started most recently (from its log). */
export function demoBase() {
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

export async function sim(base, path, init) {
  const r = await fetch(base + path, init);
  assert(r.ok, `${path}: HTTP ${r.status}`);
  return r.json();
}

/** The title of a confirmation of a change to JumpCloud: Rust ends it with the org's name. */
export async function inOrg(base, title) {
  const org = (await sim(base, "/__sim/info")).organizations[0].name;
  return `${title} — ${org}`;
}

export async function simApi(base, key, path) {
  return sim(base, path, { headers: { "x-api-key": key } });
}

/** Requests the simulator saw whose path contains `part`, by method. */
export async function simRequests(base, method, part) {
  const all = await sim(
    base,
    `/__sim/requests?path=${encodeURIComponent(part)}`,
  );
  return all.filter((r) => r.method === method && r.path.includes(part));
}

export function adminKey(info) {
  return info.admins.find((a) => a.role === "Administrator" && !a.multiTenant)
    .apiKey;
}

/** Opens the app on the demo organisation once its sync finished; the session, the
 * simulator's address and an Administrator's key. */
export async function openDemo(args = []) {
  const s = await launch(args);
  try {
    await s.find($("demo-banner"), 20_000);
    await s.waitForText($("notice-ok"), "Sync finished", 60_000);
    const base = demoBase();
    const key = adminKey(await sim(base, "/__sim/info"));
    return { s, base, key };
  } catch (e) {
    await s.quit();
    throw e;
  }
}

/** A Windows device with MDM and BitLocker (lock and wipe both offered) and its one user. */
export async function pickTarget(base) {
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

/** Starts the jcsim binary on `port` (with `extra` arguments); resolves with its info once it
 * answers. */
export async function startJcsim(port, extra = []) {
  const child = spawn(
    jcsimBin,
    [
      "--port",
      String(port),
      "--seed",
      "11",
      // 60 people in one org unless `extra` says otherwise
      ...(extra.includes("--users") ? [] : ["--users", "60"]),
      ...(extra.includes("--msp") ? [] : ["--single-org"]),
      ...extra,
    ],
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

export function secretToolSearch() {
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
