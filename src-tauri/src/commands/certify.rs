//! Access reviews: create a campaign, prepare it (a sync first, then the data sealed), decide
//! rows, close it, remove what was revoked (one native confirmation for the batch), confirm
//! manual removals, export the evidence. The rules are core's (`rollcall_core::certify`).

use crate::commands::blocking::{read_on, with_org, Reader};
use crate::commands::org::SyncEvents;
use crate::error::{AppError, AppResult, ErrorCode};
use crate::events::{self, DataKind};
use crate::session::Session;
use rollcall_cache::{dates, CertDecision, NewCampaign};
use rollcall_core::actions::Confirmation;
use rollcall_core::certify::{
    self, CampaignSummary, CampaignView, DecideInput, Decided, EvidenceFormat, ImportReport, PrepareInput, Remediation,
    RemedyReport,
};
use rollcall_core::session::operator;
use serde::Serialize;
use specta::Type;
use tauri::{AppHandle, State};
use tracing::instrument;

#[tauri::command]
#[specta::specta]
#[instrument(skip(session), err(Debug))]
pub async fn certify_list(session: State<'_, Session>) -> AppResult<Vec<CampaignSummary>> {
    read_on(&session, Reader::Interactive, "the access reviews", certify::list).await
}

#[tauri::command]
#[specta::specta]
#[instrument(skip(session), err(Debug))]
pub async fn certify_get(session: State<'_, Session>, id: u32) -> AppResult<CampaignView> {
    read_on(&session, Reader::Interactive, "an access review", move |c| {
        certify::view(c, id as i64)
    })
    .await
}

#[tauri::command]
#[specta::specta]
#[instrument(skip(session), err(Debug))]
pub async fn certify_create(session: State<'_, Session>, input: NewCampaign) -> AppResult<CampaignView> {
    with_org(&session, move |org| {
        Ok(certify::create(&org.cache(), &input, &operator())?)
    })
    .await
}

/// The next campaign of a repeating one: the same scope and reviewers.
#[tauri::command]
#[specta::specta]
#[instrument(skip(session), err(Debug))]
pub async fn certify_repeat(session: State<'_, Session>, id: u32) -> AppResult<CampaignView> {
    with_org(&session, move |org| {
        Ok(certify::repeat(&org.cache(), id as i64, &operator())?)
    })
    .await
}

/// What preparing did: sealed, or it needs the admin to choose (JumpCloud could not be
/// reached and the copy is older than a day).
#[derive(Debug, Clone, Serialize, Type)]
#[serde(tag = "outcome", rename_all = "snake_case")]
pub enum PrepareOutcome {
    Prepared { view: Box<CampaignView> },
    NeedsChoice { reason: String, copy_as_of: Option<String> },
}

/// Syncs, then seals the campaign's rows. When the sync fails: a copy less than a day old is
/// used (and the campaign says so); an older one only when `use_copy` (the admin chose it).
#[tauri::command]
#[specta::specta]
#[instrument(skip(app, session), err(Debug))]
pub async fn certify_prepare(
    app: AppHandle,
    session: State<'_, Session>,
    id: u32,
    use_copy: bool,
) -> AppResult<PrepareOutcome> {
    let org = session.active()?;
    let mut note = String::new();
    if let Err(e) = session.sync(&SyncEvents::quiet(&app, &org.entry.id)).await {
        let reason = AppError::from(e).message;
        let as_of = org.cache().snapshot()?.as_of;
        let chosen = use_copy.then(operator);
        match certify::after_failed_sync(&reason, as_of.as_deref(), chosen.as_deref(), dates::now_ms()) {
            Ok(n) => note = n,
            Err(reason) => {
                return Ok(PrepareOutcome::NeedsChoice {
                    reason,
                    copy_as_of: as_of,
                })
            }
        }
    }
    let scope = org.cache().campaign(id as i64)?.scope;
    if scope.devices != rollcall_cache::DeviceScope::None && note.is_empty() {
        // A bulk report does not say who is an administrator on a device: read it now.
        if let Err(e) = certify::read_device_rights(&org.client, &org.cache).await {
            note = format!(
                "Administrator rights on devices could not be read from JumpCloud ({}); they are as the local copy holds them.",
                AppError::from(e).message
            );
        }
    }
    let view = with_org(&session, move |org| {
        Ok(certify::prepare(
            &mut org.cache(),
            id as i64,
            &PrepareInput {
                admin: &format!("admin ({})", operator()),
                note: &note,
                now_ms: dates::now_ms(),
            },
        )?)
    })
    .await?;
    Ok(PrepareOutcome::Prepared { view: Box::new(view) })
}

