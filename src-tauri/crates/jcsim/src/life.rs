//! A living organisation: what happens while the simulator's clock moves (docs/jumpcloud-api.md §11).
//! Online devices check in (`lastContact`, `active`), people log in (Directory Insights events
//! accumulate), lockouts happen and clear, passwords expire; with churn, people are hired and
//! leave, another admin edits groups, devices enrol and retire. Everything is drawn from the
//! seed and the hour it happens in, so the same seed and the same clock give the same org.

use crate::clock::{parse_rfc3339_ms, rfc3339_ms};
use crate::model::*;
use crate::rng::Rng;
use crate::world::{Org, Stored, World};
use serde::{Deserialize, Serialize};
use std::sync::Arc;

const MINUTE: i64 = 60_000;
const HOUR: i64 = 60 * MINUTE;
const DAY: i64 = 24 * HOUR;
/// A device is `active` while its last check-in is this recent (JumpCloud's agent checks in
/// about every minute).
const ACTIVE_WINDOW: i64 = 10 * MINUTE;
/// A device silent this long has gone quiet for good.
const GONE_QUIET: i64 = 3 * DAY;
/// At most this much simulated time is lived through in one catch-up (older hours are skipped).
const MAX_CATCH_UP: i64 = 62 * DAY;

/// How the org lives.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Life {
    /// Speed of the clock: 1 is real time, 0 stops it (it then moves only by `advance`).
    pub speed: f64,
    /// Share of the people hired, and of the people leaving, per simulated day (devices enrol
    /// and retire, and groups are edited, at the same rate); 0 for none.
    pub churn_per_day: f64,
}

impl Default for Life {
    fn default() -> Self {
        Self {
            speed: 1.0,
            churn_per_day: 0.0,
        }
    }
}

/// A stable number for a string and an hour.
pub(crate) fn mix(s: &str, salt: i64) -> u64 {
    let mut x = crate::rng::hash_str(s) ^ (salt as u64).wrapping_mul(0x9E37_79B9_7F4A_7C15);
    x ^= x >> 33;
    x = x.wrapping_mul(0xff51_afd7_ed55_8ccd);
    x ^ (x >> 29)
}

/// A share in [0, 1) from `mix`.
pub(crate) fn share(s: &str, salt: i64) -> f64 {
    (mix(s, salt) >> 11) as f64 / (1u64 << 53) as f64
}

/// Lives the first org of `world` from `from_ms` to `to_ms`.
pub fn live(world: &mut World, seed: u64, life: &Life, from_ms: i64, to_ms: i64) {
    if to_ms <= from_ms || world.orgs.is_empty() {
        return;
    }
    let from_ms = from_ms.max(to_ms - MAX_CATCH_UP);
    let mut org = std::mem::take(&mut world.orgs[0]);
    // Hour by hour: logins, lockouts, churn at each day boundary crossed.
    let first_hour = from_ms / HOUR + 1;
    let last_hour = to_ms / HOUR;
    for hour in first_hour..=last_hour {
        let at = hour * HOUR;
        let mut rng = Rng::new(seed ^ (hour as u64).wrapping_mul(0x2545_F491_4F6C_DD1D));
        logins(world, &mut org, &mut rng, at);
        lock_out(&mut org, &mut rng, at);
        if at % DAY == 0 {
            // Devices check in through the day; a day is the longest a live device stays silent.
            check_ins(&mut org, at);
            if life.churn_per_day > 0.0 {
                churn(world, &mut org, &mut rng, at, life.churn_per_day);
            }
        }
    }
    // What is true now: check-ins, lockouts cleared, expired passwords.
    check_ins(&mut org, to_ms);
    clear_lockouts(&mut org, from_ms, to_ms);
    expire_passwords(&mut org, to_ms);
    world.orgs[0] = org;
}

/// Online devices check in; those silent for longer than the window turn inactive. A device's
/// habit (how much of the time it is on) is stable; whether it is on in a given hour is drawn.
/// A device silent for more than `GONE_QUIET` (retired without being removed, as the seed
/// leaves some) stays silent.
fn check_ins(org: &mut Org, now: i64) {
    let hour = now / HOUR;
    for (id, stored) in org.systems.iter_mut() {
        let mut s = stored.rec();
        let Some(last) = s.last_contact.as_deref().and_then(parse_rfc3339_ms) else {
            continue; // never contacted: an agent that was never installed stays silent
        };
        if now - last > GONE_QUIET {
            continue;
        }
        let habit = 0.25 + 0.7 * share(id, 0);
        // On in this hour, or back after a day away (a laptop opened the next morning).
        let on = share(id, hour) < habit || now - last > DAY;
        let changed = if on {
            let at = now - (mix(id, hour) % 90_000) as i64;
            if at > last {
                s.last_contact = Some(rfc3339_ms(at));
                s.active = true;
                true
            } else {
                false
            }
        } else if s.active && now - last > ACTIVE_WINDOW {
            s.active = false;
            true
        } else {
            false
        };
        if changed {
            stored.set(s);
        }
    }
}

