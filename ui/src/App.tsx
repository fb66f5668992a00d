import { lazy, Suspense, useCallback, useEffect, useMemo, useRef, useState } from "react";
import { useQuery, useQueryClient } from "@tanstack/react-query";
import { commands, events } from "./bindings";
import { queries, unwrap, type OrgStatus } from "./api";
import { UiContext, useUi, type Notice, type PanelRef, type Ui } from "./context";
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
import { AccessView } from "./views/AccessView";
import { ConsoleView } from "./views/ConsoleView";
import { OrgsView } from "./views/OrgsView";
// The explorer carries the charting library: loaded when first opened.
const InsightsView = lazy(() =>
  import("./views/InsightsView").then((m) => ({ default: m.InsightsView })),
);
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
    case "access":
      return <AccessView />;
    case "orgs":
      return <OrgsView />;
    case "groups":
      return <GroupsView />;
    case "apps":
      return <AppsView />;
    case "admins":
      return <AdminsView />;
    case "activity":
      return <ActivityView />;
    case "console":
      return <ConsoleView />;
    case "insights":
      return (
        <Suspense fallback={<p className="muted view">Loading the explorer…</p>}>
          <InsightsView />
        </Suspense>
      );
  }
}

export function App() {
  const status = useQuery(queries.status);
  const vocabulary = useQuery(queries.vocabulary);
  const orgId = status.data?.org?.id;
  const nav = useNavigation(orgId);
  const { view, runId, openRun, drilled, drill, panel, setPanel, connecting, setConnecting } = nav;
  const [aboutOpen, setAboutOpen] = useState(false);
  const [rekeying, setRekeying] = useState(false);
  const { notices, notify, dismiss } = useNotices();
  // The scope dialog: from the status bar, or right after connecting (the first import waits).
  const [scopeOpen, setScopeOpen] = useState<null | "settings" | "connect">(null);
  const sync = useSync(status.data, notify, scopeOpen === "connect");
  useBackendEvents();

  const qc = useQueryClient();
  const switchOrg = useCallback(
    async (id: string) => {
      await unwrap(commands.orgSwitch(id));
      await qc.invalidateQueries();
    },
    [qc],
  );
  const ui = useUiValue({
    panel,
    setPanel,
    notify,
    status: status.data,
    openRun,
    drill,
    switchOrg,
    openIn: nav.openIn,
  });

  const org = status.data?.org;
  const showConnect = connecting || (status.isSuccess && !org);
  const connected = (chooseScope: boolean) => {
    setConnecting(false);
    if (chooseScope) setScopeOpen("connect");
  };

  // Every screen renders Rust's words and numbers, so the workspace waits for them (a local
  // read, answered at once).
  return (
    <VocabularyContext.Provider value={vocabulary.data ?? null}>
      <UiContext.Provider value={ui}>
        <div className="app">
          <Sidebar
            current={view}
            onSelect={nav.selectView}
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
                onConnected={connected}
                notify={notify}
              />
            ) : vocabulary.data ? (
              <Workspace
                view={view}
                runId={runId}
                onRun={openRun}
                drilled={drilled}
                running={sync.running}
                rekeying={rekeying}
                setRekeying={setRekeying}
                onScope={() => setScopeOpen("settings")}
              />
            ) : null}
          </main>
          <StatusBar status={status.data} sync={sync} onScope={() => setScopeOpen("settings")} />
          {scopeOpen && (
            <ScopeChooser
              from={scopeOpen}
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

/** The app-wide UI context value (see `Ui`), kept the same while its parts are. */
function useUiValue({
  panel,
  setPanel,
  notify,
  status,
  openRun,
  drill,
  switchOrg,
  openIn,
}: Omit<Ui, "open" | "close"> & { setPanel: (ref: PanelRef | null) => void }): Ui {
  return useMemo(
    () => ({
      panel,
      open: setPanel,
      close: () => setPanel(null),
      notify,
      status,
      openRun,
      drill,
      switchOrg,
      openIn,
    }),
    [panel, setPanel, notify, status, openRun, drill, switchOrg, openIn],
  );
}

/** Where the admin is: the view (or the connect screen), the checklist run shown, the drill the
 * list started from, and the open detail panel (of org `orgId`). Opening a run or a drill closes
 * the panel; choosing a view in the sidebar leaves the connect screen and the drill. */
function useNavigation(orgId: string | undefined) {
  const [view, setView] = useState<ViewId>("users");
  const [connecting, setConnecting] = useState(false);
  // The open panel belongs to the org it was opened in; switching orgs closes it.
  const [opened, setOpened] = useState<{ org: string | undefined; ref: PanelRef } | null>(null);
  const [runId, setRunId] = useState<string | null>(null);
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
  const panel = opened && opened.org === orgId ? opened.ref : null;
  const setPanel = useCallback(
    (ref: PanelRef | null) => setOpened(ref ? { org: orgId, ref } : null),
    [orgId],
  );
  const openIn = useCallback((org: string, ref: PanelRef) => setOpened({ org, ref }), []);
  const selectView = (v: ViewId) => {
    setConnecting(false);
    setDrilled(null);
    setView(v);
  };
  return {
    view,
    selectView,
    runId,
    openRun,
    drilled,
    drill,
    openIn,
    panel,
    setPanel,
    connecting,
    setConnecting,
  };
}

/** The notices in the sidebar: `notify` adds one (an "ok" goes by itself after 6 s). */
function useNotices() {
  const [notices, setNotices] = useState<Notice[]>([]);
  const nextId = useRef(1);
  const notify = useCallback((kind: Notice["kind"], text: string) => {
    const id = nextId.current++;
    setNotices((n) => addNotice(n, { id, kind, text }));
    if (kind === "ok") setTimeout(() => setNotices((n) => n.filter((x) => x.id !== id)), 6000);
  }, []);
  const dismiss = useCallback((id: number) => setNotices((n) => n.filter((x) => x.id !== id)), []);
  return { notices, notify, dismiss };
}

/** Refetches what the backend says changed: cached kinds, or the org status. */
function useBackendEvents() {
  const qc = useQueryClient();
  useEffect(() => {
    const un1 = events.cacheChanged.listen((e) => {
      const open = qc.getQueryData<OrgStatus>(keys.status)?.org?.id;
      void invalidateFor(qc, e.payload.kinds, e.payload.org_id, open);
    });
    const un2 = events.statusChanged.listen(
      () => void qc.invalidateQueries({ queryKey: keys.status }),
    );
    return () => {
      // The listeners may already be gone when the window closes; nothing to undo then.
      for (const un of [un1, un2]) un.then((f) => f()).catch(() => undefined);
    };
  }, [qc]);
}

/** The connected org's screen: the topbar, the org's banners, the view and the detail panel
 * (the org's status, the open panel and `notify` come from the UI context). */
function Workspace({
  view,
  runId,
  onRun,
  drilled,
  running,
  rekeying,
  setRekeying,
  onScope,
}: {
  view: ViewId;
  runId: string | null;
  onRun: (id: string | null) => void;
  drilled: { n: number; d: Drill } | null;
  running: boolean;
  rekeying: boolean;
  setRekeying: (open: boolean) => void;
  onScope: () => void;
}) {
  const { status, panel, close, notify } = useUi();
  return (
    <>
      <TopBar status={status} onScope={onScope} />
      <OrgNotices
        status={status}
        running={running}
        rekeying={rekeying}
        setRekeying={setRekeying}
        notify={notify}
      />
      <div className={panel ? "content with-panel" : "content"}>
        <ErrorBoundary resetKey={`${status?.org?.id}/${view}`}>
          <View id={view} runId={runId} onRun={onRun} drilled={drilled} />
        </ErrorBoundary>
        {panel && <DetailPanel panel={panel} onClose={close} />}
      </div>
    </>
  );
}

/** Above the view: the global search, and the note of a scoped copy (which opens the scope). */
function TopBar({ status, onScope }: { status: OrgStatus | undefined; onScope: () => void }) {
  return (
    <div className="topbar">
      <GlobalSearch />
      {status?.scope && <ScopeBanner scope={status.scope} onChange={onScope} />}
    </div>
  );
}

/** The org's banners, the dialog to enter a new key when JumpCloud refuses the old one, and
 * the first import's banner. */
function OrgNotices({
  status,
  running,
  rekeying,
  setRekeying,
  notify,
}: {
  status: OrgStatus | undefined;
  running: boolean;
  rekeying: boolean;
  setRekeying: (open: boolean) => void;
  notify: Ui["notify"];
}) {
  const org = status?.org;
  return (
    <>
      <OrgBanners status={status} onRekey={() => setRekeying(true)} />
      {rekeying && org && (
        <RekeyDialog
          orgId={org.id}
          orgName={org.name}
          notify={notify}
          onClose={() => setRekeying(false)}
        />
      )}
      <FirstImportBanner status={status} running={running} />
    </>
  );
}

/** The banners about the org: the demo, the status note, and a key JumpCloud refuses. */
function OrgBanners({ status, onRekey }: { status: OrgStatus | undefined; onRekey: () => void }) {
  const org = status?.org;
  return (
    <>
      {org?.demo && (
        <div className="banner" role="status" data-testid="demo-banner">
          Demo organisation — fictional people and devices served by the JumpCloud simulator built
          into Rollcall. Actions change only the simulator, which starts afresh each time Rollcall
          opens.
        </div>
      )}
      {status?.note && <div className="banner warn">{status.note}</div>}
      {status?.key_refused && org && !org.demo && (
        <div className="banner warn" role="alert" data-testid="key-refused">
          JumpCloud does not accept the API key of {org.name} any more (it was regenerated or
          revoked, or its administrator left). The local copy stays browsable; nothing is sent until
          a current key is entered.{" "}
          <button type="button" className="btn small" data-testid="rekey-open" onClick={onRekey}>
            Enter a new key…
          </button>
        </div>
      )}
    </>
  );
}

/** Before the first import: whether it is running, or how to start it. */
function FirstImportBanner({
  status,
  running,
}: {
  status: OrgStatus | undefined;
  running: boolean;
}) {
  const org = status?.org;
  if (status?.snapshot?.state !== "empty") return null;
  return (
    <div className="banner" data-testid="first-import">
      {running
        ? `The first import of ${org?.name ?? "the organisation"} is running; lists fill in as it goes.`
        : `${org?.name ?? "This organisation"} has not been imported yet: press Sync now (or choose the groups to copy first).`}
    </div>
  );
}

/** The detail panel beside the list: the person, device or group opened. */
function DetailPanel({ panel, onClose }: { panel: PanelRef; onClose: () => void }) {
  return (
    <aside className="panel" data-testid="detail-panel" aria-label="Details">
      <button
        type="button"
        className="btn ghost panel-close"
        aria-label="Close details"
        data-testid="panel-close"
        onClick={onClose}
      >
        ✕
      </button>
      {panel.kind === "user" && <UserPanel id={panel.id} />}
      {panel.kind === "system" && <DevicePanel id={panel.id} />}
      {panel.kind === "group" && <GroupPanel id={panel.id} />}
    </aside>
  );
}

/** The scope dialog, opened `from` the status bar or the topbar ("settings"), or right after
 * connecting ("connect": the first import waits for it). */
function ScopeChooser({
  from,
  onClose,
  onSaved,
}: {
  from: "settings" | "connect";
  onClose: () => void;
  onSaved: () => void;
}) {
  return (
    <ScopeDialog
      intro={
        from === "connect"
          ? "Choose the groups to copy before the first import. Cancel copies the whole organisation."
          : undefined
      }
      onClose={onClose}
      onSaved={onSaved}
    />
  );
}
