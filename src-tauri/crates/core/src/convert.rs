//! JumpCloud records (kept whole as JSON) to cache rows. Records are read leniently
//! (`jumpcloud::decode`): a `null` is an unset field, a field of an unexpected type is left out
//! and named in `problems`, and the record is kept. Only a record with no ID cannot be a row.

use jumpcloud::decode::{lenient, Decoded};
use jumpcloud::models;
use rollcall_cache::*;
use serde::de::DeserializeOwned;
use serde_json::Value;

/// A row read from a JumpCloud record, and what of the record could not be read (empty when
/// it was read whole).
#[derive(Debug, Clone, PartialEq)]
pub struct Read<R> {
    pub row: R,
    pub problems: Vec<String>,
}

/// A record that cannot be a row at all, and why.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum Unreadable {
    /// Not an object, or a field the row cannot do without is of the wrong kind.
    #[error("{0}")]
    Shape(#[from] jumpcloud::decode::Undecodable),
    /// Read, but with no ID to keep it by.
    #[error("the record has no ID")]
    NoId,
}

/// Reads a record leniently and insists on its ID.
fn read<T: DeserializeOwned>(raw: &Value, id: impl Fn(&T) -> &str) -> std::result::Result<Decoded<T>, Unreadable> {
    let d = lenient::<T>(raw)?;
    if id(&d.value).is_empty() {
        return Err(Unreadable::NoId);
    }
    Ok(d)
}

fn s(v: &Option<String>) -> String {
    v.clone().unwrap_or_default()
}

pub fn user_row(raw: &Value) -> std::result::Result<Read<UserRow>, Unreadable> {
    let Decoded { value: u, problems } = read::<models::User>(raw, |u| &u.id)?;
    let row = UserRow {
        id: u.id,
        username: u.username,
        email: u.email,
        firstname: s(&u.firstname),
        lastname: s(&u.lastname),
        displayname: u
            .displayname
            .filter(|d| !d.is_empty())
            .unwrap_or_else(|| format!("{} {}", s(&u.firstname), s(&u.lastname)).trim().to_string()),
        department: s(&u.department),
        job_title: s(&u.job_title),
        employee_type: s(&u.employee_type),
        employee_id: s(&u.employee_identifier),
        location: s(&u.location),
        company: s(&u.company),
        manager_id: u.manager.filter(|m| !m.is_empty()),
        state: match u.state.as_deref() {
            Some(state) => UserState::parse(state),
            None if u.suspended => UserState::Suspended,
            None => UserState::Activated,
        },
        locked: u.account_locked,
        locked_at: u.account_locked_date,
        mfa_configured: u.mfa.configured || u.totp_enabled,
        mfa_status: MfaStatus::parse(u.mfa_enrollment.overall_status.as_deref().unwrap_or_default()),
        password_expired: u.password_expired,
        password_expires_at: u.password_expiration_date,
        password_date: u.password_date,
        sudo: u.sudo,
        created: u.created,
        json: raw.to_string(),
    };
    Ok(Read { row, problems })
}

pub fn system_row(raw: &Value) -> std::result::Result<Read<SystemRow>, Unreadable> {
    let Decoded { value: m, problems } = read::<models::System>(raw, |m| &m.id)?;
    let mdm = m.mdm.clone().unwrap_or_default();
    let fde = m.fde.clone().unwrap_or_default();
    let row = SystemRow {
        id: m.id,
        display_name: s(&m.display_name),
        hostname: s(&m.hostname),
        serial: s(&m.serial_number),
        os: s(&m.os),
        os_family: os_family(m.os_family.as_deref(), m.os.as_deref()),
        os_version: s(&m.version),
        arch: s(&m.arch),
        hw_vendor: s(&m.hw_vendor),
        model: String::new(),
        memory_bytes: None,
        cpu: String::new(),
        fde_active: fde.active,
        fde_key_present: fde.key_present,
        fde_detail: String::new(),
        mdm_vendor: mdm.vendor.clone().unwrap_or_default(),
        mdm_enrolled: mdm.is_jumpcloud(),
        mdm_device_id: mdm.internal.and_then(|i| i.device_id).unwrap_or_default(),
        last_contact: m.last_contact,
        active: m.active,
        agent_version: s(&m.agent_version),
        created: m.created,
        json: raw.to_string(),
    };
    Ok(Read { row, problems })
}

/// A device's OS family from JumpCloud's `osFamily`, with an iPad that reports the iOS family
/// but names its OS "iPadOS" (`os`) counted as iPadOS: the two are managed alike, but an admin
/// counts iPads apart from iPhones.
pub fn os_family(family: Option<&str>, os: Option<&str>) -> OsFamily {
    match OsFamily::parse(family.unwrap_or_default()) {
        OsFamily::Ios if os.is_some_and(|o| o.eq_ignore_ascii_case("ipados")) => OsFamily::Ipados,
        f => f,
    }
}

/// The API client's name for a kind of group.
pub fn api_group_kind(kind: GroupKind) -> jumpcloud::GroupKind {
    match kind {
        GroupKind::User => jumpcloud::GroupKind::User,
        GroupKind::System => jumpcloud::GroupKind::System,
    }
}

pub fn group_row(raw: &Value, kind: GroupKind) -> std::result::Result<Read<GroupRow>, Unreadable> {
    let Decoded { value: g, problems } = read::<models::Group>(raw, |g| &g.id)?;
    let row = GroupRow {
        id: g.id,
        kind,
        name: g.name,
        description: s(&g.description),
        email: s(&g.email),
        json: raw.to_string(),
    };
    Ok(Read { row, problems })
}

pub fn app_row(raw: &Value) -> std::result::Result<Read<AppRow>, Unreadable> {
    let Decoded { value: a, problems } = read::<models::Application>(raw, |a| &a.id)?;
    let row = AppRow {
        id: a.id.clone(),
        name: s(&a.name),
        label: a.label(),
        sso_type: a.sso.and_then(|x| x.kind).unwrap_or_default(),
        active: a.active,
        json: raw.to_string(),
    };
    Ok(Read { row, problems })
}

pub fn event_row(e: &models::Event) -> EventRow {
    let actor = e.initiated_by.clone().unwrap_or_default();
    let str_at = |v: &Option<Value>, k: &str| {
        v.as_ref()
            .and_then(|x| x.get(k))
            .and_then(|x| x.as_str())
            .unwrap_or_default()
            .to_string()
    };
    EventRow {
        id: e.id.clone().unwrap_or_else(|| {
            format!(
                "{}-{}",
                e.timestamp.clone().unwrap_or_default(),
                e.event_type.clone().unwrap_or_default()
            )
        }),
        at: e.timestamp.clone().unwrap_or_default(),
        service: e.service.clone().unwrap_or_default(),
        event_type: e.event_type.clone().unwrap_or_default(),
        success: e.success.unwrap_or(false),
        user_id: if actor.get("type").and_then(|t| t.as_str()) == Some("user") {
            actor.get("id").and_then(|x| x.as_str()).unwrap_or_default().to_string()
        } else {
            String::new()
        },
        username: e
            .username
            .clone()
            .or_else(|| actor.get("username").and_then(|x| x.as_str()).map(String::from))
            .unwrap_or_default(),
        system_id: str_at(&e.system, "id"),
        app_id: str_at(&e.application, "id"),
        json: e.raw.to_string(),
    }
}
