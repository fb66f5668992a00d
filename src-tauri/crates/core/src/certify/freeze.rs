//! Preparing a campaign seals its data: every grant in scope is copied from the mirror (after
//! the sync the shell runs first) with its context — each flag with the fact behind it — and
//! its reviewer; each row is hashed (SHA-256 of its JSON) and the rows' hashes are hashed into
//! the manifest. Later syncs never change a campaign's rows.

use super::{sha256_hex, CertifyError, Result};
use crate::checklists::grants;
use crate::posture::{INACTIVE_DAYS, SILENT_DAYS};
use rollcall_cache::dates::{format_ms, parse_ms};
use rollcall_cache::read::MirrorGrant;
use rollcall_cache::{
    campaigns::Preparation, Cache, Campaign, CertFlag, FlagFact, FrozenRow, GrantKind, ReviewerMode, UserRow, UserState,
};
use std::collections::{HashMap, HashSet};

/// What the caller knows of the data it prepares from.
pub struct PrepareInput<'a> {
    /// Who reviews when the campaign names nobody else (the admin preparing it).
    pub admin: &'a str,
    /// What the sync before it said (failed, skipped), to keep with the campaign.
    pub note: &'a str,
    pub now_ms: i64,
}

/// How old a copy may be for a campaign to be prepared from it without asking, when the sync
/// before preparing fails: a day.
pub const FRESH_ENOUGH_MS: i64 = 24 * 3_600_000;

/// What to do when the sync before preparing failed with `error`: prepare from the copy (the
/// note the campaign keeps) when it is fresh enough or the admin chose it, else ask (Err: the
/// reason to show).
pub fn after_failed_sync(
    error: &str,
    copy_as_of: Option<&str>,
    chosen_by: Option<&str>,
    now_ms: i64,
) -> std::result::Result<String, String> {
    let as_of = copy_as_of.unwrap_or("no complete sync");
    if let Some(who) = chosen_by {
        return Ok(format!(
            "JumpCloud could not be reached ({error}); {who} chose to prepare from the copy of {as_of}. Administrator rights on devices are as that copy holds them."
        ));
    }
    let age = copy_as_of.and_then(parse_ms).map(|t| now_ms - t);
    if age.is_none_or(|a| a > FRESH_ENOUGH_MS) {
        return Err(error.to_string());
    }
    Ok(format!(
        "The sync before preparing failed ({error}); prepared from the copy of {as_of}, less than a day old. Administrator rights on devices are as that copy holds them."
    ))
}

/// How the "new" flag's fact starts.
pub const NEW_SINCE_NOTE: &str = "Not in access review";

/// The context every row is measured against.
struct Context<'a> {
    users: HashMap<String, UserRow>,
    logins: HashMap<String, String>,
    /// Days of login events the copy holds (None: it holds none).
    login_days: Option<i64>,
    now_ms: i64,
    domains: Vec<String>,
    previous: Option<(i64, HashSet<String>)>,
    campaign: &'a Campaign,
    admin: &'a str,
}

/// The org's own email domains: the most common one among its people, and any other that
/// holds at least a tenth of them.
fn org_domains(users: &HashMap<String, UserRow>) -> Vec<String> {
    let mut n: HashMap<String, usize> = HashMap::new();
    for u in users.values() {
        if let Some((_, d)) = u.email.rsplit_once('@') {
            *n.entry(d.to_lowercase()).or_default() += 1;
        }
    }
    let mut by: Vec<(String, usize)> = n.into_iter().collect();
    by.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(&b.0)));
    let total: usize = by.iter().map(|(_, k)| k).sum();
    by.iter()
        .enumerate()
        .filter(|(i, (_, k))| *i == 0 || *k * 10 >= total)
        .map(|(_, (d, _))| d.clone())
        .collect()
}

fn label(u: &UserRow) -> String {
    crate::actions::user_label(u)
}

