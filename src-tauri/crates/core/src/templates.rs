//! Checklist templates: the built-in ones as shipped, and each org's own versions (steps added,
//! removed, reordered; defaults set), stored in the org's file and exported / imported as JSON.
//!
//! A template lists step *kinds* from a fixed vocabulary; which kinds a template may hold
//! depends on what it is for (`base`): an onboarding cannot hold "wipe devices", say. Starting a
//! run turns each step into what it will do for that person (`checklists::start_run`).

use crate::sync::now_rfc3339;
use rollcall_cache::{Cache, StepKind, TemplateBase};
use serde::{Deserialize, Serialize};

/// One step of a template.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct TemplateStep {
    pub kind: StepKind,
    pub title: String,
    /// Optional steps may be skipped without a reason (a wipe of returned devices).
    #[serde(default)]
    pub optional: bool,
    /// Instructions text ({name} and {email} are filled in), or a manual step's hint.
    #[serde(default)]
    pub text: String,
}

/// A group a template names, by id with its name (so a file moved to another org can find the
/// same group by name).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct GroupRef {
    pub id: String,
    pub name: String,
}

/// Defaults a run starts with; the admin can change them when starting.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct TemplateDefaults {
    /// Onboarding: the baseline groups every new person joins.
    #[serde(default)]
    pub groups: Vec<GroupRef>,
    /// Access request: how long a grant lasts unless the admin picks another date.
    #[serde(default)]
    pub expiry_days: u32,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct Template {
    pub id: String,
    pub name: String,
    pub base: TemplateBase,
    pub steps: Vec<TemplateStep>,
    #[serde(default)]
    pub defaults: TemplateDefaults,
    /// True when the org has its own version (edited or imported).
    #[serde(default)]
    pub customised: bool,
}

/// The step kinds, with their default titles and the templates they may appear in.
pub const KINDS: &[(StepKind, &str, &[TemplateBase])] = &[
    (
        StepKind::Capture,
        "Capture current access (groups, apps, devices)",
        &[TemplateBase::Offboarding],
    ),
    (
        StepKind::RemoveGroups,
        "Remove from all groups",
        &[TemplateBase::Offboarding],
    ),
    (
        StepKind::RemoveApps,
        "Remove direct app access",
        &[TemplateBase::Offboarding],
    ),
    (
        StepKind::ResetMfa,
        "Reset MFA",
        &[TemplateBase::Offboarding, TemplateBase::MfaReset],
    ),
    (
        StepKind::ExpirePassword,
        "Expire password",
        &[TemplateBase::Offboarding],
    ),
    (StepKind::Suspend, "Suspend the account", &[TemplateBase::Offboarding]),
    (
        StepKind::LockDevices,
        "Lock each bound device",
        &[TemplateBase::Offboarding],
    ),
    (
        StepKind::WipeDevices,
        "Wipe returned devices (optional)",
        &[TemplateBase::Offboarding],
    ),
    (
        StepKind::CreateUser,
        "Create the user (staged)",
        &[TemplateBase::Onboarding],
    ),
    (
        StepKind::AddGroups,
        "Add to baseline groups",
        &[TemplateBase::Onboarding],
    ),
    (
        StepKind::ActivationEmail,
        "Send the activation email",
        &[TemplateBase::Onboarding],
    ),
    (StepKind::BindDevice, "Bind their device", &[TemplateBase::Onboarding]),
    (
        StepKind::GrantGroup,
        "Add to the group until the expiry date",
        &[TemplateBase::AccessRequest],
    ),
    (
        StepKind::ResetPassword,
        "Expire the password and send the reset email",
        &[TemplateBase::PasswordReset],
    ),
    (
        StepKind::Verify,
        "Identity verified (who verified, and how)",
        &[TemplateBase::PasswordReset, TemplateBase::MfaReset],
    ),
    (StepKind::Approval, "Approval (approver and ticket)", TemplateBase::ALL),
    (StepKind::Manual, "Manual step", TemplateBase::ALL),
    (
        StepKind::Instructions,
        "Instructions to send the person",
        TemplateBase::ALL,
    ),
    (StepKind::Evidence, "Evidence report", TemplateBase::ALL),
];

fn step(kind: StepKind) -> TemplateStep {
    let title = KINDS
        .iter()
        .find(|(k, _, _)| *k == kind)
        .map_or(kind.as_str(), |(_, t, _)| t);
    TemplateStep {
        kind,
        title: title.into(),
        optional: kind == StepKind::WipeDevices,
        text: String::new(),
    }
}

fn titled(kind: StepKind, title: &str, text: &str) -> TemplateStep {
    TemplateStep {
        title: title.into(),
        text: text.into(),
        ..step(kind)
    }
}

