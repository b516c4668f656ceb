//! Upgrades: a database left at an earlier release's schema and holding that schema's rows is
//! brought to the newest schema by the server's own start (`Db::connect`) without losing a row;
//! migrating again changes nothing, and a migration changed after it was applied stops the start.

use crate::helpers::{PASSWORD, TestApp, start, test_config};
use chrono::{DateTime, NaiveDate, Utc};
use reqwest::{Client, StatusCode};
use serde_json::{Value, json};
use server::service::hazards::{Canonical, GENESIS, chain_hash};
use server::storage::{Db, migrator};
use sha2::{Digest, Sha256};
use std::collections::{BTreeMap, BTreeSet};
use uuid::Uuid;

/// Runs `$body` with `$pool` bound to whichever pool `$db` holds (the server's own dispatch is
/// private to its crate).
macro_rules! on {
    ($db:expr, $pool:ident => $body:expr) => {
        match $db {
            Db::Sqlite($pool) => $body,
            Db::Postgres($pool) => $body,
        }
    };
}

const BUREAU: &str = "白榆县教育局";
const SCHOOL: &str = "白榆县实验小学";
const OTHER_SCHOOL: &str = "白榆县第一中学";

#[tokio::test]
async fn a_database_of_the_previous_release_upgrades_at_start_and_keeps_every_row() {
    let versions = versions();
    upgrade_from(versions[versions.len() - 2]).await;
}

#[tokio::test]
async fn a_database_of_any_older_release_upgrades_at_start_and_keeps_every_row() {
    let versions = versions();
    for &version in &versions[..versions.len() - 2] {
        upgrade_from(version).await;
    }
}

#[tokio::test]
async fn migrating_twice_changes_nothing_and_a_changed_migration_stops_the_start() {
    let dir = tempfile::tempdir().expect("temp dir");
    let config = test_config(dir.path()).await;
    let url = &config.database_url;
    let db = Db::connect(url).await.expect("the first start migrates an empty database");
    let recorded = applied(&db).await;
    let schema = tables(&db).await;
    assert_eq!(recorded.iter().map(|a| a.0).collect::<Vec<_>>(), versions(), "every migration");
    db.close().await;

    let db = Db::connect(url).await.expect("a second start on the same database");
    on!(&db, p => migrator(url).run(p).await.expect("the migrator run once more"));
    assert_eq!(applied(&db).await, recorded, "nothing applied again");
    assert_eq!(tables(&db).await, schema, "the schema is unchanged");

    // A migration edited after a deployed database applied it: its recorded checksum differs.
    let first = versions()[0];
    on!(&db, p => sqlx::query("UPDATE _sqlx_migrations SET checksum = $1 WHERE version = $2")
        .bind(vec![0u8; 48]).bind(first).execute(p).await.map(drop))
    .expect("tamper with a checksum");
    db.close().await;
    let err = Db::connect(url).await.expect_err("a changed migration stops the start");
    assert!(
        matches!(
            err,
            server::error::Error::Migrate(sqlx::migrate::MigrateError::VersionMismatch(v))
                if v == first
        ),
        "{err:?}"
    );

    // The operator is told why. The address is held here, so a server that wrongly went on
    // would fail to bind and exit instead of serving forever.
    let held = std::net::TcpListener::bind("127.0.0.1:0").expect("hold an address");
    let addr = held.local_addr().expect("addr").to_string();
    let mut cmd = std::process::Command::new(env!("CARGO_BIN_EXE_xiaoan"));
    cmd.arg("serve")
        .env("DATABASE_URL", url)
        .env("XIAOAN_DATA_DIR", &config.data_dir)
        .env("XIAOAN_ADDR", addr)
        .env("RUST_LOG", "error")
        .env_remove("XIAOAN_METRICS_ADDR");
    let out = tokio::task::spawn_blocking(move || cmd.output())
        .await
        .expect("join")
        .expect("xiaoan runs");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success(), "xiaoan refuses to serve: {stderr}");
    assert!(
        stderr.contains(&format!("migration {first} was previously applied but has been modified")),
        "the reason is printed: {stderr}"
    );
    drop(held);
}

/// The schema versions, oldest first. The two backends' folders must be kept in step.
fn versions() -> Vec<i64> {
    let of = |url: &str| -> Vec<i64> {
        migrator(url)
            .iter()
            .filter(|m| !m.migration_type.is_down_migration())
            .map(|m| m.version)
            .collect()
    };
    let sqlite = of("sqlite:");
    assert_eq!(sqlite, of("postgres:"), "migrations/sqlite and migrations/postgres in step");
    assert!(sqlite.len() >= 2, "an earlier release to upgrade from");
    sqlite
}

