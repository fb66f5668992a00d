import { useState } from "react";
import type { OrgStatus } from "../api";
import { unwrap } from "../api";
import { commands } from "../bindings";
import { useUi } from "../context";
import { ago, when } from "../format";
import { useLabels } from "../labels";
import { describe, type Progress } from "../sync";
import { RecordProblems } from "./RecordProblems";
import { SyncScheduleItem } from "./SyncSchedule";
import { ScopeItem } from "./SyncScope";

interface Props {
  status: OrgStatus | undefined;
  sync: { progress: Progress | null; running: boolean; start: () => void; cancel: () => void };
  /** Opens the scope dialog. */
  onScope: () => void;
}

export function StatusBar({ status, sync, onScope }: Props) {
  const c = status?.connectivity;
  const offline = c !== undefined && typeof c === "object" ? c.Offline : null;
  const asOf = status?.snapshot?.as_of;
  const { checking, refresh } = useAccessRefresh();
  return (
    <footer className="statusbar" data-testid="statusbar">
      <ConnectionState status={status} offline={offline} asOf={asOf} />
      <span className="status-item" data-testid="data-as-of">
        {asOf
          ? `Data as of ${when(asOf)} (${ago(asOf)})`
          : status?.org
            ? "Not synced yet"
            : "Data as of: never synced"}
      </span>
      {status?.access && status.org && (
        <AccessItem
          role={status.access.role}
          online={c === "Online"}
          checking={checking}
          onRefresh={refresh}
        />
      )}
      <RecordProblems count={status?.snapshot?.problems ?? 0} />
      {status?.sync_error && !sync.running && (
        <span className="status-item error-text" data-testid="sync-error" title={status.sync_error}>
          {status.sync_error}
        </span>
      )}
      <span className="status-spacer" />
      {status?.org && !status.org.demo && <ScopeItem scope={status.scope} onOpen={onScope} />}
      {status?.org && (
        <SyncScheduleItem schedule={status.schedule} syncing={status.syncing && !sync.running} />
      )}
      <SyncControl status={status} sync={sync} offline={offline} />
    </footer>
  );
}

/** Asks JumpCloud again what the admin's role may do (nothing is changed), and says what it
 * answered. */
function useAccessRefresh() {
  const ui = useUi();
  const [checking, setChecking] = useState(false);
  const refresh = () => {
    setChecking(true);
    unwrap(commands.accessRefresh())
      .then(
        (s) =>
          ui.notify(
            "ok",
            s.access?.role ? `Role checked: ${s.access.role}.` : "Role checked: full write access.",
          ),
        (e: Error) => ui.notify("error", e.message),
      )
      .finally(() => setChecking(false));
  };
  return { checking, refresh };
}

/** The connection: none, offline (with the reason as its tooltip), online, or connecting. */
function ConnectionState({
  status,
  offline,
  asOf,
}: {
  status: OrgStatus | undefined;
  offline: string | null;
  asOf: string | null | undefined;
}) {
  const c = status?.connectivity;
  return (
    <span className="status-item" data-testid="connection-state" title={offline ?? undefined}>
      <span
        className={offline ? "dot dot-off" : c === "Online" ? "dot dot-on" : "dot"}
        aria-hidden="true"
      />
      {!status?.org
        ? "Not connected"
        : offline
          ? `Offline — data as of ${when(asOf)}`
          : c === "Online"
            ? status.org.demo
              ? "Online (demo simulator)"
              : "Online"
            : "Connecting…"}
    </span>
  );
}

/** The admin's role, and (online) the button that checks it again. */
function AccessItem({
  role,
  online,
  checking,
  onRefresh,
}: {
  role: string;
  online: boolean;
  checking: boolean;
  onRefresh: () => void;
}) {
  return (
    <span className="status-item muted" data-testid="access">
      {role ? `Role: ${role}` : "Full write access"}
      {online && (
        <button
          type="button"
          className="btn small ghost"
          data-testid="access-refresh"
          title="Ask JumpCloud again what your role may do (nothing is changed)"
          disabled={checking}
          onClick={onRefresh}
        >
          {checking ? "Checking…" : "Check again"}
        </button>
      )}
    </span>
  );
}

/** A running sync's progress with its Cancel, or (connected) the Sync now button. */
function SyncControl({
  status,
  sync,
  offline,
}: {
  status: OrgStatus | undefined;
  sync: Props["sync"];
  offline: string | null;
}) {
  const d = describe(sync.progress, useLabels());
  return sync.running ? (
    <span className="status-item sync-progress" data-testid="sync-progress">
      <progress value={d.fraction ?? undefined} max={1} />
      {d.text}
      <button type="button" className="btn small" data-testid="sync-cancel" onClick={sync.cancel}>
        Cancel
      </button>
    </span>
  ) : (
    status?.org && (
      <button
        type="button"
        className="btn small"
        data-testid="sync-now"
        disabled={!!offline}
        title={offline ? "Offline" : undefined}
        onClick={sync.start}
      >
        Sync now
      </button>
    )
  );
}
