//! Writes on a whole run: "Restore access" after an offboarding, and the removal of the
//! time-limited access an access request gave. Both read what the person holds in JumpCloud
//! first, send only what differs, and read again to verify.

use super::{today, ChecklistError, Result, StepContext};
use crate::actions::{self, ActionRequest, ActionStatus, Actor};
use crate::live::{self, names, Part};
use crate::sync::now_rfc3339;
use rollcall_cache::{Cache, RunRow, RunStatus, StepKind, StepState};
use serde::Serialize;
use serde_json::json;
use std::collections::BTreeSet;

/// The run, its capture and the audit actor tied to it, for a write made on the whole run.
fn run_write(ctx: &StepContext<'_>, run_id: &str) -> Result<(RunRow, serde_json::Value, Actor)> {
    let (run, _) = ctx
        .cache
        .lock()
        .run(run_id)?
        .ok_or_else(|| ChecklistError::NotFound(format!("No checklist run {run_id} in this organisation.")))?;
    let capture = serde_json::from_str(&run.capture)?;
    let actor = Actor {
        run_id: Some(run_id.to_string()),
        ..ctx.actor.clone()
    };
    Ok((run, capture, actor))
}

/// One captured access to restore: (key, label, request).
type Wanted = (String, String, ActionRequest);

/// "Restore access" (a rehire, or a mistake): re-adds the captured groups and direct app
/// access that JumpCloud does not hold now, each one request with its audit row tied to the
/// run, then reads again to check they are back. The account itself is not reactivated here:
/// that stays an explicit action in the person's panel. Returns a summary.
pub async fn restore_access(ctx: &StepContext<'_>, run_id: &str) -> Result<String> {
    let (run, capture, actor) = run_write(ctx, run_id)?;
    let StepContext { client, cache, .. } = *ctx;
    let Some(groups) = capture.get("groups").and_then(|g| g.as_array()) else {
        return Err(ChecklistError::Invalid(
            "Nothing was captured in this run, so there is nothing to restore.".into(),
        ));
    };
    let uid = run.subject_id.clone();
    let wanted = captured_access(groups, &capture, &uid);
    let parts = [Part::Groups, Part::Apps];
    let before = held(&live::read_person(client, cache, &uid, &parts).await?);
    let missing: Vec<&Wanted> = wanted.iter().filter(|w| !before.contains(&w.0)).collect();
    let already = wanted.len() - missing.len();
    let (ok, failed) = restore_missing(ctx, &missing, &actor).await;
    let mut summary = format!(
        "Restored {ok} of {} captured accesses for {}.",
        missing.len(),
        run.subject_label
    );
    if already > 0 {
        summary.push_str(&format!(" {already} were already in place."));
    }
    if !failed.is_empty() {
        summary.push_str(&format!(" Not restored: {}.", failed.join("; ")));
    }
    let check = if missing.is_empty() {
        Ok(before)
    } else {
        live::read_person(client, cache, &uid, &parts).await.map(|n| held(&n))
    };
    summary.push_str(&restore_check(&wanted, check));
    Ok(summary)
}

/// The captured groups and direct app access, each as the request that gives it back to `uid`.
fn captured_access(groups: &[serde_json::Value], capture: &serde_json::Value, uid: &str) -> Vec<Wanted> {
    let text = |v: &serde_json::Value, k: &str| v.get(k).and_then(|x| x.as_str()).unwrap_or_default().to_string();
    groups
        .iter()
        .map(|g| {
            (
                format!("group:{}", text(g, "id")),
                text(g, "name"),
                ActionRequest::GroupMembers {
                    group_id: text(g, "id"),
                    member_ids: vec![uid.to_string()],
                    add: true,
                },
            )
        })
        .chain(
            capture
                .get("apps")
                .and_then(|a| a.as_array())
                .into_iter()
                .flatten()
                .filter(|a| super::captured_via(a).is_direct())
                .map(|a| {
                    (
                        format!("app:{}", text(a, "id")),
                        text(a, "name"),
                        ActionRequest::AppAccess {
                            app_id: text(a, "id"),
                            user_id: uid.to_string(),
                            grant: true,
                        },
                    )
                }),
        )
        .collect()
}

/// The keys of the groups and direct app access a read found.
fn held(now: &live::PersonNow) -> BTreeSet<String> {
    now.groups
        .iter()
        .flatten()
        .map(|g| format!("group:{}", g.id))
        .chain(
            now.apps
                .iter()
                .flatten()
                .filter(|p| p.via.is_none())
                .map(|p| format!("app:{}", p.app.id)),
        )
        .collect()
}

/// Sends one request per missing access, audited with the run. Returns how many JumpCloud
/// accepted, and what was not restored and why.
async fn restore_missing(ctx: &StepContext<'_>, missing: &[&Wanted], actor: &Actor) -> (usize, Vec<String>) {
    let StepContext {
        client, cache, access, ..
    } = *ctx;
    let (mut ok, mut failed) = (0, vec![]);
    for (_, label, r) in missing {
        let plan = match actions::plan(&cache.lock(), access, r.clone()) {
            Ok(p) => p,
            Err(e) => {
                failed.push(format!("{label}: {e}"));
                continue;
            }
        };
        match actions::execute(client, cache, &plan, actor).await {
            Ok(out) if out.status == ActionStatus::Done => ok += 1,
            Ok(out) => failed.push(format!("{label}: {}", out.message)),
            Err(e) => failed.push(format!("{label}: {e}")),
        }
    }
    (ok, failed)
}