/// Passwords past their expiry date are expired (JumpCloud flips the flag itself).
fn expire_passwords(org: &mut Org, now: i64) {
    for stored in org.users.values_mut() {
        let mut u = stored.rec();
        let due = u.password_expiration_date.as_deref().and_then(parse_rfc3339_ms);
        if !u.password_expired && !u.password_never_expires && u.state == "ACTIVATED" && due.is_some_and(|d| d <= now) {
            u.password_expired = true;
            stored.set(u);
        }
    }
}

/// Some active people log in during the hour (more on weekdays' working hours).
fn logins(world: &mut World, org: &mut Org, rng: &mut Rng, at: i64) {
    let h = (at / HOUR) % 24;
    let rate = if (7..19).contains(&h) { 0.04 } else { 0.005 };
    let n = ((org.users.len() as f64 * rate) as usize).min(2_000);
    if n == 0 {
        return;
    }
    let ids: Vec<&Id> = org.users.keys().collect();
    let apps: Vec<Arc<(Id, String)>> = org
        .apps
        .values()
        .map(|a| Arc::new((a.id.clone(), a.display_name.clone())))
        .collect();
    let mut batch = Vec::with_capacity(n);
    let mut picked = Vec::with_capacity(n);
    for _ in 0..n {
        picked.push(ids[rng.index(ids.len())].clone());
    }
    let first_seq = world.counter + 1;
    for id in picked {
        let u = org.users[&id].rec();
        if u.state != "ACTIVATED" {
            continue;
        }
        let actor = Actor::user(&u);
        let sso = !apps.is_empty() && rng.chance(0.5);
        let e = Event {
            at_ms: at - rng.below(HOUR as u64) as i64,
            seq: 0,
            service: if sso { "sso" } else { "directory" },
            event_type: if sso { "sso_auth" } else { "user_login_attempt" },
            success: !u.account_locked && !rng.chance(0.03),
            client_ip: u32::from_be_bytes([198, 51, 100, rng.below(254) as u8 + 1]),
            initiated_by: Some(actor),
            resource: None,
            system: None,
            username_from_actor: false,
            application: sso.then(|| apps[rng.index(apps.len())].clone()),
            changes: None,
            association: None,
        };
        batch.push(e);
    }
    // The hour's events come after every earlier one.
    batch.sort_by_key(|e| e.at_ms);
    world.counter += batch.len() as u64;
    for (e, seq) in batch.iter_mut().zip(first_seq..) {
        e.seq = seq;
    }
    org.events.extend(batch);
}

/// Lockouts that happened while living (since `from`) clear after an hour (an admin unlocked
/// them, or the lockout timed out). The seed's own lockouts stay for the admin to act on.
fn clear_lockouts(org: &mut Org, from: i64, now: i64) {
    for stored in org.users.values_mut() {
        let mut u = stored.rec();
        let since = u.account_locked_date.as_deref().and_then(parse_rfc3339_ms);
        if u.account_locked && since.is_some_and(|t| t >= from - HOUR && now - t >= HOUR) {
            u.account_locked = false;
            u.account_locked_date = None;
            u.bad_login_attempts = 0;
            stored.set(u);
        }
    }
}

/// A few people lock themselves out during the hour.
fn lock_out(org: &mut Org, rng: &mut Rng, at: i64) {
    let n = (org.users.len() / 2_000).max(1);
    let ids: Vec<Id> = org.users.keys().cloned().collect();
    for _ in 0..n {
        let id = &ids[rng.index(ids.len())];
        let stored = org.users.get_mut(id).expect("picked from the map");
        let mut u = stored.rec();
        if u.state == "ACTIVATED" && !u.account_locked && rng.chance(0.3) {
            u.account_locked = true;
            u.account_locked_date = Some(rfc3339_ms(at - rng.below(HOUR as u64) as i64));
            u.bad_login_attempts = 10;
            stored.set(u);
        }
    }
}

/// A day of churn: hires and leavers, groups edited by another admin, devices enrolled and
/// retired.
fn churn(world: &mut World, org: &mut Org, rng: &mut Rng, at: i64, rate: f64) {
    let users: Vec<Id> = org.users.keys().cloned().collect();
    hire(world, org, rng, at, &users, rate);
    leave(org, rng, &users, rate);
    edit_groups(org, rng, rate);
    let systems: Vec<Id> = org.systems.keys().cloned().collect();
    enrol_devices(world, org, rng, at, &systems, rate);
    retire_devices(org, rng, &systems, rate);
}

