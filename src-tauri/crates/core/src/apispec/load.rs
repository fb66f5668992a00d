//! Reading OpenAPI documents (YAML or JSON) into the index.

use super::{changes_anything, ApiBase, ApiIndex, ApiOperation, ApiParam, BodyKind, Paging, ParamIn, SpecSource};
use serde_json::Value;
use std::collections::{BTreeSet, HashMap};
use std::path::Path;

/// What to give the console: where JumpCloud publishes the files.
pub const SPEC_FILES_HINT: &str = "JumpCloud's published OpenAPI files (API v1, API v2 and Directory Insights, \
from docs.jumpcloud.com or the repository TheJumpCloud/jumpcloud-docs-public)";

const METHODS: [&str; 6] = ["get", "post", "put", "patch", "delete", "head"];

/// Reads every `.yaml`, `.yml` and `.json` OpenAPI document in `dir` (files in name order; an
/// operation already read from an earlier file is kept). Files that are not JumpCloud API
/// descriptions are skipped; none at all is an error naming the folder.
pub fn load_dir(dir: &Path) -> Result<ApiIndex, String> {
    let mut files: Vec<_> = std::fs::read_dir(dir)
        .map_err(|e| format!("Cannot read the folder {}: {e}.", dir.display()))?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| matches!(p.extension().and_then(|x| x.to_str()), Some("yaml" | "yml" | "json")))
        .collect();
    files.sort();
    let mut index = ApiIndex {
        sources: vec![],
        ops: vec![],
        bodies: vec![],
        components: HashMap::new(),
        validators: Default::default(),
    };
    let mut seen = BTreeSet::new();
    for file in files {
        let name = file
            .file_name()
            .and_then(|n| n.to_str())
            .unwrap_or_default()
            .to_string();
        let text = std::fs::read_to_string(&file).map_err(|e| format!("Cannot read {name}: {e}."))?;
        let doc: Value = if name.ends_with(".json") {
            serde_json::from_str(&text).map_err(|e| format!("{name} is not valid JSON: {e}."))?
        } else {
            serde_norway::from_str(&text).map_err(|e| format!("{name} is not valid YAML: {e}."))?
        };
        let Some(api) = doc
            .pointer("/servers/0/url")
            .and_then(Value::as_str)
            .and_then(ApiBase::of_server)
        else {
            tracing::info!(file = %name, "not a JumpCloud API description; skipped");
            continue;
        };
        let before = index.ops.len();
        read_operations(&doc, api, &mut index, &mut seen);
        index.components.entry(api).or_insert_with(|| doc["components"].clone());
        if index.ops.len() == before {
            // Another file already gave every operation of this one.
            continue;
        }
        index.sources.push(SpecSource {
            file: name,
            title: doc.pointer("/info/title").and_then(Value::as_str).unwrap_or("").into(),
            version: doc
                .pointer("/info/version")
                .and_then(Value::as_str)
                .unwrap_or("")
                .into(),
            operations: (index.ops.len() - before) as u32,
        });
    }
    if index.ops.is_empty() {
        return Err(format!(
            "No JumpCloud API description was found in {}. Choose the folder holding {SPEC_FILES_HINT}.",
            dir.display()
        ));
    }
    // Sorted by path then method, each operation's body schema beside it.
    let mut both: Vec<_> = std::mem::take(&mut index.ops)
        .into_iter()
        .zip(std::mem::take(&mut index.bodies))
        .collect();
    both.sort_by(|(a, _), (b, _)| a.path.cmp(&b.path).then(a.method.cmp(&b.method)));
    (index.ops, index.bodies) = both.into_iter().unzip();
    Ok(index)
}

/// The value `v` refers to (`$ref` within the document), or `v` itself.
fn deref<'a>(doc: &'a Value, v: &'a Value) -> &'a Value {
    match v.get("$ref").and_then(Value::as_str) {
        Some(r) if r.starts_with("#/") => doc.pointer(&r[1..]).unwrap_or(v),
        _ => v,
    }
}

