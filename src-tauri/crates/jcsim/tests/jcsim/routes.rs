//! Routes, envelopes, paging, filters, roles and refusals, as JumpCloud answers them.

use crate::common::*;
use jcsim::model::Role;
use reqwest::{Method, StatusCode};
use serde_json::json;
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

/// Membership and binding changes are `association_change` events in JumpCloud's shape: the
/// op and both ends of the connection, found by a search on `association.connection.from.type`
/// as JumpCloud's own scripts search them.
#[tokio::test]
async fn association_changes_are_recorded_with_both_ends_of_the_connection() {
    let env = start(30).await;
    let (group, member, app) = {
        let w = env.sim.state.world.read().unwrap();
        let o = &w.orgs[0];
        let (g, members) = o.ug_members.iter().find(|(_, m)| !m.is_empty()).unwrap();
        let app = o.apps.keys().next().unwrap().clone();
        (g.clone(), members.iter().next().unwrap().clone(), app)
    };
    let remove = json!({ "op": "remove", "type": "user", "id": member });
    let (s, _, _) = env
        .call(
            Role::Administrator,
            Method::POST,
            &format!("/api/v2/usergroups/{group}/members"),
            Some(remove),
        )
        .await;
    assert_eq!(s, StatusCode::NO_CONTENT);
    let add = json!({ "op": "add", "type": "user", "id": member });
    let (s, _, _) = env
        .call(
            Role::Administrator,
            Method::POST,
            &format!("/api/v2/applications/{app}/associations"),
            Some(add),
        )
        .await;
    assert!(s.is_success(), "{s}");
    let query = |from: &str| {
        json!({
            "service": ["directory"], "start_time": "2026-01-01T00:00:00Z",
            "search_term": { "and": [
                { "event_type": "association_change" },
                { "association.connection.from.type": from },
            ]},
        })
    };
    let (_, _, events) = env
        .call(
            Role::Administrator,
            Method::POST,
            "/insights/directory/v1/events",
            Some(query("user_group")),
        )
        .await;
    let e = events.as_array().unwrap().last().expect("the removal's event");
    assert_eq!(e["association"]["op"], "remove");
    assert_eq!(e["association"]["connection"]["from"]["id"], json!(group));
    assert_eq!(
        e["association"]["connection"]["to"],
        json!({ "type": "user", "id": member })
    );
    let (_, _, events) = env
        .call(
            Role::Administrator,
            Method::POST,
            "/insights/directory/v1/events",
            Some(query("application")),
        )
        .await;
    let e = events.as_array().unwrap().last().expect("the app association's event");
    assert_eq!(e["association"]["op"], "add");
    assert_eq!(
        e["association"]["connection"]["from"],
        json!({ "type": "application", "id": app })
    );
    assert_eq!(e["association"]["connection"]["to"]["id"], json!(member));
}

/// The demo organisation is served inside the app: nothing off this machine may reach it.
#[test]
fn the_demo_simulator_listens_on_loopback_only() {
    let (url, _) = jcsim::serve_on_own_thread(jcsim::SeedConfig::sized(1, 5)).unwrap();
    assert!(url.starts_with("http://127.0.0.1:"), "{url}");
}
