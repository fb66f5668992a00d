//! Groups, apps and admins, and the one search box across everything.

use super::*;

#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct SearchHit {
    pub kind: crate::RecordKind,
    pub id: String,
    pub label: String,
    pub detail: String,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct GroupSummary {
    pub group: GroupRow,
    #[cfg_attr(feature = "specta", specta(type = u32))]
    pub members: u64,
}

#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct AppSummary {
    pub app: AppRow,
    #[cfg_attr(feature = "specta", specta(type = u32))]
    pub users: u64,
    #[cfg_attr(feature = "specta", specta(type = u32))]
    pub groups: u64,
}

/// Search hits are ranked when fewer than this many rows match (else in index order).
const RANK_UNDER: i64 = 500;

impl Cache {
    /// Groups of one kind (`None`: both), optionally matching a search.
    pub fn groups(&self, kind: Option<crate::GroupKind>, search: Option<&str>) -> Result<Vec<GroupSummary>> {
        let mut w = Where::default();
        if let Some(kind) = kind {
            w.push("g.kind = ?", [text(kind.as_str())]);
        }
        if let Some(m) = search.and_then(crate::search::match_expr) {
            w.push(
                "g.id IN (SELECT ref FROM search_index WHERE search_index MATCH ? AND kind = 'group')",
                [text(&m)],
            );
        }
        let sql = format!(
            "SELECT g.*, (SELECT count(*) FROM group_members m WHERE m.group_id = g.id) AS n FROM groups g{} ORDER BY g.name COLLATE NOCASE",
            w.sql()
        );
        let mut stmt = self.conn.prepare_cached(&sql)?;
        let rows = stmt.query_map(rusqlite::params_from_iter(&w.params), |r| {
            Ok(GroupSummary {
                group: group_row(r)?,
                members: r.get::<_, i64>("n")? as u64,
            })
        })?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// Members of a group: users for a user group, devices for a device group.
    pub fn group_members(&self, group_id: &str) -> Result<(Vec<UserRow>, Vec<SystemRow>)> {
        let mut s = self.conn.prepare_cached("SELECT u.* FROM users u JOIN group_members m ON m.member_id = u.id WHERE m.group_id = ? ORDER BY u.lastname, u.firstname")?;
        let users = s.query_map([group_id], user_row)?.collect::<rusqlite::Result<_>>()?;
        let mut s = self.conn.prepare_cached("SELECT s.* FROM systems s JOIN group_members m ON m.member_id = s.id WHERE m.group_id = ? ORDER BY s.hostname")?;
        let systems = s.query_map([group_id], system_row)?.collect::<rusqlite::Result<_>>()?;
        Ok((users, systems))
    }

    pub fn apps(&self) -> Result<Vec<AppSummary>> {
        let mut stmt = self.conn.prepare_cached(
            "SELECT a.*, (SELECT count(DISTINCT user_id) FROM app_users x WHERE x.app_id = a.id) AS n, (SELECT count(*) FROM app_groups g WHERE g.app_id = a.id) AS g FROM apps a ORDER BY a.label COLLATE NOCASE",
        )?;
        let rows = stmt.query_map([], |r| {
            Ok(AppSummary {
                app: app_row(r)?,
                users: r.get::<_, i64>("n")? as u64,
                groups: r.get::<_, i64>("g")? as u64,
            })
        })?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    pub fn admins(&self) -> Result<Vec<AdminRow>> {
        let mut stmt = self
            .conn
            .prepare_cached("SELECT id, email, name, role_name, suspended, mfa FROM admins ORDER BY name")?;
        let rows = stmt.query_map([], |r| {
            Ok(AdminRow {
                id: r.get(0)?,
                email: r.get(1)?,
                name: r.get(2)?,
                role_name: r.get(3)?,
                suspended: r.get(4)?,
                mfa: r.get(5)?,
            })
        })?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }

    /// A record of the mirror named in words by its id ("person Ada Lovelace (ada)", "device
    /// ada-mac", "user group Sales", "app Slack"), for messages about raw API calls.
    pub fn name_of_id(&self, id: &str) -> Result<Option<String>> {
        if id.len() < 8 {
            return Ok(None);
        }
        let mut stmt = self.conn.prepare_cached(
            "SELECT 'person ' || CASE WHEN trim(displayname) = '' THEN username ELSE displayname || ' (' || username || ')' END FROM users WHERE id = ?1
             UNION ALL SELECT 'device ' || hostname FROM systems WHERE id = ?1
             UNION ALL SELECT CASE kind WHEN 'user' THEN 'user group ' ELSE 'device group ' END || name FROM groups WHERE id = ?1
             UNION ALL SELECT 'app ' || label FROM apps WHERE id = ?1
             LIMIT 1",
        )?;
        Ok(stmt.query_row([id], |r| r.get(0)).optional()?)
    }

    /// One search box across everything: best matches first, at most `limit`. A one- or
    /// two-letter prefix matches thousands of rows, and ranking them all costs more than the
    /// ranking is worth while the admin is still typing: such short queries come back in index
    /// order.
    pub fn search(&self, input: &str, limit: u32) -> Result<Vec<SearchHit>> {
        let Some(m) = crate::search::match_expr(input) else {
            return Ok(vec![]);
        };
        // Ranking (bm25) costs time per match: skip it for one- or two-letter prefixes and for
        // words so common that hundreds match (a surname half the company shares: no order is
        // meaningful among them, and the next letter narrows them).
        let ranked = input.chars().filter(|c| c.is_alphanumeric()).count() >= 3 && {
            let many: i64 = self
                .conn
                .prepare_cached(
                    "SELECT count(*) FROM (SELECT 1 FROM search_index WHERE search_index MATCH ?1 LIMIT ?2)",
                )?
                .query_row(params![m, RANK_UNDER], |r| r.get(0))?;
            many < RANK_UNDER
        };
        let order = if ranked { "ORDER BY rank" } else { "" };
        let sql = format!(
            "SELECT s.kind, s.ref,
                CASE s.kind
                  WHEN 'user' THEN (SELECT displayname FROM users WHERE id = s.ref)
                  WHEN 'system' THEN (SELECT hostname FROM systems WHERE id = s.ref)
                  WHEN 'group' THEN (SELECT name FROM groups WHERE id = s.ref)
                  ELSE (SELECT label FROM apps WHERE id = s.ref) END,
                CASE s.kind
                  WHEN 'user' THEN (SELECT email FROM users WHERE id = s.ref)
                  WHEN 'system' THEN (SELECT os || ' · ' || serial FROM systems WHERE id = s.ref)
                  WHEN 'group' THEN (SELECT kind || ' group' FROM groups WHERE id = s.ref)
                  ELSE 'application' END
             FROM search_index s WHERE search_index MATCH ?1 {order} LIMIT ?2"
        );
        let mut stmt = self.conn.prepare_cached(&sql)?;
        let rows = stmt.query_map(params![m, limit], |r| {
            Ok(SearchHit {
                kind: r.get(0)?,
                id: r.get(1)?,
                label: r.get::<_, Option<String>>(2)?.unwrap_or_default(),
                detail: r.get::<_, Option<String>>(3)?.unwrap_or_default(),
            })
        })?;
        Ok(rows.collect::<rusqlite::Result<_>>()?)
    }
}
