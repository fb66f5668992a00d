// The API console: any JumpCloud operation, checked by Rust before anything is sent. Reads run
// at once; a call that changes something opens the native confirmation (Rust opens it) and is
// sent once, audited. The words, the checks and the rules are Rust's.
import { useEffect, useMemo, useState } from "react";
import { useQuery, useQueryClient } from "@tanstack/react-query";
import { Channel } from "@tauri-apps/api/core";
import {
  commands,
  type ApiOperation,
  type Checked,
  type ConsoleAnswer,
  type ConsoleRequest,
  type PageProgress,
  type QueryParam,
} from "../bindings";
import { CommandError, errorText, unwrap } from "../api";
import { useUi } from "../context";
import { keys } from "../queryKeys";
import { useDebounced } from "../components/useDebounced";
import { AnswerPane } from "./console/AnswerPane";
import { ConsoleHistory } from "./console/ConsoleHistory";
import { PathPicker } from "./console/PathPicker";

export function ConsoleView() {
  const [method, setMethod] = useState<string>("GET");
  const [path, setPath] = useState("/api/systemusers");
  const [query, setQuery] = useState<QueryParam[]>([]);
  const [body, setBody] = useState("");
  const [allPages, setAllPages] = useState(false);

  const catalog = useQuery({
    queryKey: keys.apiCatalog,
    queryFn: () => unwrap(commands.consoleCatalog()),
    staleTime: Infinity,
  });
  const writeBlock = useQuery({
    queryKey: keys.consoleWriteBlock,
    queryFn: () => unwrap(commands.consoleWriteBlock()),
  });
  const request: ConsoleRequest = useMemo(
    () => ({ method, path, query, body }),
    [method, path, query, body],
  );
  const checked = useChecked(request);
  const { send, sending, progress, answer, sendError } = useSend(request, allPages);
  const op = checked?.operation ?? null;
  const blockedWrite = checked?.changes ? writeBlock.data : null;
  const canSend = !!checked?.sendable && !blockedWrite && !sending;

  function choose(o: ApiOperation) {
    setMethod(o.method);
    setPath(o.path);
    setQuery([]);
    setBody(o.body === "none" ? "" : "{\n  \n}");
  }

  return (
    <section className="view console" data-testid="view-console">
      <div className="toolbar">
        <h1>API console</h1>
        <SpecsStatus catalog={catalog.data} />
      </div>
      <div className="console-form">
        <div className="console-line">
          <MethodAndPath
            method={method}
            path={path}
            operations={catalog.data?.operations ?? []}
            methods={catalog.data?.methods ?? [method]}
            onMethod={setMethod}
            onPath={setPath}
            onOperation={choose}
          />
          <label className="check">
            <input
              type="checkbox"
              data-testid="console-all-pages"
              checked={allPages && !!op && op.paging !== "none"}
              disabled={!op || op.paging === "none"}
              onChange={(e) => setAllPages(e.target.checked)}
            />
            All pages
          </label>
          <button
            type="button"
            className={checked?.changes ? "btn danger" : "btn primary"}
            data-testid="console-send"
            disabled={!canSend}
            title={blockedWrite ?? undefined}
            onClick={() => void send()}
          >
            {sending ? "Sending…" : checked?.changes ? `Send ${method}…` : "Send"}
          </button>
          {sending && (
            <button
              type="button"
              className="btn"
              data-testid="console-cancel"
              onClick={() => void commands.consoleCancel()}
            >
              Cancel
            </button>
          )}
        </div>
        <PathPicker path={path} onPath={setPath} />
        {op && <OperationHelp op={op} query={query} onQuery={setQuery} />}
        <QueryRows query={query} onQuery={setQuery} />
        {method !== "GET" && <BodyEditor body={body} onBody={setBody} />}
        <CheckResult checked={checked} blockedWrite={blockedWrite ?? null} />
        <SendStatus sending={sending} progress={progress} error={sendError} />
      </div>
      {answer && <AnswerPane answer={answer} request={request} />}
      <ConsoleHistory
        onRerun={(e) => {
          setMethod(e.method);
          setPath(e.path);
          setQuery([]);
          setBody(e.body);
        }}
      />
    </section>
  );
}

