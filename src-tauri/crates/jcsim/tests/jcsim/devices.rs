//! Devices, groups and graph paths, System and Directory Insights, commands; unknown routes.

use crate::common::*;
use jcsim::model::Role;
use reqwest::{Method, StatusCode};
use serde_json::{json, Value};
use std::collections::BTreeSet;

#[tokio::test]
async fn device_actions_follow_the_os_rules_and_are_logged() {
    let env = start(80).await;
    let mac = {
        let w = env.sim.state.world.read().unwrap();
        w.orgs[0]
            .system_extra
            .iter()
            .find(|(_, x)| x.os_family == "darwin" && x.apple_mdm.is_some())
            .unwrap()
            .0
            .clone()
    };
    let windows = env.system_where(|s| s.os_family == "windows");
    let (s, _, body) = env
        .call(
            Role::Administrator,
            Method::POST,
            &format!("/api/systems/{mac}/command/builtin/lock"),
            None,
        )
        .await;
    assert_eq!(s, StatusCode::BAD_REQUEST, "builtin lock on macOS is refused");
    assert!(body["message"].as_str().unwrap().contains("Use Apple MDM"), "{body}");
    let (s, _, body) = env
        .call(
            Role::Administrator,
            Method::POST,
            &format!("/api/systems/{windows}/command/builtin/erase"),
            None,
        )
        .await;
    assert_eq!(
        (s, body),
        (StatusCode::CREATED, serde_json::Value::Null),
        "201, no body"
    );
    assert_eq!(
        env.count_requests("POST", &format!("/api/systems/{windows}/command/builtin/erase")),
        1,
        "the request log shows exactly one erase"
    );

    let (mdm, dev) = {
        let w = env.sim.state.world.read().unwrap();
        let link = w.orgs[0].system_extra[&mac].apple_mdm.clone().unwrap();
        (link.mdm_id, link.device_id)
    };
    let devices = env.get(&format!("/api/v2/applemdms/{mdm}/devices?limit=100")).await;
    assert!(devices.as_array().unwrap().iter().any(|d| d["id"] == dev.as_str()));
    let lock = format!("/api/v2/applemdms/{mdm}/devices/{dev}/lock");
    for pin in [json!({}), json!({"pin": "12345"}), json!({"pin": "abcdef"})] {
        let (s, _, _) = env
            .call(Role::Administrator, Method::POST, &lock, Some(pin.clone()))
            .await;
        assert_eq!(s, StatusCode::BAD_REQUEST, "pin {pin}");
    }
    let (s, _, _) = env
        .call(Role::Administrator, Method::POST, &lock, Some(json!({"pin": "123456"})))
        .await;
    assert_eq!(s, StatusCode::NO_CONTENT);
}

