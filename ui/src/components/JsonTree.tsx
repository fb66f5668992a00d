// JSON as a collapsible, searchable tree. Values are rendered as text (never as markup): an
// answer from JumpCloud is untrusted data.
import { useMemo, useState } from "react";

/** How many children of an object or list are drawn before "show more". */
const STEP = 200;

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };

function contains(key: string, v: Json, find: string): boolean {
  if (key.toLowerCase().includes(find)) return true;
  if (v === null || typeof v !== "object") return String(v).toLowerCase().includes(find);
  return Object.entries(v).some(([k, x]) => contains(k, x, find));
}

function Leaf({ name, v }: { name: string | null; v: Json }) {
  return (
    <div className="json-leaf">
      {name !== null && <span className="json-key">{name}: </span>}
      <span className={`json-${v === null ? "null" : typeof v}`}>{JSON.stringify(v)}</span>
    </div>
  );
}

/** The fields that name a record, for a list item's one-line hint. */
const NAMING = ["username", "displayName", "hostname", "name", "email", "event_type", "_id", "id"];

function hint(v: Json): string {
  if (v === null || typeof v !== "object" || Array.isArray(v)) return "";
  for (const k of NAMING) {
    const x = v[k];
    if (typeof x === "string" && x) return x;
  }
  return "";
}

function Branch({
  name,
  v,
  depth,
  find,
}: {
  name: string | null;
  v: Json;
  depth: number;
  find: string;
}) {
  const [limit, setLimit] = useState(STEP);
  if (v === null || typeof v !== "object") return <Leaf name={name} v={v} />;
  const entries: [string, Json][] = Array.isArray(v)
    ? v.map((x, i) => [String(i), x])
    : Object.entries(v);
  const shown = find ? entries.filter(([k, x]) => contains(k, x, find)) : entries;
  const size = Array.isArray(v) ? `[${v.length}]` : `{${entries.length}}`;
  return (
    <details open={depth < 2 || !!find} className="json-branch">
      <summary>
        {name !== null && <span className="json-key">{name} </span>}
        <span className="muted">{size}</span> <span className="json-hint">{hint(v)}</span>
      </summary>
      <div className="json-children">
        {shown.slice(0, limit).map(([k, x]) => (
          <Branch key={k} name={k} v={x} depth={depth + 1} find={find} />
        ))}
        {shown.length > limit && (
          <button type="button" className="btn small" onClick={() => setLimit(limit + STEP)}>
            Show {Math.min(STEP, shown.length - limit)} more of {shown.length - limit}
          </button>
        )}
      </div>
    </details>
  );
}

export function JsonTree({ text, testId }: { text: string; testId: string }) {
  const [find, setFind] = useState("");
  const parsed = useMemo((): { ok: true; v: Json } | { ok: false } => {
    try {
      return { ok: true, v: JSON.parse(text) as Json };
    } catch {
      return { ok: false };
    }
  }, [text]);
  const needle = find.trim().toLowerCase();
  return (
    <div className="json-tree" data-testid={testId}>
      <input
        className="input"
        type="search"
        placeholder="Find a field or value"
        aria-label="Find in the JSON"
        value={find}
        onChange={(e) => setFind(e.target.value)}
      />
      {parsed.ok ? (
        // Remounted when the search changes, so branches open to what matches.
        <Branch key={needle} name={null} v={parsed.v} depth={0} find={needle} />
      ) : (
        <pre className="json-text">{text}</pre>
      )}
    </div>
  );
}
