// A virtualized table over a list paged in SQLite: only the rows on screen are rendered and
// only the pages they fall in are fetched, so 50,000 rows scroll like 50. By keyboard: Tab
// reaches the rows, arrows (and Page Up/Down, Home, End) move, Enter opens the panel, Space
// selects.
import { pageKey } from "../queryKeys";
import {
  memo,
  useCallback,
  useMemo,
  useRef,
  useState,
  type ReactNode,
  type RefObject,
} from "react";
import { keepPreviousData, useQueries } from "@tanstack/react-query";
import { useVirtualizer } from "@tanstack/react-virtual";

export const PAGE = 200;
const ROW_HEIGHT = 32;

export interface Column<T, S extends string = string> {
  id: string;
  label: string;
  /** CSS grid track, e.g. "2fr" or "120px". */
  width: string;
  render: (row: T) => ReactNode;
  /** The server-side sort key (a Rust enum's value), when the column sorts. */
  sort?: S;
}

export interface Sort<S extends string = string> {
  key: S;
  desc: boolean;
}

interface Props<T, S extends string> {
  /** Query key prefix that identifies the filtered list; the page index is appended. */
  queryKey: readonly unknown[];
  fetchPage: (offset: number, limit: number) => Promise<{ total: number | null; rows: T[] }>;
  columns: Column<T, S>[];
  rowId: (row: T) => string;
  /** What a person calls the row (a name, a hostname): names its checkbox for screen readers. */
  rowLabel: (row: T) => string;
  sort: Sort<S>;
  onSort: (s: Sort<S>) => void;
  onOpen: (row: T) => void;
  openId?: string | null;
  selected?: Set<string>;
  onToggle?: (id: string) => void;
  testId: string;
  empty: string;
}

/** The rows on screen, paged: the pages the range falls in (and the first, which carries the
 * total) are fetched and cached one query each. */
function usePagedRows<T>(
  queryKey: readonly unknown[],
  fetchPage: (offset: number, limit: number) => Promise<{ total: number | null; rows: T[] }>,
  range: { start: number; end: number },
) {
  const pages = useMemo(() => {
    const first = Math.floor(range.start / PAGE);
    const last = Math.floor(range.end / PAGE);
    const out = [0];
    for (let i = Math.max(first, 1); i <= last; i++) out.push(i);
    return out;
  }, [range.start, range.end]);

  const results = useQueries({
    queries: pages.map((page) => ({
      queryKey: pageKey(queryKey, page),
      queryFn: () => fetchPage(page * PAGE, PAGE),
      placeholderData: page === 0 ? keepPreviousData : undefined,
    })),
  });
  const byPage = new Map<number, T[]>();
  pages.forEach((page, i) => {
    const rows = results[i]?.data?.rows;
    if (rows) byPage.set(page, rows);
  });
  return {
    /** The row at an index, once its page has arrived. */
    rowAt: (index: number) => byPage.get(Math.floor(index / PAGE))?.[index % PAGE],
    total: results[0]?.data?.total ?? 0,
    error: results.find((r) => r.error)?.error,
    /** The first page has arrived. */
    loaded: results[0]?.isSuccess,
  };
}

/** Roving focus over the rows: the row Tab lands on, and the keys that move it (arrows, Page
 * Up/Down, Home, End), open it (Enter) or select it (Space, when rows select). */
function useRowKeys<T>(o: {
  total: number;
  scroller: RefObject<HTMLDivElement | null>;
  scrollToIndex: (index: number) => void;
  rowAt: (index: number) => T | undefined;
  onEnter: (row: T) => void;
  onSpace: ((row: T) => void) | undefined;
}) {
  const { total, scroller } = o;
  const [active, setActive] = useState(0);
  const focusRow = useCallback(
    (i: number) => {
      // The row may be rendered only after the scroll: focus it on the next frame.
      const later = window.requestAnimationFrame ?? ((f: () => void) => setTimeout(f, 0));
      later(() => scroller.current?.querySelector<HTMLElement>(`[data-index="${i}"]`)?.focus());
    },
    [scroller],
  );
  const onKeyDown = (e: React.KeyboardEvent) => {
    if (total === 0) return;
    const pageRows = Math.max(1, Math.floor((scroller.current?.clientHeight ?? 320) / ROW_HEIGHT));
    const moves: Record<string, number> = {
      ArrowDown: active + 1,
      ArrowUp: active - 1,
      PageDown: active + pageRows,
      PageUp: active - pageRows,
      Home: 0,
      End: total - 1,
    };
    const to = moves[e.key];
    if (to !== undefined) {
      e.preventDefault();
      const i = Math.min(Math.max(to, 0), total - 1);
      setActive(i);
      o.scrollToIndex(i);
      focusRow(i);
      return;
    }
    const row = o.rowAt(active);
    if (!row) return;
    if (e.key === "Enter") {
      e.preventDefault();
      o.onEnter(row);
    } else if (e.key === " " && o.onSpace) {
      e.preventDefault();
      o.onSpace(row);
    }
  };
  return { active, setActive, onKeyDown };
}

