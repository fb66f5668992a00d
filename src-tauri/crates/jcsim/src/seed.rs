//! Seeded fictional organisations: deterministic from a seed, from 20 users to 50,000 users
//! and 50,000 devices, with the mix an IT admin sees in real life (see `SeedConfig`).

use crate::clock::rfc3339_ms;
use crate::model::*;
use crate::rng::Rng;
use crate::world::{Org, Stored, Sudo, World};
use serde_json::json;
use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;

const DAY_MS: i64 = 86_400_000;

/// What to generate.
#[derive(Debug, Clone, PartialEq)]
pub struct SeedConfig {
    pub seed: u64,
    pub users: usize,
    /// Devices; defaults to about one per user.
    pub systems: usize,
    /// User groups; system groups are about a quarter of that.
    pub user_groups: usize,
    pub org_name: String,
    /// Add records whose fields hold HTML/JS, very long strings, emoji and right-to-left text.
    pub hostile: bool,
    /// Add a second, small organisation reachable by the multi-tenant (MSP) key.
    pub second_org: bool,
    /// "Now" for the generated history (last contact, logins), ms since the epoch.
    pub now_ms: i64,
}

impl SeedConfig {
    /// A sensible org of `users` people: one device each, a group per ~20 people.
    pub fn sized(seed: u64, users: usize) -> Self {
        Self {
            seed,
            users,
            systems: users,
            user_groups: (users / 20).clamp(6, 1000),
            org_name: "Northwind Robotics".into(),
            hostile: false,
            second_org: true,
            now_ms: crate::clock::now_ms() / 3_600_000 * 3_600_000,
        }
    }
}

const FIRST: &[&str] = &[
    "Olivia", "Liam", "Emma", "Noah", "Amelia", "Oliver", "Ava", "Elijah", "Sophia", "Mateo", "Isabella", "Lucas",
    "Mia", "Levi", "Aaliyah", "Wei", "Priya", "Arjun", "Fatima", "Omar", "Yuki", "Hiro", "Chloé", "Jonas", "Ingrid",
    "Sven", "Zanele", "Kwame", "Ana", "João", "Lucía", "Diego", "Siobhan", "Declan", "Nadia", "Dmitri", "Leila",
    "Tariq", "Mei", "Hannah", "Samuel", "Grace", "Ethan", "Zoe", "Rafael", "Elena", "Marco", "Sara", "Kofi", "Aisha",
];
const LAST: &[&str] = &[
    "Smith",
    "Johnson",
    "Williams",
    "Brown",
    "Jones",
    "Garcia",
    "Miller",
    "Davis",
    "Rodriguez",
    "Martinez",
    "Nguyen",
    "Kim",
    "Patel",
    "Singh",
    "Chen",
    "Wang",
    "Müller",
    "Schmidt",
    "Rossi",
    "Bianchi",
    "Dubois",
    "Laurent",
    "Okafor",
    "Mensah",
    "Silva",
    "Santos",
    "O'Brien",
    "Murphy",
    "Kowalski",
    "Nowak",
    "Ivanova",
    "Haddad",
    "Tanaka",
    "Sato",
    "Larsen",
    "Andersen",
    "Cohen",
    "Levi",
    "Khan",
    "Ahmed",
    "Walker",
    "Young",
    "Allen",
    "Wright",
    "Scott",
    "Green",
];
const DEPTS: &[(&str, &[&str])] = &[
    (
        "Engineering",
        &[
            "Software Engineer",
            "Senior Software Engineer",
            "Staff Engineer",
            "Engineering Manager",
            "QA Engineer",
        ],
    ),
    (
        "Sales",
        &["Account Executive", "Sales Development Rep", "Sales Manager"],
    ),
    ("Marketing", &["Marketing Manager", "Content Writer", "Designer"]),
    ("Finance", &["Accountant", "Financial Analyst", "Controller"]),
    (
        "Operations",
        &["Operations Manager", "Office Manager", "Logistics Coordinator"],
    ),
    ("Support", &["Support Engineer", "Support Lead"]),
    ("IT", &["IT Administrator", "Systems Engineer"]),
    ("People", &["HR Business Partner", "Recruiter"]),
    ("Legal", &["Counsel", "Paralegal"]),
    ("Product", &["Product Manager", "UX Researcher"]),
];
const LOCATIONS: &[&str] = &[
    "Seattle",
    "Denver",
    "London",
    "Berlin",
    "Remote",
    "Toronto",
    "Bengaluru",
    "Lisbon",
];
const EMPLOYEE_TYPES: &[&str] = &[
    "Full-time",
    "Full-time",
    "Full-time",
    "Full-time",
    "Contractor",
    "Intern",
];
const APPS: &[(&str, &str)] = &[
    ("slack", "Slack"),
    ("googleworkspace", "Google Workspace"),
    ("zoom", "Zoom"),
    ("github", "GitHub"),
    ("salesforce", "Salesforce"),
    ("atlassian", "Atlassian Cloud"),
    ("aws", "AWS IAM Identity Center"),
    ("notion", "Notion"),
    ("dropbox", "Dropbox"),
    ("1password", "1Password"),
    ("figma", "Figma"),
    ("hubspot", "HubSpot"),
];

