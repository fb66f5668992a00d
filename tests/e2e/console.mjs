// The API console and the Directory Insights explorer on the demo: every page of users (the
// count equals the simulator's total); a bad path, bad JSON and a body the published schema
// refuses each said where they are, nothing sent; a suspend through the console — Cancel sends
// nothing, OK exactly one request and an audit row; the explorer finds that suspend's event,
// its histogram and count agree with the table; a query for one person's failed logins is
// saved, re-run and exported.
import {
  existsSync,
  readFileSync,
  join,
  home,
  root,
  answerDialog,
  answerSaveDialog,
  shot,
  assert,
  $,
  click,
  jsClick,
  openDemo,
  setValue,
  sim,
  simApi,
  simRequests,
  waitUntil,
} from "./helpers.mjs";

/** JumpCloud's published specs, where this workplace keeps them (run.sh points the app at
 * them); without them the schema checks are skipped, saying so. */
const specs = existsSync(join(root, "../shared/jumpcloud-api/specs"));

async function text(s, id) {
  return s.execute(
    `return document.querySelector(arguments[0])?.textContent ?? ""`,
    [$(id)],
  );
}

/** Waits until the element `id` says `part`; its text. */
async function says(s, id, part, timeout = 15_000) {
  let t = "";
  await waitUntil(
    async () => {
      t = await text(s, id);
      return t.includes(part);
    },
    `${id} to say "${part}" (it says "${t}")`,
    timeout,
  );
  return t;
}

/** Fills the console's form. */
async function call(s, method, path, body) {
  await setValue(s, $("console-method"), method);
  await setValue(s, $("console-path"), path);
  if (body !== undefined) await setValue(s, $("console-body"), body);
}

/** A CSV's records (RFC 4180: a line break inside quotes belongs to its field). */
function records(csv) {
  const out = [];
  let cur = "";
  let quoted = false;
  for (let i = 0; i < csv.length; i++) {
    const c = csv[i];
    if (c === '"') quoted = !quoted;
    if (!quoted && c === "\r" && csv[i + 1] === "\n") {
      out.push(cur);
      cur = "";
      i++;
      continue;
    }
    cur += c;
  }
  if (cur) out.push(cur);
  return out;
}

async function sendDisabled(s) {
  return s.execute(`return document.querySelector(arguments[0]).disabled`, [
    $("console-send"),
  ]);
}