/// A fresh database at `version`, filled with rows in that schema, started as a deployed server
/// starts; then checks that everything is there and works.
async fn upgrade_from(version: i64) {
    let dir = tempfile::tempdir().expect("temp dir");
    let config = test_config(dir.path()).await;
    let old = open_at(&config.database_url, version).await;
    let seeded = fill(&old).await;
    let before = counts(&old).await;
    for (table, n) in &before {
        assert!(
            *n > 0,
            "from version {version}: table {table} has no rows; give fill() representative rows for it"
        );
    }
    old.close().await;

    let state = server::prepare(config).await.expect("the server starts on the old database");
    let after = counts(&state.db).await;
    assert_eq!(applied_versions(&state.db).await, versions(), "from version {version}");
    for (table, n) in &before {
        assert_eq!(after.get(table), Some(n), "from version {version}: rows of {table}");
    }
    let new_loop_days = on!(&state.db, p => sqlx::query_as::<_, LoopDays>(
        "SELECT id, planned_on, rectified_on, closed_on, voided_on, typical FROM hazards ORDER BY id")
        .fetch_all(p).await).expect("loop days");
    let (breaks, checked) =
        server::service::hazards::verify(&state.db).await.expect("verify the chains");
    assert!(breaks.is_empty(), "from version {version}: {breaks:?}");
    assert_eq!(checked, seeded.events, "from version {version}: every event checked");
    let drift = server::storage::hazards::tally_drift(&state.db).await.expect("tallies");
    assert!(drift.is_empty(), "from version {version}: tallies filled: {drift:?}");

    // Passwords hashed as the server hashes them, so that the old accounts log in.
    let password = app::domain::Password::parse(PASSWORD).expect("a valid password");
    let hash = server::auth::hash_password(&state, &password).await.expect("hash");
    on!(&state.db, p => sqlx::query("UPDATE users SET password_hash = $1")
        .bind(&hash).execute(p).await.map(drop))
    .expect("set passwords");
    let app = start(state, Some(dir)).await;
    let principal = logged_in(&app, "principal").await;
    let office = logged_in(&app, "office").await;
    let stranger = logged_in(&app, "principal2").await;

    let schools = get(&app, &office, "/api/v1/schools").await;
    let names: BTreeSet<&str> =
        schools.as_array().expect("schools").iter().filter_map(|s| s["name"].as_str()).collect();
    assert_eq!(names, BTreeSet::from([SCHOOL, OTHER_SCHOOL]), "from version {version}");

    let all: BTreeSet<String> = seeded.hazards().into_iter().collect();
    assert_eq!(hazard_ids(&app, &principal, "").await, all, "from version {version}: principal");
    assert_eq!(hazard_ids(&app, &office, "").await, all, "from version {version}: office");
    assert!(hazard_ids(&app, &stranger, "").await.is_empty(), "from version {version}");

    if let Some(id) = &seeded.open {
        for c in [&principal, &office] {
            let h = get(&app, c, &format!("/api/v1/hazards/{id}")).await;
            assert_eq!(h["summary"]["status"], "reported", "from version {version}");
            assert_eq!(h["item"]["code"], "XF-01", "from version {version}");
            assert_eq!(h["before_photos"], json!([seeded.before_photo]), "from version {version}");
            assert_eq!(h["after_photos"], json!([]), "from version {version}");
            assert_eq!(h["events"].as_array().map(Vec::len), Some(1), "from version {version}");
        }
        let res = stranger.get(app.url(&format!("/api/v1/hazards/{id}"))).send().await;
        let status = res.expect("GET").status();
        assert!(status.is_client_error(), "from version {version}: another school's {status}");
    }
    if let Some(id) = &seeded.closed {
        let h = get(&app, &office, &format!("/api/v1/hazards/{id}")).await;
        assert_eq!(h["summary"]["status"], "closed", "from version {version}");
        let actions = crate::hazards::actions(&h);
        assert_eq!(actions, ["report", "plan", "submit", "return", "submit", "approve"]);
        assert_eq!(h["plan"]["funds_yuan"], 1200.5, "from version {version}");
        assert_eq!(h["signature"], json!(seeded.signature), "from version {version}");
        let inbox = get(&app, &principal, "/api/v1/notifications").await;
        assert!(
            inbox["items"]
                .as_array()
                .expect("items")
                .iter()
                .any(|n| n["kind"] == "hazard_reported"
                    && n["hazard_id"].as_str() == seeded.open.as_deref()),
            "from version {version}: the old notice in the inbox: {inbox}"
        );
    }

    // The loop days of the reporting tables: empty for steps not taken, the China date of the
    // first step otherwise, never before the day the hazard was found.
    if seeded.loop_days_new {
        for d in &new_loop_days {
            assert!(!d.typical, "from version {version}: {} is not a typical case", d.id);
            let expected = if Some(&d.id) == seeded.closed.as_ref() {
                [Some("2026-11-11"), Some("2026-11-13"), Some("2026-11-16"), None]
            } else if Some(&d.id) == seeded.voided.as_ref() {
                [None, None, None, Some("2026-11-13")]
            } else {
                [None; 4]
            };
            let expected = expected.map(|on| on.map(day));
            assert_eq!(
                [d.planned_on, d.rectified_on, d.closed_on, d.voided_on],
                expected,
                "from version {version}: planned, rectified, closed, voided of {}",
                d.id
            );
        }
        // The ledger's stage filters read them.
        if let (Some(closed), Some(voided)) = (&seeded.closed, &seeded.voided) {
            let q = "?stage=closed&from=2026-11-16&to=2026-11-16";
            assert_eq!(hazard_ids(&app, &office, q).await, BTreeSet::from([closed.clone()]));
            let q = "?stage=voided&from=2026-11-13&to=2026-11-13";
            assert_eq!(hazard_ids(&app, &office, q).await, BTreeSet::from([voided.clone()]));
        }
    }
}

