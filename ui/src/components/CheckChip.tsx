// A filter the Reports view applied that the list has no chip for (a posture check, an OS or
// agent version): shown, and removable.
export function CheckChip({ label, onClear }: { label: string; onClear: () => void }) {
  return (
    <span className="check-chip" data-testid="check-chip">
      {label}
      <button
        type="button"
        className="btn ghost small"
        aria-label={`Remove the filter ${label}`}
        onClick={onClear}
      >
        ✕
      </button>
    </span>
  );
}
