//! Hazards and their append-only, hash-chained events.

use super::{Db, on_db};
use crate::error::Result;
use app::domain::report::Stage;
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
    pub area: Option<&'static str>,
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

/// Appends event `$e` to hazard `$id`'s chain on an open transaction.
macro_rules! insert_event {
    ($tx:expr, $id:expr, $e:expr) => {{
        let e: &$crate::storage::hazards::NewEvent = $e;
        sqlx::query(
            "INSERT INTO hazard_events (hazard_id, seq, event_id, action, actor_id, at, from_status, to_status, payload, \
             prev_hash, hash) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)")
            .bind($id).bind(e.seq).bind(&e.event_id).bind(e.action).bind(e.actor_id).bind(e.at)
            .bind(e.from_status).bind(e.to_status).bind(&e.payload).bind(&e.prev_hash).bind(&e.hash)
            .execute(&mut *$tx).await?;
    }};
}
pub(crate) use insert_event;

/// How many hazards each bureau gains or loses, by (bureau, status, area or '', level), while a
/// transaction inserts hazards or moves them: written last, by [`write_tallies`], in key order,
/// so that two transactions never wait on each other's counters in a cycle.
#[derive(Default)]
pub struct Tallies(std::collections::BTreeMap<TallyKey, i64>);

/// A tally's key: bureau, status, area ('' for none), level.
pub type TallyKey = (i64, String, String, String);

impl Tallies {
    pub fn add(&mut self, bureau: i64, status: &str, area: Option<&str>, level: &str, n: i64) {
        let key =
            (bureau, status.to_owned(), area.unwrap_or_default().to_owned(), level.to_owned());
        *self.0.entry(key).or_default() += n;
    }

    /// The changes, in key order, without the ones that cancel out.
    pub fn changes(&self) -> impl Iterator<Item = (&TallyKey, i64)> {
        self.0.iter().map(|(k, n)| (k, *n)).filter(|(_, n)| *n != 0)
    }

    /// A hazard of `bureau` with this area and level moving from one status to another.
    pub fn moved(&mut self, bureau: i64, from: &str, to: &str, area: Option<&str>, level: &str) {
        if from != to {
            self.add(bureau, from, area, level, -1);
            self.add(bureau, to, area, level, 1);
        }
    }
}

/// Adds `$t` ([`Tallies`]) to the counters on an open transaction, one key at a time in order.
macro_rules! write_tallies {
    ($tx:expr, $t:expr) => {{
        let t: &$crate::storage::hazards::Tallies = $t;
        for ((bureau, status, area, level), n) in t.changes() {
            sqlx::query(
                "INSERT INTO hazard_tallies (bureau_id, status, area, level, n) VALUES ($1, $2, $3, $4, $5) \
                 ON CONFLICT (bureau_id, status, area, level) DO UPDATE SET n = hazard_tallies.n + excluded.n")
                .bind(bureau).bind(status).bind(area).bind(level).bind(n)
                .execute(&mut *$tx).await?;
        }
    }};
}
pub(crate) use write_tallies;

/// A tally that disagrees with the hazards it counts: the key, the tally and the true count.
#[derive(Debug, PartialEq, Eq)]
pub struct TallyDrift {
    pub key: TallyKey,
    pub tallied: i64,
    pub counted: i64,
}

/// Every tally that differs from a count of the hazards themselves (none, unless a write went
/// around [`Tallies`]): for `xiaoan verify` and the tests.
pub async fn tally_drift(db: &Db) -> Result<Vec<TallyDrift>> {
    type Row = (i64, String, String, String, i64);
    let (tallied, counted): (Vec<Row>, Vec<Row>) = on_db!(db, p => (
        sqlx::query_as("SELECT bureau_id, status, area, level, n FROM hazard_tallies WHERE n <> 0")
            .fetch_all(p).await?,
        sqlx::query_as("SELECT bureau_id, status, COALESCE(area, ''), level, COUNT(*) FROM hazards \
                        GROUP BY bureau_id, status, COALESCE(area, ''), level")
            .fetch_all(p).await?,
    ));
    let map = |rows: Vec<Row>| -> std::collections::BTreeMap<_, i64> {
        rows.into_iter().map(|(b, s, a, l, n)| ((b, s, a, l), n)).collect()
    };
    let (tallied, counted) = (map(tallied), map(counted));
    let keys: std::collections::BTreeSet<_> = tallied.keys().chain(counted.keys()).collect();
    Ok(keys
        .into_iter()
        .map(|k| TallyDrift {
            key: k.clone(),
            tallied: tallied.get(k).copied().unwrap_or(0),
            counted: counted.get(k).copied().unwrap_or(0),
        })
        .filter(|d| d.tallied != d.counted)
        .collect())
}

