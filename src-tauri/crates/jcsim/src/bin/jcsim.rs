//! `jcsim`: serve seeded JumpCloud organisations on 127.0.0.1.

use clap::Parser;
use jcsim::{Faults, SeedConfig, Sim};

/// A stateful JumpCloud simulator for tests, benchmarks and demos. Prints its base URL and the
/// API key of each seeded admin (with its role) on start, then serves until interrupted.
#[derive(Parser, Debug)]
#[command(name = "jcsim", version, about, long_about = None)]
struct Args {
    /// Port on 127.0.0.1 (0 picks a free one).
    #[arg(long, default_value_t = 8787)]
    port: u16,
    /// Seed: the same seed gives the same organisation.
    #[arg(long, default_value_t = 7)]
    seed: u64,
    /// Number of users (20 to 50,000).
    #[arg(long, default_value_t = 200)]
    users: usize,
    /// Number of devices (default: one per user).
    #[arg(long)]
    systems: Option<usize>,
    /// Number of user groups (default: one per 20 users, 6 to 1,000).
    #[arg(long)]
    groups: Option<usize>,
    /// Add records with HTML/JS, very long strings, emoji and right-to-left text.
    #[arg(long)]
    hostile: bool,
    /// No second (MSP client) organisation and no multi-tenant key.
    #[arg(long)]
    single_org: bool,
    /// Fixed "now" for the seeded history, RFC 3339 (default: the current hour).
    #[arg(long)]
    now: Option<String>,
    /// Added latency per request, ms.
    #[arg(long, default_value_t = 0)]
    latency_ms: u64,
    /// Up to this much more latency, ms.
    #[arg(long, default_value_t = 0)]
    jitter_ms: u64,
    /// Rate limit: requests per second (0 = none); excess gets 429.
    #[arg(long, default_value_t = 0.0)]
    rate_limit: f64,
    /// Send Retry-After with this many seconds on 429s.
    #[arg(long)]
    retry_after: Option<u64>,
    /// Share of requests answered with a 5xx (0..1).
    #[arg(long, default_value_t = 0.0)]
    error_rate: f64,
    /// Share of responses whose connection is reset mid-body (0..1).
    #[arg(long, default_value_t = 0.0)]
    reset_rate: f64,
    /// Share of JSON responses truncated (0..1).
    #[arg(long, default_value_t = 0.0)]
    truncate_rate: f64,
    /// Graph member listings point at deleted records (short pages mid-list).
    #[arg(long)]
    dangling_members: bool,
    /// Block a key with JumpCloud's abuse 403 after this many 429s in a minute (0 = never).
    #[arg(long, default_value_t = 0)]
    block_after_429s: u32,
    /// Spec-legal but unusual records: explicit nulls, empty strings, unknown fields, large arrays.
    #[arg(long)]
    odd_records: bool,
    /// A field of the wrong type on one record in fifty (not spec-legal).
    #[arg(long)]
    malformed_records: bool,
    /// Speed of the simulated clock (1 = real time; 0 = moves only by POST /__sim/advance).
    #[arg(long, default_value_t = 1.0)]
    speed: f64,
    /// Share of people hired and leaving per simulated day (devices and group edits alike).
    #[arg(long, default_value_t = 0.0)]
    churn: f64,
    /// Milliseconds a Directory Insights report takes to generate.
    #[arg(long, default_value_t = 3000)]
    report_ms: u64,
    /// Reports go wrong: refused, fail, expire, malformed, truncated, partial or stuck.
    #[arg(long)]
    report_fault: Option<String>,
    /// A managed-service provider: this many client organisations beside the main one, all
    /// reachable by the multi-tenant key, from a handful of people to --msp-largest.
    #[arg(long, default_value_t = 0)]
    msp: usize,
    /// The largest client organisation's people (with --msp).
    #[arg(long, default_value_t = 1000)]
    msp_largest: usize,
    /// The rate limit counts each API key on its own (as JumpCloud does), across its orgs.
    #[arg(long)]
    rate_limit_per_key: bool,
}

#[tokio::main(flavor = "current_thread")]
async fn main() {
    let a = Args::parse();
    let sim = Sim::seeded(seed_config(&a));
    sim.state.set_faults(faults(&a));
    sim.state.set_life(jcsim::life::Life {
        speed: a.speed,
        churn_per_day: a.churn,
    });
    sim.state.reports.lock().expect("reports lock").settings = report_settings(&a);
    let handle = match sim.serve(a.port).await {
        Ok(h) => h,
        Err(e) => {
            eprintln!("jcsim: cannot listen on 127.0.0.1:{}: {e}", a.port);
            std::process::exit(1);
        }
    };
    print_banner(&handle);
    let _ = tokio::signal::ctrl_c().await;
    println!("jcsim: stopped");
}

