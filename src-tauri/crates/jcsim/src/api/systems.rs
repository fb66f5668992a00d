//! `/api/systems`: edit, delete and the agent's builtin commands.

use super::*;

pub(super) const SYSTEM_EDITABLE: &[&str] = &[
    "displayName",
    "allowSshPasswordAuthentication",
    "allowSshRootLogin",
    "allowMultiFactorAuthentication",
    "allowPublicKeyAuthentication",
    "tags",
    "attributes",
    "description",
];

pub(super) fn system_update(state: &SimState, ctx: &Ctx, req: &Req, id: &str) -> Resp {
    if let Err(e) = require(ctx, WriteKind::System, "edit devices") {
        return e;
    }
    let body = match parse_body(req) {
        Ok(b) => b,
        Err(e) => return e,
    };
    let mut w = state.world.write().expect("world lock");
    let Some(cur) = w.orgs[ctx.org].systems.get(id).map(|s| s.rec()) else {
        return not_found("system", id);
    };
    let s: System = match merge(&cur, &body, SYSTEM_EDITABLE) {
        Ok(s) => s,
        Err(e) => return e,
    };
    let res = system_res(&s);
    let stored = Stored::new(s);
    let out = stored.json.to_vec();
    w.orgs[ctx.org].systems.insert(id.to_string(), stored);
    record_event(&mut w, ctx, "systems", "system_update", res, None);
    Resp::json(StatusCode::OK, out)
}

pub(super) fn system_delete(state: &SimState, ctx: &Ctx, id: &str) -> Resp {
    if let Err(e) = require(ctx, WriteKind::System, "delete devices") {
        return e;
    }
    let mut w = state.world.write().expect("world lock");
    let o = &mut w.orgs[ctx.org];
    let Some(stored) = o.systems.remove(id) else {
        return not_found("system", id);
    };
    o.remove_system_edges(id);
    record_event(&mut w, ctx, "systems", "system_delete", system_res(&stored.rec()), None);
    Resp::json(StatusCode::OK, stored.json.to_vec())
}

pub(super) fn builtin_command(state: &SimState, ctx: &Ctx, id: &str, cmd: &str) -> Resp {
    if !["lock", "erase", "restart", "shutdown"].contains(&cmd) {
        return error(
            StatusCode::NOT_FOUND,
            &format!("jcsim does not serve builtin command \"{cmd}\""),
        );
    }
    if let Err(e) = require(ctx, WriteKind::DeviceCommand, &format!("{cmd} devices")) {
        return e;
    }
    let mut w = state.world.write().expect("world lock");
    let Some(s) = w.orgs[ctx.org].systems.get(id).map(|s| s.rec()) else {
        return not_found("system", id);
    };
    if !matches!(s.os_family.as_str(), "linux" | "windows") {
        return error(
            StatusCode::BAD_REQUEST,
            "Bad Request: builtin commands are only supported on Linux and Windows devices. Use Apple MDM security commands for macOS devices.",
        );
    }
    let rid = w.next_id(ctx.now_ms);
    let org_id = w.orgs[ctx.org].id().to_string();
    w.orgs[ctx.org].command_results.insert(
        rid.clone(),
        CommandResult {
            id: rid.clone(),
            command: format!("builtin:{cmd}"),
            name: format!("Security command: {cmd}"),
            system: s.hostname.clone(),
            system_id: s.id.clone(),
            organization: org_id,
            workflow_id: format!("builtin-{cmd}"),
            workflow_instance_id: rid,
            request_time: rfc3339_ms(ctx.now_ms),
            response_time: String::new(),
            sudo: true,
            user: "000000000000000000000000".into(),
            response: json!({ "data": { "exitCode": 0, "output": "" }, "error": "" }),
        },
    );
    record_event(
        &mut w,
        ctx,
        "systems",
        match cmd {
            "lock" => "system_lock_command",
            "erase" => "system_erase_command",
            "restart" => "system_restart_command",
            _ => "system_shutdown_command",
        },
        system_res(&s),
        None,
    );
    Resp::empty(StatusCode::CREATED)
}
