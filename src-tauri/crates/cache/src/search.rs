//! Full-text search (FTS5, prefix matching) over users, devices, groups and apps.

use crate::error::Result;
use rusqlite::Connection;

/// What the index holds, from the live tables (run after emptying it).
const FILL: [&str; 4] = [
    "INSERT INTO search_index (kind, ref, text)
     SELECT 'user', id, displayname || ' ' || firstname || ' ' || lastname || ' ' || username || ' ' || email || ' ' || department || ' ' || job_title || ' ' || employee_id FROM users",
    "INSERT INTO search_index (kind, ref, text)
     SELECT 'system', s.id, s.hostname || ' ' || s.display_name || ' ' || s.serial || ' ' || s.os || ' ' || s.model || ' ' ||
            COALESCE((SELECT group_concat(u.email || ' ' || u.username, ' ') FROM bindings b JOIN users u ON u.id = b.user_id WHERE b.system_id = s.id), '')
     FROM systems s",
    "INSERT INTO search_index (kind, ref, text) SELECT 'group', id, name || ' ' || email || ' ' || description FROM groups",
    "INSERT INTO search_index (kind, ref, text) SELECT 'app', id, label || ' ' || name FROM apps",
];

/// Migration 20: the index keeps no copy of the text it indexes (nothing reads it back; a hit is
/// shown from its record), only each row's kind and id beside it — 3.3 MB of a 10,000-person
/// file — and is filled again at once. It runs on files of schema 19: should `FILL` ever read a
/// column a later migration adds, this migration must keep a copy of today's statements.
pub(crate) fn contentless_ddl() -> &'static str {
    static DDL: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    DDL.get_or_init(|| {
        let mut ddl = String::from(
            "
DROP TABLE search_index;
CREATE VIRTUAL TABLE search_index USING fts5(
    kind UNINDEXED, ref UNINDEXED, text,
    content = '', contentless_delete = 1, contentless_unindexed = 1,
    tokenize = 'unicode61 remove_diacritics 2',
    prefix = '1 2 3'
);
",
        );
        for fill in FILL {
            ddl.push_str(fill);
            ddl.push_str(";\n");
        }
        ddl
    })
}

/// Rebuilds the index from the live tables.
pub fn rebuild(conn: &Connection) -> Result<()> {
    conn.execute("DELETE FROM search_index", [])?;
    for fill in FILL {
        conn.execute(fill, [])?;
    }
    // One b-tree again: without this the deleted rows' segments pile up sync after sync.
    conn.execute("INSERT INTO search_index (search_index) VALUES ('optimize')", [])?;
    Ok(())
}

/// Turns what the admin typed into an FTS5 query that cannot be a syntax error: every word is
/// quoted (quotes doubled) and matched as a prefix; words are ANDed. `None` when nothing
/// searchable was typed.
pub fn match_expr(input: &str) -> Option<String> {
    let terms: Vec<String> = input
        .split_whitespace()
        .filter(|w| w.chars().any(char::is_alphanumeric))
        .take(12)
        .map(|w| format!("\"{}\"*", w.replace('"', "\"\"")))
        .collect();
    if terms.is_empty() {
        None
    } else {
        Some(terms.join(" "))
    }
}

#[cfg(test)]
mod tests {
    use super::match_expr;

    #[test]
    fn user_input_is_quoted() {
        assert_eq!(match_expr("jo smi").as_deref(), Some("\"jo\"* \"smi\"*"));
        assert_eq!(
            match_expr("a\"b OR NEAR(").as_deref(),
            Some("\"a\"\"b\"* \"OR\"* \"NEAR(\"*")
        );
        assert_eq!(match_expr("  -- ** "), None);
    }
}
