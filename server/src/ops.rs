//! `xiaoan backup` and `xiaoan restore` for the embedded deployment (SQLite and photos on the
//! local disk). A PostgreSQL deployment is backed up with PostgreSQL's own tools (pg_dump); photos
//! in an S3 bucket are not copied (the bucket keeps them: versioning, replication).
//!
//! A backup folder holds `xiaoan.db` (a consistent snapshot taken while the server serves),
//! `photos/` (the photo store's files, copied after the snapshot), `SHA256SUMS` (one line per
//! file, checkable with `sha256sum -c`) and `manifest.json`, written last: a folder without a
//! manifest is not a finished backup.

use crate::config::Config;
use crate::storage::{self, Db};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};
use std::io::{self, Read, Write};
use std::path::{Path, PathBuf};
use std::str::FromStr;

pub const MANIFEST: &str = "manifest.json";
pub const SUMS: &str = "SHA256SUMS";
pub const DB_FILE: &str = "xiaoan.db";
const PHOTOS: &str = "photos";
const FORMAT: u32 = 1;
const VARIANTS: [&str; 3] = ["original", "display", "thumb"];

const POSTGRES_BACKUP: &str = "the database is PostgreSQL: back it up with pg_dump, e.g. \
     pg_dump --format=custom --file=xiaoan.dump \"$DATABASE_URL\", and copy the photo store \
     separately (see docs/deploy.md); `xiaoan backup` snapshots the embedded SQLite database only";
const POSTGRES_RESTORE: &str = "the database is PostgreSQL: restore it with pg_restore, e.g. \
     pg_restore --clean --if-exists --no-owner --dbname=\"$DATABASE_URL\" xiaoan.dump (see \
     docs/deploy.md); `xiaoan restore` restores the embedded SQLite database only";

/// What a backup holds, written as `manifest.json`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Manifest {
    /// The layout of the backup folder (1).
    pub format: u32,
    pub created_at: DateTime<Utc>,
    /// The `xiaoan` version that took it.
    pub app_version: String,
    pub database: String,
    /// The latest migration applied to the snapshot.
    pub schema_version: i64,
    pub hazards: i64,
    pub photos: i64,
    pub photo_files: u64,
    /// Photo files the database refers to that were not in the photo store when the backup ran.
    pub missing_photo_files: Vec<String>,
    /// `s3://bucket/prefix` when the photos live in a bucket and were therefore not copied.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub photos_in_bucket: Option<String>,
    pub db_file: String,
    pub db_bytes: u64,
    pub db_sha256: String,
    /// SHA-256 of `SHA256SUMS`, which covers the database and every photo file.
    pub sums_sha256: String,
}

/// What a restore did.
#[derive(Debug)]
pub struct Restored {
    pub manifest: Manifest,
    /// Events whose hash chain was checked after the restore, and the breaks found.
    pub events_checked: u64,
    pub breaks: Vec<crate::service::hazards::Break>,
}

#[derive(Debug, thiserror::Error)]
pub enum OpsError {
    /// The request cannot be carried out as asked; nothing was written.
    #[error("{0}")]
    Refused(String),
    #[error("{path}: {source}")]
    Io { path: PathBuf, source: io::Error },
    #[error("{0}: {1}")]
    Server(&'static str, crate::error::Error),
}

fn io_at(path: &Path) -> impl FnOnce(io::Error) -> OpsError + '_ {
    move |source| OpsError::Io { path: path.to_owned(), source }
}

fn refused(msg: impl Into<String>) -> OpsError {
    OpsError::Refused(msg.into())
}

fn is_postgres(url: &str) -> bool {
    url.starts_with("postgres:") || url.starts_with("postgresql:")
}

/// The database file a `sqlite:` URL names.
fn sqlite_file(url: &str) -> Result<PathBuf, OpsError> {
    sqlx::sqlite::SqliteConnectOptions::from_str(url)
        .map(|o| o.get_filename().to_owned())
        .map_err(|e| refused(format!("DATABASE_URL is not a usable SQLite address: {e}")))
}

