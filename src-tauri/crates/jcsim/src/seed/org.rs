//! One organisation: its people, groups, apps, devices and their links.

use super::names::*;
use super::odd::{add_hostile, seed_events};
use super::people::seed_users;
use super::systems::{make_system, SystemSpec};
use super::{slug, SeedConfig, DAY_MS};
use crate::clock::rfc3339_ms;
use crate::model::*;
use crate::rng::Rng;
use crate::world::{Org, Stored, Sudo, World};
use serde_json::json;
use std::collections::BTreeMap;

/// How far back the organisation's history reaches.
pub(super) const THREE_YEARS: i64 = 3 * 365 * DAY_MS;

/// The device groups every organisation starts with, before its numbered rings.
const SYSTEM_GROUP_NAMES: [&str; 6] = [
    "All Macs",
    "All Windows",
    "Linux Servers",
    "Mobile Devices",
    "Finance Laptops",
    "Kiosks",
];

/// The fixed facts of the organisation being generated, which every part reads.
pub(super) struct OrgFacts<'a> {
    pub(super) name: &'a str,
    pub(super) org_id: Id,
    pub(super) domain: String,
    pub(super) now: i64,
    pub(super) org_no: u64,
}

/// The people made, in creation order, with each one's department.
pub(super) struct People {
    pub(super) ids: Vec<Id>,
    pub(super) depts: Vec<&'static str>,
}

/// The user groups made: all of them in order, how many are fixed (before the project
/// groups), and each department's group.
struct UserGroups {
    ids: Vec<Id>,
    fixed: usize,
    by_dept: BTreeMap<String, Id>,
}

/// The device groups made and the organisation's Apple MDM server.
struct DeviceGroups {
    ids: Vec<Id>,
    mdm_id: Id,
}

/// One whole organisation, its parts made in a fixed order so a seed always gives the same org.
#[allow(clippy::too_many_arguments)]
pub(super) fn generate_org(
    world: &mut World,
    rng: &mut Rng,
    cfg: &SeedConfig,
    name: &str,
    n_users: usize,
    n_systems: usize,
    n_groups: usize,
    org_no: u64,
) -> Org {
    let facts = OrgFacts {
        name,
        org_id: object_id(
            1_400_000_000 + org_no as i64,
            cfg.seed.wrapping_mul(31).wrapping_add(org_no),
        ),
        domain: format!("{}.example", slug(name).chars().take(20).collect::<String>()),
        now: cfg.now_ms,
        org_no,
    };
    let mut org = Org {
        org: Some(Organization {
            id: facts.org_id.clone(),
            display_name: name.into(),
            logo_url: String::new(),
        }),
        ..Org::default()
    };
    let people = seed_users(world, rng, &facts, &mut org, n_users);
    let groups = seed_user_groups(world, &facts, &mut org, n_groups);
    seed_memberships(rng, &mut org, &people, &groups);
    let devices = seed_system_groups(world, &facts, &mut org, n_groups);
    seed_systems(world, rng, &facts, &mut org, &people, &devices, n_systems);
    nest_groups(&mut org, &groups, &devices);
    seed_apps(world, rng, &facts, &mut org, &people, &groups);
    seed_commands(world, &facts, &mut org);
    if cfg.hostile {
        add_hostile(
            world,
            &mut org,
            rng,
            facts.now,
            &facts.org_id,
            &facts.domain,
            &groups.ids,
            &devices.mdm_id,
        );
    }
    seed_events(world, &mut org, rng, facts.now);
    org
}

