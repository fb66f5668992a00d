// Filter chips with counts; each facet's counts are computed with every other filter applied
// (Rust: `Facet`, typed by its name and values).
import type { Facet, FacetName, FacetValue } from "../bindings";

export interface ChipSpec {
  facet: FacetName;
  value: FacetValue;
  label: string;
}

interface Props {
  facets: Facet[] | undefined;
  chips: ChipSpec[];
  active: (c: ChipSpec) => boolean;
  onToggle: (c: ChipSpec) => void;
}

/** A value as a test id and React key part: an open set's text, or yes/no. */
function slug(v: FacetValue): string {
  if (typeof v === "boolean") return v ? "yes" : "no";
  return typeof v === "object" ? v.other : v;
}

function same(a: FacetValue, b: FacetValue): boolean {
  return slug(a) === slug(b) && typeof a === typeof b;
}

export function FacetChips({ facets, chips, active, onToggle }: Props) {
  const count = (c: ChipSpec) =>
    facets?.find((f) => f.name === c.facet)?.counts.find((n) => same(n.value, c.value))?.count ?? 0;
  return (
    <div className="chips" role="group" aria-label="Filters">
      {chips.map((c) => (
        <button
          key={`${c.facet}:${slug(c.value)}`}
          type="button"
          className={active(c) ? "chip on" : "chip"}
          aria-pressed={active(c)}
          data-testid={`chip-${c.facet}-${slug(c.value)}`}
          onClick={() => onToggle(c)}
        >
          {c.label} <span className="chip-count">{count(c).toLocaleString()}</span>
        </button>
      ))}
    </div>
  );
}
