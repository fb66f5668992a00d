//! Directory Insights bulk reports (docs/jumpcloud-api.md §10): request one, poll the list, download an
//! artifact. Generation is asynchronous; a role without Reports gets 403.

use super::*;
use crate::client::Repeat;
use bytes::Bytes;
use serde::Deserialize;

/// The association reports the sync reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum ReportType {
    UsersToDevices,
    UsersToUserGroups,
    UsersToSsoApplications,
}

impl ReportType {
    pub fn as_str(self) -> &'static str {
        match self {
            ReportType::UsersToDevices => "users-to-devices",
            ReportType::UsersToUserGroups => "users-to-user-groups",
            ReportType::UsersToSsoApplications => "users-to-sso-applications",
        }
    }
}

impl std::fmt::Display for ReportType {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// A report's metadata, as the request and the list answer it.
#[derive(Debug, Clone, Deserialize)]
pub struct ReportMeta {
    pub id: String,
    #[serde(rename = "type", default)]
    pub kind: String,
    #[serde(default)]
    pub status: String,
    #[serde(default)]
    pub artifacts: Vec<ReportArtifact>,
    #[serde(default)]
    pub created_at: Option<String>,
    #[serde(default)]
    pub expiration: Option<String>,
}

#[derive(Debug, Clone, Deserialize)]
pub struct ReportArtifact {
    pub id: String,
    #[serde(default)]
    pub format: String,
}

impl ReportMeta {
    /// The artifact in `format` (compared case-insensitively: JumpCloud sends `JSON` or `json`).
    pub fn artifact(&self, format: &str) -> Option<&ReportArtifact> {
        self.artifacts.iter().find(|a| a.format.eq_ignore_ascii_case(format))
    }
}

pub struct Reports<'a>(pub(super) &'a Client);

impl Reports<'_> {
    /// Asks JumpCloud to generate a report; its metadata (usually `PENDING`). A repeat only
    /// costs a second report, so it may be retried.
    pub async fn request(&self, kind: ReportType) -> Result<ReportMeta> {
        self.0
            .value(post(Api::Insights, format!("/reports/{kind}"), "read reports").repeat(Repeat::Safe))
            .await
    }

    /// Every report of the org JumpCloud still holds.
    pub async fn list(&self) -> Result<Vec<ReportMeta>> {
        self.0
            .value(Call::get(Api::Insights, "/reports", "read reports").query("sort", "-CREATED_AT"))
            .await
    }

    /// An artifact's body, as JumpCloud sent it (JSON or CSV).
    pub async fn content(&self, report: &str, artifact: &str) -> Result<Bytes> {
        Ok(self.0.send(&Self::content_call(report, artifact)).await?.body)
    }

    /// An artifact streamed into a file (a large org's report runs to hundreds of megabytes);
    /// its size.
    pub async fn download(&self, report: &str, artifact: &str, dest: &std::path::Path) -> Result<u64> {
        self.0.download(&Self::content_call(report, artifact), dest).await
    }

    fn content_call(report: &str, artifact: &str) -> Call {
        Call::get(
            Api::Insights,
            format!("/reports/{report}/artifacts/{artifact}/content"),
            "read reports",
        )
    }
}

/// The fields of a report row the sync needs; the others are skipped while reading.
#[derive(Debug, Clone, Default, Deserialize)]
pub struct ReportRow {
    pub user_object_id: Option<String>,
    pub resource_object_id: Option<String>,
    pub association_type: Option<String>,
}

/// Why a report's rows could not be read to the end.
#[derive(Debug, thiserror::Error)]
pub enum RowsError<E> {
    #[error("the report is not a JSON array")]
    NotAnArray,
    #[error("row {0} is not an object")]
    NotAnObject(usize),
    /// A row's JSON does not decode (a field of the wrong type, bad syntax).
    #[error("row {row}: {source}")]
    Row {
        row: usize,
        #[source]
        source: serde_json::Error,
    },
    #[error("the report ends after {0} rows, before its array does")]
    CutShort(usize),
    #[error("there is more after the end of the array")]
    TrailingData,
    #[error("the report could not be read: {0}")]
    Io(String),
    /// `each` stopped the reading.
    #[error("{0}")]
    Stopped(E),
}

