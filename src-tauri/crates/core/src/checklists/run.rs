//! Running one step of a checklist run. Steps that remove access read what the person holds in
//! JumpCloud when they run, act on that, and read again to verify; device commands already
//! accepted are never sent again.

use super::rules::removes_access;
use super::start::{fill_subject, items_for, Holdings};
use super::{load_step, ChecklistError, Result, StartInput, StepContext, StepInput, StepItem};
use crate::actions::{self, ActionError, ActionRequest, Actor};
use crate::live::{self, names, Part, PersonNow};
use crate::sync::now_rfc3339;
use rollcall_cache::{Cache, RunStatus, StepKind, StepRow, StepState};
use serde_json::json;
use std::collections::BTreeMap;

/// What part of the person a step acts on, read from JumpCloud when it runs.
fn live_part(kind: StepKind) -> Option<Part> {
    match kind {
        StepKind::RemoveGroups => Some(Part::Groups),
        StepKind::RemoveApps => Some(Part::Apps),
        StepKind::LockDevices | StepKind::WipeDevices => Some(Part::Devices),
        _ => None,
    }
}

/// (singular, plural) of what a step's items are.
fn noun(kind: StepKind) -> (&'static str, &'static str) {
    match kind {
        StepKind::RemoveGroups => ("group", "groups"),
        StepKind::RemoveApps => ("app", "apps"),
        _ => ("device", "devices"),
    }
}

/// The items a step acts on (those with a request), by key → label.
fn actionable(items: &[StepItem]) -> BTreeMap<String, String> {
    items
        .iter()
        .filter(|i| i.request.is_some())
        .map(|i| (i.key.clone(), i.label.clone()))
        .collect()
}

/// "1 group", "4 groups".
fn count(n: usize, one: &str, many: &str) -> String {
    format!("{n} {}", if n == 1 { one } else { many })
}

/// "14:03:12 UTC" from an RFC 3339 time.
fn clock(at: &str) -> String {
    at.get(11..19).map_or_else(|| at.to_string(), |t| format!("{t} UTC"))
}

