// Review meetings: start one on the current snapshot, walk its agenda (failed checks, changes
// since the last review, open follow-ups), decide each item — accepted, fix now (the rows open
// in their list, where the normal actions ask for confirmation), or a follow-up with an owner
// and a due date — finish it, export the pack. Everything is kept in the org's file as decided.
import { useState } from "react";
import { useQuery, useQueryClient } from "@tanstack/react-query";
import {
  commands,
  type AgendaItem,
  type AgendaSubject,
  type Decision,
  type Drill,
  type PackFormat,
  type Review,
  type ReviewView,
} from "../../bindings";
import { unwrap } from "../../api";
import { useUi } from "../../context";
import { when } from "../../format";
import { useLabels } from "../../labels";
import { keys } from "../../queryKeys";

/** What an item is about, as one word for its `data-key` (a check, `change:<kind>:<how>`, or
 * what a follow-up was about). */
function subjectKey(s: AgendaSubject): string {
  switch (s.about) {
    case "check":
      return s.check;
    case "change":
      return `change:${s.record}:${s.change}`;
    case "follow_up":
      return subjectKey(s.of);
    case "unknown":
      return s.key;
  }
}

/** After a decision or the finish: the review as Rust answered, and the list refetched. */
function useReviewSaved() {
  const qc = useQueryClient();
  return (v: ReviewView) => {
    qc.setQueryData(keys.review(v.review.id), v);
    void qc.invalidateQueries({ queryKey: keys.reviews });
  };
}

/** A follow-up's owner and due date. */
function FollowUpFields({
  seq,
  owner,
  due,
  disabled,
  onOwner,
  onDue,
}: {
  seq: number;
  owner: string;
  due: string;
  disabled: boolean;
  onOwner: (v: string) => void;
  onDue: (v: string) => void;
}) {
  return (
    <div className="agenda-follow">
      <label className="inline">
        Owner
        <input
          className="input"
          value={owner}
          disabled={disabled}
          data-testid={`agenda-${seq}-owner`}
          onChange={(e) => onOwner(e.target.value)}
        />
      </label>
      <label className="inline">
        Due
        <input
          className="input"
          type="date"
          value={due}
          disabled={disabled}
          data-testid={`agenda-${seq}-due`}
          onChange={(e) => onDue(e.target.value)}
        />
      </label>
    </div>
  );
}

/** An agenda item's kind and title, with the button that opens its rows when it has any. */
function ItemHead({ item, drill }: { item: AgendaItem; drill: Drill | undefined }) {
  const ui = useUi();
  const labels = useLabels();
  return (
    <div className="agenda-head">
      <span className="tag cap">{labels.agendaKind(item.kind)}</span>
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
  );
}

/** The decision on an item: one radio button per decision Rust knows. */
function DecisionChoice({
  item,
  decision,
  disabled,
  onChange,
}: {
  item: AgendaItem;
  decision: Decision | null;
  disabled: boolean;
  onChange: (d: Decision) => void;
}) {
  const labels = useLabels();
  return (
    <div className="agenda-decision" role="radiogroup" aria-label={`Decision on ${item.title}`}>
      {labels.decisions.map((d) => (
        <label key={d} className="inline">
          <input
            type="radio"
            name={`decision-${item.seq}`}
            data-testid={`agenda-${item.seq}-${d}`}
            checked={decision === d}
            disabled={disabled}
            onChange={() => onChange(d)}
          />
          <span className="cap">{labels.decision(d)}</span>
        </label>
      ))}
    </div>
  );
}