/// Inserts a reported hazard, its photo references and its first event on an open transaction,
/// counting it in `$tallies`. Does nothing when a hazard with this id exists (a retried report).
/// Expands once per backend.
macro_rules! insert_new_hazard {
    ($tx:expr, $h:expr, $now:expr, $tallies:expr) => {{
        let h: &$crate::storage::hazards::NewHazard = $h;
        let bureau: Option<i64> = sqlx::query_scalar(
            "INSERT INTO hazards (id, school_id, inspection_id, item_id, title, description, level, status, found_on, \
             deadline, reported_by, reporter_org_id, version, created_at, updated_at, area, bureau_id) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, 'reported', $8, $9, $10, $11, 1, $12, $12, $13, \
             (SELECT parent_id FROM orgs WHERE id = $2)) ON CONFLICT (id) DO NOTHING RETURNING bureau_id")
            .bind(&h.id).bind(h.school_id).bind(&h.inspection_id).bind(h.item_id).bind(&h.title).bind(&h.description)
            .bind(h.level).bind(h.found_on).bind(h.deadline).bind(h.reported_by).bind(h.reporter_org_id).bind($now)
            .bind(h.area)
            .fetch_optional(&mut *$tx).await?;
        if let Some(bureau) = bureau {
            $crate::storage::hazards::Tallies::add($tallies, bureau, "reported", h.area, h.level, 1);
            for sha in &h.photos {
                sqlx::query("INSERT INTO photo_refs (sha256, record_kind, record_id, role) VALUES ($1, 'hazard', $2, 'before') \
                             ON CONFLICT DO NOTHING")
                    .bind(sha).bind(&h.id).execute(&mut *$tx).await?;
            }
            $crate::storage::hazards::insert_event!($tx, &h.id, &h.event);
        }
        bureau.is_some()
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
    pub reporter_org_path: String,
    pub version: i32,
    pub updated_at: DateTime<Utc>,
    pub area: Option<String>,
    pub plan_responsible: Option<String>,
    pub plan_measures: Option<String>,
    pub plan_funds_cents: Option<i64>,
    pub plan_deadline: Option<NaiveDate>,
    pub plan_contingency: Option<String>,
    pub submit_note: Option<String>,
    pub after_photos: String,
    pub signature_sha: Option<String>,
    pub return_reason: Option<String>,
    pub item_code: Option<String>,
    pub item_title: Option<String>,
    pub item_content: Option<String>,
    pub item_standard: Option<String>,
}

/// The columns of a [`HazardRow`], and the tables they come from (`h` the hazard).
macro_rules! hazard_columns {
    () => {
        "h.id, h.school_id, s.name AS school_name, s.path AS school_path, h.inspection_id, \
         h.item_id, h.title, h.description, h.level, h.status, h.found_on, h.deadline, h.reported_by, \
         u.display_name AS reporter_name, ro.path AS reporter_org_path, h.version, h.updated_at, h.area, \
         h.plan_responsible, h.plan_measures, h.plan_funds_cents, h.plan_deadline, h.plan_contingency, h.submit_note, \
         h.after_photos, h.signature_sha, h.return_reason, \
         ci.code AS item_code, ci.title AS item_title, ci.content AS item_content, ci.standard AS item_standard"
    };
}
macro_rules! hazard_tables {
    () => {
        "hazards h JOIN orgs s ON s.id = h.school_id JOIN users u ON u.id = h.reported_by \
         JOIN orgs ro ON ro.id = h.reporter_org_id LEFT JOIN checklist_items ci ON ci.id = h.item_id"
    };
}

const SELECT: &str = concat!("SELECT ", hazard_columns!(), " FROM ", hazard_tables!());

pub async fn get(db: &Db, id: &str) -> Result<Option<HazardRow>> {
    let sql = format!("{SELECT} WHERE h.id = $1");
    Ok(
        on_db!(db, p => sqlx::query_as::<_, HazardRow>(sqlx::AssertSqlSafe(sql)).bind(id).fetch_optional(p).await?),
    )
}

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
         WHERE s.path >= $1 AND s.path < $3 AND h.status IN ('reported', 'rectifying', 'submitted') \
         GROUP BY h.school_id")
        .bind(path).bind(today).bind(super::path_end(path)).fetch_all(p).await?))
}

/// The org path of a hazard's school, for access checks.
pub async fn school_path(db: &Db, id: &str) -> Result<Option<String>> {
    Ok(on_db!(db, p => sqlx::query_scalar::<_, String>(
        "SELECT s.path FROM hazards h JOIN orgs s ON s.id = h.school_id WHERE h.id = $1")
        .bind(id).fetch_optional(p).await?))
}

/// Where to look, as decided by `service::scope`.
pub use super::orgs::Within;

/// The filters of a hazard list, already parsed.
pub struct ListQuery<'a> {
    pub within: &'a Within<'a>,
    pub status: Option<&'a str>,
    pub school: Option<i64>,
    pub area: Option<&'a str>,
    pub level: Option<&'a str>,
    pub overdue: bool,
    pub from: Option<NaiveDate>,
    pub to: Option<NaiveDate>,
    pub reporter: Option<i64>,
    /// Which loop date `from`/`to` apply to (`found` when None).
    pub stage: Option<Stage>,
    /// Kindergartens only (true) or schools only (false).
    pub kindergarten: Option<bool>,
    /// Changed after this instant (and, with the flag, every open one too).
    pub changed_after: Option<(DateTime<Utc>, bool)>,
    pub today: NaiveDate,
    /// `deadline` (overdue first, then nearest deadline) or `queue` (oldest submission first).
    pub order_queue: bool,
    pub limit: i64,
    pub offset: i64,
}

impl<'a> ListQuery<'a> {
    /// Every hazard `within`, in deadline order, first page of 50; narrow it with struct update.
    pub fn all(within: &'a Within<'a>, today: NaiveDate) -> Self {
        ListQuery {
            within,
            status: None,
            school: None,
            area: None,
            level: None,
            overdue: false,
            from: None,
            to: None,
            reporter: None,
            stage: None,
            kindergarten: None,
            changed_after: None,
            today,
            order_queue: false,
            limit: 50,
            offset: 0,
        }
    }
}

impl ListQuery<'_> {
    /// Whether the counts per status of a path scope can be read from the tallies: nothing but
    /// status, area and level filters (the tallies know nothing of dates, reporters or types).
    fn counted_by_tallies(&self) -> bool {
        self.school.is_none()
            && !self.overdue
            && self.from.is_none()
            && self.to.is_none()
            && self.reporter.is_none()
            && self.kindergarten.is_none()
            && self.changed_after.is_none()
    }
}

/// The one bureau whose schools are everything under `within`, if it is so (a county's office:
/// its schools are its children): then a page reads `hazards.bureau_id` in page order.
pub(crate) async fn sole_bureau(db: &Db, within: &Within<'_>) -> Result<Option<i64>> {
    let Within::Path(path) = within else { return Ok(None) };
    let (from, until) = super::under_bounds(path);
    let ids: Vec<i64> = on_db!(db, p => sqlx::query_scalar(
        "SELECT id FROM orgs WHERE kind = 'bureau' AND path >= $1 AND path < $2 LIMIT 2")
        .bind(from).bind(until).fetch_all(p).await?);
    Ok(if let [id] = ids[..] { Some(id) } else { None })
}