/** The header row: one button per column, which sorts by it (again: the other way) when the
 * column sorts. */
function TableHead<T, S extends string>({
  columns,
  sort,
  onSort,
  selectable,
  template,
}: {
  columns: Column<T, S>[];
  sort: Sort<S>;
  onSort: (s: Sort<S>) => void;
  selectable: boolean;
  template: string;
}) {
  return (
    <div className="table-head" style={{ gridTemplateColumns: template }} role="row">
      {selectable && <span className="cell" />}
      {columns.map((c) => (
        <button
          key={c.id}
          type="button"
          className={c.sort ? "cell head sortable" : "cell head"}
          disabled={!c.sort}
          data-testid={`col-${c.id}`}
          onClick={() =>
            c.sort && onSort({ key: c.sort, desc: sort.key === c.sort ? !sort.desc : false })
          }
          aria-sort={sort.key === c.sort ? (sort.desc ? "descending" : "ascending") : undefined}
        >
          {c.label}
          {sort.key === c.sort && <span aria-hidden="true">{sort.desc ? " ▾" : " ▴"}</span>}
        </button>
      ))}
    </div>
  );
}

/** Above the rows: why none could be read, or that none match. */
function TableMessage({
  error,
  empty,
  testId,
  text,
}: {
  error: unknown;
  empty: boolean | undefined;
  testId: string;
  text: string;
}) {
  return error ? (
    <div className="table-empty error-text">{String((error as Error).message ?? error)}</div>
  ) : empty ? (
    <div className="table-empty" data-testid={`${testId}-empty`}>
      {text}
    </div>
  ) : null;
}

export function DataTable<T, S extends string = string>(p: Props<T, S>) {
  const [range, setRange] = useState({ start: 0, end: 60 });
  const { rowAt, total, error, loaded } = usePagedRows<T>(p.queryKey, p.fetchPage, range);
  const selectable = p.onToggle !== undefined;
  const template = (selectable ? "34px " : "") + p.columns.map((c) => c.width).join(" ");

  return (
    <div className="table" data-testid={p.testId} role="grid" aria-rowcount={total}>
      <TableHead<T, S>
        columns={p.columns}
        sort={p.sort}
        onSort={p.onSort}
        selectable={selectable}
        template={template}
      />
      <TableMessage error={error} empty={total === 0 && loaded} testId={p.testId} text={p.empty} />
      <TableBody<T, S>
        table={p}
        total={total}
        rowAt={rowAt}
        range={range}
        onRange={setRange}
        template={template}
        selectable={selectable}
      />
    </div>
  );
}

interface BodyProps<T, S extends string> {
  /** The table's own props (columns, ids, labels, what is open and selected, the handlers). */
  table: Props<T, S>;
  total: number;
  rowAt: (index: number) => T | undefined;
  /** The rows on screen, as last reported. */
  range: { start: number; end: number };
  onRange: (r: { start: number; end: number }) => void;
  template: string;
  selectable: boolean;
}

/** The scrolling body: only the rows on screen are rendered (the range they span is reported
 * back, so their pages are fetched), with the keyboard's roving focus over them. */
