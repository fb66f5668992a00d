//! Connecting, switching, removing organisations; status; sync.

use crate::commands::blocking::blocking;
use crate::error::{AppError, AppResult, ErrorCode};
use crate::events;
use crate::session::{OrgStatus, Relearn, Session};
use rollcall_core::connect::{ConnectInput, ConnectionCheck};
use rollcall_core::session::OrgEntry;
use rollcall_core::{SyncProgress, SyncReport};
use serde::Deserialize;
use specta::Type;

use std::time::Duration;
use tauri::ipc::Channel;
use tauri::{AppHandle, State};
use tracing::instrument;

/// Opens an org (its key from the keyring, its file) on the blocking pool.
async fn activate(app: &AppHandle, entry: OrgEntry) -> AppResult<std::sync::Arc<crate::session::ActiveOrg>> {
    let app = app.clone();
    blocking(move || Ok(tauri::Manager::state::<Session>(&app).activate(entry)?)).await
}

/// After an org is opened: checks its cache file in the background (a damaged file is moved
/// aside and replaced by an empty one the next sync fills) and learns the admin's access.
fn probe_in_background(app: &AppHandle, session: &Session) {
    let Some(org) = session.try_active() else { return };
    let app2 = app.clone();
    let checked = org.clone();
    tauri::async_runtime::spawn_blocking(move || {
        let session: State<'_, Session> = tauri::Manager::state(&app2);
        if session.check_file(&checked).is_some() {
            events::cache_changed(&app2, &checked.entry.id, &[events::DataKind::All]);
            events::status_changed(&app2);
        }
    });
    let app = app.clone();
    tauri::async_runtime::spawn(async move {
        let session: State<'_, Session> = tauri::Manager::state(&app);
        if let Err(e) = session.refresh_access(&org, Relearn::IfUnknown).await {
            tracing::warn!(error = %e, "could not confirm the admin's access");
        }
        events::status_changed(&app);
    });
}

/// Learns the admin's role again in the background (JumpCloud refused a request for it).
pub fn relearn_access_in_background(app: &AppHandle) {
    let app = app.clone();
    tauri::async_runtime::spawn(async move {
        let session: State<'_, Session> = tauri::Manager::state(&app);
        let Some(org) = session.try_active() else { return };
        if let Err(e) = session.refresh_access(&org, Relearn::Now).await {
            tracing::warn!(error = %e, "could not learn the admin's access again");
        }
        events::status_changed(&app);
    });
}

/// "Check my role again": sends the permission probes now (nothing can change in JumpCloud:
/// each aims at an ID no record has) and keeps what they find.
#[tauri::command]
#[specta::specta]
#[instrument(skip(app, session), err(Debug))]
pub async fn access_refresh(app: AppHandle, session: State<'_, Session>) -> AppResult<OrgStatus> {
    let org = session.active()?;
    let result = session.refresh_access(&org, Relearn::Now).await;
    events::status_changed(&app);
    result?;
    Ok(session.status())
}

#[tauri::command]
#[specta::specta]
#[instrument(skip(app), err(Debug))]
pub async fn org_status(app: AppHandle) -> AppResult<OrgStatus> {
    crate::commands::blocking::blocking(move || {
        let session: State<'_, Session> = tauri::Manager::state(&app);
        Ok(session.status())
    })
    .await
}

/// "Test connection": nothing is stored.
#[tauri::command]
#[specta::specta]
#[instrument(err(Debug))]
pub async fn org_test(input: ConnectInput) -> AppResult<ConnectionCheck> {
    Ok(input.check().await?)
}

/// Tests, stores the key in the OS keyring, opens the org. The UI then starts the first sync.
#[tauri::command]
#[specta::specta]
#[instrument(skip(app, session), err(Debug))]
pub async fn org_connect(app: AppHandle, session: State<'_, Session>, input: ConnectInput) -> AppResult<OrgStatus> {
    let found = input.check().await?;
    open_with_key(&app, input.entry(&found), &input.api_key, found.access).await?;
    Ok(session.status())
}