/// Adds ` AND $col = bureau` when the scope is `$bureau` (from [`sole_bureau`]), else ` AND $col`
/// in the bureaus under `$path`. Every school's parent is a bureau, and a path scope is a
/// bureau's (only principals belong to schools, and they see their school).
macro_rules! push_bureaus {
    ($b:expr, $col:literal, $bureau:expr, $path:expr) => {{
        match $bureau {
            Some(bureau) => {
                $b.push(concat!(" AND ", $col, " = "));
                $b.push_bind(bureau);
            }
            None => {
                $b.push(concat!(
                    " AND ",
                    $col,
                    " IN (SELECT o.id FROM orgs o WHERE o.kind = 'bureau'"
                ));
                crate::storage::push_under(&mut $b, "o.path", $path);
                $b.push(")");
            }
        }
    }};
}

/// Adds the WHERE clause of `q` (without the status filter when `with_status` is false), with
/// the scope as `bureau` (from [`sole_bureau`]) when there is one, else as the bureaus under the
/// path when `by_bureaus` (a count that reads each bureau's range of an index), else as the
/// schools under it.
macro_rules! push_filters {
    ($b:expr, $q:expr, $with_status:expr, $bureau:expr) => {
        push_filters!($b, $q, $with_status, $bureau, false)
    };
    ($b:expr, $q:expr, $with_status:expr, $bureau:expr, $by_bureaus:expr) => {{
        let q: &ListQuery<'_> = $q;
        $b.push(" WHERE 1 = 1");
        let bureau: Option<i64> = $bureau;
        match q.within {
            Within::Path(path) if bureau.is_some() || $by_bureaus => {
                push_bureaus!($b, "h.bureau_id", bureau, path);
            }
            // The schools first (a few thousand org rows at most), as a range of the path index
            // (`storage::under`), then their hazards through the school index: a join filtered
            // on the path let SQLite scan every hazard of the province for one county.
            Within::Path(path) => {
                $b.push(" AND h.school_id IN (SELECT o.id FROM orgs o WHERE 1 = 1");
                crate::storage::push_under(&mut $b, "o.path", path);
                $b.push(")");
            }
            Within::School(id) => {
                $b.push(" AND h.school_id = ");
                $b.push_bind(*id);
            }
        }
        if $with_status {
            if let Some(v) = q.status {
                $b.push(" AND h.status = ");
                $b.push_bind(v.to_owned());
            }
        }
        if let Some(v) = q.school {
            $b.push(" AND h.school_id = ");
            $b.push_bind(v);
        }
        if let Some(v) = q.area {
            $b.push(" AND h.area = ");
            $b.push_bind(v.to_owned());
        }
        if let Some(v) = q.level {
            $b.push(" AND h.level = ");
            $b.push_bind(v.to_owned());
        }
        if q.overdue {
            $b.push(" AND h.status IN ('reported', 'rectifying', 'submitted') AND h.deadline < ");
            $b.push_bind(q.today);
        }
        match q.stage.unwrap_or(Stage::Found) {
            Stage::OpenAtStart => {
                if let Some(v) = q.from {
                    $b.push(" AND h.found_on < ").push_bind(v);
                    $b.push(" AND (h.closed_on IS NULL OR h.closed_on >= ").push_bind(v);
                    $b.push(") AND (h.voided_on IS NULL OR h.voided_on >= ").push_bind(v).push(")");
                }
            }
            s @ (Stage::OpenAtEnd | Stage::OverdueAtEnd) => {
                if let Some(v) = q.to {
                    $b.push(" AND h.found_on <= ").push_bind(v);
                    $b.push(" AND (h.closed_on IS NULL OR h.closed_on > ").push_bind(v);
                    $b.push(") AND (h.voided_on IS NULL OR h.voided_on > ").push_bind(v).push(")");
                    if s == Stage::OverdueAtEnd {
                        $b.push(" AND h.deadline <= ").push_bind(v);
                    }
                }
            }
            s => {
                let column = match s {
                    Stage::Planned => "h.planned_on",
                    Stage::Rectified => "h.rectified_on",
                    Stage::Closed => "h.closed_on",
                    Stage::Voided => "h.voided_on",
                    _ => "h.found_on",
                };
                if let Some(v) = q.from {
                    $b.push(format!(" AND {column} >= ")).push_bind(v);
                }
                if let Some(v) = q.to {
                    $b.push(format!(" AND {column} <= ")).push_bind(v);
                }
            }
        }
        if let Some(k) = q.kindergarten {
            $b.push(if k {
                " AND s.school_type = 'kindergarten'"
            } else {
                " AND s.school_type <> 'kindergarten'"
            });
        }
        if let Some(v) = q.reporter {
            $b.push(" AND h.reported_by = ");
            $b.push_bind(v);
        }
        if let Some((after, open_too)) = q.changed_after {
            $b.push(" AND (h.updated_at > ").push_bind(after);
            if open_too {
                $b.push(" OR h.status IN ('reported', 'rectifying', 'submitted')");
            }
            $b.push(")");
        }
    }};
}

/// The three statements behind a page of hazards, each starting with `$prefix` (empty, or an
/// EXPLAIN): the page, the counts per status (ignoring the status filter), the overdue count.
/// `$bureau` is [`sole_bureau`]'s answer for the query's scope.
macro_rules! list_statements {
    ($q:expr, $prefix:expr, $bureau:expr) => {{
        let q: &ListQuery<'_> = $q;
        let bureau: Option<i64> = $bureau;
        let order = if q.order_queue {
            " ORDER BY h.updated_at, h.id"
        } else {
            " ORDER BY CASE WHEN h.status IN ('closed', 'voided') THEN 1 ELSE 0 END, h.deadline, h.id"
        };
        let mut b = sqlx::QueryBuilder::new(format!("{}{SELECT}", $prefix));
        push_filters!(b, q, true, bureau);
        b.push(order);
        b.push(" LIMIT ").push_bind(q.limit).push(" OFFSET ").push_bind(q.offset);
        let c = match q.within {
            Within::Path(path) if q.counted_by_tallies() => {
                let mut c = sqlx::QueryBuilder::new(format!(
                    "{}SELECT t.status, CAST(SUM(t.n) AS BIGINT) FROM hazard_tallies t WHERE t.n <> 0",
                    $prefix
                ));
                push_bureaus!(c, "t.bureau_id", bureau, path);
                if let Some(v) = q.area {
                    c.push(" AND t.area = ").push_bind(v.to_owned());
                }
                if let Some(v) = q.level {
                    c.push(" AND t.level = ").push_bind(v.to_owned());
                }
                c.push(" GROUP BY t.status HAVING SUM(t.n) <> 0");
                c
            }
            _ => {
                let mut c = sqlx::QueryBuilder::new(format!(
                    "{}SELECT h.status, COUNT(*) FROM hazards h JOIN orgs s ON s.id = h.school_id",
                    $prefix
                ));
                push_filters!(c, q, false, bureau);
                c.push(" GROUP BY h.status");
                c
            }
        };
        // The overdue: open, and past their deadline. Open is said as the ledger index's key
        // after the bureau (the same as a status among reported, rectifying and submitted), so
        // the count reads one range of an index per bureau; SQLite, given the status list as
        // well, walked the open statuses of the whole table. The school is joined only for its
        // type.
        let mut o = sqlx::QueryBuilder::new(format!(
            "{}SELECT COUNT(*) FROM hazards h{}",
            $prefix,
            if q.kindergarten.is_some() { " JOIN orgs s ON s.id = h.school_id" } else { "" }
        ));
        push_filters!(o, q, true, bureau, true);
        o.push(" AND CASE WHEN h.status IN ('closed', 'voided') THEN 1 ELSE 0 END = 0 AND h.deadline < ");
        o.push_bind(q.today);
        (b, c, o)
    }};
}

