// What JumpCloud answered: status, time, the headers that matter, the JSON as a tree; copies
// of the call for the admin's own scripts (the key written as $JC_API_KEY); the answer saved
// as JSON or CSV (all of it, every page read).
import { useState } from "react";
import { commands, type ConsoleAnswer, type ConsoleRequest } from "../../bindings";
import { errorText, unwrap } from "../../api";
import { useUi } from "../../context";
import { JsonTree } from "../../components/JsonTree";
import { SaveButton } from "../../components/SaveButton";

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
        <SaveButton save={() => commands.consoleSave("json")} testId="console-save-json">
          Save JSON…
        </SaveButton>
        <SaveButton save={() => commands.consoleSave("csv")} testId="console-save-csv">
          Save CSV…
        </SaveButton>
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
