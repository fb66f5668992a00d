// Checklists: offboarding, onboarding, access requests and resets, run step by step. Each step
// shows exactly what it will do before it runs, has its own button, and keeps its state across
// restarts (the run lives in the org's file). Templates are the org's own (edit, export,
// import); time-limited access shows when it is due for removal.
import { useState } from "react";
import { useQuery } from "@tanstack/react-query";
import {
  commands,
  type RunRow,
  type StepInput,
  type StepItem,
  type StepPreview,
  type StepRow,
  type StepView,
  type Template,
} from "../bindings";
import { CommandError, unwrap } from "../api";
import { useUi } from "../context";
import { when } from "../format";
import { BulkStarter, Starter } from "./ChecklistStart";
import { Grants, TemplateEditor, useRefreshChecklists, useTemplates } from "./ChecklistTemplates";
import { keys } from "../queryKeys";
import { StepButtons, useStepInputs, type StepInputs } from "./StepButtons";

export function ChecklistsView({
  runId,
  onRun,
}: {
  runId: string | null;
  onRun: (id: string | null) => void;
}) {
  const runs = useQuery({
    queryKey: keys.checklistRuns,
    queryFn: () => unwrap(commands.checklistRuns()),
  });
  const catalog = useTemplates();
  const [picking, setPicking] = useState<Picking>("");
  const [templateId, setTemplateId] = useState("offboarding");
  const template = catalog.data?.templates.find((t) => t.id === templateId);
  const toggle = (p: Picking) => setPicking(picking === p ? "" : p);
  const chooseTemplate = (id: string) => {
    setTemplateId(id);
    if (picking === "many") setPicking("");
  };
  return (
    <section className="view" data-testid="view-checklists">
      <ChecklistsToolbar
        templates={catalog.data?.templates}
        templateId={templateId}
        template={template}
        onTemplate={chooseTemplate}
        onToggle={toggle}
      />
      <p className="muted">
        Checklists run click by click and resume after a restart; a step that is done is never sent
        again. Resets wait for the identity check and access requests for the approval; “Restore
        access” re-adds what offboarding captured. The evidence report exports as PDF or CSV.
      </p>
      {picking === "one" && template && (
        <Starter
          key={template.id}
          template={template}
          onStarted={(id) => {
            setPicking("");
            onRun(id);
          }}
        />
      )}
      {picking === "many" && template && (
        <BulkStarter template={template} onDone={() => setPicking("")} />
      )}
      {picking === "edit" && catalog.data && (
        <TemplateEditor catalog={catalog.data} initial={templateId} />
      )}
      <Grants onRun={onRun} />
      <div className="checklists">
        <RunList runs={runs.data} runId={runId} onRun={onRun} />
        {runId && <RunDetail runId={runId} />}
      </div>
    </section>
  );
}

/** Which form is open under the toolbar: start one run, start several, or edit templates. */
type Picking = "" | "one" | "many" | "edit";

/** The view's title, the checklist to start, and the buttons opening each form. */
function ChecklistsToolbar({
  templates,
  templateId,
  template,
  onTemplate,
  onToggle,
}: {
  templates: Template[] | undefined;
  templateId: string;
  template: Template | undefined;
  onTemplate: (id: string) => void;
  onToggle: (p: Picking) => void;
}) {
  return (
    <div className="toolbar">
      <h1>Checklists</h1>
      <select
        className="input"
        aria-label="Checklist"
        value={templateId}
        data-testid="template"
        onChange={(e) => onTemplate(e.target.value)}
      >
        {templates?.map((t) => (
          <option key={t.id} value={t.id}>
            {t.name}
            {t.customised ? " (edited)" : ""}
          </option>
        ))}
      </select>
      <button
        type="button"
        className="btn primary"
        data-testid="new-offboarding"
        disabled={!template}
        onClick={() => onToggle("one")}
      >
        {template?.base === "onboarding" ? "New starter…" : "Start for a person…"}
      </button>
      <button
        type="button"
        className="btn"
        data-testid="new-bulk"
        disabled={!template}
        onClick={() => onToggle("many")}
      >
        Start for several…
      </button>
      <button
        type="button"
        className="btn"
        data-testid="edit-templates"
        onClick={() => onToggle("edit")}
      >
        Templates…
      </button>
    </div>
  );
}

/** The org's runs, newest first; `runId` is the one shown. */
function RunList({
  runs,
  runId,
  onRun,
}: {
  runs: RunRow[] | undefined;
  runId: string | null;
  onRun: (id: string | null) => void;
}) {
  return (
    <ul className="run-list" data-testid="run-list">
      {runs?.map((r) => (
        <li key={r.id}>
          <button
            type="button"
            className={r.id === runId ? "run-item on" : "run-item"}
            data-testid={`run-${r.id}`}
            onClick={() => onRun(r.id)}
          >
            <span>{r.title}</span>
            <span className="muted small">
              {r.status} · started {when(r.started_at)}
            </span>
          </button>
        </li>
      ))}
      {runs?.length === 0 && (
        <li className="muted pad">
          No runs yet. Start one from a person’s panel (“Offboard…”) or above.
        </li>
      )}
    </ul>
  );
}