/// A page of hazards, the counts per status (ignoring the status filter) and the overdue count.
pub async fn list(db: &Db, q: &ListQuery<'_>) -> Result<(Vec<HazardRow>, Vec<(String, i64)>, i64)> {
    let bureau = sole_bureau(db, q.within).await?;
    Ok(on_db!(db, p => {
        let (mut b, mut c, mut o) = list_statements!(q, "", bureau);
        let rows = b.build_query_as::<HazardRow>().fetch_all(p).await?;
        let counts = c.build_query_as::<(String, i64)>().fetch_all(p).await?;
        let overdue: i64 = o.build_query_scalar().fetch_one(p).await?;
        (rows, counts, overdue)
    }))
}

/// Only the page of `q`, without the counts (for the changes feed, which shows none).
pub async fn page(db: &Db, q: &ListQuery<'_>) -> Result<Vec<HazardRow>> {
    type Builders<D> = (sqlx::QueryBuilder<D>, sqlx::QueryBuilder<D>, sqlx::QueryBuilder<D>);
    let bureau = sole_bureau(db, q.within).await?;
    Ok(match db {
        Db::Sqlite(p) => {
            let (mut b, _, _): Builders<sqlx::Sqlite> = list_statements!(q, "", bureau);
            b.build_query_as().fetch_all(p).await?
        }
        Db::Postgres(p) => {
            let (mut b, _, _): Builders<sqlx::Postgres> = list_statements!(q, "", bureau);
            b.build_query_as().fetch_all(p).await?
        }
    })
}

/// One statement of a hazard list with the database's plan for it.
#[derive(Clone, Debug)]
pub struct Plan {
    pub sql: String,
    pub plan: String,
}

/// The plans of the statements [`list`] runs for `q`: SQLite's `EXPLAIN QUERY PLAN`, or
/// PostgreSQL's `EXPLAIN (ANALYZE, BUFFERS)` (which runs the statement and reports time).
pub async fn explain_list(db: &Db, q: &ListQuery<'_>) -> Result<Vec<Plan>> {
    let mut plans = Vec::new();
    let bureau = sole_bureau(db, q.within).await?;
    match db {
        Db::Sqlite(p) => {
            let (b, c, o) = list_statements!(q, "EXPLAIN QUERY PLAN ", bureau);
            for mut s in [b, c, o] {
                let sql = s.sql().as_str().trim_start_matches("EXPLAIN QUERY PLAN ").to_owned();
                let rows: Vec<(i64, i64, i64, String)> = s.build_query_as().fetch_all(p).await?;
                let plan = rows.into_iter().map(|r| r.3).collect::<Vec<_>>().join("\n");
                plans.push(Plan { sql, plan });
            }
        }
        Db::Postgres(p) => {
            const PREFIX: &str = "EXPLAIN (ANALYZE, BUFFERS, COSTS OFF) ";
            let (b, c, o) = list_statements!(q, PREFIX, bureau);
            for mut s in [b, c, o] {
                let sql = s.sql().as_str().trim_start_matches(PREFIX).to_owned();
                let rows: Vec<(String,)> = s.build_query_as().fetch_all(p).await?;
                let plan = rows.into_iter().map(|r| r.0).collect::<Vec<_>>().join("\n");
                plans.push(Plan { sql, plan });
            }
        }
    }
    Ok(plans)
}

#[derive(Clone, Debug, sqlx::FromRow)]
pub struct EventRow {
    pub hazard_id: String,
    pub seq: i32,
    pub event_id: String,
    pub action: String,
    pub actor_id: i64,
    pub actor_name: String,
    pub at: DateTime<Utc>,
    pub from_status: Option<String>,
    pub to_status: String,
    pub payload: String,
    pub prev_hash: String,
    pub hash: String,
}

/// The columns of an [`EventRow`] (`e` the event, `eu` its actor).
macro_rules! event_columns {
    () => {
        "e.hazard_id, e.seq, e.event_id, e.action, e.actor_id, eu.display_name AS actor_name, \
         e.at, e.from_status, e.to_status, e.payload, e.prev_hash, e.hash"
    };
}
const SELECT_EVENTS: &str = concat!(
    "SELECT ",
    event_columns!(),
    " FROM hazard_events e JOIN users eu ON eu.id = e.actor_id"
);

/// A hazard's events in order.
pub async fn events(db: &Db, hazard_id: &str) -> Result<Vec<EventRow>> {
    events_of(db, &[hazard_id]).await
}

/// The events of several hazards in one statement, hazard by hazard, each in order.
pub async fn events_of(db: &Db, hazard_ids: &[&str]) -> Result<Vec<EventRow>> {
    if hazard_ids.is_empty() {
        return Ok(Vec::new());
    }
    Ok(super::fetch_in!(
        db,
        format!("{SELECT_EVENTS} WHERE e.hazard_id IN ("),
        hazard_ids,
        ") ORDER BY e.hazard_id, e.seq",
        build_query_as::<EventRow>().fetch_all
    ))
}

