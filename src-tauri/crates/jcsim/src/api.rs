//! JumpCloud's routes: v1 under `/api`, v2 under `/api/v2`, Directory Insights under
//! `/insights/directory/v1`. One `route` function matches method and path; anything it does
//! not know is a loud 404 naming the route, so a request nobody meant to send fails a test.

use crate::clock::{parse_rfc3339_ms, rfc3339_ms};
use crate::faults::Faults;
use crate::model::*;
use crate::query::{self, Flavor, ListQuery};
use crate::server::SimState;
use crate::world::{Org, Stored, Sudo, World};
use axum::http::{HeaderMap, Method, StatusCode};
use bytes::Bytes;
use serde_json::{json, Map, Value};
use std::collections::BTreeSet;

/// Who is asking, in which org.
#[derive(Debug, Clone)]
pub struct Ctx {
    pub admin: Admin,
    pub org: usize,
    pub now_ms: i64,
}

pub struct Req {
    pub method: Method,
    pub path: String,
    pub query: Option<String>,
    pub headers: HeaderMap,
    pub body: Bytes,
}

/// A response before faults are applied.
#[derive(Debug, Clone)]
pub struct Resp {
    pub status: StatusCode,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
    pub is_json: bool,
}

impl Resp {
    fn json(status: StatusCode, body: Vec<u8>) -> Self {
        Self {
            status,
            headers: vec![],
            body,
            is_json: true,
        }
    }
    fn value(status: StatusCode, v: &Value) -> Self {
        Self::json(status, v.to_string().into_bytes())
    }
    fn ok(v: &Value) -> Self {
        Self::value(StatusCode::OK, v)
    }
    fn empty(status: StatusCode) -> Self {
        Self {
            status,
            headers: vec![],
            body: vec![],
            is_json: false,
        }
    }
    /// Some v1 actions answer 200 with a bare JSON string.
    fn string(s: &str) -> Self {
        Self::json(StatusCode::OK, Value::String(s.into()).to_string().into_bytes())
    }
    fn with_total(mut self, total: usize) -> Self {
        self.headers.push(("x-total-count".into(), total.to_string()));
        self
    }
}

/// JumpCloud's `Error {code, message, status}` body.
pub fn error(status: StatusCode, message: &str) -> Resp {
    Resp::value(
        status,
        &json!({ "code": status.as_u16(), "message": message, "status": status.canonical_reason().unwrap_or("") }),
    )
}

/// v2's 400 `ErrorDetails` (Error + details).
fn error_details(message: &str) -> Resp {
    Resp::value(
        StatusCode::BAD_REQUEST,
        &json!({ "code": 400, "message": message, "status": "Bad Request", "details": [] }),
    )
}

/// Directory Insights' `ErrorMessage {message}`.
pub fn di_error(status: StatusCode, message: &str) -> Resp {
    Resp::value(status, &json!({ "message": message }))
}

fn not_found(what: &str, id: &str) -> Resp {
    error(StatusCode::NOT_FOUND, &format!("{what} {id} not found"))
}

fn forbidden(ctx: &Ctx, op: &str) -> Resp {
    error(
        StatusCode::FORBIDDEN,
        &format!("Forbidden: the {} role may not {op}", ctx.admin.role.name()),
    )
}

fn require(ctx: &Ctx, kind: WriteKind, op: &str) -> Result<(), Resp> {
    if ctx.admin.role.may(kind) {
        Ok(())
    } else {
        Err(forbidden(ctx, op))
    }
}

fn parse_body(req: &Req) -> Result<Map<String, Value>, Resp> {
    if req.body.iter().all(u8::is_ascii_whitespace) {
        return Ok(Map::new());
    }
    match serde_json::from_slice::<Value>(&req.body) {
        Ok(Value::Object(m)) => Ok(m),
        Ok(_) => Err(error_details("Bad Request: the body must be a JSON object")),
        Err(e) => Err(error_details(&format!("Bad Request: invalid JSON body: {e}"))),
    }
}

fn list(req: &Req, flavor: Flavor, max: usize) -> Result<ListQuery, Resp> {
    ListQuery::parse(req.query.as_deref(), flavor, max).map_err(|e| error(StatusCode::BAD_REQUEST, &e.0))
}

fn query_param(req: &Req, name: &str) -> Option<String> {
    form_urlencoded::parse(req.query.as_deref().unwrap_or("").as_bytes())
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.into_owned())
}

/// Dispatches one authenticated request.
pub fn route(state: &SimState, ctx: &Ctx, req: &Req, faults: &Faults) -> Resp {
    let path = req.path.trim_end_matches('/').to_string();
    let segs: Vec<&str> = path.trim_start_matches('/').split('/').collect();
    let m = req.method.as_str();
    let r = match (m, segs.as_slice()) {
        // ---- Directory Insights ----
        ("POST", ["insights", "directory", "v1", "events"]) => di_events(state, ctx, req, false),
        ("POST", ["insights", "directory", "v1", "events", "count"]) => di_events(state, ctx, req, true),

        // ---- v1 users ----
        ("GET", ["api", "systemusers"]) => {
            between_pages(state, ctx, req, faults);
            stored_list(state, ctx, req, |o| &o.users)
        }
        ("POST", ["api", "search", "systemusers"]) => {
            v1_search(state, ctx, req, |o| o.users.values().map(|s| s.json.clone()).collect())
        }
        ("POST", ["api", "systemusers"]) => user_create(state, ctx, req),
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
        ("GET", ["api", "systemusers", id, "totpinfo"]) => read(state, ctx, |o| {
            let u = o.users.get(*id).ok_or_else(|| not_found("user", id))?;
            let u = u.rec();
            if u.totp_enabled {
                Ok(
                    json!({ "enrollmentDate": u.password_date.clone().unwrap_or_else(|| u.created.clone()) })
                        .to_string()
                        .into_bytes(),
                )
            } else {
                Err(error(StatusCode::NOT_FOUND, "TOTP not enrolled"))
            }
        }),

        // ---- v1 systems ----
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

        // ---- v1 applications, commands, organizations ----
        ("GET", ["api", "applications"]) => {
            let mut q = match list(req, Flavor::V1, 100) {
                Ok(q) => q,
                Err(e) => return e,
            };
            if q.sort.is_empty() {
                q.sort.push(("name".into(), false));
            }
            read_list(state, ctx, &q, Flavor::V1, |o| o.apps.values().map(to_bytes).collect())
        }
        ("GET", ["api", "applications", id]) | ("GET", ["api", "v2", "applications", id]) => read(state, ctx, |o| {
            o.apps
                .get(*id)
                .map(|a| serde_json::to_vec(a).unwrap_or_default())
                .ok_or_else(|| not_found("application", id))
        }),
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
        ("GET", ["api", "organizations"]) => organizations(state, ctx, req),
        ("GET", ["api", "organizations", id]) => {
            let w = state.world.read().expect("world lock");
            match w
                .orgs
                .iter()
                .find(|o| o.id() == *id && ctx.admin.org_ids.iter().any(|a| a == id))
            {
                Some(o) => Resp::ok(&serde_json::to_value(&o.org).unwrap_or_default()),
                None => error(StatusCode::NOT_FOUND, "Organization ID Not Found"),
            }
        }

        // ---- v2 groups ----
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

        // ---- v2 graph: bindings, apps ----
        ("GET", ["api", "v2", "systems", id, "users"]) => system_users(state, ctx, req, id),
        ("GET", ["api", "v2", "users", id, "systems"]) => user_systems(state, ctx, req, id),
        ("GET", ["api", "v2", "users", id, "applications"]) => user_apps(state, ctx, req, id),
        ("GET", ["api", "v2", "applications", id, "users"]) => app_users(state, ctx, req, id),
        ("GET", ["api", "v2", "applications", id, "usergroups"]) => app_groups(state, ctx, req, id),
        ("GET", ["api", "v2", kind, id, "associations"]) => associations_get(state, ctx, req, kind, id),
        ("POST", ["api", "v2", kind, id, "associations"]) => associations_post(state, ctx, req, kind, id),

        // ---- v2 System Insights ----
        ("GET", ["api", "v2", "systeminsights", table]) => system_insights(state, ctx, req, table),

        // ---- Apple MDM ----
        ("GET", ["api", "v2", "applemdms"]) => {
            let w = state.world.read().expect("world lock");
            let all: Vec<&AppleMdm> = w.orgs[ctx.org].apple_mdms.iter().collect();
            Resp::ok(&serde_json::to_value(&all).unwrap_or_default()).with_total(all.len())
        }
        ("GET", ["api", "v2", "applemdms", mdm, "devices"]) => mdm_devices(state, ctx, req, mdm),
        ("POST", ["api", "v2", "applemdms", mdm, "devices", dev, action]) => {
            mdm_action(state, ctx, req, mdm, dev, action)
        }

        // ---- admins, roles, providers ----
        ("GET", ["api", "v2", "providers", pid, "administrators"]) => administrators(state, ctx, req, pid),
        ("GET", ["api", "v2", "providers", pid, "organizations"]) => {
            let w = state.world.read().expect("world lock");
            if *pid != w.provider_id {
                return not_found("provider", pid);
            }
            let orgs: Vec<Value> = w
                .orgs
                .iter()
                .filter(|o| ctx.admin.org_ids.iter().any(|a| a == o.id()))
                .map(|o| json!({"id": o.id(), "name": o.name()}))
                .collect();
            Resp::ok(&json!({ "totalCount": orgs.len(), "results": orgs }))
        }
        ("GET", ["api", "v2", "roles"]) => {
            let results: Vec<Value> = Role::ALL
                .iter()
                .map(|r| json!({ "id": r.id(), "name": r.name(), "scopes": r.scopes(), "organizationIds": [], "isCustom": false, "description": "" }))
                .collect();
            Resp::ok(&json!({ "totalCount": results.len(), "results": results }))
        }
        _ => error(StatusCode::NOT_FOUND, &format!("jcsim does not serve {m} {}", req.path)),
    };
    r
}

