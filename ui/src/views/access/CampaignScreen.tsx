// One access review: prepared (synced, then the data sealed), reviewed row by row or in bulk
// with the reasons Rust asks for, closed with an explicit choice for undecided rows, its
// revocations removed from JumpCloud and verified, its evidence exported.
import { useMemo, useState } from "react";
import { useQuery } from "@tanstack/react-query";
import {
  commands,
  type CampaignRow,
  type CampaignView,
  type CertDecision,
  type CertFlag,
  type EvidenceFormat,
} from "../../bindings";
import { unwrap } from "../../api";
import { useUi } from "../../context";
import { when } from "../../format";
import { useLabels } from "../../labels";
import { keys } from "../../queryKeys";
import { DataTable, type Column, type Sort } from "../../components/DataTable";
import { useSelection } from "../../components/useSelection";
import { CloseDialog, Remediation } from "./Remediation";
import { DecisionBar } from "./DecisionBar";
import { useCampaignSaved } from "./saved";
import { Workbooks } from "./Workbooks";

type Grouping = "person" | "resource" | "flat";

function Totals({ v }: { v: CampaignView }) {
  const t = v.totals;
  return (
    <p className="campaign-totals" data-testid="campaign-totals">
      <strong>{t.rows.toLocaleString()}</strong> rows · reviewed{" "}
      <strong data-testid="total-reviewed">{t.reviewed}</strong> = kept{" "}
      <strong data-testid="total-kept">{t.kept}</strong> + revoked{" "}
      <strong data-testid="total-revoked">{t.revoked}</strong> + deferred{" "}
      <strong data-testid="total-deferred">{t.deferred}</strong> + admin rights dropped{" "}
      <strong data-testid="total-reduced">{t.reduced}</strong> · left to review{" "}
      <strong data-testid="total-left">{t.left}</strong> · {t.privileged} privileged · {t.flagged}{" "}
      flagged
    </p>
  );
}

/** The row's flags as chips; each says the fact behind it on hover. */
function Flags({ row }: { row: CampaignRow }) {
  const labels = useLabels();
  return (
    <span className="flags">
      {row.row.flags.map((f, i) => (
        <span key={i} className={`flag flag-${f.flag}`} title={f.fact}>
          {labels.certFlag(f.flag)}
        </span>
      ))}
    </span>
  );
}

function useColumns(): Column<CampaignRow>[] {
  const labels = useLabels();
  return [
    { id: "seq", label: "#", width: "48px", render: (r) => r.seq, sort: "seq" },
    {
      id: "person",
      label: "Person",
      width: "minmax(160px, 2fr)",
      render: (r) => r.row.person,
      sort: "person",
    },
    {
      id: "access",
      label: "Access",
      width: "minmax(160px, 2fr)",
      render: (r) => (
        <span>
          <span className="muted cap">{labels.grantKind(r.row.kind)}:</span> {r.row.resource}
          {r.row.via && <span className="muted"> — through {r.row.via}</span>}
        </span>
      ),
      sort: "resource",
    },
    { id: "flags", label: "Flags", width: "minmax(160px, 2fr)", render: (r) => <Flags row={r} /> },
    {
      id: "reviewer",
      label: "Reviewer",
      width: "minmax(110px, 1fr)",
      render: (r) => r.row.reviewer,
      sort: "reviewer",
    },
    {
      id: "decision",
      label: "Decision",
      width: "minmax(150px, 1.5fr)",
      render: (r) => (
        <span data-testid={`decision-${r.seq}`} className={`decision-${r.decision ?? "none"}`}>
          <span className="cap">{labels.certDecision(r.decision)}</span>
          {r.reason && <span className="muted"> — {r.reason}</span>}
        </span>
      ),
      sort: "decision",
    },
  ];
}

const sortText = (r: CampaignRow, key: string): string | number => {
  switch (key) {
    case "person":
      return r.row.person.toLowerCase();
    case "resource":
      return r.row.resource.toLowerCase();
    case "reviewer":
      return r.row.reviewer.toLowerCase();
    case "decision":
      return r.decision ?? "";
    default:
      return r.seq;
  }
};

