// How a person reaches a device: each path in Rust's words (`ReachPath::describe`) — bound
// directly, through a user group, or through a user group bound to a device group the device
// is in.
import type { ReachPath } from "../bindings";

export function Paths({ paths }: { paths: ReachPath[] }) {
  return (
    <span className="muted reach-paths" data-testid="reach-paths">
      ({paths.map((p) => p.text).join("; ")})
    </span>
  );
}
