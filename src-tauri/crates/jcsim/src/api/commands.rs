//! The command runner: `/api/commands`, `runCommand` and results.

use super::*;

pub(super) const COMMAND_EDITABLE: &[&str] = &[
    "name",
    "command",
    "commandType",
    "user",
    "shell",
    "launchType",
    "timeout",
    "schedule",
    "trigger",
    "sudo",
];

pub(super) fn command_create(state: &SimState, ctx: &Ctx, req: &Req) -> Resp {
    if let Err(e) = require(ctx, WriteKind::CommandEdit, "create commands") {
        return e;
    }
    let body = match parse_body(req) {
        Ok(b) => b,
        Err(e) => return e,
    };
    for f in ["name", "command", "commandType"] {
        if body.get(f).and_then(Value::as_str).is_none_or(|s| s.is_empty()) {
            return error_details(&format!("Bad Request: {f} is required"));
        }
    }
    let kind = body["commandType"].as_str().unwrap_or_default();
    if !["linux", "mac", "windows"].contains(&kind) {
        return error_details(&format!(
            "Bad Request: commandType must be linux, mac or windows, not \"{kind}\""
        ));
    }
    if kind != "windows" && body.get("user").and_then(Value::as_str).is_none_or(str::is_empty) {
        return error_details("Bad Request: user is required for mac and linux commands");
    }
    let mut w = state.world.write().expect("world lock");
    let id = w.next_id(ctx.now_ms);
    let blank = Command {
        id: id.clone(),
        name: String::new(),
        command: String::new(),
        command_type: String::new(),
        user: String::new(),
        shell: String::new(),
        launch_type: "manual".into(),
        timeout: "120".into(),
        schedule: String::new(),
        trigger: String::new(),
        sudo: false,
        organization: w.orgs[ctx.org].id().to_string(),
    };
    let mut body = body;
    if let Some(t) = body.get("timeout").and_then(Value::as_u64) {
        body.insert("timeout".into(), Value::String(t.to_string()));
    }
    let c: Command = match merge(&blank, &body, COMMAND_EDITABLE) {
        Ok(c) => c,
        Err(e) => return e,
    };
    let out = serde_json::to_vec(&c).unwrap_or_default();
    let res = Some(EventResource {
        id: id.clone(),
        kind: "command",
        name: c.name.clone(),
    });
    w.orgs[ctx.org].commands.insert(id, c);
    record_event(&mut w, ctx, "directory", "command_create", res, None);
    Resp::json(StatusCode::OK, out)
}

pub(super) fn command_update(state: &SimState, ctx: &Ctx, req: &Req, id: &str) -> Resp {
    if let Err(e) = require(ctx, WriteKind::CommandEdit, "edit commands") {
        return e;
    }
    let body = match parse_body(req) {
        Ok(b) => b,
        Err(e) => return e,
    };
    let mut w = state.world.write().expect("world lock");
    let Some(cur) = w.orgs[ctx.org].commands.get(id).cloned() else {
        return not_found("command", id);
    };
    let c: Command = match merge(&cur, &body, COMMAND_EDITABLE) {
        Ok(c) => c,
        Err(e) => return e,
    };
    let out = serde_json::to_vec(&c).unwrap_or_default();
    let res = command_res(id, &c);
    w.orgs[ctx.org].commands.insert(id.to_string(), c);
    record_event(&mut w, ctx, "directory", "command_update", res, None);
    Resp::json(StatusCode::OK, out)
}

/// A command as an event's resource.
fn command_res(id: &str, c: &Command) -> Option<EventResource> {
    Some(EventResource {
        id: id.to_string(),
        kind: "command",
        name: c.name.clone(),
    })
}

pub(super) fn command_delete(state: &SimState, ctx: &Ctx, id: &str) -> Resp {
    if let Err(e) = require(ctx, WriteKind::CommandEdit, "delete commands") {
        return e;
    }
    let mut w = state.world.write().expect("world lock");
    let o = &mut w.orgs[ctx.org];
    match o.commands.remove(id) {
        Some(c) => {
            o.command_targets.remove(id);
            let out = serde_json::to_vec(&c).unwrap_or_default();
            record_event(&mut w, ctx, "directory", "command_delete", command_res(id, &c), None);
            Resp::json(StatusCode::OK, out)
        }
        None => not_found("command", id),
    }
}

/// `POST /api/runCommand`: queues a saved command on the given devices (or its targets), one
/// result per device.
pub(super) fn run_command(state: &SimState, ctx: &Ctx, req: &Req) -> Resp {
    if let Err(e) = require(ctx, WriteKind::CommandRun, "run commands") {
        return e;
    }
    let body = match parse_body(req) {
        Ok(b) => b,
        Err(e) => return e,
    };
    let Some(cid) = body.get("_id").and_then(Value::as_str).map(String::from) else {
        return error_details("Bad Request: _id is required");
    };
    let mut w = state.world.write().expect("world lock");
    let o = &w.orgs[ctx.org];
    let Some(cmd) = o.commands.get(&cid).cloned() else {
        return not_found("command", &cid);
    };
    let targets = run_targets(o, &body, &cid);
    if let Some(bad) = targets.iter().find(|t| !o.systems.contains_key(*t)) {
        return not_found("system", bad);
    }
    let (wf, queue_ids) = queue_command(&mut w, ctx, &cmd, &cid, &targets);
    record_event(
        &mut w,
        ctx,
        "systems",
        "command_run",
        Some(EventResource {
            id: cid,
            kind: "command",
            name: cmd.name,
        }),
        None,
    );
    Resp::ok(&json!({ "queueIds": queue_ids, "workflowInstanceId": wf }))
}

/// The devices to run on: the body's `systemIds`, or else the command's targets (devices, and
/// the members of device groups).
fn run_targets(o: &Org, body: &Map<String, Value>, cid: &str) -> Vec<Id> {
    match body.get("systemIds").and_then(Value::as_array) {
        Some(ids) => ids.iter().filter_map(|v| v.as_str().map(String::from)).collect(),
        None => {
            let mut out = BTreeSet::new();
            for (kind, tid) in o.command_targets.get(cid).into_iter().flatten() {
                if kind == "system" {
                    out.insert(tid.clone());
                } else if let Some(m) = o.sg_members.get(tid) {
                    out.extend(m.iter().cloned());
                }
            }
            out.into_iter().collect()
        }
    }
}

/// Queues the command on each target, already answered: the workflow instance's id and the
/// results' ids.
fn queue_command(w: &mut World, ctx: &Ctx, cmd: &Command, cid: &str, targets: &[Id]) -> (Id, Vec<Id>) {
    let wf = w.next_id(ctx.now_ms);
    let mut queue_ids = vec![];
    for t in targets {
        let rid = w.next_id(ctx.now_ms);
        let org_id = w.orgs[ctx.org].id().to_string();
        let host = w.orgs[ctx.org].systems[t].rec().hostname.clone();
        w.orgs[ctx.org].command_results.insert(
            rid.clone(),
            CommandResult {
                id: rid.clone(),
                command: cmd.command.clone(),
                name: cmd.name.clone(),
                system: host,
                system_id: t.clone(),
                organization: org_id,
                workflow_id: cid.to_string(),
                workflow_instance_id: wf.clone(),
                request_time: rfc3339_ms(ctx.now_ms),
                response_time: rfc3339_ms(ctx.now_ms + 1500),
                sudo: cmd.sudo,
                user: cmd.user.clone(),
                response: json!({ "id": rid, "data": { "exitCode": 0, "output": "" }, "error": "" }),
            },
        );
        queue_ids.push(rid);
    }
    (wf, queue_ids)
}
