// An Apache ECharts chart (SVG renderer: crisp at any zoom, and the same vector shapes a PDF
// can take). `onPick` gets the clicked segment's series and category names.
import { useEffect, useRef } from "react";
import * as echarts from "echarts/core";
import { BarChart, LineChart, PieChart } from "echarts/charts";
import {
  GridComponent,
  LegendComponent,
  TooltipComponent,
  TitleComponent,
} from "echarts/components";
import { SVGRenderer } from "echarts/renderers";
import type { EChartsCoreOption } from "echarts/core";
import { tooltipNodes } from "./chartTooltip";

echarts.use([
  BarChart,
  LineChart,
  PieChart,
  GridComponent,
  LegendComponent,
  TooltipComponent,
  TitleComponent,
  SVGRenderer,
]);

export interface Pick {
  seriesName: string;
  /** The series' place in the option's `series` (which series, without reading its name). */
  seriesIndex: number;
  name: string;
  dataIndex: number;
}

export function Chart({
  option,
  onPick,
  height = 240,
  testId,
  label,
}: {
  option: EChartsCoreOption;
  onPick?: (p: Pick) => void;
  height?: number;
  testId: string;
  /** What the chart shows, for screen readers. */
  label: string;
}) {
  const box = useRef<HTMLDivElement>(null);
  const chart = useRef<echarts.ECharts | null>(null);
  const pick = useRef(onPick);
  useEffect(() => {
    pick.current = onPick;
  }, [onPick]);

  useEffect(() => {
    if (!box.current) return;
    const el = box.current;
    const c = echarts.init(el, undefined, { renderer: "svg" });
    chart.current = c;
    // Drawn and done animating: what a screenshot (or a test) waits for.
    c.on("finished", () => {
      el.dataset.settled = "true";
    });
    c.on("click", (p) => {
      const e = p as unknown as Pick;
      pick.current?.({
        seriesName: e.seriesName,
        seriesIndex: e.seriesIndex,
        name: e.name,
        dataIndex: e.dataIndex,
      });
    });
    const ro = new ResizeObserver(() => c.resize());
    ro.observe(box.current);
    return () => {
      ro.disconnect();
      c.dispose();
      chart.current = null;
    };
  }, []);

  useEffect(() => {
    if (!chart.current) return;
    delete box.current?.dataset.settled;
    // Drawn at once, not animated: WebKitGTK does not always repaint an SVG clip path as
    // ECharts grows it, which left line charts half drawn or not at all.
    // Every tooltip drawn by `tooltipNodes` (ECharts' own is dropped by the CSP).
    const tip = (option as { tooltip?: { valueFormatter?: (v: number) => string } }).tooltip;
    const tooltip = tip && {
      ...tip,
      formatter: (p: unknown) => tooltipNodes(p, tip.valueFormatter),
    };
    chart.current.setOption({ animation: false, ...option, ...(tooltip ? { tooltip } : {}) }, true);
  }, [option]);

  return (
    <div
      ref={box}
      className="chart"
      style={{ height }}
      data-testid={testId}
      role="img"
      aria-label={label}
    />
  );
}
