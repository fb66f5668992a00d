import { commands, type PortalPage } from "../bindings";
import { unwrap } from "../api";
import { useUi } from "../context";

/** Opens the record in the JumpCloud Admin Portal (Rust checks the host). */
export function OpenInJumpCloud({ page, id }: { page: PortalPage; id: string }) {
  const ui = useUi();
  const demo = ui.status?.org?.demo ?? false;
  return (
    <button
      type="button"
      className="btn"
      disabled={demo}
      title={demo ? "The demo organisation has no page in the JumpCloud console." : undefined}
      data-testid="open-in-jumpcloud"
      onClick={() =>
        unwrap(commands.openInJumpcloud(page, id)).then(
          (url) => ui.notify("ok", `Opened ${url} in your browser.`),
          (e: Error) => ui.notify("error", e.message),
        )
      }
    >
      Open in JumpCloud
    </button>
  );
}
