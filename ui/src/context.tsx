// App-wide UI state: which detail panel is open, notices, and the org status.
import { createContext, useContext } from "react";
import type { OrgStatus } from "./api";
import type { Drill } from "./drill";

export type PanelRef = { kind: "user" | "system" | "group"; id: string };

export interface Notice {
  id: number;
  kind: "ok" | "warn" | "error";
  text: string;
  /** How many times the same notice came in a row (shown as ×N). */
  count: number;
}

export interface Ui {
  panel: PanelRef | null;
  open: (p: PanelRef) => void;
  close: () => void;
  notify: (kind: Notice["kind"], text: string) => void;
  status: OrgStatus | undefined;
  /** Shows a checklist run in the Checklists view. */
  openRun: (runId: string) => void;
  /** Opens the Users or Devices list filtered to a figure's rows. */
  drill: (d: Drill) => void;
  /** Opens another connected org (every query follows it). */
  switchOrg: (orgId: string) => Promise<void>;
  /** Opens a panel of org `orgId` (just switched to: `open` still belongs to the old one). */
  openIn: (orgId: string, p: PanelRef) => void;
}

export const UiContext = createContext<Ui | null>(null);

export function useUi(): Ui {
  const ui = useContext(UiContext);
  if (!ui) throw new Error("useUi outside UiContext");
  return ui;
}
