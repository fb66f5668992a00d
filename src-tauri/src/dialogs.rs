//! Native confirmations, opened by the Rust command itself so the web page cannot skip them.

use rollcall_core::actions::Confirmation;
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
