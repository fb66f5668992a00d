//! Directory Insights bulk reports: asynchronous generation, JSON and CSV artifacts holding the
//! org's associations, 403 for roles without Reports, and each fault on demand.

use crate::common::*;
use jcsim::model::Role;
use jcsim::reports::{ReportFault, ReportSettings};
use reqwest::{Method, StatusCode};
use serde_json::Value;
use std::collections::BTreeSet;

const BASE: &str = "/insights/directory/v1/reports";

fn settings(env: &Env, generate_ms: u64, fault: Option<ReportFault>) {
    env.sim.state.reports.lock().unwrap().settings = ReportSettings {
        generate_ms,
        fault,
        ..Default::default()
    };
}

async fn request(env: &Env, kind: &str) -> Value {
    let (s, _, meta) = env
        .call(Role::Administrator, Method::POST, &format!("{BASE}/{kind}"), None)
        .await;
    assert_eq!(s, StatusCode::ACCEPTED, "{meta}");
    meta
}

/// The report's status and metadata as the list shows them now.
async fn status_of(env: &Env, id: &str) -> (String, Value) {
    let list = env.get(&format!("{BASE}?sort=CREATED_AT")).await;
    let meta = list
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["id"] == id)
        .cloned()
        .expect("the report is listed");
    (meta["status"].as_str().unwrap().to_string(), meta)
}

async fn content(env: &Env, meta: &Value, format: &str) -> (StatusCode, Value) {
    let artifact = meta["artifacts"]
        .as_array()
        .unwrap()
        .iter()
        .find(|a| a["format"] == format)
        .unwrap();
    let path = format!(
        "{BASE}/{}/artifacts/{}/content",
        meta["id"].as_str().unwrap(),
        artifact["id"].as_str().unwrap()
    );
    let (s, _, v) = env.call(Role::Administrator, Method::GET, &path, None).await;
    (s, v)
}

