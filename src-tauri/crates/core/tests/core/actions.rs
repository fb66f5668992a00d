//! Connecting and acting against jcsim: access probes, audit rows, cache updates, the
//! device rules and "outcome unknown".

use crate::common::*;
use jcsim::model::Role;
use jcsim::Faults;
use parking_lot::Mutex;
use rollcall_cache::{AuditQuery, SystemQuery, UserQuery};
#[allow(unused_imports)]
use rollcall_cache::{RunStatus, StepKind, StepState};
use rollcall_core::access::Access;
use rollcall_core::actions::{execute, plan, ActionError, ActionRequest, Actor};
use rollcall_core::connect::{check, ConnectError};

fn actor() -> Actor {
    Actor {
        org_id: "org".into(),
        operator: "tester".into(),
        run_id: None,
    }
}

fn requests(env: &Env, method: &str, path_part: &str) -> usize {
    env.sim
        .state
        .requests()
        .iter()
        .filter(|r| r.method == method && r.path.contains(path_part))
        .count()
}

#[tokio::test]
async fn test_connection_tells_roles_and_bad_keys_apart() {
    let env = start(30).await;
    let ok = check(&env.client(), None).await.expect("an Administrator key connects");
    assert!(
        ok.access.user_edit && ok.access.device_commands && ok.access.groups,
        "{:?}",
        ok.access
    );
    assert_eq!(ok.users, 30);

    let ro = check(&env.client_with(&env.key_of(Role::ReadOnly)), None)
        .await
        .unwrap();
    assert!(ro.access.read_only(), "{:?}", ro.access);
    assert_eq!(ro.access.role, "Read Only");

    let hd = check(&env.client_with(&env.key_of(Role::HelpDesk)), None)
        .await
        .unwrap();
    assert!(
        hd.access.user_edit && hd.access.groups && !hd.access.device_commands,
        "{:?}",
        hd.access
    );

    let bad = check(&env.client_with("not-a-key"), None).await.unwrap_err();
    assert!(
        matches!(bad, ConnectError::Api(jumpcloud::Error::Unauthorized { .. })),
        "{bad:?}"
    );

    let wrong = check(&env.client(), Some("ffffffffffffffffffffffff"))
        .await
        .unwrap_err();
    assert!(matches!(wrong, ConnectError::WrongOrgId { .. }), "{wrong:?}");
    assert!(
        env.sim
            .state
            .requests()
            .iter()
            .all(|r| r.status != 200 || r.method == "GET"),
        "the probes changed nothing"
    );
}

#[tokio::test]
async fn suspend_and_reset_mfa_are_audited_and_land_in_the_cache() {
    let env = start(40).await;
    env.sync().await.unwrap();
    let cache = Mutex::new(env.cache());
    let user = {
        let c = cache.lock();
        let q = UserQuery {
            states: vec![rollcall_cache::UserState::Activated],
            limit: 1,
            ..Default::default()
        };
        c.users(&q, &th()).unwrap().rows.remove(0)
    };
    let access = Access::full("Administrator");
    let client = env.client();
    let p = plan(
        &cache.lock(),
        &access,
        ActionRequest::UserSuspend {
            user_id: user.id.clone(),
        },
    )
    .unwrap();
    assert!(p.confirm.is_none(), "suspending needs no native dialog");
    let out = execute(&client, &cache, &p, &actor()).await.unwrap();
    assert!(out.message.starts_with("Suspended"), "{}", out.message);
    {
        let c = cache.lock();
        assert_eq!(
            c.user_detail(&user.id).unwrap().unwrap().user.state,
            rollcall_cache::UserState::Suspended,
            "the cache shows the change at once"
        );
        let again = plan(
            &c,
            &access,
            ActionRequest::UserSuspend {
                user_id: user.id.clone(),
            },
        )
        .unwrap_err();
        assert!(again.to_string().contains("already suspended"), "{again}");
    }

    let p = plan(
        &cache.lock(),
        &access,
        ActionRequest::UserResetMfa {
            user_id: user.id.clone(),
        },
    )
    .unwrap();
    execute(&client, &cache, &p, &actor()).await.unwrap();
    let trail = cache
        .lock()
        .audit(&AuditQuery {
            target_id: Some(user.id.clone()),
            ..Default::default()
        })
        .unwrap();
    let actions: Vec<(&str, &str)> = trail.iter().map(|a| (a.action.as_str(), a.status.as_str())).collect();
    assert_eq!(actions, vec![("user.reset_mfa", "done"), ("user.suspend", "done")]);
    assert_eq!(requests(&env, "POST", "/state/suspend"), 1);
    assert_eq!(requests(&env, "POST", "/resetmfa"), 1);
}

