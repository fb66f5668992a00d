//! Every grant of an access review's scope, as the mirror holds it: the members of user
//! groups, who reaches an app (directly or through which group), who reaches a device (bound
//! directly with or without sudo, or through groups), and the console's administrators. Core
//! adds the context (`rollcall_core::certify`).

use super::posture::LOGIN_EVENTS;
use super::user_row;
use crate::campaigns::{CampaignScope, DeviceScope, GrantKind};
use crate::error::Result;
use crate::rows::{AdminRow, UserRow};
use crate::Cache;
use rusqlite::{params_from_iter, OptionalExtension};
use std::collections::HashMap;

/// One grant as the mirror holds it.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct MirrorGrant {
    pub kind: Option<GrantKind>,
    /// The user's id (the administrator's id for a console administrator).
    pub person_id: String,
    pub resource_id: String,
    pub resource: String,
    /// The user group it comes through (and, for a device, the device group), if any.
    pub via_id: String,
    pub via: String,
    /// sudo on the binding to a device.
    pub sudo: bool,
    /// sudo set on the person (an administrator on every device they are bound to directly).
    pub person_sudo: bool,
    /// A device's last check-in.
    pub last_contact: Option<String>,
    /// A console administrator as listed.
    pub admin: Option<AdminRow>,
}

/// `?, ?, ?` for `n` values.
fn marks(n: usize) -> String {
    vec!["?"; n].join(", ")
}

impl Cache {
    /// Every grant of `scope`, sorted by resource.
    pub fn grants_in_scope(&self, scope: &CampaignScope) -> Result<Vec<MirrorGrant>> {
        let mut out = vec![];
        if !scope.user_groups.is_empty() {
            let sql = format!(
                "SELECT m.member_id, g.id, g.name FROM group_members m JOIN groups g ON g.id = m.group_id \
                 WHERE g.kind = 'user' AND g.id IN ({})",
                marks(scope.user_groups.len())
            );
            let mut st = self.conn.prepare(&sql)?;
            let rows = st.query_map(params_from_iter(&scope.user_groups), |r| {
                Ok(MirrorGrant {
                    kind: Some(GrantKind::GroupMember),
                    person_id: r.get(0)?,
                    resource_id: r.get(1)?,
                    resource: r.get(2)?,
                    ..Default::default()
                })
            })?;
            out.extend(rows.collect::<rusqlite::Result<Vec<_>>>()?);
        }
        if !scope.apps.is_empty() {
            let sql = format!(
                "SELECT au.user_id, a.id, CASE WHEN a.label <> '' THEN a.label ELSE a.name END, au.via_group, \
                 coalesce(g.name, '') FROM app_users au JOIN apps a ON a.id = au.app_id \
                 LEFT JOIN groups g ON g.id = au.via_group WHERE a.id IN ({})",
                marks(scope.apps.len())
            );
            let mut st = self.conn.prepare(&sql)?;
            let rows = st.query_map(params_from_iter(&scope.apps), |r| {
                Ok(MirrorGrant {
                    kind: Some(GrantKind::AppAccess),
                    person_id: r.get(0)?,
                    resource_id: r.get(1)?,
                    resource: r.get(2)?,
                    via_id: r.get(3)?,
                    via: r.get(4)?,
                    ..Default::default()
                })
            })?;
            out.extend(rows.collect::<rusqlite::Result<Vec<_>>>()?);
        }
        if scope.devices != DeviceScope::None {
            out.extend(self.device_grants(scope.devices)?);
        }
        if scope.admins {
            for a in self.admins()? {
                out.push(MirrorGrant {
                    kind: Some(GrantKind::ConsoleAdmin),
                    person_id: a.id.clone(),
                    resource_id: "console".into(),
                    resource: format!("JumpCloud console — {}", a.role_name),
                    admin: Some(a),
                    ..Default::default()
                });
            }
        }
        out.sort_by_key(|a| a.resource.to_lowercase());
        Ok(out)
    }

