// The sidebar's views, in order.
export type ViewId =
  | "orgs"
  | "users"
  | "groups"
  | "devices"
  | "apps"
  | "admins"
  | "checklists"
  | "access"
  | "reports"
  | "console"
  | "insights"
  | "activity";

export const VIEWS: { id: ViewId; label: string }[] = [
  { id: "orgs", label: "All organisations" },
  { id: "users", label: "Users" },
  { id: "groups", label: "Groups" },
  { id: "devices", label: "Devices" },
  { id: "apps", label: "Apps" },
  { id: "admins", label: "Admins" },
  { id: "checklists", label: "Checklists" },
  { id: "access", label: "Access reviews" },
  { id: "reports", label: "Reports" },
  { id: "insights", label: "Directory Insights" },
  { id: "console", label: "API console" },
  { id: "activity", label: "Activity" },
];
