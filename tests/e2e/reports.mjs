// Reports: the posture figures open exactly their rows; a change made in JumpCloud shows in
// "what changed" after a sync; trends across the syncs.
import { execFileSync } from "node:child_process";
import {
  existsSync,
  readFileSync,
  join,
  home,
  screens,
  answerSaveDialog,
  sleep,
  shot,
  assert,
  $,
  click,
  jsClick,
  openDemo,
  simApi,
  simRequests,
  setValue,
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
      const { s, base, key } = await openDemo(["--demo"]);
      try {
        await click(s, $("nav-reports"));
        await s.find($("posture"), 20_000);
        await shot(s, "reports-posture");

        // The posture follows a sync without being reopened: a person added in JumpCloud
        // shows in the figure once "Sync now" finishes, the Reports view still on screen.
        const before = await figure(s, "people");
        const added = await fetch(`${base}/api/systemusers`, {
          method: "POST",
          headers: { "x-api-key": key, "content-type": "application/json" },
          body: JSON.stringify({
            username: "follows.sync",
            email: "follows.sync@northwind.example",
            firstname: "Follows",
            lastname: "Sync",
          }),
        });
        assert(
          added.ok,
          `adding a person in the simulator: HTTP ${added.status}`,
        );
        await jsClick(s, $("sync-now"));
        await s.waitForText($("sync-now"), "Sync now", 60_000);
        let after = before;
        for (let i = 0; i < 300 && after === before; i++) {
          await sleep(200);
          after = await figure(s, "people");
        }
        const held = (await simApi(base, key, "/api/systemusers?limit=1"))
          .totalCount;
        assert(
          after !== before && after === held,
          `the posture did not follow the sync: ${before} people before, ${after} after, the simulator holds ${held}`,
        );
        await s.find($("view-reports"));

        for (const [id, table] of [
          ["not-encrypted", "devices-table"],
          ["silent", "devices-table"],
          ["unbound", "devices-table"],
          ["behind", "devices-table"],
          ["low-disk", "devices-table"],
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
        await shot(s, "reports-changes");

        // The catalogue: a report as a table; one as CSV, two as one Excel workbook.
        await click(s, $("reports-tab-catalogue"));
        await click(s, $("catalogue-open-users_to_devices"));
        await s.waitForText($("catalogue-title"), "Users to devices", 20_000);
        const count = await s.waitForText($("catalogue-count"), "rows", 20_000);
        const n = Number(count.split(" of ")[1].replace(/[^\d]/g, ""));
        assert(n > 0, `the users-to-devices report is empty: ${count}`);
        await shot(s, "reports-catalogue");
        const csvOut = join(home, "users-to-devices.csv");
        await click(s, $("catalogue-export-csv"));
        await answerSaveDialog("Export the report as CSV", csvOut);
        await s.waitForText($("notice-ok"), "Exported", 10_000);
        const lines = readFileSync(csvOut, "utf8").trim().split("\r\n");
        assert(
          lines[0] === "Username,Email,Device,OS,Version,Association,Through",
          `CSV header: ${lines[0]}`,
        );
        assert(
          lines.length - 1 === n,
          `the CSV has ${lines.length - 1} rows, the table ${n}`,
        );
        await click(s, $("catalogue-pick-users_to_devices"));
        await click(s, $("catalogue-pick-people_without_mfa"));
        const xlsxOut = join(home, "review.xlsx");
        await click(s, $("catalogue-export-xlsx"));
        await answerSaveDialog("Export the reports as Excel", xlsxOut);
        await s.waitForText($("notice-ok"), "2 reports", 10_000);
        assert(existsSync(xlsxOut), "no Excel file");
        const sheets = execFileSync(
          "unzip",
          ["-p", xlsxOut, "xl/workbook.xml"],
          {
            encoding: "utf8",
          },
        );
        for (const name of ["Users to devices", "People without MFA"])
          assert(
            sheets.includes(`name="${name}"`),
            `the workbook has no sheet ${name}: ${sheets}`,
          );

        await click(s, $("reports-tab-trends"));
        await s.find($("trend-coverage"), 20_000);
        await shot(s, "reports-trends");

        // A review meeting: started on this snapshot, three items decided (one fixed now by
        // suspending a person from the list the item opens), finished, the pack exported.
        await click(s, $("reports-tab-reviews"));
        await setValue(
          s,
          $("review-new-attendees"),
          "Ana Ferreira, Дмитрий Петров",
        );
        await click(s, $("review-start"));
        await s.find($("review"), 20_000);
        const seqOf = (key) =>
          s.execute(
            `const e = document.querySelector('[data-key="${key}"]'); return e ? Number(e.dataset.testid.split("-")[1]) : null`,
          );
        const fix = await seqOf("password_expired");
        assert(fix !== null, "the agenda has no expired passwords item");
        const seqs = (
          await s.execute(
            "return [...document.querySelectorAll('.agenda-item')].map((e) => Number(e.dataset.testid.split('-')[1]))",
          )
        ).filter((n) => n !== fix);
        const [acceptN, followN] = seqs;
        await jsClick(s, $(`agenda-${acceptN}-accepted`));
        await jsClick(s, $(`agenda-${acceptN}-save`));
        await s.waitForText($(`agenda-${acceptN}-save`), "Saved", 10_000);
        await jsClick(s, $(`agenda-${followN}-follow_up`));
        await setValue(s, $(`agenda-${followN}-owner`), "Ana Ferreira");
        await setValue(s, $(`agenda-${followN}-due`), "2026-12-31");
        await setValue(s, $(`agenda-${followN}-notes`), "Laptops first");
        await jsClick(s, $(`agenda-${followN}-save`));
        await s.waitForText($(`agenda-${followN}-save`), "Saved", 10_000);
        await jsClick(s, $(`agenda-${fix}-fix_now`));
        await setValue(
          s,
          $(`agenda-${fix}-notes`),
          "Suspended during the meeting",
        );
        await jsClick(s, $(`agenda-${fix}-save`));
        await s.waitForText($(`agenda-${fix}-save`), "Saved", 10_000);
        await shot(s, "reports-review");
        await jsClick(s, $(`agenda-open-${fix}`));
        await s.find($("view-users"));
        await s.find(
          '[data-testid="users-table"] [data-testid^="row-"]',
          10_000,
        );
        // An active person among them (a suspended one has nothing to suspend).
        const target = await s.execute(
          `const r = [...document.querySelectorAll('[data-testid=users-table] [data-testid^=row-]')].find((e) => e.textContent.includes("Active"));
           if (!r) return null; r.click(); return r.dataset.testid.slice(4);`,
        );
        assert(
          target,
          "no active person with an expired password on the first page",
        );
        await click(s, $("action-suspend"));
        await s.waitForText($("user-state"), "Suspended", 15_000);
        const sent = await simRequests(
          base,
          "POST",
          `/systemusers/${target}/state/suspend`,
        );
        assert(
          sent.length === 1,
          `jcsim saw ${sent.length} suspend requests for ${target}`,
        );
        await click(s, $("panel-close"));
        await click(s, $("nav-reports"));
        await click(s, $("reports-tab-reviews"));
        await click(s, '[data-testid^="review-open-"]');
        await s.find($(`agenda-${followN}-owner`), 10_000);
        const kept = await s.execute(
          "return [document.querySelector(arguments[0]).value, document.querySelector(arguments[1]).value]",
          [$(`agenda-${followN}-owner`), $(`agenda-${followN}-due`)],
        );
        assert(
          kept[0] === "Ana Ferreira" && kept[1] === "2026-12-31",
          `the follow-up was not kept: ${kept}`,
        );
        await jsClick(s, $("review-finish"));
        await s.waitForText($("notice-ok"), "Review finished", 10_000);
        const pack = join(home, "review-pack.xlsx");
        await jsClick(s, $("review-export"));
        await answerSaveDialog("Export the review pack as Excel", pack);
        await s.waitForText($("notice-ok"), "review pack", 10_000);
        const book = execFileSync("unzip", ["-p", pack, "xl/workbook.xml"], {
          encoding: "utf8",
        });
        for (const name of ["Review", "Agenda", "Users to devices"])
          assert(
            book.includes(`name="${name}"`),
            `the pack has no sheet ${name}`,
          );
        const strings = execFileSync(
          "unzip",
          ["-p", pack, "xl/sharedStrings.xml"],
          {
            encoding: "utf8",
          },
        );
        for (const t of [
          "accepted",
          "follow-up",
          "fix now",
          "Дмитрий Петров",
          "Laptops first",
        ])
          assert(strings.includes(t), `the pack does not say "${t}"`);

        // The same pack as PDF: read back as an attendee's reader would (pdftotext), its
        // pages looked at as images.
        const pdfPack = join(home, "review-pack.pdf");
        await jsClick(s, $("review-export-pdf"));
        await answerSaveDialog("Export the review pack as PDF", pdfPack);
        await s.waitForText($("notice-ok"), "review-pack.pdf", 20_000);
        await shot(s, "reports-review-exported");
        const pdfText = execFileSync("pdftotext", ["-layout", pdfPack, "-"], {
          encoding: "utf8",
        });
        const orgName = await s.textOf($("org-name"));
        for (const t of [
          orgName.replace("▾", "").trim(),
          "Дмитрий Петров",
          "accepted",
          "follow-up",
          "fix now",
          "Laptops first",
          "Suspended during the meeting",
          "owner: Ana Ferreira",
          "due: 2026-12-31",
          "People by state",
          "Encryption by OS",
          "Appendix: reports",
        ])
          assert(pdfText.includes(t), `the PDF pack does not say "${t}"`);
        const info = execFileSync("pdfinfo", [pdfPack], { encoding: "utf8" });
        assert(/PDF version:\s+1\.7/.test(info), `not PDF 1.7: ${info}`);
        const fonts = execFileSync("pdffonts", [pdfPack], { encoding: "utf8" });
        assert(
          fonts
            .split("\n")
            .slice(2)
            .every((l) => !l.trim() || / yes yes /.test(l)),
          `a font is not embedded as a subset: ${fonts}`,
        );
        execFileSync("pdftoppm", [
          "-r",
          "60",
          "-png",
          "-f",
          "1",
          "-l",
          "2",
          pdfPack,
          join(screens, "review-pack-pdf"),
        ]);
      } finally {
        await s.quit();
      }
    },
  ],
];
