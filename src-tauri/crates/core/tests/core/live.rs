//! Steps that remove access act on what JumpCloud holds when they run, not on the local copy:
//! JumpCloud is changed behind the mirror's back (a group added by another admin, a device
//! bound since the sync, a first import still running), reads fail, removals do not stick.

use crate::checklists::{active_users, admin, count, offboard, step, subject, synced, with_ctx};
use crate::common::*;
use jcsim::Faults;
use parking_lot::Mutex;
use rollcall_cache::{Cache, StepRow};
#[allow(unused_imports)]
use rollcall_cache::{RunStatus, StepKind, StepState};
use rollcall_core::checklists::{remove_grant, start_run, step_preview, Confirm, StartInput, StepInput, StepItem};
use rollcall_core::live::{read_person, Part};

/// The user groups JumpCloud lists for `user` now (ids).
async fn groups_in_jumpcloud(env: &Env, user: &str) -> Vec<String> {
    env.client()
        .users()
        .groups(user)
        .await
        .unwrap()
        .into_iter()
        .map(|g| g.id)
        .collect()
}

/// The groups the local copy lists for `user`.
fn mirrored_groups(cache: &Mutex<Cache>, user: &str) -> Vec<String> {
    let d = cache.lock().user_detail(user).unwrap().unwrap();
    d.groups.into_iter().map(|g| g.id).collect()
}

/// Removal requests for `user` sent to each group's members.
fn removals(env: &Env, user: &str) -> Vec<String> {
    env.sim
        .state
        .requests()
        .iter()
        .filter(|r| {
            r.method == "POST" && r.path.ends_with("/members") && r.body.contains(user) && r.body.contains("remove")
        })
        .map(|r| r.path.clone())
        .collect()
}

/// Another admin (or an HR integration) creates a group and adds `user` to it in JumpCloud.
async fn late_group(env: &Env, user: &str, name: &str) -> String {
    let c = env.client();
    let g = c.user_groups().create(name, "made after the last sync").await.unwrap();
    c.user_groups().add_member(&g.id, user).await.unwrap();
    g.id
}

fn set_faults(env: &Env, f: Faults) {
    env.sim.state.set_faults(f);
}

fn yes() -> Confirm<'static> {
    &|_| Box::pin(async { true })
}

fn items(s: &StepRow) -> Vec<StepItem> {
    serde_json::from_str(&s.items).unwrap()
}

#[tokio::test]
async fn a_group_added_after_the_sync_is_captured_removed_and_verified() {
    let (env, cache) = synced(start(80).await).await;
    let (user, _) = subject(&cache.lock());
    let preview_groups = cache.lock().user_detail(&user).unwrap().unwrap().groups;
    let run = offboard(&mut cache.lock(), &user).unwrap();
    // Behind the mirror's back: one more group, and one previewed group already removed.
    let late = late_group(&env, &user, "late group").await;
    let dropped = preview_groups[0].clone();
    env.client()
        .user_groups()
        .remove_member(&dropped.id, &user)
        .await
        .unwrap();
    env.sim.state.clear_requests();

    let client = env.client();
    let cap = step(&client, &cache, &run, 0, "", yes()).await.unwrap();
    assert_eq!(cap.state, StepState::Done, "{}", cap.message);
    assert!(
        cap.message.contains("1 group added since the last sync: late group"),
        "capture says what the local copy missed: {}",
        cap.message
    );
    let (r, _) = cache.lock().run(&run).unwrap().unwrap();
    assert!(
        r.capture.contains(&late),
        "the capture holds the late group: {}",
        r.capture
    );
    assert!(!r.capture.contains(&dropped.id), "and not the one already gone");

    let s = step(&client, &cache, &run, 1, "", yes()).await.unwrap();
    assert_eq!(s.state, StepState::Done, "{}", s.message);
    assert!(
        s.message.contains("1 group added since the preview: late group"),
        "{}",
        s.message
    );
    assert!(
        s.message
            .contains(&format!("1 group in the preview no longer held: {}", dropped.name)),
        "{}",
        s.message
    );
    assert!(s.message.contains("Verified at"), "done means verified: {}", s.message);
    assert!(
        items(&s).iter().any(|i| i.label == "late group"),
        "the step lists what it acted on"
    );
    let (_, kept) = cache.lock().run(&run).unwrap().unwrap();
    assert!(
        items(&kept[1]).iter().any(|i| i.label == "late group")
            && !items(&kept[1]).iter().any(|i| i.label == dropped.name),
        "and keeps it in the run (what it acted on, not the preview)"
    );
    assert!(
        groups_in_jumpcloud(&env, &user).await.is_empty(),
        "JumpCloud lists no group"
    );
    let sent = removals(&env, &user);
    let mut unique = sent.clone();
    unique.sort();
    unique.dedup();
    assert_eq!(sent.len(), unique.len(), "each removal sent once: {sent:?}");
    assert_eq!(
        sent.len(),
        preview_groups.len(),
        "every held group (late one in, gone one out)"
    );
    assert!(sent.iter().any(|p| p.contains(&late)));
    assert!(
        !sent.iter().any(|p| p.contains(&dropped.id)),
        "nothing sent for a group already left"
    );
    assert!(mirrored_groups(&cache, &user).is_empty(), "the mirror is corrected");
    let report = rollcall_core::evidence::csv(&rollcall_core::evidence::gather(&cache.lock(), &run).unwrap());
    assert!(report.contains("Verified at"), "the evidence records the verification");

    // Restore reads JumpCloud too and puts back exactly what was captured (the late group included).
    let (access, actor) = admin();
    let ctx = with_ctx(&client, &cache, &access, &actor, yes());
    let summary = rollcall_core::checklists::restore_access(&ctx, &run).await.unwrap();
    assert!(summary.contains("Verified"), "{summary}");
    let mut back = groups_in_jumpcloud(&env, &user).await;
    back.sort();
    let mut want: Vec<String> = preview_groups
        .iter()
        .skip(1)
        .map(|g| g.id.clone())
        .chain([late])
        .collect();
    want.sort();
    assert_eq!(back, want);
}