#[tauri::command]
#[specta::specta]
#[instrument(skip(session), err(Debug))]
pub async fn certify_decide(session: State<'_, Session>, id: u32, input: DecideInput) -> AppResult<Decided> {
    with_org(&session, move |org| {
        Ok(certify::decide(
            &mut org.cache(),
            id as i64,
            &input,
            &operator(),
            "desk",
        )?)
    })
    .await
}

/// Closes the campaign; undecided rows become `undecided_as` (keep or revoke).
#[tauri::command]
#[specta::specta]
#[instrument(skip(session), err(Debug))]
pub async fn certify_close(
    session: State<'_, Session>,
    id: u32,
    undecided_as: CertDecision,
) -> AppResult<CampaignView> {
    with_org(&session, move |org| {
        Ok(certify::close(&mut org.cache(), id as i64, undecided_as, &operator())?)
    })
    .await
}

/// Removes what the closed campaign revoked from JumpCloud, after one native confirmation
/// naming what will be removed; each removal read first, sent once, audited and verified.
#[tauri::command]
#[specta::specta]
#[instrument(skip(app, session), err(Debug))]
pub async fn certify_remediate(app: AppHandle, session: State<'_, Session>, id: u32) -> AppResult<RemedyReport> {
    let (org, access, actor) = session.for_writes(None)?;
    let open = certify::open_revocations(&org.cache(), id as i64)?;
    let sendable: Vec<String> = open
        .iter()
        .map(|r| match r.decision {
            Some(CertDecision::DropAdmin) => {
                format!("• {} — drop administrator rights on {}", r.row.person, r.row.resource)
            }
            _ => format!("• {} — {}", r.row.person, r.row.resource),
        })
        .collect();
    if sendable.is_empty() {
        return Err(AppError::new(
            ErrorCode::Invalid,
            "Nothing is left to remove: every revocation is verified, or waits for a manual removal.",
        ));
    }
    let shown = sendable.iter().take(12).cloned().collect::<Vec<_>>().join("\n");
    let more = if sendable.len() > 12 {
        format!("\n… and {} more", sendable.len() - 12)
    } else {
        String::new()
    };
    let confirm = Confirmation {
        title: format!("Remove {} revoked accesses?", sendable.len()),
        message: format!(
            "Rollcall reads each from JumpCloud first, sends one removal for what is still there, and reads again to verify:\n\n{shown}{more}"
        ),
        ok_label: "Remove".into(),
    };
    if !crate::dialogs::confirm(&app, &org.entry, &confirm).await {
        return Err(AppError::new(
            ErrorCode::Cancelled,
            "Cancelled — nothing was sent to JumpCloud.",
        ));
    }
    let report = certify::remediate(
        &Remediation {
            client: &org.client,
            cache: &org.cache,
            access: &access,
            actor: &actor,
        },
        id as i64,
    )
    .await?;
    events::cache_changed(
        &app,
        &org.entry.id,
        &[DataKind::Users, DataKind::Groups, DataKind::Systems, DataKind::Audit],
    );
    Ok(report)
}

/// Records that an admin removed a row's access by hand (what they did, in `note`).
#[tauri::command]
#[specta::specta]
#[instrument(skip(session), err(Debug))]
pub async fn certify_confirm_manual(
    session: State<'_, Session>,
    id: u32,
    seq: u32,
    note: String,
) -> AppResult<CampaignView> {
    with_org(&session, move |org| {
        Ok(certify::confirm_manual(
            &org.cache(),
            id as i64,
            seq,
            &operator(),
            &note,
        )?)
    })
    .await
}

/// The evidence through the save dialog: the path and the number of rows, None if cancelled.
#[tauri::command]
#[specta::specta]
#[instrument(skip(app, session), err(Debug))]
pub async fn certify_export(
    app: AppHandle,
    session: State<'_, Session>,
    id: u32,
    format: EvidenceFormat,
) -> AppResult<Option<(String, u32)>> {
    let org = session.active()?;
    let (name, org_id) = (org.entry.name.clone(), org.entry.id.clone());
    let (view, log) = read_on(&session, Reader::Interactive, "an access review", move |c| {
        Ok::<_, rollcall_core::certify::CertifyError>((
            certify::view(c, id as i64)?,
            c.campaign_decision_log(id as i64)?,
        ))
    })
    .await?;
    let offer = certify::evidence_offer(&name, &view.campaign, format);
    crate::dialogs::save_as(&app, &offer, || async move {
        tauri::async_runtime::spawn_blocking(move || certify::evidence(&name, &org_id, &view, &log, format))
            .await
            .map_err(|e| AppError::internal(format!("a background task stopped: {e}")))?
            .map_err(AppError::from)
    })
    .await
}

