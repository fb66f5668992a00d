//! What JumpCloud holds for a person right now: their user groups, the apps they reach and the
//! devices they are bound to, read when a step that removes access runs (and read again to
//! verify it). The mirror is for finding and reviewing and may be hours old or still importing;
//! an action that removes access acts on this instead. What is read also corrects the mirror.

use crate::convert;
use crate::sync::now_rfc3339;
use jumpcloud::models::GraphType;
use jumpcloud::{Client, Error, Method};
use parking_lot::Mutex;
use rollcall_cache::{Cache, PersonAccess, SystemRow};
use std::collections::BTreeMap;

/// A part of what a person holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Part {
    /// The account itself (its state: active, suspended, staged).
    Account,
    Groups,
    Apps,
    Devices,
}

impl Part {
    pub const ALL: [Part; 3] = [Part::Groups, Part::Apps, Part::Devices];

    fn noun(self) -> &'static str {
        match self {
            Part::Account => "account",
            Part::Groups => "group memberships",
            Part::Apps => "application access",
            Part::Devices => "device bindings",
        }
    }
}

/// A group or app, by id and the name an admin knows it by.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct Named {
    pub id: String,
    pub name: String,
}

/// One way a person reaches an app: directly (`via` None) or through a user group.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct AppPath {
    pub app: Named,
    pub via: Option<Named>,
}

/// What a read found; a part not asked for is `None`.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct PersonNow {
    /// When JumpCloud answered (RFC 3339).
    pub read_at: String,
    /// The account's state (`ACTIVATED`, `SUSPENDED`, `STAGED`).
    pub state: Option<String>,
    pub groups: Option<Vec<Named>>,
    pub apps: Option<Vec<AppPath>>,
    /// Devices bound to the person directly, as JumpCloud describes them now (hardware details
    /// that only System Insights has are taken from the mirror).
    pub devices: Option<Vec<SystemRow>>,
}

/// A read that did not complete: nothing may be planned from it.
#[derive(Debug, thiserror::Error)]
#[error("Rollcall could not read the person's current {} from JumpCloud: {source}", .part.noun())]
pub struct LiveReadError {
    pub part: Part,
    #[source]
    pub source: Error,
}

/// Reads `parts` of what `user_id` holds now (every page of each listing), names what the
/// mirror does not know yet by asking JumpCloud for it (a group created since the last sync),
/// and writes what was read into the mirror.
pub async fn read_person(
    client: &Client,
    cache: &Mutex<Cache>,
    user_id: &str,
    parts: &[Part],
) -> Result<PersonNow, LiveReadError> {
    let mut now = PersonNow::default();
    for &part in parts {
        let fail = |source| LiveReadError { part, source };
        match part {
            Part::Account => {
                let u = client.users().get(user_id).await.map_err(fail)?;
                now.state = Some(u.state.unwrap_or_default());
            }
            Part::Groups => now.groups = Some(read_groups(client, cache, user_id).await.map_err(fail)?),
            Part::Apps => now.apps = Some(read_apps(client, cache, user_id).await.map_err(fail)?),
            Part::Devices => now.devices = Some(read_devices(client, cache, user_id).await.map_err(fail)?),
        }
    }
    now.read_at = now_rfc3339();
    if let Err(e) = cache.lock().replace_person_access(user_id, &person_access(&now)) {
        // The read stands; only the mirror stays behind until the next sync.
        tracing::warn!(error = %e, "could not write what was read into the local copy");
    }
    Ok(now)
}

/// The user groups the person is in now, named, by name.
async fn read_groups(client: &Client, cache: &Mutex<Cache>, user_id: &str) -> Result<Vec<Named>, Error> {
    let found = client.users().groups(user_id).await?;
    let mut groups = vec![];
    for g in found.into_iter().filter(|g| g.kind == GraphType::UserGroup) {
        let name = group_name(client, cache, &g.id).await;
        groups.push(Named { id: g.id, name });
    }
    groups.sort_by_key(|a| a.name.to_lowercase());
    Ok(groups)
}