/// Reads a JSON report (an array of row objects) from `reader` one row at a time, handing each
/// to `each` (which may stop the reading with its own error); the number of rows. serde's
/// sequence visitor decodes one element at a time from a buffered reader, so memory stays
/// that of a row whatever the report's size, and a report cut short or holding something
/// other than rows is an error naming where.
pub fn read_rows<R: std::io::Read, E>(
    reader: R,
    each: impl FnMut(usize, ReportRow) -> std::result::Result<(), E>,
) -> std::result::Result<usize, RowsError<E>> {
    use serde::de::Deserializer as _;
    let mut de = serde_json::Deserializer::from_reader(std::io::BufReader::with_capacity(1 << 20, reader));
    let mut rows = RowsVisitor {
        each,
        n: 0,
        failure: None,
    };
    let read = (&mut de).deserialize_any(&mut rows);
    let n = rows.n;
    match (read, rows.failure) {
        (Ok(()), _) => de.end().map(|_| n).map_err(|_| RowsError::TrailingData),
        (Err(_), Some(f)) => Err(f),
        (Err(e), None) if e.is_eof() => Err(RowsError::CutShort(n)),
        (Err(e), None) if e.is_io() => Err(RowsError::Io(e.to_string())),
        (Err(e), None) => Err(RowsError::Row { row: n + 1, source: e }),
    }
}

/// The array of rows: each element is decoded and handed on; the first failure is kept typed
/// (serde's own error only carries it out of the visitor).
struct RowsVisitor<F, E> {
    each: F,
    n: usize,
    failure: Option<RowsError<E>>,
}

impl<'de, F, E> serde::de::Visitor<'de> for &mut RowsVisitor<F, E>
where
    F: FnMut(usize, ReportRow) -> std::result::Result<(), E>,
{
    type Value = ();

    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str("a JSON array of report rows")
    }

    fn visit_seq<A: serde::de::SeqAccess<'de>>(self, mut seq: A) -> std::result::Result<(), A::Error> {
        use serde::de::Error as _;
        loop {
            let mut object = true;
            let row = match seq.next_element_seed(RowSeed(&mut object)) {
                Ok(Some(row)) => row,
                Ok(None) => return Ok(()),
                Err(e) => {
                    if !object {
                        self.failure = Some(RowsError::NotAnObject(self.n + 1));
                    }
                    return Err(e);
                }
            };
            if let Err(e) = (self.each)(self.n, row) {
                self.failure = Some(RowsError::Stopped(e));
                return Err(A::Error::custom("stopped"));
            }
            self.n += 1;
        }
    }

    fn visit_map<A: serde::de::MapAccess<'de>>(self, _: A) -> std::result::Result<(), A::Error> {
        self.not_an_array()
    }
    fn visit_str<X: serde::de::Error>(self, _: &str) -> std::result::Result<(), X> {
        self.not_an_array()
    }
    fn visit_u64<X: serde::de::Error>(self, _: u64) -> std::result::Result<(), X> {
        self.not_an_array()
    }
    fn visit_i64<X: serde::de::Error>(self, _: i64) -> std::result::Result<(), X> {
        self.not_an_array()
    }
    fn visit_f64<X: serde::de::Error>(self, _: f64) -> std::result::Result<(), X> {
        self.not_an_array()
    }
    fn visit_bool<X: serde::de::Error>(self, _: bool) -> std::result::Result<(), X> {
        self.not_an_array()
    }
    fn visit_unit<X: serde::de::Error>(self) -> std::result::Result<(), X> {
        self.not_an_array()
    }
}

impl<F, E> RowsVisitor<F, E> {
    fn not_an_array<X: serde::de::Error>(&mut self) -> std::result::Result<(), X> {
        self.failure = Some(RowsError::NotAnArray);
        Err(X::custom("not an array"))
    }
}

/// One element: a row object (`false` in the flag when it is something else).
struct RowSeed<'a>(&'a mut bool);

impl<'de> serde::de::DeserializeSeed<'de> for RowSeed<'_> {
    type Value = ReportRow;

    fn deserialize<D: serde::Deserializer<'de>>(self, d: D) -> std::result::Result<ReportRow, D::Error> {
        d.deserialize_any(RowVisitor(self.0))
    }
}

struct RowVisitor<'a>(&'a mut bool);

