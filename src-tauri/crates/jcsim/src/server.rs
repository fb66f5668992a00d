//! The HTTP side: one dispatcher in front of the API handlers that applies, in order, the
//! request log, latency, the rate limit and abuse block, authentication and org selection,
//! injected 5xx, the handler, and the response faults (reset, truncation).

use crate::api::{self, Ctx, Req, Resp};
use crate::clock;
use crate::faults::{Bucket, Faults};
use crate::model::{is_object_id, Admin, Id};
use crate::respond::{is_artifact, plain, reshape_records, respond};
use crate::rng::Rng;
use crate::world::World;
use axum::extract::{Request, State};
use axum::http::{HeaderMap, Method, StatusCode};
use axum::response::Response;
use bytes::Bytes;
use serde::Serialize;
use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex, RwLock};
use std::time::Instant;

/// One request as the simulator saw it (for `/__sim/requests` and tests).
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct LoggedRequest {
    pub seq: u64,
    pub method: String,
    pub path: String,
    pub query: String,
    pub status: u16,
    /// The last 4 characters of the key, never the key.
    pub key_hint: String,
    pub org_id: String,
    pub body: String,
    /// What the simulator did to the response: "", "latency", "429", "5xx", "reset", "truncated", "blocked".
    pub fault: String,
}

#[derive(Debug, Default)]
pub(crate) struct KeyAbuse {
    pub(crate) recent_429s: Vec<i64>,
    pub(crate) blocked_until_ms: i64,
}

/// Shared state of a running simulator.
pub struct SimState {
    pub world: RwLock<World>,
    pub faults: Mutex<Faults>,
    log: Mutex<Vec<LoggedRequest>>,
    rng: Mutex<Rng>,
    pub(crate) bucket: Mutex<Bucket>,
    /// One bucket per API key (`Faults::rate_limit_per_key`).
    pub(crate) key_buckets: Mutex<std::collections::HashMap<String, Bucket>>,
    pub(crate) abuse: Mutex<HashMap<String, KeyAbuse>>,
    /// The simulated clock (`now_ms`): where it was at `base_real`, and its speed.
    clock: Mutex<Clock>,
    /// How the org lives while the clock moves (`life.rs`).
    life: Mutex<crate::life::Life>,
    /// The simulated time the org has been lived up to.
    lived_until: Mutex<i64>,
    /// Reads of the world that take long (a large report being written): the clock's changes
    /// wait for the next request rather than queue every request behind them.
    pub(crate) long_reads: std::sync::atomic::AtomicUsize,
    /// Directory Insights reports requested, and how they behave (`reports.rs`).
    pub reports: Mutex<crate::reports::Reports>,
    seed: u64,
}

/// The simulated clock: `base_sim` at the real instant `base_real`, moving at `speed`.
#[derive(Debug, Clone, Copy)]
struct Clock {
    base_real: Instant,
    base_sim: i64,
    speed: f64,
}

impl Clock {
    fn now(&self) -> i64 {
        self.base_sim + (self.base_real.elapsed().as_secs_f64() * 1000.0 * self.speed) as i64
    }

    /// The same clock restarted from now (before its speed or time is changed).
    fn rebased(&self) -> Clock {
        Clock {
            base_real: Instant::now(),
            base_sim: self.now(),
            speed: self.speed,
        }
    }
}

impl SimState {
    pub fn new(world: World, now_ms: i64, seed: u64) -> Self {
        Self {
            world: RwLock::new(world),
            faults: Mutex::new(Faults::default()),
            log: Mutex::new(Vec::new()),
            rng: Mutex::new(Rng::new(seed ^ 0xFA17)),
            bucket: Mutex::new(Bucket::default()),
            key_buckets: Mutex::new(Default::default()),
            abuse: Mutex::new(HashMap::new()),
            clock: Mutex::new(Clock {
                base_real: Instant::now(),
                base_sim: now_ms,
                speed: 1.0,
            }),
            life: Mutex::new(crate::life::Life::default()),
            lived_until: Mutex::new(now_ms),
            long_reads: Default::default(),
            reports: Mutex::new(crate::reports::Reports::default()),
            seed,
        }
    }

    /// The simulator's clock: the seed's "now", moving with real time (times the speed) and
    /// by `advance`.
    pub fn now_ms(&self) -> i64 {
        self.clock.lock().expect("clock lock").now()
    }

    /// Moves the clock `minutes` ahead and lives the org through them.
    pub fn advance(&self, minutes: i64) -> i64 {
        {
            let mut c = self.clock.lock().expect("clock lock");
            *c = c.rebased();
            c.base_sim += minutes * 60_000;
        }
        self.catch_up();
        self.now_ms()
    }

