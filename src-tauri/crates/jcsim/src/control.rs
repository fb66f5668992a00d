//! `/__sim/…`: the simulator's own controls (requests seen, faults, the org's life and clock,
//! key rotation), never part of JumpCloud's API.

use crate::faults::Faults;
use crate::server::{plain, LoggedRequest, SimState};
use axum::body::Body;
use axum::http::{HeaderValue, Method, StatusCode};
use axum::response::Response;

pub(crate) fn control(state: &SimState, method: &Method, rest: &str, query: Option<&str>, body: &[u8]) -> Response {
    let json = |v: serde_json::Value| {
        let mut r = Response::new(Body::from(v.to_string()));
        r.headers_mut()
            .insert("content-type", HeaderValue::from_static("application/json"));
        r
    };
    match (method.as_str(), rest) {
        ("GET", "/requests") => {
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
        ("DELETE", "/requests") => {
            state.clear_requests();
            plain(StatusCode::NO_CONTENT, "")
        }
        ("GET", "/faults") => {
            json(serde_json::to_value(state.faults.lock().expect("faults lock").clone()).unwrap_or_default())
        }
        ("PUT", "/faults") => match serde_json::from_slice::<Faults>(body) {
            Ok(f) => {
                state.set_faults(f.clone());
                json(serde_json::to_value(f).unwrap_or_default())
            }
            Err(e) => plain(StatusCode::BAD_REQUEST, &format!("invalid faults: {e}")),
        },
        ("DELETE", "/faults") => {
            state.set_faults(Faults::default());
            plain(StatusCode::NO_CONTENT, "")
        }
        ("GET", "/info") => json(crate::info(&state.world.read().expect("world lock"))),
        // The clock moves `minutes` ahead (`{"minutes": N}`) and the org lives through them.
        ("POST", "/advance") => {
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
        ("GET", "/life") => json(serde_json::to_value(state.life()).unwrap_or_default()),
        ("PUT", "/life") => match serde_json::from_slice::<crate::life::Life>(body) {
            Ok(l) => {
                state.set_life(l.clone());
                json(serde_json::to_value(l).unwrap_or_default())
            }
            Err(e) => plain(StatusCode::BAD_REQUEST, &format!("invalid life: {e}")),
        },
        ("GET", "/reports") => {
            json(serde_json::to_value(&state.reports.lock().expect("reports lock").settings).unwrap_or_default())
        }
        ("PUT", "/reports") => match serde_json::from_slice::<crate::reports::ReportSettings>(body) {
            Ok(s) => {
                state.reports.lock().expect("reports lock").settings = s.clone();
                json(serde_json::to_value(s).unwrap_or_default())
            }
            Err(e) => plain(StatusCode::BAD_REQUEST, &format!("invalid report settings: {e}")),
        },
        // An admin regenerates their API key (or it is revoked): the old one gets 401s from now
        // on. Body `{"email": "..."}`; answers the new key.
        ("POST", "/rotate-key") => {
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
        _ => plain(
            StatusCode::NOT_FOUND,
            &format!("jcsim: no control route {method} /__sim{rest}"),
        ),
    }
}
