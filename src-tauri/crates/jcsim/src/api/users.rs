//! `/api/systemusers`: create, edit, delete, state changes and the v1 user actions.

use super::*;

/// Applies the allowed keys of `patch` onto a record via its JSON form; a type mismatch is a 400.
pub(super) fn merge<T: serde::Serialize + serde::de::DeserializeOwned>(
    rec: &T,
    patch: &Map<String, Value>,
    allowed: &[&str],
) -> Result<T, Resp> {
    let mut v = serde_json::to_value(rec).map_err(|e| error(StatusCode::INTERNAL_SERVER_ERROR, &e.to_string()))?;
    let obj = v
        .as_object_mut()
        .ok_or_else(|| error(StatusCode::INTERNAL_SERVER_ERROR, "record is not an object"))?;
    for (k, val) in patch {
        if allowed.contains(&k.as_str()) {
            obj.insert(k.clone(), val.clone());
        }
    }
    serde_path_to_error_free(v)
}

pub(super) fn serde_path_to_error_free<T: serde::de::DeserializeOwned>(v: Value) -> Result<T, Resp> {
    serde_json::from_value(v).map_err(|e| error_details(&format!("Bad Request: {e}")))
}

pub(super) const USER_EDITABLE: &[&str] = &[
    "username",
    "email",
    "firstname",
    "middlename",
    "lastname",
    "displayname",
    "alternateEmail",
    "recoveryEmail",
    "jobTitle",
    "department",
    "company",
    "costCenter",
    "employeeType",
    "employeeIdentifier",
    "location",
    "description",
    "addresses",
    "phoneNumbers",
    "manager",
    "account_locked",
    "password_never_expires",
    "enable_user_portal_multifactor",
    "mfa",
    "sudo",
    "passwordless_sudo",
    "allow_public_key",
    "ldap_binding_user",
    "samba_service_user",
    "unix_uid",
    "unix_guid",
    "attributes",
    "tags",
    "suspended",
    "state",
];

pub(super) fn check_unique(o: &Org, u: &User, except: Option<&str>) -> Result<(), Resp> {
    for other in o.users.values() {
        let other = other.rec();
        if Some(other.id.as_str()) == except {
            continue;
        }
        if other.username.eq_ignore_ascii_case(&u.username) {
            return Err(error_details(&format!(
                "User already exists: username \"{}\" is taken",
                u.username
            )));
        }
        if other.email.eq_ignore_ascii_case(&u.email) {
            return Err(error_details(&format!(
                "User already exists: email \"{}\" is taken",
                u.email
            )));
        }
        if !u.employee_identifier.is_empty() && other.employee_identifier == u.employee_identifier {
            return Err(error_details(&format!(
                "employeeIdentifier \"{}\" is already in use",
                u.employee_identifier
            )));
        }
    }
    Ok(())
}

pub(super) fn valid_email(e: &str) -> bool {
    let mut parts = e.split('@');
    matches!((parts.next(), parts.next(), parts.next()), (Some(a), Some(d), None) if !a.is_empty() && d.contains('.') && !d.starts_with('.') && !d.ends_with('.'))
}

/// `POST /api/systemusers`: a new user, staged unless the body activates it.
pub(super) fn user_create(state: &SimState, ctx: &Ctx, req: &Req) -> Resp {
    let body = match new_user_body(ctx, req) {
        Ok(b) => b,
        Err(e) => return e,
    };
    let mut w = state.world.write().expect("world lock");
    let id = w.next_id(ctx.now_ms);
    let org_id = w.orgs[ctx.org].id().to_string();
    let activate = body.get("state").and_then(Value::as_str) == Some("ACTIVATED")
        || body.get("activated").and_then(Value::as_bool) == Some(true);
    let blank = blank_user(id.clone(), org_id, activate, ctx.now_ms);
    let allowed: Vec<&str> = USER_EDITABLE
        .iter()
        .copied()
        .filter(|k| *k != "state" && *k != "suspended")
        .collect();
    let mut user = match merge(&blank, &body, &allowed) {
        Ok(u) => u,
        Err(e) => return e,
    };
    complete_new_user(&w.orgs[ctx.org], &mut user);
    if let Err(e) = check_unique(&w.orgs[ctx.org], &user, None) {
        return e;
    }
    let res = user_res(&user);
    let stored = Stored::new(user);
    let out = stored.json.to_vec();
    w.orgs[ctx.org].users.insert(id, stored);
    record_event(&mut w, ctx, "directory", "user_create", res, None);
    Resp::json(StatusCode::OK, out)
}