    pub fn life(&self) -> crate::life::Life {
        self.life.lock().expect("life lock").clone()
    }

    /// Sets how the org lives (the clock's speed from now on, the churn rate).
    pub fn set_life(&self, life: crate::life::Life) {
        {
            let mut c = self.clock.lock().expect("clock lock");
            *c = c.rebased();
            c.speed = life.speed.max(0.0);
        }
        *self.life.lock().expect("life lock") = life;
    }

    /// Runs the scheduled state changes whose date has come, then lives the org up to now when
    /// at least a simulated minute passed since it last did.
    pub fn catch_up(&self) {
        if self.long_reads.load(std::sync::atomic::Ordering::SeqCst) > 0 {
            return;
        }
        let now = self.now_ms();
        crate::api::run_due_states(&self.world, now);
        let mut until = self.lived_until.lock().expect("lived lock");
        if now - *until < 60_000 {
            return;
        }
        let life = self.life();
        let mut w = self.world.write().expect("world lock");
        crate::life::live(&mut w, self.seed, &life, *until, now);
        *until = now;
    }

    pub fn requests(&self) -> Vec<LoggedRequest> {
        self.log.lock().expect("log lock").clone()
    }

    pub fn clear_requests(&self) {
        self.log.lock().expect("log lock").clear();
    }

    pub fn set_faults(&self, f: Faults) {
        *self.faults.lock().expect("faults lock") = f;
        *self.bucket.lock().expect("bucket lock") = Bucket::default();
        self.key_buckets.lock().expect("bucket lock").clear();
        self.abuse.lock().expect("abuse lock").clear();
    }

    pub(crate) fn roll(&self, p: f64) -> bool {
        p > 0.0 && self.rng.lock().expect("rng lock").chance(p)
    }

    fn jitter(&self, max: u64) -> u64 {
        if max == 0 {
            0
        } else {
            self.rng.lock().expect("rng lock").below(max + 1)
        }
    }

    /// Takes one unit of fault budget; false when it is spent.
    pub(crate) fn spend_budget(&self) -> bool {
        let mut f = self.faults.lock().expect("faults lock");
        match f.budget.as_mut() {
            None => true,
            Some(0) => false,
            Some(n) => {
                *n -= 1;
                true
            }
        }
    }
}

/// A running simulator bound to a loopback port.
pub struct SimHandle {
    pub base_url: String,
    pub addr: SocketAddr,
    pub state: Arc<SimState>,
    shutdown: Option<tokio::sync::oneshot::Sender<()>>,
}

impl SimHandle {
    /// `http://127.0.0.1:PORT/api`
    pub fn v1_url(&self) -> String {
        format!("{}/api", self.base_url)
    }

    pub fn stop(mut self) {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
    }
}

impl Drop for SimHandle {
    fn drop(&mut self) {
        if let Some(tx) = self.shutdown.take() {
            let _ = tx.send(());
        }
    }
}

/// Serves `state` on `addr` (use port 0 for any free port) until the handle is dropped.
pub async fn serve(state: Arc<SimState>, addr: SocketAddr) -> std::io::Result<SimHandle> {
    let swept = crate::reports::Spooled::sweep();
    if swept > 0 {
        eprintln!("jcsim: removed {swept} report file(s) a stopped simulator left in the temporary folder");
    }
    let listener = tokio::net::TcpListener::bind(addr).await?;
    let addr = listener.local_addr()?;
    let (tx, rx) = tokio::sync::oneshot::channel::<()>();
    let app = axum::Router::new().fallback(dispatch).with_state(state.clone());
    tokio::spawn(async move {
        let _ = axum::serve(listener, app)
            .with_graceful_shutdown(async move {
                let _ = rx.await;
            })
            .await;
    });
    Ok(SimHandle {
        base_url: format!("http://{addr}"),
        addr,
        state,
        shutdown: Some(tx),
    })
}

const MAX_BODY: usize = 4 * 1024 * 1024;

