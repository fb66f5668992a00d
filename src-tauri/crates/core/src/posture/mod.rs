//! The org's posture: the one table of figures and checks that the Posture pane, a review's
//! agenda and the review pack all render. Each figure is written once here — what it counts,
//! its label, when it is bad, the note under it, the list it opens, and (for a check) the
//! agenda item a failure makes — so the three cannot disagree. The thresholds live here too;
//! the cache measures with them (`rollcall_cache::Thresholds`).

use rollcall_cache::{Cache, DeviceCheck, Posture, PostureCheck, Thresholds, UserCheck};
use serde::Serialize;

/// A device is silent after this many days without a check-in (the posture kept per sync,
/// the agenda, the Devices list's "Stale" chip). The same number decides, when the copy is
/// written, that going silent is a new version of the device (`observed::STALE_DAYS`): one
/// number, kept where the writer can read it.
pub const SILENT_DAYS: u32 = rollcall_cache::observed::STALE_DAYS as u32;
/// A password that expires within this many days is "expiring soon".
pub const EXPIRING_DAYS: u32 = 14;
/// A person staged (never activated) for longer than this is a finding.
pub const STAGED_DAYS: u32 = 14;
/// An active person with no login for this many days is inactive.
pub const INACTIVE_DAYS: u32 = 90;
/// A system drive with less than this share (percent) free is low on disk.
pub const LOW_DISK_PERCENT: u32 = 10;
/// A password set longer ago than this many days is old.
pub const PASSWORD_AGE_DAYS: u32 = 90;
/// An administrator first listed within this many days is new.
pub const ADMINS_ADDED_DAYS: u32 = 14;
/// MFA adoption of active people under this share (percent) is a finding.
pub const MFA_TARGET_PERCENT: u32 = 95;

/// The thresholds at `now_ms`, with devices silent after `silent_days`.
pub fn thresholds(now_ms: i64, silent_days: u32) -> Thresholds {
    Thresholds {
        now_ms,
        silent_days,
        expiring_days: EXPIRING_DAYS,
        staged_days: STAGED_DAYS,
        inactive_days: INACTIVE_DAYS,
        low_disk_percent: LOW_DISK_PERCENT,
        password_age_days: PASSWORD_AGE_DAYS,
        admins_added_days: ADMINS_ADDED_DAYS,
        mfa_target_percent: MFA_TARGET_PERCENT,
    }
}

/// The thresholds now, with the posture's silent days.
pub fn thresholds_now() -> Thresholds {
    thresholds(rollcall_cache::dates::now_ms(), SILENT_DAYS)
}

/// Measures the mirror's posture at `now_ms` (devices silent after `silent_days`).
pub fn measure(cache: &Cache, now_ms: i64, silent_days: u32) -> rollcall_cache::Result<Posture> {
    cache.posture(&thresholds(now_ms, silent_days))
}

/// The posture kept when the copy's last complete sync ended (measured at `now_ms` for a sync
/// from before postures were kept); None before the first complete sync.
pub fn of_last_sync(cache: &Cache, now_ms: i64) -> rollcall_cache::Result<Option<Posture>> {
    let Some((id, _)) = cache.last_complete_sync()? else {
        return Ok(None);
    };
    match cache.posture_of_sync(id)? {
        Some(p) => Ok(Some(p)),
        None => measure(cache, now_ms, SILENT_DAYS).map(Some),
    }
}

/// What a people check is called on the list it filters.
pub fn user_check_label(c: UserCheck) -> String {
    match c {
        UserCheck::PasswordExpired => "Password expired".into(),
        UserCheck::PasswordExpiring => format!("Password expires within {EXPIRING_DAYS} days"),
        UserCheck::StagedOld => format!("Staged more than {STAGED_DAYS} days"),
        UserCheck::SuspendedWithAccess => "Suspended but still with access".into(),
        UserCheck::Inactive => format!("No login in {INACTIVE_DAYS} days"),
    }
}

