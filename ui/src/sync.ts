// Running a sync from the UI: progress arrives on a Channel; the first import of an org (or a
// due re-sync) starts by itself once per org per session.
import { useCallback, useEffect, useRef, useState } from "react";
import { Channel } from "@tauri-apps/api/core";
import { useQueryClient } from "@tanstack/react-query";
import { commands, type SyncProgress_Deserialize } from "./bindings";
import { CommandError, unwrap, type OrgStatus } from "./api";
import { keys } from "./queryKeys";

export type Progress = SyncProgress_Deserialize;

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

  const start = useCallback(async () => {
    setRunning(true);
    setProgress(null);
    const ch = new Channel<Progress>();
    ch.onmessage = (p) => setProgress(p);
    try {
      const r = await unwrap(commands.syncStart(ch));
      const odd = r.counts?.not_fully_read ?? 0;
      // A bulk report JumpCloud would not give (or that did not check out): the sync read those
      // associations one object at a time, which is slower but as complete. Say why.
      const byObject = (r.notes ?? []).filter((n) => n.includes("object by object"));
      notify(
        odd > 0 ? "warn" : "ok",
        `Sync finished: ${(r.requests ?? 0).toLocaleString()} requests in ${((r.elapsed_ms ?? 0) / 1000).toFixed(1)} s.` +
          (odd > 0
            ? ` ${odd === 1 ? "1 record" : `${odd} records`} could not be fully read (kept; see the status bar).`
            : "") +
          (byObject.length > 0 ? ` ${byObject.join(" ")}` : ""),
      );
    } catch (e) {
      if (e instanceof CommandError && e.code === "Cancelled") notify("warn", e.message);
      else if (!(e instanceof CommandError && e.code === "Conflict"))
        notify("error", e instanceof Error ? e.message : String(e));
    } finally {
      setRunning(false);
      setProgress(null);
      void qc.invalidateQueries({ queryKey: keys.status });
    }
  }, [notify, qc]);

  const orgId = status?.org?.id;
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
export function describe(p: Progress | null): { text: string; fraction: number | null } {
  if (!p) return { text: "Starting…", fraction: null };
  switch (p.type) {
    case "started":
      return { text: p.first_import ? "First import…" : "Syncing…", fraction: null };
    case "phase":
      return { text: `Reading ${p.phase}…`, fraction: null };
    case "items": {
      const done = p.done ?? 0;
      const total = p.total ?? 0;
      const eta =
        p.eta_secs != null && p.eta_secs > 1 ? `, about ${Math.ceil(p.eta_secs)} s left` : "";
      return {
        text: `Reading ${p.phase}: ${done.toLocaleString()} of ${total.toLocaleString()}${eta}`,
        fraction: total > 0 ? done / total : null,
      };
    }
    case "browsable":
      return { text: `Users and devices are browsable; reading the rest…`, fraction: null };
    case "finished":
      return { text: "Saving…", fraction: 1 };
  }
}
