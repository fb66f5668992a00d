//! The one error type that crosses IPC: `{ code, message }`.
//!
//! The UI switches on `code` (a stable enum exported to TypeScript), never on the text. The
//! message is for the admin: it says what went wrong and what to do. Nothing secret (an API
//! key, a password) may ever be put into either field.

use serde::Serialize;
use specta::Type;

/// Stable error codes. Only ever add variants; never rename or repurpose one, the UI and
/// saved audit rows depend on them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Type)]
pub enum ErrorCode {
    /// The API key is wrong or was revoked.
    Unauthorized,
    /// The admin's role may not do this.
    Forbidden,
    /// JumpCloud blocked this client for suspected abuse.
    Blocked,
    /// JumpCloud asked us to slow down and retries ran out.
    RateLimited,
    /// JumpCloud cannot be reached (no network, DNS failure).
    Offline,
    /// A request took too long.
    Timeout,
    /// The TLS connection could not be established or verified.
    Tls,
    /// The record does not exist (any more).
    NotFound,
    /// The change conflicts with the current state (a duplicate name, say).
    Conflict,
    /// A sync of this organisation is already running (the one asked for is not started).
    SyncRunning,
    /// A JumpCloud listing changed while it was read page by page: the sync stopped, the
    /// previous copy is unchanged, a new sync reads it again.
    ListingChanged,
    /// JumpCloud answered with a server error.
    Server,
    /// JumpCloud's answer could not be read.
    Decode,
    /// A request that must not be repeated got no answer: check before retrying.
    OutcomeUnknown,
    /// The OS credential store refused or is unavailable.
    Keyring,
    /// The local cache file could not be read or written.
    Cache,
    /// The admin cancelled (a native confirmation, a sync).
    Cancelled,
    /// The input was not acceptable (a malformed ID, an empty name).
    Invalid,
    /// A bug or an unexpected local failure; the log file has details.
    Internal,
    /// Rollcall is still learning something it needs first (the admin's role, at launch):
    /// try again in a moment.
    NotReady,
}

/// The error every command returns.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Type, thiserror::Error)]
#[error("{message}")]
pub struct AppError {
    pub code: ErrorCode,
    pub message: String,
}

impl AppError {
    pub fn new(code: ErrorCode, message: impl Into<String>) -> Self {
        Self {
            code,
            message: message.into(),
        }
    }

    pub fn internal(message: impl Into<String>) -> Self {
        Self::new(ErrorCode::Internal, message)
    }
}

pub type AppResult<T> = Result<T, AppError>;

impl From<&jumpcloud::Error> for ErrorCode {
    fn from(e: &jumpcloud::Error) -> Self {
        use jumpcloud::Error as E;
        match e {
            E::Unauthorized { .. } => ErrorCode::Unauthorized,
            E::Forbidden { .. } => ErrorCode::Forbidden,
            E::Blocked { .. } => ErrorCode::Blocked,
            E::BadRequest { .. } | E::Config(_) => ErrorCode::Invalid,
            E::NotFound { .. } => ErrorCode::NotFound,
            E::Conflict { .. } => ErrorCode::Conflict,
            E::RateLimited { .. } => ErrorCode::RateLimited,
            E::Server { .. } => ErrorCode::Server,
            E::Offline { .. } => ErrorCode::Offline,
            E::Timeout { .. } => ErrorCode::Timeout,
            E::Tls { .. } => ErrorCode::Tls,
            E::Decode { .. } => ErrorCode::Decode,
            E::OutcomeUnknown { .. } => ErrorCode::OutcomeUnknown,
            E::ListingChanged { .. } => ErrorCode::ListingChanged,
        }
    }
}

impl From<jumpcloud::Error> for AppError {
    fn from(e: jumpcloud::Error) -> Self {
        AppError::new((&e).into(), e.to_string())
    }
}