fn to_bytes<T: serde::Serialize>(v: &T) -> Bytes {
    Bytes::from(serde_json::to_vec(v).unwrap_or_default())
}

fn groups(o: &Org, user_groups: bool) -> &std::collections::BTreeMap<Id, Group> {
    if user_groups {
        &o.user_groups
    } else {
        &o.system_groups
    }
}

fn groups_mut(o: &mut Org, user_groups: bool) -> &mut std::collections::BTreeMap<Id, Group> {
    if user_groups {
        &mut o.user_groups
    } else {
        &mut o.system_groups
    }
}

fn read(state: &SimState, ctx: &Ctx, f: impl FnOnce(&Org) -> Result<Vec<u8>, Resp>) -> Resp {
    let w = state.world.read().expect("world lock");
    match f(&w.orgs[ctx.org]) {
        Ok(b) => Resp::json(StatusCode::OK, b),
        Err(e) => e,
    }
}

fn read_list(
    state: &SimState,
    ctx: &Ctx,
    q: &ListQuery,
    flavor: Flavor,
    items: impl FnOnce(&Org) -> Vec<Bytes>,
) -> Resp {
    let records = {
        let w = state.world.read().expect("world lock");
        items(&w.orgs[ctx.org])
    };
    let page = query::apply(records, q);
    match flavor {
        Flavor::V1 => Resp::json(StatusCode::OK, query::v1_envelope(page.total, &page.items)),
        Flavor::V2 => Resp::json(StatusCode::OK, query::json_array(&page.items)).with_total(page.total),
    }
}

/// A v1 listing of stored records. Without filters, search or a sort other than `_id`, only
/// the page is touched: nothing is parsed or copied beyond the records served.
fn stored_list<T>(
    state: &SimState,
    ctx: &Ctx,
    req: &Req,
    pick: impl FnOnce(&Org) -> &std::collections::BTreeMap<Id, Stored<T>>,
) -> Resp {
    let q = match list(req, Flavor::V1, 100) {
        Ok(q) => q,
        Err(e) => return e,
    };
    let w = state.world.read().expect("world lock");
    let map = pick(&w.orgs[ctx.org]);
    if q.needs_values() {
        let all: Vec<Bytes> = map.values().map(|s| s.json.clone()).collect();
        drop(w);
        let page = query::apply(all, &q);
        return Resp::json(StatusCode::OK, query::v1_envelope(page.total, &page.items));
    }
    let total = map.len();
    let page: Vec<Bytes> = if q.descending_by_id() {
        map.values()
            .rev()
            .skip(q.skip)
            .take(q.limit)
            .map(|s| s.json.clone())
            .collect()
    } else {
        map.values()
            .skip(q.skip)
            .take(q.limit)
            .map(|s| s.json.clone())
            .collect()
    };
    drop(w);
    let page: Vec<Bytes> = if q.fields.is_empty() {
        page
    } else {
        page.iter().map(|b| query::project(b, &q.fields)).collect()
    };
    Resp::json(StatusCode::OK, query::v1_envelope(total, &page))
}

fn v1_list(state: &SimState, ctx: &Ctx, req: &Req, items: impl FnOnce(&Org) -> Vec<Bytes>) -> Resp {
    match list(req, Flavor::V1, 100) {
        Ok(q) => read_list(state, ctx, &q, Flavor::V1, items),
        Err(e) => e,
    }
}

fn v2_list(state: &SimState, ctx: &Ctx, req: &Req, max: usize, items: impl FnOnce(&Org) -> Vec<Bytes>) -> Resp {
    match list(req, Flavor::V2, max) {
        Ok(q) => read_list(state, ctx, &q, Flavor::V2, items),
        Err(e) => e,
    }
}

/// `POST /api/search/{systemusers|systems}`: body `{filter, searchFilter{searchTerm, fields}, fields}`.
/// `filter` is a list (ANDed) or `{and:[..]}`/`{or:[..]}` of `{field: value}` equalities.
fn v1_search(state: &SimState, ctx: &Ctx, req: &Req, items: impl FnOnce(&Org) -> Vec<Bytes>) -> Resp {
    let mut q = match list(req, Flavor::V1, 100) {
        Ok(q) => q,
        Err(e) => return e,
    };
    let body = match parse_body(req) {
        Ok(b) => b,
        Err(e) => return e,
    };
    let eqs = |v: &Value| -> Vec<query::Filter> {
        v.as_array()
            .map(|a| {
                a.iter()
                    .filter_map(Value::as_object)
                    .flat_map(|o| {
                        o.iter().map(|(k, v)| query::Filter {
                            field: k.clone(),
                            op: "eq".into(),
                            value: v.as_str().map(String::from).unwrap_or_else(|| v.to_string()),
                        })
                    })
                    .collect()
            })
            .unwrap_or_default()
    };
    match body.get("filter") {
        Some(f @ Value::Array(_)) => q.filters.extend(eqs(f)),
        Some(Value::Object(o)) => {
            if let Some(a) = o.get("and") {
                q.filters.extend(eqs(a));
            }
            if let Some(a) = o.get("or") {
                q.or_filters.extend(eqs(a));
            }
        }
        _ => {}
    }
    if let Some(sf) = body.get("searchFilter").and_then(Value::as_object) {
        q.search = sf.get("searchTerm").and_then(|t| {
            t.as_str().map(String::from).or_else(|| {
                t.as_array()
                    .and_then(|a| a.first())
                    .and_then(|s| s.as_str())
                    .map(String::from)
            })
        });
        q.search_fields = sf
            .get("fields")
            .and_then(Value::as_array)
            .map(|a| a.iter().filter_map(|f| f.as_str().map(String::from)).collect())
            .unwrap_or_default();
    }
    if let Some(f) = body.get("fields").and_then(Value::as_str) {
        q.fields
            .extend(f.split(' ').filter(|s| !s.is_empty()).map(String::from));
    }
    read_list(state, ctx, &q, Flavor::V1, items)
}

/// The "records change between two pages" fault: before serving a page with `skip > 0`.
fn between_pages(state: &SimState, ctx: &Ctx, req: &Req, faults: &Faults) {
    if faults.add_between_pages == 0 && faults.remove_between_pages == 0 {
        return;
    }
    let skip = query_param(req, "skip")
        .and_then(|s| s.parse::<usize>().ok())
        .unwrap_or(0);
    if skip == 0 {
        return;
    }
    let mut w = state.world.write().expect("world lock");
    let users = req.path.contains("systemusers");
    for _ in 0..faults.add_between_pages {
        let id = w.next_id(ctx.now_ms);
        let o = &mut w.orgs[ctx.org];
        if users {
            if let Some(mut u) = o.users.values().next().map(|s| s.rec()) {
                u.id = id.clone();
                u.username = format!("midlist.{id}");
                u.email = format!("midlist.{id}@sim.example");
                u.employee_identifier = format!("M{id}");
                o.users.insert(id, Stored::new(u));
            }
        } else if let Some(mut s) = o.systems.values().next().map(|s| s.rec()) {
            s.id = id.clone();
            s.hostname = format!("midlist-{id}");
            s.display_name = s.hostname.clone();
            s.mdm.internal.device_id.clear();
            let extra = SystemExtra::of(&s, Hardware::default(), None);
            o.system_extra.insert(id.clone(), extra);
            o.systems.insert(id, Stored::new(s));
        }
    }
    let o = &mut w.orgs[ctx.org];
    for _ in 0..faults.remove_between_pages {
        if users {
            if let Some(id) = o.users.keys().next_back().cloned() {
                o.users.remove(&id);
                o.remove_user_edges(&id);
            }
        } else if let Some(id) = o.systems.keys().next_back().cloned() {
            o.systems.remove(&id);
            o.remove_system_edges(&id);
        }
    }
}

// ---------------------------------------------------------------- events

fn admin_actor(ctx: &Ctx) -> std::sync::Arc<Actor> {
    std::sync::Arc::new(Actor {
        id: ctx.admin.id.clone(),
        kind: "admin",
        username: None,
        email: Some(ctx.admin.email.clone()),
    })
}

