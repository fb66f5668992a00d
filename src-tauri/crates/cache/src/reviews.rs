//! Inventory review meetings, kept in the org's file: a review pins the snapshot it looks at
//! (the sync and a SHA-256 fingerprint of its data), holds its agenda (built by core:
//! `rollcall_core::reviews`), who attended, and each agenda item's decision (accepted, fix now,
//! follow-up with an owner and a due date) and notes. Reviews are resumable: everything is
//! written as it is decided.

use crate::error::{CacheError, Result};
use crate::kinds::{ChangeKind, PostureCheck, RecordKind};
use crate::Cache;
use rusqlite::{params, OptionalExtension};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

/// Added by migration 11.
pub(crate) const DDL: &str = "
CREATE TABLE reviews (
    id INTEGER PRIMARY KEY,
    title TEXT NOT NULL,
    attendees TEXT NOT NULL DEFAULT '',
    started_at TEXT NOT NULL,
    finished_at TEXT,
    sync_id INTEGER,
    snapshot_hash TEXT NOT NULL,
    previous_id INTEGER
);
CREATE TABLE review_items (
    review_id INTEGER NOT NULL REFERENCES reviews(id) ON DELETE CASCADE,
    seq INTEGER NOT NULL,
    kind TEXT NOT NULL,
    key TEXT NOT NULL,
    title TEXT NOT NULL,
    detail TEXT NOT NULL DEFAULT '',
    count INTEGER NOT NULL DEFAULT 0,
    decision TEXT,
    owner TEXT NOT NULL DEFAULT '',
    due TEXT,
    notes TEXT NOT NULL DEFAULT '',
    decided_at TEXT,
    PRIMARY KEY (review_id, seq)
);
";

pub use crate::kinds::{AgendaKind, Decision};

/// What an agenda item is about. Stored as JSON in `review_items.key` (items of files from
/// before are read from their text form: `not_encrypted`, `change:user:added`,
/// `review 3 item 2: <key>`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(tag = "about", rename_all = "snake_case")]
pub enum AgendaSubject {
    /// A posture check that fails.
    Check { check: PostureCheck },
    /// Records of a kind added, removed or changed since the last review.
    Change { record: RecordKind, change: ChangeKind },
    /// A follow-up an earlier review left open: that review's item, and what it was about.
    FollowUp {
        #[cfg_attr(feature = "specta", specta(type = u32))]
        review: i64,
        #[cfg_attr(feature = "specta", specta(type = u32))]
        item: i64,
        of: Box<AgendaSubject>,
    },
    /// An item whose stored key this version cannot read (kept as it is).
    Unknown { key: String },
}

impl AgendaSubject {
    /// The posture check the item is about, through any follow-ups.
    pub fn check(&self) -> Option<PostureCheck> {
        match self {
            AgendaSubject::Check { check } => Some(*check),
            AgendaSubject::FollowUp { of, .. } => of.check(),
            _ => None,
        }
    }

    fn to_stored(&self) -> String {
        serde_json::to_string(self).unwrap_or_default()
    }

    /// The subject stored as `key` (JSON, or the text form of files from before).
    fn from_stored(key: &str) -> Self {
        if let Ok(s) = serde_json::from_str(key) {
            return s;
        }
        Self::from_legacy(key).unwrap_or_else(|| AgendaSubject::Unknown { key: key.into() })
    }

