//! The phases of a full sync, in order: users, devices, groups and memberships (the group by
//! group listings — device groups' members, what each user group is bound to — asked while the
//! bulk reports download), a person's own bindings, System Insights, apps and who reaches them,
//! admins and roles. `run_phases` is the order; each phase is one method of `Phases`. The
//! recent logins (`logins::read`) are read beside them (once the reports are in when they are
//! used), and announced as the phase left once the others are done.

use super::held::{HasId, Held};
use super::odd::Odd;
use super::*;
use jumpcloud::models::GraphType;
use jumpcloud::ReportType;
use rollcall_cache::{AppRow, GroupKind, GroupRow, RecordKind, SystemRow, UserRow};

/// Days of Directory Insights login events the copy keeps: all JumpCloud retains.
pub const EVENT_DAYS: u32 = 90;
/// Login events asked for a page: each slice holds one page (with every event's JSON) while
/// it is written, so four slices of JumpCloud's largest page (10,000) were ~100 MB at once.
pub(super) const EVENT_PAGE: u32 = 2_500;
/// How far before the newest event held a sync asks again (late-arriving events).
pub(super) const EVENT_OVERLAP_MS: i64 = 6 * 3_600_000;

/// The group by group listings asked while the reports download, for the memberships to
/// finish.
struct Listing {
    /// The groups listed (`(id, is_user_group)`).
    listed: Vec<(String, bool)>,
    members: Vec<Edge>,
    /// The user groups' members are among them (no report was coming).
    user_groups_listed: bool,
    /// With no usable report, the user groups are listed group by group (else per user).
    per_group: bool,
    /// User and device groups: what the memberships' progress counts.
    groups: u64,
    started: Instant,
}

impl Listing {
    /// What no report names — the device groups' members (and what each user group is bound
    /// to, asked beside) — and the user groups' members too when no report is coming.
    fn plan(per_group: bool, reports_coming: bool, ug: &[GroupRow], sg: &[GroupRow]) -> Self {
        let user_groups_listed = per_group && !reports_coming;
        let mut listed: Vec<(String, bool)> = sg.iter().map(|g| (g.id.clone(), false)).collect();
        if user_groups_listed {
            listed.extend(ug.iter().map(|g| (g.id.clone(), true)));
        }
        Self {
            listed,
            members: vec![],
            user_groups_listed,
            per_group,
            groups: (ug.len() + sg.len()) as u64,
            started: Instant::now(),
        }
    }
}

/// A sync in progress: the run, the writer, what is in scope, and what the phases found.
struct Phases<'r, 'w, 'c> {
    run: &'r Run<'r>,
    w: &'w mut SyncWriter<'c>,
    opts: &'r SyncOptions,
    /// Only chosen groups (and their members) are copied.
    scoped: bool,
    odd: Odd,
    notes: Vec<SyncNote>,
    counts: SyncCounts,
    /// The bulk reports' rows (or why each is not used), once they are in.
    got: reports::Got,
}

/// The ids of rows, as a set.
fn ids<'a, T>(rows: &'a [T], id: impl Fn(&'a T) -> &'a str) -> BTreeSet<&'a str> {
    rows.iter().map(id).collect()
}

