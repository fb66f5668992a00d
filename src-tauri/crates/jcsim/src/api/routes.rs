//! The routing table: which handler answers a method and path, tried group by group in a fixed
//! order (the first that matches answers).

use super::*;

/// Dispatches one authenticated request: each route group in turn, the first that knows the
/// method and path answering.
pub fn route(state: &SimState, ctx: &Ctx, req: &Req, faults: &Faults) -> Resp {
    let path = req.path.trim_end_matches('/').to_string();
    let segs: Vec<&str> = path.trim_start_matches('/').split('/').collect();
    let m = req.method.as_str();
    let at = (m, segs.as_slice());
    directory_insights_routes(state, ctx, req, at)
        .or_else(|| user_routes(state, ctx, req, faults, at))
        .or_else(|| system_routes(state, ctx, req, faults, at))
        .or_else(|| application_routes(state, ctx, req, at))
        .or_else(|| command_routes(state, ctx, req, at))
        .or_else(|| organization_routes(state, ctx, req, at))
        .or_else(|| group_routes(state, ctx, req, faults, at))
        .or_else(|| graph_routes(state, ctx, req, at))
        .or_else(|| device_routes(state, ctx, req, at))
        .or_else(|| admin_routes(state, ctx, req, at))
        .unwrap_or_else(|| error(StatusCode::NOT_FOUND, &format!("jcsim does not serve {m} {}", req.path)))
}

/// Directory Insights: event queries and reports.
fn directory_insights_routes(state: &SimState, ctx: &Ctx, req: &Req, at: (&str, &[&str])) -> Option<Resp> {
    Some(match at {
        ("POST", ["insights", "directory", "v1", "events"]) => di_events(state, ctx, req, false),
        ("POST", ["insights", "directory", "v1", "events", "count"]) => di_events(state, ctx, req, true),
        ("POST", ["insights", "directory", "v1", "events", "distinct"]) => di_distinct(state, ctx, req),
        ("POST", ["insights", "directory", "v1", "events", "interval"]) => di_interval(state, ctx, req),
        ("POST", ["insights", "directory", "v1", "reports", kind]) => report_create(state, ctx, kind),
        ("GET", ["insights", "directory", "v1", "reports"]) => report_list(state, ctx, req),
        ("GET", ["insights", "directory", "v1", "reports", id, "artifacts", aid, "content"]) => {
            report_content(state, ctx, id, aid)
        }
        _ => return None,
    })
}

/// v1 users: listing, search, create, read, edit, delete and the account actions.
fn user_routes(state: &SimState, ctx: &Ctx, req: &Req, faults: &Faults, at: (&str, &[&str])) -> Option<Resp> {
    Some(match at {
        ("GET", ["api", "systemusers"]) => {
            between_pages(state, ctx, req, faults);
            stored_list(state, ctx, req, |o| &o.users)
        }
        ("POST", ["api", "search", "systemusers"]) => {
            v1_search(state, ctx, req, |o| o.users.values().map(|s| s.json.clone()).collect())
        }
        ("POST", ["api", "systemusers"]) => user_create(state, ctx, req),
        ("GET", ["api", "v2", "bulk", "userstates"]) => scheduled_list(state, ctx, req),
        ("POST", ["api", "v2", "bulk", "userstates"]) => scheduled_create(state, ctx, req),
        ("DELETE", ["api", "v2", "bulk", "userstates", id]) => scheduled_delete(state, ctx, id),
        ("GET", ["api", "systemusers", id]) => read(state, ctx, |o| {
            o.users
                .get(*id)
                .map(|s| s.json.to_vec())
                .ok_or_else(|| not_found("user", id))
        }),
        ("PUT", ["api", "systemusers", id]) => user_update(state, ctx, req, id),
        ("DELETE", ["api", "systemusers", id]) => user_delete(state, ctx, req, id),
        ("POST", ["api", "systemusers", id, "state", "activate"]) => {
            user_action(state, ctx, req, id, UserAction::Activate)
        }
        ("POST", ["api", "systemusers", id, "state", "suspend"]) => {
            user_action(state, ctx, req, id, UserAction::Suspend)
        }
        ("POST", ["api", "systemusers", id, "unlock"]) => user_action(state, ctx, req, id, UserAction::Unlock),
        ("POST", ["api", "systemusers", id, "resetmfa"]) => user_action(state, ctx, req, id, UserAction::ResetMfa),
        ("POST", ["api", "systemusers", id, "expire"]) => user_action(state, ctx, req, id, UserAction::Expire),
        ("POST", ["api", "systemusers", id, "reactivate"]) => user_action(state, ctx, req, id, UserAction::Reactivate),
        ("POST", ["api", "systemusers", id, "password"]) => user_action(state, ctx, req, id, UserAction::SetPassword),
        ("GET", ["api", "systemusers", id, "totpinfo"]) => user_totp_info(state, ctx, id),
        _ => return None,
    })
}

