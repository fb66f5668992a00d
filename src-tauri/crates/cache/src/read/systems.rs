//! Devices: the Devices list (filtered, sorted, paged), its facet counts and one device's panel.

use super::*;

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct SystemQuery {
    pub search: Option<String>,
    pub os_families: Vec<OsFamily>,
    pub os_version: Option<String>,
    pub fde: Option<bool>,
    pub mdm: Option<bool>,
    /// Last contact older than this many days (or never).
    pub stale_days: Option<u32>,
    pub unbound: Option<bool>,
    pub group_id: Option<String>,
    pub sort: SystemSort,
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

/// The columns the Devices list sorts by.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "snake_case")]
pub enum SystemSort {
    #[default]
    Hostname,
    Os,
    OsVersion,
    LastContact,
    Serial,
    Model,
    Created,
}

impl SystemSort {
    fn order(self) -> &'static str {
        match self {
            SystemSort::Hostname => "hostname COLLATE NOCASE",
            SystemSort::Os => "os_family, os",
            SystemSort::OsVersion => "os_version",
            SystemSort::LastContact => "last_contact",
            SystemSort::Serial => "serial COLLATE NOCASE",
            SystemSort::Model => "model COLLATE NOCASE",
            SystemSort::Created => "created",
        }
    }
}

/// A device with its owner and surroundings.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct SystemDetail {
    pub system: SystemRow,
    /// Who reaches the device, directly or through a group, with each path.
    pub users: Vec<ReachingUser>,
    pub owner: Option<UserRow>,
    pub groups: Vec<GroupRow>,
    pub recent_events: Vec<EventRow>,
}

impl SystemQuery {
    fn now_ms(&self, th: &Thresholds) -> i64 {
        self.now.as_deref().and_then(parse_ms).unwrap_or(th.now_ms)
    }

    fn stale_before(&self, th: &Thresholds) -> Option<String> {
        let days = self.stale_days?;
        Some(format_ms(self.now_ms(th) - days as i64 * 86_400_000))
    }

    /// The WHERE clause of the query, leaving out the facets named in `skip`.
    fn filters(&self, skip: &[FacetName], th: &Thresholds) -> Where {
        let skip = |name: FacetName| skip.contains(&name);
        let mut w = Where::default();
        if let Some(m) = self.search.as_deref().and_then(crate::search::match_expr) {
            w.push(
                "id IN (SELECT ref FROM search_index WHERE search_index MATCH ? AND kind = 'system')",
                [text(&m)],
            );
        }
        if !skip(FacetName::Os) && !self.os_families.is_empty() {
            w.push(
                &in_list("os_family", self.os_families.len()),
                self.os_families.iter().map(|f| text(f.as_str())),
            );
        }
        if let Some(v) = &self.os_version {
            w.push("os_version = ?", [text(v)]);
        }
        if !skip(FacetName::Fde) {
            if let Some(f) = self.fde {
                w.push("fde_active = ?", [Value::Integer(f as i64)]);
            }
        }
        if !skip(FacetName::Mdm) {
            if let Some(m) = self.mdm {
                w.push("mdm_enrolled = ?", [Value::Integer(m as i64)]);
            }
        }
        if !skip(FacetName::Stale) {
            if let Some(before) = self.stale_before(th) {
                w.push("(last_contact IS NULL OR last_contact < ?)", [text(&before)]);
            }
        }
        if !skip(FacetName::Unbound) {
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
            w.push(super::posture::LOW_DISK, [Value::Integer(th.low_disk_percent as i64)]);
        }
        w
    }
}

impl Cache {
    /// The query's WHERE clause, with the checks that need the data (versions behind).
    fn system_filters(&self, q: &SystemQuery, skip: &[FacetName], th: &Thresholds) -> Result<Where> {
        let mut w = q.filters(skip, th);
        if q.check == Some(DeviceCheck::Behind) {
            let (cond, params) = self.behind_condition()?;
            w.push(&cond, params);
        }
        Ok(w)
    }

