//! Integration tests of the app package (no window): the pieces `run()` wires together.

use rollcall_lib::paths::AppPaths;

#[test]
fn paths_from_rollcall_home_are_created_and_logs_go_there() {
    let tmp = tempfile::tempdir().unwrap();
    let paths = AppPaths::under(tmp.path());
    paths.create_all().unwrap();
    let file = rollcall_lib::logs::current_log_file(&paths.log_dir);
    assert!(
        file.starts_with(tmp.path()),
        "log file {} is outside ROLLCALL_HOME",
        file.display()
    );
}
