//! Offboarding runs against jcsim: each step sends what its preview said, a finished item is
//! never sent again (after a cancel, a restart, a retry), and the evidence lists every step.

use crate::common::*;
use futures_util::future::BoxFuture;
use jumpcloud::Client;
use rollcall_cache::{Cache, StepRow, UserQuery};
use rollcall_core::access::Access;
use rollcall_core::actions::{Actor, Confirmation};
use rollcall_core::checklists::{
    evidence_csv, run_step, skip_step, start_offboarding, ChecklistError, Confirm, StepContext, StepInput, StepItem,
};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};

fn count(env: &Env, method: &str, part: &str) -> usize {
    env.sim
        .state
        .requests()
        .iter()
        .filter(|r| r.method == method && r.path.contains(part))
        .count()
}

/// Runs step `idx` as an Administrator.
async fn step(
    client: &Client,
    cache: &Mutex<Cache>,
    run: &str,
    idx: u32,
    note: &str,
    confirm: Confirm<'_>,
) -> Result<StepRow, ChecklistError> {
    let access = Access::full("Administrator");
    let actor = Actor {
        org_id: "org".into(),
        operator: "tester".into(),
        run_id: None,
    };
    let ctx = StepContext {
        client,
        cache,
        access: &access,
        actor: &actor,
        confirm,
    };
    run_step(
        &ctx,
        run,
        idx,
        &StepInput {
            note: note.into(),
            ..Default::default()
        },
    )
    .await
}

/// A user with lockable (agent) devices and at least one group.
fn subject(cache: &Cache) -> (String, Vec<String>) {
    let users = cache
        .users(&UserQuery {
            states: vec!["ACTIVATED".into()],
            limit: 500,
            ..Default::default()
        })
        .unwrap();
    let mut best: Option<(String, Vec<String>)> = None;
    for u in users.rows {
        let d = cache.user_detail(&u.id).unwrap().unwrap();
        let agents: Vec<String> = d
            .devices
            .iter()
            .filter(|s| matches!(s.os_family.as_str(), "windows" | "linux"))
            .map(|s| s.id.clone())
            .collect();
        if !agents.is_empty() && !d.groups.is_empty() && agents.len() > best.as_ref().map_or(0, |b| b.1.len()) {
            best = Some((u.id.clone(), agents));
        }
    }
    best.expect("a user with a Windows or Linux device and a group")
}

#[tokio::test]
async fn offboarding_runs_step_by_step_and_never_resends_what_is_done() {
    let env = start(120).await;
    env.sync().await.unwrap();
    let cache = Mutex::new(env.cache());
    let (user, devices) = subject(&cache.lock().unwrap());
    let run = start_offboarding(&mut cache.lock().unwrap(), "org", "tester", &user).unwrap();
    let (_, steps) = cache.lock().unwrap().run(&run).unwrap().unwrap();
    let kinds: Vec<&str> = steps.iter().map(|s| s.kind.as_str()).collect();
    assert_eq!(
        kinds,
        [
            "capture",
            "remove_groups",
            "remove_apps",
            "reset_mfa",
            "expire_password",
            "suspend",
            "lock_devices",
            "wipe_devices",
            "manual",
            "evidence"
        ]
    );
    let groups: Vec<StepItem> = serde_json::from_str(&steps[1].items).unwrap();
    assert!(!groups.is_empty(), "the preview names the groups");

    let client = env.client();
    let yes: Confirm<'_> = &|_| Box::pin(async { true });
    for idx in 0..6 {
        let s = step(&client, &cache, &run, idx, "", yes).await.unwrap();
        assert_eq!(s.state, "done", "step {idx} ({}): {}", s.title, s.message);
    }
    assert_eq!(count(&env, "POST", &format!("/systemusers/{user}/state/suspend")), 1);
    assert_eq!(count(&env, "POST", &format!("/systemusers/{user}/resetmfa")), 1);
    let removals = env
        .sim
        .state
        .requests()
        .iter()
        .filter(|r| r.method == "POST" && r.path.ends_with("/members") && r.body.contains(&user))
        .count();
    assert_eq!(removals, groups.len(), "one removal per group");
    assert!(
        cache
            .lock()
            .unwrap()
            .user_detail(&user)
            .unwrap()
            .unwrap()
            .groups
            .is_empty(),
        "no groups left in the cache"
    );

    // A done step is refused, not re-sent.
    let again = step(&client, &cache, &run, 5, "", yes).await.unwrap_err();
    assert!(again.to_string().contains("not sent again"), "{again}");
    assert_eq!(count(&env, "POST", &format!("/systemusers/{user}/state/suspend")), 1);

    // Lock: the admin confirms the first device and cancels the next (or, with one device,
    // cancels it the first time): the step stays pending with what was done kept.
    let asked = Arc::new(AtomicUsize::new(0));
    let a2 = asked.clone();
    let n_dev = devices.len();
    let first_only = move |_c: Confirmation| -> BoxFuture<'static, bool> {
        let n = a2.fetch_add(1, Ordering::SeqCst);
        Box::pin(async move { n_dev > 1 && n == 0 })
    };
    let s = step(&client, &cache, &run, 6, "", &first_only).await.unwrap();
    assert_eq!(s.state, "pending", "cancelled part-way: {}", s.message);
    assert!(s.message.contains("nothing was sent"), "{}", s.message);
    let locks = |env: &Env| -> usize {
        devices
            .iter()
            .map(|d| count(env, "POST", &format!("/systems/{d}/command/builtin/lock")))
            .sum()
    };
    assert_eq!(locks(&env), if n_dev > 1 { 1 } else { 0 });

    // "Restart" Rollcall: a fresh connection, interrupted steps settled, then the retry.
    drop(cache);
    let cache = Mutex::new(env.cache());
    cache
        .lock()
        .unwrap()
        .settle_interrupted_steps("2026-11-01T13:00:00.000Z")
        .unwrap();
    let s = step(&client, &cache, &run, 6, "", yes).await.unwrap();
    assert_eq!(s.state, "done", "{}", s.message);
    assert_eq!(locks(&env), n_dev, "each device locked exactly once");

    skip_step(&cache.lock().unwrap(), &run, 7, "devices not returned yet").unwrap();
    let refused = step(&client, &cache, &run, 8, "  ", yes).await.unwrap_err();
    assert!(refused.to_string().contains("Write a note"), "{refused}");
    step(
        &client,
        &cache,
        &run,
        8,
        "Laptop collected by IT at the front desk",
        yes,
    )
    .await
    .unwrap();
    step(&client, &cache, &run, 9, "", yes).await.unwrap();
    let (r, _) = cache.lock().unwrap().run(&run).unwrap().unwrap();
    assert_eq!(r.status, "finished");
    assert!(r.capture.contains("\"groups\""), "the capture was kept: {}", r.capture);

    let csv = evidence_csv(&cache.lock().unwrap(), &run).unwrap();
    for needle in [
        "Remove from all groups",
        "Suspend the account",
        "device.lock",
        "user.suspend",
        "front desk",
        "skipped",
        "devices not returned yet",
    ] {
        assert!(csv.contains(needle), "the evidence lacks {needle}:\n{csv}");
    }
}