/// The user groups: the fixed ones, one per department, then numbered project groups.
fn seed_user_groups(world: &mut World, facts: &OrgFacts, org: &mut Org, n_groups: usize) -> UserGroups {
    let base_groups: Vec<String> = [
        "All Staff",
        "VPN Users",
        "Managers",
        "Contractors",
        "Wi-Fi Corp",
        "Admins - Local Sudo",
    ]
    .iter()
    .map(|s| s.to_string())
    .chain(DEPTS.iter().map(|d| d.0.to_string()))
    .collect();
    let mut groups = UserGroups {
        ids: Vec::new(),
        fixed: base_groups.len(),
        by_dept: BTreeMap::new(),
    };
    for g in 0..n_groups.max(base_groups.len()) {
        let gname = base_groups
            .get(g)
            .cloned()
            .unwrap_or_else(|| format!("Project {:04}", g - base_groups.len() + 1));
        let id = world.next_id(facts.now - THREE_YEARS);
        org.user_groups.insert(
            id.clone(),
            group(&id, &gname, "user_group", &facts.org_id, &facts.domain),
        );
        if DEPTS.iter().any(|d| d.0 == gname) {
            groups.by_dept.insert(gname.clone(), id.clone());
        }
        groups.ids.push(id);
    }
    groups
}

/// Puts each person in All Staff, their department's group, the groups their role gives
/// them, and a few project groups.
fn seed_memberships(rng: &mut Rng, org: &mut Org, people: &People, groups: &UserGroups) {
    let ug_ids = &groups.ids;
    for (i, uid) in people.ids.iter().enumerate() {
        let u = &org.users[uid].rec();
        if u.state != "STAGED" {
            org.ug_members.entry(ug_ids[0].clone()).or_default().insert(uid.clone());
        }
        if let Some(g) = groups.by_dept.get(people.depts[i]) {
            org.ug_members.entry(g.clone()).or_default().insert(uid.clone());
        }
        if rng.chance(0.35) {
            org.ug_members.entry(ug_ids[1].clone()).or_default().insert(uid.clone());
        }
        if u.employee_type == "Contractor" {
            org.ug_members.entry(ug_ids[3].clone()).or_default().insert(uid.clone());
        }
        if people.depts[i] == "IT" {
            org.ug_members.entry(ug_ids[5].clone()).or_default().insert(uid.clone());
        }
        if u.job_title.contains("Manager") {
            org.ug_members.entry(ug_ids[2].clone()).or_default().insert(uid.clone());
        }
        // Project groups: a couple each, so group sizes vary from a handful to several hundred.
        if ug_ids.len() > groups.fixed {
            for _ in 0..rng.below(3) {
                let g = &ug_ids[groups.fixed + rng.index(ug_ids.len() - groups.fixed)];
                org.ug_members.entry(g.clone()).or_default().insert(uid.clone());
            }
        }
    }
}

/// The device groups (one per platform and a few more, then numbered rings) and the
/// organisation's Apple MDM server.
fn seed_system_groups(world: &mut World, facts: &OrgFacts, org: &mut Org, n_groups: usize) -> DeviceGroups {
    let mut sg_ids = Vec::new();
    let n_sgroups = (n_groups / 4).max(SYSTEM_GROUP_NAMES.len());
    for g in 0..n_sgroups {
        let gname = SYSTEM_GROUP_NAMES
            .get(g)
            .map(|s| s.to_string())
            .unwrap_or_else(|| format!("Device Ring {:03}", g + 1));
        let id = world.next_id(facts.now - THREE_YEARS);
        org.system_groups.insert(
            id.clone(),
            group(&id, &gname, "system_group", &facts.org_id, &facts.domain),
        );
        sg_ids.push(id);
    }
    let mdm_id = world.next_id(facts.now - THREE_YEARS);
    org.apple_mdms.push(AppleMdm {
        id: mdm_id.clone(),
        name: "JumpCloud MDM".into(),
        organization: facts.org_id.clone(),
    });
    DeviceGroups { ids: sg_ids, mdm_id }
}

