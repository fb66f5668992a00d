//! Writes the TypeScript bindings of the app's commands, events and types, and the vocabulary
//! (every closed set's labels, as the `vocabulary` command answers) as the JSON fixture the
//! front end's tests render with: `make bindings` runs it, and `make test` then fails when the
//! committed files differ.

fn main() {
    let mut args = std::env::args().skip(1);
    let bindings = args.next().unwrap_or_else(|| "ui/src/bindings.ts".into());
    let vocabulary = args.next().unwrap_or_else(|| "ui/src/test/vocabulary.json".into());
    if let Err(e) = rollcall_lib::export_bindings(std::path::Path::new(&bindings)) {
        eprintln!("export-bindings: {e}");
        std::process::exit(1);
    }
    let words = serde_json::to_string_pretty(&rollcall_core::vocabulary::vocabulary()).unwrap_or_default();
    if let Err(e) = std::fs::write(&vocabulary, format!("{words}\n")) {
        eprintln!("export-bindings: {vocabulary}: {e}");
        std::process::exit(1);
    }
    println!("wrote {bindings} and {vocabulary}");
}
