// The org's checklist templates: add, remove, reorder and rename steps, set defaults (baseline
// groups, how long access lasts), save, put back as shipped, export and import as a file.
// Also the list of time-limited access grants, with one-click removal of those due.
import { useState } from "react";
import { useQuery, useQueryClient } from "@tanstack/react-query";
import {
  commands,
  type GroupRef,
  type GroupSummary,
  type StepKind,
  type StepKindInfo,
  type Template,
  type TemplateCatalog,
  type TemplateDefaults,
  type TemplateStep,
} from "../bindings";
import { unwrap, useGroups } from "../api";
import { useUi } from "../context";
import { invalidateFor, keys } from "../queryKeys";

export function useTemplates() {
  return useQuery({
    queryKey: keys.checklistTemplates,
    queryFn: () => unwrap(commands.checklistTemplates()),
  });
}

/** Refetches every checklist query (runs, a run, templates, grants). */
export function useRefreshChecklists() {
  const qc = useQueryClient();
  return () => invalidateFor(qc, ["checklists"]);
}

export function TemplateEditor(props: { catalog: TemplateCatalog; initial: string }) {
  const first = props.catalog.templates[0];
  return first ? <Editor {...props} first={first} /> : null;
}

/** The editor proper: the template being edited (from `catalog`), its steps and defaults. */
function Editor({
  catalog,
  initial,
  first,
}: {
  catalog: TemplateCatalog;
  initial: string;
  first: Template;
}) {
  const { id, source, draft, setDraft, pick } = useTemplateDraft(catalog, initial, first);
  const actions = useTemplateActions(draft, pick);
  const groups = useGroups("user");
  const kinds: StepKindInfo[] = catalog.kinds.filter((k) => k.bases.includes(draft.base));
  const steps = draft.steps;
  const setSteps = (s: typeof steps) => setDraft({ ...draft, steps: s });
  const setDefaults = (d: TemplateDefaults) =>
    setDraft({ ...draft, defaults: { ...draft.defaults, ...d } });

  return (
    <div className="template-editor" data-testid="template-editor">
      <div className="toolbar">
        <TemplatePicker templates={catalog.templates} value={id} onPick={pick} />
        <input
          className="input"
          aria-label="Template name"
          value={draft.name}
          onChange={(e) => setDraft({ ...draft, name: e.target.value })}
        />
        <TemplateActions {...actions} canReset={!!source.customised} />
      </div>
      <p className="muted small">
        Changes apply to runs started after you save; runs already started keep their steps.
        Exported files carry group names, so another organisation finds its own groups by name.
      </p>
      <StepList steps={steps} onChange={setSteps} />
      <AddStep kinds={kinds} allKinds={catalog.kinds} steps={steps} onChange={setSteps} />
      {draft.base === "onboarding" && (
        <BaselineGroups
          groups={groups.data}
          baseline={draft.defaults?.groups ?? []}
          onChange={(g) => setDefaults({ groups: g })}
        />
      )}
      {draft.base === "access_request" && (
        <ExpiryDays
          value={draft.defaults?.expiry_days ?? 30}
          onChange={(n) => setDefaults({ expiry_days: n })}
        />
      )}
    </div>
  );
}

/** Which template is being edited (`id`, its stored `source`) and the unsaved `draft` of it;
 * `pick` switches to another template, dropping the draft. */
function useTemplateDraft(catalog: TemplateCatalog, initial: string, first: Template) {
  const [id, setId] = useState(initial);
  const source = catalog.templates.find((t) => t.id === id) ?? first;
  const [draft, setDraft] = useState<Template>(structuredClone(source));
  const pick = (tid: string) => {
    setId(tid);
    const t = catalog.templates.find((x) => x.id === tid);
    if (t) setDraft(structuredClone(t));
  };
  return { id, source, draft, setDraft, pick };
}

/** Save, reset, export and import of the template `draft`; each reports in a notice and
 * refetches the checklists (then `pick`s the template to show, after a reset or import). */
function useTemplateActions(draft: Template, pick: (id: string) => void) {
  const ui = useUi();
  const refresh = useRefreshChecklists();
  const fail = (e: Error) => ui.notify("error", e.message);
  const save = () =>
    unwrap(commands.checklistTemplateSave(draft)).then(() => {
      ui.notify("ok", `Saved “${draft.name}” for this organisation. New runs use it.`);
      void refresh();
    }, fail);
  const reset = () =>
    unwrap(commands.checklistTemplateReset(draft.id)).then(() => {
      ui.notify(
        "ok",
        draft.base === draft.id
          ? `“${draft.name}” is back as shipped.`
          : `Removed your template “${draft.name}”.`,
      );
      void refresh().then(() => pick("offboarding"));
    }, fail);
  const exportFile = () =>
    unwrap(commands.checklistTemplateExport(draft.id)).then(
      (p) => p && ui.notify("ok", `Exported “${draft.name}” to ${p}.`),
      fail,
    );
  const importFile = () =>
    unwrap(commands.checklistTemplateImport()).then((r) => {
      if (!r) return;
      ui.notify(
        r.unmatched.length ? "warn" : "ok",
        `Imported “${r.template.name}”.` +
          (r.unmatched.length ? ` ${r.unmatched.join("; ")}.` : ""),
      );
      void refresh().then(() => pick(r.template.id));
    }, fail);
  return { save, reset, exportFile, importFile };
}