/// A reviewer's workbook of their rows, through the save dialog (`reviewer` empty: every row).
#[tauri::command]
#[specta::specta]
#[instrument(skip(app, session), err(Debug))]
pub async fn certify_workbook_export(
    app: AppHandle,
    session: State<'_, Session>,
    id: u32,
    reviewer: String,
) -> AppResult<Option<(String, u32)>> {
    let org = session.active()?;
    let (name, org_id) = (org.entry.name.clone(), org.entry.id.clone());
    let who = if reviewer.is_empty() {
        "all-reviewers".to_string()
    } else {
        reviewer.clone()
    };
    let offer = rollcall_core::files::SaveOffer::dated(
        "Export a reviewer's workbook",
        &name,
        &format!("access-review-{id}-{who}"),
        "Excel workbook",
        "xlsx",
    );
    crate::dialogs::save_as(&app, &offer, || async move {
        read_on(&session, Reader::Interactive, "an access review", move |c| {
            certify::workbook_for(c, id as i64, &org_id, &reviewer)
        })
        .await
    })
    .await
}

/// Reads a reviewer's workbook back (native open dialog); None when cancelled.
#[tauri::command]
#[specta::specta]
#[instrument(skip(app, session), err(Debug))]
pub async fn certify_workbook_import(
    app: AppHandle,
    session: State<'_, Session>,
    id: u32,
) -> AppResult<Option<ImportReport>> {
    let org_id = session.active()?.entry.id.clone();
    let Some(path) =
        crate::dialogs::ask_open_path(&app, "Import a reviewer's workbook", ("Excel workbook", "xlsx")).await?
    else {
        return Ok(None);
    };
    let bytes = crate::commands::blocking::blocking(move || crate::dialogs::read_bytes(&path)).await?;
    let report = with_org(&session, move |org| {
        Ok(certify::import_workbook(
            &mut org.cache(),
            id as i64,
            &org_id,
            &bytes,
            &operator(),
        )?)
    })
    .await?;
    Ok(Some(report))
}

/// Suspends a person with a revoked row on a date (JumpCloud's scheduled state change), after
/// a native confirmation naming them and the time.
#[tauri::command]
#[specta::specta]
#[instrument(skip(app, session), err(Debug))]
pub async fn certify_suspend(
    app: AppHandle,
    session: State<'_, Session>,
    id: u32,
    person_id: String,
    at: String,
) -> AppResult<CampaignView> {
    let (org, access, actor) = session.for_writes(None)?;
    let (app2, entry) = (app.clone(), org.entry.clone());
    let confirm = move |c: Confirmation| -> std::pin::Pin<Box<dyn std::future::Future<Output = bool> + Send>> {
        let (app, entry) = (app2.clone(), entry.clone());
        Box::pin(async move { crate::dialogs::confirm(&app, &entry, &c).await })
    };
    let ctx = Remediation {
        client: &org.client,
        cache: &org.cache,
        access: &access,
        actor: &actor,
    };
    let view = certify::schedule_suspension(&ctx, id as i64, &person_id, &at, &confirm).await?;
    events::cache_changed(&app, &org.entry.id, &[DataKind::Users, DataKind::Audit]);
    Ok(view)
}

/// Reads JumpCloud for each pending suspension of the campaign (verified, still pending, or
/// cancelled outside Rollcall).
#[tauri::command]
#[specta::specta]
#[instrument(skip(session), err(Debug))]
pub async fn certify_check_suspensions(session: State<'_, Session>, id: u32) -> AppResult<CampaignView> {
    let org = session.active()?;
    let access = org.access().unwrap_or_else(|| rollcall_core::access::Access::full(""));
    let actor = rollcall_core::actions::Actor {
        org_id: org.entry.id.clone(),
        operator: operator(),
        run_id: None,
    };
    let ctx = Remediation {
        client: &org.client,
        cache: &org.cache,
        access: &access,
        actor: &actor,
    };
    Ok(certify::check_suspensions(&ctx, id as i64).await?)
}

/// Cancels a pending suspension of the campaign (its job), audited.
#[tauri::command]
#[specta::specta]
#[instrument(skip(app, session), err(Debug))]
pub async fn certify_cancel_suspension(
    app: AppHandle,
    session: State<'_, Session>,
    id: u32,
    job_id: String,
) -> AppResult<CampaignView> {
    let (org, access, actor) = session.for_writes(None)?;
    let ctx = Remediation {
        client: &org.client,
        cache: &org.cache,
        access: &access,
        actor: &actor,
    };
    let view = certify::cancel_suspension(&ctx, id as i64, &job_id).await?;
    events::cache_changed(&app, &org.entry.id, &[DataKind::Users, DataKind::Audit]);
    Ok(view)
}
