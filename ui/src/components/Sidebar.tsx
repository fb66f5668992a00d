import { VIEWS, type ViewId } from "../views";

interface Props {
  current: ViewId;
  onSelect: (view: ViewId) => void;
  onAbout: () => void;
  demo: boolean;
  loading: boolean;
}

export function Sidebar({ current, onSelect, onAbout, demo, loading }: Props) {
  return (
    <nav className="sidebar" aria-label="Main">
      <div className="brand">Rollcall</div>
      <div className="org-switcher" data-testid="org-switcher">
        <div className="org-label">Organisation</div>
        <div className="org-name" data-testid="org-name">
          {loading ? "…" : demo ? "Demo organisation" : "No organisation connected"}
        </div>
        {!loading && !demo && (
          <div className="org-hint">Connecting an organisation is not built yet.</div>
        )}
      </div>
      <ul className="nav">
        {VIEWS.map((v) => (
          <li key={v.id}>
            <button
              type="button"
              className={v.id === current ? "nav-item active" : "nav-item"}
              aria-current={v.id === current ? "page" : undefined}
              data-testid={`nav-${v.id}`}
              onClick={() => onSelect(v.id)}
            >
              {v.label}
            </button>
          </li>
        ))}
      </ul>
      <button type="button" className="nav-item about" data-testid="nav-about" onClick={onAbout}>
        About Rollcall
      </button>
    </nav>
  );
}
