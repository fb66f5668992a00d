//! Running one step of a checklist run. Steps that remove access read what the person holds in
//! JumpCloud when they run, act on that, and read again to verify; device commands already
//! accepted are never sent again.

use super::rules::removes_access;
use super::start::{fill_subject, items_for, Holdings};
use super::{load_step, ChecklistError, Result, StartInput, StepContext, StepInput, StepItem};
use crate::actions::{self, ActionError, ActionRequest, Actor};
use crate::live::{self, names, LiveReadError, Part, PersonNow};
use crate::sync::now_rfc3339;
use rollcall_cache::{Cache, RunRow, RunStatus, StepKind, StepRow, StepState};
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

/// How a step (or a part of it) came out: `Ok` to go on, or the state it stops in and why.
type Outcome<T = ()> = std::result::Result<T, (StepState, String)>;

/// What a running step has done and has to say: the keys of its items done, and its notes.
struct Tally {
    done: Vec<String>,
    notes: Vec<String>,
}

/// Runs one step: reads what JumpCloud holds where the step acts on access, sends its remaining
/// items (never a device command already accepted), records each at once, and verifies
/// removals. `input` carries what the admin typed (the hostnames of devices to wipe, a note,
/// an approval). Returns the step as it ended.
pub async fn run_step(ctx: &StepContext<'_>, run_id: &str, idx: u32, input: &StepInput) -> Result<StepRow> {
    let (run, mut s, all) = load_step(&ctx.cache.lock(), run_id, idx)?;
    check_runnable(&run, &s, &all, idx, input)?;
    if s.kind == StepKind::Suspend {
        if s.state == StepState::Scheduled {
            return super::scheduled::check(ctx, &run, s).await;
        }
        if let Some(at) = input.suspend_at.as_deref().filter(|a| !a.trim().is_empty()) {
            return super::scheduled::schedule(ctx, &run, s, at).await;
        }
    }
    s.state = StepState::Running;
    s.started_at.get_or_insert_with(now_rfc3339);
    s.message.clear();
    ctx.cache.lock().save_step(&s)?;

    let items: Vec<StepItem> = serde_json::from_str(&s.items)?;
    let mut tally = Tally {
        done: serde_json::from_str(&s.items_done)?,
        notes: vec![],
    };
    let outcome = match s.kind {
        StepKind::Capture => capture_step(ctx, &run, run_id, &mut tally.notes).await?,
        StepKind::Manual | StepKind::Verify | StepKind::Approval => {
            tally.notes.push("Recorded.".into());
            Ok(())
        }
        StepKind::Instructions => {
            tally
                .notes
                .push(items.first().map(|i| i.label.clone()).unwrap_or_default());
            Ok(())
        }
        StepKind::Evidence => finish_run(ctx, run_id, &mut tally.notes)?,
        kind => {
            let mut sending = Sending {
                ctx,
                run_id,
                typed_hostnames: &input.typed_hostnames,
                actor: Actor {
                    run_id: Some(run_id.to_string()),
                    ..ctx.actor.clone()
                },
                kind,
                removal: removes_access(kind),
                subject_id: run.subject_id.clone(),
            };
            sending.run(&mut s, items, &mut tally, &run.subject_label).await?
        }
    };
    end_step(&mut s, &tally, outcome, input)?;
    ctx.cache.lock().save_step(&s)?;
    Ok(s)
}

/// Refuses a step that may not run now: the run is finished, the step is done, what the admin
/// must record is missing, or a step before it must be recorded first.
fn check_runnable(run: &RunRow, s: &StepRow, all: &[StepRow], idx: u32, input: &StepInput) -> Result<()> {
    let note = input.note.as_str();
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
    if let Some(gate) = super::step_rules(all, idx).waits_for {
        return Err(ChecklistError::Invalid(format!(
            "\"{gate}\" comes first: record it before this step."
        )));
    }
    Ok(())
}

