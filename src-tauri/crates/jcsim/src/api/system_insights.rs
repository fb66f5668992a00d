//! System Insights tables.

use super::*;

pub(super) const INSIGHTS_TABLES: &[&str] = &[
    "system_info",
    "os_version",
    "disk_encryption",
    "bitlocker_info",
    "users",
    "uptime",
    "logical_drives",
];

const DAY_MS: i64 = 86_400_000;

/// When the device last booted, seen at `at_ms` (its last check-in): each device reboots on its
/// own cycle of 1 to 21 days, so its uptime grows with check-ins and drops at a reboot.
fn booted_ms(id: &str, at_ms: i64) -> i64 {
    let cycle = DAY_MS + (crate::life::mix(id, 1) % (20 * DAY_MS as u64)) as i64;
    let offset = (crate::life::mix(id, 2) % cycle as u64) as i64;
    at_ms - (at_ms + offset).rem_euclid(cycle)
}

/// Free space on the system drive at `at_ms` (bytes of `size`): a share of it that drifts from
/// day to day, low on about one device in twelve.
fn free_bytes(id: &str, size: u64, at_ms: i64) -> u64 {
    let day = at_ms.div_euclid(DAY_MS);
    let base = if crate::life::share(id, 3) < 0.08 {
        0.03
    } else {
        0.15 + 0.6 * crate::life::share(id, 4)
    };
    let drift = 0.04 * (crate::life::share(id, day) - 0.5);
    (size as f64 * (base + drift).clamp(0.01, 0.95)) as u64
}

/// `GET /api/v2/systeminsights/{table}`: the table's rows for the devices it applies to, paged
/// by row.
pub(super) fn system_insights(state: &SimState, ctx: &Ctx, req: &Req, table: &str) -> Resp {
    let (q, only) = match insights_query(req, table) {
        Ok(asked) => asked,
        Err(e) => return e,
    };
    let w = state.world.read().expect("world lock");
    let o = &w.orgs[ctx.org];
    let candidates: Vec<(&Id, &SystemExtra)> = match &only {
        Some(ids) => ids.iter().filter_map(|i| o.system_extra.get_key_value(i)).collect(),
        None => o.system_extra.iter().collect(),
    };
    // Count from the small per-device facts; parse and build rows only for the page.
    let counts: Vec<(usize, &Id, &SystemExtra)> = candidates
        .into_iter()
        .filter(|(_, x)| table_applies(table, x))
        .map(|(id, x)| (if table == "users" { x.local_users } else { 1 }, id, x))
        .collect();
    let total: usize = counts.iter().map(|(n, _, _)| n).sum();
    let page = insights_page(o, table, counts, &q, total);
    drop(w);
    Resp::json(StatusCode::OK, query::json_array(&page)).with_total(total)
}

/// The paging of the request and the devices it is limited to; an unknown table or a filter
/// other than `system_id` is refused.
fn insights_query(req: &Req, table: &str) -> Result<(ListQuery, Option<BTreeSet<String>>), Resp> {
    if !INSIGHTS_TABLES.contains(&table) {
        return Err(error(
            StatusCode::NOT_FOUND,
            &format!("jcsim does not serve System Insights table \"{table}\""),
        ));
    }
    let mut q = list(req, Flavor::V2, 10_000)?;
    // Only system_id:eq / system_id:in are supported, as on JumpCloud.
    let mut only: Option<BTreeSet<String>> = None;
    for f in &q.filters {
        if f.field != "system_id" || !(f.op == "eq" || f.op == "in") {
            return Err(error(
                StatusCode::BAD_REQUEST,
                &format!(
                    "Bad Request: System Insights filters support only system_id with eq or in, not {}:{}",
                    f.field, f.op
                ),
            ));
        }
        only = Some(f.value.split('|').map(String::from).collect());
    }
    q.filters.clear();
    Ok((q, only))
}

/// Whether the table has rows for the device: insights on, and the table fits its platform.
fn table_applies(table: &str, x: &SystemExtra) -> bool {
    x.insights_enabled
        && match table {
            "disk_encryption" => x.os_family == "darwin" || x.os_family == "linux",
            "bitlocker_info" => x.os_family == "windows",
            _ => true,
        }
}

/// The rows of the page, building rows only for the devices it reaches (`counts`: each
/// device's row count).
fn insights_page(
    o: &Org,
    table: &str,
    counts: Vec<(usize, &Id, &SystemExtra)>,
    q: &ListQuery,
    total: usize,
) -> Vec<Bytes> {
    let mut page = Vec::with_capacity(q.limit.min(total));
    let mut skipped = 0;
    for (n, id, extra) in counts {
        if page.len() >= q.limit {
            break;
        }
        if skipped + n <= q.skip {
            skipped += n;
            continue;
        }
        let Some(s) = o.systems.get(id).map(|s| s.rec()) else {
            continue;
        };
        for row in insight_rows(table, &s, extra) {
            if skipped < q.skip {
                skipped += 1;
                continue;
            }
            if page.len() < q.limit {
                page.push(Bytes::from(row.to_string()));
            }
        }
    }
    page
}

