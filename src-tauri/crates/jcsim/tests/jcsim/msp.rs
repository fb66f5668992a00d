//! A managed-service provider: one multi-tenant key over many client organisations of all
//! sizes, the rate limit counted per key across its orgs, and an org that refuses or fails on
//! its own while the others answer.

use crate::common::*;
use jcsim::{Faults, SeedConfig};
use reqwest::{Method, StatusCode};

#[test]
fn client_orgs_run_from_a_handful_to_thousands() {
    let cfg = SeedConfig::msp(3, 40, 2000);
    assert_eq!(cfg.client_orgs.len(), 40);
    assert_eq!((cfg.client_orgs[0], cfg.client_orgs[39]), (5, 2000));
    assert!(cfg.client_orgs.windows(2).all(|w| w[0] <= w[1]));
    let small = cfg.client_orgs.iter().filter(|&&n| n < 100).count();
    assert_eq!(
        small, 20,
        "half the clients have under 100 people: {:?}",
        cfg.client_orgs
    );
}

#[tokio::test]
async fn one_key_lists_every_client_org_and_reads_each_on_its_own() {
    let env = start_with(
        |c| {
            *c = SeedConfig {
                now_ms: c.now_ms,
                ..SeedConfig::msp(7, 12, 150)
            }
        },
        40,
    )
    .await;
    let key = env.msp_key();
    let ids = env.org_ids();
    assert_eq!(ids.len(), 13, "the main org and twelve clients");
    let (s, _, orgs) = env
        .call_with(
            Some(&key),
            Some(&ids[0]),
            Method::GET,
            "/api/organizations?limit=100",
            None,
        )
        .await;
    assert_eq!(s, StatusCode::OK, "{orgs}");
    assert_eq!(orgs["totalCount"], 13);
    let names: Vec<&str> = orgs["results"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(|o| o["displayName"].as_str())
        .collect();
    assert_eq!(
        names.iter().collect::<std::collections::BTreeSet<_>>().len(),
        13,
        "{names:?}"
    );
    let sizes = SeedConfig::msp(7, 12, 150).client_orgs;
    for (id, people) in ids[1..].iter().zip(sizes) {
        let (s, _, users) = env
            .call_with(Some(&key), Some(id), Method::GET, "/api/systemusers?limit=1", None)
            .await;
        assert_eq!(s, StatusCode::OK);
        assert_eq!(users["totalCount"], people, "org {id}");
    }
}

#[tokio::test]
async fn the_rate_limit_is_per_key_and_one_org_can_refuse_or_fail_alone() {
    let env = start_with(
        |c| {
            *c = SeedConfig {
                now_ms: c.now_ms,
                ..SeedConfig::msp(7, 3, 20)
            }
        },
        40,
    )
    .await;
    let ids = env.org_ids();
    let msp = env.msp_key();
    let admin = env.key(jcsim::model::Role::Administrator);
    env.sim.state.set_faults(Faults {
        rate_limit_rps: 0.001,
        rate_limit_burst: 3,
        rate_limit_per_key: true,
        ..Faults::default()
    });
    // The MSP key spends its budget across its orgs…
    let mut statuses = vec![];
    for id in ids.iter().cycle().take(5) {
        let (s, _, _) = env
            .call_with(Some(&msp), Some(id), Method::GET, "/api/systemusers?limit=1", None)
            .await;
        statuses.push(s.as_u16());
    }
    assert_eq!(
        statuses,
        vec![200, 200, 200, 429, 429],
        "one budget for the key, whatever the org"
    );
    // …and another key still has its own.
    let (s, _, _) = env
        .call_with(Some(&admin), None, Method::GET, "/api/systemusers?limit=1", None)
        .await;
    assert_eq!(s, StatusCode::OK);

    env.sim.state.set_faults(Faults {
        refuse_org_ids: vec![ids[1].clone()],
        fail_org_ids: vec![ids[2].clone()],
        ..Faults::default()
    });
    let get = |org: String| {
        let (env, msp) = (&env, msp.clone());
        async move {
            env.call_with(Some(&msp), Some(&org), Method::GET, "/api/systemusers?limit=1", None)
                .await
        }
    };
    let (s, _, v) = get(ids[1].clone()).await;
    assert_eq!(s, StatusCode::UNAUTHORIZED);
    assert!(v.to_string().contains("organization access revoked"), "{v}");
    assert_eq!(get(ids[2].clone()).await.0, StatusCode::SERVICE_UNAVAILABLE);
    assert_eq!(get(ids[0].clone()).await.0, StatusCode::OK);
    assert_eq!(get(ids[3].clone()).await.0, StatusCode::OK);
}