/** The choice of the template to edit. */
function TemplatePicker({
  templates,
  value,
  onPick,
}: {
  templates: Template[];
  value: string;
  onPick: (id: string) => void;
}) {
  return (
    <select
      className="input"
      aria-label="Template to edit"
      value={value}
      data-testid="edit-template"
      onChange={(e) => onPick(e.target.value)}
    >
      {templates.map((t) => (
        <option key={t.id} value={t.id}>
          {t.name}
          {t.customised ? " (edited)" : ""}
        </option>
      ))}
    </select>
  );
}

/** The Save, Reset, Export… and Import… buttons; Reset only when the org has its own version. */
function TemplateActions({
  canReset,
  save,
  reset,
  exportFile,
  importFile,
}: ReturnType<typeof useTemplateActions> & { canReset: boolean }) {
  return (
    <>
      <button type="button" className="btn primary" data-testid="template-save" onClick={save}>
        Save
      </button>
      <button
        type="button"
        className="btn"
        data-testid="template-reset"
        disabled={!canReset}
        title="Forget this organisation's changes"
        onClick={reset}
      >
        Reset
      </button>
      <button type="button" className="btn" data-testid="template-export" onClick={exportFile}>
        Export…
      </button>
      <button type="button" className="btn" data-testid="template-import" onClick={importFile}>
        Import…
      </button>
    </>
  );
}

/** The template's steps, each editable in place, movable and removable. */
function StepList({
  steps,
  onChange,
}: {
  steps: TemplateStep[];
  onChange: (s: TemplateStep[]) => void;
}) {
  const edit = (i: number, patch: Partial<TemplateStep>) =>
    onChange(steps.map((x, j) => (j === i ? { ...x, ...patch } : x)));
  const move = (i: number, d: -1 | 1) => {
    const s = [...steps];
    const [a, b] = [s[i], s[i + d]];
    if (!a || !b) return;
    s[i] = b;
    s[i + d] = a;
    onChange(s);
  };
  return (
    <ol className="template-steps" data-testid="template-steps">
      {steps.map((s, i) => (
        <StepRow
          key={i}
          step={s}
          index={i}
          last={i === steps.length - 1}
          onEdit={(patch) => edit(i, patch)}
          onMove={(d) => move(i, d)}
          onRemove={() => onChange(steps.filter((_, j) => j !== i))}
        />
      ))}
    </ol>
  );
}

/** One step of the template: its title, kind, whether it is optional, and its text (for the
 * kinds that have one). */
function StepRow({
  step: s,
  index: i,
  last,
  onEdit,
  onMove,
  onRemove,
}: {
  step: TemplateStep;
  index: number;
  last: boolean;
  onEdit: (patch: Partial<TemplateStep>) => void;
  onMove: (d: -1 | 1) => void;
  onRemove: () => void;
}) {
  return (
    <li data-testid={`tstep-${i}`}>
      <input
        className="input"
        aria-label={`Step ${i + 1} title`}
        value={s.title}
        onChange={(e) => onEdit({ title: e.target.value })}
      />
      <span className="muted small">{s.kind.replace(/_/g, " ")}</span>
      <label className="small">
        <input
          type="checkbox"
          checked={s.optional ?? false}
          onChange={(e) => onEdit({ optional: e.target.checked })}
        />{" "}
        optional
      </label>
      <StepButtons index={i} last={last} onMove={onMove} onRemove={onRemove} />
      {(s.kind === "instructions" || s.kind === "manual") && (
        <textarea
          className="input step-text"
          rows={2}
          placeholder={
            s.kind === "instructions"
              ? "Text to send; {name} and {email} are filled in"
              : "Optional hint shown in the step"
          }
          value={s.text ?? ""}
          onChange={(e) => onEdit({ text: e.target.value })}
        />
      )}
    </li>
  );
}

/** A step's move up, move down and remove buttons. */
function StepButtons({
  index: i,
  last,
  onMove,
  onRemove,
}: {
  index: number;
  last: boolean;
  onMove: (d: -1 | 1) => void;
  onRemove: () => void;
}) {
  return (
    <>
      <button
        type="button"
        className="btn ghost"
        aria-label="Move up"
        disabled={i === 0}
        onClick={() => onMove(-1)}
      >
        ↑
      </button>
      <button
        type="button"
        className="btn ghost"
        aria-label="Move down"
        disabled={last}
        onClick={() => onMove(1)}
      >
        ↓
      </button>
      <button
        type="button"
        className="btn ghost"
        aria-label="Remove step"
        data-testid={`tstep-${i}-remove`}
        onClick={onRemove}
      >
        ✕
      </button>
    </>
  );
}

