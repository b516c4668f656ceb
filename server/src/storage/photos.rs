//! Photo metadata; the bytes are in the photo store.

use super::{Db, on_db};
use crate::error::Result;
use chrono::{DateTime, NaiveDateTime, Utc};

#[derive(Clone, Debug, sqlx::FromRow)]
pub struct PhotoRow {
    pub sha256: String,
    pub uploader_id: i64,
    pub school_id: Option<i64>,
    pub format: String,
    pub bytes: i64,
    pub width: i32,
    pub height: i32,
    pub taken_at: Option<NaiveDateTime>,
    pub latitude: Option<f64>,
    pub longitude: Option<f64>,
    pub device_time: Option<DateTime<Utc>>,
    pub received_at: DateTime<Utc>,
    pub clock_skewed: bool,
    pub display_bytes: i32,
    pub thumb_bytes: i32,
}

/// Records a photo once; a second upload of the same bytes changes nothing. Returns whether this
/// call inserted it.
pub async fn insert(db: &Db, p: &PhotoRow) -> Result<bool> {
    Ok(on_db!(db, pool => sqlx::query(
        "INSERT INTO photos (sha256, uploader_id, school_id, format, bytes, width, height, taken_at, latitude, \
         longitude, device_time, received_at, clock_skewed, display_bytes, thumb_bytes) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15) ON CONFLICT (sha256) DO NOTHING")
        .bind(&p.sha256).bind(p.uploader_id).bind(p.school_id).bind(&p.format).bind(p.bytes).bind(p.width)
        .bind(p.height).bind(p.taken_at).bind(p.latitude).bind(p.longitude).bind(p.device_time)
        .bind(p.received_at).bind(p.clock_skewed).bind(p.display_bytes).bind(p.thumb_bytes)
        .execute(pool).await?.rows_affected())
        == 1)
}

pub async fn get(db: &Db, sha256: &str) -> Result<Option<PhotoRow>> {
    Ok(on_db!(db, pool => sqlx::query_as::<_, PhotoRow>(
        "SELECT sha256, uploader_id, school_id, format, bytes, width, height, taken_at, latitude, longitude, \
         device_time, received_at, clock_skewed, display_bytes, thumb_bytes FROM photos WHERE sha256 = $1")
        .bind(sha256).fetch_optional(pool).await?))
}

/// The records that show a photo: (`inspection` | `hazard` | `school`, id).
pub async fn references(db: &Db, sha256: &str) -> Result<Vec<(String, String)>> {
    Ok(on_db!(db, pool => sqlx::query_as::<_, (String, String)>(
        "SELECT record_kind, record_id FROM photo_refs WHERE sha256 = $1 LIMIT 50")
        .bind(sha256).fetch_all(pool).await?))
}

/// Of these addresses, the ones that are stored and were uploaded by `uploader`.
pub async fn owned_by(db: &Db, shas: &[String], uploader: i64) -> Result<Vec<String>> {
    let mut found = Vec::with_capacity(shas.len());
    for sha in shas {
        if get(db, sha).await?.is_some_and(|r| r.uploader_id == uploader) {
            found.push(sha.clone());
        }
    }
    Ok(found)
}

/// Every stored photo's address, for `xiaoan verify`.
pub async fn all_addresses(db: &Db) -> Result<Vec<String>> {
    Ok(
        on_db!(db, pool => sqlx::query_scalar::<_, String>("SELECT sha256 FROM photos ORDER BY sha256")
        .fetch_all(pool).await?),
    )
}
