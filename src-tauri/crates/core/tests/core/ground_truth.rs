//! What the tests compare a synced copy with: the simulator's org, entity by entity, field by
//! field and edge by edge.

use crate::common::*;
use rollcall_cache::Cache;
use serde_json::Value;
use std::collections::{BTreeMap, BTreeSet};

pub(crate) fn rows(cache: &Cache, sql: &str) -> BTreeSet<(String, String)> {
    let mut s = cache.connection().prepare(sql).unwrap();
    s.query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?)))
        .unwrap()
        .map(|x| x.unwrap())
        .collect()
}

pub(crate) fn json_map(cache: &Cache, table: &str) -> BTreeMap<String, Value> {
    let mut s = cache
        .connection()
        .prepare(&format!("SELECT id, json FROM records WHERE kind = '{table}'"))
        .unwrap();
    s.query_map([], |r| {
        Ok((r.get::<_, String>(0)?, r.get::<_, rollcall_cache::packed::Packed>(1)?.0))
    })
    .unwrap()
    .map(|x| x.unwrap())
    .map(|(id, j)| (id, serde_json::from_str(&j).unwrap()))
    .collect()
}

/// The cache holds exactly the simulator's org: every entity, field and edge.
pub(crate) fn assert_matches_ground_truth(env: &Env) {
    let cache = env.cache();
    cache.integrity_check().unwrap();
    let w = env.sim.state.world.read().unwrap();
    let o = &w.orgs[0];
    let users: BTreeMap<String, Value> = o
        .users
        .iter()
        .map(|(id, s)| (id.clone(), serde_json::from_slice(&s.json).unwrap()))
        .collect();
    assert_eq!(json_map(&cache, "user"), users, "users: every record and field");
    let systems: BTreeMap<String, Value> = o
        .systems
        .iter()
        .map(|(id, s)| (id.clone(), serde_json::from_slice(&s.json).unwrap()))
        .collect();
    assert_eq!(json_map(&cache, "system"), systems, "devices: every record and field");
    let hw = rows(
        &cache,
        "SELECT id, model || '|' || COALESCE(memory_bytes, '') || '|' || cpu FROM systems",
    );
    let want_hw: BTreeSet<(String, String)> = o
        .system_extra
        .iter()
        .filter(|(_, x)| x.insights_enabled)
        .map(|(id, x)| {
            (
                id.clone(),
                format!(
                    "{}|{}|{}",
                    x.hardware.model, x.hardware.memory_bytes, x.hardware.cpu_brand
                ),
            )
        })
        .collect();
    assert!(
        want_hw.is_subset(&hw),
        "System Insights hardware landed on every device that reports it"
    );
    let groups: BTreeSet<(String, String)> = o
        .user_groups
        .values()
        .map(|g| (g.id.clone(), "user".into()))
        .chain(o.system_groups.values().map(|g| (g.id.clone(), "system".into())))
        .collect();
    assert_eq!(rows(&cache, "SELECT id, kind FROM groups"), groups, "groups");
    let members: BTreeSet<(String, String)> = pairs(&o.ug_members).into_iter().chain(pairs(&o.sg_members)).collect();
    assert_eq!(
        rows(&cache, "SELECT group_id, member_id FROM group_members"),
        members,
        "memberships"
    );
    // The users-to-devices report does not say which bindings grant sudo: sudo is compared when
    // the last sync read the bindings device by device.
    let from_report = rows(
        &cache,
        "SELECT CAST(id AS TEXT), counts FROM sync_runs WHERE status = 'complete' ORDER BY id DESC LIMIT 1",
    )
    .into_iter()
    .any(|(_, c)| c.contains("Device bindings: from the users-to-devices report"));
    let bindings: BTreeSet<(String, String)> = o
        .bindings
        .iter()
        .flat_map(|(s, us)| {
            us.iter()
                .map(move |(u, sudo)| (format!("{s}/{u}"), ((sudo.enabled && !from_report) as i64).to_string()))
        })
        .collect();
    assert_eq!(
        rows(
            &cache,
            "SELECT system_id || '/' || user_id, CAST(sudo AS TEXT) FROM bindings"
        ),
        bindings,
        "bindings (with sudo unless from the report)"
    );
    let apps: BTreeSet<(String, String)> = o
        .apps
        .values()
        .map(|a| (a.id.clone(), a.display_name.clone()))
        .collect();
    assert_eq!(rows(&cache, "SELECT id, label FROM apps"), apps, "apps");
    // What each user group is bound to (who reaches a device through a group).
    assert_eq!(
        rows(&cache, "SELECT group_id, system_id FROM user_group_devices"),
        pairs(&o.ug_systems),
        "user groups bound to devices"
    );
    assert_eq!(
        rows(&cache, "SELECT group_id, device_group_id FROM user_group_device_groups"),
        pairs(&o.ug_system_groups),
        "user groups bound to device groups"
    );
    let mut access = BTreeSet::new();
    for (app, us) in &o.app_users {
        for u in us {
            access.insert((format!("{app}/{u}"), String::new()));
        }
    }
    for (app, gs) in &o.app_groups {
        for g in gs {
            for u in o.ug_members.get(g).into_iter().flatten() {
                access.insert((format!("{app}/{u}"), g.clone()));
            }
        }
    }
    assert_eq!(
        rows(&cache, "SELECT app_id || '/' || user_id, via_group FROM app_users"),
        access,
        "app access, direct and through groups"
    );
    let start = jcsim::clock::parse_rfc3339_ms(NOW).unwrap() - 90 * 86_400_000;
    let events = o
        .events
        .iter()
        .filter(|e| e.at_ms >= start && ["directory", "systems", "sso"].contains(&e.service))
        .count();
    let cached: i64 = cache
        .connection()
        .query_row("SELECT count(*) FROM events", [], |r| r.get(0))
        .unwrap();
    assert_eq!(cached as usize, events, "90 days of Directory Insights events");
    let admins: i64 = cache
        .connection()
        .query_row("SELECT count(*) FROM admins", [], |r| r.get(0))
        .unwrap();
    assert_eq!(admins as usize, w.admins.len(), "admins");
}

/// Every (key, member) pair of a map of sets.
fn pairs(map: &BTreeMap<String, BTreeSet<String>>) -> BTreeSet<(String, String)> {
    map.iter()
        .flat_map(|(k, to)| to.iter().map(move |t| (k.clone(), t.clone())))
        .collect()
}
