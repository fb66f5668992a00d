//! The cache file on its own: opening, migrations, staging and the swap, corruption.

use rollcall_cache::{
    AuditAction, Cache, CacheError, OpenOutcome, StepState, Thresholds, UserQuery, UserRow, UserState,
};

/// Thresholds for the lists' checks (none of these tests filters by one).
fn th() -> Thresholds {
    Thresholds {
        now_ms: rollcall_cache::dates::now_ms(),
        silent_days: 30,
        expiring_days: 14,
        staged_days: 14,
        inactive_days: 90,
        low_disk_percent: 10,
        password_age_days: 90,
        admins_added_days: 14,
        mfa_target_percent: 95,
    }
}

fn user(id: &str, state: &str) -> UserRow {
    UserRow {
        id: id.into(),
        username: format!("user{id}"),
        email: format!("user{id}@x.example"),
        lastname: format!("Last{id}"),
        state: UserState::parse(state),
        json: format!("{{\"_id\":\"{id}\",\"state\":\"{state}\"}}"),
        ..Default::default()
    }
}

#[test]
fn a_new_file_is_created_with_wal_and_foreign_keys() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("orgs/a.sqlite");
    let (cache, outcome) = Cache::open(&path).unwrap();
    assert_eq!(outcome, OpenOutcome::Created);
    let mode: String = cache
        .connection()
        .query_row("PRAGMA journal_mode", [], |r| r.get(0))
        .unwrap();
    let fk: i64 = cache
        .connection()
        .query_row("PRAGMA foreign_keys", [], |r| r.get(0))
        .unwrap();
    let timeout: i64 = cache
        .connection()
        .query_row("PRAGMA busy_timeout", [], |r| r.get(0))
        .unwrap();
    assert_eq!((mode.as_str(), fk, timeout), ("wal", 1, 5000));
    assert_eq!(
        cache.snapshot().unwrap().state,
        rollcall_cache::kinds::SnapshotState::Empty
    );
}

#[test]
fn reopening_keeps_the_data_and_the_schema_version() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("a.sqlite");
    {
        let (mut cache, _) = Cache::open(&path).unwrap();
        let mut w = cache.begin_sync("2026-01-01T00:00:00.000Z").unwrap();
        w.put_users(&[user("1", "ACTIVATED")]).unwrap();
        w.finish("2026-01-01T00:01:00.000Z", 1, &serde_json::json!({})).unwrap();
    }
    let (cache, outcome) = Cache::open(&path).unwrap();
    assert_eq!(outcome, OpenOutcome::Opened);
    assert_eq!(cache.users(&UserQuery::default(), &th()).unwrap().total, 1);
    let version: i64 = cache
        .connection()
        .query_row("PRAGMA user_version", [], |r| r.get(0))
        .unwrap();
    assert_eq!(
        version, 20,
        "twenty migrations so far (mirror, audit trail, checklists, checklist templates, org settings, record problems, history layout, compression dictionaries, facet indexes, posture history, reviews, disk space, password dates, administrators first seen, groups' bindings and who reaches a device, access reviews with people's own sudo and scheduled steps, the event archive with saved queries and the console's history, the login events kept once in the archive, the archive in narrow rows, the search index without a copy of its text)"
    );
}