/// The templates as shipped.
pub fn builtins() -> Vec<Template> {
    let t = |base: TemplateBase, name: &str, steps: Vec<TemplateStep>, defaults: TemplateDefaults| Template {
        id: base.as_str().into(),
        name: name.into(),
        base,
        steps,
        defaults,
        customised: false,
    };
    use StepKind as K;
    let kinds = |ks: &[StepKind]| ks.iter().map(|k| step(*k)).collect::<Vec<_>>();
    let mut off = kinds(&[
        K::Capture,
        K::RemoveGroups,
        K::RemoveApps,
        K::ResetMfa,
        K::ExpirePassword,
        K::Suspend,
        K::LockDevices,
        K::WipeDevices,
    ]);
    off.push(titled(K::Manual, "Laptop collected (note who and where)", ""));
    off.push(step(K::Evidence));
    let reset_text = |what: &str| {
        titled(
            K::Instructions,
            "Instructions to send the person",
            &format!("Tell {{email}}: {what} If you did not ask for this, call IT at once."),
        )
    };
    vec![
        t(TemplateBase::Offboarding, "Offboarding", off, TemplateDefaults::default()),
        t(
            TemplateBase::Onboarding,
            "Onboarding",
            kinds(&[K::CreateUser, K::AddGroups, K::ActivationEmail, K::BindDevice, K::Evidence]),
            TemplateDefaults::default(),
        ),
        t(
            TemplateBase::AccessRequest,
            "Access request",
            kinds(&[K::Approval, K::GrantGroup, K::Evidence]),
            TemplateDefaults {
                groups: vec![],
                expiry_days: 30,
            },
        ),
        t(
            TemplateBase::PasswordReset,
            "Password reset",
            vec![
                step(K::Verify),
                step(K::ResetPassword),
                reset_text("a password reset email is on its way; follow its link to set a new password. Your old password no longer works."),
                step(K::Evidence),
            ],
            TemplateDefaults::default(),
        ),
        t(
            TemplateBase::MfaReset,
            "MFA reset",
            vec![
                step(K::Verify),
                titled(K::ResetMfa, "MFA reset", ""),
                reset_text("at your next sign-in JumpCloud asks you to enrol your authenticator again; have your phone ready."),
                step(K::Evidence),
            ],
            TemplateDefaults::default(),
        ),
    ]
}

#[derive(Debug, thiserror::Error)]
pub enum TemplateError {
    #[error("{0}")]
    Invalid(String),
    #[error(transparent)]
    Cache(#[from] rollcall_cache::CacheError),
}

/// Checks a template a person edited or a file brought in; the message names what is wrong.
pub fn validate(t: &Template) -> Result<(), TemplateError> {
    let bad = |m: String| Err(TemplateError::Invalid(m));
    if t.id.trim().is_empty() || !t.id.chars().all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-') {
        return bad(format!("The template id \"{}\" must be letters, digits, - or _.", t.id));
    }
    if t.name.trim().is_empty() {
        return bad("The template needs a name.".into());
    }
    if t.steps.is_empty() {
        return bad("The template has no steps.".into());
    }
    for (i, s) in t.steps.iter().enumerate() {
        let fits = KINDS
            .iter()
            .any(|(k, _, bases)| *k == s.kind && bases.contains(&t.base));
        if !fits {
            return bad(format!(
                "Step {} (\"{}\") does not belong in a {} checklist.",
                i + 1,
                s.title,
                t.base.as_str().replace('_', " ")
            ));
        }
        if s.title.trim().is_empty() {
            return bad(format!("Step {} has no title.", i + 1));
        }
    }
    let count = |k: StepKind| t.steps.iter().filter(|s| s.kind == k).count();
    for k in [
        StepKind::CreateUser,
        StepKind::Capture,
        StepKind::GrantGroup,
        StepKind::Evidence,
    ] {
        if count(k) > 1 {
            return bad(format!("\"{k}\" appears more than once; keep one."));
        }
    }
    if t.base == TemplateBase::Onboarding && t.steps.first().map(|s| s.kind) != Some(StepKind::CreateUser) {
        return bad("An onboarding starts by creating the user: keep \"Create the user\" first.".into());
    }
    if t.base == TemplateBase::AccessRequest && count(StepKind::GrantGroup) == 0 {
        return bad("An access request needs its \"Add to the group until the expiry date\" step.".into());
    }
    if count(StepKind::Evidence) == 1 && t.steps.last().map(|s| s.kind) != Some(StepKind::Evidence) {
        return bad("\"Evidence report\" ends the run: keep it last.".into());
    }
    Ok(())
}

/// Every template for this org: its own versions where it has them, else as shipped; then the
/// org's own extra templates.
pub fn list(cache: &Cache) -> Result<Vec<Template>, TemplateError> {
    let stored: Vec<Template> = cache
        .stored_templates()?
        .into_iter()
        .filter_map(|(id, body)| match serde_json::from_str::<Template>(&body) {
            Ok(t) => Some(Template { customised: true, ..t }),
            Err(e) => {
                tracing::warn!(template = %id, error = %e, "a stored checklist template does not read; using the built-in one");
                None
            }
        })
        .collect();
    let mut out: Vec<Template> = builtins()
        .into_iter()
        .map(|b| stored.iter().find(|s| s.id == b.id).cloned().unwrap_or(b))
        .collect();
    let extra: Vec<Template> = stored
        .into_iter()
        .filter(|s| !out.iter().any(|o| o.id == s.id))
        .collect();
    out.extend(extra);
    Ok(out)
}

