//! `/__sim/…`: the simulator's own controls (requests seen, faults, the org's life and clock,
//! key rotation), never part of JumpCloud's API.

use crate::faults::Faults;
use crate::respond::plain;
use crate::server::{LoggedRequest, SimState};
use axum::body::Body;
use axum::http::{HeaderValue, Method, StatusCode};
use axum::response::Response;

/// Answers one control request (`rest` is the path after `/__sim`).
pub(crate) fn control(state: &SimState, method: &Method, rest: &str, query: Option<&str>, body: &[u8]) -> Response {
    match (method.as_str(), rest) {
        ("GET", "/requests") => requests(state, query),
        ("DELETE", "/requests") => {
            state.clear_requests();
            plain(StatusCode::NO_CONTENT, "")
        }
        ("GET", "/faults") => {
            json(serde_json::to_value(state.faults.lock().expect("faults lock").clone()).unwrap_or_default())
        }
        ("PUT", "/faults") => put_faults(state, body),
        ("DELETE", "/faults") => {
            state.set_faults(Faults::default());
            plain(StatusCode::NO_CONTENT, "")
        }
        ("GET", "/info") => json(crate::info(&state.world.read().expect("world lock"))),
        ("POST", "/advance") => advance(state, body),
        ("GET", "/life") => json(serde_json::to_value(state.life()).unwrap_or_default()),
        ("PUT", "/life") => put_life(state, body),
        ("GET", "/reports") => {
            json(serde_json::to_value(&state.reports.lock().expect("reports lock").settings).unwrap_or_default())
        }
        ("PUT", "/reports") => put_report_settings(state, body),
        ("POST", "/rotate-key") => rotate_key(state, body),
        _ => plain(
            StatusCode::NOT_FOUND,
            &format!("jcsim: no control route {method} /__sim{rest}"),
        ),
    }
}

/// A JSON response of `v`.
fn json(v: serde_json::Value) -> Response {
    let mut r = Response::new(Body::from(v.to_string()));
    r.headers_mut()
        .insert("content-type", HeaderValue::from_static("application/json"));
    r
}

/// The requests seen, those whose path holds `path_contains` when the query gives it.
fn requests(state: &SimState, query: Option<&str>) -> Response {
    let filter = query.and_then(|q| {
        form_urlencoded::parse(q.as_bytes())
            .find(|(k, _)| k == "path_contains")
            .map(|(_, v)| v.into_owned())
    });
    let reqs: Vec<LoggedRequest> = state
        .requests()
        .into_iter()
        .filter(|r| filter.as_deref().is_none_or(|f| r.path.contains(f)))
        .collect();
    json(serde_json::to_value(reqs).unwrap_or_default())
}

/// Puts the body's faults in force, answering them back.
fn put_faults(state: &SimState, body: &[u8]) -> Response {
    match serde_json::from_slice::<Faults>(body) {
        Ok(f) => {
            state.set_faults(f.clone());
            json(serde_json::to_value(f).unwrap_or_default())
        }
        Err(e) => plain(StatusCode::BAD_REQUEST, &format!("invalid faults: {e}")),
    }
}

/// The clock moves `minutes` ahead (`{"minutes": N}`) and the org lives through them.
fn advance(state: &SimState, body: &[u8]) -> Response {
    let minutes = serde_json::from_slice::<serde_json::Value>(body)
        .ok()
        .and_then(|v| v.get("minutes").and_then(|m| m.as_i64()));
    match minutes {
        Some(m) if m >= 0 => {
            let now = state.advance(m);
            json(serde_json::json!({ "now": crate::clock::rfc3339_ms(now) }))
        }
        _ => plain(StatusCode::BAD_REQUEST, "body must be {\"minutes\": N} with N >= 0"),
    }
}

/// Sets how the org lives, answering it back.
fn put_life(state: &SimState, body: &[u8]) -> Response {
    match serde_json::from_slice::<crate::life::Life>(body) {
        Ok(l) => {
            state.set_life(l.clone());
            json(serde_json::to_value(l).unwrap_or_default())
        }
        Err(e) => plain(StatusCode::BAD_REQUEST, &format!("invalid life: {e}")),
    }
}

/// Sets how Directory Insights reports behave, answering the settings back.
fn put_report_settings(state: &SimState, body: &[u8]) -> Response {
    match serde_json::from_slice::<crate::reports::ReportSettings>(body) {
        Ok(s) => {
            state.reports.lock().expect("reports lock").settings = s.clone();
            json(serde_json::to_value(s).unwrap_or_default())
        }
        Err(e) => plain(StatusCode::BAD_REQUEST, &format!("invalid report settings: {e}")),
    }
}

/// An admin regenerates their API key (or it is revoked): the old one gets 401s from now on.
/// Body `{"email": "..."}`; answers the new key.
fn rotate_key(state: &SimState, body: &[u8]) -> Response {
    let email = serde_json::from_slice::<serde_json::Value>(body)
        .ok()
        .and_then(|v| v.get("email").and_then(|e| e.as_str()).map(str::to_string))
        .unwrap_or_default();
    let mut w = state.world.write().expect("world lock");
    let now = state.now_ms();
    match w.admins.iter_mut().find(|a| a.email.eq_ignore_ascii_case(&email)) {
        Some(a) => {
            a.api_key = format!("jcsim-{}-{now:x}", &a.id);
            json(serde_json::json!({ "apiKey": a.api_key }))
        }
        None => plain(StatusCode::NOT_FOUND, &format!("jcsim: no admin {email}")),
    }
}
