//! The sync timer: while the app runs, the open org is synced again every 4 hours (a setting
//! per org: any number of minutes, 0 for off). A timed sync waits while JumpCloud cannot be
//! reached (that is not a failure: it runs once JumpCloud answers again), never starts while
//! another sync runs, and after a failure tries again after 5 minutes, then 10, 20, … (at most
//! the interval), saying so in the status bar.

use super::link::Connectivity;
use super::open::{OrgSession, Result};
use super::SessionEvents;
use crate::schedule::DEFAULT_RESYNC_EVERY;
use rollcall_cache::dates;
use serde::Serialize;
use std::time::Duration;

/// The org setting that holds the interval in minutes (0: off).
pub const SETTING: &str = "resync_every_minutes";

/// The first wait after a failed timed sync; it doubles with each failure in a row.
pub const FIRST_RETRY: Duration = Duration::from_secs(5 * 60);

/// What the timer knows between ticks (reset when another org is opened).
#[derive(Debug, Default)]
pub(super) struct TimerState {
    failures: u32,
    retry_at_ms: Option<i64>,
    last_error: Option<String>,
}

/// When the open org syncs next, for the status bar.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct SyncSchedule {
    /// Minutes between timed syncs; 0 when they are off.
    pub every_minutes: u32,
    /// When the next timed sync is due (RFC 3339); None when off or never synced. After a
    /// failure, when it is tried again.
    pub next_at: Option<String>,
    /// Why the last timed sync failed (it is tried again at `next_at`).
    pub failed: Option<String>,
}

/// The wait after the `failures`-th failed timed sync in a row: 5 minutes, doubling, at most
/// the interval (and never less than 5 minutes).
pub fn retry_wait(failures: u32, every: Duration) -> Duration {
    FIRST_RETRY
        .saturating_mul(1 << failures.saturating_sub(1).min(16))
        .min(every.max(FIRST_RETRY))
}

/// An org's interval between timed syncs as its file keeps it (zero when they are off; the
/// default when never set).
pub fn resync_interval(cache: &rollcall_cache::Cache) -> Duration {
    let kept = cache.setting(SETTING).ok().flatten();
    match kept.and_then(|v| v.trim().parse::<u64>().ok()) {
        Some(minutes) => Duration::from_secs(minutes * 60),
        None => DEFAULT_RESYNC_EVERY,
    }
}

impl OrgSession {
    /// The open org's interval between timed syncs (zero when they are off).
    pub fn resync_every(&self) -> Duration {
        match self.try_active() {
            Some(org) => resync_interval(&org.cache()),
            None => Duration::ZERO,
        }
    }

    /// Sets the open org's interval (0: off) and forgets a pending retry.
    pub fn set_resync_every(&self, minutes: u32) -> Result<()> {
        let org = self.active()?;
        org.cache()
            .set_setting(SETTING, &minutes.to_string(), &dates::now_rfc3339())?;
        *self.timer.lock() = TimerState::default();
        Ok(())
    }

    /// When the next timed sync is due (ms since the epoch), given the interval and when the
    /// last complete sync finished; None when off or never synced.
    fn next_timed_ms(&self, every: Duration, last_complete: Option<&str>) -> Option<i64> {
        if every.is_zero() {
            return None;
        }
        let due = dates::parse_ms(last_complete?)? + every.as_millis() as i64;
        let retry = self.timer.lock().retry_at_ms;
        // After a failure the retry time; a sync that succeeded since moved `due` past it.
        Some(retry.map_or(due, |r| r.max(due)))
    }

    /// What the status bar shows of the timer, given when the last complete sync finished
    /// (the caller has read it already).
    pub fn schedule(&self, last_complete: Option<&str>) -> Option<SyncSchedule> {
        self.try_active()?;
        let every = self.resync_every();
        let failed = self.timer.lock().last_error.clone();
        Some(SyncSchedule {
            every_minutes: (every.as_secs() / 60) as u32,
            next_at: self.next_timed_ms(every, last_complete).map(dates::format_ms),
            failed,
        })
    }

    /// One look at the clock (`now_ms`): runs a timed sync when one is due, JumpCloud answers
    /// and no sync runs. True when a sync ran (whatever its outcome).
    pub async fn timer_tick(&self, now_ms: i64, events: &dyn SessionEvents) -> bool {
        let Some(org) = self.try_active() else { return false };
        let last = org.cache().last_complete_sync().ok().flatten().map(|(_, at)| at);
        let Some(due) = self.next_timed_ms(self.resync_every(), last.as_deref()) else {
            return false;
        };
        // Offline, or the key refused (only a new key helps): nothing to try, nothing failed.
        if now_ms < due
            || self.link.syncing()
            || self.fleet.is_busy(&org.entry.id)
            || self.connectivity() != Connectivity::Online
            || self.link.key_refused()
        {
            return false;
        }
        tracing::info!("timed sync starting");
        let result = self.sync(events).await;
        let mut t = self.timer.lock();
        match &result {
            Ok(_) => *t = TimerState::default(),
            // JumpCloud could not be reached: the reconnect watch takes over; not a failure.
            Err(_) if self.connectivity() != Connectivity::Online => {}
            Err(e) => {
                t.failures += 1;
                let wait = retry_wait(t.failures, self.resync_every());
                t.retry_at_ms = Some(now_ms + wait.as_millis() as i64);
                t.last_error = Some(e.to_string());
                tracing::warn!(error = %e, failures = t.failures, "timed sync failed; will retry");
            }
        }
        drop(t);
        events.status_changed();
        true
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn retries_wait_five_minutes_then_double_up_to_the_interval() {
        let m = |n: u64| Duration::from_secs(n * 60);
        let every = m(240);
        assert_eq!(retry_wait(1, every), m(5));
        assert_eq!(retry_wait(2, every), m(10));
        assert_eq!(retry_wait(3, every), m(20));
        assert_eq!(retry_wait(6, every), m(160));
        assert_eq!(retry_wait(7, every), m(240), "never longer than the interval");
        assert_eq!(retry_wait(40, every), m(240));
        assert_eq!(retry_wait(1, m(2)), m(5), "never sooner than 5 minutes");
    }
}