/// The body of a user creation, once the admin may create users and it names a username and a
/// valid email.
fn new_user_body(ctx: &Ctx, req: &Req) -> Result<Map<String, Value>, Resp> {
    require(ctx, WriteKind::UserEdit, "create users")?;
    let body = parse_body(req)?;
    for f in ["username", "email"] {
        if body.get(f).and_then(Value::as_str).is_none_or(|s| s.trim().is_empty()) {
            return Err(error_details(&format!("Bad Request: {f} is required")));
        }
    }
    let email = body["email"].as_str().unwrap_or_default();
    if !valid_email(email) {
        return Err(error_details(&format!(
            "Bad Request: email \"{email}\" is not a valid email address"
        )));
    }
    Ok(body)
}

/// A user made through the API before the body's fields are applied.
fn blank_user(id: Id, org_id: Id, activate: bool, now_ms: i64) -> User {
    User {
        id,
        username: String::new(),
        email: String::new(),
        firstname: String::new(),
        middlename: String::new(),
        lastname: String::new(),
        displayname: String::new(),
        alternate_email: String::new(),
        recovery_email: RecoveryEmail::default(),
        job_title: String::new(),
        department: String::new(),
        company: String::new(),
        cost_center: String::new(),
        employee_type: String::new(),
        employee_identifier: String::new(),
        location: String::new(),
        description: String::new(),
        addresses: vec![],
        phone_numbers: vec![],
        manager: None,
        state: if activate { "ACTIVATED".into() } else { "STAGED".into() },
        activated: activate,
        suspended: false,
        account_locked: false,
        account_locked_date: None,
        bad_login_attempts: 0,
        password_expired: false,
        password_expiration_date: None,
        password_date: None,
        password_never_expires: false,
        mfa: Mfa::default(),
        totp_enabled: false,
        enable_user_portal_multifactor: false,
        mfa_enrollment: MfaEnrollment::not_enrolled(),
        created: rfc3339_ms(now_ms),
        creation_source: "jumpcloud:api".into(),
        admin: None,
        organization: org_id,
        sudo: false,
        passwordless_sudo: false,
        allow_public_key: true,
        enable_managed_uid: false,
        ldap_binding_user: false,
        samba_service_user: false,
        unix_uid: 0,
        unix_guid: 0,
        attributes: vec![],
        tags: vec![],
    }
}

/// Gives a new user what the body left out: the next free unix id and a display name.
fn complete_new_user(o: &Org, user: &mut User) {
    if user.unix_uid == 0 {
        let next = o.users.values().map(|u| u.rec().unix_uid).max().unwrap_or(4999) + 1;
        user.unix_uid = next;
        user.unix_guid = next;
    }
    if user.displayname.is_empty() {
        user.displayname = format!("{} {}", user.firstname, user.lastname).trim().to_string();
    }
}

pub(super) fn user_update(state: &SimState, ctx: &Ctx, req: &Req, id: &str) -> Resp {
    if let Err(e) = require(ctx, WriteKind::UserEdit, "edit users") {
        return e;
    }
    let body = match parse_body(req) {
        Ok(b) => b,
        Err(e) => return e,
    };
    if let Some(s) = body.get("state").and_then(Value::as_str) {
        if s != "ACTIVATED" && s != "SUSPENDED" {
            return error_details(&format!(
                "Bad Request: state may only be ACTIVATED or SUSPENDED, not \"{s}\""
            ));
        }
    }
    if let Some(e) = body.get("email").and_then(Value::as_str) {
        if !valid_email(e) {
            return error_details(&format!("Bad Request: email \"{e}\" is not a valid email address"));
        }
    }
    let mut w = state.world.write().expect("world lock");
    let Some(cur) = w.orgs[ctx.org].users.get(id).map(|s| s.rec()) else {
        return not_found("user", id);
    };
    let mut user = match merge(&cur, &body, USER_EDITABLE) {
        Ok(u) => u,
        Err(e) => return e,
    };
    if let Some(s) = body.get("state").and_then(Value::as_str) {
        user.suspended = s == "SUSPENDED";
        user.activated = true;
    } else if let Some(s) = body.get("suspended").and_then(Value::as_bool) {
        user.suspended = s;
        user.state = if s { "SUSPENDED".into() } else { "ACTIVATED".into() };
    }
    if !user.account_locked {
        user.account_locked_date = None;
        if cur.account_locked {
            user.bad_login_attempts = 0;
        }
    }
    if let Err(e) = check_unique(&w.orgs[ctx.org], &user, Some(id)) {
        return e;
    }
    // Each changed field with its value before and after, as Directory Insights records it.
    let (before, after) = (
        serde_json::to_value(&cur).unwrap_or_default(),
        serde_json::to_value(&user).unwrap_or_default(),
    );
    let changes: Vec<Value> = body
        .keys()
        .filter(|k| USER_EDITABLE.contains(&k.as_str()))
        .filter(|k| before.get(k.as_str()) != after.get(k.as_str()))
        .map(|k| json!({ "field": k, "from": before.get(k.as_str()), "to": after.get(k.as_str()) }))
        .collect();
    let res = user_res(&user);
    let stored = Stored::new(user);
    let out = stored.json.to_vec();
    w.orgs[ctx.org].users.insert(id.to_string(), stored);
    record_event(
        &mut w,
        ctx,
        "directory",
        "user_update",
        res,
        Some(Value::Array(changes)),
    );
    Resp::json(StatusCode::OK, out)
}

