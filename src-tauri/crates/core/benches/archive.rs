//! Benchmark (prints figures, asserts nothing about time): a year of a 1,000-person org's
//! Directory Insights events in the org's archive — the simulator's 90 days of events (logins
//! on portal, devices and SSO, failures, admin changes) repeated over four quarters with fresh
//! ids — then the file's growth per 100,000 events and the explorer's questions over the year:
//! a filtered page, a person's failed logins, the count, the histogram, a field's top values and
//! full text.
//!
//! Run: `cargo bench -p rollcall-core --bench archive`

use rollcall_cache::{Cache, EventRow};
use rollcall_core::explore::{from_archive, EventFilter};
use std::time::Instant;

const DAY: i64 = 86_400_000;

fn ms(t: Instant) -> f64 {
    t.elapsed().as_secs_f64() * 1000.0
}

fn goal(ok: bool) -> &'static str {
    if ok {
        "met"
    } else {
        "NOT met"
    }
}

fn file_bytes(cache: &Cache) -> u64 {
    cache.used_bytes().unwrap()
}

/// The median of `runs` timings of `f`, in ms.
fn median(runs: usize, mut f: impl FnMut()) -> f64 {
    let mut t: Vec<f64> = (0..runs)
        .map(|_| {
            let s = Instant::now();
            f();
            ms(s)
        })
        .collect();
    t.sort_by(|a, b| a.total_cmp(b));
    t[runs / 2]
}

/// Writes a year of events into the archive from a quarter of the simulator's; how many.
fn fill_year(cache: &mut Cache, quarter: &[serde_json::Value], days: i64, now: i64) -> u64 {
    let mut n = 0u64;
    // A quarter of the simulator's events is ~0.13 per person a day; a 1,000-person company
    // sees about ten times that (portal, device and SSO logins each workday): each quarter
    // holds its events ten times over, minutes apart, each copy with its own ids.
    const DENSER: i64 = 10;
    let quarters = (365 / days + 1).max(1);
    // Oldest first, as an archive grows.
    for copy in (0..quarters * DENSER).rev() {
        let shift = -((copy / DENSER) * days * DAY) - (copy % DENSER) * 7 * 60_000;
        let rows: Vec<EventRow> = quarter
            .iter()
            .filter_map(|v| {
                let mut v = v.clone();
                let at = v["timestamp"]
                    .as_str()
                    .and_then(rollcall_cache::parse_ms)
                    .unwrap_or(now)
                    + shift;
                if at < now - 365 * DAY {
                    return None;
                }
                v["timestamp"] = rollcall_cache::format_ms(at).into();
                let id = v["id"].as_str().unwrap_or("").to_string();
                v["id"] = format!("{copy:03x}{}", &id[id.len().min(3)..]).into();
                let mut e: jumpcloud::models::Event = serde_json::from_value(v.clone()).ok()?;
                e.raw = v;
                Some(rollcall_core::convert::event_row(&e))
            })
            .collect();
        n += cache.archive_put(&rows).unwrap();
    }
    n
}

/// The count, the histogram and the top values over the year, and a full-text page.
fn aggregates(cache: &Cache, f: &EventFilter, all: &EventFilter, person: &str, now_ms: i64) {
    let t = median(3, || {
        from_archive(cache, f, now_ms).count().unwrap();
    });
    let count = from_archive(cache, f, now_ms).count().unwrap();
    println!("count of failed device logins over the year: {count} in {t:.0} ms");
    let t = median(3, || {
        from_archive(cache, f, now_ms).histogram(now_ms).unwrap();
    });
    println!("histogram (weeks) of failed device logins over the year: {t:.0} ms");
    let t = median(3, || {
        from_archive(cache, all, now_ms).distinct("event_type").unwrap();
    });
    println!("top event types of every event of the year: {t:.0} ms");
    let text = EventFilter {
        q: person.to_string(),
        ..all.clone()
    };
    let t = median(3, || {
        from_archive(cache, &text, now_ms).page(None, 100).unwrap();
    });
    println!("a page of full-text matches for one username over the year: {t:.0} ms");
}

