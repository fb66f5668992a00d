//! The report catalogue: JumpCloud's report types the mirror can answer, and the posture checks
//! admins otherwise run by hand, each a table with typed columns (for sorting, CSV and Excel).
//! One table here says what each report is called, what it answers, where it comes from, its
//! columns, and which query of the mirror fills it.

use crate::posture::{ADMINS_ADDED_DAYS, MFA_TARGET_PERCENT, PASSWORD_AGE_DAYS};
use rollcall_cache::{Cache, Cell, ColumnKind, Thresholds};
use serde::{Deserialize, Serialize};

/// A report of the catalogue.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "snake_case")]
pub enum ReportId {
    UsersToDevices,
    UsersToUserGroups,
    UsersToSsoApplications,
    OsVersion,
    UserAccountHealth,
    PeopleWithoutMfa,
    PasswordsOld,
    AdminsWithoutMfa,
    AdminsAdded,
    MfaByDepartment,
    EncryptionByOs,
    SilentDevices,
    SuspendedWithAccess,
}

/// Where a report comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "snake_case")]
pub enum ReportSource {
    /// A report type JumpCloud publishes, answered from the mirror.
    JumpCloudReport,
    /// A posture check admins otherwise run by hand.
    PostureCheck,
}

impl ReportSource {
    pub const ALL: [ReportSource; 2] = [ReportSource::JumpCloudReport, ReportSource::PostureCheck];

    /// The heading of the catalogue's reports from this source.
    pub fn label(self) -> &'static str {
        match self {
            ReportSource::JumpCloudReport => "JumpCloud's reports",
            ReportSource::PostureCheck => "Posture checks",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct ReportColumn {
    pub label: String,
    pub kind: ColumnKind,
}

/// A report: its columns and every row.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct ReportTable {
    pub id: ReportId,
    pub title: String,
    pub description: String,
    pub source: ReportSource,
    pub as_of: Option<String>,
    pub columns: Vec<ReportColumn>,
    pub rows: Vec<Vec<Cell>>,
}

/// A report of the catalogue.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct ReportInfo {
    pub id: ReportId,
    pub title: String,
    pub description: String,
    pub source: ReportSource,
}

type Query = fn(&Cache, &[ColumnKind], &Thresholds) -> rollcall_cache::Result<Vec<Vec<Cell>>>;

/// One report: title, what it answers, its source, its columns and its query.
struct Def {
    title: String,
    description: String,
    source: ReportSource,
    columns: &'static [(&'static str, ColumnKind)],
    rows: Query,
}

impl ReportId {
    pub const ALL: [ReportId; 13] = [
        ReportId::UsersToDevices,
        ReportId::UsersToUserGroups,
        ReportId::UsersToSsoApplications,
        ReportId::OsVersion,
        ReportId::UserAccountHealth,
        ReportId::PeopleWithoutMfa,
        ReportId::PasswordsOld,
        ReportId::AdminsWithoutMfa,
        ReportId::AdminsAdded,
        ReportId::MfaByDepartment,
        ReportId::EncryptionByOs,
        ReportId::SilentDevices,
        ReportId::SuspendedWithAccess,
    ];

    /// The report's name in file names ("users-to-devices").
    pub fn slug(self) -> String {
        serde_json::to_value(self)
            .ok()
            .and_then(|v| v.as_str().map(|s| s.replace('_', "-")))
            .unwrap_or_default()
    }

    /// The report's title.
    pub fn title(self) -> String {
        self.def().title
    }

    /// The catalogue's table: one entry per report (JumpCloud's reports, then the checks).
    fn def(self) -> Def {
        self.jumpcloud_def()
            .or_else(|| self.people_check_def())
            .or_else(|| self.device_check_def())
            .expect("every report is one of JumpCloud's or a posture check")
    }

    /// The report types JumpCloud publishes that the copy can answer.
    fn jumpcloud_def(self) -> Option<Def> {
        use ColumnKind::*;
        use ReportSource::JumpCloudReport as JC;
        Some(match self {
            ReportId::UsersToDevices => d(
                "Users to devices",
                "Who reaches which device: bound directly, or through a user group (bound to the device, or \
                 to a device group it is in), as JumpCloud's report of that name counts it.",
                JC,
                &[
                    ("Username", Text),
                    ("Email", Text),
                    ("Device", Text),
                    ("OS", Text),
                    ("Version", Text),
                    ("Association", Text),
                    ("Through", Text),
                ],
                |c, _, _| c.rows_users_to_devices(),
            ),
            ReportId::UsersToUserGroups => d(
                "Users to user groups",
                "Every person's user groups.",
                JC,
                &[("Username", Text), ("Email", Text), ("User group", Text)],
                |c, k, _| c.rows_users_to_user_groups(k),
            ),
            ReportId::UsersToSsoApplications => d(
                "Users to SSO applications",
                "Who reaches which app, directly or through which group.",
                JC,
                &[("Username", Text), ("Email", Text), ("App", Text), ("Through", Text)],
                |c, k, _| c.rows_users_to_apps(k),
            ),
            ReportId::OsVersion => d(
                "OS versions",
                "Every device's OS and version, and whether it is behind the newest version seen for its OS.",
                JC,
                &[
                    ("Device", Text),
                    ("OS", Text),
                    ("Version", Text),
                    ("Newest seen", Text),
                    ("Behind", Bool),
                    ("Agent", Text),
                    ("Last contact", Date),
                ],
                |c, k, _| c.rows_os_versions(k),
            ),
            ReportId::UserAccountHealth => d(
                "User account health",
                "State, lockout, MFA, password and last login of every person.",
                JC,
                &[
                    ("Username", Text),
                    ("Name", Text),
                    ("Email", Text),
                    ("State", Text),
                    ("Locked out", Bool),
                    ("MFA", Bool),
                    ("Password expired", Bool),
                    ("Password expires", Date),
                    ("Last login", Date),
                ],
                |c, k, _| c.rows_account_health(k),
            ),
            _ => return None,
        })
    }

