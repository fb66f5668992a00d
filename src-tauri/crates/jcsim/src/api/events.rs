//! Directory Insights events that Rollcall-visible actions record (who did what, to what).

use super::*;

pub(super) fn admin_actor(ctx: &Ctx) -> std::sync::Arc<Actor> {
    std::sync::Arc::new(Actor {
        id: ctx.admin.id.clone(),
        kind: "admin",
        username: None,
        email: Some(ctx.admin.email.clone()),
    })
}

pub(super) fn record_event(
    w: &mut World,
    ctx: &Ctx,
    service: &'static str,
    event_type: &'static str,
    resource: Option<EventResource>,
    changes: Option<Value>,
) {
    push(w, ctx, (service, event_type), resource, changes, None);
}

/// Adds an event initiated by the request's admin, now on the simulator's clock.
fn push(
    w: &mut World,
    ctx: &Ctx,
    (service, event_type): (&'static str, &'static str),
    resource: Option<EventResource>,
    changes: Option<Value>,
    association: Option<Value>,
) {
    let seq = w.next_seq();
    let org = &mut w.orgs[ctx.org];
    org.push_event(Event {
        at_ms: ctx.now_ms,
        seq,
        service,
        event_type,
        success: true,
        client_ip: u32::from(std::net::Ipv4Addr::LOCALHOST),
        initiated_by: Some(admin_actor(ctx)),
        resource: resource.map(std::sync::Arc::new),
        system: None,
        username_from_actor: false,
        application: None,
        changes: changes.map(Box::new),
        association: association.map(Box::new),
    });
}

/// The type JumpCloud names an object of a route's kind by in an association (`usergroups` →
/// `user_group`).
pub(super) fn association_type(route_kind: &str) -> &str {
    match route_kind {
        "usergroups" => "user_group",
        "systemgroups" => "system_group",
        "systems" => "system",
        "users" => "user",
        "applications" => "application",
        "commands" => "command",
        other => other,
    }
}

/// Records the `association_change` event of an edge added or removed, in JumpCloud's shape:
/// `association.op` and `association.connection.from` / `.to` (docs/jumpcloud-api.md §12).
pub(super) fn record_association(
    w: &mut World,
    ctx: &Ctx,
    op: &str,
    from: (&str, &str),
    to: (&str, &str),
    resource: Option<EventResource>,
) {
    let association = json!({
        "op": op,
        "connection": {
            "from": { "type": from.0, "id": from.1 },
            "to": { "type": to.0, "id": to.1 },
        },
    });
    push(
        w,
        ctx,
        ("directory", "association_change"),
        resource,
        None,
        Some(association),
    );
}

pub(super) fn user_res(u: &User) -> Option<EventResource> {
    Some(EventResource {
        id: u.id.clone(),
        kind: "user",
        name: u.username.clone(),
    })
}

pub(super) fn system_res(s: &System) -> Option<EventResource> {
    Some(EventResource {
        id: s.id.clone(),
        kind: "system",
        name: s.hostname.clone(),
    })
}