/// Every event of every hazard, hazard by hazard in order (for `xiaoan verify`), a page at a time
/// after (hazard id, seq).
pub async fn events_after(db: &Db, after: (&str, i32), limit: i64) -> Result<Vec<EventRow>> {
    let sql = format!(
        "{SELECT_EVENTS} WHERE e.hazard_id > $1 OR (e.hazard_id = $1 AND e.seq > $2) ORDER BY e.hazard_id, e.seq LIMIT $3"
    );
    Ok(on_db!(db, p => sqlx::query_as::<_, EventRow>(sqlx::AssertSqlSafe(sql))
        .bind(after.0).bind(after.1).bind(limit).fetch_all(p).await?))
}

/// A hazard and its events in order, in one statement (a row per event, the hazard's columns on
/// each): what an action reads before it writes. None if there is no such hazard.
pub async fn with_events(db: &Db, id: &str) -> Result<Option<(HazardRow, Vec<EventRow>)>> {
    use sqlx::FromRow;
    const SQL: &str = concat!(
        "SELECT ",
        hazard_columns!(),
        ", ",
        event_columns!(),
        " FROM ",
        hazard_tables!(),
        " JOIN hazard_events e ON e.hazard_id = h.id JOIN users eu ON eu.id = e.actor_id",
        " WHERE h.id = $1 ORDER BY e.seq"
    );
    on_db!(db, p => {
        let rows = sqlx::query(SQL).bind(id).fetch_all(p).await?;
        let Some(first) = rows.first() else { return Ok(None) };
        let hazard = HazardRow::from_row(first)?;
        let events = rows.iter().map(EventRow::from_row).collect::<std::result::Result<Vec<_>, _>>()?;
        Ok(Some((hazard, events)))
    })
}

/// The hazard an event was applied to, if it was.
pub async fn hazard_of_event(db: &Db, event_id: &str) -> Result<Option<String>> {
    Ok(
        on_db!(db, p => sqlx::query_scalar::<_, String>("SELECT hazard_id FROM hazard_events WHERE event_id = $1")
        .bind(event_id).fetch_optional(p).await?),
    )
}

/// What an action changes on the hazard; None leaves a field as it is.
#[derive(Default)]
pub struct Changes {
    pub plan: Option<(String, String, i64, NaiveDate, String)>,
    pub submit_note: Option<String>,
    pub after_photos: Option<String>,
    pub signature_sha: Option<String>,
    pub return_reason: Option<String>,
    pub deadline: Option<NaiveDate>,
    pub closed_at: Option<DateTime<Utc>>,
    /// The China day of this step of the loop, kept from its first time: (planned, rectified,
    /// closed, voided).
    pub planned_on: Option<NaiveDate>,
    pub rectified_on: Option<NaiveDate>,
    pub closed_on: Option<NaiveDate>,
    pub voided_on: Option<NaiveDate>,
}

impl Changes {
    /// `r` as the UPDATE of [`update_on`] leaves it when the action moves the hazard to
    /// `to_status` at `now`: what the writer answers with, without reading the row back.
    pub fn applied_to(&self, mut r: HazardRow, to_status: &str, now: DateTime<Utc>) -> HazardRow {
        fn set<T: Clone>(field: &mut T, to: Option<&T>) {
            if let Some(v) = to {
                *field = v.clone();
            }
        }
        r.status = to_status.to_owned();
        r.version += 1;
        r.updated_at = now;
        if let Some((responsible, measures, cents, deadline, contingency)) = &self.plan {
            r.plan_responsible = Some(responsible.clone());
            r.plan_measures = Some(measures.clone());
            r.plan_funds_cents = Some(*cents);
            r.plan_deadline = Some(*deadline);
            r.plan_contingency = Some(contingency.clone());
        }
        if self.submit_note.is_some() {
            r.submit_note.clone_from(&self.submit_note);
        }
        set(&mut r.after_photos, self.after_photos.as_ref());
        if self.signature_sha.is_some() {
            r.signature_sha.clone_from(&self.signature_sha);
        }
        if self.return_reason.is_some() {
            r.return_reason.clone_from(&self.return_reason);
        }
        set(&mut r.deadline, self.deadline.as_ref());
        r
    }
}

