//! Checking a console call before anything is sent: the method, the path (against the
//! published operations), the query parameters and the JSON body (its syntax, then its schema),
//! each problem said where it is.

use super::{body_in_words, redacted, ApiBase, ApiIndex, ApiOperation, BodyKind, ParamIn};
use serde::{Deserialize, Serialize};
use serde_json::Value;

/// A call as the admin wrote it.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct ConsoleRequest {
    pub method: String,
    /// `/api/…`, `/api/v2/…` or `/insights/directory/v1/…`, optionally with `?query`.
    pub path: String,
    pub query: Vec<QueryParam>,
    /// JSON text; empty for none.
    pub body: String,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct QueryParam {
    pub name: String,
    pub value: String,
}

/// Where a problem is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "snake_case")]
pub enum IssuePlace {
    Method,
    Path,
    Query,
    Body,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct CallIssue {
    pub place: IssuePlace,
    pub message: String,
    /// Nothing is sent while a blocking problem stands; the others are notes.
    pub blocking: bool,
}

/// What a call would do, and whether it may be sent.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct Checked {
    pub operation: Option<ApiOperation>,
    pub changes: bool,
    pub issues: Vec<CallIssue>,
    pub sendable: bool,
    /// The call in words, for the confirmation ("Update a system user: sets suspended to true
    /// on person Ada Lovelace (ada)").
    pub in_words: String,
    /// The descriptions it was checked against; empty when none are loaded.
    pub checked_against: String,
}

/// A call ready to send.
#[derive(Debug, Clone, PartialEq)]
pub struct Parts {
    pub api: ApiBase,
    pub method: jumpcloud::Method,
    /// Below the API's base.
    pub rest: String,
    pub query: Vec<(String, String)>,
    pub body: Option<Value>,
}

/// The methods JumpCloud's API uses.
pub const METHODS: [&str; 5] = ["GET", "POST", "PUT", "PATCH", "DELETE"];

fn issue(place: IssuePlace, message: impl Into<String>) -> CallIssue {
    CallIssue {
        place,
        message: message.into(),
        blocking: true,
    }
}

fn note(place: IssuePlace, message: impl Into<String>) -> CallIssue {
    CallIssue {
        place,
        message: message.into(),
        blocking: false,
    }
}

/// The request's path without its query, and every query parameter (those written in the path
/// first), empty names left out.
fn split_query(req: &ConsoleRequest) -> (String, Vec<(String, String)>) {
    let (path, inline) = match req.path.trim().split_once('?') {
        Some((p, q)) => (
            p.to_string(),
            url::form_urlencoded::parse(q.as_bytes()).into_owned().collect(),
        ),
        None => (req.path.trim().to_string(), vec![]),
    };
    let mut query: Vec<(String, String)> = inline;
    query.extend(
        req.query
            .iter()
            .filter(|q| !q.name.trim().is_empty())
            .map(|q| (q.name.trim().to_string(), q.value.clone())),
    );
    (path, query)
}

/// "line 3, column 5" for a JSON syntax error, with what was expected.
fn json_error(e: &serde_json::Error) -> String {
    let what = e.to_string();
    let what = what.split(" at line ").next().unwrap_or(&what).to_string();
    format!(
        "The body is not valid JSON: {what} at line {}, column {}. Fix it or clear the body.",
        e.line(),
        e.column()
    )
}

