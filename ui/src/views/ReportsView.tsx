// Inventory review: the org's posture at a glance, its trend across syncs, and what changed
// between two syncs — from the local mirror, offline. Every figure opens its rows.
import { useState } from "react";
import { useQuery } from "@tanstack/react-query";
import { commands } from "../bindings";
import { unwrap } from "../api";
import { when } from "../format";
import { useLabels } from "../labels";
import { keys } from "../queryKeys";
import { PosturePane } from "./reports/PosturePane";
import { TrendsPane } from "./reports/TrendsPane";
import { ChangesPane } from "./reports/ChangesPane";
import { CataloguePane } from "./reports/CataloguePane";
import { ReviewsPane } from "./reports/ReviewsPane";

type Tab = "posture" | "catalogue" | "trends" | "changes" | "reviews";

const TABS: [Tab, string][] = [
  ["posture", "Posture"],
  ["catalogue", "Catalogue"],
  ["trends", "Trends"],
  ["changes", "What changed"],
  ["reviews", "Reviews"],
];

export function ReportsView() {
  const [tab, setTab] = useState<Tab>("posture");
  const labels = useLabels();
  const [chosenDays, setSilentDays] = useState<number | null>(null);
  const silentDays = chosenDays ?? labels.silentDays;
  const posture = useQuery({
    queryKey: keys.posture(silentDays),
    queryFn: () => unwrap(commands.posture(silentDays)),
    placeholderData: (prev) => prev,
  });
  return (
    <section className="view reports" data-testid="view-reports">
      <div className="toolbar">
        <h1>Reports</h1>
        <div className="tabs" role="tablist">
          {TABS.map(([id, label]) => (
            <button
              key={id}
              type="button"
              role="tab"
              aria-selected={tab === id}
              className={tab === id ? "tab on" : "tab"}
              data-testid={`reports-tab-${id}`}
              onClick={() => setTab(id)}
            >
              {label}
            </button>
          ))}
        </div>
        <span className="muted" data-testid="reports-as-of">
          {posture.data?.measured.as_of
            ? `From the local copy as of ${when(posture.data.measured.as_of)}`
            : "Nothing synced yet"}
        </span>
      </div>
      <div className="reports-body">
        {tab === "posture" &&
          (posture.isError ? (
            <p className="error-text">{(posture.error as Error).message}</p>
          ) : posture.data ? (
            <PosturePane p={posture.data} silentDays={silentDays} onSilentDays={setSilentDays} />
          ) : (
            <p className="muted">Counting…</p>
          ))}
        {tab === "catalogue" && <CataloguePane />}
        {tab === "trends" && <TrendsPane />}
        {tab === "changes" && <ChangesPane />}
        {tab === "reviews" && <ReviewsPane />}
      </div>
    </section>
  );
}
