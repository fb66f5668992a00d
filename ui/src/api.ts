// Thin helpers over the generated bindings: commands return Result<T, AppError>; queries want
// a promise that rejects with the AppError, so the UI can switch on its `code`.
import { commands, type AppError, type AppInfo } from "./bindings";

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

export const queries = {
  appInfo: {
    queryKey: ["appInfo"] as const,
    queryFn: (): Promise<AppInfo> => unwrap(commands.appInfo()),
  },
};
