//! SQL for operations: consistent SQLite snapshots, what a snapshot holds, and the gauges read
//! when metrics are scraped.

use super::{Db, SQLITE_MIGRATIONS, on_db};
use crate::error::Result;
use sqlx::Connection;
use sqlx::sqlite::{SqliteConnectOptions, SqliteConnection};
use std::path::Path;
use std::str::FromStr;
use std::time::Duration;

/// What a database holds, as a backup manifest records it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Contents {
    /// The latest migration applied (0 for an empty database).
    pub schema_version: i64,
    pub hazards: i64,
    pub photos: i64,
}

/// The newest schema this binary knows (SQLite migrations).
pub fn latest_sqlite_schema() -> i64 {
    SQLITE_MIGRATIONS.iter().map(|m| m.version).max().unwrap_or(0)
}

/// Opens the SQLite database at `url` as it is: never creating it, never migrating it.
async fn open_existing(url: &str) -> Result<SqliteConnection> {
    let opts = SqliteConnectOptions::from_str(url)?
        .create_if_missing(false)
        .busy_timeout(Duration::from_secs(30));
    Ok(SqliteConnection::connect_with(&opts).await?)
}

/// Writes a consistent copy of the live SQLite database at `url` to `dest` (which must not
/// exist). `VACUUM INTO` reads inside one transaction, so writers carry on meanwhile and the copy
/// is the database as of one instant, compacted and without a WAL.
pub async fn vacuum_into(url: &str, dest: &Path) -> Result<()> {
    let mut conn = open_existing(url).await?;
    let dest = dest.to_str().ok_or_else(|| {
        std::io::Error::new(std::io::ErrorKind::InvalidInput, "the backup path is not UTF-8")
    })?;
    sqlx::query("VACUUM INTO $1").bind(dest).execute(&mut conn).await?;
    conn.close().await?;
    Ok(())
}

/// Opens a SQLite file that must exist (a snapshot, or a database the server is not using).
async fn open_file(path: &Path) -> Result<SqliteConnection> {
    let opts = SqliteConnectOptions::new().filename(path).create_if_missing(false);
    Ok(SqliteConnection::connect_with(&opts).await?)
}

/// Schema version and record counts of the SQLite file at `path`.
pub async fn contents_of_file(path: &Path) -> Result<Contents> {
    let mut conn = open_file(path).await?;
    let schema_version: Option<i64> =
        sqlx::query_scalar("SELECT MAX(version) FROM _sqlx_migrations WHERE success")
            .fetch_one(&mut conn)
            .await?;
    let hazards: i64 =
        sqlx::query_scalar("SELECT COUNT(*) FROM hazards").fetch_one(&mut conn).await?;
    let photos: i64 =
        sqlx::query_scalar("SELECT COUNT(*) FROM photos").fetch_one(&mut conn).await?;
    conn.close().await?;
    Ok(Contents { schema_version: schema_version.unwrap_or(0), hazards, photos })
}

/// Every photo's hash in the SQLite file at `path`, in order.
pub async fn photo_hashes_of_file(path: &Path) -> Result<Vec<String>> {
    let mut conn = open_file(path).await?;
    let hashes = sqlx::query_scalar("SELECT sha256 FROM photos ORDER BY sha256")
        .fetch_all(&mut conn)
        .await?;
    conn.close().await?;
    Ok(hashes)
}

/// Schema version and record counts of an open database.
pub async fn contents(db: &Db) -> Result<Contents> {
    let (schema_version, hazards, photos) = on_db!(db, p => sqlx::query_as::<_, (Option<i64>, i64, i64)>(
        "SELECT (SELECT MAX(version) FROM _sqlx_migrations WHERE success), \
         (SELECT COUNT(*) FROM hazards), (SELECT COUNT(*) FROM photos)")
        .fetch_one(p).await?);
    Ok(Contents { schema_version: schema_version.unwrap_or(0), hazards, photos })
}

/// Hazards that are not closed or voided, by status (for the metrics gauge).
pub async fn open_hazards_by_status(db: &Db) -> Result<Vec<(String, i64)>> {
    Ok(on_db!(db, p => sqlx::query_as::<_, (String, i64)>(
        "SELECT status, COUNT(*) FROM hazards WHERE status NOT IN ('closed', 'voided') \
         GROUP BY status ORDER BY status")
        .fetch_all(p).await?))
}
