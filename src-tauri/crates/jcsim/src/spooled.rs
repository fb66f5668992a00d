//! A report artifact's body in a temporary file (gigabytes for a large org: the simulator holds
//! none of it in memory), and the sweep of the files a killed simulator left.

use std::io::Write;

/// A report's body in a temporary file: written once, read as downloads stream, removed when
/// the last holder lets it go (a download; the report itself while it is the newest of its
/// type, for one written ahead).
#[derive(Debug)]
pub struct Spooled {
    pub path: std::path::PathBuf,
    pub len: u64,
}

impl Spooled {
    /// Removes the report files a simulator that was killed left in the temporary folder (a
    /// written artifact is kept until a newer one supersedes it: gigabytes for a large org):
    /// those of a process no longer running, where the system says so (`/proc`); elsewhere
    /// none (a running simulator's file may be days old). The number removed.
    pub fn sweep() -> usize {
        let Ok(dir) = std::fs::read_dir(std::env::temp_dir()) else {
            return 0;
        };
        if !std::path::Path::new("/proc/self").exists() {
            return 0;
        }
        let mut removed = 0;
        for entry in dir.flatten() {
            let name = entry.file_name().to_string_lossy().into_owned();
            let Some(pid) = name
                .strip_prefix("jcsim-report-")
                .and_then(|rest| rest.split('-').next())
                .and_then(|p| p.parse::<u32>().ok())
            else {
                continue;
            };
            let stale = pid != std::process::id() && !std::path::Path::new(&format!("/proc/{pid}")).exists();
            if stale && std::fs::remove_file(entry.path()).is_ok() {
                removed += 1;
            }
        }
        removed
    }

    pub(crate) fn write(fill: impl FnOnce(&mut dyn Write) -> std::io::Result<()>) -> std::io::Result<Self> {
        static N: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);
        let n = N.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        let path = std::env::temp_dir().join(format!("jcsim-report-{}-{n}.body", std::process::id()));
        let mut spooled = Spooled { path, len: 0 };
        let mut out = std::io::BufWriter::with_capacity(1 << 20, std::fs::File::create(&spooled.path)?);
        fill(&mut out)?;
        out.flush()?;
        spooled.len = std::fs::metadata(&spooled.path)?.len();
        Ok(spooled)
    }

    pub(crate) fn truncate(&mut self, len: u64) -> std::io::Result<()> {
        std::fs::OpenOptions::new().write(true).open(&self.path)?.set_len(len)?;
        self.len = len;
        Ok(())
    }
}

impl Drop for Spooled {
    fn drop(&mut self) {
        let _ = std::fs::remove_file(&self.path);
    }
}
