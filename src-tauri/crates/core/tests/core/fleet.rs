//! Many organisations: an MSP key's client orgs synced in turn (one refusing on its own), the
//! All organisations overview checked against the simulator, the search across every org, the
//! timer covering the orgs that are not open.

use crate::common;
use crate::session::{session, Keys};
use jcsim::Faults;
use parking_lot::Mutex;
use rollcall_cache::Cell;
use rollcall_core::connect::ConnectInput;
use rollcall_core::fleet::{FleetEvents, FleetProgress, FleetStep, OrgHealth, OrgSyncOutcome, OverviewColumn};
use rollcall_core::posture::Drill;
use rollcall_core::session::RegionName;

#[derive(Default)]
struct Heard {
    started: Mutex<Vec<String>>,
    changed: Mutex<Vec<String>>,
}

impl FleetEvents for Heard {
    fn progress(&self, p: FleetProgress) {
        if p.step == FleetStep::Started {
            self.started.lock().push(p.org_id);
        }
    }
    fn org_changed(&self, org_id: &str) {
        self.changed.lock().push(org_id.into());
    }
    fn status_changed(&self) {}
}

/// A session with every org the multi-tenant `key` reaches added (*Add all*), `open` opened.
async fn add_all(env: &common::Env, keys: &Keys, key: &str, open: &str) -> rollcall_core::session::OrgSession {
    let input = ConnectInput {
        api_key: key.to_string(),
        org_id: open.to_string(),
        region: RegionName::US,
        base_url: env.sim.base_url.clone(),
    };
    let found = input.check().await.unwrap();
    let s = session(env, keys);
    for o in &found.orgs {
        s.add_with_key(input.entry_for(o, true), key).unwrap();
    }
    s.activate(s.entry(open).unwrap()).unwrap();
    s
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_client_org_syncs_one_refusing_alone_and_the_overview_search_reviews_and_pack_read_their_files() {
    let env = common::start_msp(5, 40).await;
    let (key, orgs) = {
        let w = env.sim.state.world.read().unwrap();
        let key = w.admins.iter().find(|a| a.multi_tenant).unwrap().api_key.clone();
        let orgs: Vec<(String, usize, String)> = w
            .orgs
            .iter()
            .map(|o| {
                (
                    o.id().to_string(),
                    o.users.len(),
                    o.users.values().next().unwrap().rec().username.clone(),
                )
            })
            .collect();
        (key, orgs)
    };
    let refused = orgs[3].0.clone();
    env.sim.state.set_faults(Faults {
        refuse_org_ids: vec![refused.clone()],
        ..Default::default()
    });
    let keys = Keys::default();
    let s = add_all(&env, &keys, &key, &orgs[1].0).await;

    let heard = Heard::default();
    let report = s.sync_orgs(&[], &heard).await;
    assert_eq!(report.results.len(), orgs.len(), "every org is tried: {report:?}");
    assert_eq!(heard.started.lock().len(), orgs.len());
    for r in &report.results {
        if r.org_id == refused {
            assert_eq!(r.outcome, OrgSyncOutcome::Failed);
            assert!(
                r.detail.as_deref().unwrap_or("").to_lowercase().contains("key"),
                "{r:?}"
            );
        } else {
            assert_eq!(r.outcome, OrgSyncOutcome::Synced, "{r:?}");
            assert!(r.requests > 0);
        }
    }
    // Each client org's requests went to that org: its file holds its own people.
    let overview = s.overview(rollcall_cache::dates::now_ms());
    let col = |c: OverviewColumn| overview.columns.iter().position(|x| x.key == c).unwrap();
    assert_eq!(overview.rows.len(), orgs.len());
    for (id, people, _) in &orgs {
        let row = overview.rows.iter().find(|r| &r.org_id == id).unwrap();
        let cell = &row.cells[col(OverviewColumn::People)];
        if *id == refused {
            assert_eq!(row.health, OrgHealth::Failed);
            assert_eq!(cell.value, Cell::Empty, "no copy, no figure");
            assert!(row.detail.is_some());
        } else {
            assert_eq!(cell.value, Cell::Number(*people as f64), "people of {id}");
            assert!(
                matches!(cell.drill, Some(Drill::Users { .. })),
                "a figure opens its list"
            );
            assert!(matches!(row.health, OrgHealth::Current), "{:?}", row.health);
        }
    }
    assert!(overview.rows.iter().any(|r| r.active && r.org_id == orgs[1].0));
    let total_people: usize = orgs.iter().filter(|o| o.0 != refused).map(|o| o.1).sum();
    assert_eq!(
        overview.totals[col(OverviewColumn::People)].value,
        Cell::Number(total_people as f64)
    );
    let book = rollcall_core::fleet::overview_xlsx(&overview).unwrap();
    assert_eq!(&book[..2], b"PK", "an Excel file");

    // Search: a person of another org is found there, labelled by that org; the open org is
    // left out (its own search covers it).
    let (other, _, username) = &orgs[2];
    let hits = s.search_other_orgs(username, rollcall_core::fleet::CROSS_ORG_LIMIT);
    let found_in: Vec<&str> = hits.iter().map(|h| h.org_id.as_str()).collect();
    assert!(found_in.contains(&other.as_str()), "{hits:?}");
    assert!(!found_in.contains(&orgs[1].0.as_str()), "the open org is not repeated");
    assert!(hits.iter().all(|h| !h.hits.is_empty() && !h.org_name.is_empty()));

    // A review in every organisation: one per org with a copy, each in its own file; the pack
    // of every organisation carries each org's agenda.
    let started = s.fleet_start_reviews("December review", "Ana, Ben", rollcall_cache::dates::now_ms());
    assert_eq!(started.len(), orgs.len());
    for r in &started {
        if r.org_id == refused {
            assert!(
                r.review_id.is_none() && r.problem.as_deref().unwrap_or("").contains("Not synced"),
                "{r:?}"
            );
        } else {
            assert!(r.review_id.is_some(), "{r:?}");
        }
    }
    let parts = s.fleet_parts(rollcall_cache::dates::now_ms());
    assert_eq!(parts.iter().filter(|p| p.review.is_some()).count(), orgs.len() - 1);
    let pdf = rollcall_core::fleet::fleet_pack_pdf(&overview, &parts, time::OffsetDateTime::now_utc()).unwrap();
    assert_eq!(&pdf[..5], b"%PDF-");
    let xlsx = rollcall_core::fleet::fleet_pack_xlsx(&overview, &parts).unwrap();
    assert_eq!(&xlsx[..2], b"PK");

    // The timer: every org was just synced; only the refused one is due, and it waits its
    // retry after a failure.
    env.sim.state.set_faults(Faults::default());
    let now = rollcall_cache::dates::now_ms();
    let synced = s.fleet_timer_tick(now, &heard).await;
    assert_eq!(synced, 1, "the never-synced org is due at once");
    let again = s.fleet_timer_tick(now, &heard).await;
    assert_eq!(again, 0, "nothing is due right after");
    let row = s.overview(now).rows.into_iter().find(|r| r.org_id == refused).unwrap();
    assert_eq!(
        row.health,
        OrgHealth::Current,
        "the org that refused is synced once it answers"
    );
}

/// Says nothing (the open org's own sync in the test below).
struct Quiet;

impl rollcall_core::session::SessionEvents for Quiet {
    fn status_changed(&self) {}
    fn cache_changed(&self, _: &[rollcall_core::session::DataKind]) {}
    fn progress(&self, _: rollcall_core::SyncProgress) {}
}

/// The open org's own sync (its first import, its timer) under way when a pass reaches it: the
/// pass waits for it and reports how it ended, rather than leave that org out as "skipped".
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_pass_meeting_the_open_orgs_own_sync_waits_for_it_and_reports_it_synced() {
    let env = common::start_msp(2, 40).await;
    let (key, provider) = {
        let w = env.sim.state.world.read().unwrap();
        let key = w.admins.iter().find(|a| a.multi_tenant).unwrap().api_key.clone();
        (key, w.orgs[0].id().to_string())
    };
    let keys = Keys::default();
    let s = add_all(&env, &keys, &key, &provider).await;

    // The org's own sync claims its file on its first poll, before the pass starts (and before
    // its own run is marked as running: the pass must wait through that gap too).
    let heard = Heard::default();
    let own = s.sync(&Quiet);
    let pass = s.sync_orgs(std::slice::from_ref(&provider), &heard);
    let (own, pass) = tokio::join!(own, pass);
    let own = own.unwrap();
    assert!(own.requests > 0);
    assert_eq!(pass.results.len(), 1);
    let r = &pass.results[0];
    assert_eq!(r.outcome, OrgSyncOutcome::Synced, "{r:?}");
    assert_eq!(
        r.requests, 0,
        "the pass sent nothing of its own: it waited for the org's sync"
    );
    assert!(!s.link.syncing(), "the pass ended after the org's own sync");
}

/// Revokes the key's access to `target` (jcsim refuses its requests) once that org's sync has
/// reached its devices: the access taken away in the middle of a pass.
struct RevokeMidSync {
    target: String,
    sim: std::sync::Arc<jcsim::SimState>,
    revoked: std::sync::atomic::AtomicBool,
}

impl FleetEvents for RevokeMidSync {
    fn progress(&self, p: FleetProgress) {
        use std::sync::atomic::Ordering;
        let devices = matches!(
            p.step,
            FleetStep::Sync {
                progress: rollcall_core::SyncProgress::Phase {
                    phase: rollcall_core::Phase::Devices
                }
            }
        );
        if p.org_id == self.target && devices && !self.revoked.swap(true, Ordering::SeqCst) {
            self.sim.set_faults(Faults {
                refuse_org_ids: vec![self.target.clone()],
                ..Default::default()
            });
        }
    }
    fn org_changed(&self, _: &str) {}
    fn status_changed(&self) {}
}

/// A client org's key access revoked while its sync runs: that org alone fails, with
/// JumpCloud's reason, and keeps its last complete copy; every other org finishes.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn access_revoked_mid_sync_fails_that_org_alone_and_keeps_its_last_copy() {
    let env = common::start_msp(3, 60).await;
    let (key, orgs) = {
        let w = env.sim.state.world.read().unwrap();
        let key = w.admins.iter().find(|a| a.multi_tenant).unwrap().api_key.clone();
        let orgs: Vec<(String, usize)> = w.orgs.iter().map(|o| (o.id().to_string(), o.users.len())).collect();
        (key, orgs)
    };
    let keys = Keys::default();
    let s = add_all(&env, &keys, &key, &orgs[0].0).await;
    let first = s.sync_orgs(&[], &Heard::default()).await;
    assert!(
        first.results.iter().all(|r| r.outcome == OrgSyncOutcome::Synced),
        "{first:?}"
    );

    let (target, people) = orgs[2].clone();
    let revoke = RevokeMidSync {
        target: target.clone(),
        sim: env.sim.state.clone(),
        revoked: Default::default(),
    };
    let second = s.sync_orgs(&[], &revoke).await;
    assert!(
        revoke.revoked.load(std::sync::atomic::Ordering::SeqCst),
        "the revocation happened mid-sync"
    );
    for r in &second.results {
        if r.org_id == target {
            assert_eq!(r.outcome, OrgSyncOutcome::Failed, "{r:?}");
            assert!(r.requests > 0, "it had started: {r:?}");
            assert!(
                !r.detail.as_deref().unwrap_or("").is_empty(),
                "JumpCloud's reason: {r:?}"
            );
        } else {
            assert_eq!(r.outcome, OrgSyncOutcome::Synced, "{r:?}");
        }
    }
    let overview = s.overview(rollcall_cache::dates::now_ms());
    let col = overview
        .columns
        .iter()
        .position(|c| c.key == OverviewColumn::People)
        .unwrap();
    let row = overview.rows.iter().find(|r| r.org_id == target).unwrap();
    assert_eq!(row.health, OrgHealth::Failed);
    assert!(row.detail.is_some(), "the reason is in its row");
    assert_eq!(
        row.cells[col].value,
        Cell::Number(people as f64),
        "its last complete copy is kept"
    );
}