/** The filters: text, flag, reviewer, decision. */
interface Filter {
  text: string;
  flag: CertFlag | "";
  reviewer: string;
  decision: CertDecision | "undecided" | "";
}

function matches(r: CampaignRow, f: Filter): boolean {
  const t = f.text.trim().toLowerCase();
  if (t && !`${r.row.person} ${r.row.resource} ${r.row.via} ${r.reason}`.toLowerCase().includes(t))
    return false;
  if (f.flag && !r.row.flags.some((x) => x.flag === f.flag)) return false;
  if (f.reviewer && r.row.reviewer !== f.reviewer) return false;
  if (f.decision === "undecided" && r.decision !== null) return false;
  if (f.decision && f.decision !== "undecided" && r.decision !== f.decision) return false;
  return true;
}

function FilterBar({
  v,
  f,
  onChange,
  grouping,
  onGrouping,
}: {
  v: CampaignView;
  f: Filter;
  onChange: (f: Filter) => void;
  grouping: Grouping;
  onGrouping: (g: Grouping) => void;
}) {
  const labels = useLabels();
  const reviewers = [...new Set(v.rows.map((r) => r.row.reviewer))].sort();
  const flags = labels.certFlags.filter((fl) =>
    v.rows.some((r) => r.row.flags.some((x) => x.flag === fl)),
  );
  return (
    <div className="toolbar">
      <div className="segmented" role="group" aria-label="Arrange the rows">
        {(["person", "resource", "flat"] as const).map((g) => (
          <button
            key={g}
            type="button"
            className={`seg ${grouping === g ? "on" : ""}`}
            aria-pressed={grouping === g}
            data-testid={`arrange-${g}`}
            onClick={() => onGrouping(g)}
          >
            {g === "person" ? "By person" : g === "resource" ? "By resource" : "Flat list"}
          </button>
        ))}
      </div>
      <input
        className="input search"
        type="search"
        placeholder="Filter by person, access or reason"
        aria-label="Filter the rows"
        data-testid="campaign-filter"
        value={f.text}
        onChange={(e) => onChange({ ...f, text: e.target.value })}
      />
      <select
        className="input"
        aria-label="Flag"
        data-testid="filter-flag"
        value={f.flag}
        onChange={(e) => onChange({ ...f, flag: e.target.value as CertFlag | "" })}
      >
        <option value="">Any flag</option>
        {flags.map((fl) => (
          <option key={fl} value={fl}>
            {labels.certFlag(fl)}
          </option>
        ))}
      </select>
      <select
        className="input"
        aria-label="Reviewer"
        data-testid="filter-reviewer"
        value={f.reviewer}
        onChange={(e) => onChange({ ...f, reviewer: e.target.value })}
      >
        <option value="">Any reviewer</option>
        {reviewers.map((r) => (
          <option key={r} value={r}>
            {r}
          </option>
        ))}
      </select>
      <select
        className="input"
        aria-label="Decision"
        data-testid="filter-decision"
        value={f.decision}
        onChange={(e) => onChange({ ...f, decision: e.target.value as Filter["decision"] })}
      >
        <option value="">Any decision</option>
        <option value="undecided">{labels.certDecision(null)}</option>
        {labels.certDecisions.map((d) => (
          <option key={d} value={d}>
            {labels.certDecision(d)}
          </option>
        ))}
      </select>
    </div>
  );
}

/** One row's flags, each with the fact behind it. */
function RowFacts({ row }: { row: CampaignRow }) {
  const labels = useLabels();
  return (
    <div className="row-facts" data-testid="row-facts">
      <strong>
        #{row.seq} {row.row.person}
      </strong>{" "}
      — <span className="cap">{labels.grantKind(row.row.kind)}</span>: {row.row.resource}
      <ul>
        {row.row.flags.map((f, i) => (
          <li key={i}>
            <span className={`flag flag-${f.flag}`}>{labels.certFlag(f.flag)}</span> {f.fact}
          </li>
        ))}
        {row.row.flags.length === 0 && (
          <li className="muted">No flag: nothing unusual was found.</li>
        )}
      </ul>
      {row.decided_at && (
        <p className="muted">
          Decided {when(row.decided_at)} by {row.decided_by} ({row.decided_via})
          {row.defer_owner && `; deferred to ${row.defer_owner} by ${row.defer_due ?? ""}`}.
        </p>
      )}
    </div>
  );
}

