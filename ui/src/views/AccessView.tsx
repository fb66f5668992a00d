// Access reviews: certify who can reach what. The list says which reviews are in progress,
// which are due or overdue, and when a quarterly one's next is due; a review opens on its
// own screen.
import { useState } from "react";
import { useQuery, useQueryClient } from "@tanstack/react-query";
import { commands, type CampaignSummary, type CampaignView } from "../bindings";
import { unwrap } from "../api";
import { useUi } from "../context";
import { keys } from "../queryKeys";
import { useLabels } from "../labels";
import { CampaignNew } from "./access/CampaignNew";
import { CampaignScreen } from "./access/CampaignScreen";

function Summary({
  s,
  onOpen,
  onRepeat,
}: {
  s: CampaignSummary;
  onOpen: () => void;
  onRepeat: () => void;
}) {
  const labels = useLabels();
  const c = s.campaign;
  const t = s.totals;
  return (
    <li data-testid={`campaign-item-${c.id}`}>
      <button type="button" className="link" data-testid={`campaign-open-${c.id}`} onClick={onOpen}>
        {c.name}
      </button>{" "}
      <span className="muted">
        {labels.campaignStage(s.stage)} · due {c.due}
        {s.stage !== "draft" &&
          ` · ${t.rows.toLocaleString()} rows, ${t.left.toLocaleString()} left to review`}
        {s.stage === "closed" &&
          `, ${t.removed} of ${t.revoked + t.reduced} removals done, ${t.remediation_open} open`}
      </span>{" "}
      {s.overdue && <span className="badge bad">due</span>}
      {s.next_due && (
        <>
          {" "}
          <span className="muted">next due {s.next_due}</span>{" "}
          <button
            type="button"
            className="btn small"
            data-testid={`campaign-repeat-${c.id}`}
            onClick={onRepeat}
          >
            Start the next one
          </button>
        </>
      )}
    </li>
  );
}

export function AccessView() {
  const ui = useUi();
  const qc = useQueryClient();
  const list = useQuery({
    queryKey: keys.campaigns,
    queryFn: () => unwrap(commands.certifyList()),
  });
  const [open, setOpen] = useState<number | null>(null);
  const [creating, setCreating] = useState(false);
  const opened = (v: CampaignView) => {
    qc.setQueryData(keys.campaign(v.campaign.id), v);
    void qc.invalidateQueries({ queryKey: keys.campaigns });
    setCreating(false);
    setOpen(v.campaign.id);
  };
  return (
    <section className="view access-view" data-testid="view-access">
      {open !== null ? (
        <CampaignScreen id={open} onBack={() => setOpen(null)} />
      ) : (
        <>
          <div className="toolbar">
            <h1>Access reviews</h1>
            <span className="muted">
              Certify who can reach what: the data is sealed when a review is prepared, every
              decision is kept with its reason, revocations are removed and verified, the evidence
              is exported.
            </span>
            <button
              type="button"
              className="btn primary"
              data-testid="campaign-new-open"
              onClick={() => setCreating(true)}
            >
              New access review…
            </button>
          </div>
          {list.isError && <p className="error-text">{(list.error as Error).message}</p>}
          <ul className="review-list" data-testid="campaign-list">
            {(list.data ?? []).map((s) => (
              <Summary
                key={s.campaign.id}
                s={s}
                onOpen={() => setOpen(s.campaign.id)}
                onRepeat={() =>
                  void unwrap(commands.certifyRepeat(s.campaign.id)).then(opened, (e: Error) =>
                    ui.notify("error", e.message),
                  )
                }
              />
            ))}
          </ul>
          {list.data?.length === 0 && (
            <p className="muted">
              No access review yet. Create one over user groups, apps, device access, console
              administrators or time-limited grants; prepare it to seal today&apos;s data.
            </p>
          )}
        </>
      )}
      {creating && <CampaignNew onClose={() => setCreating(false)} onCreated={opened} />}
    </section>
  );
}
