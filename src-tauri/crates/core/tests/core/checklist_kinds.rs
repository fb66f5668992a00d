//! Onboarding, access requests, templates (edit, export, import), people lists, and the
//! evidence read from Directory Insights.

use super::checklists::*;
use crate::common::*;
use rollcall_cache::{StepKind, StepState};
use rollcall_core::checklists::{start_run, Confirm, StartInput, StepInput, StepItem};
use rollcall_core::evidence;

#[tokio::test]
async fn onboarding_creates_the_person_then_groups_activation_and_device_from_an_edited_template() {
    use rollcall_core::templates::{self, GroupRef, TemplateStep};
    let (env, cache) = synced(start(40).await).await;
    let (groups, device) = {
        let c = cache.lock();
        let groups: Vec<GroupRef> = c
            .groups(None, None)
            .unwrap()
            .into_iter()
            .filter(|g| g.group.kind == rollcall_cache::GroupKind::User)
            .take(2)
            .map(|g| GroupRef {
                id: g.group.id,
                name: g.group.name,
            })
            .collect();
        let device = c
            .systems(&Default::default(), &th())
            .unwrap()
            .rows
            .into_iter()
            .next()
            .unwrap()
            .id;
        (groups, device)
    };
    // The org's own onboarding: baseline groups and a manual step before the evidence.
    let mut t = templates::get(&cache.lock(), "onboarding").unwrap();
    t.defaults.groups = groups.clone();
    let at = t.steps.len() - 1;
    t.steps.insert(
        at,
        TemplateStep {
            kind: StepKind::Manual,
            title: "Welcome call done".into(),
            optional: false,
            text: String::new(),
        },
    );
    templates::save(&cache.lock(), &t).unwrap();

    let input = StartInput {
        new_user: Some(rollcall_core::actions::UserProfile {
            username: "new.starter".into(),
            email: "new.starter@example.com".into(),
            firstname: "New".into(),
            lastname: "Starter".into(),
            ..Default::default()
        }),
        device_id: Some(device.clone()),
        ..Default::default()
    };
    let run = start_run(&mut cache.lock(), "org", "tester", "onboarding", &input).unwrap();
    let (r, steps) = cache.lock().run(&run).unwrap().unwrap();
    assert_eq!(r.title, "Onboarding for New Starter");
    let kinds: Vec<&str> = steps.iter().map(|s| s.kind.as_str()).collect();
    assert_eq!(
        kinds,
        [
            "create_user",
            "add_groups",
            "activation_email",
            "bind_device",
            "manual",
            "evidence"
        ]
    );
    let previewed: Vec<StepItem> = serde_json::from_str(&steps[1].items).unwrap();
    assert_eq!(
        previewed.iter().map(|i| i.label.clone()).collect::<Vec<_>>(),
        groups.iter().map(|g| g.name.clone()).collect::<Vec<_>>(),
        "the preview names the baseline groups"
    );

    let client = env.client();
    let yes: Confirm<'_> = &|_| Box::pin(async { true });
    // Nothing about the person can be sent before they exist.
    let early = step(&client, &cache, &run, 1, "", yes).await.unwrap();
    assert_eq!(early.state, StepState::Pending, "{}", early.message);
    assert_eq!(count(&env, "POST", "/members"), 0);

    for idx in 0..4 {
        let s = step(&client, &cache, &run, idx, "", yes).await.unwrap();
        assert_eq!(s.state, StepState::Done, "step {idx} ({}): {}", s.title, s.message);
    }
    let (r, _) = cache.lock().run(&run).unwrap().unwrap();
    assert!(!r.subject_id.is_empty(), "the run now names the created person");
    let uid = r.subject_id.clone();
    let creates = |env: &Env| {
        env.sim
            .state
            .requests()
            .iter()
            .filter(|q| q.method == "POST" && q.path.trim_end_matches('/') == "/api/systemusers")
            .count()
    };
    assert_eq!(creates(&env), 1, "created once");
    assert_eq!(count(&env, "POST", &format!("/systemusers/{uid}/state/activate")), 1);
    let binds = env
        .sim
        .state
        .requests()
        .iter()
        .filter(|q| q.path.ends_with(&format!("/systems/{device}/associations")) && q.body.contains(&uid))
        .count();
    assert_eq!(binds, 1, "bound once");
    let d = cache.lock().user_detail(&uid).unwrap().unwrap();
    assert_eq!(d.user.state, rollcall_cache::UserState::Activated);
    assert_eq!(d.groups.len(), groups.len());
    assert!(
        d.devices.iter().any(|r| r.device.id == device),
        "the binding is in the local copy"
    );
    let again = step(&client, &cache, &run, 0, "", yes).await.unwrap_err();
    assert!(again.to_string().contains("not sent again"), "{again}");
    assert_eq!(creates(&env), 1);

    // Starting again for the same person is refused: they exist now.
    let dup = start_run(&mut cache.lock(), "org", "tester", "onboarding", &input).unwrap_err();
    assert!(dup.to_string().contains("already in JumpCloud"), "{dup}");
}