/** How many items a step lists before "Show all". */
const FEW = 8;

/** Running and skipping a step of run `runId` with what was typed for it; `busy` is the step
 * being run. */
function useStepActions(runId: string, { notes, approvals, typed, at }: StepInputs) {
  const ui = useUi();
  const refresh = useRefreshChecklists();
  const [busy, setBusy] = useState<number | null>(null);

  const runStep = async (idx: number) => {
    setBusy(idx);
    const input: StepInput = {
      note: notes[idx] ?? "",
      approver: approvals[idx]?.approver ?? "",
      ticket: approvals[idx]?.ticket ?? "",
      typed_hostnames: Object.entries(typed).map(([id, h]) => [id, h] as [string, string]),
      suspend_at: at[idx] ? new Date(at[idx]).toISOString() : null,
    };
    try {
      // The step's own result shows in the step.
      await unwrap(commands.checklistStepRun(runId, idx, input));
    } catch (e) {
      ui.notify(
        e instanceof CommandError && e.code === "Cancelled" ? "warn" : "error",
        (e as Error).message,
      );
    } finally {
      setBusy(null);
      void refresh();
    }
  };
  const skip = async (idx: number) => {
    const reason = notes[idx] ?? "";
    try {
      await unwrap(commands.checklistStepSkip(runId, idx, reason));
    } catch (e) {
      ui.notify("error", (e as Error).message);
    }
    void refresh();
  };
  return { busy, runStep, skip };
}

/** One run: its head (evidence export, restore) and its steps, each with its own buttons. */
function RunDetail({ runId }: { runId: string }) {
  const q = useQuery({
    queryKey: keys.checklistRun(runId),
    queryFn: () => unwrap(commands.checklistRun(runId)),
  });
  const inputs = useStepInputs();
  const { busy, runStep, skip } = useStepActions(runId, inputs);
  const [expanded, setExpanded] = useState<Record<number, boolean>>({});
  if (q.error) return <p className="error-text">{(q.error as Error).message}</p>;
  if (!q.data) return null;
  const { run, steps, can_restore } = q.data;
  const finished = run.status !== "active";

  return (
    <div className="run-detail" data-testid="run-detail">
      <RunHead run={run} runId={runId} canRestore={can_restore} />
      <div className="muted small">
        Started {when(run.started_at)} by {run.operator}
        {run.finished_at ? ` · finished ${when(run.finished_at)}` : ""}
      </div>
      <ol className="steps">
        {steps.map((view) => (
          <RunStep
            key={view.step.idx}
            view={view}
            finished={finished}
            inputs={inputs}
            busy={busy}
            expanded={!!expanded[view.step.idx]}
            onExpand={() => setExpanded({ ...expanded, [view.step.idx]: !expanded[view.step.idx] })}
            onRun={runStep}
            onSkip={skip}
          />
        ))}
      </ol>
    </div>
  );
}

/** A run's title and status, with its evidence exports and "Restore access". */
function RunHead({ run, runId, canRestore }: { run: RunRow; runId: string; canRestore: boolean }) {
  const ui = useUi();
  return (
    <div className="run-head">
      <h2>{run.title}</h2>
      <span
        className={`badge st-${run.status === "finished" ? "done" : "unknown"}`}
        data-testid="run-status"
      >
        {run.status}
      </span>
      {(["pdf", "csv"] as const).map((format) => (
        <button
          key={format}
          type="button"
          className="btn"
          data-testid={`run-export${format === "csv" ? "" : "-pdf"}`}
          onClick={() =>
            unwrap(commands.checklistExport(runId, format)).then(
              (p) => p && ui.notify("ok", `Saved the evidence to ${p}.`),
              (e: Error) => ui.notify("error", e.message),
            )
          }
        >
          Evidence ({format.toUpperCase()})
        </button>
      ))}
      {canRestore && (
        <button
          type="button"
          className="btn"
          data-testid="run-restore"
          title="Re-add the captured groups and direct app access"
          onClick={() =>
            unwrap(commands.checklistRestore(runId)).then(
              (m) => ui.notify("ok", m),
              (e: Error) => ui.notify("error", e.message),
            )
          }
        >
          Restore access
        </button>
      )}
    </div>
  );
}

/** One step of a run: its state, items, what its preview says, and (while it is open) what
 * it asks for and its Run and Skip buttons. */
