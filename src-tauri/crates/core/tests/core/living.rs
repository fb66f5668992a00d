//! A living organisation: odd and malformed records kept (and flagged), a mirror that follows
//! check-ins, lockouts and churn exactly after each re-sync, and login events kept across
//! re-syncs (only newer ones asked for).

use crate::common::*;
use crate::ground_truth::{assert_matches_ground_truth, json_map, rows};
use jcsim::Faults;
use rollcall_cache::Cache;
use serde_json::Value;
use std::collections::BTreeSet;

#[tokio::test]
async fn odd_and_malformed_records_are_all_kept_and_the_malformed_ones_flagged() {
    let env = start(300).await;
    env.sim.state.set_faults(Faults {
        odd_records: true,
        malformed_records: true,
        ..Faults::default()
    });
    let report = env.sync().await.unwrap();
    let cache = env.cache();
    let ids = |sql: &str| -> BTreeSet<String> { rows(&cache, sql).into_iter().map(|(id, _)| id).collect() };
    let (want_users, want_systems, want_groups, want_apps, want_states) = {
        let w = env.sim.state.world.read().unwrap();
        let o = &w.orgs[0];
        let states: BTreeSet<(String, String)> = o
            .users
            .values()
            .map(|s| {
                let u: Value = serde_json::from_slice(&s.json).unwrap();
                (
                    u["_id"].as_str().unwrap().to_string(),
                    format!(
                        "{}|{}",
                        u["state"].as_str().unwrap(),
                        u["account_locked"].as_bool().unwrap() as i64
                    ),
                )
            })
            .collect();
        (
            o.users.keys().cloned().collect::<BTreeSet<String>>(),
            o.systems.keys().cloned().collect::<BTreeSet<String>>(),
            o.user_groups
                .keys()
                .chain(o.system_groups.keys())
                .cloned()
                .collect::<BTreeSet<String>>(),
            o.apps.keys().cloned().collect::<BTreeSet<String>>(),
            states,
        )
    };
    assert_eq!(
        ids("SELECT id, '' FROM users"),
        want_users,
        "every user, odd or malformed"
    );
    assert_eq!(ids("SELECT id, '' FROM systems"), want_systems, "every device");
    assert_eq!(ids("SELECT id, '' FROM groups"), want_groups, "every group");
    assert_eq!(ids("SELECT id, '' FROM apps"), want_apps, "every app");

    // Odd records say the same as before: a null flag is an unset one.
    let states: BTreeSet<(String, String)> = rows(&cache, "SELECT id, state || '|' || locked FROM users");
    assert_eq!(
        states, want_states,
        "state and lockout of every user, odd ones included"
    );
    let odd_users = want_users.iter().filter(|id| jcsim::shapes::is_odd(id)).count();
    assert!(odd_users > 20, "the simulator sent odd users ({odd_users})");
    let nulls = json_map(&cache, "user")
        .values()
        .filter(|u| u.get("addresses") == Some(&Value::Null))
        .count();
    assert_eq!(nulls, odd_users, "the odd users' JSON is kept as JumpCloud sent it");

    // Malformed ones are kept, flagged, counted and listed with the field.
    let malformed = want_users
        .iter()
        .chain(&want_systems)
        .chain(&want_groups)
        .chain(&want_apps)
        .filter(|id| jcsim::shapes::is_malformed(id))
        .count();
    assert!(malformed > 0, "the seed gives some malformed records");
    assert_eq!(report.counts.not_fully_read, malformed as u64);
    assert_eq!(cache.problem_count().unwrap(), malformed as u64);
    assert_eq!(cache.snapshot().unwrap().problems, malformed as u64);
    let listed = cache.record_problems(1000).unwrap();
    assert_eq!(listed.len(), malformed);
    assert!(listed
        .iter()
        .all(|p| !p.problems.is_empty() && !p.label.is_empty() && !p.unreadable));
    let user = listed
        .iter()
        .find(|p| p.kind == rollcall_cache::RecordKind::User)
        .expect("a malformed user");
    assert!(
        user.problems.iter().any(|l| l.starts_with("activated:"))
            && user.problems.iter().any(|l| l.starts_with("addresses[1]:")),
        "{:?}",
        user.problems
    );

    // A later sync that reads them whole clears the flags.
    env.sim.state.set_faults(Faults::default());
    env.sync().await.unwrap();
    assert_eq!(env.cache().problem_count().unwrap(), 0);
}

#[tokio::test]
async fn a_living_org_is_mirrored_exactly_after_each_sync() {
    let env = start(200).await;
    env.sim.state.set_life(jcsim::life::Life {
        speed: 0.0,
        churn_per_day: 0.02,
    });
    env.sync().await.unwrap();
    assert_matches_ground_truth(&env);
    for minutes in [4 * 60, 24 * 60, 3 * 24 * 60] {
        env.sim.state.advance(minutes);
        env.sync().await.unwrap();
        assert_matches_ground_truth(&env);
    }
    let users = env.cache().snapshot().unwrap().users as usize;
    assert_eq!(
        users,
        env.sim.state.world.read().unwrap().orgs[0].users.len(),
        "hires and leavers followed"
    );
}

#[tokio::test]
async fn a_re_sync_keeps_the_events_it_holds_and_asks_only_for_newer_ones() {
    let env = start(60).await;
    env.sync().await.unwrap();
    let count = |c: &Cache| -> i64 {
        c.connection()
            .query_row("SELECT count(*) FROM events", [], |r| r.get(0))
            .unwrap()
    };
    let first = count(&env.cache());
    assert!(first > 100, "the seed has 90 days of logins: {first}");
    // Directory Insights forgets everything older than two days (as if the retention had
    // moved): a re-sync that asked for the whole window again would lose them; it keeps them.
    let now = jcsim::clock::parse_rfc3339_ms(NOW).unwrap();
    let (kept_in_sim, newest) = {
        let mut w = env.sim.state.world.write().unwrap();
        let o = &mut w.orgs[0];
        o.events.retain(|e| e.at_ms >= now - 2 * 86_400_000);
        let newest = o.events.iter().map(|e| e.at_ms).max().unwrap();
        (o.events.len(), newest)
    };
    assert!(kept_in_sim > 0 && (kept_in_sim as i64) < first);
    env.sync().await.unwrap();
    assert_eq!(count(&env.cache()), first, "no event held is lost, none is doubled");
    // and the re-sync asked from a few hours before the newest event held, not 90 days back
    let asked: Vec<String> = env
        .sim
        .state
        .requests()
        .iter()
        .filter(|r| r.path.contains("/insights/directory/v1/events"))
        .map(|r| r.body.clone())
        .collect();
    let last = asked.last().expect("the re-sync asked for events");
    let from = serde_json::from_str::<Value>(last).unwrap()["start_time"]
        .as_str()
        .unwrap()
        .to_string();
    let from_ms = jcsim::clock::parse_rfc3339_ms(&from).unwrap();
    assert!(
        from_ms >= newest - 7 * 3_600_000 && from_ms <= newest,
        "asked from {from}"
    );
}
