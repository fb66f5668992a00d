// The sync's scope: mirror only the people of chosen user groups and the devices of chosen
// device groups (none chosen of a kind: all of that kind). The groups and the preview are read
// live from JumpCloud — a scoped copy does not hold the groups it left out. Saving starts a
// sync; what stays in scope keeps its history.
import { useEffect, useMemo, useState } from "react";
import { useQueryClient } from "@tanstack/react-query";
import { commands, type ScopeChoices, type ScopePreview, type SyncScope } from "../bindings";
import { unwrap } from "../api";
import { useUi } from "../context";
import { keys } from "../queryKeys";
import { Modal } from "./Modal";

/** "2 user groups, 1 device group" — what a scope limits the copy to. */
export function scopeText(s: SyncScope): string {
  const part = (n: number, what: string) => (n === 0 ? null : `${n} ${what}${n === 1 ? "" : "s"}`);
  return [part(s.user_groups.length, "user group"), part(s.system_groups.length, "device group")]
    .filter(Boolean)
    .join(", ");
}

/** The topbar note on every view of a scoped org: its counts cover the scope only. */
export function ScopeBanner({ scope, onChange }: { scope: SyncScope; onChange: () => void }) {
  return (
    <button
      type="button"
      className="btn small warn"
      data-testid="scope-banner"
      title="Counts, lists and reports cover only these groups. Click to change the scope."
      onClick={onChange}
    >
      Scoped copy: {scopeText(scope)} — counts cover these only
    </button>
  );
}

/** The status bar's entry to the scope (the whole org, or what it is limited to). */
export function ScopeItem({ scope, onOpen }: { scope: SyncScope | null; onOpen: () => void }) {
  return (
    <button
      type="button"
      className="btn small ghost"
      data-testid="scope-item"
      title="Which groups Rollcall copies from this organisation"
      onClick={onOpen}
    >
      {scope ? `Scope: ${scopeText(scope)}` : "Scope: whole organisation"}
    </button>
  );
}

function GroupList({
  title,
  groups,
  chosen,
  onToggle,
  testId,
}: {
  title: string;
  groups: { id: string; name: string }[];
  chosen: Set<string>;
  onToggle: (id: string) => void;
  testId: string;
}) {
  const [filter, setFilter] = useState("");
  const shown = groups.filter((g) => g.name.toLowerCase().includes(filter.toLowerCase()));
  return (
    <fieldset className="scope-list" data-testid={testId}>
      <legend>
        {title}{" "}
        <span className="muted">
          {chosen.size === 0 ? "(none chosen: all)" : `(${chosen.size} chosen)`}
        </span>
      </legend>
      <input
        className="input"
        placeholder={`Filter ${groups.length.toLocaleString()} groups`}
        value={filter}
        onChange={(e) => setFilter(e.target.value)}
      />
      <div className="scope-options">
        {shown.map((g) => (
          <label key={g.id} className="scope-option">
            <input
              type="checkbox"
              checked={chosen.has(g.id)}
              data-testid={`scope-group-${g.id}`}
              onChange={() => onToggle(g.id)}
            />
            {g.name || <span className="muted">(no name) {g.id}</span>}
          </label>
        ))}
        {shown.length === 0 && <p className="muted">No group matches.</p>}
      </div>
    </fieldset>
  );
}

/** Choose the scope, preview it, save it (then the caller syncs). */
export function ScopeDialog({
  onClose,
  onSaved,
  intro,
}: {
  onClose: () => void;
  onSaved: () => void;
  intro?: string;
}) {
  const { choices, error, users, setUsers, devices, setDevices } = useScopeChoices();
  const scope: SyncScope = useMemo(
    () => ({ user_groups: [...users], system_groups: [...devices] }),
    [users, devices],
  );
  const whole = users.size === 0 && devices.size === 0;
  const { preview, setPreview, busy, runPreview, save } = useScopeActions(scope, whole, () => {
    onSaved();
    onClose();
  });
  const toggle = (set: Set<string>, put: (s: Set<string>) => void) => (id: string) => {
    const next = new Set(set);
    if (next.has(id)) next.delete(id);
    else next.add(id);
    put(next);
    setPreview(null);
  };

  return (
    <Modal title="Which groups to copy" onClose={onClose} testId="scope-dialog" wide>
      <p className="muted">
        {intro ??
          "Rollcall copies the whole organisation unless you choose groups here. Choose user groups to copy only their members, device groups to copy only their devices."}
      </p>
      {error && (
        <p className="error-text" data-testid="scope-error">
          {error}
        </p>
      )}
      {!choices && !error && <p className="muted">Reading the groups from JumpCloud…</p>}
      {choices && (
        <div className="scope-grid">
          <GroupList
            title="User groups"
            groups={choices.user_groups}
            chosen={users}
            onToggle={toggle(users, setUsers)}
            testId="scope-user-groups"
          />
          <GroupList
            title="Device groups"
            groups={choices.system_groups}
            chosen={devices}
            onToggle={toggle(devices, setDevices)}
            testId="scope-device-groups"
          />
        </div>
      )}
      <PreviewText whole={whole} preview={preview} />
      <ScopeButtons
        ready={!!choices}
        whole={whole}
        busy={busy}
        onClose={onClose}
        onPreview={runPreview}
        onSave={save}
      />
    </Modal>
  );
}

