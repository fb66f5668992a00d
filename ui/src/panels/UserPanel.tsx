import { useState } from "react";
import { useQuery } from "@tanstack/react-query";
import { commands, type UserDetail } from "../bindings";
import { unwrap } from "../api";
import { useUi } from "../context";
import { ago, userName, when } from "../format";
import { useLabels, valueText } from "../labels";
import { Paths } from "./Paths";
import { ActionBar } from "./ActionBar";
import { History } from "./History";
import { GroupLinks, UserLink } from "./GroupLinks";
import { UserForm } from "./UserForm";
import { GroupPicker } from "./GroupPicker";
import { OpenInJumpCloud } from "./OpenInJumpCloud";
import { emptyStart } from "../views/ChecklistStart";
import { keys } from "../queryKeys";

export function UserPanel({ id }: { id: string }) {
  const [editing, setEditing] = useState(false);
  const [adding, setAdding] = useState(false);
  const q = useQuery({ queryKey: keys.user(id), queryFn: () => unwrap(commands.userDetail(id)) });
  if (q.error) return <p className="error-text">{(q.error as Error).message}</p>;
  if (!q.data)
    return (
      <p className="muted">
        {q.isPending ? "Loading…" : "This user is not in the local copy (deleted?)."}
      </p>
    );
  const d = q.data;
  const u = d.user;
  return (
    <div data-testid="user-panel">
      <h2 className="panel-title" data-testid="panel-title">
        {userName(u)}
      </h2>
      <div className="panel-sub">
        {u.email} · {u.username}
      </div>
      <UserBadges d={d} />
      <ActionBar targetKind="user" id={u.id} />
      <UserButtons userId={u.id} onEdit={() => setEditing(true)} onAdd={() => setAdding(true)} />
      <UserFacts d={d} />
      <UserDevices devices={d.devices} />
      <GroupLinks groups={d.groups} />
      <UserApps apps={d.apps} />
      <RecentEvents events={d.recent_events} />
      <h3>Rollcall activity</h3>
      <History targetId={u.id} />
      {editing && <UserForm user={u} onClose={() => setEditing(false)} />}
      {adding && <GroupPicker kind="user" memberIds={[u.id]} onClose={() => setAdding(false)} />}
    </div>
  );
}

/** The person's state and what needs attention: lockout, MFA, an expired password, admin. */
function UserBadges({ d }: { d: UserDetail }) {
  const labels = useLabels();
  const u = d.user;
  return (
    <div className="badges">
      <span className={`badge state-${valueText(u.state).toLowerCase()}`} data-testid="user-state">
        {labels.userState(u.state)}
      </span>
      {u.locked && <span className="badge warn">Locked out</span>}
      <span className={u.mfa_configured ? "badge ok" : "badge warn"}>
        {u.mfa_configured ? "MFA enrolled" : "No MFA"}
      </span>
      {u.password_expired && <span className="badge warn">Password expired</span>}
      {d.admin_role && <span className="badge">Admin: {d.admin_role}</span>}
    </div>
  );
}

/** The panel's own buttons: edit, add to a group, start an offboarding, open in JumpCloud. */
function UserButtons({
  userId,
  onEdit,
  onAdd,
}: {
  userId: string;
  onEdit: () => void;
  onAdd: () => void;
}) {
  const ui = useUi();
  /** Starts an offboarding checklist for the person and shows its run. */
  const offboard = () =>
    unwrap(commands.checklistStart("offboarding", { ...emptyStart, user_id: userId })).then(
      ui.openRun,
      (e: Error) => ui.notify("error", e.message),
    );
  return (
    <div className="panel-buttons">
      <button type="button" className="btn" data-testid="edit-user" onClick={onEdit}>
        Edit profile
      </button>
      <button type="button" className="btn" data-testid="add-user-to-group" onClick={onAdd}>
        Add to group…
      </button>
      <button type="button" className="btn" data-testid="offboard-user" onClick={offboard}>
        Offboard…
      </button>
      <OpenInJumpCloud page="user" id={userId} />
    </div>
  );
}

/** The profile's facts, the manager, the last login and when the person was created. */
function UserFacts({ d }: { d: UserDetail }) {
  const labels = useLabels();
  const u = d.user;
  const manager = d.manager;
  return (
    <dl className="facts">
      <dt>Department</dt>
      <dd>{u.department || "—"}</dd>
      <dt>Job title</dt>
      <dd>{u.job_title || "—"}</dd>
      <dt>Employee ID</dt>
      <dd>{u.employee_id || "—"}</dd>
      <dt>Location</dt>
      <dd>{u.location || "—"}</dd>
      <dt>Manager</dt>
      <dd>{manager ? <UserLink user={manager} /> : "—"}</dd>
      <dt>Last login</dt>
      <dd data-testid="last-login">
        {d.last_login
          ? `${when(d.last_login)} (${ago(d.last_login)})`
          : `none in the last ${labels.eventDays} days (what Directory Insights keeps)`}
      </dd>
      <dt>Created</dt>
      <dd>{when(u.created)}</dd>
    </dl>
  );
}

/** The devices the person reaches, each with its state and how it is reached. */
function UserDevices({ devices }: { devices: UserDetail["devices"] }) {
  const ui = useUi();
  const labels = useLabels();
  return (
    <>
      <h3>Devices ({devices.length})</h3>
      {devices.length === 0 ? (
        <p className="muted">No device: bound to none, directly or through a group.</p>
      ) : (
        <ul className="list">
          {devices.map(({ device: s, paths }) => (
            <li key={s.id}>
              <button
                type="button"
                className="link"
                data-testid={`user-device-${s.id}`}
                onClick={() => ui.open({ kind: "system", id: s.id })}
              >
                {s.hostname || s.display_name}
              </button>{" "}
              <span className="muted">
                {labels.osFamily(s.os_family)} {s.os_version} ·{" "}
                {s.fde_active ? "encrypted" : "NOT encrypted"} · {s.mdm_enrolled ? "MDM" : "no MDM"}{" "}
                · seen {ago(s.last_contact)}
              </span>{" "}
              <Paths paths={paths} />
            </li>
          ))}
        </ul>
      )}
    </>
  );
}

/** The apps the person reaches, each directly or through a group. */
function UserApps({ apps }: { apps: UserDetail["apps"] }) {
  return (
    <>
      <h3>Apps ({apps.length})</h3>
      <ul className="list">
        {apps.map(({ app: a, via }) => (
          <li key={a.id + (via.via === "group" ? via.id : "")}>
            {a.label || a.name}{" "}
            <span className="muted">{via.via === "direct" ? "direct" : `via ${via.name}`}</span>
          </li>
        ))}
      </ul>
    </>
  );
}

/** The person's last ten logins and other directory events. */
function RecentEvents({ events }: { events: UserDetail["recent_events"] }) {
  const labels = useLabels();
  return (
    <>
      <h3>Recent logins and events</h3>
      <ul className="list small">
        {events.slice(0, 10).map((e) => (
          <li key={e.id}>
            <span className="muted">{when(e.at)}</span> {e.event_type} {e.success ? "" : "(failed)"}
          </li>
        ))}
        {events.length === 0 && (
          <li className="muted">None in the last {labels.eventDays} days.</li>
        )}
      </ul>
    </>
  );
}
