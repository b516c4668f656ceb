//! Enforcement records, the responsibility list, activity logs and accidents (registers).

use super::extract::{ApiJson, ApiPath, ApiQuery};
use super::{ErrorResponse, created_or_ok};
use crate::auth::Caller;
use crate::error::Error;
use crate::service::registers;
use crate::state::AppState;
use app::domain::register::{
    AccidentInput, AccidentRecord, ActivityInput, ActivityRecord, DutiesView, DutyList,
    DutyListInput, DutySignature, EnforcementFilter, EnforcementInput, EnforcementList,
    RegisterFilter, SchoolCompliance, SignInput, TypicalInput,
};
use axum::extract::State;
use axum::response::Response;
use axum::routing::{get, post, put};
use axum::{Json, Router};
use uuid::Uuid;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/api/v1/enforcement", get(list_enforcement))
        .route("/api/v1/enforcement/{id}", put(put_enforcement))
        .route("/api/v1/hazards/{id}/typical", put(set_typical))
        .route("/api/v1/duties", get(get_duties).put(publish_duties))
        .route("/api/v1/duties/{id}/sign", post(sign_duties))
        .route("/api/v1/activities", get(list_activities))
        .route("/api/v1/activities/compliance", get(activity_compliance))
        .route("/api/v1/activities/{id}", put(put_activity))
        .route("/api/v1/accidents", get(list_accidents))
        .route("/api/v1/accidents/{id}", put(put_accident))
}

/// Records an enforcement measure (office, admin, inspectors) or an accountability action
/// (office, admin) by its phone-made id: 201 when new, 200 for the same record again, 409 when
/// the id holds a different record. The kind must be one of the configured kinds (422).
#[utoipa::path(put, path = "/api/v1/enforcement/{id}", tag = "registers", params(("id" = Uuid, Path)),
    request_body = EnforcementInput,
    responses((status = 201, body = app::domain::register::EnforcementRecord), (status = 200, body = app::domain::register::EnforcementRecord),
              (status = 400, body = ErrorResponse), (status = 401, body = ErrorResponse), (status = 403, body = ErrorResponse),
              (status = 404, body = ErrorResponse), (status = 409, body = ErrorResponse), (status = 422, body = ErrorResponse)))]
async fn put_enforcement(
    State(state): State<AppState>,
    caller: Caller,
    ApiPath(id): ApiPath<Uuid>,
    ApiJson(b): ApiJson<EnforcementInput>,
) -> Result<Response, Error> {
    let (created, r) = registers::put_enforcement(&state, &caller, id, b).await?;
    Ok(created_or_ok(created, r))
}

/// Enforcement records in scope, newest first, with totals. `from` is inclusive and `until`
/// exclusive (China dates), as the statistical tables link here.
#[utoipa::path(get, path = "/api/v1/enforcement", tag = "registers", params(EnforcementFilter),
    responses((status = 200, body = EnforcementList), (status = 400, body = ErrorResponse), (status = 401, body = ErrorResponse),
              (status = 404, body = ErrorResponse)))]
async fn list_enforcement(
    State(state): State<AppState>,
    caller: Caller,
    ApiQuery(f): ApiQuery<EnforcementFilter>,
) -> Result<Json<EnforcementList>, Error> {
    Ok(Json(registers::list_enforcement(&state, &caller, &f).await?))
}

/// Flags a hazard as a typical case for exposure (曝光), or clears the flag (office, admin).
#[utoipa::path(put, path = "/api/v1/hazards/{id}/typical", tag = "registers", params(("id" = Uuid, Path)),
    request_body = TypicalInput,
    responses((status = 200, body = TypicalInput), (status = 400, body = ErrorResponse), (status = 401, body = ErrorResponse),
              (status = 403, body = ErrorResponse), (status = 404, body = ErrorResponse)))]
async fn set_typical(
    State(state): State<AppState>,
    caller: Caller,
    ApiPath(id): ApiPath<Uuid>,
    ApiJson(b): ApiJson<TypicalInput>,
) -> Result<Json<TypicalInput>, Error> {
    let typical = registers::set_typical(&state, &caller, id, b.typical).await?;
    Ok(Json(TypicalInput { typical }))
}

/// The current responsibility list, which schools have signed it and which have not (a
/// principal: their own school).
#[utoipa::path(get, path = "/api/v1/duties", tag = "registers",
    responses((status = 200, body = DutiesView), (status = 401, body = ErrorResponse)))]
async fn get_duties(
    State(state): State<AppState>,
    caller: Caller,
) -> Result<Json<DutiesView>, Error> {
    Ok(Json(registers::duties(&state, &caller).await?))
}

/// Publishes a new responsibility list for the office's bureau (201); the same title and duties
/// as the current list again answer 200 and change nothing.
#[utoipa::path(put, path = "/api/v1/duties", tag = "registers", request_body = DutyListInput,
    responses((status = 201, body = DutyList), (status = 200, body = DutyList), (status = 400, body = ErrorResponse),
              (status = 401, body = ErrorResponse), (status = 403, body = ErrorResponse), (status = 422, body = ErrorResponse)))]
async fn publish_duties(
    State(state): State<AppState>,
    caller: Caller,
    ApiJson(b): ApiJson<DutyListInput>,
) -> Result<Response, Error> {
    let (created, l) = registers::publish(&state, &caller, b).await?;
    Ok(created_or_ok(created, l))
}

