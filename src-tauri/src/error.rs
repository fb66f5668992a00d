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
    /// This part of Rollcall is not built yet.
    NotImplemented,
    /// A bug or an unexpected local failure; the log file has details.
    Internal,
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
}
