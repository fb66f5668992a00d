// The org's checklist templates: add, remove, reorder and rename steps, set defaults (baseline
// groups, how long access lasts), save, put back as shipped, export and import as a file.
// Also the list of time-limited access grants, with one-click removal of those due.
import { useState } from "react";
import { useQuery, useQueryClient } from "@tanstack/react-query";
import {
  commands,
  type StepKind,
  type StepKindInfo,
  type Template,
  type TemplateCatalog,
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

function Editor({
  catalog,
  initial,
  first,
}: {
  catalog: TemplateCatalog;
  initial: string;
  first: Template;
}) {
  const ui = useUi();
  const refresh = useRefreshChecklists();
  const [id, setId] = useState(initial);
  const source = catalog.templates.find((t) => t.id === id) ?? first;
  const [draft, setDraft] = useState<Template>(structuredClone(source));
  const [adding, setAdding] = useState<StepKind | "">("");
  const groups = useGroups("user");
  const pick = (tid: string) => {
    setId(tid);
    const t = catalog.templates.find((x) => x.id === tid);
    if (t) setDraft(structuredClone(t));
  };
  const kinds: StepKindInfo[] = catalog.kinds.filter((k) => k.bases.includes(draft.base));
  const steps = draft.steps;
  const setSteps = (s: typeof steps) => setDraft({ ...draft, steps: s });
  const move = (i: number, d: -1 | 1) => {
    const s = [...steps];
    const [a, b] = [s[i], s[i + d]];
    if (!a || !b) return;
    s[i] = b;
    s[i + d] = a;
    setSteps(s);
  };
  const fail = (e: Error) => ui.notify("error", e.message);
  const save = () =>
    unwrap(commands.checklistTemplateSave(draft)).then(() => {
      ui.notify("ok", `Saved “${draft.name}” for this organisation. New runs use it.`);
      void refresh();
    }, fail);
  const baseline = draft.defaults?.groups ?? [];

  return (
    <div className="template-editor" data-testid="template-editor">
      <div className="toolbar">
        <select
          className="input"
          aria-label="Template to edit"
          value={id}
          data-testid="edit-template"
          onChange={(e) => pick(e.target.value)}
        >
          {catalog.templates.map((t) => (
            <option key={t.id} value={t.id}>
              {t.name}
              {t.customised ? " (edited)" : ""}
            </option>
          ))}
        </select>
        <input
          className="input"
          aria-label="Template name"
          value={draft.name}
          onChange={(e) => setDraft({ ...draft, name: e.target.value })}
        />
        <button type="button" className="btn primary" data-testid="template-save" onClick={save}>
          Save
        </button>
        <button
          type="button"
          className="btn"
          data-testid="template-reset"
          disabled={!source.customised}
          title="Forget this organisation's changes"
          onClick={() =>
            unwrap(commands.checklistTemplateReset(draft.id)).then(() => {
              ui.notify(
                "ok",
                draft.base === draft.id
                  ? `“${draft.name}” is back as shipped.`
                  : `Removed your template “${draft.name}”.`,
              );
              void refresh().then(() => pick("offboarding"));
            }, fail)
          }
        >
          Reset
        </button>
        <button
          type="button"
          className="btn"
          data-testid="template-export"
          onClick={() =>
            unwrap(commands.checklistTemplateExport(draft.id)).then(
              (p) => p && ui.notify("ok", `Exported “${draft.name}” to ${p}.`),
              fail,
            )
          }
        >
          Export…
        </button>
        <button
          type="button"
          className="btn"
          data-testid="template-import"
          onClick={() =>
            unwrap(commands.checklistTemplateImport()).then((r) => {
              if (!r) return;
              ui.notify(
                r.unmatched.length ? "warn" : "ok",
                `Imported “${r.template.name}”.` +
                  (r.unmatched.length ? ` ${r.unmatched.join("; ")}.` : ""),
              );
              void refresh().then(() => pick(r.template.id));
            }, fail)
          }
        >
          Import…
        </button>
      </div>
      <p className="muted small">
        Changes apply to runs started after you save; runs already started keep their steps.
        Exported files carry group names, so another organisation finds its own groups by name.
      </p>
      <ol className="template-steps" data-testid="template-steps">
        {steps.map((s, i) => (
          <li key={i} data-testid={`tstep-${i}`}>
            <input
              className="input"
              aria-label={`Step ${i + 1} title`}
              value={s.title}
              onChange={(e) =>
                setSteps(steps.map((x, j) => (j === i ? { ...x, title: e.target.value } : x)))
              }
            />
            <span className="muted small">{s.kind.replace(/_/g, " ")}</span>
            <label className="small">
              <input
                type="checkbox"
                checked={s.optional ?? false}
                onChange={(e) =>
                  setSteps(
                    steps.map((x, j) => (j === i ? { ...x, optional: e.target.checked } : x)),
                  )
                }
              />{" "}
              optional
            </label>
            <button
              type="button"
              className="btn ghost"
              aria-label="Move up"
              disabled={i === 0}
              onClick={() => move(i, -1)}
            >
              ↑
            </button>
            <button
              type="button"
              className="btn ghost"
              aria-label="Move down"
              disabled={i === steps.length - 1}
              onClick={() => move(i, 1)}
            >
              ↓
            </button>
            <button
              type="button"
              className="btn ghost"
              aria-label="Remove step"
              data-testid={`tstep-${i}-remove`}
              onClick={() => setSteps(steps.filter((_, j) => j !== i))}
            >
              ✕
            </button>
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
                onChange={(e) =>
                  setSteps(steps.map((x, j) => (j === i ? { ...x, text: e.target.value } : x)))
                }
              />
            )}
          </li>
        ))}
      </ol>
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
          onClick={() => {
            const k = kinds.find((x) => x.kind === adding);
            if (!k) return;
            const step = { kind: k.kind, title: k.title, optional: false, text: "" };
            // New steps go before a step that ends the run (the evidence report).
            const last = steps[steps.length - 1];
            const endsRun = catalog.kinds.find((x) => x.kind === last?.kind)?.ends_run ?? false;
            const at = endsRun ? steps.length - 1 : steps.length;
            setSteps([...steps.slice(0, at), step, ...steps.slice(at)]);
            setAdding("");
          }}
        >
          Add
        </button>
      </div>
      {draft.base === "onboarding" && (
        <fieldset className="defaults">
          <legend>Baseline groups (every new person joins these)</legend>
          <div className="check-list" data-testid="baseline-groups">
            {groups.data?.map((g) => (
              <label key={g.group.id}>
                <input
                  type="checkbox"
                  checked={baseline.some((b) => b.id === g.group.id)}
                  onChange={(e) =>
                    setDraft({
                      ...draft,
                      defaults: {
                        ...draft.defaults,
                        groups: e.target.checked
                          ? [...baseline, { id: g.group.id, name: g.group.name }]
                          : baseline.filter((b) => b.id !== g.group.id),
                      },
                    })
                  }
                />{" "}
                {g.group.name}
              </label>
            ))}
          </div>
        </fieldset>
      )}
      {draft.base === "access_request" && (
        <label className="defaults">
          Access lasts{" "}
          <input
            type="number"
            min={1}
            max={365}
            className="input narrow"
            value={draft.defaults?.expiry_days ?? 30}
            onChange={(e) =>
              setDraft({
                ...draft,
                defaults: {
                  ...draft.defaults,
                  expiry_days: Math.max(1, Number(e.target.value) || 1),
                },
              })
            }
          />{" "}
          days unless the admin picks another date
        </label>
      )}
    </div>
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