/// v1 systems: listing, search, read, edit, delete and the built-in commands.
fn system_routes(state: &SimState, ctx: &Ctx, req: &Req, faults: &Faults, at: (&str, &[&str])) -> Option<Resp> {
    Some(match at {
        ("GET", ["api", "systems"]) => {
            between_pages(state, ctx, req, faults);
            stored_list(state, ctx, req, |o| &o.systems)
        }
        ("POST", ["api", "search", "systems"]) => v1_search(state, ctx, req, |o| {
            o.systems.values().map(|s| s.json.clone()).collect()
        }),
        ("GET", ["api", "systems", id]) => read(state, ctx, |o| {
            o.systems
                .get(*id)
                .map(|s| s.json.to_vec())
                .ok_or_else(|| not_found("system", id))
        }),
        ("PUT", ["api", "systems", id]) => system_update(state, ctx, req, id),
        ("DELETE", ["api", "systems", id]) => system_delete(state, ctx, id),
        ("POST", ["api", "systems", id, "command", "builtin", cmd]) => builtin_command(state, ctx, id, cmd),
        _ => return None,
    })
}

/// Applications: the v1 listing (by name unless told) and one application, v1 or v2.
fn application_routes(state: &SimState, ctx: &Ctx, req: &Req, at: (&str, &[&str])) -> Option<Resp> {
    Some(match at {
        ("GET", ["api", "applications"]) => application_list(state, ctx, req),
        ("GET", ["api", "applications", id]) | ("GET", ["api", "v2", "applications", id]) => read(state, ctx, |o| {
            o.apps
                .get(*id)
                .map(|a| serde_json::to_vec(a).unwrap_or_default())
                .ok_or_else(|| not_found("application", id))
        }),
        _ => return None,
    })
}

/// `GET /api/applications`: sorted by name unless the query sorts.
fn application_list(state: &SimState, ctx: &Ctx, req: &Req) -> Resp {
    let mut q = match list(req, Flavor::V1, 100) {
        Ok(q) => q,
        Err(e) => return e,
    };
    if q.sort.is_empty() {
        q.sort.push(("name".into(), false));
    }
    read_list(state, ctx, &q, Flavor::V1, |o| o.apps.values().map(to_bytes).collect())
}

/// Saved commands, their results, and running one.
fn command_routes(state: &SimState, ctx: &Ctx, req: &Req, at: (&str, &[&str])) -> Option<Resp> {
    Some(match at {
        ("GET", ["api", "commands"]) => v1_list(state, ctx, req, |o| o.commands.values().map(to_bytes).collect()),
        ("POST", ["api", "commands"]) => command_create(state, ctx, req),
        ("GET", ["api", "commands", id]) => read(state, ctx, |o| {
            o.commands
                .get(*id)
                .map(|c| serde_json::to_vec(c).unwrap_or_default())
                .ok_or_else(|| not_found("command", id))
        }),
        ("PUT", ["api", "commands", id]) => command_update(state, ctx, req, id),
        ("DELETE", ["api", "commands", id]) => command_delete(state, ctx, id),
        ("GET", ["api", "commands", id, "results"]) => read(state, ctx, |o| {
            let rs: Vec<&CommandResult> = o.command_results.values().filter(|r| r.workflow_id == *id).collect();
            Ok(serde_json::to_vec(&rs).unwrap_or_default())
        }),
        ("GET", ["api", "commandresults"]) => {
            v1_list(state, ctx, req, |o| o.command_results.values().map(to_bytes).collect())
        }
        ("GET", ["api", "commandresults", id]) => read(state, ctx, |o| {
            o.command_results
                .get(*id)
                .map(|c| serde_json::to_vec(c).unwrap_or_default())
                .ok_or_else(|| not_found("command result", id))
        }),
        ("POST", ["api", "runCommand"]) => run_command(state, ctx, req),
        _ => return None,
    })
}

/// v1 organizations: the ones the admin may see, and one of them.
fn organization_routes(state: &SimState, ctx: &Ctx, req: &Req, at: (&str, &[&str])) -> Option<Resp> {
    Some(match at {
        ("GET", ["api", "organizations"]) => organizations(state, ctx, req),
        ("GET", ["api", "organizations", id]) => organization(state, ctx, id),
        _ => return None,
    })
}