/// Someone with a failed device login among the events.
fn failing_person(org: &jcsim::world::Org, quarter: &[serde_json::Value]) -> String {
    org.users
        .values()
        .map(|u| u.rec().username.to_lowercase())
        .find(|u| {
            quarter
                .iter()
                .any(|v| v["username"].as_str() == Some(u.as_str()) && v["success"] == false)
        })
        .unwrap_or_default()
}

fn main() {
    let mut cfg = jcsim::SeedConfig::sized(7, 1_000);
    cfg.second_org = false;
    let now = cfg.now_ms;
    let world = jcsim::seed::generate(&cfg);
    let org = &world.orgs[0];
    let org_id = org.id().to_string();
    let quarter: Vec<serde_json::Value> = org.events.iter().map(|e| e.to_json(&org_id)).collect();
    let span = quarter
        .iter()
        .filter_map(|v| v["timestamp"].as_str().and_then(rollcall_cache::parse_ms))
        .fold((i64::MAX, i64::MIN), |(lo, hi), t| (lo.min(t), hi.max(t)));
    let days = ((span.1 - span.0) / DAY).max(1);
    let people = org.users.len();
    println!(
        "source: the simulator's {} events of {days} days for {people} people",
        quarter.len()
    );

    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("org.sqlite");
    let (mut cache, _) = Cache::open(&path).unwrap();
    let empty = file_bytes(&cache);
    let started = Instant::now();
    let n = fill_year(&mut cache, &quarter, days, now);
    let write_ms = ms(started);
    let grown = file_bytes(&cache) - empty;
    let per_100k = grown as f64 / n as f64 * 100_000.0 / 1_048_576.0;
    println!(
        "archive: {n} events over a year written in {:.1} s; the file grew {:.1} MB: {per_100k:.1} MB per 100,000 events (goal < 25 MB: {})",
        write_ms / 1000.0,
        grown as f64 / 1_048_576.0,
        goal(per_100k < 25.0)
    );

    let year = rollcall_cache::format_ms(now - 365 * DAY);
    let at = |f: EventFilter| EventFilter {
        start: year.clone(),
        end: rollcall_cache::format_ms(now),
        ..f
    };
    let person = failing_person(org, &quarter);
    let cases: Vec<(&str, EventFilter)> = vec![
        (
            "a page of failed device logins over the year",
            at(EventFilter {
                services: vec!["systems".into()],
                success: Some(false),
                ..Default::default()
            }),
        ),
        (
            "a page of one person's failed logins over the year",
            at(EventFilter {
                person: person.clone(),
                success: Some(false),
                ..Default::default()
            }),
        ),
        (
            "worst case: an exact term no SSO login of the year matches (each one read)",
            at(EventFilter {
                event_types: vec!["sso_auth".into()],
                all_of: vec![rollcall_core::explore::Term {
                    field: "application.name".into(),
                    value: "no such app".into(),
                }],
                ..Default::default()
            }),
        ),
        (
            "a page of admin changes (user_update) over the year",
            at(EventFilter {
                event_types: vec!["user_update".into()],
                ..Default::default()
            }),
        ),
    ];
    let now_ms = now;
    for (what, f) in &cases {
        let t = median(5, || {
            from_archive(&cache, f, now_ms).page(None, 100).unwrap();
        });
        let shown = from_archive(&cache, f, now_ms).page(None, 100).unwrap().lines.len();
        println!("{what}: {t:.1} ms ({shown} shown; goal < 200 ms: {})", goal(t < 200.0));
    }
    aggregates(&cache, &cases[0].1, &at(EventFilter::default()), &person, now_ms);
    println!(
        "coverage: {}",
        rollcall_core::explore::archive_note(&cache, now_ms).unwrap()
    );
}
