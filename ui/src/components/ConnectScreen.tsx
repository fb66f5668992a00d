// Connecting an organisation: key (masked), org ID for multi-tenant keys, region; "Test
// connection" reports what is wrong in words; "Connect" stores the key in the OS keyring.
import { useState } from "react";
import { useQueryClient } from "@tanstack/react-query";
import { commands, type ConnectInput, type ConnectionCheck, type RegionName } from "../bindings";
import { unwrap } from "../api";

interface Props {
  onCancel?: () => void;
  /** Connected; `chooseScope`: the admin asked to choose groups before the first import. */
  onConnected?: (chooseScope: boolean) => void;
  notify: (k: "ok" | "warn" | "error", t: string) => void;
}

export function ConnectScreen({ onCancel, onConnected, notify }: Props) {
  const [apiKey, setApiKey] = useState("");
  const [orgId, setOrgId] = useState("");
  const [region, setRegion] = useState<RegionName>("US");
  const [baseUrl, setBaseUrl] = useState("");
  const [scopeFirst, setScopeFirst] = useState(false);
  const input: ConnectInput = { api_key: apiKey, org_id: orgId, region, base_url: baseUrl };
  const { busy, result, error, act } = useConnect({
    input,
    scopeFirst,
    clearKey: () => setApiKey(""),
    onCancel,
    onConnected,
    notify,
  });

  return (
    <div className="connect" data-testid="connect-screen">
      <div className="connect-card">
        <h1>Connect a JumpCloud organisation</h1>
        <p className="muted">
          Rollcall keeps a local copy of the organisation so you can search and review it instantly,
          even offline. The API key is stored only in this computer&apos;s credential store.
        </p>
        <KeyFields
          apiKey={apiKey}
          onApiKey={setApiKey}
          orgId={orgId}
          onOrgId={setOrgId}
          region={region}
          onRegion={setRegion}
        />
        <ScopeFirstOption checked={scopeFirst} onChange={setScopeFirst} />
        <AdvancedAddress baseUrl={baseUrl} onChange={setBaseUrl} />
        {error && (
          <div className="callout bad" role="alert" data-testid="connect-error">
            {error}
          </div>
        )}
        {result && <CheckResult result={result} onAddAll={() => void act("connect-all")} />}
        <ConnectActions busy={busy} canSend={!!apiKey} act={act} onCancel={onCancel} />
        <DemoBox busy={busy} act={act} />
      </div>
    </div>
  );
}

type Action = "test" | "connect" | "connect-all" | "demo";

/** Testing the connection, connecting, or opening the demo: what is under way (`busy`), the
 * test's `result`, or the `error` in words. Connecting (or the demo) clears the typed key,
 * tells the caller, refetches everything and leaves the screen. */
function useConnect({
  input,
  scopeFirst,
  clearKey,
  onCancel,
  onConnected,
  notify,
}: Props & { input: ConnectInput; scopeFirst: boolean; clearKey: () => void }) {
  const qc = useQueryClient();
  const [busy, setBusy] = useState<"" | Action>("");
  const [result, setResult] = useState<ConnectionCheck | null>(null);
  const [error, setError] = useState<string | null>(null);

  const act = async (what: Action) => {
    setBusy(what);
    setError(null);
    try {
      if (what === "test") setResult(await unwrap(commands.orgTest(input)));
      else {
        await unwrap(
          what === "demo"
            ? commands.orgOpenDemo()
            : what === "connect-all"
              ? commands.orgConnectAll(input, [])
              : commands.orgConnect(input),
        );
        clearKey();
        notify(
          "ok",
          what === "demo"
            ? "Opened the demo organisation."
            : what === "connect-all"
              ? "Connected every organisation this key reaches. The first import is starting; the others are copied in the background within a minute (All organisations shows each one's state)."
              : scopeFirst
                ? "Connected. Choose the groups to copy; the first import starts when you save."
                : "Connected. The first import is starting.",
        );
        onConnected?.(what === "connect" && scopeFirst);
        await qc.invalidateQueries();
        onCancel?.();
      }
    } catch (e) {
      setResult(null);
      setError(e instanceof Error ? e.message : String(e));
    } finally {
      setBusy("");
    }
  };
  return { busy, result, error, act };
}

/** The API key (masked), the organisation ID (MSP keys) and the region. */
function KeyFields({
  apiKey,
  onApiKey,
  orgId,
  onOrgId,
  region,
  onRegion,
}: {
  apiKey: string;
  onApiKey: (v: string) => void;
  orgId: string;
  onOrgId: (v: string) => void;
  region: RegionName;
  onRegion: (v: RegionName) => void;
}) {
  return (
    <>
      <label>
        API key
        <input
          className="input"
          type="password"
          autoComplete="off"
          spellCheck={false}
          value={apiKey}
          data-testid="connect-key"
          onChange={(e) => onApiKey(e.target.value)}
        />
        <span className="hint">Admin Portal → your name (top right) → My API Key.</span>
      </label>
      <label>
        Organisation ID <span className="muted">(multi-tenant / MSP keys only)</span>
        <input
          className="input"
          value={orgId}
          spellCheck={false}
          placeholder="24 hexadecimal characters"
          data-testid="connect-org"
          onChange={(e) => onOrgId(e.target.value.trim())}
        />
      </label>
      <label>
        Region
        <select
          className="input"
          value={region}
          data-testid="connect-region"
          onChange={(e) => onRegion(e.target.value as RegionName)}
        >
          <option value="US">United States (console.jumpcloud.com)</option>
          <option value="EU">Europe (console.eu.jumpcloud.com)</option>
          <option value="IN">India (console.in.jumpcloud.com)</option>
        </select>
      </label>
    </>
  );
}

