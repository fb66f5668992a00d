//! Every directory Rollcall writes to, in one place.
//!
//! `ROLLCALL_HOME` redirects all of them below one folder (tests always set it, so no test
//! touches a real user's data or logs). Without it, the platform's usual places are used:
//! `~/.local/share/rollcall` and friends on Linux, `~/Library/Application Support/...` on macOS,
//! `%APPDATA%\...` on Windows.

use std::path::{Path, PathBuf};

/// The environment variable that redirects every app directory.
pub const HOME_ENV: &str = "ROLLCALL_HOME";

/// Where Rollcall keeps its files.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AppPaths {
    /// Per-organisation SQLite mirrors and app settings.
    pub data_dir: PathBuf,
    /// Daily rolling log files.
    pub log_dir: PathBuf,
    /// Preferences that are not data (window state, chosen org).
    pub config_dir: PathBuf,
}

impl AppPaths {
    /// Resolves the directories from the environment: `ROLLCALL_HOME` if set and non-empty,
    /// otherwise the platform's per-user locations.
    pub fn from_env() -> Result<Self, PathsError> {
        match std::env::var_os(HOME_ENV) {
            Some(home) if !home.is_empty() => Ok(Self::under(Path::new(&home))),
            _ => Self::platform(),
        }
    }

    /// All directories below one root (what `ROLLCALL_HOME` selects).
    pub fn under(root: &Path) -> Self {
        Self {
            data_dir: root.join("data"),
            log_dir: root.join("logs"),
            config_dir: root.join("config"),
        }
    }

    fn platform() -> Result<Self, PathsError> {
        let dirs = directories::ProjectDirs::from("app", "Rollcall", "Rollcall").ok_or(PathsError::NoHome)?;
        Ok(Self {
            data_dir: dirs.data_dir().to_path_buf(),
            log_dir: dirs.data_local_dir().join("logs"),
            config_dir: dirs.config_dir().to_path_buf(),
        })
    }

    /// Creates every directory (idempotent).
    pub fn create_all(&self) -> Result<(), PathsError> {
        for dir in [&self.data_dir, &self.log_dir, &self.config_dir] {
            std::fs::create_dir_all(dir).map_err(|source| PathsError::Create {
                dir: dir.clone(),
                source,
            })?;
        }
        Ok(())
    }
}

#[derive(Debug, thiserror::Error)]
pub enum PathsError {
    #[error("cannot find your home directory; set {HOME_ENV} to a folder Rollcall may write to")]
    NoHome,
    #[error("cannot create {}: {source}; check its permissions or set {HOME_ENV} to another folder", dir.display())]
    Create { dir: PathBuf, source: std::io::Error },
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rollcall_home_puts_every_dir_below_it() {
        let root = Path::new("/tmp/rc-home");
        let p = AppPaths::under(root);
        for dir in [&p.data_dir, &p.log_dir, &p.config_dir] {
            assert!(dir.starts_with(root), "{} escaped ROLLCALL_HOME", dir.display());
        }
        assert_ne!(p.data_dir, p.log_dir, "logs and data must not share a folder");
    }

    #[test]
    fn create_all_makes_the_directories() {
        let tmp = tempfile::tempdir().unwrap();
        let p = AppPaths::under(tmp.path());
        p.create_all().unwrap();
        assert!(p.data_dir.is_dir() && p.log_dir.is_dir() && p.config_dir.is_dir());
    }
}
