//! The `bindings` table (a person bound straight to a device): its schema and how a sync
//! writes it. Bindings through groups are in `reach.rs`.

use super::v;
use crate::error::Result;
use crate::rows::Binding;

/// The table as the first schema made it.
pub(crate) const DDL: &str = "
CREATE TABLE {p}bindings (
    system_id TEXT NOT NULL,
    user_id TEXT NOT NULL,
    sudo INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (system_id, user_id)
) WITHOUT ROWID;
CREATE INDEX {p}bindings_user ON {p}bindings(user_id);
";

impl super::SyncWriter<'_> {
    put_rows!(
        put_bindings,
        Binding,
        "bindings",
        "system_id,user_id,sudo",
        |r: &Binding| vec![v(r.system_id.clone()), v(r.user_id.clone()), v(r.sudo)]
    );
}
