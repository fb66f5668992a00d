//! The mirror's syncs: the current snapshot, the history of runs and what changed between two.

use super::*;
use crate::{EdgeKind, RecordKind};

/// State of the mirror.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct SnapshotInfo {
    pub state: crate::kinds::SnapshotState,
    #[cfg_attr(feature = "specta", specta(type = Option<u32>))]
    pub sync_id: Option<i64>,
    /// When the last complete sync finished.
    pub as_of: Option<String>,
    #[cfg_attr(feature = "specta", specta(type = u32))]
    pub users: u64,
    #[cfg_attr(feature = "specta", specta(type = u32))]
    pub systems: u64,
    #[cfg_attr(feature = "specta", specta(type = u32))]
    pub groups: u64,
    #[cfg_attr(feature = "specta", specta(type = u32))]
    pub apps: u64,
    /// Records that could not be fully read (kept, with what was left out).
    #[cfg_attr(feature = "specta", specta(type = u32))]
    pub problems: u64,
}

/// What a sync read, kind by kind (kept with the sync; a count a sync of an older version did
/// not keep reads 0).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(default)]
pub struct SyncCounts {
    #[cfg_attr(feature = "specta", specta(type = u32))]
    pub users: u64,
    #[cfg_attr(feature = "specta", specta(type = u32))]
    pub devices: u64,
    #[cfg_attr(feature = "specta", specta(type = u32))]
    pub user_groups: u64,
    #[cfg_attr(feature = "specta", specta(type = u32))]
    pub device_groups: u64,
    /// Group memberships (people in user groups, devices in device groups).
    #[cfg_attr(feature = "specta", specta(type = u32))]
    pub memberships: u64,
    /// Direct user↔device bindings.
    #[cfg_attr(feature = "specta", specta(type = u32))]
    pub bindings: u64,
    /// User groups bound to devices or device groups.
    #[cfg_attr(feature = "specta", specta(type = u32))]
    pub group_bindings: u64,
    #[cfg_attr(feature = "specta", specta(type = u32))]
    pub apps: u64,
    /// Who reaches which app, each path once.
    #[cfg_attr(feature = "specta", specta(type = u32))]
    pub app_access: u64,
    #[cfg_attr(feature = "specta", specta(type = u32))]
    pub admins: u64,
    /// Directory Insights login events read this sync.
    #[cfg_attr(feature = "specta", specta(type = u32))]
    pub events: u64,
    /// Records kept with fields that could not be read (or kept only as JSON).
    #[cfg_attr(feature = "specta", specta(type = u32))]
    pub not_fully_read: u64,
}

/// One sync of the org, finished or not.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct SyncRun {
    #[cfg_attr(feature = "specta", specta(type = u32))]
    pub id: i64,
    pub started_at: String,
    pub finished_at: Option<String>,
    pub status: crate::SyncStatus,
    #[cfg_attr(feature = "specta", specta(type = u32))]
    pub requests: i64,
    pub counts: SyncCounts,
    pub error: Option<String>,
}

/// One record that changed between two syncs, with the fields that changed.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct Changed {
    pub id: String,
    pub label: String,
    pub fields: Vec<String>,
    /// Each changed field with its value before and after (compact JSON, long ones cut).
    pub values: Vec<FieldChange>,
}