    /// The text keys of migration 11's reviews: a check key, `change:<kind>:<change>`, or
    /// `review <r> item <i>: <key>` (read once, here; new items are stored as JSON).
    fn from_legacy(key: &str) -> Option<Self> {
        if let Some((head, of)) = key.split_once(": ") {
            let mut words = head.split(' ');
            let (Some("review"), Some(r), Some("item"), Some(i), None) =
                (words.next(), words.next(), words.next(), words.next(), words.next())
            else {
                return None;
            };
            return Some(AgendaSubject::FollowUp {
                review: r.parse().ok()?,
                item: i.parse().ok()?,
                of: Box::new(Self::from_legacy(of)?),
            });
        }
        let mut parts = key.split(':');
        match (parts.next(), parts.next(), parts.next(), parts.next()) {
            (Some("change"), Some(record), Some(change), None) => Some(AgendaSubject::Change {
                record: RecordKind::parse(record)?,
                change: ChangeKind::parse(change)?,
            }),
            (Some(check), None, ..) => Some(AgendaSubject::Check {
                check: PostureCheck::parse(check)?,
            }),
            _ => None,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct AgendaItem {
    #[cfg_attr(feature = "specta", specta(type = u32))]
    pub seq: i64,
    pub kind: AgendaKind,
    pub subject: AgendaSubject,
    pub title: String,
    pub detail: String,
    #[cfg_attr(feature = "specta", specta(type = u32))]
    pub count: i64,
    pub decision: Option<Decision>,
    pub owner: String,
    /// The follow-up's due date, `YYYY-MM-DD`.
    pub due: Option<String>,
    pub notes: String,
    pub decided_at: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct Review {
    #[cfg_attr(feature = "specta", specta(type = u32))]
    pub id: i64,
    pub title: String,
    pub attendees: String,
    pub started_at: String,
    pub finished_at: Option<String>,
    /// The snapshot the review looks at.
    #[cfg_attr(feature = "specta", specta(type = Option<u32>))]
    pub sync_id: Option<i64>,
    /// The fingerprint of the snapshot's data when the review started (SHA-256, hex; reviews
    /// from before Rollcall used SHA-256 keep the 16-digit fingerprint they were given).
    pub snapshot_hash: String,
    #[cfg_attr(feature = "specta", specta(type = Option<u32>))]
    pub previous_id: Option<i64>,
    pub items: Vec<AgendaItem>,
}

/// One agenda item before it is written (`start_review` numbers them).
#[derive(Debug, Clone, PartialEq)]
pub struct NewItem {
    pub kind: AgendaKind,
    pub subject: AgendaSubject,
    pub title: String,
    pub detail: String,
    pub count: i64,
}

/// A follow-up of a finished review, still open.
#[derive(Debug, Clone, PartialEq)]
pub struct OpenFollowUp {
    pub review: i64,
    pub item: AgendaItem,
}

fn item(r: &rusqlite::Row<'_>) -> rusqlite::Result<AgendaItem> {
    Ok(AgendaItem {
        seq: r.get(0)?,
        kind: r.get(1)?,
        subject: AgendaSubject::from_stored(&r.get::<_, String>(2)?),
        title: r.get(3)?,
        detail: r.get(4)?,
        count: r.get(5)?,
        decision: r.get(6)?,
        owner: r.get(7)?,
        due: r.get(8)?,
        notes: r.get(9)?,
        decided_at: r.get(10)?,
    })
}

impl Cache {
    /// A SHA-256 fingerprint of the current snapshot's data: every record whole (kind, id and
    /// JumpCloud's JSON, in order), then the sync (hex).
    pub fn snapshot_fingerprint(&self) -> Result<String> {
        let mut stmt = self
            .conn
            .prepare("SELECT kind, id, json FROM records ORDER BY kind, id")?;
        let mut sha = Sha256::new();
        let rows = stmt.query_map([], |r| {
            Ok((
                r.get::<_, String>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, crate::packed::Packed>(2)?.0,
            ))
        })?;
        for r in rows {
            let (kind, id, json) = r?;
            sha.update(format!("{kind}/{id}\n{}\n", json.len()));
            sha.update(json.as_bytes());
        }
        let sync = self.last_complete_sync()?.map(|(id, _)| id).unwrap_or(0);
        sha.update(format!("sync {sync}\n"));
        Ok(format!("{:x}", sha.finalize()))
    }

    /// The last review finished, if any: its id and snapshot.
    pub fn last_finished_review(&self) -> Result<Option<(i64, Option<i64>)>> {
        Ok(self
            .conn
            .query_row(
                "SELECT id, sync_id FROM reviews WHERE finished_at IS NOT NULL ORDER BY id DESC LIMIT 1",
                [],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .optional()?)
    }

    /// The follow-ups the last finished review left open.
    pub fn open_follow_ups(&self) -> Result<Vec<OpenFollowUp>> {
        let Some((last, _)) = self.last_finished_review()? else {
            return Ok(vec![]);
        };
        Ok(self
            .review(last)?
            .items
            .into_iter()
            .filter(|i| i.decision == Some(Decision::FollowUp))
            .map(|item| OpenFollowUp { review: last, item })
            .collect())
    }

    /// Starts a review of the current snapshot with `items` as its agenda, in order.
    pub fn start_review(&mut self, title: &str, attendees: &str, now: &str, items: &[NewItem]) -> Result<Review> {
        let snap = self.last_complete_sync()?.map(|(id, _)| id);
        let fingerprint = self.snapshot_fingerprint()?;
        let previous = self.last_finished_review()?;
        let tx = self.conn.transaction()?;
        tx.execute(
            "INSERT INTO reviews (title, attendees, started_at, sync_id, snapshot_hash, previous_id) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
            params![title, attendees, now, snap, fingerprint, previous.map(|p| p.0)],
        )?;
        let id = tx.last_insert_rowid();
        for (seq, i) in items.iter().enumerate() {
            tx.execute(
                "INSERT INTO review_items (review_id, seq, kind, key, title, detail, count) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
                params![id, seq as i64 + 1, i.kind, i.subject.to_stored(), i.title, i.detail, i.count],
            )?;
        }
        tx.commit()?;
        self.review(id)
    }

    /// A review with its agenda.
    pub fn review(&self, id: i64) -> Result<Review> {
        let mut review = self
            .conn
            .query_row(
                "SELECT id, title, attendees, started_at, finished_at, sync_id, snapshot_hash, previous_id FROM reviews WHERE id = ?1",
                [id],
                |r| {
                    Ok(Review {
                        id: r.get(0)?,
                        title: r.get(1)?,
                        attendees: r.get(2)?,
                        started_at: r.get(3)?,
                        finished_at: r.get(4)?,
                        sync_id: r.get(5)?,
                        snapshot_hash: r.get(6)?,
                        previous_id: r.get(7)?,
                        items: vec![],
                    })
                },
            )
            .optional()?
            .ok_or(CacheError::NoSuchReview(id))?;
        let mut stmt = self.conn.prepare_cached(
            "SELECT seq, kind, key, title, detail, count, decision, owner, due, notes, decided_at FROM review_items WHERE review_id = ?1 ORDER BY seq",
        )?;
        review.items = stmt.query_map([id], item)?.collect::<rusqlite::Result<_>>()?;
        Ok(review)
    }

    /// Every review, newest first (agenda left out).
    pub fn reviews(&self) -> Result<Vec<Review>> {
        let ids: Vec<i64> = {
            let mut stmt = self.conn.prepare("SELECT id FROM reviews ORDER BY id DESC")?;
            let ids = stmt.query_map([], |r| r.get(0))?.collect::<rusqlite::Result<_>>()?;
            ids
        };
        ids.into_iter()
            .map(|id| {
                let mut r = self.review(id)?;
                r.items
                    .retain(|i| i.decision.is_none() || i.decision == Some(Decision::FollowUp));
                Ok(r)
            })
            .collect()
    }

    /// Records the meeting's decision on item `seq` of review `id` (a finished review is not
    /// changed any more).
    #[allow(clippy::too_many_arguments)]
    pub fn decide(
        &self,
        id: i64,
        seq: i64,
        decision: Option<Decision>,
        owner: &str,
        due: Option<&str>,
        notes: &str,
        now: &str,
    ) -> Result<Review> {
        let r = self.review(id)?;
        if r.finished_at.is_some() {
            return Err(CacheError::ReviewFinished(id));
        }
        let n = self.conn.execute(
            "UPDATE review_items SET decision = ?3, owner = ?4, due = ?5, notes = ?6, decided_at = ?7 WHERE review_id = ?1 AND seq = ?2",
            params![id, seq, decision, owner.trim(), due.filter(|d| !d.trim().is_empty()), notes, now],
        )?;
        if n == 0 {
            return Err(CacheError::NoSuchReview(id));
        }
        self.review(id)
    }

    /// Ends review `id`; its open follow-ups go on the next review's agenda.
    pub fn finish_review(&self, id: i64, attendees: &str, now: &str) -> Result<Review> {
        self.conn.execute(
            "UPDATE reviews SET finished_at = coalesce(finished_at, ?2), attendees = ?3 WHERE id = ?1",
            params![id, now, attendees],
        )?;
        self.review(id)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn subjects_of_files_from_before_are_read_from_their_text() {
        let check = AgendaSubject::Check {
            check: PostureCheck::NotEncrypted,
        };
        assert_eq!(AgendaSubject::from_stored("not_encrypted"), check);
        assert_eq!(
            AgendaSubject::from_stored("change:user:added"),
            AgendaSubject::Change {
                record: RecordKind::User,
                change: ChangeKind::Added
            }
        );
        let carried = AgendaSubject::from_stored("review 4 item 2: review 3 item 1: not_encrypted");
        assert_eq!(carried.check(), Some(PostureCheck::NotEncrypted));
        assert!(matches!(carried, AgendaSubject::FollowUp { review: 4, item: 2, .. }));
        assert!(matches!(
            AgendaSubject::from_stored("review x item 2: locked"),
            AgendaSubject::Unknown { .. }
        ));
        let stored = carried.to_stored();
        assert_eq!(
            AgendaSubject::from_stored(&stored),
            carried,
            "new items round-trip as JSON"
        );
    }
}
