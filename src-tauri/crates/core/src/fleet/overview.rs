//! **All organisations**: per org its people, devices, MFA and encryption coverage, silent and
//! unbound devices, locked people, its last sync and that sync's health — read from each org's
//! own file (the posture kept when its last complete sync ended), each figure carrying the
//! drill of the posture figure it is, so that a click opens that org's list filtered to exactly
//! its rows. The columns, their labels and the health's words are defined here once; the
//! screen and the Excel file render them.

use crate::catalogue::ReportColumn;
use crate::posture::{self, Drill, FigureKey};
use crate::session::{OrgEntry, OrgSession};
use rollcall_cache::{Cache, Cell, ColumnKind, Posture, SyncStatus};
use serde::Serialize;
use std::time::Instant;

/// A column of the overview, in the order shown.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "snake_case")]
pub enum OverviewColumn {
    Organisation,
    People,
    Devices,
    MfaAdoption,
    EncryptionCoverage,
    Silent,
    Unbound,
    Locked,
    LastSync,
    Health,
}

impl OverviewColumn {
    pub const ALL: [OverviewColumn; 10] = [
        OverviewColumn::Organisation,
        OverviewColumn::People,
        OverviewColumn::Devices,
        OverviewColumn::MfaAdoption,
        OverviewColumn::EncryptionCoverage,
        OverviewColumn::Silent,
        OverviewColumn::Unbound,
        OverviewColumn::Locked,
        OverviewColumn::LastSync,
        OverviewColumn::Health,
    ];

    pub fn label(self) -> String {
        match self {
            OverviewColumn::Organisation => "Organisation".into(),
            OverviewColumn::People => "People".into(),
            OverviewColumn::Devices => "Devices".into(),
            OverviewColumn::MfaAdoption => "MFA (active people)".into(),
            OverviewColumn::EncryptionCoverage => "Encrypted".into(),
            OverviewColumn::Silent => format!("Silent > {} days", posture::SILENT_DAYS),
            OverviewColumn::Unbound => "Reached by nobody".into(),
            OverviewColumn::Locked => "Locked out".into(),
            OverviewColumn::LastSync => "Last sync".into(),
            OverviewColumn::Health => "Sync health".into(),
        }
    }

    pub fn kind(self) -> ColumnKind {
        match self {
            OverviewColumn::Organisation | OverviewColumn::Health => ColumnKind::Text,
            OverviewColumn::MfaAdoption | OverviewColumn::EncryptionCoverage => ColumnKind::Percent,
            OverviewColumn::LastSync => ColumnKind::Date,
            _ => ColumnKind::Number,
        }
    }

    /// The posture figure a column shows (None: not a posture figure).
    fn figure(self) -> Option<FigureKey> {
        Some(match self {
            OverviewColumn::People => FigureKey::People,
            OverviewColumn::Devices => FigureKey::Devices,
            OverviewColumn::MfaAdoption => FigureKey::MfaAdoption,
            OverviewColumn::EncryptionCoverage => FigureKey::NotEncrypted,
            OverviewColumn::Silent => FigureKey::Silent,
            OverviewColumn::Unbound => FigureKey::Unbound,
            OverviewColumn::Locked => FigureKey::Locked,
            _ => return None,
        })
    }
}

/// A column as the screen heads it.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct OverviewColumnInfo {
    pub key: OverviewColumn,
    pub label: String,
    pub kind: ColumnKind,
}

/// How an org's copy stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
#[serde(rename_all = "snake_case")]
pub enum OrgHealth {
    /// Synced, and not yet due again.
    Current,
    /// The last sync completed, but longer ago than the org's interval.
    Due,
    Running,
    /// The last sync failed (the copy is the one before it, if any).
    Failed,
    Cancelled,
    /// No sync has completed and none failed yet.
    NeverSynced,
}

