//! One device: its OS, agent, MDM enrolment and bindings.

use super::{slug, DAY_MS};
use crate::clock::rfc3339_ms;
use crate::model::*;
use crate::rng::Rng;
use crate::world::World;

/// What one device is made for: its id and number, owner, organisation and dates.
pub(super) struct SystemSpec<'a> {
    pub(super) id: &'a str,
    pub(super) i: usize,
    pub(super) owner: Option<&'a User>,
    pub(super) org_id: &'a str,
    pub(super) now: i64,
    pub(super) created_ms: i64,
    pub(super) mdm_id: &'a str,
}

/// The machine drawn for a device's platform: OS, name and hardware.
struct Machine {
    os: String,
    version: String,
    hostname: String,
    vendor: &'static str,
    model: String,
    serial: String,
    cpu: &'static str,
    memory_gb: u64,
    arch: &'static str,
}

/// What was drawn for a device before its record is written.
struct Drawn {
    family: &'static str,
    machine: Machine,
    last_contact: Option<i64>,
    fde_on: bool,
    mdm_internal: bool,
}

/// One device's record and the facts kept beside it; the draws happen in a fixed order so a
/// seed always gives the same device.
pub(super) fn make_system(rng: &mut Rng, world: &mut World, spec: &SystemSpec) -> (System, SystemExtra) {
    let family = draw_family(rng);
    let tag = spec
        .owner
        .map(|u| slug(&u.lastname).to_uppercase())
        .unwrap_or_else(|| "SPARE".into());
    let i = spec.i;
    let machine = match family {
        "darwin" => mac(rng, &tag, i),
        "windows" => windows_pc(rng),
        "linux" => linux_box(rng, i),
        "ios" => iphone(rng, &tag, i),
        _ => android_phone(rng, &tag, i),
    };
    let last_contact = draw_last_contact(rng, spec.now);
    let fde_on = match family {
        "linux" => rng.chance(0.6),
        _ => rng.chance(0.89),
    };
    let mdm_internal = match family {
        "darwin" => rng.chance(0.8),
        "windows" => rng.chance(0.55),
        "linux" => false,
        _ => true,
    };
    let apple_mdm = (mdm_internal && matches!(family, "darwin" | "ios")).then(|| AppleMdmLink {
        mdm_id: spec.mdm_id.to_string(),
        device_id: world.next_id(spec.created_ms),
        udid: format!("{}-{}", alnum(rng, 8), alnum(rng, 16)),
    });
    let hardware = draw_hardware(rng, &machine, family, spec.created_ms);
    let drawn = Drawn {
        family,
        machine,
        last_contact,
        fde_on,
        mdm_internal,
    };
    let sys = system_record(rng, spec, &drawn, apple_mdm.as_ref());
    let extra = SystemExtra::of(&sys, hardware, apple_mdm);
    (sys, extra)
}

/// Draws a device's platform: mostly Macs and Windows PCs, some Linux, a few phones.
fn draw_family(rng: &mut Rng) -> &'static str {
    let r = rng.unit();
    if r < 0.45 {
        "darwin"
    } else if r < 0.85 {
        "windows"
    } else if r < 0.97 {
        "linux"
    } else if r < 0.99 {
        "ios"
    } else {
        "android"
    }
}

/// A Mac laptop named for its owner (`tag`).
fn mac(rng: &mut Rng, tag: &str, i: usize) -> Machine {
    let (v, rel) = *rng.pick(&[
        ("15.6", "Sequoia"),
        ("14.7", "Sonoma"),
        ("26.1", "Tahoe"),
        ("13.7", "Ventura"),
    ]);
    let model = *rng.pick(&["MacBookPro18,3", "MacBookAir10,1", "Mac14,2", "Mac15,7", "Mac16,1"]);
    let serial = format!("C02{}", alnum(rng, 9));
    Machine {
        os: format!("Mac OS X {rel}"),
        version: v.to_string(),
        hostname: format!("MBP-{tag}-{i:05}"),
        vendor: "Apple Inc.",
        model: model.to_string(),
        serial,
        cpu: "Apple M2",
        memory_gb: *rng.pick(&[8u64, 16, 32]),
        arch: "arm64",
    }
}

