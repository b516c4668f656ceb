//! Hazards and their closed loop, and the notification inbox (DESIGN §3, §6).

use super::extract::{ApiJson, ApiPath, ApiQuery};
use super::{ErrorResponse, created_or_ok};
use crate::auth::Caller;
use crate::error::Error;
use crate::service::{hazards, notifications};
use crate::state::AppState;
use app::domain::hazard::{EventInput, HazardDetail, HazardFilter, HazardList, ReportInput};
use app::domain::notification::Inbox;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use uuid::Uuid;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/api/v1/hazards", get(list_hazards))
        .route("/api/v1/hazards/queue", get(closure_queue))
        .route("/api/v1/hazards.xlsx", get(ledger_xlsx))
        .route("/api/v1/hazards/{id}", get(get_hazard).put(report_hazard))
        .route("/api/v1/hazards/{id}/events", post(hazard_event))
        .route("/api/v1/changes", get(changes))
        .route("/api/v1/notifications", get(inbox))
        .route("/api/v1/notifications/read", post(mark_read))
}

/// The hazard ledger in scope, filtered, a page of 50 at a time, with counts per status.
#[utoipa::path(get, path = "/api/v1/hazards", tag = "hazards", params(HazardFilter),
    responses((status = 200, body = HazardList), (status = 400, body = ErrorResponse), (status = 401, body = ErrorResponse)))]
async fn list_hazards(
    State(state): State<AppState>,
    caller: Caller,
    ApiQuery(f): ApiQuery<HazardFilter>,
) -> Result<Json<HazardList>, Error> {
    Ok(Json(hazards::list(&state, &caller, &f, false).await?))
}

/// The ledger (same filters) as an Excel file laid out like a filed form.
#[utoipa::path(get, path = "/api/v1/hazards.xlsx", tag = "hazards", params(HazardFilter),
    responses((status = 200, content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", body = Vec<u8>),
              (status = 400, body = ErrorResponse), (status = 401, body = ErrorResponse)))]
async fn ledger_xlsx(
    State(state): State<AppState>,
    caller: Caller,
    ApiQuery(f): ApiQuery<HazardFilter>,
) -> Result<Response, Error> {
    let bytes = hazards::ledger_xlsx(&state, &caller, &f).await?;
    let headers = [
        (axum::http::header::CONTENT_TYPE, crate::xlsx::MIME.to_owned()),
        (axum::http::header::CONTENT_DISPOSITION, "attachment; filename=\"ledger.xlsx\"; filename*=UTF-8''%E9%9A%90%E6%82%A3%E5%8F%B0%E8%B4%A6.xlsx".to_owned()),
    ];
    Ok((headers, bytes).into_response())
}

/// The closure queue: submitted hazards in scope, oldest submission first.
#[utoipa::path(get, path = "/api/v1/hazards/queue", tag = "hazards", params(HazardFilter),
    responses((status = 200, body = HazardList), (status = 400, body = ErrorResponse), (status = 401, body = ErrorResponse)))]
async fn closure_queue(
    State(state): State<AppState>,
    caller: Caller,
    ApiQuery(f): ApiQuery<HazardFilter>,
) -> Result<Json<HazardList>, Error> {
    Ok(Json(hazards::list(&state, &caller, &f, true).await?))
}

/// One hazard with what was found, the plan, the rectification, the timeline and the actions
/// the caller may take.
#[utoipa::path(get, path = "/api/v1/hazards/{id}", tag = "hazards", params(("id" = Uuid, Path)),
    responses((status = 200, body = HazardDetail), (status = 401, body = ErrorResponse), (status = 404, body = ErrorResponse)))]
async fn get_hazard(
    State(state): State<AppState>,
    caller: Caller,
    ApiPath(id): ApiPath<Uuid>,
) -> Result<Json<HazardDetail>, Error> {
    Ok(Json(hazards::detail(&state, &caller, id).await?))
}

/// Reports a hazard on its own (outside an inspection) by its phone-made id: 201 when new, 200
/// for a repeat.
#[utoipa::path(put, path = "/api/v1/hazards/{id}", tag = "hazards", params(("id" = Uuid, Path)), request_body = ReportInput,
    responses((status = 201, body = HazardDetail), (status = 200, body = HazardDetail), (status = 400, body = ErrorResponse),
              (status = 401, body = ErrorResponse), (status = 403, body = ErrorResponse), (status = 404, body = ErrorResponse),
              (status = 422, body = ErrorResponse)))]
async fn report_hazard(
    State(state): State<AppState>,
    caller: Caller,
    ApiPath(id): ApiPath<Uuid>,
    ApiJson(b): ApiJson<ReportInput>,
) -> Result<Response, Error> {
    let (created, h) = hazards::report(&state, &caller, id, b).await?;
    Ok(created_or_ok(created, h))
}

/// A workflow action (plan, submit, approve, return, extend, void). Applied once per
/// `event_id`; a stale `expected_version` answers 409 with the current state in `current`.
#[utoipa::path(post, path = "/api/v1/hazards/{id}/events", tag = "hazards", params(("id" = Uuid, Path)), request_body = EventInput,
    responses((status = 200, body = HazardDetail), (status = 400, body = ErrorResponse), (status = 401, body = ErrorResponse),
              (status = 403, body = ErrorResponse), (status = 404, body = ErrorResponse), (status = 409, body = ErrorResponse),
              (status = 422, body = ErrorResponse)))]
async fn hazard_event(
    State(state): State<AppState>,
    caller: Caller,
    ApiPath(id): ApiPath<Uuid>,
    ApiJson(b): ApiJson<EventInput>,
) -> Result<Json<HazardDetail>, Error> {
    Ok(Json(hazards::act(&state, &caller, id, b).await?))
}

/// The caller's notifications, newest first, with the unread count.
#[utoipa::path(get, path = "/api/v1/notifications", tag = "notifications",
    responses((status = 200, body = Inbox), (status = 401, body = ErrorResponse)))]
async fn inbox(State(state): State<AppState>, caller: Caller) -> Result<Json<Inbox>, Error> {
    Ok(Json(notifications::inbox(&state, &caller).await?))
}

/// Marks every notification read.
#[utoipa::path(post, path = "/api/v1/notifications/read", tag = "notifications",
    responses((status = 204), (status = 401, body = ErrorResponse)))]
async fn mark_read(State(state): State<AppState>, caller: Caller) -> Result<StatusCode, Error> {
    notifications::mark_read(&state, &caller).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(serde::Deserialize, utoipa::IntoParams)]
pub struct ChangesQuery {
    /// The `cursor` of the previous answer; absent for everything.
    since: Option<chrono::DateTime<chrono::Utc>>,
}

/// Offline read sync: everything in the caller's scope changed since the cursor.
#[utoipa::path(get, path = "/api/v1/changes", tag = "sync", params(ChangesQuery),
    responses((status = 200, body = app::domain::sync::ChangeSet), (status = 400, body = ErrorResponse), (status = 401, body = ErrorResponse)))]
async fn changes(
    State(state): State<AppState>,
    caller: Caller,
    ApiQuery(q): ApiQuery<ChangesQuery>,
) -> Result<Json<app::domain::sync::ChangeSet>, Error> {
    Ok(Json(crate::service::sync::changes(&state, &caller, q.since).await?))
}
