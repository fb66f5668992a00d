//! The API console and the Directory Insights explorer against the simulator: JumpCloud's
//! published descriptions read from `../shared` (skipped, saying why, where absent), calls
//! checked before sending, every page read, a write sent once with its audit rows; the explorer
//! asked of JumpCloud and of the archive with the same answer.

use crate::common::{start, Env, NOW};
use parking_lot::Mutex;
use rollcall_core::apispec::{self, check::parts, ConsoleRequest, IssuePlace, Paging};
use rollcall_core::console;
use rollcall_core::explore::{from_archive, EventFilter, Online};
use rollcall_core::CancelToken;

fn specs_dir() -> Option<std::path::PathBuf> {
    let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../../../shared/jumpcloud-api/specs");
    if dir.is_dir() {
        Some(dir)
    } else {
        eprintln!("SKIP: JumpCloud's published specs are not at {}", dir.display());
        None
    }
}

fn req(method: &str, path: &str, body: &str) -> ConsoleRequest {
    ConsoleRequest {
        method: method.into(),
        path: path.into(),
        query: vec![],
        body: body.into(),
    }
}

#[test]
fn the_published_descriptions_check_paths_queries_and_bodies() {
    let Some(dir) = specs_dir() else { return };
    let index = apispec::load_dir(&dir).unwrap();
    let n = index.ops.len();
    assert!(n > 800, "{n} operations read");
    assert_eq!(
        index.sources.len(),
        3,
        "v1, v2 and one Directory Insights file: {:?}",
        index.sources
    );
    let none = |_: &str| None;
    // Every operation Rollcall's own client calls is in the index.
    for (m, p) in [
        ("GET", "/api/systemusers"),
        ("PUT", "/api/systemusers/5f0000000000000000000001"),
        ("POST", "/api/v2/usergroups/5f00/members"),
        ("GET", "/api/v2/systemgroups"),
        ("POST", "/api/v2/bulk/userstates"),
        ("POST", "/insights/directory/v1/events"),
        ("POST", "/insights/directory/v1/events/interval"),
    ] {
        assert!(index.find(m, p).is_some(), "{m} {p} is not in the index");
    }
    let list = index.find("GET", "/api/systemusers").unwrap().0;
    assert_eq!(index.ops[list].paging, Paging::SkipLimit);
    assert!(!index.ops[list].changes);
    let events = index.find("POST", "/insights/directory/v1/events").unwrap().0;
    assert_eq!(index.ops[events].paging, Paging::Cursor);

    let c = apispec::check(Some(&index), &req("GET", "/api/sytemusers", ""), &none);
    assert!(!c.sendable);
    assert!(
        c.issues[0].message.contains("Did you mean /api/systemusers"),
        "{:?}",
        c.issues
    );
    let c = apispec::check(Some(&index), &req("PATCH", "/api/systemusers/u1", "{}"), &none);
    assert!(
        c.issues
            .iter()
            .any(|i| i.place == IssuePlace::Method && i.message.contains("PUT")),
        "{:?}",
        c.issues
    );
    let c = apispec::check(
        Some(&index),
        &req("PUT", "/api/systemusers/u1", r#"{"suspended": "yes"}"#),
        &none,
    );
    assert!(!c.sendable);
    assert!(
        c.issues
            .iter()
            .any(|i| i.place == IssuePlace::Body && i.message.contains("/suspended")),
        "{:?}",
        c.issues
    );
    let name = |id: &str| (id == "u1").then(|| "person Ada Lovelace (ada)".to_string());
    let c = apispec::check(
        Some(&index),
        &req("PUT", "/api/systemusers/u1", r#"{"suspended": true}"#),
        &name,
    );
    assert!(c.sendable && c.changes, "{:?}", c.issues);
    assert!(
        c.in_words.contains("on person Ada Lovelace (ada)") && c.in_words.contains("sets suspended to true"),
        "{}",
        c.in_words
    );
    let mut q = req("GET", "/api/systemusers", "");
    q.query.push(apispec::QueryParam {
        name: "limit".into(),
        value: "ten".into(),
    });
    let c = apispec::check(Some(&index), &q, &none);
    assert!(
        c.issues.iter().any(|i| i.place == IssuePlace::Query && i.blocking),
        "{:?}",
        c.issues
    );
}

async fn read_all(env: &Env, path: &str, paging: Paging) -> (console::ConsoleAnswer, serde_json::Value) {
    let p = parts(&req("GET", path, "")).unwrap();
    let mut pages = vec![];
    let mut progress = |x: console::PageProgress| pages.push(x);
    let out = console::read(&env.client(), &p, paging, true, &mut progress, &CancelToken::default()).await;
    assert!(!pages.is_empty());
    out
}

#[tokio::test]
async fn all_pages_read_every_record_and_a_write_is_sent_once_and_audited() {
    let env = start(230).await;
    let (a, v) = read_all(&env, "/api/systemusers", Paging::SkipLimit).await;
    let total = env.sim.state.world.read().unwrap().orgs[0].users.len();
    assert!(a.ok, "{}", a.message);
    assert_eq!(a.items, Some(total as u32));
    assert_eq!(v["results"].as_array().unwrap().len(), total);
    assert_eq!(a.pages as usize, total.div_ceil(100));
    let (a, v) = read_all(&env, "/api/v2/usergroups?limit=7", Paging::SkipLimit).await;
    assert_eq!(Some(v.as_array().unwrap().len() as f64), a.total, "{}", a.message);

    // A suspend: sent once, audited, the event recorded.
    env.sync().await.unwrap();
    let id = v.as_array().map(|_| ()).and_then(|_| {
        let w = env.sim.state.world.read().unwrap();
        w.orgs[0].users.keys().next().cloned()
    });
    let id = id.unwrap();
    let request = req("PUT", &format!("/api/systemusers/{id}"), r#"{"suspended": true}"#);
    let checked = apispec::check(None, &request, &|_| None);
    let cache = Mutex::new(env.cache());
    let actor = rollcall_core::actions::Actor {
        org_id: "org".into(),
        operator: "tester".into(),
        run_id: None,
    };
    let (a, _) = console::write(&env.client(), &cache, &actor, &parts(&request).unwrap(), &checked)
        .await
        .unwrap();
    assert!(a.ok && a.status == Some(200), "{}", a.message);
    let audit = cache.lock().audit(&Default::default()).unwrap();
    let row = audit
        .iter()
        .find(|r| r.action == rollcall_cache::AuditAction::ApiCall)
        .unwrap();
    assert_eq!(row.status, rollcall_cache::AuditStatus::Done);
    assert_eq!(row.target_id, id);
    let puts = env
        .sim
        .state
        .requests()
        .iter()
        .filter(|r| r.method == "PUT" && r.path.ends_with(&id))
        .count();
    assert_eq!(puts, 1);

    // The explorer finds it, from JumpCloud; the count, the histogram and the page agree.
    let now = rollcall_cache::parse_ms(NOW).unwrap() + 86_400_000;
    let filter = EventFilter {
        event_types: vec!["user_update".into()],
        start: rollcall_cache::format_ms(now - 7 * 86_400_000),
        q: id.clone(),
        ..Default::default()
    };
    let online = Online {
        client: env.client(),
        filter: filter.clone(),
        now_ms: now,
    };
    let page = online.page(None, 100).await.unwrap();
    assert!(!page.lines.is_empty(), "the suspend's event is found");
    let count = online.count().await.unwrap();
    let histogram = online.histogram().await.unwrap();
    let summed: f64 = histogram.buckets.iter().map(|b| b.count).sum();
    assert_eq!((count as usize, summed as usize), (page.lines.len(), page.lines.len()));
}

#[tokio::test]
async fn the_archive_answers_as_jumpcloud_does_and_pages_by_cursor() {
    let env = start(120).await;
    env.sync().await.unwrap();
    let cache = env.cache();
    let spans = cache.archive_spans().unwrap();
    assert!(!spans.is_empty(), "the sync archived its events");
    let now = rollcall_cache::parse_ms(NOW).unwrap();
    let filter = EventFilter {
        services: vec!["systems".into()],
        success: Some(false),
        start: rollcall_cache::format_ms(now - 30 * 86_400_000),
        end: NOW.into(),
        ..Default::default()
    };
    let client = env.client();
    let online = Online {
        client: client.clone(),
        filter: filter.clone(),
        now_ms: now,
    };
    let archive = from_archive(&cache, &filter, now);
    let jc = online.count().await.unwrap();
    assert!(jc > 0, "failed device logins in 30 days");
    assert_eq!(archive.count().unwrap(), jc, "the archive counts what JumpCloud counts");
    let top_jc = online.distinct("username").await.unwrap();
    let top_ar = archive.distinct("username").unwrap();
    assert_eq!(top_jc.first().map(|v| &v.value), top_ar.first().map(|v| &v.value));
    // Pages of 10 by cursor cover every event once.
    let mut seen = std::collections::BTreeSet::new();
    let mut cursor: Option<String> = None;
    loop {
        let page = archive.page(cursor.as_deref(), 10).unwrap();
        for l in &page.lines {
            assert!(seen.insert(l.id.clone()), "{} twice", l.id);
            assert_eq!(l.success, Some(false));
        }
        cursor = page.next;
        if cursor.is_none() {
            break;
        }
    }
    assert_eq!(seen.len() as u64, jc);
    let note = rollcall_core::explore::archive_note(&cache, now).unwrap();
    assert!(note.contains("The archive holds") && note.contains("systems"), "{note}");
}
