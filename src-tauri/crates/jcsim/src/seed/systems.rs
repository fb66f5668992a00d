//! One device: its OS, agent, MDM enrolment and bindings.

use super::{slug, DAY_MS};
use crate::clock::rfc3339_ms;
use crate::model::*;
use crate::rng::Rng;
use crate::world::World;

#[allow(clippy::too_many_arguments)]
pub(super) fn make_system(
    rng: &mut Rng,
    id: &str,
    i: usize,
    owner: Option<&User>,
    org_id: &str,
    now: i64,
    created_ms: i64,
    mdm_id: &str,
    world: &mut World,
) -> (System, SystemExtra) {
    let r = rng.unit();
    let family = if r < 0.45 {
        "darwin"
    } else if r < 0.85 {
        "windows"
    } else if r < 0.97 {
        "linux"
    } else if r < 0.99 {
        "ios"
    } else {
        "android"
    };
    let tag = owner
        .map(|u| slug(&u.lastname).to_uppercase())
        .unwrap_or_else(|| "SPARE".into());
    let (os, version, hostname, vendor, model, serial, cpu, memory_gb, arch) = match family {
        "darwin" => {
            let (v, rel) = *rng.pick(&[
                ("15.6", "Sequoia"),
                ("14.7", "Sonoma"),
                ("26.1", "Tahoe"),
                ("13.7", "Ventura"),
            ]);
            let model = *rng.pick(&["MacBookPro18,3", "MacBookAir10,1", "Mac14,2", "Mac15,7", "Mac16,1"]);
            let serial = format!("C02{}", alnum(rng, 9));
            (
                format!("Mac OS X {rel}"),
                v.to_string(),
                format!("MBP-{tag}-{i:05}"),
                "Apple Inc.",
                model.to_string(),
                serial,
                "Apple M2",
                *rng.pick(&[8u64, 16, 32]),
                "arm64",
            )
        }
        "windows" => {
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
            (
                name.to_string(),
                v.to_string(),
                format!("DESKTOP-{}", alnum(rng, 7)),
                vendor,
                model.to_string(),
                alnum(rng, 10),
                "Intel(R) Core(TM) i7-1365U",
                *rng.pick(&[16u64, 32]),
                "x86_64",
            )
        }
        "linux" => {
            let (name, v) = *rng.pick(&[
                ("Ubuntu", "24.04"),
                ("Ubuntu", "22.04"),
                ("Debian", "12"),
                ("Fedora", "41"),
            ]);
            (
                name.to_string(),
                v.to_string(),
                format!("{}-dev-{i:05}", slug(name)),
                "Dell Inc.",
                "Precision 3660".to_string(),
                alnum(rng, 7),
                "AMD Ryzen 9 7950X",
                *rng.pick(&[32u64, 64]),
                "x86_64",
            )
        }
        "ios" => (
            "iOS".to_string(),
            "18.6".to_string(),
            format!("iPhone-{tag}-{i:05}"),
            "Apple Inc.",
            "iPhone16,1".to_string(),
            format!("F{}", alnum(rng, 10)),
            "Apple A17 Pro",
            8,
            "arm64",
        ),
        _ => (
            "Android".to_string(),
            "15".to_string(),
            format!("Pixel-{tag}-{i:05}"),
            "Google",
            "Pixel 8".to_string(),
            alnum(rng, 12),
            "Google Tensor G3",
            8,
            "arm64",
        ),
    };
    let mobile = matches!(family, "ios" | "android");
    let stale = rng.chance(0.07);
    let last_contact = if rng.chance(0.01) {
        None
    } else if stale {
        Some(now - (31 + rng.below(200) as i64) * DAY_MS)
    } else {
        Some(now - rng.below(2 * DAY_MS as u64) as i64)
    };
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
        mdm_id: mdm_id.to_string(),
        device_id: world.next_id(created_ms),
        udid: format!("{}-{}", alnum(rng, 8), alnum(rng, 16)),
    });
    let mut parts = version.split('.');
    let (major, minor, patch) = (
        parts.next().unwrap_or("0"),
        parts.next().unwrap_or("0"),
        parts.next().unwrap_or("0"),
    );
    let hardware = Hardware {
        model,
        memory_bytes: memory_gb * 1024 * 1024 * 1024,
        cpu_brand: cpu.into(),
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
    };
    let sys = System {
        id: id.into(),
        display_name: hostname.clone(),
        hostname: hostname.clone(),
        serial_number: serial,
        hw_vendor: vendor.into(),
        arch: arch.into(),
        arch_family: if arch == "arm64" { "arm".into() } else { "x86".into() },
        os: os.clone(),
        os_family: family.into(),
        version: version.clone(),
        os_version_detail: OsVersionDetail {
            os_name: os.clone(),
            major: major.into(),
            minor: minor.into(),
            patch: patch.into(),
            release_name: os.split(' ').next_back().unwrap_or("").into(),
            version: version.clone(),
            distribution_name: if family == "linux" { os.clone() } else { String::new() },
        },
        last_contact: last_contact.map(rfc3339_ms),
        active: last_contact.map(|t| now - t < 10 * 60_000).unwrap_or(false),
        created: rfc3339_ms(created_ms),
        agent_version: if mobile { String::new() } else { "2.9.1".into() },
        remote_ip: format!("203.0.113.{}", rng.below(254) + 1),
        system_timezone: if family == "windows" { -480 } else { 0 },
        fde: Fde {
            active: fde_on,
            key_present: fde_on && rng.chance(0.95),
        },
        mdm: Mdm {
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
                device_id: apple_mdm.as_ref().map(|a| a.device_id.clone()).unwrap_or_default(),
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
        },
        built_in_commands: vec![],
        primary_system_user: owner.map(|u| IdRef { id: u.id.clone() }),
        user_metrics: owner
            .map(|u| {
                vec![UserMetric {
                    user_name: u.username.clone(),
                    admin: family == "linux",
                    managed: true,
                    suspended: u.suspended,
                    secure_token_enabled: family == "darwin",
                }]
            })
            .unwrap_or_default(),
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
        organization: org_id.into(),
        allow_multi_factor_authentication: false,
        allow_ssh_password_authentication: family == "linux",
        allow_ssh_root_login: false,
        allow_public_key_authentication: family == "linux",
        modify_sshd_config: family == "linux",
        desktop_capable: !mobile && family != "linux",
        tags: vec![],
        attributes: vec![],
        description: String::new(),
    };
    let extra = SystemExtra::of(&sys, hardware, apple_mdm);
    (sys, extra)
}

pub(super) fn alnum(rng: &mut Rng, n: usize) -> String {
    const CHARS: &[u8] = b"ABCDEFGHJKLMNPQRSTUVWXYZ0123456789";
    (0..n).map(|_| CHARS[rng.index(CHARS.len())] as char).collect()
}
