//! The organisation's people: each one's name, department and title, their account's standing
//! (state, lock, MFA, password age) drawn from the seed in a fixed order.

use super::names::*;
use super::org::{OrgFacts, People, THREE_YEARS};
use super::{slug, DAY_MS};
use crate::clock::rfc3339_ms;
use crate::model::*;
use crate::rng::Rng;
use crate::world::{Org, Stored, World};
use std::collections::BTreeSet;

/// One person about to be written: who they are and where they sit.
struct Person {
    i: usize,
    first: &'static str,
    last: &'static str,
    username: String,
    dept: &'static str,
    titles: &'static [&'static str],
    id: Id,
    created_ms: i64,
}

/// A new account's standing: lifecycle state, lock, MFA enrolment and password age.
struct Standing {
    state: &'static str,
    activated: bool,
    suspended: bool,
    locked: bool,
    mfa_on: bool,
    enrollment: MfaEnrollment,
    password_date: i64,
    never_expires: bool,
    expires: i64,
}

/// The organisation's people, with accounts in every state, created evenly over three years.
pub(super) fn seed_users(world: &mut World, rng: &mut Rng, facts: &OrgFacts, org: &mut Org, n_users: usize) -> People {
    let mut people = People {
        ids: Vec::with_capacity(n_users),
        depts: Vec::with_capacity(n_users),
    };
    let mut usernames = BTreeSet::new();
    for i in 0..n_users {
        let first = *rng.pick(FIRST);
        let last = *rng.pick(LAST);
        let mut username = format!("{}.{}", slug(first), slug(last));
        if !usernames.insert(username.clone()) {
            username = format!("{username}{}", i);
            usernames.insert(username.clone());
        }
        let created_ms = facts.now - THREE_YEARS + (i as i64 * THREE_YEARS / n_users.max(1) as i64) - DAY_MS;
        let id = world.next_id(created_ms);
        let (dept, titles) = *rng.pick(DEPTS);
        let standing = draw_standing(rng, facts.now);
        let manager = if i > 5 && rng.chance(0.6) {
            Some(people.ids[rng.index(i.min(50))].clone())
        } else {
            None
        };
        let person = Person {
            i,
            first,
            last,
            username,
            dept,
            titles,
            id: id.clone(),
            created_ms,
        };
        let user = user_record(rng, facts, &person, standing, manager);
        people.depts.push(dept);
        org.users.insert(id.clone(), Stored::new(user));
        people.ids.push(id);
    }
    people
}

/// Draws an account's standing: mostly active, some staged or suspended, a few locked.
fn draw_standing(rng: &mut Rng, now: i64) -> Standing {
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
    Standing {
        state,
        activated,
        suspended,
        locked,
        mfa_on,
        enrollment,
        password_date,
        never_expires,
        expires,
    }
}

/// A person's JumpCloud user record (its remaining draws happen in field order).
fn user_record(rng: &mut Rng, facts: &OrgFacts, p: &Person, s: Standing, manager: Option<Id>) -> User {
    let (now, username, domain, first, last) = (facts.now, &p.username, &facts.domain, p.first, p.last);
    User {
        id: p.id.clone(),
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
        job_title: rng.pick(p.titles).to_string(),
        department: p.dept.into(),
        company: facts.name.into(),
        cost_center: format!(
            "CC-{}",
            100 + DEPTS.iter().position(|d| d.0 == p.dept).unwrap_or(0) * 10
        ),
        employee_type: rng.pick(EMPLOYEE_TYPES).to_string(),
        employee_identifier: format!("E{:06}", facts.org_no * 1_000_000 + p.i as u64 + 1),
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
        state: s.state.into(),
        activated: s.activated,
        suspended: s.suspended,
        account_locked: s.locked,
        account_locked_date: s
            .locked
            .then(|| rfc3339_ms(now - rng.below(5) as i64 * DAY_MS - 3_600_000)),
        bad_login_attempts: if s.locked { 10 } else { rng.below(3) as u32 },
        password_expired: !s.never_expires && s.expires < now && s.state == "ACTIVATED",
        password_expiration_date: (!s.never_expires && s.state != "STAGED").then(|| rfc3339_ms(s.expires)),
        password_date: (s.state != "STAGED").then(|| rfc3339_ms(s.password_date)),
        password_never_expires: s.never_expires,
        mfa: Mfa {
            configured: s.mfa_on,
            exclusion: false,
            exclusion_until: None,
            exclusion_days: None,
        },
        totp_enabled: s.mfa_on,
        enable_user_portal_multifactor: s.mfa_on,
        mfa_enrollment: s.enrollment,
        created: rfc3339_ms(p.created_ms),
        creation_source: "jumpcloud:user_portal".into(),
        admin: None,
        organization: facts.org_id.clone(),
        sudo: false,
        passwordless_sudo: false,
        allow_public_key: true,
        enable_managed_uid: false,
        ldap_binding_user: false,
        samba_service_user: false,
        unix_uid: 5000 + p.i as u32,
        unix_guid: 5000 + p.i as u32,
        attributes: vec![],
        tags: vec![],
    }
}
