//! The graph: bindings, who reaches what (users, systems, apps) and the associations API.

use super::*;

/// Objects reached from one record: for each, the paths (chains of `(type, id)` hops) and the
/// sudo attributes of a direct binding.
pub(super) type Reach = std::collections::BTreeMap<Id, (Vec<Vec<(String, String)>>, Sudo)>;

/// GraphObjectWithPaths for everything in `reach`.
pub(super) fn reach_items(kind: &str, reach: &Reach) -> Vec<Value> {
    reach
        .iter()
        .map(|(id, (paths, sudo))| {
            let paths = paths
                .iter()
                .map(|p| p.iter().map(|(k, i)| (k.as_str(), i.as_str())).collect())
                .collect();
            gowp(kind, id, paths, sudo_attr(*sudo))
        })
        .collect()
}

pub(super) fn sudo_attr(s: Sudo) -> Value {
    json!({ "sudo": { "enabled": s.enabled, "withoutPassword": s.without_password } })
}

/// Users who can reach a system: bound directly, through a user group bound to it, or through a
/// user group bound to a system group that contains it.
pub(super) fn system_users(state: &SimState, ctx: &Ctx, req: &Req, id: &str) -> Resp {
    let w = state.world.read().expect("world lock");
    let o = &w.orgs[ctx.org];
    if !o.systems.contains_key(id) {
        return not_found("system", id);
    }
    let mut out = Reach::default();
    for (u, sudo) in o.bindings.get(id).into_iter().flatten() {
        out.entry(u.clone())
            .or_default()
            .0
            .push(vec![("system".into(), id.to_string())]);
        out.get_mut(u).expect("just inserted").1 = *sudo;
    }
    let sys_groups = o.groups_of_system(id);
    for (ug, members) in &o.ug_members {
        let direct = o.ug_systems.get(ug).is_some_and(|s| s.contains(id));
        let via: Vec<&Id> = o
            .ug_system_groups
            .get(ug)
            .into_iter()
            .flatten()
            .filter(|sg| sys_groups.contains(sg))
            .collect();
        if !direct && via.is_empty() {
            continue;
        }
        for u in members {
            let e = out.entry(u.clone()).or_default();
            if direct {
                e.0.push(vec![
                    ("user_group".into(), ug.clone()),
                    ("system".into(), id.to_string()),
                ]);
            }
            for sg in &via {
                e.0.push(vec![
                    ("user_group".into(), ug.clone()),
                    ("system_group".into(), (*sg).clone()),
                    ("system".into(), id.to_string()),
                ]);
            }
        }
    }
    let items = reach_items("user", &out);
    drop(w);
    graph_page(req, items)
}

pub(super) fn user_systems(state: &SimState, ctx: &Ctx, req: &Req, id: &str) -> Resp {
    let w = state.world.read().expect("world lock");
    let o = &w.orgs[ctx.org];
    if !o.users.contains_key(id) {
        return not_found("user", id);
    }
    let mut out = Reach::default();
    for (sys, users) in &o.bindings {
        if let Some(sudo) = users.get(id) {
            let e = out.entry(sys.clone()).or_default();
            e.0.push(vec![("system".into(), sys.clone())]);
            e.1 = *sudo;
        }
    }
    for ug in o.groups_of_user(id) {
        for sys in o.ug_systems.get(&ug).into_iter().flatten() {
            out.entry(sys.clone())
                .or_default()
                .0
                .push(vec![("user_group".into(), ug.clone()), ("system".into(), sys.clone())]);
        }
        for sg in o.ug_system_groups.get(&ug).into_iter().flatten() {
            for sys in o.sg_members.get(sg).into_iter().flatten() {
                out.entry(sys.clone()).or_default().0.push(vec![
                    ("user_group".into(), ug.clone()),
                    ("system_group".into(), sg.clone()),
                    ("system".into(), sys.clone()),
                ]);
            }
        }
    }
    let items = reach_items("system", &out);
    drop(w);
    graph_page(req, items)
}