/// One field's value in the earlier and the later sync (None: absent).
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct FieldChange {
    pub field: String,
    pub before: Option<String>,
    pub after: Option<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct KindDiff {
    pub added: Vec<(String, String)>,
    pub removed: Vec<(String, String)>,
    pub changed: Vec<Changed>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct SyncDiff {
    #[cfg_attr(feature = "specta", specta(type = u32))]
    pub from: i64,
    #[cfg_attr(feature = "specta", specta(type = u32))]
    pub to: i64,
    pub records: BTreeMap<crate::RecordKind, KindDiff>,
    /// kind → (added edges, removed edges)
    pub edges: BTreeMap<crate::EdgeKind, (Vec<Edge>, Vec<Edge>)>,
}

impl Cache {
    /// The last complete sync, if any.
    pub fn last_complete_sync(&self) -> Result<Option<(i64, String)>> {
        Ok(self
            .conn
            .query_row(
                "SELECT id, finished_at FROM sync_runs WHERE status = 'complete' ORDER BY id DESC LIMIT 1",
                [],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .optional()?)
    }

    /// Only the state of the mirror (`complete`, `partial`, `empty`), without counting its
    /// tables: what a checklist preview needs on every refetch.
    pub fn mirror_state(&self) -> Result<crate::kinds::SnapshotState> {
        use crate::kinds::SnapshotState;
        if self.last_complete_sync()?.is_some() {
            return Ok(SnapshotState::Complete);
        }
        let any: bool = self.conn.query_row(
            "SELECT EXISTS (SELECT 1 FROM users) OR EXISTS (SELECT 1 FROM systems)",
            [],
            |r| r.get(0),
        )?;
        Ok(SnapshotState::of(false, any))
    }

    pub fn snapshot(&self) -> Result<SnapshotInfo> {
        let last = self.last_complete_sync()?;
        let count = |t: &str| -> Result<u64> {
            Ok(self
                .conn
                .query_row(&format!("SELECT count(*) FROM {t}"), [], |r| r.get::<_, i64>(0))? as u64)
        };
        let users = count("users")?;
        let systems = count("systems")?;
        Ok(SnapshotInfo {
            state: crate::kinds::SnapshotState::of(last.is_some(), users + systems > 0),
            sync_id: last.as_ref().map(|l| l.0),
            as_of: last.map(|l| l.1),
            users,
            systems,
            groups: count("groups")?,
            apps: count("apps")?,
            problems: self.problem_count()?,
        })
    }

    pub fn sync_runs(&self, limit: u32) -> Result<Vec<SyncRun>> {
        let mut stmt = self.conn.prepare("SELECT id, started_at, finished_at, status, requests, counts, error FROM sync_runs ORDER BY id DESC LIMIT ?")?;
        let rows = stmt.query_map([limit], |r| {
            Ok(SyncRun {
                id: r.get(0)?,
                started_at: r.get(1)?,
                finished_at: r.get(2)?,
                status: r.get(3)?,
                requests: r.get(4)?,
                counts: serde_json::from_str(&r.get::<_, String>(5)?).unwrap_or_default(),
                error: r.get(6)?,
            })
        })?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// What changed between complete syncs `from` and `to`.
    pub fn diff(&self, from: i64, to: i64) -> Result<SyncDiff> {
        for id in [from, to] {
            self.complete_sync(id)?;
        }
        let mut out = SyncDiff {
            from,
            to,
            ..Default::default()
        };
        for kind in crate::history::RECORD_KINDS {
            out.records.insert(*kind, self.record_diff(*kind, from, to)?);
        }
        for (kind, ..) in crate::history::EDGE_KINDS {
            // Not kept yet at `from` (a kind added by an upgrade): nothing to compare with.
            if !crate::history::edges_tracked_at(&self.conn, *kind, from)? {
                continue;
            }
            let (a, b) = (self.edges_at(*kind, from)?, self.edges_at(*kind, to)?);
            out.edges.insert(
                *kind,
                (b.difference(&a).cloned().collect(), a.difference(&b).cloned().collect()),
            );
        }
        Ok(out)
    }

    /// Fails with `NoSuchSync` unless `id` is a complete sync.
    fn complete_sync(&self, id: i64) -> Result<()> {
        let ok: Option<i64> = self
            .conn
            .query_row(
                "SELECT id FROM sync_runs WHERE id = ? AND status = 'complete'",
                [id],
                |r| r.get(0),
            )
            .optional()?;
        ok.map(|_| ()).ok_or(CacheError::NoSuchSync(id))
    }

    /// The records of `kind` added, removed and changed from sync `from` to sync `to`: versions
    /// (id → hash) first, JSON only for what differs.
    fn record_diff(&self, kind: RecordKind, from: i64, to: i64) -> Result<KindDiff> {
        let (a, b) = (self.versions_at(kind, from)?, self.versions_at(kind, to)?);
        let mut d = KindDiff::default();
        for (id, h) in &b {
            match a.get(id) {
                None => d.added.push((id.clone(), label_of(&self.json_at(kind, id, to)?))),
                Some(ha) if ha != h => {
                    let (before, after) = (self.json_at(kind, id, from)?, self.json_at(kind, id, to)?);
                    let values = field_changes(&before, &after, crate::observed::observed_fields(kind));
                    d.changed.push(Changed {
                        id: id.clone(),
                        label: label_of(&after),
                        fields: values.iter().map(|c| c.field.clone()).collect(),
                        values,
                    })
                }
                _ => {}
            }
        }
        for id in a.keys().filter(|id| !b.contains_key(*id)) {
            d.removed.push((id.clone(), label_of(&self.json_at(kind, id, from)?)));
        }
        Ok(d)
    }

    /// The version (hash) of each record of `kind` current at `sync`.
    fn versions_at(&self, kind: RecordKind, sync: i64) -> Result<BTreeMap<String, i64>> {
        let mut s = self.conn.prepare_cached(
            "SELECT id, hash FROM history_records WHERE kind = ?1 AND first_sync <= ?2 AND last_sync >= ?2",
        )?;
        let rows = s.query_map(params![kind, sync], |r| {
            Ok((r.get::<_, String>(0)?, r.get::<_, i64>(1)?))
        })?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// A record's JSON as it was at `sync`. An empty JSON in history stands for the current
    /// version: the live record's.
    fn json_at(&self, kind: RecordKind, id: &str, sync: i64) -> Result<String> {
        let mut s = self.conn.prepare_cached(
            "SELECT CASE WHEN length(h.json) = 0 THEN r.json ELSE h.json END
               FROM history_records h LEFT JOIN records r ON r.kind = h.kind AND r.id = h.id
              WHERE h.kind = ?1 AND h.id = ?2 AND h.first_sync <= ?3 AND h.last_sync >= ?3",
        )?;
        Ok(
            s.query_row(params![kind, id, sync], |r| r.get::<_, crate::packed::Packed>(0))
                .optional()?
                .map(|p| p.0)
                .unwrap_or_default(),
        )
    }

    /// The edges of `kind` present at `sync`.
    fn edges_at(&self, kind: EdgeKind, sync: i64) -> Result<std::collections::BTreeSet<Edge>> {
        let mut s = self.conn.prepare_cached(
            "SELECT a, b FROM history_edges WHERE kind = ?1 AND first_sync <= ?2 AND last_sync >= ?2",
        )?;
        let rows = s.query_map(params![kind, sync], |r| {
            Ok(Edge {
                a: r.get(0)?,
                b: r.get(1)?,
            })
        })?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }
}

fn label_of(json: &str) -> String {
    let v: serde_json::Value = serde_json::from_str(json).unwrap_or_default();
    for k in ["username", "hostname", "name", "displayLabel", "displayName"] {
        if let Some(s) = v.get(k).and_then(|x| x.as_str()).filter(|s| !s.is_empty()) {
            return s.to_string();
        }
    }
    String::new()
}

/// Top-level fields whose values differ (but `skip`), with both values.
pub fn field_changes(a: &str, b: &str, skip: &[&str]) -> Vec<FieldChange> {
    let (va, vb): (serde_json::Value, serde_json::Value) = (
        serde_json::from_str(a).unwrap_or_default(),
        serde_json::from_str(b).unwrap_or_default(),
    );
    let shown = |v: Option<&serde_json::Value>| {
        v.map(|v| {
            let s = match v {
                serde_json::Value::String(s) => s.clone(),
                other => other.to_string(),
            };
            if s.chars().count() > 200 {
                format!("{}…", s.chars().take(200).collect::<String>())
            } else {
                s
            }
        })
    };
    changed_fields(a, b)
        .into_iter()
        .filter(|f| !skip.contains(&f.as_str()))
        .map(|f| FieldChange {
            before: shown(va.get(&f)),
            after: shown(vb.get(&f)),
            field: f,
        })
        .collect()
}

/// Top-level fields whose values differ.
pub fn changed_fields(a: &str, b: &str) -> Vec<String> {
    let (a, b): (serde_json::Value, serde_json::Value) = (
        serde_json::from_str(a).unwrap_or_default(),
        serde_json::from_str(b).unwrap_or_default(),
    );
    let empty = serde_json::Map::new();
    let (ma, mb) = (a.as_object().unwrap_or(&empty), b.as_object().unwrap_or(&empty));
    let mut keys: Vec<String> = ma
        .keys()
        .chain(mb.keys())
        .filter(|k| ma.get(*k) != mb.get(*k))
        .cloned()
        .collect();
    keys.sort();
    keys.dedup();
    keys
}
