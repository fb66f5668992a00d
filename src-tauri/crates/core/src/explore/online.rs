//! The explorer's questions asked of Directory Insights: a page of events (newest first, by
//! the `search_after` cursor, past 10,000), the count, the histogram and a field's top values.

use super::{line_of, Bucketing, EventFilter, EventLine, EventSource, EventsPage, Histogram, ValueCount};
use jumpcloud::{Api, Call, Client, Method, Repeat};
use serde_json::{json, Value};

/// Directory Insights' questions for one filter, at one moment (`now_ms` closes an open range).
pub struct Online {
    pub client: Client,
    pub filter: EventFilter,
    pub now_ms: i64,
}

fn query(path: &str, what: &str, body: Value) -> Call {
    Call::new(Method::POST, Api::Insights, path, what)
        .body(body)
        .repeat(Repeat::Safe)
}

impl Online {
    /// A page of `limit` events, newest first, after `cursor` (the previous page's).
    pub async fn page(&self, cursor: Option<&str>, limit: u32) -> jumpcloud::Result<EventsPage> {
        let mut body = self.filter.body(self.now_ms);
        body["sort"] = json!("DESC");
        body["limit"] = json!(limit.clamp(1, 10_000));
        if let Some(c) = cursor.and_then(|c| serde_json::from_str::<Value>(c).ok()) {
            body["search_after"] = c;
        }
        let (events, answer) = self
            .client
            .json::<Vec<Value>>(&query("/events", "read Directory Insights events", body))
            .await?;
        let full = events.len() as u32 >= limit;
        let next = answer.header("x-search_after").filter(|_| full).map(String::from);
        Ok(EventsPage {
            lines: events.iter().map(line_of).collect(),
            next,
            source: EventSource::Jumpcloud,
        })
    }

    /// How many events match (`events/count`).
    pub async fn count(&self) -> jumpcloud::Result<u64> {
        let (c, _) = self
            .client
            .json::<jumpcloud::models::EventCount>(&query(
                "/events/count",
                "count Directory Insights events",
                self.filter.body(self.now_ms),
            ))
            .await?;
        Ok(c.count)
    }

    /// Matching events per hour, day or week (`events/interval`), in UTC.
    pub async fn histogram(&self) -> jumpcloud::Result<Histogram> {
        let (start, end) = self.filter.range_ms(self.now_ms);
        let bucketing = Bucketing::for_range(start, end);
        let mut body = self.filter.body(self.now_ms);
        body["interval_unit"] = json!(bucketing.unit());
        // The spec types it as a string.
        body["interval_value"] = json!("1");
        body["timezone"] = json!("+00:00");
        let (v, _) = self
            .client
            .json::<Value>(&query(
                "/events/interval",
                "count Directory Insights events over time",
                body,
            ))
            .await?;
        // Directory Insights leaves out empty buckets before the first event and after the last:
        // every bucket of the range is drawn, as the archive's histogram draws them.
        let counts: std::collections::HashMap<i64, f64> = v
            .get("buckets")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .filter_map(|b| {
                let ms = b.get("key").and_then(Value::as_i64)?;
                Some((
                    bucketing.floor(ms),
                    b.get("doc_count").and_then(Value::as_u64).unwrap_or(0) as f64,
                ))
            })
            .collect();
        let histogram = super::every_bucket(bucketing, start, end, |at| counts.get(&at).copied().unwrap_or(0.0));
        Ok(histogram)
    }

    /// The most frequent values of `field` among the matching events (`events/distinct`).
    pub async fn distinct(&self, field: &str) -> jumpcloud::Result<Vec<ValueCount>> {
        let mut body = self.filter.body(self.now_ms);
        body["field"] = json!(field);
        let (v, _) = self
            .client
            .json::<Value>(&query("/events/distinct", "list Directory Insights values", body))
            .await?;
        Ok(v.get("buckets")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .filter_map(|b| {
                let value = match b.get("key")? {
                    Value::String(s) => s.clone(),
                    other => other.to_string(),
                };
                Some(ValueCount {
                    value,
                    count: b.get("doc_count").and_then(Value::as_u64).unwrap_or(0) as f64,
                })
            })
            .take(25)
            .collect())
    }
}

/// The event types that are logins (portal, device, SSO, admin, RADIUS, LDAP).
pub const LOGIN_TYPES: [&str; 6] = [
    "user_login_attempt",
    "login_attempt",
    "sso_auth",
    "admin_login_attempt",
    "radius_auth",
    "ldap_bind",
];

/// A person's last successful login anywhere in the 90 days Directory Insights keeps.
pub async fn last_login(client: &Client, username: &str, now_ms: i64) -> jumpcloud::Result<Option<EventLine>> {
    let filter = EventFilter {
        event_types: LOGIN_TYPES.iter().map(|s| s.to_string()).collect(),
        start: rollcall_cache::format_ms(now_ms - 90 * 86_400_000),
        person: username.to_string(),
        success: Some(true),
        ..Default::default()
    };
    let page = Online {
        client: client.clone(),
        filter,
        now_ms,
    }
    .page(None, 1)
    .await?;
    Ok(page.lines.into_iter().next())
}