pub(super) fn user_delete(state: &SimState, ctx: &Ctx, req: &Req, id: &str) -> Resp {
    if let Err(e) = require(ctx, WriteKind::UserDelete, "delete users") {
        return e;
    }
    let mut w = state.world.write().expect("world lock");
    let o = &mut w.orgs[ctx.org];
    let Some(u) = o.users.get(id).map(|s| s.rec()) else {
        return not_found("user", id);
    };
    let manages = o.users.values().any(|s| s.rec().manager.as_deref() == Some(id));
    let cascade = query_param(req, "cascade_manager").is_some_and(|v| v == "true" || v == "null");
    if manages && !cascade {
        return error(
            StatusCode::CONFLICT,
            &format!(
                "Conflict: user {} is the manager of other users; reassign them or pass cascade_manager",
                u.username
            ),
        );
    }
    if manages {
        let ids: Vec<Id> = o
            .users
            .values()
            .map(|s| s.rec())
            .filter(|u| u.manager.as_deref() == Some(id))
            .map(|u| u.id)
            .collect();
        for mid in ids {
            if let Some(s) = o.users.get_mut(&mid) {
                let mut r = s.rec();
                r.manager = None;
                s.set(r);
            }
        }
    }
    let stored = o.users.remove(id).expect("checked above");
    o.remove_user_edges(id);
    for s in o.systems.values_mut() {
        if s.rec().primary_system_user.as_ref().is_some_and(|p| p.id == id) {
            let mut r = s.rec();
            r.primary_system_user = None;
            s.set(r);
        }
    }
    record_event(&mut w, ctx, "directory", "user_delete", user_res(&u), None);
    Resp::json(StatusCode::OK, stored.json.to_vec())
}

#[derive(Debug, Clone, Copy, PartialEq)]
pub(super) enum UserAction {
    Activate,
    Suspend,
    Unlock,
    ResetMfa,
    Expire,
    Reactivate,
    SetPassword,
}

impl UserAction {
    /// What the action does, as a refusal names it.
    fn scope(self) -> &'static str {
        match self {
            UserAction::Activate => "activate users",
            UserAction::Suspend => "suspend users",
            UserAction::Unlock => "unlock users",
            UserAction::ResetMfa => "reset MFA",
            UserAction::Expire => "expire passwords",
            UserAction::Reactivate => "send activation emails",
            UserAction::SetPassword => "set passwords",
        }
    }
}

/// The v1 user actions (`state/activate`, `unlock`, `resetmfa`, ...): the change made and
/// recorded as an event.
pub(super) fn user_action(state: &SimState, ctx: &Ctx, req: &Req, id: &str, action: UserAction) -> Resp {
    if let Err(e) = require(ctx, WriteKind::UserEdit, action.scope()) {
        return e;
    }
    let body = match parse_body(req) {
        Ok(b) => b,
        Err(e) => return e,
    };
    let mut w = state.world.write().expect("world lock");
    let Some(mut u) = w.orgs[ctx.org].users.get(id).map(|s| s.rec()) else {
        return not_found("user", id);
    };
    let (event, resp) = match apply_action(&mut u, action, &body, ctx.now_ms) {
        Ok(done) => done,
        Err(e) => return e,
    };
    let res = user_res(&u);
    if let Some(s) = w.orgs[ctx.org].users.get_mut(id) {
        s.set(u);
    }
    record_event(&mut w, ctx, "directory", event, res, None);
    resp
}

