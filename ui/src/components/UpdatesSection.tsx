// Updates, in the About panel: this version, whether a newer one is published (with its release
// notes, as text), checking at launch (on by default, can be turned off), and installing — only
// when asked, and never while a sync or a checklist step runs (Rust refuses it, saying why).
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { commands } from "../bindings";
import { errorText, unwrap } from "../api";
import { keys } from "../queryKeys";

export function UpdatesSection() {
  const qc = useQueryClient();
  const status = useQuery({
    queryKey: keys.updates,
    queryFn: () => unwrap(commands.updatesStatus()),
  });
  const set = (p: Promise<unknown>) =>
    p.then((s) => qc.setQueryData(keys.updates, s)).catch(() => undefined);
  const check = useMutation({
    mutationFn: () => unwrap(commands.updatesCheck()),
    onSuccess: (s) => qc.setQueryData(keys.updates, s),
  });
  const install = useMutation({ mutationFn: () => unwrap(commands.updatesInstall()) });
  const s = status.data;
  if (!s) return null;
  return (
    <section className="updates" data-testid="updates">
      <h3>Updates</h3>
      {s.not_configured ? (
        <p className="muted" data-testid="updates-not-configured">
          {s.not_configured}
        </p>
      ) : (
        <>
          <label className="check">
            <input
              type="checkbox"
              checked={s.check_on_launch}
              onChange={(e) => void set(unwrap(commands.updatesSetCheckOnLaunch(e.target.checked)))}
            />
            Check for a new version when Rollcall starts
          </label>
          <button
            type="button"
            className="button"
            disabled={check.isPending}
            onClick={() => check.mutate()}
          >
            {check.isPending ? "Checking…" : "Check now"}
          </button>
          {check.isError && <p className="error-text">{errorText(check.error)}</p>}
          {s.available ? (
            <div data-testid="updates-available">
              <p>
                Rollcall {s.available.version} is available (you have {s.current}).
              </p>
              <pre className="release-notes">{s.available.notes || "No release notes."}</pre>
              {s.busy && <p className="muted">{s.busy}</p>}
              <button
                type="button"
                className="button primary"
                disabled={!!s.busy || install.isPending}
                onClick={() => install.mutate()}
              >
                {install.isPending ? "Installing…" : `Install ${s.available.version} and restart`}
              </button>
              {install.isError && <p className="error-text">{errorText(install.error)}</p>}
            </div>
          ) : (
            !check.isPending && <p className="muted">You have the newest version ({s.current}).</p>
          )}
        </>
      )}
    </section>
  );
}
