// Checklists on the demo: offboarding (with a restart mid-run and a group added behind the mirror's back), resets, templates, onboarding and access requests.
import {
  readFileSync,
  writeFileSync,
  join,
  sleep,
  answerDialog,
  inOrg,
  answerOpenDialog,
  answerSaveDialog,
  app,
  home,
  only,
  launch,
  shot,
  assert,
  $,
  click,
  jsClick,
  type,
  waitEnabled,
  setValue,
  demoBase,
  sim,
  simApi,
  simRequests,
  adminKey,
  pickTarget,
  openDemo,
  pdfText,
} from "./helpers.mjs";

export const tests = [
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
        // the panel's actions wait for JumpCloud to answer after the launch's sync
        await waitEnabled(s, $("action-suspend"));
        await click(s, $("offboard-user"));
        await shot(s, "checklist-started");
        await s.find($("run-detail"), 10_000);
        const preview = await s.textOf($("step-6"));
        assert(
          preview.includes(target.system.hostname),
          `the lock step does not name ${target.system.hostname}: ${preview}`,
        );
        for (let i = 0; i <= 4; i++) {
          await jsClick(s, $(`step-${i}-run`));
          await s.waitForText($(`step-${i}-state`), "done", 20_000);
        }
        // The suspend step at the person's last day: scheduled in JumpCloud, then cancelled
        // (the job gone), then run now.
        const key = adminKey(await sim(base, "/__sim/info"));
        const jobs = () =>
          simApi(
            base,
            key,
            `/api/v2/bulk/userstates?userid=${target.user._id}`,
          );
        await setValue(s, $("step-5-at"), "2031-06-30T17:30");
        await jsClick(s, $("step-5-run"));
        await answerDialog(
          await inOrg(base, `Suspend ${target.user.displayname || target.user.username} <${target.user.email}> at 2031-06-30 ${new Date("2031-06-30T17:30").toISOString().slice(11, 16)} UTC?`),
          "ok",
          10_000,
          "alt+s",
        );
        await s.waitForText($("step-5-state"), "scheduled", 20_000);
        assert(
          (await jobs()).length === 1,
          "JumpCloud holds no scheduled suspension",
        );
        await shot(s, "checklist-scheduled");
        await jsClick(s, $("step-5-cancel-schedule"));
        await s.waitForText($("step-5-state"), "pending", 20_000);
        assert(
          (await jobs()).length === 0,
          "the scheduled suspension was not cancelled",
        );
        await setValue(s, $("step-5-at"), "");
        await jsClick(s, $("step-5-run"));
        await s.waitForText($("step-5-state"), "done", 20_000);
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
        await answerDialog(await inOrg(base, "Lock device"), "ok", 10_000, "alt+l");
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
        assert(
          readFileSync(pdfOut, "latin1").startsWith("%PDF-"),
          "the PDF report is not a PDF",
        );
        const pdf = pdfText(pdfOut);
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
      const { s, base, key } = await openDemo();
      try {
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
        await waitEnabled(s, $("action-suspend"));
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
      const { s, base, key } = await openDemo();
      try {
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
      const { s, base, key } = await openDemo(["--demo"]);
      try {
        await click(s, $("nav-checklists"));

        // The org's own onboarding: a manual step and a baseline group, saved, then exported.
        await jsClick(s, $("edit-templates"));
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
        const pdf = pdfText(pdfOut);
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
];
