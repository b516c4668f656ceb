//! The three tables' queries (one row per institution, summed into 学校 / 幼儿园 / 合计 by the
//! service), school submissions, and the dashboard's figures. Windows are China days
//! `[from, until)`; a hazard's loop days (`found_on`, `rectified_on`, `closed_on`, …) are China
//! days too, so a period's boundary is a date comparison, and inspections are counted by the
//! instant they were submitted, compared with the window's bounds at 00:00 in China.

use super::orgs::Within;
use super::{Db, on_db};
use crate::error::Result;
use app::domain::report::{HazardStats, Window};
use app::domain::time::china;
use chrono::{DateTime, NaiveDate, Utc};

/// 00:00 in China on `day`, as an instant.
pub fn china_midnight(day: NaiveDate) -> DateTime<Utc> {
    day.and_hms_opt(0, 0, 0)
        .and_then(|t| t.and_local_timezone(china()).single())
        .map_or_else(|| day.and_time(chrono::NaiveTime::MIN).and_utc(), |t| t.with_timezone(&Utc))
}

/// The schools-in-scope condition on the alias `s` of `orgs`, from placeholder `$n` on (a path
/// range takes two), and its values.
fn scope(within: &Within<'_>, n: usize) -> (String, Scope) {
    match within {
        Within::Path(path) => (super::under("s.path", n), Scope::Path(super::under_bounds(path))),
        Within::School(id) => (format!("s.id = ${n}"), Scope::School(*id)),
    }
}

enum Scope {
    Path((String, String)),
    School(i64),
    Bureau(i64),
}

/// Binds the scope values (always the last placeholders of these queries).
macro_rules! bind_scope {
    ($q:expr, $scope:expr) => {
        match $scope {
            Scope::Path((from, until)) => $q.bind(from.clone()).bind(until.clone()),
            Scope::School(id) | Scope::Bureau(id) => $q.bind(*id),
        }
    };
}

#[derive(sqlx::FromRow)]
struct HazardCounts {
    school_id: i64,
    open_at_start: i64,
    found_general: i64,
    found_major: i64,
    rectified: i64,
    closed: i64,
    voided: i64,
    open_at_end: i64,
    overdue_open: i64,
    found_closed_by_end: i64,
    found_voided_by_end: i64,
    funds_cents: i64,
}

#[derive(sqlx::FromRow)]
struct InspectionCounts {
    school_id: i64,
    self_checks: i64,
    supervisions: i64,
    unannounced: i64,
}

