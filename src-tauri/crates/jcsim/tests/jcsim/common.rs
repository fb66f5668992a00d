use jcsim::model::Role;
use jcsim::{SeedConfig, Sim, SimHandle};
use reqwest::{Method, StatusCode};
use serde_json::Value;

/// A fixed "now" so every run sees the same seeded history.
pub const NOW: &str = "2026-11-01T12:00:00Z";

pub struct Env {
    pub sim: SimHandle,
    pub http: reqwest::Client,
}

pub async fn start(users: usize) -> Env {
    start_with(|_| {}, users).await
}

pub async fn start_with(tweak: impl FnOnce(&mut SeedConfig), users: usize) -> Env {
    let mut cfg = SeedConfig::sized(7, users);
    cfg.now_ms = jcsim::clock::parse_rfc3339_ms(NOW).unwrap();
    tweak(&mut cfg);
    let sim = Sim::seeded(cfg).serve(0).await.expect("jcsim binds a loopback port");
    Env {
        sim,
        http: reqwest::Client::builder().pool_max_idle_per_host(4).build().unwrap(),
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

    pub fn msp_key(&self) -> String {
        let w = self.sim.state.world.read().unwrap();
        w.admins.iter().find(|a| a.multi_tenant).unwrap().api_key.clone()
    }

    pub fn org_ids(&self) -> Vec<String> {
        let w = self.sim.state.world.read().unwrap();
        w.orgs.iter().map(|o| o.id().to_string()).collect()
    }

    /// Sends a request as `role` and returns status, headers and the parsed JSON (Null if none).
    pub async fn call(
        &self,
        role: Role,
        method: Method,
        path: &str,
        body: Option<Value>,
    ) -> (StatusCode, reqwest::header::HeaderMap, Value) {
        self.call_with(Some(&self.key(role)), None, method, path, body).await
    }

    pub async fn call_with(
        &self,
        key: Option<&str>,
        org: Option<&str>,
        method: Method,
        path: &str,
        body: Option<Value>,
    ) -> (StatusCode, reqwest::header::HeaderMap, Value) {
        let mut rb = self
            .http
            .request(method, format!("{}{}", self.sim.base_url, path))
            .header("accept", "application/json");
        if let Some(k) = key {
            rb = rb.header("x-api-key", k);
        }
        if let Some(o) = org {
            rb = rb.header("x-org-id", o);
        }
        if let Some(b) = body {
            rb = rb.json(&b);
        }
        let resp = rb.send().await.expect("request reaches jcsim");
        let status = resp.status();
        let headers = resp.headers().clone();
        let text = resp.text().await.unwrap_or_default();
        let json = if text.is_empty() {
            Value::Null
        } else {
            serde_json::from_str(&text).unwrap_or(Value::String(text))
        };
        (status, headers, json)
    }

    pub async fn get(&self, path: &str) -> Value {
        let (s, _, v) = self.call(Role::Administrator, Method::GET, path, None).await;
        assert_eq!(s, StatusCode::OK, "GET {path}: {v}");
        v
    }

    /// Some record id of a kind, chosen by a predicate over the world.
    pub fn user_where(&self, f: impl Fn(&jcsim::model::User) -> bool) -> String {
        let w = self.sim.state.world.read().unwrap();
        w.orgs[0]
            .users
            .values()
            .find(|u| f(&u.rec()))
            .map(|u| u.rec().id.clone())
            .expect("a matching seeded user")
    }

    pub fn system_where(&self, f: impl Fn(&jcsim::model::System) -> bool) -> String {
        let w = self.sim.state.world.read().unwrap();
        w.orgs[0]
            .systems
            .values()
            .find(|s| f(&s.rec()))
            .map(|s| s.rec().id.clone())
            .expect("a matching seeded system")
    }

    pub fn count_requests(&self, method: &str, path_contains: &str) -> usize {
        self.sim
            .state
            .requests()
            .iter()
            .filter(|r| r.method == method && r.path.contains(path_contains))
            .count()
    }
}