impl Context<'_> {
    fn day(ms: i64) -> String {
        format_ms(ms).get(..10).unwrap_or_default().to_string()
    }

    /// The flags of what a person is (state, login, manager, domain).
    fn person_flags(&self, u: &UserRow, flags: &mut Vec<FlagFact>) {
        let mut add = |flag, fact: String| flags.push(FlagFact { flag, fact });
        match &u.state {
            UserState::Suspended => add(CertFlag::Suspended, "The person is suspended in JumpCloud.".into()),
            UserState::Staged => add(CertFlag::Staged, "The person is staged: never activated.".into()),
            _ => {}
        }
        if u.state == UserState::Activated {
            if let Some(days) = self.login_days {
                let window = days.min(INACTIVE_DAYS as i64);
                let since = self.now_ms - window * 86_400_000;
                match self.logins.get(&u.username.to_lowercase()).and_then(|t| parse_ms(t)) {
                    Some(t) if t >= since => {}
                    Some(t) => add(
                        CertFlag::NoRecentLogin,
                        format!("Last login {} — none in the last {window} days.", Self::day(t)),
                    ),
                    None => add(
                        CertFlag::NoRecentLogin,
                        format!("No login in the {days} days of Directory Insights events the copy holds."),
                    ),
                }
            }
        }
        match u.manager_id.as_deref().filter(|m| !m.is_empty()) {
            None => add(CertFlag::NoManager, "No manager is set in JumpCloud.".into()),
            Some(m) => match self.users.get(m) {
                Some(mg) if mg.state == UserState::Suspended => add(
                    CertFlag::ManagerSuspended,
                    format!("Their manager {} is suspended.", label(mg)),
                ),
                Some(_) => {}
                None => add(
                    CertFlag::NoManager,
                    format!("Their manager ({m}) is not in the organisation any more."),
                ),
            },
        }
        let domain = u
            .email
            .rsplit_once('@')
            .map(|(_, d)| d.to_lowercase())
            .unwrap_or_default();
        if !self.domains.is_empty() && !self.domains.contains(&domain) {
            add(
                CertFlag::OutsideDomain,
                format!(
                    "{} is outside the org's domains ({}).",
                    u.email,
                    self.domains.join(", ")
                ),
            );
        }
    }

    /// Who reviews a row: the admin, the person's manager, or the resource's owner — never the
    /// person themselves (then the admin; if that is still them, the row is flagged).
    fn reviewer(&self, u: Option<&UserRow>, resource_id: &str, email: &str) -> String {
        let mode = self.campaign.reviewer_mode;
        let named = match mode {
            ReviewerMode::Admin => None,
            // A suspended manager reviews nothing: the row goes to the admin.
            ReviewerMode::Manager => u
                .and_then(|u| u.manager_id.as_ref())
                .and_then(|m| self.users.get(m))
                .filter(|m| m.state != UserState::Suspended)
                .map(|m| m.email.clone()),
            ReviewerMode::Owner => self.campaign.owners.get(resource_id).cloned(),
        };
        match named.filter(|r| !r.trim().is_empty() && !r.eq_ignore_ascii_case(email)) {
            Some(r) => r,
            None => self.admin.to_string(),
        }
    }

    fn row(&self, g: &MirrorGrant) -> FrozenRow {
        let kind = g.kind.unwrap_or(GrantKind::GroupMember);
        let user = self.users.get(&g.person_id);
        let mut flags = vec![];
        let (person, email) = who(g, user);
        if let Some(u) = user {
            self.person_flags(u, &mut flags);
        }
        if !g.via.is_empty() || !g.via_id.is_empty() {
            flags.push(FlagFact {
                flag: CertFlag::ThroughGroup,
                fact: format!("Reached through the user group {}.", g.via),
            });
        }
        let privileged = g.sudo || g.person_sudo || g.admin.is_some();
        privilege_flags(g, user, &mut flags);
        if let Some(t) = g.last_contact.as_deref().and_then(parse_ms) {
            let days = (self.now_ms - t) / 86_400_000;
            if days >= SILENT_DAYS as i64 {
                flags.push(FlagFact {
                    flag: CertFlag::DeviceSilent,
                    fact: format!("{} last checked in on {} ({days} days ago).", g.resource, Self::day(t)),
                });
            }
        }
        let grant_key = format!("{}|{}|{}|{}", kind.as_str(), g.person_id, g.resource_id, g.via_id);
        if let Some((prev, keys)) = &self.previous {
            if !keys.contains(&grant_key) {
                flags.push(FlagFact {
                    flag: CertFlag::New,
                    fact: format!("{NEW_SINCE_NOTE} #{prev}: new since then."),
                });
            }
        }
        let reviewer = self.reviewer(user, &g.resource_id, &email);
        if !email.is_empty() && reviewer.eq_ignore_ascii_case(&email) {
            flags.push(FlagFact {
                flag: CertFlag::SelfReview,
                fact: "The only reviewer is the person themselves: a written reason is required.".into(),
            });
        }
        FrozenRow {
            grant_key,
            kind,
            person_id: g.person_id.clone(),
            person,
            email,
            resource_id: g.resource_id.clone(),
            resource: g.resource.clone(),
            via_id: g.via_id.clone(),
            via: g.via.clone(),
            privileged,
            sudo_droppable: g.sudo && !g.person_sudo && g.via_id.is_empty(),
            flags,
            reviewer,
            run_id: String::new(),
        }
    }
}

