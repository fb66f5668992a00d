// Which columns a table shows; remembered per table on this computer.
import { useMemo, useState } from "react";

/** Which of `columns` are shown (remembered per table); `visible` is them in table order. */
export function useColumns<C extends { id: string }>(
  table: string,
  columns: C[],
  initial: string[],
) {
  const key = `rollcall.columns.${table}`;
  const all = columns.map((c) => c.id);
  const [shown, setShown] = useState<string[]>(() => {
    try {
      const saved = JSON.parse(localStorage.getItem(key) ?? "null") as string[] | null;
      if (Array.isArray(saved)) return saved.filter((c) => all.includes(c));
    } catch {
      /* ignore a damaged setting */
    }
    return initial;
  });
  const toggle = (id: string) => {
    const next = shown.includes(id)
      ? shown.filter((c) => c !== id)
      : all.filter((c) => c === id || shown.includes(c));
    setShown(next);
    localStorage.setItem(key, JSON.stringify(next));
  };
  const visible = useMemo(() => columns.filter((c) => shown.includes(c.id)), [columns, shown]);
  return { shown, toggle, visible };
}

interface Props {
  columns: { id: string; label: string }[];
  shown: string[];
  onToggle: (id: string) => void;
}

export function ColumnChooser({ columns, shown, onToggle }: Props) {
  const [open, setOpen] = useState(false);
  return (
    <div className="menu-wrap">
      <button
        type="button"
        className="btn"
        data-testid="columns-button"
        onClick={() => setOpen(!open)}
      >
        Columns
      </button>
      {open && (
        <div className="menu" role="menu" data-testid="columns-menu">
          {columns.map((c) => (
            <label key={c.id} className="menu-item">
              <input
                type="checkbox"
                checked={shown.includes(c.id)}
                onChange={() => onToggle(c.id)}
              />
              {c.label}
            </label>
          ))}
        </div>
      )}
    </div>
  );
}
