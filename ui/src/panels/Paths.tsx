// How a person reaches a device, each path as Rust describes it: bound directly, through a user
// group, or through a user group bound to a device group the device is in.
import type { ReachPath } from "../bindings";

function describe(p: ReachPath): string {
  switch (p.kind) {
    case "direct":
      return "direct";
    case "user_group":
      return `via ${p.user_group?.[1] ?? "a user group"}`;
    case "device_group":
      return `via ${p.user_group?.[1] ?? "a user group"} → device group ${p.device_group?.[1] ?? ""}`;
  }
}

export function Paths({ paths }: { paths: ReachPath[] }) {
  return (
    <span className="muted reach-paths" data-testid="reach-paths">
      ({paths.map(describe).join("; ")})
    </span>
  );
}
