//! Every method, happy path and its refusals.

use crate::common::*;
use futures_util::StreamExt;
use jcsim::model::Role;
use jumpcloud::models::Command;
use jumpcloud::Error;
use serde_json::json;
use std::collections::BTreeSet;

#[tokio::test]
async fn users_list_get_search_and_lifecycle() {
    let env = start(260).await;
    let c = env.admin();
    let all = c.users().list_all().await.unwrap();
    assert_eq!(all.len(), 260, "every user, over three pages");
    assert_eq!(
        all.iter().map(|u| &u.id).collect::<BTreeSet<_>>().len(),
        260,
        "no duplicates"
    );
    let streamed: Vec<_> = c.users().list().collect().await;
    assert_eq!(streamed.len(), 260);
    let one = c.users().get(&all[7].id).await.unwrap();
    assert_eq!(one, all[7]);
    let by_email = c.users().find_by("email", &all[7].email).await.unwrap();
    assert_eq!(by_email.len(), 1);
    let found = c.users().search(&all[7].username, &["username"]).await.unwrap();
    assert!(found.iter().any(|u| u.id == all[7].id));

    let created = c
        .users()
        .create(&json!({"username": "client.new", "email": "client.new@x.example", "firstname": "Cli"}))
        .await
        .unwrap();
    assert_eq!(created.state.as_deref(), Some("STAGED"));
    let dup = c
        .users()
        .create(&json!({"username": "client.new", "email": "other@x.example"}))
        .await
        .unwrap_err();
    assert!(
        matches!(&dup, Error::BadRequest { status: 400, message } if message.contains("already exists")),
        "{dup:?}"
    );
    c.users().activate(&created.id, false).await.unwrap();
    c.users().suspend(&created.id).await.unwrap();
    assert!(c.users().get(&created.id).await.unwrap().suspended);
    let back = c.users().unsuspend(&created.id).await.unwrap();
    assert_eq!(back.state.as_deref(), Some("ACTIVATED"));
    let updated = c
        .users()
        .update(&created.id, &json!({"department": "Ops"}))
        .await
        .unwrap();
    assert_eq!(updated.department.as_deref(), Some("Ops"));
    assert!(
        matches!(c.users().totp_info(&created.id).await, Err(Error::NotFound { .. })),
        "not enrolled"
    );
    let enrolled = env.user_where(|u| u.totp_enabled && u.state == "ACTIVATED");
    assert!(c.users().totp_info(&enrolled).await.unwrap().enrollment_date.is_some());
    c.users().unlock(&enrolled).await.unwrap();
    c.users().reset_mfa(&enrolled).await.unwrap();
    c.users().expire_password(&enrolled).await.unwrap();
    c.users().resend_email(&enrolled, "x@y.example").await.unwrap();
    let after = c.users().get(&enrolled).await.unwrap();
    assert!(!after.totp_enabled && after.password_expired);
    assert!(!c.users().groups(&enrolled).await.unwrap().is_empty());
    assert!(!c.users().applications(&enrolled).await.unwrap().is_empty());
    let bound = env.user_where(|_| true);
    let _ = c.users().systems(&bound).await.unwrap();
    c.users().delete(&created.id).await.unwrap();
    assert!(matches!(c.users().get(&created.id).await, Err(Error::NotFound { .. })));
}

