// Add one or more users (or devices) to a group picked from the cached list.
import { useState } from "react";
import { useGroups } from "../api";
import { Modal } from "../components/Modal";
import { useRunAction } from "./ActionBar";

/** Under a table: how many rows are selected, "Add to group…" for them, and Clear. */
export function SelectionBar({
  kind,
  selected,
  clear,
}: {
  kind: "user" | "system";
  selected: Set<string>;
  clear: () => void;
}) {
  const [adding, setAdding] = useState(false);
  return (
    <>
      {selected.size > 0 && (
        <div className="selection-bar" data-testid="selection-bar">
          {selected.size} selected
          <button
            type="button"
            className="btn"
            data-testid="bulk-add-to-group"
            onClick={() => setAdding(true)}
          >
            Add to group…
          </button>
          <button type="button" className="btn ghost" onClick={clear}>
            Clear
          </button>
        </div>
      )}
      {adding && (
        <GroupPicker
          kind={kind}
          memberIds={[...selected]}
          onClose={() => {
            setAdding(false);
            clear();
          }}
        />
      )}
    </>
  );
}

export function GroupPicker({
  kind,
  memberIds,
  onClose,
}: {
  kind: "user" | "system";
  memberIds: string[];
  onClose: () => void;
}) {
  const [filter, setFilter] = useState("");
  const groups = useGroups(kind, filter);
  const { run, busy } = useRunAction();
  return (
    <Modal
      title={`Add ${memberIds.length} ${kind === "user" ? "user" : "device"}${memberIds.length === 1 ? "" : "s"} to a group`}
      onClose={onClose}
      testId="group-picker"
    >
      <input
        className="input"
        placeholder="Filter groups"
        value={filter}
        autoFocus
        onChange={(e) => setFilter(e.target.value)}
      />
      <ul className="pick-list">
        {(groups.data ?? []).map((g) => (
          <li key={g.group.id}>
            <button
              type="button"
              className="link"
              disabled={busy}
              data-testid={`pick-group-${g.group.id}`}
              onClick={async () => {
                if (
                  await run({
                    kind: "GroupMembers",
                    group_id: g.group.id,
                    member_ids: memberIds,
                    add: true,
                  })
                )
                  onClose();
              }}
            >
              {g.group.name}
            </button>{" "}
            <span className="muted">{g.members} members</span>
          </li>
        ))}
      </ul>
    </Modal>
  );
}
