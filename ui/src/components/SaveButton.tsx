// A button that saves a file through Rust (which asks where, in the native save dialog) and
// says where it went, or what went wrong.
import type { ReactNode } from "react";
import { errorText, unwrap } from "../api";
import { useUi } from "../context";
import type { AppError } from "../bindings";

type Result<T> = { status: "ok"; data: T } | { status: "error"; error: AppError };

export function SaveButton({
  save,
  testId,
  children,
}: {
  /** The command: the saved file's path, or null when the admin cancelled the dialog. */
  save: () => Promise<Result<string | null>>;
  testId: string;
  children: ReactNode;
}) {
  const ui = useUi();
  const run = async () => {
    try {
      const path = await unwrap(save());
      if (path) ui.notify("ok", `Saved ${path}`);
    } catch (e) {
      ui.notify("error", errorText(e));
    }
  };
  return (
    <button type="button" className="btn small" data-testid={testId} onClick={() => void run()}>
      {children}
    </button>
  );
}