#[tokio::test]
async fn restore_access_re_adds_the_captured_groups() {
    let env = start(60).await;
    env.sync().await.unwrap();
    let cache = Mutex::new(env.cache());
    let (user, _) = subject(&cache.lock().unwrap());
    let before = cache.lock().unwrap().user_detail(&user).unwrap().unwrap().groups.len();
    let run = start_offboarding(&mut cache.lock().unwrap(), "org", "tester", &user).unwrap();
    let client = env.client();
    let yes: Confirm<'_> = &|_| Box::pin(async { true });
    for idx in 0..2 {
        step(&client, &cache, &run, idx, "", yes).await.unwrap();
    }
    assert!(cache
        .lock()
        .unwrap()
        .user_detail(&user)
        .unwrap()
        .unwrap()
        .groups
        .is_empty());
    let access = Access::full("Administrator");
    let actor = Actor {
        org_id: "org".into(),
        operator: "tester".into(),
        run_id: None,
    };
    let ctx = StepContext {
        client: &client,
        cache: &cache,
        access: &access,
        actor: &actor,
        confirm: yes,
    };
    let summary = rollcall_core::checklists::restore_access(&ctx, &run).await.unwrap();
    assert!(
        summary.starts_with(&format!("Restored {before} of {before}")),
        "{summary}"
    );
    assert_eq!(
        cache.lock().unwrap().user_detail(&user).unwrap().unwrap().groups.len(),
        before
    );
    let trail = cache
        .lock()
        .unwrap()
        .audit(&rollcall_cache::AuditQuery {
            run_id: Some(run.clone()),
            ..Default::default()
        })
        .unwrap();
    assert_eq!(
        trail.iter().filter(|a| a.action == "group.add_members").count(),
        before,
        "each re-add is audited with the run"
    );
}

#[tokio::test]
async fn a_reset_waits_for_the_identity_check_and_bulk_starts_one_run_per_person() {
    let env = start(40).await;
    env.sync().await.unwrap();
    let cache = Mutex::new(env.cache());
    let users = cache
        .lock()
        .unwrap()
        .users(&UserQuery {
            states: vec!["ACTIVATED".into()],
            limit: 3,
            ..Default::default()
        })
        .unwrap()
        .rows;
    let run =
        rollcall_core::checklists::start_run(&mut cache.lock().unwrap(), "org", "tester", "mfa_reset", &users[0].id)
            .unwrap();
    let client = env.client();
    let yes: Confirm<'_> = &|_| Box::pin(async { true });
    let gated = step(&client, &cache, &run, 1, "", yes).await.unwrap_err();
    assert!(gated.to_string().contains("comes first"), "{gated}");
    assert_eq!(
        count(&env, "POST", "/resetmfa"),
        0,
        "nothing sent before the identity check"
    );
    let unverified = step(&client, &cache, &run, 0, " ", yes).await.unwrap_err();
    assert!(unverified.to_string().contains("who verified"), "{unverified}");
    step(
        &client,
        &cache,
        &run,
        0,
        "Called back on the HR number; verified by Sam",
        yes,
    )
    .await
    .unwrap();
    assert_eq!(step(&client, &cache, &run, 1, "", yes).await.unwrap().state, "done");
    assert_eq!(
        count(&env, "POST", &format!("/systemusers/{}/resetmfa", users[0].id)),
        1
    );
    let told = step(&client, &cache, &run, 2, "", yes).await.unwrap();
    assert!(told.message.contains("enrol your authenticator"), "{}", told.message);

    let people = format!("{}\n{}\nnobody@nowhere.example", users[1].email, users[2].username);
    let (started, unknown) =
        rollcall_core::checklists::start_bulk(&mut cache.lock().unwrap(), "org", "tester", "offboarding", &people)
            .unwrap();
    assert_eq!(started.len(), 2);
    assert_eq!(unknown, vec!["nobody@nowhere.example".to_string()]);
    let runs = cache.lock().unwrap().runs().unwrap();
    assert_eq!(runs.iter().filter(|r| r.template == "offboarding").count(), 2);
}
