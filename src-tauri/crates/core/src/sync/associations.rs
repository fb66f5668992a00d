//! Associations read object by object through the graph endpoints: what a sync does when the
//! bulk reports are not used (scoped syncs, `use_reports` off) or cannot be (refused, failed,
//! expired, not ready, not valid), and for device group memberships, what user groups are
//! bound to and apps' groups, which no report covers.

use super::*;
use jumpcloud::models::GraphObjectWithPaths;

/// Direct members of the listed groups (`(id, is_user_group)`): one `members` listing per group;
/// the progress counts on from `done` groups of `total`.
pub(super) async fn group_members(
    run: &Run<'_>,
    groups: &[(String, bool)],
    done: u64,
    total: u64,
) -> Result<Vec<Edge>> {
    let c = run.client;
    let t = Instant::now();
    let width = c.config().max_in_flight.max(1);
    let mut edges = Vec::new();
    let mut results = stream::iter(groups.iter().cloned().map(|(id, is_user)| async move {
        let list = if is_user {
            c.user_groups().members_spec(&id)
        } else {
            c.system_groups().members_spec(&id)
        };
        let members: Vec<jumpcloud::models::GraphConnection> = c.collect_all(list).await?;
        Ok::<_, jumpcloud::Error>((id, members))
    }))
    .buffer_unordered(width);
    let mut done = done;
    while let Some(r) = results.next().await {
        let (gid, members) = r?;
        edges.extend(members.into_iter().map(|m| Edge {
            a: gid.clone(),
            b: m.to.id,
        }));
        done += 1;
        if done.is_multiple_of(50) {
            run.check()?;
            run.items(Phase::Memberships, done, total, t);
        }
    }
    Ok(edges)
}

/// User group memberships from the users' side: one `memberof` per user (when there are fewer
/// users than groups).
pub(super) async fn memberof(run: &Run<'_>, user_ids: Vec<String>) -> Result<Vec<Edge>> {
    let c = run.client;
    let width = c.config().max_in_flight.max(1);
    let mut edges = Vec::new();
    let mut results = stream::iter(
        user_ids
            .into_iter()
            .map(|id| async move { Ok::<_, jumpcloud::Error>((c.users().groups(&id).await?, id)) }),
    )
    .buffer_unordered(width);
    while let Some(r) = results.next().await {
        let (gs, uid) = r?;
        edges.extend(gs.into_iter().filter(|g| g.is_direct_user_group()).map(|g| Edge {
            a: g.id,
            b: uid.clone(),
        }));
    }
    Ok(edges)
}

/// Direct user↔device bindings from the cheaper side: one association listing per device, or
/// per user when there are fewer users.
pub(super) async fn bindings(run: &Run<'_>, users: &BTreeSet<&str>, systems: &BTreeSet<&str>) -> Result<Vec<Binding>> {
    let c = run.client;
    let width = c.config().max_in_flight.max(1);
    let t = Instant::now();
    let by_device = systems.len() <= users.len();
    let ids: Vec<String> = if by_device { systems } else { users }
        .iter()
        .map(|s| s.to_string())
        .collect();
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
    while let Some(r) = results.next().await {
        let (id, reached) = r?;
        for edge in reached {
            let sudo = edge.sudo();
            let (system_id, user_id) = if by_device {
                (id.clone(), edge.to.id)
            } else {
                (edge.to.id, id.clone())
            };
            if users.contains(user_id.as_str()) && systems.contains(system_id.as_str()) {
                bindings.push(Binding {
                    system_id,
                    user_id,
                    sudo,
                });
            }
        }
        done += 1;
        if done.is_multiple_of(200) {
            run.check()?;
            run.items(Phase::Bindings, done, total, t);
        }
    }
    run.items(Phase::Bindings, total, total, t);
    Ok(bindings)
}