#[tokio::test]
async fn device_rules_wipe_hostname_and_lost_answers() {
    let env = start(60).await;
    env.sync().await.unwrap();
    let cache = Mutex::new(env.cache());
    let access = Access::full("Administrator");
    let (linux, win) = {
        let c = cache.lock();
        let get = |os: &str| {
            c.systems(
                &SystemQuery {
                    os_families: vec![rollcall_cache::OsFamily::parse(os)],
                    limit: 1,
                    ..Default::default()
                },
                &th(),
            )
            .unwrap()
            .rows
            .remove(0)
        };
        (get("linux"), get("windows"))
    };
    let refused = plan(
        &cache.lock(),
        &access,
        ActionRequest::DeviceWipe {
            system_id: linux.id.clone(),
            typed_hostname: linux.hostname.clone(),
        },
    )
    .unwrap_err();
    assert_eq!(
        refused.to_string(),
        "Linux systems have no managed wipe; handle it manually."
    );

    let p = plan(
        &cache.lock(),
        &access,
        ActionRequest::DeviceLock {
            system_id: linux.id.clone(),
        },
    )
    .unwrap();
    let confirm = p.confirm.clone().expect("a lock is confirmed natively");
    assert_eq!(confirm.title, "Lock device");
    assert!(confirm.message.contains(&linux.hostname), "{}", confirm.message);

    // The answer to the lock is lost: sent once, recorded as unknown.
    env.sim.state.set_faults(Faults {
        reset_rate: 1.0,
        path_contains: Some("/builtin/lock".into()),
        ..Faults::default()
    });
    let e = execute(&env.client(), &cache, &p, &actor()).await.unwrap_err();
    assert!(
        matches!(e, ActionError::Api(jumpcloud::Error::OutcomeUnknown { .. })),
        "{e:?}"
    );
    assert_eq!(
        requests(&env, "POST", &format!("/systems/{}/command/builtin/lock", linux.id)),
        1
    );
    let trail = cache.lock().audit(&AuditQuery::default()).unwrap();
    assert_eq!(trail[0].status.as_str(), "unknown");
    assert!(trail[0].message.contains("Outcome unknown"), "{}", trail[0].message);
    env.sim.state.set_faults(Faults::default());

    let ro = Access {
        role: "Read Only".into(),
        user_edit: false,
        user_delete: false,
        groups: false,
        device_commands: false,
    };
    let no = plan(
        &cache.lock(),
        &ro,
        ActionRequest::DeviceRestart {
            system_id: win.id.clone(),
        },
    )
    .unwrap_err();
    assert!(no.to_string().contains("(Read Only) may not"), "{no}");
}

#[tokio::test]
async fn bulk_membership_changes_one_request_and_one_audit_row_per_member() {
    let env = start(40).await;
    env.sync().await.unwrap();
    let cache = Mutex::new(env.cache());
    let access = Access::full("Administrator");
    let (group, users) = {
        let c = cache.lock();
        let g = c
            .groups(None, None)
            .unwrap()
            .into_iter()
            .find(|g| g.group.kind == rollcall_cache::GroupKind::User)
            .expect("a user group");
        let (members, _) = c.group_members(&g.group.id).unwrap();
        let outside: Vec<String> = c
            .users(
                &UserQuery {
                    limit: 100,
                    ..Default::default()
                },
                &th(),
            )
            .unwrap()
            .rows
            .into_iter()
            .filter(|u| !members.iter().any(|m| m.id == u.id))
            .take(3)
            .map(|u| u.id)
            .collect();
        (g.group, outside)
    };
    assert_eq!(users.len(), 3);
    let req = ActionRequest::GroupMembers {
        group_id: group.id.clone(),
        member_ids: users.clone(),
        add: true,
    };
    let p = plan(&cache.lock(), &access, req).unwrap();
    let out = execute(&env.client(), &cache, &p, &actor()).await.unwrap();
    assert_eq!(
        out.status,
        rollcall_core::actions::ActionStatus::Done,
        "{}",
        out.message
    );
    assert!(out.message.starts_with("Added 3 of 3"), "{}", out.message);
    let (members, _) = cache.lock().group_members(&group.id).unwrap();
    assert!(
        users.iter().all(|u| members.iter().any(|m| &m.id == u)),
        "the cache shows the new members"
    );
    assert_eq!(requests(&env, "POST", &format!("/usergroups/{}/members", group.id)), 3);
    let trail = cache.lock().audit(&AuditQuery::default()).unwrap();
    assert_eq!(
        trail
            .iter()
            .filter(|a| a.action == rollcall_cache::AuditAction::GroupAddMembers
                && a.status == rollcall_cache::AuditStatus::Done)
            .count(),
        3
    );

    let req = ActionRequest::GroupMembers {
        group_id: group.id.clone(),
        member_ids: users[..1].to_vec(),
        add: false,
    };
    let p = plan(&cache.lock(), &access, req).unwrap();
    execute(&env.client(), &cache, &p, &actor()).await.unwrap();
    let (members, _) = cache.lock().group_members(&group.id).unwrap();
    assert!(!members.iter().any(|m| m.id == users[0]), "removed from the cache too");
}
