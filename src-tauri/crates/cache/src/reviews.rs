//! Inventory review meetings, kept in the org's file: a review pins the snapshot it looks at
//! (the sync and a hash of its data), builds its agenda from the posture checks that fail, the
//! changes since the last review and the follow-ups still open, records who attended, and each
//! agenda item's decision (accepted, fix now, follow-up with an owner and a due date) and notes.
//! Reviews are resumable: everything is written as it is decided.

use crate::error::{CacheError, Result};
use crate::read::Posture;
use crate::Cache;
use rusqlite::{params, OptionalExtension};
use serde::{Deserialize, Serialize};

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

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct AgendaItem {
    #[cfg_attr(feature = "specta", specta(type = u32))]
    pub seq: i64,
    pub kind: AgendaKind,
    /// What the item is about: a posture figure (`not_encrypted`), a change
    /// (`change:user:added`) or the follow-up's origin (`review 3 item 2: not_encrypted`).
    pub key: String,
    pub title: String,
    pub detail: String,
    #[cfg_attr(feature = "specta", specta(type = u32))]
    pub count: i64,
    pub decision: Option<Decision>,
    pub owner: String,
    pub due: Option<String>,
    pub notes: String,
    pub decided_at: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
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
    pub snapshot_hash: String,
    #[cfg_attr(feature = "specta", specta(type = Option<u32>))]
    pub previous_id: Option<i64>,
    pub items: Vec<AgendaItem>,
}

/// One agenda item before it is written (`start_review` numbers them).
#[derive(Debug, Clone, PartialEq)]
pub struct NewItem {
    pub kind: AgendaKind,
    pub key: String,
    pub title: String,
    pub detail: String,
    pub count: i64,
}

/// The failed posture checks of `p`, as agenda items (worst first is the caller's order).
pub fn failed_checks(p: &Posture) -> Vec<NewItem> {
    let (u, d) = (&p.people, &p.devices);
    let mut out = vec![];
    let mut check = |key: &str, n: u64, title: String, detail: &str| {
        if n > 0 {
            out.push(NewItem {
                kind: AgendaKind::Check,
                key: key.into(),
                title,
                detail: detail.into(),
                count: n as i64,
            });
        }
    };
    check(
        "admins_without_mfa",
        u.admins_without_mfa,
        format!("{} administrators without MFA", u.admins_without_mfa),
        "An administrator's password alone opens the whole organisation.",
    );
    if u.active > 0 && u.active_mfa * 100 < u.active * 95 {
        let n = u.active - u.active_mfa;
        check(
            "mfa_adoption",
            n,
            format!(
                "MFA adoption {:.1}% (under 95%): {n} active people without MFA",
                u.active_mfa as f64 * 100.0 / u.active as f64
            ),
            "",
        );
    }
    check(
        "suspended_with_access",
        u.suspended_with_access,
        format!("{} suspended people still with access", u.suspended_with_access),
        "Still bound to devices, in groups or assigned apps.",
    );
    check(
        "not_encrypted",
        d.not_encrypted,
        format!("{} devices not encrypted", d.not_encrypted),
        "",
    );
    check(
        "owned_by_suspended",
        d.owned_by_suspended,
        format!("{} devices bound to a suspended person", d.owned_by_suspended),
        "",
    );
    check("locked", u.locked, format!("{} people locked out", u.locked), "");
    check(
        "password_expired",
        u.password_expired,
        format!("{} passwords expired", u.password_expired),
        "",
    );
    check(
        "staged_old",
        u.staged_old,
        format!("{} people staged over 14 days, never activated", u.staged_old),
        "",
    );
    check(
        "silent",
        d.silent,
        format!("{} devices silent more than {} days", d.silent, d.silent_days),
        "",
    );
    check(
        "behind",
        d.behind,
        format!("{} devices behind the newest OS version seen", d.behind),
        "",
    );
    if let Some(n) = d.low_disk {
        check(
            "low_disk",
            n,
            format!("{n} devices with less than 10% of their disk free"),
            "",
        );
    }
    if let Some(n) = u.inactive {
        check("inactive", n, format!("{n} active people with no login in 90 days"), "");
    }
    out
}

