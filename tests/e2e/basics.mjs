// The first launch, the About panel, the log file and the native-dialog helper.
import {
  existsSync,
  readFileSync,
  readdirSync,
  execFileSync,
  spawn,
  join,
  sleep,
  answerDialog,
  dialogVisible,
  app,
  home,
  cargoVersion,
  launch,
  shot,
  assert,
  $,
  click,
  type,
} from "./helpers.mjs";

export const tests = [
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
