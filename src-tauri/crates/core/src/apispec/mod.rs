//! JumpCloud's published API descriptions (OpenAPI 3.1, YAML or JSON) read into an index of
//! operations for the API console: each operation's method and path, summary, parameters, body
//! schema, whether it changes anything and how it pages.
//!
//! The descriptions are not part of Rollcall: JumpCloud publishes them without a licence to
//! redistribute, so they are read where the admin keeps them (a folder chosen in the console,
//! copied into Rollcall's data folder, or `ROLLCALL_API_SPECS`), never built into the app.

pub mod check;
mod load;
mod words;

pub use check::{check, CallIssue, Checked, ConsoleRequest, IssuePlace, QueryParam};
pub use load::{load_dir, SPEC_FILES_HINT};
pub use words::{body_in_words, redacted};

use parking_lot::Mutex;
use serde::{Deserialize, Serialize};
use serde_json::Value;
use std::collections::HashMap;
use std::sync::Arc;

/// Which of JumpCloud's APIs an operation belongs to, by the path prefix the console uses.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "snake_case")]
pub enum ApiBase {
    V1,
    V2,
    Insights,
}

impl ApiBase {
    pub const ALL: [ApiBase; 3] = [ApiBase::V1, ApiBase::V2, ApiBase::Insights];

    /// The prefix of the console's paths for this API.
    pub fn prefix(self) -> &'static str {
        match self {
            ApiBase::V1 => "/api",
            ApiBase::V2 => "/api/v2",
            ApiBase::Insights => "/insights/directory/v1",
        }
    }

    /// The API a console path belongs to and the path below its base.
    pub fn of_path(path: &str) -> Option<(ApiBase, &str)> {
        // The longest prefix first: /api/v2 is also under /api.
        [ApiBase::Insights, ApiBase::V2, ApiBase::V1].into_iter().find_map(|b| {
            let rest = path.strip_prefix(b.prefix())?;
            (rest.is_empty() || rest.starts_with('/')).then_some((b, rest))
        })
    }

    /// The API a spec serves, from its first server URL.
    fn of_server(url: &str) -> Option<ApiBase> {
        let u = url.trim_end_matches('/');
        if u.ends_with("/insights/directory/v1") {
            Some(ApiBase::Insights)
        } else if u.ends_with("/api/v2") {
            Some(ApiBase::V2)
        } else if u.ends_with("/api") {
            Some(ApiBase::V1)
        } else {
            None
        }
    }

    fn client_api(self) -> jumpcloud::Api {
        match self {
            ApiBase::V1 => jumpcloud::Api::V1,
            ApiBase::V2 => jumpcloud::Api::V2,
            ApiBase::Insights => jumpcloud::Api::Insights,
        }
    }
}

/// Where a parameter goes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "snake_case")]
pub enum ParamIn {
    Path,
    Query,
    Header,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct ApiParam {
    pub name: String,
    pub location: ParamIn,
    pub required: bool,
    /// The schema's type ("string", "integer", "array"…), empty when it gives none.
    pub kind: String,
    /// The first line of its description.
    pub description: String,
    /// Its allowed values, when the spec lists them.
    pub choices: Vec<String>,
}

/// Whether an operation takes a body.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "snake_case")]
pub enum BodyKind {
    None,
    Optional,
    Required,
}

/// How a list operation pages, for "all pages".
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "snake_case")]
pub enum Paging {
    None,
    /// `skip` and `limit` (v1's `totalCount`, v2's `x-total-count`).
    SkipLimit,
    /// Directory Insights' `search_after` cursor from the `X-Search_after` header.
    Cursor,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct ApiOperation {
    /// The spec's operationId.
    pub id: String,
    pub api: ApiBase,
    pub method: String,
    /// The console path with its placeholders, e.g. `/api/v2/usergroups/{group_id}/members`.
    pub path: String,
    pub summary: String,
    pub params: Vec<ApiParam>,
    pub body: BodyKind,
    /// Whether calling it changes anything in JumpCloud (`changes_anything`).
    pub changes: bool,
    pub paging: Paging,
}

/// One description file read.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct SpecSource {
    pub file: String,
    pub title: String,
    pub version: String,
    pub operations: u32,
}

/// What the console knows of JumpCloud's API.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct ApiCatalog {
    /// The methods a call may use.
    pub methods: Vec<String>,
    pub sources: Vec<SpecSource>,
    pub operations: Vec<ApiOperation>,
    /// Why there are no operations, and what to do (empty when loaded).
    pub missing: String,
}