fn record_event(
    w: &mut World,
    ctx: &Ctx,
    service: &'static str,
    event_type: &'static str,
    resource: Option<EventResource>,
    changes: Option<Value>,
) {
    let seq = w.next_seq();
    let org = &mut w.orgs[ctx.org];
    org.push_event(Event {
        at_ms: ctx.now_ms,
        seq,
        service,
        event_type,
        success: true,
        client_ip: u32::from(std::net::Ipv4Addr::LOCALHOST),
        initiated_by: Some(admin_actor(ctx)),
        resource: resource.map(std::sync::Arc::new),
        system: None,
        username_from_actor: false,
        application: None,
        changes: changes.map(Box::new),
    });
}

fn user_res(u: &User) -> Option<EventResource> {
    Some(EventResource {
        id: u.id.clone(),
        kind: "user",
        name: u.username.clone(),
    })
}

fn system_res(s: &System) -> Option<EventResource> {
    Some(EventResource {
        id: s.id.clone(),
        kind: "system",
        name: s.hostname.clone(),
    })
}

// ---------------------------------------------------------------- users

/// Applies the allowed keys of `patch` onto a record via its JSON form; a type mismatch is a 400.
fn merge<T: serde::Serialize + serde::de::DeserializeOwned>(
    rec: &T,
    patch: &Map<String, Value>,
    allowed: &[&str],
) -> Result<T, Resp> {
    let mut v = serde_json::to_value(rec).map_err(|e| error(StatusCode::INTERNAL_SERVER_ERROR, &e.to_string()))?;
    let obj = v
        .as_object_mut()
        .ok_or_else(|| error(StatusCode::INTERNAL_SERVER_ERROR, "record is not an object"))?;
    for (k, val) in patch {
        if allowed.contains(&k.as_str()) {
            obj.insert(k.clone(), val.clone());
        }
    }
    serde_path_to_error_free(v)
}

fn serde_path_to_error_free<T: serde::de::DeserializeOwned>(v: Value) -> Result<T, Resp> {
    serde_json::from_value(v).map_err(|e| error_details(&format!("Bad Request: {e}")))
}

const USER_EDITABLE: &[&str] = &[
    "username",
    "email",
    "firstname",
    "middlename",
    "lastname",
    "displayname",
    "alternateEmail",
    "recoveryEmail",
    "jobTitle",
    "department",
    "company",
    "costCenter",
    "employeeType",
    "employeeIdentifier",
    "location",
    "description",
    "addresses",
    "phoneNumbers",
    "manager",
    "account_locked",
    "password_never_expires",
    "enable_user_portal_multifactor",
    "mfa",
    "sudo",
    "passwordless_sudo",
    "allow_public_key",
    "ldap_binding_user",
    "samba_service_user",
    "unix_uid",
    "unix_guid",
    "attributes",
    "tags",
    "suspended",
    "state",
];

fn check_unique(o: &Org, u: &User, except: Option<&str>) -> Result<(), Resp> {
    for other in o.users.values() {
        let other = other.rec();
        if Some(other.id.as_str()) == except {
            continue;
        }
        if other.username.eq_ignore_ascii_case(&u.username) {
            return Err(error_details(&format!(
                "User already exists: username \"{}\" is taken",
                u.username
            )));
        }
        if other.email.eq_ignore_ascii_case(&u.email) {
            return Err(error_details(&format!(
                "User already exists: email \"{}\" is taken",
                u.email
            )));
        }
        if !u.employee_identifier.is_empty() && other.employee_identifier == u.employee_identifier {
            return Err(error_details(&format!(
                "employeeIdentifier \"{}\" is already in use",
                u.employee_identifier
            )));
        }
    }
    Ok(())
}

fn valid_email(e: &str) -> bool {
    let mut parts = e.split('@');
    matches!((parts.next(), parts.next(), parts.next()), (Some(a), Some(d), None) if !a.is_empty() && d.contains('.') && !d.starts_with('.') && !d.ends_with('.'))
}

fn user_create(state: &SimState, ctx: &Ctx, req: &Req) -> Resp {
    if let Err(e) = require(ctx, WriteKind::UserEdit, "create users") {
        return e;
    }
    let body = match parse_body(req) {
        Ok(b) => b,
        Err(e) => return e,
    };
    for f in ["username", "email"] {
        if body.get(f).and_then(Value::as_str).is_none_or(|s| s.trim().is_empty()) {
            return error_details(&format!("Bad Request: {f} is required"));
        }
    }
    let email = body["email"].as_str().unwrap_or_default();
    if !valid_email(email) {
        return error_details(&format!("Bad Request: email \"{email}\" is not a valid email address"));
    }
    let mut w = state.world.write().expect("world lock");
    let id = w.next_id(ctx.now_ms);
    let org_id = w.orgs[ctx.org].id().to_string();
    let activate = body.get("state").and_then(Value::as_str) == Some("ACTIVATED")
        || body.get("activated").and_then(Value::as_bool) == Some(true);
    let blank = User {
        id: id.clone(),
        username: String::new(),
        email: String::new(),
        firstname: String::new(),
        middlename: String::new(),
        lastname: String::new(),
        displayname: String::new(),
        alternate_email: String::new(),
        recovery_email: RecoveryEmail::default(),
        job_title: String::new(),
        department: String::new(),
        company: String::new(),
        cost_center: String::new(),
        employee_type: String::new(),
        employee_identifier: String::new(),
        location: String::new(),
        description: String::new(),
        addresses: vec![],
        phone_numbers: vec![],
        manager: None,
        state: if activate { "ACTIVATED".into() } else { "STAGED".into() },
        activated: activate,
        suspended: false,
        account_locked: false,
        account_locked_date: None,
        bad_login_attempts: 0,
        password_expired: false,
        password_expiration_date: None,
        password_date: None,
        password_never_expires: false,
        mfa: Mfa::default(),
        totp_enabled: false,
        enable_user_portal_multifactor: false,
        mfa_enrollment: MfaEnrollment::not_enrolled(),
        created: rfc3339_ms(ctx.now_ms),
        creation_source: "jumpcloud:api".into(),
        admin: None,
        organization: org_id,
        sudo: false,
        passwordless_sudo: false,
        allow_public_key: true,
        enable_managed_uid: false,
        ldap_binding_user: false,
        samba_service_user: false,
        unix_uid: 0,
        unix_guid: 0,
        attributes: vec![],
        tags: vec![],
    };
    let allowed: Vec<&str> = USER_EDITABLE
        .iter()
        .copied()
        .filter(|k| *k != "state" && *k != "suspended")
        .collect();
    let mut user = match merge(&blank, &body, &allowed) {
        Ok(u) => u,
        Err(e) => return e,
    };
    if user.unix_uid == 0 {
        let next = w.orgs[ctx.org]
            .users
            .values()
            .map(|u| u.rec().unix_uid)
            .max()
            .unwrap_or(4999)
            + 1;
        user.unix_uid = next;
        user.unix_guid = next;
    }
    if user.displayname.is_empty() {
        user.displayname = format!("{} {}", user.firstname, user.lastname).trim().to_string();
    }
    if let Err(e) = check_unique(&w.orgs[ctx.org], &user, None) {
        return e;
    }
    let res = user_res(&user);
    let stored = Stored::new(user);
    let out = stored.json.to_vec();
    w.orgs[ctx.org].users.insert(id, stored);
    record_event(&mut w, ctx, "directory", "user_create", res, None);
    Resp::json(StatusCode::OK, out)
}

fn user_update(state: &SimState, ctx: &Ctx, req: &Req, id: &str) -> Resp {
    if let Err(e) = require(ctx, WriteKind::UserEdit, "edit users") {
        return e;
    }
    let body = match parse_body(req) {
        Ok(b) => b,
        Err(e) => return e,
    };
    if let Some(s) = body.get("state").and_then(Value::as_str) {
        if s != "ACTIVATED" && s != "SUSPENDED" {
            return error_details(&format!(
                "Bad Request: state may only be ACTIVATED or SUSPENDED, not \"{s}\""
            ));
        }
    }
    if let Some(e) = body.get("email").and_then(Value::as_str) {
        if !valid_email(e) {
            return error_details(&format!("Bad Request: email \"{e}\" is not a valid email address"));
        }
    }
    let mut w = state.world.write().expect("world lock");
    let Some(cur) = w.orgs[ctx.org].users.get(id).map(|s| s.rec()) else {
        return not_found("user", id);
    };
    let mut user = match merge(&cur, &body, USER_EDITABLE) {
        Ok(u) => u,
        Err(e) => return e,
    };
    if let Some(s) = body.get("state").and_then(Value::as_str) {
        user.suspended = s == "SUSPENDED";
        user.activated = true;
    } else if let Some(s) = body.get("suspended").and_then(Value::as_bool) {
        user.suspended = s;
        user.state = if s { "SUSPENDED".into() } else { "ACTIVATED".into() };
    }
    if !user.account_locked {
        user.account_locked_date = None;
        if cur.account_locked {
            user.bad_login_attempts = 0;
        }
    }
    if let Err(e) = check_unique(&w.orgs[ctx.org], &user, Some(id)) {
        return e;
    }
    let changes: Vec<Value> = body
        .keys()
        .filter(|k| USER_EDITABLE.contains(&k.as_str()))
        .map(|k| json!({ "field": k }))
        .collect();
    let res = user_res(&user);
    let stored = Stored::new(user);
    let out = stored.json.to_vec();
    w.orgs[ctx.org].users.insert(id.to_string(), stored);
    record_event(
        &mut w,
        ctx,
        "directory",
        "user_update",
        res,
        Some(Value::Array(changes)),
    );
    Resp::json(StatusCode::OK, out)
}