pub(super) async fn run_phases(
    run: &Run<'_>,
    w: &mut SyncWriter<'_>,
    beside: rollcall_cache::Cache,
    opts: &SyncOptions,
) -> Result<(SyncCounts, Vec<SyncNote>, u64)> {
    // Groups decide who is in scope, so a scoped sync writes people and devices only then.
    let scoped = !opts.user_groups.is_empty() || !opts.system_groups.is_empty();
    // The bulk reports generate while users and devices are listed (not for a scoped sync,
    // whose associations are few and read object by object).
    let wait = opts.report_wait.unwrap_or(reports::REPORT_WAIT);
    let fetching = reports::start(run.client, !scoped && !opts.no_reports, wait, run.started);
    let mut p = Phases {
        run,
        w,
        opts,
        scoped,
        odd: Odd::default(),
        notes: vec![],
        counts: SyncCounts::default(),
        got: reports::Got::new(),
    };

    let mut users = p.users().await?;
    // On a first import the users are in the live table (and listable) from here on.
    let browsable_after_ms = run.started.elapsed().as_millis() as u64;
    let mut systems = p.devices(users.ids.len()).await?;
    let (ug_rows, sg_rows) = p.groups().await?;
    // What only group by group listings tell (no report names it): the device groups' members
    // and what each user group is bound to — asked while the reports download and are read
    // (these requests mostly wait on JumpCloud, the reports' reading on the processor); the
    // user groups' members too when no report is coming.
    p.phase(Phase::Memberships)?;
    let per_group = scoped || ug_rows.len() <= users.ids.len();
    let mut listing = Listing::plan(per_group, fetching.coming(), &ug_rows, &sg_rows);
    let ug_ids: Vec<String> = ug_rows.iter().map(|g| g.id.clone()).collect();
    // The login events go to the archive alone, on a connection of their own: read beside the
    // associations, not after them — but not beside the bulk reports' reading, which takes the
    // processor as the logins' does.
    let coming = fetching.coming();
    let (reports_in, wait_for_reports) = tokio::sync::oneshot::channel::<()>();
    let logins = async {
        if coming {
            // Sent once the reports are read; dropped (the sync failing) ends the wait too.
            let _ = wait_for_reports.await;
        }
        super::logins::read(run, opts, beside).await
    };
    let rest = async {
        let (got, members, bound) = tokio::try_join!(
            fetching.finish(run),
            associations::group_members(run, &listing.listed, 0, listing.groups),
            associations::user_group_targets(run, &ug_ids)
        )?;
        let _ = reports_in.send(());
        p.got = got;
        listing.members = members;
        let members = p.memberships(&users.ids, &ug_rows, listing).await?;
        if scoped {
            p.apply_scope(&members, &mut users, &mut systems)?;
        }
        p.after_memberships(members, bound, (&ug_rows, &sg_rows), &users, &systems)
            .await
    };
    let (n_members, n_events) = tokio::try_join!(rest, logins)?;
    p.counts.events = n_events;
    p.archive_more().await?;

    let Phases {
        odd, mut counts, notes, ..
    } = p;
    counts.not_fully_read = odd.write(w)?;
    counts.users = users.ids.len() as u64;
    counts.devices = systems.ids.len() as u64;
    counts.user_groups = ug_rows.len() as u64;
    counts.device_groups = sg_rows.len() as u64;
    counts.memberships = n_members;
    Ok((counts, notes, browsable_after_ms))
}

