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
    });
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
