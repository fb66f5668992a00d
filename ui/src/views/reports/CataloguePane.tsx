// The report catalogue: JumpCloud's report types the local copy can answer and the posture
// checks admins run by hand. Each is a sortable, filterable table; one exports as CSV, any
// number as one Excel workbook (a sheet each) through the save dialog.
import { useMemo, useState } from "react";
import { useQuery } from "@tanstack/react-query";
import {
  commands,
  type Cell,
  type ReportFile,
  type ReportId,
  type ColumnKind,
  type ReportInfo,
  type ReportTable,
} from "../../bindings";
import { unwrap } from "../../api";
import { useUi } from "../../context";
import { when } from "../../format";
import { DataTable, type Column, type Sort } from "../../components/DataTable";
import { useDebounced } from "../../components/useDebounced";
import { useLabels } from "../../labels";
import { keys } from "../../queryKeys";

type Row = { i: number; cells: Cell[] };

function shown(c: Cell, kind: ColumnKind): string {
  if (c === null) return "";
  if (typeof c === "boolean") return c ? "yes" : "no";
  if (typeof c === "number") return kind === "percent" ? `${c.toFixed(1)}%` : c.toLocaleString();
  return kind === "date" ? when(c) : c;
}

function compare(a: Cell, b: Cell): number {
  if (a === b) return 0;
  if (a === null) return 1;
  if (b === null) return -1;
  if (typeof a === "number" && typeof b === "number") return a - b;
  if (typeof a === "boolean" && typeof b === "boolean") return Number(a) - Number(b);
  return String(a).localeCompare(String(b), undefined, { sensitivity: "base", numeric: true });
}

function Table({ t }: { t: ReportTable }) {
  const [filter, setFilter] = useState("");
  const q = useDebounced(filter, 120).trim().toLowerCase();
  const [sort, setSort] = useState<Sort>({ key: "0", desc: false });
  const rows = useMemo(() => {
    const all: Row[] = t.rows.map((cells, i) => ({ i, cells }));
    const hit = q
      ? all.filter((r) =>
          r.cells.some((c, k) =>
            shown(c, t.columns[k]?.kind ?? "text")
              .toLowerCase()
              .includes(q),
          ),
        )
      : all;
    const k = Number(sort.key);
    const sorted = [...hit].sort((a, b) => compare(a.cells[k] ?? null, b.cells[k] ?? null));
    return sort.desc ? sorted.reverse() : sorted;
  }, [t, q, sort]);
  const columns: Column<Row>[] = t.columns.map((c, k) => ({
    id: String(k),
    label: c.label,
    width: c.kind === "text" ? "minmax(120px, 2fr)" : "minmax(90px, 1fr)",
    render: (r) => shown(r.cells[k] ?? null, c.kind),
    sort: String(k),
  }));
  return (
    <div className="catalogue-table">
      <div className="toolbar">
        <input
          className="input search"
          type="search"
          placeholder={`Filter ${t.rows.length.toLocaleString()} rows`}
          aria-label={`Filter ${t.title}`}
          data-testid="catalogue-filter"
          value={filter}
          onChange={(e) => setFilter(e.target.value)}
        />
        <span className="muted" data-testid="catalogue-count">
          {rows.length.toLocaleString()} of {t.rows.length.toLocaleString()} rows
        </span>
      </div>
      <DataTable<Row>
        testId="catalogue-rows"
        queryKey={keys.catalogueRows(t.id, t.as_of, q, sort.key, sort.desc)}
        fetchPage={(offset, limit) =>
          Promise.resolve({ total: rows.length, rows: rows.slice(offset, offset + limit) })
        }
        columns={columns}
        rowId={(r) => String(r.i)}
        rowLabel={(r) => shown(r.cells[0] ?? null, "text")}
        sort={sort}
        onSort={setSort}
        onOpen={() => undefined}
        empty={q ? "No row matches this filter." : "Nothing to report: no row."}
      />
    </div>
  );
}

/** Exports reports through the save dialog (a CSV of one, or an Excel workbook of any number)
 * and says where they went. */
