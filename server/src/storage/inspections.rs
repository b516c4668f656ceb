//! Inspections and their answers. Which inspections a caller may see is decided in
//! `service::scope`; this module only turns that decision into SQL.

use super::{Db, on_db};
use crate::error::Result;
use chrono::{DateTime, Utc};

#[derive(Clone, Debug, sqlx::FromRow)]
pub struct InspectionRow {
    pub id: String,
    pub kind: String,
    pub status: String,
    pub school_id: i64,
    pub school_name: String,
    pub school_type: String,
    pub school_path: String,
    pub template_id: i64,
    pub extension_id: Option<i64>,
    pub plan_id: Option<String>,
    pub created_by: i64,
    pub creator_name: String,
    pub note: String,
    pub started_at: Option<DateTime<Utc>>,
    pub finished_at: Option<DateTime<Utc>>,
    pub latitude: Option<f64>,
    pub longitude: Option<f64>,
    pub submitted_at: Option<DateTime<Utc>>,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    pub answered: i64,
    pub failed: i64,
}

#[derive(Clone, Debug, sqlx::FromRow)]
pub struct AnswerRow {
    pub item_id: i64,
    pub outcome: String,
    pub note: String,
    pub photos: String,
    pub hazard: Option<String>,
}

const SELECT: &str = "SELECT i.id, i.kind, i.status, i.school_id, s.name AS school_name, s.school_type, \
     s.path AS school_path, i.template_id, i.extension_id, i.plan_id, i.created_by, u.display_name AS creator_name, \
     i.note, i.started_at, i.finished_at, i.latitude, i.longitude, i.submitted_at, i.created_at, i.updated_at, \
     (SELECT COUNT(*) FROM inspection_answers a WHERE a.inspection_id = i.id) AS answered, \
     (SELECT COUNT(*) FROM inspection_answers a WHERE a.inspection_id = i.id AND a.outcome = 'fail') AS failed \
     FROM inspections i JOIN orgs s ON s.id = i.school_id JOIN users u ON u.id = i.created_by";

/// Who is looking, as the visibility rule needs it.
pub enum Seen<'a> {
    /// A principal: the school's submitted inspections and its self-checks.
    BySchool { school_id: i64, me: i64 },
    /// A bureau role: submitted inspections under this path, and the caller's own drafts.
    ByBureau { path: &'a str, me: i64 },
}

pub async fn get(db: &Db, id: &str) -> Result<Option<InspectionRow>> {
    let sql = format!("{SELECT} WHERE i.id = $1");
    Ok(
        on_db!(db, p => sqlx::query_as::<_, InspectionRow>(sqlx::AssertSqlSafe(sql)).bind(id).fetch_optional(p).await?),
    )
}

/// Newest first, as `seen` may see them, optionally of one school.
pub async fn list(
    db: &Db,
    seen: &Seen<'_>,
    school_id: Option<i64>,
    limit: i64,
) -> Result<Vec<InspectionRow>> {
    const ORDER: &str = "AND ($3 IS NULL OR i.school_id = $3) ORDER BY COALESCE(i.submitted_at, i.updated_at) DESC LIMIT $4";
    Ok(match seen {
        Seen::BySchool { school_id: s, me } => {
            let sql = format!(
                "{SELECT} WHERE i.school_id = $1 \
                 AND (i.status = 'submitted' OR i.kind = 'self_check' OR i.created_by = $2) {ORDER}"
            );
            on_db!(db, p => sqlx::query_as::<_, InspectionRow>(sqlx::AssertSqlSafe(sql))
                .bind(s).bind(me).bind(school_id).bind(limit).fetch_all(p).await?)
        }
        Seen::ByBureau { path, me } => {
            let sql = format!(
                "{SELECT} WHERE ((s.path >= $1 AND s.path < $5 AND i.status = 'submitted') \
                 OR i.created_by = $2) {ORDER}"
            );
            let (from, until) = super::under_bounds(path);
            on_db!(db, p => sqlx::query_as::<_, InspectionRow>(sqlx::AssertSqlSafe(sql))
                .bind(&from).bind(me).bind(school_id).bind(limit).bind(&until).fetch_all(p).await?)
        }
    })
}

pub async fn answers(db: &Db, id: &str) -> Result<Vec<AnswerRow>> {
    Ok(on_db!(db, p => sqlx::query_as::<_, AnswerRow>(
        "SELECT item_id, outcome, note, photos, hazard FROM inspection_answers WHERE inspection_id = $1 ORDER BY item_id")
        .bind(id).fetch_all(p).await?))
}

pub struct DraftWrite<'a> {
    pub id: &'a str,
    pub kind: &'a str,
    pub school_id: i64,
    pub template_id: i64,
    pub extension_id: Option<i64>,
    pub plan_id: Option<String>,
    pub created_by: i64,
    pub note: &'a str,
    pub started_at: Option<DateTime<Utc>>,
    pub answers: Vec<AnswerRow>,
}

