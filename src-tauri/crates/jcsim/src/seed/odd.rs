//! The odd records a real org holds (hostile names, half-filled fields) and its past events.

use super::org::group;
use super::DAY_MS;
use crate::model::*;
use crate::rng::Rng;
use crate::world::{Org, Stored, World};
use std::collections::BTreeMap;
use std::sync::Arc;

/// Records built to break careless rendering: markup, script, huge strings, emoji, RTL; and
/// people named in their own scripts (Cyrillic, Greek, CJK, Korean, Arabic, Hebrew).
#[allow(clippy::too_many_arguments)]
pub(super) fn add_hostile(
    world: &mut World,
    org: &mut Org,
    rng: &mut Rng,
    now: i64,
    org_id: &str,
    domain: &str,
    ug_ids: &[Id],
    mdm_id: &str,
) {
    let template = org.users.values().next().map(|s| s.rec());
    let Some(template) = template else { return };
    add_odd_people(world, org, &template, now, domain, &ug_ids[0]);
    let gid = world.next_id(now - DAY_MS);
    let mut g = group(&gid, "<script>alert('group')</script>", "user_group", org_id, domain);
    g.description = "A".repeat(10_000);
    org.user_groups.insert(gid, g);
    add_hostile_device(world, org, rng, now, mdm_id);
}

/// People with markup, script, emoji and RTL in their names, and people named in their own
/// scripts, each made from `template` and put in `first_group`.
fn add_odd_people(world: &mut World, org: &mut Org, template: &User, now: i64, domain: &str, first_group: &str) {
    let nasty = [
        ("<script>alert('xss')</script>", "Script"),
        ("<img src=x onerror=\"document.title='pwned'\">", "Img"),
        ("\"><svg onload=alert(1)>", "Svg"),
        ("Robert'); DROP TABLE users;--", "Tables"),
        ("😀🔥 Zoë 👩🏽‍💻", "Emoji"),
        ("مرحبا بالعالم", "\u{202E}txt.exe"),
        ("javascript:alert(document.cookie)", "Link"),
    ];
    // A person made from the template: `{prefix}{i}` at the org's domain, in the first group.
    let mut add = |world: &mut World, prefix: &str, i: usize, first: &str, last: &str, odd: bool| {
        let id = world.next_id(now - DAY_MS);
        let username = format!("{prefix}{i}");
        let mut u = template.clone();
        u.id = id.clone();
        u.username = username.clone();
        u.email = format!("{username}@{domain}");
        u.firstname = first.to_string();
        u.lastname = last.to_string();
        u.displayname = format!("{first} {last}");
        u.employee_identifier = format!("{}{i:05}", prefix[..1].to_uppercase());
        u.manager = None;
        if odd {
            u.job_title = "<b>Chief</b> <i>Everything</i> Officer".into();
            u.department = "<marquee>Ops</marquee>".into();
            u.description = "x".repeat(5000);
        }
        org.users.insert(id.clone(), Stored::new(u));
        org.ug_members.entry(first_group.to_string()).or_default().insert(id);
    };
    for (i, (first, last)) in nasty.iter().enumerate() {
        add(world, "hostile", i, first, last, true);
    }
    // People whose names are written in their own scripts (a real org has them; reports must
    // print them as they are).
    let native = [
        ("Дмитрий", "Соколов"),
        ("Σοφία", "Παπαδοπούλου"),
        ("伟", "王"),
        ("さくら", "山田"),
        ("서연", "이"),
        ("محمد", "العلي"),
        ("אורי", "כהן"),
    ];
    for (i, (first, last)) in native.iter().enumerate() {
        add(world, "native", i, first, last, false);
    }
}

/// A device with markup in its hostname and serial and a long RTL name, made from the first
/// device (and enrolled in the org's Apple MDM if that one is).
fn add_hostile_device(world: &mut World, org: &mut Org, rng: &mut Rng, now: i64, mdm_id: &str) {
    let template = org
        .systems
        .iter()
        .next()
        .map(|(id, s)| (s.rec(), org.system_extra.get(id).cloned().unwrap_or_default()));
    if let Some((template, mut extra)) = template {
        let id = world.next_id(now - DAY_MS);
        let mut s = template;
        s.id = id.clone();
        s.hostname = "<img src=x onerror=alert('host')>".into();
        s.display_name = format!("{} 🖥️ {}", "\u{05E9}\u{05DC}\u{05D5}\u{05DD}", "y".repeat(300));
        s.serial_number = "<svg/onload=alert(2)>".into();
        extra.apple_mdm = extra.apple_mdm.map(|mut a| {
            a.device_id = world.next_id(now);
            a.mdm_id = mdm_id.into();
            a
        });
        s.mdm.internal.device_id = extra
            .apple_mdm
            .as_ref()
            .map(|a| a.device_id.clone())
            .unwrap_or_default();
        let _ = rng.next_u64();
        org.system_extra.insert(id.clone(), extra);
        org.systems.insert(id, Stored::new(s));
    }
}

/// A 90-day history of logins: user portal, device and SSO logins, some failures, admin logins.
pub(super) fn seed_events(world: &mut World, org: &mut Org, rng: &mut Rng, now: i64) {
    let per_user = (200_000 / org.users.len().max(1)).clamp(2, 12) as u64;
    let start = now - 90 * DAY_MS;
    let systems_of: BTreeMap<Id, Arc<(Id, String)>> = org
        .bindings
        .iter()
        .flat_map(|(sid, users)| {
            let sys = Arc::new((sid.clone(), org.systems[sid].rec().hostname.clone()));
            users.keys().map(move |u| (u.clone(), sys.clone()))
        })
        .collect();
    let apps: Vec<Arc<(Id, String)>> = org
        .apps
        .values()
        .map(|a| Arc::new((a.id.clone(), a.display_name.clone())))
        .collect();
    let mut events = Vec::new();
    for u in org.users.values() {
        let u = &u.rec();
        if u.state == "STAGED" {
            continue;
        }
        let actor = Actor::user(u);
        // Suspended users stopped logging in some time ago.
        let end = if u.suspended {
            now - (10 + rng.below(60) as i64) * DAY_MS
        } else {
            now
        };
        for _ in 0..per_user {
            let at = start + rng.below((end - start).max(1) as u64) as i64;
            let mut ev = Event {
                at_ms: at,
                seq: 0,
                service: "directory",
                event_type: "user_login_attempt",
                success: !rng.chance(0.04),
                client_ip: u32::from_be_bytes([198, 51, 100, rng.below(254) as u8 + 1]),
                initiated_by: Some(actor.clone()),
                resource: None,
                system: None,
                username_from_actor: false,
                application: None,
                changes: None,
                association: None,
            };
            match rng.below(3) {
                1 if systems_of.contains_key(&u.id) => {
                    ev.service = "systems";
                    ev.event_type = "login_attempt";
                    ev.system = systems_of.get(&u.id).cloned();
                    ev.username_from_actor = true;
                }
                2 if !apps.is_empty() => {
                    ev.service = "sso";
                    ev.event_type = "sso_auth";
                    ev.application = Some(apps[rng.index(apps.len())].clone());
                }
                _ => {}
            }
            events.push(ev);
        }
    }
    events.sort_by_key(|e| e.at_ms);
    for mut e in events {
        e.seq = world.next_seq();
        org.events.push(e);
    }
}