pub(super) fn user_apps(state: &SimState, ctx: &Ctx, req: &Req, id: &str) -> Resp {
    let w = state.world.read().expect("world lock");
    let o = &w.orgs[ctx.org];
    if !o.users.contains_key(id) {
        return not_found("user", id);
    }
    let ugs = o.groups_of_user(id);
    let mut items = vec![];
    for app in o.apps.keys() {
        let mut paths = vec![];
        if o.app_users.get(app).is_some_and(|u| u.contains(id)) {
            paths.push(vec![("application", app.as_str())]);
        }
        for g in o.app_groups.get(app).into_iter().flatten().filter(|g| ugs.contains(g)) {
            paths.push(vec![("user_group", g.as_str()), ("application", app.as_str())]);
        }
        if !paths.is_empty() {
            items.push(gowp("application", app, paths, Value::Null));
        }
    }
    drop(w);
    graph_page(req, items)
}

pub(super) fn app_users(state: &SimState, ctx: &Ctx, req: &Req, id: &str) -> Resp {
    let w = state.world.read().expect("world lock");
    let o = &w.orgs[ctx.org];
    if !o.apps.contains_key(id) {
        return not_found("application", id);
    }
    let mut out: std::collections::BTreeMap<&Id, Vec<Vec<(&str, &str)>>> = Default::default();
    for u in o.app_users.get(id).into_iter().flatten() {
        out.entry(u).or_default().push(vec![("application", id)]);
    }
    for g in o.app_groups.get(id).into_iter().flatten() {
        for u in o.ug_members.get(g).into_iter().flatten() {
            out.entry(u)
                .or_default()
                .push(vec![("user_group", g.as_str()), ("application", id)]);
        }
    }
    lazy_graph_page(req, out.into_iter().collect(), |(u, p)| gowp("user", u, p, Value::Null))
}

/// Like `graph_page`, but builds the JSON objects of the page only (for listings of thousands).
pub(super) fn lazy_graph_page<T>(req: &Req, entries: Vec<T>, build: impl Fn(T) -> Value) -> Resp {
    let q = match list(req, Flavor::V2, 100) {
        Ok(q) => q,
        Err(e) => return e,
    };
    if q.needs_values() || q.descending_by_id() || !q.fields.is_empty() {
        return graph_page(req, entries.into_iter().map(build).collect());
    }
    let total = entries.len();
    let page: Vec<Bytes> = entries
        .into_iter()
        .skip(q.skip)
        .take(q.limit)
        .map(|e| Bytes::from(build(e).to_string()))
        .collect();
    Resp::json(StatusCode::OK, query::json_array(&page)).with_total(total)
}

pub(super) fn app_groups(state: &SimState, ctx: &Ctx, req: &Req, id: &str) -> Resp {
    let w = state.world.read().expect("world lock");
    let o = &w.orgs[ctx.org];
    if !o.apps.contains_key(id) {
        return not_found("application", id);
    }
    let items: Vec<Value> = o
        .app_groups
        .get(id)
        .into_iter()
        .flatten()
        .map(|g| gowp("user_group", g, vec![vec![("application", id)]], Value::Null))
        .collect();
    drop(w);
    graph_page(req, items)
}

/// The direct associations of an object, by target type: `(type, id, attributes)` of each
/// object at the other end; None when the object does not exist.
pub(super) fn direct_associations(o: &Org, kind: &str, id: &str, target: &str) -> Option<Vec<(String, Id, Value)>> {
    Some(match (kind, target) {
        ("systems", "user") => {
            o.systems.get(id)?;
            o.bindings
                .get(id)
                .into_iter()
                .flatten()
                .map(|(u, s)| ("user".into(), u.clone(), sudo_attr(*s)))
                .collect()
        }
        ("users", "system") => {
            o.users.get(id)?;
            o.bindings
                .iter()
                .filter_map(|(sys, users)| users.get(id).map(|s| ("system".into(), sys.clone(), sudo_attr(*s))))
                .collect()
        }
        ("users", "application") => {
            o.users.get(id)?;
            holders("application", &o.app_users, id)
        }
        ("usergroups", "system_group") => {
            o.user_groups.get(id)?;
            listed("system_group", o.ug_system_groups.get(id))
        }
        ("usergroups", "system") => {
            o.user_groups.get(id)?;
            listed("system", o.ug_systems.get(id))
        }
        ("usergroups", "application") => {
            o.user_groups.get(id)?;
            holders("application", &o.app_groups, id)
        }
        ("systemgroups", "user_group") => {
            o.system_groups.get(id)?;
            holders("user_group", &o.ug_system_groups, id)
        }
        ("applications", "user") => {
            o.apps.get(id)?;
            listed("user", o.app_users.get(id))
        }
        ("applications", "user_group") => {
            o.apps.get(id)?;
            listed("user_group", o.app_groups.get(id))
        }
        ("commands", "system" | "system_group") => {
            o.commands.get(id)?;
            o.command_targets
                .get(id)
                .into_iter()
                .flatten()
                .filter(|(k, _)| k == target)
                .map(|(k, t)| (k.clone(), t.clone(), Value::Null))
                .collect()
        }
        _ => vec![],
    })
}

