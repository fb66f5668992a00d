// The sidebar's views and what each will hold. A view that is not built yet says so plainly.
export type ViewId =
  "users" | "groups" | "devices" | "apps" | "admins" | "checklists" | "reports" | "activity";

export interface ViewSpec {
  id: ViewId;
  label: string;
  /** One line on what the view is for. */
  purpose: string;
  /** What will be listed here once the view is built. */
  willShow: string[];
}

export const VIEWS: ViewSpec[] = [
  {
    id: "users",
    label: "Users",
    purpose: "Everyone in the organisation, searchable and filterable, from the local mirror.",
    willShow: [
      "State (active, staged, suspended), locked accounts and MFA enrolment",
      "Each person's groups, devices, apps and last login",
      "Suspend, activate, unlock, reset MFA, expire password",
    ],
  },
  {
    id: "groups",
    label: "Groups",
    purpose: "User groups and device groups with their members.",
    willShow: ["Members of each group", "Add and remove members, one at a time or in bulk"],
  },
  {
    id: "devices",
    label: "Devices",
    purpose: "Every device with its owner and security state.",
    willShow: [
      "Hostname, serial, model, OS and version, bound users",
      "Disk encryption (FileVault, BitLocker), MDM enrolment, last contact",
      "Lock, wipe, restart, shut down, with a native confirmation naming the device",
    ],
  },
  {
    id: "apps",
    label: "Apps",
    purpose: "SSO applications and who can reach them.",
    willShow: ["Each app's users and groups", "Who gained or lost access since the last sync"],
  },
  {
    id: "admins",
    label: "Admins",
    purpose: "Console administrators and their roles.",
    willShow: ["Each admin's role, MFA and suspension"],
  },
  {
    id: "checklists",
    label: "Checklists",
    purpose: "Offboarding, onboarding and access requests, run click by click.",
    willShow: [
      "Runs in progress, resumable after a restart",
      "Evidence reports (PDF and CSV) for finished runs",
    ],
  },
  {
    id: "reports",
    label: "Reports",
    purpose: "Inventory review: what you have, what is stale, unencrypted or unowned.",
    willShow: ["Stale and unencrypted devices", "What changed between two syncs"],
  },
  {
    id: "activity",
    label: "Activity",
    purpose: "The audit trail of every action taken from Rollcall.",
    willShow: ["Who did what to whom, when, and what JumpCloud answered"],
  },
];
