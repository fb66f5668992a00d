//! CSV export of any filtered view: every matching row (not just the page on screen), read
//! from the cache in pages.

use rollcall_cache::{Cache, Result, SystemQuery, UserQuery};

/// Quotes a CSV field when needed (RFC 4180). A leading `=`, `+`, `-` or `@` is prefixed with
/// `'` so a spreadsheet does not run a hostile user name as a formula.
pub fn field(s: &str) -> String {
    let s = if s.starts_with(['=', '+', '-', '@']) {
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

fn line(fields: &[String]) -> String {
    let mut l = fields.iter().map(|f| field(f)).collect::<Vec<_>>().join(",");
    l.push_str("\r\n");
    l
}

const PAGE: u32 = 2000;

/// All users matching `q` (its paging ignored).
pub fn users_csv(cache: &Cache, q: &UserQuery) -> Result<(String, usize)> {
    let mut out = line(
        &[
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
        ]
        .map(String::from),
    );
    let mut q = q.clone();
    q.offset = 0;
    q.limit = PAGE;
    let mut n = 0;
    loop {
        let page = cache.users(&q)?;
        for u in &page.rows {
            out.push_str(&line(&[
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
            ]));
        }
        n += page.rows.len();
        if page.rows.len() < PAGE as usize {
            return Ok((out, n));
        }
        q.offset += PAGE;
    }
}

/// All devices matching `q` (its paging ignored).
pub fn systems_csv(cache: &Cache, q: &SystemQuery) -> Result<(String, usize)> {
    let mut out = line(
        &[
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
        ]
        .map(String::from),
    );
    let mut q = q.clone();
    q.offset = 0;
    q.limit = PAGE;
    let mut n = 0;
    loop {
        let page = cache.systems(&q)?;
        for s in &page.rows {
            out.push_str(&line(&[
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
            ]));
        }
        n += page.rows.len();
        if page.rows.len() < PAGE as usize {
            return Ok((out, n));
        }
        q.offset += PAGE;
    }
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
    }
}
