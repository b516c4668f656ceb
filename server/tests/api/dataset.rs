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
    assert_eq!(made.users, 3 * 2 + 25);
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
