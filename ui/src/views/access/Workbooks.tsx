// Reviewers who are not at the admin's desk: a workbook of one reviewer's rows to send them,
// and reading it back — Rust checks it belongs to this review, that no frozen cell changed and
// that each decision is valid, and says row by row what it refused.
import { useState } from "react";
import { useQueryClient } from "@tanstack/react-query";
import { commands, type CampaignView, type ImportReport } from "../../bindings";
import { unwrap } from "../../api";
import { useUi } from "../../context";
import { keys } from "../../queryKeys";

export function Workbooks({ v }: { v: CampaignView }) {
  const ui = useUi();
  const qc = useQueryClient();
  const reviewers = [...new Set(v.rows.map((r) => r.row.reviewer))].sort();
  const [reviewer, setReviewer] = useState(reviewers[0] ?? "");
  const [report, setReport] = useState<ImportReport | null>(null);
  const id = v.campaign.id;
  const save = () =>
    unwrap(commands.certifyWorkbookExport(id, reviewer)).then(
      (x) =>
        x &&
        ui.notify(
          "ok",
          `Exported ${x[1].toLocaleString()} rows for ${reviewer || "every reviewer"} to ${x[0]}.`,
        ),
      (e: Error) => ui.notify("error", e.message),
    );
  const load = () =>
    unwrap(commands.certifyWorkbookImport(id)).then(
      (r) => {
        if (!r) return;
        setReport(r);
        void qc.invalidateQueries({ queryKey: keys.campaign(id) });
        void qc.invalidateQueries({ queryKey: keys.campaigns });
        ui.notify(
          r.refused.length > 0 ? "error" : "ok",
          `Imported ${r.accepted} decision${r.accepted === 1 ? "" : "s"} from ${r.reviewer || "the workbook"}; ${r.refused.length} refused.`,
        );
      },
      (e: Error) => ui.notify("error", e.message),
    );
  return (
    <section className="workbooks" data-testid="workbooks">
      <h3>Reviewers without Rollcall</h3>
      <div className="toolbar">
        <select
          className="input"
          aria-label="Reviewer"
          data-testid="workbook-reviewer"
          value={reviewer}
          onChange={(e) => setReviewer(e.target.value)}
        >
          {reviewers.map((r) => (
            <option key={r} value={r}>
              {r} ({v.rows.filter((x) => x.row.reviewer === r).length} rows)
            </option>
          ))}
        </select>
        <button
          type="button"
          className="btn"
          data-testid="workbook-export"
          onClick={() => void save()}
        >
          Export their workbook…
        </button>
        <button
          type="button"
          className="btn"
          data-testid="workbook-import"
          onClick={() => void load()}
        >
          Import a returned workbook…
        </button>
      </div>
      <p className="muted">
        The workbook locks the context columns; the reviewer fills Decision (keep, revoke or defer),
        Reason, and a deferral&apos;s owner and date. A hidden sheet names this review and the hash
        of its rows.
      </p>
      {report && (
        <div className="callout" data-testid="workbook-report">
          <p>
            From {report.reviewer || "the workbook"}: {report.accepted} accepted, {report.blank}{" "}
            left empty, {report.refused.length} refused. File SHA-256{" "}
            <code>{report.file_sha256}</code>
          </p>
          {report.refused.length > 0 && (
            <ul>
              {report.refused.map((l) => (
                <li key={l} data-testid="workbook-refused">
                  {l}
                </li>
              ))}
            </ul>
          )}
        </div>
      )}
    </section>
  );
}
