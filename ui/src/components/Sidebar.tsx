import { useState, type ReactNode } from "react";
import { useQueryClient } from "@tanstack/react-query";
import { commands, type OrgEntry } from "../bindings";
import { CommandError, unwrap, type OrgStatus } from "../api";
import { VIEWS, type ViewId } from "../views";

interface Props {
  current: ViewId;
  onSelect: (view: ViewId) => void;
  onAbout: () => void;
  onConnect: () => void;
  status: OrgStatus | undefined;
  notify: (k: "ok" | "warn" | "error", t: string) => void;
  /** Shown below the navigation (the notice area). */
  children?: ReactNode;
}

export function Sidebar({
  current,
  onSelect,
  onAbout,
  onConnect,
  status,
  notify,
  children,
}: Props) {
  return (
    <nav className="sidebar" aria-label="Main">
      <div className="brand">Rollcall</div>
      <OrgSwitcher status={status} onConnect={onConnect} notify={notify} />
      <ul className="nav">
        {VIEWS.filter((v) => v.id !== "orgs" || fleetSize(status) >= 2).map((v) => (
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
      {children}
      <button type="button" className="nav-item about" data-testid="nav-about" onClick={onAbout}>
        About Rollcall
      </button>
    </nav>
  );
}

/** How many organisations are connected (the demo aside): "All organisations" shows from two. */
function fleetSize(status: OrgStatus | undefined): number {
  return status?.orgs.filter((o) => !o.demo).length ?? 0;
}

/** The open organisation's name, which opens the menu of the others (switch, remove, connect
 * another). */
function OrgSwitcher({
  status,
  onConnect,
  notify,
}: Pick<Props, "status" | "onConnect" | "notify">) {
  const qc = useQueryClient();
  const [open, setOpen] = useState(false);
  const org = status?.org;
  /** After a switch or a removal: every query refetched, or the error said (a cancel aside). */
  const after = (p: Promise<unknown>) =>
    p.then(
      () => qc.invalidateQueries(),
      (e: unknown) => {
        if (!(e instanceof CommandError && e.code === "Cancelled"))
          notify("error", e instanceof Error ? e.message : String(e));
      },
    );
  // Each choice in the menu closes it first.
  const switchTo = (id: string) => {
    setOpen(false);
    void after(unwrap(commands.orgSwitch(id)));
  };
  const remove = (id: string) => {
    setOpen(false);
    void after(unwrap(commands.orgRemove(id)));
  };
  const add = () => {
    setOpen(false);
    onConnect();
  };
  return (
    <div className="org-switcher" data-testid="org-switcher">
      <div className="org-label">Organisation</div>
      <button
        type="button"
        className="org-name"
        data-testid="org-name"
        onClick={() => setOpen(!open)}
        aria-expanded={open}
      >
        {status === undefined ? "…" : org ? org.name : "No organisation"}{" "}
        <span aria-hidden="true">▾</span>
      </button>
      {org?.demo && <div className="org-hint">Demo organisation</div>}
      {open && (
        <OrgMenu
          orgs={status?.orgs}
          currentId={org?.id}
          onSwitch={switchTo}
          onRemove={remove}
          onAdd={add}
        />
      )}
    </div>
  );
}

/** The organisations connected, each to switch to or remove, and "Connect an organisation". */
function OrgMenu({
  orgs,
  currentId,
  onSwitch,
  onRemove,
  onAdd,
}: {
  orgs: OrgEntry[] | undefined;
  currentId: string | undefined;
  onSwitch: (id: string) => void;
  onRemove: (id: string) => void;
  onAdd: () => void;
}) {
  return (
    <div className="org-menu" data-testid="org-menu">
      {orgs?.map((o) => (
        <div key={o.id} className="org-menu-row">
          <button
            type="button"
            className={o.id === currentId ? "org-choice on" : "org-choice"}
            data-testid={`org-choice-${o.id}`}
            onClick={() => onSwitch(o.id)}
          >
            {o.name}
            {o.demo ? " (demo)" : ""}
          </button>
          <button
            type="button"
            className="org-remove"
            title={`Remove ${o.name}`}
            aria-label={`Remove ${o.name}`}
            data-testid={`org-remove-${o.id}`}
            onClick={() => onRemove(o.id)}
          >
            ✕
          </button>
        </div>
      ))}
      <button type="button" className="org-choice add" data-testid="org-add" onClick={onAdd}>
        + Connect an organisation
      </button>
    </div>
  );
}
