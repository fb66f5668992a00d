//! The login events a sync reads: Directory Insights over the window the copy keeps, into the
//! archive alone (the mirror's `events` is a view of it), on a connection of their own so that
//! they are read while the rest of the org is.

use super::phases::{EVENT_DAYS, EVENT_OVERLAP_MS, EVENT_PAGE};
use super::*;

/// Reads the login events the copy does not hold yet into `cache` (a connection beside the
/// sync's writer); how many were read. What the copy holds is carried; only newer events are
/// asked for. Directory Insights off for the org or refused to the role leaves logins unknown,
/// not the sync failed.
pub(super) async fn read(run: &Run<'_>, opts: &SyncOptions, mut cache: Cache) -> Result<u64> {
    let c = run.client;
    let now_ms = opts.now_ms();
    let days = if opts.event_days == 0 {
        EVENT_DAYS
    } else {
        opts.event_days
    };
    let start_ms = now_ms - days as i64 * 86_400_000;
    let start = rollcall_cache::format_ms(start_ms);
    // From a few hours before the newest held: Directory Insights can take a while to show an
    // event (the same event twice is one row).
    let newest = cache.carry_events(&start)?;
    let from_ms = newest
        .as_deref()
        .and_then(rollcall_cache::parse_ms)
        .map_or(start_ms, |ms| (ms - EVENT_OVERLAP_MS).max(start_ms));
    // A long window (a first sync's 90 days) is read in slices at once, each paged by its own
    // cursor; an event on a slice's edge may come twice and is one row.
    let streams = super::event_window::slices(from_ms, now_ms).into_iter().map(|(from, to)| {
        let mut query = json!({ "service": crate::explore::ALWAYS_ARCHIVED, "start_time": rollcall_cache::format_ms(from), "limit": EVENT_PAGE, "sort": "ASC" });
        if let Some(to) = to {
            query["end_time"] = json!(rollcall_cache::format_ms(to));
        }
        c.insights().events(query)
    });
    let mut known = true;
    let mut stream = futures_util::stream::select_all(streams);
    let mut events = Vec::new();
    let mut n = 0u64;
    while let Some(e) = stream.next().await {
        let e = match e {
            Ok(e) => e,
            // Directory Insights may be off for the org (402) or not allowed for the role:
            // logins are then unknown, the rest of the mirror is still good.
            Err(err @ (jumpcloud::Error::BadRequest { .. } | jumpcloud::Error::Forbidden { .. })) => {
                tracing::info!(error = %err, "Directory Insights not available; last logins unknown");
                known = false;
                break;
            }
            Err(err) => return Err(err.into()),
        };
        events.push(convert::event_row(&e));
        if events.len() >= BATCH * 5 {
            run.check()?;
            n += events.len() as u64;
            cache.put_events(&events)?;
            events.clear();
        }
    }
    n += events.len() as u64;
    cache.put_events(&events)?;
    cache.events_cover(known.then_some(start.as_str()))?;
    Ok(n)
}