/// A Windows 10 or 11 laptop from one of the big vendors.
fn windows_pc(rng: &mut Rng) -> Machine {
    let v = *rng.pick(&["10.0.22631", "10.0.26100", "10.0.19045"]);
    let name = if v.ends_with("19045") {
        "Windows 10 Pro"
    } else {
        "Windows 11 Pro"
    };
    let vendor = *rng.pick(&["Dell Inc.", "LENOVO", "HP", "Microsoft Corporation"]);
    let model = match vendor {
        "Dell Inc." => "Latitude 7440",
        "LENOVO" => "ThinkPad T14 Gen 4",
        "HP" => "EliteBook 840 G10",
        _ => "Surface Laptop 5",
    };
    Machine {
        os: name.to_string(),
        version: v.to_string(),
        hostname: format!("DESKTOP-{}", alnum(rng, 7)),
        vendor,
        model: model.to_string(),
        serial: alnum(rng, 10),
        cpu: "Intel(R) Core(TM) i7-1365U",
        memory_gb: *rng.pick(&[16u64, 32]),
        arch: "x86_64",
    }
}

/// A Linux developer workstation.
fn linux_box(rng: &mut Rng, i: usize) -> Machine {
    let (name, v) = *rng.pick(&[
        ("Ubuntu", "24.04"),
        ("Ubuntu", "22.04"),
        ("Debian", "12"),
        ("Fedora", "41"),
    ]);
    Machine {
        os: name.to_string(),
        version: v.to_string(),
        hostname: format!("{}-dev-{i:05}", slug(name)),
        vendor: "Dell Inc.",
        model: "Precision 3660".to_string(),
        serial: alnum(rng, 7),
        cpu: "AMD Ryzen 9 7950X",
        memory_gb: *rng.pick(&[32u64, 64]),
        arch: "x86_64",
    }
}

/// An iPhone named for its owner (`tag`).
fn iphone(rng: &mut Rng, tag: &str, i: usize) -> Machine {
    Machine {
        os: "iOS".to_string(),
        version: "18.6".to_string(),
        hostname: format!("iPhone-{tag}-{i:05}"),
        vendor: "Apple Inc.",
        model: "iPhone16,1".to_string(),
        serial: format!("F{}", alnum(rng, 10)),
        cpu: "Apple A17 Pro",
        memory_gb: 8,
        arch: "arm64",
    }
}

/// An Android phone named for its owner (`tag`).
fn android_phone(rng: &mut Rng, tag: &str, i: usize) -> Machine {
    Machine {
        os: "Android".to_string(),
        version: "15".to_string(),
        hostname: format!("Pixel-{tag}-{i:05}"),
        vendor: "Google",
        model: "Pixel 8".to_string(),
        serial: alnum(rng, 12),
        cpu: "Google Tensor G3",
        memory_gb: 8,
        arch: "arm64",
    }
}

/// When the device last reached JumpCloud: mostly in the last two days, some stale for
/// weeks, a few never.
fn draw_last_contact(rng: &mut Rng, now: i64) -> Option<i64> {
    let stale = rng.chance(0.07);
    if rng.chance(0.01) {
        None
    } else if stale {
        Some(now - (31 + rng.below(200) as i64) * DAY_MS)
    } else {
        Some(now - rng.below(2 * DAY_MS as u64) as i64)
    }
}

/// The major, minor and patch parts of a dotted version ("0" where missing).
fn version_parts(version: &str) -> (&str, &str, &str) {
    let mut parts = version.split('.');
    (
        parts.next().unwrap_or("0"),
        parts.next().unwrap_or("0"),
        parts.next().unwrap_or("0"),
    )
}

/// The device's hardware facts, as System Insights reports them.
fn draw_hardware(rng: &mut Rng, machine: &Machine, family: &str, created_ms: i64) -> Hardware {
    let (major, _, _) = version_parts(&machine.version);
    Hardware {
        model: machine.model.clone(),
        memory_bytes: machine.memory_gb * 1024 * 1024 * 1024,
        cpu_brand: machine.cpu.into(),
        cpu_physical_cores: 8,
        cpu_logical_cores: if family == "darwin" { 8 } else { 16 },
        uuid: format!(
            "{}-{}-{}-{}-{}",
            alnum(rng, 8),
            alnum(rng, 4),
            alnum(rng, 4),
            alnum(rng, 4),
            alnum(rng, 12)
        ),
        os_build: format!("{}{}", major, alnum(rng, 3)),
        os_install_date: rfc3339_ms(created_ms),
        encryption_method: match family {
            "windows" => "XTS_AES_128".into(),
            "darwin" => "APFS".into(),
            _ => "aes-xts-plain64".into(),
        },
    }
}

