//! Access reviews against jcsim: a campaign seals its rows (a later sync never changes them),
//! decisions follow the reason rules and add up, closing decides the rest as chosen, the
//! revocations are removed once each from JumpCloud's live state and verified with their
//! Directory Insights event, and the evidence says so.

use crate::checklists::{admin, synced};
use crate::common::*;
use parking_lot::Mutex;
use rollcall_cache::{
    Cache, CampaignRow, CampaignScope, CertDecision, DeviceScope, GrantKind, NewCampaign, RemedyState, ReviewerMode,
};
use rollcall_core::certify::{self, CampaignView, DecideInput, EvidenceFormat, PrepareInput, Remediation};
use sha2::{Digest, Sha256};

fn hex(bytes: &[u8]) -> String {
    Sha256::digest(bytes).iter().map(|b| format!("{b:02x}")).collect()
}

/// Two user groups with members, and an app some people reach directly.
pub(crate) fn scope_of(cache: &Cache) -> CampaignScope {
    let users = cache.users_by_id().unwrap();
    let mut groups: Vec<(String, usize)> = cache
        .groups(Some(rollcall_cache::GroupKind::User), None)
        .unwrap()
        .into_iter()
        .map(|g| (g.group.id, g.members as usize))
        .filter(|(_, n)| *n >= 2)
        .collect();
    groups.sort_by_key(|g| std::cmp::Reverse(g.1));
    let all = cache
        .grants_in_scope(&CampaignScope {
            apps: cache.apps().unwrap().into_iter().map(|a| a.app.id).collect(),
            ..Default::default()
        })
        .unwrap();
    let app = all
        .iter()
        .find(|g| g.via_id.is_empty() && users.contains_key(&g.person_id))
        .expect("an app reached directly")
        .resource_id
        .clone();
    CampaignScope {
        user_groups: groups.iter().take(2).map(|g| g.0.clone()).collect(),
        apps: vec![app],
        devices: DeviceScope::Admins,
        admins: true,
        timed_grants: false,
    }
}

/// A campaign on `scope` reviewed by the admin, created and prepared.
pub(crate) fn prepared(cache: &Mutex<Cache>, name: &str, scope: CampaignScope) -> (i64, CampaignView) {
    let new = NewCampaign {
        name: name.into(),
        scope,
        reviewer_mode: ReviewerMode::Admin,
        owners: Default::default(),
        due: "2026-12-31".into(),
        repeat_months: 0,
    };
    let id = certify::create(&cache.lock(), &new, "tester").unwrap().campaign.id;
    (id, prepare(cache, id))
}

pub(crate) fn prepare(cache: &Mutex<Cache>, id: i64) -> CampaignView {
    certify::prepare(
        &mut cache.lock(),
        id,
        &PrepareInput {
            admin: "admin (tester)",
            note: "",
            now_ms: rollcall_cache::dates::now_ms(),
        },
    )
    .unwrap()
}

fn decide(
    cache: &Mutex<Cache>,
    id: i64,
    seqs: &[u32],
    d: CertDecision,
    reason: &str,
) -> Result<certify::Decided, String> {
    certify::decide(
        &mut cache.lock(),
        id,
        &DecideInput {
            seqs: seqs.to_vec(),
            decision: Some(d),
            reason: reason.into(),
            defer_owner: "owner@example.com".into(),
            defer_due: Some("2027-01-31".into()),
        },
        "tester",
        "desk",
    )
    .map_err(|e| e.to_string())
}

/// The Administrator's client, access and audit actor, for removals.
pub(crate) struct AdminSide {
    client: jumpcloud::Client,
    access: rollcall_core::access::Access,
    actor: rollcall_core::actions::Actor,
}

impl AdminSide {
    pub(crate) fn new(env: &Env) -> Self {
        let (access, actor) = admin();
        AdminSide {
            client: env.client(),
            access,
            actor,
        }
    }

