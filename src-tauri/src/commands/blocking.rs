//! Where commands do their blocking work: SQLite, the keyring and files run on Tauri's blocking
//! pool, never on the window's thread (a non-async command runs there) nor on the async
//! runtime's few threads.

use crate::error::{AppError, AppResult};
use crate::session::{ActiveOrg, Session};
use rollcall_cache::Cache;
use std::sync::Arc;

/// Which connection to the org's file a read uses.
#[derive(Clone, Copy)]
pub enum Reader {
    /// Pages, search, panels: what a click waits on.
    Interactive,
    /// Facet counts and group sizes (hundreds of ms on a large org).
    Aggregates,
    /// A connection of its own, for a read that walks the whole file (an export), so that it
    /// never holds one the window waits on.
    Export,
}

/// Runs `f` on the blocking pool.
pub async fn blocking<T: Send + 'static>(f: impl FnOnce() -> AppResult<T> + Send + 'static) -> AppResult<T> {
    tauri::async_runtime::spawn_blocking(f)
        .await
        .map_err(|e| AppError::internal(format!("a background task stopped: {e}")))?
}

/// Runs a read on the interactive connection, on the blocking pool.
pub async fn read<T: Send + 'static, E: Into<AppError>>(
    session: &Session,
    what: &'static str,
    f: impl FnOnce(&Cache) -> Result<T, E> + Send + 'static,
) -> AppResult<T> {
    read_on(session, Reader::Interactive, what, f).await
}

/// Runs a read on the chosen connection, on the blocking pool; logs reads that are slow.
pub async fn read_on<T: Send + 'static, E: Into<AppError>>(
    session: &Session,
    reader: Reader,
    what: &'static str,
    f: impl FnOnce(&Cache) -> Result<T, E> + Send + 'static,
) -> AppResult<T> {
    let org = session.active()?;
    blocking(move || {
        let started = std::time::Instant::now();
        let own;
        let cache = match reader {
            Reader::Interactive => Held::Guard(org.cache()),
            Reader::Aggregates => Held::Guard(org.stats()),
            Reader::Export => {
                own = Cache::open_for_browsing(&org.cache_path)?.0;
                Held::Own(&own)
            }
        };
        let waited = started.elapsed();
        let out = f(cache.get()).map_err(Into::into);
        let ms = started.elapsed().as_millis() as u64;
        if ms >= 50 {
            tracing::info!(what, ms, waited_ms = waited.as_millis() as u64, "slow cache read");
        }
        out
    })
    .await
}

/// A connection held for one read: a locked shared one, or one of its own.
enum Held<'a> {
    Guard(parking_lot::MutexGuard<'a, Cache>),
    Own(&'a Cache),
}

impl Held<'_> {
    fn get(&self) -> &Cache {
        match self {
            Held::Guard(g) => g,
            Held::Own(c) => c,
        }
    }
}

/// Runs a change to the open org's file (`f` gets the org) on the blocking pool.
pub async fn with_org<T: Send + 'static>(
    session: &Session,
    f: impl FnOnce(&Arc<ActiveOrg>) -> AppResult<T> + Send + 'static,
) -> AppResult<T> {
    let org = session.active()?;
    blocking(move || f(&org)).await
}