/** Rust's check of `request`, asked again once the admin stops typing. */
function useChecked(request: ConsoleRequest): Checked | null {
  const debounced = useDebounced(request, 250);
  const [checked, setChecked] = useState<Checked | null>(null);
  useEffect(() => {
    let live = true;
    void unwrap(commands.consoleCheck(debounced)).then(
      (c) => live && setChecked(c),
      () => live && setChecked(null),
    );
    return () => {
      live = false;
    };
  }, [debounced]);
  return checked;
}

/** Sending: the progress of "all pages", the answer, and what went wrong. */
function useSend(request: ConsoleRequest, allPages: boolean) {
  const ui = useUi();
  const qc = useQueryClient();
  const [progress, setProgress] = useState<PageProgress | null>(null);
  const [sending, setSending] = useState(false);
  const [answer, setAnswer] = useState<ConsoleAnswer | null>(null);
  const [sendError, setSendError] = useState<string | null>(null);
  async function send() {
    setSending(true);
    setSendError(null);
    setProgress(null);
    const ch = new Channel<PageProgress>();
    ch.onmessage = (p) => setProgress(p);
    try {
      const a = await unwrap(commands.consoleSend(request, allPages, ch));
      setAnswer(a);
      if (a.audit_id !== null) void qc.invalidateQueries({ queryKey: keys.auditAll });
    } catch (e) {
      const cancelled = e instanceof CommandError && e.code === "Cancelled";
      setSendError(errorText(e));
      if (!cancelled) ui.notify("error", errorText(e));
    } finally {
      setSending(false);
      void qc.invalidateQueries({ queryKey: keys.consoleHistory });
    }
  }
  return { send, sending, progress, answer, sendError };
}

/** The JSON body, as text (Rust checks it). */
function BodyEditor({ body, onBody }: { body: string; onBody: (b: string) => void }) {
  return (
    <textarea
      className="input console-body"
      aria-label="JSON body"
      data-testid="console-body"
      spellCheck={false}
      rows={8}
      value={body}
      onChange={(e) => onBody(e.target.value)}
    />
  );
}

/** How far "all pages" has read, and what went wrong. */
function SendStatus({
  sending,
  progress,
  error,
}: {
  sending: boolean;
  progress: PageProgress | null;
  error: string | null;
}) {
  return (
    <>
      {progress && sending && (
        <div className="console-progress" data-testid="console-progress">
          <progress value={progress.items} max={progress.total ?? undefined} />
          <span className="muted">
            {progress.pages} pages, {progress.items}
            {progress.total !== null ? ` of ${progress.total}` : ""} items
          </span>
        </div>
      )}
      {error && (
        <p className="error-text" data-testid="console-error" role="alert">
          {error}
        </p>
      )}
    </>
  );
}

/** The method and the path, the path completed from the published operations. */
function MethodAndPath({
  method,
  path,
  operations,
  methods,
  onMethod,
  onPath,
  onOperation,
}: {
  method: string;
  path: string;
  operations: ApiOperation[];
  /** The methods a call may use (Rust's list). */
  methods: string[];
  onMethod: (m: string) => void;
  onPath: (p: string) => void;
  onOperation: (o: ApiOperation) => void;
}) {
  return (
    <>
      <select
        aria-label="Method"
        data-testid="console-method"
        className="input"
        value={method}
        onChange={(e) => onMethod(e.target.value)}
      >
        {methods.map((m) => (
          <option key={m} value={m}>
            {m}
          </option>
        ))}
      </select>
      <input
        className="input grow"
        aria-label="Path"
        data-testid="console-path"
        list="console-operations"
        value={path}
        spellCheck={false}
        onChange={(e) => {
          const v = e.target.value;
          const hit = operations.find((o) => `${o.method} ${o.path}` === v);
          if (hit) onOperation(hit);
          else onPath(v);
        }}
      />
      <datalist id="console-operations">
        {operations.map((o) => (
          <option key={o.method + o.path} value={`${o.method} ${o.path}`}>
            {o.summary}
          </option>
        ))}
      </datalist>
    </>
  );
}

