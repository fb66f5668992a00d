//! A reviewer's workbook against jcsim's org: exported, edited as Excel would save it, and read
//! back — its decisions taken, an altered row refused by name, another review's file refused.

use crate::certify::{prepared, scope_of};
use crate::checklists::synced;
use crate::common::*;
use rollcall_cache::{CampaignScope, CertDecision};
use rollcall_core::certify;

/// The workbook a reviewer gets back as Excel would save it: every cell as read, with
/// `edit(row, col, text)` applied to the Review sheet.
fn edited(bytes: &[u8], edit: &[(u32, u16, &str)]) -> Vec<u8> {
    use calamine::{open_workbook_from_rs, Reader, Xlsx};
    let mut src: Xlsx<_> = open_workbook_from_rs(std::io::Cursor::new(bytes.to_vec())).unwrap();
    let mut out = rust_xlsxwriter::Workbook::new();
    for name in ["Review", "Rollcall"] {
        let range = src.worksheet_range(name).unwrap();
        let sheet = out.add_worksheet();
        sheet.set_name(name).unwrap();
        for (r, row) in range.rows().enumerate() {
            for (c, cell) in row.iter().enumerate() {
                let (r, c) = (r as u32, c as u16);
                let v = edit
                    .iter()
                    .find(|(er, ec, _)| name == "Review" && *er == r && *ec == c)
                    .map(|(_, _, t)| t.to_string())
                    .unwrap_or_else(|| cell.to_string());
                match cell {
                    calamine::Data::Float(f) if v == cell.to_string() => sheet.write_number(r, c, *f).unwrap(),
                    _ => sheet.write_string(r, c, &v).unwrap(),
                };
            }
        }
    }
    out.save_to_buffer().unwrap()
}

#[tokio::test]
async fn a_reviewers_workbook_comes_back_with_its_decisions_and_altered_rows_refused_by_name() {
    let (_env, cache) = synced(start(40).await).await;
    let scope = CampaignScope {
        user_groups: scope_of(&cache.lock()).user_groups,
        ..Default::default()
    };
    let (id, v) = prepared(&cache, "Workbook", scope);
    let reviewer = v.rows[0].row.reviewer.clone();
    let (book, n) = certify::workbook_for(&cache.lock(), id, "org1", &reviewer).unwrap();
    assert_eq!(n as usize, v.rows.len());
    // Row 1 (sheet row 1): revoke with a reason. Row 2: keep, but its Access cell altered.
    // Row 3: revoke without a reason. Row 4: a word that is not a decision.
    assert!(v.rows.len() >= 4);
    let back = edited(
        &book,
        &[
            (1, 8, "revoke"),
            (1, 9, "Moved to another team"),
            (2, 8, "keep"),
            (2, 9, "fine"),
            (2, 4, "Everyone (all access)"),
            (3, 8, "revoke"),
            (4, 8, "maybe"),
        ],
    );
    let report = certify::import_workbook(&mut cache.lock(), id, "org1", &back, "tester").unwrap();
    assert_eq!(report.accepted, 1, "{:?}", report.refused);
    assert_eq!(report.refused.len(), 3, "{:?}", report.refused);
    let second = &v.rows[1];
    assert!(
        report
            .refused
            .iter()
            .any(|l| l.contains(&format!("Row {} ({}", second.seq, second.row.person)) && l.contains("Access")),
        "the altered row is refused by name: {:?}",
        report.refused
    );
    let after = certify::view(&cache.lock(), id).unwrap();
    let first = after.rows.iter().find(|r| r.seq == v.rows[0].seq).unwrap();
    assert_eq!(first.decision, Some(CertDecision::Revoke));
    assert_eq!(first.decided_by, reviewer);
    assert_eq!(
        first.decided_via,
        format!("workbook {}, imported by tester", report.file_sha256)
    );
    assert!(after
        .rows
        .iter()
        .find(|r| r.seq == second.seq)
        .unwrap()
        .decision
        .is_none());
    // Another campaign's workbook is refused whole.
    let e = certify::import_workbook(&mut cache.lock(), id, "another-org", &back, "tester").unwrap_err();
    assert!(e.to_string().contains("not a reviewer's workbook"), "{e}");
}