fn user_delete(state: &SimState, ctx: &Ctx, req: &Req, id: &str) -> Resp {
    if let Err(e) = require(ctx, WriteKind::UserDelete, "delete users") {
        return e;
    }
    let mut w = state.world.write().expect("world lock");
    let o = &mut w.orgs[ctx.org];
    let Some(u) = o.users.get(id).map(|s| s.rec()) else {
        return not_found("user", id);
    };
    let manages = o.users.values().any(|s| s.rec().manager.as_deref() == Some(id));
    let cascade = query_param(req, "cascade_manager").is_some_and(|v| v == "true" || v == "null");
    if manages && !cascade {
        return error(
            StatusCode::CONFLICT,
            &format!(
                "Conflict: user {} is the manager of other users; reassign them or pass cascade_manager",
                u.username
            ),
        );
    }
    if manages {
        let ids: Vec<Id> = o
            .users
            .values()
            .map(|s| s.rec())
            .filter(|u| u.manager.as_deref() == Some(id))
            .map(|u| u.id)
            .collect();
        for mid in ids {
            if let Some(s) = o.users.get_mut(&mid) {
                let mut r = s.rec();
                r.manager = None;
                s.set(r);
            }
        }
    }
    let stored = o.users.remove(id).expect("checked above");
    o.remove_user_edges(id);
    for s in o.systems.values_mut() {
        if s.rec().primary_system_user.as_ref().is_some_and(|p| p.id == id) {
            let mut r = s.rec();
            r.primary_system_user = None;
            s.set(r);
        }
    }
    record_event(&mut w, ctx, "directory", "user_delete", user_res(&u), None);
    Resp::json(StatusCode::OK, stored.json.to_vec())
}

#[derive(Debug, Clone, Copy, PartialEq)]
enum UserAction {
    Activate,
    Suspend,
    Unlock,
    ResetMfa,
    Expire,
    Reactivate,
    SetPassword,
}

fn user_action(state: &SimState, ctx: &Ctx, req: &Req, id: &str, action: UserAction) -> Resp {
    let op = match action {
        UserAction::Activate => "activate users",
        UserAction::Suspend => "suspend users",
        UserAction::Unlock => "unlock users",
        UserAction::ResetMfa => "reset MFA",
        UserAction::Expire => "expire passwords",
        UserAction::Reactivate => "send activation emails",
        UserAction::SetPassword => "set passwords",
    };
    if let Err(e) = require(ctx, WriteKind::UserEdit, op) {
        return e;
    }
    let body = match parse_body(req) {
        Ok(b) => b,
        Err(e) => return e,
    };
    let mut w = state.world.write().expect("world lock");
    let Some(mut u) = w.orgs[ctx.org].users.get(id).map(|s| s.rec()) else {
        return not_found("user", id);
    };
    let now = rfc3339_ms(ctx.now_ms);
    let (event, resp) = match action {
        UserAction::Activate => {
            if u.state != "STAGED" {
                return error(
                    StatusCode::BAD_REQUEST,
                    &format!("Bad Request: user is {}, only a STAGED user can be activated", u.state),
                );
            }
            u.state = "ACTIVATED".into();
            u.activated = true;
            ("user_activate", Resp::string("User activated"))
        }
        UserAction::Suspend => {
            if !body.is_empty() {
                return error(
                    StatusCode::BAD_REQUEST,
                    "Bad Request: the body of a suspend must be empty",
                );
            }
            if u.state == "STAGED" {
                return error(
                    StatusCode::BAD_REQUEST,
                    "Bad Request: a STAGED user cannot be suspended",
                );
            }
            u.state = "SUSPENDED".into();
            u.suspended = true;
            ("user_suspend", Resp::empty(StatusCode::OK))
        }
        UserAction::Unlock => {
            u.account_locked = false;
            u.account_locked_date = None;
            u.bad_login_attempts = 0;
            ("user_unlocked", Resp::string("User unlocked"))
        }
        UserAction::ResetMfa => {
            u.totp_enabled = false;
            u.mfa.configured = false;
            u.mfa_enrollment = MfaEnrollment::not_enrolled();
            if u.enable_user_portal_multifactor {
                u.mfa_enrollment.totp_status = "IN_ENROLLMENT".into();
                u.mfa_enrollment.overall_status = "IN_ENROLLMENT".into();
            }
            if let Some(d) = body.get("exclusionDays").and_then(Value::as_u64) {
                u.mfa.exclusion = body.get("exclusion").and_then(Value::as_bool).unwrap_or(true);
                u.mfa.exclusion_days = Some(d as u32);
                u.mfa.exclusion_until = Some(rfc3339_ms(ctx.now_ms + d as i64 * 86_400_000));
            }
            ("user_mfa_reset", Resp::string("MFA reset"))
        }
        UserAction::Expire => {
            u.password_expired = true;
            u.password_expiration_date = Some(now);
            ("user_password_expire", Resp::string("Password expired"))
        }
        UserAction::Reactivate => ("user_reactivation_email", Resp::string("Reactivation email sent")),
        UserAction::SetPassword => {
            let Some(p) = body.get("password").and_then(Value::as_str) else {
                return error_details("Bad Request: password is required");
            };
            if p.chars().count() < 8 {
                return error_details("Bad Request: the password does not meet the organization's password policy");
            }
            u.password_date = Some(now);
            u.password_expired = false;
            ("user_password_set", Resp::empty(StatusCode::OK))
        }
    };
    let res = user_res(&u);
    if let Some(s) = w.orgs[ctx.org].users.get_mut(id) {
        s.set(u);
    }
    record_event(&mut w, ctx, "directory", event, res, None);
    resp
}

// ---------------------------------------------------------------- systems

const SYSTEM_EDITABLE: &[&str] = &[
    "displayName",
    "allowSshPasswordAuthentication",
    "allowSshRootLogin",
    "allowMultiFactorAuthentication",
    "allowPublicKeyAuthentication",
    "tags",
    "attributes",
    "description",
];

fn system_update(state: &SimState, ctx: &Ctx, req: &Req, id: &str) -> Resp {
    if let Err(e) = require(ctx, WriteKind::System, "edit devices") {
        return e;
    }
    let body = match parse_body(req) {
        Ok(b) => b,
        Err(e) => return e,
    };
    let mut w = state.world.write().expect("world lock");
    let Some(cur) = w.orgs[ctx.org].systems.get(id).map(|s| s.rec()) else {
        return not_found("system", id);
    };
    let s: System = match merge(&cur, &body, SYSTEM_EDITABLE) {
        Ok(s) => s,
        Err(e) => return e,
    };
    let res = system_res(&s);
    let stored = Stored::new(s);
    let out = stored.json.to_vec();
    w.orgs[ctx.org].systems.insert(id.to_string(), stored);
    record_event(&mut w, ctx, "systems", "system_update", res, None);
    Resp::json(StatusCode::OK, out)
}

fn system_delete(state: &SimState, ctx: &Ctx, id: &str) -> Resp {
    if let Err(e) = require(ctx, WriteKind::System, "delete devices") {
        return e;
    }
    let mut w = state.world.write().expect("world lock");
    let o = &mut w.orgs[ctx.org];
    let Some(stored) = o.systems.remove(id) else {
        return not_found("system", id);
    };
    o.remove_system_edges(id);
    record_event(&mut w, ctx, "systems", "system_delete", system_res(&stored.rec()), None);
    Resp::json(StatusCode::OK, stored.json.to_vec())
}

