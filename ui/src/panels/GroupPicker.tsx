// Add one or more users (or devices) to a group picked from the cached list.
import { useState } from "react";
import { useQuery } from "@tanstack/react-query";
import { commands } from "../bindings";
import { unwrap } from "../api";
import { Modal } from "../components/Modal";
import { useRunAction } from "./ActionBar";

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
  const groups = useQuery({
    queryKey: ["groups", kind, filter],
    queryFn: () => unwrap(commands.groupsList(kind, filter.trim() || null)),
  });
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
