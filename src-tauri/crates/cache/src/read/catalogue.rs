//! The report catalogue: JumpCloud's report types the mirror can answer, and the posture checks
//! admins otherwise run by hand, each a table with typed columns (for sorting, CSV and Excel).

use super::posture::{version_key, LOGIN_EVENTS};
use super::*;

/// A person's name as shown: the display name, else first and last name (SQL over `u`).
const PERSON_NAME: &str = "coalesce(nullif(u.displayname, ''), trim(u.firstname || ' ' || u.lastname))";

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

    /// Title, what it answers, and where it comes from.
    pub fn describe(self) -> (&'static str, &'static str, &'static str) {
        const JC: &str = "JumpCloud report type";
        const CHECK: &str = "Posture check";
        match self {
            ReportId::UsersToDevices => (
                "Users to devices",
                "Who is bound to which device (direct bindings).",
                JC,
            ),
            ReportId::UsersToUserGroups => ("Users to user groups", "Every person's user groups.", JC),
            ReportId::UsersToSsoApplications => (
                "Users to SSO applications",
                "Who reaches which app, directly or through which group.",
                JC,
            ),
            ReportId::OsVersion => (
                "OS versions",
                "Every device's OS and version, and whether it is behind the newest version seen for its OS.",
                JC,
            ),
            ReportId::UserAccountHealth => (
                "User account health",
                "State, lockout, MFA, password and last login of every person.",
                JC,
            ),
            ReportId::PeopleWithoutMfa => ("People without MFA", "Active people not enrolled in MFA.", CHECK),
            ReportId::PasswordsOld => (
                "Passwords older than 90 days",
                "Active people whose password was last set more than 90 days ago (people synced before \
                 Rollcall kept the date are counted after the next sync).",
                CHECK,
            ),
            ReportId::AdminsWithoutMfa => (
                "Administrators without MFA",
                "Administrators who have not set up MFA.",
                CHECK,
            ),
            ReportId::AdminsAdded => (
                "Administrators added in the last 14 days",
                "Administrators a sync listed for the first time in the last 14 days. JumpCloud's API \
                 gives administrators no creation date: those present when Rollcall first listed \
                 administrators are not counted.",
                CHECK,
            ),
            ReportId::MfaByDepartment => (
                "MFA adoption by department",
                "Active people enrolled in MFA per department; under 95% is flagged.",
                CHECK,
            ),
            ReportId::EncryptionByOs => ("Encryption coverage", "Encrypted devices per OS.", CHECK),
            ReportId::SilentDevices => ("Silent devices", "Devices that have not checked in for 30 days.", CHECK),
            ReportId::SuspendedWithAccess => (
                "Suspended but still with access",
                "Suspended people still bound to devices, in groups or assigned apps.",
                CHECK,
            ),
        }
    }
}

/// What a column holds (for sorting, and for typed cells in Excel).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "snake_case")]
pub enum ColumnKind {
    Text,
    Number,
    /// RFC 3339 text.
    Date,
    Bool,
    /// A share, 0 to 100.
    Percent,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct ReportColumn {
    pub label: String,
    pub kind: ColumnKind,
}

/// One cell: empty, a flag, a number, or text (dates are text in a `Date` column).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(untagged)]
pub enum Cell {
    Empty,
    Bool(bool),
    Number(f64),
    Text(String),
}

impl Cell {
    /// The cell as CSV text.
    pub fn text(&self) -> String {
        match self {
            Cell::Empty => String::new(),
            Cell::Bool(b) => if *b { "yes" } else { "no" }.into(),
            Cell::Number(n) if n.fract() == 0.0 => format!("{n:.0}"),
            Cell::Number(n) => format!("{n:.1}"),
            Cell::Text(s) => s.clone(),
        }
    }
}

/// A report: its columns and every row.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct ReportTable {
    pub id: ReportId,
    pub title: String,
    pub description: String,
    pub source: String,
    pub as_of: Option<String>,
    pub columns: Vec<ReportColumn>,
    pub rows: Vec<Vec<Cell>>,
}

/// A report of the catalogue.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct ReportInfo {
    pub id: ReportId,
    pub title: String,
    pub description: String,
    pub source: String,
}

/// An OS family as people name it (SQL, over `col`).
fn os_name(col: &str) -> String {
    let whens: String = OS_NAMES
        .iter()
        .map(|(f, n)| format!("WHEN '{f}' THEN '{n}' "))
        .collect();
    format!("CASE {col} {whens}ELSE {col} END")
}

