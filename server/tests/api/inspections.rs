//! Checklists, plans and inspections through the API: the default template, a whole
//! unannounced visit that stays sealed from the school until submitted, and refusals that
//! write nothing.

use crate::helpers::{TestApp, error_of, spawn_app};
use reqwest::{Client, StatusCode};
use serde_json::{Value, json};
use server::photo::pipeline::samples::{jpeg, noise_photo};
use sha2::{Digest, Sha256};

const SCHOOL: &str = "白榆县实验小学"; // the demo principal's school

async fn upload_photo(app: &TestApp, c: &Client, seed: u64) -> String {
    let bytes = jpeg(&noise_photo(320, 240, seed), 320, 240, 85, None);
    let sha = hex::encode(Sha256::digest(&bytes));
    let res = c
        .put(app.url(&format!("/api/v1/photos/{sha}")))
        .header("content-type", "image/jpeg")
        .body(bytes)
        .send()
        .await
        .expect("PUT photo");
    assert_eq!(res.status(), StatusCode::CREATED);
    sha
}

async fn json_of(res: reqwest::Response) -> Value {
    res.json().await.expect("json body")
}

/// The template ids for a school and the items that apply to it (a primary school: no
/// kindergarten-only items).
pub(crate) async fn school_items(app: &TestApp, c: &Client, school: i64) -> (i64, Vec<Value>) {
    let ids = json_of(app.get(c, &format!("/api/v1/schools/{school}/checklist")).await).await;
    let template_id = ids["template_id"].as_i64().expect("template id");
    let t = json_of(app.get(c, &format!("/api/v1/checklists/{template_id}")).await).await;
    let items = t["sections"]
        .as_array()
        .expect("sections")
        .iter()
        .flat_map(|s| s["items"].as_array().expect("items").clone())
        .filter(|i| i["applies_to"] != "kindergarten")
        .collect();
    (template_id, items)
}

fn hazard_for(item: &Value) -> Value {
    json!({
        "id": uuid::Uuid::now_v7(),
        "title": item["title"],
        "description": "现场发现",
        "level": item["level"],
        "deadline": "2099-01-01"
    })
}

/// Answers every item: the first `fails` items fail with a hazard and a photo each.
pub(crate) fn answers(items: &[Value], fails: &[(usize, Option<String>)]) -> Vec<Value> {
    items
        .iter()
        .enumerate()
        .map(|(n, item)| match fails.iter().find(|(i, _)| *i == n) {
            Some((_, photo)) => json!({
                "item_id": item["id"], "outcome": "fail", "note": "不合格",
                "photos": photo.iter().collect::<Vec<_>>(), "hazard": hazard_for(item)
            }),
            None => json!({ "item_id": item["id"], "outcome": "pass" }),
        })
        .collect()
}

pub(crate) async fn put_inspection(
    app: &TestApp,
    c: &Client,
    id: &uuid::Uuid,
    body: &Value,
) -> reqwest::Response {
    c.put(app.url(&format!("/api/v1/inspections/{id}")))
        .json(body)
        .send()
        .await
        .expect("PUT inspection")
}

pub(crate) async fn submit(app: &TestApp, c: &Client, id: &uuid::Uuid) -> reqwest::Response {
    c.post(app.url(&format!("/api/v1/inspections/{id}/submit")))
        .json(&json!({ "latitude": 44.812, "longitude": 123.088 }))
        .send()
        .await
        .expect("submit")
}

async fn hazard_count(app: &TestApp) -> i64 {
    match &app.state.db {
        server::storage::Db::Sqlite(p) => {
            sqlx::query_scalar("SELECT COUNT(*) FROM hazards").fetch_one(p).await
        }
        server::storage::Db::Postgres(p) => {
            sqlx::query_scalar("SELECT COUNT(*) FROM hazards").fetch_one(p).await
        }
    }
    .expect("count")
}

