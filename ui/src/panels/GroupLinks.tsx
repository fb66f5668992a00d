import { useUi } from "../context";

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
