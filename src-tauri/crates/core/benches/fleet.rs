//! Benchmark (prints figures, asserts nothing about time): a managed-service provider's 40
//! client orgs of 50 to 1,000 people (a log scale, as MSPs' clients are: many small, a few
//! large) plus the provider's own, reached by one multi-tenant key, added with "Add all" and
//! synced from nothing at 40 ms added latency, a few at a time under one request budget (the
//! simulator limiting requests per key across its orgs, as JumpCloud does) — total time,
//! requests, the slowest org, peak RSS; then the All organisations overview (cold: each org's
//! file opened; warm) and the search across every org (p50/p95 over names, emails,
//! hostnames, serials and short prefixes).
//!
//! Run: `cargo bench -p rollcall-core --bench fleet`

use jumpcloud::ApiKey;
use parking_lot::Mutex;
use rollcall_core::fleet::{FleetEvents, FleetProgress, OrgSyncOutcome};
use rollcall_core::session::{KeyError, KeyStore, OrgSession, RegionName};
use std::collections::HashMap;
use std::sync::Arc;
use std::time::Instant;

#[derive(Clone, Default)]
struct Keys(Arc<Mutex<HashMap<String, String>>>);

impl KeyStore for Keys {
    fn read(&self, org_id: &str) -> Result<ApiKey, KeyError> {
        self.0
            .lock()
            .get(org_id)
            .map(|k| ApiKey::new(k.clone()))
            .ok_or(KeyError::Missing)
    }
    fn store(&self, org_id: &str, key: &str) -> Result<(), KeyError> {
        self.0.lock().insert(org_id.into(), key.into());
        Ok(())
    }
    fn delete(&self, org_id: &str) -> Result<(), KeyError> {
        self.0.lock().remove(org_id);
        Ok(())
    }
}

struct Quiet;

impl FleetEvents for Quiet {
    fn progress(&self, _: FleetProgress) {}
    fn org_changed(&self, _: &str) {}
    fn status_changed(&self) {}
}

/// The process's peak resident set (VmHWM), MB.
fn peak_rss_mb() -> f64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines()
                .find_map(|l| l.strip_prefix("VmHWM:"))
                .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<f64>().ok())
        })
        .map_or(f64::NAN, |kb| kb / 1024.0)
}

fn percentile(v: &mut [f64], p: f64) -> f64 {
    v.sort_by(|a, b| a.partial_cmp(b).unwrap());
    v[((v.len() as f64 - 1.0) * p).round() as usize]
}

/// Client org sizes: `n` from `smallest` to `largest` people on a log scale.
fn sizes(n: usize, smallest: usize, largest: usize) -> Vec<usize> {
    let (lo, hi) = ((smallest as f64).ln(), (largest as f64).ln());
    (0..n)
        .map(|i| (lo + (hi - lo) * i as f64 / (n - 1) as f64).exp().round() as usize)
        .collect()
}

