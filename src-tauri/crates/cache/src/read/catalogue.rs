//! The rows of the report catalogue's tables, one query per report, from the mirror (offline).
//! What each report is called, what its columns are and which reports exist is core's
//! (`rollcall_core::catalogue`); a query here reads each column as the kind core names for it.

use super::posture::{version_key, LOGIN_EVENTS};
use super::*;

/// A person's name as shown: the display name, else first and last name (SQL over `u`).
const PERSON_NAME: &str = "coalesce(nullif(u.displayname, ''), trim(u.firstname || ' ' || u.lastname))";

/// When a person last signed in (SQL over `u`).
fn last_login() -> String {
    format!(
        "(SELECT max(e.at) FROM events e WHERE e.username = lower(u.username) AND e.success = 1 AND e.event_type IN {LOGIN_EVENTS})"
    )
}

/// What a column holds (for sorting, and for typed cells in Excel).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "snake_case")]
pub enum ColumnKind {
    Text,
    Number,
    /// A time (RFC 3339 text in the cell; a date in Excel).
    Date,
    Bool,
    /// A share, 0 to 100.
    Percent,
}

/// One cell: empty, a flag, a number, or text (dates are text in a `Date` column).
#[derive(Debug, Clone, PartialEq, Serialize)]
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

/// An OS family as people name it, as SQL over `col` (the labels of `OsFamily`).
fn os_name(col: &str) -> String {
    let whens: String = OsFamily::KNOWN
        .iter()
        .map(|f| format!("WHEN '{}' THEN '{}' ", f.as_str(), f.label()))
        .collect();
    format!("CASE {col} {whens}ELSE {col} END")
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

/// The rows of one catalogue report.
pub type Rows = Vec<Vec<Cell>>;

impl Cache {
    fn table(&self, sql: &str, params: &[Value], kinds: &[ColumnKind]) -> Result<Rows> {
        let mut stmt = self.conn.prepare(sql)?;
        let rows = stmt
            .query_map(rusqlite::params_from_iter(params), |r| {
                kinds.iter().enumerate().map(|(i, k)| cell(r, i, *k)).collect()
            })?
            .collect::<rusqlite::Result<Rows>>()?;
        Ok(rows)
    }

    /// Username, email, device, OS, version, JumpCloud's association type, the groups it goes
    /// through: every path from a person to a device.
    pub fn rows_users_to_devices(&self) -> Result<Rows> {
        Ok(self
            .reach_rows()?
            .into_iter()
            .map(|r| {
                let through = r.path.through().map_or(Cell::Empty, Cell::Text);
                vec![
                    Cell::Text(r.username),
                    Cell::Text(r.email),
                    Cell::Text(r.device),
                    Cell::Text(r.os_family.label()),
                    Cell::Text(r.os_version),
                    Cell::Text(r.path.kind.as_str().into()),
                    through,
                ]
            })
            .collect())
    }

    /// Username, email, user group.
    pub fn rows_users_to_user_groups(&self, kinds: &[ColumnKind]) -> Result<Rows> {
        self.table(
            "SELECT u.username, u.email, g.name FROM group_members m JOIN users u ON u.id = m.member_id \
             JOIN groups g ON g.id = m.group_id AND g.kind = 'user' \
             ORDER BY u.username COLLATE NOCASE, g.name COLLATE NOCASE",
            &[],
            kinds,
        )
    }

    /// Username, email, app, "direct" or the group it is reached through.
    pub fn rows_users_to_apps(&self, kinds: &[ColumnKind]) -> Result<Rows> {
        self.table(
            "SELECT u.username, u.email, coalesce(nullif(a.label, ''), a.name), \
             CASE au.via_group WHEN '' THEN 'direct' ELSE coalesce(g.name, au.via_group) END \
             FROM app_users au JOIN users u ON u.id = au.user_id JOIN apps a ON a.id = au.app_id \
             LEFT JOIN groups g ON g.id = au.via_group \
             ORDER BY u.username COLLATE NOCASE, 3 COLLATE NOCASE, 4",
            &[],
            kinds,
        )
    }

    /// Device, OS, version, newest version seen for its OS, behind it, agent, last contact.
    pub fn rows_os_versions(&self, kinds: &[ColumnKind]) -> Result<Rows> {
        let base = self.table(
            &format!(
                "SELECT coalesce(nullif(hostname, ''), display_name), {}, os_version, '', 0, agent_version, last_contact \
                 FROM systems ORDER BY os_family, 1 COLLATE NOCASE",
                os_name("os_family")
            ),
            &[],
            kinds,
        )?;
        let mut newest: BTreeMap<String, (Vec<u64>, String)> = BTreeMap::new();
        for r in &base {
            if let (Cell::Text(f), Cell::Text(v)) = (&r[1], &r[2]) {
                let k = version_key(v);
                let e = newest.entry(f.clone()).or_insert((k.clone(), v.clone()));
                if k > e.0 {
                    *e = (k, v.clone());
                }
            }
        }
        Ok(base
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
            .collect())
    }

    /// Username, name, email, state, locked out, MFA, password expired, expires, last login.
    pub fn rows_account_health(&self, kinds: &[ColumnKind]) -> Result<Vec<Vec<Cell>>> {
        let mut rows = self.table(
            &format!(
                "SELECT u.username, {PERSON_NAME}, u.email, u.state, u.locked, u.mfa_configured, u.password_expired, \
                 u.password_expires_at, {} FROM users u ORDER BY u.username COLLATE NOCASE",
                last_login()
            ),
            &[],
            kinds,
        )?;
        // The state as people name it (a state JumpCloud sends that Rollcall does not know is
        // shown as sent).
        for r in &mut rows {
            if let Cell::Text(s) = &r[3] {
                r[3] = Cell::Text(UserState::parse(s).label());
            }
        }
        Ok(rows)
    }

    /// Active people without MFA: username, name, email, department, created, last login.
    pub fn rows_people_without_mfa(&self, kinds: &[ColumnKind]) -> Result<Rows> {
        self.table(
            &format!(
                "SELECT u.username, {PERSON_NAME}, u.email, u.department, u.created, {} FROM users u \
                 WHERE u.state = 'ACTIVATED' AND u.mfa_configured = 0 ORDER BY u.username COLLATE NOCASE",
                last_login()
            ),
            &[],
            kinds,
        )
    }

    /// Administrators without MFA (suspended or not): name, email, role, suspended.
    pub fn rows_admins_without_mfa(&self, kinds: &[ColumnKind]) -> Result<Rows> {
        self.table(
            "SELECT name, email, role_name, suspended FROM admins WHERE mfa = 0 ORDER BY email COLLATE NOCASE",
            &[],
            kinds,
        )
    }

    /// Per department: active people, enrolled in MFA, adoption, under the target.
    pub fn rows_mfa_by_department(&self, kinds: &[ColumnKind], th: &Thresholds) -> Result<Rows> {
        self.table(
            "SELECT coalesce(nullif(department, ''), '(none)'), count(*), sum(mfa_configured), \
             round(100.0 * sum(mfa_configured) / count(*), 1), (100.0 * sum(mfa_configured) / count(*)) < ?1 \
             FROM users WHERE state = 'ACTIVATED' GROUP BY 1 ORDER BY 4, 1",
            &[Value::Integer(th.mfa_target_percent as i64)],
            kinds,
        )
    }

    /// Per OS: devices, encrypted, not encrypted, coverage.
    pub fn rows_encryption_by_os(&self, kinds: &[ColumnKind]) -> Result<Rows> {
        self.table(
            &format!(
                "SELECT {}, count(*), sum(fde_active), count(*) - sum(fde_active), \
                 round(100.0 * sum(fde_active) / count(*), 1) FROM systems GROUP BY os_family ORDER BY 5, 1",
                os_name("os_family")
            ),
            &[],
            kinds,
        )
    }

    /// Active people whose password is older than the threshold: username, name, email, set,
    /// age in days, expires.
    pub fn rows_passwords_old(&self, kinds: &[ColumnKind], th: &Thresholds) -> Result<Rows> {
        self.table(
            &format!(
                "SELECT u.username, {PERSON_NAME}, u.email, u.password_date, \
                 CAST(julianday(?1) - julianday(u.password_date) AS INTEGER), u.password_expires_at \
                 FROM users u WHERE u.state = 'ACTIVATED' AND julianday(u.password_date) < julianday(?2) \
                 ORDER BY julianday(u.password_date), u.username COLLATE NOCASE"
            ),
            &[text(&format_ms(th.now_ms)), th.days_ago(th.password_age_days)],
            kinds,
        )
    }

    /// Administrators a sync listed first within the threshold's days (not those of the first
    /// listing): name, email, role, first seen, MFA, suspended.
    pub fn rows_admins_added(&self, kinds: &[ColumnKind], th: &Thresholds) -> Result<Rows> {
        self.table(
            "SELECT a.name, a.email, a.role_name, f.at, a.mfa, a.suspended FROM admins a \
             JOIN admin_first_seen f ON f.id = a.id \
             WHERE f.sync_id > (SELECT min(sync_id) FROM admin_first_seen) AND f.at >= ?1 \
             ORDER BY f.at DESC, a.email COLLATE NOCASE",
            &[th.days_ago(th.admins_added_days)],
            kinds,
        )
    }

    /// Devices silent past the threshold: device, OS, last contact, who is bound to it directly.
    pub fn rows_silent_devices(&self, kinds: &[ColumnKind], th: &Thresholds) -> Result<Rows> {
        self.table(
            &format!(
                "SELECT coalesce(nullif(s.hostname, ''), s.display_name), {}, s.last_contact, \
                 (SELECT group_concat(u.username, ', ') FROM bindings b JOIN users u ON u.id = b.user_id WHERE b.system_id = s.id) \
                 FROM systems s WHERE s.last_contact IS NULL OR s.last_contact < ? ORDER BY s.last_contact",
                os_name("s.os_family")
            ),
            &[th.days_ago(th.silent_days)],
            kinds,
        )
    }

    /// Suspended people still with access: username, name, email, devices, groups, apps
    /// assigned directly.
    pub fn rows_suspended_with_access(&self, kinds: &[ColumnKind], th: &Thresholds) -> Result<Rows> {
        let (cond, params) = UserCheck::SuspendedWithAccess.condition(th);
        self.table(
            &format!(
                "SELECT username, {name}, email, (SELECT count(*) FROM bindings b WHERE b.user_id = users.id), \
                 (SELECT count(*) FROM group_members m WHERE m.member_id = users.id), \
                 (SELECT count(*) FROM app_users a WHERE a.user_id = users.id AND a.via_group = '') \
                 FROM users WHERE {cond} ORDER BY username COLLATE NOCASE",
                name = PERSON_NAME.replace("u.", "users.")
            ),
            &params,
            kinds,
        )
    }
}
