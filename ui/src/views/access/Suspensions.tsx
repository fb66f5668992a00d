// "Suspend this person on a date" in a closed access review's remediation: JumpCloud's
// scheduled state change, confirmed natively by Rust; each suspension is listed with what
// JumpCloud showed, checked on demand (verified once JumpCloud lists the person suspended) and
// cancellable while pending.
import { useState } from "react";
import { commands, type CampaignView } from "../../bindings";
import { unwrap } from "../../api";
import { useUi } from "../../context";
import { when } from "../../format";
import { useLabels } from "../../labels";
import { useCampaignSaved } from "./saved";

export function Suspensions({ v }: { v: CampaignView }) {
  const ui = useUi();
  const labels = useLabels();
  const saved = useCampaignSaved();
  const id = v.campaign.id;
  const people = [
    ...new Map(
      v.rows.filter((r) => r.decision === "revoke").map((r) => [r.row.person_id, r.row.person]),
    ),
  ];
  const [person, setPerson] = useState(people[0]?.[0] ?? "");
  const [at, setAt] = useState("");
  const fail = (e: Error) => ui.notify("error", e.message);
  const schedule = () =>
    unwrap(commands.certifySuspend(id, person, new Date(at).toISOString())).then((nv) => {
      saved(nv);
      ui.notify("ok", "Suspension scheduled in JumpCloud.");
    }, fail);
  if (people.length === 0) return null;
  return (
    <div className="suspensions" data-testid="suspensions">
      <h4>Suspend on a date</h4>
      <div className="toolbar">
        <select
          className="input"
          aria-label="Person to suspend"
          data-testid="suspend-person"
          value={person}
          onChange={(e) => setPerson(e.target.value)}
        >
          {people.map(([pid, name]) => (
            <option key={pid} value={pid}>
              {name}
            </option>
          ))}
        </select>
        <input
          className="input"
          type="datetime-local"
          aria-label="Suspend at"
          data-testid="suspend-at"
          value={at}
          onChange={(e) => setAt(e.target.value)}
        />
        <button
          type="button"
          className="btn"
          disabled={!person || !at}
          data-testid="suspend-schedule"
          onClick={() => void schedule()}
        >
          Suspend at that time…
        </button>
        {v.suspensions.some((s) => s.state === "scheduled") && (
          <button
            type="button"
            className="btn ghost"
            data-testid="suspend-check"
            onClick={() => void unwrap(commands.certifyCheckSuspensions(id)).then(saved, fail)}
          >
            Check with JumpCloud
          </button>
        )}
      </div>
      <ul className="remedy-list">
        {v.suspensions.map((s) => (
          <li key={s.job_id} data-testid={`suspension-${s.job_id}`} data-state={s.state}>
            <strong>{s.person}</strong> at {when(s.at)}:{" "}
            <span className={`suspension-${s.state}`}>{labels.suspensionState(s.state)}</span>{" "}
            <span className="muted">{s.note}</span>
            {s.state === "scheduled" && (
              <button
                type="button"
                className="btn small ghost"
                onClick={() =>
                  void unwrap(commands.certifyCancelSuspension(id, s.job_id)).then(saved, fail)
                }
              >
                Cancel it
              </button>
            )}
          </li>
        ))}
      </ul>
    </div>
  );
}
