//! Hazards and their append-only, hash-chained events.

use super::{Db, on_db};
use crate::error::Result;
use chrono::{DateTime, NaiveDate, Utc};

/// A hazard as first reported, with its first event.
#[derive(Clone, Debug)]
pub struct NewHazard {
    pub id: String,
    pub school_id: i64,
    pub inspection_id: Option<String>,
    pub item_id: Option<i64>,
    pub title: String,
    pub description: String,
    pub level: &'static str,
    pub found_on: NaiveDate,
    pub deadline: NaiveDate,
    pub reported_by: i64,
    pub reporter_org_id: i64,
    pub photos: Vec<String>,
    pub event: NewEvent,
}

/// One event of a hazard's history, its hash already computed over the previous one.
#[derive(Clone, Debug)]
pub struct NewEvent {
    pub seq: i32,
    pub event_id: String,
    pub action: &'static str,
    pub actor_id: i64,
    pub at: DateTime<Utc>,
    pub from_status: Option<&'static str>,
    pub to_status: &'static str,
    pub payload: String,
    pub prev_hash: String,
    pub hash: String,
}

/// Inserts a reported hazard, its photo references and its first event on an open transaction.
/// Does nothing when a hazard with this id exists (a retried report). Expands once per backend.
macro_rules! insert_new_hazard {
    ($tx:expr, $h:expr, $now:expr) => {{
        let h: &$crate::storage::hazards::NewHazard = $h;
        let inserted = sqlx::query(
            "INSERT INTO hazards (id, school_id, inspection_id, item_id, title, description, level, status, found_on, \
             deadline, reported_by, reporter_org_id, version, created_at, updated_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, 'reported', $8, $9, $10, $11, 1, $12, $12) ON CONFLICT (id) DO NOTHING")
            .bind(&h.id).bind(h.school_id).bind(&h.inspection_id).bind(h.item_id).bind(&h.title).bind(&h.description)
            .bind(h.level).bind(h.found_on).bind(h.deadline).bind(h.reported_by).bind(h.reporter_org_id).bind($now)
            .execute(&mut *$tx).await?.rows_affected() == 1;
        if inserted {
            for sha in &h.photos {
                sqlx::query("INSERT INTO photo_refs (sha256, record_kind, record_id, role) VALUES ($1, 'hazard', $2, 'before') \
                             ON CONFLICT DO NOTHING")
                    .bind(sha).bind(&h.id).execute(&mut *$tx).await?;
            }
            let e = &h.event;
            sqlx::query(
                "INSERT INTO hazard_events (hazard_id, seq, event_id, action, actor_id, at, from_status, to_status, payload, \
                 prev_hash, hash) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)")
                .bind(&h.id).bind(e.seq).bind(&e.event_id).bind(e.action).bind(e.actor_id).bind(e.at)
                .bind(e.from_status).bind(e.to_status).bind(&e.payload).bind(&e.prev_hash).bind(&e.hash)
                .execute(&mut *$tx).await?;
        }
        inserted
    }};
}
pub(crate) use insert_new_hazard;

#[derive(Clone, Debug, sqlx::FromRow)]
pub struct HazardRow {
    pub id: String,
    pub school_id: i64,
    pub school_name: String,
    pub school_path: String,
    pub inspection_id: Option<String>,
    pub item_id: Option<i64>,
    pub title: String,
    pub description: String,
    pub level: String,
    pub status: String,
    pub found_on: NaiveDate,
    pub deadline: NaiveDate,
    pub reported_by: i64,
    pub reporter_name: String,
    pub version: i32,
    pub updated_at: DateTime<Utc>,
}

const SELECT: &str = "SELECT h.id, h.school_id, s.name AS school_name, s.path AS school_path, h.inspection_id, \
     h.item_id, h.title, h.description, h.level, h.status, h.found_on, h.deadline, h.reported_by, \
     u.display_name AS reporter_name, h.version, h.updated_at \
     FROM hazards h JOIN orgs s ON s.id = h.school_id JOIN users u ON u.id = h.reported_by";

/// The hazards an inspection raised.
pub async fn of_inspection(db: &Db, inspection_id: &str) -> Result<Vec<HazardRow>> {
    let sql = format!("{SELECT} WHERE h.inspection_id = $1 ORDER BY h.created_at, h.id");
    Ok(
        on_db!(db, p => sqlx::query_as::<_, HazardRow>(sqlx::AssertSqlSafe(sql)).bind(inspection_id).fetch_all(p).await?),
    )
}

/// Open hazards of one school, overdue and nearest deadline first.
pub async fn open_of_school(db: &Db, school_id: i64) -> Result<Vec<HazardRow>> {
    let sql = format!(
        "{SELECT} WHERE h.school_id = $1 AND h.status IN ('reported', 'rectifying', 'submitted') ORDER BY h.deadline, h.id"
    );
    Ok(
        on_db!(db, p => sqlx::query_as::<_, HazardRow>(sqlx::AssertSqlSafe(sql)).bind(school_id).fetch_all(p).await?),
    )
}

/// Per school under a path: open hazards past their deadline, open major hazards.
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct SchoolRisk {
    pub school_id: i64,
    pub overdue: i64,
    pub open_major: i64,
}

pub async fn risk_by_school(db: &Db, path: &str, today: NaiveDate) -> Result<Vec<SchoolRisk>> {
    Ok(on_db!(db, p => sqlx::query_as::<_, SchoolRisk>(
        "SELECT h.school_id, \
         SUM(CASE WHEN h.deadline < $2 THEN 1 ELSE 0 END) AS overdue, \
         SUM(CASE WHEN h.level = 'major' THEN 1 ELSE 0 END) AS open_major \
         FROM hazards h JOIN orgs s ON s.id = h.school_id \
         WHERE s.path LIKE $1 || '%' AND h.status IN ('reported', 'rectifying', 'submitted') GROUP BY h.school_id")
        .bind(path).bind(today).fetch_all(p).await?))
}

/// The org path of a hazard's school, for access checks.
pub async fn school_path(db: &Db, id: &str) -> Result<Option<String>> {
    Ok(on_db!(db, p => sqlx::query_scalar::<_, String>(
        "SELECT s.path FROM hazards h JOIN orgs s ON s.id = h.school_id WHERE h.id = $1")
        .bind(id).fetch_optional(p).await?))
}
