// Benchmark of the desktop app over a cached 50,000-user / 50,000-device organisation, on the
// real app (release build) under Xvfb. Prints figures; it does not pass or fail on them.
//   make bench-app   (or: ROLLCALL_E2E_SCRIPT=bench.mjs tests/e2e/run.sh target/release/rollcall)
// Measures: launch to the first rows of the Users view, keystroke to search results, scrolling
// the Devices table (frame times and rows not yet loaded), and the app's RSS.
import { execFileSync, spawn } from "node:child_process";
import { mkdirSync, writeFileSync, readFileSync } from "node:fs";
import { join, dirname } from "node:path";
import { Session, waitForDriver, sleep } from "./webdriver.mjs";

const app = process.env.ROLLCALL_E2E_BIN;
const bins = dirname(app);
const driver = process.env.ROLLCALL_E2E_DRIVER;
const home = process.env.ROLLCALL_HOME;
const USERS = Number(process.env.ROLLCALL_BENCH_USERS ?? 50_000);

const pct = (xs, p) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))];
};
const ms = (x) => `${x.toFixed(1)} ms`;

function freePort() {
  return Number(
    execFileSync("node", ["-e", 'const s=require("net").createServer();s.listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})'], {
      encoding: "utf8",
    }).trim(),
  );
}

async function startJcsim() {
  const port = freePort();
  const child = spawn(join(bins, "jcsim"), ["--port", String(port), "--users", String(USERS), "--systems", String(USERS), "--single-org", "--seed", "5"], {
    stdio: "ignore",
  });
  const base = `http://127.0.0.1:${port}`;
  for (let i = 0; i < 600; i++) {
    try {
      const r = await fetch(`${base}/__sim/info`);
      if (r.ok) return { child, base, info: await r.json() };
    } catch {
      /* seeding */
    }
    await sleep(200);
  }
  throw new Error("jcsim did not start");
}

