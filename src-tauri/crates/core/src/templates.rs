//! Checklist templates: the built-in ones as shipped, and each org's own versions (steps added,
//! removed, reordered; defaults set), stored in the org's file and exported / imported as JSON.
//!
//! A template lists step *kinds* from a fixed vocabulary; which kinds a template may hold
//! depends on what it is for (`base`): an onboarding cannot hold "wipe devices", say. Starting a
//! run turns each step into what it will do for that person (`checklists::start_run`).

use crate::sync::now_rfc3339;
use rollcall_cache::Cache;
use serde::{Deserialize, Serialize};

/// One step of a template.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct TemplateStep {
    pub kind: String,
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
    /// offboarding | onboarding | access_request | password_reset | mfa_reset
    pub base: String,
    pub steps: Vec<TemplateStep>,
    #[serde(default)]
    pub defaults: TemplateDefaults,
    /// True when the org has its own version (edited or imported).
    #[serde(default)]
    pub customised: bool,
}

/// The step kinds, with their default titles and the templates they may appear in.
pub const KINDS: &[(&str, &str, &[&str])] = &[
    (
        "capture",
        "Capture current access (groups, apps, devices)",
        &["offboarding"],
    ),
    ("remove_groups", "Remove from all groups", &["offboarding"]),
    ("remove_apps", "Remove direct app access", &["offboarding"]),
    ("reset_mfa", "Reset MFA", &["offboarding", "mfa_reset"]),
    ("expire_password", "Expire password", &["offboarding"]),
    ("suspend", "Suspend the account", &["offboarding"]),
    ("lock_devices", "Lock each bound device", &["offboarding"]),
    ("wipe_devices", "Wipe returned devices (optional)", &["offboarding"]),
    ("create_user", "Create the user (staged)", &["onboarding"]),
    ("add_groups", "Add to baseline groups", &["onboarding"]),
    ("activation_email", "Send the activation email", &["onboarding"]),
    ("bind_device", "Bind their device", &["onboarding"]),
    (
        "grant_group",
        "Add to the group until the expiry date",
        &["access_request"],
    ),
    (
        "reset_password",
        "Expire the password and send the reset email",
        &["password_reset"],
    ),
    (
        "verify",
        "Identity verified (who verified, and how)",
        &["password_reset", "mfa_reset"],
    ),
    ("approval", "Approval (approver and ticket)", ALL),
    ("manual", "Manual step", ALL),
    ("instructions", "Instructions to send the person", ALL),
    ("evidence", "Evidence report", ALL),
];

const ALL: &[&str] = &[
    "offboarding",
    "onboarding",
    "access_request",
    "password_reset",
    "mfa_reset",
];

/// Kinds that hold back every later step until recorded (who approved / who verified).
pub const GATES: &[&str] = &["approval", "verify"];

fn step(kind: &str) -> TemplateStep {
    let title = KINDS.iter().find(|(k, _, _)| *k == kind).map_or(kind, |(_, t, _)| t);
    TemplateStep {
        kind: kind.into(),
        title: title.into(),
        optional: kind == "wipe_devices",
        text: String::new(),
    }
}

fn titled(kind: &str, title: &str, text: &str) -> TemplateStep {
    TemplateStep {
        title: title.into(),
        text: text.into(),
        ..step(kind)
    }
}

/// The templates as shipped.
pub fn builtins() -> Vec<Template> {
    let t = |id: &str, name: &str, steps: Vec<TemplateStep>, defaults: TemplateDefaults| Template {
        id: id.into(),
        name: name.into(),
        base: id.into(),
        steps,
        defaults,
        customised: false,
    };
    let kinds = |ks: &[&str]| ks.iter().map(|k| step(k)).collect::<Vec<_>>();
    let mut off = kinds(&[
        "capture",
        "remove_groups",
        "remove_apps",
        "reset_mfa",
        "expire_password",
        "suspend",
        "lock_devices",
        "wipe_devices",
    ]);
    off.push(titled("manual", "Laptop collected (note who and where)", ""));
    off.push(step("evidence"));
    let reset_text = |what: &str| {
        titled(
            "instructions",
            "Instructions to send the person",
            &format!("Tell {{email}}: {what} If you did not ask for this, call IT at once."),
        )
    };
    vec![
        t("offboarding", "Offboarding", off, TemplateDefaults::default()),
        t(
            "onboarding",
            "Onboarding",
            kinds(&["create_user", "add_groups", "activation_email", "bind_device", "evidence"]),
            TemplateDefaults::default(),
        ),
        t(
            "access_request",
            "Access request",
            kinds(&["approval", "grant_group", "evidence"]),
            TemplateDefaults {
                groups: vec![],
                expiry_days: 30,
            },
        ),
        t(
            "password_reset",
            "Password reset",
            vec![
                step("verify"),
                step("reset_password"),
                reset_text("a password reset email is on its way; follow its link to set a new password. Your old password no longer works."),
                step("evidence"),
            ],
            TemplateDefaults::default(),
        ),
        t(
            "mfa_reset",
            "MFA reset",
            vec![
                step("verify"),
                titled("reset_mfa", "MFA reset", ""),
                reset_text("at your next sign-in JumpCloud asks you to enrol your authenticator again; have your phone ready."),
                step("evidence"),
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
    if !ALL.contains(&t.base.as_str()) {
        return bad(format!(
            "\"{}\" is not a kind of checklist Rollcall knows (offboarding, onboarding, access_request, password_reset, mfa_reset).",
            t.base
        ));
    }
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
        let Some((_, _, bases)) = KINDS.iter().find(|(k, _, _)| *k == s.kind) else {
            return bad(format!("Step {}: \"{}\" is not a step Rollcall knows.", i + 1, s.kind));
        };
        if !bases.contains(&t.base.as_str()) {
            return bad(format!(
                "Step {} (\"{}\") does not belong in a {} checklist.",
                i + 1,
                s.title,
                t.base.replace('_', " ")
            ));
        }
        if s.title.trim().is_empty() {
            return bad(format!("Step {} has no title.", i + 1));
        }
    }
    let count = |k: &str| t.steps.iter().filter(|s| s.kind == k).count();
    for k in ["create_user", "capture", "grant_group", "evidence"] {
        if count(k) > 1 {
            return bad(format!("\"{k}\" appears more than once; keep one."));
        }
    }
    if t.base == "onboarding" && t.steps.first().map(|s| s.kind.as_str()) != Some("create_user") {
        return bad("An onboarding starts by creating the user: keep \"Create the user\" first.".into());
    }
    if t.base == "access_request" && count("grant_group") == 0 {
        return bad("An access request needs its \"Add to the group until the expiry date\" step.".into());
    }
    if count("evidence") == 1 && t.steps.last().map(|s| s.kind.as_str()) != Some("evidence") {
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
    let groups = cache.groups("", None)?;
    let mut unmatched = vec![];
    t.defaults.groups = t
        .defaults
        .groups
        .into_iter()
        .filter_map(|g| {
            let found = groups
                .iter()
                .find(|x| x.group.id == g.id)
                .or_else(|| groups.iter().find(|x| x.group.kind == "user" && x.group.name == g.name));
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