#[tokio::test]
async fn an_access_request_needs_approval_and_expired_grants_are_removed_in_one_click() {
    use rollcall_core::checklists::{grants, remove_grant, today};
    let (env, cache) = synced(start(40).await).await;
    let (user, group) = {
        let c = cache.lock();
        let d = active_users(&c, 1).remove(0);
        let mine: Vec<String> = c
            .user_detail(&d.id)
            .unwrap()
            .unwrap()
            .groups
            .iter()
            .map(|g| g.id.clone())
            .collect();
        let g = c
            .groups(None, None)
            .unwrap()
            .into_iter()
            .find(|g| g.group.kind == rollcall_cache::GroupKind::User && !mine.contains(&g.group.id))
            .unwrap();
        (d.id, g.group.id)
    };
    let mut input = StartInput {
        user_id: user.clone(),
        group_ids: vec![group.clone()],
        expires_on: Some("2020-01-01".into()),
        ..Default::default()
    };
    let past = start_run(&mut cache.lock(), "org", "tester", "access_request", &input).unwrap_err();
    assert!(past.to_string().contains("already past"), "{past}");
    input.expires_on = Some(today());
    let run = start_run(&mut cache.lock(), "org", "tester", "access_request", &input).unwrap();

    let client = env.client();
    let yes: Confirm<'_> = &|_| Box::pin(async { true });
    let gated = step(&client, &cache, &run, 1, "", yes).await.unwrap_err();
    assert!(gated.to_string().contains("comes first"), "{gated}");
    let no_ticket = StepInput {
        approver: "Dana (IT lead)".into(),
        ..Default::default()
    };
    let refused = step_with(&client, &cache, &run, 0, &no_ticket, yes).await.unwrap_err();
    assert!(refused.to_string().contains("ticket"), "{refused}");
    assert_eq!(count(&env, "POST", "/members"), 0, "nothing sent before approval");
    let approved = StepInput {
        approver: "Dana (IT lead)".into(),
        ticket: "HELP-1234".into(),
        ..Default::default()
    };
    step_with(&client, &cache, &run, 0, &approved, yes).await.unwrap();
    assert_eq!(
        step(&client, &cache, &run, 1, "", yes).await.unwrap().state,
        StepState::Done
    );
    assert_eq!(count(&env, "POST", &format!("/usergroups/{group}/members")), 1);

    let due = grants(&cache.lock()).unwrap();
    assert_eq!(due.len(), 1);
    assert!(due[0].due, "expires today: due for removal");
    assert!(due[0].approval.contains("HELP-1234"), "{}", due[0].approval);

    let (access, actor) = admin();
    let ctx = with_ctx(&client, &cache, &access, &actor, yes);
    let msg = remove_grant(&ctx, &run).await.unwrap();
    assert!(msg.starts_with("Removed 1 of 1"), "{msg}");
    assert_eq!(count(&env, "POST", &format!("/usergroups/{group}/members")), 2);
    assert!(grants(&cache.lock()).unwrap().is_empty(), "no longer due");
    let twice = remove_grant(&ctx, &run).await.unwrap_err();
    assert!(twice.to_string().contains("already removed"), "{twice}");
    assert_eq!(count(&env, "POST", &format!("/usergroups/{group}/members")), 2);

    step(&client, &cache, &run, 2, "", yes).await.unwrap();
    let report = evidence::gather(&cache.lock(), &run).unwrap();
    let csv = evidence::csv(&report);
    assert!(csv.contains("Approved by Dana (IT lead); ticket HELP-1234"), "{csv}");
    assert!(
        csv.contains("group.remove_members"),
        "the removal is in the run's evidence"
    );
}

