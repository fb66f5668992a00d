//! People: the Users list (filtered, sorted, paged), its facet counts and one person's panel.

use super::*;

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct UserQuery {
    pub search: Option<String>,
    pub states: Vec<UserState>,
    pub locked: Option<bool>,
    pub mfa: Option<bool>,
    pub group_id: Option<String>,
    pub department: Option<String>,
    pub sort: UserSort,
    pub desc: bool,
    pub offset: u32,
    pub limit: u32,
    /// A posture check the people fail (the Reports home's figures open these).
    pub check: Option<UserCheck>,
    /// "Now" for the checks, RFC 3339 (defaults to the clock).
    pub now: Option<String>,
}

/// The columns the Users list sorts by.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "snake_case")]
pub enum UserSort {
    /// Last name, then first name.
    #[default]
    Name,
    Username,
    Email,
    Department,
    State,
    Created,
}

impl UserSort {
    fn order(self) -> &'static str {
        match self {
            UserSort::Name => "lastname COLLATE NOCASE, firstname COLLATE NOCASE",
            UserSort::Username => "username COLLATE NOCASE",
            UserSort::Email => "email COLLATE NOCASE",
            UserSort::Department => "department COLLATE NOCASE",
            UserSort::State => "state",
            UserSort::Created => "created",
        }
    }
}

/// How a person reaches an app: assigned directly, or through a user group.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(tag = "via", rename_all = "snake_case")]
pub enum AppVia {
    Direct,
    Group { id: String, name: String },
}

impl AppVia {
    pub fn is_direct(&self) -> bool {
        matches!(self, AppVia::Direct)
    }

    /// "direct", or the group's name: how a checklist's capture words it.
    pub fn describe(&self) -> &str {
        match self {
            AppVia::Direct => "direct",
            AppVia::Group { name, .. } => name,
        }
    }
}

/// An app a person reaches, and how.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct AppReach {
    pub app: AppRow,
    pub via: AppVia,
}

/// A user with everything around them.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct UserDetail {
    pub user: UserRow,
    pub groups: Vec<GroupRow>,
    /// The devices they reach, directly or through a group, with each path.
    pub devices: Vec<ReachedDevice>,
    /// The apps they reach, each with how.
    pub apps: Vec<AppReach>,
    pub admin_role: Option<String>,
    pub last_login: Option<String>,
    pub manager: Option<UserRow>,
    pub recent_events: Vec<EventRow>,
}

impl UserQuery {
    /// The WHERE clause of the query, leaving out the facets named in `skip`.
    /// The thresholds at the query's "now" (when it names one).
    fn at(&self, th: &Thresholds) -> Thresholds {
        let now_ms = self.now.as_deref().and_then(parse_ms).unwrap_or(th.now_ms);
        Thresholds { now_ms, ..*th }
    }

    fn filters(&self, skip: &[FacetName], th: &Thresholds) -> Where {
        let skip = |name: FacetName| skip.contains(&name);
        let mut w = Where::default();
        if let Some(m) = self.search.as_deref().and_then(crate::search::match_expr) {
            w.push(
                "id IN (SELECT ref FROM search_index WHERE search_index MATCH ? AND kind = 'user')",
                [text(&m)],
            );
        }
        if !skip(FacetName::State) && !self.states.is_empty() {
            w.push(
                &in_list("state", self.states.len()),
                self.states.iter().map(|s| text(s.as_str())),
            );
        }
        if !skip(FacetName::Locked) {
            if let Some(l) = self.locked {
                w.push("locked = ?", [Value::Integer(l as i64)]);
            }
        }
        if !skip(FacetName::Mfa) {
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
        if let Some(d) = &self.department {
            w.push("department = ?", [text(d)]);
        }
        if let Some(c) = self.check {
            let (cond, params) = c.condition(&self.at(th));
            w.push(&format!("({cond})"), params);
        }
        w
    }
}

impl Cache {
    /// A page of the Users list (a posture check filters under `th`).
    pub fn users(&self, q: &UserQuery, th: &Thresholds) -> Result<Page<UserRow>> {
        let w = q.filters(&[], th);
        let order = q.sort.order();
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

    pub fn user_facets(&self, q: &UserQuery, th: &Thresholds) -> Result<Vec<Facet>> {
        let dims: [(FacetName, String); 3] = [
            (FacetName::State, "state".into()),
            (FacetName::Locked, "locked".into()),
            (FacetName::Mfa, "mfa_configured".into()),
        ];
        let names: Vec<FacetName> = dims.iter().map(|(n, _)| *n).collect();
        let selected = |name: FacetName, value: &str| match name {
            FacetName::State => q.states.is_empty() || q.states.iter().any(|s| s.as_str() == value),
            FacetName::Locked => flag_passes(q.locked, value),
            FacetName::Mfa => flag_passes(q.mfa, value),
            _ => true,
        };
        self.facets("users", &dims, &q.filters(&names, th), selected)
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
        let devices = self.devices_reached_by(&id)?;
        let mut s = self.conn.prepare_cached(
            "SELECT a.*, x.via_group, COALESCE((SELECT name FROM groups WHERE id = x.via_group), x.via_group) AS group_name
             FROM apps a JOIN app_users x ON x.app_id = a.id WHERE x.user_id = ? ORDER BY a.label",
        )?;
        let apps = s
            .query_map([&id], |r| {
                let via: String = r.get("via_group")?;
                let via = match via.is_empty() {
                    true => AppVia::Direct,
                    false => AppVia::Group {
                        name: r.get("group_name")?,
                        id: via,
                    },
                };
                Ok(AppReach { app: app_row(r)?, via })
            })?
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
            .query_row(&format!("SELECT max(at) FROM events WHERE (user_id = ?1 OR username = ?2) AND success = 1 AND event_type IN {LOGIN_EVENTS}"), params![id, user.username.to_lowercase()], |r| r.get(0))
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
            .query_map(params![id, user.username.to_lowercase()], event_row)?
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