/// Table 1's figures for each school in scope that has any (schools without are absent).
pub async fn hazard_stats(
    db: &Db,
    within: &Within<'_>,
    w: Window,
) -> Result<Vec<(i64, HazardStats)>> {
    // Open at day d: found before d, and neither closed nor voided before d.
    const OPEN_AT_FROM: &str = "h.found_on < $1 AND (h.closed_on IS NULL OR h.closed_on >= $1) \
         AND (h.voided_on IS NULL OR h.voided_on >= $1)";
    const OPEN_AT_UNTIL: &str = "h.found_on < $2 AND (h.closed_on IS NULL OR h.closed_on >= $2) \
         AND (h.voided_on IS NULL OR h.voided_on >= $2)";
    const FOUND: &str = "h.found_on >= $1 AND h.found_on < $2";
    let sum = |cond: &str| format!("CAST(SUM(CASE WHEN {cond} THEN 1 ELSE 0 END) AS BIGINT)");
    // A county's hazards by their bureau (`hazards.bureau_id`), without joining the schools.
    let (tables, cond, hazards_scope) = match super::hazards::sole_bureau(db, within).await? {
        Some(b) => ("hazards h", "h.bureau_id = $3".to_owned(), Scope::Bureau(b)),
        None => {
            let (cond, value) = scope(within, 3);
            ("hazards h JOIN orgs s ON s.id = h.school_id", cond, value)
        }
    };
    // Only hazards that touch the window: found before its end and not gone before its start.
    let hazards_sql = format!(
        "SELECT h.school_id, {} AS open_at_start, {} AS found_general, {} AS found_major, \
         {} AS rectified, {} AS closed, {} AS voided, {} AS open_at_end, {} AS overdue_open, \
         {} AS found_closed_by_end, {} AS found_voided_by_end, \
         CAST(SUM(CASE WHEN h.planned_on >= $1 AND h.planned_on < $2 THEN COALESCE(h.plan_funds_cents, 0) ELSE 0 END) AS BIGINT) AS funds_cents \
         FROM {tables} \
         WHERE h.found_on < $2 AND (h.closed_on IS NULL OR h.closed_on >= $1) \
         AND (h.voided_on IS NULL OR h.voided_on >= $1) AND {cond} GROUP BY h.school_id",
        sum(OPEN_AT_FROM),
        sum(&format!("{FOUND} AND h.level = 'general'")),
        sum(&format!("{FOUND} AND h.level = 'major'")),
        sum("h.rectified_on >= $1 AND h.rectified_on < $2"),
        sum("h.closed_on >= $1 AND h.closed_on < $2"),
        sum("h.voided_on >= $1 AND h.voided_on < $2"),
        sum(OPEN_AT_UNTIL),
        sum(&format!("{OPEN_AT_UNTIL} AND h.deadline < $2")),
        sum(&format!("{FOUND} AND h.closed_on < $2")),
        sum(&format!("{FOUND} AND h.voided_on < $2")),
    );
    let (cond, scope_value) = scope(within, 3);
    let inspections_sql = format!(
        "SELECT i.school_id, \
         CAST(SUM(CASE WHEN i.kind = 'self_check' THEN 1 ELSE 0 END) AS BIGINT) AS self_checks, \
         CAST(SUM(CASE WHEN i.kind = 'supervision' THEN 1 ELSE 0 END) AS BIGINT) AS supervisions, \
         CAST(SUM(CASE WHEN i.kind = 'unannounced' THEN 1 ELSE 0 END) AS BIGINT) AS unannounced \
         FROM inspections i JOIN orgs s ON s.id = i.school_id \
         WHERE i.status = 'submitted' AND i.submitted_at >= $1 AND i.submitted_at < $2 AND {cond} \
         GROUP BY i.school_id"
    );
    let (from_i, until_i) = (china_midnight(w.from), china_midnight(w.until));
    let (hz, ins) = on_db!(db, p => {
        let q = sqlx::query_as::<_, HazardCounts>(sqlx::AssertSqlSafe(hazards_sql)).bind(w.from).bind(w.until);
        let hz = bind_scope!(q, &hazards_scope).fetch_all(p).await?;
        let q = sqlx::query_as::<_, InspectionCounts>(sqlx::AssertSqlSafe(inspections_sql)).bind(from_i).bind(until_i);
        let ins = bind_scope!(q, &scope_value).fetch_all(p).await?;
        (hz, ins)
    });
    let mut out: std::collections::BTreeMap<i64, HazardStats> = std::collections::BTreeMap::new();
    for h in hz {
        let s = out.entry(h.school_id).or_default();
        s.open_at_start = h.open_at_start;
        s.found_general = h.found_general;
        s.found_major = h.found_major;
        s.rectified = h.rectified;
        s.closed = h.closed;
        s.voided = h.voided;
        s.open_at_end = h.open_at_end;
        s.overdue_open = h.overdue_open;
        s.found_closed_by_end = h.found_closed_by_end;
        s.found_voided_by_end = h.found_voided_by_end;
        s.funds_cents = h.funds_cents;
    }
    for i in ins {
        let s = out.entry(i.school_id).or_default();
        s.self_checks = i.self_checks;
        s.supervisions = i.supervisions;
        s.unannounced = i.unannounced;
        s.inspected = i64::from(i.self_checks + i.supervisions + i.unannounced > 0);
    }
    Ok(out.into_iter().collect())
}

