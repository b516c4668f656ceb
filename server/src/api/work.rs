//! Checklists, inspection plans and inspections (DESIGN §6). Thin handlers over the services.

use super::extract::{ApiJson, ApiPath, ApiQuery};
use super::{ErrorResponse, created_or_ok};
use crate::auth::Caller;
use crate::error::Error;
use crate::service::{checklists, inspections, plans};
use crate::state::AppState;
use app::domain::checklist::{Area, Checklist, ChecklistSummary, ItemInput};
use app::domain::inspection::{Inspection, InspectionDraft, InspectionSummary, SubmitInspection};
use app::domain::plan::{Draw, Plan, PlanInput, Suggestion};
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use axum::routing::{get, post, put};
use axum::{Json, Router};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use uuid::Uuid;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/api/v1/checklists", get(list_checklists))
        .route("/api/v1/checklists/edit", post(edit_checklist))
        .route("/api/v1/checklists/{id}", get(get_checklist))
        .route("/api/v1/checklists/{id}/items/{code}", put(put_item).delete(delete_item))
        .route("/api/v1/checklists/{id}/publish", post(publish_checklist))
        .route("/api/v1/schools/{id}/checklist", get(school_checklist))
        .route("/api/v1/plans", get(list_plans))
        .route("/api/v1/plans/suggestions", get(suggestions))
        .route("/api/v1/plans/draw", post(draw))
        .route("/api/v1/plans/{id}", get(get_plan).put(put_plan))
        .route("/api/v1/inspections", get(list_inspections))
        .route("/api/v1/inspections/{id}", get(get_inspection).put(put_inspection))
        .route("/api/v1/inspections/{id}/submit", post(submit_inspection))
}

/// Checklist templates the caller may read: the county template's published versions (and its
/// draft, for office staff), and schools' own items in scope.
#[utoipa::path(get, path = "/api/v1/checklists", tag = "checklists",
    responses((status = 200, body = Vec<ChecklistSummary>), (status = 401, body = ErrorResponse)))]
async fn list_checklists(
    State(state): State<AppState>,
    caller: Caller,
) -> Result<Json<Vec<ChecklistSummary>>, Error> {
    Ok(Json(checklists::list(&state, &caller).await?))
}

/// One template version with its sections and items.
#[utoipa::path(get, path = "/api/v1/checklists/{id}", tag = "checklists", params(("id" = i64, Path)),
    responses((status = 200, body = Checklist), (status = 401, body = ErrorResponse), (status = 404, body = ErrorResponse)))]
async fn get_checklist(
    State(state): State<AppState>,
    caller: Caller,
    ApiPath(id): ApiPath<i64>,
) -> Result<Json<Checklist>, Error> {
    Ok(Json(checklists::get(&state, &caller, id).await?))
}

#[derive(Deserialize, ToSchema)]
pub struct EditRequest {
    /// The school whose own items to edit (principals); absent for the county template (office).
    school_id: Option<i64>,
}

#[derive(Serialize, ToSchema)]
pub struct DraftId {
    id: i64,
}

/// Opens the draft of a template for editing (a copy of the newest published version, made
/// once); publishing it makes the next version.
#[utoipa::path(post, path = "/api/v1/checklists/edit", tag = "checklists", request_body = EditRequest,
    responses((status = 200, body = DraftId), (status = 403, body = ErrorResponse), (status = 404, body = ErrorResponse)))]
async fn edit_checklist(
    State(state): State<AppState>,
    caller: Caller,
    ApiJson(b): ApiJson<EditRequest>,
) -> Result<Json<DraftId>, Error> {
    Ok(Json(DraftId { id: checklists::edit(&state, &caller, b.school_id).await? }))
}

#[derive(Deserialize, ToSchema)]
pub struct ItemEdit {
    /// Where a new item goes: the first section of this area (made when there is none).
    area: Area,
    #[serde(default)]
    section_title: String,
    item: ItemInput,
}

/// Adds or changes one item of a draft, by its code.
#[utoipa::path(put, path = "/api/v1/checklists/{id}/items/{code}", tag = "checklists",
    params(("id" = i64, Path), ("code" = String, Path)), request_body = ItemEdit,
    responses((status = 200, body = Checklist), (status = 400, body = ErrorResponse), (status = 403, body = ErrorResponse),
              (status = 404, body = ErrorResponse), (status = 409, body = ErrorResponse)))]
