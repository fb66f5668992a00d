import type { ReactNode } from "react";
import { useUi } from "../context";
import { userName } from "../format";

/** A person's name (or `children`), opening their panel. */
export function UserLink({
  user,
  children,
}: {
  user: { id: string; displayname: string; firstname: string; lastname: string; username: string };
  children?: ReactNode;
}) {
  const ui = useUi();
  return (
    <button type="button" className="link" onClick={() => ui.open({ kind: "user", id: user.id })}>
      {children ?? userName(user)}
    </button>
  );
}

/** A record's groups, each opening the group's panel. */
export function GroupLinks({ groups }: { groups: { id: string; name: string }[] }) {
  const ui = useUi();
  return (
    <>
      <h3>Groups ({groups.length})</h3>
      <ul className="list">
        {groups.map((g) => (
          <li key={g.id}>
            <button
              type="button"
              className="link"
              onClick={() => ui.open({ kind: "group", id: g.id })}
            >
              {g.name}
            </button>
          </li>
        ))}
      </ul>
    </>
  );
}
