//! One error enum for everything the client can return. Each variant keeps what JumpCloud
//! said (status and message) and its Display is a sentence an admin can act on. No variant
//! ever holds the API key.

use std::time::Duration;

/// Why JumpCloud refused a key (a 401).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum KeyRefusal {
    /// Wrong, revoked, or its admin suspended or gone.
    Key,
    /// A multi-tenant (MSP) key sent without the organisation's id (`x-org-id`).
    OrgIdMissing,
}

impl KeyRefusal {
    /// What JumpCloud's 401 message means ("ID not included for multi-tenant admin" is the
    /// only signal it gives for a missing org id; the spec documents that text).
    pub fn of(message: &str) -> Self {
        let m = message.to_lowercase();
        if m.contains("multi-tenant") || m.contains("id not included") {
            KeyRefusal::OrgIdMissing
        } else {
            KeyRefusal::Key
        }
    }
}

#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum Error {
    /// 401: the key is wrong or revoked, or (multi-tenant) no org id was sent: `refusal` says
    /// which, read once here from JumpCloud's answer.
    #[error("JumpCloud refused the API key ({message}). Check that the key is current: keys are revoked when an admin regenerates them or leaves.")]
    Unauthorized {
        status: u16,
        message: String,
        refusal: KeyRefusal,
    },

    /// 403 for a permission: the admin's role may not do this.
    #[error("Your JumpCloud role may not {operation} ({message}). Ask an administrator to grant it, or use a key of an admin who may.")]
    Forbidden { operation: String, message: String },

    /// JumpCloud's abuse block. The client stops sending anything until restarted.
    #[error("JumpCloud has blocked this computer's IP for suspected abuse ({message}). Rollcall has stopped sending requests; wait before trying again, and contact JumpCloud support if it lasts.")]
    Blocked { message: String },

    /// 400: JumpCloud refused the request as invalid.
    #[error("JumpCloud refused the request: {message}")]
    BadRequest { status: u16, message: String },

    #[error("Not found in JumpCloud: {message}. It may have been deleted; sync to refresh.")]
    NotFound { message: String },

    #[error("JumpCloud reports a conflict: {message}")]
    Conflict { message: String },

    /// 429 after the retries allowed (or at once for a request that may not be repeated).
    #[error("JumpCloud is rate limiting requests{}. Nothing was changed; try again shortly.", retry_after.map(|d| format!(" (retry after {} s)", d.as_secs())).unwrap_or_default())]
    RateLimited { retry_after: Option<Duration> },

    /// 5xx after the retries allowed.
    #[error("JumpCloud had a server error ({status}: {message}). Try again in a few minutes.")]
    Server { status: u16, message: String },

    /// DNS failure, connection refused, no route.
    #[error("Cannot reach JumpCloud ({detail}). Check the network connection; cached data stays available.")]
    Offline { detail: String },

    #[error("JumpCloud did not answer within {} s. Check the network connection and try again.", after.as_secs())]
    Timeout { after: Duration },

    #[error("A secure connection to JumpCloud could not be established ({detail}). A proxy or antivirus may be intercepting HTTPS.")]
    Tls { detail: String },

    /// The answer could not be read: names the endpoint and the field path.
    #[error("JumpCloud's answer to {endpoint} could not be read: {detail}")]
    Decode {
        endpoint: String,
        detail: crate::decode::Undecodable,
    },

    /// A request that must not be repeated got no answer (timeout, dropped connection, a 5xx
    /// that may have come after the change).
    #[error("Outcome unknown — {operation} was sent but no answer came back ({detail}). Check in JumpCloud before retrying.")]
    OutcomeUnknown { operation: String, detail: String },

    /// A listing whose total kept changing while it was read.
    #[error("The list of {what} changed while it was being read ({before} then {after} records) and did not settle. Try again.")]
    ListingChanged { what: String, before: u64, after: u64 },

    /// The configuration is unusable (a malformed base URL, an empty key).
    #[error("{0}")]
    Config(String),
}

impl Error {
    /// The HTTP status JumpCloud answered, where there was one.
    pub fn status(&self) -> Option<u16> {
        match self {
            Error::Unauthorized { status, .. } | Error::BadRequest { status, .. } | Error::Server { status, .. } => {
                Some(*status)
            }
            Error::Forbidden { .. } | Error::Blocked { .. } => Some(403),
            Error::NotFound { .. } => Some(404),
            Error::Conflict { .. } => Some(409),
            Error::RateLimited { .. } => Some(429),
            _ => None,
        }
    }

    /// Whether the request is known to have had no effect.
    pub fn nothing_changed(&self) -> bool {
        !matches!(self, Error::OutcomeUnknown { .. })
    }
}

pub type Result<T> = std::result::Result<T, Error>;

/// JumpCloud's error bodies: v1/v2 `{code, message, status}` (+ `details` on v2 400s),
/// Directory Insights `{message}`, and some plain text.
pub(crate) fn message_of(body: &[u8]) -> String {
    #[derive(serde::Deserialize)]
    struct Body {
        message: Option<String>,
        error: Option<String>,
    }
    match serde_json::from_slice::<Body>(body) {
        Ok(Body { message: Some(m), .. }) | Ok(Body { error: Some(m), .. }) => m,
        _ => {
            let text = String::from_utf8_lossy(body)
                .trim()
                .chars()
                .take(300)
                .collect::<String>();
            if text.is_empty() {
                "no message".into()
            } else {
                text
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn messages_are_read_from_every_body_shape() {
        assert_eq!(
            message_of(br#"{"code":400,"message":"Bad","status":"Bad Request"}"#),
            "Bad"
        );
        assert_eq!(
            message_of(br#"{"message":"Directory Insights is not enabled"}"#),
            "Directory Insights is not enabled"
        );
        assert_eq!(message_of(b"Service Unavailable"), "Service Unavailable");
        assert_eq!(message_of(b""), "no message");
    }

    #[test]
    fn displays_say_what_to_do() {
        let e = Error::Forbidden {
            operation: "lock devices".into(),
            message: "Forbidden".into(),
        };
        assert!(e.to_string().contains("may not lock devices"));
        let e = Error::OutcomeUnknown {
            operation: "erase".into(),
            detail: "connection reset".into(),
        };
        assert!(e.to_string().starts_with("Outcome unknown — erase was sent") && !e.nothing_changed());
    }
}
