//! The Rollcall desktop shell: builder, thin commands, native dialogs, paths and logs.
//!
//! The logic lives in the crates under `src-tauri/crates/` (rollcall-core decides, the cache
//! stores); a command here is a few lines that call into them on the blocking pool. This crate
//! keeps what needs a window or the OS: state wiring, native dialogs, the keyring, events.

pub mod commands;
pub mod dialogs;
pub mod error;
pub mod events;
pub mod keys;
pub mod logs;
pub mod paths;
pub mod session;
pub mod state;
pub mod updates;

use state::{LaunchOptions, Shell};

/// The command-line usage, printed by `--help`.
pub const USAGE: &str = "\
Rollcall — a desktop console for JumpCloud admins

Usage: rollcall [--demo]

Options:
  --demo      open on the built-in demo organisation (no JumpCloud account needed)
  --help      print this help
  --version   print the version

Environment:
  ROLLCALL_HOME  put all data, logs and settings below this folder
  ROLLCALL_LOG   log level (error, warn, info, debug, trace); default info
";

/// What the command line asked for.
#[derive(Debug, PartialEq, Eq)]
pub enum CliRequest {
    Launch(LaunchOptions),
    Help,
    Version,
}

/// An argument Rollcall does not take (the message carries the usage).
#[derive(Debug, PartialEq, Eq, thiserror::Error)]
#[error("unknown argument `{0}`\n\n{USAGE}")]
pub struct UnknownArgument(pub String);

/// Parses the command line (without the program name). Unknown arguments are an error with
/// the usage, so a typo is not silently ignored.
pub fn parse_args<I: IntoIterator<Item = String>>(args: I) -> Result<CliRequest, UnknownArgument> {
    let mut launch = LaunchOptions::default();
    for arg in args {
        match arg.as_str() {
            "--demo" => launch.demo = true,
            "--help" | "-h" => return Ok(CliRequest::Help),
            "--version" | "-V" => return Ok(CliRequest::Version),
            // Passed by some launchers and by WebDriver sessions; harmless.
            s if s.starts_with("-psn_") => {}
            other => return Err(UnknownArgument(other.to_string())),
        }
    }
    Ok(CliRequest::Launch(launch))
}

/// The typed command set. `run()` and the bindings export use this same builder, so the
/// TypeScript bindings cannot drift from the commands.
pub fn specta_builder() -> tauri_specta::Builder<tauri::Wry> {
    tauri_specta::Builder::<tauri::Wry>::new()
        .disable_serde_phases()
        .commands(tauri_specta::collect_commands![
            commands::app_info,
            commands::org::org_status,
            commands::org::access_refresh,
            commands::org::org_rekey,
            commands::org::org_test,
            commands::org::org_connect,
            commands::org::org_connect_all,
            commands::org::org_open_demo,
            commands::org::org_switch,
            commands::org::org_remove,
            commands::org::sync_start,
            commands::org::sync_cancel,
            commands::org::sync_schedule_set,
            commands::reports::posture,
            commands::reports::posture_trends,
            commands::reports::sync_history,
            commands::reports::sync_diff,
            commands::reports::report_catalogue,
            commands::reports::report_table,
            commands::reports::report_export,
            commands::reviews::review_list,
            commands::reviews::review_get,
            commands::reviews::review_start,
            commands::reviews::review_decide,
            commands::reviews::review_finish,
            commands::reviews::review_export,
            updates::updates_status,
            updates::updates_check,
            updates::updates_set_check_on_launch,
            updates::updates_install,
            commands::console::console_catalog,
            commands::console::console_load_specs,
            commands::console::console_check,
            commands::console::console_write_block,
            commands::console::console_send,
            commands::console::console_cancel,
            commands::console::console_copy,
            commands::console::console_save,
            commands::console::console_history,
            commands::explore::events_page,
            commands::explore::events_count,
            commands::explore::events_histogram,
            commands::explore::events_distinct,
            commands::explore::events_archive,
            commands::explore::events_archive_services_set,
            commands::explore::events_saved,
            commands::explore::events_save,
            commands::explore::events_delete_saved,
            commands::explore::events_saved_filter,
            commands::explore::events_export,
            commands::explore::events_last_login,
            commands::certify::certify_list,
            commands::certify::certify_get,
            commands::certify::certify_create,
            commands::certify::certify_repeat,
            commands::certify::certify_prepare,
            commands::certify::certify_decide,
            commands::certify::certify_close,
            commands::certify::certify_remediate,
            commands::certify::certify_confirm_manual,
            commands::certify::certify_export,
            commands::certify::certify_workbook_export,
            commands::certify::certify_workbook_import,
            commands::certify::certify_suspend,
            commands::certify::certify_check_suspensions,
            commands::certify::certify_cancel_suspension,
            commands::scope::scope_choices,
            commands::scope::scope_preview,
            commands::scope::scope_set,
            commands::browse::users_page,
            commands::browse::user_facets,
            commands::browse::systems_page,
            commands::browse::system_facets,
            commands::browse::groups_list,
            commands::browse::record_problems,
            commands::browse::group_members,
            commands::browse::apps_list,
            commands::browse::admins_list,
            commands::browse::search_all,
            commands::browse::user_detail,
            commands::browse::system_detail,
            commands::browse::audit_list,
            commands::browse::export_csv,
            commands::browse::vocabulary,
            commands::act::action_options,
            commands::act::action_run,
            commands::act::open_in_jumpcloud,
            commands::checklists::checklist_start,
            commands::checklists::checklist_start_bulk,
            commands::checklists::checklist_runs,
            commands::checklists::checklist_run,
            commands::checklists::checklist_step_run,
            commands::checklists::checklist_step_cancel_schedule,
            commands::checklists::checklist_step_skip,
            commands::checklists::checklist_restore,
            commands::checklists::checklist_export,
            commands::checklists::checklist_grants,
            commands::checklists::checklist_grant_remove,
            commands::checklists::checklist_templates,
            commands::checklists::checklist_template_save,
            commands::checklists::checklist_template_reset,
            commands::checklists::checklist_template_export,
            commands::checklists::checklist_template_import,
            commands::checklists::checklist_people_file,
        ])
        .events(tauri_specta::collect_events![
            events::CacheChanged,
            events::StatusChanged
        ])
        .typ::<error::AppError>()
}

