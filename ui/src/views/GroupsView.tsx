import { useState } from "react";
import { useGroups } from "../api";
import type { GroupKind } from "../bindings";
import { useUi } from "../context";
import { Modal } from "../components/Modal";
import { useRunAction } from "../panels/ActionBar";

export function GroupsView() {
  const ui = useUi();
  const [kind, setKind] = useState<GroupKind>("user");
  const [filter, setFilter] = useState("");
  const [creating, setCreating] = useState(false);
  const groups = useGroups(kind, filter);
  return (
    <section className="view" data-testid="view-groups">
      <div className="toolbar">
        <h1>Groups</h1>
        <div className="segmented" role="tablist">
          <button
            type="button"
            role="tab"
            aria-selected={kind === "user"}
            className={kind === "user" ? "seg on" : "seg"}
            onClick={() => setKind("user")}
          >
            User groups
          </button>
          <button
            type="button"
            role="tab"
            aria-selected={kind === "system"}
            className={kind === "system" ? "seg on" : "seg"}
            data-testid="device-groups-tab"
            onClick={() => setKind("system")}
          >
            Device groups
          </button>
        </div>
        <input
          className="input search"
          type="search"
          placeholder="Filter groups"
          aria-label="Filter groups"
          value={filter}
          onChange={(e) => setFilter(e.target.value)}
        />
        <button
          type="button"
          className="btn primary"
          data-testid="new-group"
          onClick={() => setCreating(true)}
        >
          New group
        </button>
      </div>
      <div className="simple-table" data-testid="groups-table">
        <div className="simple-row head">
          <span>Name</span>
          <span>Description</span>
          <span>Members</span>
        </div>
        {groups.data?.map((g) => (
          <button
            type="button"
            key={g.group.id}
            className={"simple-row" + (ui.panel?.id === g.group.id ? " open" : "")}
            data-testid={`group-${g.group.id}`}
            onClick={() => ui.open({ kind: "group", id: g.group.id })}
          >
            <span>{g.group.name}</span>
            <span className="muted">{g.group.description}</span>
            <span>{(g.members ?? 0).toLocaleString()}</span>
          </button>
        ))}
        {groups.data?.length === 0 && <p className="muted pad">No groups.</p>}
      </div>
      {creating && <GroupForm kind={kind} onClose={() => setCreating(false)} />}
    </section>
  );
}

function GroupForm({ kind, onClose }: { kind: "user" | "system"; onClose: () => void }) {
  const [name, setName] = useState("");
  const [description, setDescription] = useState("");
  const { run, busy } = useRunAction();
  return (
    <Modal
      title={kind === "user" ? "New user group" : "New device group"}
      onClose={onClose}
      testId="group-form"
    >
      <div className="form-grid">
        <label>
          Name
          <input
            className="input"
            value={name}
            autoFocus
            data-testid="group-name"
            onChange={(e) => setName(e.target.value)}
          />
        </label>
        <label>
          Description
          <input
            className="input"
            value={description}
            onChange={(e) => setDescription(e.target.value)}
          />
        </label>
      </div>
      <div className="modal-actions">
        <button type="button" className="btn" onClick={onClose}>
          Cancel
        </button>
        <button
          type="button"
          className="btn primary"
          disabled={busy || !name.trim()}
          data-testid="group-form-save"
          onClick={async () => {
            if (await run({ kind: "GroupCreate", group_kind: kind, name, description })) onClose();
          }}
        >
          Create group
        </button>
      </div>
    </Modal>
  );
}
