//! The `xiaoan` command line: demo data and adding accounts, against a real SQLite file.

use std::process::{Command, Output};

fn xiaoan(dir: &std::path::Path, args: &[&str], password: Option<&str>) -> Output {
    let mut cmd = Command::new(env!("CARGO_BIN_EXE_xiaoan"));
    cmd.args(args)
        .env("XIAOAN_DATA_DIR", dir)
        .env("DATABASE_URL", format!("sqlite://{}?mode=rwc", dir.join("cli.db").display()))
        .env("RUST_LOG", "error")
        .env_remove("XIAOAN_PASSWORD");
    if let Some(p) = password {
        cmd.env("XIAOAN_PASSWORD", p);
    }
    cmd.output().expect("xiaoan runs")
}

#[test]
fn demo_loads_once_and_user_add_creates_accounts_with_clear_refusals() {
    let dir = tempfile::tempdir().unwrap();
    let out = xiaoan(dir.path(), &["demo"], None);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let again = xiaoan(dir.path(), &["demo"], None);
    assert!(!again.status.success(), "demo data only goes into an empty database");
    assert!(String::from_utf8_lossy(&again.stderr).contains("not empty"));

    let out = xiaoan(
        dir.path(),
        &["user", "add", "--role", "office", "--username", "zhou"],
        Some("river-lamp-2026!"),
    );
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let cases: [(&[&str], Option<&str>, &str); 6] = [
        (
            &["user", "add", "--role", "office", "--username", "zhou"],
            Some("river-lamp-2026!"),
            "taken",
        ),
        (&["user", "add", "--role", "office", "--username", "lili"], Some("woaini1314"), "common"),
        (
            &["user", "add", "--role", "office", "--username", "lili"],
            Some("lili-2026!"),
            "username",
        ),
        (
            &["user", "add", "--role", "principal", "--username", "lili"],
            Some("li-li-li-li"),
            "--school",
        ),
        (&["user", "add", "--role", "root", "--username", "lili"], Some("li-li-li-li"), "--role"),
        (&["user", "add", "--role", "office", "--username", "lili"], Some("short"), "8 to 128"),
    ];
    for (args, password, says) in cases {
        let out = xiaoan(dir.path(), args, password);
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(
            !out.status.success() && err.contains(says),
            "{args:?} should fail saying {says:?}: {err}"
        );
    }
}