/// What each user group is bound to among devices and device groups: one
/// `associations?targets=system,system_group` listing per group. (group, node bound).
pub(super) async fn user_group_targets(
    run: &Run<'_>,
    group_ids: &[String],
) -> Result<Vec<(String, jumpcloud::models::GraphObject)>> {
    let c = run.client;
    let width = c.config().max_in_flight.max(1);
    let mut out = Vec::new();
    let mut results = stream::iter(group_ids.iter().cloned().map(|id| async move {
        let bound = c.user_groups().associations(&id, "system,system_group").await?;
        Ok::<_, jumpcloud::Error>((id, bound))
    }))
    .buffer_unordered(width);
    let mut done = 0u64;
    while let Some(r) = results.next().await {
        let (group, bound) = r?;
        out.extend(bound.into_iter().map(|e| (group.clone(), e.to)));
        done += 1;
        // Read beside the memberships, whose progress the bar shows; a cancel stops it too.
        if done.is_multiple_of(50) {
            run.check()?;
        }
    }
    Ok(out)
}

/// One listing per app (`fetch(c, app)`), in flight together; (app, what it listed).
async fn per_app<F, Fut>(
    run: &Run<'_>,
    app_ids: &[String],
    fetch: F,
) -> Result<Vec<(String, Vec<GraphObjectWithPaths>)>>
where
    F: Fn(String) -> Fut,
    Fut: std::future::Future<Output = jumpcloud::Result<(String, Vec<GraphObjectWithPaths>)>>,
{
    let width = run.client.config().max_in_flight.max(1);
    let mut out = Vec::with_capacity(app_ids.len());
    let mut results = stream::iter(app_ids.iter().cloned().map(fetch)).buffer_unordered(width);
    while let Some(r) = results.next().await {
        out.push(r?);
    }
    Ok(out)
}

/// The user groups assigned to each app: one `usergroups` listing per app. Edges (app, group).
pub(super) async fn app_groups(run: &Run<'_>, app_ids: &[String], keep: impl Fn(&str) -> bool) -> Result<Vec<Edge>> {
    let c = run.client;
    let listed = per_app(run, app_ids, |id| async move {
        Ok((id.clone(), c.applications().user_groups(&id).await?))
    })
    .await?;
    Ok(listed
        .into_iter()
        .flat_map(|(app, gs)| {
            gs.into_iter().map(move |g| Edge {
                a: app.clone(),
                b: g.id,
            })
        })
        .filter(|e| keep(&e.b))
        .collect())
}

/// Who reaches each app, and through which group: one `users` listing per app.
pub(super) async fn app_users(run: &Run<'_>, app_ids: &[String], users: &BTreeSet<&str>) -> Result<Vec<AppUser>> {
    let (c, width) = (run.client, run.client.config().max_in_flight.max(1));
    // Owned ids: a closure over borrowed ones makes this future not `Send` for every lifetime.
    let mut listed = stream::iter(
        app_ids
            .iter()
            .cloned()
            .map(|app| async move { app_users_of(c, &app, users).await }),
    )
    .buffer_unordered(width);
    let mut out = Vec::new();
    while let Some(rows) = listed.next().await {
        out.extend(rows?);
        run.check()?;
    }
    out.sort();
    out.dedup();
    Ok(out)
}

/// Who reaches one app, read page by page and made rows as it comes (an app everyone reaches
/// lists every person with their paths, too much to hold whole at 50,000 people). If the
/// listing changes while it is read, it is read again (three attempts in all, as
/// `collect_all` does).
async fn app_users_of(c: &Client, app: &str, users: &BTreeSet<&str>) -> jumpcloud::Result<Vec<AppUser>> {
    let mut attempt = 0;
    'read: loop {
        attempt += 1;
        let mut rows = Vec::new();
        let mut pages = c.stream::<GraphObjectWithPaths>(c.applications().users_spec(app));
        while let Some(u) = pages.next().await {
            let u = match u {
                Ok(u) => u,
                Err(jumpcloud::Error::ListingChanged { .. }) if attempt < 3 => {
                    tracing::info!(app, "the app's users changed while read; reading them again");
                    continue 'read;
                }
                Err(e) => return Err(e),
            };
            if !users.contains(u.id.as_str()) {
                continue;
            }
            for p in &u.paths {
                // A path of one edge is a direct assignment; else its first hop is the group.
                let via = if p.len() == 1 {
                    String::new()
                } else {
                    p.first().map(|h| h.to.id.clone()).unwrap_or_default()
                };
                rows.push(AppUser {
                    app_id: app.to_string(),
                    user_id: u.id.clone(),
                    via_group: via,
                });
            }
        }
        return Ok(rows);
    }
}
