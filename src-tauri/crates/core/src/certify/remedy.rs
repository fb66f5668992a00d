//! Removing what a closed campaign revoked, as one batch through the action path: each row is
//! read from JumpCloud first (nothing is sent for access already gone), sent at most once per
//! run (the row is marked "sent" before the request leaves, so a restart re-reads instead of
//! re-sending), audited, and "verified removed" only when a read afterwards shows it gone —
//! citing the Directory Insights `association_change` event that records it when one is
//! found. What the API cannot remove is listed for an admin to remove and confirm.

use super::{CertifyError, Result};
use crate::access::Access;
use crate::actions::{self, ActionRequest, ActionStatus, Actor};
use crate::checklists::{self, StepContext};
use crate::live::{self, Part, PersonNow};
use futures_util::StreamExt;
use jumpcloud::Client;
use parking_lot::Mutex;
use rollcall_cache::{Cache, CampaignRow, CertDecision, FrozenRow, GrantKind, RemedyState};
use serde::Serialize;
use serde_json::json;

/// What a remediation run did.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct RemedyReport {
    /// Requests sent in this run.
    pub sent: u32,
    pub verified: u32,
    pub failed: u32,
    /// Sent, but the check afterwards could not read JumpCloud: run again to verify.
    pub unverified: u32,
    /// Rows an admin must remove by hand (and confirm).
    pub manual: u32,
    /// One line per row acted on.
    pub lines: Vec<String>,
}

/// What a revoked row (or one whose admin rights are dropped) needs at close: a removal
/// Rollcall sends, or a manual one.
pub(crate) fn first_state(r: &FrozenRow, decision: Option<CertDecision>) -> (RemedyState, String) {
    let direct = r.via_id.is_empty() && r.via.is_empty();
    if decision == Some(CertDecision::DropAdmin) {
        return (
            RemedyState::Pending,
            format!("Drop administrator (sudo) rights on {}; the binding stays.", r.resource),
        );
    }
    match r.kind {
        GrantKind::GroupMember => (RemedyState::Pending, format!("Remove from the group {}.", r.resource)),
        GrantKind::TimedGrant => (
            RemedyState::Pending,
            format!("Remove the access request's grant: {}.", r.resource),
        ),
        GrantKind::AppAccess if direct => (
            RemedyState::Pending,
            format!("Remove the direct association with {}.", r.resource),
        ),
        GrantKind::DeviceAccess if direct => (RemedyState::Pending, format!("Unbind from {}.", r.resource)),
        GrantKind::AppAccess | GrantKind::DeviceAccess => (
            RemedyState::Manual,
            format!(
                "Reached through the user group {}: remove the person from that group (its own review row) or unbind the group from {} in JumpCloud, then confirm here.",
                r.via, r.resource
            ),
        ),
        GrantKind::ConsoleAdmin => (
            RemedyState::Manual,
            "Change the administrator's role or remove them in the Admin Portal (Settings → Administrators), then confirm here: Rollcall does not change console administrators.".into(),
        ),
    }
}

/// The part of a person a row's access is read from.
fn part(kind: GrantKind) -> Part {
    match kind {
        GrantKind::AppAccess => Part::Apps,
        GrantKind::DeviceAccess => Part::Devices,
        _ => Part::Groups,
    }
}

/// Whether what was read still holds the row's access.
fn holds(now: &PersonNow, r: &FrozenRow) -> bool {
    match r.kind {
        GrantKind::AppAccess => now
            .apps
            .iter()
            .flatten()
            .any(|a| a.app.id == r.resource_id && a.via.is_none()),
        GrantKind::DeviceAccess => now.devices.iter().flatten().any(|d| d.id == r.resource_id),
        _ => now.groups.iter().flatten().any(|g| g.id == r.resource_id),
    }
}

/// The request that removes a row's access.
fn removal(r: &FrozenRow) -> ActionRequest {
    match r.kind {
        GrantKind::AppAccess => ActionRequest::AppAccess {
            app_id: r.resource_id.clone(),
            user_id: r.person_id.clone(),
            grant: false,
        },
        GrantKind::DeviceAccess => ActionRequest::DeviceBind {
            system_id: r.resource_id.clone(),
            user_id: r.person_id.clone(),
            bind: false,
        },
        _ => ActionRequest::GroupMembers {
            group_id: r.resource_id.clone(),
            member_ids: vec![r.person_id.clone()],
            add: false,
        },
    }
}