    pub(crate) fn ctx<'a>(&'a self, cache: &'a Mutex<Cache>) -> Remediation<'a> {
        Remediation {
            client: &self.client,
            cache,
            access: &self.access,
            actor: &self.actor,
        }
    }
}

/// Removal requests the simulator received (path and body).
fn removals(env: &Env) -> Vec<String> {
    env.sim
        .state
        .requests()
        .iter()
        .filter(|r| r.method == "POST" && r.path.starts_with("/api/") && r.body.contains("\"remove\""))
        .map(|r| format!("{} {}", r.path, r.body))
        .collect()
}

fn row_where(v: &CampaignView, f: impl Fn(&CampaignRow) -> bool) -> CampaignRow {
    v.rows.iter().find(|r| f(r)).cloned().expect("a row of that kind")
}

#[tokio::test]
async fn a_campaign_is_sealed_decided_closed_and_its_revocations_removed_and_verified() {
    let (env, cache) = synced(start_now(80).await).await;
    let scope = scope_of(&cache.lock());
    let new = NewCampaign {
        name: "Q4 access review".into(),
        scope: scope.clone(),
        reviewer_mode: ReviewerMode::Admin,
        owners: Default::default(),
        due: "2026-12-31".into(),
        repeat_months: 3,
    };
    let id = certify::create(&cache.lock(), &new, "tester").unwrap().campaign.id;
    // The bulk report the sync read bindings from does not say who has sudo: read it first.
    let read = certify::read_device_rights(&env.client(), &cache).await.unwrap();
    assert!(read > 0);
    let v = prepare(&cache, id);
    assert!(v.rows.len() > 4, "{} rows", v.rows.len());
    let device_admins: Vec<&CampaignRow> = v
        .rows
        .iter()
        .filter(|r| r.row.kind == GrantKind::DeviceAccess)
        .collect();
    assert!(
        !device_admins.is_empty(),
        "the seeded device administrators are in scope"
    );
    assert!(device_admins.iter().all(|r| r.row.privileged));
    for kind in [GrantKind::GroupMember, GrantKind::AppAccess, GrantKind::ConsoleAdmin] {
        assert!(v.rows.iter().any(|r| r.row.kind == kind), "a {kind} row");
    }
    // Each row's hash is the SHA-256 of its frozen JSON; the manifest hashes them in order.
    let joined: String = v.rows.iter().map(|r| format!("{}\n", r.row_hash)).collect();
    assert_eq!(v.campaign.rows_hash.as_deref(), Some(hex(joined.as_bytes()).as_str()));
    let r0 = &v.rows[0];
    assert_eq!(r0.row_hash, hex(serde_json::to_string(&r0.row).unwrap().as_bytes()));
    assert!(v
        .rows
        .iter()
        .filter(|r| r.row.kind == GrantKind::ConsoleAdmin)
        .all(|r| r.row.privileged));
    assert!(certify::prepare(
        &mut cache.lock(),
        id,
        &PrepareInput {
            admin: "x",
            note: "",
            now_ms: 0
        }
    )
    .is_err());

    // The decisions and their rules.
    let member = row_where(&v, |r| r.row.kind == GrantKind::GroupMember && !r.row.privileged);
    let app = row_where(&v, |r| r.row.kind == GrantKind::AppAccess && r.row.via_id.is_empty());
    let admin_row = row_where(&v, |r| r.row.kind == GrantKind::ConsoleAdmin);
    let e = decide(&cache, id, &[member.seq], CertDecision::Revoke, "").unwrap_err();
    assert!(e.contains("needs a reason"), "{e}");
    let e = decide(&cache, id, &[admin_row.seq], CertDecision::Keep, "").unwrap_err();
    assert!(e.contains("privileged"), "{e}");
    decide(
        &cache,
        id,
        &[member.seq],
        CertDecision::Revoke,
        "Left the project in October",
    )
    .unwrap();
    decide(&cache, id, &[app.seq], CertDecision::Revoke, "No longer uses the app").unwrap();
    decide(&cache, id, &[admin_row.seq], CertDecision::Defer, "").unwrap();
    // Administrator rights dropped, the device kept: only where the binding is direct.
    let sudo = row_where(&v, |r| r.row.sudo_droppable);
    let e = decide(&cache, id, &[member.seq], CertDecision::DropAdmin, "Not an admin").unwrap_err();
    assert!(e.contains("only administrator rights given on a direct binding"), "{e}");
    decide(
        &cache,
        id,
        &[sudo.seq],
        CertDecision::DropAdmin,
        "Needs the laptop, not admin",
    )
    .unwrap();
    let rest: Vec<u32> = v
        .rows
        .iter()
        .map(|r| r.seq)
        .filter(|s| ![member.seq, app.seq, admin_row.seq, sudo.seq].contains(s))
        .take(3)
        .collect();
    let e = decide(&cache, id, &rest, CertDecision::Keep, "").unwrap_err();
    assert!(e.contains("needs a reason"), "{e}");
    let d = decide(
        &cache,
        id,
        &rest,
        CertDecision::Keep,
        "Still on the team, confirmed with HR",
    )
    .unwrap();
    assert_eq!(d.rows.iter().map(|r| r.seq).collect::<Vec<_>>(), rest);
    assert!(d
        .rows
        .iter()
        .all(|r| r.decision == Some(CertDecision::Keep) && r.decided_via == "desk"));
    let t = d.totals;
    let v = certify::view(&cache.lock(), id).unwrap();
    assert_eq!((t.kept, t.revoked, t.deferred, t.reduced), (3, 2, 1, 1));
    assert_eq!(t.reviewed, t.kept + t.revoked + t.deferred + t.reduced);
    assert_eq!(t.rows, t.reviewed + t.left);

    // A later change and sync never changes the campaign's rows.
    let before: Vec<String> = v.rows.iter().map(|r| r.row_hash.clone()).collect();
    env.client()
        .user_groups()
        .remove_member(
            &scope.user_groups[1],
            &row_where(&v, |r| r.row.resource_id == scope.user_groups[1])
                .row
                .person_id,
        )
        .await
        .unwrap();
    env.sync().await.unwrap();
    *cache.lock() = env.cache();
    let after: Vec<String> = certify::view(&cache.lock(), id)
        .unwrap()
        .rows
        .iter()
        .map(|r| r.row_hash.clone())
        .collect();
    assert_eq!(before, after);

    // Remediation needs a closed campaign; closing decides the rest as chosen.
    assert!(certify::open_revocations(&cache.lock(), id).is_err());
    let v = certify::close(&mut cache.lock(), id, CertDecision::Keep, "tester").unwrap();
    assert_eq!(v.totals.left, 0);
    assert_eq!(v.totals.to_send, 3, "two revocations and the rights dropped");
    assert!(v.campaign.decisions_hash.is_some());
    assert!(v.rows.iter().filter(|r| r.decision.is_none()).count() == 0);
    let side = AdminSide::new(&env);
    let ctx = side.ctx(&cache);
    let sent_before = removals(&env).len();
    let report = certify::remediate(&ctx, id).await.unwrap();
    assert_eq!(
        (report.sent, report.verified, report.failed),
        (3, 3, 0),
        "{:?}",
        report.lines
    );
    let sent: Vec<String> = removals(&env)[sent_before..].to_vec();
    assert_eq!(sent.len(), 2, "{sent:?}");
    assert!(sent
        .iter()
        .any(|s| s.contains(&member.row.resource_id) && s.contains(&member.row.person_id)));
    assert!(sent
        .iter()
        .any(|s| s.contains(&app.row.resource_id) && s.contains(&app.row.person_id)));
    let still_bound = env.sim.state.world.read().unwrap().orgs[0].bindings[&sudo.row.resource_id]
        .get(&sudo.row.person_id)
        .copied();
    assert_eq!(still_bound.map(|b| b.enabled), Some(false), "bound, without sudo");
    let audit = cache.lock().audit(&Default::default()).unwrap();
    assert!(audit
        .iter()
        .any(|a| a.action == rollcall_cache::AuditAction::DeviceSetSudo && a.target_id == sudo.row.resource_id));
    let v = certify::view(&cache.lock(), id).unwrap();
    for seq in [member.seq, app.seq, sudo.seq] {
        let r = v.rows.iter().find(|r| r.seq == seq).unwrap();
        assert_eq!(r.remedy, Some(RemedyState::Verified), "{}", r.remedy_note);
        assert!(
            !r.event_id.is_empty(),
            "the association_change event is cited: {}",
            r.remedy_note
        );
    }
    // Nothing is left to send; a second run sends nothing.
    assert!(certify::open_revocations(&cache.lock(), id).unwrap().is_empty());
    assert_eq!(certify::view(&cache.lock(), id).unwrap().totals.to_send, 0);
    let again = certify::remediate(&ctx, id).await.unwrap();
    assert_eq!(again.sent, 0);
    assert_eq!(removals(&env).len(), sent_before + 2);

    // The evidence.
    let (pdf, n) = certify::evidence(
        "Acme",
        "org1",
        &v,
        &cache.lock().campaign_decision_log(id).unwrap(),
        EvidenceFormat::Pdf,
    )
    .unwrap();
    assert_eq!(n as usize, v.rows.len());
    let text = pdf_text(&pdf);
    for want in [
        "Left the project in October",
        "Still on the team, confirmed with HR",
        "verified removed",
        "Privileged access",
        v.campaign.rows_hash.as_deref().unwrap(),
        "CC6.2",
        "A.5.18",
    ] {
        assert!(text.contains(want), "the PDF says {want:?}");
    }
    let (json, _) = certify::evidence(
        "Acme",
        "org1",
        &v,
        &cache.lock().campaign_decision_log(id).unwrap(),
        EvidenceFormat::Json,
    )
    .unwrap();
    let m: serde_json::Value = serde_json::from_slice(&json).unwrap();
    assert_eq!(m["rows_sha256"], serde_json::json!(v.campaign.rows_hash));
    assert_eq!(m["rows_frozen"].as_array().unwrap().len(), v.rows.len());
    let (xlsx, _) = certify::evidence(
        "Acme",
        "org1",
        &v,
        &cache.lock().campaign_decision_log(id).unwrap(),
        EvidenceFormat::Xlsx,
    )
    .unwrap();
    assert_eq!(&xlsx[..2], b"PK");
    assert!(
        m["integrity"].as_str().unwrap().starts_with("Recomputed at export"),
        "{}",
        m["integrity"]
    );
    // A row changed in the file after sealing is caught at export.
    cache
        .lock()
        .connection()
        .execute(
            &format!(
                "UPDATE campaign_rows SET frozen = replace(frozen, '\"privileged\":false', '\"privileged\":true') WHERE campaign_id = {id} AND seq = {}",
                member.seq
            ),
            [],
        )
        .unwrap();
    let tampered = certify::view(&cache.lock(), id).unwrap();
    let (json, _) = certify::evidence("Acme", "org1", &tampered, &[], EvidenceFormat::Json).unwrap();
    let m: serde_json::Value = serde_json::from_slice(&json).unwrap();
    let said = m["integrity"].as_str().unwrap();
    assert!(
        said.starts_with("MISMATCH") && said.contains(&member.seq.to_string()),
        "{said}"
    );

    // The next campaign on the same scope flags what is new since this one.
    let next = certify::repeat(&cache.lock(), id, "tester").unwrap().campaign.id;
    let (uid, gid) = {
        let c = cache.lock();
        let users = c.users_by_id().unwrap();
        let in_group: Vec<String> = prepare_keys(&v, &scope.user_groups[0]);
        let u = users.keys().find(|u| !in_group.contains(u)).unwrap().clone();
        (u, scope.user_groups[0].clone())
    };
    env.client().user_groups().add_member(&gid, &uid).await.unwrap();
    env.sync().await.unwrap();
    *cache.lock() = env.cache();
    let n = prepare(&cache, next);
    let added = row_where(&n, |r| r.row.person_id == uid && r.row.resource_id == gid);
    assert!(
        added.row.flags.iter().any(|f| f.flag == rollcall_cache::CertFlag::New),
        "{:?}",
        added.row.flags
    );
    let old = row_where(&n, |r| r.row.kind == GrantKind::ConsoleAdmin);
    assert!(!old.row.flags.iter().any(|f| f.flag == rollcall_cache::CertFlag::New));
}