function Prepare({ v }: { v: CampaignView }) {
  const ui = useUi();
  const saved = useCampaignSaved();
  const [busy, setBusy] = useState(false);
  const [choice, setChoice] = useState<{ reason: string; asOf: string | null } | null>(null);
  const run = (useCopy: boolean) => {
    setBusy(true);
    unwrap(commands.certifyPrepare(v.campaign.id, useCopy))
      .then(
        (o) => {
          if (o.outcome === "prepared") {
            saved(o.view);
            setChoice(null);
            ui.notify("ok", `Sealed ${o.view.rows.length.toLocaleString()} rows.`);
          } else setChoice({ reason: o.reason, asOf: o.copy_as_of });
        },
        (e: Error) => ui.notify("error", e.message),
      )
      .finally(() => setBusy(false));
  };
  return (
    <div className="callout" data-testid="campaign-prepare-box">
      <p>
        Preparing syncs with JumpCloud first, then copies every grant in scope into this review with
        its context and seals it (SHA-256). Later syncs never change its rows.
      </p>
      <button
        type="button"
        className="btn primary"
        disabled={busy}
        data-testid="campaign-prepare"
        onClick={() => run(false)}
      >
        {busy ? "Syncing and sealing…" : "Prepare: sync and seal the data"}
      </button>
      {choice && (
        <div className="error-text" data-testid="campaign-stale">
          <p>
            JumpCloud could not be reached: {choice.reason} The local copy is from{" "}
            {choice.asOf ? when(choice.asOf) : "no complete sync"} — more than a day old.
          </p>
          <button
            type="button"
            className="btn"
            disabled={busy || !choice.asOf}
            data-testid="campaign-prepare-copy"
            onClick={() => run(true)}
          >
            Prepare from that copy anyway
          </button>
        </div>
      )}
    </div>
  );
}

function Evidence({ v }: { v: CampaignView }) {
  const ui = useUi();
  const save = (format: EvidenceFormat) =>
    unwrap(commands.certifyExport(v.campaign.id, format)).then(
      (x) =>
        x && ui.notify("ok", `Exported the evidence (${x[1].toLocaleString()} rows) to ${x[0]}.`),
      (e: Error) => ui.notify("error", e.message),
    );
  const files: [EvidenceFormat, string][] = [
    ["pdf", "Evidence as PDF"],
    ["xlsx", "Evidence as Excel"],
    ["json", "Manifest as JSON"],
  ];
  return (
    <div className="review-actions">
      {files.map(([format, label]) => (
        <button
          key={format}
          type="button"
          className="btn"
          data-testid={`evidence-${format}`}
          onClick={() => void save(format)}
        >
          {label}
        </button>
      ))}
    </div>
  );
}

function Header({ v }: { v: CampaignView }) {
  const labels = useLabels();
  const c = v.campaign;
  return (
    <>
      <h2 data-testid="campaign-title">{c.name}</h2>
      <p className="muted" data-testid="campaign-pin">
        Due {c.due}
        {c.repeat_months > 0 && `, repeats every ${c.repeat_months} months`} · reviewers:{" "}
        {labels.reviewerMode(c.reviewer_mode)}
        {c.prepared_at && (
          <>
            {" "}
            · data as of {c.data_as_of ? when(c.data_as_of) : "—"} (sync {c.sync_id ?? "–"}), sealed{" "}
            {when(c.prepared_at)}, SHA-256 <code data-testid="campaign-hash">{c.rows_hash}</code>
          </>
        )}
        {c.closed_at && ` · closed ${when(c.closed_at)} by ${c.closed_by}`}
      </p>
      {c.prep_note && <p className="callout">{c.prep_note}</p>}
    </>
  );
}

