//! Associations from JumpCloud's bulk reports (docs/jumpcloud-api.md §10): user↔device bindings from
//! `users-to-devices`, user group memberships from `users-to-user-groups`, app access from
//! `users-to-sso-applications` — a handful of requests instead of one per device, group or app.
//!
//! The reports are requested when the sync starts and generate while users and devices are
//! listed. A report is used only whole: every row must carry the fields needed, almost every
//! id must be one the listings returned, and a random sample is cross-checked against the
//! graph endpoints. Otherwise (refused, failed, expired, not ready in time, unreadable, or
//! disagreeing) the sync reads those associations object by object and says why.

use super::spool::Spool;
use super::*;
use jumpcloud::{ReportMeta, ReportType};
use std::time::Duration;

/// The association reports a sync reads.
pub(super) const TYPES: [ReportType; 3] = [
    ReportType::UsersToDevices,
    ReportType::UsersToUserGroups,
    ReportType::UsersToSsoApplications,
];

/// How long a sync waits for JumpCloud to generate its reports by default.
pub const REPORT_WAIT: Duration = Duration::from_secs(120);

/// Devices and people whose associations are read again through the graph each sync (one
/// request each: a device's bound users, a person's groups, a person's apps).
const SAMPLE_DEVICES: usize = 12;
const SAMPLE_USERS: usize = 16;

/// What a report's rows state, read as soon as it was downloaded: how many rows, and the
/// associations kept (all, or the direct ones only).
pub(super) struct Rows {
    total: usize,
    pairs: Vec<Pair>,
}

/// Each report's rows, or why it is not used.
pub(super) type Got = BTreeMap<ReportType, std::result::Result<Rows, ReportUnused>>;

/// Why a bulk report was not used (its associations were read object by object instead).
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(tag = "reason", rename_all = "snake_case")]
pub enum ReportUnused {
    /// 403: the admin's role has no access to Reports.
    Refused,
    /// JumpCloud answered the request, the poll or the download with an error.
    Answered { detail: String },
    /// Not generated within the sync's wait.
    NotReady {
        #[cfg_attr(feature = "specta", specta(type = u32))]
        secs: u64,
    },
    /// No longer in JumpCloud's list (deleted or expired) before it was read.
    Gone,
    /// JumpCloud could not generate it (`FAILED`).
    Failed,
    /// It ended in another state (`DELETED`, …) before it could be read.
    Ended { status: String },
    /// It has no JSON artifact to read.
    NoArtifact,
    /// The download could not be read, or its rows do not decode.
    Unreadable { detail: String },
    /// Too many rows name ids the listings do not have (a report of another moment or org).
    Strangers {
        #[cfg_attr(feature = "specta", specta(type = u32))]
        unknown: u64,
        #[cfg_attr(feature = "specta", specta(type = u32))]
        total: u64,
    },
    /// What it says disagrees with JumpCloud's graph or with the groups.
    Disagrees { detail: String },
    /// Reading it stopped (the task ended).
    Stopped { detail: String },
}

impl std::fmt::Display for ReportUnused {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            ReportUnused::Refused => {
                f.write_str("JumpCloud refused them: this admin role has no access to Reports (403)")
            }
            ReportUnused::Answered { detail } => write!(f, "JumpCloud answered: {detail}"),
            ReportUnused::NotReady { secs } => write!(f, "not ready after {secs} s"),
            ReportUnused::Gone => f.write_str("it is no longer listed (deleted or expired)"),
            ReportUnused::Failed => f.write_str("JumpCloud could not generate it (FAILED)"),
            ReportUnused::Ended { status } => write!(f, "it ended {status} before it could be read"),
            ReportUnused::NoArtifact => f.write_str("it has no JSON artifact"),
            ReportUnused::Unreadable { detail } => f.write_str(detail),
            ReportUnused::Strangers { unknown, total } => {
                write!(f, "{unknown} of its {total} rows name ids the listings do not have")
            }
            ReportUnused::Disagrees { detail } => f.write_str(detail),
            ReportUnused::Stopped { detail } => write!(f, "reading it stopped ({detail})"),
        }
    }
}

/// One association a report row states: user, resource, and whether it is direct.
type Pair = (String, String, bool);

fn why(e: &jumpcloud::Error) -> ReportUnused {
    match e {
        jumpcloud::Error::Forbidden { .. } => ReportUnused::Refused,
        other => ReportUnused::Answered {
            detail: other.to_string(),
        },
    }
}

