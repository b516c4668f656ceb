//! The one storage surface over two backends, SQLite (embedded default) and PostgreSQL, chosen by
//! the `DATABASE_URL` scheme. All SQL of the product lives under this module. Queries are written
//! once in the dialect both engines share (`$1` placeholders, `RETURNING`, `ON CONFLICT`) and run
//! on whichever pool is configured; the schema differs only in column types.

pub mod audit;
pub mod campaigns;
pub mod checklists;
pub mod dataset;
pub mod group_commit;
pub mod hazards;
pub mod inspections;
pub mod notifications;
pub mod ops;
pub mod orgs;
pub mod photos;
pub mod plans;
pub mod registers;
pub mod reports;
pub mod sessions;
pub mod throttle;
pub mod users;
pub mod webhooks;

use crate::error::Result;
use sqlx::postgres::{PgPool, PgPoolOptions};
use sqlx::sqlite::{
    SqliteConnectOptions, SqliteJournalMode, SqlitePool, SqlitePoolOptions, SqliteSynchronous,
};
use std::str::FromStr;
use std::time::Duration;

#[derive(Clone, Debug)]
pub enum Db {
    Sqlite(SqlitePool),
    Postgres(PgPool),
}

/// Runs `$body` with `$pool` bound to whichever pool `$db` holds. The body is compiled once per
/// backend, so each query is type-checked against both drivers.
macro_rules! on_db {
    ($db:expr, $pool:ident => $body:expr) => {
        match $db {
            $crate::storage::Db::Sqlite($pool) => $body,
            $crate::storage::Db::Postgres($pool) => $body,
        }
    };
}
pub(crate) use on_db;

/// Runs `$head (item, item, …)$tail` on whichever pool `$db` holds, with each of `$items` (a
/// slice of `Copy` values) bound in the list, and fetches with the builder method chain `$fetch`
/// (e.g. `build_query_scalar::<i64>().fetch_all`). For lists the two drivers cannot take as
/// one array parameter. The caller handles an empty list (`IN ()` is not SQL).
macro_rules! fetch_in {
    ($db:expr, $head:expr, $items:expr, $tail:expr, $($fetch:tt)+) => {
        match $db {
            $crate::storage::Db::Sqlite(p) => {
                let mut b = sqlx::QueryBuilder::<sqlx::Sqlite>::new($head);
                let mut list = b.separated(", ");
                for item in $items.iter().copied() {
                    list.push_bind(item);
                }
                b.push($tail);
                b.$($fetch)+(p).await?
            }
            $crate::storage::Db::Postgres(p) => {
                let mut b = sqlx::QueryBuilder::<sqlx::Postgres>::new($head);
                let mut list = b.separated(", ");
                for item in $items.iter().copied() {
                    list.push_bind(item);
                }
                b.push($tail);
                b.$($fetch)+(p).await?
            }
        }
    };
}
pub(crate) use fetch_in;

static SQLITE_MIGRATIONS: sqlx::migrate::Migrator = sqlx::migrate!("../migrations/sqlite");
static POSTGRES_MIGRATIONS: sqlx::migrate::Migrator = sqlx::migrate!("../migrations/postgres");

/// The migrations `Db::connect` applies on the backend of `url`, so that upgrade tests can build
/// a database at an earlier version of the schema.
pub fn migrator(url: &str) -> &'static sqlx::migrate::Migrator {
    if url.starts_with("sqlite:") { &SQLITE_MIGRATIONS } else { &POSTGRES_MIGRATIONS }
}

/// SQLite takes one writer at a time. Writers queue here, in the process, instead of waking and
/// sleeping in SQLite's busy handler (which sleeps up to 100 ms at a time, and cannot help a
/// read transaction that must upgrade after another commit). The embedded database has one
/// server process, so this queue sees every writer of the app. There is one queue per database
/// file: pools on different files never wait for each other, and pools on the same file share it.
fn sqlite_writer(pool: &SqlitePool) -> std::sync::Arc<tokio::sync::Mutex<()>> {
    use std::collections::HashMap;
    use std::path::PathBuf;
    use std::sync::{Arc, LazyLock, Mutex};
    static WRITERS: LazyLock<Mutex<HashMap<PathBuf, Arc<tokio::sync::Mutex<()>>>>> =
        LazyLock::new(Mutex::default);
    let file = pool.connect_options().get_filename().to_owned();
    let mut writers = WRITERS.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
    Arc::clone(writers.entry(file).or_default())
}

/// The first string after every path that starts with `prefix` (its last character moved one
/// up: "/1/2/" ends before "/1/20").
pub(crate) fn path_end(prefix: &str) -> String {
    let mut end = prefix.to_owned();
    match end.pop() {
        Some(last) => end.push(char::from_u32(last as u32 + 1).unwrap_or(char::MAX)),
        None => end.push(char::MAX),
    }
    end
}

