//! The `records` table (the whole JumpCloud record of each user, device, group and app): its
//! schema and how a sync writes it, packed with its kind's dictionary (`packed.rs`).

use super::v;
use crate::error::Result;
use crate::RecordKind;

/// The table as the first schema made it.
pub(crate) const DDL: &str = "
-- The whole JumpCloud record of each user, device, group and app, kept apart from the narrow
-- tables so that filtering and sorting never read it.
CREATE TABLE {p}records (
    kind TEXT NOT NULL,
    id TEXT NOT NULL,
    hash INTEGER NOT NULL,
    json TEXT NOT NULL,
    PRIMARY KEY (kind, id)
);
";

/// The whole record of a user, device, group or app (the `records` table).
pub struct RecordRow {
    pub kind: RecordKind,
    pub id: String,
    pub json: String,
    /// The compression dictionary of its kind in this file (`packed.rs`), if there is one.
    pub dict: Option<u32>,
}

pub(crate) const RECORD_COLS: &str = "kind,id,hash,json";

pub(crate) fn record_values(r: &RecordRow) -> Vec<rusqlite::types::Value> {
    vec![
        v(r.kind.as_str().to_string()),
        v(r.id.clone()),
        v(crate::observed::version_hash(r.kind, &r.json, crate::dates::now_ms())),
        v(crate::packed::pack_with(r.dict, &r.json)),
    ]
}

impl super::SyncWriter<'_> {
    put_rows!(put_records, RecordRow, "records", RECORD_COLS, record_values);

    /// The whole records `(id, json)` of `kind`, packed with the kind's dictionary (trained on
    /// these records if there is none yet).
    pub(crate) fn put_whole<'r>(
        &mut self,
        kind: RecordKind,
        records: impl Iterator<Item = (&'r String, &'r String)> + Clone,
    ) -> Result<()> {
        let dict = self.dict(kind.as_str(), records.clone().map(|(_, json)| json.as_str()))?;
        let rows: Vec<RecordRow> = records
            .map(|(id, json)| RecordRow {
                kind,
                id: id.clone(),
                json: json.clone(),
                dict,
            })
            .collect();
        self.put_records(&rows)
    }

    /// The compression dictionary of `kind` in this file, trained on `samples` if there is
    /// none yet and they are enough.
    pub(crate) fn dict<'s>(&mut self, kind: &str, samples: impl Iterator<Item = &'s str>) -> Result<Option<u32>> {
        let samples: Vec<&str> = samples.take(2_000).collect();
        Ok(crate::packed::dict_for(
            &self.cache.conn,
            kind,
            &samples,
            &crate::dates::now_rfc3339(),
        )?)
    }
}