/// Runs one step: reads what JumpCloud holds where the step acts on access, sends its remaining
/// items (never a device command already accepted), records each at once, and verifies
/// removals. `input` carries what the admin typed (the hostnames of devices to wipe, a note,
/// an approval). Returns the step as it ended.
pub async fn run_step(ctx: &StepContext<'_>, run_id: &str, idx: u32, input: &StepInput) -> Result<StepRow> {
    let StepContext {
        client,
        cache,
        access,
        actor,
        confirm,
    } = *ctx;
    let (typed_hostnames, note) = (&input.typed_hostnames, input.note.as_str());
    let (run, mut s, all) = load_step(&cache.lock(), run_id, idx)?;
    if run.status != RunStatus::Active {
        return Err(ChecklistError::Invalid("This run is finished.".into()));
    }
    if s.state == StepState::Done {
        return Err(ChecklistError::Invalid(format!(
            "\"{}\" is already done; it is not sent again.",
            s.title
        )));
    }
    if s.kind == StepKind::Manual && note.trim().is_empty() {
        return Err(ChecklistError::Invalid(
            "Write a note for this step (who collected what, where).".into(),
        ));
    }
    if s.kind == StepKind::Verify && note.trim().is_empty() {
        return Err(ChecklistError::Invalid(
            "Record who verified the person's identity, and how (call-back to a known number, video, in person)."
                .into(),
        ));
    }
    if s.kind == StepKind::Approval && (input.approver.trim().is_empty() || input.ticket.trim().is_empty()) {
        return Err(ChecklistError::Invalid(
            "Record who approved this, and the ticket or request it was approved in.".into(),
        ));
    }
    if let Some(gate) = super::step_rules(&all, idx).waits_for {
        return Err(ChecklistError::Invalid(format!(
            "\"{gate}\" comes first: record it before this step."
        )));
    }
    s.state = StepState::Running;
    s.started_at.get_or_insert_with(now_rfc3339);
    s.message.clear();
    cache.lock().save_step(&s)?;

    let mut items: Vec<StepItem> = serde_json::from_str(&s.items)?;
    let mut done: Vec<String> = serde_json::from_str(&s.items_done)?;
    let mut notes: Vec<String> = vec![];
    let actor = Actor {
        run_id: Some(run_id.to_string()),
        ..actor.clone()
    };
    let mut outcome: std::result::Result<(), (StepState, String)> = Ok(());

    match s.kind {
        StepKind::Capture => match capture(ctx, &run.subject_id, &run.subject_label).await {
            Ok((value, said)) => {
                cache.lock().save_capture(run_id, &value.to_string())?;
                notes.extend(said);
            }
            Err(ChecklistError::Live(e)) => {
                outcome = Err((
                    StepState::Failed,
                    format!(
                        "Not run: {}. Nothing was sent; run it again when JumpCloud answers.",
                        live::clause(&e)
                    ),
                ))
            }
            Err(e) => outcome = Err((StepState::Failed, format!("Not run: {e}"))),
        },
        StepKind::Manual | StepKind::Verify | StepKind::Approval => notes.push("Recorded.".into()),
        StepKind::Instructions => notes.push(items.first().map(|i| i.label.clone()).unwrap_or_default()),
        StepKind::Evidence => {
            cache
                .lock()
                .set_run_status(run_id, RunStatus::Finished, Some(&now_rfc3339()))?;
            notes.push("Run finished; export the evidence report.".into());
        }
        kind => {
            let removal = removes_access(kind);
            // The person the requests are about; empty until an onboarding creates them.
            let mut subject_id = run.subject_id.clone();
            // Steps that act on what the person holds act on what JumpCloud holds now.
            let mut read_first: Option<PersonNow> = None;
            if let (Some(part), false) = (live_part(kind), subject_id.is_empty()) {
                match live::read_person(client, cache, &subject_id, &[part]).await {
                    Ok(now) => {
                        let fresh = live_items(kind, &now, &subject_id, &cache.lock())?;
                        notes.extend(live::difference(
                            noun(kind),
                            "the preview",
                            &actionable(&items),
                            &actionable(&fresh),
                        ));
                        items = fresh;
                        s.items = serde_json::to_string(&items)?;
                        read_first = Some(now);
                    }
                    Err(e) => {
                        outcome = Err((
                            StepState::Failed,
                            format!(
                                "Not run: {}. Nothing was sent; run it again when JumpCloud answers.",
                                live::clause(&e)
                            ),
                        ))
                    }
                }
            }
            // A removal sends whatever is still held (a graph removal is safe to repeat); any
            // other request is never sent again once JumpCloud accepted it.
            let remaining: Vec<&StepItem> = if outcome.is_ok() {
                items.iter().filter(|it| removal || !done.contains(&it.key)).collect()
            } else {
                vec![]
            };
            let mut sent = 0;
            for it in remaining {
                let Some(mut request) = it.request.clone() else {
                    if let Some(n) = &it.note {
                        notes.push(format!("{}: not sent — {n}", it.label));
                    }
                    continue;
                };
                let creates = matches!(request, ActionRequest::UserCreate { .. });
                if !creates {
                    if subject_id.is_empty() {
                        outcome = Err((
                            StepState::Pending,
                            "The person is not created yet: run \"Create the user\" first.".into(),
                        ));
                        break;
                    }
                    fill_subject(&mut request, &subject_id);
                }
                if let ActionRequest::DeviceWipe {
                    system_id,
                    typed_hostname,
                } = &mut request
                {
                    *typed_hostname = typed_hostnames
                        .iter()
                        .find(|(id, _)| id == system_id)
                        .map(|(_, h)| h.clone())
                        .unwrap_or_default();
                }
                let plan = match actions::plan(&cache.lock(), access, request) {
                    Ok(p) => p,
                    // Already in the wanted state (suspended, say): nothing to send.
                    Err(ActionError::AlreadyDone(why)) => {
                        notes.push(format!("{}: {why}", it.label));
                        done.push(it.key.clone());
                        continue;
                    }
                    Err(e) => {
                        outcome = Err((StepState::Failed, format!("{}: {e}", it.label)));
                        break;
                    }
                };
                if let Some(c) = &plan.confirm {
                    if !confirm(c.clone()).await {
                        outcome = Err((
                            StepState::Pending,
                            format!("Cancelled at {} — nothing was sent for it.", it.label),
                        ));
                        break;
                    }
                }
                match actions::execute(client, cache, &plan, &actor).await {
                    Ok(out) => {
                        if let (true, Some(id)) = (creates, &out.created_id) {
                            cache.lock().set_run_subject(run_id, id, &plan.target_label)?;
                            subject_id.clone_from(id);
                        }
                        sent += 1;
                        if !done.contains(&it.key) {
                            done.push(it.key.clone());
                        }
                        if !removal {
                            notes.push(out.message);
                        }
                        s.items_done = serde_json::to_string(&done)?;
                        cache.lock().save_step(&s)?;
                    }
                    Err(ActionError::Api(e)) => {
                        let state = if matches!(e, jumpcloud::Error::OutcomeUnknown { .. }) {
                            StepState::Unknown
                        } else {
                            StepState::Failed
                        };
                        outcome = Err((state, format!("{}: {e}", it.label)));
                        break;
                    }
                    Err(e) => return Err(e.into()),
                }
            }
            if removal {
                let (one, many) = noun(kind);
                if sent > 0 {
                    notes.push(format!(
                        "Sent {sent} {}.",
                        if sent == 1 { "removal" } else { "removals" }
                    ));
                }
                // "Done" means a read shows none left: the first read when nothing had to be
                // sent, else one more.
                let check = match (&outcome, sent, read_first) {
                    (Err(_), _, _) | (_, _, None) => None,
                    (Ok(()), 0, Some(first)) => Some(Ok(first)),
                    (Ok(()), _, Some(_)) => {
                        let part = live_part(kind).unwrap_or(Part::Groups);
                        Some(live::read_person(client, cache, &subject_id, &[part]).await)
                    }
                };
                match check {
                    None => {}
                    Some(Ok(after)) => {
                        let left: Vec<String> = live_items(kind, &after, &subject_id, &cache.lock())?
                            .into_iter()
                            .filter(|i| i.request.is_some())
                            .map(|i| i.label)
                            .collect();
                        let at = clock(&after.read_at);
                        if left.is_empty() {
                            notes.push(if kind == StepKind::RemoveGroups {
                                format!("Verified at {at}: JumpCloud lists {} in no user group.", run.subject_label)
                            } else {
                                format!(
                                    "Verified at {at}: JumpCloud lists no direct app access for {}.",
                                    run.subject_label
                                )
                            });
                        } else {
                            outcome = Err((
                                StepState::Failed,
                                format!(
                                    "Failed — still in {} {} after the removal (read at {at}): {}. Run the step again to send only what remains.",
                                    left.len(),
                                    if left.len() == 1 { one } else { many },
                                    names(&left, 10)
                                ),
                            ));
                        }
                    }
                    Some(Err(e)) => {
                        outcome = Err((
                            StepState::Failed,
                            format!("The removals were sent, but the check afterwards failed: {}. Run the step again to verify (only what remains is sent).", live::clause(&e)),
                        ))
                    }
                }
            }
        }
    }
    s.items_done = serde_json::to_string(&done)?;
    match outcome {
        Ok(()) => {
            s.state = StepState::Done;
            s.finished_at = Some(now_rfc3339());
            s.message = if notes.is_empty() {
                "Nothing to do.".into()
            } else {
                notes.join(" ")
            };
        }
        Err((state, why)) => {
            s.state = state;
            s.message = [notes.join(" "), why]
                .iter()
                .filter(|x| !x.is_empty())
                .cloned()
                .collect::<Vec<_>>()
                .join(" ");
        }
    }
    if matches!(s.kind, StepKind::Manual | StepKind::Verify) {
        s.note = note.trim().to_string();
    }
    if s.kind == StepKind::Approval {
        s.note = format!(
            "Approved by {}; ticket {}. {}",
            input.approver.trim(),
            input.ticket.trim(),
            note.trim()
        )
        .trim()
        .to_string();
    }
    cache.lock().save_step(&s)?;
    Ok(s)
}

