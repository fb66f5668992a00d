//! The org session without a window: opening an org with a tested key, syncing it, entering a
//! new key, recovering a damaged file, removing the org — with an in-memory key store.

use crate::common::{self, Env};
use jumpcloud::ApiKey;
use parking_lot::Mutex;
use rollcall_cache::Cache;
use rollcall_core::connect::check;
use rollcall_core::session::{
    Connectivity, DataKind, KeyError, KeyStore, OrgEntry, OrgSession, RegionName, SessionError, SessionEvents,
};
use rollcall_core::SyncProgress;
use std::collections::HashMap;
use std::io::{Seek, SeekFrom, Write};
use std::sync::Arc;

/// Keys in memory, shared with the test so it can look inside.
#[derive(Clone, Default)]
pub(crate) struct Keys(Arc<Mutex<HashMap<String, String>>>);

impl KeyStore for Keys {
    fn read(&self, org_id: &str) -> Result<ApiKey, KeyError> {
        self.0
            .lock()
            .get(org_id)
            .map(|k| ApiKey::new(k.clone()))
            .ok_or(KeyError::Missing)
    }
    fn store(&self, org_id: &str, key: &str) -> Result<(), KeyError> {
        self.0.lock().insert(org_id.into(), key.into());
        Ok(())
    }
    fn delete(&self, org_id: &str) -> Result<(), KeyError> {
        self.0.lock().remove(org_id);
        Ok(())
    }
}

/// Counts what the session announced.
#[derive(Default)]
struct Heard {
    status: Mutex<u32>,
    changed: Mutex<Vec<DataKind>>,
}

impl SessionEvents for Heard {
    fn status_changed(&self) {
        *self.status.lock() += 1;
    }
    fn cache_changed(&self, kinds: &[DataKind]) {
        self.changed.lock().extend_from_slice(kinds);
    }
    fn progress(&self, _: SyncProgress) {}
}

pub(crate) fn session(env: &Env, keys: &Keys) -> OrgSession {
    let dir = env.dir.path();
    OrgSession::new(&dir.join("config"), dir.join("data"), Box::new(keys.clone()))
}

