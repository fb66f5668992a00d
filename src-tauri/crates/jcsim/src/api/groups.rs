//! User and device groups: CRUD, direct members, effective membership, memberof.

use super::*;

pub(super) fn group_create(state: &SimState, ctx: &Ctx, req: &Req, ug: bool) -> Resp {
    if let Err(e) = require(ctx, WriteKind::Group, "create groups") {
        return e;
    }
    let body = match parse_body(req) {
        Ok(b) => b,
        Err(e) => return e,
    };
    let Some(name) = body
        .get("name")
        .and_then(Value::as_str)
        .map(str::trim)
        .filter(|n| !n.is_empty())
    else {
        return error_details("Bad Request: name is required");
    };
    let mut w = state.world.write().expect("world lock");
    if groups(&w.orgs[ctx.org], ug)
        .values()
        .any(|g| g.name.eq_ignore_ascii_case(name))
    {
        return error(
            StatusCode::CONFLICT,
            &format!("Conflict: a group named \"{name}\" already exists"),
        );
    }
    let id = w.next_id(ctx.now_ms);
    let org_id = w.orgs[ctx.org].id().to_string();
    let g = Group {
        id: id.clone(),
        name: name.to_string(),
        description: body.get("description").and_then(Value::as_str).unwrap_or("").into(),
        email: body.get("email").and_then(Value::as_str).unwrap_or("").into(),
        kind: if ug { "user_group".into() } else { "system_group".into() },
        attributes: body.get("attributes").cloned(),
        membership_method: body
            .get("membershipMethod")
            .and_then(Value::as_str)
            .unwrap_or("STATIC")
            .into(),
        organization_object_id: Some(org_id),
    };
    let out = to_bytes(&g);
    let res = Some(EventResource {
        id: id.clone(),
        kind: if ug { "user_group" } else { "system_group" },
        name: g.name.clone(),
    });
    groups_mut(&mut w.orgs[ctx.org], ug).insert(id, g);
    record_event(
        &mut w,
        ctx,
        "directory",
        if ug { "usergroup_create" } else { "systemgroup_create" },
        res,
        None,
    );
    Resp::json(StatusCode::CREATED, out.to_vec())
}

pub(super) fn group_update(state: &SimState, ctx: &Ctx, req: &Req, ug: bool, id: &str) -> Resp {
    if let Err(e) = require(ctx, WriteKind::Group, "edit groups") {
        return e;
    }
    let body = match parse_body(req) {
        Ok(b) => b,
        Err(e) => return e,
    };
    if req.method == Method::PUT
        && body
            .get("name")
            .and_then(Value::as_str)
            .is_none_or(|n| n.trim().is_empty())
    {
        return error_details("Bad Request: name is required");
    }
    let mut w = state.world.write().expect("world lock");
    let Some(cur) = groups(&w.orgs[ctx.org], ug).get(id).cloned() else {
        return not_found("group", id);
    };
    let g: Group = match merge(
        &cur,
        &body,
        &["name", "description", "email", "attributes", "membershipMethod"],
    ) {
        Ok(g) => g,
        Err(e) => return e,
    };
    let out = to_bytes(&g);
    let res = Some(EventResource {
        id: id.to_string(),
        kind: if ug { "user_group" } else { "system_group" },
        name: g.name.clone(),
    });
    groups_mut(&mut w.orgs[ctx.org], ug).insert(id.to_string(), g);
    record_event(
        &mut w,
        ctx,
        "directory",
        if ug { "usergroup_update" } else { "systemgroup_update" },
        res,
        None,
    );
    Resp::json(StatusCode::OK, out.to_vec())
}

pub(super) fn group_delete(state: &SimState, ctx: &Ctx, ug: bool, id: &str) -> Resp {
    if let Err(e) = require(ctx, WriteKind::Group, "delete groups") {
        return e;
    }
    let mut w = state.world.write().expect("world lock");
    let o = &mut w.orgs[ctx.org];
    let Some(g) = groups_mut(o, ug).remove(id) else {
        return not_found("group", id);
    };
    o.remove_group_edges(id);
    let res = Some(EventResource {
        id: id.to_string(),
        kind: if ug { "user_group" } else { "system_group" },
        name: g.name.clone(),
    });
    record_event(
        &mut w,
        ctx,
        "directory",
        if ug { "usergroup_delete" } else { "systemgroup_delete" },
        res,
        None,
    );
    Resp::json(StatusCode::OK, to_bytes(&g).to_vec())
}

