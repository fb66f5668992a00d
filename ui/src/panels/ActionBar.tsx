// The actions offered on a user or device: enabled ones as buttons, disabled ones with the
// reason shown. Destructive ones are confirmed by a native dialog that Rust opens; a wipe first
// needs the hostname typed here.
import { useState } from "react";
import { useQuery, useQueryClient } from "@tanstack/react-query";
import { commands, type ActionRequest } from "../bindings";
import { CommandError, unwrap, type ActionOption } from "../api";
import { useUi } from "../context";
import { Modal } from "../components/Modal";
import { keys } from "../queryKeys";

interface Props {
  targetKind: "user" | "system";
  id: string;
  hostname?: string;
}

export function useRunAction() {
  const ui = useUi();
  const qc = useQueryClient();
  const [busy, setBusy] = useState(false);
  const [pin, setPin] = useState<{ pin: string; message: string } | null>(null);
  const run = async (request: ActionRequest) => {
    setBusy(true);
    try {
      const out = await unwrap(commands.actionRun(request));
      if (out.pin) setPin({ pin: out.pin, message: out.message });
      ui.notify(out.status === "done" ? "ok" : "warn", out.message);
      return true;
    } catch (e) {
      if (e instanceof CommandError && e.code === "Cancelled") ui.notify("warn", e.message);
      else if (e instanceof CommandError && e.code === "OutcomeUnknown")
        ui.notify("error", `Outcome unknown — check before retrying. ${e.message}`);
      else ui.notify("error", e instanceof Error ? e.message : String(e));
      return false;
    } finally {
      setBusy(false);
      void qc.invalidateQueries({ queryKey: keys.actionsAll });
    }
  };
  const pinModal = pin && (
    <Modal title="Record this PIN" onClose={() => setPin(null)} testId="pin-modal">
      <p>{pin.message}</p>
      <p className="pin" data-testid="pin-value">
        {pin.pin}
      </p>
      <p className="muted">
        JumpCloud keeps no copy. Rollcall also keeps it in this organisation&apos;s Activity log.
      </p>
      <button type="button" className="btn primary" onClick={() => setPin(null)}>
        I have recorded it
      </button>
    </Modal>
  );
  return { run, busy, pinModal };
}

/** Each request's name in a test id (`action-suspend`). */
const SLUG: Record<ActionRequest["kind"], string> = {
  UserCreate: "create",
  UserUpdate: "update",
  UserSuspend: "suspend",
  UserScheduleSuspend: "schedulesuspend",
  UserCancelScheduled: "cancelscheduled",
  UserActivate: "activate",
  UserUnlock: "unlock",
  UserResetMfa: "resetmfa",
  UserExpirePassword: "expirepassword",
  UserResendEmail: "resendemail",
  UserDelete: "delete",
  GroupCreate: "groupcreate",
  GroupMembers: "groupmembers",
  AppAccess: "appaccess",
  DeviceBind: "bind",
  DeviceSudo: "sudo",
  DeviceLock: "lock",
  DeviceWipe: "wipe",
  DeviceRestart: "restart",
  DeviceShutdown: "shutdown",
};

export function ActionBar({ targetKind, id, hostname }: Props) {
  const options = useQuery({
    queryKey: keys.actions(targetKind, id),
    queryFn: () => unwrap(commands.actionOptions(targetKind, id)),
  });
  const { run, busy, pinModal } = useRunAction();
  const [wipe, setWipe] = useState<ActionOption | null>(null);
  const [typed, setTyped] = useState("");

  if (options.error) return <p className="error-text">{(options.error as Error).message}</p>;
  if (!options.data) return <p className="muted">Loading actions…</p>;
  const disabled = options.data.filter((o) => o.reason);
  const slug = (o: ActionOption) => SLUG[o.request.kind];
  /** A wipe first asks for the hostname; any other action is sent (Rust confirms it). */
  const choose = (o: ActionOption) => {
    if (o.request.kind === "DeviceWipe") {
      setTyped("");
      setWipe(o);
    } else void run(o.request);
  };

  return (
    <div className="action-area" data-testid="action-bar">
      <div className="action-buttons">
        {options.data.map((o) => (
          <button
            key={o.request.kind}
            type="button"
            className={o.confirm ? "btn danger" : "btn"}
            disabled={!!o.reason || busy}
            title={o.reason ?? undefined}
            data-testid={`action-${slug(o)}`}
            onClick={() => choose(o)}
          >
            {o.asks_more ? `${o.label}…` : o.label}
          </button>
        ))}
      </div>
      {disabled.length > 0 && (
        <ul className="reasons" data-testid="action-reasons">
          {disabled.map((o) => (
            <li key={o.request.kind}>
              <strong>{o.label}:</strong> {o.reason}
            </li>
          ))}
        </ul>
      )}
      {wipe && wipe.request.kind === "DeviceWipe" && (
        <WipeModal
          hostname={hostname}
          typed={typed}
          onType={setTyped}
          onCancel={() => setWipe(null)}
          onContinue={() => {
            const req = { ...wipe.request, typed_hostname: typed.trim() };
            setWipe(null);
            void run(req);
          }}
        />
      )}
      {pinModal}
    </div>
  );
}

/** A wipe's first step: the hostname typed, before the system dialog confirms once more. */
function WipeModal({
  hostname,
  typed,
  onType,
  onCancel,
  onContinue,
}: {
  hostname: string | undefined;
  typed: string;
  onType: (typed: string) => void;
  onCancel: () => void;
  onContinue: () => void;
}) {
  return (
    <Modal title="Wipe device" onClose={onCancel} testId="wipe-modal">
      <p>
        Wiping erases everything on <strong>{hostname}</strong>. To continue, type its hostname. You
        will then confirm once more in a system dialog.
      </p>
      <input
        className="input"
        autoFocus
        value={typed}
        placeholder={hostname}
        aria-label="Hostname"
        data-testid="wipe-hostname"
        onChange={(e) => onType(e.target.value)}
      />
      <div className="modal-actions">
        <button type="button" className="btn" onClick={onCancel}>
          Cancel
        </button>
        <button
          type="button"
          className="btn danger"
          data-testid="wipe-continue"
          disabled={typed.trim() !== hostname}
          onClick={onContinue}
        >
          Wipe…
        </button>
      </div>
    </Modal>
  );
}
