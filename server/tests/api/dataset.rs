//! `xiaoan gen`: the generated province is deterministic, its hazard chains verify, and its
//! tables reconcile.

use crate::helpers::spawn_app;
use server::dataset::{Options, run};

async fn count(app: &crate::helpers::TestApp, sql: &'static str) -> i64 {
    match &app.state.db {
        server::storage::Db::Sqlite(p) => sqlx::query_scalar(sql).fetch_one(p).await,
        server::storage::Db::Postgres(p) => sqlx::query_scalar(sql).fetch_one(p).await,
    }
    .expect("count")
}

#[tokio::test]
async fn a_generated_province_verifies_and_its_tables_reconcile() {
    let app = spawn_app().await;
    let o = Options { schools: 25, hazards: 600, seed: 7, per_county: 10 };
    let made = run(&app.state, &o).await.expect("generated");
    assert_eq!((made.counties, made.schools, made.hazards), (3, 25, 600));
    assert_eq!(
        made.users,
        1 + 3 * 2 + 25,
        "a province office, two per county, a principal per school"
    );
    assert_eq!(count(&app, "SELECT COUNT(*) FROM hazard_events").await as u64, made.events);
    for status in ["reported", "rectifying", "submitted", "closed", "voided"] {
        let sql: &'static str = match status {
            "reported" => {
                "SELECT COUNT(*) FROM hazards WHERE status = 'reported' AND closed_on IS NULL"
            }
            "rectifying" => {
                "SELECT COUNT(*) FROM hazards WHERE status = 'rectifying' AND planned_on IS NOT NULL"
            }
            "submitted" => {
                "SELECT COUNT(*) FROM hazards WHERE status = 'submitted' AND rectified_on IS NOT NULL"
            }
            "closed" => {
                "SELECT COUNT(*) FROM hazards WHERE status = 'closed' AND closed_on IS NOT NULL"
            }
            _ => "SELECT COUNT(*) FROM hazards WHERE status = 'voided' AND voided_on IS NOT NULL",
        };
        assert!(count(&app, sql).await > 0, "some hazards are {status}, with their loop days");
    }
    let (breaks, checked) = server::service::hazards::verify(&app.state.db).await.expect("verify");
    assert!(breaks.is_empty(), "every generated chain verifies: {breaks:?}");
    assert_eq!(checked, made.events);
    crate::hazards::assert_tallies_agree(&app).await;

    // A county office sees its county's table 1, and every row reconciles.
    let c = app.client_as("g7_office_0").await;
    let t = app.get(&c, "/api/v1/reports/hazards").await;
    assert_eq!(t.status(), reqwest::StatusCode::OK);
    let t: serde_json::Value = t.json().await.expect("json");
    assert_eq!(t["institutions"].as_array().expect("lines").len(), 10);
    for row in t["rows"].as_array().expect("rows") {
        let s = &row["stats"];
        let n = |k: &str| s[k].as_i64().expect("number");
        assert_eq!(
            n("open_at_start") + n("found_general") + n("found_major") - n("closed") - n("voided"),
            n("open_at_end")
        );
    }

    // The same seed makes the same province (ids included) in another database.
    let other = spawn_app().await;
    run(&other.state, &o).await.expect("generated again");
    let first = |a: &crate::helpers::TestApp| {
        let db = a.state.db.clone();
        async move {
            match &db {
                server::storage::Db::Sqlite(p) => {
                    sqlx::query_as::<_, (String, String, String)>(
                        "SELECT id, status, title FROM hazards ORDER BY id LIMIT 20",
                    )
                    .fetch_all(p)
                    .await
                }
                server::storage::Db::Postgres(p) => {
                    sqlx::query_as::<_, (String, String, String)>(
                        "SELECT id, status, title FROM hazards ORDER BY id LIMIT 20",
                    )
                    .fetch_all(p)
                    .await
                }
            }
            .expect("rows")
        }
    };
    assert_eq!(first(&app).await, first(&other).await);
}

/// The feed's hazards as (id, updated version).
fn feed_hazards(feed: &serde_json::Value) -> Vec<(String, i64)> {
    feed["hazards"]
        .as_array()
        .expect("hazards")
        .iter()
        .map(|h| {
            let s = &h["summary"];
            (s["id"].as_str().expect("id").to_owned(), s["version"].as_i64().expect("version"))
        })
        .collect()
}

#[tokio::test]
async fn a_long_changes_feed_resumes_where_it_stopped_and_then_carries_only_what_changed() {
    let app = spawn_app().await;
    let o = Options { schools: 20, hazards: 900, seed: 3, per_county: 20 };
    run(&app.state, &o).await.expect("generated");
    let c = app.client_as("g3_office").await;
    let changes = |since: Option<String>| {
        let path = match since {
            Some(s) => format!("/api/v1/changes?since={}", s.replace('+', "%2B")),
            None => "/api/v1/changes".to_owned(),
        };
        let (app, c) = (&app, &c);
        async move {
            let res = app.get(c, &path).await;
            assert_eq!(res.status(), reqwest::StatusCode::OK, "{path}");
            res.json::<serde_json::Value>().await.expect("json")
        }
    };
    // From scratch: every open hazard and whatever changed in the last 30 days, 300 at a time.
    let want = count(
        &app,
        "SELECT COUNT(*) FROM hazards WHERE status IN ('reported', 'rectifying', 'submitted')",
    )
    .await;
    assert!(want > 300, "the province has more open hazards than one answer carries: {want}");
    let mut seen = std::collections::HashSet::new();
    let mut feed = changes(None).await;
    for round in 0.. {
        let got = feed_hazards(&feed);
        assert!(round < 10, "the walk ends");
        seen.extend(got.iter().map(|(id, _)| id.clone()));
        if got.len() < 300 {
            break;
        }
        feed = changes(feed["cursor"].as_str().map(str::to_owned)).await;
    }
    assert!(seen.len() as i64 >= want, "nothing open is skipped: {} of {want}", seen.len());

    // Caught up: the next answer carries no hazard; one extended hazard comes back alone.
    let cursor = feed["cursor"].as_str().expect("cursor").to_owned();
    assert_eq!(feed_hazards(&changes(Some(cursor.clone())).await), vec![]);
    let id: String = match &app.state.db {
        server::storage::Db::Sqlite(p) => {
            sqlx::query_scalar("SELECT id FROM hazards WHERE status = 'reported' LIMIT 1")
                .fetch_one(p)
                .await
        }
        server::storage::Db::Postgres(p) => {
            sqlx::query_scalar("SELECT id FROM hazards WHERE status = 'reported' LIMIT 1")
                .fetch_one(p)
                .await
        }
    }
    .expect("a reported hazard");
    let h: serde_json::Value =
        app.get(&c, &format!("/api/v1/hazards/{id}")).await.json().await.expect("hazard");
    let v = crate::hazards::version(&h);
    let deadline = (chrono::Utc::now() + chrono::Duration::days(60)).date_naive();
    let body = serde_json::json!({"event_id": uuid::Uuid::now_v7(), "action": "extend",
        "expected_version": v, "reason": "雨季停工", "deadline": deadline});
    let id = uuid::Uuid::parse_str(&id).expect("uuid");
    crate::hazards::ok(crate::hazards::act(&app, &c, id, body).await).await;
    assert_eq!(
        feed_hazards(&changes(Some(cursor)).await),
        vec![(id.to_string(), v + 1)],
        "only the hazard that changed"
    );
}