    /// The checks admins run by hand on people and administrators.
    fn people_check_def(self) -> Option<Def> {
        use ColumnKind::*;
        use ReportSource::PostureCheck as CHECK;
        Some(match self {
            ReportId::PeopleWithoutMfa => d(
                "People without MFA",
                "Active people not enrolled in MFA.",
                CHECK,
                &[
                    ("Username", Text),
                    ("Name", Text),
                    ("Email", Text),
                    ("Department", Text),
                    ("Created", Date),
                    ("Last login", Date),
                ],
                |c, k, _| c.rows_people_without_mfa(k),
            ),
            ReportId::PasswordsOld => d(
                &format!("Passwords older than {PASSWORD_AGE_DAYS} days"),
                &format!(
                    "Active people whose password was last set more than {PASSWORD_AGE_DAYS} days ago (people \
                     synced before Rollcall kept the date are counted after the next sync)."
                ),
                CHECK,
                &[
                    ("Username", Text),
                    ("Name", Text),
                    ("Email", Text),
                    ("Password set", Date),
                    ("Age (days)", Number),
                    ("Password expires", Date),
                ],
                |c, k, th| c.rows_passwords_old(k, th),
            ),
            ReportId::AdminsWithoutMfa => d(
                "Administrators without MFA",
                "Administrators who have not set up MFA (suspended ones included, marked).",
                CHECK,
                &[("Name", Text), ("Email", Text), ("Role", Text), ("Suspended", Bool)],
                |c, k, _| c.rows_admins_without_mfa(k),
            ),
            ReportId::AdminsAdded => d(
                &format!("Administrators added in the last {ADMINS_ADDED_DAYS} days"),
                &format!(
                    "Administrators a sync listed for the first time in the last {ADMINS_ADDED_DAYS} days. \
                     JumpCloud's API gives administrators no creation date: those present when Rollcall \
                     first listed administrators are not counted."
                ),
                CHECK,
                &[
                    ("Name", Text),
                    ("Email", Text),
                    ("Role", Text),
                    ("First seen", Date),
                    ("MFA", Bool),
                    ("Suspended", Bool),
                ],
                |c, k, th| c.rows_admins_added(k, th),
            ),
            ReportId::MfaByDepartment => d(
                "MFA adoption by department",
                &format!("Active people enrolled in MFA per department; under {MFA_TARGET_PERCENT}% is flagged."),
                CHECK,
                &[
                    ("Department", Text),
                    ("Active people", Number),
                    ("Enrolled in MFA", Number),
                    ("Adoption", Percent),
                    ("Under target", Bool),
                ],
                |c, k, th| c.rows_mfa_by_department(k, th),
            ),
            _ => return None,
        })
    }

    /// The checks admins run by hand on devices and on who still reaches them.
    fn device_check_def(self) -> Option<Def> {
        use ColumnKind::*;
        use ReportSource::PostureCheck as CHECK;
        Some(match self {
            ReportId::EncryptionByOs => d(
                "Encryption coverage",
                "Encrypted devices per OS.",
                CHECK,
                &[
                    ("OS", Text),
                    ("Devices", Number),
                    ("Encrypted", Number),
                    ("Not encrypted", Number),
                    ("Coverage", Percent),
                ],
                |c, k, _| c.rows_encryption_by_os(k),
            ),
            ReportId::SilentDevices => d(
                "Silent devices",
                &format!(
                    "Devices that have not checked in for {} days.",
                    crate::posture::SILENT_DAYS
                ),
                CHECK,
                &[
                    ("Device", Text),
                    ("OS", Text),
                    ("Last contact", Date),
                    ("Bound to", Text),
                ],
                |c, k, th| c.rows_silent_devices(k, th),
            ),
            ReportId::SuspendedWithAccess => d(
                "Suspended but still with access",
                "Suspended people still bound to devices, in groups or assigned apps.",
                CHECK,
                &[
                    ("Username", Text),
                    ("Name", Text),
                    ("Email", Text),
                    ("Devices", Number),
                    ("Groups", Number),
                    ("Apps (direct)", Number),
                ],
                |c, k, th| c.rows_suspended_with_access(k, th),
            ),
            _ => return None,
        })
    }
}

