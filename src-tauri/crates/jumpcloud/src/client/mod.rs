//! The transport: one `reqwest` client, one shared limiter, and the retry rules.
//!
//! - A request that is safe to repeat (GET, read-only POSTs such as searches and Directory
//!   Insights queries, and graph edits whose repetition is harmless) is retried on 429 (after the
//!   `Retry-After` or a backoff), 5xx, dropped connections, timeouts and unreadable bodies.
//! - A request that is not (device commands, reset MFA, expire, unlock, run command, create,
//!   update, delete) is sent at most once. If its answer is lost it returns `OutcomeUnknown`;
//!   if JumpCloud answered 429 it returns `RateLimited` (nothing was done).
//! - JumpCloud's abuse block stops the client: every later call fails with `Blocked`.

use crate::config::ClientConfig;
use crate::error::{message_of, Error, Result};
use crate::limiter::{Limiter, LimiterStats};
use bytes::Bytes;
use parking_lot::Mutex;
use reqwest::header::{HeaderMap, HeaderValue};
use reqwest::{Method, StatusCode};
use serde::de::DeserializeOwned;
use serde_json::Value;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

mod failures;
use failures::{transport_error, Next};

/// Which of JumpCloud's three APIs a path belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Api {
    V1,
    V2,
    Insights,
}

/// Whether a request may be sent again.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Repeat {
    /// Reads: repeat freely.
    Safe,
    /// A graph "add": a repeat that finds it already done (409) succeeded.
    GraphAdd,
    /// A graph "remove": a repeat that finds it already gone (404) succeeded.
    GraphRemove,
    /// Never sent twice.
    Once,
}

/// One request.
#[derive(Debug, Clone)]
pub struct Call {
    pub method: Method,
    pub api: Api,
    /// Below the API's base, e.g. `/systemusers/{id}`.
    pub path: String,
    pub query: Vec<(String, String)>,
    pub body: Option<Value>,
    pub repeat: Repeat,
    /// What the admin asked for, in words ("lock devices"), for Forbidden and OutcomeUnknown.
    pub operation: String,
}

impl Call {
    pub fn new(method: Method, api: Api, path: impl Into<String>, operation: impl Into<String>) -> Self {
        let repeat = if method == Method::GET {
            Repeat::Safe
        } else {
            Repeat::Once
        };
        Self {
            method,
            api,
            path: path.into(),
            query: vec![],
            body: None,
            repeat,
            operation: operation.into(),
        }
    }

    pub fn get(api: Api, path: impl Into<String>, operation: impl Into<String>) -> Self {
        Self::new(Method::GET, api, path, operation)
    }

    pub fn query(mut self, k: &str, v: impl ToString) -> Self {
        self.query.push((k.to_string(), v.to_string()));
        self
    }

    pub fn body(mut self, body: Value) -> Self {
        self.body = Some(body);
        self
    }

    pub fn repeat(mut self, r: Repeat) -> Self {
        self.repeat = r;
        self
    }
}

/// The longest a download (a report's artifact) may take, start to end.
pub const DOWNLOAD_TIMEOUT: Duration = Duration::from_secs(15 * 60);

enum DownloadError {
    Http(reqwest::Error),
    File(std::io::Error),
}

/// An answer with a success status.
#[derive(Debug, Clone)]
pub struct Answer {
    pub status: StatusCode,
    pub headers: HeaderMap,
    pub body: Bytes,
}

impl Answer {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }

    /// `x-total-count`, v2's total.
    pub fn total_count(&self) -> Option<u64> {
        self.header("x-total-count").and_then(|v| v.trim().parse().ok())
    }
}

/// Counters, for benchmarks and the sync engine's progress.
#[derive(Debug, Default)]
pub struct Counters {
    pub sent: AtomicU64,
    pub retries: AtomicU64,
    pub rate_limited: AtomicU64,
    pub failed: AtomicU64,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct CounterSnapshot {
    pub sent: u64,
    pub retries: u64,
    pub rate_limited: u64,
    pub failed: u64,
}

struct Inner {
    http: reqwest::Client,
    cfg: ClientConfig,
    limiter: Arc<Limiter>,
    blocked: Mutex<Option<String>>,
    counters: Counters,
}

/// The JumpCloud client. Cheap to clone; clones share the connection pool and the limiter.
#[derive(Clone)]
pub struct Client {
    inner: Arc<Inner>,
}

impl std::fmt::Debug for Client {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Client")
            .field("endpoints", &self.inner.cfg.endpoints)
            .field("org_id", &self.inner.cfg.org_id)
            .field("api_key", &self.inner.cfg.api_key)
            .finish()
    }
}