/// Builds a world from the configuration.
pub fn generate(cfg: &SeedConfig) -> World {
    let mut world = World {
        provider_id: object_id(1_500_000_000, cfg.seed),
        ..World::default()
    };
    let mut rng = Rng::new(cfg.seed);
    let main = generate_org(
        &mut world,
        &mut rng.fork(1),
        cfg,
        &cfg.org_name,
        cfg.users,
        cfg.systems,
        cfg.user_groups,
        0,
    );
    world.orgs.push(main);
    if cfg.second_org {
        let second = generate_org(
            &mut world,
            &mut rng.fork(2),
            cfg,
            "Contoso Dental (MSP client)",
            20,
            20,
            3,
            1,
        );
        world.orgs.push(second);
    }
    generate_admins(&mut world, &mut rng.fork(3), cfg);
    world
}

fn slug(s: &str) -> String {
    let mut out = String::new();
    for c in s.chars() {
        match c {
            'a'..='z' | '0'..='9' => out.push(c),
            'A'..='Z' => out.push(c.to_ascii_lowercase()),
            'é' | 'è' => out.push('e'),
            'ü' => out.push('u'),
            'ã' | 'á' => out.push('a'),
            'ç' => out.push('c'),
            _ => {}
        }
    }
    out
}

#[allow(clippy::too_many_arguments)]
fn generate_org(
    world: &mut World,
    rng: &mut Rng,
    cfg: &SeedConfig,
    name: &str,
    n_users: usize,
    n_systems: usize,
    n_groups: usize,
    org_no: u64,
) -> Org {
    let now = cfg.now_ms;
    let org_id = object_id(
        1_400_000_000 + org_no as i64,
        cfg.seed.wrapping_mul(31).wrapping_add(org_no),
    );
    let domain = format!("{}.example", slug(name).chars().take(20).collect::<String>());
    let mut org = Org {
        org: Some(Organization {
            id: org_id.clone(),
            display_name: name.into(),
            logo_url: String::new(),
        }),
        ..Org::default()
    };
    let three_years = 3 * 365 * DAY_MS;

    // ---- users ----
    let mut user_ids: Vec<Id> = Vec::with_capacity(n_users);
    let mut usernames = BTreeSet::new();
    let mut dept_of = Vec::with_capacity(n_users);
    for i in 0..n_users {
        let first = *rng.pick(FIRST);
        let last = *rng.pick(LAST);
        let mut username = format!("{}.{}", slug(first), slug(last));
        if !usernames.insert(username.clone()) {
            username = format!("{username}{}", i);
            usernames.insert(username.clone());
        }
        let created_ms = now - three_years + (i as i64 * three_years / n_users.max(1) as i64) - DAY_MS;
        let id = world.next_id(created_ms);
        let (dept, titles) = *rng.pick(DEPTS);
        let roll = rng.unit();
        let (state, activated, suspended) = if roll < 0.05 {
            ("STAGED", false, false)
        } else if roll < 0.12 {
            ("SUSPENDED", true, true)
        } else {
            ("ACTIVATED", true, false)
        };
        let locked = state == "ACTIVATED" && rng.chance(0.02);
        let mfa_on = state != "STAGED" && rng.chance(0.8);
        let mut enrollment = MfaEnrollment::not_enrolled();
        if mfa_on {
            enrollment.totp_status = "ENROLLED".into();
            enrollment.overall_status = "ENROLLED".into();
            if rng.chance(0.4) {
                enrollment.push_status = "ENROLLED".into();
            }
        } else if state == "ACTIVATED" && rng.chance(0.3) {
            enrollment.totp_status = "PENDING_ACTIVATION".into();
            enrollment.overall_status = "PENDING_ACTIVATION".into();
        }
        let password_date = now - rng.below(200) as i64 * DAY_MS;
        let never_expires = rng.chance(0.05);
        let expires = password_date + 90 * DAY_MS;
        let manager = if i > 5 && rng.chance(0.6) {
            Some(user_ids[rng.index(i.min(50))].clone())
        } else {
            None
        };
        let user = User {
            id: id.clone(),
            username: username.clone(),
            email: format!("{username}@{domain}"),
            firstname: first.into(),
            middlename: String::new(),
            lastname: last.into(),
            displayname: format!("{first} {last}"),
            alternate_email: String::new(),
            recovery_email: RecoveryEmail {
                address: format!("{username}@personal.example"),
                verified: rng.chance(0.5),
            },
            job_title: rng.pick(titles).to_string(),
            department: dept.into(),
            company: name.into(),
            cost_center: format!("CC-{}", 100 + DEPTS.iter().position(|d| d.0 == dept).unwrap_or(0) * 10),
            employee_type: rng.pick(EMPLOYEE_TYPES).to_string(),
            employee_identifier: format!("E{:06}", org_no * 1_000_000 + i as u64 + 1),
            location: rng.pick(LOCATIONS).to_string(),
            description: String::new(),
            addresses: vec![],
            phone_numbers: if rng.chance(0.7) {
                vec![PhoneNumber {
                    kind: "work".into(),
                    number: format!("+1 555 {:04}", rng.below(10_000)),
                }]
            } else {
                vec![]
            },
            manager,
            state: state.into(),
            activated,
            suspended,
            account_locked: locked,
            account_locked_date: locked.then(|| rfc3339_ms(now - rng.below(5) as i64 * DAY_MS - 3_600_000)),
            bad_login_attempts: if locked { 10 } else { rng.below(3) as u32 },
            password_expired: !never_expires && expires < now && state == "ACTIVATED",
            password_expiration_date: (!never_expires && state != "STAGED").then(|| rfc3339_ms(expires)),
            password_date: (state != "STAGED").then(|| rfc3339_ms(password_date)),
            password_never_expires: never_expires,
            mfa: Mfa {
                configured: mfa_on,
                exclusion: false,
                exclusion_until: None,
                exclusion_days: None,
            },
            totp_enabled: mfa_on,
            enable_user_portal_multifactor: mfa_on,
            mfa_enrollment: enrollment,
            created: rfc3339_ms(created_ms),
            creation_source: "jumpcloud:user_portal".into(),
            admin: None,
            organization: org_id.clone(),
            sudo: false,
            passwordless_sudo: false,
            allow_public_key: true,
            enable_managed_uid: false,
            ldap_binding_user: false,
            samba_service_user: false,
            unix_uid: 5000 + i as u32,
            unix_guid: 5000 + i as u32,
            attributes: vec![],
            tags: vec![],
        };
        dept_of.push(dept);
        org.users.insert(id.clone(), Stored::new(user));
        user_ids.push(id);
    }

    // ---- groups ----
    let mut ug_ids = Vec::new();
    let mut dept_groups = BTreeMap::new();
    let base_groups: Vec<String> = [
        "All Staff",
        "VPN Users",
        "Managers",
        "Contractors",
        "Wi-Fi Corp",
        "Admins - Local Sudo",
    ]
    .iter()
    .map(|s| s.to_string())
    .chain(DEPTS.iter().map(|d| d.0.to_string()))
    .collect();
    for g in 0..n_groups.max(base_groups.len()) {
        let gname = base_groups
            .get(g)
            .cloned()
            .unwrap_or_else(|| format!("Project {:04}", g - base_groups.len() + 1));
        let id = world.next_id(now - three_years);
        org.user_groups
            .insert(id.clone(), group(&id, &gname, "user_group", &org_id, &domain));
        if DEPTS.iter().any(|d| d.0 == gname) {
            dept_groups.insert(gname.clone(), id.clone());
        }
        ug_ids.push(id);
    }
    for (i, uid) in user_ids.iter().enumerate() {
        let u = &org.users[uid].rec();
        if u.state != "STAGED" {
            org.ug_members.entry(ug_ids[0].clone()).or_default().insert(uid.clone());
        }
        if let Some(g) = dept_groups.get(dept_of[i]) {
            org.ug_members.entry(g.clone()).or_default().insert(uid.clone());
        }
        if rng.chance(0.35) {
            org.ug_members.entry(ug_ids[1].clone()).or_default().insert(uid.clone());
        }
        if u.employee_type == "Contractor" {
            org.ug_members.entry(ug_ids[3].clone()).or_default().insert(uid.clone());
        }
        if dept_of[i] == "IT" {
            org.ug_members.entry(ug_ids[5].clone()).or_default().insert(uid.clone());
        }
        if u.job_title.contains("Manager") {
            org.ug_members.entry(ug_ids[2].clone()).or_default().insert(uid.clone());
        }
        // Project groups: a couple each, so group sizes vary from a handful to several hundred.
        if ug_ids.len() > base_groups.len() {
            for _ in 0..rng.below(3) {
                let g = &ug_ids[base_groups.len() + rng.index(ug_ids.len() - base_groups.len())];
                org.ug_members.entry(g.clone()).or_default().insert(uid.clone());
            }
        }
    }

    // ---- systems ----
    let sg_names = [
        "All Macs",
        "All Windows",
        "Linux Servers",
        "Mobile Devices",
        "Finance Laptops",
        "Kiosks",
    ];
    let mut sg_ids = Vec::new();
    let n_sgroups = (n_groups / 4).max(sg_names.len());
    for g in 0..n_sgroups {
        let gname = sg_names
            .get(g)
            .map(|s| s.to_string())
            .unwrap_or_else(|| format!("Device Ring {:03}", g + 1));
        let id = world.next_id(now - three_years);
        org.system_groups
            .insert(id.clone(), group(&id, &gname, "system_group", &org_id, &domain));
        sg_ids.push(id);
    }
    let mdm_id = world.next_id(now - three_years);
    org.apple_mdms.push(AppleMdm {
        id: mdm_id.clone(),
        name: "JumpCloud MDM".into(),
        organization: org_id.clone(),
    });

    let bindable: Vec<usize> = (0..n_users).collect();
    for i in 0..n_systems {
        let created_ms = now - three_years + (i as i64 * three_years / n_systems.max(1) as i64);
        let id = world.next_id(created_ms);
        let owner = if bindable.is_empty() || rng.chance(0.08) {
            None
        } else {
            Some(bindable[i % bindable.len()])
        };
        let owner_user = owner.map(|o| org.users[&user_ids[o]].rec());
        let (sys, extra) = make_system(
            rng,
            &id,
            i,
            owner_user.as_ref(),
            &org_id,
            now,
            created_ms,
            &mdm_id,
            world,
        );
        let os = sys.os_family.clone();
        let fin = owner.map(|o| dept_of[o] == "Finance").unwrap_or(false);
        let sg = match os.as_str() {
            "darwin" => Some(0),
            "windows" => Some(1),
            "linux" => Some(2),
            "ios" | "android" => Some(3),
            _ => None,
        };
        if let Some(sg) = sg {
            org.sg_members.entry(sg_ids[sg].clone()).or_default().insert(id.clone());
        }
        if fin && os != "linux" {
            org.sg_members.entry(sg_ids[4].clone()).or_default().insert(id.clone());
        }
        if sg_ids.len() > sg_names.len() && rng.chance(0.5) {
            let g = &sg_ids[sg_names.len() + rng.index(sg_ids.len() - sg_names.len())];
            org.sg_members.entry(g.clone()).or_default().insert(id.clone());
        }
        if let Some(o) = owner {
            let mut bound = BTreeMap::new();
            bound.insert(
                user_ids[o].clone(),
                Sudo {
                    enabled: os == "linux",
                    without_password: false,
                },
            );
            // A few shared machines have a second user.
            if rng.chance(0.05) && n_users > 1 {
                bound.insert(user_ids[rng.index(n_users)].clone(), Sudo::default());
            }
            org.bindings.insert(id.clone(), bound);
        }
        org.system_extra.insert(id.clone(), extra);
        org.systems.insert(id, Stored::new(sys));
    }
    // Nesting: user groups bound to system groups and to systems.
    org.ug_system_groups
        .entry(ug_ids[5].clone())
        .or_default()
        .insert(sg_ids[2].clone());
    if let Some(eng) = dept_groups.get("Engineering") {
        org.ug_system_groups
            .entry(eng.clone())
            .or_default()
            .insert(sg_ids[2].clone());
    }
    if let Some(fin) = dept_groups.get("Finance") {
        org.ug_system_groups
            .entry(fin.clone())
            .or_default()
            .insert(sg_ids[4].clone());
    }

    // ---- applications ----
    for (i, (key, display)) in APPS.iter().enumerate() {
        let id = world.next_id(now - three_years + i as i64 * DAY_MS);
        org.apps.insert(
            id.clone(),
            Application {
                id: id.clone(),
                name: format!("{key}-saml"),
                display_name: display.to_string(),
                display_label: display.to_string(),
                sso_url: format!("https://sso.jumpcloud.com/saml2/{key}"),
                active: true,
                sso: Sso {
                    kind: "saml".into(),
                    jit: i % 3 == 0,
                    hidden: false,
                    idp_cert_expiration_at: Some(rfc3339_ms(now + (30 + i as i64 * 60) * DAY_MS)),
                },
                config: json!({}),
                created: rfc3339_ms(now - three_years + i as i64 * DAY_MS),
                organization: org_id.clone(),
                description: String::new(),
            },
        );
        // Everyone gets the first three through All Staff; the rest go to department groups and some people directly.
        let groups = org.app_groups.entry(id.clone()).or_default();
        if i < 3 {
            groups.insert(ug_ids[0].clone());
        } else {
            let dept = DEPTS[i % DEPTS.len()].0;
            if let Some(g) = dept_groups.get(dept) {
                groups.insert(g.clone());
            }
            let direct = org.app_users.entry(id).or_default();
            for _ in 0..(n_users / 50).clamp(1, 40) {
                direct.insert(user_ids[rng.index(n_users.max(1))].clone());
            }
        }
    }

    // ---- saved commands ----
    for (name, cmd, kind) in [
        ("Shutdown (Linux)", "shutdown -h now", "linux"),
        ("Shutdown (Windows)", "Stop-Computer -Force", "windows"),
        ("Flush DNS (macOS)", "dscacheutil -flushcache", "mac"),
    ] {
        let id = world.next_id(now - 200 * DAY_MS);
        org.commands.insert(
            id.clone(),
            Command {
                id,
                name: name.into(),
                command: cmd.into(),
                command_type: kind.into(),
                user: "000000000000000000000000".into(),
                shell: if kind == "windows" {
                    "powershell".into()
                } else {
                    String::new()
                },
                launch_type: "manual".into(),
                timeout: "120".into(),
                schedule: String::new(),
                trigger: String::new(),
                sudo: false,
                organization: org_id.clone(),
            },
        );
    }

    if cfg.hostile {
        add_hostile(world, &mut org, rng, now, &org_id, &domain, &ug_ids, &mdm_id);
    }
    seed_events(world, &mut org, rng, now);
    org
}

