//! Reading the CSV files admins bring (a list of people, new starters from HR): quoted cells
//! with commas or line breaks inside, a byte-order mark, CRLF line ends, and a comma,
//! semicolon or tab as the separator (spreadsheets in some locales write semicolons). The
//! `csv` crate does the parsing; writing CSV is `export`'s.

/// The rows of `text` (the header row first, if it has one), cells trimmed, blank rows left
/// out. The separator is the first of tab, semicolon or comma found outside quotes on the
/// first line; a comma when none is.
pub fn rows(text: &str) -> Vec<Vec<String>> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let first = text.lines().next().unwrap_or_default();
    let mut quoted = false;
    let mut delimiter = b',';
    for c in first.chars() {
        match c {
            '"' => quoted = !quoted,
            '\t' | ';' | ',' if !quoted => {
                delimiter = c as u8;
                break;
            }
            _ => {}
        }
    }
    csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .delimiter(delimiter)
        .trim(csv::Trim::All)
        .from_reader(text.as_bytes())
        .records()
        .filter_map(|r| r.ok())
        .map(|r| r.iter().map(str::to_string).collect::<Vec<_>>())
        .filter(|cells| cells.iter().any(|c| !c.is_empty()))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::rows;

    #[test]
    fn quoted_commas_stay_in_their_cell() {
        assert_eq!(
            rows("name,email\n\"Lee, Ann\",ann@x.io\n"),
            [vec!["name", "email"], vec!["Lee, Ann", "ann@x.io"]]
        );
        assert_eq!(
            rows("name,email\n\"O\"\"Brien, Pat\",pat@x.io"),
            [vec!["name", "email"], vec!["O\"Brien, Pat", "pat@x.io"]],
            "a doubled quote inside quotes"
        );
    }

    #[test]
    fn a_bom_crlf_and_semicolons_are_handled() {
        let excel = "\u{feff}Name;Email\r\n\"Lee; Ann\";ann@x.io\r\n\r\nBo;bo@x.io\r\n";
        assert_eq!(
            rows(excel),
            [
                vec!["Name", "Email"],
                vec!["Lee; Ann", "ann@x.io"],
                vec!["Bo", "bo@x.io"]
            ]
        );
        assert_eq!(rows("a@x.io\tb\n"), [vec!["a@x.io", "b"]], "tab separated");
        assert_eq!(rows("one@x.io\ntwo@x.io"), [vec!["one@x.io"], vec!["two@x.io"]]);
        assert!(rows("").is_empty());
    }

    #[test]
    fn a_line_break_inside_quotes_is_part_of_the_cell() {
        assert_eq!(
            rows("note,email\n\"two\nlines\",x@y.io\n"),
            [vec!["note", "email"], vec!["two\nlines", "x@y.io"]]
        );
    }
}