impl Client {
    pub fn new(cfg: ClientConfig) -> Result<Self> {
        if cfg.api_key.is_empty() {
            return Err(Error::Config(
                "The API key is empty. Paste the key from JumpCloud's admin portal (your name → My API Key).".into(),
            ));
        }
        for base in [&cfg.endpoints.v1, &cfg.endpoints.v2, &cfg.endpoints.insights] {
            url::Url::parse(base)
                .map_err(|e| Error::Config(format!("The JumpCloud address {base} is not a valid URL: {e}")))?;
        }
        let http = reqwest::Client::builder()
            .user_agent(cfg.user_agent.clone())
            .connect_timeout(cfg.connect_timeout)
            .timeout(cfg.timeout)
            .pool_max_idle_per_host(cfg.max_in_flight.max(1))
            .build()
            .map_err(|e| Error::Config(format!("cannot set up HTTPS: {e}")))?;
        let limiter = Limiter::new(cfg.max_in_flight);
        Ok(Self {
            inner: Arc::new(Inner {
                http,
                cfg,
                limiter,
                blocked: Mutex::new(None),
                counters: Counters::default(),
            }),
        })
    }

    /// A client for another organisation (or another configuration) that draws on this
    /// client's request budget: the same connection pool and the same adaptive limiter, so
    /// that syncs of the organisations a multi-tenant key reaches share JumpCloud's per-key
    /// rate limit (a 429 met by one slows the next). Its own counters and key standing.
    pub fn sharing_budget(&self, cfg: ClientConfig) -> Result<Self> {
        if cfg.api_key.is_empty() {
            return Err(Error::Config("The API key is empty.".into()));
        }
        Ok(Self {
            inner: Arc::new(Inner {
                http: self.inner.http.clone(),
                cfg,
                limiter: self.inner.limiter.clone(),
                blocked: Mutex::new(None),
                counters: Counters::default(),
            }),
        })
    }

    /// Whether `other` draws on this client's request budget (see `sharing_budget`).
    pub fn shares_budget_with(&self, other: &Client) -> bool {
        Arc::ptr_eq(&self.inner.limiter, &other.inner.limiter)
    }

    pub fn config(&self) -> &ClientConfig {
        &self.inner.cfg
    }

    pub fn limiter_stats(&self) -> LimiterStats {
        self.inner.limiter.stats()
    }

    pub fn counters(&self) -> CounterSnapshot {
        let c = &self.inner.counters;
        CounterSnapshot {
            sent: c.sent.load(Ordering::Relaxed),
            retries: c.retries.load(Ordering::Relaxed),
            rate_limited: c.rate_limited.load(Ordering::Relaxed),
            failed: c.failed.load(Ordering::Relaxed),
        }
    }

    fn url(&self, api: Api, path: &str) -> String {
        let e = &self.inner.cfg.endpoints;
        let base = match api {
            Api::V1 => &e.v1,
            Api::V2 => &e.v2,
            Api::Insights => &e.insights,
        };
        format!("{}{}", base.trim_end_matches('/'), path)
    }

    fn endpoint_name(call: &Call) -> String {
        let prefix = match call.api {
            Api::V1 => "",
            Api::V2 => "/v2",
            Api::Insights => "/insights",
        };
        format!("{} {prefix}{}", call.method, call.path)
    }