/// Each way the person reaches an app now (directly, or through which user group), sorted.
async fn read_apps(client: &Client, cache: &Mutex<Cache>, user_id: &str) -> Result<Vec<AppPath>, Error> {
    let found = client.users().applications(user_id).await?;
    let mut apps = vec![];
    for a in found {
        let app = Named {
            name: app_name(client, cache, &a.id).await,
            id: a.id.clone(),
        };
        for path in &a.paths {
            let via = match path.as_slice() {
                [_] => None,
                [first, ..] => Some(Named {
                    name: group_name(client, cache, &first.to.id).await,
                    id: first.to.id.clone(),
                }),
                [] => continue,
            };
            apps.push(AppPath { app: app.clone(), via });
        }
    }
    apps.sort();
    apps.dedup();
    Ok(apps)
}

/// The devices bound to the person directly now, as JumpCloud describes them, by hostname.
async fn read_devices(client: &Client, cache: &Mutex<Cache>, user_id: &str) -> Result<Vec<SystemRow>, Error> {
    let bound = client.users().system_bindings(user_id).await?;
    let mut devices = vec![];
    for b in bound.iter().filter(|b| b.to.kind == GraphType::System) {
        // None: deleted between the two requests; nothing to lock.
        if let Some(row) = fresh_device(client, cache, &b.to.id).await? {
            devices.push(row);
        }
    }
    devices.sort_by_key(|a| a.hostname.to_lowercase());
    Ok(devices)
}

/// What a read found, as the mirror keeps a person's access (`None` for a part not read).
fn person_access(now: &PersonNow) -> PersonAccess {
    PersonAccess {
        user_groups: now.groups.as_ref().map(|g| g.iter().map(|g| g.id.clone()).collect()),
        apps: now.apps.as_ref().map(|a| {
            a.iter()
                .map(|p| {
                    (
                        p.app.id.clone(),
                        p.via.as_ref().map(|v| v.id.clone()).unwrap_or_default(),
                    )
                })
                .collect()
        }),
        devices: now.devices.as_ref().map(|d| d.iter().map(|d| d.id.clone()).collect()),
    }
}

/// The group's name from the mirror, else from JumpCloud (and then kept in the mirror); its id
/// when neither can say.
async fn group_name(client: &Client, cache: &Mutex<Cache>, id: &str) -> String {
    let known = cache.lock().group_name(id).ok().flatten();
    if let Some(name) = known {
        return name;
    }
    match client
        .call(Method::GET, &format!("/api/v2/usergroups/{id}"), None)
        .await
    {
        Ok((_, raw)) => match convert::group_row(&raw, rollcall_cache::GroupKind::User) {
            Ok(convert::Read { row, .. }) => {
                let name = row.name.clone();
                if let Err(e) = cache.lock().apply_group(&row) {
                    tracing::warn!(error = %e, "could not keep a new group in the local copy");
                }
                name
            }
            Err(_) => format!("group {id}"),
        },
        Err(e) => {
            tracing::warn!(error = %e, group = id, "could not read a group's name");
            format!("group {id}")
        }
    }
}

/// The app's label from the mirror, else from JumpCloud (kept in the mirror); its id otherwise.
async fn app_name(client: &Client, cache: &Mutex<Cache>, id: &str) -> String {
    let known = cache.lock().app_name(id).ok().flatten();
    if let Some(name) = known {
        return name;
    }
    match client.call(Method::GET, &format!("/api/applications/{id}"), None).await {
        Ok((_, raw)) => match convert::app_row(&raw) {
            Ok(convert::Read { row, .. }) => {
                let name = if row.label.is_empty() {
                    row.name.clone()
                } else {
                    row.label.clone()
                };
                if let Err(e) = cache.lock().apply_app(&row) {
                    tracing::warn!(error = %e, "could not keep a new app in the local copy");
                }
                name
            }
            Err(_) => format!("app {id}"),
        },
        Err(e) => {
            tracing::warn!(error = %e, app = id, "could not read an app's name");
            format!("app {id}")
        }
    }
}