fn group(id: &str, name: &str, kind: &str, org_id: &str, domain: &str) -> Group {
    Group {
        id: id.into(),
        name: name.into(),
        description: String::new(),
        email: if kind == "user_group" {
            format!("{}@{domain}", slug(name))
        } else {
            String::new()
        },
        kind: kind.into(),
        attributes: None,
        membership_method: "STATIC".into(),
        organization_object_id: Some(org_id.into()),
    }
}

#[allow(clippy::too_many_arguments)]
fn make_system(
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

fn alnum(rng: &mut Rng, n: usize) -> String {
    const CHARS: &[u8] = b"ABCDEFGHJKLMNPQRSTUVWXYZ0123456789";
    (0..n).map(|_| CHARS[rng.index(CHARS.len())] as char).collect()
}

/// Records built to break careless rendering: markup, script, huge strings, emoji, RTL.
#[allow(clippy::too_many_arguments)]
fn add_hostile(
    world: &mut World,
    org: &mut Org,
    rng: &mut Rng,
    now: i64,
    org_id: &str,
    domain: &str,
    ug_ids: &[Id],
    mdm_id: &str,
) {
    let nasty = [
        ("<script>alert('xss')</script>", "Script"),
        ("<img src=x onerror=\"document.title='pwned'\">", "Img"),
        ("\"><svg onload=alert(1)>", "Svg"),
        ("Robert'); DROP TABLE users;--", "Tables"),
        ("😀🔥 Zoë 👩🏽‍💻", "Emoji"),
        ("مرحبا بالعالم", "\u{202E}txt.exe"),
        ("javascript:alert(document.cookie)", "Link"),
    ];
    let template = org.users.values().next().map(|s| s.rec());
    let Some(template) = template else { return };
    for (i, (first, last)) in nasty.iter().enumerate() {
        let id = world.next_id(now - DAY_MS);
        let username = format!("hostile{i}");
        let mut u = template.clone();
        u.id = id.clone();
        u.username = username.clone();
        u.email = format!("{username}@{domain}");
        u.firstname = first.to_string();
        u.lastname = last.to_string();
        u.displayname = format!("{first} {last}");
        u.job_title = "<b>Chief</b> <i>Everything</i> Officer".into();
        u.department = "<marquee>Ops</marquee>".into();
        u.description = "x".repeat(5000);
        u.employee_identifier = format!("H{i:05}");
        u.manager = None;
        org.users.insert(id.clone(), Stored::new(u));
        org.ug_members.entry(ug_ids[0].clone()).or_default().insert(id);
    }
    let gid = world.next_id(now - DAY_MS);
    let mut g = group(&gid, "<script>alert('group')</script>", "user_group", org_id, domain);
    g.description = "A".repeat(10_000);
    org.user_groups.insert(gid, g);
    let template = org
        .systems
        .iter()
        .next()
        .map(|(id, s)| (s.rec(), org.system_extra.get(id).cloned().unwrap_or_default()));
    if let Some((template, mut extra)) = template {
        let id = world.next_id(now - DAY_MS);
        let mut s = template;
        s.id = id.clone();
        s.hostname = "<img src=x onerror=alert('host')>".into();
        s.display_name = format!("{} 🖥️ {}", "\u{05E9}\u{05DC}\u{05D5}\u{05DD}", "y".repeat(300));
        s.serial_number = "<svg/onload=alert(2)>".into();
        extra.apple_mdm = extra.apple_mdm.map(|mut a| {
            a.device_id = world.next_id(now);
            a.mdm_id = mdm_id.into();
            a
        });
        s.mdm.internal.device_id = extra
            .apple_mdm
            .as_ref()
            .map(|a| a.device_id.clone())
            .unwrap_or_default();
        let _ = rng.next_u64();
        org.system_extra.insert(id.clone(), extra);
        org.systems.insert(id, Stored::new(s));
    }
}

/// A 90-day history of logins: user portal, device and SSO logins, some failures, admin logins.
fn seed_events(world: &mut World, org: &mut Org, rng: &mut Rng, now: i64) {
    let per_user = (200_000 / org.users.len().max(1)).clamp(2, 12) as u64;
    let start = now - 90 * DAY_MS;
    let systems_of: BTreeMap<Id, Arc<(Id, String)>> = org
        .bindings
        .iter()
        .flat_map(|(sid, users)| {
            let sys = Arc::new((sid.clone(), org.systems[sid].rec().hostname.clone()));
            users.keys().map(move |u| (u.clone(), sys.clone()))
        })
        .collect();
    let apps: Vec<Arc<(Id, String)>> = org
        .apps
        .values()
        .map(|a| Arc::new((a.id.clone(), a.display_name.clone())))
        .collect();
    let mut events = Vec::new();
    for u in org.users.values() {
        let u = &u.rec();
        if u.state == "STAGED" {
            continue;
        }
        let actor = Arc::new(Actor {
            id: u.id.clone(),
            kind: "user",
            username: Some(u.username.clone()),
            email: Some(u.email.clone()),
        });
        // Suspended users stopped logging in some time ago.
        let end = if u.suspended {
            now - (10 + rng.below(60) as i64) * DAY_MS
        } else {
            now
        };
        for _ in 0..per_user {
            let at = start + rng.below((end - start).max(1) as u64) as i64;
            let mut ev = Event {
                at_ms: at,
                seq: 0,
                service: "directory",
                event_type: "user_login_attempt",
                success: !rng.chance(0.04),
                client_ip: u32::from_be_bytes([198, 51, 100, rng.below(254) as u8 + 1]),
                initiated_by: Some(actor.clone()),
                resource: None,
                system: None,
                username_from_actor: false,
                application: None,
                changes: None,
            };
            match rng.below(3) {
                1 if systems_of.contains_key(&u.id) => {
                    ev.service = "systems";
                    ev.event_type = "login_attempt";
                    ev.system = systems_of.get(&u.id).cloned();
                    ev.username_from_actor = true;
                }
                2 if !apps.is_empty() => {
                    ev.service = "sso";
                    ev.event_type = "sso_auth";
                    ev.application = Some(apps[rng.index(apps.len())].clone());
                }
                _ => {}
            }
            events.push(ev);
        }
    }
    events.sort_by_key(|e| e.at_ms);
    for mut e in events {
        e.seq = world.next_seq();
        org.events.push(e);
    }
}

fn generate_admins(world: &mut World, rng: &mut Rng, cfg: &SeedConfig) {
    let main_org = world.orgs[0].id().to_string();
    let all_orgs: Vec<Id> = world.orgs.iter().map(|o| o.id().to_string()).collect();
    let people = [
        ("Alex", "Rivera"),
        ("Sam", "Okoye"),
        ("Jordan", "Lee"),
        ("Casey", "Novak"),
        ("Riley", "Haas"),
        ("Morgan", "Diaz"),
    ];
    for (role, (first, last)) in Role::ALL.iter().zip(people) {
        let id = world.next_id(cfg.now_ms - 400 * DAY_MS);
        world.admins.push(Admin {
            id,
            email: format!("{}.{}@it.example", slug(first), slug(last)),
            firstname: first.into(),
            lastname: last.into(),
            role: *role,
            api_key: api_key(rng),
            multi_tenant: false,
            org_ids: vec![main_org.clone()],
            suspended: false,
            enable_multi_factor: true,
        });
    }
    if world.orgs.len() > 1 {
        let id = world.next_id(cfg.now_ms - 400 * DAY_MS);
        world.admins.push(Admin {
            id,
            email: "msp.tech@provider.example".into(),
            firstname: "Taylor".into(),
            lastname: "Brooks".into(),
            role: Role::Administrator,
            api_key: api_key(rng),
            multi_tenant: true,
            org_ids: all_orgs,
            suspended: false,
            enable_multi_factor: true,
        });
    }
}

/// JumpCloud API keys are 40 hex digits.
fn api_key(rng: &mut Rng) -> String {
    format!(
        "{:016x}{:016x}{:08x}",
        rng.next_u64(),
        rng.next_u64(),
        rng.next_u64() as u32
    )
}