fn builtin_command(state: &SimState, ctx: &Ctx, id: &str, cmd: &str) -> Resp {
    if !["lock", "erase", "restart", "shutdown"].contains(&cmd) {
        return error(
            StatusCode::NOT_FOUND,
            &format!("jcsim does not serve builtin command \"{cmd}\""),
        );
    }
    if let Err(e) = require(ctx, WriteKind::DeviceCommand, &format!("{cmd} devices")) {
        return e;
    }
    let mut w = state.world.write().expect("world lock");
    let Some(s) = w.orgs[ctx.org].systems.get(id).map(|s| s.rec()) else {
        return not_found("system", id);
    };
    if !matches!(s.os_family.as_str(), "linux" | "windows") {
        return error(
            StatusCode::BAD_REQUEST,
            "Bad Request: builtin commands are only supported on Linux and Windows devices. Use Apple MDM security commands for macOS devices.",
        );
    }
    let rid = w.next_id(ctx.now_ms);
    let org_id = w.orgs[ctx.org].id().to_string();
    w.orgs[ctx.org].command_results.insert(
        rid.clone(),
        CommandResult {
            id: rid.clone(),
            command: format!("builtin:{cmd}"),
            name: format!("Security command: {cmd}"),
            system: s.hostname.clone(),
            system_id: s.id.clone(),
            organization: org_id,
            workflow_id: format!("builtin-{cmd}"),
            workflow_instance_id: rid,
            request_time: rfc3339_ms(ctx.now_ms),
            response_time: String::new(),
            sudo: true,
            user: "000000000000000000000000".into(),
            response: json!({ "data": { "exitCode": 0, "output": "" }, "error": "" }),
        },
    );
    record_event(
        &mut w,
        ctx,
        "systems",
        match cmd {
            "lock" => "system_lock_command",
            "erase" => "system_erase_command",
            "restart" => "system_restart_command",
            _ => "system_shutdown_command",
        },
        system_res(&s),
        None,
    );
    Resp::empty(StatusCode::CREATED)
}

// ---------------------------------------------------------------- Apple MDM

fn mdm_devices(state: &SimState, ctx: &Ctx, req: &Req, mdm: &str) -> Resp {
    let q = match list(req, Flavor::V2, 100) {
        Ok(q) => q,
        Err(e) => return e,
    };
    let w = state.world.read().expect("world lock");
    let o = &w.orgs[ctx.org];
    if !o.apple_mdms.iter().any(|m| m.id == mdm) {
        return not_found("Apple MDM", mdm);
    }
    let devices: Vec<Bytes> = o
        .system_extra
        .iter()
        .filter_map(|(id, extra)| {
            let link = extra.apple_mdm.as_ref().filter(|a| a.mdm_id == mdm)?;
            let s = o.systems.get(id)?.rec();
            Some(to_bytes(&json!({
                "id": link.device_id,
                "serialNumber": s.serial_number,
                "udid": link.udid,
                "osVersion": s.version,
                "depRegistered": s.mdm.dep,
                "enrolled": true,
                "hasActivationLockBypassCodes": false,
                "createdAt": s.created,
                "securityInfo": { "filevaultEnabled": s.fde.active, "passcodePresent": true, "isActivationLockManageable": true },
                "deviceInformation": { "modelName": extra.hardware.model, "modelNumber": extra.hardware.model, "deviceName": s.hostname, "deviceCapacity": 256.0 },
            })))
        })
        .collect();
    drop(w);
    let page = query::apply(devices, &q);
    Resp::json(StatusCode::OK, query::json_array(&page.items)).with_total(page.total)
}

fn mdm_action(state: &SimState, ctx: &Ctx, req: &Req, mdm: &str, dev: &str, action: &str) -> Resp {
    const ACTIONS: &[&str] = &[
        "lock",
        "erase",
        "restart",
        "shutdown",
        "clearActivationLock",
        "refreshActivationLockInformation",
    ];
    if !ACTIONS.contains(&action) {
        return error(
            StatusCode::NOT_FOUND,
            &format!("jcsim does not serve Apple MDM action \"{action}\""),
        );
    }
    if let Err(e) = require(ctx, WriteKind::DeviceCommand, &format!("{action} devices")) {
        return e;
    }
    let body = match parse_body(req) {
        Ok(b) => b,
        Err(e) => return e,
    };
    let mut w = state.world.write().expect("world lock");
    let o = &w.orgs[ctx.org];
    if !o.apple_mdms.iter().any(|m| m.id == mdm) {
        return di_error(StatusCode::NOT_FOUND, &format!("Apple MDM {mdm} not found"));
    }
    let found = o.system_extra.iter().find(|(_, x)| {
        x.apple_mdm
            .as_ref()
            .is_some_and(|a| a.device_id == dev && a.mdm_id == mdm)
    });
    let Some(s) = found.and_then(|(id, _)| o.systems.get(id)).map(|s| s.rec()) else {
        return di_error(StatusCode::NOT_FOUND, &format!("device {dev} not found"));
    };
    if matches!(action, "lock" | "erase") && s.os_family == "darwin" {
        let pin = body.get("pin").and_then(Value::as_str).unwrap_or("");
        if pin.len() != 6 || !pin.bytes().all(|b| b.is_ascii_digit()) {
            return di_error(
                StatusCode::BAD_REQUEST,
                "pin is required for macOS devices and must be exactly 6 digits",
            );
        }
    }
    record_event(
        &mut w,
        ctx,
        "mdm",
        match action {
            "lock" => "mdm_lock_command",
            "erase" => "mdm_erase_command",
            "restart" => "mdm_restart_command",
            "shutdown" => "mdm_shutdown_command",
            "clearActivationLock" => "mdm_clearactivationlock_command",
            _ => "mdm_refreshactivationlockinformation_command",
        },
        system_res(&s),
        None,
    );
    Resp::empty(StatusCode::NO_CONTENT)
}

// ---------------------------------------------------------------- commands

const COMMAND_EDITABLE: &[&str] = &[
    "name",
    "command",
    "commandType",
    "user",
    "shell",
    "launchType",
    "timeout",
    "schedule",
    "trigger",
    "sudo",
];

fn command_create(state: &SimState, ctx: &Ctx, req: &Req) -> Resp {
    if let Err(e) = require(ctx, WriteKind::CommandEdit, "create commands") {
        return e;
    }
    let body = match parse_body(req) {
        Ok(b) => b,
        Err(e) => return e,
    };
    for f in ["name", "command", "commandType"] {
        if body.get(f).and_then(Value::as_str).is_none_or(|s| s.is_empty()) {
            return error_details(&format!("Bad Request: {f} is required"));
        }
    }
    let kind = body["commandType"].as_str().unwrap_or_default();
    if !["linux", "mac", "windows"].contains(&kind) {
        return error_details(&format!(
            "Bad Request: commandType must be linux, mac or windows, not \"{kind}\""
        ));
    }
    if kind != "windows" && body.get("user").and_then(Value::as_str).is_none_or(str::is_empty) {
        return error_details("Bad Request: user is required for mac and linux commands");
    }
    let mut w = state.world.write().expect("world lock");
    let id = w.next_id(ctx.now_ms);
    let blank = Command {
        id: id.clone(),
        name: String::new(),
        command: String::new(),
        command_type: String::new(),
        user: String::new(),
        shell: String::new(),
        launch_type: "manual".into(),
        timeout: "120".into(),
        schedule: String::new(),
        trigger: String::new(),
        sudo: false,
        organization: w.orgs[ctx.org].id().to_string(),
    };
    let mut body = body;
    if let Some(t) = body.get("timeout").and_then(Value::as_u64) {
        body.insert("timeout".into(), Value::String(t.to_string()));
    }
    let c: Command = match merge(&blank, &body, COMMAND_EDITABLE) {
        Ok(c) => c,
        Err(e) => return e,
    };
    let out = serde_json::to_vec(&c).unwrap_or_default();
    let res = Some(EventResource {
        id: id.clone(),
        kind: "command",
        name: c.name.clone(),
    });
    w.orgs[ctx.org].commands.insert(id, c);
    record_event(&mut w, ctx, "directory", "command_create", res, None);
    Resp::json(StatusCode::OK, out)
}

fn command_update(state: &SimState, ctx: &Ctx, req: &Req, id: &str) -> Resp {
    if let Err(e) = require(ctx, WriteKind::CommandEdit, "edit commands") {
        return e;
    }
    let body = match parse_body(req) {
        Ok(b) => b,
        Err(e) => return e,
    };
    let mut w = state.world.write().expect("world lock");
    let Some(cur) = w.orgs[ctx.org].commands.get(id).cloned() else {
        return not_found("command", id);
    };
    let c: Command = match merge(&cur, &body, COMMAND_EDITABLE) {
        Ok(c) => c,
        Err(e) => return e,
    };
    let out = serde_json::to_vec(&c).unwrap_or_default();
    w.orgs[ctx.org].commands.insert(id.to_string(), c);
    Resp::json(StatusCode::OK, out)
}

fn command_delete(state: &SimState, ctx: &Ctx, id: &str) -> Resp {
    if let Err(e) = require(ctx, WriteKind::CommandEdit, "delete commands") {
        return e;
    }
    let mut w = state.world.write().expect("world lock");
    let o = &mut w.orgs[ctx.org];
    match o.commands.remove(id) {
        Some(c) => {
            o.command_targets.remove(id);
            Resp::json(StatusCode::OK, serde_json::to_vec(&c).unwrap_or_default())
        }
        None => not_found("command", id),
    }
}

