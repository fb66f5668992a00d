import { useState } from "react";
import { useQuery } from "@tanstack/react-query";
import { commands, type AuditEntry, type AuditStatus } from "../bindings";
import { unwrap } from "../api";
import { useUi, type PanelRef } from "../context";
import { when } from "../format";
import { useDebounced } from "../components/useDebounced";
import { keys } from "../queryKeys";
import { useLabels } from "../labels";

/** The panel of an action's target (a person or a device). */
function panelOf(a: AuditEntry): PanelRef {
  return { kind: a.target_kind === "system" ? "system" : "user", id: a.target_id };
}

export function ActivityView() {
  const [text, setText] = useState("");
  const [status, setStatus] = useState<AuditStatus | "">("");
  const debounced = useDebounced(text, 150);
  const q = useQuery({
    queryKey: keys.audit({ text: debounced, status }),
    queryFn: () =>
      unwrap(
        commands.auditList({
          target_id: null,
          action: null,
          status: status || null,
          text: debounced || null,
          limit: 1000,
          run_id: null,
        }),
      ),
    placeholderData: (p) => p,
  });
  return (
    <section className="view" data-testid="view-activity">
      <ActivityToolbar text={text} onText={setText} status={status} onStatus={setStatus} />
      <p className="muted">
        Every action sent from Rollcall for this organisation: intent recorded before the request,
        outcome after it.
      </p>
      <div className="simple-table activity" data-testid="activity-table">
        <div className="simple-row head">
          <span>When</span>
          <span>Action</span>
          <span>Target</span>
          <span>Outcome</span>
          <span>JumpCloud said</span>
          <span>By</span>
        </div>
        {q.data?.map((a) => (
          <ActivityRow key={a.id} a={a} />
        ))}
        {q.data?.length === 0 && (
          <p className="muted pad">
            No actions yet. Actions you take from a user&apos;s or device&apos;s panel appear here.
          </p>
        )}
      </div>
    </section>
  );
}

/** The view's toolbar: the text filter and the outcome. */
function ActivityToolbar({
  text,
  onText,
  status,
  onStatus,
}: {
  text: string;
  onText: (text: string) => void;
  status: AuditStatus | "";
  onStatus: (status: AuditStatus | "") => void;
}) {
  const labels = useLabels();
  return (
    <div className="toolbar">
      <h1>Activity</h1>
      <input
        className="input search"
        type="search"
        placeholder="Filter by target, action or message"
        aria-label="Filter activity"
        value={text}
        onChange={(e) => onText(e.target.value)}
      />
      <select
        className="input"
        aria-label="Outcome"
        value={status}
        data-testid="activity-status"
        onChange={(e) => onStatus(e.target.value as AuditStatus | "")}
      >
        <option value="">Any outcome</option>
        {labels.auditStatuses.map((s) => (
          <option key={s} value={s}>
            {labels.auditStatus(s)}
          </option>
        ))}
      </select>
    </div>
  );
}

/** One action: when, what, on whom (their panel a click away), how it ended, who sent it, and
 * the checklist it was part of. */
function ActivityRow({ a }: { a: AuditEntry }) {
  const ui = useUi();
  const labels = useLabels();
  return (
    <div className="simple-row" data-testid="activity-row">
      <span>{when(a.started_at)}</span>
      <span>{a.action}</span>
      <span>
        {(a.target_kind === "user" || a.target_kind === "system") && a.target_id ? (
          <button type="button" className="link" onClick={() => ui.open(panelOf(a))}>
            {a.target_label}
          </button>
        ) : (
          a.target_label
        )}
      </span>
      <span>
        <span className={`badge st-${a.status}`}>{labels.auditStatus(a.status)}</span>
        {a.http_status ? <span className="muted"> {a.http_status}</span> : null}
      </span>
      <span className="muted">{a.message}</span>
      <span className="muted">
        {a.operator}
        {a.run_id && (
          <>
            {" · "}
            <button
              type="button"
              className="link"
              data-testid="activity-run"
              onClick={() => ui.openRun(a.run_id ?? "")}
            >
              checklist
            </button>
          </>
        )}
      </span>
    </div>
  );
}
