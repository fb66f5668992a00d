// End-to-end tests on the real app: tauri-driver + WebKitWebDriver, started by run.sh under
// dbus-run-session + xvfb-run with a throwaway HOME and an unlocked gnome-keyring.
// Prints one line per test and closes with "N passed, M failed".
import { mkdirSync, readFileSync, readdirSync, writeFileSync, existsSync } from "node:fs";
import { execFileSync, spawn } from "node:child_process";
import { join } from "node:path";
import { Session, waitForDriver, sleep } from "./webdriver.mjs";
import { answerDialog, dialogVisible } from "./dialogs.mjs";

const root = new URL("../..", import.meta.url).pathname;
const app = process.env.ROLLCALL_E2E_BIN;
const driver = process.env.ROLLCALL_E2E_DRIVER;
const screens = join(root, "target/e2e-screens");
const only = process.env.ROLLCALL_E2E_ONLY ?? "";
mkdirSync(screens, { recursive: true });

const cargoVersion = /^version\s*=\s*"([^"]+)"/m.exec(readFileSync(join(root, "Cargo.toml"), "utf8"))[1];
const VIEWS = ["users", "groups", "devices", "apps", "checklists", "reports", "activity"];

async function launch(args = []) {
  const s = await Session.start(driver, app, args);
  // The first paint of the frame: the sidebar is rendered from the bundled UI.
  await s.find('[data-testid="nav-users"]', 20_000);
  return s;
}

async function shot(s, name) {
  writeFileSync(join(screens, `${name}.png`), await s.screenshot());
}

function assert(cond, msg) {
  if (!cond) throw new Error(msg);
}

const tests = [
  [
    "the window is titled Rollcall and the frame renders",
    async () => {
      const s = await launch();
      try {
        assert((await s.title()) === "Rollcall", `document title is "${await s.title()}"`);
        const native = execFileSync("xdotool", ["search", "--onlyvisible", "--name", "^Rollcall$"], { encoding: "utf8" });
        assert(native.trim() !== "", "no visible native window titled Rollcall");
        for (const id of ["org-switcher", "statusbar", "connection-state", "data-as-of"]) {
          await s.find(`[data-testid="${id}"]`);
        }
        await s.waitForText('[data-testid="org-name"]', "No organisation connected");
        await s.waitForText('[data-testid="data-as-of"]', "Data as of");
      } finally {
        await s.quit();
      }
    },
  ],
  [
    "each sidebar view opens and says what it will hold",
    async () => {
      const s = await launch();
      try {
        for (const v of VIEWS) {
          await (await s.find(`[data-testid="nav-${v}"]`)).click();
          const text = await s.waitForText(`[data-testid="view-${v}"]`, "Not built yet");
          assert(text.length > 40, `view ${v} says too little: "${text}"`);
          await shot(s, `view-${v}`);
        }
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
        await (await s.find('[data-testid="nav-about"]')).click();
        const version = await s.waitForText('[data-testid="about-version"]', cargoVersion);
        assert(version === cargoVersion, `About shows "${version}", Cargo.toml says ${cargoVersion}`);
        const dataDir = await (await s.find('[data-testid="about-data-dir"]')).text();
        assert(dataDir.startsWith(process.env.ROLLCALL_HOME), `data dir ${dataDir} is outside ROLLCALL_HOME`);
        await shot(s, "about");
        await (await s.find('[data-testid="about-close"]')).click();
      } finally {
        await s.quit();
      }
    },
  ],
  [
    "rollcall --demo shows the demo organisation label",
    async () => {
      const s = await launch(["--demo"]);
      try {
        await s.waitForText('[data-testid="org-name"]', "Demo organisation");
        await s.find('[data-testid="demo-banner"]');
        await shot(s, "demo");
      } finally {
        await s.quit();
      }
    },
  ],
  [
    "the app writes its log file below ROLLCALL_HOME",
    async () => {
      const logs = join(process.env.ROLLCALL_HOME, "logs");
      assert(existsSync(logs), `${logs} does not exist`);
      const files = readdirSync(logs).filter((f) => /^rollcall\.\d{4}-\d{2}-\d{2}\.log$/.test(f));
      assert(files.length > 0, `no rollcall.YYYY-MM-DD.log in ${logs}: ${readdirSync(logs)}`);
      const text = files.map((f) => readFileSync(join(logs, f), "utf8")).join("");
      assert(text.includes("starting Rollcall"), "the log file lacks the start-up line");
    },
  ],
  [
    "the dialog helper finds a native GTK dialog by title and answers it",
    async () => {
      // A stand-in GTK dialog (zenity) until the app opens its own; later issues answer the
      // app's confirmations with the same helper.
      const title = "Rollcall e2e check?";
      for (const [answer, code] of [
        ["cancel", 1],
        ["ok", 0],
      ]) {
        const child = spawn("zenity", ["--question", `--title=${title}`, "--text=Answer me", "--ok-label=_OK", "--cancel-label=_Cancel"], {
          stdio: "ignore",
        });
        const exited = new Promise((r) => child.on("exit", (c) => r(c)));
        await answerDialog(title, answer);
        const got = await Promise.race([exited, sleep(5000).then(() => "timeout")]);
        assert(got === code, `answering ${answer}: zenity exited ${got}, expected ${code}`);
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
    console.log(`FAIL ${name} (${Date.now() - t0} ms)\n     ${String(e?.stack ?? e).split("\n").join("\n     ")}`);
  }
}
console.log(`screenshots: ${screens}`);
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed === 0 && passed > 0 ? 0 : 1);