fn is_empty_dir(dir: &Path) -> Result<bool, OpsError> {
    match std::fs::read_dir(dir) {
        Ok(mut entries) => Ok(entries.next().is_none()),
        Err(e) if e.kind() == io::ErrorKind::NotFound => Ok(true),
        Err(e) => Err(io_at(dir)(e)),
    }
}

/// `ab/abcdef…-display`: a file the photo store wrote (not one of its temporary files).
fn is_photo_file(shard: &str, name: &str) -> bool {
    let hex = |s: &str| s.bytes().all(|b| b.is_ascii_digit() || (b'a'..=b'f').contains(&b));
    let Some((sha, variant)) = name.split_once('-') else { return false };
    shard.len() == 2
        && hex(shard)
        && sha.len() == 64
        && hex(sha)
        && sha.starts_with(shard)
        && VARIANTS.contains(&variant)
}

/// Where the photos are when they are in a bucket, e.g. `s3://xiaoan/county`.
fn bucket_of(config: &Config) -> Option<String> {
    config.s3.as_ref().map(|s3| match &s3.prefix {
        Some(p) => format!("s3://{}/{p}", s3.bucket),
        None => format!("s3://{}", s3.bucket),
    })
}

impl Manifest {
    /// What to tell whoever backs up or restores when the photos were left in their bucket.
    pub fn bucket_note(&self) -> Option<String> {
        self.photos_in_bucket.as_ref().map(|b| {
            format!(
                "the photos live in the S3 bucket {b} and are not in this backup: keep them with \
                 the bucket's versioning or replication (see docs/deploy.md)"
            )
        })
    }
}

/// A `SHA256SUMS` path a backup may contain: the database or a photo file, nothing else (so a
/// tampered list cannot make restore write outside the data folder).
fn is_backup_path(p: &str) -> bool {
    if p == DB_FILE {
        return true;
    }
    let parts: Vec<&str> = p.split('/').collect();
    matches!(parts.as_slice(), [PHOTOS, shard, name] if is_photo_file(shard, name))
}

/// Copies `from` to a new file `to`, durably, returning its size and SHA-256.
fn copy_hashed(from: &Path, to: &Path) -> Result<(u64, String), OpsError> {
    let mut src = std::fs::File::open(from).map_err(io_at(from))?;
    let mut opts = std::fs::OpenOptions::new();
    opts.write(true).create_new(true);
    // Owner only: the database holds password and session hashes, the photos are evidence.
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut opts, 0o600);
    let mut dst = opts.open(to).map_err(io_at(to))?;
    let mut hasher = Sha256::new();
    let mut buf = vec![0u8; 256 * 1024];
    let mut total = 0u64;
    loop {
        let n = src.read(&mut buf).map_err(io_at(from))?;
        if n == 0 {
            break;
        }
        hasher.update(&buf[..n]);
        dst.write_all(&buf[..n]).map_err(io_at(to))?;
        total += n as u64;
    }
    dst.sync_all().map_err(io_at(to))?;
    Ok((total, hex::encode(hasher.finalize())))
}

fn hash_file(path: &Path) -> Result<(u64, String), OpsError> {
    let mut f = std::fs::File::open(path).map_err(io_at(path))?;
    let mut hasher = Sha256::new();
    let n = io::copy(&mut f, &mut hasher).map_err(io_at(path))?;
    Ok((n, hex::encode(hasher.finalize())))
}

fn sync_dir(dir: &Path) -> Result<(), OpsError> {
    std::fs::File::open(dir).and_then(|d| d.sync_all()).map_err(io_at(dir))
}

/// Writes `bytes` to `dir/name` whole: a temporary file, synced, renamed, the folder synced.
fn write_whole(dir: &Path, name: &str, bytes: &[u8]) -> Result<(), OpsError> {
    let mut tmp = tempfile::NamedTempFile::new_in(dir).map_err(io_at(dir))?;
    tmp.write_all(bytes).and_then(|()| tmp.as_file().sync_all()).map_err(io_at(dir))?;
    let path = dir.join(name);
    tmp.persist(&path).map_err(|e| OpsError::Io { path: path.clone(), source: e.error })?;
    sync_dir(dir)
}

