// Closing an access review (undecided rows kept or revoked, chosen explicitly) and removing
// what was revoked: one native confirmation for the batch, each removal read first, sent once
// and verified by Rust; what the API cannot remove waits for an admin to confirm it by hand.
import { useState } from "react";
import { useQueryClient } from "@tanstack/react-query";
import { commands, type CampaignRow, type CampaignView, type CertDecision } from "../../bindings";
import { unwrap } from "../../api";
import { useUi } from "../../context";
import { when } from "../../format";
import { useLabels } from "../../labels";
import { keys } from "../../queryKeys";
import { Modal } from "../../components/Modal";
import { useCampaignSaved } from "./saved";
import { Suspensions } from "./Suspensions";

export function CloseDialog({ v, onClose }: { v: CampaignView; onClose: () => void }) {
  const ui = useUi();
  const saved = useCampaignSaved();
  const [choice, setChoice] = useState<CertDecision | null>(null);
  const left = v.totals.left;
  const close = () => {
    if (!choice) return;
    unwrap(commands.certifyClose(v.campaign.id, choice)).then(
      (nv) => {
        saved(nv);
        onClose();
        ui.notify("ok", `Closed: ${nv.totals.revoked} revocations to remove.`);
      },
      (e: Error) => ui.notify("error", e.message),
    );
  };
  return (
    <Modal title="Close the access review" onClose={onClose} testId="campaign-close-dialog">
      <p>
        {left === 0
          ? "Every row is decided."
          : `${left} row${left === 1 ? " is" : "s are"} still undecided. Choose what they become:`}
      </p>
      {(["keep", "revoke"] as const).map((d) => (
        <label key={d} className="inline">
          <input
            type="radio"
            name="undecided"
            checked={choice === d}
            data-testid={`close-undecided-${d}`}
            onChange={() => setChoice(d)}
          />
          {d === "keep" ? "Keep them as they are" : "Revoke them"}
        </label>
      ))}
      <p className="muted">
        Decisions are final once closed; the revocations are then removed from JumpCloud and
        verified.
      </p>
      <div className="modal-actions">
        <button type="button" className="btn" onClick={onClose}>
          Cancel
        </button>
        <button
          type="button"
          className="btn primary"
          disabled={!choice}
          data-testid="close-confirm"
          onClick={close}
        >
          Close the review
        </button>
      </div>
    </Modal>
  );
}

function ManualConfirm({ v, row }: { v: CampaignView; row: CampaignRow }) {
  const ui = useUi();
  const saved = useCampaignSaved();
  const [note, setNote] = useState("");
  return (
    <span className="manual-confirm">
      <input
        className="input"
        placeholder="What was done, where"
        aria-label={`What was done for row ${row.seq}`}
        data-testid={`manual-note-${row.seq}`}
        value={note}
        onChange={(e) => setNote(e.target.value)}
      />
      <button
        type="button"
        className="btn small"
        data-testid={`manual-confirm-${row.seq}`}
        onClick={() =>
          void unwrap(commands.certifyConfirmManual(v.campaign.id, row.seq, note)).then(
            saved,
            (e: Error) => ui.notify("error", e.message),
          )
        }
      >
        Confirm removed by hand
      </button>
    </span>
  );
}

export function Remediation({ v }: { v: CampaignView }) {
  const ui = useUi();
  const qc = useQueryClient();
  const labels = useLabels();
  const [busy, setBusy] = useState(false);
  // Revoked rows, and those whose administrator rights are dropped.
  const revoked = v.rows.filter((r) => r.remedy !== null);
  const open = v.totals.to_send;
  const run = () => {
    setBusy(true);
    unwrap(commands.certifyRemediate(v.campaign.id))
      .then(
        (rep) =>
          ui.notify(
            rep.failed > 0 ? "error" : "ok",
            `Sent ${rep.sent}; verified removed ${rep.verified}; failed ${rep.failed}; not verified yet ${rep.unverified}; manual ${rep.manual}.`,
          ),
        (e: Error) => ui.notify("error", e.message),
      )
      .finally(() => {
        setBusy(false);
        void qc.invalidateQueries({ queryKey: keys.campaign(v.campaign.id) });
        void qc.invalidateQueries({ queryKey: keys.campaigns });
      });
  };
  return (
    <section className="remediation" data-testid="remediation">
      <h3>Remediation</h3>
      {revoked.length === 0 ? (
        <p className="muted">Nothing was revoked and no administrator rights were dropped.</p>
      ) : (
        <>
          <button
            type="button"
            className="btn primary"
            disabled={busy || open === 0}
            data-testid="remediate"
            onClick={run}
          >
            {busy
              ? "Removing and verifying…"
              : open === 0
                ? "Every removal is done or waits for a manual one"
                : `Remove ${open} revoked access${open === 1 ? "" : "es"} and rights in JumpCloud…`}
          </button>
          <ul className="remedy-list">
            {revoked.map((r) => (
              <li key={r.seq} data-testid={`remedy-${r.seq}`} data-state={r.remedy ?? ""}>
                <strong>
                  #{r.seq} {r.row.person}
                </strong>{" "}
                — {r.row.resource}:{" "}
                <span className={`remedy remedy-${r.remedy ?? "none"}`}>
                  {r.remedy ? labels.remedyState(r.remedy) : "—"}
                </span>{" "}
                <span className="muted">
                  {r.remedy_note}
                  {r.remedy_at && ` (${when(r.remedy_at)})`}
                </span>
                {r.remedy === "manual" && <ManualConfirm v={v} row={r} />}
              </li>
            ))}
          </ul>
          <Suspensions v={v} />
        </>
      )}
    </section>
  );
}
