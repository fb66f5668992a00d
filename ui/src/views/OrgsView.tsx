// All organisations: one row per connected org, its figures read from its own file by Rust
// (columns, labels, health words and each figure's drill come from `fleet::overview`). A
// figure opens that org's list filtered to its rows; "Sync every organisation" runs them in
// turn; the table exports as Excel.
import { useMemo, useState } from "react";
import { useQuery, useQueryClient } from "@tanstack/react-query";
import { Channel } from "@tauri-apps/api/core";
import {
  commands,
  type Cell,
  type FleetProgress,
  type OrgOverview,
  type OverviewCell,
  type OverviewColumn,
} from "../bindings";
import { errorText, unwrap } from "../api";
import { useUi } from "../context";
import { useLabels } from "../labels";
import { keys } from "../queryKeys";
import { describe } from "../sync";
import { SaveButton } from "../components/SaveButton";

/** Sorts empty cells last whichever the direction. */
function compare(a: Cell, b: Cell, desc: boolean): number {
  if (a === null || a === undefined) return b === null || b === undefined ? 0 : 1;
  if (b === null || b === undefined) return -1;
  const d =
    typeof a === "number" && typeof b === "number"
      ? a - b
      : String(a).localeCompare(String(b), undefined, { numeric: true });
  return desc ? -d : d;
}

export function OrgsView() {
  const ui = useUi();
  const overview = useQuery({
    queryKey: keys.fleetOverview,
    queryFn: () => unwrap(commands.fleetOverview()),
  });
  const [sort, setSort] = useState<{ col: number; desc: boolean }>({ col: 0, desc: false });
  const fleet = useFleetSync();
  const o = overview.data;
  const rows = useMemo(() => {
    if (!o) return [];
    return [...o.rows].sort((a, b) =>
      compare(a.cells[sort.col]?.value ?? null, b.cells[sort.col]?.value ?? null, sort.desc),
    );
  }, [o, sort]);
  const headClick = (i: number) =>
    setSort((s) => (s.col === i ? { col: i, desc: !s.desc } : { col: i, desc: i !== 0 }));
  return (
    <section className="view" data-testid="view-orgs">
      <div className="toolbar">
        <h1>All organisations</h1>
        <span className="muted">
          {o ? `${o.rows.length} organisations, each from its own copy` : "Reading…"}
        </span>
        <span className="spacer" />
        {fleet.running ? (
          <>
            <span className="muted" data-testid="fleet-progress">
              {fleet.line}
            </span>
            <button type="button" className="btn small" onClick={() => void commands.syncCancel()}>
              Cancel
            </button>
          </>
        ) : (
          <button
            type="button"
            className="btn small primary"
            data-testid="fleet-sync"
            onClick={() => void fleet.start()}
          >
            Sync every organisation
          </button>
        )}
        <SaveButton save={() => commands.fleetOverviewExport()} testId="fleet-export">
          Export Excel
        </SaveButton>
      </div>
      <ReviewAll />
      {fleet.summary && (
        <p className={fleet.summary.failed ? "warn-text" : "muted"} data-testid="fleet-summary">
          {fleet.summary.text}
        </p>
      )}
      {overview.isError && <p className="error-text">{errorText(overview.error)}</p>}
      {o && (
        <div className="table-scroll">
          <table className="orgs-table" data-testid="orgs-table">
            <thead>
              <tr>
                {o.columns.map((c, i) => (
                  <th
                    key={c.key}
                    className={c.kind === "text" || c.kind === "date" ? "" : "num"}
                    aria-sort={
                      sort.col === i ? (sort.desc ? "descending" : "ascending") : undefined
                    }
                  >
                    <button
                      type="button"
                      className="th-sort"
                      data-testid={`orgs-sort-${c.key}`}
                      onClick={() => headClick(i)}
                    >
                      {c.label}
                      {sort.col === i ? (sort.desc ? " ▾" : " ▴") : ""}
                    </button>
                  </th>
                ))}
              </tr>
            </thead>
            <tbody>
              {rows.map((r) => (
                <OrgRow key={r.org_id} row={r} columns={o.columns.map((c) => c.key)} ui={ui} />
              ))}
            </tbody>
            <tfoot>
              <tr data-testid="orgs-totals">
                {o.totals.map((c, i) => (
                  <td key={i} className={typeof c.value === "number" ? "num" : ""}>
                    {c.value === null ? "" : c.text}
                  </td>
                ))}
              </tr>
            </tfoot>
          </table>
          {o.rows.length === 0 && (
            <p className="muted pad">
              No organisation is connected besides the demo. Connect one — or a multi-tenant key and
              “Add all” — to see them side by side.
            </p>
          )}
        </div>
      )}
    </section>
  );
}

