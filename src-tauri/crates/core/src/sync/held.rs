//! What a sync holds of the people and devices it has read.

use rollcall_cache::{SystemRow, UserRow};
use std::collections::BTreeSet;

/// The people or devices a sync has read: their ids for the phases after, and the rows
/// themselves only while a scope has yet to choose which are written (a whole org's rows are
/// written as they arrive and not kept: at 50,000 people and devices they were most of the
/// sync's memory).
pub(super) struct Held<R> {
    pub(super) ids: Vec<String>,
    pub(super) rows: Vec<R>,
}

impl<R> Held<R> {
    pub(super) fn set(&self) -> BTreeSet<&str> {
        self.ids.iter().map(String::as_str).collect()
    }
}

/// A row read from a listing, by its JumpCloud id.
pub(super) trait HasId {
    fn id(&self) -> &str;
}

impl HasId for UserRow {
    fn id(&self) -> &str {
        &self.id
    }
}

impl HasId for SystemRow {
    fn id(&self) -> &str {
        &self.id
    }
}
