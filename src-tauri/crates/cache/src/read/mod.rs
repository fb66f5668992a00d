//! The queries the UI needs: paged, sorted, filtered lists with facet counts, search,
//! one-record "enrich" views, sync runs and the diff between two syncs. All filtering and
//! sorting happens in SQLite, never over the whole set in the caller.

mod catalogue;
mod directory;
mod grants;
mod posture;
mod syncs;
mod systems;
mod users;

pub use catalogue::*;
pub use directory::*;
pub use grants::*;
pub use posture::*;
pub use syncs::*;
pub use systems::*;
pub use users::*;

use crate::dates::{format_ms, parse_ms};
use crate::error::{CacheError, Result};
use crate::kinds::{OsFamily, UserState};
use crate::reach::{ReachKind, ReachedDevice, ReachingUser};
use crate::rows::*;
use crate::Cache;
use rusqlite::types::Value;
use rusqlite::{params, OptionalExtension, Row};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// One page of a list.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct Page<T> {
    /// Rows matching the filters (all pages).
    #[cfg_attr(feature = "specta", specta(type = u32))]
    pub total: u64,
    pub rows: Vec<T>,
}

/// A filter dimension of the Users or Devices list that shows counts per value.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "snake_case")]
pub enum FacetName {
    /// A person's state.
    State,
    /// Locked out (yes) or not.
    Locked,
    /// Enrolled in MFA (yes) or not.
    Mfa,
    /// A device's OS family.
    Os,
    /// Disk encryption on (yes) or off.
    Fde,
    /// Enrolled in MDM (yes) or not.
    Mdm,
    /// Silent past the chosen days (yes) or not.
    Stale,
    /// Reached by nobody (yes) or by someone.
    Unbound,
}

/// One value of a facet: a state, an OS family, or yes/no for the others.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(untagged)]
pub enum FacetValue {
    State(UserState),
    Os(OsFamily),
    Flag(bool),
}

/// How many rows have one value.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct FacetCount {
    pub value: FacetValue,
    #[cfg_attr(feature = "specta", specta(type = u32))]
    pub count: u64,
}

/// Counts per value of one filter dimension, computed with every other filter applied.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct Facet {
    pub name: FacetName,
    pub counts: Vec<FacetCount>,
}

impl Facet {
    /// The count of `value` (0 when no row has it).
    pub fn count(&self, value: &FacetValue) -> u64 {
        self.counts.iter().find(|c| &c.value == value).map_or(0, |c| c.count)
    }
}

impl FacetName {
    /// The value a facet's SQL expression gave (`1`/`0` for yes/no dimensions).
    fn value(self, text: &str) -> FacetValue {
        match self {
            FacetName::State => FacetValue::State(UserState::parse(text)),
            FacetName::Os => FacetValue::Os(OsFamily::parse(text)),
            _ => FacetValue::Flag(text == "1"),
        }
    }
}

/// A yes/no filter as a facet selection: whether `value` (`1`/`0`) passes `want`.
fn flag_passes(want: Option<bool>, value: &str) -> bool {
    want.is_none_or(|w| w == (value == "1"))
}

pub(crate) fn user_row(r: &Row<'_>) -> rusqlite::Result<UserRow> {
    Ok(UserRow {
        id: r.get("id")?,
        username: r.get("username")?,
        email: r.get("email")?,
        firstname: r.get("firstname")?,
        lastname: r.get("lastname")?,
        displayname: r.get("displayname")?,
        department: r.get("department")?,
        job_title: r.get("job_title")?,
        employee_type: r.get("employee_type")?,
        employee_id: r.get("employee_id")?,
        location: r.get("location")?,
        company: r.get("company")?,
        manager_id: r.get("manager_id")?,
        state: r.get("state")?,
        locked: r.get("locked")?,
        locked_at: r.get("locked_at")?,
        mfa_configured: r.get("mfa_configured")?,
        mfa_status: r.get("mfa_status")?,
        password_expired: r.get("password_expired")?,
        password_expires_at: r.get("password_expires_at")?,
        password_date: r.get("password_date")?,
        sudo: r.get("sudo")?,
        created: r.get("created")?,
        json: r
            .get::<_, crate::packed::Packed>("json")
            .map(|p| p.0)
            .unwrap_or_default(),
    })
}

pub(crate) fn system_row(r: &Row<'_>) -> rusqlite::Result<SystemRow> {
    Ok(SystemRow {
        id: r.get("id")?,
        display_name: r.get("display_name")?,
        hostname: r.get("hostname")?,
        serial: r.get("serial")?,
        os: r.get("os")?,
        os_family: r.get("os_family")?,
        os_version: r.get("os_version")?,
        arch: r.get("arch")?,
        hw_vendor: r.get("hw_vendor")?,
        model: r.get("model")?,
        memory_bytes: r.get("memory_bytes")?,
        cpu: r.get("cpu")?,
        fde_active: r.get("fde_active")?,
        fde_key_present: r.get("fde_key_present")?,
        fde_detail: r.get("fde_detail")?,
        mdm_vendor: r.get("mdm_vendor")?,
        mdm_enrolled: r.get("mdm_enrolled")?,
        mdm_device_id: r.get("mdm_device_id")?,
        last_contact: r.get("last_contact")?,
        active: r.get("active")?,
        agent_version: r.get("agent_version")?,
        created: r.get("created")?,
        json: r
            .get::<_, crate::packed::Packed>("json")
            .map(|p| p.0)
            .unwrap_or_default(),
    })
}