async fn put_item(
    State(state): State<AppState>,
    caller: Caller,
    ApiPath((id, code)): ApiPath<(i64, String)>,
    ApiJson(mut b): ApiJson<ItemEdit>,
) -> Result<Json<Checklist>, Error> {
    b.item.code = code;
    let title = if b.section_title.trim().is_empty() {
        checklists::area_title(b.area)
    } else {
        b.section_title.trim()
    };
    Ok(Json(checklists::put_item(&state, &caller, id, b.area, title, b.item).await?))
}

/// Removes one item from a draft.
#[utoipa::path(delete, path = "/api/v1/checklists/{id}/items/{code}", tag = "checklists",
    params(("id" = i64, Path), ("code" = String, Path)),
    responses((status = 204), (status = 403, body = ErrorResponse), (status = 404, body = ErrorResponse), (status = 409, body = ErrorResponse)))]
async fn delete_item(
    State(state): State<AppState>,
    caller: Caller,
    ApiPath((id, code)): ApiPath<(i64, String)>,
) -> Result<StatusCode, Error> {
    checklists::delete_item(&state, &caller, id, &code).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Publishes a draft as the newest version. Inspections already filled keep their version.
#[utoipa::path(post, path = "/api/v1/checklists/{id}/publish", tag = "checklists", params(("id" = i64, Path)),
    responses((status = 200, body = Checklist), (status = 403, body = ErrorResponse), (status = 404, body = ErrorResponse), (status = 409, body = ErrorResponse)))]
async fn publish_checklist(
    State(state): State<AppState>,
    caller: Caller,
    ApiPath(id): ApiPath<i64>,
) -> Result<Json<Checklist>, Error> {
    Ok(Json(checklists::publish(&state, &caller, id).await?))
}

#[derive(Serialize, ToSchema)]
pub struct SchoolChecklist {
    template_id: i64,
    /// The school's own published items, when it has some.
    extension_id: Option<i64>,
}

/// The templates an inspection of this school uses now.
#[utoipa::path(get, path = "/api/v1/schools/{id}/checklist", tag = "checklists", params(("id" = i64, Path)),
    responses((status = 200, body = SchoolChecklist), (status = 401, body = ErrorResponse), (status = 404, body = ErrorResponse)))]
async fn school_checklist(
    State(state): State<AppState>,
    caller: Caller,
    ApiPath(id): ApiPath<i64>,
) -> Result<Json<SchoolChecklist>, Error> {
    let (template_id, extension_id) = inspections::templates_for(&state, &caller, id).await?;
    Ok(Json(SchoolChecklist { template_id, extension_id }))
}

/// Inspection plans of the caller's bureau. Office staff and inspectors only; for anyone else
/// this answers 404, as if there were none.
#[utoipa::path(get, path = "/api/v1/plans", tag = "plans",
    responses((status = 200, body = Vec<Plan>), (status = 401, body = ErrorResponse), (status = 404, body = ErrorResponse)))]
async fn list_plans(
    State(state): State<AppState>,
    caller: Caller,
) -> Result<Json<Vec<Plan>>, Error> {
    Ok(Json(plans::list(&state, &caller).await?))
}

/// One plan. Every reading is logged.
#[utoipa::path(get, path = "/api/v1/plans/{id}", tag = "plans", params(("id" = Uuid, Path)),
    responses((status = 200, body = Plan), (status = 401, body = ErrorResponse), (status = 404, body = ErrorResponse)))]
async fn get_plan(
    State(state): State<AppState>,
    caller: Caller,
    ApiPath(id): ApiPath<Uuid>,
) -> Result<Json<Plan>, Error> {
    Ok(Json(plans::get(&state, &caller, id).await?))
}

/// Creates (201) or replaces (200) a plan by its client-made id.
#[utoipa::path(put, path = "/api/v1/plans/{id}", tag = "plans", params(("id" = Uuid, Path)), request_body = PlanInput,
    responses((status = 201, body = Plan), (status = 200, body = Plan), (status = 400, body = ErrorResponse), (status = 401, body = ErrorResponse),
              (status = 404, body = ErrorResponse)))]
async fn put_plan(
    State(state): State<AppState>,
    caller: Caller,
    ApiPath(id): ApiPath<Uuid>,
    ApiJson(b): ApiJson<PlanInput>,
) -> Result<Response, Error> {
    let (created, plan) = plans::put(&state, &caller, id, b).await?;
    Ok(created_or_ok(created, plan))
}

