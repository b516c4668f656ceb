//! Enforcement records, the responsibility list, activity logs and accidents. Lists of names,
//! items and photos are stored as JSON text; a record's photos are also referenced as the
//! school's evidence (`photo_refs` kind `school`) in the same transaction as the record.

use super::orgs::Within;
use super::{Db, on_db};
use crate::error::Result;
use chrono::{DateTime, NaiveDate, Utc};

/// Adds `AND <school column> ...` for where the caller may look.
macro_rules! push_within {
    ($b:expr, $within:expr, $school_col:literal, $path_col:literal) => {
        match $within {
            Within::Path(path) => super::push_under(&mut $b, $path_col, path),
            Within::School(id) => {
                $b.push(concat!(" AND ", $school_col, " = "));
                $b.push_bind(*id);
            }
        }
    };
}

/// Adds optional `school`, `from` (inclusive) and `until` (exclusive) filters on a date column.
macro_rules! push_range {
    ($b:expr, $school:expr, $from:expr, $until:expr, $school_col:literal, $date_col:literal) => {
        if let Some(v) = $school {
            $b.push(concat!(" AND ", $school_col, " = "));
            $b.push_bind(v);
        }
        if let Some(v) = $from {
            $b.push(concat!(" AND ", $date_col, " >= "));
            $b.push_bind(v);
        }
        if let Some(v) = $until {
            $b.push(concat!(" AND ", $date_col, " < "));
            $b.push_bind(v);
        }
    };
}

/// Inserts photo references of a school's record on an open transaction.
macro_rules! refer_photos {
    ($tx:expr, $shas:expr, $school_id:expr, $role:literal) => {
        for sha in $shas {
            sqlx::query(concat!(
                "INSERT INTO photo_refs (sha256, record_kind, record_id, role) VALUES ($1, 'school', $2, '",
                $role,
                "') ON CONFLICT DO NOTHING"
            ))
            .bind(sha)
            .bind($school_id.to_string())
            .execute(&mut *$tx)
            .await?;
        }
    };
}

// ---- Enforcement records ----

pub struct NewEnforcement<'a> {
    pub id: &'a str,
    pub category: &'static str,
    pub kind: &'a str,
    pub school_id: i64,
    pub hazard_id: Option<&'a str>,
    pub persons: &'a [String],
    pub taken_on: NaiveDate,
    pub doc_no: &'a str,
    pub note: &'a str,
    pub attachments: &'a [String],
    pub created_by: i64,
}

#[derive(Clone, Debug, sqlx::FromRow)]
pub struct EnforcementRow {
    pub id: String,
    pub category: String,
    pub kind: String,
    pub school_id: i64,
    pub school_name: String,
    pub school_path: String,
    pub hazard_id: Option<String>,
    pub hazard_title: Option<String>,
    pub persons: String,
    pub persons_count: i64,
    pub taken_on: NaiveDate,
    pub doc_no: String,
    pub note: String,
    pub attachments: String,
    pub created_by_name: String,
    pub created_at: DateTime<Utc>,
}

const SELECT_ENFORCEMENT: &str = "SELECT r.id, r.category, r.kind, r.school_id, s.name AS school_name, \
     s.path AS school_path, r.hazard_id, h.title AS hazard_title, r.persons, CAST(r.persons_count AS BIGINT) AS persons_count, \
     r.taken_on, r.doc_no, r.note, r.attachments, u.display_name AS created_by_name, r.created_at \
     FROM enforcement_records r JOIN orgs s ON s.id = r.school_id JOIN users u ON u.id = r.created_by \
     LEFT JOIN hazards h ON h.id = r.hazard_id";