/// After an upgrade, the login events the file held are the archive's first.
fn the_login_events_held_are_the_archives_first(cache: &Cache) {
    let spans = cache.archive_spans().unwrap();
    assert_eq!(spans.len(), 1);
    assert_eq!(
        (spans[0].service.as_str(), spans[0].from.as_str(), spans[0].events),
        ("systems", "2025-12-30T10:00:00.000Z", 1)
    );
    assert_eq!(
        cache.archive_newest("systems").unwrap().as_deref(),
        Some("2025-12-30T10:00:00.000Z")
    );
    assert_eq!(cache.archive_newest("radius").unwrap(), None);
    let mut seen = vec![];
    let scan = rollcall_cache::ArchiveScan {
        start: "2025-01-01T00:00:00Z".into(),
        username: Some("ada".into()),
        ..Default::default()
    };
    cache
        .archive_scan(&scan, true, &mut |e| {
            seen.push(e.json);
            true
        })
        .unwrap();
    assert_eq!(seen, vec![r#"{"id":"e1"}"#.to_string()]);
    // Since migration 18 the mirror's `events` is a view of the archive's logins: the same
    // event, its time written as before.
    let row: (String, String, String) = cache
        .connection()
        .query_row("SELECT id, at, username FROM events", [], |r| {
            Ok((r.get(0)?, r.get(1)?, r.get(2)?))
        })
        .unwrap();
    assert_eq!(row, ("e1".into(), "2025-12-30T10:00:00.000Z".into(), "ada".into()));
}

#[test]
fn a_file_from_the_previous_version_is_upgraded_in_place() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("v1.sqlite");
    {
        // A file as the first release wrote it: schema version 1, one synced user.
        let mut conn = rusqlite::Connection::open(&path).unwrap();
        rollcall_cache::schema::migrations().to_version(&mut conn, 1).unwrap();
        conn.execute_batch(
            "INSERT INTO users (id, username, email, state) VALUES ('u1', 'ada', 'ada@example.com', 'ACTIVATED');
             INSERT INTO sync_runs (started_at, finished_at, status) VALUES ('2026-01-01T00:00:00.000Z', '2026-01-01T00:01:00.000Z', 'complete');
             INSERT INTO events (id, at, service, event_type, success, username, json)
               VALUES ('e1', '2025-12-30T10:00:00Z', 'systems', 'login_attempt', 0, 'Ada', '{\"id\":\"e1\"}');",
        )
        .unwrap();
    }
    let (cache, outcome) = Cache::open(&path).unwrap();
    assert_eq!(outcome, OpenOutcome::Opened);
    let version: i64 = cache
        .connection()
        .query_row("PRAGMA user_version", [], |r| r.get(0))
        .unwrap();
    assert_eq!(version, 20, "upgraded to the latest schema");
    the_login_events_held_are_the_archives_first(&cache);
    // The group bindings are kept from the next sync on: a diff from the sync before the
    // upgrade leaves them out instead of listing every one as added.
    use rollcall_cache::history::edges_tracked_at;
    use rollcall_cache::kinds::EdgeKind;
    let conn = cache.connection();
    assert!(!edges_tracked_at(conn, EdgeKind::GroupDevice, 1).unwrap());
    assert!(!edges_tracked_at(conn, EdgeKind::GroupDeviceGroup, 1).unwrap());
    assert!(edges_tracked_at(conn, EdgeKind::GroupDevice, 2).unwrap());
    assert!(
        edges_tracked_at(conn, EdgeKind::Member, 1).unwrap(),
        "kept since the first schema"
    );
    assert!(
        cache.trends(10).unwrap().len() == 1,
        "the posture history table exists after the upgrade"
    );
    assert_eq!(
        cache.problem_count().unwrap(),
        0,
        "the problems column exists after the upgrade"
    );
    assert!(
        cache.stored_templates().unwrap().is_empty(),
        "the templates table exists after the upgrade"
    );
    assert_eq!(
        cache.setting("access").unwrap(),
        None,
        "the settings table exists after the upgrade"
    );
    assert_eq!(
        cache.users(&UserQuery::default(), &th()).unwrap().total,
        1,
        "the synced data survived"
    );
    // Migration 20 indexes the live tables again, without keeping their text.
    let hits = cache.search("ada@exa", 5).unwrap();
    assert_eq!(hits.iter().map(|h| h.id.as_str()).collect::<Vec<_>>(), vec!["u1"]);
    // A change read live replaces the person's words; one removed leaves none.
    let mut cache = cache;
    let mut ada = cache.users(&UserQuery::default(), &th()).unwrap().rows.remove(0);
    ada.email = "lovelace@example.org".into();
    cache.apply_user(&ada).unwrap();
    assert!(cache.search("ada@exa", 5).unwrap().is_empty());
    assert_eq!(cache.search("lovelace", 5).unwrap().len(), 1);
    cache.remove_user("u1").unwrap();
    assert!(cache.search("lovelace", 5).unwrap().is_empty());
    assert_eq!(
        cache.snapshot().unwrap().state,
        rollcall_cache::kinds::SnapshotState::Complete
    );
    assert_eq!(
        cache.mirror_state().unwrap(),
        rollcall_cache::kinds::SnapshotState::Complete,
        "the cheap state agrees"
    );
    let id = cache
        .audit_intent(
            "2026-01-02T00:00:00.000Z",
            &rollcall_cache::AuditIntent {
                org_id: "o".into(),
                operator: "me".into(),
                action: AuditAction::UserSuspend,
                target_kind: rollcall_cache::RecordKind::User,
                target_id: "u1".into(),
                target_label: "Ada".into(),
                params: "{}".into(),
                run_id: None,
            },
        )
        .unwrap();
    cache
        .audit_outcome(
            id,
            "2026-01-02T00:00:01.000Z",
            rollcall_cache::AuditStatus::Done,
            Some(200),
            "ok",
        )
        .unwrap();
    let trail = cache.audit(&rollcall_cache::AuditQuery::default()).unwrap();
    assert_eq!((trail.len(), trail[0].status.as_str()), (1, "done"));
}

#[test]
fn a_file_from_a_newer_rollcall_is_refused_not_destroyed() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("a.sqlite");
    drop(Cache::open(&path).unwrap());
    rusqlite::Connection::open(&path)
        .unwrap()
        .pragma_update(None, "user_version", 99)
        .unwrap();
    match Cache::open(&path) {
        Err(CacheError::TooNew(m)) => assert!(m.contains("newer Rollcall"), "{m}"),
        Ok((_, o)) => panic!("opened a newer file: {o:?}"),
        Err(e) => panic!("unexpected error: {e}"),
    }
    assert!(path.exists(), "the newer file is left where it was");
}

