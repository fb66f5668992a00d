//! A living org: the clock moves (real time, a speed, or `POST /__sim/advance`), devices check
//! in, people log in and lock themselves out, passwords expire, and with churn people and
//! devices come and go — the same way for the same seed.

use crate::common::*;
use jcsim::life::Life;
use serde_json::{json, Value};

/// A simulator whose clock moves only by `advance`.
async fn frozen(users: usize, churn: f64) -> Env {
    start_with(
        |c| {
            c.life = Life {
                speed: 0.0,
                churn_per_day: churn,
            }
        },
        users,
    )
    .await
}

async fn advance(env: &Env, minutes: i64) -> Value {
    env.http
        .post(format!("{}/__sim/advance", env.sim.base_url))
        .body(json!({ "minutes": minutes }).to_string())
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap()
}

/// Users' and devices' JSON, the number of events, the size of each group.
type Snapshot = (Vec<Vec<u8>>, Vec<Vec<u8>>, usize, Vec<usize>);

/// The whole first org as JSON, to compare two simulators.
fn snapshot(env: &Env) -> Snapshot {
    let w = env.sim.state.world.read().unwrap();
    let o = &w.orgs[0];
    (
        o.users.values().map(|s| s.json.to_vec()).collect(),
        o.systems.values().map(|s| s.json.to_vec()).collect(),
        o.events.len(),
        o.ug_members.values().map(|m| m.len()).collect(),
    )
}

/// A short fingerprint of `snapshot` (a failed comparison prints this, not megabytes).
fn fingerprint(env: &Env) -> String {
    use std::hash::{Hash, Hasher};
    let mut h = std::collections::hash_map::DefaultHasher::new();
    snapshot(env).hash(&mut h);
    let (u, s, e, _) = snapshot(env);
    format!(
        "{} users, {} devices, {e} events, hash {:x}",
        u.len(),
        s.len(),
        h.finish()
    )
}

#[tokio::test]
async fn an_hour_later_devices_have_checked_in_and_people_logged_in() {
    let env = frozen(200, 0.0).await;
    let before = snapshot(&env);
    let active_before = {
        let w = env.sim.state.world.read().unwrap();
        w.orgs[0].systems.values().filter(|s| s.rec().active).count()
    };
    let now = advance(&env, 60).await;
    assert_eq!(
        now["now"], "2026-11-01T13:00:00.000Z",
        "the clock moved exactly an hour"
    );
    let after = snapshot(&env);
    let moved = before.1.iter().zip(&after.1).filter(|(a, b)| a != b).count();
    assert!(
        moved > 50,
        "most devices checked in within the hour ({moved} of 200 changed)"
    );
    assert!(
        after.2 > before.2,
        "people logged in: {} → {} events",
        before.2,
        after.2
    );
    let w = env.sim.state.world.read().unwrap();
    let o = &w.orgs[0];
    let active_after = o.systems.values().filter(|s| s.rec().active).count();
    assert!(
        active_after > 0 && active_after != 200,
        "some devices are on, some off ({active_before} → {active_after})"
    );
    for s in o.systems.values().map(|s| s.rec()).filter(|s| s.active) {
        let last = jcsim::clock::parse_rfc3339_ms(s.last_contact.as_deref().unwrap()).unwrap();
        let now = jcsim::clock::parse_rfc3339_ms("2026-11-01T13:00:00Z").unwrap();
        assert!(
            now - last <= 10 * 60_000,
            "{} is active but last checked in at {last}",
            s.hostname
        );
    }
    let last_event = o.events.last().unwrap();
    assert!(last_event.at_ms > jcsim::clock::parse_rfc3339_ms(NOW).unwrap());
    assert!(
        o.events.windows(2).all(|p| p[0].at_ms <= p[1].at_ms),
        "events stay in time order"
    );
}

#[tokio::test]
async fn the_same_seed_and_clock_give_the_same_living_org() {
    let (a, b) = (frozen(150, 0.02).await, frozen(150, 0.02).await);
    for env in [&a, &b] {
        advance(env, 36 * 60).await;
        advance(env, 90).await;
    }
    assert_eq!(fingerprint(&a), fingerprint(&b));
}