/// How a row names its person, and their email: a console administrator as listed, a user as
/// the mirror has them, or the id of someone the copy does not hold.
fn who(g: &MirrorGrant, user: Option<&UserRow>) -> (String, String) {
    match (&g.admin, user) {
        (Some(a), _) => (
            if a.name.trim().is_empty() {
                a.email.clone()
            } else {
                format!("{} <{}>", a.name, a.email)
            },
            a.email.clone(),
        ),
        (None, Some(u)) => (label(u), u.email.clone()),
        (None, None) => (format!("{} (not in the local copy)", g.person_id), String::new()),
    }
}

/// The privilege flags of a grant, each with its fact: sudo on the binding or on the person,
/// an administrator without MFA, a console administrator (and their MFA and state).
fn privilege_flags(g: &MirrorGrant, user: Option<&UserRow>, flags: &mut Vec<FlagFact>) {
    if g.sudo {
        flags.push(FlagFact {
            flag: CertFlag::Privileged,
            fact: format!("Administrator (sudo) on {}.", g.resource),
        });
    }
    if g.person_sudo {
        flags.push(FlagFact {
            flag: CertFlag::Privileged,
            fact: format!(
                "Administrator on {} and every device they are bound to: sudo is set on the person.",
                g.resource
            ),
        });
    }
    if (g.sudo || g.person_sudo) && user.is_some_and(|u| !u.mfa_configured) {
        flags.push(FlagFact {
            flag: CertFlag::AdminWithoutMfa,
            fact: format!("Administrator on {} without MFA.", g.resource),
        });
    }
    if let Some(a) = &g.admin {
        flags.push(FlagFact {
            flag: CertFlag::Privileged,
            fact: format!("Console administrator, role {}.", a.role_name),
        });
        if !a.mfa {
            flags.push(FlagFact {
                flag: CertFlag::AdminWithoutMfa,
                fact: "Console administrator without MFA.".into(),
            });
        }
        if a.suspended {
            flags.push(FlagFact {
                flag: CertFlag::Suspended,
                fact: "The administrator is suspended.".into(),
            });
        }
    }
}

/// The time-limited grants in place (access requests), as grants of the mirror's shape.
fn timed_grants(cache: &Cache) -> Result<Vec<(MirrorGrant, String, String)>> {
    let all =
        grants(cache).map_err(|e| CertifyError::Invalid(format!("The access requests could not be read: {e}")))?;
    Ok(all
        .into_iter()
        .map(|g| {
            let fact = format!(
                "Given by access request {} until {}{}.",
                g.run_id,
                g.expires_on,
                if g.approval.is_empty() {
                    String::new()
                } else {
                    format!(", approved: {}", g.approval)
                }
            );
            (
                MirrorGrant {
                    kind: Some(GrantKind::TimedGrant),
                    person_id: g.user_id,
                    resource_id: g.group_id,
                    resource: format!("{} (until {})", g.group_name, g.expires_on),
                    ..Default::default()
                },
                g.run_id,
                fact,
            )
        })
        .collect())
}