/// The items of a step of `kind`, from what JumpCloud answered.
fn live_items(kind: StepKind, now: &PersonNow, uid: &str, cache: &Cache) -> Result<Vec<StepItem>> {
    items_for(
        kind,
        Some(&Holdings::from_live(now)),
        uid,
        &StartInput::default(),
        &[],
        cache,
    )
}

/// Capture: what the person holds now, read from JumpCloud (their state, groups, apps and
/// bound devices), with what the local copy had missed. Returns the capture and what to say.
async fn capture(
    ctx: &StepContext<'_>,
    user_id: &str,
    label: &str,
) -> std::result::Result<(serde_json::Value, Vec<String>), ChecklistError> {
    let StepContext { client, cache, .. } = *ctx;
    let before = cache
        .lock()
        .user_detail(user_id)?
        .map(|d| Holdings::from_mirror(&d))
        .unwrap_or_default();
    let now = live::read_person(
        client,
        cache,
        user_id,
        &[Part::Account, Part::Groups, Part::Apps, Part::Devices],
    )
    .await?;
    let state = now.state.clone().unwrap_or_default();
    let h = Holdings::from_live(&now);
    let value = json!({
        "captured_at": now.read_at,
        "source": "JumpCloud, read when the step ran",
        "groups": h.groups.iter().map(|(id, name)| json!({"id": id, "name": name})).collect::<Vec<_>>(),
        "apps": h.apps.iter().map(|a| json!({"id": a.id, "name": a.name, "how": a.via.describe(), "via": a.via})).collect::<Vec<_>>(),
        "devices": h.devices.iter().map(|x| json!({"id": x.id, "hostname": x.hostname, "serial": x.serial})).collect::<Vec<_>>(),
        "state": state,
    });
    let mut said = vec![format!(
        "Captured from JumpCloud at {}: {}, {} ({} direct), {} of {label}.",
        clock(&now.read_at),
        count(h.groups.len(), "group", "groups"),
        count(h.apps.len(), "app", "apps"),
        h.apps.iter().filter(|a| a.via.is_direct()).count(),
        count(h.devices.len(), "device", "devices")
    )];
    let keyed = |v: &[(String, String)]| -> BTreeMap<String, String> { v.iter().cloned().collect() };
    let devices = |v: &[rollcall_cache::SystemRow]| -> BTreeMap<String, String> {
        v.iter().map(|d| (d.id.clone(), d.hostname.clone())).collect()
    };
    let apps = |v: &[super::start::HeldApp]| -> BTreeMap<String, String> {
        v.iter().map(|a| (a.key(), a.name.clone())).collect()
    };
    for diff in [
        live::difference(
            ("group", "groups"),
            "the last sync",
            &keyed(&before.groups),
            &keyed(&h.groups),
        ),
        live::difference(("app", "apps"), "the last sync", &apps(&before.apps), &apps(&h.apps)),
        live::difference(
            ("device", "devices"),
            "the last sync",
            &devices(&before.devices),
            &devices(&h.devices),
        ),
    ] {
        said.extend(diff);
    }
    Ok((value, said))
}

/// Skips a step with the admin's reason (never a step already done).
pub fn skip_step(cache: &Cache, run_id: &str, idx: u32, reason: &str) -> Result<StepRow> {
    let (_, mut s, _) = load_step(cache, run_id, idx)?;
    if s.state == StepState::Done {
        return Err(ChecklistError::Invalid("A finished step cannot be skipped.".into()));
    }
    if reason.trim().is_empty() {
        return Err(ChecklistError::Invalid("Give a reason for skipping this step.".into()));
    }
    s.state = StepState::Skipped;
    s.finished_at = Some(now_rfc3339());
    s.note = reason.trim().to_string();
    cache.save_step(&s)?;
    Ok(s)
}