fn pairs(rows: &Value, via: Option<&str>) -> BTreeSet<(String, String)> {
    rows.as_array()
        .unwrap()
        .iter()
        .filter(|r| via.is_none_or(|v| r["association_type"] == v))
        .map(|r| {
            (
                r["user_object_id"].as_str().unwrap().to_string(),
                r["resource_object_id"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

#[tokio::test]
async fn a_report_is_generated_in_the_background_and_holds_the_orgs_associations() {
    let env = start(120).await;
    settings(&env, 400, None);
    let meta = request(&env, "users-to-devices").await;
    assert_eq!(meta["status"], "PENDING");
    let id = meta["id"].as_str().unwrap().to_string();
    assert_eq!(
        content(&env, &meta, "JSON").await.0,
        StatusCode::NOT_FOUND,
        "not ready yet"
    );
    // Generation moves with the simulator's clock: a minute on, it is done.
    env.sim.state.advance(1);
    let (status, meta) = status_of(&env, &id).await;
    assert_eq!(status, "COMPLETED");

    let (s, rows) = content(&env, &meta, "JSON").await;
    assert_eq!(s, StatusCode::OK);
    let (bindings, members, app_direct) = {
        let w = env.sim.state.world.read().unwrap();
        let o = &w.orgs[0];
        let b: BTreeSet<(String, String)> = o
            .bindings
            .iter()
            .flat_map(|(s, us)| us.keys().map(move |u| (u.clone(), s.clone())))
            .collect();
        let m: BTreeSet<(String, String)> = o
            .ug_members
            .iter()
            .flat_map(|(g, us)| us.iter().map(move |u| (u.clone(), g.clone())))
            .collect();
        let a: BTreeSet<(String, String)> = o
            .app_users
            .iter()
            .flat_map(|(a, us)| us.iter().map(move |u| (u.clone(), a.clone())))
            .collect();
        (b, m, a)
    };
    assert!(!bindings.is_empty());
    assert_eq!(pairs(&rows, Some("direct")), bindings, "direct rows are the bindings");
    assert!(
        pairs(&rows, None).len() > bindings.len(),
        "devices reached through groups are listed too"
    );
    for r in rows.as_array().unwrap() {
        for f in ["username", "email", "hostname", "device_os"] {
            assert!(r[f].is_string(), "{f} in {r}");
        }
    }

    // The CSV artifact holds the same rows.
    let (s, csv) = content(&env, &meta, "CSV").await;
    assert_eq!(s, StatusCode::OK);
    let csv = csv.as_str().unwrap();
    assert!(csv.starts_with('"'), "a header line");
    assert_eq!(csv.lines().count(), rows.as_array().unwrap().len() + 1);

    let groups = request(&env, "users-to-user-groups").await;
    let apps = request(&env, "users-to-sso-applications").await;
    env.sim.state.advance(1);
    let (_, groups) = status_of(&env, groups["id"].as_str().unwrap()).await;
    let (_, apps) = status_of(&env, apps["id"].as_str().unwrap()).await;
    assert_eq!(pairs(&content(&env, &groups, "JSON").await.1, None), members);
    assert_eq!(pairs(&content(&env, &apps, "JSON").await.1, Some("direct")), app_direct);

    // The list is newest first; "-CREATED_AT" oldest first.
    let newest = env.get(BASE).await;
    assert_eq!(newest[0]["id"], apps["id"]);
    let oldest = env.get(&format!("{BASE}?sort=-CREATED_AT")).await;
    assert_eq!(oldest[0]["id"], id.as_str());
}

#[tokio::test]
async fn roles_without_reports_are_refused_and_each_fault_shows() {
    let env = start(60).await;
    settings(&env, 0, None);
    for role in [Role::HelpDesk, Role::CommandRunner] {
        let (s, _, v) = env
            .call(role, Method::POST, &format!("{BASE}/users-to-devices"), None)
            .await;
        assert_eq!(s, StatusCode::FORBIDDEN);
        assert_eq!(v["message"], "User role does not have access to Reports");
    }
    let (s, _, _) = env
        .call(Role::ReadOnly, Method::POST, &format!("{BASE}/users-to-devices"), None)
        .await;
    assert_eq!(s, StatusCode::ACCEPTED, "Read Only may read reports");

    settings(&env, 0, Some(ReportFault::Refused));
    let (s, _, _) = env
        .call(
            Role::Administrator,
            Method::POST,
            &format!("{BASE}/users-to-devices"),
            None,
        )
        .await;
    assert_eq!(s, StatusCode::FORBIDDEN);

    for (fault, want) in [
        (ReportFault::Fail, "FAILED"),
        (ReportFault::Expire, "DELETED"),
        (ReportFault::Stuck, "IN_PROGRESS"),
    ] {
        settings(&env, 0, Some(fault));
        let meta = request(&env, "users-to-devices").await;
        let (status, meta) = status_of(&env, meta["id"].as_str().unwrap()).await;
        assert_eq!(status, want, "{fault:?}");
        assert_eq!(content(&env, &meta, "JSON").await.0, StatusCode::NOT_FOUND, "{fault:?}");
    }

    settings(&env, 0, Some(ReportFault::Truncated));
    let meta = request(&env, "users-to-devices").await;
    let (_, meta) = status_of(&env, meta["id"].as_str().unwrap()).await;
    let (s, body) = content(&env, &meta, "JSON").await;
    assert_eq!(s, StatusCode::OK);
    assert!(body.is_string(), "the artifact is not JSON that parses");

    settings(&env, 0, Some(ReportFault::Malformed));
    let meta = request(&env, "users-to-user-groups").await;
    let (_, meta) = status_of(&env, meta["id"].as_str().unwrap()).await;
    let rows = content(&env, &meta, "JSON").await.1;
    assert!(rows
        .as_array()
        .unwrap()
        .iter()
        .any(|r| r.get("user_object_id").is_none()));

    settings(&env, 0, None);
    let full = request(&env, "users-to-user-groups").await;
    settings(&env, 0, Some(ReportFault::Partial));
    let part = request(&env, "users-to-user-groups").await;
    let full = content(&env, &status_of(&env, full["id"].as_str().unwrap()).await.1, "JSON")
        .await
        .1;
    let part = content(&env, &status_of(&env, part["id"].as_str().unwrap()).await.1, "JSON")
        .await
        .1;
    assert_eq!(part.as_array().unwrap().len(), full.as_array().unwrap().len() / 2);

    // A report is gone once it expires (simulated time).
    settings(&env, 0, None);
    let meta = request(&env, "users-to-devices").await;
    env.sim.state.advance(8 * 24 * 60);
    let (status, meta) = status_of(&env, meta["id"].as_str().unwrap()).await;
    assert_eq!(status, "DELETED");
    assert_eq!(content(&env, &meta, "JSON").await.0, StatusCode::NOT_FOUND);
}

/// The JSON artifact is written while the report generates, from the org as it stood when
/// requested (JumpCloud's is stored by the time the report completes); the CSV one when
/// downloaded. A newer report of the type lets the older's written JSON go: downloaded again,
/// it is written then.
#[tokio::test]
async fn the_json_artifact_is_the_org_when_requested_and_a_newer_report_supersedes_it() {
    let env = start(60).await;
    settings(&env, 400, None);
    let first = request(&env, "users-to-user-groups").await;
    let id = first["id"].as_str().unwrap().to_string();
    // Written off the server's thread: wait until it is kept.
    for _ in 0..200 {
        let done = matches!(env.sim.state.reports.lock().unwrap().written_json(&id), Some(Some(_)));
        if done {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(10)).await;
    }
    let (group, user) = {
        let mut w = env.sim.state.world.write().unwrap();
        let o = &mut w.orgs[0];
        let user = o.users.keys().next().unwrap().clone();
        let (group, members) = o.ug_members.iter_mut().find(|(_, m)| !m.contains(&user)).unwrap();
        members.insert(user.clone());
        (group.clone(), user)
    };
    let added = (user, group);
    env.sim.state.advance(1);
    let (_, first) = status_of(&env, &id).await;
    let json = pairs(&content(&env, &first, "JSON").await.1, None);
    assert!(
        !json.contains(&added),
        "the JSON is the org when the report was requested"
    );
    let csv = content(&env, &first, "CSV").await.1;
    assert!(
        csv.as_str()
            .unwrap()
            .lines()
            .any(|l| l.contains(&added.0) && l.contains(&added.1)),
        "the CSV is written when downloaded"
    );

    let second = request(&env, "users-to-user-groups").await;
    env.sim.state.advance(1);
    let (_, second) = status_of(&env, second["id"].as_str().unwrap()).await;
    assert!(pairs(&content(&env, &second, "JSON").await.1, None).contains(&added));
    assert_eq!(
        env.sim
            .state
            .reports
            .lock()
            .unwrap()
            .written_json(&id)
            .map(|f| f.is_some()),
        None,
        "the older report's written JSON is let go"
    );
    assert!(
        pairs(&content(&env, &first, "JSON").await.1, None).contains(&added),
        "downloaded again, it is written then"
    );
}

/// A killed simulator's report files are removed by the next one; a running one's are kept.
#[test]
fn report_files_a_stopped_simulator_left_are_swept() {
    let dir = std::env::temp_dir();
    // No process has this id (above Linux's largest); this process is running.
    let left = dir.join("jcsim-report-999999999-0.body");
    let ours = dir.join(format!("jcsim-report-{}-999.body", std::process::id()));
    std::fs::write(&left, b"[]").unwrap();
    std::fs::write(&ours, b"[]").unwrap();
    jcsim::reports::Spooled::sweep();
    let (left_gone, ours_kept) = (!left.exists(), ours.exists());
    let _ = std::fs::remove_file(&ours);
    if std::path::Path::new("/proc/self").exists() {
        assert!(left_gone, "a stopped simulator's file is removed");
    }
    assert!(ours_kept, "a running simulator's file is kept");
}
