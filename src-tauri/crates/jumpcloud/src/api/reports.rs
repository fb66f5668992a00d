//! Directory Insights bulk reports (ENDPOINTS.md §10): request one, poll the list, download an
//! artifact. Generation is asynchronous; a role without Reports gets 403.

use super::*;
use crate::client::Repeat;
use bytes::Bytes;
use serde::Deserialize;

/// The association reports the sync reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum ReportType {
    UsersToDevices,
    UsersToUserGroups,
    UsersToSsoApplications,
}

impl ReportType {
    pub fn as_str(self) -> &'static str {
        match self {
            ReportType::UsersToDevices => "users-to-devices",
            ReportType::UsersToUserGroups => "users-to-user-groups",
            ReportType::UsersToSsoApplications => "users-to-sso-applications",
        }
    }
}

impl std::fmt::Display for ReportType {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A report's metadata, as the request and the list answer it.
#[derive(Debug, Clone, Deserialize)]
pub struct ReportMeta {
    pub id: String,
    #[serde(rename = "type", default)]
    pub kind: String,
    #[serde(default)]
    pub status: String,
    #[serde(default)]
    pub artifacts: Vec<ReportArtifact>,
    #[serde(default)]
    pub created_at: Option<String>,
    #[serde(default)]
    pub expiration: Option<String>,
}

#[derive(Debug, Clone, Deserialize)]
pub struct ReportArtifact {
    pub id: String,
    #[serde(default)]
    pub format: String,
}

impl ReportMeta {
    /// The artifact in `format` (compared case-insensitively: JumpCloud sends `JSON` or `json`).
    pub fn artifact(&self, format: &str) -> Option<&ReportArtifact> {
        self.artifacts.iter().find(|a| a.format.eq_ignore_ascii_case(format))
    }
}

pub struct Reports<'a>(pub(super) &'a Client);

impl Reports<'_> {
    /// Asks JumpCloud to generate a report; its metadata (usually `PENDING`). A repeat only
    /// costs a second report, so it may be retried.
    pub async fn request(&self, kind: ReportType) -> Result<ReportMeta> {
        self.0
            .value(post(Api::Insights, format!("/reports/{kind}"), "read reports").repeat(Repeat::Safe))
            .await
    }

    /// Every report of the org JumpCloud still holds.
    pub async fn list(&self) -> Result<Vec<ReportMeta>> {
        self.0
            .value(Call::get(Api::Insights, "/reports", "read reports").query("sort", "-CREATED_AT"))
            .await
    }

    /// An artifact's body, as JumpCloud sent it (JSON or CSV).
    pub async fn content(&self, report: &str, artifact: &str) -> Result<Bytes> {
        Ok(self.0.send(&Self::content_call(report, artifact)).await?.body)
    }

    /// An artifact streamed into a file (a large org's report runs to hundreds of megabytes);
    /// its size.
    pub async fn download(&self, report: &str, artifact: &str, dest: &std::path::Path) -> Result<u64> {
        self.0.download(&Self::content_call(report, artifact), dest).await
    }

    fn content_call(report: &str, artifact: &str) -> Call {
        Call::get(
            Api::Insights,
            format!("/reports/{report}/artifacts/{artifact}/content"),
            "read reports",
        )
    }
}

/// The fields of a report row the sync needs; the others are skipped while reading.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct ReportRow {
    pub user_object_id: Option<String>,
    pub resource_object_id: Option<String>,
    pub association_type: Option<String>,
}