#[tokio::test]
async fn groups_members_and_graph_paths() {
    let env = start(80).await;
    let admin = Role::Administrator;
    let (s, _, g) = env
        .call(
            admin,
            Method::POST,
            "/api/v2/usergroups",
            Some(json!({"name": "Leavers"})),
        )
        .await;
    assert_eq!(s, StatusCode::CREATED);
    let gid = g["id"].as_str().unwrap().to_string();
    let (s, _, _) = env
        .call(
            admin,
            Method::POST,
            "/api/v2/usergroups",
            Some(json!({"name": "Leavers"})),
        )
        .await;
    assert_eq!(s, StatusCode::CONFLICT);
    let user = env.user_where(|u| u.state == "ACTIVATED");
    let members = format!("/api/v2/usergroups/{gid}/members");
    let add = json!({"op": "add", "type": "user", "id": user});
    let (s, _, _) = env.call(admin, Method::POST, &members, Some(add.clone())).await;
    assert_eq!(s, StatusCode::NO_CONTENT);
    let (s, _, _) = env.call(admin, Method::POST, &members, Some(add)).await;
    assert_eq!(s, StatusCode::CONFLICT, "adding twice");
    let (s, _, _) = env
        .call(
            admin,
            Method::POST,
            &members,
            Some(json!({"op": "add", "type": "system", "id": user})),
        )
        .await;
    assert_eq!(s, StatusCode::BAD_REQUEST, "wrong member type");
    let list = env.get(&members).await;
    assert_eq!(
        list,
        json!([{"attributes": null, "to": {"attributes": null, "id": user, "type": "user"}}])
    );
    let memberof = env.get(&format!("/api/v2/users/{user}/memberof?limit=100")).await;
    assert!(memberof
        .as_array()
        .unwrap()
        .iter()
        .any(|g| g["id"] == gid.as_str() && g["type"] == "user_group" && g["paths"][0][0]["to"]["id"] == gid.as_str()));

    // A Linux server reached through Admins - Local Sudo → Linux Servers: a 3-hop path.
    let linux = env.system_where(|s| s.os_family == "linux");
    let users = env.get(&format!("/api/v2/systems/{linux}/users?limit=100")).await;
    let hops: BTreeSet<usize> = users
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|u| {
            u["paths"]
                .as_array()
                .unwrap()
                .iter()
                .map(|p| p.as_array().unwrap().len())
        })
        .collect();
    assert!(
        hops.contains(&3),
        "Engineering reaches every Linux server through the Linux Servers group: {users}"
    );
    let (bound, owner) = {
        let w = env.sim.state.world.read().unwrap();
        let s = w.orgs[0]
            .systems
            .values()
            .find(|s| s.rec().primary_system_user.is_some() && s.rec().os_family != "linux")
            .unwrap();
        (s.rec().id.clone(), s.rec().primary_system_user.clone().unwrap().id)
    };
    let users = env.get(&format!("/api/v2/systems/{bound}/users?limit=100")).await;
    let direct = users
        .as_array()
        .unwrap()
        .iter()
        .find(|u| u["id"] == owner.as_str())
        .expect("the owner is bound");
    assert_eq!(
        direct["paths"][0].as_array().unwrap().len(),
        1,
        "a direct binding is a 1-hop path"
    );
    assert!(direct["compiledAttributes"]["sudo"].is_object());
    let systems = env.get(&format!("/api/v2/users/{owner}/systems?limit=100")).await;
    assert!(systems.as_array().unwrap().iter().any(|s| s["id"] == bound.as_str()));
}

#[tokio::test]
async fn system_insights_bulk_pages_and_filters() {
    let env = start(150).await;
    let (s, _, _) = env
        .call(
            Role::ReadOnly,
            Method::GET,
            "/api/v2/systeminsights/system_info?limit=10001",
            None,
        )
        .await;
    assert_eq!(s, StatusCode::BAD_REQUEST, "System Insights allows up to 10000");
    let (s, h, rows) = env
        .call(
            Role::ReadOnly,
            Method::GET,
            "/api/v2/systeminsights/system_info?limit=10000",
            None,
        )
        .await;
    assert_eq!(s, StatusCode::OK);
    let total: usize = h["x-total-count"].to_str().unwrap().parse().unwrap();
    assert_eq!(
        rows.as_array().unwrap().len(),
        total,
        "one page of 10000 holds them all"
    );
    let ids: Vec<String> = rows
        .as_array()
        .unwrap()
        .iter()
        .take(2)
        .map(|r| r["system_id"].as_str().unwrap().to_string())
        .collect();
    let two = env
        .get(&format!(
            "/api/v2/systeminsights/os_version?filter=system_id:in:{}|{}",
            ids[0], ids[1]
        ))
        .await;
    assert_eq!(two.as_array().unwrap().len(), 2);
    let (s, _, _) = env
        .call(
            Role::ReadOnly,
            Method::GET,
            "/api/v2/systeminsights/os_version?filter=name:eq:x",
            None,
        )
        .await;
    assert_eq!(s, StatusCode::BAD_REQUEST, "only system_id filters");
    let bl = env.get("/api/v2/systeminsights/bitlocker_info?limit=1000").await;
    let w = env.sim.state.world.read().unwrap();
    assert!(bl
        .as_array()
        .unwrap()
        .iter()
        .all(|r| w.orgs[0].systems[r["system_id"].as_str().unwrap()].rec().os_family == "windows"));
}

