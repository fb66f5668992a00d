// What changed between two complete syncs: records added, removed and changed (each field
// before and after), memberships, bindings and app access added and removed. Check-ins are
// not changes and never appear.
import { useState } from "react";
import { useQuery } from "@tanstack/react-query";
import {
  commands,
  type EdgeKind,
  type KindDiff,
  type RecordKind,
  type SyncDiff,
} from "../../bindings";
import { unwrap } from "../../api";
import { useUi } from "../../context";
import { when } from "../../format";
import { useLabels } from "../../labels";
import { keys } from "../../queryKeys";
import type { PanelRef } from "../../context";

/** The panel a record of each kind opens (an app has none). */
const PANEL: Record<RecordKind, PanelRef["kind"] | null> = {
  user: "user",
  system: "system",
  group: "group",
  app: null,
};

/** At most this many entries of one list are shown (the counts are whole). */
const SHOWN = 200;

function Records({
  kind,
  label,
  d,
}: {
  kind: PanelRef["kind"] | null;
  label: string;
  d: KindDiff;
}) {
  const ui = useUi();
  const labels = useLabels();
  const [added, removed, changed] = (["added", "removed", "changed"] as const).map(
    labels.changeKind,
  );
  const open = (id: string) => kind && ui.open({ kind, id });
  const entry = (id: string, name: string) =>
    kind ? (
      <button type="button" className="link" onClick={() => open(id)}>
        {name || id}
      </button>
    ) : (
      <span>{name || id}</span>
    );
  const n = d.added.length + d.removed.length + d.changed.length;
  if (n === 0) return null;
  return (
    <details className="change-group" open data-testid={`changes-${label.toLowerCase()}`}>
      <summary>
        {label}: {d.added.length} {added}, {d.removed.length} {removed}, {d.changed.length}{" "}
        {changed}
      </summary>
      <ul className="change-list">
        {d.added.slice(0, SHOWN).map(([id, name]) => (
          <li key={`a${id}`}>
            <span className="tag ok">{added}</span> {entry(id, name)}
          </li>
        ))}
        {d.removed.slice(0, SHOWN).map(([id, name]) => (
          <li key={`r${id}`}>
            <span className="tag bad">{removed}</span> <span>{name || id}</span>
          </li>
        ))}
        {d.changed.slice(0, SHOWN).map((c) => (
          <li key={`c${c.id}`}>
            <span className="tag">{changed}</span> {entry(c.id, c.label)}
            <table className="field-changes">
              <tbody>
                {c.values.map((v) => (
                  <tr key={v.field}>
                    <th>{v.field}</th>
                    <td className="before">{v.before ?? "(none)"}</td>
                    <td>→</td>
                    <td className="after">{v.after ?? "(none)"}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </li>
        ))}
      </ul>
    </details>
  );
}

function Edges({ diff }: { diff: SyncDiff }) {
  const labels = useLabels();
  const rows = (Object.entries(diff.edges) as [EdgeKind, [unknown[], unknown[]]][]).filter(
    ([, [a, r]]) => a.length + r.length > 0,
  );
  if (rows.length === 0) return null;
  return (
    <table className="report-table" data-testid="changes-edges">
      <thead>
        <tr>
          <th>Links</th>
          <th>Added</th>
          <th>Removed</th>
        </tr>
      </thead>
      <tbody>
        {rows.map(([kind, [added, removed]]) => (
          <tr key={kind}>
            <td>{labels.edgeKind(kind)}</td>
            <td>{added.length.toLocaleString()}</td>
            <td>{removed.length.toLocaleString()}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

export function ChangesPane() {
  const labels = useLabels();
  const runs = useQuery({
    queryKey: keys.syncHistory,
    queryFn: () => unwrap(commands.syncHistory(200)),
  });
  const complete = (runs.data ?? []).filter((r) => r.status === "complete");
  // The last two syncs until the admin picks others.
  const [picked, setPicked] = useState<{ from: number | null; to: number | null }>({
    from: null,
    to: null,
  });
  const from = picked.from ?? complete[1]?.id ?? null;
  const to = picked.to ?? complete[0]?.id ?? null;
  const setFrom = (n: number) => setPicked({ from: n, to });
  const setTo = (n: number) => setPicked({ from, to: n });
  const diff = useQuery({
    queryKey: keys.syncDiff(from, to),
    queryFn: () => unwrap(commands.syncDiff(from ?? 0, to ?? 0)),
    enabled: from !== null && to !== null,
  });
  if (runs.isError) return <p className="error-text">{(runs.error as Error).message}</p>;
  if (!runs.data) return <p className="muted">Reading the syncs…</p>;
  if (complete.length < 2)
    return (
      <p className="muted" data-testid="changes-empty">
        What changed needs two complete syncs; this organisation has {complete.length}.
      </p>
    );
  const picker = (value: number | null, set: (n: number) => void, testId: string) => (
    <select
      className="input"
      data-testid={testId}
      value={value ?? ""}
      onChange={(e) => set(Number(e.target.value))}
    >
      {complete.map((r) => (
        <option key={r.id} value={r.id}>
          Sync {r.id} — {when(r.finished_at ?? r.started_at)}
        </option>
      ))}
    </select>
  );
  const d = diff.data;
  const kinds = d ? (Object.entries(d.records) as [RecordKind, KindDiff][]) : [];
  const total =
    kinds.reduce((n, [, k]) => n + k.added.length + k.removed.length + k.changed.length, 0) +
    (d ? Object.values(d.edges).reduce((n, [a, r]) => n + a.length + r.length, 0) : 0);
  return (
    <div className="changes" data-testid="changes">
      <div className="toolbar">
        <label className="inline">From {picker(from, setFrom, "changes-from")}</label>
        <label className="inline">to {picker(to, setTo, "changes-to")}</label>
      </div>
      {diff.isError && <p className="error-text">{(diff.error as Error).message}</p>}
      {d && total === 0 && (
        <p className="muted" data-testid="changes-none">
          Nothing changed between these syncs (devices checking in is not a change).
        </p>
      )}
      {kinds.map(([k, diff]) => (
        <Records key={k} kind={PANEL[k]} label={labels.recordKind(k)} d={diff} />
      ))}
      {d && <Edges diff={d} />}
    </div>
  );
}
