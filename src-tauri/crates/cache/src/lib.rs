//! rollcall-cache: the SQLite mirror of one JumpCloud organisation.
//!
//! One file per org in the app's data dir, opened with WAL, foreign keys and a busy timeout.
//! A sync writes into staging tables and swaps them in only when complete (`write`), so
//! readers always see the last complete snapshot; a corrupt file is moved aside on open
//! (`db`). Queries for the UI (`read`) filter, sort and page in SQLite.

mod admins_seen;
pub mod archive;
pub mod audit;
pub mod campaigns;
pub mod checklists;
pub mod dates;
pub mod db;
pub mod error;
mod event_log;
pub mod history;
pub mod kinds;
pub mod live;
pub mod observed;
pub mod packed;
pub mod problems;
pub mod reach;
pub mod read;
pub mod reviews;
pub mod rows;
pub mod schema;
pub mod search;
pub mod settings;
pub mod trends;
pub mod write;

pub use archive::{ArchiveScan, ArchiveSpan, ArchivedEvent, ConsoleEntry, SavedQuery, LOGIN_SERVICES};
pub use audit::{AuditEntry, AuditIntent, AuditQuery};
pub use campaigns::{
    Campaign, CampaignRow, CampaignScope, CertDecision, CertFlag, DeviceScope, FlagFact, FrozenRow, GrantKind,
    NewCampaign, RemedyState, ReviewerMode, ScheduledSuspension, SuspensionState,
};
pub use checklists::{RunRow, StepRow};
pub use dates::{format_ms, parse_ms};
pub use db::OpenOutcome;
pub use error::{CacheError, Result};
pub use kinds::{
    AgendaKind, AuditAction, AuditStatus, ChangeKind, Decision, EdgeKind, GroupKind, MfaStatus, OsFamily, PostureCheck,
    RecordKind, RunStatus, StepKind, StepState, SyncStatus, TemplateBase, UserState,
};
pub use live::PersonAccess;
pub use problems::RecordProblem;
pub use reach::{ReachKind, ReachPath, ReachRow, ReachedDevice, ReachingUser};
pub use read::*;
pub use reviews::{AgendaItem, NewItem, Review};
pub use rows::*;
pub use trends::TrendPoint;
pub use write::{SyncEnd, SyncWriter};

use std::path::{Path, PathBuf};

/// One connection to an org's cache file.
pub struct Cache {
    pub(crate) conn: rusqlite::Connection,
    path: PathBuf,
}

impl Cache {
    /// Opens (creating, migrating or recovering as needed) the cache at `path`, after a full
    /// integrity check.
    pub fn open(path: &Path) -> Result<(Self, OpenOutcome)> {
        let (conn, outcome) = db::open(path, db::Check::Full)?;
        packed::load(&conn)?;
        Ok((
            Self {
                conn,
                path: path.to_path_buf(),
            },
            outcome,
        ))
    }

    /// Opens the cache for the app's lists and panels: no whole-file check at launch (the
    /// caller runs `db::quick_check_file` in the background), no memory map (so resident memory
    /// stays the 64 MB page cache, not the file).
    pub fn open_for_browsing(path: &Path) -> Result<(Self, OpenOutcome)> {
        let (conn, outcome) = db::open(path, db::Check::Header)?;
        conn.pragma_update(None, "mmap_size", 0)?;
        packed::load(&conn)?;
        Ok((
            Self {
                conn,
                path: path.to_path_buf(),
            },
            outcome,
        ))
    }

    /// Opens an existing cache read-only, as it is: no migration, no recovery, nothing moved
    /// (for looking across many orgs' files while each may be synced). A file of an older
    /// schema, or not a cache, is an error the caller reports.
    pub fn open_read_only(path: &Path) -> Result<Self> {
        let conn = rusqlite::Connection::open_with_flags(path, rusqlite::OpenFlags::SQLITE_OPEN_READ_ONLY)?;
        conn.busy_timeout(std::time::Duration::from_secs(5))?;
        conn.pragma_update(None, "cache_size", -2048)?;
        let version: i64 = conn.query_row("PRAGMA user_version", [], |r| r.get(0))?;
        let latest = crate::schema::LATEST as i64;
        if version != latest {
            return Err(CacheError::Migration(format!(
                "{} is at schema {version}, this Rollcall reads {latest}: it is upgraded when the organisation is opened or synced",
                path.display()
            )));
        }
        packed::load(&conn)?;
        Ok(Self {
            conn,
            path: path.to_path_buf(),
        })
    }

    /// A second connection to a cache `Cache::open` has opened (and migrated) in this process:
    /// for a sync's work beside its writer (the login events, which go to the archive alone),
    /// with little memory. Each write is its own short transaction, as the writer's are.
    pub fn open_beside(path: &Path) -> Result<Self> {
        let conn = rusqlite::Connection::open(path)?;
        db::configure(&conn)?;
        packed::load(&conn)?;
        let c = Self {
            conn,
            path: path.to_path_buf(),
        };
        c.use_little_memory()?;
        Ok(c)
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// For a connection that streams through the file once (a sync): no memory map and an
    /// 8 MB page cache instead of the readers' 64 MB.
    pub fn use_little_memory(&self) -> Result<()> {
        self.conn.pragma_update(None, "mmap_size", 0)?;
        self.conn.pragma_update(None, "cache_size", -8192)?;
        Ok(())
    }

    /// Runs `PRAGMA integrity_check` on the open file.
    pub fn integrity_check(&self) -> Result<()> {
        db::integrity_check(&self.conn)
    }

    /// Direct access for crates that add their own tables (audit trail, checklists).
    pub fn connection(&self) -> &rusqlite::Connection {
        &self.conn
    }
}

/// The cache file of an org inside the app's data dir.
pub fn org_file(data_dir: &Path, org_id: &str) -> PathBuf {
    let safe: String = org_id
        .chars()
        .filter(|c| c.is_ascii_alphanumeric() || *c == '-' || *c == '_')
        .collect();
    data_dir.join("orgs").join(format!("{safe}.sqlite"))
}
