// The notice area: a few notices stacked in the sidebar, below the navigation, so they never
// cover a control in the work area. A notice that repeats the last one is counted, not stacked.
import type { Notice } from "../context";

export function Notices({
  notices,
  onDismiss,
}: {
  notices: Notice[];
  onDismiss: (id: number) => void;
}) {
  return (
    <div className="notices" aria-live="polite" data-testid="notices">
      {notices.map((n) => (
        <div key={n.id} className={`notice ${n.kind}`} data-testid={`notice-${n.kind}`}>
          <span>
            {n.text}
            {n.count > 1 && <span className="notice-count"> ×{n.count}</span>}
          </span>
          <button
            type="button"
            className="btn ghost small"
            aria-label="Dismiss"
            onClick={() => onDismiss(n.id)}
          >
            ✕
          </button>
        </div>
      ))}
    </div>
  );
}

/** Adds a notice: the same kind and text as the newest one counts up; at most `keep` stay. */
export function addNotice(list: Notice[], n: Omit<Notice, "count">, keep = 3): Notice[] {
  const last = list[list.length - 1];
  if (last && last.kind === n.kind && last.text === n.text) {
    return [...list.slice(0, -1), { ...last, id: n.id, count: last.count + 1 }];
  }
  return [...list, { ...n, count: 1 }].slice(-keep);
}