impl OrgHealth {
    pub fn label(self) -> &'static str {
        match self {
            OrgHealth::Current => "Up to date",
            OrgHealth::Due => "Sync due",
            OrgHealth::Running => "Syncing now",
            OrgHealth::Failed => "Last sync failed",
            OrgHealth::Cancelled => "Last sync cancelled",
            OrgHealth::NeverSynced => "Never synced",
        }
    }

    /// Shown as a problem.
    pub fn bad(self) -> bool {
        matches!(self, OrgHealth::Failed | OrgHealth::NeverSynced)
    }
}

/// One cell: its value (sorted and exported), its text, whether it is a finding, and the list
/// of that org it opens.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct OverviewCell {
    pub value: Cell,
    pub text: String,
    pub bad: bool,
    pub drill: Option<Drill>,
}

impl OverviewCell {
    fn plain(value: Cell) -> Self {
        OverviewCell {
            text: value.text(),
            value,
            bad: false,
            drill: None,
        }
    }
}

/// One org's row.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct OrgOverview {
    pub org_id: String,
    pub name: String,
    /// The org open in the window now.
    pub active: bool,
    pub health: OrgHealth,
    /// Why the last sync failed, or what stands in its way.
    pub detail: Option<String>,
    /// One per column of `Overview::columns`.
    pub cells: Vec<OverviewCell>,
}

/// The overview: its columns and a row per connected org (the demo left out).
#[derive(Debug, Clone, PartialEq, Serialize)]
#[cfg_attr(feature = "specta", derive(specta::Type))]
pub struct Overview {
    pub columns: Vec<OverviewColumnInfo>,
    pub rows: Vec<OrgOverview>,
    /// Every org together: counts added, shares over everyone's parts.
    pub totals: Vec<OverviewCell>,
    #[cfg_attr(feature = "specta", specta(type = u32))]
    pub elapsed_ms: u64,
}

/// What one org's file says.
struct Read {
    posture: Option<Posture>,
    last_complete: Option<String>,
    last_status: Option<(SyncStatus, Option<String>)>,
    every: std::time::Duration,
}

fn read(cache: &Cache, now_ms: i64) -> rollcall_cache::Result<Read> {
    let last = cache.last_complete_sync()?;
    let posture = posture::of_last_sync(cache, now_ms)?;
    let last_status = cache.sync_runs(1)?.into_iter().next().map(|r| (r.status, r.error));
    Ok(Read {
        posture,
        last_complete: last.map(|l| l.1),
        last_status,
        every: crate::session::resync_interval(cache),
    })
}

fn health(r: &Read, now_ms: i64) -> (OrgHealth, Option<String>) {
    match &r.last_status {
        Some((SyncStatus::Failed, e)) => (OrgHealth::Failed, e.clone()),
        Some((SyncStatus::Cancelled, _)) => (OrgHealth::Cancelled, None),
        Some((SyncStatus::Running, _)) => (OrgHealth::Running, None),
        _ if r.last_complete.is_none() => (OrgHealth::NeverSynced, None),
        _ => {
            let every = r.every;
            let last = r.last_complete.as_deref().and_then(rollcall_cache::parse_ms);
            let due = !every.is_zero() && crate::schedule::next_sync_in(last, now_ms, every).is_zero();
            (if due { OrgHealth::Due } else { OrgHealth::Current }, None)
        }
    }
}

/// The posture's cell for `col` (empty before the first complete sync).
fn figure_cell(col: OverviewColumn, key: FigureKey, p: Option<&Posture>) -> OverviewCell {
    let Some(p) = p else {
        return OverviewCell {
            text: "–".into(),
            ..OverviewCell::plain(Cell::Empty)
        };
    };
    let f = posture::figures(p).into_iter().find(|f| f.key == key);
    let value = match col {
        OverviewColumn::MfaAdoption => posture::mfa_adoption(p).map_or(Cell::Empty, Cell::Number),
        OverviewColumn::EncryptionCoverage => {
            posture::encryption_coverage(&p.devices).map_or(Cell::Empty, Cell::Number)
        }
        _ => match f.as_ref().map(|f| f.value) {
            Some(posture::FigureValue::Count(n)) => Cell::Number(n as f64),
            _ => Cell::Empty,
        },
    };
    let text = match (&value, col.kind()) {
        (Cell::Number(n), ColumnKind::Percent) => posture::FigureValue::Percent(Some(*n)).text(),
        (Cell::Empty, _) => "–".into(),
        (v, _) => v.text(),
    };
    OverviewCell {
        value,
        text,
        bad: f.as_ref().is_some_and(|f| f.bad),
        drill: f.and_then(|f| f.drill),
    }
}