#[tokio::test]
async fn a_device_bound_after_the_sync_is_locked_once_and_an_unbound_one_is_not() {
    let (env, cache) = synced(start(120).await).await;
    let (user, devices) = subject(&cache.lock());
    // Another Windows or Linux device nobody is bound to, bound now in JumpCloud.
    let extra = {
        let c = cache.lock();
        let all = c
            .systems(
                &rollcall_cache::SystemQuery {
                    limit: 2000,
                    ..Default::default()
                },
                &th(),
            )
            .unwrap()
            .rows;
        all.into_iter()
            .find(|s| {
                matches!(s.os_family.as_str(), "windows" | "linux")
                    && !devices.contains(&s.id)
                    && c.system_detail(&s.id).unwrap().unwrap().users.is_empty()
            })
            .expect("an unbound agent device")
    };
    let run = offboard(&mut cache.lock(), &user).unwrap();
    let client = env.client();
    client.systems().bind_user(&extra.id, &user, false).await.unwrap();
    if devices.len() > 1 {
        client.systems().unbind_user(&devices[1], &user).await.unwrap();
    }
    env.sim.state.clear_requests();
    let s = step(&client, &cache, &run, 6, "", yes()).await.unwrap();
    assert_eq!(s.state, StepState::Done, "{}", s.message);
    assert!(s.message.contains("1 device added since the preview"), "{}", s.message);
    let locks = |id: &str| count(&env, "POST", &format!("/systems/{id}/command/builtin/lock"));
    assert_eq!(locks(&extra.id), 1, "the device bound since the sync is locked");
    let still_unbound = cache
        .lock()
        .systems(
            &rollcall_cache::SystemQuery {
                unbound: Some(true),
                limit: 2000,
                ..Default::default()
            },
            &th(),
        )
        .unwrap()
        .rows;
    assert!(
        !still_unbound.iter().any(|s| s.id == extra.id),
        "the read corrected the mirror: the device is bound now"
    );
    assert_eq!(locks(&devices[0]), 1);
    if devices.len() > 1 {
        assert!(s.message.contains("no longer held"), "{}", s.message);
        assert_eq!(locks(&devices[1]), 0, "a device unbound since is left alone");
    }
    // Nothing is locked twice: the step is done and refuses.
    assert!(step(&client, &cache, &run, 6, "", yes()).await.is_err());
    assert_eq!(locks(&extra.id), 1);
}