/// Writes the TypeScript bindings (`ui/src/bindings.ts`; the `export-bindings` example,
/// `make bindings`). One type per Rust type: every type has one shape both ways (serde's
/// phases are not split into `_Serialize`/`_Deserialize` doubles).
pub fn export_bindings(path: &std::path::Path) -> Result<(), specta_typescript::Error> {
    specta_builder().export(
        specta_typescript::Typescript::default()
            .header("// Generated by `make bindings` (the export-bindings example). Do not edit.\n// @ts-nocheck\n"),
        path,
    )
}

/// Starts the app: parse args, set up paths and logs, open the window.
pub fn run() {
    let launch = match parse_args(std::env::args().skip(1)) {
        Ok(CliRequest::Launch(l)) => l,
        Ok(CliRequest::Help) => {
            print!("{USAGE}");
            return;
        }
        Ok(CliRequest::Version) => {
            println!("rollcall {}", env!("CARGO_PKG_VERSION"));
            return;
        }
        Err(msg) => {
            eprintln!("rollcall: {msg}");
            std::process::exit(2);
        }
    };

    let paths = match paths::AppPaths::from_env().and_then(|p| p.create_all().map(|()| p)) {
        Ok(p) => p,
        Err(e) => {
            eprintln!("rollcall: {e}");
            std::process::exit(1);
        }
    };
    let log_guard = match logs::init(&paths.log_dir) {
        Ok(g) => Some(g),
        Err(e) => {
            eprintln!("rollcall: logging to a file is off: {e}");
            None
        }
    };
    tracing::info!(version = env!("CARGO_PKG_VERSION"), demo = launch.demo, data_dir = %paths.data_dir.display(), "starting Rollcall");

    let builder = specta_builder();
    let result = tauri::Builder::default()
        .plugin(tauri_plugin_dialog::init())
        .plugin(tauri_plugin_opener::init())
        .plugin(tauri_plugin_updater::Builder::new().build())
        // The window opens where and as large as it was when last closed.
        .plugin(tauri_plugin_window_state::Builder::default().build())
        .manage(session::new(&paths))
        .manage(Shell::new(paths, launch, log_guard))
        .manage(commands::console::ConsoleState::default())
        .manage(updates::Updates::default())
        .invoke_handler(builder.invoke_handler())
        .setup(move |app| {
            builder.mount_events(app);
            commands::org::open_at_launch(app.handle(), launch.demo);
            commands::org::spawn_reconnect_loop(app.handle().clone());
            commands::org::spawn_sync_timer(app.handle().clone());
            updates::check_at_launch(app.handle());
            Ok(())
        })
        .run(tauri::generate_context!("tauri.conf.json"));
    if let Err(e) = result {
        tracing::error!(error = %e, "Rollcall stopped with an error");
        eprintln!("rollcall: {e}");
        std::process::exit(1);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(a: &[&str]) -> Vec<String> {
        a.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn demo_flag_is_parsed() {
        assert_eq!(
            parse_args(args(&["--demo"])),
            Ok(CliRequest::Launch(LaunchOptions { demo: true }))
        );
        assert_eq!(
            parse_args(args(&[])),
            Ok(CliRequest::Launch(LaunchOptions { demo: false }))
        );
    }

    #[test]
    fn unknown_argument_is_refused_with_usage() {
        let err = parse_args(args(&["--demo", "--dmeo"])).unwrap_err().to_string();
        assert!(err.contains("--dmeo") && err.contains("Usage:"), "{err}");
    }
}