/// The reports' work, in the background from the start of the sync while users and devices are
/// listed: request, wait, download, read. Stopped if the sync ends first.
pub(super) struct Fetching(Option<tokio::task::JoinHandle<Got>>);

impl Drop for Fetching {
    fn drop(&mut self) {
        if let Some(h) = &self.0 {
            h.abort();
        }
    }
}

/// Starts fetching the three association reports (when `use_reports`); `wait` counts from
/// `started`, the start of the sync.
pub(super) fn start(c: &Client, use_reports: bool, wait: Duration, started: Instant) -> Fetching {
    if !use_reports {
        return Fetching(None);
    }
    let swept = Spool::sweep(&std::env::temp_dir());
    if swept > 0 {
        tracing::info!(swept, "removed reports a stopped sync left in the temporary folder");
    }
    let c = c.clone();
    Fetching(Some(tokio::spawn(async move { fetch(&c, started + wait, wait).await })))
}

impl Fetching {
    /// Whether the reports are coming (not a scoped sync, not turned off).
    pub(super) fn coming(&self) -> bool {
        self.0.is_some()
    }

    /// The reports' rows (or why each is not used), waiting for them if need be.
    /// The task stays in `self` while awaited: a sync that stops meanwhile (this future dropped
    /// beside a failed listing) aborts the download with it.
    pub(super) async fn finish(mut self, run: &Run<'_>) -> Result<Got> {
        let Some(h) = self.0.as_mut() else {
            return Ok(Got::new());
        };
        loop {
            run.check()?;
            match tokio::time::timeout(Duration::from_millis(200), &mut *h).await {
                Ok(Ok(got)) => return Ok(got),
                Ok(Err(e)) => {
                    let why = ReportUnused::Stopped { detail: e.to_string() };
                    return Ok(TYPES.into_iter().map(|t| (t, Err(why.clone()))).collect());
                }
                Err(_) => {}
            }
        }
    }
}

/// Where a report's generation stands (JumpCloud's `status`, compared case-insensitively).
#[derive(Debug, Clone, PartialEq, Eq)]
enum Generation {
    Pending,
    InProgress,
    Completed,
    Failed,
    /// `DELETED`, or a state this version does not know.
    Other(String),
}

impl Generation {
    fn of(m: &ReportMeta) -> Self {
        match m.status.to_ascii_uppercase().as_str() {
            "PENDING" => Generation::Pending,
            "IN_PROGRESS" => Generation::InProgress,
            "COMPLETED" => Generation::Completed,
            "FAILED" => Generation::Failed,
            _ => Generation::Other(m.status.clone()),
        }
    }

    fn running(&self) -> bool {
        matches!(self, Generation::Pending | Generation::InProgress)
    }
}

/// Requests the reports, polls the report list (one request for all of them) until each is
/// done or `deadline` passes, then downloads and reads the JSON artifacts.
async fn fetch(c: &Client, deadline: Instant, wait: Duration) -> Got {
    let mut out = Got::new();
    let r = c.reports();
    let requested = futures_util::future::join_all(TYPES.map(|t| r.request(t))).await;
    let mut pending: BTreeMap<ReportType, ReportMeta> = BTreeMap::new();
    for (t, m) in TYPES.into_iter().zip(requested) {
        match m {
            Ok(m) => {
                pending.insert(t, m);
            }
            Err(e) => {
                out.insert(t, Err(why(&e)));
            }
        }
    }
    let mut delay = Duration::from_millis(250);
    let mut done: Vec<(ReportType, ReportMeta)> = Vec::new();
    loop {
        let finished: Vec<ReportType> = pending
            .iter()
            .filter(|(_, m)| !Generation::of(m).running())
            .map(|(t, _)| *t)
            .collect();
        for t in finished {
            if let Some(m) = pending.remove(&t) {
                done.push((t, m));
            }
        }
        if pending.is_empty() {
            break;
        }
        let now = Instant::now();
        if now >= deadline {
            for t in pending.keys() {
                out.insert(*t, Err(ReportUnused::NotReady { secs: wait.as_secs() }));
            }
            break;
        }
        tokio::time::sleep(delay.min(deadline - now)).await;
        delay = (delay * 2).min(Duration::from_secs(2));
        match c.reports().list().await {
            Ok(list) => {
                let mut gone = vec![];
                for (t, m) in pending.iter_mut() {
                    match list.iter().find(|x| x.id == m.id) {
                        Some(now) => *m = now.clone(),
                        None => gone.push(*t),
                    }
                }
                for t in gone {
                    pending.remove(&t);
                    out.insert(t, Err(ReportUnused::Gone));
                }
            }
            Err(e) => {
                for t in std::mem::take(&mut pending).into_keys() {
                    out.insert(t, Err(why(&e)));
                }
            }
        }
    }
    let downloads = done
        .into_iter()
        .map(|(t, m)| async move { (t, download(c, t, &m).await) });
    out.extend(futures_util::future::join_all(downloads).await);
    out
}