pub fn get(cache: &Cache, id: &str) -> Result<Template, TemplateError> {
    list(cache)?
        .into_iter()
        .find(|t| t.id == id)
        .ok_or_else(|| TemplateError::Invalid(format!("There is no checklist template \"{id}\".")))
}

/// Stores the org's version of a template (after checking it).
pub fn save(cache: &Cache, t: &Template) -> Result<(), TemplateError> {
    validate(t)?;
    let body = serde_json::to_string(t).map_err(|e| TemplateError::Invalid(e.to_string()))?;
    cache.save_template(&t.id, &body, &now_rfc3339())?;
    Ok(())
}

/// Puts a built-in template back as shipped, or deletes one of the org's own.
pub fn reset(cache: &Cache, id: &str) -> Result<(), TemplateError> {
    cache.delete_template(id)?;
    Ok(())
}

/// The file a template is exported as (pretty JSON, with a format marker).
pub fn export(t: &Template) -> String {
    let v = serde_json::json!({ "rollcall_template": 1, "template": t });
    serde_json::to_string_pretty(&v).unwrap_or_default()
}

/// Reads an exported file, matches its groups to this org's (by id, then by name), checks and
/// stores it. Returns the template and what could not be matched.
pub fn import(cache: &Cache, text: &str) -> Result<(Template, Vec<String>), TemplateError> {
    let v: serde_json::Value = serde_json::from_str(text).map_err(|e| {
        TemplateError::Invalid(format!(
            "This file is not a Rollcall checklist template (it is not JSON: {e})."
        ))
    })?;
    if v.get("rollcall_template").and_then(|n| n.as_u64()) != Some(1) {
        return Err(TemplateError::Invalid(
            "This file is not a Rollcall checklist template (no \"rollcall_template\": 1 marker). Export one from Rollcall and import that.".into(),
        ));
    }
    let mut t: Template = serde_path_to_json(v.get("template").cloned().unwrap_or_default())?;
    let groups = cache.groups(None, None)?;
    let mut unmatched = vec![];
    t.defaults.groups = t
        .defaults
        .groups
        .into_iter()
        .filter_map(|g| {
            let found = groups.iter().find(|x| x.group.id == g.id).or_else(|| {
                groups
                    .iter()
                    .find(|x| x.group.kind == rollcall_cache::GroupKind::User && x.group.name == g.name)
            });
            match found {
                Some(x) => Some(GroupRef {
                    id: x.group.id.clone(),
                    name: x.group.name.clone(),
                }),
                None => {
                    unmatched.push(format!("group \"{}\" is not in this organisation; left out", g.name));
                    None
                }
            }
        })
        .collect();
    save(cache, &t)?;
    Ok((Template { customised: true, ..t }, unmatched))
}

fn serde_path_to_json(v: serde_json::Value) -> Result<Template, TemplateError> {
    serde_json::from_value(v)
        .map_err(|e| TemplateError::Invalid(format!("This template file is damaged or from a newer Rollcall: {e}.")))
}

/// A step kind templates can hold: its default title and the checklists it belongs in.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct StepKindInfo {
    pub kind: StepKind,
    pub title: String,
    pub bases: Vec<TemplateBase>,
    /// It ends the run: steps added later go before it.
    pub ends_run: bool,
}

/// The org's templates and the step kinds they may hold.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct TemplateCatalog {
    pub templates: Vec<Template>,
    pub kinds: Vec<StepKindInfo>,
}

/// The org's templates (its own versions where it has them) and the step kinds they may hold.
pub fn catalog(cache: &Cache) -> Result<TemplateCatalog, TemplateError> {
    let kinds = KINDS
        .iter()
        .map(|(k, t, b)| StepKindInfo {
            kind: *k,
            title: t.to_string(),
            bases: b.to_vec(),
            ends_run: *k == StepKind::Evidence,
        })
        .collect();
    Ok(TemplateCatalog {
        templates: list(cache)?,
        kinds,
    })
}

/// What an import brought in.
#[derive(Debug, Clone, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct TemplateImport {
    pub template: Template,
    /// What could not be matched in this org (groups), and was left out.
    pub unmatched: Vec<String>,
}

/// What the save dialog proposes for exporting `t`.
pub fn offer(t: &Template) -> crate::files::SaveOffer {
    crate::files::SaveOffer::new(
        format!("Export the template \"{}\"", t.name),
        &format!("{}.rollcall-template", t.id),
        "JSON",
        "json",
    )
}