/** "Copy only some groups": choose the scope before the first import. */
function ScopeFirstOption({
  checked,
  onChange,
}: {
  checked: boolean;
  onChange: (v: boolean) => void;
}) {
  return (
    <label className="check">
      <input
        type="checkbox"
        checked={checked}
        data-testid="connect-scope-first"
        onChange={(e) => onChange(e.target.checked)}
      />
      Copy only some groups — choose them before the first import
      <span className="hint">
        Otherwise Rollcall copies the whole organisation. You can change this later from the status
        bar (Scope).
      </span>
    </label>
  );
}

/** The custom API address (a proxy or a simulator), behind "Advanced". */
function AdvancedAddress({
  baseUrl,
  onChange,
}: {
  baseUrl: string;
  onChange: (v: string) => void;
}) {
  const [advanced, setAdvanced] = useState(false);
  return (
    <>
      <button
        type="button"
        className="link"
        onClick={() => setAdvanced(!advanced)}
        data-testid="connect-advanced"
      >
        {advanced ? "Hide advanced" : "Advanced: custom API address"}
      </button>
      {advanced && (
        <label>
          API base URL{" "}
          <span className="muted">
            (a proxy, or a simulator; empty for the region&apos;s hosts)
          </span>
          <input
            className="input"
            value={baseUrl}
            placeholder="https://…"
            data-testid="connect-base"
            onChange={(e) => onChange(e.target.value.trim())}
          />
        </label>
      )}
    </>
  );
}

/** What "Test connection" found: the org, its size, and what the key may do. */
function CheckResult({ result, onAddAll }: { result: ConnectionCheck; onAddAll?: () => void }) {
  return (
    <div className="callout ok" data-testid="connect-result">
      <strong>{result.org.name}</strong>: {result.users.toLocaleString()} users,{" "}
      {result.systems.toLocaleString()} devices.{" "}
      {result.access.role ? `Role: ${result.access.role}. ` : ""}
      {result.access.user_edit && result.access.device_commands
        ? "Your key may act on users, groups and devices."
        : `Limited: ${[
            !result.access.user_edit && "no user changes",
            !result.access.groups && "no group changes",
            !result.access.device_commands && "no device commands",
          ]
            .filter(Boolean)
            .join(", ")}.`}
      {result.orgs.length > 1 && (
        <div className="org-choices">
          <p className="muted">This key reaches {result.orgs.length} organisations:</p>
          <ul>
            {result.orgs.map((o) => (
              <li key={o.id}>
                {o.name} <span className="muted">{o.id}</span>
              </li>
            ))}
          </ul>
          {onAddAll && (
            <button type="button" className="button" data-testid="connect-all" onClick={onAddAll}>
              Add all {result.orgs.length} organisations
            </button>
          )}
        </div>
      )}
    </div>
  );
}

/** Test connection, Connect (both need a key), and Cancel when there is somewhere to go back. */
function ConnectActions({
  busy,
  canSend,
  act,
  onCancel,
}: {
  busy: "" | Action;
  canSend: boolean;
  act: (what: Action) => Promise<void>;
  onCancel?: () => void;
}) {
  return (
    <div className="connect-actions">
      <button
        type="button"
        className="btn"
        disabled={!!busy || !canSend}
        data-testid="connect-test"
        onClick={() => act("test")}
      >
        {busy === "test" ? "Testing…" : "Test connection"}
      </button>
      <button
        type="button"
        className="btn primary"
        disabled={!!busy || !canSend}
        data-testid="connect-submit"
        onClick={() => act("connect")}
      >
        {busy === "connect" ? "Connecting…" : "Connect"}
      </button>
      {onCancel && (
        <button type="button" className="btn ghost" onClick={onCancel}>
          Cancel
        </button>
      )}
    </div>
  );
}

/** The offer of the built-in demo organisation. */
function DemoBox({ busy, act }: { busy: "" | Action; act: (what: Action) => Promise<void> }) {
  return (
    <div className="demo-box">
      <div>
        <strong>No account at hand?</strong> The demo organisation runs a JumpCloud simulator inside
        Rollcall, with fictional people and devices. Every screen and action works; nothing leaves
        this computer.
      </div>
      <button
        type="button"
        className="btn"
        disabled={!!busy}
        data-testid="try-demo"
        onClick={() => act("demo")}
      >
        {busy === "demo" ? "Starting…" : "Try the demo organisation"}
      </button>
    </div>
  );
}