/// One workflow action, written whole or not at all: everything it writes, owned, so that it can
/// wait in [`super::group_commit`]'s queue for a transaction shared with other actions.
pub struct Apply {
    pub hazard_id: String,
    pub expected_version: i32,
    pub to_status: &'static str,
    pub changes: Changes,
    /// Made over the head of the hazard's chain at `expected_version`. Every event moves the
    /// version, so if another event came after that head, the version check refuses this one.
    pub event: NewEvent,
    pub photo_refs: Vec<(String, &'static str)>,
    /// The enabled principals of this school (but the actor) are told, with this kind.
    pub notify_principals: Option<(i64, &'static str)>,
    pub notify: Vec<(i64, &'static str)>,
    pub webhook: Option<(String, String)>,
    /// Who did it, written with the event so the log never misses an applied action: the
    /// action, target and client address of an [`super::audit::Entry`] by the event's actor.
    pub audit: (String, String, String),
    pub now: DateTime<Utc>,
}

/// What a moved hazard's tallies need: its bureau, area and level.
type Counted = (i64, Option<String>, String);

/// Moves one action's hazard on an open transaction `$tx`, only if it is still at
/// `expected_version`: its bureau, area and level if it moved (if not, nothing is written).
macro_rules! update_on {
    ($tx:expr, $a:expr) => {{
        let a: &Apply = $a;
        let c = &a.changes;
        let plan = c.plan.as_ref();
        let now = a.now;
        sqlx::query_as::<_, Counted>(
            "UPDATE hazards SET status = $1, version = version + 1, updated_at = $2, \
             plan_responsible = COALESCE($3, plan_responsible), plan_measures = COALESCE($4, plan_measures), \
             plan_funds_cents = COALESCE($5, plan_funds_cents), plan_deadline = COALESCE($6, plan_deadline), \
             plan_contingency = COALESCE($7, plan_contingency), submit_note = COALESCE($8, submit_note), \
             after_photos = COALESCE($9, after_photos), signature_sha = COALESCE($10, signature_sha), \
             return_reason = COALESCE($11, return_reason), deadline = COALESCE($12, deadline), \
             closed_at = COALESCE($13, closed_at), planned_on = COALESCE(planned_on, $16), \
             rectified_on = COALESCE(rectified_on, $17), closed_on = COALESCE(closed_on, $18), \
             voided_on = COALESCE(voided_on, $19) WHERE id = $14 AND version = $15 \
             RETURNING bureau_id, area, level")
            .bind(a.to_status).bind(now)
            .bind(plan.map(|x| x.0.clone())).bind(plan.map(|x| x.1.clone())).bind(plan.map(|x| x.2))
            .bind(plan.map(|x| x.3)).bind(plan.map(|x| x.4.clone()))
            .bind(&c.submit_note).bind(&c.after_photos).bind(&c.signature_sha).bind(&c.return_reason)
            .bind(c.deadline).bind(c.closed_at).bind(&a.hazard_id).bind(a.expected_version)
            .bind(c.planned_on).bind(c.rectified_on).bind(c.closed_on).bind(c.voided_on)
            .fetch_optional(&mut *$tx).await?
    }};
}

/// Appends what a moved action writes besides the hazard, on an open transaction `$tx`: its
/// event, photo references, notifications, webhook delivery and audit entry.
macro_rules! append_one {
    ($tx:expr, $a:expr) => {{
        let a: &Apply = $a;
        let now = a.now;
        let e = &a.event;
        insert_event!($tx, &a.hazard_id, e);
        for (sha, role) in &a.photo_refs {
            sqlx::query("INSERT INTO photo_refs (sha256, record_kind, record_id, role) VALUES ($1, 'hazard', $2, $3) \
                         ON CONFLICT DO NOTHING")
                .bind(sha).bind(&a.hazard_id).bind(*role).execute(&mut *$tx).await?;
        }
        if let Some((school_id, kind)) = a.notify_principals {
            sqlx::query("INSERT INTO notifications (user_id, hazard_id, kind, created_at) \
                         SELECT id, $1, $2, $3 FROM users \
                         WHERE org_id = $4 AND role = 'principal' AND disabled = FALSE AND id <> $5")
                .bind(&a.hazard_id).bind(kind).bind(now).bind(school_id).bind(e.actor_id)
                .execute(&mut *$tx).await?;
        }
        for (user, kind) in &a.notify {
            sqlx::query("INSERT INTO notifications (user_id, hazard_id, kind, created_at) VALUES ($1, $2, $3, $4)")
                .bind(user).bind(&a.hazard_id).bind(*kind).bind(now).execute(&mut *$tx).await?;
        }
        if let Some((event, payload)) = &a.webhook {
            sqlx::query("INSERT INTO webhook_deliveries (event, payload, created_at, next_attempt_at) VALUES ($1, $2, $3, $3)")
                .bind(event).bind(payload).bind(now).execute(&mut *$tx).await?;
        }
        let (action, target, client_addr) = &a.audit;
        let entry = super::audit::Entry {
            actor_id: Some(e.actor_id),
            action,
            target,
            detail: "",
            client_addr,
        };
        super::audit::append_on!(&mut *$tx, &entry, now)?;
    }};
}

/// Writes a batch of actions on distinct hazards, in id order, as one statement: one round trip
/// to PostgreSQL, which runs it as its own transaction, instead of a round trip for each of
/// the statements of [`update_on`], [`append_one`] and [`write_tallies`]. Under
/// load each round trip waits its turn for a core, so a batch took ~10 ms of mostly waiting.
/// Writes the same rows in the same order: the rows are locked in id order first (`locked`),
/// only the hazards still at their expected version move (`moved`), everything else an action
/// writes joins `moved`, and the tallies come last, grouped and in key order (their input is
/// every moved row, so no counter is touched before every hazard is locked). Whether each moved.
async fn apply_batch_pg(on: impl sqlx::PgExecutor<'_>, batch: &[&Apply]) -> Result<Vec<bool>> {
    let ids: Vec<&str> = batch.iter().map(|a| a.hazard_id.as_str()).collect();
    let c =
        |f: fn(&Changes) -> Option<&str>| batch.iter().map(|a| f(&a.changes)).collect::<Vec<_>>();
    let ev = |f: fn(&NewEvent) -> &str| batch.iter().map(|a| f(&a.event)).collect::<Vec<&str>>();
    fn plan<'a>(a: &&'a Apply) -> Option<&'a (String, String, i64, NaiveDate, String)> {
        a.changes.plan.as_ref()
    }
    let refs: Vec<(&str, &str, &str)> = batch
        .iter()
        .flat_map(|a| {
            a.photo_refs.iter().map(|(sha, role)| (sha.as_str(), a.hazard_id.as_str(), *role))
        })
        .collect();
    let notes: Vec<(i64, &str, &str)> = batch
        .iter()
        .flat_map(|a| a.notify.iter().map(|(u, k)| (*u, a.hazard_id.as_str(), *k)))
        .collect();
    let moved: Vec<String> = sqlx::query_scalar(
        "WITH v AS MATERIALIZED (SELECT * FROM UNNEST($1::text[], $2::int4[], $3::text[], $4::timestamptz[], \
           $5::text[], $6::text[], $7::int8[], $8::date[], $9::text[], $10::text[], $11::text[], $12::text[], \
           $13::text[], $14::date[], $15::timestamptz[], $16::date[], $17::date[], $18::date[], $19::date[], \
           $20::int4[], $21::text[], $22::text[], $23::int8[], $24::timestamptz[], $25::text[], $26::text[], \
           $27::text[], $28::text[], $29::text[], $30::text[], $31::text[], $32::int8[], $33::text[], \
           $34::text[], $35::text[]) \
           AS v(id, expected, to_status, now, responsible, measures, funds_cents, plan_deadline, contingency, \
                submit_note, after_photos, signature_sha, return_reason, deadline, closed_at, planned_on, \
                rectified_on, closed_on, voided_on, seq, event_id, action, actor_id, at, from_status, payload, \
                prev_hash, hash, audit_action, audit_target, client_addr, notify_school, notify_kind, \
                hook_event, hook_payload)), \
         locked AS MATERIALIZED (SELECT id FROM hazards WHERE id = ANY($1) ORDER BY id FOR UPDATE), \
         moved AS (UPDATE hazards h SET status = v.to_status, version = h.version + 1, updated_at = v.now, \
           plan_responsible = COALESCE(v.responsible, h.plan_responsible), \
           plan_measures = COALESCE(v.measures, h.plan_measures), \
           plan_funds_cents = COALESCE(v.funds_cents, h.plan_funds_cents), \
           plan_deadline = COALESCE(v.plan_deadline, h.plan_deadline), \
           plan_contingency = COALESCE(v.contingency, h.plan_contingency), \
           submit_note = COALESCE(v.submit_note, h.submit_note), after_photos = COALESCE(v.after_photos, h.after_photos), \
           signature_sha = COALESCE(v.signature_sha, h.signature_sha), \
           return_reason = COALESCE(v.return_reason, h.return_reason), deadline = COALESCE(v.deadline, h.deadline), \
           closed_at = COALESCE(v.closed_at, h.closed_at), planned_on = COALESCE(h.planned_on, v.planned_on), \
           rectified_on = COALESCE(h.rectified_on, v.rectified_on), closed_on = COALESCE(h.closed_on, v.closed_on), \
           voided_on = COALESCE(h.voided_on, v.voided_on) \
           FROM v, locked l WHERE l.id = h.id AND h.id = v.id AND h.version = v.expected \
           RETURNING h.id, h.bureau_id, COALESCE(h.area, '') AS area, h.level), \
         mv AS MATERIALIZED (SELECT v.*, m.bureau_id, m.area, m.level FROM v JOIN moved m ON m.id = v.id), \
         ev AS (INSERT INTO hazard_events (hazard_id, seq, event_id, action, actor_id, at, from_status, to_status, \
           payload, prev_hash, hash) \
           SELECT id, seq, event_id, action, actor_id, at, from_status, to_status, payload, prev_hash, hash FROM mv), \
         pr AS (INSERT INTO photo_refs (sha256, record_kind, record_id, role) \
           SELECT r.sha, 'hazard', r.id, r.role FROM UNNEST($36::text[], $37::text[], $38::text[]) AS r(sha, id, role) \
           WHERE r.id IN (SELECT id FROM mv) ON CONFLICT DO NOTHING), \
         np AS (INSERT INTO notifications (user_id, hazard_id, kind, created_at) \
           SELECT u.id, mv.id, mv.notify_kind, mv.now FROM mv JOIN users u ON u.org_id = mv.notify_school \
           AND u.role = 'principal' AND u.disabled = FALSE AND u.id <> mv.actor_id), \
         nu AS (INSERT INTO notifications (user_id, hazard_id, kind, created_at) \
           SELECT n.user_id, mv.id, n.kind, mv.now \
           FROM UNNEST($39::int8[], $40::text[], $41::text[]) AS n(user_id, id, kind) JOIN mv ON mv.id = n.id), \
         wh AS (INSERT INTO webhook_deliveries (event, payload, created_at, next_attempt_at) \
           SELECT hook_event, hook_payload, now, now FROM mv WHERE hook_event IS NOT NULL), \
         au AS (INSERT INTO audit_log (at, actor_id, action, target, detail, client_addr) \
           SELECT now, actor_id, audit_action, audit_target, '', client_addr FROM mv), \
         ta AS (INSERT INTO hazard_tallies (bureau_id, status, area, level, n) \
           SELECT bureau_id, status, area, level, SUM(n) FROM ( \
             SELECT bureau_id, COALESCE(from_status, to_status) AS status, area, level, -1 AS n FROM mv \
             UNION ALL SELECT bureau_id, to_status, area, level, 1 FROM mv) AS d \
           GROUP BY bureau_id, status, area, level HAVING SUM(n) <> 0 \
           ORDER BY bureau_id, status, area, level \
           ON CONFLICT (bureau_id, status, area, level) DO UPDATE SET n = hazard_tallies.n + excluded.n) \
         SELECT id FROM mv",
    )
    .bind(&ids)
    .bind(batch.iter().map(|a| a.expected_version).collect::<Vec<i32>>())
    .bind(batch.iter().map(|a| a.to_status).collect::<Vec<&str>>())
    .bind(batch.iter().map(|a| a.now).collect::<Vec<DateTime<Utc>>>())
    .bind(batch.iter().map(|a| plan(a).map(|p| p.0.as_str())).collect::<Vec<_>>())
    .bind(batch.iter().map(|a| plan(a).map(|p| p.1.as_str())).collect::<Vec<_>>())
    .bind(batch.iter().map(|a| plan(a).map(|p| p.2)).collect::<Vec<_>>())
    .bind(batch.iter().map(|a| plan(a).map(|p| p.3)).collect::<Vec<_>>())
    .bind(batch.iter().map(|a| plan(a).map(|p| p.4.as_str())).collect::<Vec<_>>())
    .bind(c(|c| c.submit_note.as_deref()))
    .bind(c(|c| c.after_photos.as_deref()))
    .bind(c(|c| c.signature_sha.as_deref()))
    .bind(c(|c| c.return_reason.as_deref()))
    .bind(batch.iter().map(|a| a.changes.deadline).collect::<Vec<_>>())
    .bind(batch.iter().map(|a| a.changes.closed_at).collect::<Vec<_>>())
    .bind(batch.iter().map(|a| a.changes.planned_on).collect::<Vec<_>>())
    .bind(batch.iter().map(|a| a.changes.rectified_on).collect::<Vec<_>>())
    .bind(batch.iter().map(|a| a.changes.closed_on).collect::<Vec<_>>())
    .bind(batch.iter().map(|a| a.changes.voided_on).collect::<Vec<_>>())
    .bind(batch.iter().map(|a| a.event.seq).collect::<Vec<i32>>())
    .bind(ev(|e| &e.event_id))
    .bind(ev(|e| e.action))
    .bind(batch.iter().map(|a| a.event.actor_id).collect::<Vec<i64>>())
    .bind(batch.iter().map(|a| a.event.at).collect::<Vec<DateTime<Utc>>>())
    .bind(batch.iter().map(|a| a.event.from_status).collect::<Vec<Option<&str>>>())
    .bind(ev(|e| &e.payload))
    .bind(ev(|e| &e.prev_hash))
    .bind(ev(|e| &e.hash))
    .bind(batch.iter().map(|a| a.audit.0.as_str()).collect::<Vec<_>>())
    .bind(batch.iter().map(|a| a.audit.1.as_str()).collect::<Vec<_>>())
    .bind(batch.iter().map(|a| a.audit.2.as_str()).collect::<Vec<_>>())
    .bind(batch.iter().map(|a| a.notify_principals.map(|n| n.0)).collect::<Vec<_>>())
    .bind(batch.iter().map(|a| a.notify_principals.map(|n| n.1)).collect::<Vec<_>>())
    .bind(batch.iter().map(|a| a.webhook.as_ref().map(|w| w.0.as_str())).collect::<Vec<_>>())
    .bind(batch.iter().map(|a| a.webhook.as_ref().map(|w| w.1.as_str())).collect::<Vec<_>>())
    .bind(refs.iter().map(|r| r.0).collect::<Vec<_>>())
    .bind(refs.iter().map(|r| r.1).collect::<Vec<_>>())
    .bind(refs.iter().map(|r| r.2).collect::<Vec<_>>())
    .bind(notes.iter().map(|n| n.0).collect::<Vec<_>>())
    .bind(notes.iter().map(|n| n.1).collect::<Vec<_>>())
    .bind(notes.iter().map(|n| n.2).collect::<Vec<_>>())
    .fetch_all(on)
    .await?;
    let moved: std::collections::HashSet<String> = moved.into_iter().collect();
    Ok(batch.iter().map(|a| moved.contains(&a.hazard_id)).collect())
}

/// Applies several actions in one transaction, one commit for all: whether each moved its hazard
/// (it has not when it is no longer at the version the action expected). Hazards are updated in
/// the order of their ids, whatever the order of `batch`, so that two batches never wait on each
/// other's row locks in a cycle, and the tallies last, in key order. Any error rolls back the
/// whole batch.
pub async fn apply_all(db: &Db, batch: &[&Apply]) -> Result<Vec<bool>> {
    let mut order: Vec<usize> = (0..batch.len()).collect();
    order.sort_by(|&x, &y| batch[x].hazard_id.cmp(&batch[y].hazard_id));
    let mut moved = vec![false; batch.len()];
    let _writer = db.writer().await;
    match db {
        Db::Sqlite(p) => {
            let mut tallies = Tallies::default();
            let mut tx = p.begin().await?;
            for &i in &order {
                let a = batch[i];
                if let Some((bureau, area, level)) = update_on!(tx, a) {
                    moved[i] = true;
                    let from = a.event.from_status.unwrap_or(a.to_status);
                    tallies.moved(bureau, from, a.to_status, area.as_deref(), &level);
                    append_one!(tx, a);
                }
            }
            write_tallies!(tx, &tallies);
            tx.commit().await?;
        }
        Db::Postgres(p) => {
            // The k-th action on a hazard goes in round k: one statement cannot tell which of two
            // actions on one hazard moved it. A batch rarely holds a hazard twice (an event and
            // its retry, or two phones at once); then the rounds run in batch order, in one
            // transaction, as the actions would one after another.
            let mut rounds: Vec<Vec<usize>> = Vec::new();
            for (k, &i) in order.iter().enumerate() {
                let nth = order[..k]
                    .iter()
                    .rev()
                    .take_while(|&&j| batch[j].hazard_id == batch[i].hazard_id)
                    .count();
                if rounds.len() == nth {
                    rounds.push(Vec::new());
                }
                rounds[nth].push(i);
            }
            let of = |round: &[usize]| round.iter().map(|&i| batch[i]).collect::<Vec<&Apply>>();
            if let [round] = rounds.as_slice() {
                for (&i, m) in round.iter().zip(apply_batch_pg(p, &of(round)).await?) {
                    moved[i] = m;
                }
            } else {
                let mut tx = p.begin().await?;
                for round in &rounds {
                    for (&i, m) in round.iter().zip(apply_batch_pg(&mut *tx, &of(round)).await?) {
                        moved[i] = m;
                    }
                }
                tx.commit().await?;
            }
        }
    }
    Ok(moved)
}

/// Reports a hazard on its own (outside an inspection). Returns whether it was created.
pub async fn report(
    db: &Db,
    h: &NewHazard,
    notify: &[(i64, &'static str)],
    webhook: Option<&str>,
    now: DateTime<Utc>,
) -> Result<bool> {
    let _writer = db.writer().await;
    on_db!(db, p => {
        let mut tx = p.begin().await?;
        let mut tallies = Tallies::default();
        let created = insert_new_hazard!(tx, h, now, &mut tallies);
        if created {
            for (user, kind) in notify {
                sqlx::query("INSERT INTO notifications (user_id, hazard_id, kind, created_at) VALUES ($1, $2, $3, $4)")
                    .bind(user).bind(&h.id).bind(*kind).bind(now).execute(&mut *tx).await?;
            }
            if let Some(payload) = webhook {
                sqlx::query("INSERT INTO webhook_deliveries (event, payload, created_at, next_attempt_at) VALUES ('hazard.reported', $1, $2, $2)")
                    .bind(payload).bind(now).execute(&mut *tx).await?;
            }
        }
        write_tallies!(tx, &tallies);
        tx.commit().await?;
        Ok(created)
    })
}

#[derive(Clone, Debug, sqlx::FromRow)]
pub struct DueRow {
    pub id: String,
    pub school_id: i64,
    pub reported_by: i64,
    pub deadline: NaiveDate,
}

/// Open hazards with a deadline on or before `by`.
pub async fn open_due_by(db: &Db, by: NaiveDate) -> Result<Vec<DueRow>> {
    Ok(on_db!(db, p => sqlx::query_as::<_, DueRow>(
        "SELECT id, school_id, reported_by, deadline FROM hazards \
         WHERE status IN ('reported', 'rectifying', 'submitted') AND deadline <= $1 ORDER BY deadline, id")
        .bind(by).fetch_all(p).await?))
}