#[test]
fn a_sync_that_never_finishes_leaves_the_snapshot_and_is_marked_failed_next_time() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("a.sqlite");
    let (mut cache, _) = Cache::open(&path).unwrap();
    let mut w = cache.begin_sync("t0").unwrap();
    w.put_users(&[user("1", "ACTIVATED")]).unwrap();
    w.finish("t1", 1, &serde_json::json!({})).unwrap();
    let mut w = cache.begin_sync("t2").unwrap();
    assert!(!w.progressive, "a re-sync stages; only a first import writes through");
    w.put_users(&[user("1", "SUSPENDED"), user("2", "ACTIVATED")]).unwrap();
    // The process dies here: the writer is never finished.
    let _ = w;
    drop(cache);
    let (mut cache, _) = Cache::open(&path).unwrap();
    let page = cache.users(&UserQuery::default(), &th()).unwrap();
    assert_eq!(
        (page.total, page.rows[0].state.as_str()),
        (1, "ACTIVATED"),
        "readers see the last complete snapshot"
    );
    let _ = cache.begin_sync("t3").unwrap();
    let runs = cache.sync_runs(10).unwrap();
    assert_eq!(
        runs[1].status.as_str(),
        "failed",
        "the interrupted sync is recorded as failed: {runs:?}"
    );
}

