// The posture at a glance: people and devices, each figure a button that opens the Users or
// Devices list filtered to exactly its rows; charts whose segments do the same.
import { useMemo } from "react";
import type { Posture_Serialize as Posture } from "../../bindings";
import { useUi } from "../../context";
import { osLabel } from "../../format";
import { CHECK_DRILL, type Drill } from "../../drill";
import { Chart } from "../../components/Chart";

const pct = (part: number, whole: number) =>
  whole === 0 ? "–" : `${((part * 100) / whole).toFixed(1)}%`;

/** One figure: a number, what it counts, and the list it opens (if any). */
function Figure({
  id,
  value,
  label,
  drill,
  bad,
  note,
}: {
  id: string;
  value: string | number;
  label: string;
  drill?: Drill;
  bad?: boolean;
  note?: string;
}) {
  const ui = useUi();
  const text = typeof value === "number" ? value.toLocaleString() : value;
  const body = (
    <>
      <span className={bad ? "figure-value bad" : "figure-value"}>{text}</span>
      <span className="figure-label">{label}</span>
      {note && <span className="figure-note">{note}</span>}
    </>
  );
  return drill ? (
    <button
      type="button"
      className="figure"
      data-testid={`posture-${id}`}
      title={`Open the ${drill.view === "users" ? "Users" : "Devices"} list: ${drill.label}`}
      onClick={() => ui.drill(drill)}
    >
      {body}
    </button>
  ) : (
    <div className="figure" data-testid={`posture-${id}`}>
      {body}
    </div>
  );
}

const STATE_LABEL: Record<string, string> = {
  ACTIVATED: "Active",
  STAGED: "Staged",
  SUSPENDED: "Suspended",
};

