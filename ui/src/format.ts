// Small formatting helpers. Everything returned is plain text.

const DAY = 86_400_000;

/** "today", "3 days ago", "5 months ago"; "never" for null. */
export function ago(iso: string | null | undefined, now = Date.now()): string {
  if (!iso) return "never";
  const t = Date.parse(iso);
  if (Number.isNaN(t)) return iso;
  const d = Math.floor((now - t) / DAY);
  if (d <= 0) return "today";
  if (d === 1) return "yesterday";
  if (d < 60) return `${d} days ago`;
  if (d < 730) return `${Math.round(d / 30)} months ago`;
  return `${Math.round(d / 365)} years ago`;
}

/** "2026-11-23 14:05" in local time. */
export function when(iso: string | null | undefined): string {
  if (!iso) return "—";
  const t = new Date(iso);
  if (Number.isNaN(t.getTime())) return iso;
  const p = (n: number) => String(n).padStart(2, "0");
  return `${t.getFullYear()}-${p(t.getMonth() + 1)}-${p(t.getDate())} ${p(t.getHours())}:${p(t.getMinutes())}`;
}

export function bytes(n: number | null | undefined): string {
  if (!n) return "—";
  return `${Math.round(n / 1024 ** 3)} GB`;
}

export function userName(u: {
  displayname: string;
  firstname: string;
  lastname: string;
  username: string;
}) {
  return u.displayname || `${u.firstname} ${u.lastname}`.trim() || u.username;
}

/** An RFC 3339 time as UTC text, "2026-12-06 04:08:43" (for tables labelled UTC). */
export function utc(iso: string | null | undefined): string {
  if (!iso) return "";
  const ms = Date.parse(iso);
  return Number.isNaN(ms) ? iso : new Date(ms).toISOString().slice(0, 19).replace("T", " ");
}
