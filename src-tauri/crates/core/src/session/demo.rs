//! The built-in demo organisation: the simulator (jcsim) on its own thread, seeded with a
//! fixed organisation that includes hostile names and records of unusual shape.

use super::open::DemoSim;

/// Starts the simulator with `users` people; its org, base URL and an administrator's key. Its
/// answers carry the spec-legal odd shapes a real org sends (explicit nulls, empty strings,
/// fields of later API versions, very large arrays) on one record in five.
pub(super) fn start(users: usize) -> Result<DemoSim, String> {
    let mut cfg = jcsim::SeedConfig::sized(2026, users);
    cfg.hostile = true;
    cfg.second_org = false;
    cfg.org_name = "Northwind Demo Co.".into();
    let (base_url, state) = jcsim::serve_on_own_thread(cfg).map_err(|e| e.to_string())?;
    state.set_faults(jcsim::Faults {
        odd_records: true,
        ..jcsim::Faults::default()
    });
    // Its bulk reports take a second to generate, as a small org's do.
    state
        .reports
        .lock()
        .unwrap_or_else(|p| p.into_inner())
        .settings
        .generate_ms = 1000;
    let w = state.world.read().unwrap_or_else(|p| p.into_inner());
    let org = &w.orgs[0];
    let key = w
        .admins
        .iter()
        .find(|a| a.role == jcsim::model::Role::Administrator && !a.multi_tenant)
        .map(|a| a.api_key.clone())
        .ok_or("the demo organisation has no administrator")?;
    tracing::info!(%base_url, "demo organisation started");
    Ok(DemoSim {
        provider_id: w.provider_id.clone(),
        base_url,
        org_id: org.id().to_string(),
        org_name: org.name().to_string(),
        key,
    })
}
