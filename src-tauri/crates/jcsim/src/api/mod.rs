//! JumpCloud's routes: v1 under `/api`, v2 under `/api/v2`, Directory Insights under
//! `/insights/directory/v1`. One `route` function matches method and path; anything it does
//! not know is a loud 404 naming the route, so a request nobody meant to send fails a test.

use crate::clock::{parse_rfc3339_ms, rfc3339_ms};
use crate::faults::Faults;
use crate::model::*;
use crate::query::{self, Flavor, ListQuery};
use crate::server::SimState;
use crate::world::{Org, ScheduledState, Stored, Sudo, World};
use axum::http::{HeaderMap, Method, StatusCode};
use bytes::Bytes;
use serde_json::{json, Map, Value};
use std::collections::BTreeSet;

mod apple_mdm;
mod commands;
mod di_aggregates;
mod directory_insights;
mod events;
mod graph;
mod groups;
mod orgs;
mod reports;
mod routes;
pub(crate) use reports::write_ahead;
mod scheduled;
mod system_insights;
mod systems;
mod users;
use apple_mdm::*;
use commands::*;
use di_aggregates::*;
use directory_insights::*;
use events::*;
use graph::*;
use groups::*;
use orgs::*;
use reports::*;
pub use routes::route;
pub use scheduled::run_due_states;
use scheduled::*;
use system_insights::*;
use systems::*;
use users::*;

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
    /// A body too large to hold, in a file (a report artifact): sent as it is read.
    pub spooled: Option<std::sync::Arc<crate::reports::Spooled>>,
}

impl Resp {
    fn json(status: StatusCode, body: Vec<u8>) -> Self {
        Self {
            status,
            headers: vec![],
            body,
            is_json: true,
            spooled: None,
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
            spooled: None,
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
