// Checklists: offboarding runs, step by step. Each step shows exactly what it will do before
// it runs, has its own button, and keeps its state across restarts (the run lives in the org's
// file). Onboarding, access requests, template editing, bulk runs and PDF evidence are not
// built yet; the view says so.
import { useState } from "react";
import { useQuery, useQueryClient } from "@tanstack/react-query";
import { commands, type StepInput } from "../bindings";
import { CommandError, unwrap } from "../api";
import { useUi } from "../context";
import { when } from "../format";

export function ChecklistsView({
  runId,
  onRun,
}: {
  runId: string | null;
  onRun: (id: string | null) => void;
}) {
  const runs = useQuery({
    queryKey: ["checklistRuns"],
    queryFn: () => unwrap(commands.checklistRuns()),
  });
  const [picking, setPicking] = useState<"" | "one" | "many">("");
  const [template, setTemplate] = useState("offboarding");
  return (
    <section className="view" data-testid="view-checklists">
      <div className="toolbar">
        <h1>Checklists</h1>
        <select
          className="input"
          aria-label="Checklist"
          value={template}
          data-testid="template"
          onChange={(e) => setTemplate(e.target.value)}
        >
          <option value="offboarding">Offboarding</option>
          <option value="password_reset">Password reset</option>
          <option value="mfa_reset">MFA reset</option>
        </select>
        <button
          type="button"
          className="btn primary"
          data-testid="new-offboarding"
          onClick={() => setPicking(picking === "one" ? "" : "one")}
        >
          Start for a person…
        </button>
        <button
          type="button"
          className="btn"
          data-testid="new-bulk"
          onClick={() => setPicking(picking === "many" ? "" : "many")}
        >
          Start for several…
        </button>
      </div>
      <p className="muted">
        Checklists run click by click and resume after a restart; a step that is done is never sent
        again. Resets wait for the identity check; “Restore access” re-adds what offboarding
        captured. Not built yet: onboarding, access requests with approver and expiry, editing,
        exporting and importing templates, and the PDF report (the evidence exports as CSV).
      </p>
      {picking === "one" && (
        <PersonPicker
          template={template}
          onPicked={(id) => {
            setPicking("");
            onRun(id);
          }}
        />
      )}
      {picking === "many" && <BulkStarter template={template} onDone={() => setPicking("")} />}
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

function BulkStarter({ template, onDone }: { template: string; onDone: () => void }) {
  const ui = useUi();
  const [people, setPeople] = useState("");
  return (
    <div className="picker" data-testid="bulk-starter">
      <textarea
        className="input"
        rows={5}
        placeholder="One person per line: email or username (paste a column from a spreadsheet)"
        value={people}
        data-testid="bulk-people"
        onChange={(e) => setPeople(e.target.value)}
      />
      <button
        type="button"
        className="btn primary"
        data-testid="bulk-start"
        disabled={!people.trim()}
        onClick={() =>
          unwrap(commands.checklistStartBulk(template, people)).then(
            (r) => {
              ui.notify(
                r.unknown.length ? "warn" : "ok",
                `Started ${r.started.length} runs.` +
                  (r.unknown.length
                    ? ` Not found in the local copy: ${r.unknown.join(", ")}.`
                    : ""),
              );
              onDone();
            },
            (e: Error) => ui.notify("error", e.message),
          )
        }
      >
        Start
      </button>
    </div>
  );
}

function PersonPicker({
  template,
  onPicked,
}: {
  template: string;
  onPicked: (runId: string) => void;
}) {
  const ui = useUi();
  const [text, setText] = useState("");
  const hits = useQuery({
    queryKey: ["search", text],
    queryFn: () => unwrap(commands.searchAll(text, 20)),
    enabled: text.trim().length > 0,
  });
  return (
    <div className="picker" data-testid="person-picker">
      <input
        className="input"
        autoFocus
        placeholder="Who is leaving? Name or email"
        value={text}
        data-testid="person-search"
        onChange={(e) => setText(e.target.value)}
      />
      <ul className="pick-list">
        {hits.data
          ?.filter((h) => h.kind === "user")
          .map((h) => (
            <li key={h.id}>
              <button
                type="button"
                className="link"
                data-testid={`pick-person-${h.id}`}
                onClick={() =>
                  unwrap(commands.checklistStart(template, h.id)).then(onPicked, (e: Error) =>
                    ui.notify("error", e.message),
                  )
                }
              >
                {h.label}
              </button>{" "}
              <span className="muted">{h.detail}</span>
            </li>
          ))}
      </ul>
    </div>
  );
}

function RunDetail({ runId }: { runId: string }) {
  const ui = useUi();
  const qc = useQueryClient();
  const q = useQuery({
    queryKey: ["checklistRun", runId],
    queryFn: () => unwrap(commands.checklistRun(runId)),
  });
  const [busy, setBusy] = useState<number | null>(null);
  const [notes, setNotes] = useState<Record<number, string>>({});
  const [typed, setTyped] = useState<Record<string, string>>({});
  if (q.error) return <p className="error-text">{(q.error as Error).message}</p>;
  if (!q.data) return null;
  const { run, steps } = q.data;
  const finished = run.status !== "active";
  const refresh = () =>
    qc.invalidateQueries({ predicate: (x) => String(x.queryKey[0]).startsWith("checklist") });

  const runStep = async (idx: number) => {
    setBusy(idx);
    const input: StepInput = {
      note: notes[idx] ?? "",
      typed_hostnames: Object.entries(typed).map(([id, h]) => [id, h] as [string, string]),
    };
    try {
      const s = await unwrap(commands.checklistStepRun(runId, idx, input));
      ui.notify(
        s.state === "done" ? "ok" : s.state === "pending" ? "warn" : "error",
        `${s.title}: ${s.message || s.state}`,
      );
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
  const next = steps.find((s) => s.step.state !== "done" && s.step.state !== "skipped");

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
        <button
          type="button"
          className="btn"
          data-testid="run-export"
          onClick={() =>
            unwrap(commands.checklistExport(runId)).then(
              (p) => p && ui.notify("ok", `Saved the evidence to ${p}.`),
              (e: Error) => ui.notify("error", e.message),
            )
          }
        >
          Export evidence (CSV)
        </button>
        <button
          type="button"
          className="btn"
          data-testid="run-restore"
          disabled={!run.capture.includes('"groups"')}
          title={
            run.capture.includes('"groups"')
              ? "Re-add the captured groups and direct app access"
              : "Nothing captured yet"
          }
          onClick={() =>
            unwrap(commands.checklistRestore(runId)).then(
              (m) => ui.notify("ok", m),
              (e: Error) => ui.notify("error", e.message),
            )
          }
        >
          Restore access
        </button>
      </div>
      <div className="muted small">
        Started {when(run.started_at)} by {run.operator}
        {run.finished_at ? ` · finished ${when(run.finished_at)}` : ""}
      </div>
      <ol className="steps">
        {steps.map(({ step: s, items, done }) => {
          const isNext = next?.step.idx === s.idx;
          const open = s.state !== "done" && s.state !== "skipped";
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
              {items.length > 0 && (
                <ul className="step-items">
                  {items.map((it) => (
                    <li key={it.key}>
                      {done.includes(it.key) ? "✓ " : it.request ? "• " : "– "}
                      {it.label}
                      {it.note && <span className="muted"> — {it.note}</span>}
                      {s.kind === "wipe_devices" && it.request && open && !finished && (
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
              {items.length === 0 && s.kind.startsWith("remove") && (
                <div className="muted small">Nothing to remove.</div>
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
              {open && !finished && (
                <div className="step-actions">
                  {(s.kind === "manual" || s.kind === "verify" || isNext) && (
                    <input
                      className="input inline-input"
                      placeholder={
                        s.kind === "verify"
                          ? "Required: who verified the person, and how (call-back, video, in person)"
                          : s.kind === "manual"
                            ? "Note (required): who collected what, where"
                            : "Reason, if you skip"
                      }
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