/// OS families as JumpCloud spells them, and as people name them.
const OS_NAMES: [(&str, &str); 6] = [
    ("darwin", "macOS"),
    ("windows", "Windows"),
    ("linux", "Linux"),
    ("ios", "iOS"),
    ("ipados", "iPadOS"),
    ("android", "Android"),
];

/// An OS family as people name it ("Unknown" when the device did not say).
pub fn os_label(family: &str) -> String {
    if family.is_empty() {
        return "Unknown".into();
    }
    OS_NAMES
        .iter()
        .find(|(f, _)| *f == family)
        .map_or(family, |(_, n)| n)
        .to_string()
}

fn col(label: &str, kind: ColumnKind) -> ReportColumn {
    ReportColumn {
        label: label.into(),
        kind,
    }
}

/// Reads one cell of `row` at `i` as `kind` wants it.
fn cell(row: &Row<'_>, i: usize, kind: ColumnKind) -> rusqlite::Result<Cell> {
    use rusqlite::types::ValueRef;
    Ok(match (row.get_ref(i)?, kind) {
        (ValueRef::Null, _) => Cell::Empty,
        (ValueRef::Integer(n), ColumnKind::Bool) => Cell::Bool(n != 0),
        (ValueRef::Integer(n), _) => Cell::Number(n as f64),
        (ValueRef::Real(f), _) => Cell::Number(f),
        (ValueRef::Text(t), _) => {
            let s = String::from_utf8_lossy(t).into_owned();
            if s.is_empty() {
                Cell::Empty
            } else {
                Cell::Text(s)
            }
        }
        (ValueRef::Blob(_), _) => Cell::Empty,
    })
}

/// Every report of the catalogue.
pub fn catalogue() -> Vec<ReportInfo> {
    ReportId::ALL
        .iter()
        .map(|&id| {
            let (title, description, source) = id.describe();
            ReportInfo {
                id,
                title: title.into(),
                description: description.into(),
                source: source.into(),
            }
        })
        .collect()
}

impl Cache {
    fn table(&self, sql: &str, params: &[Value], columns: &[ReportColumn]) -> Result<Vec<Vec<Cell>>> {
        let mut stmt = self.conn.prepare(sql)?;
        let rows = stmt
            .query_map(rusqlite::params_from_iter(params), |r| {
                columns.iter().enumerate().map(|(i, c)| cell(r, i, c.kind)).collect()
            })?
            .collect::<rusqlite::Result<Vec<Vec<Cell>>>>()?;
        Ok(rows)
    }