/// The principal signs the list for their school with a drawn signature (an uploaded photo). The
/// server keeps the SHA-256 of the canonical text signed. 201 when signed now, 200 for the same
/// content again, 409 when the school signed different content.
#[utoipa::path(post, path = "/api/v1/duties/{id}/sign", tag = "registers", params(("id" = i64, Path)),
    request_body = SignInput,
    responses((status = 201, body = DutySignature), (status = 200, body = DutySignature), (status = 400, body = ErrorResponse),
              (status = 401, body = ErrorResponse), (status = 403, body = ErrorResponse), (status = 404, body = ErrorResponse),
              (status = 409, body = ErrorResponse), (status = 422, body = ErrorResponse)))]
async fn sign_duties(
    State(state): State<AppState>,
    caller: Caller,
    ApiPath(id): ApiPath<i64>,
    ApiJson(b): ApiJson<SignInput>,
) -> Result<Response, Error> {
    let (created, s) = registers::sign(&state, &caller, id, b).await?;
    Ok(created_or_ok(created, s))
}

/// A principal records a publicity post or a warning-education screening with its photo.
#[utoipa::path(put, path = "/api/v1/activities/{id}", tag = "registers", params(("id" = Uuid, Path)),
    request_body = ActivityInput,
    responses((status = 201, body = ActivityRecord), (status = 200, body = ActivityRecord), (status = 400, body = ErrorResponse),
              (status = 401, body = ErrorResponse), (status = 403, body = ErrorResponse), (status = 404, body = ErrorResponse),
              (status = 409, body = ErrorResponse), (status = 422, body = ErrorResponse)))]
async fn put_activity(
    State(state): State<AppState>,
    caller: Caller,
    ApiPath(id): ApiPath<Uuid>,
    ApiJson(b): ApiJson<ActivityInput>,
) -> Result<Response, Error> {
    let (created, a) = registers::put_activity(&state, &caller, id, b).await?;
    Ok(created_or_ok(created, a))
}

/// Activities in scope, newest first.
#[utoipa::path(get, path = "/api/v1/activities", tag = "registers", params(RegisterFilter),
    responses((status = 200, body = Vec<ActivityRecord>), (status = 400, body = ErrorResponse), (status = 401, body = ErrorResponse),
              (status = 404, body = ErrorResponse)))]
async fn list_activities(
    State(state): State<AppState>,
    caller: Caller,
    ApiQuery(f): ApiQuery<RegisterFilter>,
) -> Result<Json<Vec<ActivityRecord>>, Error> {
    Ok(Json(registers::list_activities(&state, &caller, &f).await?))
}

#[derive(serde::Deserialize, utoipa::IntoParams)]
pub struct ComplianceQuery {
    /// Judge weeks from this China day on (e.g. the campaign's start) when later than the
    /// semester's start.
    since: Option<chrono::NaiveDate>,
}

/// Each school in scope against the activity rules today: publicity at least twice in every
/// ended week (Monday–Sunday) of the semester, a screening at least once in the semester.
#[utoipa::path(get, path = "/api/v1/activities/compliance", tag = "registers", params(ComplianceQuery),
    responses((status = 200, body = Vec<SchoolCompliance>), (status = 400, body = ErrorResponse), (status = 401, body = ErrorResponse)))]
async fn activity_compliance(
    State(state): State<AppState>,
    caller: Caller,
    ApiQuery(q): ApiQuery<ComplianceQuery>,
) -> Result<Json<Vec<SchoolCompliance>>, Error> {
    Ok(Json(registers::compliance_by_school(&state, &caller, q.since).await?))
}

/// Reports an accident: a principal for their school, office and admin for any school in scope.
#[utoipa::path(put, path = "/api/v1/accidents/{id}", tag = "registers", params(("id" = Uuid, Path)),
    request_body = AccidentInput,
    responses((status = 201, body = AccidentRecord), (status = 200, body = AccidentRecord), (status = 400, body = ErrorResponse),
              (status = 401, body = ErrorResponse), (status = 403, body = ErrorResponse), (status = 404, body = ErrorResponse),
              (status = 409, body = ErrorResponse), (status = 422, body = ErrorResponse)))]
async fn put_accident(
    State(state): State<AppState>,
    caller: Caller,
    ApiPath(id): ApiPath<Uuid>,
    ApiJson(b): ApiJson<AccidentInput>,
) -> Result<Response, Error> {
    let (created, a) = registers::put_accident(&state, &caller, id, b).await?;
    Ok(created_or_ok(created, a))
}

/// Accidents in scope, newest first; `from` inclusive, `until` exclusive (China dates).
#[utoipa::path(get, path = "/api/v1/accidents", tag = "registers", params(RegisterFilter),
    responses((status = 200, body = Vec<AccidentRecord>), (status = 400, body = ErrorResponse), (status = 401, body = ErrorResponse),
              (status = 404, body = ErrorResponse)))]
async fn list_accidents(
    State(state): State<AppState>,
    caller: Caller,
    ApiQuery(f): ApiQuery<RegisterFilter>,
) -> Result<Json<Vec<AccidentRecord>>, Error> {
    Ok(Json(registers::list_accidents(&state, &caller, &f).await?))
}
