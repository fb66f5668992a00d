//! Directory Insights aggregations as the spec describes them: distinct values of a field and
//! counts per time interval, over the same filters as the event list, adding up to its count.

use crate::common::*;
use jcsim::model::Role;
use reqwest::{Method, StatusCode};
use serde_json::{json, Value};

async fn post(env: &Env, path: &str, body: Value) -> (StatusCode, Value) {
    let (s, _, v) = env
        .call(
            Role::ReadOnly,
            Method::POST,
            &format!("/insights/directory/v1/events{path}"),
            Some(body),
        )
        .await;
    (s, v)
}

fn query(extra: Value) -> Value {
    let mut q = json!({ "service": ["all"], "start_time": "2026-08-01T00:00:00Z", "end_time": "2026-11-01T12:00:00Z" });
    for (k, v) in extra.as_object().unwrap() {
        q[k] = v.clone();
    }
    q
}

fn sum(v: &Value) -> u64 {
    v["buckets"]
        .as_array()
        .unwrap()
        .iter()
        .map(|b| b["doc_count"].as_u64().unwrap())
        .sum()
}

#[tokio::test]
async fn distinct_values_and_time_buckets_add_up_to_the_count() {
    let env = start(60).await;
    let (_, count) = post(&env, "/count", query(json!({}))).await;
    let total = count["count"].as_u64().unwrap();
    assert!(total > 100, "{total} events");

    let (s, distinct) = post(&env, "/distinct", query(json!({ "field": "event_type" }))).await;
    assert_eq!(s, StatusCode::OK, "{distinct}");
    assert_eq!(sum(&distinct), total);
    let counts: Vec<u64> = distinct["buckets"]
        .as_array()
        .unwrap()
        .iter()
        .map(|b| b["doc_count"].as_u64().unwrap())
        .collect();
    assert!(
        counts.windows(2).all(|w| w[0] >= w[1]),
        "most frequent first: {counts:?}"
    );
    // Filtered by a search term, the same way as the list.
    let logins = json!({ "search_term": { "and": [{ "event_type": "user_login_attempt" }] } });
    let (_, login_count) = post(&env, "/count", query(logins.clone())).await;
    let mut by_success = query(logins);
    by_success["field"] = json!("success");
    let (_, split) = post(&env, "/distinct", by_success).await;
    assert_eq!(sum(&split), login_count["count"].as_u64().unwrap());
    assert!(split["buckets"]
        .as_array()
        .unwrap()
        .iter()
        .all(|b| b["key"] == "true" || b["key"] == "false"));
    let (s, _) = post(&env, "/distinct", query(json!({}))).await;
    assert_eq!(s, StatusCode::BAD_REQUEST, "field is required");

    let (s, days) = post(&env, "/interval", query(json!({ "interval_unit": "d" }))).await;
    assert_eq!(s, StatusCode::OK, "{days}");
    assert_eq!(sum(&days), total);
    let keys: Vec<i64> = days["buckets"]
        .as_array()
        .unwrap()
        .iter()
        .map(|b| b["key"].as_i64().unwrap())
        .collect();
    assert!(
        keys.windows(2).all(|w| w[1] - w[0] == 86_400_000),
        "one bucket a day, none missing"
    );
    assert!(days["buckets"][0]["key_as_string"]
        .as_str()
        .unwrap()
        .ends_with("T00:00:00.000+00:00"));
    // Aligned in the asked time zone.
    let (_, local) = post(
        &env,
        "/interval",
        query(json!({ "interval_unit": "d", "timezone": "-0500" })),
    )
    .await;
    assert_eq!(sum(&local), total);
    let first = local["buckets"][0]["key_as_string"].as_str().unwrap();
    assert!(first.ends_with("T00:00:00.000-05:00"), "{first}");
    let (_, six_hours) = post(
        &env,
        "/interval",
        query(json!({ "interval_unit": "h", "interval_value": "6" })),
    )
    .await;
    assert_eq!(sum(&six_hours), total);
    // Refusals: an unknown unit, a value that is not a number, too many buckets.
    let (s, _) = post(&env, "/interval", query(json!({ "interval_unit": "fortnight" }))).await;
    assert_eq!(s, StatusCode::BAD_REQUEST);
    let (s, _) = post(
        &env,
        "/interval",
        query(json!({ "interval_unit": "h", "interval_value": "two" })),
    )
    .await;
    assert_eq!(s, StatusCode::BAD_REQUEST);
    let (s, v) = post(&env, "/interval", query(json!({ "interval_unit": "s" }))).await;
    assert_eq!(s, StatusCode::BAD_REQUEST);
    assert!(v["message"].as_str().unwrap().contains("too many buckets"));
}

#[tokio::test]
async fn a_change_through_the_api_is_an_event_with_its_fields_before_and_after() {
    let env = start(20).await;
    let id = env.sim.state.world.read().unwrap().orgs[0]
        .users
        .keys()
        .next()
        .unwrap()
        .clone();
    let (s, _, _) = env
        .call(
            Role::Administrator,
            Method::PUT,
            &format!("/api/systemusers/{id}"),
            Some(json!({ "suspended": true, "department": "Audit" })),
        )
        .await;
    assert_eq!(s, StatusCode::OK);
    let (_, _, events) = env
        .call(
            Role::ReadOnly,
            Method::POST,
            "/insights/directory/v1/events",
            Some(query(json!({ "end_time": "2027-01-01T00:00:00Z", "q": id, "search_term": { "and": [{ "event_type": "user_update" }] } }))),
        )
        .await;
    let e = &events.as_array().unwrap()[0];
    let changes = e["changes"].as_array().unwrap();
    let suspended = changes.iter().find(|c| c["field"] == "suspended").unwrap();
    assert_eq!((&suspended["from"], &suspended["to"]), (&json!(false), &json!(true)));
    assert!(
        changes.iter().any(|c| c["field"] == "department" && c["to"] == "Audit"),
        "{e}"
    );
    assert_eq!(e["resource"]["id"], json!(id));

    // A group renamed is an event too.
    let gid = env.sim.state.world.read().unwrap().orgs[0]
        .user_groups
        .keys()
        .next()
        .unwrap()
        .clone();
    let (s, _, _) = env
        .call(
            Role::Administrator,
            Method::PATCH,
            &format!("/api/v2/usergroups/{gid}"),
            Some(json!({ "description": "renamed" })),
        )
        .await;
    assert_eq!(s, StatusCode::OK);
    let (_, count) = post(
        &env,
        "/count",
        query(json!({ "end_time": "2027-01-01T00:00:00Z", "search_term": { "and": [{ "event_type": "usergroup_update" }, { "resource.id": gid }] } })),
    )
    .await;
    assert_eq!(count["count"], json!(1));
}