/// Records a measure or action with its photo references. Returns false (and writes nothing)
/// when the id is taken.
pub async fn insert_enforcement(
    db: &Db,
    r: &NewEnforcement<'_>,
    now: DateTime<Utc>,
) -> Result<bool> {
    let persons = serde_json::to_string(r.persons).unwrap_or_else(|_| "[]".into());
    let attachments = serde_json::to_string(r.attachments).unwrap_or_else(|_| "[]".into());
    let count = r.persons.len() as i32;
    let _writer = db.writer().await;
    on_db!(db, p => {
        let mut tx = p.begin().await?;
        let created = sqlx::query(
            "INSERT INTO enforcement_records (id, category, kind, school_id, hazard_id, persons, persons_count, taken_on, \
             doc_no, note, attachments, created_by, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13) \
             ON CONFLICT (id) DO NOTHING")
            .bind(r.id).bind(r.category).bind(r.kind).bind(r.school_id).bind(r.hazard_id).bind(&persons).bind(count)
            .bind(r.taken_on).bind(r.doc_no).bind(r.note).bind(&attachments).bind(r.created_by).bind(now)
            .execute(&mut *tx).await?.rows_affected() == 1;
        if created {
            refer_photos!(tx, r.attachments, r.school_id, "evidence");
        }
        tx.commit().await?;
        Ok(created)
    })
}

pub async fn get_enforcement(db: &Db, id: &str) -> Result<Option<EnforcementRow>> {
    let sql = format!("{SELECT_ENFORCEMENT} WHERE r.id = $1");
    Ok(
        on_db!(db, p => sqlx::query_as::<_, EnforcementRow>(sqlx::AssertSqlSafe(sql)).bind(id).fetch_optional(p).await?),
    )
}

pub struct EnforcementQuery<'a> {
    pub within: &'a Within<'a>,
    pub category: Option<&'static str>,
    pub kind: Option<&'a str>,
    pub school: Option<i64>,
    pub from: Option<NaiveDate>,
    pub until: Option<NaiveDate>,
    pub limit: i64,
}

macro_rules! push_enforcement_filters {
    ($b:expr, $q:expr) => {{
        let q: &EnforcementQuery<'_> = $q;
        $b.push(" WHERE 1 = 1");
        push_within!($b, q.within, "r.school_id", "s.path");
        if let Some(v) = q.category {
            $b.push(" AND r.category = ");
            $b.push_bind(v);
        }
        if let Some(v) = q.kind {
            $b.push(" AND r.kind = ");
            $b.push_bind(v.to_owned());
        }
        push_range!($b, q.school, q.from, q.until, "r.school_id", "r.taken_on");
    }};
}

/// Matching records, newest first, with (records, persons, institutions) over all of them.
pub async fn list_enforcement(
    db: &Db,
    q: &EnforcementQuery<'_>,
) -> Result<(Vec<EnforcementRow>, (i64, i64, i64))> {
    Ok(on_db!(db, p => {
        let mut b = sqlx::QueryBuilder::new(SELECT_ENFORCEMENT);
        push_enforcement_filters!(b, q);
        b.push(" ORDER BY r.taken_on DESC, r.created_at DESC, r.id LIMIT ").push_bind(q.limit);
        let rows = b.build_query_as::<EnforcementRow>().fetch_all(p).await?;
        let mut t = sqlx::QueryBuilder::new(
            "SELECT COUNT(*), CAST(COALESCE(SUM(r.persons_count), 0) AS BIGINT), COUNT(DISTINCT r.school_id) \
             FROM enforcement_records r JOIN orgs s ON s.id = r.school_id");
        push_enforcement_filters!(t, q);
        let totals = t.build_query_as::<(i64, i64, i64)>().fetch_one(p).await?;
        (rows, totals)
    }))
}

/// Marks a hazard as a typical case for exposure (or not). Returns whether it exists.
pub async fn set_typical(db: &Db, hazard_id: &str, typical: bool) -> Result<bool> {
    Ok(on_db!(db, p => sqlx::query("UPDATE hazards SET typical = $1 WHERE id = $2")
        .bind(typical).bind(hazard_id).execute(p).await?.rows_affected())
        == 1)
}

pub async fn is_typical(db: &Db, hazard_id: &str) -> Result<bool> {
    Ok(on_db!(db, p => sqlx::query_scalar::<_, bool>("SELECT typical FROM hazards WHERE id = $1")
        .bind(hazard_id).fetch_optional(p).await?)
    .unwrap_or(false))
}

