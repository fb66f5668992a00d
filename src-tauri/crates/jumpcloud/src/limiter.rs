//! One limiter shared by every request of a client: a bounded number of requests in flight
//! that adapts to JumpCloud's answers. A 429 halves the window and pauses everyone until the
//! `Retry-After` (or a backoff) has passed; each success grows the window back by about one
//! request per window's worth of successes (additive increase, multiplicative decrease).
//!
//! A window alone cannot slow down requests that answer in a millisecond, so a 429 also sets a
//! pace (a minimum gap between request starts) that widens on each 429 and narrows by 2% on
//! each success: the client settles just under the server's rate instead of bouncing off it.

use parking_lot::Mutex;
use std::sync::Arc;
use std::time::{Duration, Instant};
use tokio::sync::Notify;

#[derive(Debug)]
struct State {
    /// Allowed in flight (fractional so growth is gradual).
    window: f64,
    in_flight: usize,
    /// Nobody starts a request before this.
    paused_until: Option<Instant>,
    /// Consecutive 429s, for the exponential backoff when no `Retry-After` is given.
    strikes: u32,
    /// Minimum seconds between request starts (0 = no pacing).
    pace: f64,
    next_start: Option<Instant>,
}

#[derive(Debug)]
pub struct Limiter {
    max: usize,
    state: Mutex<State>,
    notify: Notify,
}

/// Held while a request is in flight.
pub struct Permit {
    limiter: Arc<Limiter>,
}

impl Drop for Permit {
    fn drop(&mut self) {
        let mut s = self.limiter.state.lock();
        s.in_flight -= 1;
        drop(s);
        self.limiter.notify.notify_waiters();
    }
}

/// A snapshot for progress reports and tests.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct LimiterStats {
    pub window: f64,
    /// Minimum seconds between request starts.
    pub pace: f64,
    pub in_flight: usize,
    pub paused: bool,
}

impl Limiter {
    pub fn new(max_in_flight: usize) -> Arc<Self> {
        let max = max_in_flight.max(1);
        Arc::new(Self {
            max,
            state: Mutex::new(State {
                window: max as f64,
                in_flight: 0,
                paused_until: None,
                strikes: 0,
                pace: 0.0,
                next_start: None,
            }),
            notify: Notify::new(),
        })
    }

    /// Waits for a slot (and for any pause to end).
    pub async fn acquire(self: &Arc<Self>) -> Permit {
        loop {
            // Register for wake-ups *before* looking at the state, so a permit released between
            // the look and the wait is not missed.
            let notified = self.notify.notified();
            tokio::pin!(notified);
            notified.as_mut().enable();
            let wait = {
                let mut s = self.state.lock();
                let now = Instant::now();
                let gate = s
                    .paused_until
                    .into_iter()
                    .chain(s.next_start)
                    .filter(|t| *t > now)
                    .max();
                match gate {
                    Some(t) => Some(t - now),
                    None => {
                        s.paused_until = None;
                        if s.in_flight < (s.window.floor() as usize).max(1) {
                            s.in_flight += 1;
                            if s.pace > 0.0 {
                                s.next_start = Some(now + Duration::from_secs_f64(s.pace));
                            }
                            return Permit { limiter: self.clone() };
                        }
                        None
                    }
                }
            };
            match wait {
                Some(d) => tokio::time::sleep(d).await,
                None => {
                    // A safety net only: releases wake waiters directly.
                    let _ = tokio::time::timeout(Duration::from_millis(250), notified).await;
                }
            }
        }
    }

    /// A request succeeded: grow the window by 1/window (about +1 per window of successes).
    pub fn on_success(&self) {
        let mut s = self.state.lock();
        s.strikes = 0;
        s.window = (s.window + 1.0 / s.window.max(1.0)).min(self.max as f64);
        s.pace = if s.pace < 0.001 { 0.0 } else { s.pace * 0.98 };
        drop(s);
        self.notify.notify_waiters();
    }

    /// JumpCloud answered 429: halve the window and pause everyone. Returns how long.
    pub fn on_rate_limited(&self, retry_after: Option<Duration>, max_backoff: Duration) -> Duration {
        let mut s = self.state.lock();
        s.strikes = s.strikes.saturating_add(1);
        s.window = (s.window / 2.0).max(1.0);
        s.pace = if s.pace == 0.0 { 0.02 } else { (s.pace * 1.5).min(2.0) };
        let wait = match retry_after {
            Some(d) => d.min(max_backoff),
            None => backoff(s.strikes, max_backoff),
        };
        let until = Instant::now() + wait;
        if s.paused_until.is_none_or(|t| t < until) {
            s.paused_until = Some(until);
        }
        wait
    }

    pub fn stats(&self) -> LimiterStats {
        let s = self.state.lock();
        LimiterStats {
            window: s.window,
            pace: s.pace,
            in_flight: s.in_flight,
            paused: s.paused_until.is_some_and(|t| t > Instant::now()),
        }
    }
}

/// Exponential backoff with full jitter: up to 250 ms × 2^(attempt-1), capped.
pub fn backoff(attempt: u32, cap: Duration) -> Duration {
    let base = Duration::from_millis(250).saturating_mul(1u32 << attempt.saturating_sub(1).min(10));
    let ceiling = base.min(cap);
    let frac = fastrand::f64();
    ceiling.mul_f64(0.5 + frac / 2.0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn bounds_in_flight_and_backs_off_on_429() {
        let l = Limiter::new(4);
        let permits: Vec<Permit> = futures_util::future::join_all((0..4).map(|_| l.acquire())).await;
        assert_eq!(l.stats().in_flight, 4);
        let fifth = tokio::time::timeout(Duration::from_millis(100), l.acquire()).await;
        assert!(fifth.is_err(), "a fifth request waits");
        drop(permits);
        let wait = l.on_rate_limited(Some(Duration::from_millis(200)), Duration::from_secs(5));
        assert_eq!(wait, Duration::from_millis(200));
        assert_eq!(l.stats().window, 2.0, "halved");
        assert!(l.stats().pace > 0.0, "a 429 paces request starts");
        let t = Instant::now();
        let _p = l.acquire().await;
        assert!(
            t.elapsed() >= Duration::from_millis(150),
            "everyone waits out the Retry-After"
        );
        for _ in 0..10 {
            l.on_success();
        }
        assert!(l.stats().window > 3.0, "grows back on success: {}", l.stats().window);
    }

    #[test]
    fn backoff_grows_and_is_capped() {
        assert!(backoff(1, Duration::from_secs(30)) <= Duration::from_millis(250));
        assert!(backoff(4, Duration::from_secs(30)) >= Duration::from_millis(1000));
        assert!(backoff(20, Duration::from_secs(3)) <= Duration::from_secs(3));
    }
}
