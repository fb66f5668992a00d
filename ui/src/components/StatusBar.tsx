interface Props {
  demo: boolean;
}

export function StatusBar({ demo }: Props) {
  return (
    <footer className="statusbar" data-testid="statusbar">
      <span className="status-item" data-testid="connection-state">
        <span className="dot dot-off" aria-hidden="true" />
        {demo ? "Demo — not loaded yet" : "Not connected"}
      </span>
      <span className="status-item" data-testid="data-as-of">
        Data as of: never synced
      </span>
    </footer>
  );
}
