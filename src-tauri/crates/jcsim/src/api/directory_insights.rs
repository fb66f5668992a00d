//! Directory Insights: event queries and counts.

use super::*;

/// A Directory Insights event query, as the request body states it.
pub(super) struct EventQuery {
    services: Vec<String>,
    /// `service` holds "all".
    all: bool,
    pub(super) start_ms: i64,
    pub(super) end_ms: i64,
    limit: usize,
    desc: bool,
    /// The `(time, sequence)` cursor to continue after.
    after: Option<(i64, u64)>,
    term: Option<Value>,
    /// Free text, lowercased.
    q: Option<String>,
    skip: usize,
}

/// `POST /insights/directory/v1/events` (and `/count`): the org's events in a time range,
/// filtered, sorted and paged by cursor.
pub(super) fn di_events(state: &SimState, ctx: &Ctx, req: &Req, count: bool) -> Resp {
    let wanted = match event_query(req) {
        Ok(wanted) => wanted,
        Err(e) => return e,
    };
    let w = state.world.read().expect("world lock");
    let o = &w.orgs[ctx.org];
    let org_id = o.id().to_string();
    let lo = o.events.partition_point(|e| e.at_ms < wanted.start_ms);
    let hi = o.events.partition_point(|e| e.at_ms <= wanted.end_ms);
    if count {
        let n = o.events[lo..hi]
            .iter()
            .filter(|e| wanted.matches(e, &org_id).is_some())
            .count();
        return Resp::ok(&json!({ "count": n }));
    }
    let (out, last) = wanted.page(&o.events[lo..hi], &org_id);
    events_response(ctx, &wanted, out, last)
}

/// Reads the query from the body; a missing or malformed part is a 400.
pub(super) fn event_query(req: &Req) -> Result<EventQuery, Resp> {
    let body = match serde_json::from_slice::<Value>(&req.body) {
        Ok(Value::Object(m)) => m,
        _ => {
            return Err(di_error(
                StatusCode::BAD_REQUEST,
                "invalid request body: expected a JSON object",
            ))
        }
    };
    let services: Vec<String> = match body.get("service").and_then(Value::as_array) {
        Some(a) if !a.is_empty() => a.iter().filter_map(|s| s.as_str().map(String::from)).collect(),
        _ => {
            return Err(di_error(
                StatusCode::BAD_REQUEST,
                "service is required: a list such as [\"all\"] or [\"directory\", \"sso\"]",
            ))
        }
    };
    let (start_ms, end_ms) = time_range(&body)?;
    let limit = body.get("limit").and_then(Value::as_u64).unwrap_or(1000) as usize;
    if limit > 10_000 {
        return Err(di_error(StatusCode::BAD_REQUEST, "limit exceeds the maximum of 10000"));
    }
    let limit = limit.max(1);
    let desc = body
        .get("sort")
        .and_then(Value::as_str)
        .map(|s| s.eq_ignore_ascii_case("DESC"))
        .unwrap_or(false);
    let all = services.iter().any(|s| s == "all");
    Ok(EventQuery {
        services,
        all,
        start_ms,
        end_ms,
        limit,
        desc,
        after: search_after(&body),
        term: body.get("search_term").cloned(),
        q: body.get("q").and_then(Value::as_str).map(str::to_lowercase),
        skip: body.get("skip").and_then(Value::as_u64).unwrap_or(0) as usize,
    })
}

/// `start_time` (required) and `end_time` (open when absent), in ms; a bad date is a 400.
fn time_range(body: &Map<String, Value>) -> Result<(i64, i64), Resp> {
    let Some(start) = body.get("start_time").and_then(Value::as_str) else {
        return Err(di_error(StatusCode::BAD_REQUEST, "start_time is required (RFC 3339)"));
    };
    let Some(start_ms) = parse_rfc3339_ms(start) else {
        return Err(di_error(
            StatusCode::BAD_REQUEST,
            &format!("start_time \"{start}\" is not an RFC 3339 date-time"),
        ));
    };
    let end_ms = match body.get("end_time").and_then(Value::as_str) {
        Some(e) => match parse_rfc3339_ms(e) {
            Some(ms) => ms,
            None => {
                return Err(di_error(
                    StatusCode::BAD_REQUEST,
                    &format!("end_time \"{e}\" is not an RFC 3339 date-time"),
                ))
            }
        },
        None => i64::MAX,
    };
    Ok((start_ms, end_ms))
}

/// The `search_after` cursor: `[time, sequence]`, the sequence in decimal or hex.
fn search_after(body: &Map<String, Value>) -> Option<(i64, u64)> {
    body.get("search_after").and_then(Value::as_array).and_then(|a| {
        Some((
            a.first()?.as_i64()?,
            a.get(1)?
                .as_str()?
                .parse::<u64>()
                .ok()
                .or_else(|| u64::from_str_radix(a.get(1)?.as_str()?, 16).ok())?,
        ))
    })
}

impl EventQuery {
    /// The event as JSON when it passes the service, search-term and free-text filters.
    pub(super) fn matches(&self, e: &Event, org_id: &str) -> Option<Value> {
        if !self.all && !self.services.iter().any(|s| s == e.service) {
            return None;
        }
        let v = e.to_json(org_id);
        if let Some(t) = &self.term {
            if !term_matches(t, &v) {
                return None;
            }
        }
        if let Some(q) = &self.q {
            if !v.to_string().to_lowercase().contains(q) {
                return None;
            }
        }
        Some(v)
    }

    /// The matching events of `slice` past the cursor, in the asked order, after `skip` and up
    /// to `limit`; and the cursor of the last one read.
    fn page(&self, slice: &[Event], org_id: &str) -> (Vec<Value>, Option<(i64, u64)>) {
        let iter: Box<dyn Iterator<Item = &Event>> = if self.desc {
            Box::new(slice.iter().rev())
        } else {
            Box::new(slice.iter())
        };
        let mut out = vec![];
        let mut last: Option<(i64, u64)> = None;
        for e in iter.filter(|e| match self.after {
            None => true,
            Some(a) => {
                if self.desc {
                    (e.at_ms, e.seq) < a
                } else {
                    (e.at_ms, e.seq) > a
                }
            }
        }) {
            if let Some(v) = self.matches(e, org_id) {
                out.push(v);
                last = Some((e.at_ms, e.seq));
                if out.len() >= self.skip + self.limit {
                    break;
                }
            }
        }
        (out.into_iter().skip(self.skip).collect(), last)
    }
}

/// The page as Directory Insights sends it, with its count, limit, sort and cursor headers.
fn events_response(ctx: &Ctx, wanted: &EventQuery, out: Vec<Value>, last: Option<(i64, u64)>) -> Resp {
    let mut r = Resp::value(StatusCode::OK, &Value::Array(out.clone()));
    r.headers.push(("x-result-count".into(), out.len().to_string()));
    r.headers.push(("x-limit".into(), wanted.limit.to_string()));
    r.headers
        .push(("x-sort".into(), if wanted.desc { "DESC".into() } else { "ASC".into() }));
    r.headers.push(("x-request-id".into(), format!("{:016x}", ctx.now_ms)));
    if let Some((ms, seq)) = last {
        r.headers
            .push(("x-search_after".into(), json!([ms, seq.to_string()]).to_string()));
    }
    r
}

/// `search_term`: `{and|or|not: [{field: value}, ...]}` or operator form `{field, operator, value}`.
pub(super) fn term_matches(t: &Value, ev: &Value) -> bool {
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