fn prepare_keys(v: &CampaignView, group: &str) -> Vec<String> {
    v.rows
        .iter()
        .filter(|r| r.row.resource_id == group)
        .map(|r| r.row.person_id.clone())
        .collect()
}

/// A removal marked "sent" by a run that was interrupted is read, never sent again by itself;
/// a role that may not remove is told before anything is marked or sent.
#[tokio::test]
async fn a_revocation_sent_before_a_restart_is_read_not_sent_again() {
    let (env, cache) = synced(start(40).await).await;
    let scope = CampaignScope {
        user_groups: scope_of(&cache.lock()).user_groups[..1].to_vec(),
        ..Default::default()
    };
    let (id, v) = prepared(&cache, "One group", scope);
    let r = v.rows[0].clone();
    decide(&cache, id, &[r.seq], CertDecision::Revoke, "Not needed").unwrap();
    certify::close(&mut cache.lock(), id, CertDecision::Keep, "tester").unwrap();
    let side = AdminSide::new(&env);
    let ctx = side.ctx(&cache);
    let before = removals(&env).len();
    // A role that may not change groups is told before anything is marked or sent.
    let read_only = rollcall_core::access::Access {
        role: "Read Only".into(),
        user_edit: false,
        user_delete: false,
        groups: false,
        device_commands: false,
    };
    let refused = certify::remediate(
        &Remediation {
            access: &read_only,
            ..side.ctx(&cache)
        },
        id,
    )
    .await
    .unwrap();
    assert_eq!((refused.sent, refused.failed), (0, 1), "{:?}", refused.lines);
    assert!(
        refused.lines[0].contains("Nothing was sent") && refused.lines[0].contains("Read Only"),
        "{:?}",
        refused.lines
    );
    assert_eq!(removals(&env).len(), before);
    // As if the app stopped right after marking it sent, before the request left.
    cache
        .lock()
        .set_remedy(
            id,
            r.seq,
            RemedyState::Sent,
            "Sent; not verified yet.",
            &rollcall_core::sync::now_rfc3339(),
            "",
        )
        .unwrap();
    let report = certify::remediate(&ctx, id).await.unwrap();
    assert_eq!((report.sent, report.failed), (0, 1), "{:?}", report.lines);
    assert_eq!(removals(&env).len(), before, "nothing is sent again by itself");
    // Run again, explicitly: now it is sent, once, and verified.
    let report = certify::remediate(&ctx, id).await.unwrap();
    assert_eq!((report.sent, report.verified), (1, 1), "{:?}", report.lines);
    assert_eq!(removals(&env).len(), before + 1);
}

