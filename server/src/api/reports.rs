//! Campaigns, the three statistical tables (JSON and .xlsx), school submissions and the
//! dashboard.

use super::extract::{ApiJson, ApiPath, ApiQuery};
use super::{ErrorResponse, created_or_ok};
use crate::auth::Caller;
use crate::error::Error;
use crate::service::reports::{self, Tables};
use crate::state::AppState;
use app::domain::report::{
    CampaignInfo, Dashboard, HazardTable, KindTable, Span, Submission, SubmissionInput,
    SubmissionKind, SubmissionMatrix,
};
use app::error::AppError;
use axum::extract::State;
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/api/v1/campaigns", get(list_campaigns))
        .route("/api/v1/campaigns/{id}", get(get_campaign))
        .route("/api/v1/campaigns/{id}/copy", post(copy_campaign))
        .route("/api/v1/campaigns/{id}/reminders", post(send_reminders))
        .route("/api/v1/reports/hazards", get(hazard_table))
        .route("/api/v1/reports/enforcement", get(enforcement_table))
        .route("/api/v1/reports/accountability", get(accountability_table))
        .route("/api/v1/reports/hazards.xlsx", get(hazard_xlsx))
        .route("/api/v1/reports/enforcement.xlsx", get(enforcement_xlsx))
        .route("/api/v1/reports/accountability.xlsx", get(accountability_xlsx))
        .route("/api/v1/reports.xlsx", get(all_xlsx))
        .route("/api/v1/submissions", get(submission_matrix))
        .route("/api/v1/submissions/{id}", get(get_submission).put(file_submission))
        .route("/api/v1/dashboard", get(dashboard))
}

#[derive(Deserialize, IntoParams)]
pub struct ReportQuery {
    /// The campaign; absent for the one running today.
    campaign: Option<i64>,
    /// A period number (1, 2, …) or `cumulative` (the default): from the first period to today.
    period: Option<String>,
}

impl ReportQuery {
    fn span(&self) -> Result<Span, Error> {
        Ok(Span::parse(self.period.as_deref()).ok_or(AppError::Malformed)?)
    }
}

#[derive(Deserialize, IntoParams)]
pub struct CampaignQuery {
    /// The campaign; absent for the one running today.
    campaign: Option<i64>,
}

/// Campaigns of the caller's bureau and the bureaus above it, the latest start first.
#[utoipa::path(get, path = "/api/v1/campaigns", tag = "reports",
    responses((status = 200, body = Vec<CampaignInfo>), (status = 401, body = ErrorResponse)))]
async fn list_campaigns(
    State(state): State<AppState>,
    caller: Caller,
) -> Result<Json<Vec<CampaignInfo>>, Error> {
    Ok(Json(reports::list(&state, &caller).await?))
}

/// One campaign with its phases, due dates and current period.
#[utoipa::path(get, path = "/api/v1/campaigns/{id}", tag = "reports", params(("id" = i64, Path)),
    responses((status = 200, body = CampaignInfo), (status = 401, body = ErrorResponse), (status = 404, body = ErrorResponse)))]
async fn get_campaign(
    State(state): State<AppState>,
    caller: Caller,
    ApiPath(id): ApiPath<i64>,
) -> Result<Json<CampaignInfo>, Error> {
    let c = reports::campaign(&state, &caller, Some(id)).await?;
    Ok(Json(reports::info(&c, app::domain::time::china_date(state.clock.now()))))
}

#[derive(Deserialize, ToSchema)]
pub struct CopyCampaign {
    name: String,
    /// The new first day; every date of the campaign moves by the same number of days.
    starts_on: NaiveDate,
}

/// A new campaign copied from this one with new dates (office and admin).
#[utoipa::path(post, path = "/api/v1/campaigns/{id}/copy", tag = "reports", params(("id" = i64, Path)), request_body = CopyCampaign,
    responses((status = 201, body = CampaignInfo), (status = 400, body = ErrorResponse), (status = 401, body = ErrorResponse),
              (status = 403, body = ErrorResponse), (status = 404, body = ErrorResponse), (status = 422, body = ErrorResponse)))]
async fn copy_campaign(
    State(state): State<AppState>,
    caller: Caller,
    ApiPath(id): ApiPath<i64>,
    ApiJson(b): ApiJson<CopyCampaign>,
) -> Result<Response, Error> {
    let c = reports::copy(&state, &caller, id, &b.name, b.starts_on).await?;
    Ok((StatusCode::CREATED, Json(c)).into_response())
}

