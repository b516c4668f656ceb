//! Outbound webhook deliveries: queued with the change that causes them, delivered and retried by
//! a background task.

use super::{Db, on_db};
use crate::error::Result;
use chrono::{DateTime, Utc};

#[derive(Clone, Debug, sqlx::FromRow)]
pub struct Delivery {
    pub id: i64,
    pub event: String,
    pub payload: String,
    pub attempts: i32,
}

/// Claims up to `limit` due deliveries by pushing their next attempt to `lease_until`, so another
/// instance does not send them at the same time.
pub async fn claim_due(
    db: &Db,
    now: DateTime<Utc>,
    lease_until: DateTime<Utc>,
    limit: i64,
) -> Result<Vec<Delivery>> {
    let due: Vec<Delivery> = on_db!(db, p => sqlx::query_as::<_, Delivery>(
        "SELECT id, event, payload, attempts FROM webhook_deliveries \
         WHERE delivered_at IS NULL AND next_attempt_at <= $1 ORDER BY id LIMIT $2")
        .bind(now).bind(limit).fetch_all(p).await?);
    let mut claimed = Vec::with_capacity(due.len());
    for d in due {
        let won = on_db!(db, p => sqlx::query(
            "UPDATE webhook_deliveries SET next_attempt_at = $3 WHERE id = $1 AND next_attempt_at <= $2 AND delivered_at IS NULL")
            .bind(d.id).bind(now).bind(lease_until).execute(p).await?.rows_affected())
            == 1;
        if won {
            claimed.push(d);
        }
    }
    Ok(claimed)
}

pub async fn delivered(db: &Db, id: i64, now: DateTime<Utc>) -> Result<()> {
    on_db!(db, p => sqlx::query("UPDATE webhook_deliveries SET delivered_at = $2, attempts = attempts + 1 WHERE id = $1")
        .bind(id).bind(now).execute(p).await?.rows_affected());
    Ok(())
}

pub async fn failed(db: &Db, id: i64, next: DateTime<Utc>, error: &str) -> Result<()> {
    on_db!(db, p => sqlx::query(
        "UPDATE webhook_deliveries SET attempts = attempts + 1, next_attempt_at = $2, last_error = $3 WHERE id = $1")
        .bind(id).bind(next).bind(error).execute(p).await?.rows_affected());
    Ok(())
}

#[derive(Clone, Debug, sqlx::FromRow)]
pub struct DeliveryState {
    pub event: String,
    pub attempts: i32,
    pub delivered: bool,
}

/// Every delivery, oldest first (for tests and operators).
pub async fn all(db: &Db) -> Result<Vec<DeliveryState>> {
    Ok(on_db!(db, p => sqlx::query_as::<_, DeliveryState>(
        "SELECT event, attempts, delivered_at IS NOT NULL AS delivered FROM webhook_deliveries ORDER BY id")
        .fetch_all(p).await?))
}