/// A person whose access was revoked is suspended on a date through JumpCloud's scheduled state
/// change: pending until JumpCloud applies it, cancellable, then verified — and the evidence
/// says so.
#[tokio::test]
async fn a_revoked_person_is_suspended_on_a_date_and_it_is_verified_when_jumpcloud_applies_it() {
    use rollcall_cache::SuspensionState;
    let (env, cache) = synced(start_now(40).await).await;
    let scope = CampaignScope {
        user_groups: scope_of(&cache.lock()).user_groups[..1].to_vec(),
        ..Default::default()
    };
    let (id, v) = prepared(&cache, "Leavers", scope);
    let (r, other) = (v.rows[0].clone(), v.rows[1].clone());
    decide(&cache, id, &[r.seq], CertDecision::Revoke, "Leaves on Friday").unwrap();
    certify::close(&mut cache.lock(), id, CertDecision::Keep, "tester").unwrap();
    let side = AdminSide::new(&env);
    let ctx = side.ctx(&cache);
    let yes: rollcall_core::checklists::Confirm<'static> = &|_| Box::pin(async { true });
    let at = rollcall_cache::dates::format_ms(rollcall_cache::dates::now_ms() + 2 * 3_600_000);
    let jobs = |env: &Env| env.sim.state.world.read().unwrap().orgs[0].scheduled_states.len();
    let e = certify::schedule_suspension(&ctx, id, &other.row.person_id, &at, yes)
        .await
        .unwrap_err();
    assert!(e.to_string().contains("revoked row"), "{e}");
    let v = certify::schedule_suspension(&ctx, id, &r.row.person_id, &at, yes)
        .await
        .unwrap();
    assert_eq!(v.suspensions.len(), 1);
    assert_eq!(jobs(&env), 1);
    let v = certify::check_suspensions(&ctx, id).await.unwrap();
    assert_eq!(
        v.suspensions[0].state,
        SuspensionState::Scheduled,
        "{}",
        v.suspensions[0].note
    );
    let job = v.suspensions[0].job_id.clone();
    let v = certify::cancel_suspension(&ctx, id, &job).await.unwrap();
    assert_eq!(v.suspensions[0].state, SuspensionState::Cancelled);
    assert_eq!(jobs(&env), 0);
    certify::schedule_suspension(&ctx, id, &r.row.person_id, &at, yes)
        .await
        .unwrap();
    env.sim.state.advance(3 * 60);
    let v = certify::check_suspensions(&ctx, id).await.unwrap();
    let last = v.suspensions.last().unwrap();
    assert_eq!(last.state, SuspensionState::Verified, "{}", last.note);
    let state = env.sim.state.world.read().unwrap().orgs[0].users[&r.row.person_id]
        .rec()
        .state;
    assert_eq!(state, "SUSPENDED");
    let (pdf, _) = certify::evidence(
        "Acme",
        "org1",
        &v,
        &cache.lock().campaign_decision_log(id).unwrap(),
        EvidenceFormat::Pdf,
    )
    .unwrap();
    let text = pdf_text(&pdf);
    assert!(text.contains("People suspended on a date"), "{text}");
    assert!(
        text.contains("the job ran and JumpCloud lists") && text.contains("Cancelled the scheduled suspension"),
        "{text}"
    );
}

