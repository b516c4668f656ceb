//! The org tree: bureaus and the schools and kindergartens under them.

use super::{Db, on_db};
use crate::error::Result;
use chrono::{DateTime, Utc};

#[derive(Clone, Debug, sqlx::FromRow)]
pub struct SchoolRow {
    pub id: i64,
    pub name: String,
    pub school_type: String,
    pub address: String,
    pub latitude: Option<f64>,
    pub longitude: Option<f64>,
    pub principal_name: String,
    pub phone: String,
    pub path: String,
    pub bureau_id: i64,
    pub bureau_name: String,
}

const SELECT_SCHOOL: &str = "SELECT s.id, s.name, s.school_type, s.address, s.latitude, s.longitude, \
     s.principal_name, s.phone, s.path, b.id AS bureau_id, b.name AS bureau_name \
     FROM orgs s JOIN orgs b ON b.id = s.parent_id WHERE s.kind = 'school'";

pub struct SchoolFields<'a> {
    pub name: &'a str,
    pub school_type: &'a str,
    pub address: &'a str,
    pub coordinates: Option<(f64, f64)>,
    pub principal_name: &'a str,
    pub phone: &'a str,
}

/// Where to look: everything under a bureau's path, or one school.
pub enum Within<'a> {
    Path(&'a str),
    School(i64),
}

/// Creates a bureau at the top of the tree (or under `parent`) and returns its id and path.
pub async fn insert_bureau(
    db: &Db,
    name: &str,
    parent: Option<(i64, &str)>,
    now: DateTime<Utc>,
) -> Result<(i64, String)> {
    let (parent_id, parent_path) = parent.map_or((None, "/"), |(id, path)| (Some(id), path));
    let _writer = db.writer().await;
    on_db!(db, p => {
        let mut tx = p.begin().await?;
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO orgs (parent_id, kind, name, created_at, updated_at) VALUES ($1, 'bureau', $2, $3, $3) RETURNING id")
            .bind(parent_id).bind(name).bind(now).fetch_one(&mut *tx).await?;
        let path = format!("{parent_path}{id}/");
        sqlx::query("UPDATE orgs SET path = $1 WHERE id = $2").bind(&path).bind(id).execute(&mut *tx).await?;
        tx.commit().await?;
        Ok((id, path))
    })
}

/// Creates a school under a bureau; a duplicate name under the same bureau is a unique violation.
pub async fn insert_school(
    db: &Db,
    bureau: (i64, &str),
    f: &SchoolFields<'_>,
    now: DateTime<Utc>,
) -> Result<i64, sqlx::Error> {
    let (lat, lng) = f.coordinates.unzip();
    let _writer = db.writer().await;
    on_db!(db, p => {
        let mut tx = p.begin().await?;
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO orgs (parent_id, kind, name, school_type, address, latitude, longitude, principal_name, phone, created_at, updated_at) \
             VALUES ($1, 'school', $2, $3, $4, $5, $6, $7, $8, $9, $9) RETURNING id")
            .bind(bureau.0).bind(f.name).bind(f.school_type).bind(f.address).bind(lat).bind(lng)
            .bind(f.principal_name).bind(f.phone).bind(now)
            .fetch_one(&mut *tx).await?;
        sqlx::query("UPDATE orgs SET path = $1 WHERE id = $2")
            .bind(format!("{}{id}/", bureau.1)).bind(id).execute(&mut *tx).await?;
        tx.commit().await?;
        Ok(id)
    })
}

pub async fn update_school(
    db: &Db,
    id: i64,
    f: &SchoolFields<'_>,
    now: DateTime<Utc>,
) -> Result<(), sqlx::Error> {
    let (lat, lng) = f.coordinates.unzip();
    on_db!(db, p => sqlx::query(
        "UPDATE orgs SET name = $1, school_type = $2, address = $3, latitude = $4, longitude = $5, \
         principal_name = $6, phone = $7, updated_at = $8 WHERE id = $9 AND kind = 'school'")
        .bind(f.name).bind(f.school_type).bind(f.address).bind(lat).bind(lng)
        .bind(f.principal_name).bind(f.phone).bind(now).bind(id)
        .execute(p).await.map(|r| r.rows_affected()))?;
    Ok(())
}

/// Schools within reach, optionally filtered by a word in the name or address; schools before
/// kindergartens, then by name.
pub async fn list_schools(db: &Db, within: &Within<'_>, query: &str) -> Result<Vec<SchoolRow>> {
    let word = format!(
        "%{}%",
        query.trim().to_lowercase().replace('\\', "\\\\").replace('%', "\\%").replace('_', "\\_")
    );
    let filter = "(LOWER(s.name) LIKE $2 ESCAPE '\\' OR LOWER(s.address) LIKE $2 ESCAPE '\\') \
                  ORDER BY s.school_type = 'kindergarten', s.name";
    Ok(match within {
        Within::Path(path) => {
            let sql = format!("{SELECT_SCHOOL} AND s.path >= $1 AND s.path < $3 AND {filter}");
            on_db!(db, p => sqlx::query_as::<_, SchoolRow>(sqlx::AssertSqlSafe(sql))
                .bind(*path).bind(word).bind(super::path_end(path)).fetch_all(p).await?)
        }
        Within::School(id) => {
            let sql = format!("{SELECT_SCHOOL} AND s.id = $1 AND {filter}");
            on_db!(db, p => sqlx::query_as::<_, SchoolRow>(sqlx::AssertSqlSafe(sql))
                .bind(*id).bind(word).fetch_all(p).await?)
        }
    })
}

pub async fn get_school(db: &Db, id: i64) -> Result<Option<SchoolRow>> {
    let sql = format!("{SELECT_SCHOOL} AND s.id = $1");
    Ok(
        on_db!(db, p => sqlx::query_as::<_, SchoolRow>(sqlx::AssertSqlSafe(sql)).bind(id).fetch_optional(p).await?),
    )
}

pub async fn count_schools_under(db: &Db, path: &str) -> Result<i64> {
    Ok(on_db!(db, p => sqlx::query_scalar::<_, i64>(
        "SELECT COUNT(*) FROM orgs WHERE kind = 'school' AND path >= $1 AND path < $2")
        .bind(path).bind(super::path_end(path)).fetch_one(p).await?))
}

pub async fn count_all(db: &Db) -> Result<i64> {
    Ok(
        on_db!(db, p => sqlx::query_scalar::<_, i64>("SELECT COUNT(*) FROM orgs").fetch_one(p).await?),
    )
}

/// The first bureau of the tree, for command-line tools that add accounts to it.
pub async fn top_bureau(db: &Db) -> Result<Option<(i64, String, String)>> {
    Ok(on_db!(db, p => sqlx::query_as::<_, (i64, String, String)>(
        "SELECT id, name, path FROM orgs WHERE kind = 'bureau' AND parent_id IS NULL ORDER BY id LIMIT 1")
        .fetch_optional(p).await?))
}