/// Whether a call to `method` on `path` (below its API's base) changes anything: reads are GET
/// and HEAD, Directory Insights' event queries and v1's searches (POSTs that only read).
pub fn changes_anything(api: ApiBase, method: &str, rest: &str) -> bool {
    let m = method.to_ascii_uppercase();
    if m == "GET" || m == "HEAD" {
        return false;
    }
    match api {
        ApiBase::Insights => !(m == "POST" && rest.starts_with("/events")),
        ApiBase::V1 => !(m == "POST" && rest.starts_with("/search/")),
        ApiBase::V2 => true,
    }
}

/// The loaded index: operations, their body schemas and each API's components (for `$ref`s).
pub struct ApiIndex {
    pub sources: Vec<SpecSource>,
    pub ops: Vec<ApiOperation>,
    bodies: Vec<Option<Value>>,
    components: HashMap<ApiBase, Value>,
    validators: Mutex<HashMap<usize, Arc<jsonschema::Validator>>>,
}

impl std::fmt::Debug for ApiIndex {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ApiIndex")
            .field("sources", &self.sources)
            .field("operations", &self.ops.len())
            .finish()
    }
}

impl ApiIndex {
    pub fn catalog(&self) -> ApiCatalog {
        ApiCatalog {
            methods: check::METHODS.iter().map(|m| m.to_string()).collect(),
            sources: self.sources.clone(),
            operations: self.ops.clone(),
            missing: String::new(),
        }
    }

    /// The operation `method path` calls, with the values of its path placeholders. A
    /// template with more literal segments wins (`/systemusers/me` before `/systemusers/{id}`).
    pub fn find(&self, method: &str, path: &str) -> Option<(usize, HashMap<String, String>)> {
        let path = path.split('?').next().unwrap_or(path);
        let mut best: Option<(usize, usize, HashMap<String, String>)> = None;
        for (i, op) in self.ops.iter().enumerate() {
            if !op.method.eq_ignore_ascii_case(method) {
                continue;
            }
            if let Some((literals, vars)) = template_match(&op.path, path) {
                if best.as_ref().is_none_or(|b| literals > b.1) {
                    best = Some((i, literals, vars));
                }
            }
        }
        best.map(|(i, _, vars)| (i, vars))
    }

    /// The methods the API has on `path` (for "no PUT here; it has GET, DELETE").
    pub fn methods_on(&self, path: &str) -> Vec<String> {
        let mut m: Vec<String> = self
            .ops
            .iter()
            .filter(|op| template_match(&op.path, path).is_some())
            .map(|op| op.method.clone())
            .collect();
        m.sort();
        m.dedup();
        m
    }

    /// The template closest to `path` (most leading segments alike), for "did you mean".
    pub fn nearest(&self, path: &str) -> Option<&str> {
        let want: Vec<&str> = path.split('/').collect();
        self.ops
            .iter()
            .filter_map(|op| {
                let have: Vec<&str> = op.path.split('/').collect();
                let alike = have
                    .iter()
                    .zip(&want)
                    .take_while(|(h, w)| h == w || h.starts_with('{') || similar(h, w))
                    .count();
                // Alike beyond the API's own prefix ("", "api", "v2").
                let base = ApiBase::of_path(&op.path).map_or(0, |(b, _)| b.prefix().split('/').count());
                (alike > base).then(|| ((alike, usize::MAX - have.len().abs_diff(want.len())), op.path.as_str()))
            })
            .max_by_key(|(score, _)| *score)
            .map(|(_, p)| p)
    }

    /// The validator of operation `i`'s body schema, compiled once.
    fn validator(&self, i: usize) -> Option<Result<Arc<jsonschema::Validator>, String>> {
        let schema = self.bodies.get(i)?.as_ref()?;
        if let Some(v) = self.validators.lock().get(&i) {
            return Some(Ok(v.clone()));
        }
        let mut root = serde_json::json!({
            "$schema": "https://json-schema.org/draft/2020-12/schema",
            "allOf": [schema],
        });
        if let Some(c) = self.components.get(&self.ops[i].api) {
            root["components"] = c.clone();
        }
        let built = jsonschema::options()
            .with_draft(jsonschema::Draft::Draft202012)
            .build(&root)
            .map(Arc::new)
            .map_err(|e| format!("the published schema of this body could not be read ({e})"));
        if let Ok(v) = &built {
            self.validators.lock().insert(i, v.clone());
        }
        Some(built)
    }
}

