//! Server-side sessions, looked up by the SHA-256 of the cookie's token.

use super::{Db, on_db};
use crate::error::Result;
use chrono::{DateTime, Utc};

pub struct NewSession<'a> {
    pub token_hash: &'a str,
    pub user_id: i64,
    pub expires_at: DateTime<Utc>,
    pub client_addr: &'a str,
    pub user_agent: &'a str,
}

pub async fn insert(db: &Db, s: &NewSession<'_>, now: DateTime<Utc>) -> Result<()> {
    on_db!(db, p => sqlx::query(
        "INSERT INTO sessions (token_hash, user_id, created_at, last_seen_at, expires_at, client_addr, user_agent) \
         VALUES ($1, $2, $3, $3, $4, $5, $6)")
        .bind(s.token_hash).bind(s.user_id).bind(now).bind(s.expires_at).bind(s.client_addr).bind(s.user_agent)
        .execute(p).await?.rows_affected());
    Ok(())
}

/// A session with its user, read together: every request of a signed-in user starts here.
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct SessionUser {
    pub last_seen_at: DateTime<Utc>,
    pub expires_at: DateTime<Utc>,
    #[sqlx(flatten)]
    pub user: super::users::UserRow,
}

pub async fn get(db: &Db, token_hash: &str) -> Result<Option<SessionUser>> {
    let sql = format!(
        "{} JOIN sessions s ON s.user_id = u.id WHERE s.token_hash = $1",
        super::users::SELECT_USER.replacen("SELECT ", "SELECT s.last_seen_at, s.expires_at, ", 1)
    );
    Ok(on_db!(db, p => sqlx::query_as::<_, SessionUser>(sqlx::AssertSqlSafe(sql))
        .bind(token_hash).fetch_optional(p).await?))
}

pub async fn touch(db: &Db, token_hash: &str, now: DateTime<Utc>) -> Result<()> {
    on_db!(db, p => sqlx::query("UPDATE sessions SET last_seen_at = $1 WHERE token_hash = $2")
        .bind(now).bind(token_hash).execute(p).await?.rows_affected());
    Ok(())
}

pub async fn delete(db: &Db, token_hash: &str) -> Result<()> {
    on_db!(db, p => sqlx::query("DELETE FROM sessions WHERE token_hash = $1").bind(token_hash).execute(p).await?.rows_affected());
    Ok(())
}

/// Removes sessions past their absolute expiry or idle for longer than `idle_cutoff` allows.
pub async fn purge_expired(db: &Db, now: DateTime<Utc>, idle_cutoff: DateTime<Utc>) -> Result<u64> {
    Ok(
        on_db!(db, p => sqlx::query("DELETE FROM sessions WHERE expires_at <= $1 OR last_seen_at <= $2")
        .bind(now).bind(idle_cutoff).execute(p).await?.rows_affected()),
    )
}