fn create_private_dir(dir: &Path) -> Result<(), OpsError> {
    let mut b = std::fs::DirBuilder::new();
    b.recursive(true);
    #[cfg(unix)]
    std::os::unix::fs::DirBuilderExt::mode(&mut b, 0o700);
    b.create(dir).map_err(io_at(dir))
}

/// Takes a backup of the embedded deployment into `dir`, which must be empty or not exist yet.
/// Runs while the server serves. On failure the folder is left empty.
pub async fn backup(config: &Config, dir: &Path) -> Result<Manifest, OpsError> {
    if is_postgres(&config.database_url) {
        return Err(refused(POSTGRES_BACKUP));
    }
    let live = sqlite_file(&config.database_url)?;
    if !live.is_file() {
        return Err(refused(format!("there is no database at {}", live.display())));
    }
    if !is_empty_dir(dir)? {
        return Err(refused(format!(
            "{} is not empty: back up into a new or empty folder",
            dir.display()
        )));
    }
    create_private_dir(dir)?;
    let result = take_backup(config, dir).await;
    if result.is_err() {
        // Leave no half backup that could be mistaken for a whole one.
        if let Ok(entries) = std::fs::read_dir(dir) {
            for e in entries.flatten() {
                let p = e.path();
                let _ =
                    if p.is_dir() { std::fs::remove_dir_all(&p) } else { std::fs::remove_file(&p) };
            }
        }
    }
    result
}

async fn take_backup(config: &Config, dir: &Path) -> Result<Manifest, OpsError> {
    let created_at = Utc::now();
    let snapshot = dir.join(DB_FILE);
    storage::ops::vacuum_into(&config.database_url, &snapshot)
        .await
        .map_err(|e| OpsError::Server("snapshot of the database", e))?;
    #[cfg(unix)]
    std::fs::set_permissions(&snapshot, std::os::unix::fs::PermissionsExt::from_mode(0o600))
        .map_err(io_at(&snapshot))?;
    let contents = storage::ops::contents_of_file(&snapshot)
        .await
        .map_err(|e| OpsError::Server("reading the snapshot", e))?;
    let hashes = storage::ops::photo_hashes_of_file(&snapshot)
        .await
        .map_err(|e| OpsError::Server("reading the snapshot", e))?;
    // Photos are written before the row that names them and never change, so copying the store
    // after the snapshot finds every photo the snapshot knows (and perhaps a few newer ones).
    // Photos in a bucket stay there: the bucket keeps its own copies.
    let photos_in_bucket = bucket_of(config);
    let source = photos_in_bucket.is_none().then(|| config.data_dir.join(PHOTOS));
    let out = dir.to_owned();
    let (sums, photo_files, missing, db_bytes, db_sha256) =
        tokio::task::spawn_blocking(move || -> Result<_, OpsError> {
            let (db_bytes, db_sha256) = hash_file(&out.join(DB_FILE))?;
            let mut lines = vec![format!("{db_sha256}  {DB_FILE}")];
            let (photo_files, missing) = match source {
                Some(source) => {
                    let copied = copy_photo_tree(&source, &out.join(PHOTOS), &mut lines)?;
                    let missing: Vec<String> = hashes
                        .iter()
                        .flat_map(|sha| VARIANTS.iter().map(move |v| format!("{sha}-{v}")))
                        .filter(|name| !copied.contains(name))
                        .collect();
                    (copied.len() as u64, missing)
                }
                None => (0, Vec::new()),
            };
            let sums = lines.join("\n") + "\n";
            write_whole(&out, SUMS, sums.as_bytes())?;
            Ok((sums, photo_files, missing, db_bytes, db_sha256))
        })
        .await
        .map_err(|e| OpsError::Server("copying photos", e.into()))??;
    let manifest = Manifest {
        format: FORMAT,
        created_at,
        app_version: env!("CARGO_PKG_VERSION").to_owned(),
        database: "sqlite".into(),
        schema_version: contents.schema_version,
        hazards: contents.hazards,
        photos: contents.photos,
        photo_files,
        missing_photo_files: missing,
        photos_in_bucket,
        db_file: DB_FILE.into(),
        db_bytes,
        db_sha256,
        sums_sha256: hex::encode(Sha256::digest(sums.as_bytes())),
    };
    let mut json = serde_json::to_vec_pretty(&manifest).map_err(|e| io_at(dir)(e.into()))?;
    json.push(b'\n');
    write_whole(dir, MANIFEST, &json)?;
    Ok(manifest)
}

