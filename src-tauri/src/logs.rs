//! Tracing to a daily rolling file in the app's log dir, plus stderr.
//!
//! The level comes from `ROLLCALL_LOG` (an `EnvFilter` directive such as `debug` or
//! `rollcall=trace,info`); the default is `info`. The returned guard flushes the file writer
//! when dropped, so it is kept in Tauri state for the life of the app.

use std::path::{Path, PathBuf};
use tracing_appender::non_blocking::WorkerGuard;
use tracing_subscriber::{fmt, layer::SubscriberExt, util::SubscriberInitExt, EnvFilter};

/// The environment variable that sets the log level.
pub const LEVEL_ENV: &str = "ROLLCALL_LOG";
const FILE_PREFIX: &str = "rollcall";
const FILE_SUFFIX: &str = "log";

/// Keeps the background log writer alive; dropping it flushes the file.
pub struct LogGuard {
    _guard: WorkerGuard,
}

/// Why logging could not start.
#[derive(Debug, thiserror::Error)]
pub enum LogError {
    #[error("cannot open a log file in {dir}: {source}")]
    Open {
        dir: String,
        source: tracing_appender::rolling::InitError,
    },
    #[error("logging was already initialised: {0}")]
    AlreadySet(#[from] tracing_subscriber::util::TryInitError),
}

/// Installs the global subscriber. Returns the guard to keep alive.
pub fn init(log_dir: &Path) -> Result<LogGuard, LogError> {
    let appender = tracing_appender::rolling::Builder::new()
        .rotation(tracing_appender::rolling::Rotation::DAILY)
        .filename_prefix(FILE_PREFIX)
        .filename_suffix(FILE_SUFFIX)
        .max_log_files(14)
        .build(log_dir)
        .map_err(|source| LogError::Open {
            dir: log_dir.display().to_string(),
            source,
        })?;
    let (file_writer, guard) = tracing_appender::non_blocking(appender);
    let filter = EnvFilter::try_from_env(LEVEL_ENV).unwrap_or_else(|_| EnvFilter::new("info"));
    tracing_subscriber::registry()
        .with(filter)
        .with(fmt::layer().with_writer(std::io::stderr))
        .with(fmt::layer().with_ansi(false).with_writer(file_writer))
        .try_init()?;
    Ok(LogGuard { _guard: guard })
}

/// The path of today's log file (the rolling appender names files `rollcall.YYYY-MM-DD.log`).
pub fn current_log_file(log_dir: &Path) -> PathBuf {
    // The appender rotates on UTC days.
    let today = rollcall_cache::dates::today_utc();
    log_dir.join(format!("{FILE_PREFIX}.{today}.{FILE_SUFFIX}"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn log_file_is_named_like_the_appender_names_it() {
        let p = current_log_file(Path::new("/logs"));
        let name = p.file_name().unwrap().to_str().unwrap();
        assert!(
            name.starts_with("rollcall.") && name.ends_with(".log") && name.len() == "rollcall.2025-01-01.log".len(),
            "{name}"
        );
    }
}
