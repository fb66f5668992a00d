//! JumpCloud's list parameters (`limit`, `skip`, `sort`, `fields`, `filter`, `search`) and how
//! they are applied to records kept as JSON bytes.

use bytes::Bytes;
use serde_json::Value;
use std::cmp::Ordering;

/// Which API flavour a list belongs to: it decides separators, operators and the envelope.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Flavor {
    /// `/api/...`: `{totalCount, results}`, `field:$op:value`, space-separated sort/fields.
    V1,
    /// `/api/v2/...`: bare arrays with `x-total-count`, `field:op:value`, comma-separated.
    V2,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Filter {
    pub field: String,
    pub op: String,
    pub value: String,
}

#[derive(Debug, Clone, Default, PartialEq)]
pub struct ListQuery {
    pub limit: usize,
    pub skip: usize,
    /// (field, descending)
    pub sort: Vec<(String, bool)>,
    pub fields: Vec<String>,
    /// ANDed filters.
    pub filters: Vec<Filter>,
    /// ORed filters (`filter[or][0]=...`).
    pub or_filters: Vec<Filter>,
    /// Free-text search over `search_fields` (or common fields).
    pub search: Option<String>,
    pub search_fields: Vec<String>,
}

/// A refusal in JumpCloud's words (always a 400).
#[derive(Debug, Clone, PartialEq)]
pub struct BadRequest(pub String);

impl ListQuery {
    /// Parses the raw query string. `max_limit` is 100 for most lists, 10,000 for System Insights.
    pub fn parse(raw: Option<&str>, flavor: Flavor, max_limit: usize) -> Result<Self, BadRequest> {
        let mut q = ListQuery {
            limit: 10,
            ..Default::default()
        };
        for (k, v) in form_urlencoded::parse(raw.unwrap_or("").as_bytes()) {
            let (k, v) = (k.as_ref(), v.into_owned());
            match k {
                "limit" => {
                    let n: i64 = v.trim().parse().map_err(|_| {
                        BadRequest(format!(
                            "Bad Request: request parameter \"limit\" must be an integer, got \"{v}\""
                        ))
                    })?;
                    if n < 0 {
                        return Err(BadRequest(
                            "Bad Request: request parameter \"limit\" must be at least 0".into(),
                        ));
                    }
                    if n as usize > max_limit {
                        return Err(BadRequest(format!(
                            "Bad Request: request parameter \"limit\" exceeds maximum value of {max_limit}"
                        )));
                    }
                    q.limit = if n == 0 { 10 } else { n as usize };
                }
                "skip" => {
                    let n: i64 = v.trim().parse().map_err(|_| {
                        BadRequest(format!(
                            "Bad Request: request parameter \"skip\" must be an integer, got \"{v}\""
                        ))
                    })?;
                    if n < 0 {
                        return Err(BadRequest(
                            "Bad Request: request parameter \"skip\" must be at least 0".into(),
                        ));
                    }
                    q.skip = n as usize;
                }
                "sort" => {
                    for s in split_list(&v) {
                        let (name, desc) = match s.strip_prefix('-') {
                            Some(n) => (n, true),
                            None => (s, false),
                        };
                        q.sort.push((name.to_string(), desc));
                    }
                }
                "fields" => q.fields.extend(split_list(&v).into_iter().map(String::from)),
                "search" | "search[searchTerm]" => q.search = Some(v),
                "search[fields]" | "search[fields][]" => {
                    q.search_fields.extend(split_list(&v).into_iter().map(String::from))
                }
                k if k == "filter" || k.starts_with("filter[") => {
                    if v.is_empty() {
                        continue;
                    }
                    let f = parse_filter(&v, flavor)?;
                    if k.starts_with("filter[or]") {
                        q.or_filters.push(f);
                    } else {
                        q.filters.push(f);
                    }
                }
                _ => {}
            }
        }
        Ok(q)
    }

    pub fn needs_values(&self) -> bool {
        !self.filters.is_empty()
            || !self.or_filters.is_empty()
            || self.search.is_some()
            || self.sort.iter().any(|(f, _)| f != "_id" && f != "id")
    }

    pub fn descending_by_id(&self) -> bool {
        matches!(self.sort.first(), Some((f, true)) if f == "_id" || f == "id")
    }
}

/// v1 separates lists with spaces, v2 with commas; accept both everywhere.
fn split_list(v: &str) -> Vec<&str> {
    v.split([' ', ',']).map(str::trim).filter(|s| !s.is_empty()).collect()
}

const V1_OPS: &[&str] = &[
    "$eq", "$ne", "$in", "$nin", "$lt", "$lte", "$gt", "$gte", "$sw", "$ew", "$co", "$nco",
];
const V2_OPS: &[&str] = &["eq", "ne", "gt", "ge", "lt", "le", "between", "search", "in"];