pub(super) fn insight_rows(table: &str, s: &System, x: &SystemExtra) -> Vec<Value> {
    let ct = s.last_contact.clone().unwrap_or_else(|| s.created.clone());
    let base = |mut v: Value| {
        v["system_id"] = json!(s.id);
        v["collection_time"] = json!(ct);
        v
    };
    match table {
        "system_info" => vec![base(json!({
            "hardware_model": x.hardware.model, "hardware_vendor": s.hw_vendor, "hardware_serial": s.serial_number,
            "physical_memory": x.hardware.memory_bytes.to_string(), "cpu_brand": x.hardware.cpu_brand,
            "cpu_physical_cores": x.hardware.cpu_physical_cores, "cpu_logical_cores": x.hardware.cpu_logical_cores,
            "cpu_type": s.arch, "computer_name": s.hostname, "hostname": s.hostname, "uuid": x.hardware.uuid,
        }))],
        "os_version" => vec![base(json!({
            "name": s.os, "version": s.version, "major": s.os_version_detail.major.parse::<i64>().unwrap_or(0),
            "minor": s.os_version_detail.minor.parse::<i64>().unwrap_or(0), "patch": s.os_version_detail.patch.parse::<i64>().unwrap_or(0),
            "build": x.hardware.os_build, "platform": s.os_family, "install_date": x.hardware.os_install_date,
        }))],
        "disk_encryption" => vec![base(json!({
            "name": if s.os_family == "darwin" { "/dev/disk3s1" } else { "/dev/nvme0n1p3" },
            "encrypted": if s.fde.active { 1 } else { 0 },
            "encryption_status": if s.fde.active { "encrypted" } else { "not encrypted" },
            "type": if s.fde.active { x.hardware.encryption_method.as_str() } else { "" },
            "uid": "", "user_uuid": "",
        }))],
        "bitlocker_info" => vec![base(json!({
            "drive_letter": "C:", "device_id": format!("\\\\?\\Volume{{{}}}", x.hardware.uuid),
            "protection_status": if s.fde.active { 1 } else { 0 }, "conversion_status": if s.fde.active { 1 } else { 0 },
            "encryption_method": if s.fde.active { x.hardware.encryption_method.as_str() } else { "None" },
            "percentage_encrypted": if s.fde.active { 100 } else { 0 }, "lock_status": 0, "persistent_volume_id": "",
        }))],
        "uptime" => {
            let at = crate::clock::parse_rfc3339_ms(&ct).unwrap_or(0);
            let secs = (at - booted_ms(&s.id, at)) / 1000;
            vec![base(json!({
                "days": secs / 86_400, "hours": secs % 86_400 / 3600, "minutes": secs % 3600 / 60,
                "seconds": secs % 60, "total_seconds": secs.to_string(),
            }))]
        }
        "logical_drives" => {
            let at = crate::clock::parse_rfc3339_ms(&ct).unwrap_or(0);
            let size: u64 = match s.os_family.as_str() {
                "darwin" => 494_384_795_648,
                "windows" => 511_101_108_224,
                _ => 254_721_126_400,
            };
            let (device, fs) = match s.os_family.as_str() {
                "windows" => ("C:", "NTFS"),
                "darwin" => ("/dev/disk3s1", "apfs"),
                _ => ("/dev/nvme0n1p2", "ext4"),
            };
            vec![base(json!({
                "device_id": device, "file_system": fs, "type": "Local Fixed Disk", "boot_partition": 1,
                "size": size.to_string(), "free_space": free_bytes(&s.id, size, at).to_string(),
            }))]
        }
        "users" => {
            let mut rows = vec![base(
                json!({ "username": "root", "uid": "0", "gid": "0", "description": "System Administrator", "directory": "/var/root", "shell": "/bin/sh", "admin": true, "managed": false, "suspended": false, "last_login": "" }),
            )];
            for (i, m) in s.user_metrics.iter().enumerate() {
                rows.push(base(json!({ "username": m.user_name, "uid": (501 + i).to_string(), "gid": "20", "description": m.user_name, "directory": format!("/home/{}", m.user_name), "shell": "/bin/bash", "admin": m.admin, "managed": m.managed, "suspended": m.suspended, "last_login": ct })));
            }
            rows
        }
        _ => vec![],
    }
}
