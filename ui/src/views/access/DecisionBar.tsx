// The decision on the selected rows (or the one opened): keep, revoke or defer (an owner and a
// due date), with a reason. Rust says when a reason is missing (to revoke, to keep a flagged
// or privileged row, and for every decision on several rows at once) and nothing is recorded.
import { useState } from "react";
import { commands, type CampaignView, type CertDecision } from "../../bindings";
import { unwrap } from "../../api";
import { useUi } from "../../context";
import { useLabels } from "../../labels";
import { useDecidedSaved } from "./saved";

export function DecisionBar({
  v,
  seqs,
  onDone,
  onSelectShown,
}: {
  v: CampaignView;
  seqs: number[];
  onDone: () => void;
  onSelectShown: () => void;
}) {
  const ui = useUi();
  const labels = useLabels();
  const saved = useDecidedSaved(v.campaign.id);
  const [reason, setReason] = useState("");
  const [owner, setOwner] = useState("");
  const [due, setDue] = useState("");
  const [decision, setDecision] = useState<CertDecision>("keep");
  const decide = () =>
    unwrap(
      commands.certifyDecide(v.campaign.id, {
        seqs,
        decision,
        reason,
        defer_owner: owner,
        defer_due: due || null,
      }),
    ).then(
      (d) => {
        saved(d);
        ui.notify(
          "ok",
          `${labels.certDecision(decision)}: ${seqs.length} row${seqs.length === 1 ? "" : "s"} recorded.`,
        );
        setReason("");
        onDone();
      },
      (e: Error) => ui.notify("error", e.message),
    );
  return (
    <div className="decision-bar" data-testid="decision-bar">
      <span data-testid="decision-count">
        {seqs.length === 0
          ? "Select rows (Space) or open one (Enter) to decide."
          : `${seqs.length} row${seqs.length === 1 ? "" : "s"}:`}
      </span>
      <button type="button" className="link" data-testid="select-shown" onClick={onSelectShown}>
        Select the rows shown
      </button>
      <div className="segmented" role="radiogroup" aria-label="Decision">
        {labels.certDecisions.map((d) => (
          <button
            key={d}
            type="button"
            role="radio"
            aria-checked={decision === d}
            className={`seg ${decision === d ? "on" : ""}`}
            data-testid={`decide-${d}`}
            onClick={() => setDecision(d)}
          >
            <span className="cap">{labels.certDecision(d)}</span>
          </button>
        ))}
      </div>
      {decision === "defer" && (
        <>
          <input
            className="input"
            placeholder="Owner (who decides)"
            aria-label="Owner of the deferred rows"
            data-testid="defer-owner"
            value={owner}
            onChange={(e) => setOwner(e.target.value)}
          />
          <input
            className="input"
            type="date"
            aria-label="Decide by"
            data-testid="defer-due"
            value={due}
            onChange={(e) => setDue(e.target.value)}
          />
        </>
      )}
      <input
        className="input search"
        placeholder="Reason (shown in the evidence)"
        aria-label="Reason"
        data-testid="decision-reason"
        value={reason}
        onChange={(e) => setReason(e.target.value)}
      />
      <button
        type="button"
        className="btn primary"
        disabled={seqs.length === 0}
        data-testid="decision-apply"
        onClick={() => void decide()}
      >
        Record
      </button>
    </div>
  );
}