export const tests = [
  [
    "console: all pages, bad input refused where it is, a suspend (Cancel, then OK) audited; explorer: the event, saved query, export",
    async () => {
      const { s, base, key } = await openDemo(["--demo"]);
      try {
        await click(s, $("nav-console"));
        await s.find($("console-specs"), 15_000);
        if (specs) await says(s, "console-specs", "Checked against");
        else
          console.log(
            "     (JumpCloud's specs are not in ../shared: schema checks skipped)",
          );

        // Every page of users: the count equals the simulator's total.
        const total = (await simApi(base, key, "/api/systemusers?limit=1"))
          .totalCount;
        await call(s, "GET", "/api/systemusers");
        await waitUntil(
          async () => !(await sendDisabled(s)),
          "Send enabled for a GET",
        );
        if (specs) await jsClick(s, $("console-all-pages"));
        else {
          // Without the descriptions the paging is unknown: ask for every record at once.
          await setValue(
            s,
            $("console-path"),
            `/api/systemusers?limit=${total}`,
          );
        }
        await jsClick(s, $("console-send"));
        const items = await says(s, "console-items", `${total} items`, 60_000);
        assert(
          items.includes(`JumpCloud's total: ${total}`),
          `items: ${items}`,
        );
        await s.find($("console-json"), 5_000);
        await shot(s, "console-all-pages");
        // Saved as CSV: a row per person, every page.
        const usersCsv = join(home, "console-users.csv");
        await jsClick(s, $("console-save-csv"));
        await answerSaveDialog("Save the answer", usersCsv);
        await waitUntil(
          async () => existsSync(usersCsv),
          "the answer's CSV to be written",
          20_000,
        );
        const csvRows = records(readFileSync(usersCsv, "utf8"));
        assert(
          csvRows[0].includes("username"),
          `the CSV's header: ${csvRows[0].slice(0, 80)}`,
        );
        if (specs)
          assert(
            csvRows.length === total + 1,
            `the CSV has ${csvRows.length - 1} rows, not ${total}`,
          );

        // A bad path, bad JSON and a refused body: said where, nothing sent.
        const users = (await simApi(base, key, "/api/systemusers?limit=3"))
          .results;
        const target = users.find((u) => !u.suspended) ?? users[0];
        const putPath = `/systemusers/${target._id}`;
        await call(s, "GET", "/users");
        await says(s, "console-issue-path", "not a JumpCloud API path");
        assert(await sendDisabled(s), "Send is enabled for a bad path");
        if (specs) {
          await call(s, "GET", "/api/sytemusers");
          await says(s, "console-issue-path", "Did you mean /api/systemusers");
        }
        await call(s, "PUT", `/api${putPath}`, '{"suspended": tru}');
        await says(s, "console-issue-body", "not valid JSON");
        await says(s, "console-issue-body", "line 1, column");
        assert(await sendDisabled(s), "Send is enabled with bad JSON");
        if (specs) {
          await setValue(s, $("console-body"), '{"suspended": "yes"}');
          await says(s, "console-issue-body", "/suspended");
          assert(
            await sendDisabled(s),
            "Send is enabled with a body the schema refuses",
          );
          await shot(s, "console-schema-refused");
        }
        assert(
          (await simRequests(base, "PUT", putPath)).length === 0,
          "a refused call reached the simulator",
        );

        // A suspend: Cancel sends nothing, OK sends exactly one and writes an audit row.
        await setValue(s, $("console-body"), '{"suspended": true}');
        await says(s, "console-words", "sets suspended to true");
        await says(s, "console-words", target.username);
        await jsClick(s, $("console-send"));
        const title = "Send PUT to JumpCloud — Northwind Demo Co.";
        await answerDialog(title, "cancel");
        await says(s, "console-error", "nothing was sent");
        assert(
          (await simRequests(base, "PUT", putPath)).length === 0,
          "Cancel still sent the PUT",
        );
        await jsClick(s, $("console-send"));
        await answerDialog(title, "ok", 10_000, "alt+s");
        await says(s, "console-status", "200");
        assert(
          (await simRequests(base, "PUT", putPath)).length === 1,
          "OK did not send exactly one PUT",
        );
        const after = await simApi(base, key, `/api${putPath}`);
        assert(
          after.suspended === true,
          "the person is not suspended in the simulator",
        );
        await click(s, $("nav-activity"));
        await says(s, "activity-table", "api.call");
        await shot(s, "console-audited");

        // The explorer finds the suspend's event; count, histogram and table agree.
        await click(s, $("nav-insights"));
        await s.find($("insights-filter"), 15_000);
        await setValue(s, $("insights-q"), target._id);
        await jsClick(s, $("insights-run"));
        await s.find($("insights-table") + " [data-testid^=event-]", 20_000);
        await says(s, "insights-table", "user_update");
        const count = Number(
          (await says(s, "insights-count", "matching events")).split(" ")[0],
        );
        await waitUntil(
          async () =>
            (await s.execute(
              `return document.querySelector(arguments[0]).dataset.total`,
              [$("insights-histogram")],
            )) === String(count),
          `the histogram to add up to ${count}`,
        );
        const rows = await s.execute(
          `return document.querySelectorAll('[data-testid=insights-table] [data-testid^=event-]').length`,
        );
        assert(
          rows === count,
          `the table shows ${rows} events, the count says ${count}`,
        );
        await shot(s, "insights-suspend");

        // One person's failed logins: saved, re-run, exported.
        const failed = await sim(base, "/insights/directory/v1/events", {
          method: "POST",
          headers: { "x-api-key": key, "content-type": "application/json" },
          body: JSON.stringify({
            service: ["systems"],
            start_time: new Date(Date.now() - 7 * 86_400_000).toISOString(),
            limit: 100,
            search_term: { and: [{ success: false }] },
          }),
        });
        const person = failed.find((e) => e.username)?.username;
        assert(person, "the demo has no failed device login in 7 days");
        await setValue(s, $("insights-q"), "");
        await setValue(s, $("insights-person"), person);
        await setValue(s, $("insights-success"), "false");
        await jsClick(s, $("insights-run"));
        await s.find($("insights-table") + " [data-testid^=event-]", 20_000);
        const shown = await says(s, "insights-table", "failed");
        assert(
          !shown.includes("success"),
          "a successful login shows among failed ones",
        );
        const n = Number(
          (await says(s, "insights-count", "matching events")).split(" ")[0],
        );
        const name = `failed logins ${person}`;
        await setValue(s, $("insights-save-name"), name);
        await jsClick(s, $("insights-save"));
        await s.find($(`insights-saved-${name}`), 10_000);
        await setValue(s, $("insights-person"), "");
        await jsClick(s, $("insights-run"));
        await jsClick(s, $(`insights-saved-${name}`));
        await waitUntil(
          async () =>
            (await s.execute(
              `return document.querySelector(arguments[0]).value`,
              [$("insights-person")],
            )) === person,
          "the saved query to fill the person back in",
        );
        await says(s, "insights-count", `${n} matching events`);
        const csv = join(home, "failed-logins.csv");
        await jsClick(s, $("insights-export-csv"));
        await answerSaveDialog("Export events", csv);
        await waitUntil(
          async () => existsSync(csv),
          "the CSV to be written",
          20_000,
        );
        const lines = records(readFileSync(csv, "utf8"));
        assert(
          lines[0].startsWith("Time (UTC),Service,Event type,Success"),
          lines[0],
        );
        assert(
          lines.length === n + 1,
          `the CSV has ${lines.length - 1} events, the count ${n}`,
        );
        assert(
          lines.slice(1).every((l) => l.includes(",no,")),
          "a row of the CSV is not a failure",
        );
        await shot(s, "insights-saved-query");
      } finally {
        await s.quit();
      }
    },
  ],
];
