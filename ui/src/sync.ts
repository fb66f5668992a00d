// Running a sync from the UI: progress arrives on a Channel; the first import of an org (or a
// due re-sync) starts by itself once per org per session.
import { useCallback, useEffect, useRef, useState } from "react";
import { Channel } from "@tauri-apps/api/core";
import { useQueryClient } from "@tanstack/react-query";
import { commands, type SyncProgress, type SyncReport } from "./bindings";
import { CommandError, unwrap, type OrgStatus } from "./api";
import { keys } from "./queryKeys";
import type { Labels } from "./labels";

export type Progress = SyncProgress;

/** What the admin is told when a sync finishes: its requests and time, the records kept with
 * fields it could not read, and the associations read object by object (Rust says why). */
export function finishedText(r: SyncReport): { kind: "ok" | "warn"; text: string } {
  const odd = r.counts.not_fully_read ?? 0;
  const byObject = r.notes.filter((n) => n.source.how === "object_by_object").map((n) => n.text);
  const text =
    `Sync finished: ${r.requests.toLocaleString()} requests in ${(r.elapsed_ms / 1000).toFixed(1)} s.` +
    (odd > 0
      ? ` ${odd === 1 ? "1 record" : `${odd} records`} could not be fully read (kept; see the status bar).`
      : "") +
    (byObject.length > 0 ? ` ${byObject.join(" ")}` : "");
  return { kind: odd > 0 ? "warn" : "ok", text };
}

/** How a failed sync is reported: a sync already running says nothing (the running one
 * reports), a cancel is a warning — saying so when it was the organisation the admin just
 * left (opening another stops its sync) —, anything else an error with Rust's message. */
export function failedNotice(
  e: unknown,
  leftOrg = false,
): { kind: "warn" | "error"; text: string } | null {
  if (e instanceof CommandError && e.code === "SyncRunning") return null;
  if (e instanceof CommandError && e.code === "Cancelled")
    return {
      kind: "warn",
      text: leftOrg
        ? "The sync of the organisation you left stopped when another was opened; its copy is unchanged and is synced again on its schedule."
        : e.message,
    };
  return { kind: "error", text: e instanceof Error ? e.message : String(e) };
}

export function useSync(
  status: OrgStatus | undefined,
  notify: (k: "ok" | "warn" | "error", t: string) => void,
  /** Hold the automatic first import (the admin is choosing a scope first). */
  hold = false,
) {
  const qc = useQueryClient();
  const [progress, setProgress] = useState<Progress | null>(null);
  const [running, setRunning] = useState(false);
  const tried = useRef(new Set<string>());

  // The org open now, read when a sync ends (opening another one stops the sync under way).
  const openOrg = useRef<string | undefined>(undefined);
  const orgId = status?.org?.id;
  useEffect(() => {
    openOrg.current = orgId;
  }, [orgId]);
  const start = useCallback(async () => {
    const startedIn = openOrg.current;
    setRunning(true);
    setProgress(null);
    const ch = new Channel<Progress>();
    ch.onmessage = (p) => setProgress(p);
    try {
      const done = finishedText(await unwrap(commands.syncStart(ch)));
      notify(done.kind, done.text);
    } catch (e) {
      const failed = failedNotice(e, startedIn !== openOrg.current);
      if (failed) notify(failed.kind, failed.text);
    } finally {
      setRunning(false);
      setProgress(null);
      void qc.invalidateQueries({ queryKey: keys.status });
    }
  }, [notify, qc]);

  const due = status?.sync_due ?? false;
  const offline = status?.connectivity !== undefined && typeof status.connectivity === "object";
  const busy = status?.syncing ?? false;
  useEffect(() => {
    if (hold || !orgId || !due || offline || busy || running || tried.current.has(orgId)) return;
    tried.current.add(orgId);
    void start();
  }, [hold, orgId, due, offline, busy, running, start]);

  const cancel = () => void commands.syncCancel();
  return { progress, running: running || busy, start, cancel };
}

/** One line for the progress bar, and the fraction done when known. */
export function describe(
  p: Progress | null,
  labels: Labels,
): { text: string; fraction: number | null } {
  if (!p) return { text: "Starting…", fraction: null };
  switch (p.type) {
    case "started":
      return { text: p.first_import ? "First import…" : "Syncing…", fraction: null };
    case "phase":
      return { text: `Reading ${labels.phase(p.phase)}…`, fraction: null };
    case "items": {
      const eta =
        p.eta_secs != null && p.eta_secs > 1 ? `, about ${Math.ceil(p.eta_secs)} s left` : "";
      return {
        text: `Reading ${labels.phase(p.phase)}: ${p.done.toLocaleString()} of ${p.total.toLocaleString()}${eta}`,
        fraction: p.total > 0 ? p.done / p.total : null,
      };
    }
    case "browsable":
      return { text: `Users and devices are browsable; reading the rest…`, fraction: null };
    case "finished":
      return { text: "Saving…", fraction: 1 };
  }
}
