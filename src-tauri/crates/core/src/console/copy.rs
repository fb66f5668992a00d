//! A console call written out for the admin's own scripts (curl, PowerShell's
//! `Invoke-RestMethod`, with the key from the environment variable `JC_API_KEY`), and an answer as CSV.

use crate::apispec::check::Parts;
use crate::apispec::{ApiBase, ConsoleRequest};
use crate::export::CsvOut;
use serde_json::Value;

/// The request's path with every query parameter written into it.
pub fn path_with_query(req: &ConsoleRequest) -> String {
    let extra: Vec<(&str, &str)> = req
        .query
        .iter()
        .filter(|q| !q.name.trim().is_empty())
        .map(|q| (q.name.trim(), q.value.as_str()))
        .collect();
    let path = req.path.trim().to_string();
    if extra.is_empty() {
        return path;
    }
    let encoded = url::form_urlencoded::Serializer::new(String::new())
        .extend_pairs(extra)
        .finish();
    let sep = if path.contains('?') { '&' } else { '?' };
    format!("{path}{sep}{encoded}")
}

fn full_url(endpoints: &jumpcloud::Endpoints, p: &Parts) -> String {
    let base = match p.api {
        ApiBase::V1 => &endpoints.v1,
        ApiBase::V2 => &endpoints.v2,
        ApiBase::Insights => &endpoints.insights,
    };
    let mut url = format!("{}{}", base.trim_end_matches('/'), p.rest);
    if !p.query.is_empty() {
        url.push('?');
        url.push_str(
            &url::form_urlencoded::Serializer::new(String::new())
                .extend_pairs(&p.query)
                .finish(),
        );
    }
    url
}

/// `s` in single quotes for a POSIX shell.
fn sh(s: &str) -> String {
    format!("'{}'", s.replace('\'', r"'\''"))
}

/// `s` in single quotes for PowerShell, which also ends a quoted string at the typographic
/// single quotes (‘ ’ ‚ ‛): each is doubled.
fn ps(s: &str) -> String {
    let mut out = String::with_capacity(s.len() + 2);
    out.push('\'');
    for c in s.chars() {
        if matches!(c, '\'' | '\u{2018}' | '\u{2019}' | '\u{201A}' | '\u{201B}') {
            out.push(c);
        }
        out.push(c);
    }
    out.push('\'');
    out
}

/// The call as a curl command; the key is read from `$JC_API_KEY`.
pub fn as_curl(endpoints: &jumpcloud::Endpoints, org_id: Option<&str>, p: &Parts) -> String {
    let mut lines = vec![format!("curl -X {} {}", p.method, sh(&full_url(endpoints, p)))];
    lines.push("  -H \"x-api-key: $JC_API_KEY\"".into());
    if let Some(org) = org_id {
        lines.push(format!("  -H {}", sh(&format!("x-org-id: {org}"))));
    }
    lines.push("  -H 'accept: application/json'".into());
    if let Some(b) = &p.body {
        lines.push("  -H 'content-type: application/json'".into());
        lines.push(format!("  --data {}", sh(&b.to_string())));
    }
    lines.join(" \\\n")
}

/// The call as PowerShell's `Invoke-RestMethod`; the key is read from the environment
/// variable `JC_API_KEY` (`$env:JC_API_KEY`), as the curl copy reads it.
pub fn as_powershell(endpoints: &jumpcloud::Endpoints, org_id: Option<&str>, p: &Parts) -> String {
    let mut headers = vec![
        "'x-api-key' = $env:JC_API_KEY".to_string(),
        "'accept' = 'application/json'".into(),
    ];
    if let Some(org) = org_id {
        headers.push(format!("'x-org-id' = {}", ps(org)));
    }
    let method = {
        let m = p.method.as_str().to_ascii_lowercase();
        let mut c = m.chars();
        c.next()
            .map(|f| f.to_ascii_uppercase().to_string() + c.as_str())
            .unwrap_or_default()
    };
    let mut call = format!(
        "$headers = @{{ {} }}\nInvoke-RestMethod -Method {method} -Uri {} -Headers $headers",
        headers.join("; "),
        ps(&full_url(endpoints, p))
    );
    if let Some(b) = &p.body {
        call.push_str(&format!(
            " -ContentType 'application/json' -Body {}",
            ps(&b.to_string())
        ));
    }
    call
}

