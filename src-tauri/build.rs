fn main() {
    // Capabilities live in src-tauri/capabilities so the repository root keeps only the
    // folders of the fixed layout (see DESIGN.md).
    let attrs = tauri_build::Attributes::new().capabilities_path_pattern("./src-tauri/capabilities/*.json");
    tauri_build::try_build(attrs).expect("tauri-build failed: check tauri.conf.json and src-tauri/capabilities");
}
