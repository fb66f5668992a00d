// One record's own lines of the audit trail.
import { useQuery } from "@tanstack/react-query";
import { commands } from "../bindings";
import { unwrap } from "../api";
import { when } from "../format";
import { keys } from "../queryKeys";

export function History({ targetId }: { targetId: string }) {
  const q = useQuery({
    queryKey: keys.audit({ target_id: targetId }),
    queryFn: () =>
      unwrap(
        commands.auditList({
          target_id: targetId,
          action: null,
          status: null,
          text: null,
          limit: 50,
          run_id: null,
        }),
      ),
  });
  if (!q.data) return null;
  if (q.data.length === 0) return <p className="muted">No actions from Rollcall yet.</p>;
  return (
    <ul className="history" data-testid="panel-history">
      {q.data.map((a) => (
        <li key={a.id}>
          <span className="muted">{when(a.started_at)}</span> {a.action}{" "}
          <span className={`badge st-${a.status}`}>{a.status}</span>{" "}
          <span className="muted">by {a.operator}</span>
        </li>
      ))}
    </ul>
  );
}