/// The hazards of one school among `ids` (to check that linked hazards are that school's).
pub async fn hazards_of_school(db: &Db, school_id: i64, ids: &[String]) -> Result<Vec<String>> {
    let mut found = Vec::with_capacity(ids.len());
    for id in ids {
        let hit = on_db!(db, p => sqlx::query_scalar::<_, String>(
            "SELECT id FROM hazards WHERE id = $1 AND school_id = $2")
            .bind(id).bind(school_id).fetch_optional(p).await?);
        found.extend(hit);
    }
    Ok(found)
}

// ---- The responsibility list ----

#[derive(Clone, Debug, sqlx::FromRow)]
pub struct DutyListRow {
    pub id: i64,
    pub bureau_id: i64,
    pub bureau_name: String,
    pub title: String,
    pub duties: String,
    pub published_by_name: String,
    pub published_at: DateTime<Utc>,
}

const SELECT_LIST: &str = "SELECT l.id, l.bureau_id, b.name AS bureau_name, l.title, l.duties, \
     u.display_name AS published_by_name, l.published_at FROM duty_lists l JOIN orgs b ON b.id = l.bureau_id \
     JOIN users u ON u.id = l.published_by";

/// The newest list of a bureau.
pub async fn current_list(db: &Db, bureau_id: i64) -> Result<Option<DutyListRow>> {
    let sql = format!(
        "{SELECT_LIST} WHERE l.bureau_id = $1 ORDER BY l.published_at DESC, l.id DESC LIMIT 1"
    );
    Ok(
        on_db!(db, p => sqlx::query_as::<_, DutyListRow>(sqlx::AssertSqlSafe(sql)).bind(bureau_id).fetch_optional(p).await?),
    )
}

pub async fn get_list(db: &Db, id: i64) -> Result<Option<DutyListRow>> {
    let sql = format!("{SELECT_LIST} WHERE l.id = $1");
    Ok(
        on_db!(db, p => sqlx::query_as::<_, DutyListRow>(sqlx::AssertSqlSafe(sql)).bind(id).fetch_optional(p).await?),
    )
}

/// Publishes a new list (the newest is current). Returns its id.
pub async fn publish_list(
    db: &Db,
    bureau_id: i64,
    title: &str,
    duties: &[String],
    by: i64,
    now: DateTime<Utc>,
) -> Result<i64> {
    let duties = serde_json::to_string(duties).unwrap_or_else(|_| "[]".into());
    Ok(on_db!(db, p => sqlx::query_scalar::<_, i64>(
        "INSERT INTO duty_lists (bureau_id, title, duties, published_by, published_at) VALUES ($1, $2, $3, $4, $5) RETURNING id")
        .bind(bureau_id).bind(title).bind(&duties).bind(by).bind(now).fetch_one(p).await?))
}

#[derive(Clone, Debug, sqlx::FromRow)]
pub struct SignatureRow {
    pub list_id: i64,
    pub school_id: i64,
    pub school_name: String,
    pub school_items: String,
    pub signer_name: String,
    pub signed_at: DateTime<Utc>,
    pub content_sha: String,
    pub signature_sha: String,
}

const SELECT_SIGNATURE: &str = "SELECT g.list_id, g.school_id, s.name AS school_name, g.school_items, \
     u.display_name AS signer_name, g.signed_at, g.content_sha, g.signature_sha FROM duty_signatures g \
     JOIN orgs s ON s.id = g.school_id JOIN users u ON u.id = g.signed_by";

/// The signatures of a list within reach, schools before kindergartens, then by name.
pub async fn signatures(db: &Db, list_id: i64, within: &Within<'_>) -> Result<Vec<SignatureRow>> {
    Ok(on_db!(db, p => {
        let mut b = sqlx::QueryBuilder::new(SELECT_SIGNATURE);
        b.push(" WHERE g.list_id = ").push_bind(list_id);
        push_within!(b, within, "g.school_id", "s.path");
        b.push(" ORDER BY s.school_type = 'kindergarten', s.name");
        b.build_query_as::<SignatureRow>().fetch_all(p).await?
    }))
}

pub async fn signature(db: &Db, list_id: i64, school_id: i64) -> Result<Option<SignatureRow>> {
    let sql = format!("{SELECT_SIGNATURE} WHERE g.list_id = $1 AND g.school_id = $2");
    Ok(on_db!(db, p => sqlx::query_as::<_, SignatureRow>(sqlx::AssertSqlSafe(sql))
        .bind(list_id).bind(school_id).fetch_optional(p).await?))
}

