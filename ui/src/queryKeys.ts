// Every query key the front end uses, in one place, and what each kind of change in the org's
// file makes stale: a "cache changed" event refetches only the queries that show what changed.
import type { QueryClient } from "@tanstack/react-query";
import type { DataKind, GroupKind } from "./bindings";

export const keys = {
  appInfo: ["appInfo"] as const,
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
};

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

/** The queries (by the first part of their key) that show each kind of data. */
export const SHOWS: Record<Exclude<DataKind, "all">, Root[]> = {
  users: [
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

/** The roots a change of `kinds` makes stale (every data query for `all`). */
export function staleRoots(kinds: readonly DataKind[]): Set<string> {
  const all = kinds.includes("all");
  return new Set<string>(
    (Object.keys(SHOWS) as (keyof typeof SHOWS)[])
      .filter((k) => all || kinds.includes(k))
      .flatMap((k) => SHOWS[k]),
  );
}

/** After the org's file changed: refetch the queries that show what changed (visible ones
 * run now, the rest when next shown). */
export function invalidateFor(qc: QueryClient, kinds: readonly DataKind[]) {
  const roots = staleRoots(kinds);
  return qc.invalidateQueries({ predicate: (q) => roots.has(String(q.queryKey[0])) });
}