impl Phases<'_, '_, '_> {
    /// Everything after the memberships: the groups and their members written, then bindings,
    /// System Insights, apps and admins (the logins are read beside). The memberships' count.
    async fn after_memberships(
        &mut self,
        members: Vec<Edge>,
        bound: Vec<(String, jumpcloud::models::GraphObject)>,
        (ug_rows, sg_rows): (&[GroupRow], &[GroupRow]),
        users: &Held<UserRow>,
        systems: &Held<SystemRow>,
    ) -> Result<u64> {
        self.w.put_groups(ug_rows)?;
        self.w.put_groups(sg_rows)?;
        for chunk in members.chunks(BATCH * 10) {
            self.w.put_group_members(chunk)?;
        }
        self.bindings(users, systems).await?;
        self.group_bindings(bound, sg_rows, systems)?;
        self.insights(systems).await?;
        self.apps(users, ug_rows, &members).await?;
        // Let go as soon as done with (the logins are being read beside).
        let n_members = members.len() as u64;
        drop(members);
        self.admins().await?;
        // What is left is the logins.
        self.phase(Phase::Events)?;
        Ok(n_members)
    }

    fn phase(&self, phase: Phase) -> Result<()> {
        self.run.check()?;
        (self.run.progress)(SyncProgress::Phase { phase });
        Ok(())
    }

    /// Notes where one kind of association came from.
    fn note(&mut self, association: Association, used: std::result::Result<(), &ReportUnused>) {
        let source = match used {
            Ok(()) => AssociationSource::Report,
            Err(why) => AssociationSource::ObjectByObject { why: why.clone() },
        };
        self.notes.push(SyncNote::new(association, source));
    }

    /// Every user, written in batches (at once into the live table on a first import); the
    /// rows are kept only for a scope to choose from.
    async fn users(&mut self) -> Result<Held<UserRow>> {
        let c = self.run.client;
        self.read_all(
            Phase::Users,
            c.users().list_spec(),
            RecordKind::User,
            convert::user_row,
            |w, b| w.put_users(b),
        )
        .await
    }

    /// Every record of a listing made a row and written in batches as it arrives (kept instead
    /// while a scope has yet to choose); what was read.
    async fn read_all<R: Send + HasId>(
        &mut self,
        phase: Phase,
        list: jumpcloud::List,
        kind: RecordKind,
        row: fn(&Value) -> std::result::Result<convert::Read<R>, convert::Unreadable>,
        put: fn(&mut SyncWriter<'_>, &[R]) -> rollcall_cache::Result<()>,
    ) -> Result<Held<R>> {
        self.phase(phase)?;
        let (run, c, t) = (self.run, self.run.client, Instant::now());
        let mut held = Held {
            ids: vec![],
            rows: vec![],
        };
        let mut stream = c.stream::<Value>(list);
        let mut batch = Vec::with_capacity(BATCH);
        loop {
            let item = stream.next().await;
            let end = item.is_none();
            if let Some(item) = item {
                let raw = item?;
                if let Some(r) = self.odd.keep(kind, &raw, row(&raw), |r| r.id()) {
                    batch.push(r);
                }
            }
            if batch.len() >= BATCH || end {
                run.check()?;
                self.hold(&mut held, &mut batch, put)?;
                run.items(phase, held.ids.len() as u64, held.ids.len() as u64, t);
            }
            if end {
                return Ok(held);
            }
        }
    }

    /// Writes a batch of a whole org's rows (and lets them go), or keeps it for the scope.
    fn hold<R: HasId>(
        &mut self,
        held: &mut Held<R>,
        batch: &mut Vec<R>,
        put: fn(&mut SyncWriter<'_>, &[R]) -> rollcall_cache::Result<()>,
    ) -> Result<()> {
        held.ids.extend(batch.iter().map(|r| r.id().to_string()));
        if self.scoped {
            held.rows.append(batch);
        } else {
            put(self.w, batch)?;
            batch.clear();
        }
        Ok(())
    }

    /// Every device; then, unscoped, the people and devices are browsable.
    async fn devices(&mut self, n_users: usize) -> Result<Held<SystemRow>> {
        let (run, c) = (self.run, self.run.client);
        let held = self
            .read_all(
                Phase::Devices,
                c.systems().list_spec(),
                RecordKind::System,
                convert::system_row,
                |w, b| w.put_systems(b),
            )
            .await?;
        if !self.scoped {
            self.w.refresh_search()?;
            (run.progress)(SyncProgress::Browsable {
                users: n_users as u64,
                devices: held.ids.len() as u64,
                after_ms: run.started.elapsed().as_millis() as u64,
            });
        }
        Ok(held)
    }

    /// User and device groups (a scope keeps the chosen groups of a kind; all of a kind when
    /// none are chosen).
    async fn groups(&mut self) -> Result<(Vec<GroupRow>, Vec<GroupRow>)> {
        self.phase(Phase::Groups)?;
        let c = self.run.client;
        let ug: Vec<Value> = c.collect_all(c.user_groups().list_spec()).await?;
        let sg: Vec<Value> = c.collect_all(c.system_groups().list_spec()).await?;
        let (opts, odd) = (self.opts, &mut self.odd);
        let mut rows = |raw: &[Value], kind: GroupKind, chosen: &[String]| -> Vec<GroupRow> {
            raw.iter()
                .filter_map(|g| odd.keep(RecordKind::Group, g, convert::group_row(g, kind), |r| &r.id))
                .filter(|g| chosen.is_empty() || chosen.contains(&g.id))
                .collect()
        };
        let ug_rows = rows(&ug, GroupKind::User, &opts.user_groups);
        let sg_rows = rows(&sg, GroupKind::System, &opts.system_groups);
        Ok((ug_rows, sg_rows))
    }

    /// Group memberships: the listings already read (device groups; user groups when no report
    /// was coming), and the user groups' from the report when it is good, else from the cheaper
    /// side (per group, or per user when there are fewer users).
    async fn memberships(&mut self, users: &[String], ug: &[GroupRow], listing: Listing) -> Result<Vec<Edge>> {
        let (run, c) = (self.run, self.run.client);
        let from_report = match self.got.remove(&ReportType::UsersToUserGroups) {
            None => None,
            Some(rows) => {
                let edges = match rows {
                    Ok(rows) => {
                        let (all_users, ug_ids) = (ids(users, String::as_str), ids(ug, |g| &g.id));
                        reports::memberships(c, rows, &all_users, &ug_ids).await
                    }
                    Err(why) => Err(why),
                };
                self.note(Association::Memberships, edges.as_ref().map(|_| ()));
                edges.ok()
            }
        };
        let (total, done) = (listing.groups, listing.listed.len() as u64);
        let mut edges = listing.members;
        match from_report {
            Some(reported) => edges.extend(reported),
            None if listing.user_groups_listed => {}
            None if listing.per_group => {
                let listed: Vec<(String, bool)> = ug.iter().map(|g| (g.id.clone(), true)).collect();
                edges.extend(associations::group_members(run, &listed, done, total).await?);
            }
            None => edges.extend(associations::memberof(run, users.to_vec()).await?),
        }
        run.items(Phase::Memberships, total, total, listing.started);
        Ok(edges)
    }

    /// A scope keeps the people in the chosen user groups and the devices in the chosen device
    /// groups, and writes them now that they are known.
    fn apply_scope(
        &mut self,
        members: &[Edge],
        users: &mut Held<UserRow>,
        systems: &mut Held<SystemRow>,
    ) -> Result<()> {
        let in_groups: BTreeSet<&str> = members.iter().map(|e| e.b.as_str()).collect();
        let opts = self.opts;
        let mut u = std::mem::take(&mut users.rows);
        let mut s = std::mem::take(&mut systems.rows);
        u.retain(|u| opts.user_groups.is_empty() || in_groups.contains(u.id.as_str()));
        s.retain(|s| opts.system_groups.is_empty() || in_groups.contains(s.id.as_str()));
        self.w.put_users(&u)?;
        self.w.put_systems(&s)?;
        self.w.refresh_search()?;
        users.ids = u.iter().map(|r| r.id.clone()).collect();
        systems.ids = s.iter().map(|r| r.id.clone()).collect();
        (self.run.progress)(SyncProgress::Browsable {
            users: u.len() as u64,
            devices: s.len() as u64,
            after_ms: self.run.started.elapsed().as_millis() as u64,
        });
        Ok(())
    }

    /// Direct user↔device bindings: from the report when it is good, else from the cheaper side.
    async fn bindings(&mut self, users: &Held<UserRow>, systems: &Held<SystemRow>) -> Result<()> {
        self.phase(Phase::Bindings)?;
        let c = self.run.client;
        let (user_set, system_set) = (users.set(), systems.set());
        let reported = match self.got.remove(&ReportType::UsersToDevices) {
            None => None,
            Some(rows) => {
                let b = match rows {
                    Ok(rows) => reports::bindings(c, rows, &user_set, &system_set).await,
                    Err(why) => Err(why),
                };
                self.note(Association::Bindings, b.as_ref().map(|_| ()));
                b.ok()
            }
        };
        let bindings = match reported {
            Some(b) => b,
            None => associations::bindings(self.run, &user_set, &system_set).await?,
        };
        for chunk in bindings.chunks(BATCH * 10) {
            self.w.put_bindings(chunk)?;
        }
        self.counts.bindings = bindings.len() as u64;
        Ok(())
    }

    /// What each user group is bound to (one listing per group, read beside the device groups'
    /// members and the bulk reports): devices and device groups. Every member reaches those
    /// devices, as JumpCloud counts it.
    fn group_bindings(
        &mut self,
        bound: Vec<(String, jumpcloud::models::GraphObject)>,
        sg: &[GroupRow],
        systems: &Held<SystemRow>,
    ) -> Result<()> {
        let (system_set, sg_set) = (systems.set(), ids(sg, |g| &g.id));
        let (mut devices, mut device_groups) = (vec![], vec![]);
        for (group, to) in bound {
            match to.kind {
                GraphType::System if system_set.contains(to.id.as_str()) => devices.push(Edge { a: group, b: to.id }),
                GraphType::SystemGroup if sg_set.contains(to.id.as_str()) => {
                    device_groups.push(Edge { a: group, b: to.id })
                }
                _ => {}
            }
        }
        self.w.put_user_group_devices(&devices)?;
        self.w.put_user_group_device_groups(&device_groups)?;
        self.counts.group_bindings = (devices.len() + device_groups.len()) as u64;
        Ok(())
    }

    /// System Insights: hardware, encryption detail and the system drive, from its bulk tables.
    async fn insights(&mut self, systems: &Held<SystemRow>) -> Result<()> {
        self.phase(Phase::Insights)?;
        let ins = self.run.client.insights();
        let (info, disk, bitlocker, drives) = futures_util::future::join4(
            ins.system_info(None),
            ins.disk_encryption(None),
            ins.bitlocker_info(None),
            ins.logical_drives(None),
        )
        .await;
        let known = systems.set();
        self.w.put_system_hardware(&super::insights::hardware(info?, &known))?;
        self.w
            .put_system_fde_detail(&super::insights::encryption(disk?, bitlocker?, &known))?;
        self.w
            .put_system_disks(&super::insights::system_drives(drives?, &known))?;
        Ok(())
    }

    /// Apps, their groups, and who reaches them (from the report when it is good).
    async fn apps(&mut self, users: &Held<UserRow>, ug: &[GroupRow], members: &[Edge]) -> Result<()> {
        self.phase(Phase::Apps)?;
        let c = self.run.client;
        let apps: Vec<Value> = c.collect_all(c.applications().list_spec()).await?;
        let app_rows: Vec<AppRow> = apps
            .iter()
            .filter_map(|a| self.odd.keep(RecordKind::App, a, convert::app_row(a), |r| &r.id))
            .collect();
        // Owned ids: a closure over borrowed rows makes this future not `Send` for every
        // lifetime, which the app's commands (spawned on a multi-threaded runtime) need.
        let app_ids: Vec<String> = app_rows.iter().map(|a| a.id.clone()).collect();
        let ug_set = ids(ug, |g| &g.id);
        let scoped = self.scoped;
        let app_groups = associations::app_groups(self.run, &app_ids, |g| !scoped || ug_set.contains(g)).await?;
        let user_set = users.set();
        let reported = match self.got.remove(&ReportType::UsersToSsoApplications) {
            None => None,
            Some(rows) => {
                let app_set: BTreeSet<&str> = app_ids.iter().map(String::as_str).collect();
                let a = match rows {
                    Ok(rows) => reports::app_users(c, rows, &user_set, &app_set, &app_groups, members).await,
                    Err(why) => Err(why),
                };
                self.note(Association::AppAccess, a.as_ref().map(|_| ()));
                a.ok()
            }
        };
        let app_users = match reported {
            Some(a) => a,
            None => associations::app_users(self.run, &app_ids, &user_set).await?,
        };
        self.w.put_apps(&app_rows)?;
        self.w.put_app_users(&app_users)?;
        self.w.put_app_groups(&app_groups)?;
        self.counts.apps = app_rows.len() as u64;
        self.counts.app_access = app_users.len() as u64;
        Ok(())
    }

    /// Roles (when the key may read them) and the provider's administrators.
    async fn admins(&mut self) -> Result<()> {
        self.phase(Phase::Admins)?;
        let c = self.run.client;
        let roles = c.admins().roles().await.unwrap_or_else(|e| {
            tracing::info!(error = %e, "roles not readable with this key; skipped");
            vec![]
        });
        let roles: Vec<RoleRow> = roles
            .into_iter()
            .map(|r| RoleRow {
                id: r.id,
                name: r.name,
                scopes: r.scopes.join(" "),
            })
            .collect();
        self.w.put_roles(&roles)?;
        let Some(provider) = &self.opts.provider_id else {
            return Ok(());
        };
        let admins: Vec<AdminRow> = c
            .admins()
            .list(provider)
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
        self.w.put_admins(&admins)?;
        self.counts.admins = admins.len() as u64;
        Ok(())
    }

    /// The services the admin chose to archive beyond logins: only what is newer than the
    /// archive holds (the last 90 days the first time), into the archive alone. A service
    /// JumpCloud refuses or fails is left for the next sync (logged); the mirror is still good.
    async fn archive_more(&mut self) -> Result<()> {
        let chosen = self.w.archived_services()?;
        if chosen.is_empty() {
            return Ok(());
        }
        let (run, c) = (self.run, self.run.client);
        let now_ms = self.opts.now_ms();
        let window_start = now_ms - EVENT_DAYS as i64 * 86_400_000;
        for (service, newest) in chosen {
            let from = newest
                .as_deref()
                .and_then(rollcall_cache::parse_ms)
                .map(|ms| (ms - EVENT_OVERLAP_MS).max(window_start))
                .unwrap_or(window_start);
            let query = json!({ "service": [service], "start_time": rollcall_cache::format_ms(from), "limit": EVENT_PAGE, "sort": "ASC" });
            let mut stream = c.insights().events(query);
            let mut batch = Vec::new();
            while let Some(e) = stream.next().await {
                match e {
                    Ok(e) => batch.push(convert::event_row(&e)),
                    // The mirror is whole without these events: a refusal, a 429 storm or a
                    // dropped connection ends this service's archiving for this sync (logged);
                    // the next sync asks again from the newest event archived.
                    Err(err) => {
                        tracing::warn!(%service, error = %err, "archiving this service's events stopped; the next sync asks again");
                        break;
                    }
                }
                if batch.len() >= BATCH * 5 {
                    run.check()?;
                    self.w.archive_events(&batch)?;
                    batch.clear();
                }
            }
            self.w.archive_events(&batch)?;
        }
        Ok(())
    }
}