/// A finished report's rows: its JSON artifact downloaded to a temporary file and read.
async fn download(c: &Client, t: ReportType, m: &ReportMeta) -> std::result::Result<Rows, ReportUnused> {
    match Generation::of(m) {
        Generation::Completed => {}
        Generation::Failed => return Err(ReportUnused::Failed),
        _ => {
            return Err(ReportUnused::Ended {
                status: m.status.clone(),
            })
        }
    }
    let a = m.artifact("json").ok_or(ReportUnused::NoArtifact)?;
    let spool = Spool::new(t);
    c.reports()
        .download(&m.id, &a.id, &spool.0)
        .await
        .map_err(|e| why(&e))?;
    // Bindings need the direct rows only; app access also the rest.
    let indirect = t != ReportType::UsersToDevices;
    tokio::task::spawn_blocking(move || read(&spool, indirect))
        .await
        .unwrap_or_else(|e| Err(ReportUnused::Stopped { detail: e.to_string() }))
}

fn read(spool: &Spool, indirect: bool) -> std::result::Result<Rows, ReportUnused> {
    let file = std::fs::File::open(&spool.0).map_err(|e| ReportUnused::Unreadable {
        detail: format!("its download could not be read ({e})"),
    })?;
    read_from(file, indirect)
}

/// A row without a field the sync needs.
#[derive(Debug)]
struct MissingField {
    row: usize,
    field: &'static str,
}

impl std::fmt::Display for MissingField {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "row {} has no {}", self.row, self.field)
    }
}

/// A report's rows, one at a time (direct ones only unless `indirect`). Fails on a row without
/// the fields needed or on JSON that does not parse.
fn read_from(reader: impl std::io::Read, indirect: bool) -> std::result::Result<Rows, ReportUnused> {
    use jumpcloud::api::RowsError;
    let mut pairs = Vec::new();
    let total = jumpcloud::api::read_rows(reader, |i, r| {
        let field = |v: Option<String>, field: &'static str| {
            v.filter(|s| !s.is_empty()).ok_or(MissingField { row: i + 1, field })
        };
        let user = field(r.user_object_id, "user_object_id")?;
        let resource = field(r.resource_object_id, "resource_object_id")?;
        let direct = field(r.association_type, "association_type")?.eq_ignore_ascii_case("direct");
        if direct || indirect {
            pairs.push((user, resource, direct));
        }
        Ok(())
    })
    .map_err(|e: RowsError<MissingField>| ReportUnused::Unreadable {
        detail: match e {
            RowsError::Stopped(missing) => missing.to_string(),
            other => format!("its JSON artifact does not parse ({other})"),
        },
    })?;
    Ok(Rows { total, pairs })
}

/// The associations of `rows` between users and resources the listings returned. Fails when
/// more than a few name ids the listings do not have (a report of another moment or another
/// org); the few that do (created or deleted since the listing) are skipped as the per-object
/// path skips them.
fn known(
    kind: ReportType,
    rows: Rows,
    users: &BTreeSet<&str>,
    resources: &BTreeSet<&str>,
) -> std::result::Result<Vec<Pair>, ReportUnused> {
    let kept = rows.pairs.len();
    let pairs: Vec<Pair> = rows
        .pairs
        .into_iter()
        .filter(|(u, r, _)| users.contains(u.as_str()) && resources.contains(r.as_str()))
        .collect();
    let unknown = kept - pairs.len();
    if unknown > (rows.total / 100).max(5) {
        return Err(ReportUnused::Strangers {
            unknown: unknown as u64,
            total: rows.total as u64,
        });
    }
    if unknown > 0 {
        tracing::info!(report = %kind, unknown, "report rows naming records created or deleted since the listing; skipped");
    }
    Ok(pairs)
}

/// Up to `k` of `ids`, at random.
fn sample<'a>(ids: &[&'a str], k: usize) -> Vec<&'a str> {
    fastrand::choose_multiple(ids.iter().copied(), k)
}