fn item(r: &rusqlite::Row<'_>) -> rusqlite::Result<AgendaItem> {
    Ok(AgendaItem {
        seq: r.get(0)?,
        kind: r.get(1)?,
        key: r.get(2)?,
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
    /// A hash of the current snapshot's data: every record's version, and the sync.
    pub fn snapshot_hash(&self) -> Result<String> {
        // Order-free: the wrapping sum of every record's (kind, id, version) hash.
        let mut stmt = self.conn.prepare("SELECT kind, id, hash FROM records")?;
        let (mut n, mut sum) = (0u64, 0u64);
        let rows = stmt.query_map([], |r| {
            Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?, r.get::<_, i64>(2)?))
        })?;
        for r in rows {
            let (kind, id, h) = r?;
            n += 1;
            sum = sum.wrapping_add(crate::rows::hash(&format!("{kind}/{id}/{h}")) as u64);
        }
        let sync = self.last_complete_sync()?.map(|(id, _)| id).unwrap_or(0);
        Ok(format!(
            "{:016x}",
            crate::rows::hash(&format!("{sync}:{n}:{sum}")) as u64
        ))
    }

    /// The last review finished before now, if any.
    fn last_finished_review(&self) -> Result<Option<(i64, Option<i64>)>> {
        Ok(self
            .conn
            .query_row(
                "SELECT id, sync_id FROM reviews WHERE finished_at IS NOT NULL ORDER BY id DESC LIMIT 1",
                [],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .optional()?)
    }

    /// Follow-ups of finished reviews still open (the latest decision of each item).
    fn open_follow_ups(&self) -> Result<Vec<NewItem>> {
        let mut stmt = self.conn.prepare(
            "SELECT i.review_id, i.seq, i.title, i.owner, i.due, i.notes, i.key FROM review_items i \
             JOIN reviews r ON r.id = i.review_id AND r.finished_at IS NOT NULL \
             WHERE i.decision = 'follow_up' AND r.id = (SELECT max(id) FROM reviews WHERE finished_at IS NOT NULL) \
             ORDER BY i.seq",
        )?;
        let rows = stmt
            .query_map([], |r| {
                let (review, seq): (i64, i64) = (r.get(0)?, r.get(1)?);
                let (title, owner, due, notes): (String, String, Option<String>, String) =
                    (r.get(2)?, r.get(3)?, r.get(4)?, r.get(5)?);
                let key: String = r.get(6)?;
                let title = title.strip_prefix("Follow-up: ").unwrap_or(&title).to_string();
                Ok(NewItem {
                    kind: AgendaKind::FollowUp,
                    key: format!("review {review} item {seq}: {key}"),
                    title: format!("Follow-up: {title}"),
                    detail: format!(
                        "Owner {}{}{}",
                        if owner.is_empty() { "not named" } else { &owner },
                        due.map(|d| format!(", due {d}")).unwrap_or_default(),
                        if notes.is_empty() {
                            String::new()
                        } else {
                            format!(". Notes: {notes}")
                        }
                    ),
                    count: 0,
                })
            })?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        Ok(rows)
    }

    /// Starts a review of the current snapshot: the agenda is the open follow-ups, then
    /// `checks` (the failed posture checks), then the changes since the last review.
    pub fn start_review(&mut self, title: &str, attendees: &str, now: &str, checks: Vec<NewItem>) -> Result<Review> {
        let snap = self.last_complete_sync()?.map(|(id, _)| id);
        let hash = self.snapshot_hash()?;
        let previous = self.last_finished_review()?;
        let mut items = self.open_follow_ups()?;
        items.extend(checks);
        if let (Some((_, Some(from))), Some(to)) = (previous, snap) {
            if from != to {
                let diff = self.diff(from, to)?;
                for (kind, name) in [
                    ("user", "people"),
                    ("system", "devices"),
                    ("group", "groups"),
                    ("app", "apps"),
                ] {
                    let Some(d) = diff.records.get(kind) else { continue };
                    for (what, n) in [
                        ("added", d.added.len()),
                        ("removed", d.removed.len()),
                        ("changed", d.changed.len()),
                    ] {
                        if n > 0 {
                            items.push(NewItem {
                                kind: AgendaKind::Change,
                                key: format!("change:{kind}:{what}"),
                                title: format!("{n} {name} {what} since the last review"),
                                detail: String::new(),
                                count: n as i64,
                            });
                        }
                    }
                }
            }
        }
        let tx = self.conn.transaction()?;
        tx.execute(
            "INSERT INTO reviews (title, attendees, started_at, sync_id, snapshot_hash, previous_id) VALUES (?1, ?2, ?3, ?4, ?5, ?6)",
            params![title, attendees, now, snap, hash, previous.map(|p| p.0)],
        )?;
        let id = tx.last_insert_rowid();
        for (seq, i) in items.iter().enumerate() {
            tx.execute(
                "INSERT INTO review_items (review_id, seq, kind, key, title, detail, count) VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
                params![id, seq as i64 + 1, i.kind, i.key, i.title, i.detail, i.count],
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