function rss(pid) {
  const kb = (p) => {
    try {
      return Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${p}/status`, "utf8"))[1]);
    } catch {
      return 0;
    }
  };
  const children = execFileSync("bash", ["-c", `pgrep -P ${pid} || true`], { encoding: "utf8" }).split("\n").filter(Boolean);
  return { main: kb(pid) / 1024, webkit: children.reduce((a, c) => a + kb(Number(c)), 0) / 1024 };
}

console.log(`# Rollcall app benchmark: ${USERS.toLocaleString()} users / ${USERS.toLocaleString()} devices, ${app}`);
const sim = await startJcsim();
const org = sim.info.organizations[0];
const key = sim.info.admins.find((a) => a.role === "Administrator" && !a.multiTenant).apiKey;

// The cache, filled by the same sync engine the app uses (the `rollcall-sync` CLI).
const file = join(home, "data", "orgs", `${org.id}.sqlite`);
mkdirSync(dirname(file), { recursive: true });
const t0 = Date.now();
execFileSync(join(bins, "rollcall-sync"), [sim.base, file], { env: { ...process.env, ROLLCALL_API_KEY: key }, stdio: ["ignore", "ignore", "inherit"] });
console.log(`cache built by rollcall-sync in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
mkdirSync(join(home, "config"), { recursive: true });
writeFileSync(
  join(home, "config", "orgs.json"),
  JSON.stringify({ orgs: [{ id: org.id, name: org.name, region: "US", base_url: sim.base, send_org_id: false, demo: false }], last_active: org.id }),
);
execFileSync("secret-tool", ["store", "--label=Rollcall bench", "service", "app.rollcall.desktop", "username", org.id, "target", "default", "application", "rust-keyring"], {
  input: key,
});

await waitForDriver(driver);
const ROW = '[data-testid="users-table"] [data-testid^="row-"]';
const launches = [];
let s;
for (let i = 0; i < 5; i++) {
  if (s) await s.quit();
  await sleep(500);
  const start = Date.now();
  s = await Session.start(driver, app, []);
  let inPage = null;
  for (;;) {
    inPage = await s.execute(`return document.querySelector('${ROW}') ? performance.now() : null`);
    if (inPage !== null) break;
    if (Date.now() - start > 60_000) throw new Error("no rows within 60 s");
    await sleep(10);
  }
  launches.push({ wall: Date.now() - start, inPage });
}
console.log(
  `launch → first rows of Users (wall, incl. WebDriver session start): ${launches.map((l) => `${l.wall} ms`).join(", ")}; median ${pct(launches.map((l) => l.wall), 50)} ms`,
);
console.log(`  of which in the page (navigation start → first row): median ${ms(pct(launches.map((l) => l.inPage), 50))}`);

// Keystroke to results: type words letter by letter into the global search.
const words = ["martinez", "garcia", "desktop", "macbook", "sales"];
const lat = [];
for (const w of words) {
  for (let n = 1; n <= w.length; n++) {
    const text = w.slice(0, n);
    const t = await s.executeAsync(
      `const [text, done] = [arguments[0], arguments[arguments.length - 1]];
       const input = document.querySelector('[data-testid=global-search]');
       input.focus();
       const set = Object.getOwnPropertyDescriptor(HTMLInputElement.prototype, 'value').set;
       const t0 = performance.now();
       set.call(input, text);
       input.dispatchEvent(new Event('input', { bubbles: true }));
       const until = t0 + 5000;
       const check = () => {
         const ul = document.querySelector('[data-testid=search-results]');
         if (ul && ul.getAttribute('data-query') === text) done(performance.now() - t0);
         else if (performance.now() > until) done(-1);
         else requestAnimationFrame(check);
       };
       check();`,
      [text],
    );
    lat.push(t);
  }
}
const ok = lat.filter((x) => x >= 0);
console.log(`search keystroke → results shown (${ok.length} keystrokes, ${lat.length - ok.length} timed out): p50 ${ms(pct(ok, 50))}, p95 ${ms(pct(ok, 95))}, max ${ms(Math.max(...ok))}`);

// Scrolling the Devices table: 4 rows per frame for 300 frames, then a jump to the middle.
await s.execute("document.querySelector('[data-testid=global-search]').blur(); document.querySelector('[data-testid=nav-devices]').click();");
await sleep(1000);
const scroll = await s.executeAsync(
  `const done = arguments[arguments.length - 1];
   const body = document.querySelector('[data-testid=devices-table] .table-body');
   const frames = []; let blank = 0; let last = performance.now(); let i = 0;
   const step = () => {
     const now = performance.now(); frames.push(now - last); last = now;
     if ([...body.querySelectorAll('.loading-cell')].length > 0) blank++;
     body.scrollTop += 128;
     if (++i < 300) requestAnimationFrame(step);
     else {
       const t0 = performance.now();
       body.scrollTop = body.scrollHeight / 2;
       const wait = () => {
         const rows = body.querySelectorAll('.table-row');
         const loading = body.querySelectorAll('.loading-cell').length;
         if (rows.length > 0 && loading === 0) done({ frames, blank, jump: performance.now() - t0, height: body.scrollHeight });
         else if (performance.now() - t0 > 10000) done({ frames, blank, jump: -1, height: body.scrollHeight });
         else requestAnimationFrame(wait);
       };
       requestAnimationFrame(wait);
     }
   };
   requestAnimationFrame(step);`,
);
const f = scroll.frames.slice(1);
console.log(
  `devices scroll (300 frames, 4 rows/frame): frame p50 ${ms(pct(f, 50))}, p95 ${ms(pct(f, 95))}, max ${ms(Math.max(...f))}; frames over 33 ms: ${f.filter((x) => x > 33).length}; frames showing not-yet-loaded rows: ${scroll.blank}`,
);
console.log(`devices jump to the middle (row ~${Math.round(scroll.height / 64).toLocaleString()}) → rows loaded: ${ms(scroll.jump)}`);

const pid = Number(execFileSync("bash", ["-c", `pgrep -n -f '^${app}'`], { encoding: "utf8" }).trim());
const m = rss(pid);
console.log(`RSS: app process ${m.main.toFixed(0)} MB; its WebKit web and network processes ${m.webkit.toFixed(0)} MB; together ${(m.main + m.webkit).toFixed(0)} MB`);
await s.quit();
sim.child.kill();