pub fn parse_filter(v: &str, flavor: Flavor) -> Result<Filter, BadRequest> {
    let mut parts = v.splitn(3, ':');
    let (field, op, value) = match (parts.next(), parts.next(), parts.next()) {
        (Some(f), Some(o), Some(val)) if !f.is_empty() => (f, o, val),
        _ => {
            return Err(BadRequest(format!(
                "Bad Request: invalid filter \"{v}\": expected field:operator:value"
            )))
        }
    };
    let ok = match flavor {
        Flavor::V1 => V1_OPS.contains(&op),
        Flavor::V2 => V2_OPS.contains(&op),
    };
    if !ok {
        return Err(BadRequest(format!(
            "Bad Request: invalid filter operator \"{op}\" in \"{v}\""
        )));
    }
    Ok(Filter {
        field: field.into(),
        op: op.trim_start_matches('$').into(),
        value: value.into(),
    })
}

/// Looks up a dotted path in a JSON value (`mfa.configured`, `osVersionDetail.major`).
pub fn lookup<'a>(v: &'a Value, path: &str) -> Option<&'a Value> {
    let mut cur = v;
    for part in path.split('.') {
        cur = cur.get(part)?;
    }
    Some(cur)
}

fn scalar_text(v: &Value) -> Option<String> {
    match v {
        Value::String(s) => Some(s.clone()),
        Value::Bool(b) => Some(b.to_string()),
        Value::Number(n) => Some(n.to_string()),
        Value::Null => Some("null".into()),
        _ => None,
    }
}

fn compare_text(a: &str, b: &str) -> Ordering {
    match (a.parse::<f64>(), b.parse::<f64>()) {
        (Ok(x), Ok(y)) => x.partial_cmp(&y).unwrap_or(Ordering::Equal),
        _ => a.cmp(b),
    }
}

impl Filter {
    pub fn matches(&self, rec: &Value) -> bool {
        let field = if self.field == "id" && rec.get("id").is_none() {
            "_id"
        } else {
            self.field.as_str()
        };
        let got = lookup(rec, field).and_then(scalar_text);
        let Some(got) = got else {
            // A missing field equals nothing and differs from everything.
            return matches!(self.op.as_str(), "ne" | "nin" | "nco");
        };
        let want = self.value.as_str();
        match self.op.as_str() {
            "eq" => got == want,
            "ne" => got != want,
            "in" => want.split('|').any(|w| w == got),
            "nin" => !want.split('|').any(|w| w == got),
            "lt" => compare_text(&got, want) == Ordering::Less,
            "lte" | "le" => compare_text(&got, want) != Ordering::Greater,
            "gt" => compare_text(&got, want) == Ordering::Greater,
            "gte" | "ge" => compare_text(&got, want) != Ordering::Less,
            "sw" => got.starts_with(want),
            "ew" => got.ends_with(want),
            "co" | "search" => got.to_lowercase().contains(&want.to_lowercase()),
            "nco" => !got.to_lowercase().contains(&want.to_lowercase()),
            "between" => {
                let mut b = want.split(',');
                match (b.next(), b.next()) {
                    (Some(lo), Some(hi)) => {
                        compare_text(&got, lo) != Ordering::Less && compare_text(&got, hi) != Ordering::Greater
                    }
                    _ => false,
                }
            }
            _ => false,
        }
    }
}

/// Fields searched when a list's `search` names none.
pub const DEFAULT_SEARCH_FIELDS: &[&str] = &[
    "username",
    "email",
    "firstname",
    "lastname",
    "displayname",
    "hostname",
    "displayName",
    "serialNumber",
    "name",
];

/// The result of applying a query: the page and the total before paging.
pub struct Page {
    pub total: usize,
    pub items: Vec<Bytes>,
}

