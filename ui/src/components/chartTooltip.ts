// The charts' tooltip as DOM nodes. ECharts' own tooltip is HTML with inline style attributes,
// which the app's content security policy (style-src 'self') drops: the value ran into the
// series name ("Events0") and the colour marker vanished. Built here with classes and the
// CSSOM instead, and every name as text (a hostile group name stays text).

interface TipParam {
  seriesName?: string;
  name?: string;
  axisValueLabel?: string;
  value?: unknown;
  color?: unknown;
  percent?: number;
}

function el(tag: string, className: string, text?: string): HTMLElement {
  const e = document.createElement(tag);
  e.className = className;
  if (text !== undefined) e.textContent = text;
  return e;
}

/** The tooltip of an axis (every series at one category) or of one item (a bar, a slice). */
export function tooltipNodes(params: unknown, valueFormatter?: (v: number) => string): HTMLElement {
  const axis = Array.isArray(params);
  const list = (axis ? params : [params]) as TipParam[];
  const root = el("div", "chart-tip");
  const head = axis ? list[0]?.axisValueLabel : undefined;
  if (head) root.append(el("div", "chart-tip-head", head));
  for (const p of list) {
    const row = el("div", "chart-tip-row");
    const dot = el("span", "chart-tip-dot");
    if (typeof p.color === "string") dot.style.backgroundColor = p.color;
    const raw = Array.isArray(p.value) ? p.value[p.value.length - 1] : p.value;
    const shown =
      typeof raw === "number" ? (valueFormatter ? valueFormatter(raw) : raw.toLocaleString()) : "–";
    const share = !axis && typeof p.percent === "number" ? ` (${p.percent}%)` : "";
    // An item names its category; an axis row names its series (the category is the head).
    const label = (axis ? p.seriesName : p.name) ?? "";
    row.append(
      dot,
      el("span", "chart-tip-name", label),
      el("span", "chart-tip-value", shown + share),
    );
    root.append(row);
  }
  return root;
}