#[test]
fn a_truncated_file_is_moved_aside() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("a.sqlite");
    {
        let (mut cache, _) = Cache::open(&path).unwrap();
        let mut w = cache.begin_sync("t0").unwrap();
        w.put_users(&(0..2000).map(|i| user(&i.to_string(), "ACTIVATED")).collect::<Vec<_>>())
            .unwrap();
        w.finish("t1", 1, &serde_json::json!({})).unwrap();
        cache
            .connection()
            .execute_batch("PRAGMA wal_checkpoint(TRUNCATE)")
            .unwrap();
    }
    let bytes = std::fs::read(&path).unwrap();
    let mut damaged = bytes.clone();
    for b in damaged.iter_mut().skip(4096 * 3).take(4096 * 4) {
        *b = 0xA5;
    }
    std::fs::write(&path, &damaged).unwrap();
    let (cache, outcome) = Cache::open(&path).unwrap();
    assert!(matches!(outcome, OpenOutcome::Recovered { .. }), "{outcome:?}");
    assert_eq!(
        cache.snapshot().unwrap().state,
        rollcall_cache::kinds::SnapshotState::Empty,
        "a fresh file, ready for a full sync"
    );
}

/// Migration 16 rebuilds the checklist steps table (a step may now be "scheduled"): every step
/// of a file from before is kept as it was.
#[test]
fn checklist_steps_survive_the_rebuild_that_lets_a_step_be_scheduled() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("v15.sqlite");
    {
        let mut conn = rusqlite::Connection::open(&path).unwrap();
        rollcall_cache::schema::migrations().to_version(&mut conn, 15).unwrap();
        conn.execute_batch(
            "INSERT INTO checklist_runs (id, org_id, template, title, subject_id, subject_label, operator, started_at, status)
               VALUES ('r1', 'o', 'offboarding', 'Offboarding', 'u1', 'Ada', 'tester', '2026-01-01T00:00:00Z', 'active');
             INSERT INTO checklist_steps (run_id, idx, kind, title, state, items_done, message, optional)
               VALUES ('r1', 0, 'capture', 'Capture', 'done', '[\"a\"]', 'Captured 3 groups.', 0),
                      ('r1', 1, 'suspend', 'Suspend', 'unknown', '[]', 'No answer.', 1);",
        )
        .unwrap();
    }
    let (cache, _) = Cache::open(&path).unwrap();
    let (_, steps) = cache.run("r1").unwrap().unwrap();
    assert_eq!(steps.len(), 2);
    assert_eq!(steps[0].message, "Captured 3 groups.");
    assert_eq!(steps[0].items_done, "[\"a\"]");
    assert_eq!(steps[1].state, StepState::Unknown);
    assert!(steps[1].optional);
    let mut s = steps[1].clone();
    s.state = StepState::Scheduled;
    cache.save_step(&s).unwrap();
    assert_eq!(cache.run("r1").unwrap().unwrap().1[1].state, StepState::Scheduled);
}

