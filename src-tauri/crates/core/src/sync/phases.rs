//! The phases of a full sync, in order: users, devices, groups and memberships, bindings,
//! System Insights, apps and who reaches them, admins and roles, recent logins.

use super::*;
use rollcall_cache::RecordKind;

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
) -> Result<(BTreeMap<String, u64>, u64)> {
    let c = run.client;
    let mut counts = BTreeMap::new();
    let width = c.config().max_in_flight.max(1);

    // ---- groups first when scoping (to know who is in scope), else after devices.
    let scoped = !opts.user_groups.is_empty() || !opts.system_groups.is_empty();

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
    if !opts.user_groups.is_empty() || !opts.system_groups.is_empty() {
        ug_rows.retain(|g| opts.user_groups.contains(&g.id));
        sg_rows.retain(|g| opts.system_groups.contains(&g.id));
    }

    // ---- memberships (cheaper side; for scoped syncs always per group)
    run.check()?;
    (run.progress)(SyncProgress::Phase {
        phase: Phase::Memberships,
    });
    let t = Instant::now();
    let mut member_edges: Vec<Edge> = Vec::new();
    let per_group = scoped || ug_rows.len() <= users.len();
    let group_ids: Vec<(String, bool)> = ug_rows
        .iter()
        .map(|g| (g.id.clone(), true))
        .chain(sg_rows.iter().map(|g| (g.id.clone(), false)))
        .collect();
    let total_groups = group_ids.len() as u64;
    if per_group || !sg_rows.is_empty() {
        let listed: Vec<(String, bool)> = if per_group {
            group_ids.clone()
        } else {
            group_ids.iter().filter(|(_, u)| !u).cloned().collect()
        };
        let mut results = stream::iter(listed.into_iter().map(|(id, is_user)| async move {
            let list = if is_user {
                c.user_groups().members_spec(&id)
            } else {
                c.system_groups().members_spec(&id)
            };
            let members: Vec<jumpcloud::models::GraphConnection> = c.collect_all(list).await?;
            Ok::<_, jumpcloud::Error>((id, members))
        }))
        .buffer_unordered(width);
        let mut done = 0;
        while let Some(r) = results.next().await {
            let (gid, members) = r?;
            member_edges.extend(members.into_iter().map(|m| Edge {
                a: gid.clone(),
                b: m.to.id,
            }));
            done += 1;
            if done % 50 == 0 {
                run.check()?;
                run.items(Phase::Memberships, done, total_groups, t);
            }
        }
    }
    if !per_group {
        // Fewer users than groups: one memberof per user.
        let user_ids: Vec<String> = users.iter().map(|u| u.id.clone()).collect();
        let mut results = stream::iter(
            user_ids
                .into_iter()
                .map(|id| async move { Ok::<_, jumpcloud::Error>((c.users().groups(&id).await?, id)) }),
        )
        .buffer_unordered(width);
        while let Some(r) = results.next().await {
            let (gs, uid) = r?;
            member_edges.extend(
                gs.into_iter()
                    .filter(|g| g.kind == "user_group" && g.is_direct())
                    .map(|g| Edge {
                        a: g.id,
                        b: uid.clone(),
                    }),
            );
        }
    }
    run.items(Phase::Memberships, total_groups, total_groups, t);

    // Scope: users in the chosen user groups, devices in the chosen device groups.
    if scoped {
        let in_groups: BTreeSet<&str> = member_edges.iter().map(|e| e.b.as_str()).collect();
        users.retain(|u| in_groups.contains(u.id.as_str()));
        systems.retain(|s| in_groups.contains(s.id.as_str()));
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

    // ---- bindings (direct), from the cheaper side
    run.check()?;
    (run.progress)(SyncProgress::Phase { phase: Phase::Bindings });
    let t = Instant::now();
    let by_device = systems.len() <= users.len();
    let ids: Vec<String> = if by_device {
        systems.iter().map(|s| s.id.clone()).collect()
    } else {
        users.iter().map(|u| u.id.clone()).collect()
    };
    let total = ids.len() as u64;
    let mut bindings: Vec<Binding> = Vec::new();
    let mut results = stream::iter(ids.into_iter().map(|id| async move {
        let r = if by_device {
            c.systems().user_bindings(&id).await
        } else {
            c.users().system_bindings(&id).await
        };
        Ok::<_, jumpcloud::Error>((id, r?))
    }))
    .buffer_unordered(width);
    let mut done = 0u64;
    let user_set: BTreeSet<&str> = users.iter().map(|u| u.id.as_str()).collect();
    let system_set: BTreeSet<&str> = systems.iter().map(|s| s.id.as_str()).collect();
    while let Some(r) = results.next().await {
        let (id, reached) = r?;
        for edge in reached {
            let sudo = edge
                .attributes
                .as_ref()
                .and_then(|a| a.pointer("/sudo/enabled"))
                .and_then(Value::as_bool)
                .unwrap_or(false);
            let (system_id, user_id) = if by_device {
                (id.clone(), edge.to.id)
            } else {
                (edge.to.id, id.clone())
            };
            if user_set.contains(user_id.as_str()) && system_set.contains(system_id.as_str()) {
                bindings.push(Binding {
                    system_id,
                    user_id,
                    sudo,
                });
            }
        }
        done += 1;
        if done % 200 == 0 {
            run.check()?;
            run.items(Phase::Bindings, done, total, t);
        }
    }
    run.items(Phase::Bindings, total, total, t);
    for chunk in bindings.chunks(BATCH * 10) {
        w.put_bindings(chunk)?;
    }

    // ---- System Insights: hardware and encryption detail
    run.check()?;
    (run.progress)(SyncProgress::Phase { phase: Phase::Insights });
    let ins = c.insights();
    let (info, disk, bitlocker) = futures_util::future::join3(
        ins.system_info(None),
        ins.disk_encryption(None),
        ins.bitlocker_info(None),
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

    // ---- apps and who reaches them
    run.check()?;
    (run.progress)(SyncProgress::Phase { phase: Phase::Apps });
    let apps: Vec<Value> = c.collect_all(c.applications().list_spec()).await?;
    let app_rows: Vec<_> = apps
        .iter()
        .filter_map(|a| odd.keep(RecordKind::App, a, convert::app_row(a), |r| &r.id))
        .collect();
    let ug_set: BTreeSet<&str> = ug_rows.iter().map(|g| g.id.as_str()).collect();
    let mut app_users = Vec::new();
    let mut app_groups = Vec::new();
    // Owned ids: a closure over borrowed rows makes this future not `Send` for every lifetime,
    // which the app's commands (spawned on a multi-threaded runtime) need.
    let app_ids: Vec<String> = app_rows.iter().map(|a| a.id.clone()).collect();
    let mut results = stream::iter(app_ids.into_iter().map(|id| async move {
        let (u, g) = futures_util::future::join(c.applications().users(&id), c.applications().user_groups(&id)).await;
        Ok::<_, jumpcloud::Error>((id, u?, g?))
    }))
    .buffer_unordered(width);
    while let Some(r) = results.next().await {
        let (app, us, gs) = r?;
        for u in us.into_iter().filter(|u| user_set.contains(u.id.as_str())) {
            for p in &u.paths {
                let via = if p.len() == 1 {
                    String::new()
                } else {
                    p.first().map(|h| h.to.id.clone()).unwrap_or_default()
                };
                app_users.push(AppUser {
                    app_id: app.clone(),
                    user_id: u.id.clone(),
                    via_group: via,
                });
            }
        }
        app_groups.extend(
            gs.into_iter()
                .filter(|g| !scoped || ug_set.contains(g.id.as_str()))
                .map(|g| Edge {
                    a: app.clone(),
                    b: g.id,
                }),
        );
    }
    app_users.sort();
    app_users.dedup();
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
    let days = if opts.event_days == 0 { 30 } else { opts.event_days };
    let start = rollcall_cache::format_ms(now_ms - days as i64 * 86_400_000);
    let query =
        json!({ "service": ["directory", "systems", "sso"], "start_time": start, "limit": 10000, "sort": "ASC" });
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
    Ok((counts, browsable_after_ms))
}
