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
        let call = Call::get(
            Api::Insights,
            format!("/reports/{report}/artifacts/{artifact}/content"),
            "read reports",
        );
        Ok(self.0.send(&call).await?.body)
    }
}
