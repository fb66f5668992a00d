use jcsim::model::Role;
use jcsim::{Faults, SeedConfig, Sim, SimHandle};
use jumpcloud::{ApiKey, Client, ClientConfig, Endpoints};
use std::time::Duration;

pub struct Env {
    pub sim: SimHandle,
}

pub async fn start(users: usize) -> Env {
    start_with(users, |_| {}).await
}

pub async fn start_with(users: usize, tweak: impl FnOnce(&mut SeedConfig)) -> Env {
    let mut cfg = SeedConfig::sized(5, users);
    cfg.now_ms = jcsim::clock::parse_rfc3339_ms("2026-11-01T12:00:00Z").unwrap();
    tweak(&mut cfg);
    Env {
        sim: Sim::seeded(cfg).serve(0).await.expect("jcsim starts"),
    }
}

impl Env {
    pub fn key(&self, role: Role) -> String {
        let w = self.sim.state.world.read().unwrap();
        w.admins
            .iter()
            .find(|a| a.role == role && !a.multi_tenant)
            .unwrap()
            .api_key
            .clone()
    }

    pub fn config(&self, role: Role) -> ClientConfig {
        let mut c = ClientConfig::new(Endpoints::custom(&self.sim.base_url), ApiKey::new(self.key(role)));
        c.timeout = Duration::from_secs(10);
        c.max_backoff = Duration::from_millis(400);
        c
    }

    pub fn client(&self, role: Role) -> Client {
        Client::new(self.config(role)).unwrap()
    }

    pub fn admin(&self) -> Client {
        self.client(Role::Administrator)
    }

    pub fn faults(&self, f: Faults) {
        self.sim.state.set_faults(f);
    }

    pub fn requests(&self, method: &str, path_contains: &str) -> Vec<jcsim::LoggedRequest> {
        self.sim
            .state
            .requests()
            .into_iter()
            .filter(|r| r.method == method && r.path.contains(path_contains))
            .collect()
    }

    pub fn user_where(&self, f: impl Fn(&jcsim::model::User) -> bool) -> String {
        let w = self.sim.state.world.read().unwrap();
        w.orgs[0]
            .users
            .values()
            .map(|u| u.rec())
            .find(|u| f(u))
            .map(|u| u.id)
            .expect("a matching user")
    }

    pub fn system_where(&self, f: impl Fn(&jcsim::model::System) -> bool) -> String {
        let w = self.sim.state.world.read().unwrap();
        w.orgs[0]
            .systems
            .values()
            .map(|s| s.rec())
            .find(|s| f(s))
            .map(|s| s.id)
            .expect("a matching system")
    }

    pub fn users_in_sim(&self) -> usize {
        self.sim.state.world.read().unwrap().orgs[0].users.len()
    }
}
