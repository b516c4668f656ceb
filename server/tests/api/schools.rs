use crate::helpers::{error_of, spawn_app};
use reqwest::StatusCode;
use serde_json::Value;

#[tokio::test]
async fn bureau_roles_see_every_school_and_a_principal_only_their_own() {
    let app = spawn_app().await;
    for user in ["admin", "office", "inspector"] {
        let c = app.client_as(user).await;
        let list: Vec<Value> = app.get(&c, "/api/v1/schools").await.json().await.unwrap();
        assert_eq!(list.len(), 30, "{user} sees the whole county");
    }
    let c = app.client_as("principal").await;
    let list: Vec<Value> = app.get(&c, "/api/v1/schools").await.json().await.unwrap();
    assert_eq!(list.len(), 1);
    assert_eq!(list[0]["name"], "白榆县实验小学");
}

#[tokio::test]
async fn a_principal_gets_404_for_another_school_exactly_as_for_a_missing_one() {
    let app = spawn_app().await;
    let own = app.school_id("白榆县实验小学").await;
    let other = app.school_id("白榆县第一中学").await;
    let c = app.client_as("principal").await;
    assert_eq!(app.get(&c, &format!("/api/v1/schools/{own}")).await.status(), StatusCode::OK);
    let (s1, e1) = error_of(app.get(&c, &format!("/api/v1/schools/{other}")).await).await;
    let (s2, e2) = error_of(app.get(&c, "/api/v1/schools/999999").await).await;
    assert_eq!((s1, s2), (StatusCode::NOT_FOUND, StatusCode::NOT_FOUND));
    assert_eq!(e1, e2, "another school looks exactly like no school");
}

#[tokio::test]
async fn schools_can_be_searched_by_name_or_address() {
    let app = spawn_app().await;
    let c = app.client_as("inspector").await;
    let list: Vec<Value> = app.get(&c, "/api/v1/schools?q=兴隆").await.json().await.unwrap();
    let names: Vec<&str> = list.iter().map(|s| s["name"].as_str().unwrap()).collect();
    assert_eq!(names.len(), 3, "{names:?}");
    assert!(
        names[..2].contains(&"兴隆镇中心小学") && names[..2].contains(&"兴隆镇中学"),
        "{names:?}"
    );
    assert_eq!(names[2], "兴隆镇中心幼儿园", "schools first, then kindergartens");
    let list: Vec<Value> = app.get(&c, "/api/v1/schools?q=100%").await.json().await.unwrap();
    assert!(list.is_empty(), "% is a literal, not a wildcard");
}

#[tokio::test]
async fn school_lists_need_a_login() {
    let app = spawn_app().await;
    let (s, e) = error_of(app.get(&app.client(), "/api/v1/schools").await).await;
    assert_eq!((s, e["code"].as_str()), (StatusCode::UNAUTHORIZED, Some("not_logged_in")));
}