/// Enforcement records of a category taken in the window: (school, kind, records, persons).
pub async fn kind_counts(
    db: &Db,
    within: &Within<'_>,
    category: &str,
    w: Window,
) -> Result<Vec<(i64, String, i64, i64)>> {
    let (cond, scope_value) = scope(within, 4);
    let sql = format!(
        "SELECT e.school_id, e.kind, COUNT(*), CAST(SUM(e.persons_count) AS BIGINT) \
         FROM enforcement_records e JOIN orgs s ON s.id = e.school_id \
         WHERE e.category = $1 AND e.taken_on >= $2 AND e.taken_on < $3 AND {cond} \
         GROUP BY e.school_id, e.kind ORDER BY e.school_id, e.kind"
    );
    Ok(on_db!(db, p => {
        let q = sqlx::query_as::<_, (i64, String, i64, i64)>(sqlx::AssertSqlSafe(sql))
            .bind(category).bind(w.from).bind(w.until);
        bind_scope!(q, &scope_value).fetch_all(p).await?
    }))
}

/// Accidents in the window: (count, injured, dead).
pub async fn accident_totals(db: &Db, within: &Within<'_>, w: Window) -> Result<(i64, i64, i64)> {
    let (cond, scope_value) = scope(within, 3);
    let sql = format!(
        "SELECT COUNT(*), CAST(COALESCE(SUM(a.injured), 0) AS BIGINT), CAST(COALESCE(SUM(a.dead), 0) AS BIGINT) \
         FROM accidents a JOIN orgs s ON s.id = a.school_id \
         WHERE a.occurred_on >= $1 AND a.occurred_on < $2 AND {cond}"
    );
    Ok(on_db!(db, p => {
        let q = sqlx::query_as::<_, (i64, i64, i64)>(sqlx::AssertSqlSafe(sql)).bind(w.from).bind(w.until);
        bind_scope!(q, &scope_value).fetch_one(p).await?
    }))
}

#[derive(Clone, Debug, sqlx::FromRow)]
pub struct SubmissionRow {
    pub id: String,
    pub campaign_id: i64,
    pub school_id: i64,
    pub kind: String,
    pub seq: i32,
    pub note: String,
    pub numbers: String,
    pub attachments: String,
    pub submitted_by: i64,
    pub submitter_name: String,
    pub submitted_at: DateTime<Utc>,
}

const SELECT_SUBMISSION: &str = "SELECT x.id, x.campaign_id, x.school_id, x.kind, x.seq, x.note, x.numbers, \
     x.attachments, x.submitted_by, u.display_name AS submitter_name, x.submitted_at \
     FROM submissions x JOIN users u ON u.id = x.submitted_by";

pub async fn submission(db: &Db, id: &str) -> Result<Option<SubmissionRow>> {
    let sql = format!("{SELECT_SUBMISSION} WHERE x.id = $1");
    Ok(
        on_db!(db, p => sqlx::query_as::<_, SubmissionRow>(sqlx::AssertSqlSafe(sql)).bind(id).fetch_optional(p).await?),
    )
}

/// Every submission to a campaign by schools in scope.
pub async fn submissions(
    db: &Db,
    campaign_id: i64,
    within: &Within<'_>,
) -> Result<Vec<SubmissionRow>> {
    let (cond, scope_value) = scope(within, 2);
    let sql = format!(
        "{SELECT_SUBMISSION} JOIN orgs s ON s.id = x.school_id WHERE x.campaign_id = $1 AND {cond} \
         ORDER BY x.school_id, x.kind, x.seq"
    );
    Ok(on_db!(db, p => {
        let q = sqlx::query_as::<_, SubmissionRow>(sqlx::AssertSqlSafe(sql)).bind(campaign_id);
        bind_scope!(q, &scope_value).fetch_all(p).await?
    }))
}

pub struct NewSubmission<'a> {
    pub id: &'a str,
    pub campaign_id: i64,
    pub school_id: i64,
    pub kind: &'a str,
    pub seq: i32,
    pub note: &'a str,
    pub numbers: &'a str,
    pub attachments: &'a [String],
    pub submitted_by: i64,
}

