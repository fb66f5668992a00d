// Many organisations (an MSP): one multi-tenant key, "Add all", the All organisations overview
// checked against the simulator with one client org refusing the key, a search across every
// org opening the right org's panel, and a lock whose confirmation names that org and whose
// request goes to that org only.
import {
  sleep,
  waitUntil,
  freePort,
  answerDialog,
  answerSaveDialog,
  copyFileSync,
  screens,
  home,
  join,
  pdfText,
  launch,
  shot,
  assert,
  $,
  click,
  jsClick,
  type,
  sim,
  startJcsim,
} from "./helpers.mjs";

/** An attribute of the first element matching `css`. */
async function attr(s, css, name) {
  return s.execute(
    "const e = document.querySelector(arguments[0]); return e ? e.getAttribute(arguments[1]) : null;",
    [css, name],
  );
}

/** Waits until a notice of `kind` says `text` (others may be shown above it); its text. */
async function noticeSays(s, kind, text, timeout = 15_000) {
  let seen = "";
  await waitUntil(
    async () => {
      seen = await s.execute(
        "return [...document.querySelectorAll(`[data-testid=notice-${arguments[0]}]`)].map((e) => e.textContent).find((t) => t.includes(arguments[1])) ?? '';",
        [kind, text],
      );
      return seen !== "";
    },
    `a ${kind} notice saying "${text}"`,
    timeout,
  );
  return seen;
}

/** A GET of the simulator's API as the MSP admin, in org `orgId`. */
async function inOrgApi(js, key, orgId, path) {
  return sim(js.base, path, {
    headers: { "x-api-key": key, "x-org-id": orgId },
  });
}

/** A Windows device of org `orgId` and its hostname (a lock goes through the agent). */
async function windowsDevice(js, key, orgId) {
  const page = await inOrgApi(js, key, orgId, "/api/systems?limit=100");
  const d = page.results.find(
    (x) => x.osFamily === "windows" && !/[<>]/.test(x.hostname),
  );
  assert(d, `org ${orgId} has no Windows device`);
  return d;
}

