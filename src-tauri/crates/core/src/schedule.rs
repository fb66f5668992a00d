//! When the next full sync is due (every 4 hours by default). The app starts a sync when one
//! is due at launch (`session::sync_due`) and the timer (`session::timer`) while it runs.

use std::time::Duration;

/// How often a connected org is re-synced while the app runs.
pub const DEFAULT_RESYNC_EVERY: Duration = Duration::from_secs(4 * 3600);

/// How long to wait before the next scheduled sync, given when the last complete sync
/// finished (ms since the epoch) and now. Never synced, or overdue: now.
pub fn next_sync_in(last_complete_ms: Option<i64>, now_ms: i64, every: Duration) -> Duration {
    match last_complete_ms {
        None => Duration::ZERO,
        Some(last) => {
            let due = last + every.as_millis() as i64;
            Duration::from_millis((due - now_ms).max(0) as u64)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn due_times() {
        let h = 3_600_000;
        assert_eq!(
            next_sync_in(None, 10 * h, DEFAULT_RESYNC_EVERY),
            Duration::ZERO,
            "never synced: now"
        );
        assert_eq!(
            next_sync_in(Some(9 * h), 10 * h, DEFAULT_RESYNC_EVERY),
            Duration::from_secs(3 * 3600)
        );
        assert_eq!(
            next_sync_in(Some(h), 10 * h, DEFAULT_RESYNC_EVERY),
            Duration::ZERO,
            "overdue: now"
        );
    }
}
