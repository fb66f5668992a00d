//! Actions: what a panel offers, running one (with its native confirmation), and "Open in
//! JumpCloud".

use crate::error::{AppError, AppResult, ErrorCode};
use crate::events;
use crate::session::Session;
use rollcall_cache::RecordKind;
use rollcall_core::actions::{self, ActionOption, ActionOutcome, ActionRequest};
use rollcall_core::session::{portal_url, PortalPage};
use tauri::{AppHandle, State};
use tauri_plugin_opener::OpenerExt;
use tracing::instrument;

/// The actions for a user or a device, each enabled or disabled with its reason (role, OS
/// rules, offline).
#[tauri::command]
#[specta::specta]
#[instrument(skip(session), err(Debug))]
pub async fn action_options(
    session: State<'_, Session>,
    target_kind: RecordKind,
    id: String,
) -> AppResult<Vec<ActionOption>> {
    let org = session.active()?;
    let blocked = session.write_block_reason();
    let access = org.access().unwrap_or_else(|| rollcall_core::access::Access::full(""));
    let cache = org.cache();
    Ok(actions::options_for(
        &cache,
        &access,
        blocked.as_deref(),
        target_kind,
        &id,
    )?)
}

/// Plans, confirms natively where needed, sends once, records the audit trail.
#[tauri::command]
#[specta::specta]
#[instrument(skip(app, session), err(Debug))]
pub async fn action_run(
    app: AppHandle,
    session: State<'_, Session>,
    request: ActionRequest,
) -> AppResult<ActionOutcome> {
    let (org, access, actor) = session.for_writes(None)?;
    let plan = actions::plan(&org.cache(), &access, request)?;
    if let Some(c) = &plan.confirm {
        if !crate::dialogs::confirm(&app, &org.entry, c).await {
            return Err(AppError::new(
                ErrorCode::Cancelled,
                "Cancelled — nothing was sent to JumpCloud.",
            ));
        }
    }
    let result = actions::perform(&org.client, &org.cache, &plan, &actor).await;
    if let Err(actions::ActionError::Api(e) | actions::ActionError::LiveRead { source: e, .. }) = &result {
        if session.observe(Err(e)) {
            events::status_changed(&app);
        }
        if matches!(e, jumpcloud::Error::Forbidden { .. }) {
            crate::commands::org::relearn_access_in_background(&app);
        }
    }
    events::cache_changed(&app, &org.entry.id, &plan.changes());
    Ok(result?)
}

/// Opens the record in the JumpCloud Admin Portal in the default browser.
#[tauri::command]
#[specta::specta]
#[instrument(skip(app, session), err(Debug))]
pub async fn open_in_jumpcloud(
    app: AppHandle,
    session: State<'_, Session>,
    page: PortalPage,
    id: String,
) -> AppResult<String> {
    let org = session.active()?;
    if org.entry.demo {
        return Err(AppError::new(
            ErrorCode::Invalid,
            "The demo organisation exists only inside Rollcall; it has no page in the JumpCloud console.",
        ));
    }
    let url = portal_url(org.entry.region, page, &id).map_err(|e| AppError::new(ErrorCode::Invalid, e.to_string()))?;
    app.opener()
        .open_url(&url, None::<&str>)
        .map_err(|e| AppError::internal(format!("Could not open the browser: {e}")))?;
    Ok(url)
}
