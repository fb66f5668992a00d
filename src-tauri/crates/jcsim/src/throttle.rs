//! JumpCloud's limits as the simulator applies them: the abuse block of a key that keeps
//! hammering past 429s, and the rate limit (one budget for every key, or one per key).

use crate::api::{self, Resp};
use crate::faults::Faults;
use crate::server::{Incoming, LoggedRequest, SimState};
use axum::http::StatusCode;

/// The abuse block and the rate limit: the refusal when the key is blocked or out of tokens.
pub(crate) fn throttle(
    state: &SimState,
    faults: &Faults,
    incoming: &Incoming,
    now: i64,
    entry: &mut LoggedRequest,
) -> Option<Resp> {
    let key = incoming.key;
    // JumpCloud's abuse protection: a key that keeps hammering past 429s is blocked.
    if faults.block_after_429s > 0 {
        let abuse = state.abuse.lock().expect("abuse lock");
        if abuse.get(key).is_some_and(|a| a.blocked_until_ms > now) {
            entry.fault = "blocked".into();
            return Some(api::error(
                StatusCode::FORBIDDEN,
                "Your IP has been blocked due to suspected abuse",
            ));
        }
    }
    let took = |b: &mut crate::faults::Bucket| b.take(faults.rate_limit_rps, faults.rate_limit_burst, now);
    let limited = faults.rate_limit_rps > 0.0
        && !if faults.rate_limit_per_key {
            took(
                state
                    .key_buckets
                    .lock()
                    .expect("bucket lock")
                    .entry(key.to_string())
                    .or_default(),
            )
        } else {
            took(&mut state.bucket.lock().expect("bucket lock"))
        };
    if limited {
        entry.fault = "429".into();
        if faults.block_after_429s > 0 {
            let mut abuse = state.abuse.lock().expect("abuse lock");
            let a = abuse.entry(key.to_string()).or_default();
            a.recent_429s.retain(|t| now - t < 60_000);
            a.recent_429s.push(now);
            if a.recent_429s.len() as u32 >= faults.block_after_429s {
                a.blocked_until_ms = now + faults.block_secs.max(1) as i64 * 1000;
            }
        }
        let mut r = incoming.error(StatusCode::TOO_MANY_REQUESTS, "Too Many Requests");
        if let Some(s) = faults.retry_after_secs {
            r.headers.push(("retry-after".into(), s.to_string()));
        }
        return Some(r);
    }
    None
}
