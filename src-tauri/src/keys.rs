//! API keys in the OS credential store (Keychain, Credential Manager, Secret Service), one
//! entry per organisation under the service `app.rollcall.desktop`. Nothing else ever holds a
//! key: not the registry, not SQLite, not a log line.

use crate::error::{AppError, ErrorCode};
use jumpcloud::ApiKey;
use rollcall_core::session::KeyError;

pub const SERVICE: &str = "app.rollcall.desktop";

fn entry(org_id: &str) -> Result<keyring::Entry, AppError> {
    keyring::Entry::new(SERVICE, org_id).map_err(|e| keyring_error("open the credential store entry", e))
}

fn keyring_error(what: &str, e: keyring::Error) -> AppError {
    let hint = match &e {
        keyring::Error::NoStorageAccess(_) | keyring::Error::PlatformFailure(_) => {
            " Is the system keyring (GNOME Keyring, KWallet, Keychain) running and unlocked?"
        }
        _ => "",
    };
    AppError::new(
        ErrorCode::Keyring,
        format!("Rollcall could not {what} in the system credential store: {e}.{hint}"),
    )
}

/// Stores (or replaces) an org's key.
pub fn store(org_id: &str, key: &str) -> Result<(), AppError> {
    entry(org_id)?
        .set_password(key.trim())
        .map_err(|e| keyring_error("save the API key", e))
}

/// Deletes an org's key; a key already gone is fine.
pub fn delete(org_id: &str) -> Result<(), AppError> {
    match entry(org_id)?.delete_credential() {
        Ok(()) | Err(keyring::Error::NoEntry) => Ok(()),
        Err(e) => Err(keyring_error("delete the API key", e)),
    }
}

/// The OS credential store as the session's key store.
pub struct SystemKeyring;

impl rollcall_core::session::KeyStore for SystemKeyring {
    fn read(&self, org_id: &str) -> Result<ApiKey, KeyError> {
        match entry(org_id).map_err(store_error)?.get_password() {
            Ok(k) => Ok(ApiKey::new(k)),
            Err(keyring::Error::NoEntry) => Err(KeyError::Missing),
            Err(e) => Err(store_error(keyring_error("read the API key", e))),
        }
    }
    fn store(&self, org_id: &str, key: &str) -> Result<(), KeyError> {
        store(org_id, key).map_err(store_error)
    }
    fn delete(&self, org_id: &str) -> Result<(), KeyError> {
        delete(org_id).map_err(store_error)
    }
}

/// The store's refusal, in its admin-readable sentence.
fn store_error(e: AppError) -> KeyError {
    KeyError::Store(e.message)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Against keyring's in-memory mock (the E2E suite covers the real Secret Service).
    /// keyring silently keeps keys in memory (its mock) when no platform feature is on; Cargo.toml
    /// turns on each OS's own store (Secret Service, Keychain, Credential Manager).
    #[test]
    fn the_credential_store_is_the_operating_systems() {
        let builder = keyring::default::default_credential_builder();
        assert!(
            matches!(
                builder.persistence(),
                keyring::credential::CredentialPersistence::UntilDelete
            ),
            "keyring's default store on this OS keeps nothing on disk: a platform feature is missing in Cargo.toml"
        );
    }

    #[test]
    fn store_read_delete() {
        keyring::set_default_credential_builder(keyring::mock::default_credential_builder());
        // The mock keeps nothing between entries, so this checks the error paths and messages.
        use rollcall_core::session::KeyStore;
        assert_eq!(SystemKeyring.read("org-x").unwrap_err(), KeyError::Missing);
        store("org-x", "secret").unwrap();
        delete("org-x").unwrap();
    }
}