#[tokio::test]
async fn refusals_map_to_the_right_errors() {
    let env = start(40).await;
    let user = env.user_where(|u| u.state == "ACTIVATED");
    let ro = env.client(Role::ReadOnly);
    match ro.users().suspend(&user).await.unwrap_err() {
        Error::Forbidden { operation, message } => {
            assert_eq!(operation, "suspend users");
            assert!(message.contains("Read Only"), "{message}");
        }
        e => panic!("expected Forbidden, got {e:?}"),
    }
    let mut bad = env.config(Role::Administrator);
    bad.api_key = jumpcloud::ApiKey::new("0000000000000000000000000000000000000000");
    let e = jumpcloud::Client::new(bad)
        .unwrap()
        .users()
        .list_all()
        .await
        .unwrap_err();
    assert!(matches!(e, Error::Unauthorized { status: 401, .. }), "{e:?}");
    assert!(e.to_string().contains("refused the API key"));
    let mac = env.system_where(|s| s.os_family == "darwin");
    let e = env.admin().systems().lock(&mac).await.unwrap_err();
    assert!(
        matches!(&e, Error::BadRequest { message, .. } if message.contains("Apple MDM")),
        "{e:?}"
    );
    let e = env.admin().users().get("000000000000000000000000").await.unwrap_err();
    assert!(matches!(e, Error::NotFound { .. }));
    let e = env.admin().user_groups().create("All Staff", "").await.unwrap_err();
    assert!(matches!(e, Error::Conflict { .. }), "{e:?}");
    let e = jumpcloud::Client::new(jumpcloud::ClientConfig::new(
        jumpcloud::Endpoints::custom("not a url"),
        jumpcloud::ApiKey::new("k"),
    ))
    .unwrap_err();
    assert!(matches!(e, Error::Config(_)));
}

#[tokio::test]
async fn multi_tenant_keys_send_the_org_id() {
    let env = start(30).await;
    let (key, orgs) = {
        let w = env.sim.state.world.read().unwrap();
        let a = w.admins.iter().find(|a| a.multi_tenant).unwrap();
        (a.api_key.clone(), a.org_ids.clone())
    };
    let cfg = |org: Option<&str>| {
        let mut c = env.config(Role::Administrator);
        c.api_key = jumpcloud::ApiKey::new(&key);
        c.org_id = org.map(String::from);
        jumpcloud::Client::new(c).unwrap()
    };
    assert!(
        matches!(cfg(None).users().list_all().await, Err(Error::Unauthorized { .. })),
        "no org id"
    );
    assert!(matches!(
        cfg(Some("000000000000000000000000")).users().list_all().await,
        Err(Error::NotFound { .. })
    ));
    assert_eq!(cfg(Some(&orgs[1])).users().list_all().await.unwrap().len(), 20);
    assert_eq!(cfg(Some(&orgs[0])).organizations().list_all().await.unwrap().len(), 2);
}

#[tokio::test]
async fn groups_members_and_graph() {
    let env = start(300).await;
    let c = env.admin();
    let groups = c.user_groups().list_all().await.unwrap();
    let all_staff = groups.iter().find(|g| g.name == "All Staff").unwrap();
    let members = c.user_groups().members(&all_staff.id).await.unwrap();
    assert!(members.len() > 100, "paged past 100 members: {}", members.len());
    let membership = c.user_groups().membership(&all_staff.id).await.unwrap();
    assert_eq!(membership.len(), members.len());
    let g = c
        .user_groups()
        .create("Client test", "made by the client tests")
        .await
        .unwrap();
    let u = env.user_where(|u| u.state == "ACTIVATED");
    c.user_groups().add_member(&g.id, &u).await.unwrap();
    assert!(
        matches!(c.user_groups().add_member(&g.id, &u).await, Err(Error::Conflict { .. })),
        "a first-try duplicate add is a conflict"
    );
    assert_eq!(c.user_groups().members(&g.id).await.unwrap()[0].to.id, u);
    c.user_groups().remove_member(&g.id, &u).await.unwrap();
    assert!(c.user_groups().members(&g.id).await.unwrap().is_empty());
    let renamed = c
        .user_groups()
        .update(&g.id, &json!({"name": "Client test 2"}))
        .await
        .unwrap();
    assert_eq!(renamed.name, "Client test 2");
    assert_eq!(c.user_groups().get(&g.id).await.unwrap().name, "Client test 2");
    c.user_groups().delete(&g.id).await.unwrap();

    let sgs = c.system_groups().list_all().await.unwrap();
    let linux = sgs.iter().find(|g| g.name == "Linux Servers").unwrap();
    let assoc = c.system_groups().associations(&linux.id, "user_group").await.unwrap();
    assert!(!assoc.is_empty(), "user groups are bound to Linux Servers");
    let sys = env.system_where(|s| s.os_family == "windows");
    c.system_groups().add_member(&sgs[0].id, &sys).await.ok();
    assert!(c
        .system_groups()
        .members(&sgs[0].id)
        .await
        .unwrap()
        .iter()
        .any(|m| m.to.id == sys));
}

