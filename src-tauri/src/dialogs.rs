//! Native confirmations, opened by the Rust command itself so the web page cannot skip them.

use crate::error::{AppError, AppResult, ErrorCode};
use rollcall_core::actions::Confirmation;
use std::path::{Path, PathBuf};
use tauri::AppHandle;
use tauri_plugin_dialog::{DialogExt, MessageDialogButtons, MessageDialogKind};

/// The OK button's text. On Linux (GTK) a leading underscore makes its first letter the
/// keyboard mnemonic (alt+letter), as GTK's own buttons have.
fn ok_label(label: &str) -> String {
    if cfg!(target_os = "linux") {
        format!("_{label}")
    } else {
        label.to_string()
    }
}

/// Shows the confirmation; true when the admin chose the OK button. Never blocks a runtime
/// thread: the dialog answers through a oneshot channel.
pub async fn confirm(app: &AppHandle, c: &Confirmation) -> bool {
    let (tx, rx) = tokio::sync::oneshot::channel();
    app.dialog()
        .message(&c.message)
        .title(&c.title)
        .kind(MessageDialogKind::Warning)
        .buttons(MessageDialogButtons::OkCancelCustom(
            ok_label(&c.ok_label),
            "Cancel".into(),
        ))
        .show(move |ok| {
            let _ = tx.send(ok);
        });
    rx.await.unwrap_or(false)
}

/// Asks where to save a CSV file (native dialog); None when the admin cancelled.
pub async fn ask_save_path(app: &AppHandle, title: &str, file_name: &str) -> AppResult<Option<PathBuf>> {
    let (tx, rx) = tokio::sync::oneshot::channel();
    app.dialog()
        .file()
        .set_title(title)
        .set_file_name(file_name)
        .add_filter("CSV", &["csv"])
        .save_file(move |p| {
            let _ = tx.send(p);
        });
    let Some(path) = rx.await.ok().flatten() else {
        return Ok(None);
    };
    path.into_path()
        .map(Some)
        .map_err(|e| AppError::new(ErrorCode::Invalid, format!("That location cannot be written: {e}")))
}

/// Writes an exported file, with a message naming the path when it fails.
pub fn write_file(path: &Path, text: &str) -> AppResult<()> {
    std::fs::write(path, text)
        .map_err(|e| AppError::new(ErrorCode::Invalid, format!("Could not write {}: {e}", path.display())))
}
