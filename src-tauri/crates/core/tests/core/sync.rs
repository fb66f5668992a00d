use crate::common::*;
use crate::ground_truth::assert_matches_ground_truth;
use jcsim::Faults;
use parking_lot::Mutex;
use rollcall_cache::{Cache, SystemQuery, UserQuery};
use rollcall_cache::{FacetName, FacetValue};
use rollcall_core::{sync_org, CancelToken, SyncError, SyncProgress};
use std::sync::Arc;

#[tokio::test]
async fn a_full_sync_mirrors_the_org_exactly() {
    let env = start(300).await;
    let seen = Arc::new(Mutex::new(vec![]));
    let sink = seen.clone();
    let report = sync_org(
        &env.client(),
        &env.cache_path(),
        &env.options(),
        &move |p| sink.lock().push(p),
        &CancelToken::default(),
    )
    .await
    .unwrap();
    assert_matches_ground_truth(&env);
    let seen = seen.lock();
    assert!(
        seen.iter()
            .any(|p| matches!(p, SyncProgress::Browsable { users: 300, .. })),
        "users became browsable before the sync ended"
    );
    assert!(seen.iter().any(|p| matches!(p, SyncProgress::Items { .. })));
    assert!(matches!(seen.last(), Some(SyncProgress::Finished { .. })));
    assert!(
        report.requests > 0 && report.requests < 2000,
        "requests: {}",
        report.requests
    );
    println!("300-user sync: {} requests, {} ms", report.requests, report.elapsed_ms);
}

#[tokio::test]
async fn a_sync_under_faults_still_mirrors_the_org_exactly() {
    let env = start(250).await;
    env.sim.state.set_faults(Faults {
        rate_limit_rps: 400.0,
        rate_limit_burst: 20,
        retry_after_secs: None,
        error_5xx_rate: 0.05,
        truncate_rate: 0.05,
        method: Some("GET".into()),
        ..Faults::default()
    });
    let report = env.sync().await.unwrap();
    env.sim.state.set_faults(Faults::default());
    assert_matches_ground_truth(&env);
    let log = env.sim.state.requests();
    assert!(
        log.iter().any(|r| r.fault == "5xx") && log.iter().any(|r| r.fault == "truncated"),
        "the faults happened"
    );
    assert!(report.requests as usize <= log.len());
}

#[tokio::test]
async fn a_failed_or_cancelled_sync_keeps_the_last_complete_snapshot() {
    let env = start(120).await;
    let first = env.sync().await.unwrap();
    let user = env
        .cache()
        .users(
            &UserQuery {
                states: vec![rollcall_cache::UserState::Activated],
                limit: 1,
                ..Default::default()
            },
            &th(),
        )
        .unwrap()
        .rows[0]
        .clone();
    // Change the org, then fail a sync midway: the cache must still show the first snapshot.
    let key = env.key();
    reqwest_suspend(&env, &key, &user.id).await;
    env.sim.state.set_faults(Faults {
        error_5xx_rate: 1.0,
        path_contains: Some("/applications".into()),
        ..Faults::default()
    });
    let e = env.sync().await.unwrap_err();
    assert!(matches!(e, SyncError::Api(_)), "{e}");
    env.sim.state.set_faults(Faults::default());
    let cache = env.cache();
    assert_eq!(
        cache.user_detail(&user.id).unwrap().unwrap().user.state,
        rollcall_cache::UserState::Activated,
        "readers still see the last complete snapshot"
    );
    assert_eq!(cache.snapshot().unwrap().sync_id, Some(first.sync_id));
    // Cancelled from the progress callback as soon as devices land.
    let cancel = CancelToken::default();
    let c2 = cancel.clone();
    let e = sync_org(
        &env.client(),
        &env.cache_path(),
        &env.options(),
        &move |p| {
            if matches!(
                p,
                SyncProgress::Phase {
                    phase: rollcall_core::Phase::Groups
                }
            ) {
                c2.cancel()
            }
        },
        &cancel,
    )
    .await
    .unwrap_err();
    assert!(matches!(e, SyncError::Cancelled));
    assert_eq!(
        env.cache().user_detail(&user.id).unwrap().unwrap().user.state,
        rollcall_cache::UserState::Activated
    );
    let runs = env.cache().sync_runs(10).unwrap();
    assert_eq!(
        runs.iter().map(|r| r.status.as_str()).collect::<Vec<_>>(),
        vec!["cancelled", "failed", "complete"]
    );
    // A complete sync then shows the change, and the diff names it.
    let third = env.sync().await.unwrap();
    assert_eq!(
        env.cache().user_detail(&user.username).unwrap().unwrap().user.state,
        rollcall_cache::UserState::Suspended
    );
    let diff = env.cache().diff(first.sync_id, third.sync_id).unwrap();
    let changed = &diff.records[&rollcall_cache::RecordKind::User].changed;
    assert_eq!(changed.len(), 1, "{changed:?}");
    assert!(
        changed[0].fields.contains(&"state".to_string()) && changed[0].fields.contains(&"suspended".to_string()),
        "{:?}",
        changed[0].fields
    );
}

