//! Benchmark (prints figures, asserts nothing about time): the Reports view over a 50,000-user
//! / 50,000-device cache with two syncs 1% apart and 180 syncs of kept posture — the posture
//! at a glance, every catalogue report, "what changed" between the two 50k syncs, the trends
//! over 180 syncs, and a CSV and an Excel export of the largest report.
//!
//! Run: `cargo bench -p rollcall-core --bench reports`

#[path = "big_cache.rs"]
mod big_cache;

use rollcall_cache::{Cache, RecordKind};
use rollcall_core::catalogue::{self, ReportId};
use rollcall_core::posture;
use std::time::Instant;

fn ms(t: Instant) -> f64 {
    t.elapsed().as_secs_f64() * 1000.0
}

fn main() {
    let dir = tempfile::tempdir().unwrap();
    let mut world = big_cache::world();
    let file = dir.path().join("big.sqlite");
    let (mut cache, _) = Cache::open(&file).unwrap();
    let t = Instant::now();
    big_cache::write_sync(&mut cache, &world, "2026-11-01T00:10:00.000Z", |_, _| true);
    // A month later: 1% of people changed department, 0.5% left.
    for (i, s) in world.orgs[0].users.values_mut().enumerate() {
        if i % 100 == 7 {
            let mut u = s.rec();
            u.department = "Reorganised".into();
            s.set(u);
        }
    }
    big_cache::write_sync(&mut cache, &world, "2026-12-01T00:10:00.000Z", |i, _| i % 200 != 3);
    println!(
        "rollcall reports benchmark: 50,000 users / 50,000 devices, two syncs written in {:.1} s",
        t.elapsed().as_secs_f64()
    );
    let (cache, _) = Cache::open(&file).unwrap();
    let now = rollcall_cache::parse_ms("2026-12-01T12:00:00.000Z").unwrap();
    let th = posture::thresholds(now, posture::SILENT_DAYS);

    let mut posture_ms = vec![];
    let mut posture = None;
    for _ in 0..5 {
        let t = Instant::now();
        posture = Some(posture::measure(&cache, now, posture::SILENT_DAYS).unwrap());
        posture_ms.push(ms(t));
    }
    let worst = posture_ms.iter().cloned().fold(0.0, f64::max);
    println!(
        "  posture at a glance: worst of 5 {worst:.0} ms (goal < 500 ms: {})",
        if worst < 500.0 { "met" } else { "NOT met" }
    );

    let mut slowest = (0.0, ReportId::UsersToDevices, 0);
    for id in ReportId::ALL {
        let t = Instant::now();
        let r = catalogue::report(&cache, id, &th).unwrap();
        let took = ms(t);
        if took > slowest.0 {
            slowest = (took, id, r.rows.len());
        }
    }
    println!(
        "  catalogue: slowest report {:?} ({} rows) in {:.0} ms (goal < 1 s each: {})",
        slowest.1,
        slowest.2,
        slowest.0,
        if slowest.0 < 1000.0 { "met" } else { "NOT met" }
    );

    let t = Instant::now();
    let d = cache.diff(1, 2).unwrap();
    let took = ms(t);
    let users = &d.records[&RecordKind::User];
    println!(
        "  what changed between the two 50k syncs: {:.0} ms, people -{} changed {} (goal < 1 s: {})",
        took,
        users.removed.len(),
        users.changed.len(),
        if took < 1000.0 { "met" } else { "NOT met" }
    );

    // 178 more syncs of kept posture (rows as a sync keeps them), then the trends over 180.
    {
        let p = posture.clone().unwrap();
        let conn = cache.connection();
        for i in 3..=180 {
            let at = rollcall_cache::format_ms(now + i * 3_600_000);
            conn.execute(
                "INSERT INTO sync_runs (id, started_at, finished_at, status, requests, counts) VALUES (?1, ?2, ?2, 'complete', 0, '{}')",
                (i, at.as_str()),
            )
            .unwrap();
            cache.record_posture(i, &at, &p).unwrap();
        }
    }
    let t = Instant::now();
    let trends = cache.trends(180).unwrap();
    let took = ms(t);
    println!(
        "  trends over {} syncs: {:.1} ms (goal < 300 ms: {})",
        trends.len(),
        took,
        if took < 300.0 { "met" } else { "NOT met" }
    );

    let big = catalogue::report(&cache, ReportId::UserAccountHealth, &th).unwrap();
    let t = Instant::now();
    let csv = rollcall_core::report_export::csv(&big);
    let csv_ms = ms(t);
    let t = Instant::now();
    let xlsx = rollcall_core::report_export::xlsx(std::slice::from_ref(&big)).unwrap();
    println!(
        "  export of user account health ({} rows): CSV {:.0} ms ({:.1} MB), Excel {:.0} ms ({:.1} MB)",
        big.rows.len(),
        csv_ms,
        csv.len() as f64 / 1e6,
        ms(t),
        xlsx.len() as f64 / 1e6
    );

    // The review pack as PDF, from the click: the review, every report, the snapshot's posture
    // and the trends read, then written (what the export command does).
    let mut cache = cache;
    let review = rollcall_core::reviews::start(&mut cache, "Bench review", "Ana, Дмитрий", now)
        .unwrap()
        .review;
    for (k, item) in review.items.iter().enumerate().take(3) {
        let d = [
            rollcall_cache::Decision::Accepted,
            rollcall_cache::Decision::FixNow,
            rollcall_cache::Decision::FollowUp,
        ][k];
        cache
            .decide(
                review.id,
                item.seq,
                Some(d),
                "Ana",
                None,
                "noted",
                "2026-12-01T12:00:00.000Z",
            )
            .unwrap();
    }
    let t = Instant::now();
    let review = cache.review(review.id).unwrap();
    let tables = catalogue::all_reports(&cache, &th).unwrap();
    let snapshot = cache.posture_of_sync(review.sync_id.unwrap()).unwrap().unwrap();
    let trends = cache.trends(180).unwrap();
    let read_ms = ms(t);
    let t = Instant::now();
    let pdf = rollcall_core::review_pdf::review_pack_pdf(&rollcall_core::review_pdf::PackInput {
        org: "Bench org",
        review: &review,
        posture: &snapshot,
        trends: &trends,
        tables: &tables,
        created: time::OffsetDateTime::now_utc(),
    })
    .unwrap();
    let write_ms = ms(t);
    let total = read_ms + write_ms;
    println!(
        "  review pack as PDF ({} agenda items, {} syncs of trends, {} reports): {:.0} ms (read {:.0} ms, written {:.0} ms, {:.1} MB) (goal < 5 s: {})",
        review.items.len(),
        trends.len(),
        tables.len(),
        total,
        read_ms,
        write_ms,
        pdf.len() as f64 / 1e6,
        if total < 5000.0 { "met" } else { "NOT met" }
    );
}
