//! Devices: the Devices list (filtered, sorted, paged), its facet counts and one device's panel.

use super::*;

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct SystemQuery {
    pub search: Option<String>,
    pub os_families: Vec<String>,
    pub os_version: Option<String>,
    pub fde: Option<bool>,
    pub mdm: Option<bool>,
    /// Last contact older than this many days (or never).
    pub stale_days: Option<u32>,
    pub unbound: Option<bool>,
    pub group_id: Option<String>,
    /// One of: hostname, os, os_version, last_contact, serial, model, created.
    pub sort: Option<String>,
    pub desc: bool,
    pub offset: u32,
    pub limit: u32,
    /// "Now" for the stale filter, RFC 3339.
    pub now: Option<String>,
    /// A posture check the devices fail (the Reports home's figures open these).
    pub check: Option<DeviceCheck>,
    /// Only devices running this agent version.
    pub agent_version: Option<String>,
}

/// A device with its owner and surroundings.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct SystemDetail {
    pub system: SystemRow,
    /// Bound users (the owner is the one whose email matches the device's primary user, else the first).
    pub users: Vec<UserRow>,
    pub owner: Option<UserRow>,
    pub groups: Vec<GroupRow>,
    pub recent_events: Vec<EventRow>,
}

impl SystemQuery {
    fn stale_before(&self) -> Option<String> {
        let days = self.stale_days?;
        let now = self.now.as_deref().and_then(parse_ms).unwrap_or_else(now_ms);
        Some(format_ms(now - days as i64 * 86_400_000))
    }

    /// The WHERE clause of the query, leaving out the facets named in `skip`.
    fn filters(&self, skip: &[&str]) -> Where {
        let skip = |name: &str| skip.contains(&name);
        let mut w = Where::default();
        if let Some(m) = self.search.as_deref().and_then(crate::search::match_expr) {
            w.push(
                "id IN (SELECT ref FROM search_index WHERE search_index MATCH ? AND kind = 'system')",
                [text(&m)],
            );
        }
        if !skip("os") && !self.os_families.is_empty() {
            w.push(
                &in_list("os_family", self.os_families.len()),
                self.os_families.iter().map(|s| text(s)),
            );
        }
        if let Some(v) = &self.os_version {
            w.push("os_version = ?", [text(v)]);
        }
        if !skip("fde") {
            if let Some(f) = self.fde {
                w.push("fde_active = ?", [Value::Integer(f as i64)]);
            }
        }
        if !skip("mdm") {
            if let Some(m) = self.mdm {
                w.push("mdm_enrolled = ?", [Value::Integer(m as i64)]);
            }
        }
        if !skip("stale") {
            if let Some(before) = self.stale_before() {
                w.push("(last_contact IS NULL OR last_contact < ?)", [text(&before)]);
            }
        }
        if !skip("unbound") {
            match self.unbound {
                Some(true) => w.push("bound = 0", []),
                Some(false) => w.push("bound = 1", []),
                None => {}
            }
        }
        if let Some(g) = &self.group_id {
            w.push(
                "id IN (SELECT member_id FROM group_members WHERE group_id = ?)",
                [text(g)],
            );
        }
        if let Some(v) = &self.agent_version {
            w.push("agent_version = ?", [text(v)]);
        }
        if self.check == Some(DeviceCheck::OwnedBySuspended) {
            w.push(super::posture::OWNED_BY_SUSPENDED, []);
        }
        if self.check == Some(DeviceCheck::LowDisk) {
            w.push(super::posture::LOW_DISK, []);
        }
        w
    }
}

impl Cache {
    /// The query's WHERE clause, with the checks that need the data (versions behind).
    fn system_filters(&self, q: &SystemQuery, skip: &[&str]) -> Result<Where> {
        let mut w = q.filters(skip);
        if q.check == Some(DeviceCheck::Behind) {
            let (cond, params) = self.behind_condition()?;
            w.push(&cond, params);
        }
        Ok(w)
    }

