// A figure of the Reports view opens the Users or Devices list filtered to exactly its rows.
// Rust builds the drills of the posture's figures and checks (`Drill` in the bindings); a
// chart's segment opens its own category with the same filters.
import type { DeviceFilter, Drill, UserFilter } from "./bindings";

export type { Drill, DeviceFilter, UserFilter };

/** A Users list drill. */
export function usersDrill(label: string, filter: Partial<UserFilter>): Drill {
  return {
    view: "users",
    label,
    filter: { states: [], locked: null, mfa: null, check: null, ...filter },
  };
}

/** A Devices list drill. */
export function devicesDrill(label: string, filter: Partial<DeviceFilter>): Drill {
  return {
    view: "devices",
    label,
    filter: {
      os: [],
      fde: null,
      mdm: null,
      stale_days: null,
      unbound: null,
      check: null,
      agent_version: null,
      os_version: null,
      ...filter,
    },
  };
}