/// Serves one HTTP request: control routes aside, it is logged, delayed, handled, reshaped and
/// possibly cut by the faults in force.
async fn dispatch(State(state): State<Arc<SimState>>, req: Request) -> Response {
    let (parts, body) = req.into_parts();
    let method = parts.method.clone();
    let path = parts.uri.path().to_string();
    let query = parts.uri.query().map(str::to_string);
    let body = match axum::body::to_bytes(body, MAX_BODY).await {
        Ok(b) => b,
        Err(_) => return plain(StatusCode::PAYLOAD_TOO_LARGE, "request body too large"),
    };

    if let Some(rest) = path.strip_prefix("/__sim") {
        return crate::control::control(&state, &method, rest, query.as_deref(), &body);
    }

    state.catch_up();
    let faults = state.faults.lock().expect("faults lock").clone();
    let key = parts
        .headers
        .get("x-api-key")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("")
        .to_string();
    let org_header = parts
        .headers
        .get("x-org-id")
        .and_then(|v| v.to_str().ok())
        .map(str::to_string);
    let mut entry = log_entry(&method, &path, query.as_deref(), &key, org_header.as_deref(), &body);

    if faults.latency_ms > 0 || faults.jitter_ms > 0 {
        let ms = faults.latency_ms + state.jitter(faults.jitter_ms);
        tokio::time::sleep(std::time::Duration::from_millis(ms)).await;
    }

    let resp = if is_artifact(&path) {
        // A report artifact is written (or waited for while written ahead) when downloaded,
        // which takes minutes for a large org: off the runtime's thread, so that every other
        // request is answered meanwhile.
        let (st, f, m, p, h, k) = (
            state.clone(),
            faults.clone(),
            method.clone(),
            path.clone(),
            parts.headers.clone(),
            key.clone(),
        );
        let mut e = entry.clone();
        let (resp, e) = tokio::task::spawn_blocking(move || {
            let incoming = Incoming {
                method: &m,
                path: &p,
                query,
                headers: &h,
                body,
                key: &k,
                org_header: org_header.as_deref(),
                di: p.starts_with("/insights/directory/v1"),
            };
            let resp = handle(&st, &f, incoming, &mut e);
            (resp, e)
        })
        .await
        .expect("the report download's task");
        entry = e;
        resp
    } else {
        let incoming = Incoming {
            method: &method,
            path: &path,
            query,
            headers: &parts.headers,
            body,
            key: &key,
            org_header: org_header.as_deref(),
            di: path.starts_with("/insights/directory/v1"),
        };
        let resp = handle(&state, &faults, incoming, &mut entry);
        // A report just requested has its JSON artifact written while it generates.
        crate::api::write_ahead(&state);
        resp
    };
    entry.status = resp.status.as_u16();
    let resp = reshape_records(&faults, &path, resp);
    let response = respond(&state, &faults, &method, &path, resp, &mut entry);
    let mut log = state.log.lock().expect("log lock");
    entry.seq = log.len() as u64 + 1;
    log.push(entry);
    response
}

/// The request log's entry for a request as it arrived (status and fault are filled in later).
fn log_entry(
    method: &Method,
    path: &str,
    query: Option<&str>,
    key: &str,
    org_header: Option<&str>,
    body: &[u8],
) -> LoggedRequest {
    let key_hint = if key.len() >= 4 {
        key[key.len() - 4..].to_string()
    } else {
        String::new()
    };
    LoggedRequest {
        seq: 0,
        method: method.to_string(),
        path: path.to_string(),
        query: query.unwrap_or_default().to_string(),
        status: 0,
        key_hint,
        org_id: org_header.unwrap_or_default().to_string(),
        body: String::from_utf8_lossy(&body[..body.len().min(2048)]).into_owned(),
        fault: String::new(),
    }
}

/// One API request as it arrived, before it is authenticated.
pub(crate) struct Incoming<'a> {
    method: &'a Method,
    path: &'a str,
    query: Option<String>,
    headers: &'a HeaderMap,
    body: Bytes,
    pub(crate) key: &'a str,
    org_header: Option<&'a str>,
    /// A Directory Insights route, whose errors have their own shape.
    di: bool,
}

impl Incoming<'_> {
    /// An error in the shape of the request's API.
    pub(crate) fn error(&self, status: StatusCode, msg: &str) -> Resp {
        if self.di {
            api::di_error(status, msg)
        } else {
            api::error(status, msg)
        }
    }
}

