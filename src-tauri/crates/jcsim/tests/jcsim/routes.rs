//! Routes, envelopes, paging, filters, roles and refusals, as JumpCloud answers them.

use crate::common::*;
use jcsim::model::Role;
use reqwest::{Method, StatusCode};
use serde_json::{json, Value};
use std::collections::BTreeSet;

#[tokio::test]
async fn a_request_without_a_valid_key_gets_jumpclouds_401() {
    let env = start(40).await;
    for key in [None, Some("0000000000000000000000000000000000000000")] {
        let (s, _, body) = env.call_with(key, None, Method::GET, "/api/systemusers", None).await;
        assert_eq!(s, StatusCode::UNAUTHORIZED);
        assert_eq!(
            body,
            json!({"code": 401, "message": "Unauthorized", "status": "Unauthorized"})
        );
    }
    let (s, _, body) = env
        .call_with(
            None,
            None,
            Method::POST,
            "/insights/directory/v1/events",
            Some(json!({})),
        )
        .await;
    assert_eq!(s, StatusCode::UNAUTHORIZED);
    assert_eq!(
        body,
        json!({"message": "Unauthorized"}),
        "Directory Insights errors are {{message}}"
    );
}

#[tokio::test]
async fn limits_envelopes_and_totals() {
    let env = start(120).await;
    let (s, _, body) = env
        .call(Role::ReadOnly, Method::GET, "/api/systemusers?limit=101", None)
        .await;
    assert_eq!(s, StatusCode::BAD_REQUEST);
    assert_eq!(
        body["message"],
        "Bad Request: request parameter \"limit\" exceeds maximum value of 100"
    );

    let v1 = env.get("/api/systemusers").await;
    assert_eq!(v1["totalCount"], 120, "v1 lists carry totalCount");
    assert_eq!(v1["results"].as_array().unwrap().len(), 10, "limit defaults to 10");

    let (s, h, body) = env
        .call(Role::ReadOnly, Method::GET, "/api/v2/usergroups?limit=3", None)
        .await;
    assert_eq!(s, StatusCode::OK);
    assert!(body.is_array(), "v2 lists are bare arrays");
    let total: usize = h["x-total-count"].to_str().unwrap().parse().unwrap();
    assert!(total >= 6 && body.as_array().unwrap().len() == 3);
}

#[tokio::test]
async fn paging_by_skip_with_sort_id_returns_every_user_once() {
    let env = start(250).await;
    let mut seen = BTreeSet::new();
    let mut skip = 0;
    loop {
        let page = env
            .get(&format!("/api/systemusers?limit=100&skip={skip}&sort=_id"))
            .await;
        let items = page["results"].as_array().unwrap().clone();
        if items.is_empty() {
            break;
        }
        for u in &items {
            assert!(
                seen.insert(u["_id"].as_str().unwrap().to_string()),
                "duplicate {}",
                u["_id"]
            );
        }
        skip += items.len();
    }
    assert_eq!(seen.len(), 250);
    let ids: Vec<&String> = seen.iter().collect();
    let first = env.get("/api/systemusers?limit=1&sort=-_id").await;
    assert_eq!(
        first["results"][0]["_id"].as_str().unwrap(),
        ids.last().unwrap().as_str(),
        "-_id sorts descending"
    );
}

