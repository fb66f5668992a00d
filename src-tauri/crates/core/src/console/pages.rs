//! Reads through the console: one page, or every page of a list operation (skip/limit with
//! v1's `totalCount` or v2's `x-total-count`; Directory Insights' `search_after` cursor), with
//! progress and Cancel.

use super::{body_value, shown_body, shown_headers, ConsoleAnswer};
use crate::apispec::check::Parts;
use crate::apispec::{client_call, Paging};
use crate::CancelToken;
use serde::Serialize;
use serde_json::Value;
use std::time::Instant;

/// The most items "all pages" gathers (a guard against a list that never ends).
const MOST_ITEMS: usize = 1_000_000;
/// A page when the call names no `limit` (JumpCloud's v1 and v2 maximum).
const PAGE: usize = 100;

#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct PageProgress {
    pub pages: u32,
    pub items: u32,
    pub total: Option<f64>,
}

struct Gathered {
    items: Vec<Value>,
    pages: u32,
    total: Option<u64>,
    /// v1's envelope (`{totalCount, results}`) rather than a bare array.
    envelope: bool,
    last: Option<jumpcloud::client::Answer>,
    stopped: Option<String>,
}

fn query_num(parts: &Parts, name: &str) -> Option<usize> {
    parts
        .query
        .iter()
        .find(|(k, _)| k == name)
        .and_then(|(_, v)| v.trim().parse().ok())
}

fn with_query(parts: &Parts, name: &str, value: usize) -> Vec<(String, String)> {
    let mut q: Vec<(String, String)> = parts.query.iter().filter(|(k, _)| k != name).cloned().collect();
    q.push((name.to_string(), value.to_string()));
    q
}

/// Reads `parts`: one page, or with `all` every page of a list operation.
pub async fn read(
    client: &jumpcloud::Client,
    parts: &Parts,
    paging: Paging,
    all: bool,
    progress: &mut (dyn FnMut(PageProgress) + Send),
    cancel: &CancelToken,
) -> (ConsoleAnswer, Value) {
    let started = Instant::now();
    let base = client_call(parts);
    if !all || paging == Paging::None {
        return match client.send(&base).await {
            Ok(a) => {
                let value = body_value(&a.body);
                let total = a
                    .total_count()
                    .or_else(|| value.get("totalCount").and_then(Value::as_u64));
                let g = Gathered {
                    items: vec![],
                    pages: 1,
                    total,
                    envelope: false,
                    last: Some(a),
                    stopped: None,
                };
                (shown(answer(&g, started, None), &value), value)
            }
            Err(e) => (
                ConsoleAnswer::failed(&e, started.elapsed().as_millis() as u64),
                Value::Null,
            ),
        };
    }
    let mut g = gather(client, &base, parts, paging, progress, cancel).await;
    let value = if g.envelope {
        serde_json::json!({ "totalCount": g.total, "results": g.items })
    } else {
        Value::Array(std::mem::take(&mut g.items))
    };
    let items = value
        .get("results")
        .and_then(Value::as_array)
        .or(value.as_array())
        .map(|a| a.len() as u32);
    (shown(answer(&g, started, items), &value), value)
}

/// Every page of a list operation from `base`, following skip/limit or the cursor, until a
/// page comes back short or empty, the total is reached, Cancel, or an error (kept as why it
/// stopped, with what was read).
async fn gather(
    client: &jumpcloud::Client,
    base: &jumpcloud::Call,
    parts: &Parts,
    paging: Paging,
    progress: &mut (dyn FnMut(PageProgress) + Send),
    cancel: &CancelToken,
) -> Gathered {
    let mut g = Gathered {
        items: vec![],
        pages: 0,
        total: None,
        envelope: false,
        last: None,
        stopped: None,
    };
    let limit = query_num(parts, "limit")
        .or_else(|| parts.body.as_ref()?.get("limit")?.as_u64().map(|n| n as usize))
        .unwrap_or(if paging == Paging::Cursor { 1000 } else { PAGE })
        .max(1);
    let mut skip = query_num(parts, "skip").unwrap_or(0);
    let mut body = parts.body.clone().unwrap_or(Value::Null);
    loop {
        if cancel.is_cancelled() {
            g.stopped = Some(format!("Cancelled after {} pages", g.pages));
            break;
        }
        let mut call = base.clone();
        match paging {
            Paging::SkipLimit => {
                let mut q = with_query(parts, "skip", skip);
                q.retain(|(k, _)| k != "limit");
                q.push(("limit".into(), limit.to_string()));
                call.query = q;
            }
            _ => call.body = Some(body.clone()),
        }
        let a = match client.send(&call).await {
            Ok(a) => a,
            Err(e) => {
                g.stopped = Some(format!("Stopped at page {}: {e}", g.pages + 1));
                break;
            }
        };
        let value = body_value(&a.body);
        let page: Vec<Value> = match value {
            Value::Array(v) => v,
            Value::Object(mut m) if m.get("results").is_some_and(Value::is_array) => {
                g.envelope = true;
                g.total = m.get("totalCount").and_then(Value::as_u64).or(g.total);
                match m.remove("results") {
                    Some(Value::Array(v)) => v,
                    _ => vec![],
                }
            }
            other => {
                g.items.push(other);
                g.pages += 1;
                g.last = Some(a);
                break;
            }
        };
        g.total = a.total_count().or(g.total);
        let n = page.len();
        g.items.extend(page);
        g.pages += 1;
        progress(PageProgress {
            pages: g.pages,
            items: g.items.len() as u32,
            total: g.total.map(|t| t as f64),
        });
        let cursor = a
            .header("x-search_after")
            .and_then(|v| serde_json::from_str::<Value>(v).ok());
        g.last = Some(a);
        skip += n;
        let more = n > 0
            && match paging {
                Paging::SkipLimit => n >= limit && g.total.is_none_or(|t| (skip as u64) < t),
                _ => match cursor {
                    Some(c) if n >= limit && n > 0 => {
                        body["search_after"] = c;
                        true
                    }
                    _ => false,
                },
            };
        if !more || g.items.len() >= MOST_ITEMS {
            break;
        }
    }
    g
}

fn answer(g: &Gathered, started: Instant, items: Option<u32>) -> ConsoleAnswer {
    let ms = started.elapsed().as_millis() as u64;
    let (status, headers) = match &g.last {
        Some(a) => (Some(a.status.as_u16()), shown_headers(&a.headers)),
        None => (None, vec![]),
    };
    let message = match (&g.stopped, items) {
        (Some(why), Some(n)) => format!("{why}. The {n} items read are shown."),
        (Some(why), None) => format!("{why}."),
        (None, Some(n)) => format!("Read {n} items in {} pages.", g.pages),
        (None, None) => "JumpCloud answered.".to_string(),
    };
    ConsoleAnswer {
        status,
        ok: g.stopped.is_none() && g.last.is_some(),
        ms,
        headers,
        body: String::new(),
        truncated: false,
        pages: g.pages,
        items,
        total: g.total.map(|t| t as f64),
        message,
        audit_id: None,
    }
}

/// The answer with the body filled in for the screen.
pub(crate) fn shown(mut a: ConsoleAnswer, value: &Value) -> ConsoleAnswer {
    (a.body, a.truncated) = shown_body(value);
    a
}