function useReportExport() {
  const ui = useUi();
  return (ids: ReportId[], format: ReportFile) =>
    unwrap(commands.reportExport(ids, format)).then(
      (r) =>
        r &&
        ui.notify(
          "ok",
          `Exported ${ids.length === 1 ? "the report" : `${ids.length} reports`} (${r[1].toLocaleString()} rows) to ${r[0]}.`,
        ),
      (e: Error) => ui.notify("error", e.message),
    );
}

export function CataloguePane() {
  const list = useQuery({
    queryKey: keys.reportCatalogue,
    queryFn: () => unwrap(commands.reportCatalogue()),
  });
  const [open, setOpen] = useState<ReportId | null>(null);
  const [picked, setPicked] = useState<Set<ReportId>>(new Set());
  const current = open ?? list.data?.[0]?.id ?? null;
  const table = useQuery({
    queryKey: keys.reportTable(current),
    queryFn: () => unwrap(commands.reportTable(current as ReportId)),
    enabled: current !== null,
    placeholderData: (prev) => (prev?.id === current ? prev : undefined),
  });
  const exportAs = useReportExport();
  const toggle = (id: ReportId) => {
    const next = new Set(picked);
    if (next.has(id)) next.delete(id);
    else next.add(id);
    setPicked(next);
  };
  if (list.isError) return <p className="error-text">{(list.error as Error).message}</p>;
  return (
    <div className="catalogue" data-testid="catalogue">
      <CatalogueList
        reports={list.data ?? []}
        current={current}
        picked={picked}
        onPick={toggle}
        onOpen={setOpen}
        onExport={() => void exportAs([...picked], "xlsx")}
      />
      <section className="catalogue-main">
        {table.data ? (
          <>
            <ReportHead t={table.data} onExport={(f) => void exportAs([table.data.id], f)} />
            <Table key={table.data.id} t={table.data} />
          </>
        ) : table.isError ? (
          <p className="error-text">{(table.error as Error).message}</p>
        ) : (
          <p className="muted">Reading the report…</p>
        )}
      </section>
    </div>
  );
}

/** The reports by source, each to open or tick for the Excel export, and that export. */
function CatalogueList({
  reports,
  current,
  picked,
  onPick,
  onOpen,
  onExport,
}: {
  reports: ReportInfo[];
  current: ReportId | null;
  picked: Set<ReportId>;
  onPick: (id: ReportId) => void;
  onOpen: (id: ReportId) => void;
  onExport: () => void;
}) {
  const labels = useLabels();
  return (
    <aside className="catalogue-list">
      {labels.reportSources.map((source) => (
        <div key={source}>
          <h3>{labels.reportSource(source)}</h3>
          <ul>
            {reports
              .filter((r) => r.source === source)
              .map((r) => (
                <li key={r.id} className={r.id === current ? "on" : undefined}>
                  <input
                    type="checkbox"
                    aria-label={`Include ${r.title} in the Excel export`}
                    data-testid={`catalogue-pick-${r.id}`}
                    checked={picked.has(r.id)}
                    onChange={() => onPick(r.id)}
                  />
                  <button
                    type="button"
                    className="link"
                    data-testid={`catalogue-open-${r.id}`}
                    title={r.description}
                    onClick={() => onOpen(r.id)}
                  >
                    {r.title}
                  </button>
                </li>
              ))}
          </ul>
        </div>
      ))}
      <button
        type="button"
        className="btn"
        data-testid="catalogue-export-xlsx"
        disabled={picked.size === 0}
        onClick={onExport}
      >
        Export {picked.size === 0 ? "ticked" : picked.size} as Excel
      </button>
    </aside>
  );
}

/** The open report's title, description and date, with its own exports. */
function ReportHead({ t, onExport }: { t: ReportTable; onExport: (format: ReportFile) => void }) {
  return (
    <header className="catalogue-head">
      <div>
        <h2 data-testid="catalogue-title">{t.title}</h2>
        <p className="muted">
          {t.description} {t.as_of ? `As of ${when(t.as_of)}.` : ""}
        </p>
      </div>
      <div className="catalogue-actions">
        <button
          type="button"
          className="btn"
          data-testid="catalogue-export-csv"
          onClick={() => onExport("csv")}
        >
          Export CSV
        </button>
        <button
          type="button"
          className="btn"
          data-testid="catalogue-export-one-xlsx"
          onClick={() => onExport("xlsx")}
        >
          Export Excel
        </button>
      </div>
    </header>
  );
}