/// Creates or replaces a draft with all its answers and photo references, in one transaction.
/// Returns whether it was created. Never touches a submitted inspection.
pub async fn save_draft(db: &Db, d: &DraftWrite<'_>, now: DateTime<Utc>) -> Result<bool> {
    let _writer = db.writer().await;
    on_db!(db, p => {
        let mut tx = p.begin().await?;
        let created = sqlx::query(
            "INSERT INTO inspections (id, kind, status, school_id, template_id, extension_id, plan_id, created_by, note, \
             started_at, created_at, updated_at) VALUES ($1, $2, 'draft', $3, $4, $5, $6, $7, $8, $9, $10, $10) \
             ON CONFLICT (id) DO NOTHING")
            .bind(d.id).bind(d.kind).bind(d.school_id).bind(d.template_id).bind(d.extension_id).bind(&d.plan_id)
            .bind(d.created_by).bind(d.note).bind(d.started_at).bind(now)
            .execute(&mut *tx).await?.rows_affected() == 1;
        if !created {
            let updated = sqlx::query(
                "UPDATE inspections SET note = $2, started_at = COALESCE(started_at, $3), updated_at = $4 \
                 WHERE id = $1 AND status = 'draft'")
                .bind(d.id).bind(d.note).bind(d.started_at).bind(now).execute(&mut *tx).await?.rows_affected();
            if updated == 0 {
                return Err(app::error::AppError::Rule(app::domain::Rule::AlreadySubmitted).into());
            }
        }
        sqlx::query("DELETE FROM inspection_answers WHERE inspection_id = $1").bind(d.id).execute(&mut *tx).await?;
        sqlx::query("DELETE FROM photo_refs WHERE record_kind = 'inspection' AND record_id = $1")
            .bind(d.id).execute(&mut *tx).await?;
        for a in &d.answers {
            sqlx::query("INSERT INTO inspection_answers (inspection_id, item_id, outcome, note, photos, hazard) \
                         VALUES ($1, $2, $3, $4, $5, $6)")
                .bind(d.id).bind(a.item_id).bind(&a.outcome).bind(&a.note).bind(&a.photos).bind(&a.hazard)
                .execute(&mut *tx).await?;
        }
        let shas: Vec<String> = d.answers.iter()
            .flat_map(|a| serde_json::from_str::<Vec<String>>(&a.photos).unwrap_or_default())
            .collect();
        for sha in shas {
            sqlx::query("INSERT INTO photo_refs (sha256, record_kind, record_id) VALUES ($1, 'inspection', $2) \
                         ON CONFLICT DO NOTHING")
                .bind(sha).bind(d.id).execute(&mut *tx).await?;
        }
        tx.commit().await?;
        Ok(created)
    })
}

pub struct SubmitWrite {
    pub latitude: Option<f64>,
    pub longitude: Option<f64>,
    pub finished_at: Option<DateTime<Utc>>,
    pub hazards: Vec<super::hazards::NewHazard>,
    /// Who is told of each new hazard (user, hazard id), written with it.
    pub notify: Vec<(i64, String)>,
    /// Outbound webhook deliveries (event, payload), queued with it.
    pub webhooks: Vec<(String, String)>,
}

/// Submits a draft and reports the hazards it raised, in one transaction. Returns false when the
/// inspection was no longer a draft (a repeated submit changes nothing).
pub async fn submit(db: &Db, id: &str, w: &SubmitWrite, now: DateTime<Utc>) -> Result<bool> {
    let _writer = db.writer().await;
    on_db!(db, p => {
        let mut tx = p.begin().await?;
        let n = sqlx::query(
            "UPDATE inspections SET status = 'submitted', submitted_at = $2, latitude = $3, longitude = $4, \
             finished_at = $5, updated_at = $2 WHERE id = $1 AND status = 'draft'")
            .bind(id).bind(now).bind(w.latitude).bind(w.longitude).bind(w.finished_at)
            .execute(&mut *tx).await?.rows_affected();
        if n == 0 {
            return Ok(false);
        }
        let mut tallies = super::hazards::Tallies::default();
        for h in &w.hazards {
            let _ = super::hazards::insert_new_hazard!(tx, h, now, &mut tallies);
        }
        for (user, hazard) in &w.notify {
            sqlx::query("INSERT INTO notifications (user_id, hazard_id, kind, created_at) VALUES ($1, $2, 'hazard_reported', $3)")
                .bind(user).bind(hazard).bind(now).execute(&mut *tx).await?;
        }
        for (event, payload) in &w.webhooks {
            sqlx::query("INSERT INTO webhook_deliveries (event, payload, created_at, next_attempt_at) VALUES ($1, $2, $3, $3)")
                .bind(event).bind(payload).bind(now).execute(&mut *tx).await?;
        }
        super::hazards::write_tallies!(tx, &tallies);
        tx.commit().await?;
        Ok(true)
    })
}

/// Days since each school's last submitted bureau inspection, for the plan suggestions.
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct LastVisit {
    pub school_id: i64,
    pub last: Option<DateTime<Utc>>,
}

pub async fn last_visits(db: &Db, path: &str) -> Result<Vec<LastVisit>> {
    Ok(on_db!(db, p => sqlx::query_as::<_, LastVisit>(
        "SELECT s.id AS school_id, MAX(i.submitted_at) AS last FROM orgs s \
         LEFT JOIN inspections i ON i.school_id = s.id AND i.status = 'submitted' AND i.kind <> 'self_check' \
         WHERE s.kind = 'school' AND s.path >= $1 AND s.path < $2 GROUP BY s.id")
        .bind(path).bind(super::path_end(path)).fetch_all(p).await?))
}
