// Create a user, or edit one's profile. JumpCloud checks the rest (unique username/email).
import { useState } from "react";
import type { UserProfile } from "../bindings";
import type { UserRow } from "../api";
import { Modal } from "../components/Modal";
import { useRunAction } from "./ActionBar";
import { useUi } from "../context";

const FIELDS: [keyof UserProfile, string][] = [
  ["username", "Username"],
  ["email", "Email"],
  ["firstname", "First name"],
  ["lastname", "Last name"],
  ["department", "Department"],
  ["job_title", "Job title"],
  ["employee_id", "Employee ID"],
  ["location", "Location"],
];

export function UserForm({ user, onClose }: { user?: UserRow; onClose: () => void }) {
  const ui = useUi();
  const [p, setP] = useState<UserProfile>({
    username: user?.username ?? "",
    email: user?.email ?? "",
    firstname: user?.firstname ?? "",
    lastname: user?.lastname ?? "",
    department: user?.department ?? "",
    job_title: user?.job_title ?? "",
    employee_id: user?.employee_id ?? "",
    location: user?.location ?? "",
  });
  const { run, busy } = useRunAction();
  const submit = async () => {
    const ok = await run(
      user
        ? { kind: "UserUpdate", user_id: user.id, profile: p }
        : { kind: "UserCreate", profile: p },
    );
    if (ok) {
      onClose();
      if (!user)
        ui.notify(
          "ok",
          `Created ${p.username}. Activate them from their panel to send the welcome email.`,
        );
    }
  };
  return (
    <Modal title={user ? "Edit profile" : "New user"} onClose={onClose} testId="user-form">
      <div className="form-grid">
        {FIELDS.map(([k, label]) => (
          <label key={k}>
            {label}
            <input
              className="input"
              value={p[k]}
              data-testid={`field-${k}`}
              onChange={(e) => setP({ ...p, [k]: e.target.value })}
            />
          </label>
        ))}
      </div>
      {!user && (
        <p className="muted">The user starts STAGED: no email is sent until you activate them.</p>
      )}
      <div className="modal-actions">
        <button type="button" className="btn" onClick={onClose}>
          Cancel
        </button>
        <button
          type="button"
          className="btn primary"
          disabled={busy}
          data-testid="user-form-save"
          onClick={submit}
        >
          {user ? "Save" : "Create user"}
        </button>
      </div>
    </Modal>
  );
}