fn run_command(state: &SimState, ctx: &Ctx, req: &Req) -> Resp {
    if let Err(e) = require(ctx, WriteKind::CommandRun, "run commands") {
        return e;
    }
    let body = match parse_body(req) {
        Ok(b) => b,
        Err(e) => return e,
    };
    let Some(cid) = body.get("_id").and_then(Value::as_str).map(String::from) else {
        return error_details("Bad Request: _id is required");
    };
    let mut w = state.world.write().expect("world lock");
    let o = &w.orgs[ctx.org];
    let Some(cmd) = o.commands.get(&cid).cloned() else {
        return not_found("command", &cid);
    };
    let targets: Vec<Id> = match body.get("systemIds").and_then(Value::as_array) {
        Some(ids) => ids.iter().filter_map(|v| v.as_str().map(String::from)).collect(),
        None => {
            let mut out = BTreeSet::new();
            for (kind, tid) in o.command_targets.get(&cid).into_iter().flatten() {
                if kind == "system" {
                    out.insert(tid.clone());
                } else if let Some(m) = o.sg_members.get(tid) {
                    out.extend(m.iter().cloned());
                }
            }
            out.into_iter().collect()
        }
    };
    if let Some(bad) = targets.iter().find(|t| !o.systems.contains_key(*t)) {
        return not_found("system", bad);
    }
    let wf = w.next_id(ctx.now_ms);
    let mut queue_ids = vec![];
    for t in &targets {
        let rid = w.next_id(ctx.now_ms);
        let org_id = w.orgs[ctx.org].id().to_string();
        let host = w.orgs[ctx.org].systems[t].rec().hostname.clone();
        w.orgs[ctx.org].command_results.insert(
            rid.clone(),
            CommandResult {
                id: rid.clone(),
                command: cmd.command.clone(),
                name: cmd.name.clone(),
                system: host,
                system_id: t.clone(),
                organization: org_id,
                workflow_id: cid.clone(),
                workflow_instance_id: wf.clone(),
                request_time: rfc3339_ms(ctx.now_ms),
                response_time: rfc3339_ms(ctx.now_ms + 1500),
                sudo: cmd.sudo,
                user: cmd.user.clone(),
                response: json!({ "id": rid, "data": { "exitCode": 0, "output": "" }, "error": "" }),
            },
        );
        queue_ids.push(rid);
    }
    record_event(
        &mut w,
        ctx,
        "systems",
        "command_run",
        Some(EventResource {
            id: cid,
            kind: "command",
            name: cmd.name,
        }),
        None,
    );
    Resp::ok(&json!({ "queueIds": queue_ids, "workflowInstanceId": wf }))
}

fn organizations(state: &SimState, ctx: &Ctx, req: &Req) -> Resp {
    let q = match list(req, Flavor::V1, 100) {
        Ok(q) => q,
        Err(e) => return e,
    };
    let w = state.world.read().expect("world lock");
    let orgs: Vec<Bytes> = w
        .orgs
        .iter()
        .filter(|o| ctx.admin.org_ids.iter().any(|a| a == o.id()))
        .filter_map(|o| o.org.as_ref().map(to_bytes))
        .collect();
    drop(w);
    let page = query::apply(orgs, &q);
    Resp::json(StatusCode::OK, query::v1_envelope(page.total, &page.items))
}

fn administrators(state: &SimState, ctx: &Ctx, req: &Req, pid: &str) -> Resp {
    let q = match list(req, Flavor::V2, 100) {
        Ok(q) => q,
        Err(e) => return e,
    };
    let w = state.world.read().expect("world lock");
    if pid != w.provider_id {
        return not_found("provider", pid);
    }
    let org_id = w.orgs[ctx.org].id().to_string();
    let admins: Vec<Bytes> = w
        .admins
        .iter()
        .filter(|a| a.org_ids.contains(&org_id))
        .map(|a| {
            to_bytes(&json!({
                "id": a.id, "email": a.email, "firstname": a.firstname, "lastname": a.lastname,
                "role": a.role.id(), "roleName": a.role.name(), "roles": [a.role.id()], "roleNames": [a.role.name()],
                "suspended": a.suspended, "enableMultiFactor": a.enable_multi_factor, "apiKeyAllowed": true, "apiKeySet": true, "registered": true,
            }))
        })
        .collect();
    drop(w);
    let page = query::apply(admins, &q);
    Resp::json(StatusCode::OK, query::v1_envelope(page.total, &page.items))
}

// ---------------------------------------------------------------- groups and graph

