//! The org's posture measured from the mirror (offline): people by state, MFA adoption,
//! lockouts, passwords, staged and suspended people who still have access, inactivity; devices
//! by OS and version (and how many are behind the newest version seen), encryption, MDM,
//! silence, reach, agent versions. Every figure is also a filter of the Users or Devices list
//! (`UserCheck`, `DeviceCheck` and the existing filters), so a number opens its rows.
//!
//! The thresholds (days, shares) are core's (`rollcall_core::posture`), passed in as
//! `Thresholds`; what is bad, the labels and the agenda are core's too.

use super::*;

/// Event types that are a person signing in (Directory Insights' login events).
pub const LOGIN_EVENTS: &str = "('user_login_attempt', 'login_attempt', 'sso_auth')";

/// The thresholds a measurement uses, and "now". Core holds their values.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Thresholds {
    /// "Now", milliseconds since the epoch.
    pub now_ms: i64,
    /// A device is silent after this many days without a check-in.
    pub silent_days: u32,
    /// A password expiring within this many days is "expiring soon".
    pub expiring_days: u32,
    /// A person staged (never activated) longer than this is a finding.
    pub staged_days: u32,
    /// An active person with no login for this long is inactive.
    pub inactive_days: u32,
    /// A system drive with less than this share free is low on disk.
    pub low_disk_percent: u32,
    /// A password set longer ago than this is old.
    pub password_age_days: u32,
    /// An administrator first listed within this many days is new.
    pub admins_added_days: u32,
    /// MFA adoption under this share (percent) is a finding.
    pub mfa_target_percent: u32,
}

impl Thresholds {
    /// `now_ms - days`, as stored times are written.
    pub(super) fn days_ago(&self, days: u32) -> Value {
        text(&format_ms(self.now_ms - days as i64 * 86_400_000))
    }
}

/// A people check a list can be filtered by.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "snake_case")]
pub enum UserCheck {
    PasswordExpired,
    /// Expires within `EXPIRING_DAYS`.
    PasswordExpiring,
    /// Staged for more than `STAGED_DAYS` since created.
    StagedOld,
    /// Suspended but still bound to a device, in a group or assigned an app directly.
    SuspendedWithAccess,
    /// Active, created more than `INACTIVE_DAYS` ago, and no login in that time.
    Inactive,
}

/// A device check a list can be filtered by.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "snake_case")]
pub enum DeviceCheck {
    /// On an older OS version than the newest seen in the org for its family.
    Behind,
    /// Bound to a person who is suspended.
    OwnedBySuspended,
    /// Less than the threshold's share of the system drive free (as System Insights reported it).
    LowDisk,
}

impl DeviceCheck {
    pub const ALL: [DeviceCheck; 3] = [DeviceCheck::Behind, DeviceCheck::OwnedBySuspended, DeviceCheck::LowDisk];
}

/// Devices whose system drive is low on free space (parameter: the share, percent).
pub(super) const LOW_DISK: &str = "disk_size > 0 AND disk_free * 100 < disk_size * ?";

impl UserCheck {
    pub const ALL: [UserCheck; 5] = [
        UserCheck::PasswordExpired,
        UserCheck::PasswordExpiring,
        UserCheck::StagedOld,
        UserCheck::SuspendedWithAccess,
        UserCheck::Inactive,
    ];

    /// The condition on `users` (and its parameters) under `th`.
    pub(super) fn condition(self, th: &Thresholds) -> (String, Vec<Value>) {
        match self {
            UserCheck::PasswordExpired => ("password_expired = 1".into(), vec![]),
            UserCheck::PasswordExpiring => (
                "password_expired = 0 AND password_expires_at >= ? AND password_expires_at < ?".into(),
                vec![
                    text(&format_ms(th.now_ms)),
                    text(&format_ms(th.now_ms + th.expiring_days as i64 * 86_400_000)),
                ],
            ),
            UserCheck::StagedOld => (
                "state = 'STAGED' AND created < ?".into(),
                vec![th.days_ago(th.staged_days)],
            ),
            UserCheck::SuspendedWithAccess => (
                "state = 'SUSPENDED' AND (id IN (SELECT user_id FROM bindings) \
                 OR id IN (SELECT member_id FROM group_members) \
                 OR id IN (SELECT user_id FROM app_users WHERE via_group = ''))"
                    .into(),
                vec![],
            ),
            UserCheck::Inactive => (
                format!(
                    "state = 'ACTIVATED' AND created < ? AND NOT EXISTS (SELECT 1 FROM events e \
                     WHERE e.username = lower(users.username) AND e.at >= ? AND e.success = 1 \
                     AND e.event_type IN {LOGIN_EVENTS})"
                ),
                vec![th.days_ago(th.inactive_days), th.days_ago(th.inactive_days)],
            ),
        }
    }
}

