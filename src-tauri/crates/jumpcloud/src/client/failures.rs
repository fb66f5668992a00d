//! What a failed attempt means: retried (after a backoff, or at once after a 429), or the error
//! the admin reads — and for a request sent at most once whose answer was lost, "outcome
//! unknown", never a retry.

use super::{Answer, Call, Client, Repeat};
use crate::error::{message_of, Error, Result};
use crate::limiter::backoff;
use bytes::Bytes;
use reqwest::header::HeaderMap;
use reqwest::StatusCode;
use std::sync::atomic::Ordering;
use std::time::{Duration, Instant};

/// What `send` does after one attempt.
pub(super) enum Next {
    Return(Result<Answer>),
    /// Try again after the backoff for this attempt.
    RetryAfterBackoff,
    /// Try again at once, the attempt not counted (a 429: the limiter already makes everyone
    /// wait).
    RetryNotCounted,
}

impl Client {
    /// Whether a failed attempt of `call` may be repeated.
    pub(super) fn can_retry(&self, call: &Call, attempt: u32) -> bool {
        call.repeat != Repeat::Once && attempt < self.inner.cfg.max_attempts
    }

    /// After JumpCloud answered with an error status.
    pub(super) fn after_refusal(
        &self,
        call: &Call,
        attempt: u32,
        started: Instant,
        status: StatusCode,
        headers: HeaderMap,
        body: &Bytes,
    ) -> Next {
        let message = message_of(body);
        if status == StatusCode::TOO_MANY_REQUESTS {
            return self.after_rate_limit(call, attempt, started, &headers);
        }
        // JumpCloud gives no code for this block; its message is the only sign (§7).
        if status == StatusCode::FORBIDDEN && message.to_lowercase().contains("suspected abuse") {
            *self.inner.blocked.lock() = Some(message.clone());
            tracing::error!(endpoint = %Self::endpoint_name(call), "JumpCloud blocked this client for suspected abuse; stopping all requests");
            return Next::Return(Err(self.failed(Error::Blocked { message })));
        }
        // A repeated graph edit whose first try landed: the edge is already as asked.
        let already = (status == StatusCode::CONFLICT && call.repeat == Repeat::GraphAdd)
            || (status == StatusCode::NOT_FOUND && call.repeat == Repeat::GraphRemove);
        if attempt > 1 && already {
            return Next::Return(Ok(Answer {
                status: StatusCode::NO_CONTENT,
                headers,
                body: Bytes::new(),
            }));
        }
        if status.is_server_error() {
            return self.after_server_error(call, attempt, status, message);
        }
        Next::Return(Err(self.failed(self.status_error(call, status, message))))
    }

    /// After a 429: wait as the limiter says and go on while the total wait stays reasonable.
    pub(super) fn after_rate_limit(&self, call: &Call, attempt: u32, started: Instant, headers: &HeaderMap) -> Next {
        let cfg = &self.inner.cfg;
        self.inner.counters.rate_limited.fetch_add(1, Ordering::Relaxed);
        let retry_after = headers
            .get("retry-after")
            .and_then(|v| v.to_str().ok())
            .and_then(|v| v.trim().parse::<u64>().ok())
            .map(Duration::from_secs);
        let wait = self.inner.limiter.on_rate_limited(retry_after, cfg.max_backoff);
        tracing::debug!(endpoint = %Self::endpoint_name(call), ?wait, attempt, "429 from JumpCloud");
        // 429s cost nothing to repeat for a safe request: keep going while the total wait
        // stays reasonable (the limiter makes everyone wait).
        if call.repeat != Repeat::Once && started.elapsed() + wait < cfg.max_backoff * 8 {
            return Next::RetryNotCounted;
        }
        Next::Return(Err(self.failed(Error::RateLimited { retry_after })))
    }