/// What a device check is called on the list it filters.
pub fn device_check_label(c: DeviceCheck) -> String {
    match c {
        DeviceCheck::Behind => "Behind the newest OS version".into(),
        DeviceCheck::OwnedBySuspended => "Bound to a suspended person".into(),
        DeviceCheck::LowDisk => format!("Less than {LOW_DISK_PERCENT}% of the disk free"),
    }
}

mod drill;
pub use drill::{check_drill, DeviceFilter, Drill, UserFilter};
use drill::{devices, users};

/// A figure of the posture.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "snake_case")]
pub enum FigureKey {
    People,
    MfaAdoption,
    Locked,
    PasswordExpired,
    PasswordExpiring,
    StagedOld,
    SuspendedWithAccess,
    Inactive,
    Admins,
    AdminsWithoutMfa,
    Devices,
    NotEncrypted,
    NoMdm,
    Silent,
    Unbound,
    OwnedBySuspended,
    Behind,
    LowDisk,
}

/// Which half of the posture a figure belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "snake_case")]
pub enum Section {
    People,
    Devices,
}

/// What a figure shows.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(tag = "type", content = "value", rename_all = "snake_case")]
pub enum FigureValue {
    Count(#[cfg_attr(feature = "specta", specta(type = u32))] u64),
    /// A share, 0 to 100 (None: nothing to share out, e.g. no active people).
    Percent(Option<f64>),
    /// The local copy cannot tell (no login events, no drives reported).
    Unknown,
}

impl FigureValue {
    /// As the documents print it: "1234", "93.2%", "–".
    pub fn text(&self) -> String {
        match self {
            FigureValue::Count(n) => n.to_string(),
            FigureValue::Percent(Some(p)) => format!("{p:.1}%"),
            FigureValue::Percent(None) | FigureValue::Unknown => "–".into(),
        }
    }
}

/// One figure as every output renders it.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct Figure {
    pub key: FigureKey,
    pub section: Section,
    pub value: FigureValue,
    pub label: String,
    pub note: Option<String>,
    /// A finding: shown in red, and (for a check) an item of a review's agenda.
    pub bad: bool,
    /// The list of exactly the rows it counts.
    pub drill: Option<Drill>,
    /// The agenda check it is, if a failure goes on a review's agenda.
    pub check: Option<PostureCheck>,
}

/// The posture as the screens and documents show it: the figures, and the measurements
/// behind them (for the charts).
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct PostureView {
    pub figures: Vec<Figure>,
    pub measured: Posture,
}

fn pct(part: u64, whole: u64) -> Option<f64> {
    (whole > 0).then(|| part as f64 * 100.0 / whole as f64)
}

/// The share of devices encrypted, percent (None: no devices).
pub fn encryption_coverage(d: &rollcall_cache::DevicePosture) -> Option<f64> {
    pct(d.total - d.not_encrypted.min(d.total), d.total)
}

/// The share of active people enrolled in MFA, percent (None: nobody active).
pub fn mfa_adoption(p: &Posture) -> Option<f64> {
    pct(p.people.active_mfa, p.people.active)
}

/// Active people without MFA, and whether adoption is under the target.
fn mfa_gap(p: &Posture) -> (u64, bool) {
    let u = &p.people;
    let missing = u.active.saturating_sub(u.active_mfa);
    (
        missing,
        u.active > 0 && u.active_mfa * 100 < u.active * MFA_TARGET_PERCENT as u64,
    )
}

/// A count figure that is bad when it is not zero.
fn count(key: FigureKey, section: Section, n: u64, label: String, drill: Option<Drill>) -> Figure {
    Figure {
        key,
        section,
        value: FigureValue::Count(n),
        label,
        note: None,
        bad: false,
        drill,
        check: None,
    }
}

/// A check: a count that is a finding when it is not zero (an agenda item then), opening the
/// check's rows.
fn check(check: PostureCheck, key: FigureKey, section: Section, n: u64, label: String, silent_days: u32) -> Figure {
    Figure {
        bad: n > 0,
        check: Some(check),
        ..count(key, section, n, label, check_drill(check, silent_days))
    }
}

