// What the org's archive holds (its days per service, where JumpCloud would answer more) and
// which services it keeps beyond logins.
import { useQuery, useQueryClient } from "@tanstack/react-query";
import { commands } from "../../bindings";
import { errorText, unwrap } from "../../api";
import { useUi } from "../../context";
import { keys } from "../../queryKeys";

export function ArchivePanel() {
  const ui = useUi();
  const qc = useQueryClient();
  const info = useQuery({
    queryKey: keys.eventArchive,
    queryFn: () => unwrap(commands.eventsArchive()),
  });
  const d = info.data;
  if (!d) return null;
  const toggle = async (s: string) => {
    const next = d.services.includes(s) ? d.services.filter((x) => x !== s) : [...d.services, s];
    try {
      qc.setQueryData(keys.eventArchive, await unwrap(commands.eventsArchiveServicesSet(next)));
    } catch (e) {
      ui.notify("error", errorText(e));
    }
  };
  return (
    <div className="insights-archive" data-testid="insights-archive">
      <p data-testid="insights-archive-note">{d.note}</p>
      <details>
        <summary>Services kept in the archive</summary>
        <p className="muted">
          Every sync keeps {d.always.join(", ")}. Also keep (from the next sync on):
        </p>
        {d.known
          .filter((s) => !d.always.includes(s))
          .map((s) => (
            <label key={s} className="check">
              <input
                type="checkbox"
                checked={d.services.includes(s)}
                onChange={() => void toggle(s)}
              />
              {s}
            </label>
          ))}
      </details>
    </div>
  );
}
