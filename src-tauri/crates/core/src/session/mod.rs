//! An organisation's session without a window: the list of connected orgs (`orgs`), the open
//! org with its client, file and the admin's role (`open`), what is known of JumpCloud's side —
//! reachability, the write guard, the key's standing, the one running sync (`link`) — and the
//! built-in demo organisation (`demo`, jcsim in-process). The desktop shell holds one
//! `OrgSession`, gives it a `KeyStore` (the OS credential store) and a `SessionEvents` (the
//! window's events); tests give it an in-memory store.

#[cfg(feature = "demo")]
mod demo;
mod files;
mod link;
mod open;
pub mod orgs;
mod scope;
mod timer;

pub use link::*;
pub use open::*;
pub use orgs::{portal_url, OrgEntry, PortalPage, RegionName, Registry};
pub use scope::{scope_in, ScopeChoices, ScopeGroup, ScopePreview, SyncScope, SETTING as SCOPE_SETTING};
pub use timer::{resync_interval, retry_wait, SyncSchedule, FIRST_RETRY, SETTING as RESYNC_SETTING};