/// A review whose scope holds nothing (a group without members, no access requests) is still
/// prepared, closed and evidenced: zero rows, every total zero, the files written.
#[tokio::test]
async fn an_empty_review_is_sealed_closed_and_evidenced() {
    let (env, cache) = synced(start(30).await).await;
    let empty = env
        .client()
        .user_groups()
        .create("Nobody yet", "no members")
        .await
        .unwrap()
        .id;
    env.sync().await.unwrap();
    *cache.lock() = env.cache();
    let scope = CampaignScope {
        user_groups: vec![empty],
        timed_grants: true,
        ..Default::default()
    };
    let (id, v) = prepared(&cache, "Empty", scope);
    assert!(v.rows.is_empty());
    assert!(v.campaign.rows_hash.is_some());
    let v = certify::close(&mut cache.lock(), id, CertDecision::Revoke, "tester").unwrap();
    assert_eq!(v.totals, Default::default());
    for format in [EvidenceFormat::Pdf, EvidenceFormat::Xlsx, EvidenceFormat::Json] {
        let (bytes, n) = certify::evidence("Acme", "org1", &v, &[], format).unwrap();
        assert_eq!(n, 0);
        assert!(!bytes.is_empty(), "{format:?}");
    }
    let (pdf, _) = certify::evidence("Acme", "org1", &v, &[], EvidenceFormat::Pdf).unwrap();
    assert!(pdf_text(&pdf).contains("0 = 0 = 0"));
}