/// What the local copy cannot tell.
fn unknown(key: FigureKey, section: Section, label: &str) -> Figure {
    Figure {
        value: FigureValue::Unknown,
        ..count(key, section, 0, label.into(), None)
    }
}

/// The people's figures, in the order they are shown.
fn people(p: &Posture) -> Vec<Figure> {
    use FigureKey as K;
    use PostureCheck as C;
    use Section::People as S;
    let (u, days) = (&p.people, p.devices.silent_days);
    let (no_mfa, under_target) = mfa_gap(p);
    let inactive = match u.inactive {
        None => unknown(
            K::Inactive,
            S,
            "inactive: no login events in the local copy (Directory Insights off or not allowed)",
        ),
        Some(n) => Figure {
            note: (u.event_days < INACTIVE_DAYS as u64)
                .then(|| format!("the local copy holds {} days of logins", u.event_days)),
            ..check(
                C::Inactive,
                K::Inactive,
                S,
                n,
                format!("active but no login in {INACTIVE_DAYS} days"),
                days,
            )
        },
    };
    let expiring = UserFilter {
        check: Some(UserCheck::PasswordExpiring),
        ..Default::default()
    };
    vec![
        count(
            K::People,
            S,
            u.total,
            "people".into(),
            users("everyone", UserFilter::default()),
        ),
        Figure {
            value: FigureValue::Percent(mfa_adoption(p)),
            note: Some(format!("{no_mfa} active without MFA")),
            bad: under_target,
            ..check(
                C::MfaAdoption,
                K::MfaAdoption,
                S,
                no_mfa,
                "of active people enrolled in MFA".into(),
                days,
            )
        },
        check(C::Locked, K::Locked, S, u.locked, "locked out".into(), days),
        check(
            C::PasswordExpired,
            K::PasswordExpired,
            S,
            u.password_expired,
            "password expired".into(),
            days,
        ),
        count(
            K::PasswordExpiring,
            S,
            u.password_expiring,
            format!("password expires within {EXPIRING_DAYS} days"),
            users("password expiring", expiring),
        ),
        check(
            C::StagedOld,
            K::StagedOld,
            S,
            u.staged_old,
            format!("staged over {STAGED_DAYS} days, never activated"),
            days,
        ),
        check(
            C::SuspendedWithAccess,
            K::SuspendedWithAccess,
            S,
            u.suspended_with_access,
            "suspended, still bound to devices or in groups or apps".into(),
            days,
        ),
        inactive,
        count(K::Admins, S, u.admins, "administrators".into(), None),
        check(
            C::AdminsWithoutMfa,
            K::AdminsWithoutMfa,
            S,
            u.admins_without_mfa,
            "administrators without MFA".into(),
            days,
        ),
    ]
}

/// The devices' figures, in the order they are shown.
fn devices_figures(p: &Posture) -> Vec<Figure> {
    use FigureKey as K;
    use PostureCheck as C;
    use Section::Devices as S;
    let d = &p.devices;
    let days = d.silent_days;
    let encrypted = encryption_coverage(d);
    let low_disk = match d.low_disk {
        None => unknown(
            K::LowDisk,
            S,
            "low free disk: no device reported its drives (System Insights off)",
        ),
        Some(n) => check(
            C::LowDisk,
            K::LowDisk,
            S,
            n,
            format!("less than {LOW_DISK_PERCENT}% of the disk free"),
            days,
        ),
    };
    let no_mdm = DeviceFilter {
        mdm: Some(false),
        ..Default::default()
    };
    let unbound = DeviceFilter {
        unbound: Some(true),
        ..Default::default()
    };
    vec![
        count(
            K::Devices,
            S,
            d.total,
            "devices".into(),
            devices("every device", DeviceFilter::default()),
        ),
        Figure {
            note: Some(format!("{} encrypted", FigureValue::Percent(encrypted).text())),
            ..check(
                C::NotEncrypted,
                K::NotEncrypted,
                S,
                d.not_encrypted,
                "not encrypted".into(),
                days,
            )
        },
        count(
            K::NoMdm,
            S,
            d.no_mdm,
            "not enrolled in MDM".into(),
            devices("no MDM", no_mdm),
        ),
        check(
            C::Silent,
            K::Silent,
            S,
            d.silent,
            format!("silent more than {days} days"),
            days,
        ),
        count(
            K::Unbound,
            S,
            d.unbound,
            "reached by nobody (no person bound, directly or through a group)".into(),
            devices("reached by nobody", unbound),
        ),
        check(
            C::OwnedBySuspended,
            K::OwnedBySuspended,
            S,
            d.owned_by_suspended,
            "bound to a suspended person".into(),
            days,
        ),
        check(
            C::Behind,
            K::Behind,
            S,
            d.behind,
            "behind the newest OS version seen".into(),
            days,
        ),
        low_disk,
    ]
}