    pub fn systems(&self, q: &SystemQuery) -> Result<Page<SystemRow>> {
        let w = self.system_filters(q, &[])?;
        let order = match q.sort.as_deref().unwrap_or("hostname") {
            "os" => "os_family, os",
            "os_version" => "os_version",
            "last_contact" => "last_contact",
            "serial" => "serial COLLATE NOCASE",
            "model" => "model COLLATE NOCASE",
            "created" => "created",
            _ => "hostname COLLATE NOCASE",
        };
        let dir = if q.desc { "DESC" } else { "ASC" };
        let total: i64 = self.conn.query_row(
            &format!("SELECT count(*) FROM systems{}", w.sql()),
            rusqlite::params_from_iter(&w.params),
            |r| r.get(0),
        )?;
        let (off, lim) = page_bounds(q.offset, q.limit);
        let sql = format!(
            "SELECT * FROM systems{} ORDER BY {order} {dir}, id LIMIT {lim} OFFSET {off}",
            w.sql()
        );
        let mut stmt = self.conn.prepare_cached(&sql)?;
        let rows = stmt
            .query_map(rusqlite::params_from_iter(&w.params), system_row)?
            .collect::<rusqlite::Result<Vec<_>>>()?;
        Ok(Page {
            total: total as u64,
            rows,
        })
    }

    pub fn system_facets(&self, q: &SystemQuery) -> Result<Vec<Facet>> {
        let stale_before = q
            .stale_before()
            .unwrap_or_else(|| format_ms(q.now.as_deref().and_then(parse_ms).unwrap_or_else(now_ms) - 30 * 86_400_000));
        let stale_expr = format!(
            "CASE WHEN last_contact IS NULL OR last_contact < '{}' THEN 'stale' ELSE 'recent' END",
            stale_before.replace('\'', "")
        );
        let dims: [(&str, String); 5] = [
            ("os", "os_family".into()),
            (
                "fde",
                "CASE fde_active WHEN 1 THEN 'encrypted' ELSE 'not encrypted' END".into(),
            ),
            (
                "mdm",
                "CASE mdm_enrolled WHEN 1 THEN 'enrolled' ELSE 'not enrolled' END".into(),
            ),
            ("stale", stale_expr),
            ("unbound", "CASE bound WHEN 1 THEN 'bound' ELSE 'unbound' END".into()),
        ];
        let names: Vec<&str> = dims.iter().map(|(n, _)| *n).collect();
        let selected = |name: &str, value: &str| match name {
            "os" => q.os_families.is_empty() || q.os_families.iter().any(|f| f == value),
            "fde" => q.fde.is_none_or(|f| f == (value == "encrypted")),
            "mdm" => q.mdm.is_none_or(|m| m == (value == "enrolled")),
            "stale" => q.stale_days.is_none() || value == "stale",
            "unbound" => q.unbound.is_none_or(|u| u == (value == "unbound")),
            _ => true,
        };
        self.facets("systems", &dims, &self.system_filters(q, &names)?, selected)
    }

    /// A device by id, hostname or serial, with its bound users (owner first), groups and events.
    pub fn system_detail(&self, key: &str) -> Result<Option<SystemDetail>> {
        let system = self
            .conn
            .query_row("SELECT s.*, (SELECT json FROM records r WHERE r.kind = 'system' AND r.id = s.id) AS json FROM systems s WHERE s.id = ?1 OR s.hostname = ?1 COLLATE NOCASE OR s.serial = ?1 COLLATE NOCASE LIMIT 1", [key], system_row)
            .optional()?;
        let Some(system) = system else { return Ok(None) };
        let mut s = self.conn.prepare_cached(
            "SELECT u.* FROM users u JOIN bindings b ON b.user_id = u.id WHERE b.system_id = ? ORDER BY u.lastname",
        )?;
        let users: Vec<UserRow> = s.query_map([&system.id], user_row)?.collect::<rusqlite::Result<_>>()?;
        let primary: Option<String> = serde_json::from_str::<serde_json::Value>(&system.json)
            .ok()
            .and_then(|v| {
                v.pointer("/primarySystemUser/id")
                    .and_then(|x| x.as_str())
                    .map(String::from)
            });
        let owner = primary
            .as_ref()
            .and_then(|p| users.iter().find(|u| &u.id == p))
            .or_else(|| users.first())
            .cloned();
        let mut s = self.conn.prepare_cached(
            "SELECT g.* FROM groups g JOIN group_members m ON m.group_id = g.id WHERE m.member_id = ? ORDER BY g.name",
        )?;
        let groups = s.query_map([&system.id], group_row)?.collect::<rusqlite::Result<_>>()?;
        let mut s = self
            .conn
            .prepare_cached("SELECT * FROM events WHERE system_id = ? ORDER BY at DESC LIMIT 50")?;
        let recent_events = s.query_map([&system.id], event_row)?.collect::<rusqlite::Result<_>>()?;
        Ok(Some(SystemDetail {
            system,
            users,
            owner,
            groups,
            recent_events,
        }))
    }
}