/// The members of an edge set, as associations of type `kind` without attributes.
fn listed(kind: &str, set: Option<&BTreeSet<Id>>) -> Vec<(String, Id, Value)> {
    set.into_iter()
        .flatten()
        .map(|g| (kind.into(), g.clone(), Value::Null))
        .collect()
}

/// The keys of an edge map whose sets hold `id`, as associations of type `kind` without attributes.
fn holders(kind: &str, edges: &std::collections::BTreeMap<Id, BTreeSet<Id>>, id: &str) -> Vec<(String, Id, Value)> {
    edges
        .iter()
        .filter(|(_, set)| set.contains(id))
        .map(|(k, _)| (kind.into(), k.clone(), Value::Null))
        .collect()
}

pub(super) fn exists(o: &Org, kind: &str, id: &str) -> bool {
    match kind {
        "systems" => o.systems.contains_key(id),
        "users" => o.users.contains_key(id),
        "usergroups" => o.user_groups.contains_key(id),
        "systemgroups" => o.system_groups.contains_key(id),
        "applications" => o.apps.contains_key(id),
        "commands" => o.commands.contains_key(id),
        _ => false,
    }
}

pub(super) fn associations_get(state: &SimState, ctx: &Ctx, req: &Req, kind: &str, id: &str) -> Resp {
    let Some(targets) = query_param(req, "targets") else {
        return error_details("Bad Request: targets is required");
    };
    let w = state.world.read().expect("world lock");
    let o = &w.orgs[ctx.org];
    if !exists(o, kind, id) {
        return if [
            "systems",
            "users",
            "usergroups",
            "systemgroups",
            "applications",
            "commands",
        ]
        .contains(&kind)
        {
            not_found(kind, id)
        } else {
            error(StatusCode::NOT_FOUND, &format!("jcsim does not serve GET {}", req.path))
        };
    }
    let mut items = vec![];
    for t in targets.split(',') {
        if let Some(list) = direct_associations(o, kind, id, t.trim()) {
            items.extend(list.into_iter().map(|(k, i, a)| gc(&k, &i, a)));
        }
    }
    drop(w);
    graph_page(req, items)
}

/// An association edit as the request body asks it: the op, the object at the other end, and
/// the binding's sudo attributes.
struct AssociationEdit {
    op: String,
    target: String,
    tid: String,
    sudo: Sudo,
}

/// `POST /api/v2/{kind}/{id}/associations`: adds, removes or updates one edge of the graph.
pub(super) fn associations_post(state: &SimState, ctx: &Ctx, req: &Req, kind: &str, id: &str) -> Resp {
    let edit = match association_edit(ctx, req, kind) {
        Ok(edit) => edit,
        Err(e) => return e,
    };
    let mut w = state.world.write().expect("world lock");
    let o = &mut w.orgs[ctx.org];
    if !exists(o, kind, id) {
        return not_found(kind, id);
    }
    if let Err(e) = check_target(o, kind, &edit) {
        return e;
    }
    let changed = apply_association(o, kind, id, &edit);
    let AssociationEdit { op, target, tid, .. } = edit;
    match changed {
        None => error_details(&format!(
            "Bad Request: type \"{target}\" cannot be associated with {kind}"
        )),
        Some(false) if op == "add" => error(StatusCode::CONFLICT, "Already Exists"),
        Some(false) if op == "remove" => not_found("association with", &tid),
        Some(_) => {
            let resource = Some(EventResource {
                id: tid.clone(),
                kind: "association",
                name: target.clone(),
            });
            record_association(
                &mut w,
                ctx,
                &op,
                (association_type(kind), id),
                (&target, &tid),
                resource,
            );
            Resp::empty(StatusCode::NO_CONTENT)
        }
    }
}