#[tokio::test]
async fn the_default_checklist_loads_with_sixty_items_across_the_five_areas() {
    let app = spawn_app().await;
    let c = app.client_as("inspector").await;
    let list = json_of(app.get(&c, "/api/v1/checklists").await).await;
    let county = list
        .as_array()
        .expect("list")
        .iter()
        .find(|t| t["family"] == "county-default")
        .expect("county");
    assert_eq!(county["status"], "published");
    assert!(county["item_count"].as_i64().expect("count") >= 60);
    let t = json_of(app.get(&c, &format!("/api/v1/checklists/{}", county["id"])).await).await;
    let areas: std::collections::HashSet<&str> = t["sections"]
        .as_array()
        .expect("sections")
        .iter()
        .filter_map(|s| s["area"].as_str())
        .collect();
    assert_eq!(areas.len(), 5, "all five areas: {areas:?}");
    for s in t["sections"].as_array().expect("sections") {
        for i in s["items"].as_array().expect("items") {
            for f in ["title", "content", "standard"] {
                assert!(!i[f].as_str().unwrap_or("").is_empty(), "{} has {f}", i["code"]);
            }
        }
    }
}

#[tokio::test]
async fn an_unannounced_visit_is_sealed_from_the_school_until_it_is_submitted() {
    let app = spawn_app().await;
    let inspector = app.client_as("inspector").await;
    let principal = app.client_as("principal").await;
    let school = app.school_id(SCHOOL).await;
    let (template_id, items) = school_items(&app, &inspector, school).await;
    assert!(items.len() >= 10);

    // A plan for the visit: invisible to the principal by every route.
    let plan_id = uuid::Uuid::now_v7();
    let plan = json!({ "kind": "unannounced", "starts_on": "2026-12-01", "ends_on": "2026-12-10",
                       "school_ids": [school], "member_ids": [app.user_id("inspector").await] });
    let res = inspector
        .put(app.url(&format!("/api/v1/plans/{plan_id}")))
        .json(&plan)
        .send()
        .await
        .expect("plan");
    assert_eq!(res.status(), StatusCode::CREATED);

    let photos = [
        upload_photo(&app, &inspector, 1).await,
        upload_photo(&app, &inspector, 2).await,
        upload_photo(&app, &inspector, 3).await,
    ];
    let id = uuid::Uuid::now_v7();
    let fails: Vec<(usize, Option<String>)> =
        photos.iter().enumerate().map(|(n, p)| (n * 3, Some(p.clone()))).collect();
    let draft = json!({ "kind": "unannounced", "school_id": school, "template_id": template_id,
                        "plan_id": plan_id, "answers": answers(&items, &fails) });
    let res = put_inspection(&app, &inspector, &id, &draft).await;
    assert_eq!(res.status(), StatusCode::CREATED);
    assert_eq!(
        put_inspection(&app, &inspector, &id, &draft).await.status(),
        StatusCode::OK,
        "a retried PUT"
    );

    // Before submission the school sees nothing.
    let hidden = [
        format!("/api/v1/inspections/{id}"),
        format!("/api/v1/plans/{plan_id}"),
        "/api/v1/plans".to_owned(),
        "/api/v1/plans/suggestions".to_owned(),
        format!("/api/v1/photos/{}/thumb", photos[0]),
        format!("/api/v1/photos/{}/display", photos[0]),
    ];
    for path in &hidden {
        assert_eq!(app.get(&principal, path).await.status(), StatusCode::NOT_FOUND, "{path}");
    }
    let list = json_of(app.get(&principal, "/api/v1/inspections").await).await;
    assert_eq!(list.as_array().expect("list").len(), 0, "no inspection listed for the school");
    assert_eq!(hazard_count(&app).await, 0, "no hazard before submission");
    let feed = json_of(app.get(&principal, "/api/v1/changes").await).await;
    assert_eq!(feed["inspections"], json!([]), "nothing in the school's offline feed");
    assert_eq!(feed["plans"], json!([]), "no plan in the school's offline feed");
    let feed = json_of(app.get(&inspector, "/api/v1/changes").await).await;
    assert_eq!(
        feed["plans"].as_array().expect("plans").len(),
        1,
        "the inspector's feed carries the plan"
    );

    // Submitted: three reported hazards, and now the school sees the inspection and its photos.
    let res = submit(&app, &inspector, &id).await;
    assert_eq!(res.status(), StatusCode::OK);
    let done = json_of(res).await;
    assert_eq!(done["summary"]["status"], "submitted");
    let hazards = done["hazards"].as_array().expect("hazards");
    assert_eq!(hazards.len(), 3);
    assert!(hazards.iter().all(|h| h["status"] == "reported"));
    assert_eq!(
        submit(&app, &inspector, &id).await.status(),
        StatusCode::OK,
        "submitting twice is harmless"
    );
    assert_eq!(hazard_count(&app).await, 3);

    let seen = app.get(&principal, &format!("/api/v1/inspections/{id}")).await;
    assert_eq!(seen.status(), StatusCode::OK);
    let feed = json_of(app.get(&principal, "/api/v1/changes").await).await;
    assert_eq!(
        feed["inspections"].as_array().expect("inspections").len(),
        1,
        "now in the school's feed"
    );
    assert_eq!(feed["hazards"].as_array().expect("hazards").len(), 3);
    assert_eq!(feed["plans"], json!([]), "the plan stays out of it");
    assert_eq!(json_of(seen).await["hazards"].as_array().expect("hazards").len(), 3);
    assert_eq!(
        app.get(&principal, &format!("/api/v1/photos/{}/thumb", photos[0])).await.status(),
        StatusCode::OK
    );
    // The plan stays sealed even after the visit.
    assert_eq!(
        app.get(&principal, &format!("/api/v1/plans/{plan_id}")).await.status(),
        StatusCode::NOT_FOUND
    );
    // A submitted inspection no longer changes.
    let (status, err) = error_of(put_inspection(&app, &inspector, &id, &draft).await).await;
    assert_eq!(
        (status, err["code"].as_str()),
        (StatusCode::UNPROCESSABLE_ENTITY, Some("already_submitted"))
    );
}

