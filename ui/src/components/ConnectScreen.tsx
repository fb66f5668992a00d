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
  const qc = useQueryClient();
  const [apiKey, setApiKey] = useState("");
  const [orgId, setOrgId] = useState("");
  const [region, setRegion] = useState<RegionName>("US");
  const [baseUrl, setBaseUrl] = useState("");
  const [advanced, setAdvanced] = useState(false);
  const [scopeFirst, setScopeFirst] = useState(false);
  const [busy, setBusy] = useState<"" | "test" | "connect" | "demo">("");
  const [result, setResult] = useState<ConnectionCheck | null>(null);
  const [error, setError] = useState<string | null>(null);
  const input: ConnectInput = { api_key: apiKey, org_id: orgId, region, base_url: baseUrl };

  const act = async (what: "test" | "connect" | "demo") => {
    setBusy(what);
    setError(null);
    try {
      if (what === "test") setResult(await unwrap(commands.orgTest(input)));
      else {
        await unwrap(what === "demo" ? commands.orgOpenDemo() : commands.orgConnect(input));
        setApiKey("");
        notify(
          "ok",
          what === "demo"
            ? "Opened the demo organisation."
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

  return (
    <div className="connect" data-testid="connect-screen">
      <div className="connect-card">
        <h1>Connect a JumpCloud organisation</h1>
        <p className="muted">
          Rollcall keeps a local copy of the organisation so you can search and review it instantly,
          even offline. The API key is stored only in this computer&apos;s credential store.
        </p>
        <label>
          API key
          <input
            className="input"
            type="password"
            autoComplete="off"
            spellCheck={false}
            value={apiKey}
            data-testid="connect-key"
            onChange={(e) => setApiKey(e.target.value)}
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
            onChange={(e) => setOrgId(e.target.value.trim())}
          />
        </label>
        <label>
          Region
          <select
            className="input"
            value={region}
            data-testid="connect-region"
            onChange={(e) => setRegion(e.target.value as RegionName)}
          >
            <option value="US">United States (console.jumpcloud.com)</option>
            <option value="EU">Europe (console.eu.jumpcloud.com)</option>
            <option value="IN">India (console.in.jumpcloud.com)</option>
          </select>
        </label>
        <label className="check">
          <input
            type="checkbox"
            checked={scopeFirst}
            data-testid="connect-scope-first"
            onChange={(e) => setScopeFirst(e.target.checked)}
          />
          Copy only some groups — choose them before the first import
          <span className="hint">
            Otherwise Rollcall copies the whole organisation. You can change this later from the
            status bar (Scope).
          </span>
        </label>
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
              onChange={(e) => setBaseUrl(e.target.value.trim())}
            />
          </label>
        )}
        {error && (
          <div className="callout bad" role="alert" data-testid="connect-error">
            {error}
          </div>
        )}
        {result && (
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
              <div className="muted">
                This key reaches {result.orgs.length} organisations:{" "}
                {result.orgs.map((o) => `${o.name} (${o.id})`).join(", ")}.
              </div>
            )}
          </div>
        )}
        <div className="connect-actions">
          <button
            type="button"
            className="btn"
            disabled={!!busy || !apiKey}
            data-testid="connect-test"
            onClick={() => act("test")}
          >
            {busy === "test" ? "Testing…" : "Test connection"}
          </button>
          <button
            type="button"
            className="btn primary"
            disabled={!!busy || !apiKey}
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
        <div className="demo-box">
          <div>
            <strong>No account at hand?</strong> The demo organisation runs a JumpCloud simulator
            inside Rollcall, with fictional people and devices. Every screen and action works;
            nothing leaves this computer.
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
      </div>
    </div>
  );
}
