// A new access review: its name, what it covers (user groups, apps, device access, console
// administrators, time-limited grants), who reviews it, when it is due and whether it repeats
// every quarter. Rust checks it (a name, a scope, a date, an owner for every group and app in
// owner mode) and says what is missing.
import { useState } from "react";
import { useQuery } from "@tanstack/react-query";
import { commands, type CampaignView, type DeviceScope, type ReviewerMode } from "../../bindings";
import { unwrap, useGroups } from "../../api";
import { useUi } from "../../context";
import { useLabels } from "../../labels";
import { keys } from "../../queryKeys";
import { Modal } from "../../components/Modal";

function quarterName(d: Date): string {
  return `Access review Q${Math.floor(d.getMonth() / 3) + 1} ${d.getFullYear()}`;
}

function inDays(days: number): string {
  return new Date(Date.now() + days * 86_400_000).toISOString().slice(0, 10);
}

/** A list of checkboxes over named records, with a filter when it is long. */
function Picks({
  title,
  items,
  picked,
  onToggle,
  testId,
}: {
  title: string;
  items: { id: string; name: string; note: string }[];
  picked: string[];
  onToggle: (id: string) => void;
  testId: string;
}) {
  const [filter, setFilter] = useState("");
  const f = filter.trim().toLowerCase();
  const shown = items.filter((i) => !f || i.name.toLowerCase().includes(f));
  return (
    <fieldset className="picks" data-testid={testId}>
      <legend>
        {title} <span className="muted">({picked.length} chosen)</span>
      </legend>
      {items.length > 8 && (
        <input
          className="input"
          type="search"
          placeholder={`Filter ${items.length} ${title.toLowerCase()}`}
          aria-label={`Filter ${title}`}
          value={filter}
          onChange={(e) => setFilter(e.target.value)}
        />
      )}
      <div className="picks-list">
        {shown.map((i) => (
          <label key={i.id} className="inline">
            <input
              type="checkbox"
              checked={picked.includes(i.id)}
              data-testid={`${testId}-${i.name}`}
              onChange={() => onToggle(i.id)}
            />
            {i.name} <span className="muted">{i.note}</span>
          </label>
        ))}
        {items.length === 0 && <span className="muted">None in this organisation.</span>}
      </div>
    </fieldset>
  );
}

const toggled = (list: string[], id: string) =>
  list.includes(id) ? list.filter((x) => x !== id) : [...list, id];

export function CampaignNew({
  onClose,
  onCreated,
}: {
  onClose: () => void;
  onCreated: (v: CampaignView) => void;
}) {
  const ui = useUi();
  const labels = useLabels();
  const groups = useGroups("user");
  const apps = useQuery({ queryKey: keys.apps, queryFn: () => unwrap(commands.appsList()) });
  const [name, setName] = useState(quarterName(new Date()));
  const [userGroups, setUserGroups] = useState<string[]>([]);
  const [appIds, setAppIds] = useState<string[]>([]);
  const [devices, setDevices] = useState<DeviceScope>("none");
  const [admins, setAdmins] = useState(false);
  const [timed, setTimed] = useState(false);
  const [mode, setMode] = useState<ReviewerMode>("admin");
  const [owners, setOwners] = useState<Record<string, string>>({});
  const [due, setDue] = useState(inDays(14));
  const [quarterly, setQuarterly] = useState(true);
  const groupItems = (groups.data ?? []).map((g) => ({
    id: g.group.id,
    name: g.group.name,
    note: `${g.members.toLocaleString()} members`,
  }));
  const appItems = (apps.data ?? []).map((a) => ({
    id: a.app.id,
    name: a.app.label || a.app.name,
    note: `${(a.users ?? 0).toLocaleString()} people`,
  }));
  const owned = [...groupItems, ...appItems].filter(
    (i) => userGroups.includes(i.id) || appIds.includes(i.id),
  );
  const create = () =>
    unwrap(
      commands.certifyCreate({
        name,
        scope: {
          user_groups: userGroups,
          apps: appIds,
          devices,
          admins,
          timed_grants: timed,
        },
        reviewer_mode: mode,
        owners: Object.fromEntries(owned.map((i) => [i.id, owners[i.id] ?? ""])),
        due,
        repeat_months: quarterly ? 3 : 0,
      }),
    ).then(onCreated, (e: Error) => ui.notify("error", e.message));
  return (
    <Modal title="New access review" onClose={onClose} testId="campaign-new" wide>
      <label className="field">
        Name
        <input
          className="input wide"
          value={name}
          data-testid="campaign-name"
          onChange={(e) => setName(e.target.value)}
        />
      </label>
      <div className="picks-row">
        <Picks
          title="User groups"
          items={groupItems}
          picked={userGroups}
          onToggle={(id) => setUserGroups((l) => toggled(l, id))}
          testId="campaign-groups"
        />
        <Picks
          title="Apps"
          items={appItems}
          picked={appIds}
          onToggle={(id) => setAppIds((l) => toggled(l, id))}
          testId="campaign-apps"
        />
      </div>
      <label className="field">
        Device access
        <select
          className="input"
          value={devices}
          data-testid="campaign-devices"
          onChange={(e) => setDevices(e.target.value as DeviceScope)}
        >
          {labels.deviceScopes.map((d) => (
            <option key={d} value={d}>
              {labels.deviceScope(d)}
            </option>
          ))}
        </select>
      </label>
      <label className="inline">
        <input
          type="checkbox"
          checked={admins}
          data-testid="campaign-admins"
          onChange={(e) => setAdmins(e.target.checked)}
        />
        Console administrators and their roles
      </label>
      <label className="inline">
        <input
          type="checkbox"
          checked={timed}
          data-testid="campaign-timed"
          onChange={(e) => setTimed(e.target.checked)}
        />
        Time-limited grants from access requests
      </label>
      <fieldset className="picks">
        <legend>Reviewers</legend>
        {labels.reviewerModes.map((m) => (
          <label key={m} className="inline">
            <input
              type="radio"
              name="reviewer-mode"
              checked={mode === m}
              data-testid={`campaign-reviewer-${m}`}
              onChange={() => setMode(m)}
            />
            <span className="cap">{labels.reviewerMode(m)}</span>
          </label>
        ))}
        {mode === "owner" &&
          owned.map((i) => (
            <label key={i.id} className="field">
              Owner of {i.name}
              <input
                className="input"
                type="email"
                placeholder="owner@company.com"
                value={owners[i.id] ?? ""}
                onChange={(e) => setOwners((o) => ({ ...o, [i.id]: e.target.value }))}
              />
            </label>
          ))}
        <p className="muted">
          Nobody reviews their own access: such a row goes to the admin, or needs a written reason.
        </p>
      </fieldset>
      <div className="picks-row">
        <label className="field">
          Due
          <input
            className="input"
            type="date"
            value={due}
            data-testid="campaign-due"
            onChange={(e) => setDue(e.target.value)}
          />
        </label>
        <label className="inline">
          <input
            type="checkbox"
            checked={quarterly}
            data-testid="campaign-quarterly"
            onChange={(e) => setQuarterly(e.target.checked)}
          />
          Repeat every quarter on the same scope
        </label>
      </div>
      <div className="modal-actions">
        <button type="button" className="btn" onClick={onClose}>
          Cancel
        </button>
        <button
          type="button"
          className="btn primary"
          data-testid="campaign-create"
          onClick={() => void create()}
        >
          Create
        </button>
      </div>
    </Modal>
  );
}
