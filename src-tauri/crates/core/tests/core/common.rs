use jcsim::model::Role;
use jcsim::{SeedConfig, Sim, SimHandle};
use jumpcloud::{ApiKey, Client, ClientConfig, Endpoints};
use rollcall_core::{sync_org, CancelToken, SyncOptions, SyncReport};
use std::path::PathBuf;

pub const NOW: &str = "2026-11-01T12:00:00.000Z";

pub struct Env {
    pub sim: SimHandle,
    pub dir: tempfile::TempDir,
}

pub async fn start(users: usize) -> Env {
    let mut cfg = SeedConfig::sized(21, users);
    cfg.now_ms = jcsim::clock::parse_rfc3339_ms(NOW).unwrap();
    cfg.second_org = false;
    serve(cfg).await
}

/// An org with the odd records a real one holds: hostile names, names in their own scripts.
pub async fn start_hostile(users: usize) -> Env {
    let mut cfg = SeedConfig::sized(21, users);
    cfg.now_ms = jcsim::clock::parse_rfc3339_ms(NOW).unwrap();
    cfg.second_org = false;
    cfg.hostile = true;
    serve(cfg).await
}

/// A managed-service provider: `clients` client organisations of 5 to `largest` people.
pub async fn start_msp(clients: usize, largest: usize) -> Env {
    let mut cfg = SeedConfig::msp(21, clients, largest);
    cfg.now_ms = jcsim::clock::parse_rfc3339_ms(NOW).unwrap();
    serve(cfg).await
}

/// Serves `cfg` with bulk reports that take 150 ms to generate (tests wait less than a real
/// org's seconds).
async fn serve(cfg: SeedConfig) -> Env {
    let sim = Sim::seeded(cfg).serve(0).await.unwrap();
    sim.state.reports.lock().unwrap().settings.generate_ms = 150;
    Env {
        sim,
        dir: tempfile::tempdir().unwrap(),
    }
}

/// A simulator on the real clock (for what compares its times with Rollcall's own).
pub async fn start_now(users: usize) -> Env {
    let mut cfg = SeedConfig::sized(21, users);
    cfg.now_ms = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_millis() as i64;
    cfg.second_org = false;
    serve(cfg).await
}

impl Env {
    pub fn key(&self) -> String {
        self.key_of(Role::Administrator)
    }

    pub fn key_of(&self, role: Role) -> String {
        let w = self.sim.state.world.read().unwrap();
        w.admins
            .iter()
            .find(|a| a.role == role && !a.multi_tenant)
            .unwrap()
            .api_key
            .clone()
    }

    pub fn client(&self) -> Client {
        self.client_with(&self.key())
    }

    pub fn client_with(&self, key: &str) -> Client {
        let mut c = ClientConfig::new(Endpoints::custom(&self.sim.base_url), ApiKey::new(key.to_string()));
        c.max_backoff = std::time::Duration::from_millis(300);
        Client::new(c).unwrap()
    }

    pub fn cache_path(&self) -> PathBuf {
        self.dir.path().join("org.sqlite")
    }

    pub fn options(&self) -> SyncOptions {
        SyncOptions {
            provider_id: Some(self.sim.state.world.read().unwrap().provider_id.clone()),
            now: Some(NOW.into()),
            ..Default::default()
        }
    }

    pub async fn sync(&self) -> Result<SyncReport, rollcall_core::SyncError> {
        sync_org(
            &self.client(),
            &self.cache_path(),
            &self.options(),
            &|_| {},
            &CancelToken::default(),
        )
        .await
    }

    pub fn cache(&self) -> rollcall_cache::Cache {
        rollcall_cache::Cache::open(&self.cache_path()).unwrap().0
    }
}

/// A PDF's text as a reader extracts it (pdftotext from poppler-utils, which `make test`
/// installs), runs of white space as one space.
pub fn pdf_text(pdf: &[u8]) -> String {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("report.pdf");
    std::fs::write(&path, pdf).unwrap();
    let out = std::process::Command::new("pdftotext")
        .arg(&path)
        .arg("-")
        .output()
        .expect("pdftotext (poppler-utils) is needed: `make test` installs it");
    assert!(
        out.status.success(),
        "pdftotext: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout)
        .unwrap()
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
}

/// The posture's thresholds now (the lists' checks and "stale" filter with them).
pub fn th() -> rollcall_cache::Thresholds {
    rollcall_core::posture::thresholds_now()
}