/// Every figure of `p`: people first, then devices.
pub fn figures(p: &Posture) -> Vec<Figure> {
    let mut out = people(p);
    out.extend(devices_figures(p));
    out
}

/// The posture view of `p`.
pub fn view(p: Posture) -> PostureView {
    PostureView {
        figures: figures(&p),
        measured: p,
    }
}

/// The agenda item a failed check makes: its title and detail (the count is the figure's).
pub fn agenda_entry(c: PostureCheck, p: &Posture) -> (String, String) {
    let (u, d) = (&p.people, &p.devices);
    let n = |v: Option<u64>| v.unwrap_or(0);
    match c {
        PostureCheck::AdminsWithoutMfa => (
            format!("{} administrators without MFA", u.admins_without_mfa),
            "An administrator's password alone opens the whole organisation.".into(),
        ),
        PostureCheck::MfaAdoption => {
            let (missing, _) = mfa_gap(p);
            let adoption = FigureValue::Percent(mfa_adoption(p)).text();
            (
                format!("MFA adoption {adoption} (under {MFA_TARGET_PERCENT}%): {missing} active people without MFA"),
                String::new(),
            )
        }
        PostureCheck::SuspendedWithAccess => (
            format!("{} suspended people still with access", u.suspended_with_access),
            "Still bound to devices, in groups or assigned apps.".into(),
        ),
        PostureCheck::NotEncrypted => (format!("{} devices not encrypted", d.not_encrypted), String::new()),
        PostureCheck::OwnedBySuspended => (
            format!("{} devices bound to a suspended person", d.owned_by_suspended),
            String::new(),
        ),
        PostureCheck::Locked => (format!("{} people locked out", u.locked), String::new()),
        PostureCheck::PasswordExpired => (format!("{} passwords expired", u.password_expired), String::new()),
        PostureCheck::StagedOld => (
            format!(
                "{} people staged over {STAGED_DAYS} days, never activated",
                u.staged_old
            ),
            String::new(),
        ),
        PostureCheck::Silent => (
            format!("{} devices silent more than {} days", d.silent, d.silent_days),
            String::new(),
        ),
        PostureCheck::Behind => (
            format!("{} devices behind the newest OS version seen", d.behind),
            String::new(),
        ),
        PostureCheck::LowDisk => (
            format!(
                "{} devices with less than {LOW_DISK_PERCENT}% of their disk free",
                n(d.low_disk)
            ),
            String::new(),
        ),
        PostureCheck::Inactive => (
            format!("{} active people with no login in {INACTIVE_DAYS} days", n(u.inactive)),
            String::new(),
        ),
    }
}

/// The failed checks of `p`, worst first (the order of `PostureCheck`): (check, rows).
pub fn failed(p: &Posture) -> Vec<(PostureCheck, u64)> {
    let mut out: Vec<(PostureCheck, u64)> = figures(p)
        .into_iter()
        .filter(|f| f.bad)
        .filter_map(|f| {
            let rows = match f.key {
                FigureKey::MfaAdoption => mfa_gap(p).0,
                _ => match f.value {
                    FigureValue::Count(n) => n,
                    _ => 0,
                },
            };
            f.check.map(|c| (c, rows))
        })
        .collect();
    out.sort_by_key(|(c, _)| PostureCheck::ALL.iter().position(|x| x == c));
    out
}
