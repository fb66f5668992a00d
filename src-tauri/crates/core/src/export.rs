//! CSV export of any filtered view: every matching row (not just the page on screen), read
//! from the cache in pages; and the CSV writer every CSV Rollcall writes goes through.

use rollcall_cache::{Cache, Result, SystemQuery, Thresholds, UserQuery};

/// A field a spreadsheet would run as a formula is defused: a leading `=`, `+`, `-`, `@`, tab
/// or carriage return gets a `'` before it (OWASP's list: a tab or CR before the `=` slips
/// past a check of the first character).
fn defused(s: &str) -> std::borrow::Cow<'_, str> {
    if s.starts_with(['=', '+', '-', '@', '\t', '\r']) {
        format!("'{s}").into()
    } else {
        s.into()
    }
}

/// A CSV document being written with the `csv` crate (RFC 4180: quoted where needed, CRLF),
/// every field formula-safe.
pub struct CsvOut(csv::Writer<Vec<u8>>);

impl Default for CsvOut {
    fn default() -> Self {
        CsvOut(
            csv::WriterBuilder::new()
                .terminator(csv::Terminator::CRLF)
                .flexible(true)
                .from_writer(Vec::new()),
        )
    }
}

impl CsvOut {
    /// One record.
    pub fn record<S: AsRef<str>>(&mut self, fields: &[S]) {
        // Writing to memory cannot fail.
        let _ = self
            .0
            .write_record(fields.iter().map(|f| defused(f.as_ref()).into_owned()));
    }

    /// An empty line (between sections of a report).
    pub fn blank(&mut self) {
        // A record of no fields writes only the line end (`flexible` allows it).
        let _ = self.0.write_record(None::<&[u8]>);
    }

    pub fn into_string(self) -> String {
        let bytes = self.0.into_inner().unwrap_or_default();
        String::from_utf8(bytes).unwrap_or_default()
    }
}

/// One field as it is written in a record (quoted where needed, formula-safe).
pub fn field(s: &str) -> String {
    let mut out = CsvOut::default();
    out.record(&[s]);
    out.into_string().trim_end_matches("\r\n").to_string()
}

const PAGE: u32 = 2000;

/// Writes `header`, then every row `page(offset)` returns, page by page, until a short page.
fn paged<R>(
    header: &[&str],
    mut page: impl FnMut(u32) -> Result<Vec<R>>,
    fields: impl Fn(&R) -> Vec<String>,
) -> Result<(String, usize)> {
    let mut out = CsvOut::default();
    out.record(header);
    let mut n = 0;
    let mut offset = 0;
    loop {
        let rows = page(offset)?;
        for r in &rows {
            out.record(&fields(r));
        }
        n += rows.len();
        if rows.len() < PAGE as usize {
            return Ok((out.into_string(), n));
        }
        offset += PAGE;
    }
}

/// All users matching `q` (its paging ignored).
pub fn users_csv(cache: &Cache, q: &UserQuery, th: &Thresholds) -> Result<(String, usize)> {
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
            .users(
                &UserQuery {
                    offset,
                    limit: PAGE,
                    ..q.clone()
                },
                th,
            )
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
            u.state.as_str().to_string(),
            u.locked.to_string(),
            u.mfa_configured.to_string(),
            u.password_expired.to_string(),
            u.created.clone().unwrap_or_default(),
        ]
    })
}

/// All devices matching `q` (its paging ignored).
pub fn systems_csv(cache: &Cache, q: &SystemQuery, th: &Thresholds) -> Result<(String, usize)> {
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
            .systems(
                &SystemQuery {
                    offset,
                    limit: PAGE,
                    ..q.clone()
                },
                th,
            )
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

/// Which list to export, with its filters.
#[derive(Debug, Clone, serde::Deserialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(tag = "view")]
pub enum ExportRequest {
    Users { query: UserQuery },
    Systems { query: SystemQuery },
}

impl ExportRequest {
    /// What the save dialog proposes for the list of `org`.
    pub fn offer(&self, org: &str) -> crate::files::SaveOffer {
        let what = match self {
            ExportRequest::Users { .. } => "users",
            ExportRequest::Systems { .. } => "devices",
        };
        crate::files::SaveOffer::dated(format!("Export {what} as CSV"), org, what, "CSV", "csv")
    }

    /// Every row of the list as CSV, and how many.
    pub fn csv(&self, cache: &Cache) -> Result<(Vec<u8>, u32)> {
        let th = crate::posture::thresholds_now();
        let (text, rows) = match self {
            ExportRequest::Users { query } => users_csv(cache, query, &th)?,
            ExportRequest::Systems { query } => systems_csv(cache, query, &th)?,
        };
        Ok((text.into_bytes(), rows as u32))
    }
}
