// A path's placeholders ({id}, {group_id}…) filled from the mirror: type a name, pick the
// person, device, group or app, and its id goes into the path.
import { useState } from "react";
import { useQuery } from "@tanstack/react-query";
import { commands } from "../../bindings";
import { unwrap } from "../../api";
import { keys } from "../../queryKeys";

export function PathPicker({ path, onPath }: { path: string; onPath: (p: string) => void }) {
  const holes = path.match(/\{[^}/]+\}/g) ?? [];
  if (holes.length === 0) return null;
  return (
    <div className="console-picker">
      {holes.map((h) => (
        <Hole key={h} hole={h} onPick={(id) => onPath(path.replace(h, id))} />
      ))}
    </div>
  );
}

function Hole({ hole, onPick }: { hole: string; onPick: (id: string) => void }) {
  const [text, setText] = useState("");
  const hits = useQuery({
    queryKey: keys.search(text),
    queryFn: () => unwrap(commands.searchAll(text, 8)),
    enabled: text.trim().length > 0,
  });
  return (
    <div className="console-line">
      <label className="muted" htmlFor={`pick-${hole}`}>
        {hole}
      </label>
      <input
        id={`pick-${hole}`}
        className="input"
        data-testid={`console-pick-${hole.slice(1, -1)}`}
        placeholder="Type a name to pick its id"
        value={text}
        onChange={(e) => setText(e.target.value)}
      />
      {hits.data?.map((h) => (
        <button
          key={h.kind + h.id}
          type="button"
          className="btn small"
          data-testid={`console-pick-hit-${h.id}`}
          onClick={() => onPick(h.id)}
        >
          {h.label} <span className="muted">{h.detail}</span>
        </button>
      ))}
    </div>
  );
}