/// v2 user and device groups: listing, create, read, edit, delete, members and membership.
fn group_routes(state: &SimState, ctx: &Ctx, req: &Req, faults: &Faults, at: (&str, &[&str])) -> Option<Resp> {
    Some(match at {
        ("GET", ["api", "v2", kind @ ("usergroups" | "systemgroups")]) => {
            let ug = *kind == "usergroups";
            v2_list(state, ctx, req, 100, |o| groups(o, ug).values().map(to_bytes).collect())
        }
        ("POST", ["api", "v2", kind @ ("usergroups" | "systemgroups")]) => {
            group_create(state, ctx, req, *kind == "usergroups")
        }
        ("GET", ["api", "v2", kind @ ("usergroups" | "systemgroups"), id]) => {
            let ug = *kind == "usergroups";
            read(state, ctx, |o| {
                groups(o, ug)
                    .get(*id)
                    .map(|g| serde_json::to_vec(g).unwrap_or_default())
                    .ok_or_else(|| not_found("group", id))
            })
        }
        ("PUT" | "PATCH", ["api", "v2", kind @ ("usergroups" | "systemgroups"), id]) => {
            group_update(state, ctx, req, *kind == "usergroups", id)
        }
        ("DELETE", ["api", "v2", kind @ ("usergroups" | "systemgroups"), id]) => {
            group_delete(state, ctx, *kind == "usergroups", id)
        }
        ("GET", ["api", "v2", kind @ ("usergroups" | "systemgroups"), id, "members"]) => {
            group_members(state, ctx, req, *kind == "usergroups", id, faults)
        }
        ("POST", ["api", "v2", kind @ ("usergroups" | "systemgroups"), id, "members"]) => {
            group_member_edit(state, ctx, req, *kind == "usergroups", id)
        }
        ("GET", ["api", "v2", kind @ ("usergroups" | "systemgroups"), id, "membership"]) => {
            group_membership(state, ctx, req, *kind == "usergroups", id)
        }
        ("GET", ["api", "v2", "users", id, "memberof"]) => memberof(state, ctx, req, true, id),
        ("GET", ["api", "v2", "systems", id, "memberof"]) => memberof(state, ctx, req, false, id),
        _ => return None,
    })
}

/// The v2 graph: bindings between users and devices, app assignments, and associations.
fn graph_routes(state: &SimState, ctx: &Ctx, req: &Req, at: (&str, &[&str])) -> Option<Resp> {
    Some(match at {
        ("GET", ["api", "v2", "systems", id, "users"]) => system_users(state, ctx, req, id),
        ("GET", ["api", "v2", "users", id, "systems"]) => user_systems(state, ctx, req, id),
        ("GET", ["api", "v2", "users", id, "applications"]) => user_apps(state, ctx, req, id),
        ("GET", ["api", "v2", "applications", id, "users"]) => app_users(state, ctx, req, id),
        ("GET", ["api", "v2", "applications", id, "usergroups"]) => app_groups(state, ctx, req, id),
        ("GET", ["api", "v2", kind, id, "associations"]) => associations_get(state, ctx, req, kind, id),
        ("POST", ["api", "v2", kind, id, "associations"]) => associations_post(state, ctx, req, kind, id),
        _ => return None,
    })
}

/// Device facts and management: System Insights tables and Apple MDM.
fn device_routes(state: &SimState, ctx: &Ctx, req: &Req, at: (&str, &[&str])) -> Option<Resp> {
    Some(match at {
        ("GET", ["api", "v2", "systeminsights", table]) => system_insights(state, ctx, req, table),
        ("GET", ["api", "v2", "applemdms"]) => apple_mdms(state, ctx),
        ("GET", ["api", "v2", "applemdms", mdm, "devices"]) => mdm_devices(state, ctx, req, mdm),
        ("POST", ["api", "v2", "applemdms", mdm, "devices", dev, action]) => {
            mdm_action(state, ctx, req, mdm, dev, action)
        }
        _ => return None,
    })
}

/// Admins, roles and the provider's organizations.
fn admin_routes(state: &SimState, ctx: &Ctx, req: &Req, at: (&str, &[&str])) -> Option<Resp> {
    Some(match at {
        ("GET", ["api", "v2", "providers", pid, "administrators"]) => administrators(state, ctx, req, pid),
        ("GET", ["api", "v2", "providers", pid, "organizations"]) => provider_organizations(state, ctx, pid),
        ("GET", ["api", "v2", "roles"]) => roles(),
        _ => return None,
    })
}