#[tokio::test]
async fn sort_fields_filters_and_search() {
    let env = start(200).await;
    let page = env
        .get("/api/systemusers?limit=100&sort=lastname%20firstname&fields=lastname%20firstname")
        .await;
    let names: Vec<String> = page["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|u| u["lastname"].as_str().unwrap().to_lowercase())
        .collect();
    let mut sorted = names.clone();
    sorted.sort();
    assert_eq!(names, sorted, "sort=lastname");
    let keys: BTreeSet<String> = page["results"][0].as_object().unwrap().keys().cloned().collect();
    assert_eq!(
        keys,
        ["_id", "firstname", "lastname"].iter().map(|s| s.to_string()).collect(),
        "fields keeps only what was asked (and _id)"
    );

    let suspended = env.get("/api/systemusers?limit=100&filter=state:$eq:SUSPENDED").await;
    let n = suspended["totalCount"].as_u64().unwrap();
    assert!(
        n > 0
            && suspended["results"]
                .as_array()
                .unwrap()
                .iter()
                .all(|u| u["state"] == "SUSPENDED")
    );
    let in_filter = env
        .get("/api/systemusers?limit=1&filter=state:$in:SUSPENDED|STAGED")
        .await;
    assert!(
        in_filter["totalCount"].as_u64().unwrap() > n,
        "$in takes |-separated values"
    );

    let macs = env.get("/api/v2/systemgroups?filter=name:eq:All%20Macs").await;
    assert_eq!(macs.as_array().unwrap().len(), 1, "v2 filter");
    let (s, _, _) = env
        .call(
            Role::ReadOnly,
            Method::GET,
            "/api/systemusers?filter=state:eq:SUSPENDED",
            None,
        )
        .await;
    assert_eq!(s, StatusCode::BAD_REQUEST, "v1 filters need the $ operator");

    let some = env.get("/api/systemusers?limit=1").await["results"][0].clone();
    let found = env
        .get(&format!("/api/systemusers?search={}", some["email"].as_str().unwrap()))
        .await;
    assert_eq!(found["results"][0]["_id"], some["_id"], "search finds by email");
    let (s, _, body) = env
        .call(
            Role::ReadOnly,
            Method::POST,
            "/api/search/systemusers",
            Some(json!({"filter": [{"username": some["username"]}]})),
        )
        .await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(body["totalCount"], 1);
}

#[tokio::test]
async fn user_lifecycle_and_refusals() {
    let env = start(60).await;
    let admin = Role::Administrator;
    let (s, _, body) = env
        .call(
            admin,
            Method::POST,
            "/api/systemusers",
            Some(json!({"username": "new.hire"})),
        )
        .await;
    assert_eq!(
        (s, body["message"].as_str().unwrap()),
        (StatusCode::BAD_REQUEST, "Bad Request: email is required")
    );
    let (s, _, u) = env
        .call(
            admin,
            Method::POST,
            "/api/systemusers",
            Some(json!({"username": "new.hire", "email": "new.hire@x.example", "firstname": "New"})),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{u}");
    assert_eq!(u["state"], "STAGED", "a new user is staged until activated");
    let id = u["_id"].as_str().unwrap().to_string();
    let (s, _, dup) = env
        .call(
            admin,
            Method::POST,
            "/api/systemusers",
            Some(json!({"username": "new.hire", "email": "other@x.example"})),
        )
        .await;
    assert_eq!(s, StatusCode::BAD_REQUEST);
    assert!(
        dup["message"].as_str().unwrap().starts_with("User already exists"),
        "{dup}"
    );
    assert!(dup["details"].is_array(), "v1 create errors are ErrorDetails");

    let (s, _, _) = env
        .call(
            admin,
            Method::POST,
            &format!("/api/systemusers/{id}/state/suspend"),
            None,
        )
        .await;
    assert_eq!(s, StatusCode::BAD_REQUEST, "a STAGED user cannot be suspended");
    let (s, _, body) = env
        .call(
            admin,
            Method::POST,
            &format!("/api/systemusers/{id}/state/activate"),
            Some(json!({"email": false})),
        )
        .await;
    assert_eq!(
        (s, body.is_string()),
        (StatusCode::OK, true),
        "activate answers a bare string"
    );
    let (s, _, _) = env
        .call(
            admin,
            Method::POST,
            &format!("/api/systemusers/{id}/state/suspend"),
            Some(json!({"x": 1})),
        )
        .await;
    assert_eq!(s, StatusCode::BAD_REQUEST, "suspend must have an empty body");
    let (s, _, _) = env
        .call(
            admin,
            Method::POST,
            &format!("/api/systemusers/{id}/state/suspend"),
            None,
        )
        .await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(env.get(&format!("/api/systemusers/{id}")).await["state"], "SUSPENDED");
    let (s, _, u) = env
        .call(
            admin,
            Method::PUT,
            &format!("/api/systemusers/{id}"),
            Some(json!({"state": "ACTIVATED", "department": "Ops"})),
        )
        .await;
    assert_eq!(
        (
            s,
            u["state"].as_str(),
            u["suspended"].as_bool(),
            u["department"].as_str()
        ),
        (StatusCode::OK, Some("ACTIVATED"), Some(false), Some("Ops"))
    );
    let (s, _, _) = env
        .call(
            admin,
            Method::PUT,
            &format!("/api/systemusers/{id}"),
            Some(json!({"state": "STAGED"})),
        )
        .await;
    assert_eq!(s, StatusCode::BAD_REQUEST, "PUT may only set ACTIVATED or SUSPENDED");

    let (s, _, _) = env
        .call(admin, Method::GET, &format!("/api/systemusers/{id}/totpinfo"), None)
        .await;
    assert_eq!(s, StatusCode::NOT_FOUND, "no TOTP enrolled");
    let enrolled = env.user_where(|u| u.totp_enabled);
    assert!(env.get(&format!("/api/systemusers/{enrolled}/totpinfo")).await["enrollmentDate"].is_string());
    for action in ["unlock", "resetmfa", "expire"] {
        let (s, _, body) = env
            .call(
                admin,
                Method::POST,
                &format!("/api/systemusers/{enrolled}/{action}"),
                None,
            )
            .await;
        assert_eq!((s, body.is_string()), (StatusCode::OK, true), "{action}");
    }
    let after = env.get(&format!("/api/systemusers/{enrolled}")).await;
    assert_eq!(
        (after["totp_enabled"].as_bool(), after["password_expired"].as_bool()),
        (Some(false), Some(true))
    );

    let manager = {
        let w = env.sim.state.world.read().unwrap();
        w.orgs[0].users.values().find_map(|u| u.rec().manager.clone()).unwrap()
    };
    let (s, _, _) = env
        .call(admin, Method::DELETE, &format!("/api/systemusers/{manager}"), None)
        .await;
    assert_eq!(s, StatusCode::CONFLICT, "a manager of others needs cascade_manager");
    let (s, _, _) = env
        .call(
            admin,
            Method::DELETE,
            &format!("/api/systemusers/{manager}?cascade_manager=null"),
            None,
        )
        .await;
    assert_eq!(s, StatusCode::OK);
    let (s, _, _) = env
        .call(admin, Method::GET, &format!("/api/systemusers/{manager}"), None)
        .await;
    assert_eq!(s, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn roles_refuse_the_writes_they_may_not_make() {
    let env = start(40).await;
    let user = env.user_where(|u| u.state == "ACTIVATED");
    let windows = env.system_where(|s| s.os_family == "windows");
    let suspend = format!("/api/systemusers/{user}/state/suspend");
    let (s, _, body) = env.call(Role::ReadOnly, Method::POST, &suspend, None).await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    assert!(
        body["message"].as_str().unwrap().contains("Read Only"),
        "the 403 names the role: {body}"
    );
    let (s, _, _) = env
        .call(
            Role::HelpDesk,
            Method::POST,
            &format!("/api/systemusers/{user}/unlock"),
            None,
        )
        .await;
    assert_eq!(s, StatusCode::OK, "Help Desk may unlock");
    let (s, _, _) = env
        .call(
            Role::HelpDesk,
            Method::POST,
            &format!("/api/systems/{windows}/command/builtin/lock"),
            None,
        )
        .await;
    assert_eq!(s, StatusCode::FORBIDDEN, "Help Desk may not lock devices");
    let (s, _, _) = env
        .call(
            Role::HelpDesk,
            Method::DELETE,
            &format!("/api/systemusers/{user}"),
            None,
        )
        .await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    let (s, _, _) = env.call(Role::CommandRunner, Method::POST, &suspend, None).await;
    assert_eq!(s, StatusCode::FORBIDDEN);
    let cmd = env.get("/api/commands").await["results"][0]["_id"]
        .as_str()
        .unwrap()
        .to_string();
    let (s, _, body) = env
        .call(
            Role::CommandRunner,
            Method::POST,
            "/api/runCommand",
            Some(json!({"_id": cmd, "systemIds": [windows]})),
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{body}");
    assert_eq!(body["queueIds"].as_array().unwrap().len(), 1);
    let (s, _, _) = env.call(Role::Manager, Method::POST, &suspend, None).await;
    assert_eq!(s, StatusCode::OK);
    let (s, _, _) = env.call(Role::ReadOnly, Method::GET, "/api/systemusers", None).await;
    assert_eq!(s, StatusCode::OK, "reads are open to every role");
}

#[tokio::test]
async fn multi_tenant_keys_need_a_valid_org_id() {
    let env = start(30).await;
    let key = env.msp_key();
    let orgs = env.org_ids();
    let cases = [
        (None, StatusCode::UNAUTHORIZED, "ID not included for multi-tenant admin"),
        (Some("not-an-id"), StatusCode::BAD_REQUEST, "Malformed ID"),
        (
            Some("000000000000000000000000"),
            StatusCode::NOT_FOUND,
            "Organization ID Not Found",
        ),
    ];
    for (org, status, msg) in cases {
        let (s, _, body) = env
            .call_with(Some(&key), org, Method::GET, "/api/systemusers", None)
            .await;
        assert_eq!(
            (s, body["message"].as_str().unwrap()),
            (status, msg),
            "x-org-id {org:?}"
        );
    }
    let (s, _, a) = env
        .call_with(Some(&key), Some(&orgs[0]), Method::GET, "/api/systemusers", None)
        .await;
    let (_, _, b) = env
        .call_with(Some(&key), Some(&orgs[1]), Method::GET, "/api/systemusers", None)
        .await;
    assert_eq!(s, StatusCode::OK);
    assert_eq!(
        (a["totalCount"].as_u64(), b["totalCount"].as_u64()),
        (Some(30), Some(20)),
        "each org sees its own users"
    );
    let (s, _, _) = env
        .call_with(
            Some(&env.key(Role::Administrator)),
            Some(&orgs[1]),
            Method::GET,
            "/api/systemusers",
            None,
        )
        .await;
    assert_eq!(s, StatusCode::NOT_FOUND, "a single-tenant key cannot reach another org");
    let (s, _, orgs_list) = env
        .call_with(Some(&key), Some(&orgs[0]), Method::GET, "/api/organizations", None)
        .await;
    assert_eq!((s, orgs_list["totalCount"].as_u64()), (StatusCode::OK, Some(2)));
}

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

#[tokio::test]
async fn the_same_seed_gives_the_same_org() {
    let a = jcsim::seed::generate(&jcsim::SeedConfig {
        now_ms: 1_700_000_000_000,
        ..jcsim::SeedConfig::sized(11, 300)
    });
    let b = jcsim::seed::generate(&jcsim::SeedConfig {
        now_ms: 1_700_000_000_000,
        ..jcsim::SeedConfig::sized(11, 300)
    });
    let c = jcsim::seed::generate(&jcsim::SeedConfig {
        now_ms: 1_700_000_000_000,
        ..jcsim::SeedConfig::sized(12, 300)
    });
    let users = |w: &jcsim::World| w.orgs[0].users.values().map(|u| u.json.clone()).collect::<Vec<_>>();
    assert_eq!(users(&a), users(&b));
    assert_ne!(users(&a), users(&c));
    assert_eq!(
        a.admins.iter().map(|x| &x.api_key).collect::<Vec<_>>(),
        b.admins.iter().map(|x| &x.api_key).collect::<Vec<_>>()
    );
}

#[tokio::test]
async fn the_seeded_mix_is_realistic() {
    let w = jcsim::seed::generate(&jcsim::SeedConfig {
        now_ms: 1_700_000_000_000,
        ..jcsim::SeedConfig::sized(3, 5000)
    });
    let o = &w.orgs[0];
    let n = o.systems.len() as f64;
    let share =
        |f: &dyn Fn(&jcsim::model::System) -> bool| o.systems.values().filter(|s| f(&s.rec())).count() as f64 / n;
    let fde = share(&|s| s.fde.active);
    let stale = share(&|s| {
        s.last_contact
            .as_deref()
            .and_then(jcsim::clock::parse_rfc3339_ms)
            .is_some_and(|t| 1_700_000_000_000 - t > 30 * 86_400_000)
    });
    let unbound = o.systems.keys().filter(|id| !o.bindings.contains_key(*id)).count();
    assert!((0.80..0.90).contains(&fde), "~85% disk encryption: {fde}");
    assert!((0.05..0.09).contains(&stale), "~7% silent 30+ days: {stale}");
    assert!(unbound > 0);
    for fam in ["darwin", "windows", "linux", "ios", "android"] {
        assert!(share(&|s| s.os_family == fam) > 0.0, "some {fam}");
    }
    let users: Vec<_> = o.users.values().map(|u| u.rec()).collect();
    assert!(
        users.iter().any(|u| u.account_locked)
            && users.iter().any(|u| u.state == "STAGED")
            && users.iter().any(|u| !u.totp_enabled)
    );
    let suspended_bound = o
        .bindings
        .values()
        .flat_map(|b| b.keys())
        .any(|u| o.users[u].rec().suspended);
    assert!(suspended_bound, "some suspended users are still bound to devices");
    assert_eq!(o.apps.len(), 12);
    assert!(w.admins.len() >= 6);
}

#[tokio::test]
async fn hostile_records_carry_markup_and_long_text() {
    let env = start_with(|c| c.hostile = true, 30).await;
    let found = env.get("/api/systemusers?search=hostile&limit=100").await;
    let text = found.to_string();
    assert!(
        text.contains("<script>") && text.contains("onerror") && text.contains("😀"),
        "hostile fields are served verbatim"
    );
    let groups = env.get("/api/v2/usergroups?limit=100").await;
    assert!(groups
        .as_array()
        .unwrap()
        .iter()
        .any(|g| g["name"].as_str().unwrap().contains("<script>")));
}