async fn reqwest_suspend(env: &Env, key: &str, user: &str) {
    let c = jumpcloud::Client::new(jumpcloud::ClientConfig::new(
        jumpcloud::Endpoints::custom(&env.sim.base_url),
        jumpcloud::ApiKey::new(key),
    ))
    .unwrap();
    c.users().suspend(user).await.unwrap();
}

#[tokio::test]
async fn the_diff_lists_added_removed_and_changed_records_and_edges() {
    let env = start(80).await;
    let a = env.sync().await.unwrap();
    let c = env.client();
    let new = c
        .users()
        .create(&serde_json::json!({"username": "diff.new", "email": "diff.new@x.example"}))
        .await
        .unwrap();
    let groups = c.user_groups().list_all().await.unwrap();
    c.user_groups().add_member(&groups[0].id, &new.id).await.unwrap();
    let victim = env
        .cache()
        .users(
            &UserQuery {
                limit: 1,
                ..Default::default()
            },
            &th(),
        )
        .unwrap()
        .rows[0]
        .clone();
    c.users().delete(&victim.id).await.ok();
    let b = env.sync().await.unwrap();
    let d = env.cache().diff(a.sync_id, b.sync_id).unwrap();
    assert!(d.records[&rollcall_cache::RecordKind::User]
        .added
        .iter()
        .any(|(id, label)| id == &new.id && label == "diff.new"));
    assert!(
        d.records[&rollcall_cache::RecordKind::User]
            .removed
            .iter()
            .any(|(id, _)| id == &victim.id)
            || env.cache().user_detail(&victim.id).unwrap().is_some()
    );
    assert!(
        d.edges[&rollcall_cache::EdgeKind::Member]
            .0
            .iter()
            .any(|e| e.a == groups[0].id && e.b == new.id),
        "the new membership is listed"
    );
    assert!(matches!(
        env.cache().diff(a.sync_id, 999),
        Err(rollcall_cache::CacheError::NoSuchSync(999))
    ));
}