#[tokio::test]
async fn systems_insights_and_device_actions() {
    let env = start(120).await;
    let c = env.admin();
    let systems = c.systems().list_all().await.unwrap();
    assert_eq!(systems.len(), 120);
    let win = systems
        .iter()
        .find(|s| s.os_family.as_deref() == Some("windows"))
        .unwrap();
    assert_eq!(c.systems().get(&win.id).await.unwrap().id, win.id);
    assert!(!c
        .systems()
        .search(json!([{"osFamily": "windows"}]))
        .await
        .unwrap()
        .is_empty());
    let renamed = c
        .systems()
        .update(&win.id, &json!({"displayName": "renamed"}))
        .await
        .unwrap();
    assert_eq!(renamed.display_name.as_deref(), Some("renamed"));
    let user = c
        .users()
        .create(&json!({"username": "bind.me", "email": "bind.me@x.example"}))
        .await
        .unwrap()
        .id;
    c.systems().bind_user(&win.id, &user, false).await.unwrap();
    let bound = c.systems().users(&win.id).await.unwrap();
    assert!(bound.iter().any(|u| u.id == user && u.is_direct()));
    c.systems().unbind_user(&win.id, &user).await.unwrap();
    let _ = c.systems().groups(&win.id).await.unwrap();
    for (name, f) in [("lock", 0), ("restart", 1), ("shutdown", 2), ("erase", 3)] {
        let r = match f {
            0 => c.systems().lock(&win.id).await,
            1 => c.systems().restart(&win.id).await,
            2 => c.systems().shutdown(&win.id).await,
            _ => c.systems().erase(&win.id).await,
        };
        r.unwrap_or_else(|e| panic!("{name}: {e}"));
        assert_eq!(env.requests("POST", &format!("/builtin/{name}")).len(), 1);
    }
    let info = c.insights().system_info(None).await.unwrap();
    assert!(info.len() > 100 && info.iter().all(|r| r.hardware_model.is_some()));
    let ids: Vec<String> = info.iter().take(3).map(|r| r.system_id.clone()).collect();
    assert_eq!(c.insights().os_version(Some(&ids)).await.unwrap().len(), 3);
    assert!(!c.insights().disk_encryption(None).await.unwrap().is_empty());
    assert!(!c.insights().bitlocker_info(None).await.unwrap().is_empty());
    assert!(!c.insights().users(None).await.unwrap().is_empty());
    assert_eq!(
        env.requests("GET", "/systeminsights/system_info").len(),
        1,
        "one 10,000-row page"
    );

    let mdms = c.apple_mdm().list().await.unwrap();
    let devices = c.apple_mdm().devices(&mdms[0].id).await.unwrap();
    let dev = &devices[0].id;
    let bad = c.apple_mdm().lock(&mdms[0].id, dev, "12").await;
    assert!(matches!(bad, Err(Error::BadRequest { .. })) || devices[0].device_information.is_some());
    c.apple_mdm().lock(&mdms[0].id, dev, "123456").await.unwrap();
    c.apple_mdm().restart(&mdms[0].id, dev).await.unwrap();
    c.apple_mdm().shutdown(&mdms[0].id, dev).await.unwrap();
    c.apple_mdm().erase(&mdms[0].id, dev, "654321").await.unwrap();
    let gone = c.systems().delete(&win.id).await.unwrap();
    assert_eq!(gone.id, win.id);
}