#[tokio::test]
async fn with_churn_people_and_devices_come_and_go() {
    let env = frozen(300, 0.02).await;
    let count = |env: &Env| {
        let w = env.sim.state.world.read().unwrap();
        let o = &w.orgs[0];
        let ids: std::collections::BTreeSet<String> = o.users.keys().cloned().collect();
        (ids, o.systems.len())
    };
    let (users0, _) = count(&env);
    advance(&env, 3 * 24 * 60).await;
    let (users1, _) = count(&env);
    let hired = users1.difference(&users0).count();
    let gone = users0.difference(&users1).count();
    assert!(hired >= 6, "about 2% of 300 hired a day for 3 days ({hired})");
    assert!(gone >= 1, "some leavers were deleted ({gone})");
    let w = env.sim.state.world.read().unwrap();
    let o = &w.orgs[0];
    for (g, members) in &o.ug_members {
        assert!(
            members.iter().all(|m| o.users.contains_key(m)),
            "group {g} lists a deleted user"
        );
    }
    for (s, users) in &o.bindings {
        assert!(o.systems.contains_key(s) && users.keys().all(|u| o.users.contains_key(u)));
    }
}

#[tokio::test]
async fn the_clock_can_run_fast() {
    let env = start(50).await;
    env.sim.state.set_life(Life {
        speed: 600.0,
        churn_per_day: 0.0,
    });
    // The simulated time that passes is 600 times the real time between the two readings,
    // however long the machine took: measured from outside (at least) and inside (at most).
    let outer = std::time::Instant::now();
    let t0 = env.sim.state.now_ms();
    let inner = std::time::Instant::now();
    tokio::time::sleep(std::time::Duration::from_millis(50)).await;
    let at_least = inner.elapsed().as_millis() as i64 * 600;
    let moved = env.sim.state.now_ms() - t0;
    let at_most = outer.elapsed().as_millis() as i64 * 600 + 600;
    assert!(
        (at_least..=at_most).contains(&moved),
        "600× real time: {moved} ms simulated, expected {at_least} to {at_most}"
    );
    let bad = env
        .http
        .post(format!("{}/__sim/advance", env.sim.base_url))
        .body("{\"minutes\": -5}")
        .send()
        .await
        .unwrap();
    assert_eq!(bad.status(), reqwest::StatusCode::BAD_REQUEST);
}

#[tokio::test]
async fn system_insights_uptime_and_free_disk_move_with_the_check_ins() {
    let env = frozen(40, 0.0).await;
    let row = |v: &Value, id: &str| v.as_array().unwrap().iter().find(|r| r["system_id"] == id).cloned();
    let uptimes = env.get("/api/v2/systeminsights/uptime?limit=100").await;
    let ids: Vec<String> = uptimes
        .as_array()
        .unwrap()
        .iter()
        .map(|r| r["system_id"].as_str().unwrap().to_string())
        .collect();
    assert!(!ids.is_empty());
    let mut grew = 0;
    let mut rebooted = 0;
    let mut free_moved = 0;
    let mut before_up = uptimes;
    let mut before_disk = env.get("/api/v2/systeminsights/logical_drives?limit=100").await;
    for _ in 0..8 {
        advance(&env, 6 * 60).await;
        let up = env.get("/api/v2/systeminsights/uptime?limit=100").await;
        let disk = env.get("/api/v2/systeminsights/logical_drives?limit=100").await;
        for id in &ids {
            let (a, b) = (row(&before_up, id).unwrap(), row(&up, id).unwrap());
            let secs = |r: &Value| r["total_seconds"].as_str().unwrap().parse::<i64>().unwrap();
            let at = |r: &Value| jcsim::clock::parse_rfc3339_ms(r["collection_time"].as_str().unwrap()).unwrap();
            if at(&b) > at(&a) {
                // Up the whole time (uptime grew by the time between check-ins) or rebooted.
                if (secs(&b) - secs(&a) - (at(&b) - at(&a)) / 1000).abs() <= 1 {
                    grew += 1;
                } else {
                    assert!(secs(&b) < (at(&b) - at(&a)) / 1000, "{id}: {a} then {b}");
                    rebooted += 1;
                }
            }
            let (da, db) = (row(&before_disk, id).unwrap(), row(&disk, id).unwrap());
            let free = |r: &Value| r["free_space"].as_str().unwrap().parse::<u64>().unwrap();
            assert!(free(&db) < db["size"].as_str().unwrap().parse::<u64>().unwrap());
            if free(&da) != free(&db) {
                free_moved += 1;
            }
        }
        before_up = up;
        before_disk = disk;
    }
    assert!(grew > 0 && rebooted > 0, "grew {grew}, rebooted {rebooted}");
    assert!(free_moved > 0);
}