#[tokio::test]
async fn while_the_first_import_is_running_steps_act_on_jumpcloud_not_on_the_partial_copy() {
    let env = start(60).await;
    // The first import stops before memberships land: users are browsable, groups are not.
    set_faults(
        &env,
        Faults {
            error_5xx_rate: 1.0,
            path_contains: Some("member".into()),
            ..Default::default()
        },
    );
    assert!(env.sync().await.is_err(), "the import stops at memberships");
    set_faults(&env, Faults::default());
    let cache = Mutex::new(env.cache());
    assert_eq!(
        cache.lock().snapshot().unwrap().state,
        rollcall_cache::kinds::SnapshotState::Partial
    );
    let user = {
        let candidates = active_users(&cache.lock(), 60);
        let mut found = None;
        for u in candidates {
            let n = env.client().users().groups(&u.id).await.unwrap().len();
            if n >= 2 {
                found = Some(u.id);
                break;
            }
        }
        found.expect("a person in two groups")
    };
    assert!(
        mirrored_groups(&cache, &user).is_empty(),
        "the partial copy has no memberships yet"
    );
    let run = offboard(&mut cache.lock(), &user).unwrap();
    let note = step_preview(StepKind::RemoveGroups, rollcall_cache::kinds::SnapshotState::Partial);
    assert!(
        note.loading.as_deref().is_some_and(|n| n.contains("has not finished")),
        "the preview says what is still loading: {note:?}"
    );
    assert!(
        step_preview(StepKind::RemoveGroups, rollcall_cache::kinds::SnapshotState::Complete)
            .loading
            .is_none()
    );
    assert!(
        step_preview(StepKind::Suspend, rollcall_cache::kinds::SnapshotState::Partial)
            .loading
            .is_none(),
        "only steps that read access"
    );

    let held = groups_in_jumpcloud(&env, &user).await;
    let client = env.client();
    let cap = step(&client, &cache, &run, 0, "", yes()).await.unwrap();
    let (r, _) = cache.lock().run(&run).unwrap().unwrap();
    let captured: serde_json::Value = serde_json::from_str(&r.capture).unwrap();
    assert_eq!(
        captured["groups"].as_array().unwrap().len(),
        held.len(),
        "the capture is JumpCloud's, not the partial copy's: {}",
        cap.message
    );
    let s = step(&client, &cache, &run, 1, "", yes()).await.unwrap();
    assert_eq!(s.state, StepState::Done, "{}", s.message);
    assert!(groups_in_jumpcloud(&env, &user).await.is_empty());
    assert_eq!(removals(&env, &user).len(), held.len());
}

#[tokio::test]
async fn a_step_whose_live_read_fails_sends_nothing_and_says_why() {
    let (env, cache) = synced(start(60).await).await;
    let (user, _) = subject(&cache.lock());
    let run = offboard(&mut cache.lock(), &user).unwrap();
    set_faults(
        &env,
        Faults {
            error_5xx_rate: 1.0,
            path_contains: Some("/memberof".into()),
            ..Default::default()
        },
    );
    let client = env.client();
    let s = step(&client, &cache, &run, 1, "", yes()).await.unwrap();
    assert_eq!(s.state, StepState::Failed);
    assert!(
        s.message
            .starts_with("Not run: Rollcall could not read the person's current group memberships"),
        "{}",
        s.message
    );
    assert!(s.message.contains("Nothing was sent"), "{}", s.message);
    assert!(removals(&env, &user).is_empty(), "no removal without a live read");
    let cap = step(&client, &cache, &run, 0, "", yes()).await.unwrap();
    assert_eq!(
        cap.state,
        StepState::Failed,
        "capture needs the live read too: {}",
        cap.message
    );
    assert!(
        cap.message
            .starts_with("Not run: Rollcall could not read the person's current group memberships")
            && cap
                .message
                .ends_with("Nothing was sent; run it again when JumpCloud answers.")
            && !cap.message.contains(".."),
        "{}",
        cap.message
    );

    set_faults(&env, Faults::default());
    assert_eq!(
        step(&client, &cache, &run, 0, "", yes()).await.unwrap().state,
        StepState::Done
    );
    let s = step(&client, &cache, &run, 1, "", yes()).await.unwrap();
    assert_eq!(
        s.state,
        StepState::Done,
        "a retry once JumpCloud answers: {}",
        s.message
    );
    assert!(groups_in_jumpcloud(&env, &user).await.is_empty());
}