/// A device as JumpCloud describes it now, with what only System Insights knows (model,
/// memory, CPU, encryption detail) kept from the mirror; kept in the mirror. None when the
/// device no longer exists.
async fn fresh_device(client: &Client, cache: &Mutex<Cache>, id: &str) -> Result<Option<SystemRow>, Error> {
    let raw = match client.call(Method::GET, &format!("/api/systems/{id}"), None).await {
        Ok((_, raw)) => raw,
        Err(Error::NotFound { .. }) => return Ok(None),
        Err(e) => return Err(e),
    };
    let Ok(convert::Read { mut row, .. }) = convert::system_row(&raw) else {
        // A record this version cannot read: act on what the mirror knows of it.
        return Ok(cache.lock().system_detail(id).ok().flatten().map(|d| d.system));
    };
    let c = cache.lock();
    if let Some(known) = c.system_detail(id).ok().flatten().map(|d| d.system) {
        row.model = known.model;
        row.memory_bytes = known.memory_bytes;
        row.cpu = known.cpu;
        row.fde_detail = known.fde_detail;
    }
    drop(c);
    if let Err(e) = cache.lock().apply_system(&row) {
        tracing::warn!(error = %e, "could not keep a device in the local copy");
    }
    Ok(Some(row))
}

/// An error's sentence without its closing full stop, to continue it in a longer message.
pub fn clause(e: &impl std::fmt::Display) -> String {
    e.to_string().trim_end().trim_end_matches('.').to_string()
}

/// Names in a sentence: "A, B and 3 more".
pub fn names(list: &[String], shown: usize) -> String {
    match list.len() {
        0 => String::new(),
        n if n <= shown => list.join(", "),
        n => format!("{} and {} more", list[..shown].join(", "), n - shown),
    }
}

/// What differs between an earlier view (`basis`: "the preview", "the last sync") and what
/// JumpCloud holds, for a step's message: "1 group added since the preview: late group."
/// Keys identify items, values are their labels.
pub fn difference(
    noun: (&str, &str),
    basis: &str,
    before: &BTreeMap<String, String>,
    now: &BTreeMap<String, String>,
) -> Vec<String> {
    let added: Vec<String> = now
        .iter()
        .filter(|(k, _)| !before.contains_key(*k))
        .map(|(_, v)| v.clone())
        .collect();
    let gone: Vec<String> = before
        .iter()
        .filter(|(k, _)| !now.contains_key(*k))
        .map(|(_, v)| v.clone())
        .collect();
    let word = |n: usize| if n == 1 { noun.0 } else { noun.1 };
    let mut out = vec![];
    if !added.is_empty() {
        out.push(format!(
            "{} {} added since {basis}: {}.",
            added.len(),
            word(added.len()),
            names(&added, 5)
        ));
    }
    if !gone.is_empty() {
        out.push(format!(
            "{} {} in {basis} no longer held: {}.",
            gone.len(),
            word(gone.len()),
            names(&gone, 5)
        ));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn differences_name_what_was_added_and_what_went() {
        let before: BTreeMap<String, String> = [("a", "Alpha"), ("b", "Beta")]
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        let now: BTreeMap<String, String> = [("b", "Beta"), ("c", "late group")]
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        assert_eq!(
            difference(("group", "groups"), "the preview", &before, &now),
            [
                "1 group added since the preview: late group.",
                "1 group in the preview no longer held: Alpha."
            ]
        );
        assert!(difference(("group", "groups"), "the preview", &now, &now).is_empty());
    }

    #[test]
    fn long_lists_are_cut_with_a_count() {
        let l: Vec<String> = (1..=8).map(|i| format!("g{i}")).collect();
        assert_eq!(names(&l, 3), "g1, g2, g3 and 5 more");
        assert_eq!(names(&l[..2], 3), "g1, g2");
    }
}
