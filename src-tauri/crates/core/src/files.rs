//! The files Rollcall offers to save: the save dialog's title, the proposed file name (valid on
//! Windows, macOS and Linux) and the file type.

/// What a save dialog proposes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SaveOffer {
    pub title: String,
    pub file_name: String,
    /// The file type's name in the dialog ("CSV", "Excel workbook").
    pub kind: &'static str,
    /// Its extension, without the dot.
    pub extension: &'static str,
}

impl SaveOffer {
    /// An offer of `what` as `kind` files, named `<stem>.<extension>` (the stem made safe).
    pub fn new(title: impl Into<String>, stem: &str, kind: &'static str, extension: &'static str) -> Self {
        SaveOffer {
            title: title.into(),
            file_name: format!("{}.{extension}", safe_name(stem, 80)),
            kind,
            extension,
        }
    }

    /// `<org>-<what>-<today>.<extension>`.
    pub fn dated(title: impl Into<String>, org: &str, what: &str, kind: &'static str, extension: &'static str) -> Self {
        let today = &rollcall_cache::dates::now_rfc3339()[..10];
        Self::new(
            title,
            &format!("{}-{what}-{today}", safe_name(org, 40)),
            kind,
            extension,
        )
    }
}

/// Names Windows reserves for devices, whatever the extension.
const RESERVED: [&str; 22] = [
    "CON", "PRN", "AUX", "NUL", "COM1", "COM2", "COM3", "COM4", "COM5", "COM6", "COM7", "COM8", "COM9", "LPT1", "LPT2",
    "LPT3", "LPT4", "LPT5", "LPT6", "LPT7", "LPT8", "LPT9",
];

/// `s` as part of a file name every OS accepts: letters, digits, `-`, `_` and `.` kept, the rest
/// (`<>:"/\|?*`, spaces, control characters) a `-`; no leading or trailing dot, dash or space;
/// no name Windows reserves (`CON`, `NUL`, …); at most `max` characters; never empty.
pub fn safe_name(s: &str, max: usize) -> String {
    let mapped: String = s
        .chars()
        .map(|c| {
            if c.is_alphanumeric() || matches!(c, '-' | '_' | '.') {
                c
            } else {
                '-'
            }
        })
        .collect();
    // One dash for a run of them ("Acme & Sons" → "Acme-Sons").
    let mut collapsed = String::with_capacity(mapped.len());
    for c in mapped.chars() {
        if !(c == '-' && collapsed.ends_with('-')) {
            collapsed.push(c);
        }
    }
    let mut out: String = collapsed
        .trim_matches(|c| c == '-' || c == '.' || c == ' ')
        .chars()
        .take(max)
        .collect();
    out = out.trim_end_matches(['-', '.', ' ']).to_string();
    let stem = out.split('.').next().unwrap_or_default().to_ascii_uppercase();
    if RESERVED.contains(&stem.as_str()) {
        out = format!("_{out}");
    }
    if out.is_empty() {
        out = "rollcall".into();
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn file_names_are_valid_everywhere() {
        assert_eq!(safe_name("Acme & <Sons>", 40), "Acme-Sons");
        assert_eq!(safe_name("a:b/c\\d|e?f*g\"h", 40), "a-b-c-d-e-f-g-h");
        assert_eq!(safe_name("CON", 40), "_CON");
        assert_eq!(safe_name("nul.txt", 40), "_nul.txt");
        assert_eq!(safe_name("Report. ", 40), "Report");
        assert_eq!(safe_name("...", 40), "rollcall");
        assert_eq!(safe_name("Дмитрий 李", 40), "Дмитрий-李");
        assert_eq!(safe_name(&"x".repeat(90), 40).len(), 40);
        let o = SaveOffer::new("t", "run-1-evidence", "PDF document", "pdf");
        assert_eq!(o.file_name, "run-1-evidence.pdf");
    }
}
