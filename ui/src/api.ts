// Thin helpers over the generated bindings: commands return Result<T, AppError>; queries want
// a promise that rejects with the AppError, so the UI can switch on its `code`.
import { useQuery } from "@tanstack/react-query";
import { keys } from "./queryKeys";
import {
  commands,
  type AppError,
  type AppInfo,
  type GroupKind,
  type OrgStatus,
  type Vocabulary,
} from "./bindings";

export type {
  OrgStatus,
  OrgEntry,
  SnapshotInfo as Snapshot,
  UserRow,
  SystemRow,
  UserQuery,
  SystemQuery,
  UserDetail,
  SystemDetail,
  AuditEntry,
  ActionOption,
  ActionOutcome,
  GroupMembers,
} from "./bindings";

type Result<T, E> = { status: "ok"; data: T } | { status: "error"; error: E };

export class CommandError extends Error {
  readonly code: AppError["code"];
  constructor(err: AppError) {
    super(err.message);
    this.code = err.code;
  }
}

export async function unwrap<T>(result: Promise<Result<T, AppError>>): Promise<T> {
  const r = await result;
  if (r.status === "error") throw new CommandError(r.error);
  return r.data;
}

/** The message of any error, for display. */
export function errorText(e: unknown): string {
  if (e instanceof Error) return e.message;
  return String(e);
}

export const queries = {
  appInfo: {
    queryKey: keys.appInfo,
    queryFn: (): Promise<AppInfo> => unwrap(commands.appInfo()),
  },
  status: {
    queryKey: keys.status,
    queryFn: (): Promise<OrgStatus> => unwrap(commands.orgStatus()),
  },
  vocabulary: {
    queryKey: keys.vocabulary,
    queryFn: (): Promise<Vocabulary> => unwrap(commands.vocabulary()),
  },
};

/** The groups of `kind` (null for both) whose name matches `filter`; one cache entry per kind
 * and filter, shared by every view, panel and form that lists them. */
export function useGroups(kind: GroupKind | null, filter = "") {
  const f = filter.trim();
  return useQuery({
    queryKey: keys.groups(kind, f),
    queryFn: () => unwrap(commands.groupsList(kind, f || null)),
    placeholderData: (prev) => prev,
  });
}