#[derive(Deserialize, ToSchema)]
pub struct ReminderRequest {
    kind: SubmissionKind,
    seq: u32,
}

#[derive(Serialize, ToSchema)]
pub struct Reminded {
    /// Reminders sent now (a school reminded today already is not reminded again).
    sent: u64,
}

/// Reminds the principals of schools that have not filed this item (office and admin).
#[utoipa::path(post, path = "/api/v1/campaigns/{id}/reminders", tag = "reports", params(("id" = i64, Path)), request_body = ReminderRequest,
    responses((status = 200, body = Reminded), (status = 400, body = ErrorResponse), (status = 401, body = ErrorResponse),
              (status = 403, body = ErrorResponse), (status = 404, body = ErrorResponse), (status = 422, body = ErrorResponse)))]
async fn send_reminders(
    State(state): State<AppState>,
    caller: Caller,
    ApiPath(id): ApiPath<i64>,
    ApiJson(b): ApiJson<ReminderRequest>,
) -> Result<Json<Reminded>, Error> {
    Ok(Json(Reminded { sent: reports::remind(&state, &caller, id, b.kind, b.seq).await? }))
}

/// Table 1, 隐患排查整改销号统计表: rows 学校, 幼儿园, 合计 and each institution.
#[utoipa::path(get, path = "/api/v1/reports/hazards", tag = "reports", params(ReportQuery),
    responses((status = 200, body = HazardTable), (status = 400, body = ErrorResponse), (status = 401, body = ErrorResponse), (status = 404, body = ErrorResponse)))]
async fn hazard_table(
    State(state): State<AppState>,
    caller: Caller,
    ApiQuery(q): ApiQuery<ReportQuery>,
) -> Result<Json<HazardTable>, Error> {
    Ok(Json(reports::hazard_table(&state, &caller, q.campaign, q.span()?).await?))
}

/// Table 2, 行政强制措施统计表.
#[utoipa::path(get, path = "/api/v1/reports/enforcement", tag = "reports", params(ReportQuery),
    responses((status = 200, body = KindTable), (status = 400, body = ErrorResponse), (status = 401, body = ErrorResponse), (status = 404, body = ErrorResponse)))]
async fn enforcement_table(
    State(state): State<AppState>,
    caller: Caller,
    ApiQuery(q): ApiQuery<ReportQuery>,
) -> Result<Json<KindTable>, Error> {
    Ok(Json(reports::kind_table(&state, &caller, q.campaign, q.span()?, "measure").await?))
}

/// Table 3, 责任追究统计表.
#[utoipa::path(get, path = "/api/v1/reports/accountability", tag = "reports", params(ReportQuery),
    responses((status = 200, body = KindTable), (status = 400, body = ErrorResponse), (status = 401, body = ErrorResponse), (status = 404, body = ErrorResponse)))]
async fn accountability_table(
    State(state): State<AppState>,
    caller: Caller,
    ApiQuery(q): ApiQuery<ReportQuery>,
) -> Result<Json<KindTable>, Error> {
    Ok(Json(reports::kind_table(&state, &caller, q.campaign, q.span()?, "action").await?))
}

async fn xlsx(
    state: &AppState,
    caller: &Caller,
    q: &ReportQuery,
    which: Tables,
    file: &str,
) -> Result<Response, Error> {
    let bytes = reports::tables_xlsx(state, caller, q.campaign, q.span()?, which).await?;
    let headers = [
        (header::CONTENT_TYPE, crate::xlsx::MIME.to_owned()),
        (header::CONTENT_DISPOSITION, format!("attachment; filename=\"{file}.xlsx\"")),
    ];
    Ok((headers, bytes).into_response())
}

/// Table 1 as an Excel file laid out like the official form.
#[utoipa::path(get, path = "/api/v1/reports/hazards.xlsx", tag = "reports", params(ReportQuery),
    responses((status = 200, content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", body = Vec<u8>),
              (status = 400, body = ErrorResponse), (status = 401, body = ErrorResponse), (status = 404, body = ErrorResponse)))]
async fn hazard_xlsx(
    State(state): State<AppState>,
    caller: Caller,
    ApiQuery(q): ApiQuery<ReportQuery>,
) -> Result<Response, Error> {
    xlsx(&state, &caller, &q, Tables::Hazards, "hazards").await
}