    /// Sends `call` under the retry rules. Returns the successful answer or the mapped error.
    pub async fn send(&self, call: &Call) -> Result<Answer> {
        let started = Instant::now();
        let mut attempt: u32 = 0;
        loop {
            attempt += 1;
            if let Some(msg) = self.inner.blocked.lock().clone() {
                return Err(Error::Blocked { message: msg });
            }
            let permit = self.inner.limiter.acquire().await;
            let result = self.send_once(call).await;
            drop(permit);
            let next = match result {
                Ok((status, headers, body)) if status.is_success() => {
                    self.inner.limiter.on_success();
                    Next::Return(Ok(Answer { status, headers, body }))
                }
                Ok((status, headers, body)) => self.after_refusal(call, attempt, started, status, headers, &body),
                Err(e) => self.after_transport_error(call, attempt, &e),
            };
            match next {
                Next::Return(answer) => return answer,
                Next::RetryAfterBackoff => self.retry_wait(attempt).await,
                Next::RetryNotCounted => {
                    self.inner.counters.retries.fetch_add(1, Ordering::Relaxed);
                    attempt = attempt.saturating_sub(1);
                }
            }
        }
    }

    /// The request for `call`, with the key, the org and the body.
    fn request(&self, call: &Call) -> reqwest::RequestBuilder {
        let cfg = &self.inner.cfg;
        let mut rb = self
            .inner
            .http
            .request(call.method.clone(), self.url(call.api, &call.path))
            .header("accept", "application/json");
        let mut key = HeaderValue::from_str(cfg.api_key.expose()).unwrap_or_else(|_| HeaderValue::from_static(""));
        key.set_sensitive(true);
        rb = rb.header("x-api-key", key);
        if let Some(org) = &cfg.org_id {
            rb = rb.header("x-org-id", org.as_str());
        }
        if !call.query.is_empty() {
            rb = rb.query(&call.query);
        }
        if let Some(b) = &call.body {
            rb = rb.json(b);
        } else if call.method == Method::POST || call.method == Method::PUT {
            rb = rb.header("content-type", "application/json");
        }
        self.inner.counters.sent.fetch_add(1, Ordering::Relaxed);
        rb
    }

    /// One HTTP exchange, body read in full.
    async fn send_once(&self, call: &Call) -> std::result::Result<(StatusCode, HeaderMap, Bytes), reqwest::Error> {
        let resp = self.request(call).send().await?;
        let status = resp.status();
        let headers = resp.headers().clone();
        let body = resp.bytes().await?;
        Ok((status, headers, body))
    }

    /// A large body (a report's artifact) streamed into the file at `dest` instead of held in
    /// memory, with up to `DOWNLOAD_TIMEOUT` for the whole transfer; repeated like any read
    /// after a dropped connection or a 5xx. The number of bytes written.
    pub async fn download(&self, call: &Call, dest: &std::path::Path) -> Result<u64> {
        let mut attempt = 0;
        loop {
            attempt += 1;
            let permit = self.inner.limiter.acquire().await;
            let result = self.download_once(call, dest).await;
            drop(permit);
            let can_retry = attempt < self.inner.cfg.max_attempts;
            match result {
                Ok(Ok(n)) => {
                    self.inner.limiter.on_success();
                    return Ok(n);
                }
                Ok(Err((status, body))) => {
                    if status.is_server_error() && can_retry {
                        self.retry_wait(attempt).await;
                        continue;
                    }
                    let message = message_of(&body);
                    return Err(self.failed(if status.is_server_error() {
                        Error::Server {
                            status: status.as_u16(),
                            message,
                        }
                    } else {
                        self.status_error(call, status, message)
                    }));
                }
                Err(DownloadError::Http(e)) if can_retry => {
                    tracing::debug!(endpoint = %Self::endpoint_name(call), attempt, error = %e, "download interrupted, retrying");
                    self.retry_wait(attempt).await;
                }
                Err(DownloadError::Http(e)) => return Err(self.failed(transport_error(&e, DOWNLOAD_TIMEOUT))),
                Err(DownloadError::File(e)) => {
                    return Err(self.failed(Error::Config(format!(
                        "could not write the download to {}: {e}",
                        dest.display()
                    ))))
                }
            }
        }
    }

