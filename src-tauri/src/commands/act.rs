//! Actions: what a panel offers, running one (with its native confirmation), and "Open in
//! JumpCloud".

use crate::error::{AppError, AppResult, ErrorCode};
use crate::events;
use crate::session::Session;
use rollcall_core::actions::{self, ActionOption, ActionOutcome, ActionRequest};
use tauri::{AppHandle, State};
use tauri_plugin_opener::OpenerExt;
use tracing::instrument;

/// The actions for a user (`target_kind` "user") or device ("system"), each enabled or
/// disabled with its reason (role, OS rules, offline).
#[tauri::command]
#[specta::specta]
#[instrument(skip(session), err(Debug))]
pub async fn action_options(
    session: State<'_, Session>,
    target_kind: String,
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
        &target_kind,
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
        if !crate::dialogs::confirm(&app, c).await {
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
    use events::DataKind as K;
    let kinds: &[K] = match plan.target_kind.as_str() {
        "user" => &[K::Users, K::Groups, K::Audit],
        "group" => &[K::Groups, K::Users, K::Systems, K::Audit],
        _ => &[K::Systems, K::Audit],
    };
    events::cache_changed(&app, &org.entry.id, kinds);
    Ok(result?)
}

/// The Admin Portal address of a record; only JumpCloud's console hosts are ever opened.
pub fn deep_link(host: &str, kind: &str, id: &str) -> AppResult<url::Url> {
    if ![
        "console.jumpcloud.com",
        "console.eu.jumpcloud.com",
        "console.in.jumpcloud.com",
    ]
    .contains(&host)
    {
        return Err(AppError::new(
            ErrorCode::Invalid,
            format!("{host} is not a JumpCloud console host."),
        ));
    }
    if id.len() != 24 || !id.chars().all(|c| c.is_ascii_hexdigit()) {
        return Err(AppError::new(
            ErrorCode::Invalid,
            format!("\"{id}\" is not a JumpCloud object ID."),
        ));
    }
    let fragment = match kind {
        "user" => format!("/users/{id}/details"),
        "system" => format!("/devices/{id}/details"),
        "group" => format!("/groups/user/{id}/details"),
        "system_group" => format!("/groups/device/{id}/details"),
        other => {
            return Err(AppError::new(
                ErrorCode::Invalid,
                format!("No console page for \"{other}\"."),
            ))
        }
    };
    let mut u = url::Url::parse(&format!("https://{host}/")).map_err(|e| AppError::internal(e.to_string()))?;
    u.set_fragment(Some(&fragment));
    Ok(u)
}

/// Opens the record in the JumpCloud Admin Portal in the default browser.
#[tauri::command]
#[specta::specta]
#[instrument(skip(app, session), err(Debug))]
pub async fn open_in_jumpcloud(
    app: AppHandle,
    session: State<'_, Session>,
    kind: String,
    id: String,
) -> AppResult<String> {
    let org = session.active()?;
    if org.entry.demo {
        return Err(AppError::new(
            ErrorCode::Invalid,
            "The demo organisation exists only inside Rollcall; it has no page in the JumpCloud console.",
        ));
    }
    let url = deep_link(org.entry.region.console_host(), &kind, &id)?;
    app.opener()
        .open_url(url.as_str(), None::<&str>)
        .map_err(|e| AppError::internal(format!("Could not open the browser: {e}")))?;
    Ok(url.to_string())
}

#[cfg(test)]
mod tests {
    use super::deep_link;

    #[test]
    fn deep_links_go_only_to_console_hosts() {
        let id = "5f1b2c3d4e5f60718293a4b5";
        assert_eq!(
            deep_link("console.eu.jumpcloud.com", "user", id).unwrap().as_str(),
            format!("https://console.eu.jumpcloud.com/#/users/{id}/details")
        );
        assert_eq!(
            deep_link("console.jumpcloud.com", "system", id).unwrap().as_str(),
            format!("https://console.jumpcloud.com/#/devices/{id}/details")
        );
        assert!(deep_link("evil.example.com", "user", id).is_err());
        assert!(deep_link("console.jumpcloud.com", "user", "../../x").is_err());
    }
}
