//! Failed logins, kept in the database so that every instance sees the same counts.

use super::{Db, on_db};
use crate::error::Result;
use chrono::{DateTime, Utc};

/// How many failures `key` has since `since`, and the oldest of them.
pub async fn failures_since(
    db: &Db,
    key: &str,
    since: DateTime<Utc>,
) -> Result<(i64, Option<DateTime<Utc>>)> {
    Ok(on_db!(db, p => sqlx::query_as::<_, (i64, Option<DateTime<Utc>>)>(
        "SELECT COUNT(*), MIN(at) FROM login_failures WHERE key = $1 AND at > $2")
        .bind(key).bind(since).fetch_one(p).await?))
}

/// Records one failure under each key, in one transaction.
pub async fn record(db: &Db, keys: &[&str], now: DateTime<Utc>) -> Result<()> {
    let _writer = db.writer().await;
    on_db!(db, p => {
        let mut tx = p.begin().await?;
        for key in keys {
            sqlx::query("INSERT INTO login_failures (key, at) VALUES ($1, $2)")
                .bind(*key).bind(now).execute(&mut *tx).await?;
        }
        tx.commit().await?;
    });
    Ok(())
}

pub async fn clear(db: &Db, key: &str) -> Result<()> {
    on_db!(db, p => sqlx::query("DELETE FROM login_failures WHERE key = $1").bind(key).execute(p).await?.rows_affected());
    Ok(())
}

pub async fn purge_before(db: &Db, cutoff: DateTime<Utc>) -> Result<u64> {
    Ok(on_db!(db, p => sqlx::query("DELETE FROM login_failures WHERE at <= $1")
        .bind(cutoff).execute(p).await?.rows_affected()))
}