/// The edit the request asks for, once the admin may make it and the body is well formed.
fn association_edit(ctx: &Ctx, req: &Req, kind: &str) -> Result<AssociationEdit, Resp> {
    let write = match kind {
        "systems" | "users" => WriteKind::System,
        "usergroups" | "systemgroups" => WriteKind::Group,
        "applications" => WriteKind::Application,
        "commands" => WriteKind::CommandEdit,
        _ => {
            return Err(error(
                StatusCode::NOT_FOUND,
                &format!("jcsim does not serve POST {}", req.path),
            ))
        }
    };
    require(ctx, write, "change associations")?;
    let body = parse_body(req)?;
    let op = body.get("op").and_then(Value::as_str).unwrap_or("").to_string();
    let target = body.get("type").and_then(Value::as_str).unwrap_or("").to_string();
    let tid = body.get("id").and_then(Value::as_str).unwrap_or("").to_string();
    if op != "add" && op != "remove" && op != "update" {
        return Err(error_details(&format!(
            "Bad Request: op must be add, remove or update, not \"{op}\""
        )));
    }
    if !is_object_id(&tid) {
        return Err(error_details(&format!(
            "Bad Request: id \"{tid}\" is not a valid object id"
        )));
    }
    let sudo = body
        .get("attributes")
        .and_then(|a| a.get("sudo"))
        .map(|s| Sudo {
            enabled: s.get("enabled").and_then(Value::as_bool).unwrap_or(false),
            without_password: s.get("withoutPassword").and_then(Value::as_bool).unwrap_or(false),
        })
        .unwrap_or_default();
    Ok(AssociationEdit { op, target, tid, sudo })
}

/// The refusal when the edit's target type is unknown or its target does not exist.
fn check_target(o: &Org, kind: &str, edit: &AssociationEdit) -> Result<(), Resp> {
    let (target, tid) = (&edit.target, &edit.tid);
    let target_exists = match target.as_str() {
        "user" => o.users.contains_key(tid),
        "system" => o.systems.contains_key(tid),
        "user_group" => o.user_groups.contains_key(tid),
        "system_group" => o.system_groups.contains_key(tid),
        "application" => o.apps.contains_key(tid),
        _ => {
            return Err(error_details(&format!(
                "Bad Request: type \"{target}\" cannot be associated with {kind}"
            )))
        }
    };
    if !target_exists {
        return Err(not_found(target, tid));
    }
    Ok(())
}

/// Makes the edit on the graph: Some(whether anything changed) for a supported pair of types,
/// None otherwise.
fn apply_association(o: &mut Org, kind: &str, id: &str, edit: &AssociationEdit) -> Option<bool> {
    let (op, target, tid, sudo) = (edit.op.as_str(), &edit.target, &edit.tid, edit.sudo);
    let add = op != "remove";
    match (kind, target.as_str()) {
        ("systems", "user") | ("users", "system") => {
            let (sys, user) = if kind == "systems" {
                (id.to_string(), tid.clone())
            } else {
                (tid.clone(), id.to_string())
            };
            let b = o.bindings.entry(sys).or_default();
            Some(match op {
                "add" => b.insert(user, sudo).is_none(),
                "update" => b.insert(user, sudo).is_some(),
                _ => b.remove(&user).is_some(),
            })
        }
        ("usergroups", "system_group") | ("systemgroups", "user_group") => {
            let (ug, sg) = if kind == "usergroups" {
                (id.to_string(), tid.clone())
            } else {
                (tid.clone(), id.to_string())
            };
            let s = o.ug_system_groups.entry(ug).or_default();
            Some(if add { s.insert(sg) } else { s.remove(&sg) })
        }
        ("usergroups", "system") => {
            let s = o.ug_systems.entry(id.to_string()).or_default();
            Some(if add { s.insert(tid.clone()) } else { s.remove(tid) })
        }
        ("usergroups", "application") | ("applications", "user_group") => {
            let (ug, app) = if kind == "usergroups" {
                (id.to_string(), tid.clone())
            } else {
                (tid.clone(), id.to_string())
            };
            let s = o.app_groups.entry(app).or_default();
            Some(if add { s.insert(ug) } else { s.remove(&ug) })
        }
        ("users", "application") | ("applications", "user") => {
            let (u, app) = if kind == "users" {
                (id.to_string(), tid.clone())
            } else {
                (tid.clone(), id.to_string())
            };
            let s = o.app_users.entry(app).or_default();
            Some(if add { s.insert(u) } else { s.remove(&u) })
        }
        ("commands", "system" | "system_group") => {
            let s = o.command_targets.entry(id.to_string()).or_default();
            Some(if add {
                s.insert((target.clone(), tid.clone()))
            } else {
                s.remove(&(target.clone(), tid.clone()))
            })
        }
        _ => None,
    }
}
