import { describe, expect, it } from "vitest";
import { fireEvent, render, screen, waitFor } from "@testing-library/react";
import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { mockIPC } from "@tauri-apps/api/mocks";
import { UiContext, type Ui } from "../context";
import type { StepKind, TemplateCatalog } from "../bindings";
import { TemplateEditor } from "./ChecklistTemplates";

const step = (kind: StepKind, title: string) => ({ kind, title, optional: false, text: "" });

const catalog: TemplateCatalog = {
  templates: [
    {
      id: "offboarding",
      name: "Offboarding",
      base: "offboarding",
      customised: false,
      defaults: { groups: [], expiry_days: 0 },
      steps: [
        step("capture", "Capture"),
        step("suspend", "Suspend"),
        step("reset_mfa", "Reset MFA"),
        step("evidence", "Evidence report"),
      ],
    },
  ],
  kinds: [
    { kind: "manual", title: "Manual step", bases: ["offboarding"], ends_run: false },
    { kind: "create_user", title: "Create the user", bases: ["onboarding"], ends_run: false },
    { kind: "evidence", title: "Evidence report", bases: ["offboarding"], ends_run: true },
  ],
};

function mount() {
  const saved: unknown[] = [];
  const notices: string[] = [];
  mockIPC((cmd, args) => {
    if (cmd === "groups_list") return [];
    if (cmd === "checklist_template_save") {
      saved.push((args as { template: unknown }).template);
      return null;
    }
    throw { code: "NotImplemented", message: `unexpected command ${cmd}` };
  });
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
      <UiContext.Provider value={ui}>
        <TemplateEditor catalog={catalog} initial="offboarding" />
      </UiContext.Provider>
    </QueryClientProvider>,
  );
  return { saved, notices };
}

describe("the template editor", () => {
  it("reorders, removes and adds steps (before the evidence) and saves what is shown", async () => {
    const { saved, notices } = mount();
    // Only the kinds that belong in an offboarding are offered.
    const kinds = screen.getByTestId("tstep-kind");
    expect(kinds.textContent).toContain("Manual step");
    expect(kinds.textContent).not.toContain("Create the user");

    const [down] = screen.getAllByLabelText("Move down");
    if (down) fireEvent.click(down); // Suspend, Capture, Reset MFA
    fireEvent.click(screen.getByTestId("tstep-2-remove")); // drop Reset MFA
    fireEvent.change(kinds, { target: { value: "manual" } });
    fireEvent.click(screen.getByTestId("tstep-add"));
    fireEvent.change(screen.getByLabelText("Step 3 title"), {
      target: { value: "Badge returned" },
    });
    fireEvent.click(screen.getByTestId("template-save"));

    await waitFor(() => expect(saved).toHaveLength(1));
    const t = saved[0] as { steps: { kind: string; title: string }[] };
    expect(t.steps.map((s) => `${s.kind}:${s.title}`)).toEqual([
      "suspend:Suspend",
      "capture:Capture",
      "manual:Badge returned",
      "evidence:Evidence report",
    ]);
    await waitFor(() => expect(notices.join()).toContain("Saved “Offboarding”"));
  });
});
