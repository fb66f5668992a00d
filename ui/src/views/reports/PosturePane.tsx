// The posture at a glance: Rust's table of figures (`PostureView.figures` — each with its
// value, label, note, whether it is bad and the list it opens), rendered as it comes, and the
// charts of the measurements behind it, whose segments open their rows too.
import { useMemo } from "react";
import type { Figure, FigureValue, OsPosture, PostureView, Section } from "../../bindings";
import { useUi } from "../../context";
import { devicesDrill, usersDrill } from "../../drill";
import { useLabels, valueText } from "../../labels";
import { Chart } from "../../components/Chart";

const pct = (part: number, whole: number) =>
  whole === 0 ? "–" : `${((part * 100) / whole).toFixed(1)}%`;

function shown(v: FigureValue): string {
  switch (v.type) {
    case "count":
      return v.value.toLocaleString();
    case "percent":
      return v.value == null ? "–" : `${v.value.toFixed(1)}%`;
    case "unknown":
      return "–";
  }
}

/** One figure: a number, what it counts, and the list it opens (if any). */
function FigureCard({ f }: { f: Figure }) {
  const ui = useUi();
  const id = `posture-${f.key.replaceAll("_", "-")}`;
  const body = (
    <>
      <span className={f.bad ? "figure-value bad" : "figure-value"}>{shown(f.value)}</span>
      <span className="figure-label">{f.label}</span>
      {f.note && <span className="figure-note">{f.note}</span>}
    </>
  );
  const drill = f.drill;
  return drill ? (
    <button
      type="button"
      className="figure"
      data-testid={id}
      title={`Open the ${drill.view === "users" ? "Users" : "Devices"} list: ${drill.label}`}
      onClick={() => ui.drill(drill)}
    >
      {body}
    </button>
  ) : (
    <div className="figure" data-testid={id}>
      {body}
    </div>
  );
}

function Figures({ figures, section }: { figures: Figure[]; section: Section }) {
  return (
    <div className="figures">
      {figures
        .filter((f) => f.section === section)
        .map((f) => (
          <FigureCard key={f.key} f={f} />
        ))}
    </div>
  );
}

/** People by state; a bar opens the people in that state. */
function StateChart({ byState }: { byState: PostureView["measured"]["people"]["by_state"] }) {
  const ui = useUi();
  const labels = useLabels();
  const option = useMemo(
    () => ({
      tooltip: { trigger: "item" },
      grid: { left: 90, right: 20, top: 10, bottom: 20 },
      xAxis: { type: "value" },
      yAxis: { type: "category", data: byState.map(([s]) => labels.userState(s)) },
      series: [
        {
          name: "People",
          type: "bar",
          data: byState.map(([, n]) => n),
          itemStyle: { color: "#1f4fd1" },
          label: { show: true, position: "right" },
        },
      ],
    }),
    [byState, labels],
  );
  return (
    <figure className="chart-card">
      <figcaption>People by state</figcaption>
      <Chart
        testId="chart-states"
        label="People by state"
        option={option}
        height={Math.max(120, byState.length * 40)}
        onPick={(pk) => {
          const state = byState[pk.dataIndex]?.[0];
          if (state) ui.drill(usersDrill(labels.userState(state), { states: [state] }));
        }}
      />
    </figure>
  );
}

/** Encrypted and not, per OS; a segment opens those devices. */
function EncryptionChart({ byOs }: { byOs: OsPosture[] }) {
  const ui = useUi();
  const labels = useLabels();
  const option = useMemo(
    () => ({
      tooltip: { trigger: "axis", axisPointer: { type: "shadow" } },
      legend: { bottom: 0 },
      grid: { left: 40, right: 20, top: 10, bottom: 50 },
      xAxis: { type: "category", data: byOs.map((o) => labels.osFamily(o.family)) },
      yAxis: { type: "value" },
      series: [
        {
          name: "Encrypted",
          type: "bar",
          stack: "all",
          data: byOs.map((o) => o.encrypted),
          itemStyle: { color: "#2e7d32" },
        },
        {
          name: "Not encrypted",
          type: "bar",
          stack: "all",
          data: byOs.map((o) => o.devices - o.encrypted),
          itemStyle: { color: "#b42318" },
        },
      ],
    }),
    [byOs, labels],
  );
  return (
    <figure className="chart-card">
      <figcaption>Encryption by OS</figcaption>
      <Chart
        testId="chart-encryption"
        label="Encrypted and unencrypted devices per operating system"
        option={option}
        onPick={(pk) => {
          const o = byOs[pk.dataIndex];
          if (!o) return;
          // The first series is the encrypted devices.
          const enc = pk.seriesIndex === 0;
          const what = `${labels.osFamily(o.family)}, ${enc ? "encrypted" : "not encrypted"}`;
          ui.drill(devicesDrill(what, { os: [o.family], fde: enc }));
        }}
      />
    </figure>
  );
}

