//! Organizations and (MSP) administrators.

use super::*;

pub(super) fn organizations(state: &SimState, ctx: &Ctx, req: &Req) -> Resp {
    let q = match list(req, Flavor::V1, 100) {
        Ok(q) => q,
        Err(e) => return e,
    };
    let w = state.world.read().expect("world lock");
    let orgs: Vec<Bytes> = w
        .orgs
        .iter()
        .filter(|o| ctx.admin.org_ids.iter().any(|a| a == o.id()))
        .filter_map(|o| o.org.as_ref().map(to_bytes))
        .collect();
    drop(w);
    let page = query::apply(orgs, &q);
    Resp::json(StatusCode::OK, query::v1_envelope(page.total, &page.items))
}

pub(super) fn administrators(state: &SimState, ctx: &Ctx, req: &Req, pid: &str) -> Resp {
    let q = match list(req, Flavor::V2, 100) {
        Ok(q) => q,
        Err(e) => return e,
    };
    let w = state.world.read().expect("world lock");
    if pid != w.provider_id {
        return not_found("provider", pid);
    }
    let org_id = w.orgs[ctx.org].id().to_string();
    let admins: Vec<Bytes> = w
        .admins
        .iter()
        .filter(|a| a.org_ids.contains(&org_id))
        .map(|a| {
            to_bytes(&json!({
                "id": a.id, "email": a.email, "firstname": a.firstname, "lastname": a.lastname,
                "role": a.role.id(), "roleName": a.role.name(), "roles": [a.role.id()], "roleNames": [a.role.name()],
                "suspended": a.suspended, "enableMultiFactor": a.enable_multi_factor, "apiKeyAllowed": true, "apiKeySet": true, "registered": true,
            }))
        })
        .collect();
    drop(w);
    let page = query::apply(admins, &q);
    Resp::json(StatusCode::OK, query::v1_envelope(page.total, &page.items))
}