/// Everything a remediation needs.
pub struct Remediation<'a> {
    pub client: &'a Client,
    pub cache: &'a Mutex<Cache>,
    pub access: &'a Access,
    pub actor: &'a Actor,
}

/// The revocations of campaign `id` still to do (to remove, sent but not verified, failed).
pub fn open_revocations(cache: &Cache, id: i64) -> Result<Vec<CampaignRow>> {
    let c = cache.campaign(id)?;
    if c.closed_at.is_none() {
        return Err(CertifyError::Invalid(
            "Close the access review first: revocations are removed once every row is decided.".into(),
        ));
    }
    Ok(cache
        .campaign_rows(id)?
        .into_iter()
        .filter(|r| matches!(r.decision, Some(CertDecision::Revoke | CertDecision::DropAdmin)))
        .filter(|r| {
            matches!(
                r.remedy,
                Some(RemedyState::Pending | RemedyState::Sent | RemedyState::Failed)
            )
        })
        .collect())
}

/// The campaigns whose removals are running (org, campaign): a second run of the same one is
/// refused, so no row is read as pending by two runs and sent twice.
static RUNNING: parking_lot::Mutex<Vec<(String, i64)>> = parking_lot::Mutex::new(Vec::new());

struct Running((String, i64));

impl Running {
    fn start(org: &str, id: i64) -> Result<Running> {
        let key = (org.to_string(), id);
        let mut all = RUNNING.lock();
        if all.contains(&key) {
            return Err(CertifyError::Invalid(
                "The removals of this access review are already running; wait for them to finish.".into(),
            ));
        }
        all.push(key.clone());
        Ok(Running(key))
    }
}

impl Drop for Running {
    fn drop(&mut self) {
        RUNNING.lock().retain(|k| *k != self.0);
    }
}

/// Removes campaign `id`'s open revocations from JumpCloud, one row at a time, and verifies
/// each. A row "sent" by an earlier run that was interrupted is read, not sent again.
pub async fn remediate(ctx: &Remediation<'_>, id: i64) -> Result<RemedyReport> {
    let _running = Running::start(&ctx.actor.org_id, id)?;
    let rows = open_revocations(&ctx.cache.lock(), id)?;
    let sealed = ctx.cache.lock().campaign(id)?.prepared_at.unwrap_or_default();
    let mut report = RemedyReport::default();
    for r in &rows {
        let (state, note, event) = remove_one(ctx, (id, &sealed), r, &mut report).await;
        ctx.cache
            .lock()
            .set_remedy(id, r.seq, state, &note, &crate::sync::now_rfc3339(), &event)?;
        match state {
            RemedyState::Verified => report.verified += 1,
            RemedyState::Manual | RemedyState::ManualConfirmed => {}
            RemedyState::Sent | RemedyState::Pending => report.unverified += 1,
            RemedyState::Failed => report.failed += 1,
        }
        report
            .lines
            .push(format!("{} — {}: {note}", r.row.person, r.row.resource));
    }
    report.manual = ctx
        .cache
        .lock()
        .campaign_rows(id)?
        .iter()
        .filter(|r| r.remedy == Some(RemedyState::Manual))
        .count() as u32;
    Ok(report)
}

/// One row's outcome: its new state, what to say, the event that records it.
type Outcome = (RemedyState, String, String);

/// Whether JumpCloud holds the row's access (or, when `dropping`, its administrator rights)
/// now, and when it was read.
async fn still_held(
    ctx: &Remediation<'_>,
    row: &FrozenRow,
    dropping: bool,
) -> std::result::Result<(bool, String), String> {
    if dropping {
        let held = is_admin(ctx.client, row).await.map_err(|e| e.to_string())?;
        return Ok((held, crate::sync::now_rfc3339()));
    }
    let now = live::read_person(ctx.client, ctx.cache, &row.person_id, &[part(row.kind)])
        .await
        .map_err(|e| e.to_string())?;
    Ok((holds(&now, row), now.read_at))
}

