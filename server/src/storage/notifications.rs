//! In-app notifications (the inbox and its badge).

use super::{Db, on_db};
use crate::error::Result;
use chrono::{DateTime, Utc};

#[derive(Clone, Debug, sqlx::FromRow)]
pub struct NotificationRow {
    pub id: i64,
    pub hazard_id: Option<String>,
    pub kind: String,
    pub detail: String,
    pub created_at: DateTime<Utc>,
    pub read_at: Option<DateTime<Utc>>,
    pub hazard_title: Option<String>,
    pub school_name: Option<String>,
}

/// The newest first.
pub async fn list(db: &Db, user_id: i64, limit: i64) -> Result<Vec<NotificationRow>> {
    Ok(on_db!(db, p => sqlx::query_as::<_, NotificationRow>(
        "SELECT n.id, n.hazard_id, n.kind, n.detail, n.created_at, n.read_at, h.title AS hazard_title, s.name AS school_name \
         FROM notifications n LEFT JOIN hazards h ON h.id = n.hazard_id LEFT JOIN orgs s ON s.id = h.school_id \
         WHERE n.user_id = $1 ORDER BY n.id DESC LIMIT $2")
        .bind(user_id).bind(limit).fetch_all(p).await?))
}

pub async fn unread(db: &Db, user_id: i64) -> Result<i64> {
    Ok(on_db!(db, p => sqlx::query_scalar::<_, i64>(
        "SELECT COUNT(*) FROM notifications WHERE user_id = $1 AND read_at IS NULL")
        .bind(user_id).fetch_one(p).await?))
}

pub async fn mark_all_read(db: &Db, user_id: i64, now: DateTime<Utc>) -> Result<()> {
    on_db!(db, p => sqlx::query("UPDATE notifications SET read_at = $2 WHERE user_id = $1 AND read_at IS NULL")
        .bind(user_id).bind(now).execute(p).await?.rows_affected());
    Ok(())
}

/// Adds notifications; one with a `dedupe` key already used is skipped (a daily reminder sent
/// once). Returns how many were added.
pub async fn add(
    db: &Db,
    items: &[(i64, Option<&str>, &str, Option<String>)],
    now: DateTime<Utc>,
) -> Result<u64> {
    let mut added = 0;
    for (user, hazard, kind, dedupe) in items {
        added += on_db!(db, p => sqlx::query(
            "INSERT INTO notifications (user_id, hazard_id, kind, dedupe, created_at) VALUES ($1, $2, $3, $4, $5) \
             ON CONFLICT (dedupe) WHERE dedupe IS NOT NULL DO NOTHING")
            .bind(user).bind(hazard).bind(*kind).bind(dedupe).bind(now).execute(p).await?.rows_affected());
    }
    Ok(added)
}