fn group_create(state: &SimState, ctx: &Ctx, req: &Req, ug: bool) -> Resp {
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

fn group_update(state: &SimState, ctx: &Ctx, req: &Req, ug: bool, id: &str) -> Resp {
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
    groups_mut(&mut w.orgs[ctx.org], ug).insert(id.to_string(), g);
    Resp::json(StatusCode::OK, out.to_vec())
}

fn group_delete(state: &SimState, ctx: &Ctx, ug: bool, id: &str) -> Resp {
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
fn gc(kind: &str, id: &str, attributes: Value) -> Value {
    json!({ "attributes": attributes, "to": { "attributes": Value::Null, "id": id, "type": kind } })
}

/// A GraphObjectWithPaths for `(type, id)` reached through `paths` (each a chain of hops).
fn gowp(kind: &str, id: &str, paths: Vec<Vec<(&str, &str)>>, compiled: Value) -> Value {
    let paths: Vec<Value> = paths
        .into_iter()
        .map(|p| Value::Array(p.into_iter().map(|(k, i)| gc(k, i, Value::Null)).collect()))
        .collect();
    json!({ "id": id, "type": kind, "paths": paths, "compiledAttributes": compiled })
}

/// Pages a graph listing of `items` (already in order) and serializes only the page.
fn graph_page(req: &Req, items: Vec<Value>) -> Resp {
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

fn group_members(state: &SimState, ctx: &Ctx, req: &Req, ug: bool, id: &str, faults: &Faults) -> Resp {
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

fn group_member_edit(state: &SimState, ctx: &Ctx, req: &Req, ug: bool, id: &str) -> Resp {
    if let Err(e) = require(ctx, WriteKind::Group, "change group membership") {
        return e;
    }
    let body = match parse_body(req) {
        Ok(b) => b,
        Err(e) => return e,
    };
    let op = body.get("op").and_then(Value::as_str).unwrap_or("");
    let kind = body.get("type").and_then(Value::as_str).unwrap_or("");
    let member = body.get("id").and_then(Value::as_str).unwrap_or("").to_string();
    let want_kind = if ug { "user" } else { "system" };
    if op != "add" && op != "remove" {
        return error_details(&format!("Bad Request: op must be add or remove, not \"{op}\""));
    }
    if kind != want_kind {
        return error_details(&format!("Bad Request: type must be {want_kind}, not \"{kind}\""));
    }
    if !is_object_id(&member) {
        return error_details(&format!("Bad Request: id \"{member}\" is not a valid object id"));
    }
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
    record_event(
        &mut w,
        ctx,
        "directory",
        "association_change",
        res,
        Some(json!({ "op": op, "group": id })),
    );
    Resp::empty(StatusCode::NO_CONTENT)
}

fn group_membership(state: &SimState, ctx: &Ctx, req: &Req, ug: bool, id: &str) -> Resp {
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

fn memberof(state: &SimState, ctx: &Ctx, req: &Req, user: bool, id: &str) -> Resp {
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

/// Objects reached from one record: for each, the paths (chains of `(type, id)` hops) and the
/// sudo attributes of a direct binding.
type Reach = std::collections::BTreeMap<Id, (Vec<Vec<(String, String)>>, Sudo)>;

/// GraphObjectWithPaths for everything in `reach`.
fn reach_items(kind: &str, reach: &Reach) -> Vec<Value> {
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

fn sudo_attr(s: Sudo) -> Value {
    json!({ "sudo": { "enabled": s.enabled, "withoutPassword": s.without_password } })
}

/// Users who can reach a system: bound directly, through a user group bound to it, or through a
/// user group bound to a system group that contains it.
fn system_users(state: &SimState, ctx: &Ctx, req: &Req, id: &str) -> Resp {
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

fn user_systems(state: &SimState, ctx: &Ctx, req: &Req, id: &str) -> Resp {
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

fn user_apps(state: &SimState, ctx: &Ctx, req: &Req, id: &str) -> Resp {
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

fn app_users(state: &SimState, ctx: &Ctx, req: &Req, id: &str) -> Resp {
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
fn lazy_graph_page<T>(req: &Req, entries: Vec<T>, build: impl Fn(T) -> Value) -> Resp {
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

fn app_groups(state: &SimState, ctx: &Ctx, req: &Req, id: &str) -> Resp {
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

/// The direct associations of an object, by target type.
fn direct_associations(o: &Org, kind: &str, id: &str, target: &str) -> Option<Vec<(String, Id, Value)>> {
    let mut out = vec![];
    let ids = |set: Option<&BTreeSet<Id>>| set.into_iter().flatten().cloned().collect::<Vec<_>>();
    match (kind, target) {
        ("systems", "user") => {
            o.systems.get(id)?;
            for (u, s) in o.bindings.get(id).into_iter().flatten() {
                out.push(("user".into(), u.clone(), sudo_attr(*s)));
            }
        }
        ("users", "system") => {
            o.users.get(id)?;
            for (sys, users) in &o.bindings {
                if let Some(s) = users.get(id) {
                    out.push(("system".into(), sys.clone(), sudo_attr(*s)));
                }
            }
        }
        ("users", "application") => {
            o.users.get(id)?;
            for (app, users) in &o.app_users {
                if users.contains(id) {
                    out.push(("application".into(), app.clone(), Value::Null));
                }
            }
        }
        ("usergroups", "system_group") => {
            o.user_groups.get(id)?;
            out.extend(
                ids(o.ug_system_groups.get(id))
                    .into_iter()
                    .map(|g| ("system_group".into(), g, Value::Null)),
            );
        }
        ("usergroups", "system") => {
            o.user_groups.get(id)?;
            out.extend(
                ids(o.ug_systems.get(id))
                    .into_iter()
                    .map(|g| ("system".into(), g, Value::Null)),
            );
        }
        ("usergroups", "application") => {
            o.user_groups.get(id)?;
            for (app, gs) in &o.app_groups {
                if gs.contains(id) {
                    out.push(("application".into(), app.clone(), Value::Null));
                }
            }
        }
        ("systemgroups", "user_group") => {
            o.system_groups.get(id)?;
            for (ug, sgs) in &o.ug_system_groups {
                if sgs.contains(id) {
                    out.push(("user_group".into(), ug.clone(), Value::Null));
                }
            }
        }
        ("applications", "user") => {
            o.apps.get(id)?;
            out.extend(
                ids(o.app_users.get(id))
                    .into_iter()
                    .map(|u| ("user".into(), u, Value::Null)),
            );
        }
        ("applications", "user_group") => {
            o.apps.get(id)?;
            out.extend(
                ids(o.app_groups.get(id))
                    .into_iter()
                    .map(|u| ("user_group".into(), u, Value::Null)),
            );
        }
        ("commands", "system" | "system_group") => {
            o.commands.get(id)?;
            for (k, t) in o.command_targets.get(id).into_iter().flatten() {
                if k == target {
                    out.push((k.clone(), t.clone(), Value::Null));
                }
            }
        }
        _ => {}
    }
    Some(out)
}

fn exists(o: &Org, kind: &str, id: &str) -> bool {
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

fn associations_get(state: &SimState, ctx: &Ctx, req: &Req, kind: &str, id: &str) -> Resp {
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

fn associations_post(state: &SimState, ctx: &Ctx, req: &Req, kind: &str, id: &str) -> Resp {
    let write = match kind {
        "systems" | "users" => WriteKind::System,
        "usergroups" | "systemgroups" => WriteKind::Group,
        "applications" => WriteKind::Application,
        "commands" => WriteKind::CommandEdit,
        _ => {
            return error(
                StatusCode::NOT_FOUND,
                &format!("jcsim does not serve POST {}", req.path),
            )
        }
    };
    if let Err(e) = require(ctx, write, "change associations") {
        return e;
    }
    let body = match parse_body(req) {
        Ok(b) => b,
        Err(e) => return e,
    };
    let op = body.get("op").and_then(Value::as_str).unwrap_or("").to_string();
    let target = body.get("type").and_then(Value::as_str).unwrap_or("").to_string();
    let tid = body.get("id").and_then(Value::as_str).unwrap_or("").to_string();
    if op != "add" && op != "remove" && op != "update" {
        return error_details(&format!("Bad Request: op must be add, remove or update, not \"{op}\""));
    }
    if !is_object_id(&tid) {
        return error_details(&format!("Bad Request: id \"{tid}\" is not a valid object id"));
    }
    let sudo = body
        .get("attributes")
        .and_then(|a| a.get("sudo"))
        .map(|s| Sudo {
            enabled: s.get("enabled").and_then(Value::as_bool).unwrap_or(false),
            without_password: s.get("withoutPassword").and_then(Value::as_bool).unwrap_or(false),
        })
        .unwrap_or_default();
    let mut w = state.world.write().expect("world lock");
    let o = &mut w.orgs[ctx.org];
    if !exists(o, kind, id) {
        return not_found(kind, id);
    }
    let target_exists = match target.as_str() {
        "user" => o.users.contains_key(&tid),
        "system" => o.systems.contains_key(&tid),
        "user_group" => o.user_groups.contains_key(&tid),
        "system_group" => o.system_groups.contains_key(&tid),
        "application" => o.apps.contains_key(&tid),
        _ => {
            return error_details(&format!(
                "Bad Request: type \"{target}\" cannot be associated with {kind}"
            ))
        }
    };
    if !target_exists {
        return not_found(&target, &tid);
    }
    let add = op != "remove";
    // Returns Some(changed) for a supported pair.
    let changed: Option<bool> = match (kind, target.as_str()) {
        ("systems", "user") | ("users", "system") => {
            let (sys, user) = if kind == "systems" {
                (id.to_string(), tid.clone())
            } else {
                (tid.clone(), id.to_string())
            };
            let b = o.bindings.entry(sys).or_default();
            Some(match op.as_str() {
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
            Some(if add { s.insert(tid.clone()) } else { s.remove(&tid) })
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
    };
    match changed {
        None => error_details(&format!(
            "Bad Request: type \"{target}\" cannot be associated with {kind}"
        )),
        Some(false) if op == "add" => error(StatusCode::CONFLICT, "Already Exists"),
        Some(false) if op == "remove" => not_found("association with", &tid),
        Some(_) => {
            record_event(
                &mut w,
                ctx,
                "directory",
                "association_change",
                Some(EventResource {
                    id: tid,
                    kind: "association",
                    name: target,
                }),
                Some(json!({ "op": op, "from": { "type": kind, "id": id } })),
            );
            Resp::empty(StatusCode::NO_CONTENT)
        }
    }
}

// ---------------------------------------------------------------- System Insights

const INSIGHTS_TABLES: &[&str] = &[
    "system_info",
    "os_version",
    "disk_encryption",
    "bitlocker_info",
    "users",
    "uptime",
];

fn system_insights(state: &SimState, ctx: &Ctx, req: &Req, table: &str) -> Resp {
    if !INSIGHTS_TABLES.contains(&table) {
        return error(
            StatusCode::NOT_FOUND,
            &format!("jcsim does not serve System Insights table \"{table}\""),
        );
    }
    let mut q = match list(req, Flavor::V2, 10_000) {
        Ok(q) => q,
        Err(e) => return e,
    };
    // Only system_id:eq / system_id:in are supported, as on JumpCloud.
    let mut only: Option<BTreeSet<String>> = None;
    for f in &q.filters {
        if f.field != "system_id" || !(f.op == "eq" || f.op == "in") {
            return error(
                StatusCode::BAD_REQUEST,
                &format!(
                    "Bad Request: System Insights filters support only system_id with eq or in, not {}:{}",
                    f.field, f.op
                ),
            );
        }
        only = Some(f.value.split('|').map(String::from).collect());
    }
    q.filters.clear();
    let w = state.world.read().expect("world lock");
    let o = &w.orgs[ctx.org];
    let candidates: Vec<(&Id, &SystemExtra)> = match &only {
        Some(ids) => ids.iter().filter_map(|i| o.system_extra.get_key_value(i)).collect(),
        None => o.system_extra.iter().collect(),
    };
    let applies = |x: &SystemExtra| {
        x.insights_enabled
            && match table {
                "disk_encryption" => x.os_family == "darwin" || x.os_family == "linux",
                "bitlocker_info" => x.os_family == "windows",
                _ => true,
            }
    };
    // Count from the small per-device facts; parse and build rows only for the page.
    let counts: Vec<(usize, &Id, &SystemExtra)> = candidates
        .into_iter()
        .filter(|(_, x)| applies(x))
        .map(|(id, x)| (if table == "users" { x.local_users } else { 1 }, id, x))
        .collect();
    let total: usize = counts.iter().map(|(n, _, _)| n).sum();
    let mut page = Vec::with_capacity(q.limit.min(total));
    let mut skipped = 0;
    for (n, id, extra) in counts {
        if page.len() >= q.limit {
            break;
        }
        if skipped + n <= q.skip {
            skipped += n;
            continue;
        }
        let Some(s) = o.systems.get(id).map(|s| s.rec()) else {
            continue;
        };
        for row in insight_rows(table, &s, extra) {
            if skipped < q.skip {
                skipped += 1;
                continue;
            }
            if page.len() < q.limit {
                page.push(Bytes::from(row.to_string()));
            }
        }
    }
    drop(w);
    Resp::json(StatusCode::OK, query::json_array(&page)).with_total(total)
}

fn insight_rows(table: &str, s: &System, x: &SystemExtra) -> Vec<Value> {
    let ct = s.last_contact.clone().unwrap_or_else(|| s.created.clone());
    let base = |mut v: Value| {
        v["system_id"] = json!(s.id);
        v["collection_time"] = json!(ct);
        v
    };
    match table {
        "system_info" => vec![base(json!({
            "hardware_model": x.hardware.model, "hardware_vendor": s.hw_vendor, "hardware_serial": s.serial_number,
            "physical_memory": x.hardware.memory_bytes.to_string(), "cpu_brand": x.hardware.cpu_brand,
            "cpu_physical_cores": x.hardware.cpu_physical_cores, "cpu_logical_cores": x.hardware.cpu_logical_cores,
            "cpu_type": s.arch, "computer_name": s.hostname, "hostname": s.hostname, "uuid": x.hardware.uuid,
        }))],
        "os_version" => vec![base(json!({
            "name": s.os, "version": s.version, "major": s.os_version_detail.major.parse::<i64>().unwrap_or(0),
            "minor": s.os_version_detail.minor.parse::<i64>().unwrap_or(0), "patch": s.os_version_detail.patch.parse::<i64>().unwrap_or(0),
            "build": x.hardware.os_build, "platform": s.os_family, "install_date": x.hardware.os_install_date,
        }))],
        "disk_encryption" => vec![base(json!({
            "name": if s.os_family == "darwin" { "/dev/disk3s1" } else { "/dev/nvme0n1p3" },
            "encrypted": if s.fde.active { 1 } else { 0 },
            "encryption_status": if s.fde.active { "encrypted" } else { "not encrypted" },
            "type": if s.fde.active { x.hardware.encryption_method.as_str() } else { "" },
            "uid": "", "user_uuid": "",
        }))],
        "bitlocker_info" => vec![base(json!({
            "drive_letter": "C:", "device_id": format!("\\\\?\\Volume{{{}}}", x.hardware.uuid),
            "protection_status": if s.fde.active { 1 } else { 0 }, "conversion_status": if s.fde.active { 1 } else { 0 },
            "encryption_method": if s.fde.active { x.hardware.encryption_method.as_str() } else { "None" },
            "percentage_encrypted": if s.fde.active { 100 } else { 0 }, "lock_status": 0, "persistent_volume_id": "",
        }))],
        "uptime" => vec![base(
            json!({ "days": 1, "hours": 2, "minutes": 3, "seconds": 4, "total_seconds": "93784" }),
        )],
        "users" => {
            let mut rows = vec![base(
                json!({ "username": "root", "uid": "0", "gid": "0", "description": "System Administrator", "directory": "/var/root", "shell": "/bin/sh", "admin": true, "managed": false, "suspended": false, "last_login": "" }),
            )];
            for (i, m) in s.user_metrics.iter().enumerate() {
                rows.push(base(json!({ "username": m.user_name, "uid": (501 + i).to_string(), "gid": "20", "description": m.user_name, "directory": format!("/home/{}", m.user_name), "shell": "/bin/bash", "admin": m.admin, "managed": m.managed, "suspended": m.suspended, "last_login": ct })));
            }
            rows
        }
        _ => vec![],
    }
}

// ---------------------------------------------------------------- Directory Insights

fn di_events(state: &SimState, ctx: &Ctx, req: &Req, count: bool) -> Resp {
    let body = match serde_json::from_slice::<Value>(&req.body) {
        Ok(Value::Object(m)) => m,
        _ => return di_error(StatusCode::BAD_REQUEST, "invalid request body: expected a JSON object"),
    };
    let services: Vec<String> = match body.get("service").and_then(Value::as_array) {
        Some(a) if !a.is_empty() => a.iter().filter_map(|s| s.as_str().map(String::from)).collect(),
        _ => {
            return di_error(
                StatusCode::BAD_REQUEST,
                "service is required: a list such as [\"all\"] or [\"directory\", \"sso\"]",
            )
        }
    };
    let Some(start) = body.get("start_time").and_then(Value::as_str) else {
        return di_error(StatusCode::BAD_REQUEST, "start_time is required (RFC 3339)");
    };
    let Some(start_ms) = parse_rfc3339_ms(start) else {
        return di_error(
            StatusCode::BAD_REQUEST,
            &format!("start_time \"{start}\" is not an RFC 3339 date-time"),
        );
    };
    let end_ms = match body.get("end_time").and_then(Value::as_str) {
        Some(e) => match parse_rfc3339_ms(e) {
            Some(ms) => ms,
            None => {
                return di_error(
                    StatusCode::BAD_REQUEST,
                    &format!("end_time \"{e}\" is not an RFC 3339 date-time"),
                )
            }
        },
        None => i64::MAX,
    };
    let limit = body.get("limit").and_then(Value::as_u64).unwrap_or(1000) as usize;
    if limit > 10_000 {
        return di_error(StatusCode::BAD_REQUEST, "limit exceeds the maximum of 10000");
    }
    let limit = limit.max(1);
    let desc = body
        .get("sort")
        .and_then(Value::as_str)
        .map(|s| s.eq_ignore_ascii_case("DESC"))
        .unwrap_or(false);
    let after: Option<(i64, u64)> = body.get("search_after").and_then(Value::as_array).and_then(|a| {
        Some((
            a.first()?.as_i64()?,
            a.get(1)?
                .as_str()?
                .parse::<u64>()
                .ok()
                .or_else(|| u64::from_str_radix(a.get(1)?.as_str()?, 16).ok())?,
        ))
    });
    let term = body.get("search_term").cloned();
    let q = body.get("q").and_then(Value::as_str).map(str::to_lowercase);
    let skip = body.get("skip").and_then(Value::as_u64).unwrap_or(0) as usize;

    let all = services.iter().any(|s| s == "all");
    let w = state.world.read().expect("world lock");
    let o = &w.orgs[ctx.org];
    let org_id = o.id().to_string();
    let lo = o.events.partition_point(|e| e.at_ms < start_ms);
    let hi = o.events.partition_point(|e| e.at_ms <= end_ms);
    let matches = |e: &Event| -> Option<Value> {
        if !all && !services.iter().any(|s| s == e.service) {
            return None;
        }
        let v = e.to_json(&org_id);
        if let Some(t) = &term {
            if !term_matches(t, &v) {
                return None;
            }
        }
        if let Some(q) = &q {
            if !v.to_string().to_lowercase().contains(q) {
                return None;
            }
        }
        Some(v)
    };
    if count {
        let n = o.events[lo..hi].iter().filter(|e| matches(e).is_some()).count();
        return Resp::ok(&json!({ "count": n }));
    }
    let slice = &o.events[lo..hi];
    let iter: Box<dyn Iterator<Item = &Event>> = if desc {
        Box::new(slice.iter().rev())
    } else {
        Box::new(slice.iter())
    };
    let mut out = vec![];
    let mut last: Option<(i64, u64)> = None;
    for e in iter.filter(|e| match after {
        None => true,
        Some(a) => {
            if desc {
                (e.at_ms, e.seq) < a
            } else {
                (e.at_ms, e.seq) > a
            }
        }
    }) {
        if let Some(v) = matches(e) {
            out.push(v);
            last = Some((e.at_ms, e.seq));
            if out.len() >= skip + limit {
                break;
            }
        }
    }
    let out: Vec<Value> = out.into_iter().skip(skip).collect();
    let mut r = Resp::value(StatusCode::OK, &Value::Array(out.clone()));
    r.headers.push(("x-result-count".into(), out.len().to_string()));
    r.headers.push(("x-limit".into(), limit.to_string()));
    r.headers
        .push(("x-sort".into(), if desc { "DESC".into() } else { "ASC".into() }));
    r.headers.push(("x-request-id".into(), format!("{:016x}", ctx.now_ms)));
    if let Some((ms, seq)) = last {
        r.headers
            .push(("x-search_after".into(), json!([ms, seq.to_string()]).to_string()));
    }
    r
}

/// `search_term`: `{and|or|not: [{field: value}, ...]}` or operator form `{field, operator, value}`.
fn term_matches(t: &Value, ev: &Value) -> bool {
    let field_eq = |field: &str, want: &Value| -> bool {
        let got = query::lookup(ev, field);
        match (got, want) {
            (Some(Value::String(g)), Value::String(w)) => g.eq_ignore_ascii_case(w),
            (Some(g), w) => g == w,
            (None, _) => false,
        }
    };
    let clause = |c: &Value| -> bool {
        match c {
            Value::Object(m) if m.contains_key("field") && m.contains_key("value") => {
                let f = m["field"].as_str().unwrap_or("");
                let op = m.get("operator").and_then(Value::as_str).unwrap_or("eq");
                let r = field_eq(f, &m["value"]);
                if op == "ne" {
                    !r
                } else {
                    r
                }
            }
            Value::Object(m) => m.iter().all(|(k, v)| {
                if k == "and" || k == "or" || k == "not" {
                    term_matches(&json!({ k: v }), ev)
                } else {
                    field_eq(k, v)
                }
            }),
            _ => false,
        }
    };
    let Some(m) = t.as_object() else { return true };
    let list = |v: &Value| -> Vec<Value> {
        match v {
            Value::Array(a) => a.clone(),
            other => vec![other.clone()],
        }
    };
    m.iter().all(|(k, v)| match k.as_str() {
        "and" => list(v).iter().all(clause),
        "or" => list(v).iter().any(clause),
        "not" => !list(v).iter().any(clause),
        _ => clause(t),
    })
}
