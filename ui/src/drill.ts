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

/** The list an agenda item's rows are in (its key is a posture figure's), if it has one. */
export function agendaDrill(key: string): Drill | null {
  const u = (label: string, filter: UserDrill): Drill => ({ view: "users", filter, label });
  const d = (label: string, filter: DeviceDrill): Drill => ({ view: "devices", filter, label });
  // A follow-up names the item it came from after a colon.
  const k = key.includes(": ") ? key.slice(key.lastIndexOf(": ") + 2) : key;
  switch (k) {
    case "mfa_adoption":
      return u("no MFA", { mfa: false, states: ["ACTIVATED"] });
    case "suspended_with_access":
      return u("suspended with access", { check: "suspended_with_access" });
    case "locked":
      return u("locked out", { locked: true });
    case "password_expired":
      return u("password expired", { check: "password_expired" });
    case "staged_old":
      return u("staged over 14 days", { check: "staged_old" });
    case "inactive":
      return u("no login in 90 days", { check: "inactive" });
    case "not_encrypted":
      return d("not encrypted", { fde: false });
    case "owned_by_suspended":
      return d("bound to a suspended person", { check: "owned_by_suspended" });
    case "silent":
      return d("silent > 30 days", { staleDays: 30 });
    case "behind":
      return d("behind the newest version", { check: "behind" });
    case "low_disk":
      return d("low free disk", { check: "low_disk" });
    default:
      return null;
  }
}