#[derive(sqlx::FromRow)]
struct LoopDays {
    id: String,
    planned_on: Option<NaiveDate>,
    rectified_on: Option<NaiveDate>,
    closed_on: Option<NaiveDate>,
    voided_on: Option<NaiveDate>,
    typical: bool,
}

/// What `fill` wrote, for the checks after the upgrade.
#[derive(Default)]
struct Seeded {
    events: u64,
    /// A hazard reported from an inspection, untouched since.
    open: Option<String>,
    /// One that went round the whole loop, returned once.
    closed: Option<String>,
    /// One voided.
    voided: Option<String>,
    before_photo: String,
    signature: String,
    /// The schema had no loop days yet: the upgrade back-fills them.
    loop_days_new: bool,
}

impl Seeded {
    fn hazards(&self) -> Vec<String> {
        [&self.open, &self.closed, &self.voided].into_iter().flatten().cloned().collect()
    }
}

/// A fresh database of this run's backend, migrated only as far as `version`.
async fn open_at(url: &str, version: i64) -> Db {
    let db = if url.starts_with("sqlite:") {
        Db::Sqlite(sqlx::SqlitePool::connect(url).await.expect("open the SQLite file"))
    } else {
        Db::Postgres(sqlx::PgPool::connect(url).await.expect("open the PostgreSQL database"))
    };
    on!(&db, p => migrator(url).run_to(version, p).await).expect("migrate to the old version");
    db
}

/// Every table but the migrator's own.
async fn tables(db: &Db) -> Vec<String> {
    match db {
        Db::Sqlite(p) => {
            sqlx::query_scalar(
                "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' \
                 AND name <> '_sqlx_migrations' ORDER BY name",
            )
            .fetch_all(p)
            .await
        }
        Db::Postgres(p) => {
            sqlx::query_scalar(
                "SELECT table_name::text FROM information_schema.tables WHERE table_schema = current_schema() \
                 AND table_type = 'BASE TABLE' AND table_name <> '_sqlx_migrations' ORDER BY 1",
            )
            .fetch_all(p)
            .await
        }
    }
    .expect("list tables")
}

async fn has_column(db: &Db, table: &str, column: &str) -> bool {
    let n: i64 = match db {
        Db::Sqlite(p) => {
            sqlx::query_scalar("SELECT COUNT(*) FROM pragma_table_info($1) WHERE name = $2")
                .bind(table)
                .bind(column)
                .fetch_one(p)
                .await
        }
        Db::Postgres(p) => sqlx::query_scalar(
            "SELECT COUNT(*) FROM information_schema.columns WHERE table_schema = current_schema() \
                 AND table_name = $1 AND column_name = $2",
        )
        .bind(table)
        .bind(column)
        .fetch_one(p)
        .await,
    }
    .expect("look up a column");
    n > 0
}

async fn counts(db: &Db) -> BTreeMap<String, i64> {
    let mut counts = BTreeMap::new();
    for table in tables(db).await {
        let sql = sqlx::AssertSqlSafe(format!("SELECT COUNT(*) FROM {table}"));
        let n =
            on!(db, p => sqlx::query_scalar::<_, i64>(sql).fetch_one(p).await).expect("count rows");
        counts.insert(table, n);
    }
    counts
}

/// The migrator's record: version, checksum and when it was applied.
async fn applied(db: &Db) -> Vec<(i64, Vec<u8>, String)> {
    on!(db, p => sqlx::query_as(
        "SELECT version, checksum, CAST(installed_on AS TEXT) FROM _sqlx_migrations WHERE success ORDER BY version")
        .fetch_all(p).await)
    .expect("applied migrations")
}

