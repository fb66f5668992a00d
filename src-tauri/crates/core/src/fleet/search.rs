//! The one search box across every connected org: each org's own full-text index (the same
//! search as within one org, `Cache::search`), at most `CROSS_ORG_LIMIT` hits per org, labelled
//! by org. The open org is left out (its hits are the box's first list).

use crate::session::OrgSession;
use rollcall_cache::SearchHit;
use serde::Serialize;

/// Hits shown per other org.
pub const CROSS_ORG_LIMIT: u32 = 5;

/// One org's hits.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct OrgHits {
    pub org_id: String,
    pub org_name: String,
    pub hits: Vec<SearchHit>,
}

impl OrgSession {
    /// `text` searched in every connected org but the open one (and the demo), at most
    /// `per_org` hits each; orgs with no hit are left out, the others in the list's order.
    /// An org whose file cannot be read is skipped (and logged): the search never fails for it.
    pub fn search_other_orgs(&self, text: &str, per_org: u32) -> Vec<OrgHits> {
        if text.trim().is_empty() {
            return vec![];
        }
        let active = self.try_active().map(|o| o.entry.id.clone());
        let orgs: Vec<_> = self
            .registry
            .lock()
            .orgs()
            .iter()
            .filter(|o| !o.demo && active.as_deref() != Some(o.id.as_str()))
            .cloned()
            .collect();
        orgs.into_iter()
            .filter_map(|o| {
                let reader = self.fleet_reader(&o.id)?;
                let hits = reader
                    .lock()
                    .search(text, per_org)
                    .inspect_err(|e| tracing::warn!(org_id = %o.id, error = %e, "search failed in an organisation"))
                    .ok()?;
                (!hits.is_empty()).then_some(OrgHits {
                    org_id: o.id,
                    org_name: o.name,
                    hits,
                })
            })
            .collect()
    }
}
