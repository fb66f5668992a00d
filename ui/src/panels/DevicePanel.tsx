import { useQuery } from "@tanstack/react-query";
import { commands, type SystemRow, type UserRow } from "../bindings";
import { unwrap } from "../api";
import { ago, bytes, userName, when } from "../format";
import { useLabels } from "../labels";
import { Paths } from "./Paths";
import { ActionBar } from "./ActionBar";
import { History } from "./History";
import { GroupLinks, UserLink } from "./GroupLinks";
import { OpenInJumpCloud } from "./OpenInJumpCloud";
import { keys } from "../queryKeys";

export function DevicePanel({ id }: { id: string }) {
  const labels = useLabels();
  const q = useQuery({
    queryKey: keys.system(id),
    queryFn: () => unwrap(commands.systemDetail(id)),
  });
  if (q.error) return <p className="error-text">{(q.error as Error).message}</p>;
  if (!q.data)
    return (
      <p className="muted">{q.isPending ? "Loading…" : "This device is not in the local copy."}</p>
    );
  const d = q.data;
  const s = d.system;
  return (
    <div data-testid="device-panel">
      <h2 className="panel-title" data-testid="panel-title">
        {s.hostname || s.display_name}
      </h2>
      <div className="panel-sub">
        {labels.osFamily(s.os_family)} {s.os_version} · serial {s.serial || "unknown"}
      </div>
      <div className="badges">
        <span className={s.fde_active ? "badge ok" : "badge warn"}>
          {s.fde_active ? "Encrypted" : "Not encrypted"}
        </span>
        <span className={s.mdm_enrolled ? "badge ok" : "badge"}>
          {s.mdm_enrolled ? `MDM: ${s.mdm_vendor || "JumpCloud"}` : "No MDM"}
        </span>
        {d.users.length === 0 && <span className="badge warn">Reached by nobody</span>}
        {!s.active && <span className="badge">Agent offline</span>}
      </div>
      <ActionBar targetKind="system" id={s.id} hostname={s.hostname} />
      <div className="panel-buttons">
        <OpenInJumpCloud page="device" id={s.id} />
      </div>
      <DeviceFacts s={s} owner={d.owner} />
      <h3>Who reaches it ({d.users.length})</h3>
      <ul className="list" data-testid="device-users">
        {d.users.map(({ user: u, paths }) => (
          <li key={u.id}>
            <UserLink user={u} /> <span className="muted">{u.email}</span> <Paths paths={paths} />
          </li>
        ))}
      </ul>
      <GroupLinks groups={d.groups} />
      <h3>Rollcall activity</h3>
      <History targetId={s.id} />
    </div>
  );
}

/** The device's facts: its owner, hardware, OS, encryption, last contact, agent and age. */
function DeviceFacts({ s, owner }: { s: SystemRow; owner: UserRow | null }) {
  return (
    <dl className="facts">
      <dt>Owner</dt>
      <dd data-testid="device-owner">
        {owner ? (
          <UserLink user={owner}>
            {userName(owner)} ({owner.email})
          </UserLink>
        ) : (
          "no bound user"
        )}
      </dd>
      <dt>Model</dt>
      <dd>{s.model || s.hw_vendor || "—"}</dd>
      <dt>Memory</dt>
      <dd>{bytes(s.memory_bytes)}</dd>
      <dt>CPU</dt>
      <dd>{s.cpu || "—"}</dd>
      <dt>OS</dt>
      <dd>
        {s.os} {s.os_version} ({s.arch})
      </dd>
      <dt>Encryption</dt>
      <dd>{s.fde_detail || (s.fde_active ? "on" : "off")}</dd>
      <dt>Last contact</dt>
      <dd>
        {when(s.last_contact)} ({ago(s.last_contact)})
      </dd>
      <dt>Agent</dt>
      <dd>{s.agent_version || "—"}</dd>
      <dt>Added</dt>
      <dd>{when(s.created)}</dd>
    </dl>
  );
}
