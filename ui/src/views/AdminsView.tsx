import { useQuery } from "@tanstack/react-query";
import { commands } from "../bindings";
import { unwrap } from "../api";
import { keys } from "../queryKeys";

export function AdminsView() {
  const admins = useQuery({ queryKey: keys.admins, queryFn: () => unwrap(commands.adminsList()) });
  return (
    <section className="view" data-testid="view-admins">
      <div className="toolbar">
        <h1>Admins</h1>
        <span className="muted">Administrators of the JumpCloud console and their roles.</span>
      </div>
      <div className="simple-table cols-4" data-testid="admins-table">
        <div className="simple-row head">
          <span>Name</span>
          <span>Email</span>
          <span>Role</span>
          <span>MFA</span>
        </div>
        {admins.data?.map((a) => (
          <div key={a.id} className="simple-row">
            <span>
              {a.name} {a.suspended && <span className="badge warn">suspended</span>}
            </span>
            <span>{a.email}</span>
            <span>{a.role_name}</span>
            <span>{a.mfa ? "yes" : <span className="warn-text">no</span>}</span>
          </div>
        ))}
        {admins.data?.length === 0 && (
          <p className="muted pad">
            JumpCloud lists administrators only to multi-tenant (MSP) keys with a provider ID, so
            this list is empty for a single-organisation key.
          </p>
        )}
      </div>
    </section>
  );
}
