//! `xiaoan backup` and `xiaoan restore`: a snapshot taken while the server serves and writes,
//! restored into a fresh data folder, holds the hazards, their chains and the photo bytes; bad
//! input is refused and writes nothing. The SQLite parts are skipped on PostgreSQL, which is
//! backed up with pg_dump.

use crate::hazards::{SCHOOL, photo, report};
use crate::helpers::spawn_app;
use server::config::Config;
use server::ops::{self, OpsError};
use server::photo::store::Variant;
use sha2::{Digest, Sha256};
use std::path::Path;
use std::process::{Command, Output};
use std::str::FromStr;

fn on_postgres() -> bool {
    std::env::var("TEST_DATABASE_URL").is_ok_and(|u| !u.is_empty())
}

/// The settings of an embedded deployment in `data`.
fn config_in(data: &Path) -> Config {
    let mut c = Config::from_env().expect("config");
    c.data_dir = data.to_owned();
    c.database_url = format!("sqlite://{}?mode=rwc", data.join("xiaoan.db").display());
    c.demo = false;
    c.public_url = None;
    c
}

fn refusal(r: Result<impl std::fmt::Debug, OpsError>) -> String {
    match r {
        Err(OpsError::Refused(msg)) => msg,
        other => panic!("expected a refusal, got {other:?}"),
    }
}

fn entries(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .map(|d| d.flatten().map(|e| e.file_name().to_string_lossy().into_owned()).collect())
        .unwrap_or_default();
    names.sort();
    names
}

#[tokio::test]
async fn a_backup_taken_while_serving_restores_hazards_chains_and_photos() {
    if on_postgres() {
        eprintln!(
            "skipped on PostgreSQL: `xiaoan backup` snapshots SQLite; PostgreSQL uses pg_dump"
        );
        return;
    }
    let app = spawn_app().await;
    let inspector = app.client_as("inspector").await;
    let school = app.school_id(SCHOOL).await;
    let sha = photo(&app, &inspector, 7).await;
    let (id, _) = report(&app, &inspector, school, "major", vec![sha.clone()]).await;

    // Hazards keep arriving while the backup runs; the snapshot is one instant of them.
    let out = tempfile::tempdir().expect("temp dir");
    let backup_dir = out.path().join("backup");
    let (manifest, ()) = tokio::join!(ops::backup(&app.state.config, &backup_dir), async {
        for _ in 0..10 {
            report(&app, &inspector, school, "general", vec![]).await;
        }
    });
    let manifest = manifest.expect("backup");
    let live_file = sqlx::sqlite::SqliteConnectOptions::from_str(&app.state.config.database_url)
        .expect("a SQLite URL")
        .get_filename()
        .to_owned();
    let live = server::storage::ops::contents_of_file(&live_file).await.expect("live counts");
    assert!(
        manifest.hazards >= 1 && manifest.hazards <= live.hazards,
        "the snapshot holds {} of {} hazards",
        manifest.hazards,
        live.hazards
    );
    assert_eq!(manifest.schema_version, server::storage::ops::latest_sqlite_schema());
    assert!(manifest.photos >= 1 && manifest.missing_photo_files.is_empty(), "{manifest:?}");
    assert_eq!(manifest.photo_files, 3 * manifest.photos as u64, "three copies of each photo");
    let db = std::fs::read(backup_dir.join(ops::DB_FILE)).expect("snapshot");
    assert_eq!(hex::encode(Sha256::digest(&db)), manifest.db_sha256);
    #[cfg(unix)]
    for f in [ops::DB_FILE, ops::MANIFEST, ops::SUMS] {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(backup_dir.join(f)).expect("metadata").permissions().mode();
        assert_eq!(mode & 0o077, 0, "{f} is readable by its owner only");
    }
    let written: ops::Manifest = serde_json::from_slice(
        &std::fs::read(backup_dir.join(ops::MANIFEST)).expect("manifest file"),
    )
    .expect("manifest JSON");
    assert_eq!(written, manifest);

    // Restore into a fresh data folder and open it as the server would.
    let data = out.path().join("restored");
    let config = config_in(&data);
    let restored = ops::restore(&config, &backup_dir, false).await.expect("restore");
    assert!(restored.breaks.is_empty(), "{:?}", restored.breaks);
    assert!(restored.events_checked >= manifest.hazards as u64, "every report is an event");
    let state = server::prepare(config).await.expect("open the restored data");
    let hazard = server::storage::hazards::get(&state.db, &id.to_string())
        .await
        .expect("db")
        .expect("the hazard reported before the backup is there");
    assert_eq!(hazard.title, "灭火器压力不足");
    let (breaks, checked) = server::service::hazards::verify(&state.db).await.expect("verify");
    assert!(breaks.is_empty() && checked == restored.events_checked, "{breaks:?}");
    for variant in [Variant::Original, Variant::Display, Variant::Thumb] {
        let original = app.state.photos.get(&sha, variant).await.expect("read").expect("live");
        let copy = state.photos.get(&sha, variant).await.expect("read").expect("restored");
        assert_eq!(copy, original, "{variant:?} bytes restored unchanged");
    }
    let original = state.photos.get(&sha, Variant::Original).await.expect("read").expect("photo");
    assert_eq!(hex::encode(Sha256::digest(&original)), sha, "the evidence is the uploaded bytes");
}