fn group_row(r: &Row<'_>) -> rusqlite::Result<GroupRow> {
    Ok(GroupRow {
        id: r.get("id")?,
        kind: r.get("kind")?,
        name: r.get("name")?,
        description: r.get("description")?,
        email: r.get("email")?,
        json: r
            .get::<_, crate::packed::Packed>("json")
            .map(|p| p.0)
            .unwrap_or_default(),
    })
}

fn app_row(r: &Row<'_>) -> rusqlite::Result<AppRow> {
    Ok(AppRow {
        id: r.get("id")?,
        name: r.get("name")?,
        label: r.get("label")?,
        sso_type: r.get("sso_type")?,
        active: r.get("active")?,
        json: r
            .get::<_, crate::packed::Packed>("json")
            .map(|p| p.0)
            .unwrap_or_default(),
    })
}

fn event_row(r: &Row<'_>) -> rusqlite::Result<EventRow> {
    Ok(EventRow {
        id: r.get("id")?,
        at: r.get("at")?,
        service: r.get("service")?,
        event_type: r.get("event_type")?,
        success: r.get("success")?,
        user_id: r.get("user_id")?,
        username: r.get("username")?,
        system_id: r.get("system_id")?,
        app_id: r.get("app_id")?,
        // Empty since the archive keeps the JSON (older copies may still hold it).
        json: r
            .get::<_, crate::packed::Packed>("json")
            .map(|p| p.0)
            .unwrap_or_default(),
    })
}

/// WHERE-clause builder: conditions ANDed, parameters positional.
#[derive(Default)]
struct Where {
    conds: Vec<String>,
    params: Vec<Value>,
}

impl Where {
    fn push(&mut self, cond: &str, vals: impl IntoIterator<Item = Value>) {
        self.conds.push(cond.to_string());
        self.params.extend(vals);
    }
    fn sql(&self) -> String {
        if self.conds.is_empty() {
            String::new()
        } else {
            format!(" WHERE {}", self.conds.join(" AND "))
        }
    }
}

fn text(s: &str) -> Value {
    Value::Text(s.to_string())
}

fn in_list(col: &str, n: usize) -> String {
    format!("{col} IN ({})", vec!["?"; n].join(","))
}

fn page_bounds(offset: u32, limit: u32) -> (i64, i64) {
    (offset as i64, if limit == 0 { 100 } else { limit.min(5000) as i64 })
}

impl Cache {
    /// The counts of every facet in one scan of `table`. `dims` are (facet, SQL expression of
    /// its value); `base` the filters that are no facet's; `selected(facet, value)` whether a
    /// value passes that facet's own selection. Each facet counts the rows that pass every
    /// *other* facet's selection, as a facet list shows what choosing a value would give.
    fn facets(
        &self,
        table: &str,
        dims: &[(FacetName, String)],
        base: &Where,
        selected: impl Fn(FacetName, &str) -> bool,
    ) -> Result<Vec<Facet>> {
        let exprs: Vec<&str> = dims.iter().map(|(_, e)| e.as_str()).collect();
        let groups: Vec<String> = (1..=dims.len()).map(|i| i.to_string()).collect();
        let sql = format!(
            "SELECT {}, count(*) FROM {table}{} GROUP BY {}",
            exprs.join(", "),
            base.sql(),
            groups.join(", ")
        );
        let mut stmt = self.conn.prepare_cached(&sql)?;
        let combos: Vec<(Vec<String>, u64)> = stmt
            .query_map(rusqlite::params_from_iter(&base.params), |r| {
                let values = (0..dims.len())
                    .map(|i| {
                        Ok(match r.get_ref(i)? {
                            rusqlite::types::ValueRef::Integer(n) => n.to_string(),
                            rusqlite::types::ValueRef::Text(t) => String::from_utf8_lossy(t).into_owned(),
                            _ => String::new(),
                        })
                    })
                    .collect::<rusqlite::Result<Vec<_>>>()?;
                Ok((values, r.get::<_, i64>(dims.len())? as u64))
            })?
            .collect::<rusqlite::Result<_>>()?;
        let passes: Vec<Vec<bool>> = combos
            .iter()
            .map(|(values, _)| dims.iter().zip(values).map(|((n, _), v)| selected(*n, v)).collect())
            .collect();
        Ok(dims
            .iter()
            .enumerate()
            .map(|(i, (name, _))| {
                let mut counts: BTreeMap<&str, u64> = Default::default();
                for ((values, n), pass) in combos.iter().zip(&passes) {
                    if pass.iter().enumerate().all(|(j, p)| j == i || *p) {
                        *counts.entry(values[i].as_str()).or_default() += n;
                    }
                }
                let mut counts: Vec<FacetCount> = counts
                    .into_iter()
                    .map(|(v, count)| FacetCount {
                        value: name.value(v),
                        count,
                    })
                    .collect();
                counts.sort_by(|a, b| b.count.cmp(&a.count).then_with(|| a.value.cmp(&b.value)));
                Facet { name: *name, counts }
            })
            .collect())
    }
}
