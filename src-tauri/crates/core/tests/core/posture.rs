//! The posture and the report catalogue against the simulator's own org: every figure is what
//! the org holds, every figure's list filter selects exactly that many rows, and the posture of
//! each sync is kept for the trends.

use crate::common::*;
use rollcall_cache::reviews::AgendaSubject;
use rollcall_cache::{
    Cache, Cell, ChangeKind, DeviceCheck, PostureCheck, RecordKind, SystemQuery, UserCheck, UserQuery,
};
use rollcall_core::catalogue::{self, catalogue, ReportId, ReportTable};
use rollcall_core::posture;
use serde_json::Value;

/// A report of the catalogue at `now` (devices silent after 30 days).
fn report(cache: &Cache, id: ReportId, now: i64) -> ReportTable {
    catalogue::report(cache, id, &posture::thresholds(now, 30)).unwrap()
}

/// Every (person, device, path) by which JumpCloud's graph says a person reaches a device:
/// direct bindings, user groups bound to the device, user groups bound to a device group it
/// is in. And the devices nobody reaches, and those nobody is bound to directly.
fn reach_of(o: &jcsim::world::Org) -> (usize, usize, usize) {
    let members = |g: &str| o.ug_members.get(g).map_or(0, |m| m.len());
    let direct: usize = o.bindings.values().map(|b| b.len()).sum();
    let via_groups: usize = o.ug_systems.iter().map(|(g, s)| s.len() * members(g)).sum();
    let via_device_groups: usize = o
        .ug_system_groups
        .iter()
        .map(|(g, sgs)| {
            sgs.iter()
                .map(|sg| o.sg_members.get(sg).map_or(0, |m| m.len()) * members(g))
                .sum::<usize>()
        })
        .sum();
    let reached = |sys: &str| {
        o.bindings.get(sys).is_some_and(|b| !b.is_empty())
            || o.ug_systems.iter().any(|(g, s)| s.contains(sys) && members(g) > 0)
            || o.ug_system_groups.iter().any(|(g, sgs)| {
                members(g) > 0
                    && sgs
                        .iter()
                        .any(|sg| o.sg_members.get(sg).is_some_and(|m| m.contains(sys)))
            })
    };
    let nobody = o.systems.keys().filter(|s| !reached(s)).count();
    let no_direct = o
        .systems
        .keys()
        .filter(|s| o.bindings.get(*s).is_none_or(|b| b.is_empty()))
        .count();
    (direct + via_groups + via_device_groups, nobody, no_direct)
}

