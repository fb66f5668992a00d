//! Seeded fictional organisations: deterministic from a seed, from 20 users to 50,000 users
//! and 50,000 devices, with the mix an IT admin sees in real life (see `SeedConfig`).

use crate::model::*;
use crate::rng::Rng;
use crate::world::World;
use org::generate_org;

mod names;
mod odd;
mod org;
mod people;
mod systems;

pub(crate) const DAY_MS: i64 = 86_400_000;

/// What to generate.
#[derive(Debug, Clone, PartialEq)]
pub struct SeedConfig {
    pub seed: u64,
    pub users: usize,
    /// Devices; defaults to about one per user.
    pub systems: usize,
    /// User groups; system groups are about a quarter of that.
    pub user_groups: usize,
    pub org_name: String,
    /// Add records whose fields hold HTML/JS, very long strings, emoji and right-to-left text.
    pub hostile: bool,
    /// Add a second, small organisation reachable by the multi-tenant (MSP) key.
    pub second_org: bool,
    /// "Now" for the generated history (last contact, logins), ms since the epoch.
    pub now_ms: i64,
    /// How the org lives once served (`life.rs`): the clock's speed (0: it moves only by
    /// `advance`) and the churn rate.
    pub life: crate::life::Life,
    /// A managed-service provider's client organisations, by their number of people (devices
    /// alike), all reachable by the multi-tenant (MSP) key.
    pub client_orgs: Vec<usize>,
}

impl SeedConfig {
    /// A sensible org of `users` people: one device each, a group per ~20 people.
    pub fn sized(seed: u64, users: usize) -> Self {
        Self {
            seed,
            users,
            systems: users,
            user_groups: (users / 20).clamp(6, 1000),
            org_name: "Northwind Robotics".into(),
            hostile: false,
            second_org: true,
            now_ms: crate::clock::now_ms() / 3_600_000 * 3_600_000,
            life: crate::life::Life::default(),
            client_orgs: vec![],
        }
    }

    /// A provider with `n` client organisations besides the main one, from a handful of people
    /// to `largest`, spread evenly on a log scale (an MSP's clients are mostly small).
    pub fn msp(seed: u64, n: usize, largest: usize) -> Self {
        let mut cfg = Self::sized(seed, 40);
        cfg.second_org = false;
        let (lo, hi) = (5f64.ln(), (largest.max(6) as f64).ln());
        cfg.client_orgs = (0..n)
            .map(|i| {
                let t = if n > 1 { i as f64 / (n - 1) as f64 } else { 1.0 };
                (lo + (hi - lo) * t).exp().round() as usize
            })
            .collect();
        cfg
    }
}

/// Names of an MSP's clients (a number is added past the list).
const CLIENT_NAMES: [&str; 12] = [
    "Contoso Dental",
    "Fabrikam Legal",
    "Tailspin Travel",
    "Wingtip Toys",
    "Litware Accounting",
    "Adventure Works Cycles",
    "Alpine Ski House",
    "Coho Vineyard",
    "Proseware Clinics",
    "Lucerne Publishing",
    "Margie's Travel",
    "Trey Research",
];
/// Builds a world from the configuration.
pub fn generate(cfg: &SeedConfig) -> World {
    let mut world = World {
        provider_id: object_id(1_500_000_000, cfg.seed),
        ..World::default()
    };
    let mut rng = Rng::new(cfg.seed);
    let main = generate_org(
        &mut world,
        &mut rng.fork(1),
        cfg,
        &cfg.org_name,
        cfg.users,
        cfg.systems,
        cfg.user_groups,
        0,
    );
    world.orgs.push(main);
    if cfg.second_org {
        let second = generate_org(
            &mut world,
            &mut rng.fork(2),
            cfg,
            "Contoso Dental (MSP client)",
            20,
            20,
            3,
            1,
        );
        world.orgs.push(second);
    }
    for (i, &people) in cfg.client_orgs.iter().enumerate() {
        let base = CLIENT_NAMES[i % CLIENT_NAMES.len()];
        let name = if i < CLIENT_NAMES.len() {
            format!("{base} (MSP client)")
        } else {
            format!("{base} {} (MSP client)", i / CLIENT_NAMES.len() + 1)
        };
        let index = world.orgs.len() as u64;
        let org = generate_org(
            &mut world,
            &mut rng.fork(100 + i as u64),
            cfg,
            &name,
            people,
            people,
            (people / 20).clamp(2, 1000),
            index,
        );
        world.orgs.push(org);
    }
    generate_admins(&mut world, &mut rng.fork(3), cfg);
    world
}

pub(crate) fn slug(s: &str) -> String {
    let mut out = String::new();
    for c in s.chars() {
        match c {
            'a'..='z' | '0'..='9' => out.push(c),
            'A'..='Z' => out.push(c.to_ascii_lowercase()),
            'é' | 'è' => out.push('e'),
            'ü' => out.push('u'),
            'ã' | 'á' => out.push('a'),
            'ç' => out.push('c'),
            _ => {}
        }
    }
    out
}

fn generate_admins(world: &mut World, rng: &mut Rng, cfg: &SeedConfig) {
    let main_org = world.orgs[0].id().to_string();
    let all_orgs: Vec<Id> = world.orgs.iter().map(|o| o.id().to_string()).collect();
    let people = [
        ("Alex", "Rivera"),
        ("Sam", "Okoye"),
        ("Jordan", "Lee"),
        ("Casey", "Novak"),
        ("Riley", "Haas"),
        ("Morgan", "Diaz"),
    ];
    for (role, (first, last)) in Role::ALL.iter().zip(people) {
        let id = world.next_id(cfg.now_ms - 400 * DAY_MS);
        world.admins.push(Admin {
            id,
            email: format!("{}.{}@it.example", slug(first), slug(last)),
            firstname: first.into(),
            lastname: last.into(),
            role: *role,
            api_key: api_key(rng),
            multi_tenant: false,
            org_ids: vec![main_org.clone()],
            suspended: false,
            enable_multi_factor: true,
        });
    }
    if world.orgs.len() > 1 {
        let id = world.next_id(cfg.now_ms - 400 * DAY_MS);
        world.admins.push(Admin {
            id,
            email: "msp.tech@provider.example".into(),
            firstname: "Taylor".into(),
            lastname: "Brooks".into(),
            role: Role::Administrator,
            api_key: api_key(rng),
            multi_tenant: true,
            org_ids: all_orgs,
            suspended: false,
            enable_multi_factor: true,
        });
    }
}

/// JumpCloud API keys are 40 hex digits.
fn api_key(rng: &mut Rng) -> String {
    format!(
        "{:016x}{:016x}{:08x}",
        rng.next_u64(),
        rng.next_u64(),
        rng.next_u64() as u32
    )
}