/// Applies filter, search, sort, skip/limit and fields to records given as JSON bytes in `_id`
/// order. Only the slow path (filters, search, non-id sort, fields) parses JSON.
pub fn apply(records: Vec<Bytes>, q: &ListQuery) -> Page {
    let mut items = records;
    if q.descending_by_id() {
        items.reverse();
    }
    if q.needs_values() {
        let mut parsed: Vec<(Value, Bytes)> = items
            .into_iter()
            .filter_map(|b| serde_json::from_slice::<Value>(&b).ok().map(|v| (v, b)))
            .filter(|(v, _)| q.filters.iter().all(|f| f.matches(v)))
            .filter(|(v, _)| q.or_filters.is_empty() || q.or_filters.iter().any(|f| f.matches(v)))
            .filter(|(v, _)| match &q.search {
                None => true,
                Some(term) => {
                    let term = term.to_lowercase();
                    let fields: Vec<&str> = if q.search_fields.is_empty() {
                        DEFAULT_SEARCH_FIELDS.to_vec()
                    } else {
                        q.search_fields.iter().map(String::as_str).collect()
                    };
                    fields.iter().any(|f| {
                        lookup(v, f)
                            .and_then(|x| x.as_str())
                            .is_some_and(|s| s.to_lowercase().contains(&term))
                    })
                }
            })
            .collect();
        if q.sort.iter().any(|(f, _)| f != "_id" && f != "id") {
            parsed.sort_by(|(a, _), (b, _)| {
                for (field, desc) in &q.sort {
                    let x = lookup(a, field).and_then(scalar_text).unwrap_or_default();
                    let y = lookup(b, field).and_then(scalar_text).unwrap_or_default();
                    let o = x.to_lowercase().cmp(&y.to_lowercase());
                    let o = if *desc { o.reverse() } else { o };
                    if o != Ordering::Equal {
                        return o;
                    }
                }
                Ordering::Equal
            });
        }
        items = parsed.into_iter().map(|(_, b)| b).collect();
    }
    let total = items.len();
    let page: Vec<Bytes> = items.into_iter().skip(q.skip).take(q.limit).collect();
    let page = if q.fields.is_empty() {
        page
    } else {
        page.into_iter().map(|b| project(&b, &q.fields)).collect()
    };
    Page { total, items: page }
}

/// Keeps only `fields` (and the id) of a record.
pub fn project(b: &Bytes, fields: &[String]) -> Bytes {
    let Ok(Value::Object(m)) = serde_json::from_slice::<Value>(b) else {
        return b.clone();
    };
    let kept: serde_json::Map<String, Value> = m
        .into_iter()
        .filter(|(k, _)| k == "_id" || k == "id" || fields.iter().any(|f| f == k || f.starts_with(&format!("{k}."))))
        .collect();
    Bytes::from(serde_json::to_vec(&kept).unwrap_or_default())
}

/// `[a,b,c]` from JSON items.
pub fn json_array(items: &[Bytes]) -> Vec<u8> {
    let mut out = Vec::with_capacity(items.iter().map(|b| b.len() + 1).sum::<usize>() + 2);
    out.push(b'[');
    for (i, b) in items.iter().enumerate() {
        if i > 0 {
            out.push(b',');
        }
        out.extend_from_slice(b);
    }
    out.push(b']');
    out
}

/// `{"totalCount":N,"results":[...]}`.
pub fn v1_envelope(total: usize, items: &[Bytes]) -> Vec<u8> {
    let arr = json_array(items);
    let mut out = Vec::with_capacity(arr.len() + 40);
    out.extend_from_slice(format!("{{\"totalCount\":{total},\"results\":").as_bytes());
    out.extend_from_slice(&arr);
    out.push(b'}');
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn limit_above_100_is_refused_like_jumpcloud() {
        let e = ListQuery::parse(Some("limit=101"), Flavor::V1, 100).unwrap_err();
        assert_eq!(
            e.0,
            "Bad Request: request parameter \"limit\" exceeds maximum value of 100"
        );
        assert_eq!(
            ListQuery::parse(Some("limit=10000"), Flavor::V2, 10_000).unwrap().limit,
            10_000
        );
        assert_eq!(
            ListQuery::parse(None, Flavor::V2, 100).unwrap().limit,
            10,
            "default limit"
        );
    }

    #[test]
    fn v1_and_v2_filters() {
        let rec = json!({"_id": "a", "email": "x@y", "mfa": {"configured": true}, "n": 5});
        let f = parse_filter("email:$eq:x@y", Flavor::V1).unwrap();
        assert!(f.matches(&rec));
        assert!(parse_filter("email:eq:x@y", Flavor::V1).is_err(), "v1 needs $");
        assert!(parse_filter("mfa.configured:eq:true", Flavor::V2)
            .unwrap()
            .matches(&rec));
        assert!(parse_filter("n:gt:4", Flavor::V2).unwrap().matches(&rec));
        assert!(
            !parse_filter("n:gt:10", Flavor::V2).unwrap().matches(&rec),
            "numeric, not text, comparison"
        );
        assert!(parse_filter("_id:in:b|a", Flavor::V2).unwrap().matches(&rec));
    }

    #[test]
    fn sort_skip_limit_fields() {
        let recs: Vec<Bytes> = ["c", "a", "b"]
            .iter()
            .enumerate()
            .map(|(i, n)| Bytes::from(json!({"_id": i.to_string(), "name": n, "x": 1}).to_string()))
            .collect();
        let q = ListQuery::parse(Some("sort=-name&skip=1&limit=1&fields=name"), Flavor::V1, 100).unwrap();
        let p = apply(recs, &q);
        assert_eq!(p.total, 3);
        let v: Value = serde_json::from_slice(&p.items[0]).unwrap();
        assert_eq!(v, json!({"_id": "2", "name": "b"}));
    }
}
