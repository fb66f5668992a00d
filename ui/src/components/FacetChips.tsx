// Filter chips with counts; each facet's counts are computed with every other filter applied.
import type { Facet } from "../bindings";

export interface ChipSpec {
  facet: string;
  value: string;
  label: string;
}

interface Props {
  facets: Facet[] | undefined;
  chips: ChipSpec[];
  active: (c: ChipSpec) => boolean;
  onToggle: (c: ChipSpec) => void;
}

export function FacetChips({ facets, chips, active, onToggle }: Props) {
  const count = (c: ChipSpec) =>
    facets?.find((f) => f.name === c.facet)?.counts.find(([v]) => v === c.value)?.[1] ?? 0;
  return (
    <div className="chips" role="group" aria-label="Filters">
      {chips.map((c) => (
        <button
          key={`${c.facet}:${c.value}`}
          type="button"
          className={active(c) ? "chip on" : "chip"}
          aria-pressed={active(c)}
          data-testid={`chip-${c.facet}-${c.value.replace(/\s+/g, "-")}`}
          onClick={() => onToggle(c)}
        >
          {c.label} <span className="chip-count">{(count(c) ?? 0).toLocaleString()}</span>
        </button>
      ))}
    </div>
  );
}
