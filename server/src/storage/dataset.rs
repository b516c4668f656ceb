//! Bulk writes for the dataset generator: many rows per statement, one transaction per batch.

use super::{Db, on_db};
use crate::error::Result;
use chrono::{DateTime, NaiveDate, Utc};

/// A hazard as the generator makes it: its row, already in its final state.
pub struct GenHazard {
    pub id: String,
    pub school_id: i64,
    /// The school's bureau (its parent org).
    pub bureau_id: i64,
    pub title: String,
    pub level: &'static str,
    pub status: &'static str,
    pub found_on: NaiveDate,
    pub deadline: NaiveDate,
    pub reported_by: i64,
    pub reporter_org_id: i64,
    pub version: i32,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub closed_at: Option<DateTime<Utc>>,
    pub area: &'static str,
    pub plan_funds_cents: Option<i64>,
    pub planned_on: Option<NaiveDate>,
    pub rectified_on: Option<NaiveDate>,
    pub closed_on: Option<NaiveDate>,
    pub voided_on: Option<NaiveDate>,
}

/// One event of a generated hazard's chain.
pub struct GenEvent {
    pub hazard_id: String,
    pub event: super::hazards::NewEvent,
}

/// A submitted inspection with a few passed answers.
pub struct GenInspection {
    pub id: String,
    pub kind: &'static str,
    pub school_id: i64,
    pub template_id: i64,
    pub created_by: i64,
    pub submitted_at: DateTime<Utc>,
}

/// An enforcement measure or accountability action.
pub struct GenRecord {
    pub id: String,
    pub category: &'static str,
    pub kind: String,
    pub school_id: i64,
    pub persons_count: i32,
    pub taken_on: NaiveDate,
    pub created_by: i64,
    pub created_at: DateTime<Utc>,
}