#[tokio::test]
async fn bad_backups_and_occupied_folders_are_refused_and_nothing_is_written() {
    if on_postgres() {
        eprintln!(
            "skipped on PostgreSQL: `xiaoan backup` snapshots SQLite; PostgreSQL uses pg_dump"
        );
        return;
    }
    let app = spawn_app().await;
    let inspector = app.client_as("inspector").await;
    let school = app.school_id(SCHOOL).await;
    let sha = photo(&app, &inspector, 8).await;
    report(&app, &inspector, school, "general", vec![sha.clone()]).await;
    let out = tempfile::tempdir().expect("temp dir");
    let backup_dir = out.path().join("backup");
    let manifest = ops::backup(&app.state.config, &backup_dir).await.expect("backup");

    // Backing up into a folder that holds something.
    let msg = refusal(ops::backup(&app.state.config, &backup_dir).await);
    assert!(msg.contains("not empty"), "{msg}");
    assert_eq!(entries(&backup_dir), ["SHA256SUMS", "manifest.json", "photos", "xiaoan.db"]);

    // Restoring over a data folder in use, without --force.
    let occupied = out.path().join("occupied");
    std::fs::create_dir_all(&occupied).expect("mkdir");
    std::fs::write(occupied.join("xiaoan.db"), b"not a database").expect("write");
    let msg = refusal(ops::restore(&config_in(&occupied), &backup_dir, false).await);
    assert!(msg.contains("--force"), "{msg}");
    assert_eq!(std::fs::read(occupied.join("xiaoan.db")).expect("read"), b"not a database");

    // A damaged photo in the backup: refused before anything is put in place.
    let damaged = out.path().join("damaged");
    std::fs::create_dir_all(damaged.join("photos")).expect("mkdir");
    for f in ["SHA256SUMS", "manifest.json", "xiaoan.db"] {
        std::fs::copy(backup_dir.join(f), damaged.join(f)).expect("copy");
    }
    let shard = &sha[..2];
    std::fs::create_dir_all(damaged.join("photos").join(shard)).expect("mkdir");
    for v in ["original", "display", "thumb"] {
        let name = format!("{sha}-{v}");
        let from = backup_dir.join("photos").join(shard).join(&name);
        std::fs::copy(from, damaged.join("photos").join(shard).join(&name)).expect("copy");
    }
    let thumb = damaged.join("photos").join(shard).join(format!("{sha}-thumb"));
    let mut bytes = std::fs::read(&thumb).expect("read");
    bytes[100] ^= 0xff;
    std::fs::write(&thumb, bytes).expect("write");
    let fresh = out.path().join("fresh");
    let msg = refusal(ops::restore(&config_in(&fresh), &damaged, false).await);
    assert!(msg.contains("damaged"), "{msg}");
    assert!(!fresh.join("xiaoan.db").exists() && !fresh.join("photos").exists(), "nothing written");
    assert_eq!(entries(&fresh), Vec::<String>::new(), "no staging files left behind");

    // A manifest edited to point at another database is caught by its checksum list.
    let mut edited = manifest.clone();
    edited.db_sha256 = "0".repeat(64);
    std::fs::write(damaged.join("manifest.json"), serde_json::to_vec(&edited).expect("json"))
        .expect("write");
    let msg = refusal(ops::restore(&config_in(&fresh), &damaged, false).await);
    assert!(msg.contains("does not list the database"), "{msg}");

    // A folder that is not a backup at all.
    let msg = refusal(ops::restore(&config_in(&fresh), out.path(), false).await);
    assert!(msg.contains("not a finished backup"), "{msg}");

    // With --force the occupied folder is replaced, a stale WAL of the old file included.
    std::fs::write(occupied.join("xiaoan.db-wal"), b"stale log").expect("write");
    let restored =
        ops::restore(&config_in(&occupied), &backup_dir, true).await.expect("forced restore");
    assert!(restored.breaks.is_empty());
    assert_eq!(
        server::storage::ops::contents_of_file(&occupied.join("xiaoan.db")).await.expect("read"),
        server::storage::ops::Contents {
            schema_version: manifest.schema_version,
            hazards: manifest.hazards,
            photos: manifest.photos
        }
    );
}

fn xiaoan(data: &Path, args: &[&str], database_url: Option<&str>) -> Output {
    let url = database_url.map_or_else(
        || format!("sqlite://{}?mode=rwc", data.join("xiaoan.db").display()),
        str::to_owned,
    );
    Command::new(env!("CARGO_BIN_EXE_xiaoan"))
        .args(args)
        .env("XIAOAN_DATA_DIR", data)
        .env("DATABASE_URL", url)
        .env("RUST_LOG", "error")
        .output()
        .expect("xiaoan runs")
}

#[test]
fn the_command_line_backs_up_and_restores_and_sends_postgres_to_pg_dump() {
    let dir = tempfile::tempdir().expect("temp dir");
    let (live, backup, copy) =
        (dir.path().join("live"), dir.path().join("backup"), dir.path().join("copy"));
    let out = xiaoan(&live, &["demo"], None);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    let out = xiaoan(&live, &["backup", backup.to_str().expect("path")], None);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(String::from_utf8_lossy(&out.stdout).contains("backed up schema"));
    let out = xiaoan(&copy, &["restore", backup.to_str().expect("path")], None);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert!(String::from_utf8_lossy(&out.stdout).contains("restored the backup"));
    let again = xiaoan(&copy, &["restore", backup.to_str().expect("path")], None);
    assert!(!again.status.success());
    assert!(String::from_utf8_lossy(&again.stderr).contains("--force"));
    let out = xiaoan(&copy, &["verify"], None);
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stdout));

    let pg = Some("postgres://xiaoan@127.0.0.1:1/xiaoan");
    let out = xiaoan(&live, &["backup", dir.path().join("pg").to_str().expect("path")], pg);
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("pg_dump"));
    assert!(!dir.path().join("pg").exists(), "nothing written");
}
