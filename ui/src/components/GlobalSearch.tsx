// One search box across users, devices, groups and apps (FTS5 in the cache).
import { useEffect, useRef, useState } from "react";
import { useQuery } from "@tanstack/react-query";
import { commands, type RecordKind } from "../bindings";
import { unwrap } from "../api";
import { useUi } from "../context";
import { keys } from "../queryKeys";
import { isShortcut, shortcutLabel } from "../platform";

const KIND_LABEL: Record<RecordKind, string> = {
  user: "User",
  system: "Device",
  group: "Group",
  app: "App",
};

export function GlobalSearch() {
  const ui = useUi();
  const [text, setText] = useState("");
  const [focused, setFocused] = useState(false);
  const box = useRef<HTMLInputElement>(null);
  // ⌘K on macOS, Ctrl+K elsewhere: to the search box from anywhere.
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (!isShortcut(e, "k")) return;
      e.preventDefault();
      box.current?.focus();
      box.current?.select();
    };
    window.addEventListener("keydown", onKey);
    return () => window.removeEventListener("keydown", onKey);
  }, []);
  // No debounce: a search is a few milliseconds of SQLite; stale answers are replaced.
  const q = text;
  const hits = useQuery({
    queryKey: keys.search(q),
    queryFn: () => unwrap(commands.searchAll(q, 20)),
    enabled: q.trim().length > 0,
    placeholderData: (p) => p,
  });
  const show = focused && text.trim().length > 0;
  return (
    <div className="global-search">
      <input
        ref={box}
        className="input"
        type="search"
        placeholder={`Search everything: people, devices, serials, groups, apps (${shortcutLabel("k")})`}
        aria-label="Search everything"
        data-testid="global-search"
        value={text}
        onChange={(e) => setText(e.target.value)}
        onFocus={() => setFocused(true)}
        onBlur={() => setTimeout(() => setFocused(false), 200)}
        onKeyDown={(e) => {
          if (e.key === "Escape") setText("");
        }}
      />
      {show && (
        <ul
          className="search-results"
          data-testid="search-results"
          data-query={hits.isPlaceholderData || hits.isPending ? "" : q}
        >
          {hits.data?.map((h) => (
            <li key={h.kind + h.id}>
              <button
                type="button"
                data-testid={`hit-${h.id}`}
                onMouseDown={(e) => e.preventDefault()}
                onClick={() => {
                  if (h.kind === "user" || h.kind === "system" || h.kind === "group")
                    ui.open({ kind: h.kind, id: h.id });
                  setFocused(false);
                }}
              >
                <span className="hit-kind">{KIND_LABEL[h.kind]}</span>
                <span className="hit-label">{h.label}</span>
                <span className="hit-detail muted">{h.detail}</span>
              </button>
            </li>
          ))}
          {hits.data?.length === 0 && <li className="muted pad">Nothing matches “{q}”.</li>}
        </ul>
      )}
    </div>
  );
}