/// The device's JumpCloud system record (its remaining draws happen in field order).
fn system_record(rng: &mut Rng, spec: &SystemSpec, drawn: &Drawn, apple_mdm: Option<&AppleMdmLink>) -> System {
    let Drawn {
        family,
        ref machine,
        last_contact,
        fde_on,
        mdm_internal,
    } = *drawn;
    let Machine {
        ref os,
        ref version,
        ref hostname,
        vendor,
        ref serial,
        arch,
        ..
    } = *machine;
    let (now, owner) = (spec.now, spec.owner);
    let mobile = matches!(family, "ios" | "android");
    System {
        id: spec.id.into(),
        display_name: hostname.clone(),
        hostname: hostname.clone(),
        serial_number: serial.clone(),
        hw_vendor: vendor.into(),
        arch: arch.into(),
        arch_family: if arch == "arm64" { "arm".into() } else { "x86".into() },
        os: os.clone(),
        os_family: family.into(),
        version: version.clone(),
        os_version_detail: os_version_detail(os, version, family),
        last_contact: last_contact.map(rfc3339_ms),
        active: last_contact.map(|t| now - t < 10 * 60_000).unwrap_or(false),
        created: rfc3339_ms(spec.created_ms),
        agent_version: if mobile { String::new() } else { "2.9.1".into() },
        remote_ip: format!("203.0.113.{}", rng.below(254) + 1),
        system_timezone: if family == "windows" { -480 } else { 0 },
        fde: Fde {
            active: fde_on,
            key_present: fde_on && rng.chance(0.95),
        },
        mdm: mdm_record(rng, family, mdm_internal, apple_mdm),
        built_in_commands: vec![],
        primary_system_user: owner.map(|u| IdRef { id: u.id.clone() }),
        user_metrics: owner.map(|u| user_metrics(u, family)).unwrap_or_default(),
        domain_info: DomainInfo::default(),
        azure_ad_joined: family == "windows" && rng.chance(0.3),
        system_insights: InsightsState {
            state: if mobile { "disabled".into() } else { "enabled".into() },
        },
        network_interfaces: vec![NetworkInterface {
            name: "en0".into(),
            address: format!("10.20.{}.{}", rng.below(255), rng.below(254) + 1),
            family: "IPv4".into(),
            internal: false,
        }],
        organization: spec.org_id.into(),
        allow_multi_factor_authentication: false,
        allow_ssh_password_authentication: family == "linux",
        allow_ssh_root_login: false,
        allow_public_key_authentication: family == "linux",
        modify_sshd_config: family == "linux",
        desktop_capable: !mobile && family != "linux",
        tags: vec![],
        attributes: vec![],
        description: String::new(),
    }
}

/// The OS version broken into its parts, with the release name and Linux distribution.
fn os_version_detail(os: &str, version: &str, family: &str) -> OsVersionDetail {
    let (major, minor, patch) = version_parts(version);
    OsVersionDetail {
        os_name: os.to_string(),
        major: major.into(),
        minor: minor.into(),
        patch: patch.into(),
        release_name: os.split(' ').next_back().unwrap_or("").into(),
        version: version.to_string(),
        distribution_name: if family == "linux" {
            os.to_string()
        } else {
            String::new()
        },
    }
}

/// The device's MDM enrolment: JumpCloud's own MDM when enrolled, none otherwise.
fn mdm_record(rng: &mut Rng, family: &str, mdm_internal: bool, apple_mdm: Option<&AppleMdmLink>) -> Mdm {
    Mdm {
        vendor: if mdm_internal { "internal".into() } else { "none".into() },
        dep: mdm_internal && family == "darwin" && rng.chance(0.5),
        user_approved: mdm_internal,
        enrollment_type: if mdm_internal {
            if family == "darwin" {
                "automated device".into()
            } else {
                "device".into()
            }
        } else {
            "unknown".into()
        },
        internal: MdmInternal {
            device_id: apple_mdm.map(|a| a.device_id.clone()).unwrap_or_default(),
            windows_device_id: if mdm_internal && family == "windows" {
                alnum(rng, 12).to_lowercase()
            } else {
                String::new()
            },
        },
        profile_identifier: if mdm_internal {
            "com.jumpcloud.mdm".into()
        } else {
            String::new()
        },
        provider_id: String::new(),
        lost_mode_status: String::new(),
    }
}

/// The owner's account as the device's agent reports it.
fn user_metrics(owner: &User, family: &str) -> Vec<UserMetric> {
    vec![UserMetric {
        user_name: owner.username.clone(),
        admin: family == "linux",
        managed: true,
        suspended: owner.suspended,
        secure_token_enabled: family == "darwin",
    }]
}

pub(super) fn alnum(rng: &mut Rng, n: usize) -> String {
    const CHARS: &[u8] = b"ABCDEFGHJKLMNPQRSTUVWXYZ0123456789";
    (0..n).map(|_| CHARS[rng.index(CHARS.len())] as char).collect()
}
