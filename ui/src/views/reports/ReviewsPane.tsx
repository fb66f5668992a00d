// Review meetings: start one on the current snapshot, walk its agenda (failed checks, changes
// since the last review, open follow-ups), decide each item — accepted, fix now (the rows open
// in their list, where the normal actions ask for confirmation), or a follow-up with an owner
// and a due date — finish it, export the pack. Everything is kept in the org's file as decided.
import { useState } from "react";
import { useQuery, useQueryClient } from "@tanstack/react-query";
import {
  commands,
  type AgendaItem_Serialize as AgendaItem,
  type Decision,
  type PackFormat,
  type Review_Serialize as Review,
} from "../../bindings";
import { unwrap } from "../../api";
import { useUi } from "../../context";
import { when } from "../../format";
import { agendaDrill } from "../../drill";

const DECISIONS: [Decision, string][] = [
  ["accepted", "Accepted"],
  ["fix_now", "Fix now"],
  ["follow_up", "Follow-up"],
];

const FROM: Record<AgendaItem["kind"], string> = {
  check: "Failed check",
  change: "Change",
  follow_up: "Open follow-up",
};

function Item({ review, item }: { review: Review; item: AgendaItem }) {
  const ui = useUi();
  const qc = useQueryClient();
  const [decision, setDecision] = useState<Decision | null>(item.decision);
  const [owner, setOwner] = useState(item.owner);
  const [due, setDue] = useState(item.due ?? "");
  const [notes, setNotes] = useState(item.notes);
  const done = review.finished_at !== null;
  const drill = agendaDrill(item.key);
  const save = (d: Decision | null) =>
    unwrap(commands.reviewDecide(review.id, item.seq, d, owner, due.trim() || null, notes)).then(
      (r) => {
        qc.setQueryData(["review", review.id], r);
        void qc.invalidateQueries({ queryKey: ["reviews"] });
      },
      (e: Error) => ui.notify("error", e.message),
    );
  const changed =
    decision !== item.decision ||
    owner !== item.owner ||
    (due || null) !== item.due ||
    notes !== item.notes;
  return (
    <li className="agenda-item" data-testid={`agenda-${item.seq}`} data-key={item.key}>
      <div className="agenda-head">
        <span className="tag">{FROM[item.kind]}</span>
        <strong>{item.title}</strong>
        {drill && (
          <button
            type="button"
            className="link"
            data-testid={`agenda-open-${item.seq}`}
            onClick={() => ui.drill(drill)}
          >
            Open the rows
          </button>
        )}
      </div>
      {item.detail && <p className="muted">{item.detail}</p>}
      <div className="agenda-decision" role="radiogroup" aria-label={`Decision on ${item.title}`}>
        {DECISIONS.map(([d, label]) => (
          <label key={d} className="inline">
            <input
              type="radio"
              name={`decision-${item.seq}`}
              data-testid={`agenda-${item.seq}-${d}`}
              checked={decision === d}
              disabled={done}
              onChange={() => setDecision(d)}
            />
            {label}
          </label>
        ))}
      </div>
      {decision === "follow_up" && (
        <div className="agenda-follow">
          <label className="inline">
            Owner
            <input
              className="input"
              value={owner}
              disabled={done}
              data-testid={`agenda-${item.seq}-owner`}
              onChange={(e) => setOwner(e.target.value)}
            />
          </label>
          <label className="inline">
            Due
            <input
              className="input"
              type="date"
              value={due}
              disabled={done}
              data-testid={`agenda-${item.seq}-due`}
              onChange={(e) => setDue(e.target.value)}
            />
          </label>
        </div>
      )}
      <textarea
        className="input"
        placeholder="Notes"
        aria-label={`Notes on ${item.title}`}
        value={notes}
        disabled={done}
        data-testid={`agenda-${item.seq}-notes`}
        onChange={(e) => setNotes(e.target.value)}
      />
      {!done && (
        <button
          type="button"
          className="btn small"
          disabled={!changed}
          data-testid={`agenda-${item.seq}-save`}
          onClick={() => void save(decision)}
        >
          {item.decided_at && !changed ? "Saved" : "Save decision"}
        </button>
      )}
    </li>
  );
}

