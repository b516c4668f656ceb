//! The audit log: who did what, when, from where. Append only.

use super::{Db, on_db};
use crate::error::Result;
use chrono::{DateTime, Utc};

pub struct Entry<'a> {
    pub actor_id: Option<i64>,
    pub action: &'a str,
    pub target: &'a str,
    pub detail: &'a str,
    pub client_addr: &'a str,
}

/// Appends `$entry` at `$now` on `$executor` (a pool or a transaction of either database).
macro_rules! append_on {
    ($executor:expr, $entry:expr, $now:expr) => {{
        let e: &$crate::storage::audit::Entry<'_> = $entry;
        sqlx::query(
            "INSERT INTO audit_log (at, actor_id, action, target, detail, client_addr) \
             VALUES ($1, $2, $3, $4, $5, $6)",
        )
        .bind($now)
        .bind(e.actor_id)
        .bind(e.action)
        .bind(e.target)
        .bind(e.detail)
        .bind(e.client_addr)
        .execute($executor)
        .await
    }};
}
pub(crate) use append_on;

pub async fn append(db: &Db, e: &Entry<'_>, now: DateTime<Utc>) -> Result<()> {
    on_db!(db, p => append_on!(p, e, now)?.rows_affected());
    Ok(())
}

#[derive(Clone, Debug, sqlx::FromRow)]
pub struct AuditRow {
    pub actor_id: Option<i64>,
    pub action: String,
    pub target: String,
}

/// The newest entries first.
pub async fn recent(db: &Db, limit: i64) -> Result<Vec<AuditRow>> {
    Ok(on_db!(db, p => sqlx::query_as::<_, AuditRow>(
        "SELECT actor_id, action, target FROM audit_log ORDER BY id DESC LIMIT $1")
        .bind(limit).fetch_all(p).await?))
}