/// Migration 19 stores the archive in narrow rows: every event of a file from before is read
/// back as it was (its id, kind, person, device, app and JSON), an event read again is still one
/// row, and a scan's filters and cursor find the same events.
#[test]
fn the_archive_in_narrow_rows_reads_back_every_event_of_a_file_from_before() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("v18.sqlite");
    // An object id (stored as its bytes), ids that are not lowercase hexadecimal digits (kept
    // as they are), a service beyond logins.
    let old = [
        (
            1_000,
            "0123456789abcdef01234567",
            "systems",
            "login_attempt",
            1,
            "ada",
            "s1",
            "u1",
            "",
        ),
        (1_000, "E-1", "sso", "sso_auth", 0, "ada", "", "u1", "app1"),
        (2_000, "ABCDEF", "directory", "user_login_attempt", 1, "bob", "", "", ""),
        (3_000, "abc", "radius", "radius_auth", 1, "bob", "", "u2", ""),
    ];
    {
        let mut conn = rusqlite::Connection::open(&path).unwrap();
        rollcall_cache::schema::migrations().to_version(&mut conn, 18).unwrap();
        for (at, id, service, event_type, success, username, system_id, user_id, app_id) in old {
            conn.execute(
                "INSERT INTO event_archive (at, id, service, event_type, success, username, system_id, json, user_id, app_id)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10)",
                rusqlite::params![at, id, service, event_type, success, username, system_id, format!("{{\"id\":\"{id}\"}}"), user_id, app_id],
            )
            .unwrap();
        }
    }
    let (mut cache, _) = Cache::open(&path).unwrap();
    let logins: Vec<(String, String, String, String, String, String)> = cache
        .connection()
        .prepare("SELECT id, at, event_type, username, system_id, app_id || user_id FROM events ORDER BY at, id")
        .unwrap()
        .query_map([], |r| {
            Ok((r.get(0)?, r.get(1)?, r.get(2)?, r.get(3)?, r.get(4)?, r.get(5)?))
        })
        .unwrap()
        .collect::<rusqlite::Result<_>>()
        .unwrap();
    let t = |s: &str| format!("1970-01-01T00:00:0{s}.000Z");
    assert_eq!(
        logins,
        vec![
            (
                "0123456789abcdef01234567".into(),
                t("1"),
                "login_attempt".into(),
                "ada".into(),
                "s1".into(),
                "u1".into()
            ),
            (
                "E-1".into(),
                t("1"),
                "sso_auth".into(),
                "ada".into(),
                "".into(),
                "app1u1".into()
            ),
            (
                "ABCDEF".into(),
                t("2"),
                "user_login_attempt".into(),
                "bob".into(),
                "".into(),
                "".into()
            ),
        ]
    );
    let scan = |cache: &Cache, scan: rollcall_cache::ArchiveScan| {
        let mut seen = vec![];
        cache
            .archive_scan(&scan, true, &mut |e| {
                seen.push((e.id, e.json));
                true
            })
            .unwrap();
        seen
    };
    let all = rollcall_cache::ArchiveScan {
        start: "1970-01-01T00:00:00Z".into(),
        ..Default::default()
    };
    let everything = scan(&cache, all.clone());
    assert_eq!(everything.len(), 4, "{everything:?}");
    assert!(everything
        .iter()
        .all(|(id, json)| *json == format!("{{\"id\":\"{id}\"}}")));
    // The cursor continues after the event it names, whichever way its id is kept.
    for (i, (id, _)) in everything.iter().enumerate() {
        let at = if i < 2 { 1_000 } else { 1_000 * i as i64 };
        let rest = scan(
            &cache,
            rollcall_cache::ArchiveScan {
                after: Some((at, id.clone())),
                ..all.clone()
            },
        );
        assert_eq!(rest, everything[i + 1..].to_vec(), "after {id}");
    }
    let by_device = rollcall_cache::ArchiveScan {
        system_id: Some("s1".into()),
        ..all.clone()
    };
    assert_eq!(scan(&cache, by_device).len(), 1);
    let by_person = rollcall_cache::ArchiveScan {
        username: Some("Ada".into()),
        services: vec!["sso".into()],
        ..all.clone()
    };
    assert_eq!(scan(&cache, by_person).len(), 1);
    assert_eq!(
        cache.archive_top(&all, "username", 5).unwrap(),
        vec![("ada".to_string(), 2), ("bob".to_string(), 2)]
    );
    // The same events read again add nothing; a new one is added once.
    let again = |id: &str, at: &str| rollcall_cache::EventRow {
        id: id.into(),
        at: at.into(),
        service: "systems".into(),
        event_type: "login_attempt".into(),
        username: "Ada".into(),
        user_id: "u1".into(),
        json: "{}".into(),
        ..Default::default()
    };
    let rows = [
        again("0123456789abcdef01234567", "1970-01-01T00:00:01Z"),
        again("E-1", "1970-01-01T00:00:01Z"),
        again("ABCDEF", "1970-01-01T00:00:02Z"),
        again("abc", "1970-01-01T00:00:03Z"),
    ];
    assert_eq!(cache.archive_put(&rows).unwrap(), 0);
    let new = [again("0123456789abcdef01234568", "1970-01-01T00:00:04Z")];
    assert_eq!(cache.archive_put(&new).unwrap(), 1);
    assert_eq!(cache.archive_put(&new).unwrap(), 0);
    assert_eq!(scan(&cache, all).last().unwrap().0, "0123456789abcdef01234568");
}
