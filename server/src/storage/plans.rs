//! Inspection plans: which schools, when, who. Sealed from schools; see `service::plans`.

use super::{Db, on_db};
use crate::error::Result;
use chrono::{DateTime, NaiveDate, Utc};

#[derive(Clone, Debug, sqlx::FromRow)]
pub struct PlanRow {
    pub id: String,
    pub bureau_id: i64,
    pub bureau_path: String,
    pub kind: String,
    pub starts_on: NaiveDate,
    pub ends_on: NaiveDate,
    pub note: String,
    pub draw_seed: Option<i64>,
    pub cancelled: bool,
    pub created_by: i64,
    pub updated_at: DateTime<Utc>,
}

const SELECT: &str = "SELECT p.id, p.bureau_id, b.path AS bureau_path, p.kind, p.starts_on, p.ends_on, p.note, \
     p.draw_seed, p.cancelled, p.created_by, p.updated_at FROM inspection_plans p JOIN orgs b ON b.id = p.bureau_id";

pub async fn get(db: &Db, id: &str) -> Result<Option<PlanRow>> {
    let sql = format!("{SELECT} WHERE p.id = $1");
    Ok(
        on_db!(db, p => sqlx::query_as::<_, PlanRow>(sqlx::AssertSqlSafe(sql)).bind(id).fetch_optional(p).await?),
    )
}

/// Plans of bureaus under `path`, the soonest first.
pub async fn list(db: &Db, path: &str) -> Result<Vec<PlanRow>> {
    let sql = format!(
        "{SELECT} WHERE {} ORDER BY p.cancelled, p.starts_on, p.id",
        super::under("b.path", 1)
    );
    let (from, until) = super::under_bounds(path);
    Ok(on_db!(db, p => sqlx::query_as::<_, PlanRow>(sqlx::AssertSqlSafe(sql))
        .bind(&from).bind(&until).fetch_all(p).await?))
}

#[derive(Clone, Debug, sqlx::FromRow)]
pub struct Named {
    pub plan_id: String,
    pub id: i64,
    pub name: String,
}

/// The schools and the team of each plan in `ids`.
pub async fn schools_and_members(db: &Db, ids: &[String]) -> Result<(Vec<Named>, Vec<Named>)> {
    if ids.is_empty() {
        return Ok((Vec::new(), Vec::new()));
    }
    let mut schools = Vec::new();
    let mut members = Vec::new();
    for id in ids {
        let (s, m) = on_db!(db, p => {
            let s = sqlx::query_as::<_, Named>(
                "SELECT ps.plan_id, o.id, o.name FROM plan_schools ps JOIN orgs o ON o.id = ps.school_id \
                 WHERE ps.plan_id = $1 ORDER BY o.name")
                .bind(id).fetch_all(p).await?;
            let m = sqlx::query_as::<_, Named>(
                "SELECT pm.plan_id, u.id, u.display_name AS name FROM plan_members pm JOIN users u ON u.id = pm.user_id \
                 WHERE pm.plan_id = $1 ORDER BY u.display_name")
                .bind(id).fetch_all(p).await?;
            (s, m)
        });
        schools.extend(s);
        members.extend(m);
    }
    Ok((schools, members))
}

pub struct PlanWrite<'a> {
    pub id: &'a str,
    pub bureau_id: i64,
    pub kind: &'a str,
    pub starts_on: NaiveDate,
    pub ends_on: NaiveDate,
    pub note: &'a str,
    pub draw_seed: Option<i64>,
    pub cancelled: bool,
    pub created_by: i64,
    pub school_ids: &'a [i64],
    pub member_ids: &'a [i64],
}

/// Creates or replaces a plan with its schools and team, in one transaction. Returns whether
/// it was created.
pub async fn put(db: &Db, w: &PlanWrite<'_>, now: DateTime<Utc>) -> Result<bool> {
    let _writer = db.writer().await;
    on_db!(db, p => {
        let mut tx = p.begin().await?;
        let created = sqlx::query(
            "INSERT INTO inspection_plans (id, bureau_id, kind, starts_on, ends_on, note, draw_seed, cancelled, created_by, \
             created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $10) \
             ON CONFLICT (id) DO UPDATE SET kind = excluded.kind, starts_on = excluded.starts_on, ends_on = excluded.ends_on, \
             note = excluded.note, draw_seed = excluded.draw_seed, cancelled = excluded.cancelled, updated_at = excluded.updated_at \
             RETURNING (created_at = updated_at)")
            .bind(w.id).bind(w.bureau_id).bind(w.kind).bind(w.starts_on).bind(w.ends_on).bind(w.note).bind(w.draw_seed)
            .bind(w.cancelled).bind(w.created_by).bind(now)
            .fetch_one(&mut *tx).await?;
        let created: bool = sqlx::Row::try_get(&created, 0)?;
        sqlx::query("DELETE FROM plan_schools WHERE plan_id = $1").bind(w.id).execute(&mut *tx).await?;
        sqlx::query("DELETE FROM plan_members WHERE plan_id = $1").bind(w.id).execute(&mut *tx).await?;
        for s in w.school_ids {
            sqlx::query("INSERT INTO plan_schools (plan_id, school_id) VALUES ($1, $2) ON CONFLICT DO NOTHING")
                .bind(w.id).bind(s).execute(&mut *tx).await?;
        }
        for u in w.member_ids {
            sqlx::query("INSERT INTO plan_members (plan_id, user_id) VALUES ($1, $2) ON CONFLICT DO NOTHING")
                .bind(w.id).bind(u).execute(&mut *tx).await?;
        }
        tx.commit().await?;
        Ok(created)
    })
}

/// Whether a school is in a plan.
pub async fn has_school(db: &Db, plan_id: &str, school_id: i64) -> Result<bool> {
    Ok(on_db!(db, p => sqlx::query_scalar::<_, i64>(
        "SELECT COUNT(*) FROM plan_schools WHERE plan_id = $1 AND school_id = $2")
        .bind(plan_id).bind(school_id).fetch_one(p).await?)
        > 0)
}