#[tokio::test]
async fn bad_inspections_are_refused_clearly_and_write_nothing() {
    let app = spawn_app().await;
    let inspector = app.client_as("inspector").await;
    let principal = app.client_as("principal").await;
    let school = app.school_id(SCHOOL).await;
    let (template_id, items) = school_items(&app, &inspector, school).await;
    let base = |answers: Vec<Value>| json!({ "kind": "supervision", "school_id": school, "template_id": template_id, "answers": answers });

    // An item that no template has.
    let id = uuid::Uuid::now_v7();
    let res = put_inspection(
        &app,
        &inspector,
        &id,
        &base(vec![json!({ "item_id": 999_999, "outcome": "pass" })]),
    )
    .await;
    let (status, err) = error_of(res).await;
    assert_eq!(
        (status, err["code"].as_str()),
        (StatusCode::UNPROCESSABLE_ENTITY, Some("unknown_item"))
    );
    assert_eq!(
        app.get(&inspector, &format!("/api/v1/inspections/{id}")).await.status(),
        StatusCode::NOT_FOUND,
        "nothing written"
    );

    // A principal filing a supervision.
    let res = put_inspection(&app, &principal, &id, &base(vec![])).await;
    assert_eq!(res.status(), StatusCode::FORBIDDEN);

    // Submitting with items unanswered: refused, and still a draft with no hazard.
    let half: Vec<Value> = answers(&items, &[]).into_iter().take(5).collect();
    assert_eq!(
        put_inspection(&app, &inspector, &id, &base(half)).await.status(),
        StatusCode::CREATED
    );
    let (status, err) = error_of(submit(&app, &inspector, &id).await).await;
    assert_eq!(
        (status, err["code"].as_str()),
        (StatusCode::UNPROCESSABLE_ENTITY, Some("unanswered"))
    );
    let still = json_of(app.get(&inspector, &format!("/api/v1/inspections/{id}")).await).await;
    assert_eq!(still["summary"]["status"], "draft");

    // A failure whose item needs a photo, without one.
    let needs_photo =
        items.iter().position(|i| i["photo_required"] == true).expect("an item needing a photo");
    let full = answers(&items, &[(needs_photo, None)]);
    assert_eq!(put_inspection(&app, &inspector, &id, &base(full)).await.status(), StatusCode::OK);
    let (status, err) = error_of(submit(&app, &inspector, &id).await).await;
    assert_eq!(
        (status, err["code"].as_str()),
        (StatusCode::UNPROCESSABLE_ENTITY, Some("photo_required"))
    );
    assert_eq!(hazard_count(&app).await, 0);

    // A photo nobody uploaded.
    let full = answers(&items, &[(needs_photo, Some("ab".repeat(32)))]);
    let (status, err) = error_of(put_inspection(&app, &inspector, &id, &base(full)).await).await;
    assert_eq!(
        (status, err["code"].as_str()),
        (StatusCode::UNPROCESSABLE_ENTITY, Some("unknown_photo"))
    );

    // An answer for an item of another version of the checklist.
    let office = app.client_as("office").await;
    let draft = json_of(
        office
            .post(app.url("/api/v1/checklists/edit"))
            .json(&json!({}))
            .send()
            .await
            .expect("edit"),
    )
    .await;
    let new_id = draft["id"].as_i64().expect("draft id");
    let res = office
        .post(app.url(&format!("/api/v1/checklists/{new_id}/publish")))
        .send()
        .await
        .expect("publish");
    assert_eq!(res.status(), StatusCode::OK);
    let other = uuid::Uuid::now_v7();
    let body = json!({ "kind": "supervision", "school_id": school, "template_id": new_id,
                       "answers": [{ "item_id": items[0]["id"], "outcome": "pass" }] });
    let (status, err) = error_of(put_inspection(&app, &inspector, &other, &body).await).await;
    assert_eq!(
        (status, err["code"].as_str()),
        (StatusCode::UNPROCESSABLE_ENTITY, Some("other_template_version"))
    );

    // Malformed bodies and ids.
    let res = inspector
        .put(app.url(&format!("/api/v1/inspections/{other}")))
        .header("content-type", "application/json")
        .body("{")
        .send()
        .await
        .expect("PUT");
    assert_eq!(res.status(), StatusCode::BAD_REQUEST);
    assert_eq!(
        app.get(&inspector, "/api/v1/inspections/not-a-uuid").await.status(),
        StatusCode::NOT_FOUND
    );
}