function RunStep({
  view: { step: s, items, done, preview, rules },
  finished,
  inputs,
  busy,
  expanded,
  onExpand,
  onRun,
  onSkip,
}: {
  view: StepView;
  finished: boolean;
  inputs: StepInputs;
  busy: number | null;
  expanded: boolean;
  onExpand: () => void;
  onRun: (idx: number) => void;
  onSkip: (idx: number) => void;
}) {
  const isNext = rules.next;
  const open = !rules.closed;
  return (
    <li className={`step st-${s.state}${isNext ? " next" : ""}`} data-testid={`step-${s.idx}`}>
      <div className="step-head">
        <span className="step-title">
          {s.idx + 1}. {s.title}
        </span>
        <span className={`badge st-${s.state}`} data-testid={`step-${s.idx}-state`}>
          {s.state === "unknown" ? "outcome unknown" : s.state}
        </span>
      </div>
      <StepItems
        step={s}
        items={items}
        done={done}
        expanded={expanded}
        onExpand={onExpand}
        askHostnames={rules.typed_hostnames && open && !finished}
        typed={inputs.typed}
        setTyped={inputs.setTyped}
      />
      <StepNotes step={s} items={items} preview={preview} open={open} />
      {open && !finished && rules.waits_for && (
        <div className="muted small" data-testid={`step-${s.idx}-waits`}>
          Waits for “{rules.waits_for}” to be recorded first.
        </div>
      )}
      {open && !finished && rules.approval && <StepApproval step={s} inputs={inputs} />}
      {open && !finished && (
        <StepButtons
          step={s}
          rules={rules}
          started={done.length > 0}
          isNext={isNext}
          inputs={inputs}
          busy={busy}
          onRun={onRun}
          onSkip={onSkip}
        />
      )}
    </li>
  );
}

/** A step's items (the first few, or all), with the count and "Show all" when there are many;
 * wipes ask for each device's hostname to be typed. */
function StepItems({
  step: s,
  items,
  done,
  expanded,
  onExpand,
  askHostnames,
  typed,
  setTyped,
}: {
  step: StepRow;
  items: StepItem[];
  done: string[];
  expanded: boolean;
  onExpand: () => void;
  askHostnames: boolean;
  typed: Record<string, string>;
  setTyped: (t: Record<string, string>) => void;
}) {
  return (
    <>
      {items.length > FEW && (
        <div className="muted small" data-testid={`step-${s.idx}-count`}>
          {items.length} items
          {done.length > 0 ? `, ${done.length} done` : ""}
          {!expanded && ` — the first ${FEW} below`}{" "}
          <button
            type="button"
            className="btn ghost small"
            data-testid={`step-${s.idx}-all`}
            onClick={onExpand}
          >
            {expanded ? "Show fewer" : `Show all ${items.length}`}
          </button>
        </div>
      )}
      {items.length > 0 && (
        <ul className="step-items">
          {(expanded ? items : items.slice(0, FEW)).map((it) => (
            <li key={it.key}>
              {done.includes(it.key) ? "✓ " : it.request ? "• " : "– "}
              {it.label}
              {it.note && <span className="muted"> — {it.note}</span>}
              {askHostnames && it.request && (
                <input
                  className="input inline-input"
                  placeholder="type the hostname to wipe"
                  value={typed[it.request.kind === "DeviceWipe" ? it.request.system_id : ""] ?? ""}
                  onChange={(e) =>
                    it.request?.kind === "DeviceWipe" &&
                    setTyped({ ...typed, [it.request.system_id]: e.target.value })
                  }
                />
              )}
            </li>
          ))}
        </ul>
      )}
    </>
  );
}

/** What a step's preview and outcome say: nothing to remove, still loading, read live, its
 * message and note. */
function StepNotes({
  step: s,
  items,
  preview,
  open,
}: {
  step: StepRow;
  items: StepItem[];
  preview: StepPreview;
  open: boolean;
}) {
  return (
    <>
      {items.length === 0 && preview.removes_access && !preview.loading && (
        <div className="muted small">Nothing to remove in the local copy.</div>
      )}
      {open && preview.loading && (
        <div className="step-loading" data-testid={`step-${s.idx}-loading`}>
          {preview.loading}
        </div>
      )}
      {open && preview.reads_live && !preview.loading && (
        <div className="muted small" data-testid={`step-${s.idx}-live`}>
          The preview comes from the local copy; when it runs, this step reads what JumpCloud holds
          now and acts on that
          {preview.removes_access ? ", then reads again to check it is gone." : "."}
        </div>
      )}
      {s.message && (
        <div
          className={
            s.state === "failed" || s.state === "unknown" ? "step-msg error-text" : "step-msg"
          }
        >
          {s.message}
        </div>
      )}
      {s.note && <div className="muted small">Note: {s.note}</div>}
    </>
  );
}

/** An approval step's fields: who approved, and the ticket it was asked in. */
function StepApproval({
  step: s,
  inputs: { approvals, setApprovals },
}: {
  step: StepRow;
  inputs: StepInputs;
}) {
  return (
    <div className="step-actions">
      {(["approver", "ticket"] as const).map((f) => (
        <input
          key={f}
          className="input inline-input"
          placeholder={
            f === "approver" ? "Approved by (name, role)" : "Ticket or request reference"
          }
          value={approvals[s.idx]?.[f] ?? ""}
          data-testid={`step-${s.idx}-${f}`}
          onChange={(e) =>
            setApprovals({
              ...approvals,
              [s.idx]: {
                approver: approvals[s.idx]?.approver ?? "",
                ticket: approvals[s.idx]?.ticket ?? "",
                [f]: e.target.value,
              },
            })
          }
        />
      ))}
    </div>
  );
}