pub struct NewSignature<'a> {
    pub list_id: i64,
    pub school_id: i64,
    pub school_items: &'a [String],
    pub content_sha: &'a str,
    pub signature_sha: &'a str,
    pub signed_by: i64,
}

/// Keeps a school's signature of a list with the signature's photo reference. Returns false
/// (and writes nothing) when the school has signed it already.
pub async fn sign(db: &Db, s: &NewSignature<'_>, now: DateTime<Utc>) -> Result<bool> {
    let items = serde_json::to_string(s.school_items).unwrap_or_else(|_| "[]".into());
    let _writer = db.writer().await;
    on_db!(db, p => {
        let mut tx = p.begin().await?;
        let created = sqlx::query(
            "INSERT INTO duty_signatures (list_id, school_id, school_items, content_sha, signature_sha, signed_by, signed_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT (list_id, school_id) DO NOTHING")
            .bind(s.list_id).bind(s.school_id).bind(&items).bind(s.content_sha).bind(s.signature_sha)
            .bind(s.signed_by).bind(now)
            .execute(&mut *tx).await?.rows_affected() == 1;
        if created {
            refer_photos!(tx, [s.signature_sha], s.school_id, "signature");
        }
        tx.commit().await?;
        Ok(created)
    })
}

// ---- Activity logs ----

pub struct NewActivity<'a> {
    pub id: &'a str,
    pub school_id: i64,
    pub kind: &'static str,
    pub held_on: NaiveDate,
    pub title: &'a str,
    pub photo_sha: &'a str,
    pub created_by: i64,
}

#[derive(Clone, Debug, sqlx::FromRow)]
pub struct ActivityRow {
    pub id: String,
    pub school_id: i64,
    pub school_name: String,
    pub school_path: String,
    pub kind: String,
    pub held_on: NaiveDate,
    pub title: String,
    pub photo_sha: String,
    pub created_by_name: String,
    pub created_at: DateTime<Utc>,
}

const SELECT_ACTIVITY: &str = "SELECT a.id, a.school_id, s.name AS school_name, s.path AS school_path, a.kind, \
     a.held_on, a.title, a.photo_sha, u.display_name AS created_by_name, a.created_at \
     FROM activities a JOIN orgs s ON s.id = a.school_id JOIN users u ON u.id = a.created_by";

pub async fn insert_activity(db: &Db, a: &NewActivity<'_>, now: DateTime<Utc>) -> Result<bool> {
    let _writer = db.writer().await;
    on_db!(db, p => {
        let mut tx = p.begin().await?;
        let created = sqlx::query(
            "INSERT INTO activities (id, school_id, kind, held_on, title, photo_sha, created_by, created_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8) ON CONFLICT (id) DO NOTHING")
            .bind(a.id).bind(a.school_id).bind(a.kind).bind(a.held_on).bind(a.title).bind(a.photo_sha)
            .bind(a.created_by).bind(now)
            .execute(&mut *tx).await?.rows_affected() == 1;
        if created {
            refer_photos!(tx, [a.photo_sha], a.school_id, "evidence");
        }
        tx.commit().await?;
        Ok(created)
    })
}

pub async fn get_activity(db: &Db, id: &str) -> Result<Option<ActivityRow>> {
    let sql = format!("{SELECT_ACTIVITY} WHERE a.id = $1");
    Ok(
        on_db!(db, p => sqlx::query_as::<_, ActivityRow>(sqlx::AssertSqlSafe(sql)).bind(id).fetch_optional(p).await?),
    )
}

/// Activities within reach, newest first.
pub async fn list_activities(
    db: &Db,
    within: &Within<'_>,
    school: Option<i64>,
    from: Option<NaiveDate>,
    until: Option<NaiveDate>,
    limit: i64,
) -> Result<Vec<ActivityRow>> {
    Ok(on_db!(db, p => {
        let mut b = sqlx::QueryBuilder::new(SELECT_ACTIVITY);
        b.push(" WHERE 1 = 1");
        push_within!(b, within, "a.school_id", "s.path");
        push_range!(b, school, from, until, "a.school_id", "a.held_on");
        b.push(" ORDER BY a.held_on DESC, a.created_at DESC, a.id LIMIT ").push_bind(limit);
        b.build_query_as::<ActivityRow>().fetch_all(p).await?
    }))
}