/// One entry of the catalogue's table.
fn d(
    title: &str,
    description: &str,
    source: ReportSource,
    columns: &'static [(&'static str, ColumnKind)],
    rows: Query,
) -> Def {
    Def {
        title: title.into(),
        description: description.into(),
        source,
        columns,
        rows,
    }
}

/// Every report of the catalogue.
pub fn catalogue() -> Vec<ReportInfo> {
    ReportId::ALL
        .iter()
        .map(|&id| {
            let d = id.def();
            ReportInfo {
                id,
                title: d.title,
                description: d.description,
                source: d.source,
            }
        })
        .collect()
}

/// One report of the catalogue, every row, as the mirror holds it under `th`.
pub fn report(cache: &Cache, id: ReportId, th: &Thresholds) -> rollcall_cache::Result<ReportTable> {
    let d = id.def();
    let kinds: Vec<ColumnKind> = d.columns.iter().map(|(_, k)| *k).collect();
    let rows = (d.rows)(cache, &kinds, th)?;
    Ok(ReportTable {
        id,
        title: d.title,
        description: d.description,
        source: d.source,
        as_of: cache.last_complete_sync()?.map(|(_, at)| at),
        columns: d
            .columns
            .iter()
            .map(|(label, kind)| ReportColumn {
                label: label.to_string(),
                kind: *kind,
            })
            .collect(),
        rows,
    })
}

/// Every report of the catalogue under `th`.
pub fn all_reports(cache: &Cache, th: &Thresholds) -> rollcall_cache::Result<Vec<ReportTable>> {
    ReportId::ALL.iter().map(|id| report(cache, *id, th)).collect()
}

/// A report file's format.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "snake_case")]
pub enum ReportFile {
    /// One report.
    Csv,
    /// Any reports, a sheet each.
    Xlsx,
}

#[derive(Debug, thiserror::Error)]
pub enum ExportError {
    #[error("Choose at least one report to export.")]
    NoneChosen,
    #[error("A CSV file holds one report: choose one, or export several as Excel (a sheet each).")]
    CsvHoldsOne,
    #[error("The Excel file could not be written: {0}")]
    Excel(#[from] rust_xlsxwriter::XlsxError),
    #[error(transparent)]
    Cache(#[from] rollcall_cache::CacheError),
}

/// What the save dialog proposes for `ids` as `format`; refuses what cannot be written.
pub fn export_offer(org: &str, ids: &[ReportId], format: ReportFile) -> Result<crate::files::SaveOffer, ExportError> {
    use crate::files::SaveOffer;
    match (ids, format) {
        ([], _) => Err(ExportError::NoneChosen),
        ([one], ReportFile::Csv) => Ok(SaveOffer::dated(
            "Export the report as CSV",
            org,
            &one.slug(),
            "CSV",
            "csv",
        )),
        (_, ReportFile::Csv) => Err(ExportError::CsvHoldsOne),
        (_, ReportFile::Xlsx) => Ok(SaveOffer::dated(
            "Export the reports as Excel",
            org,
            "reports",
            "Excel workbook",
            "xlsx",
        )),
    }
}

/// The reports `ids` as one file: its bytes and the rows written.
pub fn export(
    cache: &Cache,
    ids: &[ReportId],
    format: ReportFile,
    th: &Thresholds,
) -> Result<(Vec<u8>, u32), ExportError> {
    let tables = ids
        .iter()
        .map(|id| report(cache, *id, th))
        .collect::<rollcall_cache::Result<Vec<_>>>()?;
    let rows: usize = tables.iter().map(|t| t.rows.len()).sum();
    let bytes = match (format, tables.as_slice()) {
        (ReportFile::Csv, [one]) => crate::report_export::csv(one).into_bytes(),
        (ReportFile::Csv, _) => return Err(ExportError::CsvHoldsOne),
        (ReportFile::Xlsx, _) => crate::report_export::xlsx(&tables)?,
    };
    Ok((bytes, rows as u32))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_report_has_a_title_columns_and_a_file_name() {
        for id in ReportId::ALL {
            let d = id.def();
            assert!(!d.title.is_empty() && !d.columns.is_empty(), "{id:?}");
            assert!(!id.slug().is_empty() && !id.slug().contains('_'), "{id:?}");
        }
        assert_eq!(ReportId::UsersToDevices.slug(), "users-to-devices");
        assert!(matches!(
            export_offer("o", &[], ReportFile::Xlsx),
            Err(ExportError::NoneChosen)
        ));
        assert!(matches!(
            export_offer("o", &ReportId::ALL[..2], ReportFile::Csv),
            Err(ExportError::CsvHoldsOne)
        ));
    }
}