impl<'de> serde::de::Visitor<'de> for RowVisitor<'_> {
    type Value = ReportRow;

    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str("a report row object")
    }

    fn visit_map<A: serde::de::MapAccess<'de>>(self, map: A) -> std::result::Result<ReportRow, A::Error> {
        ReportRow::deserialize(serde::de::value::MapAccessDeserializer::new(map))
    }

    fn visit_seq<A: serde::de::SeqAccess<'de>>(self, _: A) -> std::result::Result<ReportRow, A::Error> {
        self.other()
    }
    fn visit_str<X: serde::de::Error>(self, _: &str) -> std::result::Result<ReportRow, X> {
        self.other()
    }
    fn visit_u64<X: serde::de::Error>(self, _: u64) -> std::result::Result<ReportRow, X> {
        self.other()
    }
    fn visit_i64<X: serde::de::Error>(self, _: i64) -> std::result::Result<ReportRow, X> {
        self.other()
    }
    fn visit_f64<X: serde::de::Error>(self, _: f64) -> std::result::Result<ReportRow, X> {
        self.other()
    }
    fn visit_bool<X: serde::de::Error>(self, _: bool) -> std::result::Result<ReportRow, X> {
        self.other()
    }
    fn visit_unit<X: serde::de::Error>(self) -> std::result::Result<ReportRow, X> {
        self.other()
    }
}

impl RowVisitor<'_> {
    fn other<X: serde::de::Error>(self) -> std::result::Result<ReportRow, X> {
        *self.0 = false;
        Err(X::custom("not an object"))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A reader that hands out `n` bytes at a time (rows split across chunks).
    struct Drip<'a>(&'a [u8], usize);
    impl std::io::Read for Drip<'_> {
        fn read(&mut self, out: &mut [u8]) -> std::io::Result<usize> {
            let n = self.1.min(self.0.len()).min(out.len());
            out[..n].copy_from_slice(&self.0[..n]);
            self.0 = &self.0[n..];
            Ok(n)
        }
    }

    fn ids(body: &[u8], drip: usize) -> std::result::Result<Vec<String>, String> {
        let mut out = vec![];
        read_rows(Drip(body, drip), |_, r| {
            out.push(r.user_object_id.unwrap_or_default());
            Ok::<_, String>(())
        })
        .map_err(|e| e.to_string())?;
        Ok(out)
    }

    #[test]
    fn rows_are_read_one_at_a_time_whatever_the_chunks() {
        let body = br#" [ {"user_object_id": "a", "hostname": "x}{\"],[", "nested": {"k": [1, {"z": "}"}]}},
            {"user_object_id": "b\"}", "association_type": "direct"} , {"user_object_id": "c"} ] "#;
        for drip in [1, 3, 7, 1 << 20] {
            assert_eq!(ids(body, drip).unwrap(), ["a", "b\"}", "c"], "{drip} bytes at a time");
        }
        assert_eq!(ids(b"[]", 1).unwrap(), Vec::<String>::new());
    }

    #[test]
    fn a_report_cut_short_or_not_made_of_rows_is_refused_with_where() {
        let cut = br#"[{"user_object_id": "a"}, {"user_object_id": "b", "hos"#;
        assert_eq!(
            ids(cut, 5).unwrap_err(),
            "the report ends after 1 rows, before its array does"
        );
        assert_eq!(ids(b"{\"rows\": []}", 4).unwrap_err(), "the report is not a JSON array");
        assert_eq!(
            ids(b"[{\"user_object_id\": \"a\"}, 7]", 4).unwrap_err(),
            "row 2 is not an object"
        );
        assert!(ids(b"[{\"user_object_id\": 42}]", 4)
            .unwrap_err()
            .starts_with("row 1: invalid type"));
        assert_eq!(
            ids(b"[] []", 4).unwrap_err(),
            "there is more after the end of the array"
        );
        let mut seen = 0;
        let stopped = read_rows(&br#"[{"user_object_id": "a"}, {"user_object_id": "b"}]"#[..], |i, _| {
            seen += 1;
            if i == 0 {
                Err("enough")
            } else {
                Ok(())
            }
        });
        assert!(matches!(stopped, Err(RowsError::Stopped("enough"))));
        assert_eq!(seen, 1);
    }
}