/// Two path segments a typo apart (one letter added, dropped or changed).
fn similar(a: &str, b: &str) -> bool {
    let (a, b): (Vec<char>, Vec<char>) = (a.chars().collect(), b.chars().collect());
    if a.len().abs_diff(b.len()) > 1 || a.len() < 4 {
        return false;
    }
    let (mut i, mut j, mut edits) = (0, 0, 0);
    while i < a.len() && j < b.len() {
        if a[i] == b[j] {
            i += 1;
            j += 1;
            continue;
        }
        edits += 1;
        match a.len().cmp(&b.len()) {
            std::cmp::Ordering::Greater => i += 1,
            std::cmp::Ordering::Less => j += 1,
            std::cmp::Ordering::Equal => {
                i += 1;
                j += 1;
            }
        }
    }
    edits + (a.len() - i) + (b.len() - j) <= 1
}

/// Whether `path` fits `template`: the number of literal segments and the placeholders' values.
fn template_match(template: &str, path: &str) -> Option<(usize, HashMap<String, String>)> {
    let t: Vec<&str> = template.trim_end_matches('/').split('/').collect();
    let p: Vec<&str> = path.trim_end_matches('/').split('/').collect();
    if t.len() != p.len() {
        return None;
    }
    let mut literals = 0;
    let mut vars = HashMap::new();
    for (ts, ps) in t.iter().zip(&p) {
        if ts.starts_with('{') && ts.ends_with('}') {
            if ps.is_empty() {
                return None;
            }
            vars.insert(ts[1..ts.len() - 1].to_string(), ps.to_string());
        } else if ts == ps {
            literals += 1;
        } else {
            return None;
        }
    }
    Some((literals, vars))
}

/// The jumpcloud client's call for a checked console call: a read may be repeated, anything
/// else is sent once.
pub(crate) fn client_call(parts: &check::Parts) -> jumpcloud::Call {
    let (api, method, rest) = (parts.api, &parts.method, parts.rest.as_str());
    let operation = format!("{method} {}{rest}", api.prefix());
    let mut c = jumpcloud::Call::new(method.clone(), api.client_api(), rest, operation);
    if !changes_anything(api, method.as_str(), rest) {
        c = c.repeat(jumpcloud::Repeat::Safe);
    }
    c.query = parts.query.clone();
    c.body = parts.body.clone();
    c
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_belong_to_the_longest_prefix_and_reads_are_told_from_writes() {
        assert_eq!(
            ApiBase::of_path("/api/v2/usergroups"),
            Some((ApiBase::V2, "/usergroups"))
        );
        assert_eq!(
            ApiBase::of_path("/api/systemusers"),
            Some((ApiBase::V1, "/systemusers"))
        );
        assert_eq!(ApiBase::of_path("/api/v22/x"), Some((ApiBase::V1, "/v22/x")));
        assert_eq!(
            ApiBase::of_path("/insights/directory/v1/events"),
            Some((ApiBase::Insights, "/events"))
        );
        assert_eq!(ApiBase::of_path("/apix"), None);
        assert!(!changes_anything(ApiBase::Insights, "POST", "/events/count"));
        assert!(changes_anything(ApiBase::Insights, "POST", "/reports/users-to-devices"));
        assert!(!changes_anything(ApiBase::V1, "POST", "/search/systemusers"));
        assert!(changes_anything(ApiBase::V1, "PUT", "/systemusers/1"));
        assert!(changes_anything(ApiBase::V2, "POST", "/usergroups/1/members"));
        assert!(!changes_anything(ApiBase::V2, "get", "/usergroups"));
    }

    #[test]
    fn templates_match_whole_segments_and_typos_are_near() {
        let (n, vars) = template_match("/api/systemusers/{id}", "/api/systemusers/abc").unwrap();
        assert_eq!((n, vars["id"].as_str()), (3, "abc"));
        assert!(template_match("/api/systemusers/{id}", "/api/systemusers/").is_none());
        assert!(template_match("/api/systemusers/{id}", "/api/systemusers/a/b").is_none());
        assert!(similar("sytemusers", "systemusers"));
        assert!(similar("systemuser", "systemusers"));
        assert!(!similar("systems", "systemusers"));
    }
}
