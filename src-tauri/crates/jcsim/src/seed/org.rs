//! One organisation: its people, groups, apps, devices and their links.

use super::names::*;
use super::odd::{add_hostile, seed_events};
use super::systems::make_system;
use super::{slug, SeedConfig, DAY_MS};
use crate::clock::rfc3339_ms;
use crate::model::*;
use crate::rng::Rng;
use crate::world::{Org, Stored, Sudo, World};
use serde_json::json;
use std::collections::{BTreeMap, BTreeSet};

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
    let now = cfg.now_ms;
    let org_id = object_id(
        1_400_000_000 + org_no as i64,
        cfg.seed.wrapping_mul(31).wrapping_add(org_no),
    );
    let domain = format!("{}.example", slug(name).chars().take(20).collect::<String>());
    let mut org = Org {
        org: Some(Organization {
            id: org_id.clone(),
            display_name: name.into(),
            logo_url: String::new(),
        }),
        ..Org::default()
    };
    let three_years = 3 * 365 * DAY_MS;

    // ---- users ----
    let mut user_ids: Vec<Id> = Vec::with_capacity(n_users);
    let mut usernames = BTreeSet::new();
    let mut dept_of = Vec::with_capacity(n_users);
    for i in 0..n_users {
        let first = *rng.pick(FIRST);
        let last = *rng.pick(LAST);
        let mut username = format!("{}.{}", slug(first), slug(last));
        if !usernames.insert(username.clone()) {
            username = format!("{username}{}", i);
            usernames.insert(username.clone());
        }
        let created_ms = now - three_years + (i as i64 * three_years / n_users.max(1) as i64) - DAY_MS;
        let id = world.next_id(created_ms);
        let (dept, titles) = *rng.pick(DEPTS);
        let roll = rng.unit();
        let (state, activated, suspended) = if roll < 0.05 {
            ("STAGED", false, false)
        } else if roll < 0.12 {
            ("SUSPENDED", true, true)
        } else {
            ("ACTIVATED", true, false)
        };
        let locked = state == "ACTIVATED" && rng.chance(0.02);
        let mfa_on = state != "STAGED" && rng.chance(0.8);
        let mut enrollment = MfaEnrollment::not_enrolled();
        if mfa_on {
            enrollment.totp_status = "ENROLLED".into();
            enrollment.overall_status = "ENROLLED".into();
            if rng.chance(0.4) {
                enrollment.push_status = "ENROLLED".into();
            }
        } else if state == "ACTIVATED" && rng.chance(0.3) {
            enrollment.totp_status = "PENDING_ACTIVATION".into();
            enrollment.overall_status = "PENDING_ACTIVATION".into();
        }
        let password_date = now - rng.below(200) as i64 * DAY_MS;
        let never_expires = rng.chance(0.05);
        let expires = password_date + 90 * DAY_MS;
        let manager = if i > 5 && rng.chance(0.6) {
            Some(user_ids[rng.index(i.min(50))].clone())
        } else {
            None
        };
        let user = User {
            id: id.clone(),
            username: username.clone(),
            email: format!("{username}@{domain}"),
            firstname: first.into(),
            middlename: String::new(),
            lastname: last.into(),
            displayname: format!("{first} {last}"),
            alternate_email: String::new(),
            recovery_email: RecoveryEmail {
                address: format!("{username}@personal.example"),
                verified: rng.chance(0.5),
            },
            job_title: rng.pick(titles).to_string(),
            department: dept.into(),
            company: name.into(),
            cost_center: format!("CC-{}", 100 + DEPTS.iter().position(|d| d.0 == dept).unwrap_or(0) * 10),
            employee_type: rng.pick(EMPLOYEE_TYPES).to_string(),
            employee_identifier: format!("E{:06}", org_no * 1_000_000 + i as u64 + 1),
            location: rng.pick(LOCATIONS).to_string(),
            description: String::new(),
            addresses: vec![],
            phone_numbers: if rng.chance(0.7) {
                vec![PhoneNumber {
                    kind: "work".into(),
                    number: format!("+1 555 {:04}", rng.below(10_000)),
                }]
            } else {
                vec![]
            },
            manager,
            state: state.into(),
            activated,
            suspended,
            account_locked: locked,
            account_locked_date: locked.then(|| rfc3339_ms(now - rng.below(5) as i64 * DAY_MS - 3_600_000)),
            bad_login_attempts: if locked { 10 } else { rng.below(3) as u32 },
            password_expired: !never_expires && expires < now && state == "ACTIVATED",
            password_expiration_date: (!never_expires && state != "STAGED").then(|| rfc3339_ms(expires)),
            password_date: (state != "STAGED").then(|| rfc3339_ms(password_date)),
            password_never_expires: never_expires,
            mfa: Mfa {
                configured: mfa_on,
                exclusion: false,
                exclusion_until: None,
                exclusion_days: None,
            },
            totp_enabled: mfa_on,
            enable_user_portal_multifactor: mfa_on,
            mfa_enrollment: enrollment,
            created: rfc3339_ms(created_ms),
            creation_source: "jumpcloud:user_portal".into(),
            admin: None,
            organization: org_id.clone(),
            sudo: false,
            passwordless_sudo: false,
            allow_public_key: true,
            enable_managed_uid: false,
            ldap_binding_user: false,
            samba_service_user: false,
            unix_uid: 5000 + i as u32,
            unix_guid: 5000 + i as u32,
            attributes: vec![],
            tags: vec![],
        };
        dept_of.push(dept);
        org.users.insert(id.clone(), Stored::new(user));
        user_ids.push(id);
    }

    // ---- groups ----
    let mut ug_ids = Vec::new();
    let mut dept_groups = BTreeMap::new();
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
    for g in 0..n_groups.max(base_groups.len()) {
        let gname = base_groups
            .get(g)
            .cloned()
            .unwrap_or_else(|| format!("Project {:04}", g - base_groups.len() + 1));
        let id = world.next_id(now - three_years);
        org.user_groups
            .insert(id.clone(), group(&id, &gname, "user_group", &org_id, &domain));
        if DEPTS.iter().any(|d| d.0 == gname) {
            dept_groups.insert(gname.clone(), id.clone());
        }
        ug_ids.push(id);
    }
    for (i, uid) in user_ids.iter().enumerate() {
        let u = &org.users[uid].rec();
        if u.state != "STAGED" {
            org.ug_members.entry(ug_ids[0].clone()).or_default().insert(uid.clone());
        }
        if let Some(g) = dept_groups.get(dept_of[i]) {
            org.ug_members.entry(g.clone()).or_default().insert(uid.clone());
        }
        if rng.chance(0.35) {
            org.ug_members.entry(ug_ids[1].clone()).or_default().insert(uid.clone());
        }
        if u.employee_type == "Contractor" {
            org.ug_members.entry(ug_ids[3].clone()).or_default().insert(uid.clone());
        }
        if dept_of[i] == "IT" {
            org.ug_members.entry(ug_ids[5].clone()).or_default().insert(uid.clone());
        }
        if u.job_title.contains("Manager") {
            org.ug_members.entry(ug_ids[2].clone()).or_default().insert(uid.clone());
        }
        // Project groups: a couple each, so group sizes vary from a handful to several hundred.
        if ug_ids.len() > base_groups.len() {
            for _ in 0..rng.below(3) {
                let g = &ug_ids[base_groups.len() + rng.index(ug_ids.len() - base_groups.len())];
                org.ug_members.entry(g.clone()).or_default().insert(uid.clone());
            }
        }
    }

    // ---- systems ----
    let sg_names = [
        "All Macs",
        "All Windows",
        "Linux Servers",
        "Mobile Devices",
        "Finance Laptops",
        "Kiosks",
    ];
    let mut sg_ids = Vec::new();
    let n_sgroups = (n_groups / 4).max(sg_names.len());
    for g in 0..n_sgroups {
        let gname = sg_names
            .get(g)
            .map(|s| s.to_string())
            .unwrap_or_else(|| format!("Device Ring {:03}", g + 1));
        let id = world.next_id(now - three_years);
        org.system_groups
            .insert(id.clone(), group(&id, &gname, "system_group", &org_id, &domain));
        sg_ids.push(id);
    }
    let mdm_id = world.next_id(now - three_years);
    org.apple_mdms.push(AppleMdm {
        id: mdm_id.clone(),
        name: "JumpCloud MDM".into(),
        organization: org_id.clone(),
    });

    let bindable: Vec<usize> = (0..n_users).collect();
    for i in 0..n_systems {
        let created_ms = now - three_years + (i as i64 * three_years / n_systems.max(1) as i64);
        let id = world.next_id(created_ms);
        let owner = if bindable.is_empty() || rng.chance(0.08) {
            None
        } else {
            Some(bindable[i % bindable.len()])
        };
        let owner_user = owner.map(|o| org.users[&user_ids[o]].rec());
        let (sys, extra) = make_system(
            rng,
            &id,
            i,
            owner_user.as_ref(),
            &org_id,
            now,
            created_ms,
            &mdm_id,
            world,
        );
        let os = sys.os_family.clone();
        let fin = owner.map(|o| dept_of[o] == "Finance").unwrap_or(false);
        let sg = match os.as_str() {
            "darwin" => Some(0),
            "windows" => Some(1),
            "linux" => Some(2),
            "ios" | "android" => Some(3),
            _ => None,
        };
        if let Some(sg) = sg {
            org.sg_members.entry(sg_ids[sg].clone()).or_default().insert(id.clone());
        }
        if fin && os != "linux" {
            org.sg_members.entry(sg_ids[4].clone()).or_default().insert(id.clone());
        }
        if sg_ids.len() > sg_names.len() && rng.chance(0.5) {
            let g = &sg_ids[sg_names.len() + rng.index(sg_ids.len() - sg_names.len())];
            org.sg_members.entry(g.clone()).or_default().insert(id.clone());
        }
        if let Some(o) = owner {
            let mut bound = BTreeMap::new();
            bound.insert(
                user_ids[o].clone(),
                Sudo {
                    enabled: os == "linux",
                    without_password: false,
                },
            );
            // A few shared machines have a second user.
            if rng.chance(0.05) && n_users > 1 {
                bound.insert(user_ids[rng.index(n_users)].clone(), Sudo::default());
            }
            org.bindings.insert(id.clone(), bound);
        }
        org.system_extra.insert(id.clone(), extra);
        org.systems.insert(id, Stored::new(sys));
    }
    // Nesting: user groups bound to system groups and to systems.
    org.ug_system_groups
        .entry(ug_ids[5].clone())
        .or_default()
        .insert(sg_ids[2].clone());
    if let Some(eng) = dept_groups.get("Engineering") {
        org.ug_system_groups
            .entry(eng.clone())
            .or_default()
            .insert(sg_ids[2].clone());
    }
    if let Some(fin) = dept_groups.get("Finance") {
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

    // ---- applications ----
    for (i, (key, display)) in APPS.iter().enumerate() {
        let id = world.next_id(now - three_years + i as i64 * DAY_MS);
        org.apps.insert(
            id.clone(),
            Application {
                id: id.clone(),
                name: format!("{key}-saml"),
                display_name: display.to_string(),
                display_label: display.to_string(),
                sso_url: format!("https://sso.jumpcloud.com/saml2/{key}"),
                active: true,
                sso: Sso {
                    kind: "saml".into(),
                    jit: i % 3 == 0,
                    hidden: false,
                    idp_cert_expiration_at: Some(rfc3339_ms(now + (30 + i as i64 * 60) * DAY_MS)),
                },
                config: json!({}),
                created: rfc3339_ms(now - three_years + i as i64 * DAY_MS),
                organization: org_id.clone(),
                description: String::new(),
            },
        );
        // Everyone gets the first three through All Staff; the rest go to department groups and some people directly.
        let groups = org.app_groups.entry(id.clone()).or_default();
        if i < 3 {
            groups.insert(ug_ids[0].clone());
        } else {
            let dept = DEPTS[i % DEPTS.len()].0;
            if let Some(g) = dept_groups.get(dept) {
                groups.insert(g.clone());
            }
            let direct = org.app_users.entry(id).or_default();
            for _ in 0..(n_users / 50).clamp(1, 40) {
                direct.insert(user_ids[rng.index(n_users.max(1))].clone());
            }
        }
    }

    // ---- saved commands ----
    for (name, cmd, kind) in [
        ("Shutdown (Linux)", "shutdown -h now", "linux"),
        ("Shutdown (Windows)", "Stop-Computer -Force", "windows"),
        ("Flush DNS (macOS)", "dscacheutil -flushcache", "mac"),
    ] {
        let id = world.next_id(now - 200 * DAY_MS);
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
                organization: org_id.clone(),
            },
        );
    }

    if cfg.hostile {
        add_hostile(world, &mut org, rng, now, &org_id, &domain, &ug_ids, &mdm_id);
    }
    seed_events(world, &mut org, rng, now);
    org
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
