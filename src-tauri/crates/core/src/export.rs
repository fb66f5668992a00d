//! CSV export of any filtered view: every matching row (not just the page on screen), read
//! from the cache in pages.

use rollcall_cache::{Cache, Result, SystemQuery, UserQuery};

/// Quotes a CSV field when needed (RFC 4180). A leading `=`, `+`, `-`, `@`, tab or carriage
/// return is prefixed with `'` so a spreadsheet does not run a hostile user name as a formula
/// (OWASP's list: a tab or CR before the `=` slips past a check of the first character).
pub fn field(s: &str) -> String {
    let s = if s.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{s}")
    } else {
        s.to_string()
    };
    if s.contains([',', '"', '\n', '\r']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s
    }
}

/// One CSV record (formula-safe fields, CRLF).
pub(crate) fn line(fields: &[String]) -> String {
    let mut l = fields.iter().map(|f| field(f)).collect::<Vec<_>>().join(",");
    l.push_str("\r\n");
    l
}

const PAGE: u32 = 2000;

/// Writes `header`, then every row `page(offset)` returns, page by page, until a short page.
fn paged<R>(
    header: &[&str],
    mut page: impl FnMut(u32) -> Result<Vec<R>>,
    fields: impl Fn(&R) -> Vec<String>,
) -> Result<(String, usize)> {
    let mut out = line(&header.iter().map(|h| h.to_string()).collect::<Vec<_>>());
    let mut n = 0;
    let mut offset = 0;
    loop {
        let rows = page(offset)?;
        for r in &rows {
            out.push_str(&line(&fields(r)));
        }
        n += rows.len();
        if rows.len() < PAGE as usize {
            return Ok((out, n));
        }
        offset += PAGE;
    }
}

/// All users matching `q` (its paging ignored).
pub fn users_csv(cache: &Cache, q: &UserQuery) -> Result<(String, usize)> {
    let header = [
        "id",
        "username",
        "email",
        "first name",
        "last name",
        "department",
        "job title",
        "state",
        "locked",
        "MFA",
        "password expired",
        "created",
    ];
    let page = |offset| {
        cache
            .users(&UserQuery {
                offset,
                limit: PAGE,
                ..q.clone()
            })
            .map(|p| p.rows)
    };
    paged(&header, page, |u| {
        vec![
            u.id.clone(),
            u.username.clone(),
            u.email.clone(),
            u.firstname.clone(),
            u.lastname.clone(),
            u.department.clone(),
            u.job_title.clone(),
            u.state.clone(),
            u.locked.to_string(),
            u.mfa_configured.to_string(),
            u.password_expired.to_string(),
            u.created.clone().unwrap_or_default(),
        ]
    })
}

/// All devices matching `q` (its paging ignored).
pub fn systems_csv(cache: &Cache, q: &SystemQuery) -> Result<(String, usize)> {
    let header = [
        "id",
        "hostname",
        "serial",
        "OS",
        "OS version",
        "model",
        "encrypted",
        "encryption detail",
        "MDM",
        "last contact",
        "agent version",
    ];
    let page = |offset| {
        cache
            .systems(&SystemQuery {
                offset,
                limit: PAGE,
                ..q.clone()
            })
            .map(|p| p.rows)
    };
    paged(&header, page, |s| {
        vec![
            s.id.clone(),
            s.hostname.clone(),
            s.serial.clone(),
            s.os.clone(),
            s.os_version.clone(),
            s.model.clone(),
            s.fde_active.to_string(),
            s.fde_detail.clone(),
            if s.mdm_enrolled {
                s.mdm_vendor.clone()
            } else {
                String::new()
            },
            s.last_contact.clone().unwrap_or_default(),
            s.agent_version.clone(),
        ]
    })
}

#[cfg(test)]
mod tests {
    use super::field;

    #[test]
    fn fields_are_quoted_and_formulas_defused() {
        assert_eq!(field("plain"), "plain");
        assert_eq!(field("a,b"), "\"a,b\"");
        assert_eq!(field("say \"hi\""), "\"say \"\"hi\"\"\"");
        assert_eq!(field("=HYPERLINK(\"x\")"), "\"'=HYPERLINK(\"\"x\"\")\"");
        assert_eq!(field("@cmd"), "'@cmd");
        assert_eq!(field("\t=1+1"), "'\t=1+1");
        assert_eq!(field("\r=1+1"), "\"'\r=1+1\"");
    }
}
