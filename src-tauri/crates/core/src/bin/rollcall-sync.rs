//! `rollcall-sync`: sync one org into a cache file from the command line (used by the
//! kill -9 tests and handy for scripts).
//!
//! Usage: rollcall-sync <base-url> <cache-file>   (the API key is read from ROLLCALL_API_KEY;
//! `ROLLCALL_NO_REPORTS=1` reads every association object by object)

use jumpcloud::{ApiKey, Client, ClientConfig, Endpoints};
use rollcall_core::session::{DataKind, Link, SessionEvents};
use rollcall_core::{SyncOptions, SyncProgress};

/// The app's session, announcing to a terminal: each phase on its own line.
struct Terminal;

impl SessionEvents for Terminal {
    fn status_changed(&self) {}
    fn cache_changed(&self, _kinds: &[DataKind]) {}
    fn progress(&self, p: SyncProgress) {
        if let SyncProgress::Phase { phase } = p {
            println!("phase {phase:?}");
        }
    }
}

#[tokio::main(flavor = "multi_thread", worker_threads = 2)]
async fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let (Some(base), Some(file)) = (args.first(), args.get(1)) else {
        eprintln!("usage: rollcall-sync <base-url> <cache-file>  (API key in ROLLCALL_API_KEY)");
        std::process::exit(2);
    };
    let Ok(key) = std::env::var("ROLLCALL_API_KEY") else {
        eprintln!("rollcall-sync: set ROLLCALL_API_KEY to the admin API key");
        std::process::exit(2);
    };
    let mut cfg = ClientConfig::new(Endpoints::custom(base), ApiKey::new(key));
    cfg.max_in_flight = rollcall_core::sync::SYNC_IN_FLIGHT;
    let client = match Client::new(cfg) {
        Ok(c) => c,
        Err(e) => {
            eprintln!("rollcall-sync: {e}");
            std::process::exit(2);
        }
    };
    let link = Link::default();
    let opts = SyncOptions {
        no_reports: std::env::var("ROLLCALL_NO_REPORTS").is_ok_and(|v| v == "1"),
        ..SyncOptions::default()
    };
    match link.sync(&client, std::path::Path::new(file), &opts, &Terminal).await {
        Ok(r) => {
            let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
            let peak_kb = status
                .lines()
                .find(|l| l.starts_with("VmHWM:"))
                .and_then(|l| l.split_whitespace().nth(1))
                .unwrap_or("0");
            println!(
                "complete sync {} with {} requests in {} ms",
                r.sync_id, r.requests, r.elapsed_ms
            );
            println!("browsable after {} ms", r.browsable_after_ms);
            println!("peak RSS {peak_kb} kB");
            println!("counts {}", serde_json::to_string(&r.counts).unwrap_or_default());
            for n in &r.notes {
                println!("note {}", n.text);
            }
        }
        Err(e) => {
            eprintln!("rollcall-sync: {e}");
            std::process::exit(1);
        }
    }
}