/// The organisation to seed, from the arguments; exits with status 2 on a bad size or date.
fn seed_config(a: &Args) -> SeedConfig {
    if !(1..=50_000).contains(&a.users) {
        eprintln!("jcsim: --users must be between 1 and 50000 (got {})", a.users);
        std::process::exit(2);
    }
    let mut cfg = SeedConfig::sized(a.seed, a.users);
    cfg.systems = a.systems.unwrap_or(a.users).min(50_000);
    if let Some(g) = a.groups {
        cfg.user_groups = g.clamp(6, 5_000);
    }
    cfg.hostile = a.hostile;
    cfg.second_org = !a.single_org;
    if a.msp > 0 {
        if a.msp > 500 || !(6..=50_000).contains(&a.msp_largest) {
            eprintln!("jcsim: --msp takes 1 to 500 client orgs and --msp-largest 6 to 50000 people");
            std::process::exit(2);
        }
        cfg.client_orgs = SeedConfig::msp(a.seed, a.msp, a.msp_largest).client_orgs;
        cfg.second_org = false;
    }
    if let Some(now) = &a.now {
        match jcsim::clock::parse_rfc3339_ms(now) {
            Some(ms) => cfg.now_ms = ms,
            None => {
                eprintln!("jcsim: --now must be an RFC 3339 date-time such as 2026-01-31T12:00:00Z (got {now})");
                std::process::exit(2);
            }
        }
    }
    cfg
}

/// The faults in force from the start, from the arguments.
fn faults(a: &Args) -> Faults {
    Faults {
        latency_ms: a.latency_ms,
        jitter_ms: a.jitter_ms,
        rate_limit_rps: a.rate_limit,
        retry_after_secs: a.retry_after,
        error_5xx_rate: a.error_rate,
        reset_rate: a.reset_rate,
        truncate_rate: a.truncate_rate,
        dangling_members: a.dangling_members,
        block_after_429s: a.block_after_429s,
        rate_limit_per_key: a.rate_limit_per_key,
        block_secs: 60,
        odd_records: a.odd_records,
        malformed_records: a.malformed_records,
        ..Faults::default()
    }
}

/// How Directory Insights reports behave, from the arguments; exits with status 2 on an
/// unknown report fault.
fn report_settings(a: &Args) -> jcsim::reports::ReportSettings {
    let fault = match a
        .report_fault
        .as_deref()
        .map(|f| serde_json::from_value(serde_json::json!(f)))
    {
        None => None,
        Some(Ok(f)) => Some(f),
        Some(Err(_)) => {
            eprintln!("jcsim: --report-fault must be refused, fail, expire, malformed, truncated, partial or stuck");
            std::process::exit(2);
        }
    };
    jcsim::reports::ReportSettings {
        generate_ms: a.report_ms,
        fault,
        ..Default::default()
    }
}

/// Prints where the simulator serves, its organisations, and each admin's API key and role.
fn print_banner(handle: &jcsim::SimHandle) {
    let w = handle.state.world.read().expect("world lock");
    println!("jcsim serving on {}", handle.base_url);
    println!("  v1:                 {}/api", handle.base_url);
    println!("  v2:                 {}/api/v2", handle.base_url);
    println!("  Directory Insights: {}/insights/directory/v1", handle.base_url);
    println!(
        "  control:            {}/__sim/info, /__sim/faults, /__sim/requests, /__sim/reports",
        handle.base_url
    );
    for o in &w.orgs {
        println!(
            "organization {} \"{}\": {} users, {} devices, {} user groups",
            o.id(),
            o.name(),
            o.users.len(),
            o.systems.len(),
            o.user_groups.len()
        );
    }
    println!("provider {}", w.provider_id);
    println!("API keys (x-api-key):");
    for ad in &w.admins {
        let mt = if ad.multi_tenant {
            format!("  multi-tenant: send x-org-id (one of {})", ad.org_ids.join(", "))
        } else {
            String::new()
        };
        println!("  {}  {:<27} {}{mt}", ad.api_key, ad.role.name(), ad.email);
    }
}
