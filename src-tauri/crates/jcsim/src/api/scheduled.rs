//! Scheduled user state changes (`/api/v2/bulk/userstates`): JumpCloud's only "suspend this
//! person on a date". A job is listed while pending, can be deleted until it runs, and runs
//! when the simulator's clock reaches its date: the person's state changes and a `user_update`
//! event records it, initiated by the job.

use super::*;

/// `GET /api/v2/bulk/userstates[?userid=]`: the pending jobs.
pub(super) fn scheduled_list(state: &SimState, ctx: &Ctx, req: &Req) -> Resp {
    let w = state.world.read().expect("world lock");
    let user = req
        .query
        .as_deref()
        .unwrap_or("")
        .split('&')
        .find_map(|kv| kv.strip_prefix("userid="))
        .map(str::to_string);
    let jobs: Vec<Value> = w.orgs[ctx.org]
        .scheduled_states
        .iter()
        .filter(|j| user.as_ref().is_none_or(|u| *u == j.user_id))
        .map(result)
        .collect();
    Resp::value(StatusCode::OK, &Value::Array(jobs))
}

fn result(j: &ScheduledState) -> Value {
    json!({
        "scheduledJobId": j.id,
        "scheduledDate": rfc3339_ms(j.at_ms),
        "state": j.state,
        "systemUserId": j.user_id,
    })
}

/// `POST /api/v2/bulk/userstates` `{user_ids, state, start_date}`: one job per person, 201.
pub(super) fn scheduled_create(state: &SimState, ctx: &Ctx, req: &Req) -> Resp {
    if let Err(e) = require(ctx, WriteKind::UserEdit, "schedule user state changes") {
        return e;
    }
    let body = match parse_body(req) {
        Ok(b) => b,
        Err(e) => return e,
    };
    let wanted = body.get("state").and_then(Value::as_str).unwrap_or("");
    if wanted != "SUSPENDED" && wanted != "ACTIVATED" {
        return error_details(&format!(
            "Bad Request: state must be SUSPENDED or ACTIVATED, not \"{wanted}\""
        ));
    }
    let Some(ids) = body.get("user_ids").and_then(Value::as_array).filter(|a| !a.is_empty()) else {
        return error_details("Bad Request: user_ids must list at least one user id");
    };
    let ids: Vec<String> = ids.iter().filter_map(|v| v.as_str().map(String::from)).collect();
    let Some(at_ms) = body
        .get("start_date")
        .and_then(Value::as_str)
        .and_then(parse_rfc3339_ms)
    else {
        return error_details("Bad Request: start_date must be an RFC 3339 date and time");
    };
    if at_ms <= ctx.now_ms {
        return error_details("Bad Request: start_date must be in the future");
    }
    let mut w = state.world.write().expect("world lock");
    if let Some(missing) = ids.iter().find(|id| !w.orgs[ctx.org].users.contains_key(*id)) {
        return not_found("user", missing);
    }
    let mut out = vec![];
    for user_id in ids {
        let id = w.next_id(ctx.now_ms);
        let job = ScheduledState {
            id,
            user_id,
            state: wanted.to_string(),
            at_ms,
        };
        out.push(result(&job));
        w.orgs[ctx.org].scheduled_states.push(job);
    }
    Resp::value(StatusCode::CREATED, &Value::Array(out))
}

/// `DELETE /api/v2/bulk/userstates/{id}`: cancels a pending job (204), 404 once it ran.
pub(super) fn scheduled_delete(state: &SimState, ctx: &Ctx, id: &str) -> Resp {
    if let Err(e) = require(ctx, WriteKind::UserEdit, "cancel scheduled user state changes") {
        return e;
    }
    let mut w = state.world.write().expect("world lock");
    let jobs = &mut w.orgs[ctx.org].scheduled_states;
    let before = jobs.len();
    jobs.retain(|j| j.id != id);
    if jobs.len() == before {
        return not_found("scheduled job", id);
    }
    Resp::empty(StatusCode::NO_CONTENT)
}

/// Runs every job whose date has come, in every org (a read first: most requests find none).
pub fn run_due_states(world: &std::sync::RwLock<World>, now_ms: i64) {
    let due = {
        let w = world.read().expect("world lock");
        w.orgs
            .iter()
            .any(|o| o.scheduled_states.iter().any(|j| j.at_ms <= now_ms))
    };
    if due {
        run_due(&mut world.write().expect("world lock"), now_ms);
    }
}

/// Runs the due jobs: the state changes, the job is gone, and a `user_update` event records it.
fn run_due(w: &mut World, now_ms: i64) {
    for o in 0..w.orgs.len() {
        let due: Vec<ScheduledState> = {
            let jobs = &mut w.orgs[o].scheduled_states;
            let (due, pending): (Vec<_>, Vec<_>) = std::mem::take(jobs).into_iter().partition(|j| j.at_ms <= now_ms);
            *jobs = pending;
            due
        };
        for j in due {
            let seq = w.next_seq();
            let org = &mut w.orgs[o];
            let Some(stored) = org.users.get_mut(&j.user_id) else {
                continue;
            };
            let mut u = stored.rec();
            let from = u.state.clone();
            u.state = j.state.clone();
            u.suspended = j.state == "SUSPENDED";
            let name = u.username.clone();
            stored.set(u);
            org.push_event(Event {
                at_ms: j.at_ms,
                seq,
                service: "directory",
                event_type: "user_update",
                success: true,
                client_ip: u32::from(std::net::Ipv4Addr::LOCALHOST),
                initiated_by: Some(std::sync::Arc::new(Actor {
                    id: j.id.clone(),
                    kind: "scheduled_job",
                    username: None,
                    email: None,
                })),
                resource: Some(std::sync::Arc::new(EventResource {
                    id: j.user_id.clone(),
                    kind: "user",
                    name,
                })),
                system: None,
                username_from_actor: false,
                application: None,
                changes: Some(Box::new(json!([{ "field": "state", "from": from, "to": j.state }]))),
                association: None,
            });
        }
    }
}
