import { lazy, Suspense, useCallback, useEffect, useMemo, useRef, useState } from "react";
import { useQuery, useQueryClient } from "@tanstack/react-query";
import { events } from "./bindings";
import { queries } from "./api";
import { UiContext, type Notice, type PanelRef, type Ui } from "./context";
import type { ViewId } from "./views";
import { VocabularyContext } from "./labels";
import { useSync } from "./sync";
import { Sidebar } from "./components/Sidebar";
import { StatusBar } from "./components/StatusBar";
import { addNotice, Notices } from "./components/Notices";
import { RekeyDialog } from "./components/RekeyDialog";
import { AboutPanel } from "./components/AboutPanel";
import { ConnectScreen } from "./components/ConnectScreen";
import { ScopeBanner, ScopeDialog } from "./components/SyncScope";
// The Reports view carries the charting library: loaded when first opened, not at launch.
const ReportsView = lazy(() =>
  import("./views/ReportsView").then((m) => ({ default: m.ReportsView })),
);
import type { Drill } from "./drill";
import { ErrorBoundary } from "./components/ErrorBoundary";
import { GlobalSearch } from "./components/GlobalSearch";
import { UsersView } from "./views/UsersView";
import { DevicesView } from "./views/DevicesView";
import { GroupsView } from "./views/GroupsView";
import { AppsView } from "./views/AppsView";
import { AdminsView } from "./views/AdminsView";
import { ActivityView } from "./views/ActivityView";
import { ChecklistsView } from "./views/ChecklistsView";
import { UserPanel } from "./panels/UserPanel";
import { DevicePanel } from "./panels/DevicePanel";
import { GroupPanel } from "./panels/GroupPanel";
import { invalidateFor, keys } from "./queryKeys";

function View({
  id,
  runId,
  onRun,
  drilled,
}: {
  id: ViewId;
  runId: string | null;
  onRun: (id: string | null) => void;
  drilled: { n: number; d: Drill } | null;
}) {
  // A drill remounts its list with the drill's filters as the starting ones.
  const d = drilled?.d;
  switch (id) {
    case "checklists":
      return <ChecklistsView runId={runId} onRun={onRun} />;
    case "users":
      return d?.view === "users" ? (
        <UsersView key={drilled?.n} initial={d.filter} />
      ) : (
        <UsersView />
      );
    case "devices":
      return d?.view === "devices" ? (
        <DevicesView key={drilled?.n} initial={d.filter} />
      ) : (
        <DevicesView />
      );
    case "reports":
      return (
        <Suspense fallback={<p className="muted view">Loading the reports…</p>}>
          <ReportsView />
        </Suspense>
      );
    case "groups":
      return <GroupsView />;
    case "apps":
      return <AppsView />;
    case "admins":
      return <AdminsView />;
    case "activity":
      return <ActivityView />;
  }
}

