// A field's most frequent values among the matching events (`events/distinct`), each a filter.
import { useState } from "react";
import { useQuery } from "@tanstack/react-query";
import { commands, type EventFilter, type EventSource } from "../../bindings";
import { unwrap } from "../../api";
import { keys } from "../../queryKeys";

export function TopValues({
  filter,
  source,
  onValue,
}: {
  filter: EventFilter;
  source: EventSource;
  onValue: (field: string, value: string) => void;
}) {
  const [field, setField] = useState("event_type");
  // The fields Rust offers (explore::TOP_FIELDS).
  const info = useQuery({
    queryKey: keys.eventArchive,
    queryFn: () => unwrap(commands.eventsArchive()),
  });
  const q = useQuery({
    queryKey: keys.eventDistinct(filter, source, field),
    queryFn: () => unwrap(commands.eventsDistinct(filter, source, field)),
  });
  return (
    <div className="insights-top" data-testid="insights-top">
      <label>
        Top values of{" "}
        <select className="input" value={field} onChange={(e) => setField(e.target.value)}>
          {(info.data?.top_fields ?? [field]).map((f) => (
            <option key={f}>{f}</option>
          ))}
        </select>
      </label>
      {q.isError && <span className="error-text">{String(q.error.message)}</span>}
      {q.data?.map((v) => (
        <button
          key={v.value}
          type="button"
          className="chip"
          title={`Only events where ${field} is ${v.value}`}
          onClick={() => onValue(field, v.value)}
        >
          {v.value} <span className="muted">{v.count}</span>
        </button>
      ))}
      {q.data?.length === 0 && <span className="muted">No values.</span>}
    </div>
  );
}
