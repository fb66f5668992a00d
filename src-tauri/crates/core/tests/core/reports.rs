//! Associations from JumpCloud's bulk reports: used when whole and in agreement with the graph,
//! and a fall back to object-by-object reads — with the reason in the sync's notes — when a
//! report is refused, fails, expires, is not ready, does not parse or does not validate. The
//! mirror equals the org either way.

use crate::common::*;
use crate::ground_truth::assert_matches_ground_truth;
use jcsim::reports::{ReportFault, ReportSettings};
use rollcall_core::sync::{Association, AssociationSource};
use rollcall_core::{sync_org, CancelToken, SyncOptions};

async fn sync_with(env: &Env, opts: SyncOptions) -> rollcall_core::SyncReport {
    sync_org(
        &env.client(),
        &env.cache_path(),
        &opts,
        &|_| {},
        &CancelToken::default(),
    )
    .await
    .unwrap()
}

fn fault(env: &Env, fault: Option<ReportFault>, only: Option<&str>) {
    env.sim.state.reports.lock().unwrap().settings = ReportSettings {
        generate_ms: 150,
        fault,
        fault_type: only.map(String::from),
        ..Default::default()
    };
}

#[tokio::test]
async fn the_reports_replace_the_per_object_requests_and_the_mirror_is_the_same() {
    let env = start(300).await;
    let by_object = sync_with(
        &env,
        SyncOptions {
            no_reports: true,
            ..env.options()
        },
    )
    .await;
    assert_matches_ground_truth(&env);
    assert!(by_object.notes.is_empty(), "{:?}", by_object.notes);

    let by_report = env.sync().await.unwrap();
    assert_matches_ground_truth(&env);
    for what in [Association::Memberships, Association::Bindings, Association::AppAccess] {
        assert!(
            by_report.notes.iter().any(|n| n.association == what
                && n.source == AssociationSource::Report
                && n.text.starts_with(&format!("{}: from the", what.label()))),
            "{what:?}: {:?}",
            by_report.notes
        );
    }
    assert!(
        by_report.requests * 2 < by_object.requests,
        "{} requests with the reports, {} without",
        by_report.requests,
        by_object.requests
    );
    assert_eq!(by_report.counts.bindings, by_object.counts.bindings);
    assert_eq!(by_report.counts.memberships, by_object.counts.memberships);
    assert_eq!(by_report.counts.app_access, by_object.counts.app_access);
    assert_eq!(by_report.counts.group_bindings, by_object.counts.group_bindings);
    // Three requested, each downloaded once.
    let content = env
        .sim
        .state
        .requests()
        .iter()
        .filter(|r| r.path.contains("/reports/") && r.path.ends_with("/content"))
        .count();
    assert_eq!(content, 3);
}

#[tokio::test]
async fn each_way_a_report_goes_wrong_falls_back_with_the_reason_and_the_mirror_stays_exact() {
    let env = start(300).await;
    let cases: [(Option<ReportFault>, Option<&str>, &str); 7] = [
        (Some(ReportFault::Refused), None, "no access to Reports (403)"),
        (Some(ReportFault::Fail), None, "could not generate it (FAILED)"),
        (Some(ReportFault::Expire), None, "ended DELETED"),
        (Some(ReportFault::Truncated), None, "does not parse"),
        (Some(ReportFault::Malformed), None, "has no user_object_id"),
        (
            Some(ReportFault::Partial),
            Some("users-to-user-groups"),
            "disagrees with JumpCloud's graph for the user groups of user",
        ),
        (Some(ReportFault::Stuck), None, "not ready after 2 s"),
    ];
    for (f, only, reason) in cases {
        fault(&env, f, only);
        let report = sync_with(
            &env,
            SyncOptions {
                report_wait: Some(std::time::Duration::from_secs(2)),
                ..env.options()
            },
        )
        .await;
        assert_matches_ground_truth(&env);
        let fell_back: Vec<&String> = report
            .notes
            .iter()
            .filter(|n| matches!(n.source, AssociationSource::ObjectByObject { .. }))
            .map(|n| &n.text)
            .collect();
        assert!(!fell_back.is_empty(), "{f:?}: {:?}", report.notes);
        assert!(
            fell_back
                .iter()
                .all(|n| n.contains("read object by object") && n.contains(reason)),
            "{f:?}: {:?}",
            report.notes
        );
        if only.is_some() {
            assert_eq!(
                fell_back.len(),
                1,
                "only the faulty report falls back: {:?}",
                report.notes
            );
        }
    }

    // With the faults gone, every report is used again.
    fault(&env, None, None);
    let report = env.sync().await.unwrap();
    assert!(
        report
            .notes
            .iter()
            .all(|n| n.source == rollcall_core::sync::AssociationSource::Report),
        "{:?}",
        report.notes
    );
}

#[tokio::test]
async fn a_scoped_sync_reads_its_few_associations_object_by_object() {
    let env = start(120).await;
    let group = {
        let w = env.sim.state.world.read().unwrap();
        w.orgs[0].user_groups.keys().next().unwrap().clone()
    };
    let report = sync_with(
        &env,
        SyncOptions {
            user_groups: vec![group],
            ..env.options()
        },
    )
    .await;
    assert!(report.notes.is_empty(), "{:?}", report.notes);
    assert!(!env.sim.state.requests().iter().any(|r| r.path.contains("/reports")));
}
