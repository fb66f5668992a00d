//! Benchmark (prints figures, asserts nothing about time): an access review of about 10,000
//! grants — user groups' members and the device administrators of a 12,000-person org —
//! prepared from the mirror, a bulk decision on 1,000 rows, the campaign as the screen
//! receives it, the close, a reviewer's workbook out and back, and the evidence (PDF/A and
//! Excel) of every decision.
//!
//! Run: `cargo bench -p rollcall-core --bench certify`

use rollcall_cache::{
    Cache, CampaignScope, CertDecision, DeviceScope, Edge, GroupKind, GroupRow, NewCampaign, ReviewerMode,
};
use rollcall_core::certify::{self, DecideInput, EvidenceFormat, PrepareInput};
use std::time::Instant;

fn ms(t: Instant) -> f64 {
    t.elapsed().as_secs_f64() * 1000.0
}

fn goal(took: f64, limit: f64) -> &'static str {
    if took < limit {
        "met"
    } else {
        "NOT met"
    }
}

/// A 12,000-person org written as a sync writes it: people, devices, bindings with their
/// sudo rights, user groups and their members.
fn mirror(file: &std::path::Path) -> (Vec<(String, usize)>, jcsim::World) {
    let mut cfg = jcsim::SeedConfig::sized(11, 12_000);
    cfg.second_org = false;
    let world = jcsim::seed::generate(&cfg);
    let o = &world.orgs[0];
    let (mut cache, _) = Cache::open(file).unwrap();
    let at = "2026-11-01T00:10:00.000Z";
    let mut w = cache.begin_sync(at).unwrap();
    let users: Vec<_> = o
        .users
        .values()
        .filter_map(|s| rollcall_core::convert::user_row(&serde_json::from_slice(&s.json).unwrap()).ok())
        .map(|r| r.row)
        .collect();
    w.put_users(&users).unwrap();
    let systems: Vec<_> = o
        .systems
        .values()
        .filter_map(|s| rollcall_core::convert::system_row(&serde_json::from_slice(&s.json).unwrap()).ok())
        .map(|r| r.row)
        .collect();
    w.put_systems(&systems).unwrap();
    let bindings: Vec<_> = o
        .bindings
        .iter()
        .flat_map(|(s, us)| {
            us.iter().map(move |(u, sudo)| rollcall_cache::Binding {
                system_id: s.clone(),
                user_id: u.clone(),
                sudo: sudo.enabled,
            })
        })
        .collect();
    w.put_bindings(&bindings).unwrap();
    let groups: Vec<GroupRow> = o
        .user_groups
        .values()
        .map(|g| GroupRow {
            id: g.id.clone(),
            kind: GroupKind::User,
            name: g.name.clone(),
            description: String::new(),
            email: String::new(),
            json: String::new(),
        })
        .collect();
    w.put_groups(&groups).unwrap();
    let members: Vec<Edge> = o
        .ug_members
        .iter()
        .flat_map(|(g, ms)| {
            ms.iter().map(move |m| Edge {
                a: g.clone(),
                b: m.clone(),
            })
        })
        .collect();
    w.put_group_members(&members).unwrap();
    w.finish(at, 0, &serde_json::json!({})).unwrap();
    let mut sizes: Vec<(String, usize)> = o.ug_members.iter().map(|(g, m)| (g.clone(), m.len())).collect();
    sizes.sort_by_key(|(_, n)| *n);
    (sizes, world)
}

fn main() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("org.sqlite");
    let t = Instant::now();
    let (sizes, _world) = mirror(&file);
    println!(
        "rollcall access review benchmark: a 12,000-person org written in {:.1} s",
        t.elapsed().as_secs_f64()
    );
    // Groups (smallest first) until their members and the device administrators make ~10,000.
    let mut picked = vec![];
    let mut total = 0;
    for (g, n) in &sizes {
        if total + n > 9_500 {
            continue;
        }
        picked.push(g.clone());
        total += n;
    }
    let (mut cache, _) = Cache::open(&file).unwrap();
    let new = NewCampaign {
        name: "Bench".into(),
        scope: CampaignScope {
            user_groups: picked,
            devices: DeviceScope::Admins,
            ..Default::default()
        },
        reviewer_mode: ReviewerMode::Manager,
        owners: Default::default(),
        due: "2026-12-31".into(),
        repeat_months: 3,
    };
    let id = certify::create(&cache, &new, "bench").unwrap().campaign.id;
    let t = Instant::now();
    let v = certify::prepare(
        &mut cache,
        id,
        &PrepareInput {
            admin: "admin (bench)",
            note: "",
            now_ms: rollcall_cache::dates::now_ms(),
        },
    )
    .unwrap();
    let took = ms(t);
    let rows = v.rows.len();
    println!(
        "  prepare (copy, flags, SHA-256 of each row and the manifest): {rows} grants in {took:.0} ms (goal < 2 s for 10,000: {})",
        goal(took * 10_000.0 / rows.max(1) as f64, 2000.0)
    );

    let t = Instant::now();
    let bytes = serde_json::to_vec(&certify::view(&cache, id).unwrap()).unwrap();
    println!(
        "  the campaign as the screen receives it: {:.1} MB of JSON, read and serialised in {:.0} ms",
        bytes.len() as f64 / 1e6,
        ms(t)
    );

    let seqs: Vec<u32> = v.rows.iter().take(1_000).map(|r| r.seq).collect();
    let t = Instant::now();
    certify::decide(
        &mut cache,
        id,
        &DecideInput {
            seqs,
            decision: Some(CertDecision::Keep),
            reason: "Confirmed with the team leads".into(),
            defer_owner: String::new(),
            defer_due: None,
        },
        "bench",
        "desk",
    )
    .unwrap();
    let took = ms(t);
    println!(
        "  a bulk decision on 1,000 rows, written and the campaign read back: {took:.0} ms (goal < 200 ms: {})",
        goal(took, 200.0)
    );

    let reviewer = v.rows[0].row.reviewer.clone();
    let t = Instant::now();
    let (book, n) = certify::workbook_for(&cache, id, "org", "").unwrap();
    let out_ms = ms(t);
    let t = Instant::now();
    let report = certify::import_workbook(&mut cache, id, "org", &book, "bench").unwrap();
    println!(
        "  every reviewer's rows as one workbook: {n} rows, {:.1} MB, written in {out_ms:.0} ms, read back in {:.0} ms ({} refused; first reviewer {reviewer})",
        book.len() as f64 / 1e6,
        ms(t),
        report.refused.len()
    );

    let t = Instant::now();
    let v = certify::close(&mut cache, id, CertDecision::Keep, "bench").unwrap();
    println!("  close (the rest kept, the decisions hashed): {:.0} ms", ms(t));

    for (format, name, limit) in [
        (EvidenceFormat::Pdf, "PDF/A", 10_000.0),
        (EvidenceFormat::Xlsx, "Excel", 10_000.0),
    ] {
        let t = Instant::now();
        let (bytes, n) = certify::evidence(
            "Bench org",
            "org",
            &v,
            &cache.campaign_decision_log(id).unwrap(),
            format,
        )
        .unwrap();
        let took = ms(t);
        println!(
            "  evidence as {name}: {n} decisions, {:.1} MB in {took:.0} ms (goal < 10 s: {})",
            bytes.len() as f64 / 1e6,
            goal(took, limit)
        );
    }
}