/// Checks `req`: `name_of` names an id from the mirror ("person Ada Lovelace (ada)").
pub fn check(index: Option<&ApiIndex>, req: &ConsoleRequest, name_of: &dyn Fn(&str) -> Option<String>) -> Checked {
    let mut issues = vec![];
    let method = req.method.trim().to_ascii_uppercase();
    if !METHODS.contains(&method.as_str()) {
        issues.push(issue(
            IssuePlace::Method,
            format!("{method:?} is not a method JumpCloud's API uses: choose GET, POST, PUT, PATCH or DELETE."),
        ));
    }
    let (path, query) = split_query(req);
    let based = ApiBase::of_path(&path);
    path_issues(&path, based.is_some(), &mut issues);
    let body = if req.body.trim().is_empty() {
        None
    } else {
        match serde_json::from_str::<Value>(&req.body) {
            Ok(v) => Some(v),
            Err(e) => {
                issues.push(issue(IssuePlace::Body, json_error(&e)));
                None
            }
        }
    };
    if req.body.contains("\"<redacted>\"") {
        issues.push(issue(
            IssuePlace::Body,
            "The body holds <redacted> where a secret was (the history does not keep secrets): type the value again.",
        ));
    }
    if method == "GET" && !req.body.trim().is_empty() {
        issues.push(issue(
            IssuePlace::Body,
            "A GET sends no body: clear it, or choose POST or PUT.",
        ));
    }
    let changes = based.is_none_or(|(api, rest)| super::changes_anything(api, &method, rest));
    let mut operation = None;
    let mut checked_against = String::new();
    if let (Some(index), Some(_)) = (index, based) {
        checked_against = index
            .sources
            .iter()
            .map(|s| format!("{} {}", s.title, s.version))
            .collect::<Vec<_>>()
            .join(", ");
        match index.find(&method, &path) {
            Some((i, _)) => {
                let op = &index.ops[i];
                check_query(op, &query, &mut issues);
                check_body(index, i, body.as_ref(), &req.body, &mut issues);
                operation = Some(op.clone());
            }
            None => issues.push(unknown_path(index, &method, &path)),
        }
    } else if index.is_none() && based.is_some() {
        issues.push(note(
            IssuePlace::Path,
            "Not checked: JumpCloud's API descriptions are not loaded (Console → Load API descriptions).",
        ));
    }
    let summary = operation.as_ref().map(|o| o.summary.clone()).unwrap_or_default();
    let target = path
        .split('/')
        .filter_map(name_of)
        .next()
        .map(|n| format!(" on {n}"))
        .unwrap_or_default();
    let what = body
        .as_ref()
        .map(|b| body_in_words(&redacted(b), name_of))
        .unwrap_or_default();
    let in_words = [summary, format!("{method} {path}{target}"), what]
        .into_iter()
        .filter(|s| !s.is_empty())
        .collect::<Vec<_>>()
        .join(" — ");
    let sendable = !issues.iter().any(|i| i.blocking);
    Checked {
        operation,
        changes,
        issues,
        sendable,
        in_words,
        checked_against,
    }
}

/// The path's own problems: not under one of JumpCloud's APIs, segments a URL parser would
/// resolve, an unfilled placeholder.
fn path_issues(path: &str, known_api: bool, issues: &mut Vec<CallIssue>) {
    if !known_api {
        issues.push(issue(
            IssuePlace::Path,
            format!(
                "{path:?} is not a JumpCloud API path: start it with /api/ (v1), /api/v2/ or /insights/directory/v1/."
            ),
        ));
    }
    // A path is sent as written: a segment the URL parser or a server would resolve (`.`,
    // `..`, their encodings, an encoded slash, an empty segment) or a fragment could make it
    // another operation than the one checked (a write passed off as a search).
    let odd = |seg: &str| {
        let lower = seg.to_ascii_lowercase();
        seg == "." || seg == ".." || lower.contains("%2e") || lower.contains("%2f") || lower.contains("%5c")
    };
    let inner = path.trim_end_matches('/');
    if path.contains(['#', '\\']) || inner.split('/').skip(1).any(|s| s.is_empty() || odd(s)) {
        issues.push(issue(
            IssuePlace::Path,
            format!("{path:?} has an empty, \".\" or \"..\" segment, an encoded dot or slash, a backslash or a \"#\": write the operation's path plainly."),
        ));
    }
    if let Some(ph) = path.split('/').find(|s| s.starts_with('{') && s.ends_with('}')) {
        issues.push(issue(
            IssuePlace::Path,
            format!("Fill in {ph} in the path (type a name to pick it from the mirror)."),
        ));
    }
}

fn unknown_path(index: &ApiIndex, method: &str, path: &str) -> CallIssue {
    let others = index.methods_on(path);
    if !others.is_empty() {
        return issue(
            IssuePlace::Method,
            format!(
                "JumpCloud's API has no {method} on {path}; it has {}.",
                others.join(", ")
            ),
        );
    }
    let hint = index
        .nearest(path)
        .map(|p| format!(" Did you mean {p}?"))
        .unwrap_or_default();
    issue(
        IssuePlace::Path,
        format!("No operation in JumpCloud's published API matches {path}.{hint}"),
    )
}