fn first_line(s: &str) -> String {
    s.lines()
        .map(str::trim)
        .find(|l| !l.is_empty())
        .unwrap_or("")
        .chars()
        .take(200)
        .collect()
}

fn param(doc: &Value, p: &Value) -> Option<ApiParam> {
    let p = deref(doc, p);
    let location = match p.get("in")?.as_str()? {
        "path" => ParamIn::Path,
        "query" => ParamIn::Query,
        "header" => ParamIn::Header,
        _ => return None,
    };
    let schema = p.get("schema").map(|s| deref(doc, s)).cloned().unwrap_or(Value::Null);
    let kind = match schema.get("type") {
        Some(Value::String(t)) => t.clone(),
        Some(Value::Array(ts)) => ts
            .iter()
            .filter_map(Value::as_str)
            .find(|t| *t != "null")
            .unwrap_or("")
            .into(),
        _ => String::new(),
    };
    let choices = schema
        .get("enum")
        .or_else(|| schema.pointer("/items/enum"))
        .and_then(Value::as_array)
        .map(|a| a.iter().filter_map(|v| v.as_str().map(String::from)).collect())
        .unwrap_or_default();
    Some(ApiParam {
        name: p.get("name")?.as_str()?.to_string(),
        location,
        required: p
            .get("required")
            .and_then(Value::as_bool)
            .unwrap_or(location == ParamIn::Path),
        kind,
        description: first_line(p.get("description").and_then(Value::as_str).unwrap_or("")),
        choices,
    })
}

/// The operations of one document, added to `index` unless already there.
fn read_operations(doc: &Value, api: ApiBase, index: &mut ApiIndex, seen: &mut BTreeSet<(String, String)>) {
    let Some(paths) = doc.get("paths").and_then(Value::as_object) else {
        return;
    };
    for (rest, item) in paths {
        let shared: Vec<&Value> = item
            .get("parameters")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .collect();
        for method in METHODS {
            let Some(op) = item.get(method) else { continue };
            let path = format!("{}{rest}", api.prefix());
            let upper = method.to_ascii_uppercase();
            if !seen.insert((upper.clone(), path.clone())) {
                continue;
            }
            let mut params: Vec<ApiParam> = vec![];
            for p in shared
                .iter()
                .copied()
                .chain(op.get("parameters").and_then(Value::as_array).into_iter().flatten())
            {
                if let Some(p) = param(doc, p) {
                    // An operation's own parameter replaces the path item's of that name.
                    params.retain(|q| !(q.name == p.name && q.location == p.location));
                    params.push(p);
                }
            }
            // Every request carries the key and the org; the console adds them itself.
            params.retain(|p| {
                !(p.location == ParamIn::Header && matches!(p.name.to_lowercase().as_str(), "x-api-key" | "x-org-id"))
            });
            let body = op.get("requestBody").map(|b| deref(doc, b));
            let schema = body
                .and_then(|b| b.pointer("/content/application~1json/schema"))
                .cloned();
            let body_kind = match body {
                None => BodyKind::None,
                Some(b) if b.get("required").and_then(Value::as_bool) == Some(true) => BodyKind::Required,
                Some(_) => BodyKind::Optional,
            };
            let has = |n: &str| params.iter().any(|p| p.name == n && p.location == ParamIn::Query);
            let paging = if api == ApiBase::Insights && upper == "POST" && rest == "/events" {
                Paging::Cursor
            } else if upper == "GET" && has("skip") && has("limit") {
                Paging::SkipLimit
            } else {
                Paging::None
            };
            let summary = op
                .get("summary")
                .and_then(Value::as_str)
                .map(first_line)
                .filter(|s| !s.is_empty())
                .unwrap_or_else(|| first_line(op.get("description").and_then(Value::as_str).unwrap_or("")));
            index.ops.push(ApiOperation {
                id: op.get("operationId").and_then(Value::as_str).unwrap_or("").to_string(),
                api,
                changes: changes_anything(api, &upper, rest),
                method: upper,
                path,
                summary,
                params,
                body: body_kind,
                paging,
            });
            index.bodies.push(schema);
        }
    }
}