#[tokio::test]
async fn a_removal_that_does_not_stick_fails_the_step_and_the_retry_sends_only_what_remains() {
    let (env, cache) = synced(start(80).await).await;
    let (user, _) = subject(&cache.lock());
    let held = groups_in_jumpcloud(&env, &user).await;
    assert!(!held.is_empty());
    let run = offboard(&mut cache.lock(), &user).unwrap();
    // A dynamic group's rule puts the person straight back into the first group removed.
    set_faults(
        &env,
        Faults {
            removals_undone: true,
            path_contains: Some("/members".into()),
            budget: Some(1),
            ..Default::default()
        },
    );
    env.sim.state.clear_requests();
    let client = env.client();
    let s = step(&client, &cache, &run, 1, "", yes()).await.unwrap();
    assert_eq!(s.state, StepState::Failed, "{}", s.message);
    assert!(s.message.contains("Failed — still in 1 group"), "{}", s.message);
    assert_eq!(groups_in_jumpcloud(&env, &user).await.len(), 1);
    assert_eq!(removals(&env, &user).len(), held.len());

    let again = step(&client, &cache, &run, 1, "", yes()).await.unwrap();
    assert_eq!(again.state, StepState::Done, "{}", again.message);
    assert_eq!(
        removals(&env, &user).len(),
        held.len() + 1,
        "the retry sends only the one that remained"
    );
    assert!(groups_in_jumpcloud(&env, &user).await.is_empty());
}

#[tokio::test]
async fn bulk_removal_from_a_selection_reads_first_and_verifies() {
    use rollcall_core::actions::{perform, plan, ActionRequest};
    let (env, cache) = synced(start(80).await).await;
    let client = env.client();
    let (group, members) = {
        let c = cache.lock();
        c.groups(None, None)
            .unwrap()
            .into_iter()
            .filter(|g| g.group.kind == rollcall_cache::GroupKind::User)
            .find_map(|g| {
                let (users, _) = c.group_members(&g.group.id).unwrap();
                let m: Vec<String> = users.into_iter().map(|u| u.id).collect();
                (m.len() >= 3).then(|| (g.group.id, m[..3].to_vec()))
            })
            .expect("a group with three members")
    };
    // One of the three left the group since the sync.
    client.user_groups().remove_member(&group, &members[0]).await.unwrap();
    env.sim.state.clear_requests();
    let (access, actor) = admin();
    let request = ActionRequest::GroupMembers {
        group_id: group.clone(),
        member_ids: members.clone(),
        add: false,
    };
    let p = plan(&cache.lock(), &access, request.clone()).unwrap();
    let out = perform(&client, &cache, &p, &actor).await.unwrap();
    assert_eq!(
        out.status,
        rollcall_core::actions::ActionStatus::Done,
        "{}",
        out.message
    );
    assert!(out.message.contains("1 was no longer in"), "{}", out.message);
    assert!(out.message.contains("Verified"), "{}", out.message);
    assert_eq!(
        count(&env, "POST", &format!("/usergroups/{group}/members")),
        2,
        "two removals"
    );

    // A removal that does not stick is reported, not called done.
    client.user_groups().add_member(&group, &members[1]).await.unwrap();
    set_faults(
        &env,
        Faults {
            removals_undone: true,
            ..Default::default()
        },
    );
    let p = plan(&cache.lock(), &access, request).unwrap();
    let out = perform(&client, &cache, &p, &actor).await.unwrap();
    assert_eq!(
        out.status,
        rollcall_core::actions::ActionStatus::Failed,
        "{}",
        out.message
    );
    assert!(out.message.contains("still in"), "{}", out.message);
}