    async fn download_once(
        &self,
        call: &Call,
        dest: &std::path::Path,
    ) -> std::result::Result<std::result::Result<u64, (StatusCode, Bytes)>, DownloadError> {
        use std::io::Write;
        let mut resp = self
            .request(call)
            .timeout(DOWNLOAD_TIMEOUT)
            .send()
            .await
            .map_err(DownloadError::Http)?;
        let status = resp.status();
        if !status.is_success() {
            let body = resp.bytes().await.map_err(DownloadError::Http)?;
            return Ok(Err((status, body)));
        }
        let mut file = std::io::BufWriter::new(std::fs::File::create(dest).map_err(DownloadError::File)?);
        let mut written = 0u64;
        while let Some(chunk) = resp.chunk().await.map_err(DownloadError::Http)? {
            file.write_all(&chunk).map_err(DownloadError::File)?;
            written += chunk.len() as u64;
        }
        file.flush().map_err(DownloadError::File)?;
        Ok(Ok(written))
    }

    /// Sends and decodes JSON. A body that does not decode is retried like a dropped
    /// connection for safe requests (a truncated answer), then reported with its field path.
    pub async fn json<T: DeserializeOwned + Send + 'static>(&self, call: &Call) -> Result<(T, Answer)> {
        let mut tries = 0;
        loop {
            tries += 1;
            let answer = self.send(call).await?;
            // Large pages are decoded on the blocking pool so the I/O threads keep the other
            // requests in flight moving.
            let decoded = if answer.body.len() > 32 * 1024 {
                let body = answer.body.clone();
                tokio::task::spawn_blocking(move || decode::<T>(&body))
                    .await
                    .unwrap_or_else(|e| {
                        Err(crate::decode::Undecodable::at(
                            String::new(),
                            format!("decoder stopped: {e}"),
                        ))
                    })
            } else {
                decode::<T>(&answer.body)
            };
            match decoded {
                Ok(v) => return Ok((v, answer)),
                Err(detail) if call.repeat != Repeat::Once && tries < 3 => {
                    tracing::debug!(endpoint = %Self::endpoint_name(call), %detail, "unreadable answer, retrying");
                    self.retry_wait(tries).await;
                }
                Err(detail) => {
                    return Err(self.failed(Error::Decode {
                        endpoint: Self::endpoint_name(call),
                        detail,
                    }))
                }
            }
        }
    }

    /// The "any endpoint" console: `method` on `path` (which starts with `/api/`, `/api/v2/` or
    /// `/insights/directory/v1/`). GETs are retried like any read; anything else is sent once.
    pub async fn call(&self, method: Method, path: &str, body: Option<Value>) -> Result<(StatusCode, Value)> {
        let (api, rest) = if let Some(r) = path.strip_prefix("/api/v2") {
            (Api::V2, r)
        } else if let Some(r) = path.strip_prefix("/api") {
            (Api::V1, r)
        } else if let Some(r) = path.strip_prefix("/insights/directory/v1") {
            (Api::Insights, r)
        } else {
            return Err(Error::Config(format!(
                "{path} is not a JumpCloud API path: start it with /api/, /api/v2/ or /insights/directory/v1/"
            )));
        };
        let (rest, query) = match rest.split_once('?') {
            Some((p, q)) => (p, url::form_urlencoded::parse(q.as_bytes()).into_owned().collect()),
            None => (rest, vec![]),
        };
        let mut c = Call::new(method.clone(), api, rest, format!("{method} {path}"));
        c.query = query;
        c.body = body;
        let answer = self.send(&c).await?;
        let value = if answer.body.is_empty() {
            Value::Null
        } else {
            serde_json::from_slice(&answer.body)
                .unwrap_or_else(|_| Value::String(String::from_utf8_lossy(&answer.body).into_owned()))
        };
        Ok((answer.status, value))
    }
}

/// Decodes with the failing field's path in the message (`results[12].lastContact: ...`). A
/// `null` where a field is not optional is JumpCloud's "unset" too: such a body is read again
/// with its `null` members left out (they take their defaults).
pub fn decode<T: DeserializeOwned>(body: &[u8]) -> std::result::Result<T, crate::decode::Undecodable> {
    let de = &mut serde_json::Deserializer::from_slice(body);
    let first = serde_path_to_error::deserialize(de);
    if first.is_err() {
        if let Ok(mut v) = serde_json::from_slice::<Value>(body) {
            crate::decode::strip_nulls(&mut v);
            if let Ok(t) = serde_json::from_value(v) {
                return Ok(t);
            }
        }
    }
    first.map_err(|e| crate::decode::Undecodable::at(e.path().to_string(), e.into_inner().to_string()))
}