impl From<rollcall_cache::CacheError> for AppError {
    fn from(e: rollcall_cache::CacheError) -> Self {
        use rollcall_cache::CacheError as C;
        match &e {
            C::NoSuchSync(_) | C::NoSuchReview(_) | C::NoSuchCampaign(_) => {
                return AppError::new(ErrorCode::NotFound, format!("{e}."))
            }
            C::CampaignSealed(_) => return AppError::new(ErrorCode::Invalid, e.to_string()),
            C::ReviewFinished(_) => return AppError::new(ErrorCode::Invalid, format!("{e}.")),
            _ => {}
        }
        AppError::new(
            ErrorCode::Cache,
            format!("The local copy of the organisation could not be read or written: {e}. Sync again; if it persists, remove and re-add the organisation."),
        )
    }
}

impl From<rollcall_core::connect::ConnectError> for AppError {
    fn from(e: rollcall_core::connect::ConnectError) -> Self {
        use rollcall_core::connect::ConnectError as C;
        let code = match &e {
            C::NeedsOrgId | C::WrongOrgId { .. } | C::NoKey | C::MalformedOrgId(_) | C::NotAUrl { .. } | C::NotHttp => {
                ErrorCode::Invalid
            }
            C::RoleTooWeak { .. } => ErrorCode::Forbidden,
            C::Api(a) => a.into(),
        };
        AppError::new(code, e.to_string())
    }
}

impl From<rollcall_core::actions::ActionError> for AppError {
    fn from(e: rollcall_core::actions::ActionError) -> Self {
        use rollcall_core::actions::ActionError as A;
        match e {
            A::Api(a) => a.into(),
            A::Cache(c) => c.into(),
            A::Unavailable(m) => AppError::new(ErrorCode::Forbidden, m),
            A::AlreadyDone(m) => AppError::new(ErrorCode::Conflict, m),
            A::Invalid(m) => AppError::new(ErrorCode::Invalid, m),
            e @ A::UnknownTarget(_) => AppError::new(ErrorCode::NotFound, e.to_string()),
            A::LiveRead { ref source, .. } => AppError::new(source.into(), e.to_string()),
        }
    }
}

impl From<rollcall_core::SyncError> for AppError {
    fn from(e: rollcall_core::SyncError) -> Self {
        use rollcall_core::SyncError as S;
        match e {
            S::Api(a) => AppError::new(
                (&a).into(),
                format!("The sync stopped: {a} The previous data is unchanged."),
            ),
            S::Cache(c) => c.into(),
            S::Cancelled => AppError::new(ErrorCode::Cancelled, e.to_string()),
        }
    }
}

impl From<rollcall_core::session::SessionError> for AppError {
    fn from(e: rollcall_core::session::SessionError) -> Self {
        use rollcall_core::session::{SessionError as S, WriteBlock};
        match e {
            S::NoOrg | S::Invalid(_) => AppError::new(ErrorCode::Invalid, e.to_string()),
            S::UnknownOrg => AppError::new(ErrorCode::NotFound, e.to_string()),
            S::Blocked(WriteBlock::Offline(m)) => AppError::new(ErrorCode::Offline, m),
            S::Blocked(WriteBlock::NotReady(m)) => AppError::new(ErrorCode::NotReady, m),
            S::Key(e) => AppError::new(ErrorCode::Keyring, e.to_string()),
            S::Files(m) => AppError::new(ErrorCode::Cache, m),
            S::Demo(_) => AppError::internal(e.to_string()),
            S::Cache(c) => c.into(),
            S::Api(a) => a.into(),
            S::Connect(c) => c.into(),
        }
    }
}

impl From<rollcall_core::session::SyncStartError> for AppError {
    fn from(e: rollcall_core::session::SyncStartError) -> Self {
        use rollcall_core::session::SyncStartError as S;
        match e {
            S::Session(s) => s.into(),
            S::Run(r) => r.into(),
        }
    }
}

impl From<rollcall_core::session::SyncRunError> for AppError {
    fn from(e: rollcall_core::session::SyncRunError) -> Self {
        use rollcall_core::session::SyncRunError as R;
        match e {
            R::AlreadyRunning => AppError::new(ErrorCode::SyncRunning, e.to_string()),
            R::Sync(s) => s.into(),
        }
    }
}

