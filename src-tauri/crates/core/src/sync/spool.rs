//! A bulk report's JSON artifact on its way through a sync: downloaded to a temporary file,
//! read row by row, removed when done — and, when a sync was killed before it could remove
//! it, by the next sync.

use super::reports::TYPES;
use jumpcloud::ReportType;
use std::time::Duration;

/// A report's JSON artifact in a temporary file (read row by row, removed when dropped).
pub(super) struct Spool(pub(super) std::path::PathBuf);

/// A spool older than this is one a sync that was killed left behind (a large org's report
/// is gigabytes): the next sync removes it.
const SPOOL_STALE: Duration = Duration::from_secs(24 * 3600);

impl Spool {
    pub(super) fn new(kind: ReportType) -> Self {
        Spool(std::env::temp_dir().join(format!("rollcall-{kind}-{}.json", uuid::Uuid::now_v7())))
    }

    /// Removes the spools in `dir` older than `SPOOL_STALE` (Rollcall stopped while reading a
    /// report: nothing removed them); how many.
    pub(super) fn sweep(dir: &std::path::Path) -> usize {
        let Ok(entries) = std::fs::read_dir(dir) else { return 0 };
        let stale = |e: &std::fs::DirEntry| {
            let name = e.file_name().to_string_lossy().into_owned();
            let ours = name.starts_with("rollcall-")
                && name.ends_with(".json")
                && TYPES.iter().any(|t| name.starts_with(&format!("rollcall-{t}-")));
            ours && e
                .metadata()
                .and_then(|m| m.modified())
                .ok()
                .and_then(|t| t.elapsed().ok())
                .is_some_and(|age| age > SPOOL_STALE)
        };
        entries
            .flatten()
            .filter(|e| stale(e) && std::fs::remove_file(e.path()).is_ok())
            .count()
    }
}

impl Drop for Spool {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.0);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_spool_a_stopped_sync_left_is_removed_and_a_fresh_one_or_another_file_kept() {
        let dir = tempfile::tempdir().unwrap();
        let file = |name: &str, age: Duration| {
            let p = dir.path().join(name);
            let f = std::fs::File::create(&p).unwrap();
            f.set_modified(std::time::SystemTime::now() - age).unwrap();
            p
        };
        let day = Duration::from_secs(24 * 3600);
        let old = file("rollcall-users-to-devices-0190a1b2.json", day * 2);
        let fresh = file("rollcall-users-to-devices-0190a1b3.json", Duration::from_secs(60));
        let other = file("rollcall-notes.json", day * 2);
        assert_eq!(Spool::sweep(dir.path()), 1);
        assert!(!old.exists(), "the stale spool is removed");
        assert!(fresh.exists(), "a spool a running sync may be reading is kept");
        assert!(other.exists(), "only spools are touched");
    }
}
