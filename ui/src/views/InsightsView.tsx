// The Directory Insights explorer: a filter asked of JumpCloud (the last 90 days) or of the
// org's archive (offline, as far back as it was kept); the count, a histogram whose brush
// narrows the range, a field's top values as filters, a table paged by cursor, an event as a
// tree. What a filter means is Rust's, for JumpCloud and the archive alike.
import { useState } from "react";
import { useQuery } from "@tanstack/react-query";
import { commands, type EventFilter, type EventSource } from "../bindings";
import { CommandError, unwrap } from "../api";
import { keys } from "../queryKeys";
import { FilterForm, emptyFilter } from "./insights/FilterForm";
import { EventTable } from "./insights/EventTable";
import { Histogram } from "./insights/Histogram";
import { TopValues } from "./insights/TopValues";
import { SavedQueries } from "./insights/SavedQueries";
import { ArchivePanel } from "./insights/ArchivePanel";
import { LastLogin } from "./insights/LastLogin";

export function InsightsView() {
  const [draft, setDraft] = useState<EventFilter>(() => emptyFilter(7));
  const [applied, setApplied] = useState<EventFilter | null>(null);
  const [source, setSource] = useState<EventSource>("jumpcloud");
  const run = (f: EventFilter) => {
    setDraft(f);
    setApplied(f);
  };
  const count = useQuery({
    queryKey: keys.eventCount(applied, source),
    queryFn: () => (applied ? unwrap(commands.eventsCount(applied, source)) : Promise.resolve(0)),
    enabled: applied !== null,
  });
  return (
    <section className="view insights" data-testid="view-insights">
      <div className="toolbar">
        <h1>Directory Insights</h1>
        <div className="segmented" role="group" aria-label="Where to search">
          {(["jumpcloud", "archive"] as const).map((s) => (
            <button
              key={s}
              type="button"
              className={source === s ? "seg on" : "seg"}
              aria-pressed={source === s}
              data-testid={`insights-source-${s}`}
              onClick={() => setSource(s)}
            >
              {s === "jumpcloud" ? "JumpCloud (90 days)" : "Archive (offline)"}
            </button>
          ))}
        </div>
      </div>
      {source === "archive" && <ArchivePanel />}
      <FilterForm filter={draft} onChange={setDraft} onRun={run} source={source} />
      <SavedQueries filter={applied ?? draft} onRun={run} source={source} />
      {applied && (
        <>
          <p className="insights-count" data-testid="insights-count">
            {count.isPending
              ? "Counting…"
              : count.isError
                ? String(count.error.message)
                : `${count.data} matching events`}
          </p>
          {source === "jumpcloud" &&
            count.error instanceof CommandError &&
            (count.error.code === "Offline" || count.error.code === "Timeout") && (
              <button type="button" className="btn" onClick={() => setSource("archive")}>
                Search the archive instead (offline)
              </button>
            )}
          <Histogram
            filter={applied}
            source={source}
            onRange={(start, end) => run({ ...applied, start, end })}
          />
          <TopValues
            filter={applied}
            source={source}
            onValue={(field, value) =>
              run({ ...applied, all_of: [...applied.all_of, { field, value }] })
            }
          />
          <EventTable key={JSON.stringify([applied, source])} filter={applied} source={source} />
        </>
      )}
      <LastLogin />
    </section>
  );
}
