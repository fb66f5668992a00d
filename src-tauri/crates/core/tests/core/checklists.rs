//! Offboarding runs against jcsim: each step sends what its preview said, a finished item is
//! never sent again (after a cancel, a restart, a retry), and the evidence lists every step.

use crate::common::*;
use futures_util::future::BoxFuture;
use jumpcloud::Client;
use parking_lot::Mutex;
use rollcall_cache::{Cache, StepRow, UserQuery};
#[allow(unused_imports)]
use rollcall_cache::{RunStatus, StepKind, StepState};
use rollcall_core::access::Access;
use rollcall_core::actions::{Actor, Confirmation};
use rollcall_core::checklists::{
    run_step, skip_step, start_run, ChecklistError, Confirm, StartInput, StepContext, StepInput, StepItem,
};
use rollcall_core::evidence;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

pub(crate) fn count(env: &Env, method: &str, part: &str) -> usize {
    env.sim
        .state
        .requests()
        .iter()
        .filter(|r| r.method == method && r.path.contains(part))
        .count()
}

/// A synced simulator and its local copy, shared as the app shares it.
pub(crate) async fn synced(env: Env) -> (Env, Mutex<Cache>) {
    env.sync().await.unwrap();
    let cache = Mutex::new(env.cache());
    (env, cache)
}

pub(crate) fn offboard(cache: &mut Cache, user: &str) -> Result<String, ChecklistError> {
    start_run(
        cache,
        "org",
        "tester",
        "offboarding",
        &StartInput {
            user_id: user.into(),
            ..Default::default()
        },
    )
}

/// Runs step `idx` as an Administrator with a note.
pub(crate) async fn step(
    client: &Client,
    cache: &Mutex<Cache>,
    run: &str,
    idx: u32,
    note: &str,
    confirm: Confirm<'_>,
) -> Result<StepRow, ChecklistError> {
    let input = StepInput {
        note: note.into(),
        ..Default::default()
    };
    step_with(client, cache, run, idx, &input, confirm).await
}

/// The Administrator's context for steps, restores and grant removals.
pub(crate) fn with_ctx<'a>(
    client: &'a Client,
    cache: &'a Mutex<Cache>,
    access: &'a Access,
    actor: &'a Actor,
    confirm: Confirm<'a>,
) -> StepContext<'a> {
    StepContext {
        client,
        cache,
        access,
        actor,
        confirm,
    }
}

pub(crate) async fn step_with(
    client: &Client,
    cache: &Mutex<Cache>,
    run: &str,
    idx: u32,
    input: &StepInput,
    confirm: Confirm<'_>,
) -> Result<StepRow, ChecklistError> {
    let (access, actor) = admin();
    run_step(&with_ctx(client, cache, &access, &actor, confirm), run, idx, input).await
}