/// A multi-tenant (MSP) key: tests it, then adds each chosen organisation it reaches (all of
/// them when `org_ids` is empty) with its own key entry, and opens the first; the others are
/// copied when the admin switches to them.
#[tauri::command]
#[specta::specta]
#[instrument(skip(app, session), err(Debug))]
pub async fn org_connect_all(
    app: AppHandle,
    session: State<'_, Session>,
    input: ConnectInput,
    org_ids: Vec<String>,
) -> AppResult<OrgStatus> {
    let found = input.check().await?;
    let mut chosen: Vec<_> = found
        .orgs
        .iter()
        .filter(|o| org_ids.is_empty() || org_ids.iter().any(|id| id.eq_ignore_ascii_case(&o.id)))
        .cloned()
        .collect();
    // The organisation the test ran against opens first: its role is known.
    chosen.sort_by_key(|o| o.id != found.org.id);
    if chosen.is_empty() {
        return Err(AppError::new(
            ErrorCode::Invalid,
            "None of the chosen organisations is reachable with this key.",
        ));
    }
    let multi = found.orgs.len() > 1 || !input.org_id.trim().is_empty();
    let entries: Vec<_> = chosen.iter().map(|o| input.entry_for(o, multi)).collect();
    let (app2, key, rest) = (app.clone(), input.api_key.clone(), entries[1..].to_vec());
    blocking(move || {
        let session = tauri::Manager::state::<Session>(&app2);
        for e in rest {
            session.add_with_key(e, &key)?;
        }
        Ok(())
    })
    .await?;
    let first = entries[0].clone();
    if first.id == found.org.id {
        open_with_key(&app, first, &input.api_key, found.access).await?;
    } else {
        // Its role is learned once it is open (writes wait until then).
        let (app2, key, e) = (app.clone(), input.api_key.clone(), first.clone());
        blocking(move || Ok(tauri::Manager::state::<Session>(&app2).add_with_key(e, &key)?)).await?;
        activate(&app, first).await?;
        probe_in_background(&app, &session);
    }
    Ok(session.status())
}

/// Stores a key that was just tested and opens the org with it (on the blocking pool).
async fn open_with_key(
    app: &AppHandle,
    entry: OrgEntry,
    key: &str,
    access: rollcall_core::access::Access,
) -> AppResult<std::sync::Arc<crate::session::ActiveOrg>> {
    let (app2, key) = (app.clone(), key.to_string());
    let org = blocking(move || Ok(tauri::Manager::state::<Session>(&app2).open_with_key(entry, &key, access)?)).await?;
    events::status_changed(app);
    Ok(org)
}

/// A new API key for a connected org (the old one was rotated or revoked, or its admin left).
#[derive(Deserialize, Type)]
pub struct RekeyInput {
    pub org_id: String,
    pub api_key: String,
}

impl std::fmt::Debug for RekeyInput {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("RekeyInput")
            .field("org_id", &self.org_id)
            .field("api_key", &"<redacted>")
            .finish()
    }
}

/// "Enter a new key": tests the key against the org's own region and ID, refuses a key that
/// reaches another organisation, then replaces the key in the credential store and reopens
/// the org. Its local copy, activity trail and checklist runs stay as they were.
#[tauri::command]
#[specta::specta]
#[instrument(skip(app, session), err(Debug))]
pub async fn org_rekey(app: AppHandle, session: State<'_, Session>, input: RekeyInput) -> AppResult<OrgStatus> {
    let (entry, access) = session.check_new_key(&input.org_id, &input.api_key).await?;
    let org = open_with_key(&app, entry, input.api_key.trim(), access).await?;
    events::cache_changed(&app, &org.entry.id, &[events::DataKind::All]);
    Ok(session.status())
}

/// Opens the built-in demo organisation (jcsim in-process).
#[tauri::command]
#[specta::specta]
#[instrument(skip(app, session), err(Debug))]
pub async fn org_open_demo(app: AppHandle, session: State<'_, Session>) -> AppResult<OrgStatus> {
    let entry = session.demo_entry()?;
    activate(&app, entry).await?;
    probe_in_background(&app, &session);
    Ok(session.status())
}

/// Switches to another connected org.
#[tauri::command]
#[specta::specta]
#[instrument(skip(app, session), err(Debug))]
pub async fn org_switch(app: AppHandle, session: State<'_, Session>, org_id: String) -> AppResult<OrgStatus> {
    let entry = session.entry(&org_id)?;
    activate(&app, entry).await?;
    probe_in_background(&app, &session);
    events::status_changed(&app);
    Ok(session.status())
}

/// "Remove organisation": after a native confirmation, deletes its keyring entry and cache file.
#[tauri::command]
#[specta::specta]
#[instrument(skip(app, session), err(Debug))]
pub async fn org_remove(app: AppHandle, session: State<'_, Session>, org_id: String) -> AppResult<OrgStatus> {
    let name = session.name_of(&org_id)?;
    let confirmed = crate::dialogs::confirm_local(
        &app,
        &rollcall_core::actions::Confirmation {
            title: "Remove organisation".into(),
            message: format!(
                "Remove {name} from Rollcall?\n\nIts API key is deleted from the system credential store and its local copy (cached data and Rollcall's activity log for it) is deleted from this computer.\n\nNothing changes in JumpCloud."
            ),
            ok_label: "Remove".into(),
        },
    )
    .await;
    if !confirmed {
        return Err(AppError::new(ErrorCode::Cancelled, "Nothing was removed."));
    }
    let app2 = app.clone();
    blocking(move || Ok(tauri::Manager::state::<Session>(&app2).remove(&org_id)?)).await?;
    events::status_changed(&app);
    Ok(session.status())
}

