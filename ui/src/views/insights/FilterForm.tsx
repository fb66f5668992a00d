// The explorer's filter: services, event types (offered from what JumpCloud or the archive
// holds), time range, person, device, success, full text and exact-match terms.
import { useQuery } from "@tanstack/react-query";
import { commands, type EventFilter, type EventSource, type Term } from "../../bindings";
import { unwrap } from "../../api";
import { keys } from "../../queryKeys";

const DAY = 86_400_000;

/** A filter over the last `days` days. */
export function emptyFilter(days: number): EventFilter {
  return {
    services: [],
    event_types: [],
    start: new Date(Date.now() - days * DAY).toISOString(),
    end: "",
    person: "",
    device: "",
    success: null,
    q: "",
    all_of: [],
    any_of: [],
    none_of: [],
  };
}

/** An RFC 3339 time as a datetime-local input's value (UTC). */
function local(iso: string): string {
  return iso ? iso.slice(0, 16) : "";
}

export function FilterForm({
  filter,
  onChange,
  onRun,
  source,
}: {
  filter: EventFilter;
  onChange: (f: EventFilter) => void;
  onRun: (f: EventFilter) => void;
  source: EventSource;
}) {
  const archive = useQuery({
    queryKey: keys.eventArchive,
    queryFn: () => unwrap(commands.eventsArchive()),
  });
  // The event types the chosen services and range hold (their counts from JumpCloud).
  const typeScope = { ...filter, event_types: [], all_of: [], any_of: [], none_of: [], q: "" };
  const types = useQuery({
    queryKey: keys.eventDistinct(typeScope, source, "event_type"),
    queryFn: () => unwrap(commands.eventsDistinct(typeScope, source, "event_type")),
  });
  const set = (patch: Partial<EventFilter>) => onChange({ ...filter, ...patch });
  const toggle = (list: string[], v: string) =>
    list.includes(v) ? list.filter((x) => x !== v) : [...list, v];
  return (
    <form
      className="insights-filter"
      data-testid="insights-filter"
      onSubmit={(e) => {
        e.preventDefault();
        onRun(filter);
      }}
    >
      <fieldset>
        <legend>Services</legend>
        {archive.data?.known.map((s) => (
          <label key={s} className="check">
            <input
              type="checkbox"
              checked={filter.services.includes(s)}
              onChange={() => set({ services: toggle(filter.services, s) })}
            />
            {s}
          </label>
        ))}
        <span className="muted">{filter.services.length === 0 ? "(all)" : ""}</span>
      </fieldset>
      <fieldset>
        <legend>Event types</legend>
        {types.isError && <span className="muted">{String(types.error.message)}</span>}
        {types.data?.map((t) => (
          <label key={t.value} className="check">
            <input
              type="checkbox"
              data-testid={`insights-type-${t.value}`}
              checked={filter.event_types.includes(t.value)}
              onChange={() => set({ event_types: toggle(filter.event_types, t.value) })}
            />
            {t.value} <span className="muted">{t.count}</span>
          </label>
        ))}
      </fieldset>
      <div className="insights-line">
        <label>
          From (UTC){" "}
          <input
            className="input"
            type="datetime-local"
            data-testid="insights-start"
            value={local(filter.start)}
            onChange={(e) => set({ start: e.target.value ? `${e.target.value}:00Z` : "" })}
          />
        </label>
        <label>
          To (UTC){" "}
          <input
            className="input"
            type="datetime-local"
            value={local(filter.end)}
            onChange={(e) => set({ end: e.target.value ? `${e.target.value}:00Z` : "" })}
          />
        </label>
        {[1, 7, 30, 90, 365].map((d) => (
          <button
            key={d}
            type="button"
            className="btn small"
            onClick={() => set({ start: emptyFilter(d).start, end: "" })}
          >
            {d === 1 ? "24 h" : d === 365 ? "1 year" : `${d} days`}
          </button>
        ))}
      </div>
      <div className="insights-line">
        <input
          className="input"
          aria-label="Person (username)"
          placeholder="Person (username)"
          data-testid="insights-person"
          value={filter.person}
          onChange={(e) => set({ person: e.target.value })}
        />
        <input
          className="input"
          aria-label="Device id"
          placeholder="Device id"
          value={filter.device}
          onChange={(e) => set({ device: e.target.value })}
        />
        <select
          className="input"
          aria-label="Outcome"
          data-testid="insights-success"
          value={filter.success === null ? "" : String(filter.success)}
          onChange={(e) =>
            set({ success: e.target.value === "" ? null : e.target.value === "true" })
          }
        >
          <option value="">Success or failure</option>
          <option value="true">Succeeded</option>
          <option value="false">Failed</option>
        </select>
        <input
          className="input grow"
          aria-label="Full text"
          placeholder="Full text (q)"
          data-testid="insights-q"
          value={filter.q}
          onChange={(e) => set({ q: e.target.value })}
        />
      </div>
      <Terms label="All of" terms={filter.all_of} onTerms={(all_of) => set({ all_of })} />
      <Terms label="Any of" terms={filter.any_of} onTerms={(any_of) => set({ any_of })} />
      <Terms label="None of" terms={filter.none_of} onTerms={(none_of) => set({ none_of })} />
      <button type="submit" className="btn primary" data-testid="insights-run">
        Search
      </button>
    </form>
  );
}

function Terms({
  label,
  terms,
  onTerms,
}: {
  label: string;
  terms: Term[];
  onTerms: (t: Term[]) => void;
}) {
  const set = (i: number, t: Term) => onTerms(terms.map((x, j) => (j === i ? t : x)));
  return (
    <div className="insights-line">
      <span className="muted">{label}</span>
      {terms.map((t, i) => (
        <span key={i} className="insights-term">
          <input
            className="input"
            aria-label={`${label}: field`}
            placeholder="field, e.g. initiated_by.username"
            value={t.field}
            onChange={(e) => set(i, { ...t, field: e.target.value })}
          />
          =
          <input
            className="input"
            aria-label={`${label}: value`}
            value={t.value}
            onChange={(e) => set(i, { ...t, value: e.target.value })}
          />
          <button
            type="button"
            className="btn small"
            aria-label="Remove the term"
            onClick={() => onTerms(terms.filter((_, j) => j !== i))}
          >
            ×
          </button>
        </span>
      ))}
      <button
        type="button"
        className="btn small"
        onClick={() => onTerms([...terms, { field: "", value: "" }])}
      >
        + term
      </button>
    </div>
  );
}