#[tokio::test]
async fn queries_filter_facet_search_and_enrich() {
    let env = start(400).await;
    env.sync().await.unwrap();
    let cache = env.cache();
    let all = cache
        .users(
            &UserQuery {
                limit: 1000,
                ..Default::default()
            },
            &th(),
        )
        .unwrap();
    assert_eq!(all.total, 400);
    let suspended = cache
        .users(
            &UserQuery {
                states: vec![rollcall_cache::UserState::Suspended],
                limit: 1000,
                ..Default::default()
            },
            &th(),
        )
        .unwrap();
    assert!(
        suspended.total > 0
            && suspended
                .rows
                .iter()
                .all(|u| u.state == rollcall_cache::UserState::Suspended)
    );
    let facets = cache
        .user_facets(
            &UserQuery {
                states: vec![rollcall_cache::UserState::Suspended],
                ..Default::default()
            },
            &th(),
        )
        .unwrap();
    let state = facets.iter().find(|f| f.name == FacetName::State).unwrap();
    assert_eq!(
        state.counts.iter().map(|c| c.count).sum::<u64>(),
        400,
        "a facet ignores its own filter"
    );
    let mfa = facets.iter().find(|f| f.name == FacetName::Mfa).unwrap();
    assert_eq!(
        mfa.counts.iter().map(|c| c.count).sum::<u64>(),
        suspended.total,
        "other facets apply the filter"
    );
    let u = &all.rows[10];
    let hits = cache.search(&u.email[..6], 50).unwrap();
    assert!(hits.iter().any(|h| h.id == u.id), "prefix search on email");
    for hostile in [
        "\"",
        "*",
        "OR",
        "NEAR(a b)",
        "a\" OR \"b",
        "'; DROP TABLE users;--",
        "^",
        "(((",
    ] {
        cache
            .search(hostile, 10)
            .unwrap_or_else(|e| panic!("search for {hostile:?} failed: {e}"));
        cache
            .users(
                &UserQuery {
                    search: Some(hostile.into()),
                    ..Default::default()
                },
                &th(),
            )
            .unwrap();
    }
    let by_email = cache.user_detail(&u.email.to_uppercase()).unwrap().unwrap();
    assert_eq!(by_email.user.id, u.id, "lookup by email, case-insensitive");
    assert_eq!(cache.user_detail(&u.username).unwrap().unwrap().user.id, u.id);
    assert!(!by_email.groups.is_empty());
    let stale = cache
        .systems(
            &SystemQuery {
                stale_days: Some(30),
                now: Some(NOW.into()),
                limit: 1000,
                ..Default::default()
            },
            &th(),
        )
        .unwrap();
    assert!(
        stale.total > 0 && stale.total < 100,
        "~7% of 400 devices: {}",
        stale.total
    );
    let macs_unencrypted = cache
        .systems(
            &SystemQuery {
                os_families: vec![rollcall_cache::OsFamily::Darwin],
                fde: Some(false),
                limit: 1000,
                sort: rollcall_cache::SystemSort::LastContact,
                desc: true,
                ..Default::default()
            },
            &th(),
        )
        .unwrap();
    assert!(macs_unencrypted
        .rows
        .iter()
        .all(|s| s.os_family == rollcall_cache::OsFamily::Darwin && !s.fde_active));
    let unbound = cache
        .systems(
            &SystemQuery {
                unbound: Some(true),
                limit: 1000,
                ..Default::default()
            },
            &th(),
        )
        .unwrap();
    assert!(unbound.total > 0);
    // JumpCloud's `/systems/{id}/users` lists a device's people through every path: a device
    // a user group reaches (bound to it, or to a device group it is in) has people.
    let want_unbound = {
        let w = env.sim.state.world.read().unwrap();
        let o = &w.orgs[0];
        let members = |g: &str| o.ug_members.get(g).is_some_and(|m| !m.is_empty());
        o.systems
            .keys()
            .filter(|s| {
                o.bindings.get(*s).is_none_or(|b| b.is_empty())
                    && !o.ug_systems.iter().any(|(g, sys)| sys.contains(*s) && members(g))
                    && !o.ug_system_groups.iter().any(|(g, sgs)| {
                        members(g)
                            && sgs
                                .iter()
                                .any(|sg| o.sg_members.get(sg).is_some_and(|m| m.contains(*s)))
                    })
            })
            .count() as u64
    };
    assert_eq!(unbound.total, want_unbound, "the unbound filter matches the simulator");
    let facet = cache.system_facets(&SystemQuery::default(), &th()).unwrap();
    let unbound_count = facet
        .iter()
        .find(|f| f.name == FacetName::Unbound)
        .map(|f| f.count(&FacetValue::Flag(true)));
    assert_eq!(unbound_count, Some(want_unbound), "the unbound facet counts the same");
    // A device someone is bound to directly: its owner is that person.
    let (sys, d) = cache
        .systems(
            &SystemQuery {
                unbound: Some(false),
                limit: 100,
                ..Default::default()
            },
            &th(),
        )
        .unwrap()
        .rows
        .into_iter()
        .map(|s| {
            let d = cache.system_detail(&s.serial).unwrap().unwrap();
            (s, d)
        })
        .find(|(_, d)| {
            d.users
                .iter()
                .any(|r| r.paths.iter().any(|p| p.kind == rollcall_cache::ReachKind::Direct))
        })
        .expect("a device with a person bound to it directly");
    assert_eq!(d.system.id, sys.id);
    assert!(d.owner.is_some(), "a bound device has an owner");
    let owner_email = d.owner.unwrap().email;
    assert!(
        cache
            .search(&owner_email, 50)
            .unwrap()
            .iter()
            .any(|h| h.kind == rollcall_cache::RecordKind::System && h.id == sys.id),
        "devices are found by owner email"
    );
    assert_eq!(cache.system_detail(&sys.hostname).unwrap().unwrap().system.id, sys.id);
    let sf = cache
        .system_facets(
            &SystemQuery {
                now: Some(NOW.into()),
                ..Default::default()
            },
            &th(),
        )
        .unwrap();
    assert_eq!(sf.len(), 5);
    assert!(
        !cache
            .groups(Some(rollcall_cache::GroupKind::User), None)
            .unwrap()
            .is_empty()
            && cache.apps().unwrap().len() == 12
            && !cache.admins().unwrap().is_empty()
    );
}

