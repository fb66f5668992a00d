// Access reviews on the demo: a quarterly review over two groups, one app and the device
// admins is prepared (synced, sealed); a bulk keep is refused without a reason and taken with
// one; two revokes and a deferral; a reviewer's workbook exported, edited (a decision filled,
// a frozen cell altered) and imported — the altered row refused by name; closed; the two
// removals sent once each (jcsim's log) and verified; the evidence exported as PDF and Excel
// and read back.
import {
  copyFileSync,
  execFileSync,
  mkdirSync,
  readFileSync,
  writeFileSync,
  join,
  home,
  screens,
  answerDialog,
  inOrg,
  answerOpenDialog,
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
  adminKey,
  waitUntil,
} from "./helpers.mjs";

/** The seqs of the table's rows on screen whose text includes every one of `parts`. */
async function rowsWith(s, parts) {
  return s.execute(
    `return [...document.querySelectorAll('[data-testid=campaign-rows] [data-testid^=row-]')]
       .filter((r) => arguments[0].every((p) => r.textContent.includes(p)))
       .map((r) => Number(r.dataset.testid.slice(4)));`,
    [parts],
  );
}

/** Records the decision bar's decision on what is selected or open. */
async function record(s, decision, reason) {
  await jsClick(s, $(`decide-${decision}`));
  await setValue(s, $("decision-reason"), reason);
  await jsClick(s, $("decision-apply"));
}

/** The text of the notice of `kind` (error or ok) that says `part`, once one shows (earlier
 * notices may still be on screen). */
async function notice(s, kind, part) {
  let text = "";
  await waitUntil(
    async () => {
      text = await s.execute(
        `return [...document.querySelectorAll('[data-testid=notice-${kind}]')]
           .map((n) => n.textContent).find((t) => t.includes(arguments[0])) ?? ""`,
        [part],
      );
      return text !== "";
    },
    `a ${kind} notice saying "${part}"`,
    20_000,
  );
  return text;
}

/** A copy of workbook `src` at `dst` with cells of its Review sheet replaced by text (as a
 * reviewer would type them in Excel); `edits` are [cellRef, text]. */
function editWorkbook(src, dst, edits) {
  copyFileSync(src, dst);
  let xml = execFileSync("unzip", ["-p", dst, "xl/worksheets/sheet1.xml"], {
    encoding: "utf8",
  });
  for (const [ref, text] of edits) {
    const cell = new RegExp(`<c r="${ref}"(?:[^>]*?/>|[^>]*?>.*?</c>)`);
    const inline = `<c r="${ref}" t="inlineStr"><is><t>${text}</t></is></c>`;
    assert(cell.test(xml), `the workbook has no cell ${ref}`);
    xml = xml.replace(cell, inline);
  }
  const dir = join(home, "workbook-edit");
  mkdirSync(join(dir, "xl/worksheets"), { recursive: true });
  writeFileSync(join(dir, "xl/worksheets/sheet1.xml"), xml);
  execFileSync("zip", ["-q", dst, "xl/worksheets/sheet1.xml"], { cwd: dir });
}

/** Sheet rows whose "Current decision" (column M) is still undecided, and each row's # (A). */
function undecidedRows(book) {
  const strings = [
    ...execFileSync("unzip", ["-p", book, "xl/sharedStrings.xml"], {
      encoding: "utf8",
    }).matchAll(/<si>.*?<\/si>/gs),
  ].map((m) => m[0].replace(/<[^>]+>/g, ""));
  const sheet = execFileSync(
    "unzip",
    ["-p", book, "xl/worksheets/sheet1.xml"],
    { encoding: "utf8" },
  );
  const out = [];
  for (const m of sheet.matchAll(
    /<c r="M(\d+)"[^>]*t="s"[^>]*><v>(\d+)<\/v><\/c>/g,
  )) {
    if (strings[Number(m[2])] !== "undecided") continue;
    const seq = new RegExp(`<c r="A${m[1]}"[^>]*><v>(\\d+)</v>`).exec(sheet);
    out.push({ row: Number(m[1]), seq: Number(seq?.[1]) });
  }
  return out;
}

