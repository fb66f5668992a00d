// When the open organisation syncs by itself, and the setting that changes it. The timer runs
// in Rust (rollcall-core's session): every 4 hours by default, never two syncs at once, a
// failed timed sync tried again after 5 minutes, then 10, 20, … and shown here.
import { useState } from "react";
import { useQueryClient } from "@tanstack/react-query";
import { commands, type SyncSchedule } from "../bindings";
import { unwrap } from "../api";
import { useUi } from "../context";
import { keys } from "../queryKeys";
import { when } from "../format";
import { Modal } from "./Modal";

const CHOICES: [number, string][] = [
  [0, "Off"],
  [60, "Every hour"],
  [120, "Every 2 hours"],
  [240, "Every 4 hours (default)"],
  [480, "Every 8 hours"],
  [720, "Every 12 hours"],
  [1440, "Once a day"],
];

export function SyncScheduleItem({
  schedule,
  syncing,
}: {
  schedule: SyncSchedule | null | undefined;
  /** A sync runs that this window did not start (a timed one). */
  syncing: boolean;
}) {
  const [open, setOpen] = useState(false);
  if (!schedule) return null;
  const text = syncing
    ? "Timed sync running…"
    : schedule.every_minutes === 0
      ? "Automatic sync off"
      : schedule.next_at
        ? `Next sync ${when(schedule.next_at)}`
        : "Automatic sync on";
  return (
    <>
      <button
        type="button"
        className={schedule.failed ? "btn small warn" : "btn small ghost"}
        data-testid="sync-schedule"
        title={
          schedule.failed
            ? `The last timed sync failed: ${schedule.failed}`
            : "When Rollcall syncs this organisation by itself"
        }
        onClick={() => setOpen(true)}
      >
        {schedule.failed ? `Timed sync failed — retry ${when(schedule.next_at)}` : text}
      </button>
      {open && <ScheduleDialog schedule={schedule} onClose={() => setOpen(false)} />}
    </>
  );
}

function ScheduleDialog({ schedule, onClose }: { schedule: SyncSchedule; onClose: () => void }) {
  const ui = useUi();
  const qc = useQueryClient();
  const [every, setEvery] = useState(schedule.every_minutes);
  const [busy, setBusy] = useState(false);
  const known = CHOICES.some(([m]) => m === every);
  const save = () => {
    setBusy(true);
    unwrap(commands.syncScheduleSet(every))
      .then(
        (s) => {
          qc.setQueryData(keys.status, s);
          ui.notify(
            "ok",
            every === 0
              ? "Automatic sync is off for this organisation."
              : `Automatic sync: ${CHOICES.find(([m]) => m === every)?.[1].toLowerCase() ?? `every ${every} minutes`}.`,
          );
          onClose();
        },
        (e: Error) => ui.notify("error", e.message),
      )
      .finally(() => setBusy(false));
  };
  return (
    <Modal title="Automatic sync" onClose={onClose} testId="sync-schedule-dialog">
      <p className="muted">
        While Rollcall is open it syncs this organisation again on its own. It waits while JumpCloud
        cannot be reached and never runs two syncs at once; a timed sync that fails is tried again
        after 5 minutes, then 10, 20 and so on.
      </p>
      {schedule.failed && (
        <p className="error-text" data-testid="sync-schedule-failed">
          The last timed sync failed: {schedule.failed} Next try: {when(schedule.next_at)}.
        </p>
      )}
      <label className="form-grid">
        <span>Sync</span>
        <select
          className="input"
          data-testid="sync-schedule-every"
          value={every}
          onChange={(e) => setEvery(Number(e.target.value))}
        >
          {!known && <option value={every}>Every {every} minutes</option>}
          {CHOICES.map(([m, label]) => (
            <option key={m} value={m}>
              {label}
            </option>
          ))}
        </select>
      </label>
      <div className="modal-actions">
        <button type="button" className="btn" onClick={onClose}>
          Cancel
        </button>
        <button
          type="button"
          className="btn primary"
          data-testid="sync-schedule-save"
          disabled={busy}
          onClick={save}
        >
          Save
        </button>
      </div>
    </Modal>
  );
}