/// The devices, created evenly over three years: most owned by a person, each in its
/// platform's groups and bound to its owner.
fn seed_systems(
    world: &mut World,
    rng: &mut Rng,
    facts: &OrgFacts,
    org: &mut Org,
    people: &People,
    devices: &DeviceGroups,
    n_systems: usize,
) {
    let bindable: Vec<usize> = (0..people.ids.len()).collect();
    for i in 0..n_systems {
        let created_ms = facts.now - THREE_YEARS + (i as i64 * THREE_YEARS / n_systems.max(1) as i64);
        let id = world.next_id(created_ms);
        let owner = if bindable.is_empty() || rng.chance(0.08) {
            None
        } else {
            Some(bindable[i % bindable.len()])
        };
        let owner_user = owner.map(|o| org.users[&people.ids[o]].rec());
        let spec = SystemSpec {
            id: &id,
            i,
            owner: owner_user.as_ref(),
            org_id: &facts.org_id,
            now: facts.now,
            created_ms,
            mdm_id: &devices.mdm_id,
        };
        let (sys, extra) = make_system(rng, world, &spec);
        let os = sys.os_family.clone();
        let fin = owner.map(|o| people.depts[o] == "Finance").unwrap_or(false);
        join_system_groups(rng, org, &devices.ids, &id, &os, fin);
        if let Some(o) = owner {
            bind_owner(rng, org, &people.ids, o, &id, &os);
        }
        org.system_extra.insert(id.clone(), extra);
        org.systems.insert(id, Stored::new(sys));
    }
}

/// Puts a device in its platform's group, Finance Laptops if a Finance person owns it, and
/// half the time a numbered ring.
fn join_system_groups(rng: &mut Rng, org: &mut Org, sg_ids: &[Id], id: &str, os: &str, fin: bool) {
    let sg = match os {
        "darwin" => Some(0),
        "windows" => Some(1),
        "linux" => Some(2),
        "ios" | "android" => Some(3),
        _ => None,
    };
    if let Some(sg) = sg {
        org.sg_members
            .entry(sg_ids[sg].clone())
            .or_default()
            .insert(id.to_string());
    }
    if fin && os != "linux" {
        org.sg_members
            .entry(sg_ids[4].clone())
            .or_default()
            .insert(id.to_string());
    }
    if sg_ids.len() > SYSTEM_GROUP_NAMES.len() && rng.chance(0.5) {
        let g = &sg_ids[SYSTEM_GROUP_NAMES.len() + rng.index(sg_ids.len() - SYSTEM_GROUP_NAMES.len())];
        org.sg_members.entry(g.clone()).or_default().insert(id.to_string());
    }
}

/// Binds a device to its owner (sudo on Linux), and a few shared machines to a second person.
fn bind_owner(rng: &mut Rng, org: &mut Org, user_ids: &[Id], owner: usize, id: &str, os: &str) {
    let n_users = user_ids.len();
    let mut bound = BTreeMap::new();
    bound.insert(
        user_ids[owner].clone(),
        Sudo {
            enabled: os == "linux",
            without_password: false,
        },
    );
    // A few shared machines have a second user.
    if rng.chance(0.05) && n_users > 1 {
        bound.insert(user_ids[rng.index(n_users)].clone(), Sudo::default());
    }
    org.bindings.insert(id.to_string(), bound);
}

/// Nesting: user groups bound to device groups, and one user group bound to devices directly.
fn nest_groups(org: &mut Org, groups: &UserGroups, devices: &DeviceGroups) {
    let (ug_ids, sg_ids) = (&groups.ids, &devices.ids);
    org.ug_system_groups
        .entry(ug_ids[5].clone())
        .or_default()
        .insert(sg_ids[2].clone());
    if let Some(eng) = groups.by_dept.get("Engineering") {
        org.ug_system_groups
            .entry(eng.clone())
            .or_default()
            .insert(sg_ids[2].clone());
    }
    if let Some(fin) = groups.by_dept.get("Finance") {
        org.ug_system_groups
            .entry(fin.clone())
            .or_default()
            .insert(sg_ids[4].clone());
    }
    // A user group bound to devices themselves (no device group between): its members reach
    // them, as JumpCloud's `/systems/{id}/users` lists.
    let shared: Vec<Id> = org
        .systems
        .keys()
        .filter(|s| org.bindings.get(*s).is_none_or(|b| b.is_empty()))
        .take(3)
        .cloned()
        .collect();
    org.ug_systems.entry(ug_ids[3].clone()).or_default().extend(shared);
}

