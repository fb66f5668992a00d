//! People: the Users list (filtered, sorted, paged), its facet counts and one person's panel.

use super::*;

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct UserQuery {
    pub search: Option<String>,
    pub states: Vec<String>,
    pub locked: Option<bool>,
    pub mfa: Option<bool>,
    pub group_id: Option<String>,
    pub department: Option<String>,
    /// One of: name, username, email, department, state, created.
    pub sort: Option<String>,
    pub desc: bool,
    pub offset: u32,
    pub limit: u32,
    /// A posture check the people fail (the Reports home's figures open these).
    pub check: Option<UserCheck>,
    /// "Now" for the checks, RFC 3339 (defaults to the clock).
    pub now: Option<String>,
}

/// A user with everything around them.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct UserDetail {
    pub user: UserRow,
    pub groups: Vec<GroupRow>,
    pub devices: Vec<SystemRow>,
    /// (app, how: "direct" or the group name)
    pub apps: Vec<(AppRow, String)>,
    pub admin_role: Option<String>,
    pub last_login: Option<String>,
    pub manager: Option<UserRow>,
    pub recent_events: Vec<EventRow>,
}

impl UserQuery {
    /// The WHERE clause of the query, leaving out the facets named in `skip`.
    fn filters(&self, skip: &[&str]) -> Where {
        let skip = |name: &str| skip.contains(&name);
        let mut w = Where::default();
        if let Some(m) = self.search.as_deref().and_then(crate::search::match_expr) {
            w.push(
                "id IN (SELECT ref FROM search_index WHERE search_index MATCH ? AND kind = 'user')",
                [text(&m)],
            );
        }
        if !skip("state") && !self.states.is_empty() {
            w.push(
                &in_list("state", self.states.len()),
                self.states.iter().map(|s| text(s)),
            );
        }
        if !skip("locked") {
            if let Some(l) = self.locked {
                w.push("locked = ?", [Value::Integer(l as i64)]);
            }
        }
        if !skip("mfa") {
            if let Some(m) = self.mfa {
                w.push("mfa_configured = ?", [Value::Integer(m as i64)]);
            }
        }
        if let Some(g) = &self.group_id {
            w.push(
                "id IN (SELECT member_id FROM group_members WHERE group_id = ?)",
                [text(g)],
            );
        }
        if !skip("department") {
            if let Some(d) = &self.department {
                w.push("department = ?", [text(d)]);
            }
        }
        if let Some(c) = self.check {
            let now = self.now.as_deref().and_then(parse_ms).unwrap_or_else(now_ms);
            let (cond, params) = c.condition(now);
            w.push(&format!("({cond})"), params);
        }
        w
    }
}

impl Cache {
    pub fn users(&self, q: &UserQuery) -> Result<Page<UserRow>> {
        let w = q.filters(&[]);
        let order = match q.sort.as_deref().unwrap_or("name") {
            "username" => "username COLLATE NOCASE",
            "email" => "email COLLATE NOCASE",
            "department" => "department COLLATE NOCASE",
            "state" => "state",
            "created" => "created",
            _ => "lastname COLLATE NOCASE, firstname COLLATE NOCASE",
        };
        let dir = if q.desc { "DESC" } else { "ASC" };
        let total: i64 = self.conn.query_row(
            &format!("SELECT count(*) FROM users{}", w.sql()),
            rusqlite::params_from_iter(&w.params),
            |r| r.get(0),
        )?;
        let (off, lim) = page_bounds(q.offset, q.limit);
        let sql = format!(
            "SELECT * FROM users{} ORDER BY {order} {dir}, id LIMIT {lim} OFFSET {off}",
            w.sql()
        );
        let mut stmt = self.conn.prepare_cached(&sql)?;
        let rows = stmt
            .query_map(rusqlite::params_from_iter(&w.params), user_row)?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        Ok(Page {
            total: total as u64,
            rows,
        })
    }