async fn applied_versions(db: &Db) -> Vec<i64> {
    applied(db).await.into_iter().map(|a| a.0).collect()
}

async fn logged_in(app: &TestApp, username: &str) -> Client {
    let c = app.client();
    let res = app.login(&c, username, PASSWORD).await;
    assert_eq!(res.status(), StatusCode::OK, "{username} logs in after the upgrade");
    c
}

async fn get(app: &TestApp, c: &Client, path: &str) -> Value {
    let res = app.get(c, path).await;
    let status = res.status();
    let body: Value = res.json().await.expect("json");
    assert_eq!(status, StatusCode::OK, "GET {path}: {body}");
    body
}

async fn hazard_ids(app: &TestApp, c: &Client, query: &str) -> BTreeSet<String> {
    let list = get(app, c, &format!("/api/v1/hazards{query}")).await;
    let items = list["items"].as_array().expect("items");
    items.iter().filter_map(|h| h["id"].as_str().map(str::to_owned)).collect()
}

fn at(s: &str) -> DateTime<Utc> {
    s.parse().expect("a UTC instant")
}

fn day(s: &str) -> NaiveDate {
    s.parse().expect("a date")
}

fn sha(label: &str) -> String {
    hex::encode(Sha256::digest(label.as_bytes()))
}

