import { useState } from "react";
import { useQuery } from "@tanstack/react-query";
import { commands, type GroupMembers } from "../bindings";
import { unwrap, useGroups } from "../api";
import { useUi } from "../context";
import { useLabels } from "../labels";
import { UserLink } from "./GroupLinks";
import { useRunAction } from "./ActionBar";
import { keys } from "../queryKeys";

export function GroupPanel({ id }: { id: string }) {
  const groups = useGroups(null);
  const members = useQuery({
    queryKey: keys.groupMembers(id),
    queryFn: () => unwrap(commands.groupMembers(id)),
  });
  const { run, busy } = useRunAction();
  const [picked, setPicked] = useState<Set<string>>(new Set());
  const g = groups.data?.find((x) => x.group.id === id)?.group;
  if (!g)
    return (
      <p className="muted">
        {groups.isPending ? "Loading…" : "This group is not in the local copy."}
      </p>
    );
  const toggle = (m: string) => {
    const n = new Set(picked);
    if (n.has(m)) n.delete(m);
    else n.add(m);
    setPicked(n);
  };
  const remove = (ids: string[]) =>
    run({ kind: "GroupMembers", group_id: id, member_ids: ids, add: false }).then(() =>
      setPicked(new Set()),
    );
  const m = members.data;
  return (
    <div data-testid="group-panel">
      <h2 className="panel-title" data-testid="panel-title">
        {g.name}
      </h2>
      <div className="panel-sub">
        {g.kind === "user" ? "User group" : "Device group"}
        {g.description ? ` · ${g.description}` : ""}
      </div>
      <div className="panel-buttons">
        <button
          type="button"
          className="btn danger"
          disabled={picked.size === 0 || busy}
          data-testid="remove-members"
          onClick={() => remove([...picked])}
        >
          Remove {picked.size || ""} selected
        </button>
      </div>
      <MemberList members={m} picked={picked} onToggle={toggle} />
      <p className="muted">
        To add members, select users or devices in their table and choose “Add to group…”.
      </p>
    </div>
  );
}

/** The group's members, people then devices, each with a box to tick for removal. */
function MemberList({
  members: m,
  picked,
  onToggle: toggle,
}: {
  members: GroupMembers | undefined;
  picked: Set<string>;
  onToggle: (id: string) => void;
}) {
  const ui = useUi();
  const labels = useLabels();
  return (
    <>
      <h3>Members ({(m?.users.length ?? 0) + (m?.systems.length ?? 0)})</h3>
      <ul className="list">
        {m?.users.map((u) => (
          <li key={u.id}>
            <input
              type="checkbox"
              aria-label={`Select ${u.username}`}
              checked={picked.has(u.id)}
              onChange={() => toggle(u.id)}
            />{" "}
            <UserLink user={u} /> <span className="muted">{u.email}</span>
          </li>
        ))}
        {m?.systems.map((s) => (
          <li key={s.id}>
            <input
              type="checkbox"
              aria-label={`Select ${s.hostname}`}
              checked={picked.has(s.id)}
              onChange={() => toggle(s.id)}
            />{" "}
            <button
              type="button"
              className="link"
              onClick={() => ui.open({ kind: "system", id: s.id })}
            >
              {s.hostname}
            </button>{" "}
            <span className="muted">{labels.osFamily(s.os_family)}</span>
          </li>
        ))}
      </ul>
    </>
  );
}
