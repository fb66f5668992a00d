// The demo organisation: search, act with native confirmations, hostile names, every view.
import {
  readFileSync,
  join,
  waitUntil,
  answerDialog,
  inOrg,
  answerSaveDialog,
  home,
  VIEWS,
  launch,
  shot,
  assert,
  $,
  click,
  type,
  demoBase,
  simRequests,
  pickTarget,
  sim,
  simApi,
  adminKey,
  Key,
  focused,
  tabTo,
  openDemo,
} from "./helpers.mjs";

export const tests = [
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
        await s.waitForText($("user-state"), "Suspended", 15_000);
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
        await answerDialog(await inOrg(base, "Lock device"), "cancel");
        await s.waitForText($("notice-warn"), "nothing was sent", 10_000);
        assert(
          (await simRequests(base, "POST", lockPath)).length === 0,
          "Cancel still sent a lock",
        );
        await click(s, $("action-lock"));
        await answerDialog(await inOrg(base, "Lock device"), "ok", 10_000, "alt+l");
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
          await inOrg(base, "Wipe device — erase all data"),
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
        await waitUntil(
          () =>
            s.execute(
              "return document.querySelectorAll('[data-testid=search-results] [data-testid^=hit-]').length > 0",
            ),
          "the search for hostile names to list its hits",
        );
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
          await shot(s, `view-${v}`);
        }
        await click(s, $("nav-devices"));
        await click(s, $("chip-os-linux"));
        await waitUntil(
          () =>
            s.execute(
              "const r = [...document.querySelectorAll('[data-testid=devices-table] [data-testid^=row-]')]; return r.length > 0 && r.every((x) => x.textContent.includes('Linux'));",
            ),
          "the devices table to show only Linux devices",
        );
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
    "demo: by keyboard alone, Users → filter → a row (Space selects, Enter opens its panel) → an action",
    async () => {
      const { s, base, key } = await openDemo(["--demo"]);
      try {
        await s.waitForText($("connection-state"), "Online", 20_000);
        const page = await simApi(
          base,
          key,
          "/api/systemusers?limit=100&skip=200",
        );
        const user = page.results.find(
          (u) =>
            u.state === "ACTIVATED" && !/[<>&"']/.test(u.email + u.lastname),
        );
        assert(user, "the demo has no plain active user on its third page");
        await tabTo(
          s,
          (f) => f.testid === "nav-users",
          "the Users navigation item",
        );
        await s.keys(Key.Enter);
        await s.find($("view-users"));
        await tabTo(s, (f) => f.testid === "users-filter", "the users filter");
        await s.keys(user.email);
        await s.find($(`row-${user._id}`), 10_000);
        // The filter settles (debounced) before the table is entered: only their row is left.
        await waitUntil(
          () =>
            s.execute(
              "return document.querySelectorAll('[data-testid=users-table] [data-testid^=row-]').length === 1",
            ),
          "the users filter to leave one row",
        );
        const row = await tabTo(
          s,
          (f) => f.role === "row",
          "a row of the users table",
        );
        assert(row.ring, "the focused row shows no focus ring");
        assert(
          row.testid === `row-${user._id}`,
          `focus went to ${row.testid}, not the filtered user`,
        );
        await s.keys(Key.Space);
        assert(
          (await focused(s)).selected === "true",
          "Space did not select the row",
        );
        await s.keys(Key.Space);
        assert(
          (await focused(s)).selected === "false",
          "Space again did not clear the selection",
        );
        await s.keys(Key.Enter);
        await s.waitForText($("panel-title"), user.lastname);
        await shot(s, "keyboard-panel");
        const path = `/systemusers/${user._id}/resetmfa`;
        const before = (await simRequests(base, "POST", path)).length;
        const action = await tabTo(
          s,
          (f) => f.testid === "action-resetmfa",
          "Reset MFA",
        );
        assert(action.ring, "the focused action shows no focus ring");
        await s.keys(Key.Enter);
        await s.waitForText($("notice-ok"), "Reset MFA", 15_000);
        assert(
          (await simRequests(base, "POST", path)).length === before + 1,
          "Enter on Reset MFA did not send exactly one reset",
        );
      } finally {
        await s.quit();
      }
    },
  ],
];
