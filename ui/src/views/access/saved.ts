// After any change to an access review: the campaign as Rust answered it, and the list
// (totals, stages) refetched.
import { useQueryClient } from "@tanstack/react-query";
import type { CampaignView, Decided } from "../../bindings";
import { keys } from "../../queryKeys";

export function useCampaignSaved() {
  const qc = useQueryClient();
  return (v: CampaignView) => {
    qc.setQueryData(keys.campaign(v.campaign.id), v);
    void qc.invalidateQueries({ queryKey: keys.campaigns });
  };
}

/** After a decision: the decided rows and the totals patched into the campaign on screen (a
 * campaign of 10,000 rows is not read again for each decision). */
export function useDecidedSaved(id: number) {
  const qc = useQueryClient();
  return (d: Decided) => {
    qc.setQueryData<CampaignView>(keys.campaign(id), (v) => {
      if (!v) return v;
      const changed = new Map(d.rows.map((r) => [r.seq, r]));
      return {
        ...v,
        totals: d.totals,
        rows: v.rows.map((r) => changed.get(r.seq) ?? r),
      };
    });
    void qc.invalidateQueries({ queryKey: keys.campaigns });
  };
}