impl From<rollcall_core::reviews::ReviewError> for AppError {
    fn from(e: rollcall_core::reviews::ReviewError) -> Self {
        use rollcall_core::reviews::ReviewError as R;
        match e {
            R::Cache(c) => c.into(),
            R::NoTitle | R::NoSnapshot | R::NoOwner | R::BadDate(_) => AppError::new(ErrorCode::Invalid, e.to_string()),
        }
    }
}

impl From<rollcall_core::certify::CertifyError> for AppError {
    fn from(e: rollcall_core::certify::CertifyError) -> Self {
        use rollcall_core::certify::CertifyError as C;
        match e {
            C::Cache(c) => c.into(),
            C::Api(e) => e.into(),
            C::Invalid(m) => AppError::new(ErrorCode::Invalid, m),
        }
    }
}

impl From<rollcall_core::certify::EvidenceError> for AppError {
    fn from(e: rollcall_core::certify::EvidenceError) -> Self {
        use rollcall_core::certify::EvidenceError as E;
        match e {
            E::NotClosed(m) => AppError::new(ErrorCode::Invalid, m),
            E::Pdf(_) | E::Excel(_) => AppError::internal(e.to_string()),
        }
    }
}

impl From<rollcall_core::reviews::PackError> for AppError {
    fn from(e: rollcall_core::reviews::PackError) -> Self {
        use rollcall_core::reviews::PackError as P;
        match e {
            P::Cache(c) => c.into(),
            P::Pdf(_) | P::Excel(_) => AppError::internal(e.to_string()),
        }
    }
}

impl From<rollcall_core::catalogue::ExportError> for AppError {
    fn from(e: rollcall_core::catalogue::ExportError) -> Self {
        use rollcall_core::catalogue::ExportError as X;
        match e {
            X::Cache(c) => c.into(),
            X::NoneChosen | X::CsvHoldsOne => AppError::new(ErrorCode::Invalid, e.to_string()),
            X::Excel(_) => AppError::internal(e.to_string()),
        }
    }
}

impl From<rollcall_core::checklists::ChecklistError> for AppError {
    fn from(e: rollcall_core::checklists::ChecklistError) -> Self {
        use rollcall_core::checklists::ChecklistError as C;
        match e {
            C::Invalid(m) => AppError::new(ErrorCode::Invalid, m),
            C::NotFound(m) => AppError::new(ErrorCode::NotFound, m),
            C::Cache(c) => c.into(),
            C::Json(j) => AppError::internal(format!("a checklist record could not be read: {j}")),
            C::Action(a) => a.into(),
            C::Live(ref l) => AppError::new((&l.source).into(), e.to_string()),
        }
    }
}

impl From<rollcall_core::evidence::EvidenceError> for AppError {
    fn from(e: rollcall_core::evidence::EvidenceError) -> Self {
        use rollcall_core::evidence::EvidenceError as E;
        match e {
            E::Checklist(c) => c.into(),
            E::Pdf(_) => AppError::internal(e.to_string()),
        }
    }
}

impl From<rollcall_core::templates::TemplateError> for AppError {
    fn from(e: rollcall_core::templates::TemplateError) -> Self {
        use rollcall_core::templates::TemplateError as T;
        match e {
            T::Invalid(m) => AppError::new(ErrorCode::Invalid, m),
            T::Cache(c) => c.into(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn serializes_as_code_and_message() {
        let e = AppError::new(ErrorCode::OutcomeUnknown, "check before retrying");
        let json = serde_json::to_value(&e).unwrap();
        assert_eq!(
            json,
            serde_json::json!({ "code": "OutcomeUnknown", "message": "check before retrying" })
        );
    }

    #[test]
    fn a_running_sync_and_a_listing_that_changed_are_told_apart() {
        let running: AppError = rollcall_core::session::SyncRunError::AlreadyRunning.into();
        assert_eq!(running.code, ErrorCode::SyncRunning);
        let changed = jumpcloud::Error::ListingChanged {
            what: "users".into(),
            before: 10,
            after: 12,
        };
        let stopped: AppError = rollcall_core::SyncError::Api(changed).into();
        assert_eq!(
            stopped.code,
            ErrorCode::ListingChanged,
            "a sync stopped by a listing that moved is an error the admin sees, not \"already running\""
        );
    }
}