/// Copies the photo store's files from `from` to `to` (shard folders kept), appending a
/// `SHA256SUMS` line for each; returns the names copied.
fn copy_photo_tree(
    from: &Path,
    to: &Path,
    lines: &mut Vec<String>,
) -> Result<std::collections::HashSet<String>, OpsError> {
    let mut copied = std::collections::HashSet::new();
    create_private_dir(to)?;
    let shards = match std::fs::read_dir(from) {
        Ok(s) => s,
        Err(e) if e.kind() == io::ErrorKind::NotFound => return Ok(copied),
        Err(e) => return Err(io_at(from)(e)),
    };
    let mut shards: Vec<_> = shards.collect::<Result<_, _>>().map_err(io_at(from))?;
    shards.sort_by_key(|e| e.file_name());
    for shard in shards {
        let shard_name = shard.file_name().to_string_lossy().into_owned();
        if !shard.path().is_dir() {
            continue;
        }
        let mut files: Vec<_> = std::fs::read_dir(shard.path())
            .and_then(|f| f.collect::<Result<Vec<_>, _>>())
            .map_err(io_at(&shard.path()))?;
        files.sort_by_key(|e| e.file_name());
        let target = to.join(&shard_name);
        for f in files {
            let name = f.file_name().to_string_lossy().into_owned();
            if !is_photo_file(&shard_name, &name) {
                continue; // the store's temporary files, or something that is not a photo
            }
            create_private_dir(&target)?;
            let (_, sha) = copy_hashed(&f.path(), &target.join(&name))?;
            lines.push(format!("{sha}  {PHOTOS}/{shard_name}/{name}"));
            copied.insert(name);
        }
        if target.exists() {
            sync_dir(&target)?;
        }
    }
    sync_dir(to)?;
    Ok(copied)
}

/// Reads and checks a backup's manifest and checksum list: every path is one a backup may hold,
/// the list is the one the manifest names, and the backup fits this binary's schema.
fn read_backup(dir: &Path) -> Result<(Manifest, Vec<(String, String)>), OpsError> {
    let path = dir.join(MANIFEST);
    let raw = match std::fs::read(&path) {
        Ok(r) => r,
        Err(e) if e.kind() == io::ErrorKind::NotFound => {
            return Err(refused(format!(
                "{} has no {MANIFEST}: not a finished backup",
                dir.display()
            )));
        }
        Err(e) => return Err(io_at(&path)(e)),
    };
    let manifest: Manifest = serde_json::from_slice(&raw)
        .map_err(|e| refused(format!("{} cannot be read: {e}", path.display())))?;
    if manifest.format != FORMAT || manifest.database != "sqlite" || manifest.db_file != DB_FILE {
        return Err(refused(format!(
            "{} describes a backup this version cannot restore (format {}, database {})",
            path.display(),
            manifest.format,
            manifest.database
        )));
    }
    let latest = storage::ops::latest_sqlite_schema();
    if manifest.schema_version > latest {
        return Err(refused(format!(
            "the backup's schema ({}) is newer than this xiaoan knows ({latest}): restore it with \
             xiaoan {} or later",
            manifest.schema_version, manifest.app_version
        )));
    }
    let sums_path = dir.join(SUMS);
    let sums = std::fs::read(&sums_path).map_err(io_at(&sums_path))?;
    if hex::encode(Sha256::digest(&sums)) != manifest.sums_sha256 {
        return Err(refused(format!("{SUMS} does not match the manifest: the backup was altered")));
    }
    let sums = String::from_utf8(sums).map_err(|_| refused(format!("{SUMS} is not text")))?;
    let mut entries = Vec::new();
    for line in sums.lines() {
        let Some((sha, p)) = line.split_once("  ") else {
            return Err(refused(format!("{SUMS}: unreadable line {line:?}")));
        };
        if !is_backup_path(p) || sha.len() != 64 {
            return Err(refused(format!("{SUMS}: unexpected entry {p:?}")));
        }
        entries.push((sha.to_owned(), p.to_owned()));
    }
    if !entries.iter().any(|(sha, p)| p == DB_FILE && *sha == manifest.db_sha256) {
        return Err(refused(format!("{SUMS} does not list the database the manifest names")));
    }
    Ok((manifest, entries))
}