/** One agenda item: what it is, the decision, a follow-up's owner and due date, notes, save. */
function Item({ review, item, drill }: { review: Review; item: AgendaItem; drill?: Drill }) {
  const ui = useUi();
  const saved = useReviewSaved();
  const [decision, setDecision] = useState<Decision | null>(item.decision);
  const [owner, setOwner] = useState(item.owner);
  const [due, setDue] = useState(item.due ?? "");
  const [notes, setNotes] = useState(item.notes);
  const done = review.finished_at !== null;
  const save = (d: Decision | null) =>
    unwrap(commands.reviewDecide(review.id, item.seq, d, owner, due.trim() || null, notes)).then(
      saved,
      (e: Error) => ui.notify("error", e.message),
    );
  const changed =
    decision !== item.decision ||
    owner !== item.owner ||
    (due || null) !== item.due ||
    notes !== item.notes;
  return (
    <li
      className="agenda-item"
      data-testid={`agenda-${item.seq}`}
      data-key={subjectKey(item.subject)}
    >
      <ItemHead item={item} drill={drill} />
      {item.detail && <p className="muted">{item.detail}</p>}
      <DecisionChoice item={item} decision={decision} disabled={done} onChange={setDecision} />
      {decision === "follow_up" && (
        <FollowUpFields
          seq={item.seq}
          owner={owner}
          due={due}
          disabled={done}
          onOwner={setOwner}
          onDue={setDue}
        />
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

/** The review's closing buttons: finish it (while in progress), export the pack. */
function ReviewActions({
  finished,
  onFinish,
  onExport,
}: {
  finished: boolean;
  onFinish: () => void;
  onExport: (format: PackFormat) => void;
}) {
  return (
    <div className="review-actions">
      {!finished && (
        <button
          type="button"
          className="btn primary"
          data-testid="review-finish"
          onClick={onFinish}
        >
          Finish the review
        </button>
      )}
      <button
        type="button"
        className="btn"
        data-testid="review-export-pdf"
        title="Cover, posture and charts, trends, the agenda with the decisions, each report's first rows"
        onClick={() => onExport("pdf")}
      >
        Review pack as PDF
      </button>
      <button
        type="button"
        className="btn"
        data-testid="review-export"
        title="The review, its agenda, and every report whole, a sheet each"
        onClick={() => onExport("xlsx")}
      >
        Review pack as Excel
      </button>
    </div>
  );
}

/** One review: how it stands, who attends, its agenda, and the buttons that close it. */
function ReviewScreen({ id, onBack }: { id: number; onBack: () => void }) {
  const ui = useUi();
  const saved = useReviewSaved();
  const view = useQuery({
    queryKey: keys.review(id),
    queryFn: () => unwrap(commands.reviewGet(id)),
  });
  const [attendees, setAttendees] = useState<string | null>(null);
  if (view.isError) return <p className="error-text">{(view.error as Error).message}</p>;
  if (!view.data) return <p className="muted">Reading the review…</p>;
  const { review: r, drills } = view.data;
  const who = attendees ?? r.attendees;
  const decided = r.items.filter((i) => i.decision !== null).length;
  const finish = () =>
    unwrap(commands.reviewFinish(r.id, who)).then(
      (done) => {
        saved(done);
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
        {r.sync_id ?? "–"} (fingerprint of its data, SHA-256: {r.snapshot_hash}). {decided} of{" "}
        {r.items.length} items decided.
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
            <Item
              key={`${i.seq}-${i.decided_at ?? ""}`}
              review={r}
              item={i}
              drill={drills.find((d) => d.seq === i.seq)?.drill}
            />
          ))}
        </ol>
      )}
      <ReviewActions
        finished={r.finished_at !== null}
        onFinish={() => void finish()}
        onExport={(format) => void exportPack(format)}
      />
    </div>
  );
}

export function ReviewsPane() {
  const ui = useUi();
  const qc = useQueryClient();
  const list = useQuery({ queryKey: keys.reviews, queryFn: () => unwrap(commands.reviewList()) });
  const [open, setOpen] = useState<number | null>(null);
  const [title, setTitle] = useState(`Inventory review ${new Date().toISOString().slice(0, 10)}`);
  const [attendees, setAttendees] = useState("");
  if (open !== null) return <ReviewScreen id={open} onBack={() => setOpen(null)} />;
  const start = () =>
    unwrap(commands.reviewStart(title, attendees)).then(
      (v) => {
        qc.setQueryData(keys.review(v.review.id), v);
        void qc.invalidateQueries({ queryKey: keys.reviews });
        setOpen(v.review.id);
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
      <ReviewList reviews={list.data} onOpen={setOpen} />
    </div>
  );
}

/** The reviews so far, each with how it stands, or what a review is when there is none. */
function ReviewList({
  reviews,
  onOpen,
}: {
  reviews: Review[] | undefined;
  onOpen: (id: number) => void;
}) {
  return (
    <>
      <ul className="review-list">
        {(reviews ?? []).map((r) => (
          <li key={r.id}>
            <button
              type="button"
              className="link"
              data-testid={`review-open-${r.id}`}
              onClick={() => onOpen(r.id)}
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
      {reviews?.length === 0 && (
        <p className="muted">
          No review yet. A review looks at the current snapshot: its agenda is the checks that fail,
          what changed since the last review, and the follow-ups still open.
        </p>
      )}
    </>
  );
}