/// Files a submission with its photo references, in one transaction. Ok(false) when the school
/// already filed this item (under another id).
pub async fn insert_submission(db: &Db, n: &NewSubmission<'_>, now: DateTime<Utc>) -> Result<bool> {
    let attachments = serde_json::to_string(n.attachments).unwrap_or_else(|_| "[]".into());
    let _writer = db.writer().await;
    on_db!(db, p => {
        let mut tx = p.begin().await?;
        let inserted = sqlx::query(
            "INSERT INTO submissions (id, campaign_id, school_id, kind, seq, note, numbers, attachments, submitted_by, submitted_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) ON CONFLICT DO NOTHING")
            .bind(n.id).bind(n.campaign_id).bind(n.school_id).bind(n.kind).bind(n.seq).bind(n.note)
            .bind(n.numbers).bind(&attachments).bind(n.submitted_by).bind(now)
            .execute(&mut *tx).await?.rows_affected();
        if inserted == 0 {
            return Ok(false);
        }
        for sha in n.attachments {
            sqlx::query("INSERT INTO photo_refs (sha256, record_kind, record_id, role) VALUES ($1, 'school', $2, 'submission') \
                         ON CONFLICT DO NOTHING")
                .bind(sha).bind(n.school_id.to_string()).execute(&mut *tx).await?;
        }
        tx.commit().await?;
        Ok(true)
    })
}

/// Sends a reminder to each of these users once (per `dedupe` key). Returns how many were new.
pub async fn remind(
    db: &Db,
    to: &[(i64, String)],
    detail: &str,
    now: DateTime<Utc>,
) -> Result<u64> {
    let _writer = db.writer().await;
    on_db!(db, p => {
        let mut tx = p.begin().await?;
        let mut sent = 0;
        for (user, dedupe) in to {
            sent += sqlx::query(
                "INSERT INTO notifications (user_id, kind, detail, dedupe, created_at) \
                 VALUES ($1, 'submission_reminder', $2, $3, $4) ON CONFLICT DO NOTHING")
                .bind(user).bind(detail).bind(dedupe).bind(now).execute(&mut *tx).await?.rows_affected();
        }
        tx.commit().await?;
        Ok(sent)
    })
}

/// Open hazards by state, and overdue ones, for the dashboard.
pub async fn open_by_status(
    db: &Db,
    within: &Within<'_>,
    today: NaiveDate,
) -> Result<Vec<(String, i64, i64)>> {
    let (cond, scope_value) = scope(within, 2);
    let sql = format!(
        "SELECT h.status, COUNT(*), CAST(SUM(CASE WHEN h.status IN ('reported', 'rectifying', 'submitted') \
         AND h.deadline < $1 THEN 1 ELSE 0 END) AS BIGINT) \
         FROM hazards h JOIN orgs s ON s.id = h.school_id WHERE {cond} GROUP BY h.status"
    );
    Ok(on_db!(db, p => {
        let q = sqlx::query_as::<_, (String, i64, i64)>(sqlx::AssertSqlSafe(sql)).bind(today);
        bind_scope!(q, &scope_value).fetch_all(p).await?
    }))
}

/// The schools with the most overdue open hazards: (school id, name, overdue), at most `limit`.
pub async fn most_overdue(
    db: &Db,
    within: &Within<'_>,
    today: NaiveDate,
    limit: i64,
) -> Result<Vec<(i64, String, i64)>> {
    let (cond, scope_value) = scope(within, 3);
    let sql = format!(
        "SELECT s.id, s.name, COUNT(*) AS n FROM hazards h JOIN orgs s ON s.id = h.school_id \
         WHERE h.status IN ('reported', 'rectifying', 'submitted') AND h.deadline < $1 AND {cond} \
         GROUP BY s.id, s.name ORDER BY n DESC, s.name LIMIT $2"
    );
    Ok(on_db!(db, p => {
        let q = sqlx::query_as::<_, (i64, String, i64)>(sqlx::AssertSqlSafe(sql)).bind(today).bind(limit);
        bind_scope!(q, &scope_value).fetch_all(p).await?
    }))
}