/// Restores a backup into the configured data folder and database file. Refuses a data folder
/// that holds anything unless `force`; checks every file against the backup's checksums before
/// anything is replaced. The server must be stopped.
pub async fn restore(config: &Config, dir: &Path, force: bool) -> Result<Restored, OpsError> {
    if is_postgres(&config.database_url) {
        return Err(refused(POSTGRES_RESTORE));
    }
    let db_path = sqlite_file(&config.database_url)?;
    let data_dir = config.data_dir.clone();
    let (manifest, entries) = read_backup(dir)?;
    if !force && (!is_empty_dir(&data_dir)? || db_path.exists()) {
        return Err(refused(format!(
            "{} is not empty: stop the server and pass --force to replace its database and photos",
            data_dir.display()
        )));
    }
    let backup = dir.to_owned();
    let wanted = manifest.clone();
    let db_target = db_path.clone();
    tokio::task::spawn_blocking(move || {
        put_in_place(&backup, &wanted, &entries, &data_dir, &db_target)
    })
    .await
    .map_err(|e| OpsError::Server("restoring files", e.into()))??;
    let url = &config.database_url;
    let db =
        Db::connect(url).await.map_err(|e| OpsError::Server("opening the restored database", e))?;
    let checked = async {
        let found = storage::ops::contents(&db)
            .await
            .map_err(|e| OpsError::Server("reading the restored database", e))?;
        let verified = crate::service::hazards::verify(&db)
            .await
            .map_err(|e| OpsError::Server("checking the hazard history", e))?;
        Ok::<_, OpsError>((found, verified))
    }
    .await;
    db.close().await;
    let (found, (breaks, events_checked)) = checked?;
    if (found.hazards, found.photos) != (manifest.hazards, manifest.photos) {
        return Err(refused(format!(
            "the restored database holds {} hazards and {} photos, the manifest says {} and {}",
            found.hazards, found.photos, manifest.hazards, manifest.photos
        )));
    }
    Ok(Restored { manifest, events_checked, breaks })
}