/// Writes one batch in one transaction: hazards, their events, inspections with `answers` (item
/// ids, all passed) and records.
pub async fn write_batch(
    db: &Db,
    hazards: &[GenHazard],
    events: &[GenEvent],
    inspections: &[GenInspection],
    answer_items: &[i64],
    records: &[GenRecord],
) -> Result<()> {
    let _writer = db.writer().await;
    on_db!(db, p => {
        let mut tx = p.begin().await?;
        for chunk in hazards.chunks(400) {
            let mut b = sqlx::QueryBuilder::new(
                "INSERT INTO hazards (id, school_id, title, level, status, found_on, deadline, reported_by, reporter_org_id, \
                 version, created_at, updated_at, closed_at, area, plan_funds_cents, planned_on, rectified_on, closed_on, voided_on, \
                 bureau_id) ");
            b.push_values(chunk, |mut r, h| {
                r.push_bind(&h.id).push_bind(h.school_id).push_bind(&h.title).push_bind(h.level).push_bind(h.status)
                    .push_bind(h.found_on).push_bind(h.deadline).push_bind(h.reported_by).push_bind(h.reporter_org_id)
                    .push_bind(h.version).push_bind(h.created_at).push_bind(h.updated_at).push_bind(h.closed_at)
                    .push_bind(h.area).push_bind(h.plan_funds_cents).push_bind(h.planned_on).push_bind(h.rectified_on)
                    .push_bind(h.closed_on).push_bind(h.voided_on).push_bind(h.bureau_id);
            });
            b.build().execute(&mut *tx).await?;
        }
        let mut tallies = super::hazards::Tallies::default();
        for h in hazards {
            tallies.add(h.bureau_id, h.status, Some(h.area), h.level, 1);
        }
        super::hazards::write_tallies!(tx, &tallies);
        for chunk in events.chunks(1000) {
            let mut b = sqlx::QueryBuilder::new(
                "INSERT INTO hazard_events (hazard_id, seq, event_id, action, actor_id, at, from_status, to_status, payload, \
                 prev_hash, hash) ");
            b.push_values(chunk, |mut r, GenEvent { hazard_id, event: e }| {
                r.push_bind(hazard_id).push_bind(e.seq).push_bind(&e.event_id).push_bind(e.action).push_bind(e.actor_id)
                    .push_bind(e.at).push_bind(e.from_status).push_bind(e.to_status).push_bind(&e.payload)
                    .push_bind(&e.prev_hash).push_bind(&e.hash);
            });
            b.build().execute(&mut *tx).await?;
        }
        for chunk in inspections.chunks(1000) {
            let mut b = sqlx::QueryBuilder::new(
                "INSERT INTO inspections (id, kind, status, school_id, template_id, created_by, started_at, finished_at, \
                 submitted_at, created_at, updated_at) ");
            b.push_values(chunk, |mut r, i| {
                r.push_bind(&i.id).push_bind(i.kind).push_bind("submitted").push_bind(i.school_id).push_bind(i.template_id)
                    .push_bind(i.created_by).push_bind(i.submitted_at).push_bind(i.submitted_at).push_bind(i.submitted_at)
                    .push_bind(i.submitted_at).push_bind(i.submitted_at);
            });
            b.build().execute(&mut *tx).await?;
            if !answer_items.is_empty() {
                let pairs: Vec<(&str, i64)> =
                    chunk.iter().flat_map(|i| answer_items.iter().map(move |item| (i.id.as_str(), *item))).collect();
                for part in pairs.chunks(2000) {
                    let mut b = sqlx::QueryBuilder::new("INSERT INTO inspection_answers (inspection_id, item_id, outcome) ");
                    b.push_values(part, |mut r, (id, item)| {
                        r.push_bind(*id).push_bind(*item).push_bind("pass");
                    });
                    b.build().execute(&mut *tx).await?;
                }
            }
        }
        for chunk in records.chunks(1000) {
            let mut b = sqlx::QueryBuilder::new(
                "INSERT INTO enforcement_records (id, category, kind, school_id, persons_count, taken_on, created_by, created_at) ");
            b.push_values(chunk, |mut r, e| {
                r.push_bind(&e.id).push_bind(e.category).push_bind(&e.kind).push_bind(e.school_id)
                    .push_bind(e.persons_count).push_bind(e.taken_on).push_bind(e.created_by).push_bind(e.created_at);
            });
            b.build().execute(&mut *tx).await?;
        }
        tx.commit().await?;
        Ok(())
    })
}

/// Inserts users sharing one password hash, in one transaction; returns their ids in order.
pub async fn insert_users(
    db: &Db,
    users: &[(String, String, &'static str, i64)],
    password_hash: &str,
    now: DateTime<Utc>,
) -> Result<Vec<i64>> {
    let _writer = db.writer().await;
    on_db!(db, p => {
        let mut tx = p.begin().await?;
        let mut ids = Vec::with_capacity(users.len());
        for (username, name, role, org) in users {
            let id: i64 = sqlx::query_scalar(
                "INSERT INTO users (username, display_name, role, org_id, password_hash, created_at, updated_at) \
                 VALUES ($1, $2, $3, $4, $5, $6, $6) RETURNING id")
                .bind(username).bind(name).bind(*role).bind(*org).bind(password_hash).bind(now)
                .fetch_one(&mut *tx).await?;
            ids.push(id);
        }
        tx.commit().await?;
        Ok(ids)
    })
}

/// After a bulk load, PostgreSQL's planner needs fresh statistics: without them it guesses a
/// hundred events per hazard and hashes the whole users table to name their actors (8 ms for
/// a hazard's events instead of 0.1). And index-only scans (the counts per status of a page)
/// need the visibility map that VACUUM writes: without it each counted row is read from the
/// table as well. Autovacuum would get there in time; a benchmark cannot wait for it. SQLite is
/// left as a deployment runs it, with no statistics table.
pub async fn analyze(db: &Db) -> Result<()> {
    if let Db::Postgres(p) = db {
        sqlx::raw_sql("VACUUM ANALYZE").execute(p).await?;
    }
    Ok(())
}
