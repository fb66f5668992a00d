//! Faults and latency on demand, set by CLI flags or `PUT /__sim/faults`.

use serde::{Deserialize, Serialize};

/// What the simulator does wrong, and how often. All zero by default: a well-behaved service.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Faults {
    /// Added to every API response.
    pub latency_ms: u64,
    /// Up to this much more, uniformly at random.
    pub jitter_ms: u64,
    /// Requests per second allowed across all keys (token bucket); 0 = unlimited.
    pub rate_limit_rps: f64,
    /// Bucket size (burst); defaults to the rate when 0.
    pub rate_limit_burst: u32,
    /// Seconds sent in `Retry-After` on a 429; `None` sends no header.
    pub retry_after_secs: Option<u64>,
    /// After this many 429s to one key within a minute, block it for `block_secs` with
    /// JumpCloud's abuse 403. 0 = never.
    pub block_after_429s: u32,
    pub block_secs: u64,
    /// Share of requests answered 500/502/503 before doing anything.
    pub error_5xx_rate: f64,
    /// Share of requests whose connection is reset mid-body, after the request took effect
    /// (a lost response).
    pub reset_rate: f64,
    /// Share of JSON responses cut in half (valid HTTP, broken JSON), after taking effect.
    pub truncate_rate: f64,
    /// Only requests whose path contains this are faulted (5xx, reset, truncate); all if unset.
    pub path_contains: Option<String>,
    /// Only requests with this method are faulted; all if unset.
    pub method: Option<String>,
    /// Stop injecting 5xx/reset/truncate after this many; unlimited if unset.
    pub budget: Option<u32>,
    /// Before serving a list page with `skip > 0`, create this many users and systems…
    pub add_between_pages: u32,
    /// …and delete this many (the newest first).
    pub remove_between_pages: u32,
    /// Graph member listings point at deleted records, so pages come back short mid-list, as
    /// JumpCloud does (docs/jumpcloud-api.md §9).
    pub dangling_members: bool,
    /// Graph removals (`{"op":"remove"}` to a group's members or an object's associations) that
    /// match `path_contains`/`method` answer 204 but change nothing, as when a dynamic group's
    /// rule or an HR integration puts the member straight back. Counts against `budget`.
    pub removals_undone: bool,
    /// A proxy that validates requests against the published spec stands in front: a request
    /// with a body to an operation whose spec defines none (the builtin device commands,
    /// suspend, unlock, expire, DELETEs, Apple MDM shutdown) is refused with 415.
    pub strict_proxy: bool,
    /// Spec-legal but unusual record shapes in answers (`shapes.rs`): explicit `null`s, empty
    /// strings, fields a later API version added, very large arrays.
    pub odd_records: bool,
    /// A field of the wrong type on one record in fifty (not spec-legal).
    pub malformed_records: bool,
    /// The rate limit counts each API key on its own (JumpCloud limits per key: an MSP key's
    /// requests to all its client orgs share one budget); otherwise one budget for all keys.
    pub rate_limit_per_key: bool,
    /// Organisations (ids) whose requests are refused as if the key's access to them had been
    /// revoked (401 "Organization access revoked"), whatever the key.
    pub refuse_org_ids: Vec<String>,
    /// Organisations (ids) whose requests fail with 503 on their own.
    pub fail_org_ids: Vec<String>,
}

/// Operations whose spec defines no request body (checked by `strict_proxy`).
pub fn takes_no_body(method: &str, path: &str) -> bool {
    let path = path.split('?').next().unwrap_or(path);
    method.eq_ignore_ascii_case("DELETE")
        || (method.eq_ignore_ascii_case("POST")
            && (path.contains("/command/builtin/")
                || path.ends_with("/state/suspend")
                || path.ends_with("/unlock")
                || path.ends_with("/expire")
                || (path.contains("/applemdms/") && path.ends_with("/shutdown"))))
}

impl Faults {
    pub fn applies_to(&self, method: &str, path: &str) -> bool {
        self.path_contains.as_deref().is_none_or(|p| path.contains(p))
            && self.method.as_deref().is_none_or(|m| m.eq_ignore_ascii_case(method))
    }
}

/// A token bucket for the simulated rate limit.
#[derive(Debug, Clone, Default)]
pub struct Bucket {
    pub tokens: f64,
    pub last_ms: i64,
}

impl Bucket {
    /// Takes a token if one is available at `now_ms`.
    pub fn take(&mut self, rps: f64, burst: u32, now_ms: i64) -> bool {
        let cap = if burst == 0 { rps.max(1.0) } else { burst as f64 };
        if self.last_ms == 0 {
            self.tokens = cap;
        } else {
            self.tokens = (self.tokens + (now_ms - self.last_ms).max(0) as f64 / 1000.0 * rps).min(cap);
        }
        self.last_ms = now_ms;
        if self.tokens >= 1.0 {
            self.tokens -= 1.0;
            true
        } else {
            false
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bucket_refills_at_the_rate() {
        let mut b = Bucket::default();
        let granted = (0..20).filter(|_| b.take(10.0, 5, 1_000)).count();
        assert_eq!(granted, 5, "burst");
        assert!(!b.take(10.0, 5, 1_050), "half a token after 50 ms");
        assert!(b.take(10.0, 5, 1_100), "one token after 100 ms");
    }

    #[test]
    fn only_operations_without_a_body_in_the_spec_refuse_one() {
        assert!(takes_no_body("POST", "/api/systems/abc/command/builtin/restart"));
        assert!(takes_no_body("DELETE", "/api/systemusers/abc"));
        assert!(takes_no_body("POST", "/api/v2/applemdms/m/devices/d/shutdown"));
        assert!(!takes_no_body("POST", "/api/v2/applemdms/m/devices/d/restart"));
        assert!(!takes_no_body("PUT", "/api/systemusers/abc"));
        assert!(!takes_no_body("POST", "/api/v2/usergroups/g/members"));
    }

    #[test]
    fn faults_parse_from_partial_json() {
        let f: Faults = serde_json::from_str(r#"{"rate_limit_rps": 50, "retry_after_secs": 1}"#).unwrap();
        assert_eq!(f.rate_limit_rps, 50.0);
        assert!(
            serde_json::from_str::<Faults>(r#"{"latncy_ms": 5}"#).is_err(),
            "typos are refused"
        );
    }
}