#[tokio::test]
async fn applications_commands_admins_and_events() {
    let env = start(80).await;
    let c = env.admin();
    let apps = c.applications().list_all().await.unwrap();
    assert_eq!(apps.len(), 12);
    assert_eq!(c.applications().get(&apps[0].id).await.unwrap().id, apps[0].id);
    assert!(!c.applications().users(&apps[0].id).await.unwrap().is_empty());
    assert!(!c.applications().user_groups(&apps[0].id).await.unwrap().is_empty());
    let u = env.user_where(|u| u.state == "ACTIVATED");
    c.applications().assign_user(&apps[5].id, &u).await.ok();
    assert!(c
        .applications()
        .associations(&apps[5].id, "user")
        .await
        .unwrap()
        .iter()
        .any(|a| a.to.id == u));
    c.applications().unassign_user(&apps[5].id, &u).await.unwrap();
    let g = c
        .user_groups()
        .list_all()
        .await
        .unwrap()
        .into_iter()
        .find(|g| g.name == "Sales")
        .unwrap();
    c.applications().assign_group(&apps[1].id, &g.id).await.unwrap();
    c.applications().unassign_group(&apps[1].id, &g.id).await.unwrap();

    let cmd = c
        .commands()
        .create(&Command {
            name: "Uptime".into(),
            command: "uptime".into(),
            command_type: "linux".into(),
            user: "000000000000000000000000".into(),
            ..Default::default()
        })
        .await
        .unwrap();
    assert_eq!(c.commands().get(&cmd.id).await.unwrap().name, "Uptime");
    assert!(c.commands().list_all().await.unwrap().iter().any(|x| x.id == cmd.id));
    let linux = env.system_where(|s| s.os_family == "linux");
    c.commands().bind(&cmd.id, "system", &linux).await.unwrap();
    let run = c.commands().run(&cmd.id, &[]).await.unwrap();
    assert_eq!(run.queue_ids.len(), 1);
    assert_eq!(
        c.commands().results(&cmd.id).await.unwrap()[0].system_id.as_deref(),
        Some(linux.as_str())
    );
    c.commands()
        .update(&cmd.id, &json!({"name": "Uptime 2"}))
        .await
        .unwrap();
    c.commands().unbind(&cmd.id, "system", &linux).await.unwrap();
    c.commands().delete(&cmd.id).await.unwrap();

    let provider = env.sim.state.world.read().unwrap().provider_id.clone();
    let admins = c.admins().list(&provider).await.unwrap();
    assert!(admins.iter().any(|a| a.role_name.as_deref() == Some("Read Only")));
    assert_eq!(c.admins().roles().await.unwrap().len(), 6);
    let orgs = c.organizations().list_all().await.unwrap();
    assert_eq!(c.organizations().get(&orgs[0].id).await.unwrap().id, orgs[0].id);

    let q = json!({"service": ["all"], "start_time": "2026-08-01T00:00:00Z", "limit": 500});
    let count = c.insights().events_count(q.clone()).await.unwrap();
    let events: Vec<_> = c.insights().events(q).collect().await;
    assert_eq!(events.len() as u64, count, "the cursor reaches every event");
    assert!(events.iter().all(|e| e.is_ok()));
    let username = {
        let w = env.sim.state.world.read().unwrap();
        w.orgs[0].users[&u].rec().username
    };
    let last = c
        .insights()
        .last_login(&username, "2026-08-01T00:00:00Z")
        .await
        .unwrap();
    if let Some(e) = last {
        assert_eq!(e.event_type.as_deref(), Some("user_login_attempt"));
    }

    let (status, body) = c
        .call(jumpcloud::Method::GET, "/api/v2/usergroups?limit=2", None)
        .await
        .unwrap();
    assert_eq!(
        (status.as_u16(), body.as_array().map(|a| a.len())),
        (200, Some(2)),
        "the any-endpoint console"
    );
    assert!(matches!(
        c.call(jumpcloud::Method::GET, "/nope", None).await,
        Err(Error::Config(_))
    ));
}