/// An answer as CSV: a list (or v1's `results`) one row per item, a column per top-level
/// field (in JSON's key order, first seen first), nested values as JSON text; anything else as one row.
pub fn to_csv(value: &Value) -> (Vec<u8>, u32) {
    let rows: Vec<&Value> = match value {
        Value::Array(a) => a.iter().collect(),
        Value::Object(m) => match m.get("results") {
            Some(Value::Array(a)) => a.iter().collect(),
            _ => vec![value],
        },
        Value::Null => vec![],
        other => vec![other],
    };
    let mut columns: Vec<String> = vec![];
    for r in &rows {
        match r {
            Value::Object(m) => {
                for k in m.keys() {
                    if !columns.contains(k) {
                        columns.push(k.clone());
                    }
                }
            }
            _ if !columns.iter().any(|c| c == "value") => columns.push("value".into()),
            _ => {}
        }
    }
    let mut out = CsvOut::default();
    out.record(&columns);
    for r in &rows {
        let cells: Vec<String> = columns
            .iter()
            .map(|c| {
                let v = match r {
                    Value::Object(m) => m.get(c),
                    other if c == "value" => Some(*other),
                    _ => None,
                };
                match v {
                    None | Some(Value::Null) => String::new(),
                    Some(Value::String(s)) => s.clone(),
                    Some(other) => other.to_string(),
                }
            })
            .collect();
        out.record(&cells);
    }
    (out.into_string().into_bytes(), rows.len() as u32)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn endpoints() -> jumpcloud::Endpoints {
        jumpcloud::Endpoints::region(jumpcloud::Region::Us)
    }

    #[test]
    fn calls_copy_with_the_key_as_a_variable_and_quotes_escaped() {
        let p = Parts {
            api: ApiBase::V1,
            method: jumpcloud::Method::PUT,
            rest: "/systemusers/u1".into(),
            query: vec![("fields".into(), "a b".into())],
            body: Some(json!({"firstname": "O'Brien"})),
        };
        let curl = as_curl(&endpoints(), Some("org1"), &p);
        assert!(curl.starts_with("curl -X PUT 'https://console.jumpcloud.com/api/systemusers/u1?fields=a+b'"));
        assert!(curl.contains("-H \"x-api-key: $JC_API_KEY\""));
        assert!(curl.contains(r#"--data '{"firstname":"O'\''Brien"}'"#));
        let pwsh = as_powershell(&endpoints(), None, &p);
        assert!(pwsh.contains("'x-api-key' = $env:JC_API_KEY"));
        assert_eq!(ps("O’Brien's"), "'O’’Brien''s'");
        assert!(pwsh.contains("Invoke-RestMethod -Method Put"));
        assert!(pwsh.contains(r#"-Body '{"firstname":"O''Brien"}'"#));
    }

    #[test]
    fn answers_become_csv_rows_with_nested_values_as_json() {
        let v = json!({"totalCount": 2, "results": [
            {"username": "ada", "mfa": {"configured": true}},
            {"username": "=cmd, \"x\"", "email": "b@x"}
        ]});
        let (bytes, n) = to_csv(&v);
        let text = String::from_utf8(bytes).unwrap();
        assert_eq!(n, 2);
        let mut lines = text.lines();
        assert_eq!(lines.next(), Some("mfa,username,email"));
        assert_eq!(lines.next(), Some(r#""{""configured"":true}",ada,"#));
        assert_eq!(lines.next(), Some(r#","'=cmd, ""x""",b@x"#));
    }
}
