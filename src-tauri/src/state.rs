//! What the shell keeps for the life of the app.

use crate::commands::AppInfo;
use crate::logs::{self, LogGuard};
use crate::paths::AppPaths;

/// How the app was started.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct LaunchOptions {
    /// `--demo`: open on the built-in demo organisation.
    pub demo: bool,
}

/// Shell state held in Tauri's state manager.
pub struct Shell {
    pub paths: AppPaths,
    pub launch: LaunchOptions,
    _log_guard: Option<LogGuard>,
}

impl Shell {
    pub fn new(paths: AppPaths, launch: LaunchOptions, log_guard: Option<LogGuard>) -> Self {
        Self {
            paths,
            launch,
            _log_guard: log_guard,
        }
    }

    pub fn app_info(&self) -> AppInfo {
        AppInfo {
            name: "Rollcall".into(),
            version: env!("CARGO_PKG_VERSION").into(),
            profile: if cfg!(debug_assertions) {
                crate::commands::BuildProfile::Debug
            } else {
                crate::commands::BuildProfile::Release
            },
            data_dir: self.paths.data_dir.display().to_string(),
            log_file: logs::current_log_file(&self.paths.log_dir).display().to_string(),
            demo: self.launch.demo,
            platform: format!("{} {}", std::env::consts::OS, std::env::consts::ARCH),
        }
    }
}