/// Copies the backup next to its destinations, checking each file's hash as it goes, and only
/// then swaps the copies in.
fn put_in_place(
    backup: &Path,
    manifest: &Manifest,
    entries: &[(String, String)],
    data_dir: &Path,
    db_path: &Path,
) -> Result<(), OpsError> {
    create_private_dir(data_dir)?;
    let db_dir = db_path.parent().filter(|p| !p.as_os_str().is_empty()).unwrap_or(Path::new("."));
    create_private_dir(db_dir)?;
    let staging = data_dir.join(".restore-partial");
    let db_staged = db_path.with_extension("db.restore-partial");
    let cleanup = |staging: &Path, db_staged: &Path| {
        let _ = std::fs::remove_dir_all(staging);
        let _ = std::fs::remove_file(db_staged);
    };
    cleanup(&staging, &db_staged);
    let staged = (|| -> Result<(), OpsError> {
        create_private_dir(&staging.join(PHOTOS))?;
        for (sha, rel) in entries {
            let to = if rel == DB_FILE {
                db_staged.clone()
            } else {
                let to = staging.join(rel);
                if let Some(parent) = to.parent() {
                    create_private_dir(parent)?;
                }
                to
            };
            let (bytes, got) = copy_hashed(&backup.join(rel), &to)?;
            if got != *sha || (rel == DB_FILE && bytes != manifest.db_bytes) {
                return Err(refused(format!(
                    "{rel} in the backup does not match its checksum: the backup is damaged; \
                     nothing was restored"
                )));
            }
        }
        Ok(())
    })();
    if let Err(e) = staged {
        cleanup(&staging, &db_staged);
        return Err(e);
    }
    // Swap in: the old database's WAL must not be replayed onto the restored file.
    for suffix in ["-wal", "-shm", "-journal"] {
        let mut side = db_path.as_os_str().to_owned();
        side.push(suffix);
        match std::fs::remove_file(PathBuf::from(side)) {
            Ok(()) => {}
            Err(e) if e.kind() == io::ErrorKind::NotFound => {}
            Err(e) => return Err(io_at(db_path)(e)),
        }
    }
    std::fs::rename(&db_staged, db_path).map_err(io_at(db_path))?;
    sync_dir(db_dir)?;
    let photos = data_dir.join(PHOTOS);
    let old = data_dir.join(".photos-replaced");
    if photos.exists() {
        let _ = std::fs::remove_dir_all(&old);
        std::fs::rename(&photos, &old).map_err(io_at(&photos))?;
    }
    std::fs::rename(staging.join(PHOTOS), &photos).map_err(io_at(&photos))?;
    sync_dir(data_dir)?;
    let _ = std::fs::remove_dir_all(&old);
    let _ = std::fs::remove_dir_all(&staging);
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_photo_store_files_and_the_database_may_be_named_in_a_backup() {
        let sha = "ab".repeat(32);
        let cases = [
            (DB_FILE.to_owned(), true, "the database"),
            (format!("photos/ab/{sha}-original"), true, "an original"),
            (format!("photos/ab/{sha}-thumb"), true, "a thumbnail"),
            (format!("photos/cd/{sha}-thumb"), false, "wrong shard"),
            (format!("photos/ab/{sha}-other"), false, "unknown variant"),
            (format!("photos/ab/../../{sha}-thumb"), false, "climbing out"),
            (format!("/photos/ab/{sha}-thumb"), false, "absolute"),
            ("photos/ab/.tmpX1y2".to_owned(), false, "a temporary file"),
            ("../xiaoan.db".to_owned(), false, "outside the folder"),
            (format!("photos/ab/{}-thumb", "AB".repeat(32)), false, "upper-case hash"),
        ];
        for (path, ok, case) in cases {
            assert_eq!(is_backup_path(&path), ok, "{case}: {path}");
        }
    }
}

/// What `xiaoan verify` found in the photo store: for every photo on record, its original is
/// there and hashes to its address, and its display copy and thumbnail are there.
#[derive(Debug, Default)]
pub struct PhotoCheck {
    pub checked: u64,
    pub problems: Vec<String>,
}

pub async fn verify_photos(
    db: &crate::storage::Db,
    store: &dyn crate::photo::store::PhotoStore,
) -> crate::error::Result<PhotoCheck> {
    use crate::photo::store::Variant;
    use sha2::{Digest, Sha256};
    let mut check = PhotoCheck::default();
    for sha in crate::storage::photos::all_addresses(db).await? {
        check.checked += 1;
        match store.get(&sha, Variant::Original).await? {
            None => check.problems.push(format!("photo {sha}: the original is missing")),
            Some(b) if hex::encode(Sha256::digest(&b)) != sha => {
                check.problems.push(format!("photo {sha}: the original does not match its address"))
            }
            Some(_) => {}
        }
        for v in [Variant::Display, Variant::Thumb] {
            if store.get(&sha, v).await?.is_none() {
                check.problems.push(format!("photo {sha}: the {} copy is missing", v.as_str()));
            }
        }
    }
    Ok(check)
}