#[tokio::test]
async fn templates_are_checked_exported_and_imported_with_groups_matched_by_name() {
    use rollcall_core::templates::{self, GroupRef, TemplateStep};
    let env = start(20).await;
    env.sync().await.unwrap();
    let cache = env.cache();
    let g = cache
        .groups(None, None)
        .unwrap()
        .into_iter()
        .find(|g| g.group.kind == rollcall_cache::GroupKind::User)
        .unwrap()
        .group;

    let mut bad = templates::get(&cache, "onboarding").unwrap();
    bad.steps.insert(
        1,
        TemplateStep {
            kind: StepKind::WipeDevices,
            title: "Wipe".into(),
            optional: true,
            text: String::new(),
        },
    );
    let e = templates::save(&cache, &bad).unwrap_err();
    assert!(
        e.to_string().contains("does not belong in a onboarding checklist"),
        "{e}"
    );
    let mut bad = templates::get(&cache, "offboarding").unwrap();
    bad.steps.swap(0, 9);
    let e = templates::save(&cache, &bad).unwrap_err();
    assert!(e.to_string().contains("keep it last"), "{e}");

    // Reorder and drop steps of offboarding; it is this org's version from now on.
    let mut off = templates::get(&cache, "offboarding").unwrap();
    off.steps.retain(|s| s.kind != StepKind::WipeDevices);
    off.steps.swap(3, 4);
    templates::save(&cache, &off).unwrap();
    let stored = templates::get(&cache, "offboarding").unwrap();
    assert!(stored.customised);
    assert_eq!(stored.steps.len(), 9);
    assert_eq!(stored.steps[3].kind, StepKind::ExpirePassword);

    // Export a template naming a group by an id another org would not have: the import finds
    // the group by name, and names what it could not match.
    let mut on = templates::get(&cache, "onboarding").unwrap();
    on.id = "onboarding-sales".into();
    on.name = "Onboarding (sales)".into();
    on.defaults.groups = vec![
        GroupRef {
            id: "000000000000000000000000".into(),
            name: g.name.clone(),
        },
        GroupRef {
            id: "111111111111111111111111".into(),
            name: "No such group".into(),
        },
    ];
    let file = templates::export(&on);
    let (imported, unmatched) = templates::import(&cache, &file).unwrap();
    assert_eq!(imported.defaults.groups.len(), 1);
    assert_eq!(imported.defaults.groups[0].id, g.id);
    assert_eq!(unmatched.len(), 1, "{unmatched:?}");
    assert!(unmatched[0].contains("No such group"));
    let names: Vec<String> = templates::list(&cache).unwrap().into_iter().map(|t| t.name).collect();
    assert!(names.contains(&"Onboarding (sales)".to_string()), "{names:?}");

    for (text, want) in [
        ("not json", "not JSON"),
        ("{\"name\": 1}", "no \"rollcall_template\": 1 marker"),
        ("{\"rollcall_template\": 1, \"template\": {\"id\": \"x\"}}", "damaged"),
    ] {
        let e = templates::import(&cache, text).unwrap_err();
        assert!(e.to_string().contains(want), "{text}: {e}");
    }

    templates::reset(&cache, "offboarding").unwrap();
    assert!(!templates::get(&cache, "offboarding").unwrap().customised);
}

#[test]
fn people_come_from_a_pasted_list_or_a_csv_column() {
    use rollcall_core::checklists::people_in;
    assert_eq!(people_in("a@x.io\n\n b@x.io ,c\n"), ["a@x.io", "b@x.io", "c"]);
    let csv = "name,Email,department\n\"Ann Lee\",ann@x.io,Sales\nBob,bob@x.io,\n";
    assert_eq!(people_in(csv), ["ann@x.io", "bob@x.io"]);
    // A quoted comma does not shift the columns; a byte-order mark and CRLF are handled.
    assert_eq!(people_in("name,email\n\"Lee, Ann\",ann@x.io\n"), ["ann@x.io"]);
    assert_eq!(
        people_in("\u{feff}email,name\r\nann@x.io,\"Lee, Ann\"\r\nbo@x.io,Bo\r\n"),
        ["ann@x.io", "bo@x.io"]
    );
    let starters = rollcall_core::checklists::new_starters(
        "\u{feff}username;email;firstname;lastname\r\nalee;ann@x.io;\"Ann; Jr\";Lee\r\n",
    )
    .unwrap();
    assert_eq!(
        (
            starters[0].username.as_str(),
            starters[0].email.as_str(),
            starters[0].firstname.as_str()
        ),
        ("alee", "ann@x.io", "Ann; Jr")
    );
}