/// A GraphConnection to `(type, id)`.
pub(super) fn gc(kind: &str, id: &str, attributes: Value) -> Value {
    json!({ "attributes": attributes, "to": { "attributes": Value::Null, "id": id, "type": kind } })
}

/// A GraphObjectWithPaths for `(type, id)` reached through `paths` (each a chain of hops).
pub(super) fn gowp(kind: &str, id: &str, paths: Vec<Vec<(&str, &str)>>, compiled: Value) -> Value {
    let paths: Vec<Value> = paths
        .into_iter()
        .map(|p| Value::Array(p.into_iter().map(|(k, i)| gc(k, i, Value::Null)).collect()))
        .collect();
    json!({ "id": id, "type": kind, "paths": paths, "compiledAttributes": compiled })
}

/// Pages a graph listing of `items` (already in order) and serializes only the page.
pub(super) fn graph_page(req: &Req, items: Vec<Value>) -> Resp {
    let q = match list(req, Flavor::V2, 100) {
        Ok(q) => q,
        Err(e) => return e,
    };
    if !q.needs_values() && !q.descending_by_id() {
        // The common case: serialize only the page.
        let total = items.len();
        let page: Vec<Bytes> = items
            .into_iter()
            .skip(q.skip)
            .take(q.limit)
            .map(|v| Bytes::from(v.to_string()))
            .collect();
        let page: Vec<Bytes> = if q.fields.is_empty() {
            page
        } else {
            page.iter().map(|b| query::project(b, &q.fields)).collect()
        };
        return Resp::json(StatusCode::OK, query::json_array(&page)).with_total(total);
    }
    let records: Vec<Bytes> = items.into_iter().map(|v| Bytes::from(v.to_string())).collect();
    let page = query::apply(records, &q);
    Resp::json(StatusCode::OK, query::json_array(&page.items)).with_total(page.total)
}

pub(super) fn group_members(state: &SimState, ctx: &Ctx, req: &Req, ug: bool, id: &str, faults: &Faults) -> Resp {
    let q = match list(req, Flavor::V2, 100) {
        Ok(q) => q,
        Err(e) => return e,
    };
    let w = state.world.read().expect("world lock");
    let o = &w.orgs[ctx.org];
    if !groups(o, ug).contains_key(id) {
        return not_found("group", id);
    }
    let members = if ug { o.ug_members.get(id) } else { o.sg_members.get(id) };
    let kind = if ug { "user" } else { "system" };
    // With dangling members, every 7th edge points at a deleted record: it counts in the total
    // and takes a slot of the page, then is dropped, so the page comes back short.
    let mut edges: Vec<Option<&Id>> = Vec::new();
    for (i, m) in members.into_iter().flatten().enumerate() {
        if faults.dangling_members && i % 7 == 3 {
            edges.push(None);
        }
        edges.push(Some(m));
    }
    let total = edges.len();
    let page: Vec<Value> = edges
        .into_iter()
        .skip(q.skip)
        .take(q.limit)
        .flatten()
        .map(|m| gc(kind, m, Value::Null))
        .collect();
    Resp::value(StatusCode::OK, &Value::Array(page)).with_total(total)
}

