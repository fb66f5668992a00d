//! jcsim: a stateful JumpCloud simulator.
//!
//! It serves one or more seeded fictional organisations over HTTP on 127.0.0.1 with
//! JumpCloud's paths, envelopes, paging, auth, roles and error bodies (docs/jumpcloud-api.md and the
//! published specs), and misbehaves on demand (latency, 429s, 5xx, resets, truncated bodies,
//! records changing between pages, dangling graph members, the abuse block).
//!
//! ```no_run
//! # async fn demo() -> std::io::Result<()> {
//! let sim = jcsim::Sim::seeded(jcsim::SeedConfig::sized(7, 200));
//! let handle = sim.serve(0).await?;
//! println!("{} key {}", handle.base_url, handle.state.world.read().unwrap().admins[1].api_key);
//! # Ok(()) }
//! ```

pub mod api;
pub mod clock;
mod control;
pub mod faults;
pub mod life;
pub mod model;
pub mod query;
pub mod reports;
mod respond;
pub mod rng;
pub mod seed;
pub mod server;
pub mod shapes;
mod spooled;
mod throttle;
pub mod world;

pub use faults::Faults;
pub use seed::SeedConfig;
pub use server::{LoggedRequest, SimHandle, SimState};
pub use world::World;

use std::net::{Ipv4Addr, SocketAddr};
use std::sync::Arc;

/// A simulator ready to serve.
pub struct Sim {
    pub state: Arc<SimState>,
}

impl Sim {
    /// Generates the world for `cfg`.
    pub fn seeded(cfg: SeedConfig) -> Self {
        let world = seed::generate(&cfg);
        let state = SimState::new(world, cfg.now_ms, cfg.seed);
        state.set_life(cfg.life.clone());
        Self { state: Arc::new(state) }
    }

    /// Serves on 127.0.0.1:`port` (0 picks a free port). Runs on the current tokio runtime.
    pub async fn serve(self, port: u16) -> std::io::Result<SimHandle> {
        server::serve(self.state, SocketAddr::from((Ipv4Addr::LOCALHOST, port))).await
    }
}

/// Serves a seeded org on its own thread and runtime, as a remote service would be (for
/// benchmarks that must not share a runtime with the client they measure). Returns the base
/// URL and the state; the simulator runs until the process ends.
pub fn serve_on_own_thread(cfg: SeedConfig) -> std::io::Result<(String, Arc<SimState>)> {
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        let rt = match tokio::runtime::Builder::new_current_thread().enable_all().build() {
            Ok(rt) => rt,
            Err(e) => return drop(tx.send(Err(e))),
        };
        rt.block_on(async move {
            match Sim::seeded(cfg).serve(0).await {
                Ok(handle) => {
                    let _ = tx.send(Ok((handle.base_url.clone(), handle.state.clone())));
                    std::future::pending::<()>().await;
                    drop(handle);
                }
                Err(e) => drop(tx.send(Err(e))),
            }
        });
    });
    rx.recv()
        .map_err(|_| std::io::Error::other("the simulator thread stopped before it served"))?
}

/// What a person or a script needs to use a running simulator: orgs and the admins' keys.
pub fn info(w: &World) -> serde_json::Value {
    serde_json::json!({
        "providerId": w.provider_id,
        "organizations": w.orgs.iter().map(|o| serde_json::json!({
            "id": o.id(), "name": o.name(), "users": o.users.len(), "systems": o.systems.len(),
            "userGroups": o.user_groups.len(), "systemGroups": o.system_groups.len(), "applications": o.apps.len(), "events": o.events.len(),
        })).collect::<Vec<_>>(),
        "admins": w.admins.iter().map(|a| serde_json::json!({
            "id": a.id, "email": a.email, "role": a.role.name(), "apiKey": a.api_key, "multiTenant": a.multi_tenant, "orgIds": a.org_ids,
        })).collect::<Vec<_>>(),
    })
}
