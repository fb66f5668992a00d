// What JumpCloud answered: status, time, the headers that matter, the JSON as a tree; copies
// of the call for the admin's own scripts (the key written as $JC_API_KEY); the answer saved
// as JSON or CSV (all of it, every page read).
import { useState } from "react";
import { commands, type ConsoleAnswer, type ConsoleRequest } from "../../bindings";
import { errorText, unwrap } from "../../api";
import { useUi } from "../../context";
import { JsonTree } from "../../components/JsonTree";

export function AnswerPane({
  answer,
  request,
}: {
  answer: ConsoleAnswer;
  request: ConsoleRequest;
}) {
  const ui = useUi();
  const [copy, setCopy] = useState<string | null>(null);
  const copyAs = async (format: "curl" | "powershell") => {
    try {
      const text = await unwrap(commands.consoleCopy(request, format));
      setCopy(text);
      await navigator.clipboard?.writeText(text).catch(() => undefined);
    } catch (e) {
      ui.notify("error", errorText(e));
    }
  };
  const save = async (format: "json" | "csv") => {
    try {
      const path = await unwrap(commands.consoleSave(format));
      if (path) ui.notify("ok", `Saved ${path}`);
    } catch (e) {
      ui.notify("error", errorText(e));
    }
  };
  return (
    <div className="console-answer" data-testid="console-answer">
      <div className="console-line">
        <span className={answer.ok ? "badge ok" : "badge bad"} data-testid="console-status">
          {answer.status ?? "no answer"}
        </span>
        <span className="muted">{answer.ms} ms</span>
        {answer.items !== null && (
          <span data-testid="console-items">
            {answer.items} items
            {answer.total !== null ? ` (JumpCloud's total: ${answer.total})` : ""}
          </span>
        )}
        <span className="grow" data-testid="console-message">
          {answer.message}
        </span>
        <button type="button" className="btn small" onClick={() => void copyAs("curl")}>
          Copy as curl
        </button>
        <button type="button" className="btn small" onClick={() => void copyAs("powershell")}>
          Copy as PowerShell
        </button>
        <button
          type="button"
          className="btn small"
          data-testid="console-save-json"
          onClick={() => void save("json")}
        >
          Save JSON…
        </button>
        <button
          type="button"
          className="btn small"
          data-testid="console-save-csv"
          onClick={() => void save("csv")}
        >
          Save CSV…
        </button>
      </div>
      {copy && (
        <pre className="console-copy" data-testid="console-copy">
          {copy}
        </pre>
      )}
      {answer.headers.length > 0 && (
        <table className="console-headers" data-testid="console-headers">
          <tbody>
            {answer.headers.map((h) => (
              <tr key={h.name}>
                <th>{h.name}</th>
                <td>{h.value}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {answer.truncated && (
        <p className="muted">The answer is longer than shown here; saving writes all of it.</p>
      )}
      {answer.body && <JsonTree text={answer.body} testId="console-json" />}
    </div>
  );
}