#[tokio::test]
async fn the_evidence_asks_jumpcloud_for_the_events_of_the_run() {
    // A simulator whose clock is the real one: the run's start time and JumpCloud's event
    // times are on the same clock, as in production.
    let (env, cache) = synced(start_now(30).await).await;
    let user = active_users(&cache.lock(), 1).remove(0);
    let input = StartInput {
        user_id: user.id.clone(),
        ..Default::default()
    };
    let run = start_run(&mut cache.lock(), "org", "tester", "mfa_reset", &input).unwrap();
    let client = env.client();
    let yes: Confirm<'_> = &|_| Box::pin(async { true });
    step(&client, &cache, &run, 0, "Verified in person by Sam", yes)
        .await
        .unwrap();
    step(&client, &cache, &run, 1, "", yes).await.unwrap();

    let report = evidence::gather_live(&client, &cache, &run).await.unwrap();
    let events = report
        .sections
        .iter()
        .find(|s| s.title.starts_with("Directory Insights"))
        .unwrap();
    assert!(events.title.contains("asked of JumpCloud"), "{}", events.title);
    let types: Vec<&str> = events.rows.iter().map(|r| r[1].as_str()).collect();
    assert_eq!(
        types,
        ["user_mfa_reset"],
        "only the events about this person since the run began"
    );
    assert_eq!(events.rows[0][5], user.username, "names who the event is about");

    // JumpCloud unreachable: the events of the last sync stay, and the section says why.
    env.sim.state.set_faults(jcsim::faults::Faults {
        error_5xx_rate: 1.0,
        path_contains: Some("/events".into()),
        ..Default::default()
    });
    let offline = evidence::gather_live(&client, &cache, &run).await.unwrap();
    let events = offline
        .sections
        .iter()
        .find(|s| s.title.starts_with("Directory Insights"))
        .unwrap();
    assert!(events.title.contains("as of the last sync"), "{}", events.title);
}

/// The offboarding's suspend step at the person's last day: JumpCloud's scheduled state change.
/// It shows as scheduled (checking leaves it so while the job is pending), can be cancelled,
/// and is done — verified — once JumpCloud has suspended the person.
#[tokio::test]
async fn a_suspension_scheduled_for_the_last_day_is_verified_once_jumpcloud_applies_it() {
    use crate::checklists::{active_users, step_with};
    use rollcall_cache::{AuditAction, StepKind, StepState};
    use rollcall_core::checklists::{cancel_scheduled, StepInput};
    let (env, cache) = crate::checklists::synced(start_now(30).await).await;
    let person = active_users(&cache.lock(), 1)[0].id.clone();
    let run = crate::checklists::offboard(&mut cache.lock(), &person).unwrap();
    let idx = cache
        .lock()
        .run(&run)
        .unwrap()
        .unwrap()
        .1
        .iter()
        .find(|s| s.kind == StepKind::Suspend)
        .unwrap()
        .idx;
    let client = env.client();
    let at = rollcall_cache::dates::format_ms(rollcall_cache::dates::now_ms() + 2 * 3_600_000);
    let later = StepInput {
        suspend_at: Some(at.clone()),
        ..Default::default()
    };
    let yes: rollcall_core::checklists::Confirm<'static> = &|_| Box::pin(async { true });
    let no: rollcall_core::checklists::Confirm<'static> = &|_| Box::pin(async { false });
    let jobs = |env: &Env| env.sim.state.world.read().unwrap().orgs[0].scheduled_states.len();
    let state = |env: &Env| env.sim.state.world.read().unwrap().orgs[0].users[&person].rec().state;

    // Cancel at the native confirmation: nothing is sent.
    assert!(step_with(&client, &cache, &run, idx, &later, no).await.is_err());
    assert_eq!(jobs(&env), 0);
    let s = step_with(&client, &cache, &run, idx, &later, yes).await.unwrap();
    assert_eq!(s.state, StepState::Scheduled, "{}", s.message);
    assert_eq!(jobs(&env), 1);
    assert_eq!(state(&env), "ACTIVATED");
    let audit = cache.lock().audit(&Default::default()).unwrap();
    assert!(audit
        .iter()
        .any(|a| a.action == AuditAction::UserScheduleSuspend && a.run_id.as_deref() == Some(run.as_str())));
    // Checking while pending leaves it scheduled.
    let s = step_with(&client, &cache, &run, idx, &StepInput::default(), yes)
        .await
        .unwrap();
    assert_eq!(s.state, StepState::Scheduled);
    assert!(s.message.contains("Still scheduled"), "{}", s.message);
    // Cancelled: the step is to do again and JumpCloud holds no job.
    let (access, actor) = crate::checklists::admin();
    let ctx = crate::checklists::with_ctx(&client, &cache, &access, &actor, yes);
    let s = cancel_scheduled(&ctx, &run, idx).await.unwrap();
    assert_eq!(s.state, StepState::Pending);
    assert_eq!(jobs(&env), 0);
    // Scheduled again; once the time has passed in JumpCloud, running it verifies it.
    step_with(&client, &cache, &run, idx, &later, yes).await.unwrap();
    env.sim.state.advance(3 * 60);
    let s = step_with(&client, &cache, &run, idx, &StepInput::default(), yes)
        .await
        .unwrap();
    assert_eq!(s.state, StepState::Done, "{}", s.message);
    assert!(s.message.starts_with("Verified"), "{}", s.message);
    assert_eq!(state(&env), "SUSPENDED");
}
