//! Benchmark (prints figures, asserts nothing about time): list 10,000 users from jcsim with
//! 40 ms added latency, with this client, with a sequential pager (what JumpCloud's CLI and
//! PowerShell module do: one page after another until a short page), and against the lower
//! bound `pages / in-flight × latency` — all in one run. Then the same listing under a
//! 429-heavy rate limit, which must finish with zero failed requests.
//!
//! Run: `cargo bench -p jumpcloud --bench listing`

use jumpcloud::{ApiKey, Client, ClientConfig, Endpoints};
use std::time::{Duration, Instant};

const USERS: usize = 10_000;
const LATENCY_MS: u64 = 40;

fn main() {
    // The simulator runs on its own thread and runtime, as a remote service would.
    let mut cfg = jcsim::SeedConfig::sized(9, USERS);
    cfg.second_org = false;
    let (base_url, state) = jcsim::serve_on_own_thread(cfg).unwrap();
    struct Sim {
        base_url: String,
        state: std::sync::Arc<jcsim::SimState>,
    }
    let sim = Sim { base_url, state };
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .enable_all()
        .build()
        .unwrap();
    rt.block_on(async {
        let key = sim.state.world.read().unwrap().admins[1].api_key.clone();
        sim.state.set_faults(jcsim::Faults { latency_ms: LATENCY_MS, ..Default::default() });

        // (a) sequential pager
        let http = reqwest::Client::new();
        let t = Instant::now();
        let mut skip = 0;
        let mut seq_count = 0;
        loop {
            let v: serde_json::Value = http
                .get(format!("{}/api/systemusers?limit=100&skip={skip}&sort=_id", sim.base_url))
                .header("x-api-key", &key)
                .send()
                .await
                .unwrap()
                .json()
                .await
                .unwrap();
            let n = v["results"].as_array().map(|a| a.len()).unwrap_or(0);
            seq_count += n;
            skip += n;
            if n < 100 {
                break;
            }
        }
        let sequential = t.elapsed();

        // (b) this client
        let mut c = ClientConfig::new(Endpoints::custom(&sim.base_url), ApiKey::new(&key));
        c.max_in_flight = 8;
        let client = Client::new(c.clone()).unwrap();
        let t = Instant::now();
        let users = client.users().list_all().await.unwrap();
        let ours = t.elapsed();
        let pages = USERS.div_ceil(100) as f64;
        let bound = Duration::from_secs_f64(pages / c.max_in_flight as f64 * LATENCY_MS as f64 / 1000.0);

        println!("jumpcloud listing benchmark: {USERS} users, {LATENCY_MS} ms added latency, {} pages of 100", pages as u64);
        println!("  sequential pager:   {:>7.0} ms ({seq_count} users)", sequential.as_secs_f64() * 1000.0);
        println!("  this client (8 in flight): {:>7.0} ms ({} users, {} requests)", ours.as_secs_f64() * 1000.0, users.len(), client.counters().sent);
        println!("  lower bound pages/in-flight x latency: {:>7.0} ms", bound.as_secs_f64() * 1000.0);
        let speedup = sequential.as_secs_f64() / ours.as_secs_f64();
        let vs_bound = ours.as_secs_f64() / bound.as_secs_f64();
        println!("  speed-up over sequential: {speedup:.1}x (goal >= 6x: {})", if speedup >= 6.0 { "met" } else { "NOT met" });
        println!("  ratio to the lower bound: {vs_bound:.2}x (goal <= 1.3x: {})", if vs_bound <= 1.3 { "met" } else { "NOT met" });

        // (c) a 429-heavy rate limit: 15 requests/s, bursts of 3, no added latency.
        sim.state.set_faults(jcsim::Faults { rate_limit_rps: 15.0, rate_limit_burst: 3, retry_after_secs: Some(1), ..Default::default() });
        let client = Client::new(c).unwrap();
        let t = Instant::now();
        let users = client.users().list_all().await.unwrap();
        let n = client.counters();
        let log = sim.state.requests();
        let refused = log.iter().filter(|r| r.status == 429).count();
        println!(
            "  under a 429-heavy limit (15 req/s): {} users in {:.1} s; {} requests sent, {refused} answered 429, {} failed (goal 0: {})",
            users.len(),
            t.elapsed().as_secs_f64(),
            n.sent,
            n.failed,
            if n.failed == 0 && users.len() == USERS { "met" } else { "NOT met" }
        );
    });
}