/// The request that removes the row's access (or drops its rights), checked against the
/// admin's role before anything is marked or sent; an access request's grant is removed
/// through its run.
enum Planned {
    Plan(Box<actions::ActionPlan>),
    Grant,
}

fn plan_one(ctx: &Remediation<'_>, row: &FrozenRow, dropping: bool) -> std::result::Result<Planned, String> {
    let request = if dropping {
        ActionRequest::DeviceSudo {
            system_id: row.resource_id.clone(),
            user_id: row.person_id.clone(),
            sudo: false,
        }
    } else {
        removal(row)
    };
    // The grant's run plans the same group removal: checked here too, so a role that may not
    // is told before anything is marked sent.
    let plan = actions::plan(&ctx.cache.lock(), ctx.access, request).map_err(|e| e.to_string())?;
    if !dropping && row.kind == GrantKind::TimedGrant && !row.run_id.is_empty() {
        return Ok(Planned::Grant);
    }
    Ok(Planned::Plan(Box::new(plan)))
}

/// Sends the one planned request, audited.
async fn send_one(ctx: &Remediation<'_>, row: &FrozenRow, planned: Planned) -> std::result::Result<(), String> {
    let plan = match planned {
        Planned::Plan(plan) => plan,
        Planned::Grant => {
            let confirm = |_| -> futures_util::future::BoxFuture<'static, bool> { Box::pin(async { true }) };
            let step = StepContext {
                client: ctx.client,
                cache: ctx.cache,
                access: ctx.access,
                actor: ctx.actor,
                confirm: &confirm,
            };
            return checklists::remove_grant(&step, &row.run_id)
                .await
                .map(|_| ())
                .map_err(|e| e.to_string());
        }
    };
    let out = actions::execute(ctx.client, ctx.cache, &plan, ctx.actor)
        .await
        .map_err(|e| e.to_string())?;
    if out.status == ActionStatus::Done {
        Ok(())
    } else {
        Err(out.message)
    }
}

/// Reads, removes (at most once) and verifies one row.
async fn remove_one(
    ctx: &Remediation<'_>,
    (id, since): (i64, &str),
    r: &CampaignRow,
    report: &mut RemedyReport,
) -> Outcome {
    let row = &r.row;
    let was_sent = r.remedy == Some(RemedyState::Sent);
    let dropping = r.decision == Some(CertDecision::DropAdmin);
    let op = if dropping { "update" } else { "remove" };
    let held = match still_held(ctx, row, dropping).await {
        Ok((held, _)) => held,
        Err(e) => {
            let state = r.remedy.unwrap_or(RemedyState::Pending);
            return (state, format!("Nothing was sent: {e}"), String::new());
        }
    };
    if !held {
        let said = match (dropping, was_sent) {
            (true, _) => "Verified: JumpCloud lists the binding without administrator rights; nothing more was sent.",
            (false, true) => "Verified: JumpCloud no longer lists it (the removal sent earlier took effect).",
            (false, false) => "Verified: JumpCloud no longer lists it (removed outside Rollcall); nothing was sent.",
        };
        // Sent earlier: since then; gone by other hands: since the review was sealed.
        let from = if was_sent {
            r.remedy_at.as_deref().unwrap_or(since)
        } else {
            since
        };
        let event = find_event(ctx.client, row, op, from).await;
        return (RemedyState::Verified, cite(said, &event), event);
    }
    if was_sent {
        let said =
            "The removal was sent once and JumpCloud still lists the access: run the removals again to send it again.";
        return (RemedyState::Failed, said.into(), String::new());
    }
    let planned = match plan_one(ctx, row, dropping) {
        Ok(p) => p,
        Err(e) => return (RemedyState::Failed, format!("Nothing was sent: {e}"), String::new()),
    };
    let sent_at = crate::sync::now_rfc3339();
    let marked = ctx
        .cache
        .lock()
        .set_remedy(id, r.seq, RemedyState::Sent, "Sent; not verified yet.", &sent_at, "");
    if let Err(e) = marked {
        return (RemedyState::Failed, format!("Nothing was sent: {e}"), String::new());
    }
    report.sent += 1;
    if let Err(e) = send_one(ctx, row, planned).await {
        return (RemedyState::Failed, e, String::new());
    }
    let what = if dropping {
        "administrator rights on the binding"
    } else {
        "it"
    };
    match still_held(ctx, row, dropping).await {
        Ok((false, read_at)) => {
            let event = find_event(ctx.client, row, op, &sent_at).await;
            let said = format!(
                "Verified: JumpCloud no longer lists {what} (read at {}).",
                crate::pdf::utc(&read_at, true)
            );
            (RemedyState::Verified, cite(&said, &event), event)
        }
        Ok((true, read_at)) => (
            RemedyState::Failed,
            format!(
                "Sent, but JumpCloud still lists {what} (read at {}).",
                crate::pdf::utc(&read_at, true)
            ),
            String::new(),
        ),
        Err(e) => (
            RemedyState::Sent,
            format!("Sent; the check afterwards failed: {e}"),
            String::new(),
        ),
    }
}

