//! The seeded organisation: deterministic, realistic, with hostile records.

use crate::common::*;

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