/** Every group of the org, read live from JumpCloud (`error` when it does not answer), and the
 * user and device groups chosen (at first, the scope in force). */
function useScopeChoices() {
  const [choices, setChoices] = useState<ScopeChoices | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [users, setUsers] = useState<Set<string>>(new Set());
  const [devices, setDevices] = useState<Set<string>>(new Set());

  useEffect(() => {
    unwrap(commands.scopeChoices()).then(
      (c) => {
        setChoices(c);
        setUsers(new Set(c.scope.user_groups));
        setDevices(new Set(c.scope.system_groups));
      },
      (e: Error) => setError(`Choosing groups needs JumpCloud, which did not answer: ${e.message}`),
    );
  }, []);
  return { choices, error, users, setUsers, devices, setDevices };
}

/** Previewing `scope` (how many people and devices it holds) and saving it; `busy` is what is
 * under way. A save updates the status, says what happens next, then calls `onDone`. */
function useScopeActions(scope: SyncScope, whole: boolean, onDone: () => void) {
  const ui = useUi();
  const qc = useQueryClient();
  const [preview, setPreview] = useState<ScopePreview | null>(null);
  const [busy, setBusy] = useState<"" | "preview" | "save">("");

  const runPreview = () => {
    setBusy("preview");
    unwrap(commands.scopePreview(scope))
      .then(setPreview, (e: Error) => ui.notify("error", e.message))
      .finally(() => setBusy(""));
  };
  const save = () => {
    setBusy("save");
    unwrap(commands.scopeSet(scope))
      .then(
        (s) => {
          qc.setQueryData(keys.status, s);
          ui.notify(
            "ok",
            whole
              ? "Scope: the whole organisation. A sync is starting."
              : `Scope: ${scopeText(scope)}. A sync is starting; what stays in scope keeps its history.`,
          );
          onDone();
        },
        (e: Error) => ui.notify("error", e.message),
      )
      .finally(() => setBusy(""));
  };
  return { preview, setPreview, busy, runPreview, save };
}

/** What the chosen scope holds: the whole org, the preview's counts, or a prompt to preview. */
function PreviewText({ whole, preview }: { whole: boolean; preview: ScopePreview | null }) {
  const count = (n: number | null | undefined, what: string) =>
    n == null ? `all ${what}` : `${n.toLocaleString()} ${what}`;
  return (
    <p data-testid="scope-preview">
      {whole
        ? "The whole organisation: every person and every device."
        : preview
          ? `This scope holds ${count(preview.users, "people")} and ${count(preview.devices, "devices")}.`
          : "Preview to see how many people and devices this scope holds."}
    </p>
  );
}

/** Cancel, Preview (not for the whole org) and "Save and sync"; both wait for the groups. */
function ScopeButtons({
  ready,
  whole,
  busy,
  onClose,
  onPreview,
  onSave,
}: {
  ready: boolean;
  whole: boolean;
  busy: "" | "preview" | "save";
  onClose: () => void;
  onPreview: () => void;
  onSave: () => void;
}) {
  return (
    <div className="modal-actions">
      <button type="button" className="btn" onClick={onClose}>
        Cancel
      </button>
      <button
        type="button"
        className="btn"
        data-testid="scope-preview-run"
        disabled={!ready || whole || busy !== ""}
        onClick={onPreview}
      >
        {busy === "preview" ? "Counting…" : "Preview"}
      </button>
      <button
        type="button"
        className="btn primary"
        data-testid="scope-save"
        disabled={!ready || busy !== ""}
        onClick={onSave}
      >
        {busy === "save" ? "Saving…" : "Save and sync"}
      </button>
    </div>
  );
}