/// Whether JumpCloud lists the row's person as an administrator (sudo) on the row's device now:
/// on the binding, or set on the person.
async fn is_admin(client: &Client, row: &FrozenRow) -> std::result::Result<bool, jumpcloud::Error> {
    if client.users().get(&row.person_id).await?.sudo {
        return Ok(true);
    }
    let edges = client.systems().user_bindings(&row.resource_id).await?;
    Ok(edges.iter().any(|e| e.to.id == row.person_id && e.sudo()))
}

fn cite(said: &str, event: &str) -> String {
    if event.is_empty() {
        format!("{said} No association_change event found in Directory Insights yet.")
    } else {
        format!("{said} Directory Insights event {event}.")
    }
}

/// The id of the newest `association_change` event of `op` (`remove`, or `update` for rights)
/// between the row's two ends since `since` (RFC 3339: when the removal was sent, or the review
/// sealed; ten minutes earlier, as JumpCloud's clock stamps events), if Directory Insights
/// lists one — never an older change of the same pair.
async fn find_event(client: &Client, row: &FrozenRow, op: &str, since: &str) -> String {
    let since_ms = rollcall_cache::dates::parse_ms(since).unwrap_or_else(rollcall_cache::dates::now_ms) - 600_000;
    let query = json!({
        "service": ["directory"],
        "start_time": rollcall_cache::dates::format_ms(since_ms),
        "sort": "DESC",
        "limit": 100,
        "search_term": { "and": [
            { "event_type": "association_change" },
            { "association.op": op },
        ]},
    });
    let mut events = client.insights().events(query).take(500);
    while let Some(e) = events.next().await {
        let Ok(e) = e else { return String::new() };
        let conn = &e.raw["association"]["connection"];
        let ends = [conn["from"]["id"].as_str(), conn["to"]["id"].as_str()];
        if ends.contains(&Some(row.person_id.as_str())) && ends.contains(&Some(row.resource_id.as_str())) {
            return e.raw["id"].as_str().unwrap_or_default().to_string();
        }
    }
    String::new()
}

/// Records that an admin removed a row's access by hand.
pub fn confirm_manual(cache: &Cache, id: i64, seq: u32, by: &str, note: &str) -> Result<super::CampaignView> {
    let r = cache
        .campaign_rows(id)?
        .into_iter()
        .find(|r| r.seq == seq)
        .ok_or_else(|| CertifyError::Invalid(format!("Row {seq} is not in this access review.")))?;
    if r.remedy != Some(RemedyState::Manual) {
        return Err(CertifyError::Invalid(format!(
            "Row {seq} does not wait for a manual removal."
        )));
    }
    if note.trim().is_empty() {
        return Err(CertifyError::Invalid(
            "Say what was done (and where) to confirm a manual removal.".into(),
        ));
    }
    let at = crate::sync::now_rfc3339();
    cache.set_remedy(
        id,
        seq,
        RemedyState::ManualConfirmed,
        &format!("Removed by hand, confirmed by {by} at {at}: {}", note.trim()),
        &at,
        "",
    )?;
    super::view(cache, id)
}