/// Numeric parts of a version ("14.6.1" → [14, 6, 1]; "10.0.22631" → [10, 0, 22631]).
pub(super) fn version_key(v: &str) -> Vec<u64> {
    v.split(|c: char| !c.is_ascii_digit())
        .filter(|p| !p.is_empty())
        .filter_map(|p| p.parse().ok())
        .collect()
}

/// One OS family's devices.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct OsPosture {
    pub family: OsFamily,
    #[cfg_attr(feature = "specta", specta(type = u32))]
    pub devices: u64,
    #[cfg_attr(feature = "specta", specta(type = u32))]
    pub encrypted: u64,
    #[cfg_attr(feature = "specta", specta(type = u32))]
    pub mdm: u64,
    /// The newest version seen in the org for this family.
    pub newest: String,
    /// Devices on an older version than `newest`.
    #[cfg_attr(feature = "specta", specta(type = u32))]
    pub behind: u64,
    /// Devices per version, newest first.
    #[cfg_attr(feature = "specta", specta(type = Vec<(String, u32)>))]
    pub versions: Vec<(String, u64)>,
}

/// The posture of the org's people.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct PeoplePosture {
    #[cfg_attr(feature = "specta", specta(type = u32))]
    pub total: u64,
    #[cfg_attr(feature = "specta", specta(type = Vec<(UserState, u32)>))]
    pub by_state: Vec<(UserState, u64)>,
    /// Active people (the MFA adoption's base).
    #[cfg_attr(feature = "specta", specta(type = u32))]
    pub active: u64,
    /// Active people enrolled in MFA.
    #[cfg_attr(feature = "specta", specta(type = u32))]
    pub active_mfa: u64,
    /// Everyone not enrolled in MFA (the Users list's "No MFA").
    #[cfg_attr(feature = "specta", specta(type = u32))]
    pub no_mfa: u64,
    #[cfg_attr(feature = "specta", specta(type = u32))]
    pub locked: u64,
    #[cfg_attr(feature = "specta", specta(type = u32))]
    pub password_expired: u64,
    #[cfg_attr(feature = "specta", specta(type = u32))]
    pub password_expiring: u64,
    #[cfg_attr(feature = "specta", specta(type = u32))]
    pub staged_old: u64,
    #[cfg_attr(feature = "specta", specta(type = u32))]
    pub suspended_with_access: u64,
    /// None when the mirror holds no login events (Directory Insights off or not allowed).
    #[cfg_attr(feature = "specta", specta(type = Option<u32>))]
    pub inactive: Option<u64>,
    /// Days of login events the mirror holds (inactivity looks back at most this far).
    #[cfg_attr(feature = "specta", specta(type = u32))]
    pub event_days: u64,
    /// Administrators (of the org's provider), and those without MFA (not suspended).
    #[cfg_attr(feature = "specta", specta(type = u32))]
    pub admins: u64,
    #[cfg_attr(feature = "specta", specta(type = u32))]
    pub admins_without_mfa: u64,
}

/// The posture of the org's devices.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct DevicePosture {
    #[cfg_attr(feature = "specta", specta(type = u32))]
    pub total: u64,
    pub by_os: Vec<OsPosture>,
    #[cfg_attr(feature = "specta", specta(type = u32))]
    pub not_encrypted: u64,
    #[cfg_attr(feature = "specta", specta(type = u32))]
    pub no_mdm: u64,
    /// Silent for more than `silent_days` (or never seen).
    #[cfg_attr(feature = "specta", specta(type = u32))]
    pub silent: u64,
    #[cfg_attr(feature = "specta", specta(type = u32))]
    pub silent_days: u32,
    /// Reached by nobody: no person bound directly or through a group (as JumpCloud counts).
    #[cfg_attr(feature = "specta", specta(type = u32))]
    pub unbound: u64,
    #[cfg_attr(feature = "specta", specta(type = u32))]
    pub owned_by_suspended: u64,
    #[cfg_attr(feature = "specta", specta(type = u32))]
    pub behind: u64,
    /// Devices with less than the threshold's share of their system drive free; None when no
    /// device reported its drives (System Insights off).
    #[cfg_attr(feature = "specta", specta(type = Option<u32>))]
    pub low_disk: Option<u64>,
    /// Devices per agent version, most first.
    #[cfg_attr(feature = "specta", specta(type = Vec<(String, u32)>))]
    pub agent_versions: Vec<(String, u64)>,
}