/// Table 2 as an Excel file.
#[utoipa::path(get, path = "/api/v1/reports/enforcement.xlsx", tag = "reports", params(ReportQuery),
    responses((status = 200, content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", body = Vec<u8>),
              (status = 400, body = ErrorResponse), (status = 401, body = ErrorResponse), (status = 404, body = ErrorResponse)))]
async fn enforcement_xlsx(
    State(state): State<AppState>,
    caller: Caller,
    ApiQuery(q): ApiQuery<ReportQuery>,
) -> Result<Response, Error> {
    xlsx(&state, &caller, &q, Tables::Enforcement, "enforcement").await
}

/// Table 3 as an Excel file.
#[utoipa::path(get, path = "/api/v1/reports/accountability.xlsx", tag = "reports", params(ReportQuery),
    responses((status = 200, content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", body = Vec<u8>),
              (status = 400, body = ErrorResponse), (status = 401, body = ErrorResponse), (status = 404, body = ErrorResponse)))]
async fn accountability_xlsx(
    State(state): State<AppState>,
    caller: Caller,
    ApiQuery(q): ApiQuery<ReportQuery>,
) -> Result<Response, Error> {
    xlsx(&state, &caller, &q, Tables::Accountability, "accountability").await
}

/// The three tables in one Excel file, a sheet each.
#[utoipa::path(get, path = "/api/v1/reports.xlsx", tag = "reports", params(ReportQuery),
    responses((status = 200, content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", body = Vec<u8>),
              (status = 400, body = ErrorResponse), (status = 401, body = ErrorResponse), (status = 404, body = ErrorResponse)))]
async fn all_xlsx(
    State(state): State<AppState>,
    caller: Caller,
    ApiQuery(q): ApiQuery<ReportQuery>,
) -> Result<Response, Error> {
    xlsx(&state, &caller, &q, Tables::All, "tables").await
}

/// Schools × due items (on time, late, missing, pending); a principal sees their own row.
#[utoipa::path(get, path = "/api/v1/submissions", tag = "reports", params(CampaignQuery),
    responses((status = 200, body = SubmissionMatrix), (status = 400, body = ErrorResponse), (status = 401, body = ErrorResponse), (status = 404, body = ErrorResponse)))]
async fn submission_matrix(
    State(state): State<AppState>,
    caller: Caller,
    ApiQuery(q): ApiQuery<CampaignQuery>,
) -> Result<Json<SubmissionMatrix>, Error> {
    Ok(Json(reports::matrix(&state, &caller, q.campaign).await?))
}

/// One submission, for whoever sees its school.
#[utoipa::path(get, path = "/api/v1/submissions/{id}", tag = "reports", params(("id" = Uuid, Path)),
    responses((status = 200, body = Submission), (status = 401, body = ErrorResponse), (status = 404, body = ErrorResponse)))]
async fn get_submission(
    State(state): State<AppState>,
    caller: Caller,
    ApiPath(id): ApiPath<Uuid>,
) -> Result<Json<Submission>, Error> {
    Ok(Json(reports::get_submission(&state, &caller, id).await?))
}

/// A principal files the school's report by its phone-made id: 201 when new, 200 for a repeat,
/// 409 when the school already filed this item. A period report carries the school's statistics
/// from the ledger, frozen as filed.
#[utoipa::path(put, path = "/api/v1/submissions/{id}", tag = "reports", params(("id" = Uuid, Path)), request_body = SubmissionInput,
    responses((status = 201, body = Submission), (status = 200, body = Submission), (status = 400, body = ErrorResponse),
              (status = 401, body = ErrorResponse), (status = 403, body = ErrorResponse), (status = 404, body = ErrorResponse),
              (status = 409, body = ErrorResponse), (status = 422, body = ErrorResponse)))]
async fn file_submission(
    State(state): State<AppState>,
    caller: Caller,
    ApiPath(id): ApiPath<Uuid>,
    ApiJson(b): ApiJson<SubmissionInput>,
) -> Result<Response, Error> {
    let (created, s) = reports::submit(&state, &caller, id, b).await?;
    Ok(created_or_ok(created, s))
}

/// The office dashboard.
#[utoipa::path(get, path = "/api/v1/dashboard", tag = "reports",
    responses((status = 200, body = Dashboard), (status = 401, body = ErrorResponse), (status = 403, body = ErrorResponse)))]
async fn dashboard(
    State(state): State<AppState>,
    caller: Caller,
) -> Result<Json<Dashboard>, Error> {
    Ok(Json(reports::dashboard(&state, &caller).await?))
}