fn entry(env: &Env, id: &str) -> OrgEntry {
    OrgEntry {
        id: id.into(),
        name: "Acme".into(),
        region: RegionName::US,
        base_url: Some(env.sim.base_url.clone()),
        send_org_id: false,
        demo: false,
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_org_opened_with_a_tested_key_syncs_and_takes_a_new_key_of_the_same_org_only() {
    let env = common::start(30).await;
    std::fs::create_dir_all(env.dir.path().join("config")).unwrap();
    let keys = Keys::default();
    let s = session(&env, &keys);
    assert!(matches!(s.active(), Err(SessionError::NoOrg)));

    let found = check(&env.client(), None).await.unwrap();
    let org_id = found.org.id.clone();
    let org = s.open_with_key(entry(&env, &org_id), &env.key(), found.access).unwrap();
    assert_eq!(
        keys.0.lock().get(&org_id),
        Some(&env.key()),
        "the key went to the store"
    );
    assert_eq!(s.connectivity(), Connectivity::Online);
    assert!(org.access().is_some(), "what the test learned of the role is kept");
    assert!(s.status().sync_due, "never synced: a sync is due");

    let heard = Heard::default();
    let report = s.sync(&heard).await.unwrap();
    assert!(report.counts.users >= 30, "{report:?}");
    assert!(!s.status().sync_due);
    assert!(heard.changed.lock().contains(&DataKind::All));
    assert!(*heard.status.lock() > 0);
    let (_, _, actor) = s.for_writes(None).unwrap();
    assert_eq!(actor.org_id, org_id);

    // A key JumpCloud refuses changes nothing.
    let refused = s.check_new_key(&org_id, "not-a-key").await.unwrap_err();
    assert!(matches!(refused, SessionError::Connect(_)), "{refused:?}");
    assert!(matches!(
        s.check_new_key(&org_id, "  ").await,
        Err(SessionError::Invalid(_))
    ));
    assert!(matches!(
        s.check_new_key("5f00000000000000000000ff", &env.key()).await,
        Err(SessionError::UnknownOrg)
    ));
    // A key of the same org (another administrator's) replaces the stored one; the mirror stays.
    let other = env.key_of(jcsim::model::Role::Manager);
    let (e, access) = s.check_new_key(&org_id, &other).await.unwrap();
    let org = s.open_with_key(e, &other, access).unwrap();
    assert_eq!(keys.0.lock().get(&org_id), Some(&other));
    assert!(org.cache().snapshot().unwrap().sync_id.is_some(), "the mirror was kept");

    // Removing the org forgets its key, its file and its entry.
    s.remove(&org_id).unwrap();
    assert!(keys.0.lock().is_empty());
    assert!(!org.cache_path.exists());
    assert!(s.status().orgs.is_empty() && s.status().org.is_none());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_org_whose_key_is_missing_opens_for_browsing_and_sends_nothing() {
    let env = common::start(5).await;
    std::fs::create_dir_all(env.dir.path().join("config")).unwrap();
    let s = session(&env, &Keys::default());
    let org = s.activate(entry(&env, "5f00000000000000000000aa")).unwrap();
    assert!(org.key_problem.is_some());
    let status = s.status();
    assert!(status.key_refused, "the org offers Enter a new key");
    assert!(status.note.unwrap_or_default().contains("nothing is sent"));
    assert!(matches!(s.for_writes(None), Err(SessionError::Blocked(_))));
    assert!(matches!(
        s.sync(&Heard::default()).await,
        Err(rollcall_core::session::SyncStartError::Session(SessionError::Key(_)))
    ));
}

#[test]
fn a_damaged_file_found_after_opening_is_moved_aside_and_replaced() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(dir.path().join("config")).unwrap();
    let s = OrgSession::new(
        &dir.path().join("config"),
        dir.path().join("data"),
        Box::new(Keys::default()),
    );
    let entry = OrgEntry {
        id: "5f00000000000000000000aa".into(),
        name: "Acme".into(),
        region: RegionName::US,
        base_url: Some("http://127.0.0.1:9".into()),
        send_org_id: false,
        demo: false,
    };
    // A file with enough pages that damage in the middle leaves the header readable.
    let file = rollcall_cache::org_file(&dir.path().join("data"), &entry.id);
    std::fs::create_dir_all(file.parent().unwrap()).unwrap();
    {
        let (c, _) = Cache::open(&file).unwrap();
        c.connection()
            .execute_batch("CREATE TABLE filler(x); WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i+1 FROM n WHERE i < 20000) INSERT INTO filler SELECT hex(randomblob(64)) FROM n;")
            .unwrap();
    }
    let len = std::fs::metadata(&file).unwrap().len();
    let mut f = std::fs::OpenOptions::new().write(true).open(&file).unwrap();
    f.seek(SeekFrom::Start(len / 2)).unwrap();
    f.write_all(&[0xA5; 8192]).unwrap();
    drop(f);

    let org = s.activate(entry).expect("a damaged file still opens for browsing");
    let note = s.check_file(&org).expect("the damage is found");
    assert!(note.contains("moved to") && note.contains("Sync now"), "{note}");
    assert!(
        rollcall_cache::db::quick_check_file(&file).is_ok(),
        "a fresh file took its place"
    );
    let moved = std::fs::read_dir(file.parent().unwrap())
        .unwrap()
        .filter_map(|e| e.ok())
        .any(|e| e.file_name().to_string_lossy().contains(".corrupt-"));
    assert!(moved, "the damaged file was kept aside");
    let shown = s.status().note.unwrap_or_default();
    assert!(
        shown.starts_with(&note),
        "the damage is the first thing the banner says: {shown}"
    );
    assert!(s.check_file(&s.active().unwrap()).is_none(), "the fresh file is sound");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_timer_syncs_when_due_never_when_off_offline_or_refused() {
    let env = common::start(20).await;
    std::fs::create_dir_all(env.dir.path().join("config")).unwrap();
    let s = session(&env, &Keys::default());
    let found = check(&env.client(), None).await.unwrap();
    s.open_with_key(entry(&env, &found.org.id), &env.key(), found.access)
        .unwrap();
    let heard = Heard::default();
    s.sync(&heard).await.unwrap();
    let runs = || s.active().unwrap().cache().sync_runs(100).unwrap().len();
    let as_of = rollcall_cache::parse_ms(&s.status().snapshot.unwrap().as_of.unwrap()).unwrap();

    let plan = s.status().schedule.unwrap();
    assert_eq!(plan.every_minutes, 240, "every 4 hours by default");
    let next = rollcall_cache::parse_ms(plan.next_at.as_deref().unwrap()).unwrap();
    assert_eq!(next, as_of + 4 * 3_600_000);
    assert!(!s.timer_tick(as_of + 60_000, &heard).await, "not due yet");
    assert_eq!(runs(), 1);

    s.set_resync_every(60).unwrap();
    assert!(s.timer_tick(as_of + 61 * 60_000, &heard).await, "due after an hour");
    assert_eq!(runs(), 2);
    assert!(s.status().schedule.unwrap().failed.is_none());

    s.set_resync_every(0).unwrap();
    let off = s.status().schedule.unwrap();
    assert!(off.every_minutes == 0 && off.next_at.is_none());
    assert!(!s.timer_tick(as_of + 48 * 3_600_000, &heard).await, "off: never");

    // The key is revoked: a timed sync has nothing to try until a new key is entered.
    s.set_resync_every(60).unwrap();
    let admin_email = {
        let w = env.sim.state.world.read().unwrap();
        w.admins.iter().find(|a| a.api_key == env.key()).unwrap().email.clone()
    };
    reqwest::Client::new()
        .post(format!("{}/__sim/rotate-key", env.sim.base_url))
        .body(serde_json::json!({ "email": admin_email }).to_string())
        .send()
        .await
        .unwrap();
    assert!(s.sync(&heard).await.is_err());
    assert!(s.status().key_refused);
    assert!(
        !s.timer_tick(as_of + 48 * 3_600_000, &heard).await,
        "refused key: nothing to retry"
    );
    assert!(
        s.status().schedule.unwrap().failed.is_none(),
        "a refused key is not counted as a failed timed sync"
    );

    // JumpCloud unreachable: not a failure either.
    s.set_connectivity(Connectivity::Offline("no network".into()));
    assert!(!s.timer_tick(as_of + 48 * 3_600_000, &heard).await);
    assert_eq!(runs(), 3, "only the manual sync with the revoked key ran (and failed)");
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_scope_is_chosen_from_jumpcloud_previewed_kept_and_followed_by_the_sync() {
    let env = common::start(200).await;
    std::fs::create_dir_all(env.dir.path().join("config")).unwrap();
    let keys = Keys::default();
    let s = session(&env, &keys);
    let found = check(&env.client(), None).await.unwrap();
    let org_id = found.org.id.clone();
    s.open_with_key(entry(&env, &org_id), &env.key(), found.access).unwrap();
    let heard = Heard::default();
    s.sync(&heard).await.unwrap();
    assert!(s.status().scope.is_none(), "the whole org by default");

    let choices = s.scope_choices().await.unwrap();
    let (ug, members, sg, devices, total_devices) = {
        let w = env.sim.state.world.read().unwrap();
        let o = &w.orgs[0];
        let (ug, m) = o.ug_members.iter().find(|(_, m)| m.len() > 3).unwrap();
        let (sg, d) = o.sg_members.iter().find(|(_, d)| !d.is_empty()).unwrap();
        (ug.clone(), m.clone(), sg.clone(), d.clone(), o.systems.len())
    };
    assert_eq!(
        choices.user_groups.len(),
        env.sim.state.world.read().unwrap().orgs[0].user_groups.len()
    );
    assert!(choices.user_groups.iter().any(|g| g.id == ug && !g.name.is_empty()));
    let names: Vec<String> = choices.user_groups.iter().map(|g| g.name.to_lowercase()).collect();
    assert!(names.windows(2).all(|w| w[0] <= w[1]), "sorted by name");

    // Only people: every device stays.
    let people_only = rollcall_core::session::SyncScope {
        user_groups: vec![ug.clone()],
        system_groups: vec![],
    };
    let preview = s.scope_preview(&people_only).await.unwrap();
    assert_eq!(preview.users, Some(members.len() as u32));
    assert_eq!(preview.devices, None, "no device group chosen: all devices");
    s.set_scope(&people_only).unwrap();
    assert_eq!(s.status().scope, Some(people_only.clone()));
    let report = s.sync(&heard).await.unwrap();
    assert_eq!(report.counts.users, members.len() as u64);
    assert_eq!(report.counts.devices, total_devices as u64);
    let org = s.active().unwrap();
    let kept: std::collections::BTreeSet<String> = {
        let c = org.cache();
        let mut st = c.connection().prepare("SELECT id FROM users").unwrap();
        st.query_map([], |r| r.get(0)).unwrap().map(|x| x.unwrap()).collect()
    };
    assert_eq!(kept, members);

    // People and devices; then back to the whole org.
    let both = rollcall_core::session::SyncScope {
        user_groups: vec![ug],
        system_groups: vec![sg],
    };
    assert_eq!(
        s.scope_preview(&both).await.unwrap().devices,
        Some(devices.len() as u32)
    );
    s.set_scope(&both).unwrap();
    let report = s.sync(&heard).await.unwrap();
    assert_eq!(report.counts.devices, devices.len() as u64);
    s.set_scope(&Default::default()).unwrap();
    assert!(s.status().scope.is_none());
    let report = s.sync(&heard).await.unwrap();
    assert_eq!(report.counts.devices, total_devices as u64);
    assert!(
        report
            .notes
            .iter()
            .all(|n| n.source == rollcall_core::sync::AssociationSource::Report),
        "{:?}",
        report.notes
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_sync_cancelled_by_opening_another_org_leaves_no_error_on_it() {
    let (a, b) = (common::start(300).await, common::start(30).await);
    std::fs::create_dir_all(a.dir.path().join("config")).unwrap();
    // Org A answers slowly, so its sync is still running when org B is opened.
    a.sim.state.set_faults(jcsim::Faults {
        latency_ms: 30,
        ..Default::default()
    });
    let keys = Keys::default();
    let s = session(&a, &keys);
    let found_a = check(&a.client(), None).await.unwrap();
    s.open_with_key(entry(&a, &found_a.org.id), &a.key(), found_a.access)
        .unwrap();
    let found_b = check(&b.client(), None).await.unwrap();
    let heard = Heard::default();
    a.sim.state.clear_requests();
    let (first, _) = tokio::join!(s.sync(&heard), async {
        // Org B is opened once org A's sync has been answered a few requests: it is under way,
        // and (at 30 ms a request) far from done.
        let give_up = std::time::Instant::now() + std::time::Duration::from_secs(60);
        while a.sim.state.requests().len() < 3 {
            assert!(
                std::time::Instant::now() < give_up,
                "org A's sync never reached JumpCloud"
            );
            tokio::time::sleep(std::time::Duration::from_millis(5)).await;
        }
        let mut e = entry(&b, &found_b.org.id);
        e.name = "Other".into();
        s.open_with_key(e, &b.key(), found_b.access.clone()).unwrap();
    });
    assert!(first.is_err(), "org A's sync was cancelled by opening org B");
    let st = s.status();
    assert_eq!(st.org.map(|o| o.id), Some(found_b.org.id.clone()));
    assert_eq!(st.sync_error, None, "org B shows no error of org A's cancelled sync");
    assert!(!st.syncing);
    // And org B syncs normally.
    s.sync(&heard).await.unwrap();
}

/// *Add all*: a multi-tenant key lists every client org (more than a page of a hundred); each
/// is added with its own key entry and, opened, reads its own organisation only.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_multi_tenant_key_adds_every_client_org_each_with_its_own_key_entry() {
    let env = common::start_msp(120, 60).await;
    let (key, ids) = {
        let w = env.sim.state.world.read().unwrap();
        let key = w.admins.iter().find(|a| a.multi_tenant).unwrap().api_key.clone();
        (key, w.orgs.iter().map(|o| o.id().to_string()).collect::<Vec<_>>())
    };
    let input = rollcall_core::connect::ConnectInput {
        api_key: key.clone(),
        org_id: ids[5].clone(),
        region: RegionName::US,
        base_url: env.sim.base_url.clone(),
    };
    let found = input.check().await.unwrap();
    assert_eq!(found.orgs.len(), 121, "every org, past the first page of 100");
    assert_eq!(found.org.id, ids[5]);
    let keys = Keys::default();
    let s = session(&env, &keys);
    for o in found.orgs.iter().filter(|o| o.id != found.org.id) {
        s.add_with_key(input.entry_for(o, true), &key).unwrap();
    }
    assert_eq!(keys.0.lock().len(), 120, "one key entry per organisation");
    let people = |org: &str| {
        let w = env.sim.state.world.read().unwrap();
        w.orgs.iter().find(|o| o.id() == org).unwrap().users.len() as u64
    };
    let target = &found.orgs[70];
    let e = s.entry(&target.id).unwrap();
    assert!(e.send_org_id, "an MSP key sends the org's id");
    let org = s.activate(e).unwrap();
    let (_, users) = org
        .client
        .call(jumpcloud::Method::GET, "/api/systemusers?limit=1", None)
        .await
        .unwrap();
    assert_eq!(users["totalCount"].as_u64(), Some(people(&target.id)));
    let sent_to = env.sim.state.requests().last().unwrap().org_id.clone();
    assert_eq!(sent_to, target.id, "the request went to that org only");
}