fn row(entry: &OrgEntry, read: Option<Read>, state: RowState<'_>, now_ms: i64) -> OrgOverview {
    let (mut health, mut detail) = read
        .as_ref()
        .map_or((OrgHealth::NeverSynced, None), |r| health(r, now_ms));
    if let Some(f) = state.failure {
        if health != OrgHealth::Failed {
            (health, detail) = (OrgHealth::Failed, Some(f.to_string()));
        }
    }
    if state.running {
        health = OrgHealth::Running;
    }
    let p = read.as_ref().and_then(|r| r.posture.as_ref());
    let cells = OverviewColumn::ALL
        .iter()
        .map(|&col| match (col, col.figure()) {
            (_, Some(key)) => figure_cell(col, key, p),
            (OverviewColumn::Organisation, _) => OverviewCell::plain(Cell::Text(entry.name.clone())),
            (OverviewColumn::LastSync, _) => {
                let at = read.as_ref().and_then(|r| r.last_complete.clone());
                OverviewCell {
                    text: at.as_deref().map_or("never".into(), |a| crate::pdf::utc(a, false)),
                    ..OverviewCell::plain(at.map_or(Cell::Empty, Cell::Text))
                }
            }
            _ => OverviewCell {
                bad: health.bad(),
                ..OverviewCell::plain(Cell::Text(health.label().into()))
            },
        })
        .collect();
    OrgOverview {
        org_id: entry.id.clone(),
        name: entry.name.clone(),
        active: state.active,
        health,
        detail,
        cells,
    }
}

/// What the session knows of an org beyond its file.
struct RowState<'a> {
    active: bool,
    running: bool,
    failure: Option<&'a str>,
}

/// Every org together (of `orgs`, those with a copy): counts added; MFA and encryption shares
/// over the sums of their parts.
fn totals(postures: &[Posture], orgs: usize) -> Vec<OverviewCell> {
    let sum = |f: &dyn Fn(&Posture) -> u64| postures.iter().map(f).sum::<u64>();
    let pct = |part: u64, whole: u64| (whole > 0).then(|| part as f64 * 100.0 / whole as f64);
    OverviewColumn::ALL
        .iter()
        .map(|&col| {
            let n = match col {
                OverviewColumn::People => Some(sum(&|p| p.people.total) as f64),
                OverviewColumn::Devices => Some(sum(&|p| p.devices.total) as f64),
                OverviewColumn::Silent => Some(sum(&|p| p.devices.silent) as f64),
                OverviewColumn::Unbound => Some(sum(&|p| p.devices.unbound) as f64),
                OverviewColumn::Locked => Some(sum(&|p| p.people.locked) as f64),
                OverviewColumn::MfaAdoption => pct(sum(&|p| p.people.active_mfa), sum(&|p| p.people.active)),
                OverviewColumn::EncryptionCoverage => pct(
                    sum(&|p| p.devices.total - p.devices.not_encrypted.min(p.devices.total)),
                    sum(&|p| p.devices.total),
                ),
                OverviewColumn::Organisation => {
                    let label = if postures.len() == orgs {
                        format!("All {orgs} organisations")
                    } else {
                        format!("The {} of {orgs} organisations with a copy", postures.len())
                    };
                    return OverviewCell::plain(Cell::Text(label));
                }
                _ => None,
            };
            match (n, col.kind()) {
                (Some(v), ColumnKind::Percent) => OverviewCell {
                    text: posture::FigureValue::Percent(Some(v)).text(),
                    ..OverviewCell::plain(Cell::Number(v))
                },
                (Some(v), _) => OverviewCell::plain(Cell::Number(v)),
                (None, _) => OverviewCell::plain(Cell::Empty),
            }
        })
        .collect()
}