#[tokio::test]
async fn the_posture_is_the_orgs_and_each_figure_opens_exactly_its_rows() {
    let env = start(300).await;
    env.sync().await.unwrap();
    let now = rollcall_cache::parse_ms(NOW).unwrap();
    let cache = env.cache();
    let p = posture::measure(&cache, now, 30).unwrap();

    let (users, systems, (paths, reached_by_nobody, no_direct)) = {
        let w = env.sim.state.world.read().unwrap();
        let o = &w.orgs[0];
        let users: Vec<Value> = o
            .users
            .values()
            .map(|s| serde_json::from_slice(&s.json).unwrap())
            .collect();
        let systems: Vec<Value> = o
            .systems
            .values()
            .map(|s| serde_json::from_slice(&s.json).unwrap())
            .collect();
        (users, systems, reach_of(o))
    };
    let count = |v: &[Value], f: &dyn Fn(&Value) -> bool| v.iter().filter(|x| f(x)).count() as u64;
    assert_eq!(p.people.total, users.len() as u64);
    assert_eq!(p.people.locked, count(&users, &|u| u["account_locked"] == true));
    assert_eq!(
        p.people.password_expired,
        count(&users, &|u| u["password_expired"] == true)
    );
    let active = count(&users, &|u| u["state"] == "ACTIVATED");
    assert_eq!(p.people.active, active);
    assert_eq!(p.devices.total, systems.len() as u64);
    assert_eq!(
        p.devices.not_encrypted,
        count(&systems, &|s| s["fde"]["active"] != true)
    );
    assert!(p.devices.by_os.iter().map(|o| o.devices).sum::<u64>() == p.devices.total);
    assert!(p.devices.behind > 0 && p.devices.behind < p.devices.total);

    // Each figure's filter lists exactly its rows.
    let users_of = |q: UserQuery| {
        cache
            .users(
                &UserQuery {
                    now: Some(NOW.into()),
                    limit: 1,
                    ..q
                },
                &th(),
            )
            .unwrap()
            .total
    };
    let devices_of = |q: SystemQuery| {
        cache
            .systems(
                &SystemQuery {
                    now: Some(NOW.into()),
                    limit: 1,
                    ..q
                },
                &th(),
            )
            .unwrap()
            .total
    };
    for (check, want) in [
        (UserCheck::PasswordExpired, p.people.password_expired),
        (UserCheck::PasswordExpiring, p.people.password_expiring),
        (UserCheck::StagedOld, p.people.staged_old),
        (UserCheck::SuspendedWithAccess, p.people.suspended_with_access),
        (UserCheck::Inactive, p.people.inactive.unwrap()),
    ] {
        let got = users_of(UserQuery {
            check: Some(check),
            ..Default::default()
        });
        assert_eq!(got, want, "{check:?}");
    }
    assert!(
        p.people.suspended_with_access > 0,
        "the seed leaves suspended people with access"
    );
    assert_eq!(
        devices_of(SystemQuery {
            fde: Some(false),
            ..Default::default()
        }),
        p.devices.not_encrypted
    );
    assert_eq!(
        devices_of(SystemQuery {
            stale_days: Some(30),
            ..Default::default()
        }),
        p.devices.silent
    );
    assert_eq!(
        devices_of(SystemQuery {
            check: Some(DeviceCheck::Behind),
            ..Default::default()
        }),
        p.devices.behind
    );
    assert_eq!(
        devices_of(SystemQuery {
            check: Some(DeviceCheck::OwnedBySuspended),
            ..Default::default()
        }),
        p.devices.owned_by_suspended
    );
    let low = p.devices.low_disk.expect("jcsim reports every enabled device's drives");
    assert!(
        low > 0 && low < p.devices.total,
        "{low} of {} low on disk",
        p.devices.total
    );
    assert_eq!(
        devices_of(SystemQuery {
            check: Some(DeviceCheck::LowDisk),
            ..Default::default()
        }),
        low
    );
    for (v, n) in &p.devices.agent_versions {
        assert_eq!(
            devices_of(SystemQuery {
                agent_version: Some(v.clone()),
                ..Default::default()
            }),
            *n
        );
    }

    // The catalogue answers from the same mirror.
    assert_eq!(catalogue().len(), ReportId::ALL.len());
    // Who reaches a device, the way JumpCloud counts it: every path, each saying which.
    let t = report(&cache, ReportId::UsersToDevices, now);
    assert_eq!(t.rows.len(), paths, "every path from a person to a device");
    assert!(t.rows.iter().all(|r| r.len() == t.columns.len()));
    for kind in ["direct", "user_group", "system_group"] {
        assert!(
            t.rows.iter().any(|r| r[5] == Cell::Text(kind.into())),
            "the seed reaches devices by every path: none is {kind}"
        );
    }
    assert_eq!(
        p.devices.unbound, reached_by_nobody as u64,
        "a device a user group reaches (directly or through a device group) is not bound to nobody"
    );
    assert!(
        (p.devices.unbound as usize) < no_direct,
        "the seed has devices reached only through a group ({no_direct} without a direct binding, {} reached by nobody)",
        p.devices.unbound
    );
    let t = report(&cache, ReportId::PeopleWithoutMfa, now);
    assert_eq!(t.rows.len() as u64, p.people.active - p.people.active_mfa);
    // passwords set more than 90 days before now, of active people: as jcsim holds them
    let cutoff = rollcall_cache::format_ms(now - 90 * 86_400_000);
    let old_passwords = count(&users, &|u| {
        u["state"] == "ACTIVATED" && u["password_date"].as_str().is_some_and(|d| d < cutoff.as_str())
    });
    let t = report(&cache, ReportId::PasswordsOld, now);
    assert!(old_passwords > 0, "the seed has old passwords");
    assert_eq!(t.rows.len() as u64, old_passwords);
    assert!(t.rows.iter().all(|r| matches!(r[4], Cell::Number(d) if d >= 90.0)));
    let t = report(&cache, ReportId::OsVersion, now);
    let behind = t.rows.iter().filter(|r| r[4] == Cell::Bool(true)).count() as u64;
    assert_eq!(behind, p.devices.behind);
    for id in ReportId::ALL {
        report(&cache, id, now);
    }

    // Each sync keeps its posture: two syncs, two points with coverage.
    env.sync().await.unwrap();
    let trends = env.cache().trends(100).unwrap();
    assert_eq!(trends.len(), 2);
    assert!(trends.iter().all(|t| t.mfa_pct.is_some() && t.encrypted_pct.is_some()));
    assert_eq!(trends[1].devices, Some(p.devices.total));
}

