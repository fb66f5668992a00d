// A checklist step's inputs and buttons: its note, Run and Skip; the suspend step may instead
// be scheduled for a date and time (the person's last day) — JumpCloud's scheduled state
// change — shown as scheduled until JumpCloud applies it, checked by running it again, and
// cancellable until then.
import { useState } from "react";
import { commands, type StepRow, type StepRules } from "../bindings";
import { unwrap } from "../api";
import { useUi } from "../context";
import { useRefreshChecklists } from "./ChecklistTemplates";

/** What the admin typed into the steps of a run, by step index (and wipes' hostnames by device
 * id; a suspension's date and time, local); kept while the run is shown, sent with the step
 * that runs. */
export function useStepInputs() {
  const [notes, setNotes] = useState<Record<number, string>>({});
  const [approvals, setApprovals] = useState<Record<number, { approver: string; ticket: string }>>(
    {},
  );
  const [typed, setTyped] = useState<Record<string, string>>({});
  const [at, setAt] = useState<Record<number, string>>({});
  return { notes, setNotes, approvals, setApprovals, typed, setTyped, at, setAt };
}

export type StepInputs = ReturnType<typeof useStepInputs>;

/** The suspend step's "at a date and time" field, or, once scheduled, its Cancel button. */
function Schedule({
  step: s,
  rules,
  inputs,
}: {
  step: StepRow;
  rules: StepRules;
  inputs: StepInputs;
}) {
  const ui = useUi();
  const refresh = useRefreshChecklists();
  if (rules.scheduled)
    return (
      <button
        type="button"
        className="btn ghost"
        data-testid={`step-${s.idx}-cancel-schedule`}
        onClick={() =>
          void unwrap(commands.checklistStepCancelSchedule(s.run_id, s.idx)).then(
            () => refresh(),
            (e: Error) => ui.notify("error", e.message),
          )
        }
      >
        Cancel the scheduled suspension
      </button>
    );
  if (!rules.schedulable) return null;
  return (
    <label className="inline">
      At
      <input
        className="input inline-input"
        type="datetime-local"
        aria-label="Suspend at (leave empty to suspend now)"
        title="Leave empty to suspend now; or the person's last day and time: JumpCloud suspends them then"
        value={inputs.at[s.idx] ?? ""}
        data-testid={`step-${s.idx}-at`}
        onChange={(e) => inputs.setAt({ ...inputs.at, [s.idx]: e.target.value })}
      />
    </label>
  );
}

function runLabel(s: StepRow, rules: StepRules, started: boolean, at: string | undefined): string {
  if (rules.scheduled) return "Check whether JumpCloud suspended them";
  if (rules.schedulable && at) return "Schedule the suspension";
  return s.state === "pending" && !started ? "Run" : "Continue / retry";
}

/** An open step's note field (when it asks for one) and its Run and Skip buttons. */
export function StepButtons({
  step: s,
  rules,
  started,
  isNext,
  inputs,
  busy,
  onRun,
  onSkip,
}: {
  step: StepRow;
  rules: StepRules;
  started: boolean;
  isNext: boolean;
  inputs: StepInputs;
  busy: number | null;
  onRun: (idx: number) => void;
  onSkip: (idx: number) => void;
}) {
  const { notes, setNotes } = inputs;
  return (
    <div className="step-actions">
      {rules.note_prompt && !rules.scheduled && (
        <input
          className="input inline-input"
          aria-label={rules.note_prompt}
          placeholder={rules.note_prompt}
          value={notes[s.idx] ?? ""}
          data-testid={`step-${s.idx}-note`}
          onChange={(e) => setNotes({ ...notes, [s.idx]: e.target.value })}
        />
      )}
      <Schedule step={s} rules={rules} inputs={inputs} />
      <button
        type="button"
        className={isNext ? "btn primary" : "btn"}
        disabled={busy !== null}
        data-testid={`step-${s.idx}-run`}
        onClick={() => onRun(s.idx)}
      >
        {busy === s.idx ? "Running…" : runLabel(s, rules, started, inputs.at[s.idx])}
      </button>
      {!rules.scheduled && (
        <button
          type="button"
          className="btn ghost"
          disabled={busy !== null}
          data-testid={`step-${s.idx}-skip`}
          onClick={() => onSkip(s.idx)}
        >
          Skip
        </button>
      )}
    </div>
  );
}
