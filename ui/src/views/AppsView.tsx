import { useQuery } from "@tanstack/react-query";
import { commands } from "../bindings";
import { unwrap } from "../api";
import { keys } from "../queryKeys";

export function AppsView() {
  const apps = useQuery({ queryKey: keys.apps, queryFn: () => unwrap(commands.appsList()) });
  return (
    <section className="view" data-testid="view-apps">
      <div className="toolbar">
        <h1>Apps</h1>
        <span className="muted">
          SSO applications and how many people reach each (directly or through a group).
        </span>
      </div>
      <div className="simple-table cols-4" data-testid="apps-table">
        <div className="simple-row head">
          <span>App</span>
          <span>SSO</span>
          <span>Users</span>
          <span>Groups</span>
        </div>
        {apps.data?.map((a) => (
          <div key={a.app.id} className="simple-row">
            <span>
              {a.app.label || a.app.name} {!a.app.active && <span className="badge">inactive</span>}
            </span>
            <span className="muted">{a.app.sso_type || "—"}</span>
            <span>{(a.users ?? 0).toLocaleString()}</span>
            <span>{(a.groups ?? 0).toLocaleString()}</span>
          </div>
        ))}
        {apps.data?.length === 0 && (
          <p className="muted pad">No SSO applications in this organisation.</p>
        )}
      </div>
    </section>
  );
}