function OrgRow({
  row,
  columns,
  ui,
}: {
  row: OrgOverview;
  columns: OverviewColumn[];
  ui: ReturnType<typeof useUi>;
}) {
  // A figure opens its list in that org: the org is opened first.
  const open = async (cell: OverviewCell) => {
    try {
      // The overview may be a moment old: the open org is the status's.
      if (ui.status?.org?.id !== row.org_id) await ui.switchOrg(row.org_id);
      if (cell.drill) ui.drill(cell.drill);
    } catch (e) {
      ui.notify("error", errorText(e));
    }
  };
  return (
    <tr data-testid={`org-row-${row.org_id}`} className={row.active ? "on" : undefined}>
      {row.cells.map((c, i) => {
        const col = columns[i];
        const id = `cell-${row.org_id}-${col}`;
        if (col === "organisation")
          return (
            <td key={col}>
              <button
                type="button"
                className="link"
                data-testid={id}
                onClick={() => void open({ ...c, drill: null })}
              >
                {c.text}
              </button>
              {row.active && <span className="badge">open</span>}
            </td>
          );
        if (col === "health")
          return (
            <td key={col} className={c.bad ? "warn-text" : undefined} title={row.detail ?? ""}>
              <span data-testid={id} data-health={row.health}>
                {c.text}
              </span>
              {row.detail && <div className="muted health-detail">{row.detail}</div>}
            </td>
          );
        const numeric = typeof c.value === "number";
        return (
          <td key={col} className={`${numeric ? "num" : ""} ${c.bad ? "warn-text" : ""}`}>
            {c.drill ? (
              <button
                type="button"
                className="link"
                data-testid={id}
                data-value={String(c.value ?? "")}
                title={`Open ${row.name}'s list`}
                onClick={() => void open(c)}
              >
                {c.text}
              </button>
            ) : (
              <span data-testid={id} data-value={String(c.value ?? "")}>
                {c.text}
              </span>
            )}
          </td>
        );
      })}
    </tr>
  );
}

/** "Sync every organisation": progress by org, then a line of what happened. */
function useFleetSync() {
  const labels = useLabels();
  const [progress, setProgress] = useState<FleetProgress | null>(null);
  // A few orgs sync at once: how many have finished.
  const [done, setDone] = useState(0);
  const [running, setRunning] = useState(false);
  const [summary, setSummary] = useState<{ text: string; failed: boolean } | null>(null);
  const ui = useUi();
  const qc = useQueryClient();
  const start = async () => {
    setRunning(true);
    setSummary(null);
    setDone(0);
    const ch = new Channel<FleetProgress>();
    ch.onmessage = (p) => {
      setProgress(p);
      if (p.step.step === "finished") setDone((n) => n + 1);
    };
    try {
      const r = await unwrap(commands.fleetSync([], ch));
      // The summary comes with the table as the pass left it (a refresh asked for by the last
      // org's end may still be on its way).
      await qc.invalidateQueries({ queryKey: keys.fleetOverview });
      const failed = r.results.filter((x) => x.outcome === "failed");
      const synced = r.results.filter((x) => x.outcome === "synced").length;
      const text =
        `${synced} of ${r.results.length} organisations synced: ${r.requests.toLocaleString()} requests in ${(r.elapsed_ms / 1000).toFixed(1)} s.` +
        (failed.length > 0
          ? ` Failed: ${failed.map((f) => f.org_name).join(", ")} — the reason is in its row.`
          : "");
      setSummary({ text, failed: failed.length > 0 });
    } catch (e) {
      ui.notify("error", errorText(e));
    } finally {
      setRunning(false);
      setProgress(null);
    }
  };
  const p = progress;
  const line = !p
    ? "Starting…"
    : `${done} of ${p.total} done · ${p.org_name}: ${
        p.step.step === "sync"
          ? describe(p.step.progress, labels).text
          : p.step.step === "finished"
            ? p.step.result.outcome
            : "starting…"
      }`;
  return { running, start, line, summary };
}

/** A review meeting over every organisation: one review opened in each org (decided there,
 * as any review), and the pack of every organisation. */
function ReviewAll() {
  const ui = useUi();
  const [title, setTitle] = useState(
    () => `Review ${new Date().toISOString().slice(0, 7)} — every organisation`,
  );
  const [attendees, setAttendees] = useState("");
  const [busy, setBusy] = useState(false);
  const start = async () => {
    setBusy(true);
    try {
      const started = await unwrap(commands.fleetReviewsStart(title, attendees));
      const opened = started.filter((s) => s.review_id !== null);
      const skipped = started.filter((s) => s.review_id === null);
      const items = opened.reduce((n, s) => n + s.items, 0);
      ui.notify(
        skipped.length > 0 ? "warn" : "ok",
        `Review opened in ${opened.length} of ${started.length} organisations (${items} agenda items in all; each is decided in its organisation's Reports → Reviews).` +
          (skipped.length > 0
            ? ` Not in ${skipped.map((s) => `${s.org_name}: ${s.problem ?? ""}`).join("; ")}`
            : ""),
      );
    } catch (e) {
      ui.notify("error", errorText(e));
    } finally {
      setBusy(false);
    }
  };
  return (
    <div className="review-all" data-testid="review-all">
      <strong>Review of every organisation</strong>
      <input
        className="input"
        aria-label="Review title"
        data-testid="review-all-title"
        value={title}
        onChange={(e) => setTitle(e.target.value)}
      />
      <input
        className="input"
        aria-label="Attendees"
        placeholder="Attendees"
        data-testid="review-all-attendees"
        value={attendees}
        onChange={(e) => setAttendees(e.target.value)}
      />
      <button
        type="button"
        className="btn small"
        data-testid="review-all-start"
        disabled={busy || title.trim() === ""}
        onClick={() => void start()}
      >
        Start a review in every organisation
      </button>
      <SaveButton save={() => commands.fleetPack("pdf")} testId="fleet-pack-pdf">
        Pack (PDF)
      </SaveButton>
      <SaveButton save={() => commands.fleetPack("xlsx")} testId="fleet-pack-xlsx">
        Pack (Excel)
      </SaveButton>
    </div>
  );
}
