import { describe, expect, it } from "vitest";
import { tooltipNodes } from "./chartTooltip";

describe("the charts' tooltip", () => {
  it("names each series beside its value, under the category, without inline styles", () => {
    const tip = tooltipNodes(
      [
        { seriesName: "Encrypted", axisValueLabel: "macOS", value: 1200, color: "#3b6fd8" },
        { seriesName: "Not encrypted", axisValueLabel: "macOS", value: null, color: "#d9534f" },
      ],
      (v) => `${v}%`,
    );
    expect(tip.querySelector(".chart-tip-head")?.textContent).toBe("macOS");
    const rows = [...tip.querySelectorAll(".chart-tip-row")].map((r) =>
      [...r.querySelectorAll(".chart-tip-name, .chart-tip-value")].map((s) => s.textContent),
    );
    expect(rows).toEqual([
      ["Encrypted", "1200%"],
      ["Not encrypted", "–"],
    ]);
    expect(tip.innerHTML).not.toContain('style="float');
    expect((tip.querySelector(".chart-tip-dot") as HTMLElement).style.backgroundColor).not.toBe("");
  });

  it("shows one item by its name and share, a hostile name as text", () => {
    const tip = tooltipNodes({
      name: "<img src=x onerror=alert(1)>",
      value: [3, 42],
      percent: 12.5,
    });
    expect(tip.querySelector("img")).toBeNull();
    expect(tip.querySelector(".chart-tip-name")?.textContent).toBe("<img src=x onerror=alert(1)>");
    expect(tip.querySelector(".chart-tip-value")?.textContent).toBe("42 (12.5%)");
    expect(tip.querySelector(".chart-tip-head")).toBeNull();
  });
});