/// The users each resource is reached by directly, as the report says.
fn direct_by_resource(pairs: &[Pair]) -> BTreeMap<&str, BTreeSet<&str>> {
    let mut m: BTreeMap<&str, BTreeSet<&str>> = BTreeMap::new();
    for (u, r, _) in pairs.iter().filter(|p| p.2) {
        m.entry(r.as_str()).or_default().insert(u.as_str());
    }
    m
}

/// The resources a report gives each user.
fn by_user(pairs: &[Pair]) -> BTreeMap<&str, BTreeSet<&str>> {
    let mut m: BTreeMap<&str, BTreeSet<&str>> = BTreeMap::new();
    for (u, r, _) in pairs {
        m.entry(u.as_str()).or_default().insert(r.as_str());
    }
    m
}

/// Reads up to `k` of `ids` again through the graph (`graph(id)`: the ids it reaches) and
/// fails naming the first whose set differs from the report's (`reported`).
async fn cross_check<F, Fut>(
    what: &str,
    ids: &BTreeSet<&str>,
    k: usize,
    reported: &BTreeMap<&str, BTreeSet<&str>>,
    graph: F,
) -> std::result::Result<(), ReportUnused>
where
    F: Fn(String) -> Fut,
    Fut: std::future::Future<Output = jumpcloud::Result<BTreeSet<String>>>,
{
    let all: Vec<&str> = ids.iter().copied().collect();
    for id in sample(&all, k) {
        let found = graph(id.to_string()).await.map_err(|e| why(&e))?;
        let rep = reported.get(id);
        let n = rep.map_or(0, |r| r.len());
        if n != found.len() || !found.iter().all(|g| rep.is_some_and(|r| r.contains(g.as_str()))) {
            return Err(ReportUnused::Disagrees {
                detail: format!(
                    "it disagrees with JumpCloud's graph for {what} {id} ({n} in the report, {} in the graph)",
                    found.len()
                ),
            });
        }
    }
    Ok(())
}

/// Direct bindings from the `users-to-devices` rows, cross-checked on a sample of devices.
pub(super) async fn bindings(
    c: &Client,
    rows: Rows,
    users: &BTreeSet<&str>,
    systems: &BTreeSet<&str>,
) -> std::result::Result<Vec<Binding>, ReportUnused> {
    let pairs = known(ReportType::UsersToDevices, rows, users, systems)?;
    let reported = direct_by_resource(&pairs);
    cross_check("device", systems, SAMPLE_DEVICES, &reported, |id| async move {
        Ok(c.systems()
            .user_bindings(&id)
            .await?
            .into_iter()
            .map(|e| e.to.id)
            .filter(|u| users.contains(u.as_str()))
            .collect())
    })
    .await?;
    // The report does not say whether a binding grants sudo: recorded as not known to.
    Ok(pairs
        .into_iter()
        .filter(|p| p.2)
        .map(|(user_id, system_id, _)| Binding {
            system_id,
            user_id,
            sudo: false,
        })
        .collect())
}

/// User group memberships (group, user) from the `users-to-user-groups` rows, cross-checked on
/// a sample of people.
pub(super) async fn memberships(
    c: &Client,
    rows: Rows,
    users: &BTreeSet<&str>,
    groups: &BTreeSet<&str>,
) -> std::result::Result<Vec<Edge>, ReportUnused> {
    let pairs = known(ReportType::UsersToUserGroups, rows, users, groups)?;
    cross_check(
        "the user groups of user",
        users,
        SAMPLE_USERS,
        &by_user(&pairs),
        |id| async move {
            Ok(c.users()
                .groups(&id)
                .await?
                .into_iter()
                .filter(|g| g.is_direct_user_group() && groups.contains(g.id.as_str()))
                .map(|g| g.id)
                .collect())
        },
    )
    .await?;
    let mut edges: Vec<Edge> = pairs.into_iter().map(|(b, a, _)| Edge { a, b }).collect();
    edges.sort_by(|x, y| (&x.a, &x.b).cmp(&(&y.a, &y.b)));
    edges.dedup_by(|x, y| x.a == y.a && x.b == y.b);
    Ok(edges)
}

