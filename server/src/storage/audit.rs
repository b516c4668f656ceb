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

/// How many entries a page of the viewer holds.
pub const PAGE: i64 = 50;

/// A page of entries, newest first, by accounts whose org lies under `scope` (and failed logins
/// to those accounts), filtered as the viewer asks. One more than a page is read to know whether
/// another page follows.
pub async fn page(
    db: &Db,
    scope: &str,
    f: &app::domain::AuditFilter,
) -> Result<Vec<app::domain::AuditEntry>> {
    let (from, until) = super::under_bounds(scope);
    let before = f.before.unwrap_or(i64::MAX);
    let sql = "SELECT a.id, a.at, u.username AS actor_username, u.display_name AS actor_name, \
               a.action, a.target, a.detail, a.client_addr \
               FROM audit_log a LEFT JOIN users u ON u.id = a.actor_id \
               LEFT JOIN orgs o ON o.id = u.org_id \
               WHERE a.id < $2 \
                 AND ((o.path >= $1 AND o.path < $6) OR (a.actor_id IS NULL AND a.target IN ( \
                      SELECT 'user:' || t.username FROM users t JOIN orgs ot ON ot.id = t.org_id \
                      WHERE ot.path >= $1 AND ot.path < $6))) \
                 AND ($3 = '' OR a.action = $3 OR a.action LIKE $3 || '.%') \
                 AND ($4 = '' OR u.username = $4 OR (a.actor_id IS NULL AND a.target = 'user:' || $4)) \
               ORDER BY a.id DESC LIMIT $5";
    Ok(on_db!(db, p => sqlx::query_as::<_, AuditEntryRow>(sql)
        .bind(&from).bind(before).bind(f.action.trim()).bind(f.user.trim().to_lowercase())
        .bind(PAGE + 1).bind(&until).fetch_all(p).await?)
    .into_iter()
    .map(Into::into)
    .collect())
}

#[derive(sqlx::FromRow)]
struct AuditEntryRow {
    id: i64,
    at: DateTime<Utc>,
    actor_username: Option<String>,
    actor_name: Option<String>,
    action: String,
    target: String,
    detail: String,
    client_addr: String,
}

impl From<AuditEntryRow> for app::domain::AuditEntry {
    fn from(r: AuditEntryRow) -> Self {
        app::domain::AuditEntry {
            id: r.id,
            at: r.at,
            actor_username: r.actor_username,
            actor_name: r.actor_name,
            action: r.action,
            target: r.target,
            detail: r.detail,
            client_addr: r.client_addr,
        }
    }
}
