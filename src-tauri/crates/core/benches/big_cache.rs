//! A 50,000-user / 50,000-device cache built from a seeded org without HTTP (the rows are what
//! a sync writes), shared by the benchmarks.

use rollcall_cache::Cache;

/// Writes one complete sync of `world`'s first org into `cache`, finishing at `at`; `tweak`
/// changes each user's row before it is written (churn between syncs).
pub fn write_sync(
    cache: &mut Cache,
    world: &jcsim::World,
    at: &str,
    tweak: impl Fn(usize, &mut rollcall_cache::UserRow) -> bool,
) {
    let o = &world.orgs[0];
    let mut w = cache.begin_sync(at).unwrap();
    let users: Vec<_> = o
        .users
        .values()
        .enumerate()
        .filter_map(|(i, s)| {
            let mut r = rollcall_core::convert::user_row(&serde_json::from_slice(&s.json).unwrap())
                .ok()?
                .row;
            tweak(i, &mut r).then_some(r)
        })
        .collect();
    w.put_users(&users).unwrap();
    let systems: Vec<_> = o
        .systems
        .values()
        .filter_map(|s| {
            rollcall_core::convert::system_row(&serde_json::from_slice(&s.json).unwrap())
                .ok()
                .map(|r| r.row)
        })
        .collect();
    w.put_systems(&systems).unwrap();
    let bindings: Vec<_> = o
        .bindings
        .iter()
        .flat_map(|(s, us)| {
            us.keys().map(move |u| rollcall_cache::Binding {
                system_id: s.clone(),
                user_id: u.clone(),
                sudo: false,
            })
        })
        .collect();
    w.put_bindings(&bindings).unwrap();
    w.finish(at, 0, &serde_json::json!({})).unwrap();
}

/// The seeded 50,000 / 50,000 world.
pub fn world() -> jcsim::World {
    let mut big = jcsim::SeedConfig::sized(4, 50_000);
    big.systems = 50_000;
    big.second_org = false;
    jcsim::seed::generate(&big)
}
