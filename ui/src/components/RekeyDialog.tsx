// "Enter a new key" for an organisation whose key JumpCloud refuses (rotated, revoked, its
// admin left): the key is tested against the same organisation before it replaces the old
// one, so the local copy, the activity trail and the checklist runs stay with it.
import { useState } from "react";
import { useQueryClient } from "@tanstack/react-query";
import { commands } from "../bindings";
import { unwrap } from "../api";
import { Modal } from "./Modal";

export function RekeyDialog({
  orgId,
  orgName,
  onClose,
  notify,
}: {
  orgId: string;
  orgName: string;
  onClose: () => void;
  notify: (k: "ok" | "warn" | "error", t: string) => void;
}) {
  const qc = useQueryClient();
  const [key, setKey] = useState("");
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const save = async () => {
    setBusy(true);
    setError(null);
    try {
      await unwrap(commands.orgRekey({ org_id: orgId, api_key: key }));
      notify("ok", `The new key works for ${orgName}; it replaced the old one.`);
      void qc.invalidateQueries();
      onClose();
    } catch (e) {
      setError((e as Error).message);
    } finally {
      setBusy(false);
    }
  };
  return (
    <Modal title={`Enter a new key for ${orgName}`} onClose={onClose} testId="rekey-modal">
      <p className="muted">
        JumpCloud keys stop working when an administrator regenerates theirs or leaves. Paste a
        current key of an administrator of {orgName} (Admin Portal → your name → My API Key). It is
        tested first and must belong to this organisation; its local copy, activity and checklists
        are kept.
      </p>
      <label htmlFor="rekey-key">New API key</label>
      <input
        id="rekey-key"
        className="input"
        type="password"
        autoComplete="off"
        value={key}
        data-testid="rekey-key"
        onChange={(e) => setKey(e.target.value)}
        onKeyDown={(e) => e.key === "Enter" && key.trim() && !busy && void save()}
      />
      {error && (
        <p className="error-text" role="alert" data-testid="rekey-error">
          {error}
        </p>
      )}
      <div className="toolbar">
        <button
          type="button"
          className="btn primary"
          disabled={!key.trim() || busy}
          data-testid="rekey-save"
          onClick={() => void save()}
        >
          {busy ? "Testing…" : "Test and use this key"}
        </button>
        <button type="button" className="btn" onClick={onClose}>
          Cancel
        </button>
      </div>
    </Modal>
  );
}