export function App() {
  const qc = useQueryClient();
  const [view, setView] = useState<ViewId>("users");
  const [aboutOpen, setAboutOpen] = useState(false);
  const [connecting, setConnecting] = useState(false);
  // The open panel belongs to the org it was opened in; switching orgs closes it.
  const [opened, setOpened] = useState<{ org: string | undefined; ref: PanelRef } | null>(null);
  const [runId, setRunId] = useState<string | null>(null);
  const [rekeying, setRekeying] = useState(false);
  const openRun = useCallback((id: string | null) => {
    setRunId(id);
    setView("checklists");
    setOpened(null);
  }, []);
  const [drilled, setDrilled] = useState<{ n: number; d: Drill } | null>(null);
  const drill = useCallback((d: Drill) => {
    setDrilled((prev) => ({ n: (prev?.n ?? 0) + 1, d }));
    setView(d.view);
    setOpened(null);
  }, []);
  const [notices, setNotices] = useState<Notice[]>([]);
  const nextId = useRef(1);
  const status = useQuery(queries.status);
  const vocabulary = useQuery(queries.vocabulary);

  const notify = useCallback((kind: Notice["kind"], text: string) => {
    const id = nextId.current++;
    setNotices((n) => addNotice(n, { id, kind, text }));
    if (kind === "ok") setTimeout(() => setNotices((n) => n.filter((x) => x.id !== id)), 6000);
  }, []);
  const dismiss = useCallback((id: number) => setNotices((n) => n.filter((x) => x.id !== id)), []);
  // The scope dialog: from the status bar, or right after connecting (the first import waits).
  const [scopeOpen, setScopeOpen] = useState<null | "settings" | "connect">(null);
  const sync = useSync(status.data, notify, scopeOpen === "connect");

  useEffect(() => {
    const un1 = events.cacheChanged.listen((e) => void invalidateFor(qc, e.payload.kinds));
    const un2 = events.statusChanged.listen(
      () => void qc.invalidateQueries({ queryKey: keys.status }),
    );
    return () => {
      // The listeners may already be gone when the window closes; nothing to undo then.
      for (const un of [un1, un2]) un.then((f) => f()).catch(() => undefined);
    };
  }, [qc]);

  const orgId = status.data?.org?.id;
  const panel = opened && opened.org === orgId ? opened.ref : null;
  const setPanel = useCallback(
    (ref: PanelRef | null) => setOpened(ref ? { org: orgId, ref } : null),
    [orgId],
  );

  const ui: Ui = useMemo(
    () => ({
      panel,
      open: setPanel,
      close: () => setPanel(null),
      notify,
      status: status.data,
      openRun,
      drill,
    }),
    [panel, setPanel, notify, status.data, openRun, drill],
  );

  const org = status.data?.org;
  const showConnect = connecting || (status.isSuccess && !org);
  const snapshot = status.data?.snapshot;

  return (
    <VocabularyContext.Provider value={vocabulary.data ?? null}>
      <UiContext.Provider value={ui}>
        <div className="app">
          <Sidebar
            current={view}
            onSelect={(v) => {
              setConnecting(false);
              setDrilled(null);
              setView(v);
            }}
            onAbout={() => setAboutOpen(true)}
            onConnect={() => setConnecting(true)}
            status={status.data}
            notify={notify}
          >
            <Notices notices={notices} onDismiss={dismiss} />
          </Sidebar>
          <main className="main">
            {showConnect ? (
              <ConnectScreen
                onCancel={org ? () => setConnecting(false) : undefined}
                onConnected={(chooseScope) => {
                  setConnecting(false);
                  if (chooseScope) setScopeOpen("connect");
                }}
                notify={notify}
              />
            ) : (
              <>
                <div className="topbar">
                  <GlobalSearch />
                  {status.data?.scope && (
                    <ScopeBanner
                      scope={status.data.scope}
                      onChange={() => setScopeOpen("settings")}
                    />
                  )}
                </div>
                {org?.demo && (
                  <div className="banner" role="status" data-testid="demo-banner">
                    Demo organisation — fictional people and devices served by the JumpCloud
                    simulator built into Rollcall. Actions change only the simulator, which starts
                    afresh each time Rollcall opens.
                  </div>
                )}
                {status.data?.note && <div className="banner warn">{status.data.note}</div>}
                {status.data?.key_refused && org && !org.demo && (
                  <div className="banner warn" role="alert" data-testid="key-refused">
                    JumpCloud does not accept the API key of {org.name} any more (it was regenerated
                    or revoked, or its administrator left). The local copy stays browsable; nothing
                    is sent until a current key is entered.{" "}
                    <button
                      type="button"
                      className="btn small"
                      data-testid="rekey-open"
                      onClick={() => setRekeying(true)}
                    >
                      Enter a new key…
                    </button>
                  </div>
                )}
                {rekeying && org && (
                  <RekeyDialog
                    orgId={org.id}
                    orgName={org.name}
                    notify={notify}
                    onClose={() => setRekeying(false)}
                  />
                )}
                {snapshot?.state === "empty" && (
                  <div className="banner" data-testid="first-import">
                    {sync.running
                      ? `The first import of ${org?.name ?? "the organisation"} is running; lists fill in as it goes.`
                      : `${org?.name ?? "This organisation"} has not been imported yet: press Sync now (or choose the groups to copy first).`}
                  </div>
                )}
                <div className={panel ? "content with-panel" : "content"}>
                  <ErrorBoundary resetKey={`${orgId}/${view}`}>
                    <View id={view} runId={runId} onRun={openRun} drilled={drilled} />
                  </ErrorBoundary>
                  {panel && (
                    <aside className="panel" data-testid="detail-panel" aria-label="Details">
                      <button
                        type="button"
                        className="btn ghost panel-close"
                        aria-label="Close details"
                        data-testid="panel-close"
                        onClick={() => setPanel(null)}
                      >
                        ✕
                      </button>
                      {panel.kind === "user" && <UserPanel id={panel.id} />}
                      {panel.kind === "system" && <DevicePanel id={panel.id} />}
                      {panel.kind === "group" && <GroupPanel id={panel.id} />}
                    </aside>
                  )}
                </div>
              </>
            )}
          </main>
          <StatusBar status={status.data} sync={sync} onScope={() => setScopeOpen("settings")} />
          {scopeOpen && (
            <ScopeDialog
              intro={
                scopeOpen === "connect"
                  ? "Choose the groups to copy before the first import. Cancel copies the whole organisation."
                  : undefined
              }
              onClose={() => setScopeOpen(null)}
              onSaved={sync.start}
            />
          )}
          {aboutOpen && <AboutPanel onClose={() => setAboutOpen(false)} />}
        </div>
      </UiContext.Provider>
    </VocabularyContext.Provider>
  );
}