/// The summary's last sentence: what the read after the restore shows of what was captured.
fn restore_check(wanted: &[Wanted], check: std::result::Result<BTreeSet<String>, live::LiveReadError>) -> String {
    match check {
        Ok(after) => {
            let absent: Vec<String> = wanted
                .iter()
                .filter(|w| !after.contains(&w.0))
                .map(|w| w.1.clone())
                .collect();
            if absent.is_empty() {
                format!(" Verified: JumpCloud lists all {} captured accesses.", wanted.len())
            } else {
                format!(" Still missing in JumpCloud: {}.", names(&absent, 10))
            }
        }
        Err(e) => format!(" The check afterwards failed: {}.", live::clause(&e)),
    }
}

/// Access given by an access request, until its expiry date.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct Grant {
    pub run_id: String,
    pub user_id: String,
    pub user_label: String,
    pub group_id: String,
    pub group_name: String,
    /// The last day of the access (YYYY-MM-DD).
    pub expires_on: String,
    /// Who approved it, and the ticket.
    pub approval: String,
    /// The grant step has run (the person is in the group).
    pub granted: bool,
    /// The expiry date is today or past: remove it.
    pub due: bool,
}

/// Grants from access requests that are still in place (granted and not yet removed), soonest
/// expiry first.
pub fn grants(cache: &Cache) -> Result<Vec<Grant>> {
    let today = today();
    let mut out = vec![];
    for run in cache.runs()? {
        let capture: serde_json::Value = serde_json::from_str(&run.capture).unwrap_or_default();
        let Some(g) = capture.get("grant") else { continue };
        if g.get("removed_at").is_some() || run.status == RunStatus::Abandoned {
            continue;
        }
        let steps = cache.run(&run.id)?.map(|(_, s)| s).unwrap_or_default();
        let granted = steps
            .iter()
            .any(|s| s.kind == StepKind::GrantGroup && s.state == StepState::Done);
        let text = |k: &str| g.get(k).and_then(|v| v.as_str()).unwrap_or_default().to_string();
        let expires_on = text("expires_on");
        out.push(Grant {
            due: granted && expires_on <= today,
            run_id: run.id.clone(),
            user_id: run.subject_id.clone(),
            user_label: run.subject_label.clone(),
            group_id: text("group_id"),
            group_name: text("group_name"),
            approval: steps
                .iter()
                .filter(|s| s.kind == StepKind::Approval && s.state == StepState::Done)
                .map(|s| s.note.clone())
                .collect::<Vec<_>>()
                .join(" | "),
            expires_on,
            granted,
        });
    }
    out.retain(|g| g.granted);
    out.sort_by(|a, b| a.expires_on.cmp(&b.expires_on).then(a.run_id.cmp(&b.run_id)));
    Ok(out)
}

/// Removes the access an access request gave and notes it in the run, so it no longer shows
/// as due. Reads the person's groups first (one removal, audited with the run, when they are
/// still in the group; none when someone already removed it) and again afterwards: it is noted
/// removed only when JumpCloud no longer lists the person in the group. Returns what was done.
pub async fn remove_grant(ctx: &StepContext<'_>, run_id: &str) -> Result<String> {
    let (run, mut capture, actor) = run_write(ctx, run_id)?;
    let StepContext {
        client, cache, access, ..
    } = *ctx;
    let Some(g) = capture.get_mut("grant") else {
        return Err(ChecklistError::Invalid("This run gave no time-limited access.".into()));
    };
    if g.get("removed_at").is_some() {
        return Err(ChecklistError::Invalid(
            "This access was already removed; nothing is sent again.".into(),
        ));
    }
    let text = |k: &str| g.get(k).and_then(|v| v.as_str()).unwrap_or_default().to_string();
    let (group_id, group_name) = (text("group_id"), text("group_name"));
    let uid = run.subject_id.clone();
    let is_in = |now: &live::PersonNow| now.groups.iter().flatten().any(|x| x.id == group_id);
    let now = live::read_person(client, cache, &uid, &[Part::Groups]).await?;
    let mut said = if is_in(&now) {
        let request = ActionRequest::GroupMembers {
            group_id: group_id.clone(),
            member_ids: vec![uid.clone()],
            add: false,
        };
        let plan = actions::plan(&cache.lock(), access, request)?;
        let out = actions::execute(client, cache, &plan, &actor).await?;
        if out.status != ActionStatus::Done {
            return Err(ChecklistError::Invalid(out.message));
        }
        let after = live::read_person(client, cache, &uid, &[Part::Groups])
            .await
            .map_err(|e| {
                ChecklistError::Invalid(format!(
                    "The removal was sent, but the check afterwards failed: {}. Press Remove again to check (nothing more is sent while the person is out of the group).",
                    live::clause(&e)
                ))
            })?;
        if is_in(&after) {
            return Err(ChecklistError::Invalid(format!(
                "Failed — {} is still in {group_name} after the removal (read at {}). Press Remove again to retry.",
                run.subject_label,
                after.read_at.get(11..19).unwrap_or_default()
            )));
        }
        out.message
    } else {
        format!(
            "{} was no longer in {group_name} (removed outside Rollcall); nothing was sent.",
            run.subject_label
        )
    };
    said.push_str(&format!(
        " Verified: JumpCloud no longer lists {} in {group_name}.",
        run.subject_label
    ));
    g["removed_at"] = json!(now_rfc3339());
    g["removed_by"] = json!(actor.operator);
    g["verified"] = json!(said);
    cache.lock().save_capture(run_id, &capture.to_string())?;
    Ok(said)
}