/// A state change scheduled with `/api/v2/bulk/userstates` is listed while pending, can be
/// cancelled, and happens when the clock reaches its date, recorded as a `user_update` event.
#[tokio::test]
async fn a_scheduled_suspension_waits_for_its_date_and_can_be_cancelled() {
    use jcsim::model::Role;
    use reqwest::{Method, StatusCode};
    let env = frozen(30, 0.0).await;
    let (a, b) = {
        let w = env.sim.state.world.read().unwrap();
        let mut active = w.orgs[0]
            .users
            .values()
            .map(|s| s.rec())
            .filter(|u| u.state == "ACTIVATED");
        (active.next().unwrap().id, active.next().unwrap().id)
    };
    let at = "2026-11-01T15:00:00Z"; // three hours after the simulator's "now"
    let schedule = |ids: Vec<&str>, when: &str| json!({ "user_ids": ids, "state": "SUSPENDED", "start_date": when });
    let (s, _, jobs) = env
        .call(
            Role::Administrator,
            Method::POST,
            "/api/v2/bulk/userstates",
            Some(schedule(vec![&a], at)),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED, "{jobs}");
    assert_eq!(jobs[0]["systemUserId"], json!(a));
    assert_eq!(jobs[0]["state"], "SUSPENDED");
    let (s, _, _) = env
        .call(
            Role::Administrator,
            Method::POST,
            "/api/v2/bulk/userstates",
            Some(schedule(vec![&b], at)),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED);
    // Refusals: a date already past, an unknown person, a role that may not.
    let (s, _, _) = env
        .call(
            Role::Administrator,
            Method::POST,
            "/api/v2/bulk/userstates",
            Some(schedule(vec![&a], "2026-10-01T00:00:00Z")),
        )
        .await;
    assert_eq!(s, StatusCode::BAD_REQUEST);
    let (s, _, _) = env
        .call(
            Role::Administrator,
            Method::POST,
            "/api/v2/bulk/userstates",
            Some(schedule(vec!["5f0000000000000000000000"], at)),
        )
        .await;
    assert_eq!(s, StatusCode::NOT_FOUND);
    let (s, _, _) = env
        .call(
            Role::ReadOnly,
            Method::POST,
            "/api/v2/bulk/userstates",
            Some(schedule(vec![&a], at)),
        )
        .await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    let (_, _, listed) = env
        .call(
            Role::ReadOnly,
            Method::GET,
            &format!("/api/v2/bulk/userstates?userid={b}"),
            None,
        )
        .await;
    let job_b = listed[0]["scheduledJobId"].as_str().unwrap().to_string();
    assert_eq!(listed.as_array().unwrap().len(), 1);
    let (s, _, _) = env
        .call(
            Role::Administrator,
            Method::DELETE,
            &format!("/api/v2/bulk/userstates/{job_b}"),
            None,
        )
        .await;
    assert_eq!(s, StatusCode::NO_CONTENT);

    let state = |id: &str| env.sim.state.world.read().unwrap().orgs[0].users[id].rec().state;
    advance(&env, 120).await;
    assert_eq!(state(&a), "ACTIVATED", "not before its date");
    advance(&env, 90).await;
    assert_eq!(state(&a), "SUSPENDED");
    assert_eq!(state(&b), "ACTIVATED", "the cancelled job did not run");
    let (_, _, listed) = env
        .call(Role::ReadOnly, Method::GET, "/api/v2/bulk/userstates", None)
        .await;
    assert_eq!(listed, json!([]));
    let (s, _, _) = env
        .call(
            Role::Administrator,
            Method::DELETE,
            &format!(
                "/api/v2/bulk/userstates/{}",
                jobs[0]["scheduledJobId"].as_str().unwrap()
            ),
            None,
        )
        .await;
    assert_eq!(s, StatusCode::NOT_FOUND, "a job that ran cannot be cancelled");
    let w = env.sim.state.world.read().unwrap();
    let e = w.orgs[0]
        .events
        .iter()
        .find(|e| e.event_type == "user_update" && e.resource.as_ref().is_some_and(|r| r.id == a))
        .expect("the change is recorded");
    assert_eq!(e.initiated_by.as_ref().unwrap().kind, "scheduled_job");
    assert_eq!(crate::common::NOW, "2026-11-01T12:00:00Z");
}