#[tokio::test]
async fn a_review_pins_its_snapshot_keeps_its_decisions_and_carries_follow_ups() {
    use rollcall_cache::{AgendaKind, Decision};
    use rollcall_core::reviews;
    let env = start(200).await;
    env.sync().await.unwrap();
    let now = rollcall_cache::parse_ms(NOW).unwrap();
    let mut cache = env.cache();
    let failed = posture::failed(&posture::measure(&cache, now, 30).unwrap());
    assert!(
        failed.iter().any(|(c, _)| *c == PostureCheck::NotEncrypted),
        "{failed:?}"
    );
    let r = reviews::start(&mut cache, "December review", "Ana, Bo", now)
        .unwrap()
        .review;
    assert_eq!(r.items.len(), failed.len(), "a first review: the failed checks only");
    assert_eq!(r.sync_id, Some(1));
    assert_eq!(r.snapshot_hash, cache.snapshot_fingerprint().unwrap());
    assert_eq!(r.snapshot_hash.len(), 64, "a SHA-256, in hex: {}", r.snapshot_hash);
    let enc = r
        .items
        .iter()
        .find(|i| i.subject.check() == Some(PostureCheck::NotEncrypted))
        .unwrap()
        .seq;
    let decide = |c: &Cache, seq, d, owner, due, notes| reviews::decide(c, r.id, seq, d, owner, due, notes);
    assert!(
        matches!(
            decide(&cache, enc, Some(Decision::FollowUp), "", None, ""),
            Err(reviews::ReviewError::NoOwner)
        ),
        "a follow-up needs an owner"
    );
    assert!(matches!(
        decide(&cache, enc, Some(Decision::FollowUp), "Bo", Some("31/12/2026"), ""),
        Err(reviews::ReviewError::BadDate(_))
    ));
    let r = decide(
        &cache,
        enc,
        Some(Decision::FollowUp),
        "Bo",
        Some("2026-12-15"),
        "Laptops first",
    )
    .unwrap()
    .review;
    let first = r.items.iter().find(|i| i.seq != enc).unwrap().seq;
    decide(&cache, first, Some(Decision::Accepted), "", None, "").unwrap();
    // Reopened (a restart): the decisions are there.
    drop(cache);
    let cache = env.cache();
    let r = cache.review(r.id).unwrap();
    let item = r.items.iter().find(|i| i.seq == enc).unwrap();
    assert_eq!(
        (item.decision, item.owner.as_str(), item.due.as_deref()),
        (Some(Decision::FollowUp), "Bo", Some("2026-12-15"))
    );
    reviews::finish(&cache, r.id, "Ana, Bo, Cy").unwrap();
    assert!(
        decide(&cache, first, None, "", None, "").is_err(),
        "a finished review is not changed"
    );

    // A person leaves in JumpCloud; the next review carries the follow-up and the change.
    let gone = env.sim.state.world.read().unwrap().orgs[0]
        .users
        .keys()
        .next()
        .unwrap()
        .clone();
    {
        let mut w = env.sim.state.world.write().unwrap();
        let o = &mut w.orgs[0];
        o.users.remove(&gone);
        o.remove_user_edges(&gone);
    }
    drop(cache);
    env.sync().await.unwrap();
    let mut cache = env.cache();
    let next = reviews::start(&mut cache, "January review", "", now).unwrap();
    assert_eq!(next.review.previous_id, Some(r.id));
    let follow = &next.review.items[0];
    assert_eq!(follow.kind, AgendaKind::FollowUp);
    assert!(
        follow.title.contains("devices not encrypted") && follow.detail.contains("Bo"),
        "{follow:?}"
    );
    assert_eq!(
        follow.subject.check(),
        Some(PostureCheck::NotEncrypted),
        "a follow-up is still about its check"
    );
    assert!(
        next.drills.iter().any(|d| d.seq == follow.seq),
        "a carried follow-up opens its check's rows"
    );
    assert!(
        next.review.items.iter().any(|i| i.kind == AgendaKind::Change
            && i.subject
                == AgendaSubject::Change {
                    record: RecordKind::User,
                    change: ChangeKind::Removed
                }
            && i.count == 1),
        "{:?}",
        next.review.items
    );
    assert_eq!(cache.reviews().unwrap().len(), 2);
}

