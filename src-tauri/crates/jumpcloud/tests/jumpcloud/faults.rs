//! Behaviour under JumpCloud's bad days: 429 storms, 5xx, truncated bodies, resets, records
//! changing mid-listing, dangling members, the abuse block — and the one rule that matters most:
//! a destructive request is never sent twice.

use crate::common::*;
use jcsim::model::Role;
use jcsim::Faults;
use jumpcloud::Error;

#[tokio::test]
async fn a_429_storm_with_retry_after_finishes_with_every_user() {
    let env = start(400).await;
    env.faults(Faults {
        rate_limit_rps: 5.0,
        rate_limit_burst: 2,
        retry_after_secs: Some(1),
        ..Faults::default()
    });
    let c = env.admin();
    let users = c.users().list_all().await.unwrap();
    assert_eq!(users.len(), 400);
    let n = c.counters();
    assert!(n.rate_limited > 0, "the storm happened: {n:?}");
    assert_eq!(n.failed, 0);
    assert!(c.limiter_stats().window < 8.0, "the window shrank under 429s");
}

#[tokio::test]
async fn a_429_storm_without_retry_after_backs_off_and_finishes() {
    let env = start(400).await;
    env.faults(Faults {
        rate_limit_rps: 5.0,
        rate_limit_burst: 2,
        retry_after_secs: None,
        ..Faults::default()
    });
    let c = env.admin();
    assert_eq!(c.systems().list_all().await.unwrap().len(), 400);
    assert!(c.counters().rate_limited > 0);
}

#[tokio::test]
async fn server_errors_and_truncated_bodies_are_retried_for_reads() {
    let env = start(300).await;
    env.faults(Faults {
        error_5xx_rate: 0.3,
        truncate_rate: 0.2,
        path_contains: Some("/systemusers".into()),
        ..Faults::default()
    });
    let c = env.admin();
    assert_eq!(c.users().list_all().await.unwrap().len(), 300);
    assert!(c.counters().retries > 0);
}

#[tokio::test]
async fn reset_connections_are_retried_for_reads() {
    let env = start(250).await;
    env.faults(Faults {
        reset_rate: 0.3,
        method: Some("GET".into()),
        ..Faults::default()
    });
    assert_eq!(env.admin().users().list_all().await.unwrap().len(), 250);
}

#[tokio::test]
async fn an_erase_whose_answer_is_lost_is_sent_once_and_reported_unknown() {
    let env = start(60).await;
    let win = env.system_where(|s| s.os_family == "windows");
    env.faults(Faults {
        reset_rate: 1.0,
        path_contains: Some("/builtin/erase".into()),
        ..Faults::default()
    });
    let e = env.admin().systems().erase(&win).await.unwrap_err();
    assert!(
        matches!(&e, Error::OutcomeUnknown { operation, .. } if operation == "erase devices"),
        "{e:?}"
    );
    assert!(e.to_string().contains("Check in JumpCloud before retrying"));
    let sent = env.requests("POST", &format!("/api/systems/{win}/command/builtin/erase"));
    assert_eq!(sent.len(), 1, "jcsim saw exactly one erase: {sent:?}");
    assert_eq!(sent[0].fault, "reset");
}

#[tokio::test]
async fn non_idempotent_requests_are_never_repeated() {
    let env = start(40).await;
    let user = env.user_where(|u| u.state == "ACTIVATED");
    let c = env.admin();
    env.faults(Faults {
        error_5xx_rate: 1.0,
        budget: Some(1),
        ..Faults::default()
    });
    let e = c.users().reset_mfa(&user).await.unwrap_err();
    assert!(
        matches!(e, Error::OutcomeUnknown { .. } | Error::Server { .. }),
        "{e:?}"
    );
    assert_eq!(
        env.requests("POST", "/resetmfa").len(),
        1,
        "a 5xx on reset MFA is not retried"
    );
    env.faults(Faults {
        rate_limit_rps: 0.5,
        rate_limit_burst: 1,
        retry_after_secs: Some(5),
        ..Faults::default()
    });
    c.users().unlock(&user).await.unwrap();
    let e = c.users().unlock(&user).await.unwrap_err();
    assert!(matches!(e, Error::RateLimited { retry_after: Some(_) }), "{e:?}");
    assert!(e.nothing_changed());
    assert_eq!(
        env.requests("POST", "/unlock").len(),
        2,
        "the rate-limited unlock was not resent"
    );
}

#[tokio::test]
async fn graph_edits_are_retried_and_a_repeat_that_finds_them_done_succeeds() {
    let env = start(40).await;
    let c = env.admin();
    let g = c.user_groups().create("Retry group", "").await.unwrap();
    let u = env.user_where(|u| u.state == "ACTIVATED");
    env.faults(Faults {
        reset_rate: 1.0,
        budget: Some(1),
        path_contains: Some("/members".into()),
        ..Faults::default()
    });
    c.user_groups().add_member(&g.id, &u).await.unwrap();
    let sent = env.requests("POST", &format!("/usergroups/{}/members", g.id));
    assert_eq!(
        (sent.len(), sent[0].fault.as_str(), sent[1].status),
        (2, "reset", 409),
        "the lost add was repeated, found done"
    );
    assert_eq!(c.user_groups().members(&g.id).await.unwrap().len(), 1);
}