/// One step of a hazard's history: action, actor, when (UTC), and the status it leads to; the
/// status it leaves is the previous step's.
type Step = (&'static str, i64, &'static str, &'static str);

/// The inspection, checklist item and before-photo a hazard was reported from.
type Origin<'a> = Option<(&'a str, i64, &'a str)>;

/// Writes a hazard as the server did: its row (status, version and times follow from its
/// history) and its events, hash-chained as the server chains them. Returns its id and how many
/// events it has.
async fn write_hazard(
    db: &Db,
    (bureau, school): (i64, i64),
    (title, found_on, deadline): (&str, &str, &str),
    origin: Origin<'_>,
    steps: &[Step],
) -> (String, u64) {
    let id = Uuid::now_v7().to_string();
    let (first, last) = (steps.first().expect("a report"), steps.last().expect("a report"));
    let (created, updated) = (at(first.2), at(last.2));
    let closed_at = (last.3 == "closed").then_some(updated);
    let version = i32::try_from(steps.len()).expect("a short history");
    let (inspection, item) = (origin.map(|o| o.0), origin.map(|o| o.1));
    // Since version 7 a hazard carries its school's bureau.
    let sql = if has_column(db, "hazards", "bureau_id").await {
        "INSERT INTO hazards (id, school_id, inspection_id, item_id, title, description, level, status, found_on, deadline, \
         reported_by, reporter_org_id, version, created_at, updated_at, closed_at, bureau_id) \
         VALUES ($1, $2, $3, $4, $5, '', 'general', $6, $7, $8, $9, $10, $11, $12, $13, $14, $10)"
    } else {
        "INSERT INTO hazards (id, school_id, inspection_id, item_id, title, description, level, status, found_on, deadline, \
         reported_by, reporter_org_id, version, created_at, updated_at, closed_at) \
         VALUES ($1, $2, $3, $4, $5, '', 'general', $6, $7, $8, $9, $10, $11, $12, $13, $14)"
    };
    on!(db, p => sqlx::query(sql)
        .bind(&id).bind(school).bind(inspection).bind(item).bind(title).bind(last.3).bind(day(found_on))
        .bind(day(deadline)).bind(first.1).bind(bureau).bind(version).bind(created).bind(updated).bind(closed_at)
        .execute(p).await.map(drop))
    .expect("a hazard");
    let report = json!({ "title": title, "description": "", "level": "general", "deadline": deadline,
                         "photos": origin.map(|o| vec![o.2]).unwrap_or_default(),
                         "inspection_id": inspection, "item_id": item });
    let (mut prev, mut from) = (GENESIS.to_owned(), None);
    for (seq, &(action, actor, when, to)) in (1..).zip(steps) {
        let event_id = if seq == 1 { format!("{id}:report") } else { Uuid::now_v7().to_string() };
        let payload = if seq == 1 { report.clone() } else { payload_of(action) }.to_string();
        let when = at(when);
        let hash = chain_hash(
            &prev,
            &Canonical {
                hazard_id: &id,
                seq,
                event_id: &event_id,
                action,
                actor_id: actor,
                at: when,
                from_status: from,
                to_status: to,
                payload: &payload,
            },
        );
        on!(db, p => sqlx::query(
            "INSERT INTO hazard_events (hazard_id, seq, event_id, action, actor_id, at, from_status, to_status, payload, \
             prev_hash, hash) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)")
            .bind(&id).bind(seq).bind(&event_id).bind(action).bind(actor).bind(when).bind(from)
            .bind(to).bind(&payload).bind(&prev).bind(&hash).execute(p).await.map(drop))
        .expect("an event");
        (prev, from) = (hash, Some(to));
    }
    (id, steps.len() as u64)
}

/// What the server put in the payload of an action's event.
fn payload_of(action: &str) -> Value {
    let plan = json!({ "responsible": "王强（后勤主任）", "measures": "更换应急灯具", "funds_yuan": 1200.5,
                       "deadline": "2026-11-20", "contingency": "更换前增设临时指示" });
    let submitted = ("已更换", "", json!([sha("after")]), json!(sha("signature")), Value::Null);
    let (note, reason, photos, signature, plan) = match action {
        "plan" => ("", "", json!([]), Value::Null, plan),
        "submit" => submitted,
        "return" => ("", "照片看不清", json!([]), Value::Null, Value::Null),
        "approve" => ("整改到位", "", json!([]), Value::Null, Value::Null),
        _ => ("", "重复登记", json!([]), Value::Null, Value::Null),
    };
    json!({ "note": note, "reason": reason, "photos": photos, "signature": signature,
            "measures": plan.get("measures"), "plan": plan, "deadline": plan.get("deadline") })
}

/// Representative rows of every table the schema has, written in plain SQL as that release's
/// server would have: the org tree with its paths, accounts, a session, a campaign; photos; a
/// checklist, a sealed plan and a submitted inspection whose failure became a hazard; and, with
/// the closed loop, a hazard taken round the whole loop, a voided one and notifications.
async fn fill(db: &Db) -> Seeded {
    let present = tables(db).await;
    let has = |t: &str| present.iter().any(|n| n == t);
    let created = at("2026-09-01T00:00:00Z");
    let mut seeded = Seeded {
        loop_days_new: !has_column(db, "hazards", "closed_on").await,
        ..Seeded::default()
    };

    let (bureau, school, other) = on!(db, p => {
        let bureau: i64 = sqlx::query_scalar(
            "INSERT INTO orgs (kind, name, created_at, updated_at) VALUES ('bureau', $1, $2, $2) RETURNING id")
            .bind(BUREAU).bind(created).fetch_one(p).await.expect("a bureau");
        sqlx::query("UPDATE orgs SET path = $1 WHERE id = $2")
            .bind(format!("/{bureau}/")).bind(bureau).execute(p).await.expect("its path");
        let mut schools = Vec::new();
        for (name, kind) in [(SCHOOL, "primary"), (OTHER_SCHOOL, "junior")] {
            let id: i64 = sqlx::query_scalar(
                "INSERT INTO orgs (parent_id, kind, name, school_type, address, latitude, longitude, principal_name, phone, \
                 created_at, updated_at) VALUES ($1, 'school', $2, $3, '人民大街1号', 43.52, 124.81, '王校长', '0431-1234567', \
                 $4, $4) RETURNING id")
                .bind(bureau).bind(name).bind(kind).bind(created).fetch_one(p).await.expect("a school");
            sqlx::query("UPDATE orgs SET path = $1 WHERE id = $2")
                .bind(format!("/{bureau}/{id}/")).bind(id).execute(p).await.expect("its path");
            schools.push(id);
        }
        (bureau, schools[0], schools[1])
    });

    let mut users = BTreeMap::new();
    for (username, role, org) in [
        ("admin", "admin", bureau),
        ("office", "office", bureau),
        ("inspector", "inspector", bureau),
        ("principal", "principal", school),
        ("principal2", "principal", other),
    ] {
        let id: i64 = on!(db, p => sqlx::query_scalar(
            "INSERT INTO users (username, display_name, role, org_id, password_hash, disabled, created_at, updated_at) \
             VALUES ($1, $2, $3, $4, 'replaced after the upgrade', FALSE, $5, $5) RETURNING id")
            .bind(username).bind(format!("{username}老师")).bind(role).bind(org).bind(created)
            .fetch_one(p).await)
        .expect("a user");
        users.insert(username, id);
    }
    let user = |name: &str| users[name];
    on!(db, p => {
        sqlx::query(
            "INSERT INTO sessions (token_hash, user_id, created_at, last_seen_at, expires_at, client_addr, user_agent) \
             VALUES ($1, $2, $3, $3, $4, '10.0.0.7', 'Mozilla/5.0 (iPhone)')")
            .bind(sha("an old session")).bind(user("principal")).bind(created).bind(at("2099-01-01T00:00:00Z"))
            .execute(p).await.expect("a session");
        sqlx::query("INSERT INTO login_failures (key, at) VALUES ('user:principal', $1)")
            .bind(created).execute(p).await.expect("a failed login");
        sqlx::query("INSERT INTO audit_log (at, actor_id, action, target, detail, client_addr) \
                     VALUES ($1, $2, 'user.create', $3, '', '10.0.0.1')")
            .bind(created).bind(user("admin")).bind(format!("user:{}", user("principal")))
            .execute(p).await.expect("an audit entry");
        let campaign: i64 = sqlx::query_scalar(
            "INSERT INTO campaigns (bureau_id, name, starts_on, ends_on, reporting_starts_on, final_summary_due, created_at) \
             VALUES ($1, '冬春安全整治大会战', $2, $3, $2, $4, $5) RETURNING id")
            .bind(bureau).bind(day("2026-11-01")).bind(day("2027-03-31")).bind(day("2027-04-10")).bind(created)
            .fetch_one(p).await.expect("a campaign");
        sqlx::query("INSERT INTO campaign_phases (campaign_id, seq, name, starts_on, ends_on, expectations) \
                     VALUES ($1, 1, '全面排查', $2, $3, '逐校排查')")
            .bind(campaign).bind(day("2026-11-01")).bind(day("2026-12-31")).execute(p).await.expect("a phase");
        sqlx::query("INSERT INTO campaign_stage_reports (campaign_id, seq, due_on) VALUES ($1, 1, $2)")
            .bind(campaign).bind(day("2027-01-05")).execute(p).await.expect("a stage report");
    });

    if !has("photos") {
        return seeded;
    }
    let (before, after, signature) = (sha("before"), sha("after"), sha("signature"));
    for (sha256, uploader) in
        [(&before, user("inspector")), (&after, user("principal")), (&signature, user("principal"))]
    {
        on!(db, p => sqlx::query(
            "INSERT INTO photos (sha256, uploader_id, school_id, format, bytes, width, height, taken_at, latitude, longitude, \
             device_time, received_at, clock_skewed, display_bytes, thumb_bytes) \
             VALUES ($1, $2, $3, 'jpeg', $4, 1600, 1200, $5, 43.52, 124.81, $6, $6, FALSE, 180000, 9000)")
            .bind(sha256).bind(uploader).bind(school).bind(412_345_i64)
            .bind(day("2026-11-10").and_hms_opt(9, 58, 0)).bind(at("2026-11-10T02:00:00Z"))
            .execute(p).await.map(drop))
        .expect("a photo");
    }
    seeded.before_photo = before.clone();

    if !has("hazards") {
        return seeded;
    }
    let (inspection, plan) = (Uuid::now_v7().to_string(), Uuid::now_v7().to_string());
    let item: i64 = on!(db, p => {
        let template: i64 = sqlx::query_scalar(
            "INSERT INTO checklist_templates (family, version, name, status, created_at, published_at) \
             VALUES ('county-default', 1, '县级检查表', 'published', $1, $1) RETURNING id")
            .bind(created).fetch_one(p).await.expect("a checklist");
        let section: i64 = sqlx::query_scalar(
            "INSERT INTO checklist_sections (template_id, position, area, title) \
             VALUES ($1, 1, 'key_domains', '消防安全') RETURNING id")
            .bind(template).fetch_one(p).await.expect("a section");
        let item: i64 = sqlx::query_scalar(
            "INSERT INTO checklist_items (template_id, section_id, position, code, title, content, standard, level, \
             photo_required, direct_major, applies_to) VALUES ($1, $2, 1, 'XF-01', '灭火器', '查看灭火器压力与有效期', \
             '压力表指针在绿区，在有效期内', 'general', TRUE, FALSE, 'all') RETURNING id")
            .bind(template).bind(section).fetch_one(p).await.expect("an item");
        sqlx::query(
            "INSERT INTO inspection_plans (id, bureau_id, kind, starts_on, ends_on, note, draw_seed, cancelled, created_by, \
             created_at, updated_at) VALUES ($1, $2, 'unannounced', $3, $4, '', 42, FALSE, $5, $6, $6)")
            .bind(&plan).bind(bureau).bind(day("2026-11-09")).bind(day("2026-11-13")).bind(user("office"))
            .bind(created).execute(p).await.expect("a plan");
        sqlx::query("INSERT INTO plan_schools (plan_id, school_id) VALUES ($1, $2)")
            .bind(&plan).bind(school).execute(p).await.expect("its school");
        sqlx::query("INSERT INTO plan_members (plan_id, user_id) VALUES ($1, $2)")
            .bind(&plan).bind(user("inspector")).execute(p).await.expect("its inspector");
        sqlx::query(
            "INSERT INTO inspections (id, kind, status, school_id, template_id, plan_id, created_by, note, started_at, \
             finished_at, latitude, longitude, submitted_at, created_at, updated_at) \
             VALUES ($1, 'unannounced', 'submitted', $2, $3, $4, $5, '', $6, $7, 43.52, 124.81, $7, $6, $7)")
            .bind(&inspection).bind(school).bind(template).bind(&plan).bind(user("inspector"))
            .bind(at("2026-11-10T01:00:00Z")).bind(at("2026-11-10T02:00:00Z")).execute(p).await.expect("an inspection");
        sqlx::query(
            "INSERT INTO inspection_answers (inspection_id, item_id, outcome, note, photos, hazard) \
             VALUES ($1, $2, 'fail', '压力表指针在红区', $3, $4)")
            .bind(&inspection).bind(item).bind(json!([before]).to_string())
            .bind(json!({ "title": "灭火器压力不足", "level": "general" }).to_string())
            .execute(p).await.expect("an answer");
        item
    });

    // Reported from the inspection and untouched since.
    let (inspector, principal, office) = (user("inspector"), user("principal"), user("office"));
    let orgs = (bureau, school);
    let found = ("灭火器压力不足", "2026-11-10", "2026-11-25");
    let steps = [("report", inspector, "2026-11-10T02:00:00Z", "reported")];
    let (open, n) = write_hazard(db, orgs, found, Some((&inspection, item, &before)), &steps).await;
    seeded.events += n;
    on!(db, p => {
        for (kind, id) in [("inspection", &inspection), ("hazard", &open)] {
            sqlx::query("INSERT INTO photo_refs (sha256, record_kind, record_id, role) VALUES ($1, $2, $3, 'before')")
                .bind(&before).bind(kind).bind(id).execute(p).await.expect("a photo reference");
        }
    });
    seeded.open = Some(open.clone());

    if !has("notifications") {
        return seeded;
    }
    on!(db, p => sqlx::query("UPDATE hazards SET area = 'key_domains' WHERE id = $1")
        .bind(&open).execute(p).await.map(drop))
    .expect("an area");

    // Round the whole loop, returned once; times chosen so that the China date differs from
    // the UTC one: planned 11-11, first rectified 11-13, closed 11-16 in China.
    let steps = [
        ("report", inspector, "2026-11-10T03:00:00Z", "reported"),
        ("plan", principal, "2026-11-10T18:30:00Z", "rectifying"),
        ("submit", principal, "2026-11-12T17:00:00Z", "submitted"),
        ("return", office, "2026-11-13T02:00:00Z", "rectifying"),
        ("submit", principal, "2026-11-14T03:00:00Z", "submitted"),
        ("approve", office, "2026-11-15T16:30:00Z", "closed"),
    ];
    let found = ("疏散指示灯不亮", "2026-11-10", "2026-11-25");
    let (closed, n) = write_hazard(db, orgs, found, None, &steps).await;
    seeded.events += n;
    on!(db, p => {
        sqlx::query(
            "UPDATE hazards SET area = 'key_domains', plan_responsible = '王强（后勤主任）', plan_measures = '更换应急灯具', \
             plan_funds_cents = 120050, plan_deadline = $1, plan_contingency = '更换前增设临时指示', submit_note = '已更换', \
             after_photos = $2, signature_sha = $3, return_reason = '照片看不清' WHERE id = $4")
            .bind(day("2026-11-20")).bind(json!([after]).to_string()).bind(&signature).bind(&closed)
            .execute(p).await.expect("the loop's columns");
        for (sha256, role) in [(&after, "after"), (&signature, "signature")] {
            sqlx::query("INSERT INTO photo_refs (sha256, record_kind, record_id, role) VALUES ($1, 'hazard', $2, $3)")
                .bind(sha256).bind(&closed).bind(role).execute(p).await.expect("a photo reference");
        }
    });
    seeded.closed = Some(closed.clone());
    seeded.signature = signature;

    // Voided on a China date before the day it was found (the inspector's phone was a day
    // ahead): its voided day is clamped to the found day.
    let steps = [
        ("report", inspector, "2026-11-12T01:00:00Z", "reported"),
        ("void", office, "2026-11-12T02:00:00Z", "voided"),
    ];
    let (voided, n) =
        write_hazard(db, orgs, ("围墙裂缝", "2026-11-13", "2026-11-28"), None, &steps).await;
    seeded.events += n;
    seeded.voided = Some(voided);

    let (reported, approved) = (at("2026-11-10T02:00:00Z"), at("2026-11-15T16:30:00Z"));
    on!(db, p => {
        for (user_id, hazard, kind, dedupe, read_at) in [
            (principal, &open, "hazard_reported", None, None),
            (principal, &open, "due_soon", Some(format!("due_soon:{open}:2026-11-23:{principal}")), None),
            (principal, &closed, "hazard_returned", None, Some(at("2026-11-13T03:00:00Z"))),
            (office, &closed, "hazard_submitted", None, None),
        ] {
            sqlx::query("INSERT INTO notifications (user_id, hazard_id, kind, detail, dedupe, created_at, read_at) \
                         VALUES ($1, $2, $3, '', $4, $5, $6)")
                .bind(user_id).bind(hazard).bind(kind).bind(dedupe).bind(reported).bind(read_at)
                .execute(p).await.expect("a notification");
        }
        sqlx::query("INSERT INTO webhook_deliveries (event, payload, created_at, attempts, next_attempt_at, delivered_at, \
                     last_error) VALUES ('hazard.approve', '{}', $1, 1, $1, $1, '')")
            .bind(approved).execute(p).await.expect("a webhook delivery");
        sqlx::query("INSERT INTO job_leases (name, holder, expires_at, last_run_on) \
                     VALUES ('daily_reminders', 'an old instance', $1, $2)")
            .bind(at("2026-11-23T00:10:00Z")).bind(day("2026-11-23")).execute(p).await.expect("a lease");
    });

    if !has("accidents") {
        return seeded;
    }
    // The campaign registers: a 10-day report, a measure, the duty list signed, an activity and
    // an accident linked to the closed hazard.
    let closed = seeded.closed.clone().expect("a closed hazard");
    let reported = at("2026-11-20T02:00:00Z");
    on!(db, p => {
        let campaign: i64 = sqlx::query_scalar("SELECT id FROM campaigns ORDER BY id LIMIT 1")
            .fetch_one(p).await.expect("the campaign");
        sqlx::query("INSERT INTO submissions (id, campaign_id, school_id, kind, seq, note, numbers, attachments, \
                     submitted_by, submitted_at) VALUES ($1, $2, $3, 'period', 1, '本期已自查', '{}', '[]', $4, $5)")
            .bind(Uuid::now_v7().to_string()).bind(campaign).bind(school).bind(user("principal")).bind(reported)
            .execute(p).await.expect("a submission");
        sqlx::query("INSERT INTO enforcement_records (id, category, kind, school_id, hazard_id, persons, persons_count, \
                     taken_on, doc_no, note, attachments, created_by, created_at) \
                     VALUES ($1, 'measure', 'rectify_order', $2, $3, '[]', 0, $4, '白教安〔2026〕1号', '', '[]', $5, $6)")
            .bind(Uuid::now_v7().to_string()).bind(school).bind(&closed).bind(day("2026-11-20"))
            .bind(user("office")).bind(reported).execute(p).await.expect("an enforcement record");
        let list: i64 = sqlx::query_scalar("INSERT INTO duty_lists (bureau_id, title, duties, published_by, published_at) \
                     VALUES ($1, '学校安全责任清单', '[\"落实校长第一责任\"]', $2, $3) RETURNING id")
            .bind(bureau).bind(user("office")).bind(reported).fetch_one(p).await.expect("a duty list");
        sqlx::query("INSERT INTO duty_signatures (list_id, school_id, school_items, content_sha, signature_sha, signed_by, \
                     signed_at) VALUES ($1, $2, '[]', $3, $4, $5, $6)")
            .bind(list).bind(school).bind(sha("the list")).bind(sha("signature")).bind(user("principal")).bind(reported)
            .execute(p).await.expect("a signature");
        sqlx::query("INSERT INTO activities (id, school_id, kind, held_on, title, photo_sha, created_by, created_at) \
                     VALUES ($1, $2, 'publicity', $3, '消防安全主题班会', $4, $5, $6)")
            .bind(Uuid::now_v7().to_string()).bind(school).bind(day("2026-11-19")).bind(sha("after"))
            .bind(user("principal")).bind(reported).execute(p).await.expect("an activity");
        sqlx::query("INSERT INTO accidents (id, school_id, occurred_on, kind, injured, dead, summary, hazard_ids, \
                     created_by, created_at) VALUES ($1, $2, $3, 'fall', 1, 0, '课间滑倒擦伤', $4, $5, $6)")
            .bind(Uuid::now_v7().to_string()).bind(school).bind(day("2026-11-18"))
            .bind(format!("[\"{closed}\"]")).bind(user("principal")).bind(reported)
            .execute(p).await.expect("an accident");
    });
    if has("hazard_tallies") {
        // Kept by the server with every write since version 7.
        on!(db, p => sqlx::query("INSERT INTO hazard_tallies (bureau_id, status, area, level, n) \
                                  SELECT bureau_id, status, COALESCE(area, ''), level, COUNT(*) FROM hazards \
                                  GROUP BY bureau_id, status, COALESCE(area, ''), level")
            .execute(p).await.map(drop))
        .expect("the tallies");
    }
    seeded
}
