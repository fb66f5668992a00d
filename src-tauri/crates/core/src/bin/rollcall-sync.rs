//! `rollcall-sync`: sync one org into a cache file from the command line (used by the
//! kill -9 tests and handy for scripts).
//!
//! Usage: rollcall-sync <base-url> <cache-file>   (the API key is read from ROLLCALL_API_KEY)

use jumpcloud::{ApiKey, Client, ClientConfig, Endpoints};
use rollcall_core::{sync_org, CancelToken, SyncOptions, SyncProgress};

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
    let client = match Client::new(ClientConfig::new(Endpoints::custom(base), ApiKey::new(key))) {
        Ok(c) => c,
        Err(e) => {
            eprintln!("rollcall-sync: {e}");
            std::process::exit(2);
        }
    };
    let progress = |p: SyncProgress| {
        if let SyncProgress::Phase { phase } = p {
            println!("phase {phase:?}");
        }
    };
    match sync_org(
        &client,
        std::path::Path::new(file),
        &SyncOptions::default(),
        &progress,
        &CancelToken::default(),
    )
    .await
    {
        Ok(r) => println!(
            "complete sync {} with {} requests in {} ms",
            r.sync_id, r.requests, r.elapsed_ms
        ),
        Err(e) => {
            eprintln!("rollcall-sync: {e}");
            std::process::exit(1);
        }
    }
}