/// How many of `n` things change in a day at `rate`: the whole part, and one more with the
/// chance of the fraction.
fn churn_count(n: usize, rate: f64, rng: &mut Rng) -> usize {
    let x = n as f64 * rate;
    x.floor() as usize + usize::from(rng.chance(x.fract()))
}

/// Hires: a new person shaped like a colleague, in one of the colleague's groups.
fn hire(world: &mut World, org: &mut Org, rng: &mut Rng, at: i64, users: &[Id], rate: f64) {
    for _ in 0..churn_count(users.len(), rate, rng) {
        let like = org.users[&users[rng.index(users.len())]].rec();
        let id = world.next_id(at);
        let tag = &id[id.len() - 6..];
        let mut u = like.clone();
        u.id = id.clone();
        u.username = format!("{}.{tag}", like.username.split('.').next().unwrap_or("new"));
        u.email = format!(
            "{}@{}",
            u.username,
            like.email.split('@').nth(1).unwrap_or("example.com")
        );
        u.state = "ACTIVATED".into();
        u.activated = true;
        u.suspended = false;
        u.account_locked = false;
        u.account_locked_date = None;
        u.password_expired = false;
        u.created = rfc3339_ms(at);
        org.users.insert(id.clone(), Stored::new(u));
        if let Some(g) = org.groups_of_user(&like.id).first().cloned() {
            org.ug_members.entry(g).or_default().insert(id);
        }
    }
}

/// Leavers: suspended, or deleted (with their memberships, bindings and app access).
fn leave(org: &mut Org, rng: &mut Rng, users: &[Id], rate: f64) {
    for _ in 0..churn_count(users.len(), rate, rng) {
        let id = &users[rng.index(users.len())];
        let Some(stored) = org.users.get_mut(id) else { continue };
        if rng.chance(0.5) {
            let mut u = stored.rec();
            u.state = "SUSPENDED".into();
            u.suspended = true;
            stored.set(u);
        } else {
            remove_user(org, id);
        }
    }
}

/// Another admin edits groups: one member in, one out, per edited group.
fn edit_groups(org: &mut Org, rng: &mut Rng, rate: f64) {
    let groups: Vec<Id> = org.user_groups.keys().cloned().collect();
    let live_users: Vec<Id> = org.users.keys().cloned().collect();
    for _ in 0..churn_count(groups.len() * 5, rate, rng).min(groups.len()) {
        if groups.is_empty() || live_users.is_empty() {
            break;
        }
        let members = org
            .ug_members
            .entry(groups[rng.index(groups.len())].clone())
            .or_default();
        members.insert(live_users[rng.index(live_users.len())].clone());
        if members.len() > 1 && rng.chance(0.5) {
            let out = members.iter().nth(rng.index(members.len())).cloned();
            if let Some(out) = out {
                members.remove(&out);
            }
        }
    }
}

/// Devices enrol, each shaped like another device.
fn enrol_devices(world: &mut World, org: &mut Org, rng: &mut Rng, at: i64, systems: &[Id], rate: f64) {
    for _ in 0..churn_count(systems.len(), rate, rng) {
        if systems.is_empty() {
            break;
        }
        let like_id = &systems[rng.index(systems.len())];
        let mut s = org.systems[like_id].rec();
        let id = world.next_id(at);
        let tag = &id[id.len() - 6..];
        s.id = id.clone();
        s.hostname = format!("{}-{tag}", s.hostname.split('-').next().unwrap_or("device"));
        s.display_name = s.hostname.clone();
        s.serial_number = format!("SN{}", tag.to_uppercase());
        s.created = rfc3339_ms(at);
        s.last_contact = Some(rfc3339_ms(at));
        s.active = true;
        if let Some(extra) = org.system_extra.get(like_id).cloned() {
            org.system_extra.insert(id.clone(), extra);
        }
        org.systems.insert(id, Stored::new(s));
    }
}

/// Devices retire: deleted with their groups, bindings and command targets.
fn retire_devices(org: &mut Org, rng: &mut Rng, systems: &[Id], rate: f64) {
    for _ in 0..churn_count(systems.len(), rate, rng) {
        if systems.is_empty() {
            break;
        }
        remove_system(org, &systems[rng.index(systems.len())]);
    }
}

/// A person deleted, with their memberships, bindings and app access.
fn remove_user(org: &mut Org, id: &str) {
    org.users.remove(id);
    org.remove_user_edges(id);
}

/// A device deleted, with its groups, bindings and command targets.
fn remove_system(org: &mut Org, id: &str) {
    org.systems.remove(id);
    org.remove_system_edges(id);
}