#[tokio::test]
async fn the_review_pack_pdf_prints_every_name_and_decision_as_it_is() {
    use rollcall_cache::Decision;
    use rollcall_core::review_pdf::{review_pack_pdf, PackInput};
    let env = start_hostile(60).await;
    env.sync().await.unwrap();
    let now = rollcall_cache::parse_ms(NOW).unwrap();
    let mut cache = env.cache();
    let r = rollcall_core::reviews::start(&mut cache, "Q4 <b>review</b>", "Ana Ferreira, Дмитрий Петров", now)
        .unwrap()
        .review;
    let seqs: Vec<i64> = r.items.iter().map(|i| i.seq).collect();
    assert!(seqs.len() >= 3, "{:?}", r.items);
    let decide = |c: &mut rollcall_cache::Cache, seq, d, owner, due, notes| {
        c.decide(r.id, seq, Some(d), owner, due, notes, NOW).unwrap()
    };
    decide(&mut cache, seqs[0], Decision::Accepted, "", None, "Known, 李 agrees");
    decide(
        &mut cache,
        seqs[1],
        Decision::FollowUp,
        "Σοφία",
        Some("2026-12-31"),
        "Laptops first",
    );
    let review = decide(
        &mut cache,
        seqs[2],
        Decision::FixNow,
        "",
        None,
        "Suspended in the meeting",
    );
    let posture = cache
        .posture_of_sync(review.sync_id.unwrap())
        .unwrap()
        .expect("the snapshot's posture is kept");
    let tables = catalogue::all_reports(&cache, &posture::thresholds(now, 30)).unwrap();
    let trends = cache.trends(180).unwrap();
    let pdf = review_pack_pdf(&PackInput {
        org: "Acme & <Sons>",
        review: &review,
        posture: &posture,
        trends: &trends,
        tables: &tables,
        created: time::OffsetDateTime::now_utc(),
    })
    .unwrap();
    if let Ok(out) = std::env::var("ROLLCALL_PDF_OUT") {
        // To look at it: ROLLCALL_PDF_OUT=/tmp/pack.pdf cargo test … the_review_pack_pdf
        std::fs::write(out, &pdf).unwrap();
    }
    let text = crate::common::pdf_text(&pdf);
    for needle in [
        "Acme & <Sons>",
        "Inventory review: Q4 <b>review</b>",
        "Дмитрий Петров",
        "accepted",
        "Known, 李 agrees",
        "follow-up owner: Σοφία due: 2026-12-31",
        "Laptops first",
        "fix now",
        "Suspended in the meeting",
        "People by state",
        "Appendix: reports",
    ] {
        assert!(text.contains(needle), "the pack lacks {needle:?}");
    }
    // the people's names in the appendix (a narrow column may wrap a long one; readers join
    // Chinese characters without the space)
    let joined = text.replace(' ', "");
    for name in [
        "Дмитрий Соколов",
        "Σοφία Παπαδοπούλου",
        "伟 王",
        "さくら 山田",
        "서연 이",
        "<script>alert('xss')</script>",
    ] {
        assert!(joined.contains(&name.replace(' ', "")), "the pack lacks {name:?}");
    }
    // the figures come from the snapshot's posture
    assert!(text.contains(&format!("{} devices not encrypted", posture.devices.not_encrypted)));
}

