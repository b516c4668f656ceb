//! Campaigns (大会战), their phases and stage-report due dates.

use super::{Db, on_db};
use crate::error::Result;
use app::domain::campaign::CampaignPlan;
use chrono::{DateTime, NaiveDate, Utc};

/// Saves a whole campaign with its phases and due dates in one transaction.
pub async fn insert(db: &Db, bureau_id: i64, c: &CampaignPlan, now: DateTime<Utc>) -> Result<i64> {
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
