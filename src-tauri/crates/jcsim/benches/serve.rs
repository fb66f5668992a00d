//! Benchmark (prints figures, asserts nothing about time): pages of a 10,000-user listing
//! served per second on loopback with no added latency, with the server on one core, and the
//! RSS of a 50,000-user / 50,000-device organisation.
//!
//! Run: `cargo bench -p jcsim --bench serve` (release build).

use std::time::{Duration, Instant};

fn rss_mb() -> f64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    status
        .lines()
        .find(|l| l.starts_with("VmRSS:"))
        .and_then(|l| l.split_whitespace().nth(1))
        .and_then(|kb| kb.parse::<f64>().ok())
        .map(|kb| kb / 1024.0)
        .unwrap_or(f64::NAN)
}

fn main() {
    // --- throughput: the server runs on a single-threaded runtime (one core); clients on another.
    let server_rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    let mut cfg = jcsim::SeedConfig::sized(1, 10_000);
    cfg.second_org = false;
    let t = Instant::now();
    let sim = jcsim::Sim::seeded(cfg);
    let seeded = t.elapsed();
    let key = sim.state.world.read().unwrap().admins[1].api_key.clone();
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        server_rt.block_on(async move {
            let h = sim.serve(0).await.unwrap();
            tx.send(h.base_url.clone()).unwrap();
            std::future::pending::<()>().await;
            drop(h);
        })
    });
    let base = rx.recv().unwrap();
    let client_rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .enable_all()
        .build()
        .unwrap();
    let (pages, bytes, elapsed) = client_rt.block_on(async {
        let http = reqwest::Client::builder().pool_max_idle_per_host(16).build().unwrap();
        let run_for = Duration::from_secs(5);
        let start = Instant::now();
        let mut tasks = vec![];
        for w in 0..16 {
            let http = http.clone();
            let base = base.clone();
            let key = key.clone();
            tasks.push(tokio::spawn(async move {
                let (mut n, mut b, mut i) = (0u64, 0u64, w);
                while start.elapsed() < run_for {
                    let skip = (i % 100) * 100;
                    let body = http
                        .get(format!("{base}/api/systemusers?limit=100&skip={skip}&sort=_id"))
                        .header("x-api-key", &key)
                        .send()
                        .await
                        .unwrap()
                        .bytes()
                        .await
                        .unwrap();
                    b += body.len() as u64;
                    n += 1;
                    i += 16;
                }
                (n, b)
            }));
        }
        let mut pages = 0;
        let mut bytes = 0;
        for t in tasks {
            let (n, b) = t.await.unwrap();
            pages += n;
            bytes += b;
        }
        (pages, bytes, start.elapsed())
    });
    let rps = pages as f64 / elapsed.as_secs_f64();
    println!("jcsim serve benchmark");
    println!("  seeding 10,000 users / 10,000 devices: {:.2} s", seeded.as_secs_f64());
    println!(
        "  pages of 100 users served: {pages} in {:.1} s = {rps:.0} pages/s ({:.0} MB/s of JSON), server on one core",
        elapsed.as_secs_f64(),
        bytes as f64 / elapsed.as_secs_f64() / 1e6
    );
    println!(
        "  goal >= 5000 pages/s: {}",
        if rps >= 5000.0 { "met" } else { "NOT met" }
    );

    // --- memory of a large org, measured in this process before and after seeding.
    let before = rss_mb();
    let t = Instant::now();
    let mut big = jcsim::SeedConfig::sized(2, 50_000);
    big.systems = 50_000;
    let world = jcsim::seed::generate(&big);
    let after = rss_mb();
    let users = world.orgs[0].users.len();
    let systems = world.orgs[0].systems.len();
    let events = world.orgs[0].events.len();
    println!(
        "  50,000-user / 50,000-device org ({users} users, {systems} devices, {events} events) seeded in {:.1} s",
        t.elapsed().as_secs_f64()
    );
    println!(
        "  RSS: {after:.0} MB in all, {:.0} MB for the org; goal < 400 MB: {}",
        after - before,
        if after < 400.0 { "met" } else { "NOT met" }
    );
    drop(world);
}
