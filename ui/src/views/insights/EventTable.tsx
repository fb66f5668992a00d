// The matching events, newest first, a page at a time by cursor (past Directory Insights'
// 10,000-event window for skip); an event opens as a tree, its person or device in the panel.
import { useState } from "react";
import { useInfiniteQuery } from "@tanstack/react-query";
import { commands, type EventFilter, type EventLine, type EventSource } from "../../bindings";
import { errorText, unwrap } from "../../api";
import { useUi } from "../../context";
import { keys } from "../../queryKeys";
import { utc } from "../../format";
import { JsonTree } from "../../components/JsonTree";
import { SaveButton } from "../../components/SaveButton";

export function EventTable({ filter, source }: { filter: EventFilter; source: EventSource }) {
  const [open, setOpen] = useState<EventLine | null>(null);
  const q = useInfiniteQuery({
    queryKey: keys.events(filter, source),
    queryFn: ({ pageParam }) => unwrap(commands.eventsPage(filter, source, pageParam)),
    initialPageParam: null as string | null,
    getNextPageParam: (last) => last.next,
  });
  const lines = q.data?.pages.flatMap((p) => p.lines) ?? [];
  return (
    <div className="insights-events">
      <div className="console-line">
        <span data-testid="insights-shown">{lines.length} shown</span>
        <SaveButton
          save={() => commands.eventsExport(filter, source, "csv")}
          testId="insights-export-csv"
        >
          Export CSV…
        </SaveButton>
        <SaveButton
          save={() => commands.eventsExport(filter, source, "xlsx")}
          testId="insights-export-xlsx"
        >
          Export Excel…
        </SaveButton>
      </div>
      {q.isError && (
        <p className="error-text" role="alert">
          {errorText(q.error)}
        </p>
      )}
      <div className="simple-table events" data-testid="insights-table">
        <div className="simple-row head">
          <span>Time (UTC)</span>
          <span>Service</span>
          <span>Event</span>
          <span>Result</span>
          <span>Who</span>
          <span>Device</span>
          <span>Client IP</span>
        </div>
        {lines.map((l) => (
          <EventRow
            key={l.id + l.at}
            l={l}
            open={open?.id === l.id}
            onOpen={() => setOpen(open?.id === l.id ? null : l)}
          />
        ))}
        {q.isSuccess && lines.length === 0 && <p className="muted pad">No events match.</p>}
      </div>
      {q.hasNextPage && (
        <button
          type="button"
          className="btn"
          data-testid="insights-more"
          disabled={q.isFetchingNextPage}
          onClick={() => void q.fetchNextPage()}
        >
          {q.isFetchingNextPage ? "Reading…" : "Next 100 events"}
        </button>
      )}
      {open && (
        <div className="insights-event" data-testid="insights-event">
          <h2>
            {open.event_type} <span className="muted">{`${utc(open.at)} UTC`}</span>
          </h2>
          <JsonTree text={open.json} testId="insights-event-json" />
        </div>
      )}
    </div>
  );
}

/** One event: its time opens it as a tree, its person or device the panel. */
function EventRow({ l, open, onOpen }: { l: EventLine; open: boolean; onOpen: () => void }) {
  const ui = useUi();
  return (
    <div className={open ? "simple-row selected" : "simple-row"} data-testid={`event-${l.id}`}>
      <button type="button" className="link" onClick={onOpen}>
        {utc(l.at)}
      </button>
      <span>{l.service}</span>
      <span>{l.event_type}</span>
      <span>{l.outcome}</span>
      {l.user_id ? (
        <button
          type="button"
          className="link"
          onClick={() => ui.open({ kind: "user", id: l.user_id })}
        >
          {l.who}
        </button>
      ) : (
        <span>{l.who}</span>
      )}
      {l.system_id ? (
        <button
          type="button"
          className="link"
          onClick={() => ui.open({ kind: "system", id: l.system_id })}
        >
          {l.device}
        </button>
      ) : (
        <span>{l.device}</span>
      )}
      <span className="muted">{l.client_ip}</span>
    </div>
  );
}
