// Reports: the posture figures open exactly their rows; a change made in JumpCloud shows in
// "what changed" after a sync; trends across the syncs.
import {
  sleep,
  shot,
  assert,
  $,
  click,
  jsClick,
  openDemo,
  simApi,
} from "./helpers.mjs";

/** The number a posture figure shows. */
async function figure(s, id) {
  const t = await s.waitForText(
    `${$(`posture-${id}`)} .figure-value`,
    "",
    20_000,
  );
  return Number(t.replace(/[^\d]/g, ""));
}

/** How many rows the list matches (the table's aria-rowcount), once it settles. */
async function rowsOf(s, table) {
  let last = -1;
  for (let i = 0; i < 40; i++) {
    const n = Number(
      await s.execute(
        `return document.querySelector('[data-testid=${table}]')?.getAttribute('aria-rowcount') ?? -1`,
      ),
    );
    if (n === last && n >= 0) return n;
    last = n;
    await sleep(150);
  }
  return last;
}

export const tests = [
  [
    "demo: reports — each posture figure opens exactly its rows; what changed after a sync; trends",
    async () => {
      const { s, base, key } = await openDemo();
      try {
        await click(s, $("nav-reports"));
        await s.find($("posture"), 20_000);
        await sleep(600);
        await shot(s, "reports-posture");

        for (const [id, table] of [
          ["not-encrypted", "devices-table"],
          ["silent", "devices-table"],
          ["unbound", "devices-table"],
          ["behind", "devices-table"],
          ["locked", "users-table"],
          ["suspended-with-access", "users-table"],
          ["mfa-adoption", "users-table"],
        ]) {
          await click(s, $("nav-reports"));
          await s.find($(`posture-${id}`), 20_000);
          let want = await figure(s, id);
          if (id === "mfa-adoption") {
            const note = await s.textOf(
              `${$("posture-mfa-adoption")} .figure-note`,
            );
            want = Number(note.replace(/[^\d]/g, ""));
          }
          await jsClick(s, $(`posture-${id}`));
          await s.find(
            $(table === "users-table" ? "view-users" : "view-devices"),
          );
          const got = await rowsOf(s, table);
          assert(
            got === want,
            `${id}: the figure says ${want}, the list holds ${got}`,
          );
        }
        await shot(s, "reports-drilled");

        // A change made in JumpCloud: a person's department. After a sync, "what changed"
        // lists it with the value before and after.
        const page = await simApi(base, key, "/api/systemusers?limit=20");
        const person = page.results.find((u) => !/[<>&]/.test(u.username));
        const r = await fetch(`${base}/api/systemusers/${person._id}`, {
          method: "PUT",
          headers: { "x-api-key": key, "content-type": "application/json" },
          body: JSON.stringify({ department: "Review Board" }),
        });
        assert(r.ok, `changing the department: HTTP ${r.status}`);
        await jsClick(s, $("sync-now"));
        await s.waitForText($("sync-now"), "Sync now", 60_000);
        await sleep(500);
        await click(s, $("nav-reports"));
        await click(s, $("reports-tab-changes"));
        const people = await s.waitForText(
          $("changes-people"),
          "Review Board",
          20_000,
        );
        assert(
          people.includes(person.username) || people.includes(person.email),
          `the change names the person: ${people.slice(0, 300)}`,
        );
        assert(
          !/lastContact/.test(await s.textOf($("changes"))),
          "a check-in listed as a change",
        );
        await sleep(400);
        await shot(s, "reports-changes");

        await click(s, $("reports-tab-trends"));
        await s.find($("trend-coverage"), 20_000);
        await sleep(600);
        await shot(s, "reports-trends");
      } finally {
        await s.quit();
      }
    },
  ],
];
