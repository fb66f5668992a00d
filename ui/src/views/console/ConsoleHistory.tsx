// The org's console calls, newest first (never a key), each re-runnable.
import { useQuery } from "@tanstack/react-query";
import { commands, type ConsoleEntry } from "../../bindings";
import { unwrap } from "../../api";
import { keys } from "../../queryKeys";
import { when } from "../../format";

export function ConsoleHistory({ onRerun }: { onRerun: (e: ConsoleEntry) => void }) {
  const history = useQuery({
    queryKey: keys.consoleHistory,
    queryFn: () => unwrap(commands.consoleHistory()),
  });
  if (!history.data?.length) return null;
  return (
    <details className="console-history" data-testid="console-history">
      <summary>History ({history.data.length})</summary>
      <div className="simple-table">
        {history.data.map((e) => (
          <div key={e.id} className="simple-row">
            <span className="muted">{when(e.at)}</span>
            <span>
              <strong>{e.method}</strong> {e.path}
            </span>
            <span>{e.status ?? "—"}</span>
            <span className="muted">{e.outcome}</span>
            <button type="button" className="btn small" onClick={() => onRerun(e)}>
              Use again
            </button>
          </div>
        ))}
      </div>
    </details>
  );
}