#[tokio::test]
async fn office_publishes_a_new_version_and_a_principal_extends_it_for_their_school_only() {
    let app = spawn_app().await;
    let office = app.client_as("office").await;
    let principal = app.client_as("principal").await;
    let principal2 = app.client_as("principal2").await;
    let school = app.school_id(SCHOOL).await;

    // The principal cannot edit the county template.
    let res = principal
        .post(app.url("/api/v1/checklists/edit"))
        .json(&json!({}))
        .send()
        .await
        .expect("edit");
    assert_eq!(res.status(), StatusCode::FORBIDDEN);

    let draft = json_of(
        office
            .post(app.url("/api/v1/checklists/edit"))
            .json(&json!({}))
            .send()
            .await
            .expect("edit"),
    )
    .await;
    let id = draft["id"].as_i64().expect("id");
    let item = json!({ "area": "emergency", "item": { "code": "X01", "title": "防踩踏演练", "content": "查看演练记录",
                       "standard": "本学期至少一次，有记录和照片", "level": "general", "photo_required": false } });
    let res = office
        .put(app.url(&format!("/api/v1/checklists/{id}/items/X01")))
        .json(&item)
        .send()
        .await
        .expect("put item");
    assert_eq!(res.status(), StatusCode::OK);
    let bad = json!({ "area": "emergency", "item": { "code": "X02", "title": "", "content": "x", "standard": "y", "level": "general" } });
    let res = office
        .put(app.url(&format!("/api/v1/checklists/{id}/items/X02")))
        .json(&bad)
        .send()
        .await
        .expect("put item");
    assert_eq!(res.status(), StatusCode::BAD_REQUEST, "an item needs a title");
    let published = json_of(
        office
            .post(app.url(&format!("/api/v1/checklists/{id}/publish")))
            .send()
            .await
            .expect("publish"),
    )
    .await;
    assert_eq!(published["summary"]["version"], 2);
    let res = office
        .post(app.url(&format!("/api/v1/checklists/{id}/publish")))
        .send()
        .await
        .expect("publish");
    assert_eq!(res.status(), StatusCode::CONFLICT, "a published version never changes");
    let ids = json_of(app.get(&office, &format!("/api/v1/schools/{school}/checklist")).await).await;
    assert_eq!(ids["template_id"].as_i64(), Some(id), "new inspections use the new version");

    // The principal's own items extend the template for that school only.
    let draft = json_of(
        principal
            .post(app.url("/api/v1/checklists/edit"))
            .json(&json!({ "school_id": school }))
            .send()
            .await
            .expect("edit"),
    )
    .await;
    let ext = draft["id"].as_i64().expect("id");
    let own = json!({ "area": "key_domains", "item": { "code": "S01", "title": "校门口护栏", "content": "查看护栏",
                      "standard": "无破损", "level": "general", "photo_required": true } });
    let res = principal
        .put(app.url(&format!("/api/v1/checklists/{ext}/items/S01")))
        .json(&own)
        .send()
        .await
        .expect("put");
    assert_eq!(res.status(), StatusCode::OK);
    let res = principal
        .post(app.url(&format!("/api/v1/checklists/{ext}/publish")))
        .send()
        .await
        .expect("publish");
    assert_eq!(res.status(), StatusCode::OK);
    let ids =
        json_of(app.get(&principal, &format!("/api/v1/schools/{school}/checklist")).await).await;
    assert_eq!(ids["extension_id"].as_i64(), Some(ext));
    assert_eq!(
        app.get(&principal2, &format!("/api/v1/checklists/{ext}")).await.status(),
        StatusCode::NOT_FOUND
    );
    let res = principal2
        .post(app.url("/api/v1/checklists/edit"))
        .json(&json!({ "school_id": school }))
        .send()
        .await
        .expect("edit");
    assert_eq!(res.status(), StatusCode::NOT_FOUND, "another school's items");
}

