// A connected organisation: the key in the Secret Service, offline and back, a rotated key, removal.
import {
  existsSync,
  readFileSync,
  readdirSync,
  join,
  sleep,
  waitUntil,
  freePort,
  answerDialog,
  app,
  home,
  launch,
  shot,
  assert,
  $,
  click,
  jsClick,
  type,
  setValue,
  sim,
  adminKey,
  startJcsim,
  secretToolSearch,
  Key,
} from "./helpers.mjs";

export const tests = [
  [
    "a connected org: key in the Secret Service, read back after a relaunch; offline, then recovery",
    async () => {
      const port = freePort();
      let js = await startJcsim(port);
      const key = adminKey(js.info);
      const org = js.info.organizations[0];
      const s = await launch();
      try {
        await click(s, $("org-name"));
        await click(s, $("org-add"));
        await click(s, $("connect-advanced"));
        await type(s, $("connect-base"), js.base);
        await type(s, $("connect-key"), "not-a-key");
        await click(s, $("connect-test"));
        await s.waitForText($("connect-error"), "refused the API key", 15_000);
        await shot(s, "connect-wrong-key");
        await s.execute(
          "const e = document.querySelector('[data-testid=connect-key]'); e.select();",
        );
        await (await s.find($("connect-key"))).type("\uE003".repeat(20) + key);
        await click(s, $("connect-test"));
        await s.waitForText($("connect-result"), org.name, 15_000);
        // "Copy only some groups": the first import waits while the admin chooses them from
        // JumpCloud's groups and previews what the choice holds.
        await click(s, $("connect-scope-first"));
        await click(s, $("connect-submit"));
        const firstGroup =
          '[data-testid="scope-user-groups"] input[type=checkbox]';
        await click(s, firstGroup, 15_000);
        await click(s, $("scope-preview-run"));
        const held = await s.waitForText(
          $("scope-preview"),
          "This scope holds",
          15_000,
        );
        assert(/holds [1-9][\d,]* people and all devices/.test(held), held);
        assert(
          (await s.textOf($("data-as-of"))).includes("Not synced yet"),
          "the first import waited for the scope",
        );
        await shot(s, "scope-dialog");
        await jsClick(s, $("scope-save"));
        await s.waitForText($("org-name"), org.name, 15_000);
        await s.waitForText($("data-as-of"), "Data as of", 60_000);
        await s.waitForText(
          $("scope-banner"),
          "Scoped copy: 1 user group",
          10_000,
        );
        await shot(s, "scoped");
        // Back to the whole organisation.
        await jsClick(s, $("scope-item"));
        await click(s, `${firstGroup}:checked`, 15_000);
        await s.waitForText($("scope-preview"), "The whole organisation");
        await jsClick(s, $("scope-save"));
        const until = Date.now() + 60_000;
        while ((await s.textOf($("scope-banner"))) !== null) {
          assert(
            Date.now() < until,
            "the scope banner stayed after choosing the whole org",
          );
          await sleep(200);
        }
        await s.waitForText($("sync-now"), "Sync now", 60_000);
      } finally {
        await s.quit();
      }
      const stored = secretToolSearch();
      assert(
        stored.includes(org.id),
        `the Secret Service has no Rollcall entry for ${org.id}: ${stored}`,
      );
      assert(stored.includes(key), "the stored secret is not the key");
      const orgsJson = readFileSync(join(home, "config", "orgs.json"), "utf8");
      assert(!orgsJson.includes(key), "orgs.json holds the key");
      const dbFile = join(home, "data", "orgs", `${org.id}.sqlite`);
      assert(existsSync(dbFile), `no cache file at ${dbFile}`);
      assert(
        !readFileSync(dbFile).includes(Buffer.from(key)),
        "the cache file holds the key",
      );
      const logs = readdirSync(join(home, "logs"))
        .map((f) => readFileSync(join(home, "logs", f), "utf8"))
        .join("");
      assert(!logs.includes(key), "a log line holds the key");

      // JumpCloud unreachable: the app opens from the cache and says so.
      const gone = new Promise((r) =>
        js.child.exitCode !== null ? r() : js.child.once("exit", r),
      );
      js.child.kill();
      await gone;
      const s2 = await launch();
      try {
        await s2.waitForText($("org-name"), org.name, 15_000);
        await s2.waitForText(
          $("connection-state"),
          "Offline — data as of",
          30_000,
        );
        await s2.find(
          '[data-testid="users-table"] [data-testid^="row-"]',
          10_000,
        );
        await shot(s2, "offline");
        // The network returns: the key read back from the keyring works again, by itself.
        js = await startJcsim(port);
        await s2.waitForText($("connection-state"), "Online", 40_000);

        // The admin regenerates their key in JumpCloud: the next sync is refused, and the org
        // offers "Enter a new key", which keeps its local copy.
        const admin = js.info.admins.find(
          (a) => a.role === "Administrator" && !a.multiTenant,
        );
        const rotated = await sim(js.base, "/__sim/rotate-key", {
          method: "POST",
          body: JSON.stringify({ email: admin.email }),
        });
        await jsClick(s2, $("sync-now"));
        await s2.find($("key-refused"), 30_000);
        await shot(s2, "key-refused");
        await jsClick(s2, $("rekey-open"));
        await setValue(s2, $("rekey-key"), "still-not-a-key");
        await jsClick(s2, $("rekey-save"));
        await s2.waitForText($("rekey-error"), "refused the API key", 15_000);
        await setValue(s2, $("rekey-key"), rotated.apiKey);
        await shot(s2, "rekey");
        await jsClick(s2, $("rekey-save"));
        await s2.waitForText($("notice-ok"), "The new key works", 20_000);
        await s2.waitForText($("connection-state"), "Online", 20_000);
        assert(
          secretToolSearch().includes(rotated.apiKey),
          "the new key did not replace the old one in the Secret Service",
        );
        await s2.find(
          '[data-testid="users-table"] [data-testid^="row-"]',
          10_000,
        );

        // JumpCloud sends records with fields of unexpected types (and spec-legal nulls): the
        // sync keeps every record and says which could not be fully read, and why.
        await sim(js.base, "/__sim/faults", {
          method: "PUT",
          body: JSON.stringify({ odd_records: true, malformed_records: true }),
        });
        await jsClick(s2, $("sync-now"));
        const label = await s2.waitForText(
          $("record-problems"),
          "could not be fully read",
          60_000,
        );
        const flagged = Number(label.replace(/\D+/g, ""));
        await jsClick(s2, $("record-problems"));
        await s2.find($("record-problem"));
        const listed = await s2.execute(
          "return document.querySelectorAll('[data-testid=record-problem]').length",
        );
        assert(
          flagged > 0 && listed === flagged,
          `the status bar says ${flagged}, the list shows ${listed}`,
        );
        // Which records are malformed depends on their ids (and so on the day the org was seeded);
        // every kind names the field and the type it had.
        await s2.waitForText($("record-problems-list"), "invalid type");
        await shot(s2, "record-problems");
        await s2.keys(Key.Escape);
        await fetch(js.base + "/__sim/faults", { method: "DELETE" });
        await jsClick(s2, $("sync-now"));
        const until = Date.now() + 60_000;
        while ((await s2.textOf($("record-problems"))) !== null) {
          assert(Date.now() < until, "a clean sync did not clear the flags");
          await sleep(200);
        }

        // Remove the organisation: native confirmation, then the key and the file are gone.
        await click(s2, $("org-name"));
        await click(s2, $(`org-remove-${org.id}`));
        await answerDialog("Remove organisation", "ok", 10_000, "alt+r");
        await waitUntil(
          () => !existsSync(dbFile) && !secretToolSearch().includes(org.id),
          "the organisation's key and file to be removed",
        );
      } finally {
        await s2.quit();
        js.child.kill();
      }
      assert(
        !secretToolSearch().includes(org.id),
        "the keyring entry survived Remove organisation",
      );
      assert(
        !existsSync(dbFile),
        "the cache file survived Remove organisation",
      );
    },
  ],
];