#[tokio::test]
async fn directory_insights_history_cursor_and_action_events() {
    let env = start(40).await;
    let di = "/insights/directory/v1/events";
    let (s, _, body) = env
        .call(
            Role::ReadOnly,
            Method::POST,
            di,
            Some(json!({"start_time": "2026-08-01T00:00:00Z"})),
        )
        .await;
    assert_eq!(
        (s, body["message"].as_str().unwrap().starts_with("service is required")),
        (StatusCode::BAD_REQUEST, true)
    );
    let q = json!({"service": ["all"], "start_time": "2026-08-01T00:00:00Z"});
    let (_, _, count) = env
        .call(Role::ReadOnly, Method::POST, &format!("{di}/count"), Some(q.clone()))
        .await;
    let count = count["count"].as_u64().unwrap() as usize;
    assert!(count > 100, "a 90-day login history is seeded: {count}");
    let mut got = 0;
    let mut after: Option<Value> = None;
    let mut pages = 0;
    loop {
        let mut body = json!({"service": ["all"], "start_time": "2026-08-01T00:00:00Z", "limit": 100});
        if let Some(a) = &after {
            body["search_after"] = a.clone();
        }
        let (s, h, page) = env.call(Role::ReadOnly, Method::POST, di, Some(body)).await;
        assert_eq!(s, StatusCode::OK);
        let n: usize = h["x-result-count"].to_str().unwrap().parse().unwrap();
        assert_eq!(n, page.as_array().unwrap().len());
        got += n;
        pages += 1;
        if n < 100 {
            break;
        }
        after = Some(serde_json::from_str(h["x-search_after"].to_str().unwrap()).unwrap());
    }
    assert_eq!(got, count, "the cursor visits every event once ({pages} pages)");

    let user = env.user_where(|u| u.state == "ACTIVATED");
    env.call(
        Role::Administrator,
        Method::POST,
        &format!("/api/systemusers/{user}/resetmfa"),
        None,
    )
    .await;
    let (_, _, evs) = env
        .call(Role::ReadOnly, Method::POST, di, Some(json!({"service": ["directory"], "start_time": "2026-11-01T00:00:00Z", "sort": "DESC", "search_term": {"and": [{"event_type": "user_mfa_reset"}, {"resource.id": user}]}})))
        .await;
    assert_eq!(
        evs.as_array().unwrap().len(),
        1,
        "the action shows up as an event: {evs}"
    );
    let last_login = json!({"service": ["directory"], "start_time": "2026-08-01T00:00:00Z", "sort": "DESC", "limit": 1, "search_term": {"and": [{"event_type": "user_login_attempt"}]}});
    let (_, _, ll) = env.call(Role::ReadOnly, Method::POST, di, Some(last_login)).await;
    assert_eq!(ll[0]["event_type"], "user_login_attempt");
}

#[tokio::test]
async fn commands_bind_run_and_report() {
    let env = start(40).await;
    let admin = Role::Administrator;
    let (s, _, _) = env
        .call(
            admin,
            Method::POST,
            "/api/commands",
            Some(json!({"name": "x", "command": "uptime", "commandType": "linux"})),
        )
        .await;
    assert_eq!(s, StatusCode::BAD_REQUEST, "linux commands need a user");
    let (s, _, c) = env.call(admin, Method::POST, "/api/commands", Some(json!({"name": "Uptime", "command": "uptime", "commandType": "linux", "user": "000000000000000000000000", "timeout": 60}))).await;
    assert_eq!(s, StatusCode::OK, "{c}");
    let cid = c["_id"].as_str().unwrap();
    let linux = env.system_where(|s| s.os_family == "linux");
    let (s, _, _) = env
        .call(
            admin,
            Method::POST,
            &format!("/api/v2/commands/{cid}/associations"),
            Some(json!({"op": "add", "type": "system", "id": linux})),
        )
        .await;
    assert_eq!(s, StatusCode::NO_CONTENT);
    let (_, _, run) = env
        .call(admin, Method::POST, "/api/runCommand", Some(json!({"_id": cid})))
        .await;
    assert_eq!(
        run["queueIds"].as_array().unwrap().len(),
        1,
        "runs on the bound system: {run}"
    );
    let results = env.get(&format!("/api/commands/{cid}/results")).await;
    assert_eq!(results[0]["systemId"], linux.as_str());
}

#[tokio::test]
async fn unknown_routes_fail_loudly() {
    let env = start(20).await;
    let (s, _, body) = env
        .call(Role::Administrator, Method::GET, "/api/v2/nothing-here", None)
        .await;
    assert_eq!(s, StatusCode::NOT_FOUND);
    assert_eq!(body["message"], "jcsim does not serve GET /api/v2/nothing-here");
}