    /// After a 5xx: retried when safe; for a request sent at most once, the outcome is unknown
    /// (unless a 503 says it was not taken).
    pub(super) fn after_server_error(&self, call: &Call, attempt: u32, status: StatusCode, message: String) -> Next {
        if self.can_retry(call, attempt) {
            return Next::RetryAfterBackoff;
        }
        if call.repeat == Repeat::Once && status != StatusCode::SERVICE_UNAVAILABLE {
            return Next::Return(Err(self.failed(Error::OutcomeUnknown {
                operation: call.operation.clone(),
                detail: format!("JumpCloud answered {status}"),
            })));
        }
        Next::Return(Err(self.failed(Error::Server {
            status: status.as_u16(),
            message,
        })))
    }

    /// After no answer: retried when safe; a request sent at most once that may have arrived
    /// has an unknown outcome.
    pub(super) fn after_transport_error(&self, call: &Call, attempt: u32, e: &reqwest::Error) -> Next {
        if self.can_retry(call, attempt) {
            tracing::debug!(endpoint = %Self::endpoint_name(call), attempt, error = %e, "transport error, retrying");
            return Next::RetryAfterBackoff;
        }
        let never_sent = e.is_connect();
        if call.repeat == Repeat::Once && !never_sent {
            return Next::Return(Err(self.failed(Error::OutcomeUnknown {
                operation: call.operation.clone(),
                detail: transport_detail(e),
            })));
        }
        Next::Return(Err(self.failed(transport_error(e, self.inner.cfg.timeout))))
    }

    pub(super) fn failed(&self, e: Error) -> Error {
        self.inner.counters.failed.fetch_add(1, Ordering::Relaxed);
        e
    }

    pub(super) async fn retry_wait(&self, attempt: u32) {
        self.inner.counters.retries.fetch_add(1, Ordering::Relaxed);
        tokio::time::sleep(backoff(attempt, self.inner.cfg.max_backoff)).await;
    }

    pub(super) fn status_error(&self, call: &Call, status: StatusCode, message: String) -> Error {
        match status {
            StatusCode::UNAUTHORIZED => Error::Unauthorized {
                status: 401,
                refusal: crate::error::KeyRefusal::of(&message),
                message,
            },
            StatusCode::FORBIDDEN => Error::Forbidden {
                operation: call.operation.clone(),
                message,
            },
            StatusCode::NOT_FOUND => Error::NotFound { message },
            StatusCode::CONFLICT => Error::Conflict { message },
            s => Error::BadRequest {
                status: s.as_u16(),
                message,
            },
        }
    }
}

fn transport_detail(e: &reqwest::Error) -> String {
    let mut s = e.to_string();
    let mut src = std::error::Error::source(e);
    while let Some(inner) = src {
        s.push_str(": ");
        s.push_str(&inner.to_string());
        src = inner.source();
    }
    s
}

/// Whether a transport failure came from TLS (the handshake, a certificate): a `rustls::Error`
/// somewhere in its chain of sources, or wrapped in I/O errors (how the connector reports a
/// handshake that failed: an I/O error holding an I/O error holding the TLS error, which
/// `source()` skips). Decided by the error's type, never by its wording: a URL or a host name
/// holding "tls" is no TLS problem.
fn is_tls(e: &(dyn std::error::Error + 'static)) -> bool {
    let mut at = Some(e);
    while let Some(err) = at {
        let mut inner: Option<&(dyn std::error::Error + 'static)> = Some(err);
        while let Some(x) = inner {
            if x.downcast_ref::<rustls::Error>().is_some() {
                return true;
            }
            inner = x
                .downcast_ref::<std::io::Error>()
                .and_then(|io| io.get_ref())
                .map(|e| e as &(dyn std::error::Error + 'static));
        }
        at = err.source();
    }
    false
}

pub(super) fn transport_error(e: &reqwest::Error, timeout: Duration) -> Error {
    let detail = transport_detail(e);
    if e.is_timeout() {
        Error::Timeout { after: timeout }
    } else if is_tls(e) {
        Error::Tls { detail }
    } else {
        Error::Offline { detail }
    }
}