/// "Every org under a path prefix" as a range of the path index: `col >= $n AND col < $n+1`, to
/// be bound with [`under_bounds`]. Paths compare byte by byte on both databases (SQLite's BINARY
/// collation; on PostgreSQL the column is `COLLATE "C"` since migration 0006), so the range holds
/// exactly the paths that start with the prefix. A `LIKE` would not do: SQLite's is case-blind
/// and never uses the index, and PostgreSQL cannot use the index for a `LIKE` on a parameter in
/// the generic plan it caches for a prepared statement, so either scans every org.
pub(crate) fn under(col: &str, n: usize) -> String {
    format!("{col} >= ${n} AND {col} < ${}", n + 1)
}

/// The two values of [`under`]'s range for `prefix`.
pub(crate) fn under_bounds(prefix: &str) -> (String, String) {
    (prefix.to_owned(), path_end(prefix))
}

/// Pushes ` AND col >= ? AND col < ?` (the range of [`under`]) onto a query being built.
pub(crate) fn push_under<DB>(b: &mut sqlx::QueryBuilder<DB>, col: &str, prefix: &str)
where
    DB: sqlx::Database,
    for<'t> String: sqlx::Encode<'t, DB> + sqlx::Type<DB>,
{
    let (from, until) = under_bounds(prefix);
    b.push(format_args!(" AND {col} >= "));
    b.push_bind(from);
    b.push(format_args!(" AND {col} < "));
    b.push_bind(until);
}

impl Db {
    /// Held for the length of a write transaction: on SQLite the app's turn to write on that
    /// database file (see [`sqlite_writer`]); nothing on PostgreSQL, whose row locks let writers
    /// run together.
    pub(crate) async fn writer(&self) -> Option<tokio::sync::OwnedMutexGuard<()>> {
        match self {
            Db::Sqlite(p) => Some(sqlite_writer(p).lock_owned().await),
            Db::Postgres(_) => None,
        }
    }

    /// Connects and applies pending migrations.
    pub async fn connect(url: &str) -> Result<Db> {
        let db = if url.starts_with("sqlite:") {
            let opts = SqliteConnectOptions::from_str(url)?
                .create_if_missing(true)
                .journal_mode(SqliteJournalMode::Wal)
                // With WAL, NORMAL can lose a committed transaction on power loss; a phone must
                // never be told "saved" for something that is then gone.
                .synchronous(SqliteSynchronous::Full)
                .foreign_keys(true)
                .busy_timeout(Duration::from_secs(10));
            let pool = SqlitePoolOptions::new()
                .max_connections(8)
                .acquire_timeout(Duration::from_secs(10))
                .connect_with(opts)
                .await?;
            Db::Sqlite(pool)
        } else {
            let pool = PgPoolOptions::new()
                .max_connections(16)
                .acquire_timeout(Duration::from_secs(10))
                .connect(url)
                .await?;
            Db::Postgres(pool)
        };
        db.migrate().await?;
        Ok(db)
    }

    async fn migrate(&self) -> Result<()> {
        match self {
            Db::Sqlite(p) => SQLITE_MIGRATIONS.run(p).await?,
            Db::Postgres(p) => POSTGRES_MIGRATIONS.run(p).await?,
        }
        Ok(())
    }

    /// Readiness: one round trip to the database.
    pub async fn ping(&self) -> Result<()> {
        on_db!(self, p => { sqlx::query("SELECT 1").execute(p).await?; });
        Ok(())
    }

    pub async fn close(&self) {
        on_db!(self, p => p.close().await)
    }

    pub fn backend_name(&self) -> &'static str {
        match self {
            Db::Sqlite(_) => "sqlite",
            Db::Postgres(_) => "postgres",
        }
    }
}

/// True when the error is a unique-constraint violation (mapped by kind: SQLite reports no
/// constraint names).
pub fn is_unique_violation(e: &sqlx::Error) -> bool {
    matches!(e, sqlx::Error::Database(d) if d.is_unique_violation())
}

#[cfg(test)]
mod tests {
    #[test]
    fn a_path_range_ends_right_after_its_prefix() {
        let end = super::path_end("/1/2/");
        assert_eq!(end, "/1/20");
        for inside in ["/1/2/", "/1/2/17/", "/1/2/9999/"] {
            assert!(inside >= "/1/2/" && inside < end.as_str(), "{inside}");
        }
        for outside in ["/1/20/", "/1/3/", "/1/1/5/", "/1/"] {
            assert!(!(outside >= "/1/2/" && outside < end.as_str()), "{outside}");
        }
    }
}