/// Schools ranked by risk: overdue hazards, open major hazards, days since the last visit.
#[utoipa::path(get, path = "/api/v1/plans/suggestions", tag = "plans",
    responses((status = 200, body = Vec<Suggestion>), (status = 401, body = ErrorResponse), (status = 404, body = ErrorResponse)))]
async fn suggestions(
    State(state): State<AppState>,
    caller: Caller,
) -> Result<Json<Vec<Suggestion>>, Error> {
    Ok(Json(plans::suggestions(&state, &caller).await?))
}

#[derive(Deserialize, ToSchema)]
pub struct DrawRequest {
    /// Replays a recorded draw; absent for a fresh one.
    seed: Option<i64>,
    schools: u16,
    inspectors: u16,
}

/// A random draw of schools and inspectors (双随机) with its seed, to record in the plan.
#[utoipa::path(post, path = "/api/v1/plans/draw", tag = "plans", request_body = DrawRequest,
    responses((status = 200, body = Draw), (status = 401, body = ErrorResponse), (status = 404, body = ErrorResponse)))]
async fn draw(
    State(state): State<AppState>,
    caller: Caller,
    ApiJson(b): ApiJson<DrawRequest>,
) -> Result<Json<Draw>, Error> {
    Ok(Json(plans::draw(&state, &caller, b.seed, b.schools.into(), b.inspectors.into()).await?))
}

#[derive(Deserialize, IntoParams)]
pub struct InspectionQuery {
    /// Only this school's inspections.
    school: Option<i64>,
}

/// Inspections the caller may see: a school sees its submitted inspections and self-checks
/// (never an unsubmitted unannounced visit); the bureau sees submitted ones and its own drafts.
#[utoipa::path(get, path = "/api/v1/inspections", tag = "inspections", params(InspectionQuery),
    responses((status = 200, body = Vec<InspectionSummary>), (status = 401, body = ErrorResponse)))]
async fn list_inspections(
    State(state): State<AppState>,
    caller: Caller,
    ApiQuery(q): ApiQuery<InspectionQuery>,
) -> Result<Json<Vec<InspectionSummary>>, Error> {
    Ok(Json(inspections::list(&state, &caller, q.school).await?))
}

/// One inspection with its answers and the hazards it raised.
#[utoipa::path(get, path = "/api/v1/inspections/{id}", tag = "inspections", params(("id" = Uuid, Path)),
    responses((status = 200, body = Inspection), (status = 401, body = ErrorResponse), (status = 404, body = ErrorResponse)))]
async fn get_inspection(
    State(state): State<AppState>,
    caller: Caller,
    ApiPath(id): ApiPath<Uuid>,
) -> Result<Json<Inspection>, Error> {
    Ok(Json(inspections::get(&state, &caller, id).await?))
}

/// Creates (201) or replaces (200) a draft with all its answers, by its phone-made id. A
/// submitted inspection can no longer change (422 `already_submitted`).
#[utoipa::path(put, path = "/api/v1/inspections/{id}", tag = "inspections", params(("id" = Uuid, Path)), request_body = InspectionDraft,
    responses((status = 201, body = Inspection), (status = 200, body = Inspection), (status = 400, body = ErrorResponse),
              (status = 401, body = ErrorResponse), (status = 403, body = ErrorResponse), (status = 404, body = ErrorResponse),
              (status = 409, body = ErrorResponse), (status = 422, body = ErrorResponse)))]
async fn put_inspection(
    State(state): State<AppState>,
    caller: Caller,
    ApiPath(id): ApiPath<Uuid>,
    ApiJson(b): ApiJson<InspectionDraft>,
) -> Result<Response, Error> {
    let (created, insp) = inspections::put(&state, &caller, id, b).await?;
    Ok(created_or_ok(created, insp))
}

/// Submits a complete draft: its failures become reported hazards, and an unannounced visit
/// becomes visible to the school. Submitting again changes nothing.
#[utoipa::path(post, path = "/api/v1/inspections/{id}/submit", tag = "inspections", params(("id" = Uuid, Path)),
    request_body = SubmitInspection,
    responses((status = 200, body = Inspection), (status = 401, body = ErrorResponse), (status = 403, body = ErrorResponse),
              (status = 404, body = ErrorResponse), (status = 422, body = ErrorResponse)))]
async fn submit_inspection(
    State(state): State<AppState>,
    caller: Caller,
    ApiPath(id): ApiPath<Uuid>,
    ApiJson(b): ApiJson<SubmitInspection>,
) -> Result<Json<Inspection>, Error> {
    Ok(Json(inspections::submit(&state, &caller, id, b).await?))
}
