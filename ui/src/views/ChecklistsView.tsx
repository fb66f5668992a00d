// Checklists: offboarding, onboarding, access requests and resets, run step by step. Each step
// shows exactly what it will do before it runs, has its own button, and keeps its state across
// restarts (the run lives in the org's file). Templates are the org's own (edit, export,
// import); time-limited access shows when it is due for removal.
import { useState } from "react";
import { useQuery } from "@tanstack/react-query";
import { commands, type StepInput } from "../bindings";
import { CommandError, unwrap } from "../api";
import { useUi } from "../context";
import { when } from "../format";
import { BulkStarter, Starter } from "./ChecklistStart";
import { Grants, TemplateEditor, useRefreshChecklists, useTemplates } from "./ChecklistTemplates";
import { keys } from "../queryKeys";

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
  const [picking, setPicking] = useState<"" | "one" | "many" | "edit">("");
  const [templateId, setTemplateId] = useState("offboarding");
  const template = catalog.data?.templates.find((t) => t.id === templateId);
  const toggle = (p: typeof picking) => setPicking(picking === p ? "" : p);
  return (
    <section className="view" data-testid="view-checklists">
      <div className="toolbar">
        <h1>Checklists</h1>
        <select
          className="input"
          aria-label="Checklist"
          value={templateId}
          data-testid="template"
          onChange={(e) => {
            setTemplateId(e.target.value);
            if (picking === "many") setPicking("");
          }}
        >
          {catalog.data?.templates.map((t) => (
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
          onClick={() => toggle("one")}
        >
          {template?.base === "onboarding" ? "New starter…" : "Start for a person…"}
        </button>
        <button
          type="button"
          className="btn"
          data-testid="new-bulk"
          disabled={!template}
          onClick={() => toggle("many")}
        >
          Start for several…
        </button>
        <button
          type="button"
          className="btn"
          data-testid="edit-templates"
          onClick={() => toggle("edit")}
        >
          Templates…
        </button>
      </div>
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
        <ul className="run-list" data-testid="run-list">
          {runs.data?.map((r) => (
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
          {runs.data?.length === 0 && (
            <li className="muted pad">
              No runs yet. Start one from a person’s panel (“Offboard…”) or above.
            </li>
          )}
        </ul>
        {runId && <RunDetail runId={runId} />}
      </div>
    </section>
  );
}

/** How many items a step lists before "Show all". */
const FEW = 8;

function RunDetail({ runId }: { runId: string }) {
  const ui = useUi();
  const refresh = useRefreshChecklists();
  const q = useQuery({
    queryKey: keys.checklistRun(runId),
    queryFn: () => unwrap(commands.checklistRun(runId)),
  });
  const [busy, setBusy] = useState<number | null>(null);
  const [notes, setNotes] = useState<Record<number, string>>({});
  const [approvals, setApprovals] = useState<Record<number, { approver: string; ticket: string }>>(
    {},
  );
  const [typed, setTyped] = useState<Record<string, string>>({});
  const [expanded, setExpanded] = useState<Record<number, boolean>>({});
  if (q.error) return <p className="error-text">{(q.error as Error).message}</p>;
  if (!q.data) return null;
  const { run, steps, can_restore } = q.data;
  const finished = run.status !== "active";

  const runStep = async (idx: number) => {
    setBusy(idx);
    const input: StepInput = {
      note: notes[idx] ?? "",
      approver: approvals[idx]?.approver ?? "",
      ticket: approvals[idx]?.ticket ?? "",
      typed_hostnames: Object.entries(typed).map(([id, h]) => [id, h] as [string, string]),
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

  return (
    <div className="run-detail" data-testid="run-detail">
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
        {can_restore && (
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
      <div className="muted small">
        Started {when(run.started_at)} by {run.operator}
        {run.finished_at ? ` · finished ${when(run.finished_at)}` : ""}
      </div>
      <ol className="steps">
        {steps.map(({ step: s, items, done, preview, rules }) => {
          const isNext = rules.next;
          const open = !rules.closed;
          return (
            <li
              key={s.idx}
              className={`step st-${s.state}${isNext ? " next" : ""}`}
              data-testid={`step-${s.idx}`}
            >
              <div className="step-head">
                <span className="step-title">
                  {s.idx + 1}. {s.title}
                </span>
                <span className={`badge st-${s.state}`} data-testid={`step-${s.idx}-state`}>
                  {s.state === "unknown" ? "outcome unknown" : s.state}
                </span>
              </div>
              {items.length > FEW && (
                <div className="muted small" data-testid={`step-${s.idx}-count`}>
                  {items.length} items
                  {done.length > 0 ? `, ${done.length} done` : ""}
                  {!expanded[s.idx] && ` — the first ${FEW} below`}{" "}
                  <button
                    type="button"
                    className="btn ghost small"
                    data-testid={`step-${s.idx}-all`}
                    onClick={() => setExpanded({ ...expanded, [s.idx]: !expanded[s.idx] })}
                  >
                    {expanded[s.idx] ? "Show fewer" : `Show all ${items.length}`}
                  </button>
                </div>
              )}
              {items.length > 0 && (
                <ul className="step-items">
                  {(expanded[s.idx] ? items : items.slice(0, FEW)).map((it) => (
                    <li key={it.key}>
                      {done.includes(it.key) ? "✓ " : it.request ? "• " : "– "}
                      {it.label}
                      {it.note && <span className="muted"> — {it.note}</span>}
                      {rules.typed_hostnames && it.request && open && !finished && (
                        <input
                          className="input inline-input"
                          placeholder="type the hostname to wipe"
                          value={
                            typed[it.request.kind === "DeviceWipe" ? it.request.system_id : ""] ??
                            ""
                          }
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
                  The preview comes from the local copy; when it runs, this step reads what
                  JumpCloud holds now and acts on that
                  {preview.removes_access ? ", then reads again to check it is gone." : "."}
                </div>
              )}
              {s.message && (
                <div
                  className={
                    s.state === "failed" || s.state === "unknown"
                      ? "step-msg error-text"
                      : "step-msg"
                  }
                >
                  {s.message}
                </div>
              )}
              {s.note && <div className="muted small">Note: {s.note}</div>}
              {open && !finished && rules.waits_for && (
                <div className="muted small" data-testid={`step-${s.idx}-waits`}>
                  Waits for “{rules.waits_for}” to be recorded first.
                </div>
              )}
              {open && !finished && rules.approval && (
                <div className="step-actions">
                  {(["approver", "ticket"] as const).map((f) => (
                    <input
                      key={f}
                      className="input inline-input"
                      placeholder={
                        f === "approver"
                          ? "Approved by (name, role)"
                          : "Ticket or request reference"
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
              )}
              {open && !finished && (
                <div className="step-actions">
                  {rules.note_prompt && (
                    <input
                      className="input inline-input"
                      aria-label={rules.note_prompt}
                      placeholder={rules.note_prompt}
                      value={notes[s.idx] ?? ""}
                      data-testid={`step-${s.idx}-note`}
                      onChange={(e) => setNotes({ ...notes, [s.idx]: e.target.value })}
                    />
                  )}
                  <button
                    type="button"
                    className={isNext ? "btn primary" : "btn"}
                    disabled={busy !== null}
                    data-testid={`step-${s.idx}-run`}
                    onClick={() => runStep(s.idx)}
                  >
                    {busy === s.idx
                      ? "Running…"
                      : s.state === "pending" && done.length === 0
                        ? "Run"
                        : "Continue / retry"}
                  </button>
                  <button
                    type="button"
                    className="btn ghost"
                    disabled={busy !== null}
                    data-testid={`step-${s.idx}-skip`}
                    onClick={() => skip(s.idx)}
                  >
                    Skip
                  </button>
                </div>
              )}
            </li>
          );
        })}
      </ol>
    </div>
  );
}
