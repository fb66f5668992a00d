//! Scope: mirror only the people of chosen user groups and the devices of chosen device groups
//! (an empty choice of a kind keeps all of that kind). Kept per org in its file; the choices
//! and the preview are read live from JumpCloud, since a scoped mirror does not hold the
//! groups left out. Changing the scope is followed by a sync, which keeps the history of what
//! stays in scope and records what left it as removed.

use super::open::{OrgSession, Result, SessionError};
use jumpcloud::models::GraphConnection;
use rollcall_cache::dates;
use serde::{Deserialize, Serialize};
use std::collections::BTreeSet;

/// The org setting that holds the scope (JSON).
pub const SETTING: &str = "sync_scope";

/// The groups a sync mirrors; both empty: the whole org.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct SyncScope {
    /// User group ids: only their members are mirrored (all people when empty).
    pub user_groups: Vec<String>,
    /// Device group ids: only their devices are mirrored (all devices when empty).
    pub system_groups: Vec<String>,
}

impl SyncScope {
    pub fn is_whole_org(&self) -> bool {
        self.user_groups.is_empty() && self.system_groups.is_empty()
    }
}

/// A group to choose from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct ScopeGroup {
    pub id: String,
    pub name: String,
}

/// Every group of the org, from JumpCloud, and the scope in force.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct ScopeChoices {
    pub user_groups: Vec<ScopeGroup>,
    pub system_groups: Vec<ScopeGroup>,
    pub scope: SyncScope,
}

/// What a scope would mirror, counted live: people and devices (None: all of them).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct ScopePreview {
    pub users: Option<u32>,
    pub devices: Option<u32>,
}

/// The scope an org's file keeps (the whole org when none was chosen).
pub fn scope_in(cache: &rollcall_cache::Cache) -> SyncScope {
    cache
        .setting(SETTING)
        .ok()
        .flatten()
        .and_then(|v| serde_json::from_str(&v).ok())
        .unwrap_or_default()
}

impl OrgSession {
    /// The open org's scope (the whole org when none was chosen).
    pub fn scope(&self) -> SyncScope {
        self.try_active().map(|org| scope_in(&org.cache())).unwrap_or_default()
    }

    /// Keeps the open org's scope; the next sync follows it.
    pub fn set_scope(&self, scope: &SyncScope) -> Result<()> {
        let org = self.active()?;
        let cache = org.cache();
        if scope.is_whole_org() {
            cache.clear_setting(SETTING)?;
        } else {
            let json = serde_json::to_string(scope).unwrap_or_default();
            cache.set_setting(SETTING, &json, &dates::now_rfc3339())?;
        }
        Ok(())
    }

    /// The org's user and device groups, listed live, sorted by name.
    pub async fn scope_choices(&self) -> Result<ScopeChoices> {
        let org = self.active()?;
        let c = &org.client;
        let (ug, sg) = futures_util::future::join(
            c.collect_all::<serde_json::Value>(c.user_groups().list_spec()),
            c.collect_all::<serde_json::Value>(c.system_groups().list_spec()),
        )
        .await;
        let groups = |v: Vec<serde_json::Value>| {
            let mut out: Vec<ScopeGroup> = v
                .iter()
                .filter_map(|g| {
                    Some(ScopeGroup {
                        id: g.get("id")?.as_str()?.to_string(),
                        name: g.get("name").and_then(|n| n.as_str()).unwrap_or("").to_string(),
                    })
                })
                .collect();
            out.sort_by_key(|g| g.name.to_lowercase());
            out
        };
        Ok(ScopeChoices {
            user_groups: groups(ug.map_err(SessionError::from)?),
            system_groups: groups(sg.map_err(SessionError::from)?),
            scope: self.scope(),
        })
    }

    /// How many people and devices `scope` holds, from the chosen groups' members (live).
    pub async fn scope_preview(&self, scope: &SyncScope) -> Result<ScopePreview> {
        let org = self.active()?;
        let c = &org.client;
        let count = |ids: &[String], users: bool| {
            let ids = ids.to_vec();
            async move {
                let mut members = BTreeSet::new();
                for id in &ids {
                    let list = if users {
                        c.user_groups().members_spec(id)
                    } else {
                        c.system_groups().members_spec(id)
                    };
                    let m: Vec<GraphConnection> = c.collect_all(list).await?;
                    members.extend(m.into_iter().map(|e| e.to.id));
                }
                Ok::<_, jumpcloud::Error>((!ids.is_empty()).then_some(members.len() as u32))
            }
        };
        let (users, devices) =
            futures_util::future::join(count(&scope.user_groups, true), count(&scope.system_groups, false)).await;
        Ok(ScopePreview {
            users: users.map_err(SessionError::from)?,
            devices: devices.map_err(SessionError::from)?,
        })
    }
}
