//! The queries the UI needs: paged, sorted, filtered lists with facet counts, search,
//! one-record "enrich" views, sync runs and the diff between two syncs. All filtering and
//! sorting happens in SQLite, never over the whole set in the caller.

mod catalogue;
mod directory;
mod posture;
mod syncs;
mod systems;
mod users;

pub use catalogue::*;
pub use directory::*;
pub use posture::*;
pub use syncs::*;
pub use systems::*;
pub use users::*;

use crate::dates::{format_ms, now_ms, parse_ms};
use crate::error::{CacheError, Result};
use crate::rows::*;
use crate::Cache;
use rusqlite::types::Value;
use rusqlite::{params, OptionalExtension, Row};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// One page of a list.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct Page<T> {
    /// Rows matching the filters (all pages).
    #[cfg_attr(feature = "specta", specta(type = u32))]
    pub total: u64,
    pub rows: Vec<T>,
}

/// Counts per value of one filter dimension, computed with every other filter applied.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct Facet {
    pub name: String,
    #[cfg_attr(feature = "specta", specta(type = Vec<(String, u32)>))]
    pub counts: Vec<(String, u64)>,
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
        json: r.get::<_, crate::packed::Packed>("json")?.0,
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
        dims: &[(&str, String)],
        base: &Where,
        selected: impl Fn(&str, &str) -> bool,
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
                    .map(|i| r.get::<_, Option<String>>(i).map(Option::unwrap_or_default))
                    .collect::<rusqlite::Result<Vec<_>>>()?;
                Ok((values, r.get::<_, i64>(dims.len())? as u64))
            })?
            .collect::<rusqlite::Result<_>>()?;
        let passes: Vec<Vec<bool>> = combos
            .iter()
            .map(|(values, _)| dims.iter().zip(values).map(|((n, _), v)| selected(n, v)).collect())
            .collect();
        Ok(dims
            .iter()
            .enumerate()
            .map(|(i, (name, _))| {
                let mut counts: std::collections::BTreeMap<&str, u64> = Default::default();
                for ((values, n), pass) in combos.iter().zip(&passes) {
                    if pass.iter().enumerate().all(|(j, p)| j == i || *p) {
                        *counts.entry(values[i].as_str()).or_default() += n;
                    }
                }
                let mut counts: Vec<(String, u64)> = counts.into_iter().map(|(v, n)| (v.to_string(), n)).collect();
                counts.sort_by(|a, b| b.1.cmp(&a.1).then_with(|| a.0.cmp(&b.0)));
                Facet {
                    name: (*name).into(),
                    counts,
                }
            })
            .collect())
    }
}