/// Runs a full sync of the open org, reporting progress on `on_progress`.
#[tauri::command]
#[specta::specta]
#[instrument(skip(app, session, on_progress), err(Debug))]
pub async fn sync_start(
    app: AppHandle,
    session: State<'_, Session>,
    on_progress: Channel<SyncProgress>,
) -> AppResult<SyncReport> {
    let events = SyncEvents {
        app: app.clone(),
        org_id: session.active()?.entry.id.clone(),
        channel: Some(on_progress),
    };
    Ok(session.sync(&events).await?)
}

/// Where a sync's news goes: the window's events and, for a sync the admin started, the
/// command's progress channel (a timed sync has none: the status bar shows it as running).
pub(crate) struct SyncEvents {
    app: AppHandle,
    org_id: String,
    channel: Option<Channel<SyncProgress>>,
}

impl SyncEvents {
    /// For a sync a command runs before its own work (no progress channel: the status bar
    /// shows it as running).
    pub(crate) fn quiet(app: &AppHandle, org_id: &str) -> Self {
        SyncEvents {
            app: app.clone(),
            org_id: org_id.to_string(),
            channel: None,
        }
    }
}

impl rollcall_core::session::SessionEvents for SyncEvents {
    fn status_changed(&self) {
        events::status_changed(&self.app);
    }
    fn cache_changed(&self, kinds: &[events::DataKind]) {
        events::cache_changed(&self.app, &self.org_id, kinds);
    }
    fn progress(&self, p: SyncProgress) {
        if let Some(c) = &self.channel {
            let _ = c.send(p);
        }
    }
}

#[tauri::command]
#[specta::specta]
#[instrument(skip(session), err(Debug))]
pub async fn sync_cancel(session: State<'_, Session>) -> AppResult<()> {
    session.link.cancel_sync();
    session.fleet.cancel();
    Ok(())
}

/// How often timed syncs run for the open org, in minutes (0: off). Kept in the org's file.
#[tauri::command]
#[specta::specta]
#[instrument(skip(app), err(Debug))]
pub async fn sync_schedule_set(app: AppHandle, every_minutes: u32) -> AppResult<OrgStatus> {
    if every_minutes > 7 * 24 * 60 {
        return Err(AppError::new(
            ErrorCode::Invalid,
            "Choose at most a week between automatic syncs, or turn them off.",
        ));
    }
    let app2 = app.clone();
    let status = blocking(move || {
        let session: State<'_, Session> = tauri::Manager::state(&app2);
        session.set_resync_every(every_minutes)?;
        Ok(session.status())
    })
    .await?;
    events::status_changed(&app);
    Ok(status)
}

/// The sync timers, each every 30 s: a timed sync of the open org when one is due, and, on a
/// loop of its own, of every other connected org that is due (`fleet_timer_tick`).
pub fn spawn_sync_timer(app: AppHandle) {
    let fleet_app = app.clone();
    tauri::async_runtime::spawn(async move {
        loop {
            tokio::time::sleep(Duration::from_secs(30)).await;
            let session: State<'_, Session> = tauri::Manager::state(&app);
            if let Some(org) = session.try_active() {
                let events = SyncEvents {
                    app: app.clone(),
                    org_id: org.entry.id.clone(),
                    channel: None,
                };
                session.timer_tick(rollcall_cache::dates::now_ms(), &events).await;
            }
        }
    });
    // Every other org whose interval has passed, on a loop of its own (a pass over many orgs
    // never holds up the open org's timed sync).
    tauri::async_runtime::spawn(async move {
        loop {
            tokio::time::sleep(Duration::from_secs(30)).await;
            let session: State<'_, Session> = tauri::Manager::state(&fleet_app);
            let fleet = crate::commands::fleet::WindowFleet {
                app: fleet_app.clone(),
                channel: None,
            };
            session.fleet_timer_tick(rollcall_cache::dates::now_ms(), &fleet).await;
        }
    });
}

/// Watches connectivity: while offline, tries JumpCloud every 10 s and announces recovery.
pub fn spawn_reconnect_loop(app: AppHandle) {
    tauri::async_runtime::spawn(async move {
        loop {
            tokio::time::sleep(Duration::from_secs(10)).await;
            let session: State<'_, Session> = tauri::Manager::state(&app);
            let changed = session.reconnect_tick().await;
            if changed {
                events::status_changed(&app);
            }
        }
    });
}

/// Used by setup: opens the org of the last session (or the demo), without blocking the window.
pub fn open_at_launch(app: &AppHandle, demo: bool) {
    let session: State<'_, Session> = tauri::Manager::state(app);
    let entry = match session.entry_at_launch(demo) {
        Ok(Some(e)) => Ok(e),
        Ok(None) => return,
        Err(e) => Err(e),
    };
    match entry.and_then(|e| session.activate(e)) {
        Ok(_) => probe_in_background(app, &session),
        Err(e) => {
            tracing::error!(error = %e, "could not open the last organisation");
            session.link.set_sync_error(Some(e.to_string()));
        }
    }
}