fn check_query(op: &ApiOperation, query: &[(String, String)], issues: &mut Vec<CallIssue>) {
    for p in op.params.iter().filter(|p| p.location == ParamIn::Query) {
        let given = query.iter().find(|(k, _)| k == &p.name);
        match given {
            None if p.required => issues.push(issue(
                IssuePlace::Query,
                format!("The query parameter {} is required: {}", p.name, p.description),
            )),
            Some((_, v)) if p.kind == "integer" && v.trim().parse::<i64>().is_err() => issues.push(issue(
                IssuePlace::Query,
                format!("The query parameter {} takes a whole number, not {v:?}.", p.name),
            )),
            Some((_, v)) if p.kind == "boolean" && !matches!(v.trim(), "true" | "false") => issues.push(issue(
                IssuePlace::Query,
                format!("The query parameter {} takes true or false, not {v:?}.", p.name),
            )),
            Some((_, v)) if !p.choices.is_empty() && p.kind != "array" && !p.choices.contains(v) => issues.push(issue(
                IssuePlace::Query,
                format!(
                    "The query parameter {} takes one of {}, not {v:?}.",
                    p.name,
                    p.choices.join(", ")
                ),
            )),
            _ => {}
        }
    }
    for (k, _) in query {
        if !op.params.iter().any(|p| &p.name == k && p.location == ParamIn::Query) {
            issues.push(note(
                IssuePlace::Query,
                format!("{k} is not a documented query parameter of this operation; JumpCloud may ignore it."),
            ));
        }
    }
}

fn check_body(index: &ApiIndex, i: usize, body: Option<&Value>, text: &str, issues: &mut Vec<CallIssue>) {
    let op = &index.ops[i];
    match (op.body, body, text.trim().is_empty()) {
        (BodyKind::None, _, false) => issues.push(issue(
            IssuePlace::Body,
            format!("{} {} takes no body: clear it.", op.method, op.path),
        )),
        (BodyKind::Required, None, true) => issues.push(issue(
            IssuePlace::Body,
            format!("{} {} needs a JSON body.", op.method, op.path),
        )),
        (_, Some(v), _) => match index.validator(i) {
            Some(Ok(validator)) => {
                for e in validator.iter_errors(v).take(8) {
                    let at = e.instance_path.to_string();
                    let at = if at.is_empty() { "the body".to_string() } else { at };
                    issues.push(issue(IssuePlace::Body, format!("At {at}: {e}.")));
                }
            }
            Some(Err(why)) => issues.push(note(IssuePlace::Body, format!("Body not checked: {why}."))),
            None => {}
        },
        _ => {}
    }
}

/// The pieces to send, from a request `check` found sendable.
pub fn parts(req: &ConsoleRequest) -> Option<Parts> {
    let (path, query) = split_query(req);
    let (api, rest) = ApiBase::of_path(&path)?;
    let method = jumpcloud::Method::from_bytes(req.method.trim().to_ascii_uppercase().as_bytes()).ok()?;
    let body = if req.body.trim().is_empty() {
        None
    } else {
        Some(serde_json::from_str(&req.body).ok()?)
    };
    Some(Parts {
        api,
        method,
        rest: rest.to_string(),
        query,
        body,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn req(method: &str, path: &str, body: &str) -> ConsoleRequest {
        ConsoleRequest {
            method: method.into(),
            path: path.into(),
            query: vec![],
            body: body.into(),
        }
    }

    #[test]
    fn without_descriptions_the_shape_is_still_checked_and_said_so() {
        let none = |_: &str| None;
        let c = check(None, &req("GET", "/users", ""), &none);
        assert!(!c.sendable);
        assert_eq!(c.issues[0].place, IssuePlace::Path);
        let c = check(None, &req("PUT", "/api/systemusers/1", "{\"suspended\": tru}"), &none);
        assert!(!c.sendable);
        assert!(c
            .issues
            .iter()
            .any(|i| i.place == IssuePlace::Body && i.message.contains("line 1, column")));
        let c = check(None, &req("PUT", "/api/systemusers/{id}", "{}"), &none);
        assert!(c.issues.iter().any(|i| i.message.contains("Fill in {id}")));
        for sneaky in [
            "/api/search/../systemusers",
            "/api/search/%2e%2e/systemusers",
            "/api/search//systemusers",
            "/api/search/x%2Fy",
            "/api/search/x#y",
        ] {
            let c = check(None, &req("POST", sneaky, "{}"), &none);
            assert!(!c.sendable, "{sneaky} is sendable");
        }
        let c = check(None, &req("GET", "/api/systemusers?limit=5", ""), &none);
        assert!(c.sendable && !c.changes);
        assert!(c.issues.iter().all(|i| !i.blocking));
        let p = parts(&req("GET", "/api/v2/usergroups?limit=5&skip=10", "")).unwrap();
        assert_eq!((p.api, p.rest.as_str(), p.query.len()), (ApiBase::V2, "/usergroups", 2));
    }
}
