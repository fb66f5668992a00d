// "N records could not be fully read": what the last sync kept without some of their fields
// (a field of an unexpected type), listed with the fields left out. Nothing is dropped: each
// record is in the local copy and searchable; this says what of it Rollcall could not read.
import { useState } from "react";
import { useQuery } from "@tanstack/react-query";
import { commands, type RecordKind } from "../bindings";
import { unwrap } from "../api";
import { keys } from "../queryKeys";
import { Modal } from "./Modal";

const KIND: Record<RecordKind, string> = {
  user: "User",
  system: "Device",
  group: "Group",
  app: "App",
};

export function RecordProblems({ count }: { count: number }) {
  const [open, setOpen] = useState(false);
  if (count === 0) return null;
  return (
    <>
      <button
        type="button"
        className="btn small warn"
        data-testid="record-problems"
        title="Records the last sync kept without some of their fields"
        onClick={() => setOpen(true)}
      >
        {count === 1 ? "1 record" : `${count} records`} could not be fully read
      </button>
      {open && <ProblemList onClose={() => setOpen(false)} />}
    </>
  );
}

function ProblemList({ onClose }: { onClose: () => void }) {
  const q = useQuery({
    queryKey: keys.recordProblems,
    queryFn: () => unwrap(commands.recordProblems()),
  });
  return (
    <Modal title="Records not fully read" onClose={onClose} testId="record-problems-list">
      <p className="muted">
        JumpCloud sent these records with fields Rollcall could not read (a value of an unexpected
        type). Each record is kept in the local copy with the rest of its fields and its whole JSON;
        only the fields below are missing from its row. Check them in the JumpCloud console; the
        next sync reads them again.
      </p>
      {q.isError && <p className="error-text">{(q.error as Error).message}</p>}
      <div className="simple-table problems">
        <div className="simple-row head">
          <span>Kind</span>
          <span>Record</span>
          <span>Fields left out</span>
        </div>
        {q.data?.map((p) => (
          <div key={p.kind + p.id} className="simple-row" data-testid="record-problem">
            <span>{KIND[p.kind]}</span>
            <span>
              {p.label || "(no name)"}
              <span className="muted small">
                {" "}
                {p.unreadable ? "no ID: kept as JSON only" : p.id}
              </span>
            </span>
            <span>
              {p.problems.map((line) => (
                <code key={line} className="problem-line">
                  {line}
                </code>
              ))}
            </span>
          </div>
        ))}
      </div>
      <div className="modal-actions">
        <button type="button" className="btn" onClick={onClose}>
          Close
        </button>
      </div>
    </Modal>
  );
}
