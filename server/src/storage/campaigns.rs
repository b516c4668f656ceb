//! Campaigns (大会战), their phases and stage-report due dates.

use super::{Db, on_db};
use crate::error::Result;
use app::domain::campaign::CampaignPlan;
use chrono::{DateTime, NaiveDate, Utc};

/// Saves a whole campaign with its phases and due dates in one transaction.
pub async fn insert(db: &Db, bureau_id: i64, c: &CampaignPlan, now: DateTime<Utc>) -> Result<i64> {
    let _writer = db.writer().await;
    on_db!(db, p => {
        let mut tx = p.begin().await?;
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO campaigns (bureau_id, name, starts_on, ends_on, reporting_starts_on, final_summary_due, created_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id")
            .bind(bureau_id).bind(&c.name).bind(c.starts_on).bind(c.ends_on).bind(c.reporting_starts_on)
            .bind(c.final_summary_due).bind(now).fetch_one(&mut *tx).await?;
        for (seq, ph) in (1i32..).zip(&c.phases) {
            sqlx::query("INSERT INTO campaign_phases (campaign_id, seq, name, starts_on, ends_on, expectations) \
                         VALUES ($1, $2, $3, $4, $5, $6)")
                .bind(id).bind(seq).bind(&ph.name).bind(ph.starts_on).bind(ph.ends_on).bind(&ph.expectations)
                .execute(&mut *tx).await?;
        }
        for (seq, due) in (1i32..).zip(&c.stage_reports_due) {
            sqlx::query("INSERT INTO campaign_stage_reports (campaign_id, seq, due_on) VALUES ($1, $2, $3)")
                .bind(id).bind(seq).bind(*due).execute(&mut *tx).await?;
        }
        tx.commit().await?;
        Ok(id)
    })
}

#[derive(Clone, Debug, sqlx::FromRow)]
pub struct CurrentPhase {
    pub campaign_name: String,
    pub phase_name: String,
    pub phase_ends_on: NaiveDate,
}

/// The phase running on `today` in a campaign of the nearest bureau that runs one (`bureau_ids`
/// nearest first).
pub async fn current_phase(
    db: &Db,
    bureau_ids: &[i64],
    today: NaiveDate,
) -> Result<Option<CurrentPhase>> {
    let mut best = None;
    for id in bureau_ids {
        best = on_db!(db, p => sqlx::query_as::<_, CurrentPhase>(
            "SELECT c.name AS campaign_name, ph.name AS phase_name, ph.ends_on AS phase_ends_on \
             FROM campaigns c JOIN campaign_phases ph ON ph.campaign_id = c.id \
             WHERE c.bureau_id = $1 AND ph.starts_on <= $2 AND ph.ends_on >= $2 \
             ORDER BY c.starts_on DESC, ph.seq DESC LIMIT 1")
            .bind(*id).bind(today).fetch_optional(p).await?);
        if best.is_some() {
            break;
        }
    }
    Ok(best)
}

#[derive(Clone, Debug, sqlx::FromRow)]
pub struct CampaignRow {
    pub id: i64,
    pub bureau_id: i64,
    pub bureau_name: String,
    pub bureau_path: String,
    pub name: String,
    pub starts_on: NaiveDate,
    pub ends_on: NaiveDate,
    pub reporting_starts_on: NaiveDate,
    pub final_summary_due: NaiveDate,
}

const SELECT_CAMPAIGN: &str = "SELECT c.id, c.bureau_id, b.name AS bureau_name, b.path AS bureau_path, c.name, \
     c.starts_on, c.ends_on, c.reporting_starts_on, c.final_summary_due FROM campaigns c JOIN orgs b ON b.id = c.bureau_id";

pub async fn get(db: &Db, id: i64) -> Result<Option<CampaignRow>> {
    let sql = format!("{SELECT_CAMPAIGN} WHERE c.id = $1");
    Ok(
        on_db!(db, p => sqlx::query_as::<_, CampaignRow>(sqlx::AssertSqlSafe(sql)).bind(id).fetch_optional(p).await?),
    )
}

/// Campaigns run by any of these bureaus, the latest start first.
pub async fn of_bureaus(db: &Db, bureau_ids: &[i64]) -> Result<Vec<CampaignRow>> {
    let mut all = Vec::new();
    for id in bureau_ids {
        let sql = format!("{SELECT_CAMPAIGN} WHERE c.bureau_id = $1");
        all.extend(on_db!(db, p => sqlx::query_as::<_, CampaignRow>(sqlx::AssertSqlSafe(sql)).bind(*id).fetch_all(p).await?));
    }
    all.sort_by(|a, b| b.starts_on.cmp(&a.starts_on).then(b.id.cmp(&a.id)));
    Ok(all)
}

/// A campaign's phases and stage-report due dates, as it was set up.
pub async fn plan(db: &Db, c: &CampaignRow) -> Result<CampaignPlan> {
    let (phases, dues) = on_db!(db, p => {
        let phases = sqlx::query_as::<_, (String, NaiveDate, NaiveDate, String)>(
            "SELECT name, starts_on, ends_on, expectations FROM campaign_phases WHERE campaign_id = $1 ORDER BY seq")
            .bind(c.id).fetch_all(p).await?;
        let dues = sqlx::query_scalar::<_, NaiveDate>(
            "SELECT due_on FROM campaign_stage_reports WHERE campaign_id = $1 ORDER BY seq")
            .bind(c.id).fetch_all(p).await?;
        (phases, dues)
    });
    Ok(CampaignPlan {
        name: c.name.clone(),
        starts_on: c.starts_on,
        ends_on: c.ends_on,
        reporting_starts_on: c.reporting_starts_on,
        stage_reports_due: dues,
        final_summary_due: c.final_summary_due,
        phases: phases
            .into_iter()
            .map(|(name, starts_on, ends_on, expectations)| app::domain::campaign::PhasePlan {
                name,
                starts_on,
                ends_on,
                expectations,
            })
            .collect(),
    })
}