    /// One report of the catalogue, every row, as the mirror holds it at `now_ms`.
    pub fn report(&self, id: ReportId, now_ms: i64) -> Result<ReportTable> {
        use ColumnKind::*;
        let (title, description, source) = id.describe();
        let login_at = format!(
            "(SELECT max(e.at) FROM events e WHERE e.username = u.username AND e.success = 1 AND e.event_type IN {LOGIN_EVENTS})"
        );
        let (columns, rows) = match id {
            ReportId::UsersToDevices => {
                let c = vec![
                    col("Username", Text),
                    col("Email", Text),
                    col("Device", Text),
                    col("OS", Text),
                    col("Version", Text),
                ];
                let r = self.table(
                    &format!(
                        "SELECT u.username, u.email, coalesce(nullif(s.hostname, ''), s.display_name), {}, s.os_version \
                         FROM bindings b JOIN users u ON u.id = b.user_id JOIN systems s ON s.id = b.system_id \
                         ORDER BY u.username COLLATE NOCASE, 3 COLLATE NOCASE",
                        os_name("s.os_family")
                    ),
                    &[],
                    &c,
                )?;
                (c, r)
            }
            ReportId::UsersToUserGroups => {
                let c = vec![col("Username", Text), col("Email", Text), col("User group", Text)];
                let r = self.table(
                    "SELECT u.username, u.email, g.name FROM group_members m JOIN users u ON u.id = m.member_id \
                     JOIN groups g ON g.id = m.group_id AND g.kind = 'user' \
                     ORDER BY u.username COLLATE NOCASE, g.name COLLATE NOCASE",
                    &[],
                    &c,
                )?;
                (c, r)
            }
            ReportId::UsersToSsoApplications => {
                let c = vec![
                    col("Username", Text),
                    col("Email", Text),
                    col("App", Text),
                    col("Through", Text),
                ];
                let r = self.table(
                    "SELECT u.username, u.email, coalesce(nullif(a.label, ''), a.name), \
                     CASE au.via_group WHEN '' THEN 'direct' ELSE coalesce(g.name, au.via_group) END \
                     FROM app_users au JOIN users u ON u.id = au.user_id JOIN apps a ON a.id = au.app_id \
                     LEFT JOIN groups g ON g.id = au.via_group \
                     ORDER BY u.username COLLATE NOCASE, 3 COLLATE NOCASE, 4",
                    &[],
                    &c,
                )?;
                (c, r)
            }
            ReportId::OsVersion => {
                let c = vec![
                    col("Device", Text),
                    col("OS", Text),
                    col("Version", Text),
                    col("Newest seen", Text),
                    col("Behind", Bool),
                    col("Agent", Text),
                    col("Last contact", Date),
                ];
                let mut newest: BTreeMap<String, (Vec<u64>, String)> = BTreeMap::new();
                let base = self.table(
                    &format!(
                        "SELECT coalesce(nullif(hostname, ''), display_name), {}, os_version, '', 0, agent_version, last_contact \
                         FROM systems ORDER BY os_family, 1 COLLATE NOCASE",
                        os_name("os_family")
                    ),
                    &[],
                    &c,
                )?;
                for r in &base {
                    if let (Cell::Text(f), Cell::Text(v)) = (&r[1], &r[2]) {
                        let k = version_key(v);
                        let e = newest.entry(f.clone()).or_insert((k.clone(), v.clone()));
                        if k > e.0 {
                            *e = (k, v.clone());
                        }
                    }
                }
                let r = base
                    .into_iter()
                    .map(|mut r| {
                        if let Cell::Text(f) = &r[1] {
                            if let Some((k, v)) = newest.get(f) {
                                let mine = match &r[2] {
                                    Cell::Text(v) => version_key(v),
                                    _ => vec![],
                                };
                                r[4] = Cell::Bool(mine < *k);
                                r[3] = Cell::Text(v.clone());
                            }
                        }
                        r
                    })
                    .collect();
                (c, r)
            }
            ReportId::UserAccountHealth => {
                let c = vec![
                    col("Username", Text),
                    col("Name", Text),
                    col("Email", Text),
                    col("State", Text),
                    col("Locked out", Bool),
                    col("MFA", Bool),
                    col("Password expired", Bool),
                    col("Password expires", Date),
                    col("Last login", Date),
                ];
                let r = self.table(
                    &format!(
                        "SELECT u.username, {name}, u.email, u.state, u.locked, u.mfa_configured, u.password_expired, \
                         u.password_expires_at, {login_at} FROM users u ORDER BY u.username COLLATE NOCASE",
                        name = PERSON_NAME
                    ),
                    &[],
                    &c,
                )?;
                (c, r)
            }
            ReportId::PeopleWithoutMfa => {
                let c = vec![
                    col("Username", Text),
                    col("Name", Text),
                    col("Email", Text),
                    col("Department", Text),
                    col("Created", Date),
                    col("Last login", Date),
                ];
                let r = self.table(
                    &format!(
                        "SELECT u.username, {name}, u.email, u.department, u.created, {login_at} FROM users u \
                         WHERE u.state = 'ACTIVATED' AND u.mfa_configured = 0 ORDER BY u.username COLLATE NOCASE",
                        name = PERSON_NAME
                    ),
                    &[],
                    &c,
                )?;
                (c, r)
            }
            ReportId::AdminsWithoutMfa => {
                let c = vec![
                    col("Name", Text),
                    col("Email", Text),
                    col("Role", Text),
                    col("Suspended", Bool),
                ];
                let r = self.table(
                    "SELECT name, email, role_name, suspended FROM admins WHERE mfa = 0 ORDER BY email COLLATE NOCASE",
                    &[],
                    &c,
                )?;
                (c, r)
            }
            ReportId::MfaByDepartment => {
                let c = vec![
                    col("Department", Text),
                    col("Active people", Number),
                    col("Enrolled in MFA", Number),
                    col("Adoption", Percent),
                    col("Under 95%", Bool),
                ];
                let r = self.table(
                    "SELECT coalesce(nullif(department, ''), '(none)'), count(*), sum(mfa_configured), \
                     round(100.0 * sum(mfa_configured) / count(*), 1), (100.0 * sum(mfa_configured) / count(*)) < 95 \
                     FROM users WHERE state = 'ACTIVATED' GROUP BY 1 ORDER BY 4, 1",
                    &[],
                    &c,
                )?;
                (c, r)
            }
            ReportId::EncryptionByOs => {
                let c = vec![
                    col("OS", Text),
                    col("Devices", Number),
                    col("Encrypted", Number),
                    col("Not encrypted", Number),
                    col("Coverage", Percent),
                ];
                let r = self.table(
                    &format!(
                        "SELECT {}, count(*), sum(fde_active), count(*) - sum(fde_active), \
                         round(100.0 * sum(fde_active) / count(*), 1) FROM systems GROUP BY os_family ORDER BY 5, 1",
                        os_name("os_family")
                    ),
                    &[],
                    &c,
                )?;
                (c, r)
            }
            ReportId::PasswordsOld => {
                let c = vec![
                    col("Username", Text),
                    col("Name", Text),
                    col("Email", Text),
                    col("Password set", Date),
                    col("Age (days)", Number),
                    col("Password expires", Date),
                ];
                let before = format_ms(now_ms - 90 * 86_400_000);
                let r = self.table(
                    &format!(
                        "SELECT u.username, {PERSON_NAME}, u.email, u.password_date, \
                         CAST(julianday(?1) - julianday(u.password_date) AS INTEGER), u.password_expires_at \
                         FROM users u WHERE u.state = 'ACTIVATED' AND julianday(u.password_date) < julianday(?2) \
                         ORDER BY julianday(u.password_date), u.username COLLATE NOCASE"
                    ),
                    &[text(&format_ms(now_ms)), text(&before)],
                    &c,
                )?;
                (c, r)
            }
            ReportId::AdminsAdded => {
                let c = vec![
                    col("Name", Text),
                    col("Email", Text),
                    col("Role", Text),
                    col("First seen", Date),
                    col("MFA", Bool),
                    col("Suspended", Bool),
                ];
                let since = format_ms(now_ms - 14 * 86_400_000);
                let r = self.table(
                    "SELECT a.name, a.email, a.role_name, f.at, a.mfa, a.suspended FROM admins a \
                     JOIN admin_first_seen f ON f.id = a.id \
                     WHERE f.sync_id > (SELECT min(sync_id) FROM admin_first_seen) AND f.at >= ?1 \
                     ORDER BY f.at DESC, a.email COLLATE NOCASE",
                    &[text(&since)],
                    &c,
                )?;
                (c, r)
            }
            ReportId::SilentDevices => {
                let c = vec![
                    col("Device", Text),
                    col("OS", Text),
                    col("Last contact", Date),
                    col("Bound to", Text),
                ];
                let before = format_ms(now_ms - 30 * 86_400_000);
                let r = self.table(
                    &format!("SELECT coalesce(nullif(s.hostname, ''), s.display_name), {}, s.last_contact, \
                     (SELECT group_concat(u.username, ', ') FROM bindings b JOIN users u ON u.id = b.user_id WHERE b.system_id = s.id) \
                     FROM systems s WHERE s.last_contact IS NULL OR s.last_contact < ? ORDER BY s.last_contact",
                        os_name("s.os_family")
                    ),
                    &[text(&before)],
                    &c,
                )?;
                (c, r)
            }
            ReportId::SuspendedWithAccess => {
                let c = vec![
                    col("Username", Text),
                    col("Name", Text),
                    col("Email", Text),
                    col("Devices", Number),
                    col("Groups", Number),
                    col("Apps (direct)", Number),
                ];
                let (cond, params) = UserCheck::SuspendedWithAccess.condition(now_ms);
                let r = self.table(
                    &format!(
                        "SELECT username, {name}, email, (SELECT count(*) FROM bindings b WHERE b.user_id = users.id), \
                         (SELECT count(*) FROM group_members m WHERE m.member_id = users.id), \
                         (SELECT count(*) FROM app_users a WHERE a.user_id = users.id AND a.via_group = '') \
                         FROM users WHERE {cond} ORDER BY username COLLATE NOCASE",
                        name = PERSON_NAME.replace("u.", "users.")
                    ),
                    &params,
                    &c,
                )?;
                (c, r)
            }
        };
        Ok(ReportTable {
            id,
            title: title.into(),
            description: description.into(),
            source: source.into(),
            as_of: self.last_complete_sync()?.map(|(_, at)| at),
            columns,
            rows,
        })
    }
}