/// The org at a glance.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct Posture {
    /// The snapshot it describes (None before the first complete sync).
    #[cfg_attr(feature = "specta", specta(type = Option<u32>))]
    pub sync_id: Option<i64>,
    pub as_of: Option<String>,
    pub people: PeoplePosture,
    pub devices: DevicePosture,
}

impl Cache {
    fn count(&self, sql: &str, params: &[Value]) -> Result<u64> {
        Ok(self
            .conn
            .query_row(sql, rusqlite::params_from_iter(params), |r| r.get::<_, i64>(0))? as u64)
    }

    fn pairs(&self, sql: &str) -> Result<Vec<(String, u64)>> {
        let mut stmt = self.conn.prepare(sql)?;
        let rows = stmt
            .query_map([], |r| {
                Ok((
                    r.get::<_, Option<String>>(0)?.unwrap_or_default(),
                    r.get::<_, i64>(1)? as u64,
                ))
            })?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        Ok(rows)
    }

    fn user_check_count(&self, check: UserCheck, th: &Thresholds) -> Result<u64> {
        let (cond, params) = check.condition(th);
        self.count(&format!("SELECT count(*) FROM users WHERE {cond}"), &params)
    }

    /// Versions behind the newest seen, per family: the condition on `systems` that selects
    /// them (and its parameters).
    pub(super) fn behind_condition(&self) -> Result<(String, Vec<Value>)> {
        let behind: Vec<(OsFamily, String)> = self
            .os_versions()?
            .into_iter()
            .flat_map(|(family, versions)| {
                let newest = versions.first().map(|(v, _)| version_key(v)).unwrap_or_default();
                versions
                    .into_iter()
                    .filter(move |(v, _)| version_key(v) < newest)
                    .map(move |(v, _)| (family.clone(), v))
            })
            .collect();
        if behind.is_empty() {
            return Ok(("0".into(), vec![]));
        }
        let cond = format!(
            "(os_family, os_version) IN (VALUES {})",
            vec!["(?, ?)"; behind.len()].join(", ")
        );
        Ok((
            cond,
            behind
                .into_iter()
                .flat_map(|(f, v)| [text(f.as_str()), text(&v)])
                .collect(),
        ))
    }

    /// Per OS family, its versions and their device counts, newest first.
    fn os_versions(&self) -> Result<BTreeMap<OsFamily, Vec<(String, u64)>>> {
        let mut stmt = self
            .conn
            .prepare("SELECT os_family, os_version, count(*) FROM systems GROUP BY 1, 2")?;
        let mut out: BTreeMap<OsFamily, Vec<(String, u64)>> = BTreeMap::new();
        for r in stmt.query_map([], |r| {
            Ok((
                r.get::<_, OsFamily>(0)?,
                r.get::<_, String>(1)?,
                r.get::<_, i64>(2)? as u64,
            ))
        })? {
            let (f, v, n) = r?;
            out.entry(f).or_default().push((v, n));
        }
        for versions in out.values_mut() {
            versions.sort_by(|a, b| version_key(&b.0).cmp(&version_key(&a.0)).then_with(|| a.0.cmp(&b.0)));
        }
        Ok(out)
    }

    /// The org's posture as the mirror holds it, under `th`.
    pub fn posture(&self, th: &Thresholds) -> Result<Posture> {
        let snap = self.snapshot()?;
        Ok(Posture {
            sync_id: snap.sync_id,
            as_of: snap.as_of,
            people: self.people_posture(th)?,
            devices: self.device_posture(th)?,
        })
    }

    fn people_posture(&self, th: &Thresholds) -> Result<PeoplePosture> {
        let by_state = self.pairs("SELECT state, count(*) FROM users GROUP BY 1 ORDER BY 2 DESC")?;
        let (active, active_mfa): (i64, i64) = self.conn.query_row(
            "SELECT count(*), coalesce(sum(mfa_configured), 0) FROM users WHERE state = 'ACTIVATED'",
            [],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )?;
        let oldest_event = self.oldest_login()?;
        let event_days = oldest_event
            .as_deref()
            .and_then(parse_ms)
            .map(|t| ((th.now_ms - t).max(0) / 86_400_000) as u64)
            .unwrap_or(0);
        // Directory Insights unavailable at the last sync: the archive may hold older logins,
        // but who is inactive now is unknown.
        let logins_known = self.setting(crate::write::events::EVENTS_FROM)?.is_some();
        let inactive = match oldest_event {
            Some(_) if logins_known => Some(self.user_check_count(UserCheck::Inactive, th)?),
            _ => None,
        };
        Ok(PeoplePosture {
            total: self.count("SELECT count(*) FROM users", &[])?,
            by_state: by_state.into_iter().map(|(s, n)| (UserState::parse(&s), n)).collect(),
            active: active as u64,
            active_mfa: active_mfa as u64,
            no_mfa: self.count("SELECT count(*) FROM users WHERE mfa_configured = 0", &[])?,
            locked: self.count("SELECT count(*) FROM users WHERE locked = 1", &[])?,
            password_expired: self.user_check_count(UserCheck::PasswordExpired, th)?,
            password_expiring: self.user_check_count(UserCheck::PasswordExpiring, th)?,
            staged_old: self.user_check_count(UserCheck::StagedOld, th)?,
            suspended_with_access: self.user_check_count(UserCheck::SuspendedWithAccess, th)?,
            inactive,
            event_days,
            admins: self.count("SELECT count(*) FROM admins", &[])?,
            admins_without_mfa: self.count("SELECT count(*) FROM admins WHERE mfa = 0 AND suspended = 0", &[])?,
        })
    }