export function PosturePane({
  p,
  silentDays,
  onSilentDays,
}: {
  p: Posture;
  silentDays: number;
  onSilentDays: (d: number) => void;
}) {
  const ui = useUi();
  const people = p.people;
  const dev = p.devices;
  const u = (label: string, filter: Extract<Drill, { view: "users" }>["filter"]): Drill => ({
    view: "users",
    filter,
    label,
  });
  const d = (label: string, filter: Extract<Drill, { view: "devices" }>["filter"]): Drill => ({
    view: "devices",
    filter,
    label,
  });

  const stateChart = useMemo(
    () => ({
      tooltip: { trigger: "item" },
      grid: { left: 90, right: 20, top: 10, bottom: 20 },
      xAxis: { type: "value" },
      yAxis: {
        type: "category",
        data: people.by_state.map(([s]) => STATE_LABEL[s] ?? s),
      },
      series: [
        {
          name: "People",
          type: "bar",
          data: people.by_state.map(([, n]) => n),
          itemStyle: { color: "#1f4fd1" },
          label: { show: true, position: "right" },
        },
      ],
    }),
    [people.by_state],
  );
  const osChart = useMemo(
    () => ({
      tooltip: { trigger: "axis", axisPointer: { type: "shadow" } },
      legend: { bottom: 0 },
      grid: { left: 40, right: 20, top: 10, bottom: 50 },
      xAxis: { type: "category", data: dev.by_os.map((o) => osLabel(o.family)) },
      yAxis: { type: "value" },
      series: [
        {
          name: "Encrypted",
          type: "bar",
          stack: "all",
          data: dev.by_os.map((o) => o.encrypted),
          itemStyle: { color: "#2e7d32" },
        },
        {
          name: "Not encrypted",
          type: "bar",
          stack: "all",
          data: dev.by_os.map((o) => o.devices - o.encrypted),
          itemStyle: { color: "#b42318" },
        },
      ],
    }),
    [dev.by_os],
  );
  const agentChart = useMemo(
    () => ({
      tooltip: { trigger: "item" },
      grid: { left: 90, right: 30, top: 10, bottom: 20 },
      xAxis: { type: "value" },
      yAxis: {
        type: "category",
        data: dev.agent_versions.slice(0, 8).map(([v]) => v || "(none)"),
        inverse: true,
      },
      series: [
        {
          name: "Devices",
          type: "bar",
          data: dev.agent_versions.slice(0, 8).map(([, n]) => n),
          itemStyle: { color: "#5b6b8c" },
          label: { show: true, position: "right" },
        },
      ],
    }),
    [dev.agent_versions],
  );

  return (
    <div className="posture" data-testid="posture">
      <h2>People</h2>
      <div className="figures">
        <Figure id="people" value={people.total} label="people" drill={u("everyone", {})} />
        <Figure
          id="mfa-adoption"
          value={pct(people.active_mfa, people.active)}
          label="of active people enrolled in MFA"
          bad={people.active > 0 && people.active_mfa / people.active < 0.95}
          drill={CHECK_DRILL.mfa_adoption}
          note={`${(people.active - people.active_mfa).toLocaleString()} active without MFA`}
        />
        <Figure
          id="locked"
          value={people.locked}
          label="locked out"
          bad={people.locked > 0}
          drill={CHECK_DRILL.locked}
        />
        <Figure
          id="password-expired"
          value={people.password_expired}
          label="password expired"
          bad={people.password_expired > 0}
          drill={CHECK_DRILL.password_expired}
        />
        <Figure
          id="password-expiring"
          value={people.password_expiring}
          label="password expires within 14 days"
          drill={u("password expiring", { check: "password_expiring" })}
        />
        <Figure
          id="staged-old"
          value={people.staged_old}
          label="staged over 14 days, never activated"
          bad={people.staged_old > 0}
          drill={CHECK_DRILL.staged_old}
        />
        <Figure
          id="suspended-with-access"
          value={people.suspended_with_access}
          label="suspended, still bound to devices or in groups or apps"
          bad={people.suspended_with_access > 0}
          drill={CHECK_DRILL.suspended_with_access}
        />
        {people.inactive === null ? (
          <Figure
            id="inactive"
            value="–"
            label="inactive: no login events in the local copy (Directory Insights off or not allowed)"
          />
        ) : (
          <Figure
            id="inactive"
            value={people.inactive}
            label="active but no login in 90 days"
            note={
              people.event_days < 90
                ? `the local copy holds ${people.event_days} days of logins`
                : undefined
            }
            drill={CHECK_DRILL.inactive}
          />
        )}
        <Figure id="admins" value={people.admins} label="administrators" />
        <Figure
          id="admins-without-mfa"
          value={people.admins_without_mfa}
          label="administrators without MFA"
          bad={people.admins_without_mfa > 0}
        />
      </div>
      <div className="chart-row">
        <figure className="chart-card">
          <figcaption>People by state</figcaption>
          <Chart
            testId="chart-states"
            label="People by state"
            option={stateChart}
            height={Math.max(120, people.by_state.length * 40)}
            onPick={(pk) => {
              const state = people.by_state[pk.dataIndex]?.[0];
              if (state) ui.drill(u(STATE_LABEL[state] ?? state, { states: [state] }));
            }}
          />
        </figure>
      </div>

      <h2>Devices</h2>
      <div className="figures">
        <Figure id="devices" value={dev.total} label="devices" drill={d("every device", {})} />
        <Figure
          id="not-encrypted"
          value={dev.not_encrypted}
          label="not encrypted"
          bad={dev.not_encrypted > 0}
          drill={CHECK_DRILL.not_encrypted}
          note={`${pct(dev.total - dev.not_encrypted, dev.total)} encrypted`}
        />
        <Figure
          id="no-mdm"
          value={dev.no_mdm}
          label="not enrolled in MDM"
          drill={d("no MDM", { mdm: false })}
        />
        <Figure
          id="silent"
          value={dev.silent}
          label={`silent more than ${dev.silent_days} days`}
          bad={dev.silent > 0}
          drill={d(`silent > ${dev.silent_days} days`, { staleDays: dev.silent_days })}
        />
        <Figure
          id="unbound"
          value={dev.unbound}
          label="bound to nobody"
          drill={d("unbound", { unbound: true })}
        />
        <Figure
          id="owned-by-suspended"
          value={dev.owned_by_suspended}
          label="bound to a suspended person"
          bad={dev.owned_by_suspended > 0}
          drill={CHECK_DRILL.owned_by_suspended}
        />
        <Figure
          id="behind"
          value={dev.behind}
          label="behind the newest OS version seen"
          drill={CHECK_DRILL.behind}
        />
        {dev.low_disk === null ? (
          <Figure
            id="low-disk"
            value="–"
            label="low free disk: no device reported its drives (System Insights off)"
          />
        ) : (
          <Figure
            id="low-disk"
            value={dev.low_disk}
            label="less than 10% of the disk free"
            bad={dev.low_disk > 0}
            drill={CHECK_DRILL.low_disk}
          />
        )}
      </div>
      <label className="inline">
        Silent after{" "}
        <select
          className="input"
          value={silentDays}
          data-testid="posture-silent-days"
          onChange={(e) => onSilentDays(Number(e.target.value))}
        >
          {[7, 14, 30, 60, 90].map((n) => (
            <option key={n} value={n}>
              {n} days
            </option>
          ))}
        </select>
      </label>
      <div className="chart-row">
        <figure className="chart-card">
          <figcaption>Encryption by OS</figcaption>
          <Chart
            testId="chart-encryption"
            label="Encrypted and unencrypted devices per operating system"
            option={osChart}
            onPick={(pk) => {
              const o = dev.by_os[pk.dataIndex];
              if (!o) return;
              const enc = pk.seriesName === "Encrypted";
              ui.drill(
                d(`${osLabel(o.family)}, ${enc ? "encrypted" : "not encrypted"}`, {
                  os: [o.family],
                  fde: enc,
                }),
              );
            }}
          />
        </figure>
        <figure className="chart-card">
          <figcaption>Agent versions</figcaption>
          <Chart
            testId="chart-agents"
            label="Devices per agent version"
            option={agentChart}
            onPick={(pk) => {
              const v = dev.agent_versions[pk.dataIndex]?.[0];
              if (v !== undefined) ui.drill(d(`agent ${v}`, { agentVersion: v }));
            }}
          />
        </figure>
      </div>
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
          {dev.by_os.map((o) => (
            <tr key={o.family}>
              <td>{osLabel(o.family)}</td>
              <td>
                <button
                  type="button"
                  className="link"
                  onClick={() => ui.drill(d(osLabel(o.family), { os: [o.family] }))}
                >
                  {o.devices.toLocaleString()}
                </button>
              </td>
              <td>{pct(o.encrypted, o.devices)}</td>
              <td>{pct(o.mdm, o.devices)}</td>
              <td>
                {o.newest ? (
                  <button
                    type="button"
                    className="link"
                    onClick={() =>
                      ui.drill(
                        d(`${osLabel(o.family)} ${o.newest}`, {
                          os: [o.family],
                          osVersion: o.newest,
                        }),
                      )
                    }
                  >
                    {o.newest}
                  </button>
                ) : (
                  "–"
                )}
              </td>
              <td>
                <button
                  type="button"
                  className="link"
                  data-testid={`posture-behind-${o.family}`}
                  onClick={() =>
                    ui.drill(
                      d(`${osLabel(o.family)} behind ${o.newest}`, {
                        os: [o.family],
                        check: "behind",
                      }),
                    )
                  }
                >
                  {o.behind.toLocaleString()}
                </button>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