export const tests = [
  [
    "msp: a multi-tenant key adds all five client orgs; the overview, a cross-org search and a lock named by org",
    async () => {
      const port = freePort();
      const js = await startJcsim(port, [
        "--users",
        "30",
        "--msp",
        "5",
        "--msp-largest",
        "60",
      ]);
      const admin = js.info.admins.find((a) => a.multiTenant);
      const key = admin.apiKey;
      const orgs = js.info.organizations;
      assert(
        orgs.length === 6,
        `the provider's org and five clients (${orgs.length})`,
      );
      const [provider, ...clients] = orgs;
      // The largest client is where the search and the lock happen; another refuses the key.
      const target = [...clients].sort((a, b) => b.users - a.users)[0];
      const refusing = clients.find((o) => o.id !== target.id);
      await sim(js.base, "/__sim/faults", {
        method: "PUT",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ refuse_org_ids: [refusing.id] }),
      });
      const s = await launch();
      try {
        await click(s, $("org-name"));
        await click(s, $("org-add"));
        await click(s, $("connect-advanced"));
        await type(s, $("connect-base"), js.base);
        await type(s, $("connect-key"), key);
        await type(s, $("connect-org"), provider.id);
        await click(s, $("connect-test"));
        await s.waitForText($("connect-result"), "6 organisations", 15_000);
        await shot(s, "msp-connect");
        await jsClick(s, $("connect-all"));
        await s.waitForText($("org-name"), provider.name, 20_000);
        await s.waitForText($("data-as-of"), "Data as of", 60_000);

        // The overview, once every org has been through a sync.
        await click(s, $("nav-orgs"));
        await click(s, $("fleet-sync"), 15_000);
        const summary = await s.waitForText(
          $("fleet-summary"),
          "of 6 organisations synced",
          120_000,
        );
        assert(summary.includes("5 of 6"), summary);
        assert(
          summary.includes(refusing.name),
          `the failed org is named: ${summary}`,
        );
        for (const o of orgs) {
          // A sync the timer started meanwhile would show "Syncing now" until it ends.
          let health = "";
          await waitUntil(
            async () => {
              health = await s.textOf($(`cell-${o.id}-health`));
              return !health.includes("Syncing now");
            },
            `${o.name}'s sync to end`,
            30_000,
          );
          if (o.id === refusing.id) {
            assert(health.includes("failed"), `${o.name}: ${health}`);
            continue;
          }
          assert(health.includes("Up to date"), `${o.name}: ${health}`);
          const people = await attr(s, $(`cell-${o.id}-people`), "data-value");
          const devices = await attr(
            s,
            $(`cell-${o.id}-devices`),
            "data-value",
          );
          assert(
            Number(people) === o.users,
            `${o.name}: ${people} people, jcsim ${o.users}`,
          );
          assert(
            Number(devices) === o.systems,
            `${o.name}: ${devices} devices, jcsim ${o.systems}`,
          );
        }
        await shot(s, "msp-overview");
        await fetch(`${js.base}/__sim/faults`, { method: "DELETE" });

        // A review in every organisation with a copy, and the pack of all of them.
        await type(s, $("review-all-attendees"), "Ana (MSP), client leads");
        await click(s, $("review-all-start"));
        const opened = await noticeSays(s, "warn", "Review opened in 5 of 6");
        assert(
          opened.includes(refusing.name),
          `the org without a copy is named: ${opened}`,
        );
        const packPath = join(home, "every-org-pack.pdf");
        await click(s, $("fleet-pack-pdf"));
        await answerSaveDialog(
          "Export the pack of every organisation as PDF",
          packPath,
        );
        await noticeSays(s, "ok", "every-org-pack.pdf", 20_000);
        copyFileSync(packPath, join(screens, "msp-every-org-pack.pdf"));
        const pack = pdfText(packPath);
        assert(
          pack.includes("Review of every organisation"),
          "the pack's title",
        );
        for (const o of orgs)
          assert(pack.includes(o.name), `the pack names ${o.name}`);
        assert(
          pack.includes("nothing to report"),
          "the org without a copy says so",
        );

        // A figure opens that org's list: the org is opened and the list is filtered.
        await jsClick(s, $(`cell-${target.id}-people`));
        await s.waitForText($("org-name"), target.name, 15_000);
        await s.find($("view-users"), 10_000);

        // Back in the provider's org, a search finds a device of the target org, labelled by it.
        await click(s, $("nav-orgs"));
        await jsClick(s, $(`cell-${provider.id}-organisation`));
        await s.waitForText($("org-name"), provider.name, 15_000);
        const device = await windowsDevice(js, key, target.id);
        await type(s, $("global-search"), device.hostname);
        await s.waitForText($(`hits-org-${target.id}`), target.name, 10_000);
        await shot(s, "msp-search");
        await click(s, $(`hit-${target.id}-${device._id}`));
        await s.waitForText($("org-name"), target.name, 15_000);
        await s.waitForText($("panel-title"), device.hostname, 15_000);

        // The lock's confirmation names the org, and the request went to that org only.
        await fetch(`${js.base}/__sim/requests`, { method: "DELETE" });
        const lockPath = `/systems/${device._id}/command/builtin/lock`;
        await click(s, $("action-lock"));
        await answerDialog(
          `Lock device — ${target.name}`,
          "ok",
          10_000,
          "alt+l",
        );
        await noticeSays(s, "ok", "Lock sent");
        const sent = (
          await sim(
            js.base,
            `/__sim/requests?path_contains=${encodeURIComponent(lockPath)}`,
          )
        ).filter((r) => r.method === "POST");
        assert(sent.length === 1, `one lock sent (${sent.length})`);
        assert(
          sent[0].org_id === target.id,
          `the lock went to ${sent[0].org_id}, not ${target.id}`,
        );
        const elsewhere = (await sim(js.base, "/__sim/requests")).filter(
          (r) =>
            r.method !== "GET" &&
            r.path.includes("/command/builtin/") &&
            r.org_id !== target.id,
        );
        assert(
          elsewhere.length === 0,
          `commands sent to other orgs: ${JSON.stringify(elsewhere)}`,
        );
        await shot(s, "msp-locked");
      } finally {
        await s.quit();
        js.child.kill();
        await sleep(200);
      }
    },
  ],
];