    /// Per OS family: devices, encrypted, in MDM.
    fn per_family(&self) -> Result<BTreeMap<OsFamily, (u64, u64, u64)>> {
        let mut stmt = self
            .conn
            .prepare("SELECT os_family, count(*), sum(fde_active), sum(mdm_enrolled) FROM systems GROUP BY 1")?;
        let rows = stmt
            .query_map([], |r| {
                Ok((
                    r.get::<_, OsFamily>(0)?,
                    (
                        r.get::<_, i64>(1)? as u64,
                        r.get::<_, i64>(2)? as u64,
                        r.get::<_, i64>(3)? as u64,
                    ),
                ))
            })?
            .collect::<rusqlite::Result<_>>()?;
        Ok(rows)
    }

    fn os_posture(&self) -> Result<Vec<OsPosture>> {
        let per_family = self.per_family()?;
        let mut by_os: Vec<OsPosture> = self
            .os_versions()?
            .into_iter()
            .map(|(family, versions)| {
                let newest = versions.first().map(|(v, _)| v.clone()).unwrap_or_default();
                let top = version_key(&newest);
                let behind = versions
                    .iter()
                    .filter(|(v, _)| version_key(v) < top)
                    .map(|(_, n)| n)
                    .sum();
                let (devices, encrypted, mdm) = per_family.get(&family).copied().unwrap_or_default();
                OsPosture {
                    family,
                    devices,
                    encrypted,
                    mdm,
                    newest,
                    behind,
                    versions,
                }
            })
            .collect();
        by_os.sort_by(|a, b| b.devices.cmp(&a.devices).then_with(|| a.family.cmp(&b.family)));
        Ok(by_os)
    }

    fn device_posture(&self, th: &Thresholds) -> Result<DevicePosture> {
        let by_os = self.os_posture()?;
        let reported_drives = self.count("SELECT count(*) FROM systems WHERE disk_size > 0", &[])? > 0;
        let low_disk = match reported_drives {
            true => Some(self.count(
                &format!("SELECT count(*) FROM systems WHERE {LOW_DISK}"),
                &[Value::Integer(th.low_disk_percent as i64)],
            )?),
            false => None,
        };
        Ok(DevicePosture {
            total: self.count("SELECT count(*) FROM systems", &[])?,
            not_encrypted: self.count("SELECT count(*) FROM systems WHERE fde_active = 0", &[])?,
            no_mdm: self.count("SELECT count(*) FROM systems WHERE mdm_enrolled = 0", &[])?,
            silent: self.count(
                "SELECT count(*) FROM systems WHERE last_contact IS NULL OR last_contact < ?",
                &[th.days_ago(th.silent_days)],
            )?,
            silent_days: th.silent_days,
            unbound: self.count("SELECT count(*) FROM systems WHERE bound = 0", &[])?,
            owned_by_suspended: self.count(&format!("SELECT count(*) FROM systems WHERE {OWNED_BY_SUSPENDED}"), &[])?,
            behind: by_os.iter().map(|o| o.behind).sum(),
            low_disk,
            agent_versions: self.pairs("SELECT agent_version, count(*) FROM systems GROUP BY 1 ORDER BY 2 DESC, 1")?,
            by_os,
        })
    }
}

/// Devices bound to a suspended person.
pub(super) const OWNED_BY_SUSPENDED: &str =
    "id IN (SELECT b.system_id FROM bindings b JOIN users u ON u.id = b.user_id WHERE u.state = 'SUSPENDED')";

#[cfg(test)]
mod tests {
    use super::version_key;

    #[test]
    fn versions_compare_by_their_numbers() {
        assert!(version_key("14.10") > version_key("14.9.1"));
        assert!(version_key("10.0.22631") > version_key("10.0.19045"));
        assert!(version_key("24.04") > version_key("22.04"));
        assert_eq!(version_key("macOS 14.6 (23G80)"), vec![14, 6, 23, 80]);
    }
}