#[tokio::test]
async fn a_grant_removed_outside_rollcall_is_not_removed_twice_and_one_that_sticks_is_not_marked_removed() {
    use rollcall_core::checklists::{grants, today};
    let (env, cache) = synced(start(40).await).await;
    let users = active_users(&cache.lock(), 2);
    let group = {
        let c = cache.lock();
        c.groups(None, None)
            .unwrap()
            .into_iter()
            .find(|g| {
                g.group.kind == rollcall_cache::GroupKind::User
                    && users.iter().all(|u| {
                        !c.user_detail(&u.id)
                            .unwrap()
                            .unwrap()
                            .groups
                            .iter()
                            .any(|x| x.id == g.group.id)
                    })
            })
            .unwrap()
            .group
            .id
    };
    let client = env.client();
    let (access, actor) = admin();
    let ctx = with_ctx(&client, &cache, &access, &actor, yes());
    let mut runs = vec![];
    for u in &users {
        let input = StartInput {
            user_id: u.id.clone(),
            group_ids: vec![group.clone()],
            expires_on: Some(today()),
            ..Default::default()
        };
        let run = start_run(&mut cache.lock(), "org", "tester", "access_request", &input).unwrap();
        let approved = StepInput {
            approver: "Dana".into(),
            ticket: "HELP-1".into(),
            ..Default::default()
        };
        rollcall_core::checklists::run_step(&ctx, &run, 0, &approved)
            .await
            .unwrap();
        assert_eq!(
            step(&client, &cache, &run, 1, "", yes()).await.unwrap().state,
            StepState::Done
        );
        runs.push(run);
    }
    // The first person was taken out of the group by another admin already.
    client.user_groups().remove_member(&group, &users[0].id).await.unwrap();
    env.sim.state.clear_requests();
    let msg = remove_grant(&ctx, &runs[0]).await.unwrap();
    assert!(msg.contains("no longer in"), "{msg}");
    assert_eq!(
        count(&env, "POST", "/members"),
        0,
        "nothing sent for access already gone"
    );

    // The second one's removal does not stick: reported, still due, retried later.
    set_faults(
        &env,
        Faults {
            removals_undone: true,
            budget: Some(1),
            ..Default::default()
        },
    );
    let err = remove_grant(&ctx, &runs[1]).await.unwrap_err();
    assert!(err.to_string().contains("still in"), "{err}");
    assert_eq!(grants(&cache.lock()).unwrap().len(), 1, "still due");
    let ok = remove_grant(&ctx, &runs[1]).await.unwrap();
    assert!(ok.contains("Verified"), "{ok}");
    assert!(grants(&cache.lock()).unwrap().is_empty());
    assert!(!groups_in_jumpcloud(&env, &users[1].id).await.contains(&group));
}

#[tokio::test]
async fn what_a_read_finds_corrects_the_local_copy() {
    let (env, cache) = synced(start(40).await).await;
    let user = active_users(&cache.lock(), 1).remove(0).id;
    let late = late_group(&env, &user, "Contractors — added by HR").await;
    let now = read_person(&env.client(), &cache, &user, &Part::ALL).await.unwrap();
    assert!(now
        .groups
        .unwrap()
        .iter()
        .any(|g| g.id == late && g.name == "Contractors — added by HR"));
    let d = cache.lock().user_detail(&user).unwrap().unwrap();
    assert!(
        d.groups.iter().any(|g| g.id == late),
        "the new group and the membership are in the local copy"
    );
}

#[tokio::test]
async fn the_role_is_probed_once_per_key_and_each_probe_is_sent_as_the_spec_defines_it() {
    use rollcall_core::access::{forget, keep, kept, probe};
    let env = start(20).await;
    // A proxy that validates requests against the spec: a body where none is defined is a 415.
    set_faults(
        &env,
        Faults {
            strict_proxy: true,
            ..Default::default()
        },
    );
    let client = env.client();
    let cache = Cache::open(&env.cache_path()).unwrap().0;
    assert!(kept(&cache, &client).is_none(), "nothing learned yet");
    let access = probe(&client).await.expect("the probes pass a validating proxy");
    assert!(
        access.device_commands && access.groups && access.user_edit,
        "{access:?}"
    );
    let restart: Vec<_> = env
        .sim
        .state
        .requests()
        .into_iter()
        .filter(|r| r.path.contains("/command/builtin/restart"))
        .collect();
    assert_eq!(restart.len(), 1);
    assert_eq!(restart[0].body, "", "the restart probe carries no body");
    assert_eq!(
        restart[0].status, 404,
        "JumpCloud looked the (impossible) id up: allowed"
    );

    keep(&cache, &client, &access).unwrap();
    assert_eq!(kept(&cache, &client), Some(access.clone()), "kept for this key");
    let other = env.client_with(&env.key_of(jcsim::model::Role::ReadOnly));
    assert!(kept(&cache, &other).is_none(), "another key learns its own role");
    forget(&cache).unwrap();
    assert!(kept(&cache, &client).is_none(), "forgotten after a refusal");
}
