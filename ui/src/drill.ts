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
};
