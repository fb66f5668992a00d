// Each posture figure across the sync history. Syncs from before the figures were kept show
// what their summary holds (people and devices).
import { useMemo } from "react";
import { useQuery } from "@tanstack/react-query";
import { commands, type TrendPoint } from "../../bindings";
import { unwrap } from "../../api";
import { keys } from "../../queryKeys";
import { useLabels } from "../../labels";
import { Chart } from "../../components/Chart";

const day = (at: string) => at.slice(0, 16).replace("T", " ");

function line(
  points: TrendPoint[],
  series: [string, (p: TrendPoint) => number | null][],
  unit = "",
) {
  return {
    tooltip: { trigger: "axis", valueFormatter: (v: number) => `${v}${unit}` },
    legend: { bottom: 0 },
    grid: { left: 50, right: 20, top: 10, bottom: 50 },
    // Two syncs in the same minute are still two points: each category names its sync.
    xAxis: { type: "category", data: points.map((p) => `${day(p.at)} #${p.sync_id}`) },
    yAxis: { type: "value", axisLabel: { formatter: `{value}${unit}` } },
    series: series.map(([name, f]) => ({
      name,
      type: "line",
      connectNulls: false,
      symbolSize: 6,
      data: points.map(f),
    })),
  };
}

export function TrendsPane() {
  const labels = useLabels();
  const trends = useQuery({
    queryKey: keys.postureTrends,
    queryFn: () => unwrap(commands.postureTrends(labels.trendSyncs)),
  });
  const points = useMemo(() => trends.data ?? [], [trends.data]);
  const counts = useMemo(
    () =>
      line(points, [
        ["People", (p) => p.people],
        ["Devices", (p) => p.devices],
      ]),
    [points],
  );
  const coverage = useMemo(
    () =>
      line(
        points,
        [
          ["MFA (active people)", (p) => p.mfa_pct],
          ["Encrypted devices", (p) => p.encrypted_pct],
        ],
        "%",
      ),
    [points],
  );
  const risks = useMemo(
    () =>
      line(points, [
        ["Silent devices", (p) => p.silent],
        ["Locked out", (p) => p.locked],
        ["Admins", (p) => p.admins],
        ["Admins without MFA", (p) => p.admins_without_mfa],
      ]),
    [points],
  );
  if (trends.isError) return <p className="error-text">{(trends.error as Error).message}</p>;
  if (!trends.data) return <p className="muted">Reading the history…</p>;
  if (points.length < 2)
    return (
      <p className="muted" data-testid="trends-empty">
        Trends need at least two complete syncs; this organisation has {points.length}.
      </p>
    );
  return (
    <div className="trends" data-testid="trends">
      <p className="muted">
        {points.length} syncs from {day(points[0]?.at ?? "")} to{" "}
        {day(points[points.length - 1]?.at ?? "")}.
      </p>
      <div className="chart-row">
        <figure className="chart-card">
          <figcaption>People and devices</figcaption>
          <Chart testId="trend-counts" label="People and devices per sync" option={counts} />
        </figure>
        <figure className="chart-card">
          <figcaption>Coverage</figcaption>
          <Chart
            testId="trend-coverage"
            label="MFA and encryption coverage per sync"
            option={coverage}
          />
        </figure>
      </div>
      <figure className="chart-card">
        <figcaption>Findings</figcaption>
        <Chart
          testId="trend-findings"
          label="Silent devices, lockouts and administrators per sync"
          option={risks}
        />
      </figure>
    </div>
  );
}