fn main() {
    let clients = sizes(40, 50, 1000);
    let mut cfg = jcsim::SeedConfig::msp(5, 40, 1000);
    cfg.client_orgs = clients.clone();
    let (base, state) = jcsim::serve_on_own_thread(cfg).unwrap();
    let (key, home, people) = {
        let w = state.world.read().unwrap();
        let key = w.admins.iter().find(|a| a.multi_tenant).unwrap().api_key.clone();
        let people: usize = w.orgs.iter().map(|o| o.users.len()).sum();
        (key, w.orgs[0].id().to_string(), people)
    };
    println!(
        "rollcall fleet benchmark: 40 client orgs of {}–{} people (+ the provider's own), {people} people in all",
        clients[0],
        clients[clients.len() - 1]
    );
    let rss_seeded = peak_rss_mb();
    state.set_faults(jcsim::Faults {
        latency_ms: 40,
        rate_limit_per_key: true,
        ..Default::default()
    });
    let dir = tempfile::tempdir().unwrap();
    let keys = Keys::default();
    let s = OrgSession::new(
        &dir.path().join("config"),
        dir.path().join("data"),
        Box::new(keys.clone()),
    );
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .unwrap();
    let input = rollcall_core::connect::ConnectInput {
        api_key: key.clone(),
        org_id: home,
        region: RegionName::US,
        base_url: base.clone(),
    };
    let found = rt.block_on(input.check()).unwrap();
    for o in &found.orgs {
        s.add_with_key(input.entry_for(o, true), &key).unwrap();
    }
    println!(
        "  Add all: {} organisations, one key entry each ({})",
        found.orgs.len(),
        keys.0.lock().len()
    );

    let t = Instant::now();
    let report = rt.block_on(s.sync_orgs(&[], &Quiet));
    let wall = t.elapsed();
    let synced = report
        .results
        .iter()
        .filter(|r| r.outcome == OrgSyncOutcome::Synced)
        .count();
    let slowest = report.results.iter().max_by_key(|r| r.elapsed_ms).unwrap();
    let files: Vec<(String, u64)> = std::fs::read_dir(dir.path().join("data").join("orgs"))
        .map(|d| {
            d.flatten()
                .filter_map(|e| Some((e.file_name().to_string_lossy().into_owned(), e.metadata().ok()?.len())))
                .collect()
        })
        .unwrap_or_default();
    let bytes: u64 = files.iter().map(|f| f.1).sum();
    let wal: u64 = files.iter().filter(|f| f.0.ends_with("-wal")).map(|f| f.1).sum();
    let dbs: Vec<u64> = files.iter().filter(|f| f.0.ends_with(".sqlite")).map(|f| f.1).collect();
    println!(
        "  synced from nothing at 40 ms, {} orgs at a time under one budget: {synced}/{} orgs in {:.1} s, {} requests ({:.1} requests/s), slowest org {} ({} ms)",
        rollcall_core::fleet::ORGS_AT_ONCE,
        report.results.len(),
        wall.as_secs_f64(),
        report.requests,
        report.requests as f64 / wall.as_secs_f64(),
        slowest.org_name,
        slowest.elapsed_ms
    );
    println!(
        "  peak RSS {:.0} MB (of which the simulator's seeded world, in this process, {:.0} MB before the sync); files {:.1} MB ({:.1} MB of it write-ahead logs), the smallest org's {:.2} MB, the largest's {:.1} MB",
        peak_rss_mb(),
        rss_seeded,
        bytes as f64 / 1e6,
        wal as f64 / 1e6,
        dbs.iter().min().copied().unwrap_or(0) as f64 / 1e6,
        dbs.iter().max().copied().unwrap_or(0) as f64 / 1e6
    );
    for r in report.results.iter().filter(|r| r.outcome != OrgSyncOutcome::Synced) {
        println!("  NOT SYNCED {}: {:?} {:?}", r.org_name, r.outcome, r.detail);
    }

    // The overview: cold (each file opened), then warm.
    let now = rollcall_cache::dates::now_ms();
    let t = Instant::now();
    let o = s.overview(now);
    let cold = t.elapsed().as_secs_f64() * 1000.0;
    let mut warm: Vec<f64> = (0..20)
        .map(|_| {
            let t = Instant::now();
            std::hint::black_box(s.overview(now));
            t.elapsed().as_secs_f64() * 1000.0
        })
        .collect();
    println!(
        "  All organisations overview ({} rows): cold {cold:.0} ms, warm p50 {:.1} ms, p95 {:.1} ms (goal ≤ 1 s)",
        o.rows.len(),
        percentile(&mut warm, 0.5),
        percentile(&mut warm, 0.95)
    );
    let book = rollcall_core::fleet::overview_xlsx(&o).unwrap();
    println!("  its Excel file: {:.1} KB", book.len() as f64 / 1e3);

    // The search across every org (the provider's own is open; the 40 others searched).
    s.activate(s.entry(&found.org.id).unwrap()).unwrap();
    let terms: Vec<String> = {
        let w = state.world.read().unwrap();
        let mut t = vec![
            "a".to_string(),
            "jo".into(),
            "mar".into(),
            "desktop".into(),
            "mac".into(),
        ];
        for org in w.orgs.iter().skip(1).step_by(4) {
            if let Some(u) = org.users.values().next() {
                let u: serde_json::Value = serde_json::from_slice(&u.json).unwrap();
                t.push(u["username"].as_str().unwrap_or_default().to_string());
                t.push(u["email"].as_str().unwrap_or_default().to_string());
                t.push(u["lastname"].as_str().unwrap_or_default().to_string());
            }
            if let Some(d) = org.systems.values().next() {
                let d: serde_json::Value = serde_json::from_slice(&d.json).unwrap();
                t.push(d["hostname"].as_str().unwrap_or_default().to_string());
                t.push(d["serialNumber"].as_str().unwrap_or_default().to_string());
            }
        }
        t.retain(|x| !x.is_empty());
        t
    };
    let mut hits_total = 0usize;
    let mut times: Vec<f64> = vec![];
    for _ in 0..3 {
        for term in &terms {
            let t = Instant::now();
            let hits = s.search_other_orgs(term, rollcall_core::fleet::CROSS_ORG_LIMIT);
            times.push(t.elapsed().as_secs_f64() * 1000.0);
            hits_total += hits.iter().map(|h| h.hits.len()).sum::<usize>();
        }
    }
    println!(
        "  search across the 40 other orgs ({} searches, {} hits): p50 {:.1} ms, p95 {:.1} ms, max {:.1} ms (goal p95 ≤ 20 ms)",
        times.len(),
        hits_total,
        percentile(&mut times, 0.5),
        percentile(&mut times, 0.95),
        times.iter().cloned().fold(0.0, f64::max)
    );
}
