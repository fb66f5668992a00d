//! The phases of a full sync, in order: users, devices, groups and memberships, bindings,
//! System Insights, apps and who reaches them, admins and roles, recent logins.

use super::*;
use jumpcloud::ReportType;
use rollcall_cache::RecordKind;

/// Days of Directory Insights login events the copy keeps: all JumpCloud retains.
pub const EVENT_DAYS: u32 = 90;
/// How far before the newest event held a sync asks again (late-arriving events).
const EVENT_OVERLAP_MS: i64 = 6 * 3_600_000;

/// What could not be read whole: records kept with fields left out, and records no row could
/// be made of (kept as JSON). Nothing JumpCloud returns is dropped.
#[derive(Default)]
struct Odd {
    flags: Vec<(RecordKind, String, Vec<String>)>,
    unreadable: Vec<(RecordKind, String, String)>,
}

impl Odd {
    /// The row of a record read by `convert`, noting what could not be read.
    fn keep<R>(
        &mut self,
        kind: RecordKind,
        raw: &Value,
        read: std::result::Result<convert::Read<R>, convert::Unreadable>,
        id: impl Fn(&R) -> &str,
    ) -> Option<R> {
        match read {
            Ok(r) => {
                if !r.problems.is_empty() {
                    tracing::warn!(%kind, id = id(&r.row), problems = ?r.problems, "record not fully read; kept without those fields");
                    self.flags.push((kind, id(&r.row).to_string(), r.problems));
                }
                Some(r.row)
            }
            Err(why) => {
                tracing::warn!(%kind, reason = %why, "record with no usable ID; kept as JSON");
                self.unreadable.push((kind, raw.to_string(), why));
                None
            }
        }
    }

    /// Writes the notes, and the count into the sync's summary.
    fn write(self, w: &mut SyncWriter<'_>, counts: &mut BTreeMap<String, u64>) -> Result<()> {
        w.flag_records(&self.flags)?;
        for (kind, json, why) in &self.unreadable {
            w.put_unreadable(*kind, json, why)?;
        }
        counts.insert(
            "not_fully_read".into(),
            (self.flags.len() + self.unreadable.len()) as u64,
        );
        Ok(())
    }
}