#[tokio::test]
async fn an_administrator_a_later_sync_lists_for_the_first_time_counts_as_added() {
    let env = start(40).await;
    env.sync().await.unwrap();
    let now = rollcall_cache::dates::now_ms();
    let t = report(&env.cache(), ReportId::AdminsAdded, now);
    assert!(
        t.rows.is_empty(),
        "the first sync's administrators were there already: {:?}",
        t.rows
    );
    {
        let mut w = env.sim.state.world.write().unwrap();
        let mut admin = w.admins[0].clone();
        admin.id = w.next_id(now);
        admin.email = "new.admin@it.example".into();
        admin.firstname = "Новый".into();
        admin.lastname = "Админ".into();
        admin.enable_multi_factor = false;
        w.admins.push(admin);
    }
    env.sync().await.unwrap();
    let t = report(&env.cache(), ReportId::AdminsAdded, now);
    assert_eq!(t.rows.len(), 1, "{:?}", t.rows);
    assert_eq!(t.rows[0][0], Cell::Text("Новый Админ".into()));
    assert_eq!(t.rows[0][4], Cell::Bool(false), "without MFA");
    // fourteen days later it is no longer "added in the last 14 days"
    let later = report(&env.cache(), ReportId::AdminsAdded, now + 15 * 86_400_000);
    assert!(later.rows.is_empty());
}

/// The figures of a review pack's PDF, as (value, label, bad), in order.
fn pdf_figures(blocks: &[rollcall_core::pdf::Block]) -> Vec<(String, String, bool)> {
    blocks
        .iter()
        .filter_map(|b| match b {
            rollcall_core::pdf::Block::Figures(f) => Some(f),
            _ => None,
        })
        .flatten()
        .map(|f| (f.value.clone(), f.label.clone(), f.bad))
        .collect()
}

#[tokio::test]
async fn the_pane_the_agenda_and_the_pack_say_the_same_of_every_check() {
    use rollcall_core::review_pdf::{blocks, PackInput};
    let env = start(300).await;
    env.sync().await.unwrap();
    let now = rollcall_cache::parse_ms(NOW).unwrap();
    let mut cache = env.cache();
    let measured = posture::measure(&cache, now, 30).unwrap();
    // What the Posture pane shows is the command's view of the measurement.
    let pane = posture::view(measured.clone()).figures;
    let review = rollcall_core::reviews::start(&mut cache, "Agree", "", now)
        .unwrap()
        .review;
    let pack = |p: &rollcall_cache::Posture| {
        pdf_figures(&blocks(&PackInput {
            org: "Org",
            review: &review,
            posture: p,
            trends: &[],
            tables: &[],
            created: time::OffsetDateTime::now_utc(),
        }))
    };

    // The pack prints every figure of the pane, with the same value, words and colour.
    let shown: Vec<(String, String, bool)> = pane.iter().map(|f| (f.value.text(), f.label.clone(), f.bad)).collect();
    assert_eq!(pack(&measured), shown);
    // The agenda holds exactly the checks the pane marks bad, each with the rows it counts.
    let bad: Vec<PostureCheck> = pane.iter().filter(|f| f.bad).filter_map(|f| f.check).collect();
    let agenda: Vec<PostureCheck> = review.items.iter().filter_map(|i| i.subject.check()).collect();
    let mut sorted_bad = bad.clone();
    sorted_bad.sort_by_key(|c| PostureCheck::ALL.iter().position(|x| x == c));
    assert_eq!(
        agenda, sorted_bad,
        "the agenda is the pane's failed checks, worst first"
    );
    assert!(!agenda.is_empty(), "the seed fails some checks");

    // MFA adoption at 96% with people still without MFA: above the target, so no finding —
    // not in red on the pane or in the pack, not on the agenda.
    let mut above = measured.clone();
    (above.people.active, above.people.active_mfa, above.people.no_mfa) = (100, 96, 12);
    let mfa = |figures: &[(String, String, bool)]| {
        figures
            .iter()
            .find(|f| f.1 == "of active people enrolled in MFA")
            .cloned()
            .unwrap()
    };
    let pane_above: Vec<(String, String, bool)> = posture::figures(&above)
        .iter()
        .map(|f| (f.value.text(), f.label.clone(), f.bad))
        .collect();
    assert_eq!(
        mfa(&pane_above),
        ("96.0%".into(), "of active people enrolled in MFA".into(), false)
    );
    assert_eq!(mfa(&pack(&above)), mfa(&pane_above));
    assert!(!posture::failed(&above)
        .iter()
        .any(|(c, _)| *c == PostureCheck::MfaAdoption));
    // and at 94% it is a finding in all three
    (above.people.active_mfa, above.people.no_mfa) = (94, 12);
    assert!(mfa(&pack(&above)).2);
    assert!(posture::failed(&above)
        .iter()
        .any(|(c, n)| *c == PostureCheck::MfaAdoption && *n == 6));
}