export const tests = [
  [
    "demo: access review — prepared, decided with reasons, a workbook round trip, closed, two removals verified, evidence",
    async () => {
      const { s, base } = await openDemo(["--demo"]);
      try {
        await click(s, $("nav-access"));
        await s.find($("view-access"));
        await jsClick(s, $("campaign-new-open"));
        await s.find($("campaign-groups"), 10_000);
        // Two groups of a few members each and one app, by the names the form lists.
        const groups = await s.execute(
          `return [...document.querySelectorAll('[data-testid^=campaign-groups-]')]
             .filter((e) => Number(e.parentElement.textContent.match(/(\\d+) members/)?.[1] ?? 0) >= 3)
             .slice(0, 2).map((e) => e.dataset.testid.slice('campaign-groups-'.length))`,
        );
        const app = await s.execute(
          "return document.querySelector('[data-testid^=campaign-apps-]').dataset.testid.slice('campaign-apps-'.length)",
        );
        assert(groups.length === 2 && app, `groups ${groups}, app ${app}`);
        await setValue(s, $("campaign-name"), "Q4 access review");
        for (const g of groups) await jsClick(s, $(`campaign-groups-${g}`));
        await jsClick(s, $(`campaign-apps-${app}`));
        await setValue(s, $("campaign-devices"), "admins");
        await shot(s, "access-new");
        await jsClick(s, $("campaign-create"));
        await s.find($("campaign-prepare"), 10_000);
        await jsClick(s, $("campaign-prepare"));
        const totals = await s.waitForText(
          $("campaign-totals"),
          "rows",
          60_000,
        );
        await s.find(`${$("campaign-rows")} [data-testid^=row-]`, 10_000);
        const hash = await s.waitForText($("campaign-hash"), "", 5_000);
        assert(
          /^[0-9a-f]{64}$/.test(hash),
          `the seal is not a SHA-256: ${hash}`,
        );
        await shot(s, "access-prepared");

        // Two revokes: members of the second group, each opened and revoked with a reason.
        await jsClick(s, $("arrange-resource"));
        await setValue(s, $("campaign-filter"), groups[1]);
        const members = await rowsWith(s, ["group member:", groups[1]]);
        assert(
          members.length >= 2,
          `the second group shows ${members.length} member rows`,
        );
        const revoked = members.slice(0, 2);
        for (const seq of revoked) {
          await jsClick(s, $(`row-${seq}`));
          await s.find($("row-facts"));
          await record(s, "revoke", `Left ${groups[1]} in the reorganisation`);
          await notice(s, "ok", "1 row recorded");
          await waitUntil(
            async () =>
              (await s.waitForText($(`decision-${seq}`), "", 5_000))
                .toLowerCase()
                .includes("revoke"),
            `row ${seq} to show its revoke`,
          );
        }

        // One deferral: a device administrator (privileged), to an owner by a date.
        await setValue(s, $("campaign-filter"), "");
        await setValue(s, $("filter-flag"), "privileged");
        const [adminSeq] = await rowsWith(s, ["device access:"]);
        assert(adminSeq, "no device administrator row");
        await jsClick(s, $(`row-${adminSeq}`));
        await jsClick(s, $("decide-defer"));
        await setValue(s, $("defer-owner"), "Ana Ferreira");
        await setValue(s, $("defer-due"), "2027-01-15");
        await record(s, "defer", "Ask the device owner");
        await notice(s, "ok", "1 row recorded");
        await setValue(s, $("filter-flag"), "");

        // A bulk keep over the first group's rows: refused without a reason, then taken.
        await setValue(s, $("campaign-filter"), groups[0]);
        await setValue(s, $("filter-decision"), "undecided");
        await shot(s, "access-bulk");
        await jsClick(s, $("select-shown"));
        const count = await s.waitForText($("decision-count"), "rows", 5_000);
        await record(s, "keep", "");
        const refusal = await notice(s, "error", "needs a reason");
        assert(
          refusal.includes("rows at once"),
          `the bulk refusal: ${refusal}`,
        );
        await record(s, "keep", "Membership confirmed with the team lead");
        await notice(s, "ok", "rows recorded");
        const kept = Number(count.replace(/[^\d]/g, ""));
        await setValue(s, $("campaign-filter"), "");
        await setValue(s, $("filter-decision"), "");
        const after = await s.waitForText($("total-kept"), "", 5_000);
        assert(Number(after) === kept, `kept ${after}, bulk-kept ${kept}`);
        assert(
          (await s.waitForText($("total-revoked"), "", 5_000)) === "2",
          "two revoked",
        );
        assert(
          (await s.waitForText($("total-deferred"), "", 5_000)) === "1",
          "one deferred",
        );
        await shot(s, "access-decided");

        // A reviewer's workbook: exported, a decision filled and a frozen cell altered, imported.
        const book = join(home, "reviewer.xlsx");
        await jsClick(s, $("workbook-export"));
        await answerSaveDialog("Export a reviewer's workbook", book);
        await notice(s, "ok", "Exported");
        const open = undecidedRows(book);
        assert(
          open.length >= 2,
          `the workbook has ${open.length} undecided rows`,
        );
        const [filled, altered] = open;
        const back = join(home, "reviewer-returned.xlsx");
        editWorkbook(book, back, [
          [`I${filled.row}`, "keep"],
          [`J${filled.row}`, "Still uses it, confirmed by the owner"],
          [`I${altered.row}`, "keep"],
          [`J${altered.row}`, "Fine"],
          [`E${altered.row}`, "Everything, everywhere"],
        ]);
        await jsClick(s, $("workbook-import"));
        await answerOpenDialog("Import a reviewer's workbook", back);
        const report = await s.waitForText(
          $("workbook-report"),
          "accepted",
          15_000,
        );
        assert(report.includes("1 accepted"), `the import: ${report}`);
        const refused = await s.waitForText($("workbook-refused"), "", 5_000);
        assert(
          refused.includes(`Row ${altered.seq} (`) &&
            refused.includes("Access"),
          `the altered row is not refused by name: ${refused}`,
        );
        await shot(s, "access-workbook");

        // Close: the undecided rows kept, chosen explicitly.
        await jsClick(s, $("campaign-close"));
        await jsClick(s, $("close-undecided-keep"));
        await jsClick(s, $("close-confirm"));
        await notice(s, "ok", "Closed: 2 revocations");

        // Remediation: Cancel sends nothing; OK removes the two, once each, verified.
        const removals = async () =>
          (
            await sim(
              base,
              `/__sim/requests?path=${encodeURIComponent("/members")}`,
            )
          ).filter(
            (r) =>
              r.method === "POST" &&
              r.path.includes("/members") &&
              r.body.includes('"remove"'),
          );
        const org = (await sim(base, "/__sim/info")).organizations[0].name;
        const title = `Remove 2 revoked accesses? — ${org}`;
        const before = (await removals()).length;
        await jsClick(s, $("remediate"));
        await answerDialog(title, "cancel", 15_000);
        await notice(s, "error", "nothing was sent");
        assert((await removals()).length === before, "Cancel sent a removal");
        await jsClick(s, $("remediate"));
        await answerDialog(title, "ok", 15_000, "alt+r");
        await notice(s, "ok", "verified removed 2");
        for (const seq of revoked)
          await waitUntil(
            () =>
              s
                .execute(
                  `return document.querySelector('[data-testid=remedy-${seq}]')?.dataset.state`,
                )
                .then((x) => x === "verified"),
            `row ${seq} verified removed`,
          );
        const sent = (await removals()).slice(before);
        assert(
          sent.length === 2,
          `jcsim saw ${sent.length} removals: ${JSON.stringify(sent)}`,
        );
        assert(
          new Set(sent.map((r) => r.body)).size === 2,
          "a removal was sent twice",
        );
        assert(
          sent.every((r) => r.path.includes("/usergroups/")),
          `removals went elsewhere: ${sent.map((r) => r.path)}`,
        );
        // One of them also suspended at their last day: JumpCloud's scheduled state change.
        const who = await s.execute(
          "const e = document.querySelector('[data-testid=suspend-person]'); return e.options[e.selectedIndex].text",
        );
        await setValue(s, $("suspend-at"), "2031-06-30T17:30");
        await jsClick(s, $("suspend-schedule"));
        const hhmm = new Date("2031-06-30T17:30").toISOString().slice(11, 16);
        await answerDialog(
          await inOrg(base, `Suspend ${who} at 2031-06-30 ${hhmm} UTC?`),
          "ok",
          10_000,
          "alt+s",
        );
        await notice(s, "ok", "Suspension scheduled");
        await waitUntil(
          () =>
            s.execute(
              "return document.querySelector('[data-testid^=suspension-]')?.dataset.state === 'scheduled'",
            ),
          "the suspension listed as scheduled",
        );
        const key = adminKey(await sim(base, "/__sim/info"));
        const jobs = await simApi(base, key, "/api/v2/bulk/userstates");
        assert(
          jobs.length === 1 && jobs[0].state === "SUSPENDED",
          `jcsim's jobs: ${JSON.stringify(jobs)}`,
        );
        await shot(s, "access-remediated");

        // The evidence, as an auditor reads it.
        const pdf = join(home, "access-review.pdf");
        await jsClick(s, $("evidence-pdf"));
        await answerSaveDialog("Export the access review evidence as PDF", pdf);
        await notice(s, "ok", "Exported the evidence");
        copyFileSync(pdf, join(screens, "access-evidence.pdf"));
        const text = execFileSync("pdftotext", [pdf, "-"], {
          encoding: "utf8",
        }).replace(/\s+/g, " ");
        for (const want of [
          "rows in scope = rows frozen = rows decided",
          `Left ${groups[1]} in the reorganisation`,
          "Membership confirmed with the team lead",
          "Still uses it, confirmed by the owner",
          "verified removed",
          "Privileged access",
          "admin (",
          hash,
          "CC6.2",
          "People suspended on a date",
        ])
          assert(text.includes(want), `the evidence PDF does not say ${want}`);
        const xlsx = join(home, "access-review.xlsx");
        await jsClick(s, $("evidence-xlsx"));
        await answerSaveDialog(
          "Export the access review evidence as Excel",
          xlsx,
        );
        await notice(s, "ok", "Exported the evidence");
        const sheets = execFileSync("unzip", ["-p", xlsx, "xl/workbook.xml"], {
          encoding: "utf8",
        });
        for (const name of ["Overview", "Decisions"])
          assert(
            sheets.includes(`name="${name}"`),
            `the evidence workbook has no sheet ${name}`,
          );
        const strings =
          readFileSync(xlsx).length > 0 &&
          execFileSync("unzip", ["-p", xlsx, "xl/sharedStrings.xml"], {
            encoding: "utf8",
          });
        assert(
          strings.includes(hash),
          "the evidence workbook does not carry the manifest hash",
        );
        await shot(s, "access-closed");
        assert(totals.includes("rows"), totals);
      } finally {
        await s.quit();
      }
    },
  ],
];
