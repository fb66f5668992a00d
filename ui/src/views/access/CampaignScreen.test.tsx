import { describe, expect, it } from "vitest";
import { fireEvent, render, screen, waitFor, within } from "@testing-library/react";
import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { mockIPC } from "@tauri-apps/api/mocks";
import { UiContext, type Ui } from "../../context";
import { VocabularyContext } from "../../labels";
import type { CampaignRow, CampaignView, Decided, DecideInput, Vocabulary } from "../../bindings";
import vocabulary from "../../test/vocabulary.json";
import { CampaignScreen } from "./CampaignScreen";

const row = (seq: number, person: string, privileged: boolean): CampaignRow => ({
  seq,
  row: {
    grant_key: `group_member|u${seq}|g1|`,
    kind: "group_member",
    person_id: `u${seq}`,
    person,
    email: `${person.toLowerCase()}@example.com`,
    resource_id: "g1",
    resource: "Engineering",
    via_id: "",
    via: "",
    privileged,
    sudo_droppable: false,
    flags: privileged
      ? [{ flag: "privileged", fact: "Administrator (sudo) on mac-01." }]
      : [{ flag: "no_manager", fact: "No manager is set in JumpCloud." }],
    reviewer: "admin (root)",
    run_id: "",
  },
  row_hash: "ab".repeat(32),
  decision: null,
  reason: "",
  defer_owner: "",
  defer_due: null,
  decided_by: "",
  decided_at: null,
  decided_via: "",
  remedy: null,
  remedy_note: "",
  remedy_at: null,
  event_id: "",
});

const totals = (kept: number, left: number) => ({
  rows: 3,
  reviewed: kept,
  kept,
  revoked: 0,
  deferred: 0,
  reduced: 0,
  left,
  privileged: 1,
  flagged: 3,
  removed: 0,
  remediation_open: 0,
  decided_at_close: 0,
  to_send: 0,
});

const view: CampaignView = {
  campaign: {
    id: 7,
    name: "Q4 review",
    scope: { user_groups: ["g1"], apps: [], devices: "none", admins: false, timed_grants: false },
    reviewer_mode: "admin",
    owners: {},
    due: "2026-12-31",
    repeat_months: 3,
    created_at: "2026-12-01T10:00:00Z",
    created_by: "root",
    previous_id: null,
    prepared_at: "2026-12-01T10:01:00Z",
    sync_id: 4,
    data_as_of: "2026-12-01T10:00:30Z",
    prep_note: "",
    org_domains: ["example.com"],
    rows_hash: "cd".repeat(32),
    closed_at: null,
    closed_by: "",
    undecided_as: null,
    decisions_hash: null,
  },
  rows: [row(1, "Ada", false), row(2, "Bo", true), row(3, "<b>Cy</b>", false)],
  totals: totals(0, 3),
  stage: "in_review",
  suspensions: [],
};

describe("an access review on screen", () => {
  it("shows each flag in Rust's words with its fact, and patches a decision into the rows and totals", async () => {
    const asked: DecideInput[] = [];
    mockIPC((cmd, args) => {
      if (cmd === "certify_get") return view;
      if (cmd === "certify_decide") {
        const input = (args as { input: DecideInput }).input;
        asked.push(input);
        const decided: Decided = {
          rows: view.rows
            .filter((r) => input.seqs.includes(r.seq))
            .map((r) => ({
              ...r,
              decision: "keep",
              reason: input.reason,
              decided_at: "2026-12-02T09:00:00Z",
            })),
          totals: totals(1, 2),
        };
        return decided;
      }
      throw { code: "NotImplemented", message: `unexpected command ${cmd}` };
    });
    const notices: string[] = [];
    const ui: Ui = {
      panel: null,
      open: () => undefined,
      close: () => undefined,
      notify: (_k, t) => notices.push(t),
      status: undefined,
      openRun: () => undefined,
      drill: () => undefined,
      switchOrg: () => Promise.resolve(),
      openIn: () => undefined,
    };
    render(
      <QueryClientProvider client={new QueryClient()}>
        <VocabularyContext.Provider value={vocabulary as unknown as Vocabulary}>
          <UiContext.Provider value={ui}>
            <CampaignScreen id={7} onBack={() => undefined} />
          </UiContext.Provider>
        </VocabularyContext.Provider>
      </QueryClientProvider>,
    );
    const table = await screen.findByTestId("campaign-rows");
    await waitFor(() => expect(within(table).getByTestId("row-2")).toBeTruthy());
    // The flag's label is Rust's; its fact is on hover.
    const flag = within(within(table).getByTestId("row-2")).getByText("privileged");
    expect(flag.getAttribute("title")).toBe("Administrator (sudo) on mac-01.");
    // A hostile name is text, not markup.
    expect(within(table).getByTestId("row-3").textContent).toContain("<b>Cy</b>");
    expect(screen.getByTestId("total-left").textContent).toBe("3");

    fireEvent.click(within(table).getByTestId("row-1"));
    fireEvent.change(screen.getByTestId("decision-reason"), { target: { value: "Confirmed" } });
    fireEvent.click(screen.getByTestId("decision-apply"));
    await waitFor(() => expect(screen.getByTestId("total-kept").textContent).toBe("1"));
    expect(asked).toEqual([
      { seqs: [1], decision: "keep", reason: "Confirmed", defer_owner: "", defer_due: null },
    ]);
    expect(screen.getByTestId("total-left").textContent).toBe("2");
    await waitFor(() =>
      expect(screen.getByTestId("decision-1").textContent).toContain("Confirmed"),
    );
    expect(notices.join(" ")).toContain("1 row recorded");
  });
});