export function CampaignScreen({ id, onBack }: { id: number; onBack: () => void }) {
  const view = useQuery({
    queryKey: keys.campaign(id),
    queryFn: () => unwrap(commands.certifyGet(id)),
  });
  const columns = useColumns();
  const [filter, setFilter] = useState<Filter>({ text: "", flag: "", reviewer: "", decision: "" });
  const [grouping, setGrouping] = useState<Grouping>("person");
  const [sort, setSort] = useState<Sort>({ key: "person", desc: false });
  const [closing, setClosing] = useState(false);
  const [focus, setFocus] = useState<number | null>(null);
  const { selected, toggle, clear } = useSelection();
  const v = view.data;
  const rows = useMemo(() => {
    if (!v) return [];
    const key = grouping === "resource" ? "resource" : grouping === "person" ? "person" : sort.key;
    const desc = grouping === "flat" && sort.desc;
    const out = v.rows.filter((r) => matches(r, filter));
    out.sort((a, b) => {
      const [x, y] = [sortText(a, key), sortText(b, key)];
      const c = x < y ? -1 : x > y ? 1 : a.seq - b.seq;
      return desc ? -c : c;
    });
    return out;
  }, [v, filter, grouping, sort]);
  if (view.isError) return <p className="error-text">{(view.error as Error).message}</p>;
  if (!v) return <p className="muted">Reading the access review…</p>;
  const stage = v.stage;
  const lastDecided = v.rows.reduce(
    (m, r) => (r.decided_at && r.decided_at > m ? r.decided_at : m),
    "",
  );
  const q = JSON.stringify(filter);
  const focused = v.rows.find((r) => r.seq === focus) ?? null;
  return (
    <div className="campaign" data-testid="campaign">
      <button type="button" className="link" onClick={onBack}>
        ← All access reviews
      </button>
      <Header v={v} />
      {stage === "draft" && <Prepare v={v} />}
      {stage !== "draft" && (
        <>
          <Totals v={v} />
          <FilterBar
            v={v}
            f={filter}
            onChange={setFilter}
            grouping={grouping}
            onGrouping={setGrouping}
          />
          <span className="muted" data-testid="campaign-count">
            {rows.length.toLocaleString()} of {v.rows.length.toLocaleString()} rows
          </span>
          <DataTable<CampaignRow>
            testId="campaign-rows"
            queryKey={keys.campaignRows(
              id,
              `${lastDecided}${v.totals.removed}`,
              q,
              `${grouping}:${sort.key}`,
              sort.desc,
            )}
            fetchPage={(offset, limit) =>
              Promise.resolve({ total: rows.length, rows: rows.slice(offset, offset + limit) })
            }
            columns={columns}
            rowId={(r) => String(r.seq)}
            rowLabel={(r) => `${r.row.person} — ${r.row.resource}`}
            sort={sort}
            onSort={(s) => {
              setGrouping("flat");
              setSort(s);
            }}
            onOpen={(r) => setFocus(r.seq)}
            openId={focus === null ? null : String(focus)}
            selected={stage === "in_review" ? selected : undefined}
            onToggle={stage === "in_review" ? toggle : undefined}
            empty="No row matches these filters."
          />
          {focused && <RowFacts row={focused} />}
          {stage === "in_review" && (
            <DecisionBar
              v={v}
              seqs={selected.size > 0 ? [...selected].map(Number) : focused ? [focused.seq] : []}
              onDone={clear}
              onSelectShown={() =>
                rows.forEach((r) => !selected.has(String(r.seq)) && toggle(String(r.seq)))
              }
            />
          )}
          {stage === "in_review" && <Workbooks v={v} />}
          {stage === "in_review" && (
            <button
              type="button"
              className="btn primary"
              data-testid="campaign-close"
              onClick={() => setClosing(true)}
            >
              Close the review…
            </button>
          )}
          {closing && <CloseDialog v={v} onClose={() => setClosing(false)} />}
          {stage === "closed" && <Remediation v={v} />}
          {stage === "closed" && <Evidence v={v} />}
        </>
      )}
    </div>
  );
}
