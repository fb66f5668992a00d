//! The explorer's questions asked of the org's own archive, offline: the cache narrows by the
//! columns it keeps, `EventFilter::matches` decides the rest, so an answer means what
//! Directory Insights' would.

use super::{line_of, lookup, Bucketing, EventFilter, EventSource, EventsPage, Histogram, ValueCount};
use rollcall_cache::{ArchiveScan, Cache, CacheError};
use serde_json::Value;
use std::collections::HashMap;

/// Directory Insights keeps this many days.
pub const JUMPCLOUD_DAYS: i64 = 90;

/// The explorer's questions of the archive for one filter.
pub struct FromArchive<'a> {
    cache: &'a Cache,
    filter: &'a EventFilter,
    scan: ArchiveScan,
}

/// The archive's side of the explorer for `filter` (`now_ms` closes an open range).
pub fn from_archive<'a>(cache: &'a Cache, filter: &'a EventFilter, now_ms: i64) -> FromArchive<'a> {
    let (start, end) = filter.range_ms(now_ms);
    let scan = ArchiveScan {
        services: filter.services.iter().filter(|s| *s != "all").cloned().collect(),
        event_types: filter.event_types.clone(),
        start: rollcall_cache::format_ms(start),
        end: rollcall_cache::format_ms(end),
        // The archive's username column holds `username`, else `initiated_by.username`.
        username: (!filter.person.trim().is_empty()).then(|| filter.person.trim().to_lowercase()),
        system_id: (!filter.device.trim().is_empty()).then(|| filter.device.trim().to_string()),
        success: filter.success,
        after: None,
        newest_first: true,
    };
    FromArchive { cache, filter, scan }
}

/// What `each` calls per matching event: its place (at in ms, id) and, where asked, its JSON;
/// false stops the scan.
type Visit<'f> = dyn FnMut((i64, &str), Option<Value>) -> bool + 'f;

impl FromArchive<'_> {
    /// Visits every matching event, newest first, with its place in the archive (at, id) and,
    /// with `value`, its JSON. The JSON is read only where the filter or the caller needs it;
    /// a cheap look at the raw text rules most events out before they are parsed.
    fn each(&self, scan: &ArchiveScan, value: bool, f: &mut Visit<'_>) -> Result<(), CacheError> {
        let judge = self.filter.needs_json();
        self.cache.archive_scan(scan, judge || value, &mut |e| {
            if judge && !self.filter.may_match_text(&e.json) {
                return true;
            }
            if !judge && !value {
                return f((e.at, &e.id), None);
            }
            match serde_json::from_str::<Value>(&e.json) {
                Ok(v) if !judge || self.filter.matches(&v) => f((e.at, &e.id), Some(v)),
                _ => true,
            }
        })
    }

    /// A page of `limit` events after `cursor` (`[at in ms, id]` of the last one shown).
    pub fn page(&self, cursor: Option<&str>, limit: u32) -> Result<EventsPage, CacheError> {
        let mut scan = self.scan.clone();
        scan.after = cursor.and_then(|c| serde_json::from_str::<(i64, String)>(c).ok());
        let mut lines = vec![];
        let mut last = None;
        self.each(&scan, true, &mut |(at, id), v| {
            last = Some((at, id.to_string()));
            lines.push(line_of(&v.unwrap_or_default()));
            lines.len() < limit as usize
        })?;
        let next = (lines.len() >= limit as usize)
            .then(|| last.and_then(|l| serde_json::to_string(&l).ok()))
            .flatten();
        Ok(EventsPage {
            lines,
            next,
            source: EventSource::Archive,
        })
    }

    pub fn count(&self) -> Result<u64, CacheError> {
        let mut n = 0;
        self.each(&self.scan, false, &mut |_, _| {
            n += 1;
            true
        })?;
        Ok(n)
    }

    /// Matching events per bucket, every bucket of the range included.
    pub fn histogram(&self, now_ms: i64) -> Result<Histogram, CacheError> {
        let (start, end) = self.filter.range_ms(now_ms);
        let bucketing = Bucketing::for_range(start, end);
        let mut counts: HashMap<i64, u64> = HashMap::new();
        self.each(&self.scan, false, &mut |(at, _), _| {
            *counts.entry(bucketing.floor(at)).or_default() += 1;
            true
        })?;
        let histogram = super::every_bucket(bucketing, start, end, |at| counts.get(&at).copied().unwrap_or(0) as f64);
        Ok(histogram)
    }

    /// The 25 most frequent values of `field`: from the archive's own columns where the field
    /// is one and the filter needs no event's JSON, else from each event.
    pub fn distinct(&self, field: &str) -> Result<Vec<ValueCount>, CacheError> {
        let column = match field {
            "service" | "event_type" => Some(field),
            _ => None,
        };
        if let (Some(col), false) = (column, self.filter.needs_json()) {
            return Ok(self
                .cache
                .archive_top(&self.scan, col, 25)?
                .into_iter()
                .map(|(value, n)| ValueCount { value, count: n as f64 })
                .collect());
        }
        let mut counts: HashMap<String, u64> = HashMap::new();
        self.each(&self.scan, true, &mut |_, v| {
            let key = match v.as_ref().and_then(|v| lookup(v, field)) {
                Some(Value::String(s)) => Some(s.clone()),
                Some(Value::Null) | None => None,
                Some(x @ (Value::Bool(_) | Value::Number(_))) => Some(x.to_string()),
                Some(_) => None,
            };
            if let Some(k) = key {
                *counts.entry(k).or_default() += 1;
            }
            true
        })?;
        let mut out: Vec<(String, u64)> = counts.into_iter().collect();
        out.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
        Ok(out
            .into_iter()
            .take(25)
            .map(|(value, n)| ValueCount { value, count: n as f64 })
            .collect())
    }
}

/// What the archive covers, said for the explorer: its days per service, and where JumpCloud
/// would answer more (the last 90 days, newer than the archive's last event).
pub fn archive_note(cache: &Cache, now_ms: i64) -> Result<String, CacheError> {
    let spans = cache.archive_spans()?;
    if spans.is_empty() {
        return Ok(
            "The archive is empty: it fills with every sync (logins, and the services chosen to archive).".into(),
        );
    }
    let day = |s: &str| s.get(..10).unwrap_or(s).to_string();
    let held: Vec<String> = spans
        .iter()
        .map(|s| format!("{} {} to {} ({} events)", s.service, day(&s.from), day(&s.to), s.events))
        .collect();
    let newest = spans.iter().map(|s| s.to.as_str()).max().unwrap_or("");
    let jc_from = rollcall_cache::format_ms(now_ms - JUMPCLOUD_DAYS * 86_400_000);
    Ok(format!(
        "The archive holds {}. JumpCloud keeps events from {} on; events after {} are only in JumpCloud until the next sync.",
        held.join("; "),
        day(&jc_from),
        newest.get(..16).unwrap_or(newest).replace('T', " ")
    ))
}
