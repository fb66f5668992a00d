//! The API key, in a type that cannot leak: Debug and Display print `<redacted>`, it has no
//! Serialize impl, and the only way to read it is `expose`, called in one place (the header).

use std::fmt;

/// A JumpCloud admin API key.
#[derive(Clone, PartialEq, Eq)]
pub struct ApiKey(String);

impl ApiKey {
    pub fn new(key: impl Into<String>) -> Self {
        Self(key.into().trim().to_string())
    }

    /// The key itself. Only the transport calls this, to set the `x-api-key` header.
    pub(crate) fn expose(&self) -> &str {
        &self.0
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// A short, one-way name for this key (16 hex digits of a SHA-256 of it), so that what was
    /// learned with a key (the admin's role) can be kept and recognised without keeping the key.
    /// A high-entropy key cannot be recovered from it.
    pub fn fingerprint(&self) -> String {
        use sha2::{Digest, Sha256};
        let digest = Sha256::digest(format!("rollcall-key-fingerprint:{}", self.0).as_bytes());
        digest.iter().take(8).map(|b| format!("{b:02x}")).collect()
    }
}

impl fmt::Debug for ApiKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("ApiKey(<redacted>)")
    }
}

impl fmt::Display for ApiKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("<redacted>")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn never_prints_the_key() {
        let k = ApiKey::new("0123456789abcdef0123456789abcdef01234567");
        assert_eq!(format!("{k}"), "<redacted>");
        assert_eq!(format!("{k:?}"), "ApiKey(<redacted>)");
        assert_eq!(format!("{:?}", Some(&k)), "Some(ApiKey(<redacted>))");
    }

    #[test]
    fn fingerprints_tell_keys_apart_without_showing_them() {
        let k = ApiKey::new("0123456789abcdef0123456789abcdef01234567");
        let f = k.fingerprint();
        assert_eq!(f.len(), 16);
        assert_eq!(
            f,
            ApiKey::new(" 0123456789abcdef0123456789abcdef01234567 ").fingerprint()
        );
        assert_ne!(f, ApiKey::new("0123456789abcdef0123456789abcdef01234568").fingerprint());
        assert!(!"0123456789abcdef0123456789abcdef01234567".contains(&f));
    }
}