/// (school, kind, day) of every activity within reach in `[from, until)`, for compliance.
pub async fn activity_days(
    db: &Db,
    within: &Within<'_>,
    from: NaiveDate,
    until: NaiveDate,
) -> Result<Vec<(i64, String, NaiveDate)>> {
    Ok(on_db!(db, p => {
        let mut b = sqlx::QueryBuilder::new(
            "SELECT a.school_id, a.kind, a.held_on FROM activities a JOIN orgs s ON s.id = a.school_id WHERE 1 = 1");
        push_within!(b, within, "a.school_id", "s.path");
        push_range!(b, None::<i64>, Some(from), Some(until), "a.school_id", "a.held_on");
        b.build_query_as::<(i64, String, NaiveDate)>().fetch_all(p).await?
    }))
}

// ---- Accidents ----

pub struct NewAccident<'a> {
    pub id: &'a str,
    pub school_id: i64,
    pub occurred_on: NaiveDate,
    pub kind: &'static str,
    pub injured: i32,
    pub dead: i32,
    pub summary: &'a str,
    pub hazard_ids: &'a [String],
    pub created_by: i64,
}

#[derive(Clone, Debug, sqlx::FromRow)]
pub struct AccidentRow {
    pub id: String,
    pub school_id: i64,
    pub school_name: String,
    pub school_path: String,
    pub occurred_on: NaiveDate,
    pub kind: String,
    pub injured: i64,
    pub dead: i64,
    pub summary: String,
    pub hazard_ids: String,
    pub created_by_name: String,
    pub created_at: DateTime<Utc>,
}

const SELECT_ACCIDENT: &str = "SELECT a.id, a.school_id, s.name AS school_name, s.path AS school_path, \
     a.occurred_on, a.kind, CAST(a.injured AS BIGINT) AS injured, CAST(a.dead AS BIGINT) AS dead, a.summary, \
     a.hazard_ids, u.display_name AS created_by_name, a.created_at \
     FROM accidents a JOIN orgs s ON s.id = a.school_id JOIN users u ON u.id = a.created_by";

pub async fn insert_accident(db: &Db, a: &NewAccident<'_>, now: DateTime<Utc>) -> Result<bool> {
    let hazards = serde_json::to_string(a.hazard_ids).unwrap_or_else(|_| "[]".into());
    Ok(on_db!(db, p => sqlx::query(
        "INSERT INTO accidents (id, school_id, occurred_on, kind, injured, dead, summary, hazard_ids, created_by, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10) ON CONFLICT (id) DO NOTHING")
        .bind(a.id).bind(a.school_id).bind(a.occurred_on).bind(a.kind).bind(a.injured).bind(a.dead)
        .bind(a.summary).bind(&hazards).bind(a.created_by).bind(now)
        .execute(p).await?.rows_affected())
        == 1)
}

pub async fn get_accident(db: &Db, id: &str) -> Result<Option<AccidentRow>> {
    let sql = format!("{SELECT_ACCIDENT} WHERE a.id = $1");
    Ok(
        on_db!(db, p => sqlx::query_as::<_, AccidentRow>(sqlx::AssertSqlSafe(sql)).bind(id).fetch_optional(p).await?),
    )
}

/// Accidents within reach, newest first.
pub async fn list_accidents(
    db: &Db,
    within: &Within<'_>,
    school: Option<i64>,
    from: Option<NaiveDate>,
    until: Option<NaiveDate>,
    limit: i64,
) -> Result<Vec<AccidentRow>> {
    Ok(on_db!(db, p => {
        let mut b = sqlx::QueryBuilder::new(SELECT_ACCIDENT);
        b.push(" WHERE 1 = 1");
        push_within!(b, within, "a.school_id", "s.path");
        push_range!(b, school, from, until, "a.school_id", "a.occurred_on");
        b.push(" ORDER BY a.occurred_on DESC, a.created_at DESC, a.id LIMIT ").push_bind(limit);
        b.build_query_as::<AccidentRow>().fetch_all(p).await?
    }))
}
