//! Faults on demand: 429s, the abuse block, 5xx, resets, truncation, records changing between
//! pages, dangling members, latency.

use crate::common::*;
use jcsim::model::Role;
use jcsim::Faults;
use reqwest::{Method, StatusCode};
use serde_json::json;
use std::time::Instant;

#[tokio::test]
async fn rate_limit_answers_429_with_and_without_retry_after() {
    let env = start(20).await;
    for retry_after in [Some(2), None] {
        env.sim.state.set_faults(Faults {
            rate_limit_rps: 1.0,
            rate_limit_burst: 2,
            retry_after_secs: retry_after,
            ..Faults::default()
        });
        let mut statuses = vec![];
        let mut header = None;
        for _ in 0..5 {
            let (s, h, _) = env.call(Role::ReadOnly, Method::GET, "/api/systemusers", None).await;
            if s == StatusCode::TOO_MANY_REQUESTS {
                header = h.get("retry-after").map(|v| v.to_str().unwrap().to_string());
            }
            statuses.push(s.as_u16());
        }
        assert_eq!(&statuses[..2], &[200, 200], "the burst passes");
        assert!(statuses[2..].iter().all(|s| *s == 429), "{statuses:?}");
        assert_eq!(header, retry_after.map(|s| s.to_string()));
    }
}

#[tokio::test]
async fn hammering_past_429s_gets_the_abuse_block() {
    let env = start(20).await;
    env.sim.state.set_faults(Faults {
        rate_limit_rps: 1.0,
        rate_limit_burst: 1,
        block_after_429s: 3,
        block_secs: 60,
        ..Faults::default()
    });
    let mut last = (StatusCode::OK, serde_json::Value::Null);
    for _ in 0..6 {
        let (s, _, b) = env.call(Role::ReadOnly, Method::GET, "/api/systemusers", None).await;
        last = (s, b);
    }
    assert_eq!(last.0, StatusCode::FORBIDDEN);
    assert_eq!(last.1["message"], "Your IP has been blocked due to suspected abuse");
}

#[tokio::test]
async fn server_errors_within_a_budget() {
    let env = start(20).await;
    env.sim.state.set_faults(Faults {
        error_5xx_rate: 1.0,
        budget: Some(2),
        ..Faults::default()
    });
    let mut statuses = vec![];
    for _ in 0..4 {
        statuses.push(env.call(Role::ReadOnly, Method::GET, "/api/systemusers", None).await.0);
    }
    assert!(
        statuses[..2].iter().all(|s| s.is_server_error()) && statuses[2..].iter().all(|s| *s == StatusCode::OK),
        "{statuses:?}"
    );
}

#[tokio::test]
async fn a_reset_loses_the_answer_but_not_the_effect() {
    let env = start(40).await;
    let windows = env.system_where(|s| s.os_family == "windows");
    env.sim.state.set_faults(Faults {
        reset_rate: 1.0,
        path_contains: Some("/command/builtin/".into()),
        ..Faults::default()
    });
    let url = format!("{}/api/systems/{windows}/command/builtin/erase", env.sim.base_url);
    let sent = env
        .http
        .post(&url)
        .header("x-api-key", env.key(Role::Administrator))
        .json(&json!({}))
        .send()
        .await;
    let failed = match sent {
        Err(_) => true,
        Ok(r) => r.bytes().await.is_err(),
    };
    assert!(failed, "the client must see a broken response");
    let log = env.sim.state.requests();
    let erases: Vec<_> = log.iter().filter(|r| r.path.ends_with("/builtin/erase")).collect();
    assert_eq!(erases.len(), 1);
    assert_eq!(
        (erases[0].status, erases[0].fault.as_str()),
        (201, "reset"),
        "the erase was accepted, then the answer lost"
    );
}

#[tokio::test]
async fn truncated_bodies_are_broken_json() {
    let env = start(20).await;
    env.sim.state.set_faults(Faults {
        truncate_rate: 1.0,
        ..Faults::default()
    });
    let text = env
        .http
        .get(format!("{}/api/systemusers", env.sim.base_url))
        .header("x-api-key", env.key(Role::ReadOnly))
        .send()
        .await
        .unwrap()
        .text()
        .await
        .unwrap();
    assert!(
        !text.is_empty() && serde_json::from_str::<serde_json::Value>(&text).is_err(),
        "{text}"
    );
}

#[tokio::test]
async fn records_added_between_pages_change_the_total() {
    let env = start(150).await;
    env.sim.state.set_faults(Faults {
        add_between_pages: 2,
        ..Faults::default()
    });
    let first = env.get("/api/systemusers?limit=100&skip=0&sort=_id").await;
    let second = env.get("/api/systemusers?limit=100&skip=100&sort=_id").await;
    assert_eq!(first["totalCount"], 150);
    assert_eq!(second["totalCount"], 152, "two users appeared between the pages");
}

#[tokio::test]
async fn dangling_members_make_short_pages_mid_list() {
    let env = start(400).await;
    let all_staff = {
        let w = env.sim.state.world.read().unwrap();
        w.orgs[0]
            .user_groups
            .values()
            .find(|g| g.name == "All Staff")
            .unwrap()
            .id
            .clone()
    };
    let real = env.sim.state.world.read().unwrap().orgs[0].ug_members[&all_staff].len();
    env.sim.state.set_faults(Faults {
        dangling_members: true,
        ..Faults::default()
    });
    let (_, h, first) = env
        .call(
            Role::ReadOnly,
            Method::GET,
            &format!("/api/v2/usergroups/{all_staff}/members?limit=100"),
            None,
        )
        .await;
    let total: usize = h["x-total-count"].to_str().unwrap().parse().unwrap();
    assert!(
        first.as_array().unwrap().len() < 100 && total > 100,
        "a short first page while more remain"
    );
    let mut got = 0;
    let mut skip = 0;
    while skip < total {
        let page = env
            .get(&format!("/api/v2/usergroups/{all_staff}/members?limit=100&skip={skip}"))
            .await;
        got += page.as_array().unwrap().len();
        skip += 100;
    }
    assert_eq!(got, real, "paging by the total still finds every real member");
}

#[tokio::test]
async fn latency_is_added() {
    let env = start(20).await;
    env.sim.state.set_faults(Faults {
        latency_ms: 120,
        ..Faults::default()
    });
    let t = Instant::now();
    env.get("/api/systemusers").await;
    assert!(
        t.elapsed().as_millis() >= 120,
        "the response waited for the added latency"
    );
}

#[tokio::test]
async fn control_api_sets_faults_and_lists_requests() {
    let env = start(20).await;
    let base = &env.sim.base_url;
    let r = env
        .http
        .put(format!("{base}/__sim/faults"))
        .body(r#"{"latncy_ms": 3}"#)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::BAD_REQUEST, "typos in fault names are refused");
    let r = env
        .http
        .put(format!("{base}/__sim/faults"))
        .body(r#"{"error_5xx_rate": 1.0, "budget": 1}"#)
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::OK);
    let (s, _, _) = env.call(Role::ReadOnly, Method::GET, "/api/systemusers", None).await;
    assert!(s.is_server_error());
    let log: serde_json::Value = env
        .http
        .get(format!("{base}/__sim/requests?path_contains=systemusers"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(log.as_array().unwrap().len(), 1);
    assert_eq!(log[0]["fault"], "5xx");
    assert!(
        !log.to_string().contains(&env.key(Role::ReadOnly)),
        "the log never holds a key"
    );
    let info: serde_json::Value = env
        .http
        .get(format!("{base}/__sim/info"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(info["admins"].as_array().unwrap().len(), 7);
}