impl OrgSession {
    /// The overview of every connected org (the demo left out) at `now_ms`.
    pub fn overview(&self, now_ms: i64) -> Overview {
        let started = Instant::now();
        let orgs: Vec<OrgEntry> = self.fleet_orgs(&[]);
        let active = self.try_active().map(|o| o.entry.id.clone());
        let mut postures = vec![];
        let rows = orgs
            .iter()
            .map(|entry| {
                let read = self.fleet_read(entry, now_ms);
                if let Some(p) = read.as_ref().and_then(|r| r.posture.clone()) {
                    postures.push(p);
                }
                let is_active = active.as_deref() == Some(entry.id.as_str());
                let failure = self.fleet.failures.lock().get(&entry.id).cloned();
                let state = RowState {
                    active: is_active,
                    running: self.fleet.is_busy(&entry.id) || (is_active && self.link.syncing()),
                    failure: failure.as_deref(),
                };
                row(entry, read, state, now_ms)
            })
            .collect();
        Overview {
            columns: OverviewColumn::ALL
                .iter()
                .map(|&c| OverviewColumnInfo {
                    key: c,
                    label: c.label(),
                    kind: c.kind(),
                })
                .collect(),
            rows,
            totals: totals(&postures, orgs.len()),
            elapsed_ms: started.elapsed().as_millis() as u64,
        }
    }

    /// What an org's file says (None: no file yet, or it cannot be read).
    fn fleet_read(&self, entry: &OrgEntry, now_ms: i64) -> Option<Read> {
        let reader = self.fleet_reader(&entry.id)?;
        let cache = reader.lock();
        read(&cache, now_ms)
            .inspect_err(|e| tracing::warn!(org_id = %entry.id, error = %e, "could not read an organisation's file"))
            .ok()
    }

    /// The read-only connection to an org's file (see `Fleet::reader`).
    pub fn fleet_reader(&self, org_id: &str) -> Option<std::sync::Arc<parking_lot::Mutex<Cache>>> {
        self.fleet
            .reader(org_id, &rollcall_cache::org_file(&self.data_dir, org_id))
    }
}

/// The overview as an Excel workbook: one row per org, then the totals; numbers as numbers,
/// shares as percentages, the last sync as a date.
pub fn overview_xlsx(o: &Overview) -> Result<Vec<u8>, rust_xlsxwriter::XlsxError> {
    let (columns, rows) = sheet(o);
    crate::report_export::workbook(&[crate::report_export::Sheet {
        title: "All organisations",
        columns: &columns,
        rows: &rows,
    }])
}

/// The overview as a sheet's typed columns and rows (each org's detail in a last column).
pub(super) fn sheet(o: &Overview) -> (Vec<ReportColumn>, Vec<Vec<Cell>>) {
    let columns: Vec<ReportColumn> = o
        .columns
        .iter()
        .map(|c| ReportColumn {
            label: c.label.clone(),
            kind: c.kind,
        })
        .chain([ReportColumn {
            label: "Detail".into(),
            kind: ColumnKind::Text,
        }])
        .collect();
    let rows: Vec<Vec<Cell>> = o
        .rows
        .iter()
        .map(|r| {
            let mut cells: Vec<Cell> = r.cells.iter().map(|c| c.value.clone()).collect();
            cells.push(r.detail.clone().map_or(Cell::Empty, Cell::Text));
            cells
        })
        .chain([o.totals.iter().map(|c| c.value.clone()).chain([Cell::Empty]).collect()])
        .collect();
    (columns, rows)
}