/** Adds a step of one of `kinds` (those the template's base may hold) to `steps`. */
function AddStep({
  kinds,
  allKinds,
  steps,
  onChange,
}: {
  kinds: StepKindInfo[];
  allKinds: StepKindInfo[];
  steps: TemplateStep[];
  onChange: (s: TemplateStep[]) => void;
}) {
  const [adding, setAdding] = useState<StepKind | "">("");
  const add = () => {
    const k = kinds.find((x) => x.kind === adding);
    if (!k) return;
    const step = { kind: k.kind, title: k.title, optional: false, text: "" };
    // New steps go before a step that ends the run (the evidence report).
    const last = steps[steps.length - 1];
    const endsRun = allKinds.find((x) => x.kind === last?.kind)?.ends_run ?? false;
    const at = endsRun ? steps.length - 1 : steps.length;
    onChange([...steps.slice(0, at), step, ...steps.slice(at)]);
    setAdding("");
  };
  return (
    <div className="toolbar">
      <select
        className="input"
        aria-label="Step to add"
        value={adding}
        data-testid="tstep-kind"
        onChange={(e) => setAdding(e.target.value as StepKind | "")}
      >
        <option value="">Add a step…</option>
        {kinds.map((k) => (
          <option key={k.kind} value={k.kind}>
            {k.title}
          </option>
        ))}
      </select>
      <button
        type="button"
        className="btn"
        disabled={!adding}
        data-testid="tstep-add"
        onClick={add}
      >
        Add
      </button>
    </div>
  );
}

/** An onboarding's baseline groups: every user group, ticked when every new person joins it. */
function BaselineGroups({
  groups,
  baseline,
  onChange,
}: {
  groups: GroupSummary[] | undefined;
  baseline: GroupRef[];
  onChange: (g: GroupRef[]) => void;
}) {
  return (
    <fieldset className="defaults">
      <legend>Baseline groups (every new person joins these)</legend>
      <div className="check-list" data-testid="baseline-groups">
        {groups?.map((g) => (
          <label key={g.group.id}>
            <input
              type="checkbox"
              checked={baseline.some((b) => b.id === g.group.id)}
              onChange={(e) =>
                onChange(
                  e.target.checked
                    ? [...baseline, { id: g.group.id, name: g.group.name }]
                    : baseline.filter((b) => b.id !== g.group.id),
                )
              }
            />{" "}
            {g.group.name}
          </label>
        ))}
      </div>
    </fieldset>
  );
}

/** An access request's default length, in days (at least 1). */
function ExpiryDays({ value, onChange }: { value: number; onChange: (days: number) => void }) {
  return (
    <label className="defaults">
      Access lasts{" "}
      <input
        type="number"
        min={1}
        max={365}
        className="input narrow"
        value={value}
        onChange={(e) => onChange(Math.max(1, Number(e.target.value) || 1))}
      />{" "}
      days unless the admin picks another date
    </label>
  );
}

/** Time-limited access from access requests; those whose last day has come are due. */
export function Grants({ onRun }: { onRun: (id: string) => void }) {
  const ui = useUi();
  const refresh = useRefreshChecklists();
  const q = useQuery({
    queryKey: keys.checklistGrants,
    queryFn: () => unwrap(commands.checklistGrants()),
  });
  const [busy, setBusy] = useState("");
  if (!q.data || q.data.length === 0) return null;
  const due = q.data.filter((g) => g.due).length;
  return (
    <div className="grants" data-testid="grants">
      <h2>
        Time-limited access{" "}
        {due > 0 && (
          <span className="badge st-failed" data-testid="grants-due">
            {due} due for removal
          </span>
        )}
      </h2>
      <table className="simple">
        <thead>
          <tr>
            <th>Person</th>
            <th>Group</th>
            <th>Until</th>
            <th>Approval</th>
            <th />
          </tr>
        </thead>
        <tbody>
          {q.data.map((g) => (
            <tr key={g.run_id} className={g.due ? "due" : ""} data-testid={`grant-${g.run_id}`}>
              <td>
                <button type="button" className="link" onClick={() => onRun(g.run_id)}>
                  {g.user_label}
                </button>
              </td>
              <td>{g.group_name}</td>
              <td>
                {g.expires_on}
                {g.due && <b> — due for removal</b>}
              </td>
              <td className="muted small">{g.approval}</td>
              <td>
                <button
                  type="button"
                  className={g.due ? "btn primary" : "btn"}
                  disabled={busy !== ""}
                  data-testid={`grant-${g.run_id}-remove`}
                  onClick={() => {
                    setBusy(g.run_id);
                    unwrap(commands.checklistGrantRemove(g.run_id))
                      .then(
                        (m) => ui.notify("ok", m),
                        (e: Error) => ui.notify("error", e.message),
                      )
                      .finally(() => {
                        setBusy("");
                        void refresh();
                      });
                  }}
                >
                  {busy === g.run_id ? "Removing…" : "Remove now"}
                </button>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
