//! System Insights' bulk tables into the facts the mirror keeps per device: hardware, disk
//! encryption detail (FileVault, LUKS, BitLocker) and the system drive's size and free space.

use jumpcloud::models::{BitlockerRow, DiskEncryptionRow, LogicalDriveRow, SystemInfoRow};
use std::collections::{BTreeMap, BTreeSet};

/// (device, model, memory in bytes, CPU) of each known device.
pub(super) fn hardware(rows: Vec<SystemInfoRow>, known: &BTreeSet<&str>) -> Vec<(String, String, Option<i64>, String)> {
    rows.into_iter()
        .filter(|r| known.contains(r.system_id.as_str()))
        .map(|r| {
            (
                r.system_id,
                r.hardware_model.unwrap_or_default(),
                r.physical_memory.and_then(|m| m.parse::<i64>().ok()),
                r.cpu_brand.unwrap_or_default(),
            )
        })
        .collect()
}

/// (device, encryption detail) of each known device: the disk encryption rows as "status
/// (kind)", BitLocker's as "BitLocker C: on (100%, XTS-AES 128)".
pub(super) fn encryption(
    disk: Vec<DiskEncryptionRow>,
    bitlocker: Vec<BitlockerRow>,
    known: &BTreeSet<&str>,
) -> Vec<(String, String)> {
    let disks = disk
        .into_iter()
        .filter(|r| known.contains(r.system_id.as_str()))
        .map(|r| {
            let status = r.encryption_status.unwrap_or_default();
            let kind = r.kind.unwrap_or_default();
            let text = if kind.is_empty() {
                status
            } else {
                format!("{status} ({kind})")
            };
            (r.system_id, text)
        });
    let bitlockers = bitlocker
        .into_iter()
        .filter(|r| known.contains(r.system_id.as_str()))
        .map(|r| {
            let on = r.protection_status == Some(1);
            let text = format!(
                "BitLocker {} {} ({}%, {})",
                r.drive_letter.unwrap_or_default(),
                if on { "on" } else { "off" },
                r.percentage_encrypted.unwrap_or(0),
                r.encryption_method.unwrap_or_default()
            );
            (r.system_id, text)
        });
    disks.chain(bitlockers).collect()
}

/// (device, size, free bytes) of each known device's system drive: the boot partition, else
/// its largest drive.
pub(super) fn system_drives(rows: Vec<LogicalDriveRow>, known: &BTreeSet<&str>) -> Vec<(String, i64, i64)> {
    let mut best: BTreeMap<String, (bool, i64, i64)> = BTreeMap::new();
    for d in rows {
        let num = |v: &Option<String>| v.as_deref().and_then(|s| s.trim().parse::<i64>().ok());
        let (Some(size), Some(free)) = (num(&d.size), num(&d.free_space)) else {
            continue;
        };
        if size <= 0 || !known.contains(d.system_id.as_str()) {
            continue;
        }
        let candidate = (d.boot_partition == Some(1), size, free);
        let better = best
            .get(&d.system_id)
            .is_none_or(|held| (candidate.0, candidate.1) > (held.0, held.1));
        if better {
            best.insert(d.system_id, candidate);
        }
    }
    best.into_iter().map(|(id, (_, size, free))| (id, size, free)).collect()
}
