//! Accounts: lookup for login and sessions, the admin's list, creation and changes.

use super::{Db, on_db};
use crate::error::Result;
use chrono::{DateTime, Utc};

/// A user with the org they belong to, as the server needs it for access decisions.
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct UserRow {
    pub id: i64,
    pub username: String,
    pub display_name: String,
    pub role: String,
    pub org_id: i64,
    pub org_name: String,
    pub org_path: String,
    pub password_hash: String,
    pub disabled: bool,
}

pub(super) const SELECT_USER: &str = "SELECT u.id, u.username, u.display_name, u.role, u.org_id, o.name AS org_name, \
     o.path AS org_path, u.password_hash, u.disabled FROM users u JOIN orgs o ON o.id = u.org_id";

pub struct NewUser<'a> {
    pub username: &'a str,
    pub display_name: &'a str,
    pub role: &'a str,
    pub org_id: i64,
    pub password_hash: &'a str,
}

pub async fn by_username(db: &Db, username: &str) -> Result<Option<UserRow>> {
    let sql = format!("{SELECT_USER} WHERE u.username = $1");
    Ok(
        on_db!(db, p => sqlx::query_as::<_, UserRow>(sqlx::AssertSqlSafe(sql)).bind(username).fetch_optional(p).await?),
    )
}

pub async fn by_id(db: &Db, id: i64) -> Result<Option<UserRow>> {
    let sql = format!("{SELECT_USER} WHERE u.id = $1");
    Ok(
        on_db!(db, p => sqlx::query_as::<_, UserRow>(sqlx::AssertSqlSafe(sql)).bind(id).fetch_optional(p).await?),
    )
}

/// Every user whose org lies under `path_prefix` (a bureau's path covers its schools).
pub async fn list_under(db: &Db, path_prefix: &str) -> Result<Vec<UserRow>> {
    let sql =
        format!("{SELECT_USER} WHERE {} ORDER BY u.role, u.username", super::under("o.path", 1));
    let (from, until) = super::under_bounds(path_prefix);
    Ok(on_db!(db, p => sqlx::query_as::<_, UserRow>(sqlx::AssertSqlSafe(sql))
        .bind(&from).bind(&until).fetch_all(p).await?))
}

/// The enabled safety-office users of the orgs `org_ids` (a unit and the orgs above it).
pub async fn office_over(db: &Db, org_ids: &[i64]) -> Result<Vec<i64>> {
    if org_ids.is_empty() {
        return Ok(Vec::new());
    }
    Ok(super::fetch_in!(
        db,
        "SELECT id FROM users WHERE role = 'office' AND disabled = FALSE AND org_id IN (",
        org_ids,
        ") ORDER BY id",
        build_query_scalar::<i64>().fetch_all
    ))
}

/// The enabled principals of a school.
pub async fn principals_of(db: &Db, school_id: i64) -> Result<Vec<i64>> {
    Ok(on_db!(db, p => sqlx::query_scalar::<_, i64>(
        "SELECT id FROM users WHERE org_id = $1 AND role = 'principal' AND disabled = FALSE ORDER BY id")
        .bind(school_id).fetch_all(p).await?))
}

pub async fn count_under(db: &Db, path_prefix: &str) -> Result<i64> {
    let sql = format!(
        "SELECT COUNT(*) FROM users u JOIN orgs o ON o.id = u.org_id WHERE {}",
        super::under("o.path", 1)
    );
    let (from, until) = super::under_bounds(path_prefix);
    Ok(on_db!(db, p => sqlx::query_scalar::<_, i64>(sqlx::AssertSqlSafe(sql))
        .bind(&from).bind(&until).fetch_one(p).await?))
}

/// Inserts a user; a taken username surfaces as a unique violation for the caller to map.
pub async fn insert(db: &Db, u: &NewUser<'_>, now: DateTime<Utc>) -> Result<i64, sqlx::Error> {
    on_db!(db, p => sqlx::query_scalar::<_, i64>(
        "INSERT INTO users (username, display_name, role, org_id, password_hash, disabled, created_at, updated_at) \
         VALUES ($1, $2, $3, $4, $5, FALSE, $6, $6) RETURNING id")
        .bind(u.username).bind(u.display_name).bind(u.role).bind(u.org_id).bind(u.password_hash).bind(now)
        .fetch_one(p).await)
}

/// Sets the password and ends every session of the user, in one transaction.
pub async fn set_password(db: &Db, id: i64, hash: &str, now: DateTime<Utc>) -> Result<()> {
    let _writer = db.writer().await;
    on_db!(db, p => {
        let mut tx = p.begin().await?;
        sqlx::query("UPDATE users SET password_hash = $1, updated_at = $2 WHERE id = $3")
            .bind(hash).bind(now).bind(id).execute(&mut *tx).await?;
        sqlx::query("DELETE FROM sessions WHERE user_id = $1").bind(id).execute(&mut *tx).await?;
        tx.commit().await?;
    });
    Ok(())
}

/// Disables or enables a user; disabling ends every session, in the same transaction.
pub async fn set_disabled(db: &Db, id: i64, disabled: bool, now: DateTime<Utc>) -> Result<()> {
    let _writer = db.writer().await;
    on_db!(db, p => {
        let mut tx = p.begin().await?;
        sqlx::query("UPDATE users SET disabled = $1, updated_at = $2 WHERE id = $3")
            .bind(disabled).bind(now).bind(id).execute(&mut *tx).await?;
        if disabled {
            sqlx::query("DELETE FROM sessions WHERE user_id = $1").bind(id).execute(&mut *tx).await?;
        }
        tx.commit().await?;
    });
    Ok(())
}
