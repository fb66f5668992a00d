//! The shell's session: rollcall-core's `OrgSession` (the org list, the open org, the link to
//! JumpCloud, the demo) over the app's folders and the OS credential store.

use crate::keys::SystemKeyring;
use crate::paths::AppPaths;
pub use rollcall_core::session::{ActiveOrg, Connectivity, OrgSession as Session, OrgStatus, Relearn};

/// The session of this running app.
pub fn new(paths: &AppPaths) -> Session {
    Session::new(&paths.config_dir, paths.data_dir.clone(), Box::new(SystemKeyring))
}