#[tokio::test]
async fn records_added_mid_listing_are_never_silently_missed() {
    let env = start(250).await;
    env.faults(Faults {
        add_between_pages: 1,
        ..Faults::default()
    });
    let e = env.admin().users().list_all().await.map(|v| v.len());
    assert!(
        matches!(e, Err(Error::ListingChanged { .. })),
        "a list that keeps changing is reported: {e:?}"
    );
    env.faults(Faults::default());
    let users = env.admin().users().list_all().await.unwrap();
    assert_eq!(
        users.len(),
        env.users_in_sim(),
        "once it settles, the listing is complete"
    );
}

#[tokio::test]
async fn short_pages_from_dangling_members_do_not_stop_the_listing() {
    let env = start(400).await;
    env.faults(Faults {
        dangling_members: true,
        ..Faults::default()
    });
    let c = env.admin();
    let g = c
        .user_groups()
        .list_all()
        .await
        .unwrap()
        .into_iter()
        .find(|g| g.name == "All Staff")
        .unwrap();
    let real = env.sim.state.world.read().unwrap().orgs[0].ug_members[&g.id].len();
    assert_eq!(c.user_groups().members(&g.id).await.unwrap().len(), real);
}

#[tokio::test]
async fn the_abuse_block_stops_everything() {
    let env = start(400).await;
    env.faults(Faults {
        rate_limit_rps: 1.0,
        rate_limit_burst: 1,
        retry_after_secs: None,
        block_after_429s: 3,
        block_secs: 60,
        ..Faults::default()
    });
    let c = env.admin();
    let e = c.users().list_all().await.map(|v| v.len());
    assert!(matches!(e, Err(Error::Blocked { .. })), "{e:?}");
    let before = env.sim.state.requests().len();
    assert!(matches!(c.systems().list_all().await, Err(Error::Blocked { .. })));
    assert_eq!(
        env.sim.state.requests().len(),
        before,
        "nothing more is sent once blocked"
    );
}

#[tokio::test]
async fn tls_failures_are_told_by_their_type_not_by_the_words_of_the_url() {
    let offline = |base: &str| {
        let mut cfg = jumpcloud::ClientConfig::new(jumpcloud::Endpoints::custom(base), jumpcloud::ApiKey::new("k"));
        cfg.max_attempts = 1;
        jumpcloud::Client::new(cfg).unwrap()
    };
    // Nothing listens: a connection refused, whatever the URL says.
    for base in [
        "http://127.0.0.1:9/tls-handshake-certificate/api",
        "https://127.0.0.1:9/tls",
    ] {
        let e = offline(base).users().list_all().await.unwrap_err();
        assert!(matches!(e, Error::Offline { .. }), "{base}: {e:?}");
    }
    // An HTTPS client talking to a plain-HTTP server: the handshake fails, a TLS problem.
    let env = start(5).await;
    let https = env.sim.base_url.replacen("http://", "https://", 1);
    let e = offline(&format!("{https}/plain")).users().list_all().await.unwrap_err();
    assert!(matches!(e, Error::Tls { .. }), "{e:?}");
}

#[tokio::test]
async fn no_network_and_timeouts_have_their_own_errors() {
    let mut cfg = jumpcloud::ClientConfig::new(
        jumpcloud::Endpoints::custom("http://127.0.0.1:9"),
        jumpcloud::ApiKey::new("k"),
    );
    cfg.max_attempts = 2;
    cfg.max_backoff = std::time::Duration::from_millis(50);
    let e = jumpcloud::Client::new(cfg.clone())
        .unwrap()
        .users()
        .list_all()
        .await
        .unwrap_err();
    assert!(matches!(e, Error::Offline { .. }), "{e:?}");
    let e = jumpcloud::Client::new(cfg)
        .unwrap()
        .systems()
        .lock("x")
        .await
        .unwrap_err();
    assert!(
        matches!(e, Error::Offline { .. }),
        "a lock that could not connect was never sent: {e:?}"
    );

    let env = start(20).await;
    env.faults(Faults {
        latency_ms: 1500,
        ..Faults::default()
    });
    let mut cfg = env.config(Role::Administrator);
    cfg.timeout = std::time::Duration::from_millis(300);
    cfg.max_attempts = 2;
    let c = jumpcloud::Client::new(cfg).unwrap();
    assert!(matches!(c.users().list_all().await, Err(Error::Timeout { .. })));
    let win = env.system_where(|s| s.os_family == "windows");
    assert!(
        matches!(c.systems().lock(&win).await, Err(Error::OutcomeUnknown { .. })),
        "a lock that timed out may have happened"
    );
}