    /// A page of the Devices list (checks and "stale" under `th`).
    pub fn systems(&self, q: &SystemQuery, th: &Thresholds) -> Result<Page<SystemRow>> {
        let w = self.system_filters(q, &[], th)?;
        let order = q.sort.order();
        let dir = if q.desc { "DESC" } else { "ASC" };
        let total: i64 = self.conn.query_row(
            &format!("SELECT count(*) FROM systems{}", w.sql()),
            rusqlite::params_from_iter(&w.params),
            |r| r.get(0),
        )?;
        let (off, lim) = page_bounds(q.offset, q.limit);
        // The page's ids first (sorting narrow rows), then those rows: sorting whole rows of a
        // filtered 50,000-device list took twice as long.
        let sql = format!(
            "SELECT id FROM systems{} ORDER BY {order} {dir}, id LIMIT {lim} OFFSET {off}",
            w.sql()
        );
        let ids: Vec<String> = self
            .conn
            .prepare_cached(&sql)?
            .query_map(rusqlite::params_from_iter(&w.params), |r| r.get(0))?
            .collect::<rusqlite::Result<_>>()?;
        let marks = vec!["?"; ids.len()].join(",");
        let mut found: std::collections::HashMap<String, SystemRow> = self
            .conn
            .prepare(&format!("SELECT * FROM systems WHERE id IN ({marks})"))?
            .query_map(rusqlite::params_from_iter(&ids), system_row)?
            .map(|r| r.map(|row| (row.id.clone(), row)))
            .collect::<rusqlite::Result<_>>()?;
        let rows = ids.iter().filter_map(|id| found.remove(id)).collect();
        Ok(Page {
            total: total as u64,
            rows,
        })
    }

    /// The Devices list's facet counts; a device is stale past the query's days, else past the
    /// posture's silent days (`th`).
    pub fn system_facets(&self, q: &SystemQuery, th: &Thresholds) -> Result<Vec<Facet>> {
        let stale_before = q
            .stale_before(th)
            .unwrap_or_else(|| format_ms(q.now_ms(th) - th.silent_days as i64 * 86_400_000));
        let stale_expr = format!(
            "CASE WHEN last_contact IS NULL OR last_contact < '{}' THEN 1 ELSE 0 END",
            stale_before.replace('\'', "")
        );
        let dims: [(FacetName, String); 5] = [
            (FacetName::Os, "os_family".into()),
            (FacetName::Fde, "fde_active".into()),
            (FacetName::Mdm, "mdm_enrolled".into()),
            (FacetName::Stale, stale_expr),
            (FacetName::Unbound, "1 - bound".into()),
        ];
        let names: Vec<FacetName> = dims.iter().map(|(n, _)| *n).collect();
        let selected = |name: FacetName, value: &str| match name {
            FacetName::Os => q.os_families.is_empty() || q.os_families.iter().any(|f| f.as_str() == value),
            FacetName::Fde => flag_passes(q.fde, value),
            FacetName::Mdm => flag_passes(q.mdm, value),
            FacetName::Stale => q.stale_days.is_none() || value == "1",
            FacetName::Unbound => flag_passes(q.unbound, value),
            _ => true,
        };
        self.facets("systems", &dims, &self.system_filters(q, &names, th)?, selected)
    }

    /// A device by id, hostname or serial, with who reaches it (and how), its owner (its primary
    /// user, else the first person bound to it directly), groups and events.
    pub fn system_detail(&self, key: &str) -> Result<Option<SystemDetail>> {
        let system = self
            .conn
            .query_row("SELECT s.*, (SELECT json FROM records r WHERE r.kind = 'system' AND r.id = s.id) AS json FROM systems s WHERE s.id = ?1 OR s.hostname = ?1 COLLATE NOCASE OR s.serial = ?1 COLLATE NOCASE LIMIT 1", [key], system_row)
            .optional()?;
        let Some(system) = system else { return Ok(None) };
        let users = self.users_reaching(&system.id)?;
        let primary: Option<String> = serde_json::from_str::<serde_json::Value>(&system.json)
            .ok()
            .and_then(|v| {
                v.pointer("/primarySystemUser/id")
                    .and_then(|x| x.as_str())
                    .map(String::from)
            });
        let direct = |r: &&ReachingUser| r.paths.iter().any(|p| p.kind == ReachKind::Direct);
        let owner = primary
            .as_ref()
            .and_then(|p| users.iter().find(|r| &r.user.id == p))
            .or_else(|| users.iter().find(direct))
            .map(|r| r.user.clone());
        let mut s = self.conn.prepare_cached(
            "SELECT g.* FROM groups g JOIN group_members m ON m.group_id = g.id WHERE m.member_id = ? ORDER BY g.name",
        )?;
        let groups = s.query_map([&system.id], group_row)?.collect::<rusqlite::Result<_>>()?;
        let mut s = self.conn.prepare_cached(
            "SELECT * FROM events WHERE system_id = ?1 AND system_id <> '' ORDER BY at DESC LIMIT 50",
        )?;
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