function SpecsStatus({
  catalog,
}: {
  catalog: { missing: string; sources: { title: string; version: string }[] } | undefined;
}) {
  const qc = useQueryClient();
  const ui = useUi();
  if (!catalog) return null;
  const load = async () => {
    try {
      const c = await unwrap(commands.consoleLoadSpecs());
      if (c) qc.setQueryData(keys.apiCatalog, c);
    } catch (e) {
      ui.notify("error", errorText(e));
    }
  };
  return (
    <div className="console-specs" data-testid="console-specs">
      {catalog.missing ? (
        <span className="muted">{catalog.missing}</span>
      ) : (
        <span className="muted">
          Checked against {catalog.sources.map((s) => `${s.title} ${s.version}`).join(", ")}
        </span>
      )}
      <button type="button" className="btn small" onClick={() => void load()}>
        Load API descriptions…
      </button>
    </div>
  );
}

function OperationHelp({
  op,
  query,
  onQuery,
}: {
  op: ApiOperation;
  query: QueryParam[];
  onQuery: (q: QueryParam[]) => void;
}) {
  const documented = op.params.filter((p) => p.location === "query");
  const unused = documented.filter((p) => !query.some((q) => q.name === p.name));
  return (
    <div className="console-op" data-testid="console-operation">
      <strong>{op.summary || op.id}</strong>{" "}
      <span className={op.changes ? "badge warn" : "badge"}>
        {op.changes ? "changes JumpCloud" : "reads only"}
      </span>
      {unused.length > 0 && (
        <div className="console-params">
          <span className="muted">Query parameters:</span>
          {unused.map((p) => (
            <button
              key={p.name}
              type="button"
              className="btn small"
              title={p.description}
              onClick={() => onQuery([...query, { name: p.name, value: p.choices[0] ?? "" }])}
            >
              + {p.name}
              {p.required ? " (required)" : ""}
            </button>
          ))}
        </div>
      )}
    </div>
  );
}

function QueryRows({
  query,
  onQuery,
}: {
  query: QueryParam[];
  onQuery: (q: QueryParam[]) => void;
}) {
  const set = (i: number, q: QueryParam) => onQuery(query.map((x, j) => (j === i ? q : x)));
  return (
    <div className="console-query">
      {query.map((q, i) => (
        <div key={i} className="console-line">
          <input
            className="input"
            aria-label="Parameter name"
            value={q.name}
            onChange={(e) => set(i, { ...q, name: e.target.value })}
          />
          <input
            className="input grow"
            aria-label={`Value of ${q.name}`}
            data-testid={`console-query-${q.name}`}
            value={q.value}
            onChange={(e) => set(i, { ...q, value: e.target.value })}
          />
          <button
            type="button"
            className="btn small"
            aria-label={`Remove ${q.name}`}
            onClick={() => onQuery(query.filter((_, j) => j !== i))}
          >
            ×
          </button>
        </div>
      ))}
      <button
        type="button"
        className="btn small"
        onClick={() => onQuery([...query, { name: "", value: "" }])}
      >
        + Query parameter
      </button>
    </div>
  );
}

function CheckResult({
  checked,
  blockedWrite,
}: {
  checked: Checked | null;
  blockedWrite: string | null;
}) {
  if (!checked) return null;
  return (
    <div className="console-check" data-testid="console-check">
      {checked.in_words && (
        <p data-testid="console-words">
          {checked.changes ? "Changes: " : "Reads: "}
          {checked.in_words}
        </p>
      )}
      {blockedWrite && (
        <p className="error-text" data-testid="console-write-block">
          {blockedWrite}
        </p>
      )}
      <ul className="console-issues">
        {checked.issues.map((i, n) => (
          <li
            key={n}
            className={i.blocking ? "error-text" : "muted"}
            data-testid={`console-issue-${i.place}`}
          >
            <strong>{i.place}</strong>: {i.message}
          </li>
        ))}
      </ul>
    </div>
  );
}
