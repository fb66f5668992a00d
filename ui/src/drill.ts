// A figure of the Reports view opens the Users or Devices list filtered to exactly its rows:
// the drill says which list and which filters.
import type { DeviceCheck, UserCheck } from "./bindings";

export interface UserDrill {
  states?: string[];
  locked?: boolean;
  mfa?: boolean;
  check?: UserCheck;
}

export interface DeviceDrill {
  os?: string[];
  fde?: boolean;
  mdm?: boolean;
  staleDays?: number;
  unbound?: boolean;
  check?: DeviceCheck;
  agentVersion?: string;
  osVersion?: string;
}

export type Drill =
  | { view: "users"; filter: UserDrill; label: string }
  | { view: "devices"; filter: DeviceDrill; label: string };

export const USER_CHECK_LABEL: Record<UserCheck, string> = {
  password_expired: "Password expired",
  password_expiring: "Password expires within 14 days",
  staged_old: "Staged more than 14 days",
  suspended_with_access: "Suspended but still with access",
  inactive: "No login in 90 days",
};

export const DEVICE_CHECK_LABEL: Record<DeviceCheck, string> = {
  behind: "Behind the newest OS version",
  owned_by_suspended: "Bound to a suspended person",
  low_disk: "Less than 10% of the disk free",
};

/** The posture checks a review's agenda names, and the list each one's rows are in. */
export type CheckKey =
  | "mfa_adoption"
  | "suspended_with_access"
  | "locked"
  | "password_expired"
  | "staged_old"
  | "inactive"
  | "not_encrypted"
  | "owned_by_suspended"
  | "silent"
  | "behind"
  | "low_disk";

const u = (label: string, filter: UserDrill): Drill => ({ view: "users", filter, label });
const d = (label: string, filter: DeviceDrill): Drill => ({ view: "devices", filter, label });

export const CHECK_DRILL: Record<CheckKey, Drill> = {
  mfa_adoption: u("no MFA", { mfa: false, states: ["ACTIVATED"] }),
  suspended_with_access: u("suspended with access", { check: "suspended_with_access" }),
  locked: u("locked out", { locked: true }),
  password_expired: u("password expired", { check: "password_expired" }),
  staged_old: u("staged over 14 days", { check: "staged_old" }),
  inactive: u("no login in 90 days", { check: "inactive" }),
  not_encrypted: d("not encrypted", { fde: false }),
  owned_by_suspended: d("bound to a suspended person", { check: "owned_by_suspended" }),
  silent: d("silent > 30 days", { staleDays: 30 }),
  behind: d("behind the newest version", { check: "behind" }),
  low_disk: d("low free disk", { check: "low_disk" }),
};

/** The list an agenda item's rows are in (its key is a posture check's), if it has one. */
export function agendaDrill(key: string): Drill | null {
  // A follow-up names the item it came from after a colon.
  const k = key.includes(": ") ? key.slice(key.lastIndexOf(": ") + 2) : key;
  return Object.hasOwn(CHECK_DRILL, k) ? CHECK_DRILL[k as CheckKey] : null;
}