/// The SAML applications: the first three for All Staff, the rest for a department and some
/// people directly.
fn seed_apps(world: &mut World, rng: &mut Rng, facts: &OrgFacts, org: &mut Org, people: &People, groups: &UserGroups) {
    let n_users = people.ids.len();
    for (i, (key, display)) in APPS.iter().enumerate() {
        let id = world.next_id(facts.now - THREE_YEARS + i as i64 * DAY_MS);
        org.apps.insert(id.clone(), saml_app(facts, i, key, display, &id));
        // Everyone gets the first three through All Staff; the rest go to department groups and some people directly.
        let app_groups = org.app_groups.entry(id.clone()).or_default();
        if i < 3 {
            app_groups.insert(groups.ids[0].clone());
        } else {
            let dept = DEPTS[i % DEPTS.len()].0;
            if let Some(g) = groups.by_dept.get(dept) {
                app_groups.insert(g.clone());
            }
            let direct = org.app_users.entry(id).or_default();
            for _ in 0..(n_users / 50).clamp(1, 40) {
                direct.insert(people.ids[rng.index(n_users.max(1))].clone());
            }
        }
    }
}

/// The `i`th SAML application's record, its IdP certificate expiring some months out.
fn saml_app(facts: &OrgFacts, i: usize, key: &str, display: &str, id: &str) -> Application {
    let now = facts.now;
    Application {
        id: id.to_string(),
        name: format!("{key}-saml"),
        display_name: display.to_string(),
        display_label: display.to_string(),
        sso_url: format!("https://sso.jumpcloud.com/saml2/{key}"),
        active: true,
        sso: Sso {
            kind: "saml".into(),
            jit: i.is_multiple_of(3),
            hidden: false,
            idp_cert_expiration_at: Some(rfc3339_ms(now + (30 + i as i64 * 60) * DAY_MS)),
        },
        config: json!({}),
        created: rfc3339_ms(now - THREE_YEARS + i as i64 * DAY_MS),
        organization: facts.org_id.clone(),
        description: String::new(),
    }
}

/// The saved commands every organisation has: a shutdown per platform and a DNS flush.
fn seed_commands(world: &mut World, facts: &OrgFacts, org: &mut Org) {
    for (name, cmd, kind) in [
        ("Shutdown (Linux)", "shutdown -h now", "linux"),
        ("Shutdown (Windows)", "Stop-Computer -Force", "windows"),
        ("Flush DNS (macOS)", "dscacheutil -flushcache", "mac"),
    ] {
        let id = world.next_id(facts.now - 200 * DAY_MS);
        org.commands.insert(
            id.clone(),
            Command {
                id,
                name: name.into(),
                command: cmd.into(),
                command_type: kind.into(),
                user: "000000000000000000000000".into(),
                shell: if kind == "windows" {
                    "powershell".into()
                } else {
                    String::new()
                },
                launch_type: "manual".into(),
                timeout: "120".into(),
                schedule: String::new(),
                trigger: String::new(),
                sudo: false,
                organization: facts.org_id.clone(),
            },
        );
    }
}

pub(super) fn group(id: &str, name: &str, kind: &str, org_id: &str, domain: &str) -> Group {
    Group {
        id: id.into(),
        name: name.into(),
        description: String::new(),
        email: if kind == "user_group" {
            format!("{}@{domain}", slug(name))
        } else {
            String::new()
        },
        kind: kind.into(),
        attributes: None,
        membership_method: "STATIC".into(),
        organization_object_id: Some(org_id.into()),
    }
}
