// Every query key the front end uses, and what each kind of change in the org's file makes
// stale: a "cache changed" event refetches the queries that show what changed (every query of
// the org's data after a sync), so every screen follows a sync without being reopened. A
// component never writes a key of its own: it takes one from `keys`.
import type { QueryClient } from "@tanstack/react-query";
import type { DataKind, GroupKind, ReportId } from "./bindings";

export const keys = {
  appInfo: ["appInfo"] as const,
  vocabulary: ["vocabulary"] as const,
  status: ["status"] as const,
  search: (text: string) => ["search", text] as const,
  users: (query: unknown) => ["users", query] as const,
  userFacets: (query: unknown) => ["userFacets", query] as const,
  user: (id: string) => ["user", id] as const,
  systems: (query: unknown) => ["systems", query] as const,
  systemFacets: (query: unknown, stale: unknown) => ["systemFacets", query, stale] as const,
  system: (id: string) => ["system", id] as const,
  groups: (kind: GroupKind | null, filter: string) => ["groups", kind ?? "both", filter] as const,
  groupMembers: (id: string) => ["groupMembers", id] as const,
  apps: ["apps"] as const,
  admins: ["admins"] as const,
  recordProblems: ["recordProblems"] as const,
  actions: (targetKind: string, id: string) => ["actions", targetKind, id] as const,
  actionsAll: ["actions"] as const,
  audit: (filter: unknown) => ["audit", filter] as const,
  checklistRuns: ["checklistRuns"] as const,
  checklistRun: (id: string) => ["checklistRun", id] as const,
  checklistTemplates: ["checklistTemplates"] as const,
  checklistGrants: ["checklistGrants"] as const,
  posture: (silentDays: number) => ["posture", silentDays] as const,
  postureTrends: ["postureTrends"] as const,
  syncHistory: ["syncHistory"] as const,
  syncDiff: (from: number | null, to: number | null) => ["syncDiff", from, to] as const,
  reportCatalogue: ["reportCatalogue"] as const,
  reportTable: (id: ReportId | null) => ["reportTable", id] as const,
  /** A report's rows as filtered and sorted on screen (paged from memory). */
  catalogueRows: (
    id: ReportId | null,
    asOf: string | null,
    filter: string,
    sort: string,
    desc: boolean,
  ) => ["catalogueRows", id, asOf, filter, sort, desc] as const,
  reviews: ["reviews"] as const,
  review: (id: number) => ["review", id] as const,
  campaigns: ["campaigns"] as const,
  campaign: (id: number) => ["campaign", id] as const,
  /** An access review's rows as filtered and sorted on screen (paged from memory). */
  campaignRows: (id: number, decidedAt: string, filter: string, sort: string, desc: boolean) =>
    ["campaignRows", id, decidedAt, filter, sort, desc] as const,
  /** Every audit query (a console call that changed something adds a row). */
  auditAll: ["audit"] as const,
  /** Whether a newer Rollcall is published (the app's, not an org's). */
  updates: ["updates"] as const,
  /** JumpCloud's published operations (the app's, not an org's). */
  apiCatalog: ["apiCatalog"] as const,
  consoleHistory: ["consoleHistory"] as const,
  consoleWriteBlock: ["consoleWriteBlock"] as const,
  eventArchive: ["eventArchive"] as const,
  eventSaved: ["eventSaved"] as const,
  events: (filter: unknown, source: string) => ["events", filter, source] as const,
  eventCount: (filter: unknown, source: string) => ["eventCount", filter, source] as const,
  eventHistogram: (filter: unknown, source: string) => ["eventHistogram", filter, source] as const,
  eventDistinct: (filter: unknown, source: string, field: string) =>
    ["eventDistinct", filter, source, field] as const,
  lastLogin: (username: string) => ["lastLogin", username] as const,
  /** Every org's figures (each org's own file). */
  fleetOverview: ["fleetOverview"] as const,
  /** A search in every org but the open one. */
  crossSearch: (text: string) => ["crossSearch", text] as const,
};

/** Queries that read every org's file: a change in any org makes them stale. */
export const EVERY_ORG: Root[] = ["fleetOverview", "crossSearch"];

/** The first part of every key above. */
type Root = (typeof keys)[keyof typeof keys] extends infer K
  ? K extends readonly unknown[]
    ? K[0]
    : K extends (...a: never[]) => infer R
      ? R extends readonly unknown[]
        ? R[0]
        : never
      : never
  : never;

/** One page of a paged table's query: its key, then the page (it starts with the table's key,
 * so it goes stale with it). */
export function pageKey(table: readonly unknown[], page: number) {
  return [...table, "page", page] as const;
}

/** Queries a change in the org's file does not move: Rust's words, the app, the catalogue's
 * list, and the status (which follows its own "status changed" event). */
export const NOT_ORG_DATA: Root[] = [
  "appInfo",
  "vocabulary",
  "reportCatalogue",
  "status",
  "apiCatalog",
  "updates",
];

/** The queries (by the first part of their key) that show each kind of data. A sync changes
 * everything ("all"): every query but `NOT_ORG_DATA`. */
export const SHOWS: Record<Exclude<DataKind, "all">, Root[]> = {
  users: [
    "posture",
    "reportTable",
    "catalogueRows",
    "users",
    "userFacets",
    "user",
    "system",
    "search",
    "groupMembers",
    "apps",
    "admins",
    "actions",
    "recordProblems",
  ],
  systems: [
    "posture",
    "reportTable",
    "catalogueRows",
    "systems",
    "systemFacets",
    "system",
    "user",
    "search",
    "groupMembers",
    "actions",
    "recordProblems",
  ],
  groups: [
    "posture",
    "reportTable",
    "catalogueRows",
    "groups",
    "groupMembers",
    "users",
    "userFacets",
    "systems",
    "systemFacets",
    "user",
    "system",
    "apps",
    "search",
  ],
  audit: ["audit"],
  checklists: ["checklistRuns", "checklistRun", "checklistTemplates", "checklistGrants"],
};

/** Every root of `keys`. */
export const ROOTS: Root[] = Object.values(keys).map((k) =>
  typeof k === "function" ? (k as (...a: never[]) => readonly unknown[])()[0] : k[0],
) as Root[];

/** The roots a change of `kinds` makes stale (for `all`, every root of the org's data). */
export function staleRoots(kinds: readonly DataKind[]): Set<string> {
  if (kinds.includes("all")) return new Set<string>(ROOTS.filter((r) => !NOT_ORG_DATA.includes(r)));
  return new Set<string>(
    (Object.keys(SHOWS) as (keyof typeof SHOWS)[])
      .filter((k) => kinds.includes(k))
      .flatMap((k) => SHOWS[k]),
  );
}

/** After org `orgId`'s file changed: refetch the queries that show what changed (visible ones
 * run now, the rest when next shown) — for another org than the open one (`openOrgId`), only
 * the queries over every org. */
export function invalidateFor(
  qc: QueryClient,
  kinds: readonly DataKind[],
  orgId?: string,
  openOrgId?: string,
) {
  const other = orgId !== undefined && orgId !== openOrgId;
  const roots = other ? new Set<string>(EVERY_ORG) : staleRoots(kinds);
  for (const r of EVERY_ORG) roots.add(r);
  return qc.invalidateQueries({ predicate: (q) => roots.has(String(q.queryKey[0])) });
}
