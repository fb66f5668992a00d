// One search box across users, devices, groups and apps (FTS5 in the cache) — the open org's
// first, then, when more orgs are connected, a few hits of each other org, labelled by org; a
// hit there opens that org and its panel.
import { useEffect, useRef, useState } from "react";
import { useQuery } from "@tanstack/react-query";
import { commands, type RecordKind, type SearchHit } from "../bindings";
import { errorText, unwrap } from "../api";
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
  const many = (ui.status?.orgs.filter((o) => !o.demo).length ?? 0) >= 2;
  const others = useQuery({
    queryKey: keys.crossSearch(q),
    queryFn: () => unwrap(commands.fleetSearch(q)),
    enabled: many && q.trim().length > 0,
    placeholderData: (p) => p,
  });
  const show = focused && text.trim().length > 0;
  const openHit = async (orgId: string | null, h: SearchHit) => {
    setFocused(false);
    if (h.kind !== "user" && h.kind !== "system" && h.kind !== "group") return;
    if (orgId === null) return ui.open({ kind: h.kind, id: h.id });
    try {
      await ui.switchOrg(orgId);
      ui.openIn(orgId, { kind: h.kind, id: h.id });
    } catch (e) {
      ui.notify("error", errorText(e));
    }
  };
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
                onClick={() => void openHit(null, h)}
              >
                <span className="hit-kind">{KIND_LABEL[h.kind]}</span>
                <span className="hit-label">{h.label}</span>
                <span className="hit-detail muted">{h.detail}</span>
              </button>
            </li>
          ))}
          {hits.data?.length === 0 && (
            <li className="muted pad">Nothing matches “{q}” in this organisation.</li>
          )}
          {others.data?.map((o) => (
            <li key={o.org_id} className="hit-org" data-testid={`hits-org-${o.org_id}`}>
              <div className="hit-org-name">In {o.org_name}</div>
              <ul>
                {o.hits.map((h) => (
                  <li key={h.kind + h.id}>
                    <button
                      type="button"
                      data-testid={`hit-${o.org_id}-${h.id}`}
                      onMouseDown={(e) => e.preventDefault()}
                      onClick={() => void openHit(o.org_id, h)}
                    >
                      <span className="hit-kind">{KIND_LABEL[h.kind]}</span>
                      <span className="hit-label">{h.label}</span>
                      <span className="hit-detail muted">{h.detail}</span>
                    </button>
                  </li>
                ))}
              </ul>
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}
