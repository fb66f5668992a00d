// Queries kept per org under a name: saved, re-run, deleted.
import { useState } from "react";
import { useQuery, useQueryClient } from "@tanstack/react-query";
import { commands, type EventFilter, type EventSource } from "../../bindings";
import { errorText, unwrap } from "../../api";
import { useUi } from "../../context";
import { keys } from "../../queryKeys";

export function SavedQueries({
  filter,
  onRun,
}: {
  filter: EventFilter;
  onRun: (f: EventFilter) => void;
  source: EventSource;
}) {
  const ui = useUi();
  const qc = useQueryClient();
  const [name, setName] = useState("");
  const saved = useQuery({
    queryKey: keys.eventSaved,
    queryFn: () => unwrap(commands.eventsSaved()),
  });
  const act = async (p: Promise<unknown>) => {
    try {
      await p;
    } catch (e) {
      ui.notify("error", errorText(e));
    }
    void qc.invalidateQueries({ queryKey: keys.eventSaved });
  };
  return (
    <div className="insights-saved" data-testid="insights-saved">
      <input
        className="input"
        aria-label="Name of the query"
        placeholder="Name this query"
        data-testid="insights-save-name"
        value={name}
        onChange={(e) => setName(e.target.value)}
      />
      <button
        type="button"
        className="btn small"
        data-testid="insights-save"
        disabled={!name.trim()}
        onClick={() => void act(unwrap(commands.eventsSave(name, filter)).then(() => setName("")))}
      >
        Save query
      </button>
      {saved.data?.map((s) => (
        <span key={s.name} className="chip">
          <button
            type="button"
            className="link"
            data-testid={`insights-saved-${s.name}`}
            onClick={() => void act(unwrap(commands.eventsSavedFilter(s.name)).then(onRun))}
          >
            {s.name}
          </button>
          <button
            type="button"
            className="link"
            aria-label={`Delete the saved query ${s.name}`}
            onClick={() => void act(unwrap(commands.eventsDeleteSaved(s.name)))}
          >
            ×
          </button>
        </span>
      ))}
    </div>
  );
}