#[tokio::test]
async fn a_corrupt_cache_file_is_moved_aside_and_rebuilt() {
    let env = start(40).await;
    std::fs::write(
        env.cache_path(),
        b"this is not a database, it is a note someone saved by mistake",
    )
    .unwrap();
    let (cache, outcome) = Cache::open(&env.cache_path()).unwrap();
    match outcome {
        rollcall_cache::OpenOutcome::Recovered { moved_to, .. } => {
            assert!(moved_to.exists(), "the damaged file is kept for inspection")
        }
        o => panic!("expected recovery, got {o:?}"),
    }
    drop(cache);
    env.sync().await.unwrap();
    assert_matches_ground_truth(&env);
}

#[tokio::test]
async fn a_sync_killed_at_random_points_always_reopens_to_the_previous_snapshot() {
    let env = start(600).await;
    let first = env.sync().await.unwrap();
    // Change the org so a completed second sync would differ.
    reqwest_suspend(
        &env,
        &env.key(),
        &env.cache()
            .users(
                &UserQuery {
                    states: vec![rollcall_cache::UserState::Activated],
                    limit: 1,
                    ..Default::default()
                },
                &th(),
            )
            .unwrap()
            .rows[0]
            .id,
    )
    .await;
    env.sim.state.set_faults(Faults {
        latency_ms: 15,
        ..Faults::default()
    });
    let bin = env!("CARGO_BIN_EXE_rollcall-sync");
    // Each run is killed once the simulator has answered its k-th request, k drawn from a
    // little past a whole sync's requests: most runs die mid-sync at a different point, a few
    // finish. The point is counted in requests, not in wall-clock time.
    let whole = first.requests;
    let mut seed: u64 = 0x2545_F491_4F6C_DD1D;
    let mut killed_mid_sync = 0;
    for run in 0..20 {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        let kill_after = 1 + (seed % (whole + whole / 8)) as usize;
        let before = env.cache().snapshot().unwrap();
        env.sim.state.clear_requests();
        let mut child = std::process::Command::new(bin)
            .args([&env.sim.base_url, env.cache_path().to_str().unwrap()])
            .env("ROLLCALL_API_KEY", env.key())
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()
            .unwrap();
        while child.try_wait().unwrap().is_none() && env.sim.state.requests().len() < kill_after {
            tokio::time::sleep(std::time::Duration::from_millis(2)).await;
        }
        let finished = child.try_wait().unwrap().is_some();
        let _ = child.kill(); // SIGKILL
        let _ = child.wait();
        let cache = env.cache();
        cache
            .integrity_check()
            .unwrap_or_else(|e| panic!("run {run}: integrity_check failed after kill -9: {e}"));
        let snap = cache.snapshot().unwrap();
        if !finished && snap.sync_id == before.sync_id {
            killed_mid_sync += 1;
            assert_eq!(snap.users, before.users, "run {run}: the previous snapshot is intact");
        }
        assert!(
            snap.state == rollcall_cache::kinds::SnapshotState::Complete,
            "run {run}: {snap:?}"
        );
    }
    assert!(
        killed_mid_sync >= 10,
        "most runs were killed mid-sync ({killed_mid_sync} of 20)"
    );
    env.sim.state.set_faults(Faults::default());
    env.sync().await.unwrap();
    assert_matches_ground_truth(&env);
}
