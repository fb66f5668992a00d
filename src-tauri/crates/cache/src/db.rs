//! Opening an org's cache file: pragmas, integrity check, migrations, and recovery from a
//! corrupt file (moved aside with a clear message; a fresh file takes its place).

use crate::error::{CacheError, Result};
use rusqlite::Connection;
use std::path::{Path, PathBuf};
use std::time::Duration;

/// What happened when the file was opened.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum OpenOutcome {
    /// The file was there and sound.
    Opened,
    /// No file yet: a new, empty cache was created.
    Created,
    /// The file was corrupt: it was moved to `moved_to` and a fresh cache created. A full
    /// sync will fill it again.
    Recovered { moved_to: PathBuf, reason: String },
}

/// Sets the pragmas every connection needs.
pub fn configure(conn: &Connection) -> Result<()> {
    conn.busy_timeout(Duration::from_secs(5))?;
    // Takes effect on a new file only (before the first table): lets a finished sync hand the
    // staging tables' pages back to the file system.
    conn.pragma_update(None, "auto_vacuum", "INCREMENTAL")?;
    conn.pragma_update(None, "journal_mode", "WAL")?;
    conn.pragma_update(None, "synchronous", "NORMAL")?;
    conn.pragma_update(None, "foreign_keys", "ON")?;
    conn.pragma_update(None, "temp_store", "MEMORY")?;
    // A 50,000-user org's narrow tables fit in memory: 64 MB of page cache and memory-mapped
    // reads keep list and search queries off the file system.
    conn.pragma_update(None, "cache_size", -65_536)?;
    conn.pragma_update(None, "mmap_size", 268_435_456)?;
    Ok(())
}

/// `PRAGMA integrity_check`: Ok(()) or the first problems found.
pub fn integrity_check(conn: &Connection) -> Result<()> {
    run_check(conn, "PRAGMA integrity_check(5)")
}

/// Runs a check pragma: "ok", or its first problems as a `Corrupt` error.
fn run_check(conn: &Connection, pragma: &str) -> Result<()> {
    let mut stmt = conn.prepare(pragma)?;
    let rows: Vec<String> = stmt
        .query_map([], |r| r.get::<_, String>(0))?
        .collect::<std::result::Result<_, _>>()?;
    if rows.len() == 1 && rows[0] == "ok" {
        Ok(())
    } else {
        Err(CacheError::Corrupt(rows.join("; ")))
    }
}

/// How much of the file to check on open.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Check {
    /// `PRAGMA integrity_check` over the whole file (seconds for a large org): for syncs and
    /// tests.
    Full,
    /// Only what opening and migrating reads (a file that is not a database fails here): for
    /// the app's launch, which then runs `quick_check_file` in the background.
    Header,
}

/// `PRAGMA quick_check` on a separate, low-memory connection (for a background check).
pub fn quick_check_file(path: &Path) -> Result<()> {
    let conn = Connection::open_with_flags(path, rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY)?;
    conn.busy_timeout(Duration::from_secs(30))?;
    conn.pragma_update(None, "cache_size", -2048)?;
    run_check(&conn, "PRAGMA quick_check(5)")
}

fn open_checked(path: &Path, check: Check) -> Result<Connection> {
    let mut conn = Connection::open(path)?;
    configure(&conn)?;
    if check == Check::Full {
        integrity_check(&conn)?;
    } else {
        conn.query_row("SELECT count(*) FROM sqlite_master", [], |r| r.get::<_, i64>(0))?;
    }
    crate::schema::migrations().to_latest(&mut conn).map_err(|e| match e {
        rusqlite_migration::Error::MigrationDefinition(
            rusqlite_migration::MigrationDefinitionError::DatabaseTooFarAhead,
        ) => CacheError::TooNew(e.to_string()),
        e => CacheError::Migration(e.to_string()),
    })?;
    Ok(conn)
}

/// Opens (or creates) the cache at `path`. A file that fails to open, fails
/// `integrity_check` or is not a database is moved aside to `<name>.corrupt-<n>` and replaced by
/// a fresh one — never a crash, never a silent loss: the outcome says where the old file went.
pub fn open(path: &Path, check: Check) -> Result<(Connection, OpenOutcome)> {
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir).map_err(|e| CacheError::Io(format!("cannot create {}: {e}", dir.display())))?;
    }
    let existed = path.exists();
    match open_checked(path, check) {
        Ok(c) => Ok((
            c,
            if existed {
                OpenOutcome::Opened
            } else {
                OpenOutcome::Created
            },
        )),
        Err(CacheError::TooNew(m)) => Err(CacheError::TooNew(format!(
            "{} was written by a newer Rollcall; update Rollcall to open it ({m})",
            path.display()
        ))),
        Err(e) if existed => {
            let reason = e.to_string();
            let moved_to = move_aside(path)?;
            tracing::warn!(file = %path.display(), moved_to = %moved_to.display(), %reason, "cache file was unreadable; moved aside, starting fresh");
            let conn = open_checked(path, Check::Full)?;
            Ok((conn, OpenOutcome::Recovered { moved_to, reason }))
        }
        Err(e) => Err(e),
    }
}

/// Moves a damaged file (and its WAL) to `<name>.corrupt-<n>`; returns where it went.
pub fn move_aside(path: &Path) -> Result<PathBuf> {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "cache".into());
    let dir = path.parent().unwrap_or(Path::new("."));
    let mut n = 1;
    let target = loop {
        let t = dir.join(format!("{name}.corrupt-{n}"));
        if !t.exists() {
            break t;
        }
        n += 1;
    };
    std::fs::rename(path, &target).map_err(|e| CacheError::Io(format!("cannot move {} aside: {e}", path.display())))?;
    for suffix in ["-wal", "-shm"] {
        let side = dir.join(format!("{name}{suffix}"));
        if side.exists() {
            let _ = std::fs::rename(
                &side,
                dir.join(format!(
                    "{}{suffix}",
                    target.file_name().unwrap_or_default().to_string_lossy()
                )),
            );
        }
    }
    Ok(target)
}