    pub fn user_facets(&self, q: &UserQuery) -> Result<Vec<Facet>> {
        let dims: [(&str, String); 3] = [
            ("state", "state".into()),
            ("locked", "CASE locked WHEN 1 THEN 'locked' ELSE 'unlocked' END".into()),
            (
                "mfa",
                "CASE mfa_configured WHEN 1 THEN 'enrolled' ELSE 'not enrolled' END".into(),
            ),
        ];
        let names: Vec<&str> = dims.iter().map(|(n, _)| *n).collect();
        let selected = |name: &str, value: &str| match name {
            "state" => q.states.is_empty() || q.states.iter().any(|s| s == value),
            "locked" => q.locked.is_none_or(|l| l == (value == "locked")),
            "mfa" => q.mfa.is_none_or(|m| m == (value == "enrolled")),
            _ => true,
        };
        self.facets("users", &dims, &q.filters(&names), selected)
    }

    /// A user by id, email or username, with groups, devices, apps, admin status and last login.
    pub fn user_detail(&self, key: &str) -> Result<Option<UserDetail>> {
        let user = self
            .conn
            .query_row("SELECT u.*, (SELECT json FROM records r WHERE r.kind = 'user' AND r.id = u.id) AS json FROM users u WHERE u.id = ?1 OR u.email = ?1 COLLATE NOCASE OR u.username = ?1 COLLATE NOCASE LIMIT 1", [key], user_row)
            .optional()?;
        let Some(user) = user else { return Ok(None) };
        let id = user.id.clone();
        let mut s = self.conn.prepare_cached(
            "SELECT g.* FROM groups g JOIN group_members m ON m.group_id = g.id WHERE m.member_id = ? ORDER BY g.name",
        )?;
        let groups = s.query_map([&id], group_row)?.collect::<rusqlite::Result<_>>()?;
        let mut s = self.conn.prepare_cached(
            "SELECT s.* FROM systems s JOIN bindings b ON b.system_id = s.id WHERE b.user_id = ? ORDER BY s.hostname",
        )?;
        let devices = s.query_map([&id], system_row)?.collect::<rusqlite::Result<_>>()?;
        let mut s = self.conn.prepare_cached(
            "SELECT a.*, CASE WHEN x.via_group = '' THEN 'direct' ELSE COALESCE((SELECT name FROM groups WHERE id = x.via_group), x.via_group) END AS how
             FROM apps a JOIN app_users x ON x.app_id = a.id WHERE x.user_id = ? ORDER BY a.label",
        )?;
        let apps = s
            .query_map([&id], |r| Ok((app_row(r)?, r.get::<_, String>("how")?)))?
            .collect::<rusqlite::Result<_>>()?;
        let admin_role = self
            .conn
            .query_row(
                "SELECT role_name FROM admins WHERE email = ? COLLATE NOCASE",
                [&user.email],
                |r| r.get(0),
            )
            .optional()?;
        let last_login = self
            .conn
            .query_row("SELECT max(at) FROM events WHERE (user_id = ?1 OR username = ?2) AND success = 1 AND event_type IN ('user_login_attempt', 'login_attempt', 'sso_auth')", params![id, user.username], |r| r.get(0))
            .optional()?
            .flatten();
        let manager = match &user.manager_id {
            Some(m) => self
                .conn
                .query_row("SELECT * FROM users WHERE id = ?", [m], user_row)
                .optional()?,
            None => None,
        };
        let mut s = self
            .conn
            .prepare_cached("SELECT * FROM events WHERE user_id = ?1 OR username = ?2 ORDER BY at DESC LIMIT 50")?;
        let recent_events = s
            .query_map(params![id, user.username], event_row)?
            .collect::<rusqlite::Result<_>>()?;
        Ok(Some(UserDetail {
            user,
            groups,
            devices,
            apps,
            admin_role,
            last_login,
            manager,
            recent_events,
        }))
    }
}
