import { commands, type ExportRequest } from "../bindings";
import { unwrap } from "../api";
import { useUi } from "../context";

/** CSV export of every row of the filtered view (Rust asks where to save). */
export function ExportButton({ request }: { request: ExportRequest }) {
  const ui = useUi();
  return (
    <button
      type="button"
      className="btn"
      data-testid="export-csv"
      onClick={() =>
        unwrap(commands.exportCsv(request)).then(
          (r) => r && ui.notify("ok", `Exported ${r[1].toLocaleString()} rows to ${r[0]}.`),
          (e: Error) => ui.notify("error", e.message),
        )
      }
    >
      Export CSV
    </button>
  );
}
