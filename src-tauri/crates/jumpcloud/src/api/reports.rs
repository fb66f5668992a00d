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

/// Reads a JSON report (an array of rows) from `reader` one row at a time, handing each to
/// `each` (which may stop the reading with a reason); the number of rows. Memory stays that of
/// one row, whatever the report's size.
pub fn read_rows<R: std::io::Read>(
    reader: R,
    each: impl FnMut(usize, ReportRow) -> std::result::Result<(), String>,
) -> std::result::Result<usize, String> {
    use serde::de::{Deserializer, SeqAccess, Visitor};
    // The reason `each` stopped, kept apart from serde's (which adds the position).
    struct Rows<'s, F>(F, &'s mut Option<String>);
    impl<'de, F: FnMut(usize, ReportRow) -> std::result::Result<(), String>> Visitor<'de> for Rows<'_, F> {
        type Value = usize;
        fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
            f.write_str("an array of report rows")
        }
        fn visit_seq<A: SeqAccess<'de>>(mut self, mut seq: A) -> std::result::Result<usize, A::Error> {
            let mut n = 0;
            while let Some(row) = seq.next_element::<ReportRow>()? {
                if let Err(why) = (self.0)(n, row) {
                    *self.1 = Some(why.clone());
                    return Err(serde::de::Error::custom(why));
                }
                n += 1;
            }
            Ok(n)
        }
    }
    let mut de = serde_json::Deserializer::from_reader(std::io::BufReader::with_capacity(1 << 16, reader));
    let mut stopped = None;
    let n = de.deserialize_seq(Rows(each, &mut stopped));
    if let Some(why) = stopped {
        return Err(why);
    }
    let n = n.map_err(|e| e.to_string())?;
    de.end().map_err(|e| e.to_string())?;
    Ok(n)
}