/// Who reaches each app, from the `users-to-sso-applications` rows: direct rows as they are,
/// the rest through the app's user groups (`app_groups`, listed per app) and their members.
/// The rows reached through groups must be exactly what the groups give; a sample of people is
/// cross-checked against the graph.
pub(super) async fn app_users(
    c: &Client,
    rows: Rows,
    users: &BTreeSet<&str>,
    apps: &BTreeSet<&str>,
    app_groups: &[Edge],
    members: &[Edge],
) -> std::result::Result<Vec<AppUser>, ReportUnused> {
    let pairs = known(ReportType::UsersToSsoApplications, rows, users, apps)?;
    let mut group_members: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
    for e in members {
        group_members.entry(e.a.as_str()).or_default().push(e.b.as_str());
    }
    let mut out: Vec<AppUser> = Vec::new();
    let mut via_groups: BTreeSet<(&str, &str)> = BTreeSet::new();
    for g in app_groups {
        for u in group_members.get(g.b.as_str()).into_iter().flatten() {
            via_groups.insert((g.a.as_str(), u));
            out.push(AppUser {
                app_id: g.a.clone(),
                user_id: u.to_string(),
                via_group: g.b.clone(),
            });
        }
    }
    let reported_via: BTreeSet<(&str, &str)> = pairs
        .iter()
        .filter(|p| !p.2)
        .map(|(u, a, _)| (a.as_str(), u.as_str()))
        .collect();
    if reported_via != via_groups {
        return Err(ReportUnused::Disagrees {
            detail: format!(
                "its {} accesses through groups do not match the {} the apps' groups give",
                reported_via.len(),
                via_groups.len()
            ),
        });
    }
    cross_check(
        "the apps of user",
        users,
        SAMPLE_USERS,
        &by_user(&pairs),
        |id| async move {
            Ok(c.users()
                .applications(&id)
                .await?
                .into_iter()
                .map(|a| a.id)
                .filter(|a| apps.contains(a.as_str()))
                .collect())
        },
    )
    .await?;
    out.extend(pairs.into_iter().filter(|p| p.2).map(|(user_id, app_id, _)| AppUser {
        app_id,
        user_id,
        via_group: String::new(),
    }));
    out.sort();
    out.dedup();
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn rows_without_the_fields_needed_or_naming_strangers_are_refused() {
        let users = BTreeSet::from(["u1", "u2"]);
        let systems = BTreeSet::from(["s1"]);
        let row = |u: &str, s: &str| json!({"user_object_id": u, "resource_object_id": s, "association_type": "direct", "hostname": "h"});
        let t = ReportType::UsersToDevices;
        let read = |rows: Vec<Value>, indirect: bool| {
            let rows = read_from(serde_json::to_vec(&rows).unwrap().as_slice(), indirect).map_err(|e| e.to_string())?;
            known(t, rows, &users, &systems).map_err(|e| e.to_string())
        };
        assert_eq!(read(vec![row("u1", "s1")], false).unwrap().len(), 1);
        let missing = json!({"user_object_id": "u1", "association_type": "direct"});
        assert_eq!(
            read(vec![row("u1", "s1"), missing], false).unwrap_err(),
            "row 2 has no resource_object_id"
        );
        let group = json!({"user_object_id": "u2", "resource_object_id": "s1", "association_type": "user_group"});
        assert_eq!(
            read(vec![row("u1", "s1"), group.clone()], false).unwrap().len(),
            1,
            "direct only"
        );
        assert_eq!(read(vec![row("u1", "s1"), group], true).unwrap().len(), 2);
        // A few strangers (created since the listing) are skipped; many refuse the report.
        let few: Vec<Value> = (0..5).map(|_| row("u9", "s1")).chain([row("u2", "s1")]).collect();
        assert_eq!(read(few, false).unwrap().len(), 1);
        let many: Vec<Value> = (0..6).map(|_| row("u9", "s1")).collect();
        assert!(read(many, false).unwrap_err().contains("6 of its 6 rows"));
        let cut = read_from(&br#"[{"user_object_id": "u1", "resource_obj"#[..], false);
        assert!(cut
            .err()
            .unwrap()
            .to_string()
            .starts_with("its JSON artifact does not parse"));
    }

    #[test]
    fn a_sample_is_drawn_without_repeats() {
        let ids: Vec<String> = (0..50).map(|i| format!("id{i}")).collect();
        let refs: Vec<&str> = ids.iter().map(String::as_str).collect();
        let s = sample(&refs, 12);
        assert_eq!(s.len(), 12);
        assert_eq!(s.iter().collect::<BTreeSet<_>>().len(), 12);
        assert_eq!(sample(&refs[..3], 12).len(), 3);
    }
}