/// The step's bookkeeping once it ran: the items done, its state, its message and its note.
fn end_step(s: &mut StepRow, tally: &Tally, outcome: Outcome, input: &StepInput) -> Result<()> {
    let note = input.note.as_str();
    s.items_done = serde_json::to_string(&tally.done)?;
    match outcome {
        Ok(()) => {
            s.state = StepState::Done;
            s.finished_at = Some(now_rfc3339());
            s.message = if tally.notes.is_empty() {
                "Nothing to do.".into()
            } else {
                tally.notes.join(" ")
            };
        }
        Err((state, why)) => {
            s.state = state;
            s.message = [tally.notes.join(" "), why]
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
    Ok(())
}

/// "Not run: …" for a read of JumpCloud that failed before anything was sent.
fn not_run(e: &LiveReadError) -> String {
    format!(
        "Not run: {}. Nothing was sent; run it again when JumpCloud answers.",
        live::clause(e)
    )
}

/// The capture step: reads what the person holds now and keeps it with the run.
async fn capture_step(ctx: &StepContext<'_>, run: &RunRow, run_id: &str, notes: &mut Vec<String>) -> Result<Outcome> {
    match capture(ctx, &run.subject_id, &run.subject_label).await {
        Ok((value, said)) => {
            ctx.cache.lock().save_capture(run_id, &value.to_string())?;
            notes.extend(said);
            Ok(Ok(()))
        }
        Err(ChecklistError::Live(e)) => Ok(Err((StepState::Failed, not_run(&e)))),
        Err(e) => Ok(Err((StepState::Failed, format!("Not run: {e}")))),
    }
}

/// The evidence step: marks the run finished.
fn finish_run(ctx: &StepContext<'_>, run_id: &str, notes: &mut Vec<String>) -> Result<Outcome> {
    ctx.cache
        .lock()
        .set_run_status(run_id, RunStatus::Finished, Some(&now_rfc3339()))?;
    notes.push("Run finished; export the evidence report.".into());
    Ok(Ok(()))
}

/// How sending one item of a step went.
enum ItemSent {
    /// JumpCloud accepted its request.
    Accepted,
    /// Nothing was sent for it (it has no request, or it is already in the wanted state).
    NotSent,
    /// The step stops here, in this state, for this reason.
    Stopped(StepState, String),
}

/// A step that sends requests (removals, device commands, account changes, an onboarding's),
/// while it runs.
struct Sending<'a> {
    ctx: &'a StepContext<'a>,
    run_id: &'a str,
    /// For wipes: device id → the hostname as typed.
    typed_hostnames: &'a [(String, String)],
    /// The audit actor, tied to the run.
    actor: Actor,
    kind: StepKind,
    /// The step removes access: it sends whatever is still held, and is verified by a read.
    removal: bool,
    /// The person the requests are about; empty until an onboarding creates them.
    subject_id: String,
}

impl Sending<'_> {
    /// Runs the step: reads what JumpCloud holds where it acts on that, sends what remains, and
    /// verifies removals. `person` is the run's label of the person. Returns how it ended.
    async fn run(&mut self, s: &mut StepRow, items: Vec<StepItem>, tally: &mut Tally, person: &str) -> Result<Outcome> {
        // Steps that act on what the person holds act on what JumpCloud holds now.
        let (items, read_first, mut outcome) = match live_part(self.kind) {
            Some(part) if !self.subject_id.is_empty() => self.read_first(part, s, items, &mut tally.notes).await?,
            _ => (items, None, Ok(())),
        };
        // A removal sends whatever is still held (a graph removal is safe to repeat); any
        // other request is never sent again once JumpCloud accepted it.
        let remaining: Vec<&StepItem> = if outcome.is_ok() {
            items
                .iter()
                .filter(|it| self.removal || !tally.done.contains(&it.key))
                .collect()
        } else {
            vec![]
        };
        let mut sent = 0;
        for it in remaining {
            match self.send_item(it, s, tally).await? {
                ItemSent::Accepted => sent += 1,
                ItemSent::NotSent => {}
                ItemSent::Stopped(state, why) => {
                    outcome = Err((state, why));
                    break;
                }
            }
        }
        if self.removal {
            outcome = self.verify(sent, read_first, outcome, &mut tally.notes, person).await?;
        }
        Ok(outcome)
    }

    /// Reads `part` of the person from JumpCloud and makes the step's items what it holds now,
    /// saying how that differs from the preview. Returns the items, the read, and how the step
    /// stands (failed, with nothing sent, when the read did not complete).
    async fn read_first(
        &self,
        part: Part,
        s: &mut StepRow,
        items: Vec<StepItem>,
        notes: &mut Vec<String>,
    ) -> Result<(Vec<StepItem>, Option<PersonNow>, Outcome)> {
        let StepContext { client, cache, .. } = *self.ctx;
        match live::read_person(client, cache, &self.subject_id, &[part]).await {
            Ok(now) => {
                let fresh = live_items(self.kind, &now, &self.subject_id, &cache.lock())?;
                notes.extend(live::difference(
                    noun(self.kind),
                    "the preview",
                    &actionable(&items),
                    &actionable(&fresh),
                ));
                s.items = serde_json::to_string(&fresh)?;
                Ok((fresh, Some(now), Ok(())))
            }
            Err(e) => Ok((items, None, Err((StepState::Failed, not_run(&e))))),
        }
    }

    /// Sends one item (confirmed where its plan asks), and records it at once when accepted.
    async fn send_item(&mut self, it: &StepItem, s: &mut StepRow, tally: &mut Tally) -> Result<ItemSent> {
        let StepContext {
            client,
            cache,
            access,
            confirm,
            ..
        } = *self.ctx;
        let Some(request) = it.request.clone() else {
            if let Some(n) = &it.note {
                tally.notes.push(format!("{}: not sent — {n}", it.label));
            }
            return Ok(ItemSent::NotSent);
        };
        let creates = matches!(request, ActionRequest::UserCreate { .. });
        let request = match self.ready(request) {
            Ok(r) => r,
            Err((state, why)) => return Ok(ItemSent::Stopped(state, why)),
        };
        let plan = match actions::plan(&cache.lock(), access, request) {
            Ok(p) => p,
            // Already in the wanted state (suspended, say): nothing to send.
            Err(ActionError::AlreadyDone(why)) => {
                tally.notes.push(format!("{}: {why}", it.label));
                tally.done.push(it.key.clone());
                return Ok(ItemSent::NotSent);
            }
            Err(e) => return Ok(ItemSent::Stopped(StepState::Failed, format!("{}: {e}", it.label))),
        };
        if let Some(c) = &plan.confirm {
            if !confirm(c.clone()).await {
                return Ok(ItemSent::Stopped(
                    StepState::Pending,
                    format!("Cancelled at {} — nothing was sent for it.", it.label),
                ));
            }
        }
        match actions::execute(client, cache, &plan, &self.actor).await {
            Ok(out) => {
                if let (true, Some(id)) = (creates, &out.created_id) {
                    cache.lock().set_run_subject(self.run_id, id, &plan.target_label)?;
                    self.subject_id.clone_from(id);
                }
                self.record_accepted(it, out.message, s, tally)?;
                Ok(ItemSent::Accepted)
            }
            Err(ActionError::Api(e)) => {
                let state = if matches!(e, jumpcloud::Error::OutcomeUnknown { .. }) {
                    StepState::Unknown
                } else {
                    StepState::Failed
                };
                Ok(ItemSent::Stopped(state, format!("{}: {e}", it.label)))
            }
            Err(e) => Err(e.into()),
        }
    }

    /// The request made ready to send: about the person (unless it creates them), with a wipe's
    /// typed hostname. Or, before the person is created, why the step waits.
    fn ready(&self, mut request: ActionRequest) -> Outcome<ActionRequest> {
        if !matches!(request, ActionRequest::UserCreate { .. }) {
            if self.subject_id.is_empty() {
                return Err((
                    StepState::Pending,
                    "The person is not created yet: run \"Create the user\" first.".into(),
                ));
            }
            fill_subject(&mut request, &self.subject_id);
        }
        if let ActionRequest::DeviceWipe {
            system_id,
            typed_hostname,
        } = &mut request
        {
            *typed_hostname = self
                .typed_hostnames
                .iter()
                .find(|(id, _)| id == system_id)
                .map(|(_, h)| h.clone())
                .unwrap_or_default();
        }
        Ok(request)
    }

    /// Writes an accepted item down at once: done, with what JumpCloud said (for all but
    /// removals, which say it once for the step).
    fn record_accepted(&self, it: &StepItem, message: String, s: &mut StepRow, tally: &mut Tally) -> Result<()> {
        if !tally.done.contains(&it.key) {
            tally.done.push(it.key.clone());
        }
        if !self.removal {
            tally.notes.push(message);
        }
        s.items_done = serde_json::to_string(&tally.done)?;
        self.ctx.cache.lock().save_step(s)?;
        Ok(())
    }

    /// A removal is "done" only when a read shows none left: the first read when nothing had to
    /// be sent, else one more. Returns how the step ends.
    async fn verify(
        &self,
        sent: usize,
        read_first: Option<PersonNow>,
        outcome: Outcome,
        notes: &mut Vec<String>,
        person: &str,
    ) -> Result<Outcome> {
        let StepContext { client, cache, .. } = *self.ctx;
        if sent > 0 {
            notes.push(format!(
                "Sent {sent} {}.",
                if sent == 1 { "removal" } else { "removals" }
            ));
        }
        let check = match (&outcome, sent, read_first) {
            (Err(_), _, _) | (_, _, None) => None,
            (Ok(()), 0, Some(first)) => Some(Ok(first)),
            (Ok(()), _, Some(_)) => {
                let part = live_part(self.kind).unwrap_or(Part::Groups);
                Some(live::read_person(client, cache, &self.subject_id, &[part]).await)
            }
        };
        match check {
            None => Ok(outcome),
            Some(Ok(after)) => self.verified(&after, notes, person),
            Some(Err(e)) => Ok(Err((
                StepState::Failed,
                format!("The removals were sent, but the check afterwards failed: {}. Run the step again to verify (only what remains is sent).", live::clause(&e)),
            ))),
        }
    }

    /// What a read after the removals shows: verified when nothing is left, else failed naming
    /// what is.
    fn verified(&self, after: &PersonNow, notes: &mut Vec<String>, person: &str) -> Result<Outcome> {
        let (one, many) = noun(self.kind);
        let left: Vec<String> = live_items(self.kind, after, &self.subject_id, &self.ctx.cache.lock())?
            .into_iter()
            .filter(|i| i.request.is_some())
            .map(|i| i.label)
            .collect();
        let at = clock(&after.read_at);
        if left.is_empty() {
            notes.push(if self.kind == StepKind::RemoveGroups {
                format!("Verified at {at}: JumpCloud lists {person} in no user group.")
            } else {
                format!("Verified at {at}: JumpCloud lists no direct app access for {person}.")
            });
            Ok(Ok(()))
        } else {
            Ok(Err((
                StepState::Failed,
                format!(
                    "Failed — still in {} {} after the removal (read at {at}): {}. Run the step again to send only what remains.",
                    left.len(),
                    if left.len() == 1 { one } else { many },
                    names(&left, 10)
                ),
            )))
        }
    }
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
    if s.state == StepState::Scheduled {
        return Err(ChecklistError::Invalid(
            "JumpCloud holds a scheduled suspension for this step: cancel it first, then skip.".into(),
        ));
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
