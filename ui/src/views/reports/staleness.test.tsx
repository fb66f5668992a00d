// Every Reports pane follows a sync: after the "cache changed" event a sync sends ("all"), and
// after an action's change of people or devices, each pane asks Rust again — none keeps the
// copy it first read until it is reopened.
import { describe, expect, it } from "vitest";
import { act, fireEvent, render, screen, waitFor } from "@testing-library/react";
import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { mockIPC } from "@tauri-apps/api/mocks";
import { UiContext, type Ui } from "../../context";
import { VocabularyContext } from "../../labels";
import { invalidateFor } from "../../queryKeys";
import type { DataKind, PostureView, Vocabulary } from "../../bindings";
import vocabulary from "../../test/vocabulary.json";
import { ReportsView } from "../ReportsView";

const posture = (people: number): PostureView => ({
  figures: [
    {
      key: "people",
      section: "people",
      value: { type: "count", value: people },
      label: "people",
      note: null,
      bad: false,
      drill: null,
      check: null,
    },
  ],
  measured: {
    sync_id: 1,
    as_of: "2026-11-20T10:00:00.000Z",
    people: {
      total: people,
      by_state: [],
      active: 0,
      active_mfa: 0,
      no_mfa: 0,
      locked: 0,
      password_expired: 0,
      password_expiring: 0,
      staged_old: 0,
      suspended_with_access: 0,
      inactive: null,
      event_days: 0,
      admins: 0,
      admins_without_mfa: 0,
    },
    devices: {
      total: 0,
      by_os: [],
      not_encrypted: 0,
      no_mdm: 0,
      silent: 0,
      silent_days: 30,
      unbound: 0,
      owned_by_suspended: 0,
      behind: 0,
      low_disk: null,
      agent_versions: [],
    },
  },
});

const run = (id: number) => ({
  id,
  started_at: "2026-11-20T10:00:00.000Z",
  finished_at: "2026-11-20T10:01:00.000Z",
  status: "complete",
  requests: 10,
  counts: {},
  error: null,
});

/** Mounts the Reports view over Rust mocks that count their calls and answer something new
 * each time (the number of people grows by one per posture read). */
function mount() {
  const calls: Record<string, number> = {};
  mockIPC((cmd) => {
    calls[cmd] = (calls[cmd] ?? 0) + 1;
    const n = calls[cmd];
    switch (cmd) {
      case "posture":
        return posture(100 + n);
      case "posture_trends":
        return [];
      case "sync_history":
        return [run(2), run(1)];
      case "sync_diff":
        return { from: 1, to: 2, records: {}, edges: {} };
      case "report_catalogue":
        return [
          {
            id: "people_without_mfa",
            title: "People without MFA",
            description: "",
            source: "posture_check",
          },
        ];
      case "report_table":
        return {
          id: "people_without_mfa",
          title: "People without MFA",
          description: "",
          source: "posture_check",
          as_of: null,
          columns: [{ label: "Username", kind: "text" }],
          rows: Array.from({ length: n }, (_, i) => [`user${i}`]),
        };
      case "review_list":
        return [];
    }
    throw { code: "Internal", message: `unexpected command ${cmd}` };
  });
  const ui: Ui = {
    panel: null,
    open: () => undefined,
    close: () => undefined,
    notify: () => undefined,
    status: undefined,
    openRun: () => undefined,
    drill: () => undefined,
    switchOrg: () => Promise.resolve(),
    openIn: () => undefined,
  };
  const client = new QueryClient({
    defaultOptions: { queries: { retry: false, staleTime: Infinity } },
  });
  render(
    <QueryClientProvider client={client}>
      <VocabularyContext.Provider value={vocabulary as Vocabulary}>
        <UiContext.Provider value={ui}>
          <ReportsView />
        </UiContext.Provider>
      </VocabularyContext.Provider>
    </QueryClientProvider>,
  );
  const changed = (kinds: DataKind[]) => act(() => invalidateFor(client, kinds));
  return { calls, changed };
}

/** Waits until `cmd` was asked more than `before` times. */
async function askedAgain(calls: Record<string, number>, cmd: string, before: number) {
  await waitFor(() => expect(calls[cmd] ?? 0).toBeGreaterThan(before));
}

describe("the Reports view follows every sync", () => {
  it("posture: a sync and an action on people both refresh the figures", async () => {
    const { calls, changed } = mount();
    expect((await screen.findByTestId("posture-people")).textContent).toContain("101");
    await changed(["all"]);
    await waitFor(() => expect(screen.getByTestId("posture-people").textContent).toContain("102"));
    await changed(["users"]);
    await askedAgain(calls, "posture", 2);
  });

  for (const [tab, cmd] of [
    ["trends", "posture_trends"],
    ["changes", "sync_history"],
    ["catalogue", "report_table"],
    ["reviews", "review_list"],
  ] as const) {
    it(`${tab}: a sync makes it ask Rust again`, async () => {
      const { calls, changed } = mount();
      fireEvent.click(await screen.findByTestId(`reports-tab-${tab}`));
      await askedAgain(calls, cmd, 0);
      const before = calls[cmd] ?? 0;
      await changed(["all"]);
      await askedAgain(calls, cmd, before);
    });
  }

  it("what changed: a sync asks for the diff again", async () => {
    const { calls, changed } = mount();
    fireEvent.click(await screen.findByTestId("reports-tab-changes"));
    await askedAgain(calls, "sync_diff", 0);
    const before = calls["sync_diff"] ?? 0;
    await changed(["all"]);
    await askedAgain(calls, "sync_diff", before);
  });

  it("the catalogue's table follows an action on devices", async () => {
    const { calls, changed } = mount();
    fireEvent.click(await screen.findByTestId("reports-tab-catalogue"));
    await askedAgain(calls, "report_table", 0);
    const before = calls["report_table"] ?? 0;
    await changed(["systems"]);
    await askedAgain(calls, "report_table", before);
  });
});