/** Devices per agent version (the eight most common); a bar opens those devices. */
function AgentChart({ versions }: { versions: [string, number][] }) {
  const ui = useUi();
  const top = versions.slice(0, 8);
  const option = useMemo(
    () => ({
      tooltip: { trigger: "item" },
      grid: { left: 90, right: 30, top: 10, bottom: 20 },
      xAxis: { type: "value" },
      yAxis: { type: "category", data: top.map(([v]) => v || "(none)"), inverse: true },
      series: [
        {
          name: "Devices",
          type: "bar",
          data: top.map(([, n]) => n),
          itemStyle: { color: "#5b6b8c" },
          label: { show: true, position: "right" },
        },
      ],
    }),
    [top],
  );
  return (
    <figure className="chart-card">
      <figcaption>Agent versions</figcaption>
      <Chart
        testId="chart-agents"
        label="Devices per agent version"
        option={option}
        onPick={(pk) => {
          const v = top[pk.dataIndex]?.[0];
          if (v !== undefined) ui.drill(devicesDrill(`agent ${v}`, { agent_version: v }));
        }}
      />
    </figure>
  );
}

/** Per OS: devices, encrypted, MDM, the newest version seen and how many are behind it. */
function OsTable({ byOs }: { byOs: OsPosture[] }) {
  const ui = useUi();
  const labels = useLabels();
  const link = (
    text: string,
    label: string,
    filter: Parameters<typeof devicesDrill>[1],
    id?: string,
  ) => (
    <button
      type="button"
      className="link"
      data-testid={id}
      onClick={() => ui.drill(devicesDrill(label, filter))}
    >
      {text}
    </button>
  );
  return (
    <table className="report-table" data-testid="posture-os-table">
      <thead>
        <tr>
          <th>OS</th>
          <th>Devices</th>
          <th>Encrypted</th>
          <th>MDM</th>
          <th>Newest version seen</th>
          <th>Behind it</th>
        </tr>
      </thead>
      <tbody>
        {byOs.map((o) => {
          const name = labels.osFamily(o.family);
          const os = [o.family];
          return (
            <tr key={valueText(o.family)}>
              <td>{name}</td>
              <td>{link(o.devices.toLocaleString(), name, { os })}</td>
              <td>{pct(o.encrypted, o.devices)}</td>
              <td>{pct(o.mdm, o.devices)}</td>
              <td>
                {o.newest
                  ? link(o.newest, `${name} ${o.newest}`, { os, os_version: o.newest })
                  : "–"}
              </td>
              <td>
                {link(
                  o.behind.toLocaleString(),
                  `${name} behind ${o.newest}`,
                  { os, check: "behind" },
                  `posture-behind-${valueText(o.family)}`,
                )}
              </td>
            </tr>
          );
        })}
      </tbody>
    </table>
  );
}

export function PosturePane({
  p,
  silentDays,
  onSilentDays,
}: {
  p: PostureView;
  silentDays: number;
  onSilentDays: (d: number) => void;
}) {
  const labels = useLabels();
  const { people, devices } = p.measured;
  return (
    <div className="posture" data-testid="posture">
      <h2>People</h2>
      <Figures figures={p.figures} section="people" />
      <div className="chart-row">
        <StateChart byState={people.by_state} />
      </div>
      <h2>Devices</h2>
      <Figures figures={p.figures} section="devices" />
      <label className="inline">
        Silent after{" "}
        <select
          className="input"
          value={silentDays}
          data-testid="posture-silent-days"
          onChange={(e) => onSilentDays(Number(e.target.value))}
        >
          {labels.silentDayChoices.map((n) => (
            <option key={n} value={n}>
              {n} days
            </option>
          ))}
        </select>
      </label>
      <div className="chart-row">
        <EncryptionChart byOs={devices.by_os} />
        <AgentChart versions={devices.agent_versions} />
      </div>
      <OsTable byOs={devices.by_os} />
    </div>
  );
}