/// Answers one API request: throttling, authentication, injected refusals, then the route.
fn handle(state: &SimState, faults: &Faults, incoming: Incoming, entry: &mut LoggedRequest) -> Resp {
    let now = state.now_ms();
    if let Some(refused) = crate::throttle::throttle(state, faults, &incoming, now, entry) {
        return refused;
    }
    let (admin, org, org_id) = match authenticate(state, &incoming) {
        Ok(who) => who,
        Err(refused) => return refused,
    };
    if faults.refuse_org_ids.iter().any(|o| o.eq_ignore_ascii_case(&org_id)) {
        entry.fault = "org-refused".into();
        entry.org_id = org_id;
        return incoming.error(StatusCode::UNAUTHORIZED, "Unauthorized: organization access revoked");
    }
    if faults.fail_org_ids.iter().any(|o| o.eq_ignore_ascii_case(&org_id)) {
        entry.fault = "org-5xx".into();
        entry.org_id = org_id;
        return incoming.error(StatusCode::SERVICE_UNAVAILABLE, "Service Unavailable");
    }
    entry.org_id = org_id;
    if let Some(refused) = injected_refusal(state, faults, &incoming, entry) {
        return refused;
    }
    let ctx = Ctx {
        admin,
        org,
        now_ms: now,
    };
    let req = Req {
        method: incoming.method.clone(),
        path: incoming.path.to_string(),
        query: incoming.query,
        headers: incoming.headers.clone(),
        body: incoming.body,
    };
    api::route(state, &ctx, &req, faults)
}

/// Authentication and organisation selection: the admin, the index of the org they act in,
/// and its id.
fn authenticate(state: &SimState, incoming: &Incoming) -> Result<(Admin, usize, Id), Resp> {
    let key = incoming.key;
    let world = state.world.read().expect("world lock");
    if key.is_empty() {
        return Err(incoming.error(StatusCode::UNAUTHORIZED, "Unauthorized"));
    }
    let Some(admin) = world.admin_by_key(key) else {
        return Err(incoming.error(StatusCode::UNAUTHORIZED, "Unauthorized"));
    };
    if admin.suspended {
        return Err(incoming.error(StatusCode::UNAUTHORIZED, "Unauthorized: administrator is suspended"));
    }
    let org_id: Id = match (admin.multi_tenant, incoming.org_header) {
        (true, None) => return Err(incoming.error(StatusCode::UNAUTHORIZED, "ID not included for multi-tenant admin")),
        (_, Some(h)) if !is_object_id(h) => return Err(incoming.error(StatusCode::BAD_REQUEST, "Malformed ID")),
        (_, Some(h)) => {
            if !admin.org_ids.iter().any(|o| o.eq_ignore_ascii_case(h)) || world.org_index(h).is_none() {
                return Err(incoming.error(StatusCode::NOT_FOUND, "Organization ID Not Found"));
            }
            h.to_ascii_lowercase()
        }
        (false, None) => admin.org_ids.first().cloned().unwrap_or_default(),
    };
    let Some(org) = world.org_index(&org_id) else {
        return Err(incoming.error(StatusCode::NOT_FOUND, "Organization ID Not Found"));
    };
    Ok((admin.clone(), org, org_id))
}

/// The request-level faults: an injected 5xx, a strict proxy's 415 for a body where none
/// belongs, and a removal answered but not done.
fn injected_refusal(state: &SimState, faults: &Faults, incoming: &Incoming, entry: &mut LoggedRequest) -> Option<Resp> {
    let (method, path, body) = (incoming.method, incoming.path, &incoming.body);
    if faults.applies_to(method.as_str(), path) && state.roll(faults.error_5xx_rate) && state.spend_budget() {
        entry.fault = "5xx".into();
        let status = *[
            StatusCode::INTERNAL_SERVER_ERROR,
            StatusCode::BAD_GATEWAY,
            StatusCode::SERVICE_UNAVAILABLE,
        ]
        .get(state.jitter(2) as usize)
        .unwrap_or(&StatusCode::INTERNAL_SERVER_ERROR);
        return Some(incoming.error(status, "Internal Server Error"));
    }

    if faults.strict_proxy && !body.is_empty() && crate::faults::takes_no_body(method.as_str(), path) {
        entry.fault = "415".into();
        return Some(incoming.error(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "Unsupported Media Type: this operation takes no request body",
        ));
    }
    let is_removal = method == Method::POST
        && serde_json::from_slice::<serde_json::Value>(body)
            .ok()
            .is_some_and(|b| b.get("op").and_then(|o| o.as_str()) == Some("remove"));
    if faults.removals_undone && is_removal && faults.applies_to(method.as_str(), path) && state.spend_budget() {
        entry.fault = "undone".into();
        return Some(Resp {
            status: StatusCode::NO_CONTENT,
            headers: vec![],
            body: vec![],
            is_json: false,
            spooled: None,
        });
    }
    None
}

/// RFC 3339 of the simulator's clock (for handlers).
pub fn now_rfc3339(ctx: &Ctx) -> String {
    clock::rfc3339_ms(ctx.now_ms)
}
