//! The words of every closed set the screens show, as Rust writes them: the front end asks for
//! this once and renders these labels (a value JumpCloud sent that Rollcall does not know is
//! shown as it came).

use crate::catalogue::ReportSource;
use crate::sync::Phase;
use rollcall_cache::{
    AgendaKind, AuditStatus, CertDecision, CertFlag, ChangeKind, Decision, DeviceCheck, DeviceScope, EdgeKind,
    FacetName, FacetValue, GrantKind, MfaStatus, OsFamily, RecordKind, RemedyState, ReviewerMode, SuspensionState,
    UserCheck, UserState,
};
use serde::Serialize;

/// A value and its label.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct Labelled<T> {
    pub value: T,
    pub label: String,
}

fn labelled<T: Clone>(values: &[T], label: impl Fn(&T) -> String) -> Vec<Labelled<T>> {
    values
        .iter()
        .map(|v| Labelled {
            value: v.clone(),
            label: label(v),
        })
        .collect()
}

/// A filter chip of the Users or Devices list: a facet's value worth picking out, and its label.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct FacetChip {
    pub facet: FacetName,
    pub value: FacetValue,
    pub label: String,
}

fn chip(facet: FacetName, value: bool, label: &str) -> FacetChip {
    FacetChip {
        facet,
        value: FacetValue::Flag(value),
        label: label.into(),
    }
}

/// Every label of every closed set the front end shows.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct Vocabulary {
    pub user_states: Vec<Labelled<UserState>>,
    pub os_families: Vec<Labelled<OsFamily>>,
    pub mfa_statuses: Vec<Labelled<MfaStatus>>,
    pub decisions: Vec<Labelled<Decision>>,
    /// The label of an item no decision was recorded for yet.
    pub undecided: String,
    pub agenda_kinds: Vec<Labelled<AgendaKind>>,
    pub record_kinds: Vec<Labelled<RecordKind>>,
    pub edge_kinds: Vec<Labelled<EdgeKind>>,
    pub report_sources: Vec<Labelled<ReportSource>>,
    pub phases: Vec<Labelled<Phase>>,
    pub user_checks: Vec<Labelled<UserCheck>>,
    pub device_checks: Vec<Labelled<DeviceCheck>>,
    /// The days a device may be silent before the posture counts it (the default of the
    /// posture's and the Devices list's "silent after" choice).
    pub silent_days: u32,
    /// The choices of "silent after" the posture offers.
    pub silent_day_choices: Vec<u32>,
    pub audit_statuses: Vec<Labelled<AuditStatus>>,
    pub change_kinds: Vec<Labelled<ChangeKind>>,
    /// The OS families the Devices list offers as chips (every one Rollcall knows but
    /// "unknown"; any other the org has is added by the list).
    pub device_os_chips: Vec<OsFamily>,
    /// The yes/no chips of the Users list, then of the Devices list.
    pub user_chips: Vec<FacetChip>,
    pub device_chips: Vec<FacetChip>,
    /// Days of logins the copy keeps (all Directory Insights keeps).
    pub event_days: u32,
    /// How many syncs the trends go back.
    pub trend_syncs: u32,
    /// Access reviews: decisions, flags, kinds of access, removal states, reviewer modes and
    /// device scopes.
    pub cert_decisions: Vec<Labelled<CertDecision>>,
    pub cert_flags: Vec<Labelled<CertFlag>>,
    pub grant_kinds: Vec<Labelled<GrantKind>>,
    pub remedy_states: Vec<Labelled<RemedyState>>,
    pub reviewer_modes: Vec<Labelled<ReviewerMode>>,
    pub device_scopes: Vec<Labelled<DeviceScope>>,
    pub suspension_states: Vec<Labelled<SuspensionState>>,
    pub campaign_stages: Vec<Labelled<crate::certify::Stage>>,
}

/// How many syncs the trends (the pane and the review pack) go back.
pub const TREND_SYNCS: u32 = 180;

/// The vocabulary.
pub fn vocabulary() -> Vocabulary {
    Vocabulary {
        user_states: labelled(UserState::KNOWN, UserState::label),
        os_families: labelled(OsFamily::KNOWN, OsFamily::label),
        mfa_statuses: labelled(MfaStatus::KNOWN, MfaStatus::label),
        decisions: labelled(Decision::ALL, |d| d.label().into()),
        undecided: Decision::label_of(None).into(),
        agenda_kinds: labelled(AgendaKind::ALL, |k| k.label().into()),
        record_kinds: labelled(RecordKind::ALL, |k| k.plural_label().into()),
        edge_kinds: labelled(EdgeKind::ALL, |k| k.label().into()),
        report_sources: labelled(&ReportSource::ALL, |s| s.label().into()),
        phases: labelled(Phase::ALL, |p| p.label().into()),
        user_checks: labelled(&UserCheck::ALL, |c| crate::posture::user_check_label(*c)),
        device_checks: labelled(&DeviceCheck::ALL, |c| crate::posture::device_check_label(*c)),
        silent_days: crate::posture::SILENT_DAYS,
        silent_day_choices: vec![7, 14, 30, 60, 90],
        audit_statuses: labelled(AuditStatus::ALL, |s| s.label().into()),
        change_kinds: labelled(ChangeKind::ALL, |k| k.label().into()),
        device_os_chips: OsFamily::KNOWN
            .iter()
            .filter(|f| **f != OsFamily::Unknown)
            .cloned()
            .collect(),
        user_chips: vec![
            chip(FacetName::Locked, true, "Locked out"),
            chip(FacetName::Mfa, false, "No MFA"),
        ],
        device_chips: vec![
            chip(FacetName::Fde, false, "Not encrypted"),
            chip(FacetName::Mdm, false, "No MDM"),
            chip(FacetName::Stale, true, "Stale"),
            chip(FacetName::Unbound, true, "Reached by nobody"),
        ],
        event_days: crate::sync::EVENT_DAYS,
        trend_syncs: TREND_SYNCS,
        cert_decisions: labelled(CertDecision::ALL, |d| d.label().into()),
        cert_flags: labelled(CertFlag::ALL, |f| f.label().into()),
        grant_kinds: labelled(GrantKind::ALL, |k| k.label().into()),
        remedy_states: labelled(RemedyState::ALL, |s| s.label().into()),
        reviewer_modes: labelled(ReviewerMode::ALL, |m| m.label().into()),
        device_scopes: labelled(DeviceScope::ALL, |d| d.label().into()),
        suspension_states: labelled(SuspensionState::ALL, |s| s.label().into()),
        campaign_stages: labelled(&crate::certify::Stage::ALL, |s| s.label().into()),
    }
}
