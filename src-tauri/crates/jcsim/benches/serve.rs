//! Benchmark (prints figures, asserts nothing about time): pages of a 10,000-user listing
//! served per second on loopback with no added latency, with the server on one core, and the
//! RSS of a 50,000-user / 50,000-device organisation.
//!
//! Run: `cargo bench -p jcsim --bench serve` (release build).

use std::time::{Duration, Instant};

/// CPU seconds used by the calling thread so far (utime + stime from /proc, 100 ticks/s).
fn thread_cpu_secs() -> f64 {
    let stat = std::fs::read_to_string("/proc/thread-self/stat").unwrap_or_default();
    // Fields after the ")" that ends the command name; utime and stime are the 12th and 13th.
    let rest = stat.rsplit_once(')').map(|(_, r)| r).unwrap_or("");
    let f: Vec<&str> = rest.split_whitespace().collect();
    let ticks = |i: usize| f.get(i).and_then(|v| v.parse::<f64>().ok()).unwrap_or(0.0);
    (ticks(11) + ticks(12)) / 100.0
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
    let (cpu_tx, cpu_rx) = std::sync::mpsc::channel::<f64>();
    let (stop_tx, stop_rx) = tokio::sync::oneshot::channel::<()>();
    std::thread::spawn(move || {
        server_rt.block_on(async move {
            let h = sim.serve(0).await.unwrap();
            let cpu0 = thread_cpu_secs();
            tx.send(h.base_url.clone()).unwrap();
            let _ = stop_rx.await;
            cpu_tx.send(thread_cpu_secs() - cpu0).unwrap();
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
    let _ = stop_tx.send(());
    let server_cpu = cpu_rx.recv().unwrap_or(f64::NAN);
    let rps = pages as f64 / elapsed.as_secs_f64();
    let per_core = pages as f64 / server_cpu;
    println!("jcsim serve benchmark");
    println!("  seeding 10,000 users / 10,000 devices: {:.2} s", seeded.as_secs_f64());
    println!(
        "  pages of 100 users served: {pages} in {:.1} s = {rps:.0} pages/s ({:.0} MB/s of JSON), server on one thread",
        elapsed.as_secs_f64(),
        bytes as f64 / elapsed.as_secs_f64() / 1e6
    );
    println!(
        "  server thread busy {:.0}% of the run; pages per server CPU-second: {per_core:.0}",
        100.0 * server_cpu / elapsed.as_secs_f64()
    );
    println!(
        "  goal >= 5000 requests/s on one core: {}",
        if rps.min(per_core) >= 5000.0 { "met" } else { "NOT met" }
    );

    // --- memory: the jcsim binary serving a 50,000-user / 50,000-device org, in its own process.
    let mut child = std::process::Command::new(env!("CARGO_BIN_EXE_jcsim"))
        .args(["--port", "0", "--users", "50000", "--systems", "50000", "--single-org"])
        .stdout(std::process::Stdio::piped())
        .spawn()
        .expect("start jcsim");
    let t = Instant::now();
    let out = child.stdout.take().unwrap();
    let mut banner = String::new();
    for line in std::io::BufRead::lines(std::io::BufReader::new(out)) {
        let line = line.unwrap();
        banner.push_str(&line);
        banner.push('\n');
        if line.contains("Command Runner") {
            break;
        }
    }
    let ready = t.elapsed();
    let status = std::fs::read_to_string(format!("/proc/{}/status", child.id())).unwrap_or_default();
    let kb = |key: &str| {
        status
            .lines()
            .find(|l| l.starts_with(key))
            .and_then(|l| l.split_whitespace().nth(1))
            .and_then(|v| v.parse::<f64>().ok())
            .unwrap_or(f64::NAN)
            / 1024.0
    };
    let (rss, peak) = (kb("VmRSS:"), kb("VmHWM:"));
    let _ = child.kill();
    let _ = child.wait();
    let org_line = banner.lines().find(|l| l.starts_with("organization")).unwrap_or("");
    println!(
        "  jcsim --users 50000 --systems 50000: ready in {:.1} s; {org_line}",
        ready.as_secs_f64()
    );
    println!(
        "  RSS {rss:.0} MB (peak {peak:.0} MB while seeding); goal < 400 MB: {}",
        if rss < 400.0 { "met" } else { "NOT met" }
    );
}