    /// Who reaches a device: every path (`All`), or only direct bindings with sudo (`Admins`).
    fn device_grants(&self, which: DeviceScope) -> Result<Vec<MirrorGrant>> {
        let sql = match which {
            DeviceScope::Admins => {
                "SELECT b.user_id, s.id, s.hostname, '', '', b.sudo, s.last_contact, coalesce(u.sudo, 0) FROM bindings b \
                 JOIN systems s ON s.id = b.system_id LEFT JOIN users u ON u.id = b.user_id \
                 WHERE b.sudo = 1 OR u.sudo = 1"
            }
            _ => {
                "SELECT r.user_id, s.id, s.hostname, r.user_group, \
                 coalesce(ug.name, '') || CASE WHEN r.device_group <> '' THEN ' → ' || coalesce(dg.name, '') ELSE '' END, \
                 coalesce(b.sudo, 0), s.last_contact, r.user_group = '' AND coalesce(u.sudo, 0) \
                 FROM device_reach r JOIN systems s ON s.id = r.system_id \
                 LEFT JOIN bindings b ON b.system_id = r.system_id AND b.user_id = r.user_id AND r.user_group = '' \
                 LEFT JOIN users u ON u.id = r.user_id \
                 LEFT JOIN groups ug ON ug.id = r.user_group LEFT JOIN groups dg ON dg.id = r.device_group"
            }
        };
        let mut st = self.conn.prepare(sql)?;
        let rows = st.query_map([], |r| {
            Ok(MirrorGrant {
                kind: Some(GrantKind::DeviceAccess),
                person_id: r.get(0)?,
                resource_id: r.get(1)?,
                resource: r.get(2)?,
                via_id: r.get(3)?,
                via: r.get(4)?,
                sudo: r.get(5)?,
                last_contact: r.get(6)?,
                person_sudo: r.get(7)?,
                admin: None,
            })
        })?;
        Ok(rows.collect::<rusqlite::Result<Vec<_>>>()?)
    }

    /// The devices someone is bound to directly.
    pub fn bound_systems(&self) -> Result<Vec<String>> {
        let mut st = self.conn.prepare("SELECT DISTINCT system_id FROM bindings")?;
        let v = st
            .query_map([], |r| r.get(0))?
            .collect::<rusqlite::Result<Vec<String>>>()?;
        Ok(v)
    }

    /// Records who is an administrator (sudo) on which device, as JumpCloud listed it now.
    pub fn set_binding_rights(&mut self, rights: &[(String, String, bool)]) -> Result<()> {
        let tx = self.conn.transaction()?;
        {
            let mut up = tx.prepare_cached("UPDATE bindings SET sudo = ?3 WHERE system_id = ?1 AND user_id = ?2")?;
            for (system, user, sudo) in rights {
                up.execute(rusqlite::params![system, user, sudo])?;
            }
        }
        tx.commit()?;
        Ok(())
    }

    /// Every user, by id.
    pub fn users_by_id(&self) -> Result<HashMap<String, UserRow>> {
        let mut st = self
            .conn
            .prepare(&format!("SELECT {} FROM users", crate::write::users::USER_COLS))?;
        let rows = st.query_map([], user_row)?;
        let mut out = HashMap::new();
        for u in rows {
            let u = u?;
            out.insert(u.id.clone(), u);
        }
        Ok(out)
    }

    /// Each username's (in lower case, as Directory Insights and the archive keep them) last
    /// successful login the copy holds, and the oldest login it holds.
    pub fn last_logins(&self) -> Result<(HashMap<String, String>, Option<String>)> {
        let mut st = self.conn.prepare(&format!(
            "SELECT username, max(at) FROM events WHERE success = 1 AND event_type IN {LOGIN_EVENTS} GROUP BY username"
        ))?;
        let map = st
            .query_map([], |r| Ok((r.get::<_, String>(0)?, r.get::<_, String>(1)?)))?
            .collect::<rusqlite::Result<HashMap<_, _>>>()?;
        Ok((map, self.oldest_login()?))
    }

    /// The time of the oldest login the copy holds (the `events` view's format), found by
    /// walking the archive in time order rather than by reading every login's time as text.
    pub(crate) fn oldest_login(&self) -> Result<Option<String>> {
        let services = crate::archive::LOGIN_SERVICES.map(|s| format!("'{s}'")).join(", ");
        let ms: Option<i64> = self
            .conn
            .query_row(
                &format!(
                    "SELECT at FROM event_archive WHERE service IN ({services}) AND at > 0 \
                     AND event_type IN {LOGIN_EVENTS} ORDER BY at LIMIT 1"
                ),
                [],
                |r| r.get(0),
            )
            .optional()?;
        Ok(ms.map(crate::dates::format_ms))
    }
}
