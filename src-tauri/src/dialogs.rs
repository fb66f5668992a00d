//! Native confirmations, opened by the Rust command itself so the web page cannot skip them.

use crate::error::{AppError, AppResult, ErrorCode};
use rollcall_core::actions::Confirmation;
use rollcall_core::files::SaveOffer;
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

/// Shows the confirmation of a change to JumpCloud in organisation `org` (its name in the
/// title and the message: `Confirmation::in_org`); true when the admin chose the OK button.
pub async fn confirm(app: &AppHandle, org: &rollcall_core::session::OrgEntry, c: &Confirmation) -> bool {
    confirm_local(app, &c.in_org(org)).await
}

/// Shows a confirmation of something done on this computer only (nothing is sent to
/// JumpCloud); true when the admin chose the OK button. Never blocks a runtime thread: the
/// dialog answers through a oneshot channel.
pub async fn confirm_local(app: &AppHandle, c: &Confirmation) -> bool {
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

/// A file type offered in a file dialog: its name and extension (no dot), e.g. ("CSV", "csv").
pub type Filter<'a> = (&'a str, &'a str);

/// Asks where to save a file (native dialog); None when the admin cancelled.
async fn ask_save_path(
    app: &AppHandle,
    title: &str,
    file_name: &str,
    filter: Filter<'_>,
) -> AppResult<Option<PathBuf>> {
    let (tx, rx) = tokio::sync::oneshot::channel();
    app.dialog()
        .file()
        .set_title(title)
        .set_file_name(file_name)
        .add_filter(filter.0, &[filter.1])
        .save_file(move |p| {
            let _ = tx.send(p);
        });
    chosen(rx.await.ok().flatten(), "written")
}

/// Asks where to save (native dialog); only once the admin has chosen a place does `make`
/// build the file (so nothing is read or fetched for a cancelled export), which is then
/// written. Returns the path and what `make` returned beside the bytes; None when cancelled.
pub async fn save_as<T, Fut>(
    app: &AppHandle,
    offer: &SaveOffer,
    make: impl FnOnce() -> Fut,
) -> AppResult<Option<(String, T)>>
where
    Fut: std::future::Future<Output = AppResult<(Vec<u8>, T)>>,
{
    let filter = (offer.kind, offer.extension);
    let Some(path) = ask_save_path(app, &offer.title, &offer.file_name, filter).await? else {
        return Ok(None);
    };
    let (bytes, extra) = make().await?;
    write_file(&path, &bytes)?;
    Ok(Some((path.display().to_string(), extra)))
}

/// Asks which file to open (native dialog); None when the admin cancelled.
pub async fn ask_open_path(app: &AppHandle, title: &str, filter: Filter<'_>) -> AppResult<Option<PathBuf>> {
    let (tx, rx) = tokio::sync::oneshot::channel();
    app.dialog()
        .file()
        .set_title(title)
        .add_filter(filter.0, &[filter.1])
        .add_filter("All files", &["*"])
        .pick_file(move |p| {
            let _ = tx.send(p);
        });
    chosen(rx.await.ok().flatten(), "read")
}

/// Asks for a folder (native dialog); None when the admin cancelled.
pub async fn ask_folder(app: &AppHandle, title: &str) -> AppResult<Option<PathBuf>> {
    let (tx, rx) = tokio::sync::oneshot::channel();
    app.dialog().file().set_title(title).pick_folder(move |p| {
        let _ = tx.send(p);
    });
    chosen(rx.await.ok().flatten(), "read")
}

fn chosen(path: Option<tauri_plugin_dialog::FilePath>, verb: &str) -> AppResult<Option<PathBuf>> {
    let Some(path) = path else {
        return Ok(None);
    };
    path.into_path()
        .map(Some)
        .map_err(|e| AppError::new(ErrorCode::Invalid, format!("That location cannot be {verb}: {e}")))
}

/// Writes an exported file, with a message naming the path when it fails.
fn write_file(path: &Path, bytes: &[u8]) -> AppResult<()> {
    std::fs::write(path, bytes)
        .map_err(|e| AppError::new(ErrorCode::Invalid, format!("Could not write {}: {e}", path.display())))
}

/// Reads a text file the admin chose, with a message naming the path when it fails.
/// The bytes of a file the admin chose.
pub fn read_bytes(path: &Path) -> AppResult<Vec<u8>> {
    std::fs::read(path)
        .map_err(|e| AppError::new(ErrorCode::Invalid, format!("Could not read {}: {e}", path.display())))
}

pub fn read_text(path: &Path) -> AppResult<String> {
    let bytes = std::fs::read(path)
        .map_err(|e| AppError::new(ErrorCode::Invalid, format!("Could not read {}: {e}", path.display())))?;
    String::from_utf8(bytes).map_err(|_| {
        AppError::new(
            ErrorCode::Invalid,
            format!(
                "{} is not a text file (UTF-8); save it as CSV or JSON and try again.",
                path.display()
            ),
        )
    })
}
