//! What a sync could not read whole: records kept with fields left out, and records no row
//! could be made of (kept as JSON), noted as the phases read them and written at the end.

use super::*;
use rollcall_cache::RecordKind;

/// What could not be read whole: records kept with fields left out, and records no row could
/// be made of (kept as JSON). Nothing JumpCloud returns is dropped.
#[derive(Default)]
pub(super) struct Odd {
    flags: Vec<(RecordKind, String, Vec<String>)>,
    unreadable: Vec<(RecordKind, String, String)>,
}

impl Odd {
    /// The row of a record read by `convert`, noting what could not be read.
    pub(super) fn keep<R>(
        &mut self,
        kind: RecordKind,
        raw: &Value,
        read: std::result::Result<convert::Read<R>, convert::Unreadable>,
        id: impl Fn(&R) -> &str,
    ) -> Option<R> {
        match read {
            Ok(r) => {
                if !r.problems.is_empty() {
                    tracing::warn!(%kind, id = id(&r.row), problems = ?r.problems, "record not fully read; kept without those fields");
                    self.flags.push((kind, id(&r.row).to_string(), r.problems));
                }
                Some(r.row)
            }
            Err(why) => {
                tracing::warn!(%kind, reason = %why, "record with no usable ID; kept as JSON");
                self.unreadable.push((kind, raw.to_string(), why.to_string()));
                None
            }
        }
    }

    /// Writes the notes; how many records were not fully read.
    pub(super) fn write(self, w: &mut SyncWriter<'_>) -> Result<u64> {
        w.flag_records(&self.flags)?;
        for (kind, json, why) in &self.unreadable {
            w.put_unreadable(*kind, json, why)?;
        }
        Ok((self.flags.len() + self.unreadable.len()) as u64)
    }
}
