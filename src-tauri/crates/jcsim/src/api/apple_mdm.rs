//! Apple MDM: the devices of an MDM server and its commands (lock, erase, restart, shutdown).

use super::*;

/// `GET /api/v2/applemdms`: the organization's Apple MDM servers.
pub(super) fn apple_mdms(state: &SimState, ctx: &Ctx) -> Resp {
    let w = state.world.read().expect("world lock");
    let all: Vec<&AppleMdm> = w.orgs[ctx.org].apple_mdms.iter().collect();
    Resp::ok(&serde_json::to_value(&all).unwrap_or_default()).with_total(all.len())
}

pub(super) fn mdm_devices(state: &SimState, ctx: &Ctx, req: &Req, mdm: &str) -> Resp {
    let q = match list(req, Flavor::V2, 100) {
        Ok(q) => q,
        Err(e) => return e,
    };
    let w = state.world.read().expect("world lock");
    let o = &w.orgs[ctx.org];
    if !o.apple_mdms.iter().any(|m| m.id == mdm) {
        return not_found("Apple MDM", mdm);
    }
    let devices: Vec<Bytes> = o
        .system_extra
        .iter()
        .filter_map(|(id, extra)| {
            let link = extra.apple_mdm.as_ref().filter(|a| a.mdm_id == mdm)?;
            let s = o.systems.get(id)?.rec();
            Some(to_bytes(&json!({
                "id": link.device_id,
                "serialNumber": s.serial_number,
                "udid": link.udid,
                "osVersion": s.version,
                "depRegistered": s.mdm.dep,
                "enrolled": true,
                "hasActivationLockBypassCodes": false,
                "createdAt": s.created,
                "securityInfo": { "filevaultEnabled": s.fde.active, "passcodePresent": true, "isActivationLockManageable": true },
                "deviceInformation": { "modelName": extra.hardware.model, "modelNumber": extra.hardware.model, "deviceName": s.hostname, "deviceCapacity": 256.0 },
            })))
        })
        .collect();
    drop(w);
    let page = query::apply(devices, &q);
    Resp::json(StatusCode::OK, query::json_array(&page.items)).with_total(page.total)
}

pub(super) fn mdm_action(state: &SimState, ctx: &Ctx, req: &Req, mdm: &str, dev: &str, action: &str) -> Resp {
    const ACTIONS: &[&str] = &[
        "lock",
        "erase",
        "restart",
        "shutdown",
        "clearActivationLock",
        "refreshActivationLockInformation",
    ];
    if !ACTIONS.contains(&action) {
        return error(
            StatusCode::NOT_FOUND,
            &format!("jcsim does not serve Apple MDM action \"{action}\""),
        );
    }
    if let Err(e) = require(ctx, WriteKind::DeviceCommand, &format!("{action} devices")) {
        return e;
    }
    let body = match parse_body(req) {
        Ok(b) => b,
        Err(e) => return e,
    };
    let mut w = state.world.write().expect("world lock");
    let o = &w.orgs[ctx.org];
    if !o.apple_mdms.iter().any(|m| m.id == mdm) {
        return di_error(StatusCode::NOT_FOUND, &format!("Apple MDM {mdm} not found"));
    }
    let found = o.system_extra.iter().find(|(_, x)| {
        x.apple_mdm
            .as_ref()
            .is_some_and(|a| a.device_id == dev && a.mdm_id == mdm)
    });
    let Some(s) = found.and_then(|(id, _)| o.systems.get(id)).map(|s| s.rec()) else {
        return di_error(StatusCode::NOT_FOUND, &format!("device {dev} not found"));
    };
    if matches!(action, "lock" | "erase") && s.os_family == "darwin" {
        let pin = body.get("pin").and_then(Value::as_str).unwrap_or("");
        if pin.len() != 6 || !pin.bytes().all(|b| b.is_ascii_digit()) {
            return di_error(
                StatusCode::BAD_REQUEST,
                "pin is required for macOS devices and must be exactly 6 digits",
            );
        }
    }
    record_event(
        &mut w,
        ctx,
        "mdm",
        match action {
            "lock" => "mdm_lock_command",
            "erase" => "mdm_erase_command",
            "restart" => "mdm_restart_command",
            "shutdown" => "mdm_shutdown_command",
            "clearActivationLock" => "mdm_clearactivationlock_command",
            _ => "mdm_refreshactivationlockinformation_command",
        },
        system_res(&s),
        None,
    );
    Resp::empty(StatusCode::NO_CONTENT)
}
