import type { ViewSpec } from "../views";

export function EmptyView({ spec }: { spec: ViewSpec }) {
  return (
    <section className="view" data-testid={`view-${spec.id}`} aria-labelledby="view-title">
      <header className="view-header">
        <h1 id="view-title">{spec.label}</h1>
        <p className="view-purpose">{spec.purpose}</p>
      </header>
      <div className="empty">
        <p className="empty-title">Not built yet</p>
        <p>When it is, this view will show:</p>
        <ul>
          {spec.willShow.map((line) => (
            <li key={line}>{line}</li>
          ))}
        </ul>
      </div>
    </section>
  );
}
