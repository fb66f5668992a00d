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

/// `GET /api/organizations/{id}`: one organization the admin may see.
pub(super) fn organization(state: &SimState, ctx: &Ctx, id: &str) -> Resp {
    let w = state.world.read().expect("world lock");
    match w
        .orgs
        .iter()
        .find(|o| o.id() == id && ctx.admin.org_ids.iter().any(|a| a == id))
    {
        Some(o) => Resp::ok(&serde_json::to_value(&o.org).unwrap_or_default()),
        None => error(StatusCode::NOT_FOUND, "Organization ID Not Found"),
    }
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

/// `GET /api/v2/providers/{id}/organizations`: the provider's organizations the admin may see.
pub(super) fn provider_organizations(state: &SimState, ctx: &Ctx, pid: &str) -> Resp {
    let w = state.world.read().expect("world lock");
    if pid != w.provider_id {
        return not_found("provider", pid);
    }
    let orgs: Vec<Value> = w
        .orgs
        .iter()
        .filter(|o| ctx.admin.org_ids.iter().any(|a| a == o.id()))
        .map(|o| json!({"id": o.id(), "name": o.name()}))
        .collect();
    Resp::ok(&json!({ "totalCount": orgs.len(), "results": orgs }))
}

/// `GET /api/v2/roles`: the built-in admin roles.
pub(super) fn roles() -> Resp {
    let results: Vec<Value> = Role::ALL
        .iter()
        .map(|r| json!({ "id": r.id(), "name": r.name(), "scopes": r.scopes(), "organizationIds": [], "isCustom": false, "description": "" }))
        .collect();
    Resp::ok(&json!({ "totalCount": results.len(), "results": results }))
}
