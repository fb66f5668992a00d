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

/// Installs the global subscriber. Returns the guard to keep alive.
pub fn init(log_dir: &Path) -> Result<LogGuard, String> {
    let appender = tracing_appender::rolling::Builder::new()
        .rotation(tracing_appender::rolling::Rotation::DAILY)
        .filename_prefix(FILE_PREFIX)
        .filename_suffix(FILE_SUFFIX)
        .max_log_files(14)
        .build(log_dir)
        .map_err(|e| format!("cannot open a log file in {}: {e}", log_dir.display()))?;
    let (file_writer, guard) = tracing_appender::non_blocking(appender);
    let filter = EnvFilter::try_from_env(LEVEL_ENV).unwrap_or_else(|_| EnvFilter::new("info"));
    tracing_subscriber::registry()
        .with(filter)
        .with(fmt::layer().with_writer(std::io::stderr))
        .with(fmt::layer().with_ansi(false).with_writer(file_writer))
        .try_init()
        .map_err(|e| format!("logging was already initialised: {e}"))?;
    Ok(LogGuard { _guard: guard })
}

/// The path of today's log file (the rolling appender names files `rollcall.YYYY-MM-DD.log`).
pub fn current_log_file(log_dir: &Path) -> PathBuf {
    let today = time_today_utc();
    log_dir.join(format!("{FILE_PREFIX}.{today}.{FILE_SUFFIX}"))
}

/// Today's date in UTC as `YYYY-MM-DD` (the appender rotates on UTC days).
fn time_today_utc() -> String {
    let secs = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0);
    let (y, m, d) = civil_from_days((secs / 86_400) as i64);
    format!("{y:04}-{m:02}-{d:02}")
}

/// Days since 1970-01-01 to a proleptic Gregorian date (Howard Hinnant's algorithm).
fn civil_from_days(z: i64) -> (i64, u32, u32) {
    let z = z + 719_468;
    let era = z.div_euclid(146_097);
    let doe = z.rem_euclid(146_097);
    let yoe = (doe - doe / 1460 + doe / 36_524 - doe / 146_096) / 365;
    let y = yoe + era * 400;
    let doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
    let mp = (5 * doy + 2) / 153;
    let d = (doy - (153 * mp + 2) / 5 + 1) as u32;
    let m = if mp < 10 { mp + 3 } else { mp - 9 } as u32;
    (if m <= 2 { y + 1 } else { y }, m, d)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn civil_dates_match_known_days() {
        assert_eq!(civil_from_days(0), (1970, 1, 1));
        assert_eq!(civil_from_days(19_723), (2024, 1, 1));
        assert_eq!(civil_from_days(20_415), (2025, 11, 23));
        assert_eq!(civil_from_days(11_016), (2000, 2, 29), "leap day");
    }

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