/// Reads a JSON report (an array of row objects) from `reader` one row at a time, handing each
/// to `each` (which may stop the reading with a reason); the number of rows. The bytes are
/// scanned in 1 MB chunks for the end of each row (strings and nesting respected) and only that
/// row is decoded, so memory stays that of a chunk whatever the report's size, and a report
/// cut short or holding something other than rows is an error naming where.
pub fn read_rows<R: std::io::Read>(
    mut reader: R,
    mut each: impl FnMut(usize, ReportRow) -> std::result::Result<(), String>,
) -> std::result::Result<usize, String> {
    #[derive(PartialEq)]
    enum At {
        Start,
        Between,
        InRow,
        Done,
    }
    let mut at = At::Start;
    let (mut depth, mut in_str, mut escaped) = (0usize, false, false);
    let mut buf: Vec<u8> = Vec::with_capacity(2 << 20);
    let mut chunk = vec![0u8; 1 << 20];
    let (mut row_start, mut n) = (0usize, 0usize);
    loop {
        let got = reader.read(&mut chunk).map_err(|e| e.to_string())?;
        if got == 0 {
            break;
        }
        let scan_from = buf.len();
        buf.extend_from_slice(&chunk[..got]);
        let mut i = scan_from;
        while i < buf.len() {
            let b = buf[i];
            match at {
                At::Start | At::Between | At::Done if b.is_ascii_whitespace() => {}
                At::Start if b == b'[' => at = At::Between,
                At::Start => return Err("the report is not a JSON array".into()),
                At::Between if b == b',' => {}
                At::Between if b == b']' => at = At::Done,
                At::Between if b == b'{' => {
                    at = At::InRow;
                    depth = 1;
                    row_start = i;
                }
                At::Between => return Err(format!("row {} is not an object", n + 1)),
                At::Done => return Err("there is more after the end of the array".into()),
                At::InRow if in_str => {
                    if escaped {
                        escaped = false;
                    } else if b == b'\\' {
                        escaped = true;
                    } else if b == b'"' {
                        in_str = false;
                    }
                }
                At::InRow => match b {
                    b'"' => in_str = true,
                    b'{' | b'[' => depth += 1,
                    b'}' | b']' => {
                        depth -= 1;
                        if depth == 0 {
                            let row: ReportRow = serde_json::from_slice(&buf[row_start..=i])
                                .map_err(|e| format!("row {}: {e}", n + 1))?;
                            each(n, row)?;
                            n += 1;
                            at = At::Between;
                        }
                    }
                    _ => {}
                },
            }
            i += 1;
        }
        // Keep only the row being read.
        let keep = if at == At::InRow { row_start } else { buf.len() };
        buf.drain(..keep);
        row_start = 0;
    }
    match at {
        At::Done => Ok(n),
        _ => Err(format!("the report ends after {n} rows, before its array does")),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A reader that hands out `n` bytes at a time (rows split across chunks).
    struct Drip<'a>(&'a [u8], usize);
    impl std::io::Read for Drip<'_> {
        fn read(&mut self, out: &mut [u8]) -> std::io::Result<usize> {
            let n = self.1.min(self.0.len()).min(out.len());
            out[..n].copy_from_slice(&self.0[..n]);
            self.0 = &self.0[n..];
            Ok(n)
        }
    }

    fn ids(body: &[u8], drip: usize) -> std::result::Result<Vec<String>, String> {
        let mut out = vec![];
        read_rows(Drip(body, drip), |_, r| {
            out.push(r.user_object_id.unwrap_or_default());
            Ok(())
        })?;
        Ok(out)
    }

    #[test]
    fn rows_are_read_one_at_a_time_whatever_the_chunks() {
        let body = br#" [ {"user_object_id": "a", "hostname": "x}{\"],[", "nested": {"k": [1, {"z": "}"}]}},
            {"user_object_id": "b\"}", "association_type": "direct"} , {"user_object_id": "c"} ] "#;
        for drip in [1, 3, 7, 1 << 20] {
            assert_eq!(ids(body, drip).unwrap(), ["a", "b\"}", "c"], "{drip} bytes at a time");
        }
        assert_eq!(ids(b"[]", 1).unwrap(), Vec::<String>::new());
    }

    #[test]
    fn a_report_cut_short_or_not_made_of_rows_is_refused_with_where() {
        let cut = br#"[{"user_object_id": "a"}, {"user_object_id": "b", "hos"#;
        assert_eq!(
            ids(cut, 5).unwrap_err(),
            "the report ends after 1 rows, before its array does"
        );
        assert_eq!(ids(b"{\"rows\": []}", 4).unwrap_err(), "the report is not a JSON array");
        assert_eq!(
            ids(b"[{\"user_object_id\": \"a\"}, 7]", 4).unwrap_err(),
            "row 2 is not an object"
        );
        assert!(ids(b"[{\"user_object_id\": 42}]", 4)
            .unwrap_err()
            .starts_with("row 1: invalid type"));
        assert_eq!(
            ids(b"[] []", 4).unwrap_err(),
            "there is more after the end of the array"
        );
        let mut seen = 0;
        let stopped = read_rows(&br#"[{"user_object_id": "a"}, {"user_object_id": "b"}]"#[..], |i, _| {
            seen += 1;
            if i == 0 {
                Err("enough".into())
            } else {
                Ok(())
            }
        });
        assert_eq!((stopped.unwrap_err().as_str(), seen), ("enough", 1));
    }
}