/// `POST /api/v2/{usergroups|systemgroups}/{id}/members`: adds or removes one member.
pub(super) fn group_member_edit(state: &SimState, ctx: &Ctx, req: &Req, ug: bool, id: &str) -> Resp {
    let (op, member) = match member_edit(ctx, req, ug) {
        Ok(edit) => edit,
        Err(e) => return e,
    };
    let want_kind = if ug { "user" } else { "system" };
    let mut w = state.world.write().expect("world lock");
    let o = &mut w.orgs[ctx.org];
    if !groups(o, ug).contains_key(id) {
        return not_found("group", id);
    }
    let exists = if ug {
        o.users.contains_key(&member)
    } else {
        o.systems.contains_key(&member)
    };
    if !exists {
        return not_found(want_kind, &member);
    }
    let set = if ug {
        o.ug_members.entry(id.to_string()).or_default()
    } else {
        o.sg_members.entry(id.to_string()).or_default()
    };
    let changed = if op == "add" {
        set.insert(member.clone())
    } else {
        set.remove(&member)
    };
    if !changed {
        return if op == "add" {
            error(StatusCode::CONFLICT, "Already Exists")
        } else {
            not_found("membership of", &member)
        };
    }
    let name = if ug {
        o.users.get(&member).map(|u| u.rec().username.clone())
    } else {
        o.systems.get(&member).map(|s| s.rec().hostname.clone())
    };
    let res = Some(EventResource {
        id: member,
        kind: if ug { "user" } else { "system" },
        name: name.unwrap_or_default(),
    });
    let (group_type, member_type) = if ug {
        ("user_group", "user")
    } else {
        ("system_group", "system")
    };
    let member_id = res.as_ref().map(|r| r.id.clone()).unwrap_or_default();
    record_association(&mut w, ctx, &op, (group_type, id), (member_type, &member_id), res);
    Resp::empty(StatusCode::NO_CONTENT)
}

/// The membership edit the request asks for (the op and the member's id), once the admin may
/// make it and the body names a member of the group's kind.
fn member_edit(ctx: &Ctx, req: &Req, ug: bool) -> Result<(String, String), Resp> {
    require(ctx, WriteKind::Group, "change group membership")?;
    let body = parse_body(req)?;
    let op = body.get("op").and_then(Value::as_str).unwrap_or("");
    let kind = body.get("type").and_then(Value::as_str).unwrap_or("");
    let member = body.get("id").and_then(Value::as_str).unwrap_or("").to_string();
    let want_kind = if ug { "user" } else { "system" };
    if op != "add" && op != "remove" {
        return Err(error_details(&format!(
            "Bad Request: op must be add or remove, not \"{op}\""
        )));
    }
    if kind != want_kind {
        return Err(error_details(&format!(
            "Bad Request: type must be {want_kind}, not \"{kind}\""
        )));
    }
    if !is_object_id(&member) {
        return Err(error_details(&format!(
            "Bad Request: id \"{member}\" is not a valid object id"
        )));
    }
    Ok((op.to_string(), member))
}

pub(super) fn group_membership(state: &SimState, ctx: &Ctx, req: &Req, ug: bool, id: &str) -> Resp {
    let w = state.world.read().expect("world lock");
    let o = &w.orgs[ctx.org];
    if !groups(o, ug).contains_key(id) {
        return not_found("group", id);
    }
    let members = if ug { o.ug_members.get(id) } else { o.sg_members.get(id) };
    let (kind, gkind) = if ug {
        ("user", "user_group")
    } else {
        ("system", "system_group")
    };
    let items: Vec<Value> = members
        .into_iter()
        .flatten()
        .map(|m| gowp(kind, m, vec![vec![(gkind, id)]], Value::Null))
        .collect();
    drop(w);
    graph_page(req, items)
}

pub(super) fn memberof(state: &SimState, ctx: &Ctx, req: &Req, user: bool, id: &str) -> Resp {
    let w = state.world.read().expect("world lock");
    let o = &w.orgs[ctx.org];
    let exists = if user {
        o.users.contains_key(id)
    } else {
        o.systems.contains_key(id)
    };
    if !exists {
        return not_found(if user { "user" } else { "system" }, id);
    }
    let gkind = if user { "user_group" } else { "system_group" };
    let gs = if user {
        o.groups_of_user(id)
    } else {
        o.groups_of_system(id)
    };
    let items: Vec<Value> = gs
        .iter()
        .map(|g| gowp(gkind, g, vec![vec![(gkind, g)]], Value::Null))
        .collect();
    drop(w);
    graph_page(req, items)
}