pub(super) async fn run_phases(
    run: &Run<'_>,
    w: &mut SyncWriter<'_>,
    opts: &SyncOptions,
) -> Result<(BTreeMap<String, u64>, Vec<String>, u64)> {
    let c = run.client;
    let mut counts = BTreeMap::new();

    // ---- groups first when scoping (to know who is in scope), else after devices.
    let scoped = !opts.user_groups.is_empty() || !opts.system_groups.is_empty();

    // The bulk reports generate while users and devices are listed (not for a scoped sync,
    // whose associations are few and read object by object).
    let wait = opts.report_wait.unwrap_or(reports::REPORT_WAIT);
    let fetching = reports::start(c, !scoped && !opts.no_reports, wait, run.started);

    // ---- users
    (run.progress)(SyncProgress::Phase { phase: Phase::Users });
    let t = Instant::now();
    let mut users: Vec<rollcall_cache::UserRow> = Vec::new();
    let mut user_stream = c.stream::<Value>(c.users().list_spec());
    let mut batch = Vec::with_capacity(BATCH);
    let mut total_users = 0u64;
    let mut odd = Odd::default();
    while let Some(item) = user_stream.next().await {
        let raw = item?;
        if let Some(row) = odd.keep(RecordKind::User, &raw, convert::user_row(&raw), |r| &r.id) {
            batch.push(row);
        }
        if batch.len() >= BATCH {
            run.check()?;
            total_users += batch.len() as u64;
            if !scoped {
                w.put_users(&batch)?;
            }
            users.append(&mut batch);
            run.items(Phase::Users, total_users, total_users.max(users.len() as u64), t);
        }
    }
    total_users += batch.len() as u64;
    if !scoped {
        w.put_users(&batch)?;
    }
    users.append(&mut batch);
    run.items(Phase::Users, total_users, total_users, t);
    // On a first import the users are in the live table (and listable) from here on.
    let users_browsable_ms = run.started.elapsed().as_millis() as u64;

    // ---- devices
    run.check()?;
    (run.progress)(SyncProgress::Phase { phase: Phase::Devices });
    let t = Instant::now();
    let mut systems: Vec<rollcall_cache::SystemRow> = Vec::new();
    let mut sys_stream = c.stream::<Value>(c.systems().list_spec());
    let mut batch = Vec::with_capacity(BATCH);
    while let Some(item) = sys_stream.next().await {
        let raw = item?;
        if let Some(row) = odd.keep(RecordKind::System, &raw, convert::system_row(&raw), |r| &r.id) {
            batch.push(row);
        }
        if batch.len() >= BATCH {
            run.check()?;
            if !scoped {
                w.put_systems(&batch)?;
            }
            systems.append(&mut batch);
            run.items(Phase::Devices, systems.len() as u64, systems.len() as u64, t);
        }
    }
    if !scoped {
        w.put_systems(&batch)?;
    }
    systems.append(&mut batch);
    run.items(Phase::Devices, systems.len() as u64, systems.len() as u64, t);
    let browsable_after_ms = users_browsable_ms;
    if !scoped {
        w.refresh_search()?;
        (run.progress)(SyncProgress::Browsable {
            users: users.len() as u64,
            devices: systems.len() as u64,
            after_ms: run.started.elapsed().as_millis() as u64,
        });
    }

    // ---- groups
    run.check()?;
    (run.progress)(SyncProgress::Phase { phase: Phase::Groups });
    let ug: Vec<Value> = c.collect_all(c.user_groups().list_spec()).await?;
    let sg: Vec<Value> = c.collect_all(c.system_groups().list_spec()).await?;
    let mut ug_rows: Vec<_> = ug
        .iter()
        .filter_map(|g| {
            let read = convert::group_row(g, rollcall_cache::GroupKind::User);
            odd.keep(RecordKind::Group, g, read, |r| &r.id)
        })
        .collect();
    let mut sg_rows: Vec<_> = sg
        .iter()
        .filter_map(|g| {
            let read = convert::group_row(g, rollcall_cache::GroupKind::System);
            odd.keep(RecordKind::Group, g, read, |r| &r.id)
        })
        .collect();
    // A scope keeps the chosen groups of a kind (all of that kind when none are chosen).
    if !opts.user_groups.is_empty() {
        ug_rows.retain(|g| opts.user_groups.contains(&g.id));
    }
    if !opts.system_groups.is_empty() {
        sg_rows.retain(|g| opts.system_groups.contains(&g.id));
    }

    // ---- memberships: user groups from the report when it is good, else from the cheaper
    // side (per group, or per user when there are fewer users); device groups per group.
    run.check()?;
    (run.progress)(SyncProgress::Phase {
        phase: Phase::Memberships,
    });
    let t = Instant::now();
    let mut got = fetching.finish(run).await?;
    let mut notes = Vec::new();
    let mut from_report = |kind: ReportType, what: &str, used: std::result::Result<(), &String>| {
        notes.push(match used {
            Ok(()) => format!("{what}: from the {kind} report."),
            Err(why) => format!("{what}: read object by object; the {kind} report was not used: {why}."),
        });
    };
    let all_users: BTreeSet<&str> = users.iter().map(|u| u.id.as_str()).collect();
    let ug_ids: BTreeSet<&str> = ug_rows.iter().map(|g| g.id.as_str()).collect();
    let user_group_edges = match got.remove(&ReportType::UsersToUserGroups) {
        None => None,
        Some(rows) => {
            let edges = match rows {
                Ok(rows) => reports::memberships(c, rows, &all_users, &ug_ids).await,
                Err(why) => Err(why),
            };
            from_report(
                ReportType::UsersToUserGroups,
                "User group memberships",
                edges.as_ref().map(|_| ()),
            );
            edges.ok()
        }
    };
    let per_group = scoped || ug_rows.len() <= users.len();
    let mut listed: Vec<(String, bool)> = sg_rows.iter().map(|g| (g.id.clone(), false)).collect();
    if user_group_edges.is_none() && per_group {
        listed.extend(ug_rows.iter().map(|g| (g.id.clone(), true)));
    }
    let total_groups = (ug_rows.len() + sg_rows.len()) as u64;
    let mut member_edges = associations::group_members(run, &listed, total_groups).await?;
    match user_group_edges {
        Some(edges) => member_edges.extend(edges),
        None if !per_group => {
            let user_ids: Vec<String> = users.iter().map(|u| u.id.clone()).collect();
            member_edges.extend(associations::memberof(run, user_ids).await?);
        }
        None => {}
    }
    drop(all_users);
    drop(ug_ids);
    run.items(Phase::Memberships, total_groups, total_groups, t);

    // Scope: users in the chosen user groups, devices in the chosen device groups.
    if scoped {
        let in_groups: BTreeSet<&str> = member_edges.iter().map(|e| e.b.as_str()).collect();
        users.retain(|u| opts.user_groups.is_empty() || in_groups.contains(u.id.as_str()));
        systems.retain(|s| opts.system_groups.is_empty() || in_groups.contains(s.id.as_str()));
        w.put_users(&users)?;
        w.put_systems(&systems)?;
        w.refresh_search()?;
        (run.progress)(SyncProgress::Browsable {
            users: users.len() as u64,
            devices: systems.len() as u64,
            after_ms: run.started.elapsed().as_millis() as u64,
        });
    }
    w.put_groups(&ug_rows)?;
    w.put_groups(&sg_rows)?;
    for chunk in member_edges.chunks(BATCH * 10) {
        w.put_group_members(chunk)?;
    }

    // ---- bindings (direct): from the report when it is good, else from the cheaper side
    run.check()?;
    (run.progress)(SyncProgress::Phase { phase: Phase::Bindings });
    let user_set: BTreeSet<&str> = users.iter().map(|u| u.id.as_str()).collect();
    let system_set: BTreeSet<&str> = systems.iter().map(|s| s.id.as_str()).collect();
    let reported = match got.remove(&ReportType::UsersToDevices) {
        None => None,
        Some(rows) => {
            let b = match rows {
                Ok(rows) => reports::bindings(c, rows, &user_set, &system_set).await,
                Err(why) => Err(why),
            };
            from_report(ReportType::UsersToDevices, "Device bindings", b.as_ref().map(|_| ()));
            b.ok()
        }
    };
    let bindings = match reported {
        Some(b) => b,
        None => associations::bindings(run, &user_set, &system_set).await?,
    };
    for chunk in bindings.chunks(BATCH * 10) {
        w.put_bindings(chunk)?;
    }

    // ---- System Insights: hardware and encryption detail
    run.check()?;
    (run.progress)(SyncProgress::Phase { phase: Phase::Insights });
    let ins = c.insights();
    let (info, disk, bitlocker, drives) = futures_util::future::join4(
        ins.system_info(None),
        ins.disk_encryption(None),
        ins.bitlocker_info(None),
        ins.logical_drives(None),
    )
    .await;
    let hardware: Vec<(String, String, Option<i64>, String)> = info?
        .into_iter()
        .filter(|r| system_set.contains(r.system_id.as_str()))
        .map(|r| {
            (
                r.system_id,
                r.hardware_model.unwrap_or_default(),
                r.physical_memory.and_then(|m| m.parse::<i64>().ok()),
                r.cpu_brand.unwrap_or_default(),
            )
        })
        .collect();
    w.put_system_hardware(&hardware)?;
    let mut detail: Vec<(String, String)> = disk?
        .into_iter()
        .filter(|r| system_set.contains(r.system_id.as_str()))
        .map(|r| {
            let status = r.encryption_status.unwrap_or_default();
            let kind = r.kind.unwrap_or_default();
            (
                r.system_id,
                if kind.is_empty() {
                    status
                } else {
                    format!("{status} ({kind})")
                },
            )
        })
        .collect();
    detail.extend(
        bitlocker?
            .into_iter()
            .filter(|r| system_set.contains(r.system_id.as_str()))
            .map(|r| {
                let on = r.protection_status == Some(1);
                (
                    r.system_id,
                    format!(
                        "BitLocker {} {} ({}%, {})",
                        r.drive_letter.unwrap_or_default(),
                        if on { "on" } else { "off" },
                        r.percentage_encrypted.unwrap_or(0),
                        r.encryption_method.unwrap_or_default()
                    ),
                )
            }),
    );
    w.put_system_fde_detail(&detail)?;
    // The system drive of each device: the boot partition, else its largest drive.
    let mut system_drive: BTreeMap<String, (bool, i64, i64)> = BTreeMap::new();
    for d in drives? {
        let num = |v: &Option<String>| v.as_deref().and_then(|s| s.trim().parse::<i64>().ok());
        let (Some(size), Some(free)) = (num(&d.size), num(&d.free_space)) else {
            continue;
        };
        if size <= 0 || !system_set.contains(d.system_id.as_str()) {
            continue;
        }
        let candidate = (d.boot_partition == Some(1), size, free);
        let keep = system_drive
            .get(&d.system_id)
            .is_none_or(|best| (candidate.0, candidate.1) > (best.0, best.1));
        if keep {
            system_drive.insert(d.system_id, candidate);
        }
    }
    let disks: Vec<(String, i64, i64)> = system_drive
        .into_iter()
        .map(|(id, (_, size, free))| (id, size, free))
        .collect();
    w.put_system_disks(&disks)?;

    // ---- apps, their groups, and who reaches them (from the report when it is good)
    run.check()?;
    (run.progress)(SyncProgress::Phase { phase: Phase::Apps });
    let apps: Vec<Value> = c.collect_all(c.applications().list_spec()).await?;
    let app_rows: Vec<_> = apps
        .iter()
        .filter_map(|a| odd.keep(RecordKind::App, a, convert::app_row(a), |r| &r.id))
        .collect();
    let ug_set: BTreeSet<&str> = ug_rows.iter().map(|g| g.id.as_str()).collect();
    // Owned ids: a closure over borrowed rows makes this future not `Send` for every lifetime,
    // which the app's commands (spawned on a multi-threaded runtime) need.
    let app_ids: Vec<String> = app_rows.iter().map(|a| a.id.clone()).collect();
    let app_groups = associations::app_groups(run, &app_ids, |g| !scoped || ug_set.contains(g)).await?;
    let reported = match got.remove(&ReportType::UsersToSsoApplications) {
        None => None,
        Some(rows) => {
            let app_set: BTreeSet<&str> = app_ids.iter().map(String::as_str).collect();
            let a = match rows {
                Ok(rows) => reports::app_users(c, rows, &user_set, &app_set, &app_groups, &member_edges).await,
                Err(why) => Err(why),
            };
            from_report(ReportType::UsersToSsoApplications, "App access", a.as_ref().map(|_| ()));
            a.ok()
        }
    };
    let app_users = match reported {
        Some(a) => a,
        None => associations::app_users(run, &app_ids, &user_set).await?,
    };
    w.put_apps(&app_rows)?;
    w.put_app_users(&app_users)?;
    w.put_app_groups(&app_groups)?;

    // ---- admins and roles
    run.check()?;
    (run.progress)(SyncProgress::Phase { phase: Phase::Admins });
    let roles = c.admins().roles().await.unwrap_or_else(|e| {
        tracing::info!(error = %e, "roles not readable with this key; skipped");
        vec![]
    });
    w.put_roles(
        &roles
            .iter()
            .map(|r| RoleRow {
                id: r.id.clone(),
                name: r.name.clone(),
                scopes: r.scopes.join(" "),
            })
            .collect::<Vec<_>>(),
    )?;
    let mut admins = vec![];
    if let Some(p) = &opts.provider_id {
        admins = c
            .admins()
            .list(p)
            .await?
            .into_iter()
            .map(|a| AdminRow {
                id: a.id,
                email: a.email.unwrap_or_default(),
                name: format!("{} {}", a.firstname.unwrap_or_default(), a.lastname.unwrap_or_default())
                    .trim()
                    .to_string(),
                role_name: a.role_name.unwrap_or_default(),
                suspended: a.suspended,
                mfa: a.enable_multi_factor,
            })
            .collect();
        w.put_admins(&admins)?;
    }

    // ---- recent logins from Directory Insights
    run.check()?;
    (run.progress)(SyncProgress::Phase { phase: Phase::Events });
    let now_ms = opts
        .now
        .as_deref()
        .and_then(rollcall_cache::parse_ms)
        .unwrap_or_else(|| rollcall_cache::parse_ms(&now_rfc3339()).unwrap_or(0));
    let days = if opts.event_days == 0 {
        EVENT_DAYS
    } else {
        opts.event_days
    };
    let start_ms = now_ms - days as i64 * 86_400_000;
    let start = rollcall_cache::format_ms(start_ms);
    // What the copy holds of the window is kept; only newer events are asked for, from a few
    // hours before the newest held (Directory Insights can take a while to show an event; the
    // same event twice is one row).
    let newest = w.carry_events(&start)?;
    let ask_from = newest
        .as_deref()
        .and_then(rollcall_cache::parse_ms)
        .map(|ms| rollcall_cache::format_ms((ms - EVENT_OVERLAP_MS).max(start_ms)))
        .unwrap_or_else(|| start.clone());
    let query =
        json!({ "service": ["directory", "systems", "sso"], "start_time": ask_from, "limit": 10000, "sort": "ASC" });
    let mut events_known = true;
    let mut events_stream = c.insights().events(query);
    let mut events = Vec::new();
    let mut n_events = 0u64;
    while let Some(e) = events_stream.next().await {
        let e = match e {
            Ok(e) => e,
            // Directory Insights may be off for the org (402) or not allowed for the role: logins
            // are then unknown, the rest of the mirror is still good.
            Err(err @ (jumpcloud::Error::BadRequest { .. } | jumpcloud::Error::Forbidden { .. })) => {
                tracing::info!(error = %err, "Directory Insights not available; last logins unknown");
                events_known = false;
                break;
            }
            Err(err) => return Err(err.into()),
        };
        events.push(convert::event_row(&e));
        if events.len() >= BATCH * 5 {
            run.check()?;
            n_events += events.len() as u64;
            w.put_events(&events)?;
            events.clear();
        }
    }
    n_events += events.len() as u64;
    w.put_events(&events)?;
    w.events_cover(events_known.then_some(start.as_str()))?;

    odd.write(w, &mut counts)?;
    counts.insert("users".into(), users.len() as u64);
    counts.insert("devices".into(), systems.len() as u64);
    counts.insert("user_groups".into(), ug_rows.len() as u64);
    counts.insert("device_groups".into(), sg_rows.len() as u64);
    counts.insert("memberships".into(), member_edges.len() as u64);
    counts.insert("bindings".into(), bindings.len() as u64);
    counts.insert("apps".into(), app_rows.len() as u64);
    counts.insert("app_access".into(), app_users.len() as u64);
    counts.insert("admins".into(), admins.len() as u64);
    counts.insert("events".into(), n_events);
    Ok((counts, notes, browsable_after_ms))
}