#[tokio::test]
async fn plans_rank_schools_by_risk_and_a_recorded_draw_replays() {
    let app = spawn_app().await;
    let inspector = app.client_as("inspector").await;
    let res = app.get(&inspector, "/api/v1/plans/suggestions").await;
    assert_eq!(res.status(), StatusCode::OK);
    let ranked = json_of(res).await;
    assert!(!ranked.as_array().expect("list").is_empty());
    let draw = |seed: Option<i64>| {
        let c = inspector.clone();
        let url = app.url("/api/v1/plans/draw");
        async move {
            json_of(
                c.post(url)
                    .json(&json!({ "seed": seed, "schools": 3, "inspectors": 1 }))
                    .send()
                    .await
                    .expect("draw"),
            )
            .await
        }
    };
    let first = draw(None).await;
    let again = draw(first["seed"].as_i64()).await;
    assert_eq!(first, again, "the recorded seed replays the draw");
    assert_eq!(first["school_ids"].as_array().expect("ids").len(), 3);

    let plan_id = uuid::Uuid::now_v7();
    let body = json!({ "kind": "unannounced", "starts_on": "2026-12-01", "ends_on": "2026-12-10",
                       "school_ids": first["school_ids"], "member_ids": first["inspector_ids"], "draw_seed": first["seed"] });
    let res = inspector
        .put(app.url(&format!("/api/v1/plans/{plan_id}")))
        .json(&body)
        .send()
        .await
        .expect("plan");
    assert_eq!(res.status(), StatusCode::CREATED);
    let res = app.get(&inspector, &format!("/api/v1/plans/{plan_id}")).await;
    assert_eq!(res.status(), StatusCode::OK);
    let log = server::storage::audit::recent(&app.state.db, 5).await.expect("audit");
    assert!(
        log.iter().any(|e| e.action == "plan.view" && e.target == format!("plan:{plan_id}")),
        "viewing a plan is logged"
    );
    let backwards = json!({ "kind": "unannounced", "starts_on": "2026-12-10", "ends_on": "2026-12-01", "school_ids": [1] });
    let res = inspector
        .put(app.url(&format!("/api/v1/plans/{}", uuid::Uuid::now_v7())))
        .json(&backwards)
        .send()
        .await
        .expect("plan");
    assert_eq!(res.status(), StatusCode::BAD_REQUEST);
}