/// A user with lockable (agent) devices and at least one group.
pub(crate) fn subject(cache: &Cache) -> (String, Vec<String>) {
    let users = cache
        .users(
            &UserQuery {
                states: vec![rollcall_cache::UserState::Activated],
                limit: 500,
                ..Default::default()
            },
            &th(),
        )
        .unwrap();
    let mut best: Option<(String, Vec<String>)> = None;
    for u in users.rows {
        let d = cache.user_detail(&u.id).unwrap().unwrap();
        let agents: Vec<String> = d
            .devices
            .iter()
            .filter(|r| r.paths.iter().any(|p| p.kind == rollcall_cache::ReachKind::Direct))
            .map(|r| &r.device)
            .filter(|s| {
                matches!(
                    s.os_family,
                    rollcall_cache::OsFamily::Windows | rollcall_cache::OsFamily::Linux
                )
            })
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
    let (env, cache) = synced(start(120).await).await;
    let (user, devices) = subject(&cache.lock());
    let run = offboard(&mut cache.lock(), &user).unwrap();
    let (_, steps) = cache.lock().run(&run).unwrap().unwrap();
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
        assert_eq!(s.state, StepState::Done, "step {idx} ({}): {}", s.title, s.message);
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
        cache.lock().user_detail(&user).unwrap().unwrap().groups.is_empty(),
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
    assert_eq!(s.state, StepState::Pending, "cancelled part-way: {}", s.message);
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
        .settle_interrupted_steps("2026-11-01T13:00:00.000Z")
        .unwrap();
    let s = step(&client, &cache, &run, 6, "", yes).await.unwrap();
    assert_eq!(s.state, StepState::Done, "{}", s.message);
    assert_eq!(locks(&env), n_dev, "each device locked exactly once");

    skip_step(&cache.lock(), &run, 7, "devices not returned yet").unwrap();
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
    let (r, _) = cache.lock().run(&run).unwrap().unwrap();
    assert_eq!(r.status, RunStatus::Finished);
    assert!(r.capture.contains("\"groups\""), "the capture was kept: {}", r.capture);

    let report = evidence::gather(&cache.lock(), &run).unwrap();
    let csv = evidence::csv(&report);
    let bytes = evidence::pdf(&report).unwrap();
    if let Ok(out) = std::env::var("ROLLCALL_PDF_OUT") {
        // To look at the report: ROLLCALL_PDF_OUT=/tmp/e.pdf cargo test … offboarding_runs
        std::fs::write(out, &bytes).unwrap();
    }
    assert!(bytes.starts_with(b"%PDF-1.7"));
    let pdf = crate::common::pdf_text(&bytes);
    for needle in [
        "Remove from all groups",
        "Suspend the account",
        "device.lock",
        "front desk",
    ] {
        assert!(pdf.contains(needle), "the PDF lacks {needle}");
    }
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
    let (env, cache) = synced(start(60).await).await;
    let (user, _) = subject(&cache.lock());
    let before = cache.lock().user_detail(&user).unwrap().unwrap().groups.len();
    let run = offboard(&mut cache.lock(), &user).unwrap();
    let client = env.client();
    let yes: Confirm<'_> = &|_| Box::pin(async { true });
    for idx in 0..2 {
        step(&client, &cache, &run, idx, "", yes).await.unwrap();
    }
    assert!(cache.lock().user_detail(&user).unwrap().unwrap().groups.is_empty());
    let (access, actor) = admin();
    let ctx = with_ctx(&client, &cache, &access, &actor, yes);
    let summary = rollcall_core::checklists::restore_access(&ctx, &run).await.unwrap();
    assert!(
        summary.starts_with(&format!("Restored {before} of {before}")),
        "{summary}"
    );
    assert_eq!(cache.lock().user_detail(&user).unwrap().unwrap().groups.len(), before);
    let trail = cache
        .lock()
        .audit(&rollcall_cache::AuditQuery {
            run_id: Some(run.clone()),
            ..Default::default()
        })
        .unwrap();
    assert_eq!(
        trail
            .iter()
            .filter(|a| a.action == rollcall_cache::AuditAction::GroupAddMembers)
            .count(),
        before,
        "each re-add is audited with the run"
    );
}

#[tokio::test]
async fn a_reset_waits_for_the_identity_check_and_bulk_starts_one_run_per_person() {
    let (env, cache) = synced(start(40).await).await;
    let users = active_users(&cache.lock(), 3);
    let input = StartInput {
        user_id: users[0].id.clone(),
        ..Default::default()
    };
    let run = start_run(&mut cache.lock(), "org", "tester", "mfa_reset", &input).unwrap();
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
    assert_eq!(
        step(&client, &cache, &run, 1, "", yes).await.unwrap().state,
        StepState::Done
    );
    assert_eq!(
        count(&env, "POST", &format!("/systemusers/{}/resetmfa", users[0].id)),
        1
    );
    let told = step(&client, &cache, &run, 2, "", yes).await.unwrap();
    assert!(told.message.contains("enrol your authenticator"), "{}", told.message);

    let people = format!("{}\n{}\nnobody@nowhere.example", users[1].email, users[2].username);
    let (started, unknown) = rollcall_core::checklists::start_bulk(
        &mut cache.lock(),
        "org",
        "tester",
        "offboarding",
        &people,
        &StartInput::default(),
    )
    .unwrap();
    assert_eq!(started.len(), 2);
    assert_eq!(
        unknown,
        vec!["nobody@nowhere.example: not in the local copy".to_string()]
    );

    // Several new starters from HR's CSV: one run each; a row without an email is not started.
    let csv = "Username,Email,First name,Last name,Job title\n\
               ana.new,ana.new@example.com,Ana,\"New, Jr.\",Engineer\n\
               ben.new,ben.new@example.com,Ben,New,\n\
               no.mail,,No,Mail,\n";
    let (started, not_started) = rollcall_core::checklists::start_bulk(
        &mut cache.lock(),
        "org",
        "tester",
        "onboarding",
        csv,
        &StartInput::default(),
    )
    .unwrap();
    assert_eq!(started.len(), 2, "{not_started:?}");
    assert_eq!(not_started.len(), 1);
    assert!(not_started[0].starts_with("no.mail: "), "{not_started:?}");
    let titles: Vec<String> = cache.lock().runs().unwrap().into_iter().map(|r| r.title).collect();
    assert!(
        titles.contains(&"Onboarding for Ana New, Jr.".to_string()),
        "{titles:?}"
    );
    let bad = rollcall_core::checklists::start_bulk(
        &mut cache.lock(),
        "org",
        "tester",
        "onboarding",
        "ana@example.com\nben@example.com",
        &StartInput::default(),
    )
    .unwrap_err();
    assert!(bad.to_string().contains("first line names the columns"), "{bad}");
    let runs = cache.lock().runs().unwrap();
    assert_eq!(runs.iter().filter(|r| r.template == "offboarding").count(), 2);
}

/// The first `n` active users in the local copy.
pub(crate) fn active_users(cache: &Cache, n: u32) -> Vec<rollcall_cache::UserRow> {
    cache
        .users(
            &UserQuery {
                states: vec![rollcall_cache::UserState::Activated],
                limit: n,
                ..Default::default()
            },
            &th(),
        )
        .unwrap()
        .rows
}

pub(crate) fn admin() -> (Access, Actor) {
    (
        Access::full("Administrator"),
        Actor {
            org_id: "org".into(),
            operator: "tester".into(),
            run_id: None,
        },
    )
}
