//! Directory Insights aggregations, as its spec describes them: `events/distinct` (the values
//! of one field among the matching events, with their counts, most frequent first) and
//! `events/interval` (matching events counted per time bucket: `interval_unit` s|m|h|d|w times
//! `interval_value`, aligned in the request's `timezone`, empty buckets between the first and
//! the last included).

use super::directory_insights::{event_query, EventQuery};
use super::*;

/// The body as a JSON object (the event query was already read from it).
fn body_of(req: &Req) -> Map<String, Value> {
    match serde_json::from_slice::<Value>(&req.body) {
        Ok(Value::Object(m)) => m,
        _ => Map::new(),
    }
}

/// The matching events of the org in the query's time range, as JSON.
fn matching(state: &SimState, ctx: &Ctx, wanted: &EventQuery) -> Vec<(i64, Value)> {
    let w = state.world.read().expect("world lock");
    let o = &w.orgs[ctx.org];
    let org_id = o.id().to_string();
    let lo = o.events.partition_point(|e| e.at_ms < wanted.start_ms);
    let hi = o.events.partition_point(|e| e.at_ms <= wanted.end_ms);
    o.events[lo..hi]
        .iter()
        .filter_map(|e| wanted.matches(e, &org_id).map(|v| (e.at_ms, v)))
        .collect()
}

/// `POST /insights/directory/v1/events/distinct` `{service, start_time, end_time?, field,
/// search_term?}`: `{buckets: [{key, doc_count}], doc_count_error_upper_bound,
/// sum_other_doc_count}`.
pub(super) fn di_distinct(state: &SimState, ctx: &Ctx, req: &Req) -> Resp {
    let wanted = match event_query(req) {
        Ok(w) => w,
        Err(e) => return e,
    };
    let body = body_of(req);
    let Some(field) = body.get("field").and_then(Value::as_str).filter(|f| !f.is_empty()) else {
        return di_error(
            StatusCode::BAD_REQUEST,
            "field is required: the event field to list the values of",
        );
    };
    let mut counts: std::collections::BTreeMap<String, u64> = Default::default();
    for (_, v) in matching(state, ctx, &wanted) {
        let key = match query::lookup(&v, field) {
            Some(Value::String(s)) => s.clone(),
            Some(Value::Null) | None => continue,
            Some(other @ (Value::Bool(_) | Value::Number(_))) => other.to_string(),
            Some(_) => continue,
        };
        *counts.entry(key).or_default() += 1;
    }
    let mut buckets: Vec<(String, u64)> = counts.into_iter().collect();
    buckets.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
    Resp::ok(&json!({
        "buckets": buckets.iter().map(|(k, n)| json!({ "key": k, "doc_count": n })).collect::<Vec<_>>(),
        "doc_count_error_upper_bound": 0,
        "sum_other_doc_count": 0,
    }))
}

/// The most buckets an interval query may make (Elasticsearch's limit behind JumpCloud's).
const MAX_BUCKETS: i64 = 65_536;

/// A `timezone` such as `-0500` or `+05:30` as minutes east of UTC (none: UTC).
fn offset_minutes(tz: Option<&str>) -> Option<i64> {
    let tz = tz.unwrap_or("+0000").replace(':', "");
    let (sign, rest) = match tz.as_bytes().first() {
        Some(b'+') => (1, &tz[1..]),
        Some(b'-') => (-1, &tz[1..]),
        _ => return None,
    };
    if rest.len() != 4 || !rest.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let (h, m): (i64, i64) = (rest[..2].parse().ok()?, rest[2..].parse().ok()?);
    Some(sign * (h * 60 + m))
}

/// `POST /insights/directory/v1/events/interval` `{service, start_time, end_time?,
/// interval_unit, interval_value?, timezone?, q?, search_term?}`: `{buckets: [{key (ms),
/// key_as_string, doc_count}]}`.
pub(super) fn di_interval(state: &SimState, ctx: &Ctx, req: &Req) -> Resp {
    let wanted = match event_query(req) {
        Ok(w) => w,
        Err(e) => return e,
    };
    let body = body_of(req);
    let unit_ms: i64 = match body.get("interval_unit").and_then(Value::as_str) {
        Some("s") => 1_000,
        Some("m") => 60_000,
        Some("h") => 3_600_000,
        Some("d") => 86_400_000,
        Some("w") => 7 * 86_400_000,
        other => {
            return di_error(
                StatusCode::BAD_REQUEST,
                &format!("interval_unit must be one of s, m, h, d, w, not {other:?}"),
            )
        }
    };
    let value = match body.get("interval_value") {
        None => 1,
        Some(Value::String(s)) => match s.parse::<i64>() {
            Ok(n) if n > 0 => n,
            _ => {
                return di_error(
                    StatusCode::BAD_REQUEST,
                    &format!("interval_value \"{s}\" is not a positive whole number"),
                )
            }
        },
        Some(Value::Number(n)) if n.as_i64().is_some_and(|n| n > 0) => n.as_i64().unwrap_or(1),
        Some(other) => {
            return di_error(
                StatusCode::BAD_REQUEST,
                &format!("interval_value {other} is not a positive whole number"),
            )
        }
    };
    let Some(offset_min) = offset_minutes(body.get("timezone").and_then(Value::as_str)) else {
        return di_error(
            StatusCode::BAD_REQUEST,
            "timezone must be an offset such as -0500 or +05:30",
        );
    };
    let width = unit_ms * value;
    let offset = offset_min * 60_000;
    // Weeks start on Monday (the epoch was a Thursday).
    let origin = if unit_ms == 7 * 86_400_000 { 4 * 86_400_000 } else { 0 };
    let bucket = |t: i64| (t + offset - origin).div_euclid(width) * width + origin - offset;
    let times: Vec<i64> = matching(state, ctx, &wanted).into_iter().map(|(t, _)| t).collect();
    let (Some(first), Some(last)) = (times.first(), times.last()) else {
        return Resp::ok(&json!({ "buckets": [] }));
    };
    let (lo, hi) = (bucket(*first), bucket(*last));
    if (hi - lo) / width + 1 > MAX_BUCKETS {
        return di_error(
            StatusCode::BAD_REQUEST,
            &format!("Trying to create too many buckets: more than {MAX_BUCKETS}; choose a wider interval or a shorter time range"),
        );
    }
    let mut counts = vec![0u64; ((hi - lo) / width + 1) as usize];
    for t in &times {
        counts[((bucket(*t) - lo) / width) as usize] += 1;
    }
    let key_text = |k: i64| {
        let local = crate::clock::rfc3339_ms(k + offset);
        let sign = if offset_min < 0 { '-' } else { '+' };
        format!(
            "{}{sign}{:02}:{:02}",
            local.trim_end_matches('Z'),
            offset_min.abs() / 60,
            offset_min.abs() % 60
        )
    };
    let buckets: Vec<Value> = counts
        .iter()
        .enumerate()
        .map(|(i, n)| {
            let k = lo + i as i64 * width;
            json!({ "key": k, "key_as_string": key_text(k), "doc_count": n })
        })
        .collect();
    Resp::ok(&json!({ "buckets": buckets }))
}
