use thiserror::Error;

#[derive(Debug, Error)]
pub enum CacheError {
    #[error("the cache file is damaged: {0}")]
    Corrupt(String),
    #[error("the cache file could not be upgraded: {0}")]
    Migration(String),
    /// The file's schema is newer than this Rollcall knows (written by a later version).
    #[error("{0}")]
    TooNew(String),
    #[error("{0}")]
    Io(String),
    #[error("cache query failed: {0}")]
    Sqlite(#[from] rusqlite::Error),
    #[error("a cached record could not be read: {0}")]
    Json(#[from] serde_json::Error),
    #[error("no sync {0} in this cache")]
    NoSuchSync(i64),
    #[error("no review {0} (or no such agenda item) in this organisation's file")]
    NoSuchReview(i64),
    #[error("review {0} is finished; start a new review to decide again")]
    ReviewFinished(i64),
    #[error("no access review {0} in this organisation's file")]
    NoSuchCampaign(i64),
    /// A change an access review no longer accepts (its rows are sealed, it is closed).
    #[error("{0}")]
    CampaignSealed(String),
}

impl CacheError {
    /// True when SQLite reports the file itself is damaged or not a database.
    pub fn is_corruption(&self) -> bool {
        match self {
            CacheError::Corrupt(_) => true,
            CacheError::Sqlite(rusqlite::Error::SqliteFailure(e, _)) => {
                matches!(
                    e.code,
                    rusqlite::ErrorCode::DatabaseCorrupt | rusqlite::ErrorCode::NotADatabase
                )
            }
            _ => false,
        }
    }
}

pub type Result<T> = std::result::Result<T, CacheError>;