function ReviewScreen({ id, onBack }: { id: number; onBack: () => void }) {
  const ui = useUi();
  const qc = useQueryClient();
  const review = useQuery({
    queryKey: ["review", id],
    queryFn: () => unwrap(commands.reviewGet(id)),
  });
  const [attendees, setAttendees] = useState<string | null>(null);
  if (review.isError) return <p className="error-text">{(review.error as Error).message}</p>;
  const r = review.data;
  if (!r) return <p className="muted">Reading the review…</p>;
  const who = attendees ?? r.attendees;
  const decided = r.items.filter((i) => i.decision !== null).length;
  const finish = () =>
    unwrap(commands.reviewFinish(r.id, who)).then(
      (done) => {
        qc.setQueryData(["review", r.id], done);
        void qc.invalidateQueries({ queryKey: ["reviews"] });
        ui.notify("ok", `Review finished: ${decided} of ${r.items.length} items decided.`);
      },
      (e: Error) => ui.notify("error", e.message),
    );
  const exportPack = (format: PackFormat) =>
    unwrap(commands.reviewExport(r.id, format)).then(
      (x) => x && ui.notify("ok", `Exported the review pack to ${x[0]}.`),
      (e: Error) => ui.notify("error", e.message),
    );
  return (
    <div className="review" data-testid="review">
      <button type="button" className="link" onClick={onBack}>
        ← All reviews
      </button>
      <h2 data-testid="review-title">{r.title}</h2>
      <p className="muted" data-testid="review-pin">
        Started {when(r.started_at)}
        {r.finished_at ? `, finished ${when(r.finished_at)}` : " — in progress"}. Looks at sync{" "}
        {r.sync_id ?? "–"} (data hash {r.snapshot_hash}). {decided} of {r.items.length} items
        decided.
      </p>
      <label className="inline">
        Attendees
        <input
          className="input wide"
          value={who}
          disabled={r.finished_at !== null}
          data-testid="review-attendees"
          onChange={(e) => setAttendees(e.target.value)}
        />
      </label>
      {r.items.length === 0 ? (
        <p className="muted">Nothing on the agenda: every check passes and nothing changed.</p>
      ) : (
        <ol className="agenda">
          {r.items.map((i) => (
            <Item key={`${i.seq}-${i.decided_at ?? ""}`} review={r} item={i} />
          ))}
        </ol>
      )}
      <div className="review-actions">
        {r.finished_at === null && (
          <button
            type="button"
            className="btn primary"
            data-testid="review-finish"
            onClick={() => void finish()}
          >
            Finish the review
          </button>
        )}
        <button
          type="button"
          className="btn"
          data-testid="review-export-pdf"
          title="Cover, posture and charts, trends, the agenda with the decisions, each report's first rows"
          onClick={() => void exportPack("pdf")}
        >
          Review pack as PDF
        </button>
        <button
          type="button"
          className="btn"
          data-testid="review-export"
          title="The review, its agenda, and every report whole, a sheet each"
          onClick={() => void exportPack("xlsx")}
        >
          Review pack as Excel
        </button>
      </div>
    </div>
  );
}

export function ReviewsPane() {
  const ui = useUi();
  const qc = useQueryClient();
  const list = useQuery({ queryKey: ["reviews"], queryFn: () => unwrap(commands.reviewList()) });
  const [open, setOpen] = useState<number | null>(null);
  const [title, setTitle] = useState(`Inventory review ${new Date().toISOString().slice(0, 10)}`);
  const [attendees, setAttendees] = useState("");
  if (open !== null) return <ReviewScreen id={open} onBack={() => setOpen(null)} />;
  const start = () =>
    unwrap(commands.reviewStart(title, attendees)).then(
      (r) => {
        qc.setQueryData(["review", r.id], r);
        void qc.invalidateQueries({ queryKey: ["reviews"] });
        setOpen(r.id);
      },
      (e: Error) => ui.notify("error", e.message),
    );
  return (
    <div className="reviews" data-testid="reviews">
      <div className="review-start">
        <label className="inline">
          Title
          <input
            className="input wide"
            value={title}
            data-testid="review-new-title"
            onChange={(e) => setTitle(e.target.value)}
          />
        </label>
        <label className="inline">
          Attendees
          <input
            className="input wide"
            value={attendees}
            placeholder="Names, separated by commas"
            data-testid="review-new-attendees"
            onChange={(e) => setAttendees(e.target.value)}
          />
        </label>
        <button
          type="button"
          className="btn primary"
          data-testid="review-start"
          onClick={() => void start()}
        >
          Start a review
        </button>
      </div>
      {list.isError && <p className="error-text">{(list.error as Error).message}</p>}
      <ul className="review-list">
        {(list.data ?? []).map((r) => (
          <li key={r.id}>
            <button
              type="button"
              className="link"
              data-testid={`review-open-${r.id}`}
              onClick={() => setOpen(r.id)}
            >
              {r.title}
            </button>{" "}
            <span className="muted">
              {when(r.started_at)} —{" "}
              {r.finished_at
                ? `finished, ${r.items.filter((i) => i.decision === "follow_up").length} follow-ups`
                : `in progress, ${r.items.filter((i) => i.decision === null).length} items open`}
            </span>
          </li>
        ))}
      </ul>
      {list.data?.length === 0 && (
        <p className="muted">
          No review yet. A review looks at the current snapshot: its agenda is the checks that fail,
          what changed since the last review, and the follow-ups still open.
        </p>
      )}
    </div>
  );
}
