// Matching events over time (Directory Insights' `events/interval`, or the archive's own
// count): a bar per hour, day or week. Brushing a stretch of bars (or clicking one) narrows the
// range to it.
import { useEffect, useRef } from "react";
import { useQuery } from "@tanstack/react-query";
import * as echarts from "echarts/core";
import { tooltipNodes } from "../../components/chartTooltip";
import { BarChart } from "echarts/charts";
import {
  BrushComponent,
  GridComponent,
  ToolboxComponent,
  TooltipComponent,
} from "echarts/components";
import { SVGRenderer } from "echarts/renderers";
import { commands, type EventFilter, type EventSource } from "../../bindings";
import { unwrap } from "../../api";
import { keys } from "../../queryKeys";

echarts.use([
  BarChart,
  BrushComponent,
  GridComponent,
  ToolboxComponent,
  TooltipComponent,
  SVGRenderer,
]);

export function Histogram({
  filter,
  source,
  onRange,
}: {
  filter: EventFilter;
  source: EventSource;
  onRange: (start: string, end: string) => void;
}) {
  const q = useQuery({
    queryKey: keys.eventHistogram(filter, source),
    queryFn: () => unwrap(commands.eventsHistogram(filter, source)),
  });
  const box = useRef<HTMLDivElement>(null);
  const range = useRef(onRange);
  useEffect(() => {
    range.current = onRange;
  }, [onRange]);
  const data = q.data;
  useEffect(() => {
    if (!box.current || !data) return;
    const el = box.current;
    const c = echarts.init(el, undefined, { renderer: "svg" });
    const b = data.buckets;
    const step = data.step_ms ?? 0;
    const span = (i0: number, i1: number) => {
      const start = b[i0]?.at;
      const last = b[i1]?.at;
      if (!start || !last) return;
      range.current(start, new Date(Date.parse(last) + step - 1).toISOString());
    };
    c.on("finished", () => {
      el.dataset.settled = "true";
    });
    c.on("click", (p) => span(p.dataIndex as number, p.dataIndex as number));
    c.on("brushEnd", (p) => {
      const area = (p as { areas?: { coordRange?: number[] }[] }).areas?.[0];
      const r = area?.coordRange;
      if (r && r.length >= 2) span(r[0] ?? 0, r[1] ?? 0);
    });
    c.setOption({
      animation: false,
      grid: { left: 40, right: 16, top: 30, bottom: 40 },
      tooltip: { trigger: "axis", formatter: (p: unknown) => tooltipNodes(p) },
      toolbox: { feature: { brush: { type: ["lineX", "clear"] } } },
      brush: { xAxisIndex: 0, brushType: "lineX", brushMode: "single" },
      xAxis: {
        type: "category",
        data: b.map((x) =>
          data.bucketing === "hour" ? x.at.slice(5, 16).replace("T", " ") : x.at.slice(0, 10),
        ),
      },
      yAxis: { type: "value", minInterval: 1 },
      series: [{ type: "bar", name: "Events", data: b.map((x) => x.count), color: "#3b6fd8" }],
    });
    const ro = new ResizeObserver(() => c.resize());
    ro.observe(el);
    return () => {
      ro.disconnect();
      c.dispose();
    };
  }, [data]);
  const total = data?.buckets.reduce((n, b) => n + (b.count ?? 0), 0);
  return (
    <div className="insights-histogram">
      {q.isError && <p className="error-text">{String(q.error.message)}</p>}
      <div
        ref={box}
        className="chart"
        style={{ height: 200 }}
        data-testid="insights-histogram"
        data-total={total ?? ""}
        role="img"
        aria-label={`Events per ${data?.bucketing ?? "bucket"}: brush or click to narrow the range`}
      />
    </div>
  );
}