/// Applies the action to the user: the event to record and the answer, or the refusal.
fn apply_action(
    u: &mut User,
    action: UserAction,
    body: &Map<String, Value>,
    now_ms: i64,
) -> Result<(&'static str, Resp), Resp> {
    let now = rfc3339_ms(now_ms);
    Ok(match action {
        UserAction::Activate => {
            if u.state != "STAGED" {
                return Err(error(
                    StatusCode::BAD_REQUEST,
                    &format!("Bad Request: user is {}, only a STAGED user can be activated", u.state),
                ));
            }
            u.state = "ACTIVATED".into();
            u.activated = true;
            ("user_activate", Resp::string("User activated"))
        }
        UserAction::Suspend => {
            suspend(u, body)?;
            ("user_suspend", Resp::empty(StatusCode::OK))
        }
        UserAction::Unlock => {
            u.account_locked = false;
            u.account_locked_date = None;
            u.bad_login_attempts = 0;
            ("user_unlocked", Resp::string("User unlocked"))
        }
        UserAction::ResetMfa => {
            reset_mfa(u, body, now_ms);
            ("user_mfa_reset", Resp::string("MFA reset"))
        }
        UserAction::Expire => {
            u.password_expired = true;
            u.password_expiration_date = Some(now);
            ("user_password_expire", Resp::string("Password expired"))
        }
        UserAction::Reactivate => ("user_reactivation_email", Resp::string("Reactivation email sent")),
        UserAction::SetPassword => {
            set_password(u, body, now)?;
            ("user_password_set", Resp::empty(StatusCode::OK))
        }
    })
}

/// Suspends an activated user; the body must be empty.
fn suspend(u: &mut User, body: &Map<String, Value>) -> Result<(), Resp> {
    if !body.is_empty() {
        return Err(error(
            StatusCode::BAD_REQUEST,
            "Bad Request: the body of a suspend must be empty",
        ));
    }
    if u.state == "STAGED" {
        return Err(error(
            StatusCode::BAD_REQUEST,
            "Bad Request: a STAGED user cannot be suspended",
        ));
    }
    u.state = "SUSPENDED".into();
    u.suspended = true;
    Ok(())
}

/// Clears the user's MFA (back to enrolment if the portal requires it), with the exclusion
/// window the body asks for.
fn reset_mfa(u: &mut User, body: &Map<String, Value>, now_ms: i64) {
    u.totp_enabled = false;
    u.mfa.configured = false;
    u.mfa_enrollment = MfaEnrollment::not_enrolled();
    if u.enable_user_portal_multifactor {
        u.mfa_enrollment.totp_status = "IN_ENROLLMENT".into();
        u.mfa_enrollment.overall_status = "IN_ENROLLMENT".into();
    }
    if let Some(d) = body.get("exclusionDays").and_then(Value::as_u64) {
        u.mfa.exclusion = body.get("exclusion").and_then(Value::as_bool).unwrap_or(true);
        u.mfa.exclusion_days = Some(d as u32);
        u.mfa.exclusion_until = Some(rfc3339_ms(now_ms + d as i64 * 86_400_000));
    }
}

/// Sets the password the body gives (at least 8 characters), dated `now`.
fn set_password(u: &mut User, body: &Map<String, Value>, now: String) -> Result<(), Resp> {
    let Some(p) = body.get("password").and_then(Value::as_str) else {
        return Err(error_details("Bad Request: password is required"));
    };
    if p.chars().count() < 8 {
        return Err(error_details(
            "Bad Request: the password does not meet the organization's password policy",
        ));
    }
    u.password_date = Some(now);
    u.password_expired = false;
    Ok(())
}

/// `GET /api/systemusers/{id}/totpinfo`: when the user enrolled TOTP, or 404 if they have not.
pub(super) fn user_totp_info(state: &SimState, ctx: &Ctx, id: &str) -> Resp {
    read(state, ctx, |o| {
        let u = o.users.get(id).ok_or_else(|| not_found("user", id))?;
        let u = u.rec();
        if u.totp_enabled {
            Ok(
                json!({ "enrollmentDate": u.password_date.clone().unwrap_or_else(|| u.created.clone()) })
                    .to_string()
                    .into_bytes(),
            )
        } else {
            Err(error(StatusCode::NOT_FOUND, "TOTP not enrolled"))
        }
    })
}