function TableBody<T, S extends string>(b: BodyProps<T, S>) {
  const { table: p, total, rowAt, range, template, selectable } = b;
  const scroller = useRef<HTMLDivElement>(null);
  // eslint-disable-next-line react-hooks/incompatible-library -- the virtualizer re-renders this component itself; nothing memoizes its functions
  const virtualizer = useVirtualizer({
    count: total,
    getScrollElement: () => scroller.current,
    estimateSize: () => ROW_HEIGHT,
    overscan: 8,
    // Before the first measurement (and in tests, where nothing has a size).
    initialRect: { width: 1000, height: 800 },
    onChange: (v) => {
      const items = v.getVirtualItems();
      if (items.length === 0) return;
      const start = items[0]?.index ?? 0;
      const end = items[items.length - 1]?.index ?? 0;
      if (start !== range.start || end !== range.end) b.onRange({ start, end });
    },
  });

  // Stable callbacks for the memoized rows: a row re-renders only when its own data changes.
  const latest = useRef(p);
  latest.current = p;
  const open = useCallback((row: T) => latest.current.onOpen(row), []);
  const toggle = useCallback((id: string) => latest.current.onToggle?.(id), []);
  const { active, setActive, onKeyDown } = useRowKeys<T>({
    total,
    scroller,
    scrollToIndex: (i) => virtualizer.scrollToIndex(i),
    rowAt,
    onEnter: open,
    onSpace: p.onToggle ? (row) => toggle(p.rowId(row)) : undefined,
  });

  return (
    // eslint-disable-next-line jsx-a11y/no-static-element-interactions -- the rows inside are the focusable grid cells; keys bubble here from them
    <div className="table-body" ref={scroller} onKeyDown={onKeyDown}>
      <div className="table-canvas" style={{ height: virtualizer.getTotalSize() }}>
        {virtualizer.getVirtualItems().map((v) => {
          const row = rowAt(v.index);
          const id = row ? p.rowId(row) : null;
          return (
            <Row<T>
              key={v.key}
              row={row}
              id={id}
              index={v.index}
              label={row ? p.rowLabel(row) : ""}
              isActive={v.index === Math.min(active, Math.max(total - 1, 0))}
              onFocusRow={setActive}
              odd={v.index % 2 === 1}
              start={v.start}
              template={template}
              columns={p.columns}
              isOpen={!!id && id === p.openId}
              isSelected={!!id && (p.selected?.has(id) ?? false)}
              selectable={selectable}
              onOpen={open}
              onToggle={toggle}
            />
          );
        })}
      </div>
    </div>
  );
}

interface RowProps<T> {
  row: T | undefined;
  id: string | null;
  index: number;
  label: string;
  /** The row Tab lands on (roving focus). */
  isActive: boolean;
  onFocusRow: (index: number) => void;
  odd: boolean;
  start: number;
  template: string;
  columns: Column<T, string>[];
  isOpen: boolean;
  isSelected: boolean;
  selectable: boolean;
  onOpen: (row: T) => void;
  onToggle: (id: string) => void;
}

function RowImpl<T>(r: RowProps<T>) {
  return (
    // Keys (Enter opens, Space selects, arrows move) are handled by the table body, where
    // they bubble from the focused row.
    // eslint-disable-next-line jsx-a11y/click-events-have-key-events
    <div
      role="row"
      tabIndex={r.isActive ? 0 : -1}
      aria-rowindex={r.index + 1}
      aria-selected={r.selectable ? r.isSelected : undefined}
      data-index={r.index}
      className={"table-row" + (r.isOpen ? " open" : "") + (r.odd ? " odd" : "")}
      style={{ gridTemplateColumns: r.template, transform: `translateY(${r.start}px)` }}
      data-testid={r.row ? `row-${r.id}` : undefined}
      onClick={() => r.row && r.onOpen(r.row)}
      onFocus={() => r.onFocusRow(r.index)}
    >
      {r.selectable && (
        <span className="cell">
          {r.id && (
            <input
              type="checkbox"
              aria-label={`Select ${r.label}`}
              tabIndex={-1}
              checked={r.isSelected}
              onClick={(e) => e.stopPropagation()}
              onChange={() => r.id && r.onToggle(r.id)}
            />
          )}
        </span>
      )}
      {r.columns.map((c) => (
        <span key={c.id} className={r.row ? "cell" : "cell loading-cell"}>
          {r.row ? c.render(r.row) : "…"}
        </span>
      ))}
    </div>
  );
}

const Row = memo(RowImpl) as typeof RowImpl;