/// Seals campaign `id`: copies every grant in scope from the mirror with its context, hashes
/// each row and the whole, and records the sync they come from. Refused once prepared.
pub fn prepare(cache: &mut Cache, id: i64, input: &PrepareInput<'_>) -> Result<super::CampaignView> {
    let campaign = cache.campaign(id)?;
    if campaign.prepared_at.is_some() {
        return Err(CertifyError::Invalid(
            "This access review is already prepared: its rows are sealed. Start a new one to review today's data."
                .into(),
        ));
    }
    let users = cache.users_by_id()?;
    let (logins, oldest) = cache.last_logins()?;
    let login_days = oldest
        .as_deref()
        .and_then(parse_ms)
        .map(|t| ((input.now_ms - t) / 86_400_000).max(1));
    let previous = cache
        .previous_campaign(id)?
        .map(|(p, keys)| (p, keys.into_iter().collect::<HashSet<_>>()));
    let ctx = Context {
        domains: org_domains(&users),
        users,
        logins,
        login_days,
        now_ms: input.now_ms,
        previous,
        campaign: &campaign,
        admin: input.admin,
    };
    let mut rows: Vec<FrozenRow> = cache
        .grants_in_scope(&campaign.scope)?
        .iter()
        .map(|g| ctx.row(g))
        .collect();
    if campaign.scope.timed_grants {
        for (g, run_id, fact) in timed_grants(cache)? {
            let mut r = ctx.row(&g);
            r.run_id = run_id;
            r.flags.push(FlagFact {
                flag: CertFlag::FromAccessRequest,
                fact,
            });
            rows.push(r);
        }
    }
    let sealed: Vec<(FrozenRow, String, String)> = rows
        .into_iter()
        .map(|r| {
            let json = serde_json::to_string(&r).unwrap_or_default();
            let hash = sha256_hex(json.as_bytes());
            (r, json, hash)
        })
        .collect();
    let rows_hash = manifest_hash(sealed.iter().map(|(_, _, h)| h.as_str()));
    let snapshot = cache.snapshot()?;
    let at = crate::sync::now_rfc3339();
    cache.freeze_campaign(
        id,
        &Preparation {
            at: &at,
            sync_id: snapshot.sync_id,
            data_as_of: snapshot.as_of.as_deref(),
            note: input.note,
            org_domains: &ctx.domains,
            previous_id: ctx.previous.as_ref().map(|(p, _)| *p),
            rows: &sealed,
            rows_hash: &rows_hash,
        },
    )?;
    super::view(cache, id)
}

/// The manifest's hash of a campaign's rows: SHA-256 of their hashes, one per line, in order.
pub(crate) fn manifest_hash<'a>(hashes: impl Iterator<Item = &'a str>) -> String {
    let mut all = String::new();
    for h in hashes {
        all.push_str(h);
        all.push('\n');
    }
    sha256_hex(all.as_bytes())
}

/// Reads from JumpCloud who is an administrator (sudo) on each device someone is bound to — a
/// bulk report does not say — and records it in the mirror, so a review of device access sees
/// the rights JumpCloud grants now. Returns the number of devices read.
pub async fn read_device_rights(client: &jumpcloud::Client, cache: &parking_lot::Mutex<Cache>) -> Result<usize> {
    use futures_util::{stream, StreamExt};
    let systems = cache.lock().bound_systems()?;
    let n = systems.len();
    let mut rights = vec![];
    let mut reads = stream::iter(systems.into_iter().map(|id| async move {
        let edges = client.systems().user_bindings(&id).await?;
        Ok::<_, jumpcloud::Error>((id, edges))
    }))
    .buffer_unordered(8);
    while let Some(r) = reads.next().await {
        let (system, edges) = r?;
        for e in edges {
            let sudo = e.sudo();
            rights.push((system.clone(), e.to.id, sudo));
        }
    }
    cache.lock().set_binding_rights(&rights)?;
    Ok(n)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_failed_sync_asks_unless_the_copy_is_under_a_day_old_or_the_admin_chose_it() {
        let now = parse_ms("2026-12-06T12:00:00Z").unwrap();
        let fresh = Some("2026-12-06T01:00:00Z");
        let old = Some("2026-12-04T12:00:00Z");
        assert!(after_failed_sync("offline", fresh, None, now)
            .unwrap()
            .contains("less than a day old"));
        assert_eq!(after_failed_sync("offline", old, None, now), Err("offline".into()));
        assert_eq!(after_failed_sync("offline", None, None, now), Err("offline".into()));
        assert!(after_failed_sync("offline", old, Some("ana"), now)
            .unwrap()
            .contains("ana chose"));
    }
}
