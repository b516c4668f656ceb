//! The REST API under `/api/v1` (DESIGN §6), described by the OpenAPI document generated from
//! these handlers. Each handler: who is asking, parse, one service call, answer.

mod extract;
mod loop_;
mod registers;
mod reports;
mod work;

use crate::auth::{self, Caller, RequestMeta};
use crate::error::{Error, IntoApiResponse};
use crate::service::{accounts, schools};
use crate::state::AppState;
use app::domain::org::OrgKind;
use app::domain::{Me, Role, SchoolSummary, SchoolType};
use app::error::AppError;
use axum::extract::State;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{Json, Router};
pub use extract::ApiJson;
use serde::{Deserialize, Serialize};
use utoipa::{OpenApi, ToSchema};

#[derive(OpenApi)]
#[openapi(
    info(
        title = "校安巡查 API",
        version = "1",
        description = "School-safety inspection: sessions, schools, photos, checklists, plans, inspections."
    ),
    paths(
        login,
        logout,
        me,
        audit_log,
        list_schools,
        get_school,
        health,
        openapi_json,
        upload_photo,
        get_photo,
        work::list_checklists,
        work::get_checklist,
        work::edit_checklist,
        work::put_item,
        work::delete_item,
        work::publish_checklist,
        work::school_checklist,
        work::list_plans,
        work::get_plan,
        work::put_plan,
        work::suggestions,
        work::draw,
        work::list_inspections,
        work::get_inspection,
        work::put_inspection,
        work::submit_inspection,
        loop_::list_hazards,
        loop_::closure_queue,
        loop_::ledger_xlsx,
        loop_::get_hazard,
        loop_::report_hazard,
        loop_::hazard_event,
        loop_::changes,
        loop_::inbox,
        loop_::mark_read,
        // @reports paths
        reports::list_campaigns,
        reports::get_campaign,
        reports::copy_campaign,
        reports::send_reminders,
        reports::hazard_table,
        reports::enforcement_table,
        reports::accountability_table,
        reports::hazard_xlsx,
        reports::enforcement_xlsx,
        reports::accountability_xlsx,
        reports::all_xlsx,
        reports::submission_matrix,
        reports::get_submission,
        reports::file_submission,
        reports::dashboard,
        // @registers paths
        registers::put_enforcement,
        registers::list_enforcement,
        registers::set_typical,
        registers::get_duties,
        registers::publish_duties,
        registers::sign_duties,
        registers::put_activity,
        registers::list_activities,
        registers::activity_compliance,
        registers::put_accident,
        registers::list_accidents,
    ),
    modifiers(&CommonAnswers),
    components(schemas(
        app::domain::report::Stage,
        LoginRequest,
        Me,
        Role,
        SchoolSummary,
        SchoolType,
        OrgKind,
        ErrorResponse,
        ErrorDetail,
        Health
    ))
)]
pub struct ApiDoc;

/// The answers any operation can give besides its own, written once here so that the document
/// names every status the API sends (the API fuzzer holds it to that): a malformed request,
/// no login, a body too large or not JSON, a request too slow, the database away.
struct CommonAnswers;

impl utoipa::Modify for CommonAnswers {
    fn modify(&self, doc: &mut utoipa::openapi::OpenApi) {
        use utoipa::openapi::content::ContentBuilder;
        use utoipa::openapi::{Ref, ResponseBuilder};
        let error = |description: &str| {
            let body = ContentBuilder::new().schema(Some(Ref::from_schema_name("ErrorResponse")));
            ResponseBuilder::new()
                .description(description)
                .content("application/json", body.build())
                .build()
        };
        for (path, item) in doc.paths.paths.iter_mut() {
            let public = matches!(
                path.as_str(),
                "/api/v1/health" | "/api/v1/openapi.json" | "/api/v1/session"
            );
            let ops = [&mut item.get, &mut item.put, &mut item.post, &mut item.delete];
            for op in ops.into_iter().flatten() {
                let body = op.request_body.is_some();
                let params = op.parameters.as_ref().is_some_and(|p| !p.is_empty());
                let mut add = |code: &str, description: &str| {
                    op.responses
                        .responses
                        .entry(code.to_owned())
                        .or_insert_with(|| error(description).into());
                };
                if body || params {
                    add("400", "Malformed request: a parameter or the body does not parse.");
                }
                if !public {
                    add("401", "Not logged in.");
                }
                if body {
                    add("413", "The body is too large.");
                    add("415", "The body is not of the media type this operation takes.");
                }
                add("408", "The request took too long (its body arrived too slowly).");
                add("503", "The database is unreachable; retry after `Retry-After` seconds.");
            }
        }
    }
}

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/api/v1/session", post(login).delete(logout))
        .route("/api/v1/me", get(me))
        .route("/api/v1/audit", get(audit_log))
        .route("/api/v1/schools", get(list_schools))
        .route("/api/v1/schools/{id}", get(get_school))
        .route("/api/v1/health", get(health))
        .route("/api/v1/openapi.json", get(openapi_json))
        .merge(work::router())
        .merge(loop_::router())
        .merge(registers::router())
        .merge(reports::router())
        .fallback(|| async { AppError::NotFound.into_api_response() })
}

/// The error body of every failed request.
#[derive(Serialize, ToSchema)]
pub struct ErrorResponse {
    error: ErrorDetail,
}

#[derive(Serialize, ToSchema)]
pub struct ErrorDetail {
    /// Stable machine-readable code, e.g. `bad_credentials`.
    code: String,
    /// What happened and what to do, in the user's language (`lang` cookie; Chinese by default).
    message: String,
    /// Seconds to wait, on 429.
    retry_after_secs: Option<u64>,
}

#[derive(Deserialize, ToSchema)]
pub struct LoginRequest {
    username: String,
    password: String,
}

/// 201 with the body for a record this request created, 200 for one that was already there (a
/// retried idempotent PUT).
fn created_or_ok<T: Serialize>(created: bool, body: T) -> Response {
    let status = if created { StatusCode::CREATED } else { StatusCode::OK };
    (status, Json(body)).into_response()
}

fn with_cookie(mut res: Response, cookie: &str) -> Response {
    if let Ok(v) = HeaderValue::from_str(cookie) {
        res.headers_mut().append(header::SET_COOKIE, v);
    }
    res
}

/// Log in: opens a session and sets its cookie.
#[utoipa::path(post, path = "/api/v1/session", request_body = LoginRequest, tag = "session",
    responses((status = 200, body = Me), (status = 400, body = ErrorResponse), (status = 401, body = ErrorResponse),
              (status = 415, body = ErrorResponse), (status = 429, body = ErrorResponse)))]
async fn login(
    State(state): State<AppState>,
    meta: RequestMeta,
    ApiJson(body): ApiJson<LoginRequest>,
) -> Result<Response, Error> {
    let (cookie, user) = auth::login(&state, &meta, &body.username, &body.password).await?;
    Ok(with_cookie(Json(accounts::me(&user)).into_response(), &cookie))
}

/// Log out: ends the session and clears its cookie.
#[utoipa::path(delete, path = "/api/v1/session", tag = "session", responses((status = 204)))]
async fn logout(State(state): State<AppState>, meta: RequestMeta) -> Result<Response, Error> {
    let cookie = auth::logout(&state, &meta).await?;
    Ok(with_cookie(StatusCode::NO_CONTENT.into_response(), &cookie))
}

/// Who am I.
#[utoipa::path(get, path = "/api/v1/me", tag = "session",
    responses((status = 200, body = Me), (status = 401, body = ErrorResponse)))]
async fn me(caller: Caller) -> Json<Me> {
    Json(accounts::me(&caller.user))
}

/// The audit log (admin only): who did what, when, from where, newest first, 50 to a page; the
/// accounts in the admin's scope, and failed logins to them.
#[utoipa::path(get, path = "/api/v1/audit", tag = "operations", params(app::domain::AuditFilter),
    responses((status = 200, body = app::domain::AuditPage), (status = 400, body = ErrorResponse),
              (status = 401, body = ErrorResponse), (status = 403, body = ErrorResponse)))]
async fn audit_log(
    State(state): State<AppState>,
    caller: Caller,
    extract::ApiQuery(filter): extract::ApiQuery<app::domain::AuditFilter>,
) -> Result<Json<app::domain::AuditPage>, Error> {
    Ok(Json(accounts::audit_log(&state, &caller, &filter).await?))
}

#[derive(Deserialize, utoipa::IntoParams)]
pub struct SchoolQuery {
    /// A word in the name or address.
    q: Option<String>,
}

/// The schools and kindergartens in the caller's scope.
#[utoipa::path(get, path = "/api/v1/schools", tag = "schools", params(SchoolQuery),
    responses((status = 200, body = Vec<SchoolSummary>), (status = 401, body = ErrorResponse)))]
async fn list_schools(
    State(state): State<AppState>,
    caller: Caller,
    extract::ApiQuery(q): extract::ApiQuery<SchoolQuery>,
) -> Result<Json<Vec<SchoolSummary>>, Error> {
    Ok(Json(schools::list(&state, &caller, q.q.as_deref().unwrap_or("")).await?))
}

/// One school; 404 when it does not exist or is outside the caller's scope.
#[utoipa::path(get, path = "/api/v1/schools/{id}", tag = "schools", params(("id" = i64, Path)),
    responses((status = 200, body = SchoolSummary), (status = 401, body = ErrorResponse), (status = 404, body = ErrorResponse)))]
async fn get_school(
    State(state): State<AppState>,
    caller: Caller,
    extract::ApiPath(id): extract::ApiPath<i64>,
) -> Result<Json<SchoolSummary>, Error> {
    Ok(Json(schools::get(&state, &caller, id).await?))
}

#[derive(Serialize, ToSchema)]
pub struct Health {
    status: &'static str,
    database: &'static str,
}

/// Liveness and readiness: 200 when the database answers, 503 otherwise.
#[utoipa::path(get, path = "/api/v1/health", tag = "operations",
    responses((status = 200, body = Health), (status = 503, body = ErrorResponse)))]
async fn health(State(state): State<AppState>) -> Result<Json<Health>, Error> {
    state.db.ping().await.map_err(|e| {
        tracing::warn!(error = ?e, "health check: database unreachable");
        Error::App(AppError::Unavailable)
    })?;
    Ok(Json(Health { status: "ok", database: state.db.backend_name() }))
}

/// This document.
#[utoipa::path(get, path = "/api/v1/openapi.json", tag = "operations", responses((status = 200, description = "OpenAPI 3 document")))]
async fn openapi_json() -> Json<utoipa::openapi::OpenApi> {
    Json(ApiDoc::openapi())
}

#[derive(Deserialize, utoipa::IntoParams)]
pub struct PhotoUploadQuery {
    /// The school the photo is evidence for; its name goes into the caption band.
    school: Option<i64>,
}

/// Photo routes, with their own body limit (photos are far larger than JSON bodies).
pub fn photo_router(max_bytes: usize) -> Router<AppState> {
    Router::new()
        .route("/api/v1/photos/{sha256}", axum::routing::put(upload_photo))
        .route("/api/v1/photos/{sha256}/{variant}", get(get_photo))
        .layer(axum::extract::DefaultBodyLimit::max(max_bytes))
}

#[derive(Serialize, ToSchema)]
pub struct PhotoInfo {
    sha256: String,
    width: i32,
    height: i32,
    bytes: i64,
    display_bytes: i32,
    thumb_bytes: i32,
    /// EXIF time as the phone wrote it (local wall time).
    taken_at: Option<chrono::NaiveDateTime>,
    latitude: Option<f64>,
    longitude: Option<f64>,
    received_at: chrono::DateTime<chrono::Utc>,
    /// The phone's clock was more than 10 minutes off the server's at upload.
    clock_skewed: bool,
}

impl From<crate::storage::photos::PhotoRow> for PhotoInfo {
    fn from(r: crate::storage::photos::PhotoRow) -> Self {
        PhotoInfo {
            sha256: r.sha256,
            width: r.width,
            height: r.height,
            bytes: r.bytes,
            display_bytes: r.display_bytes,
            thumb_bytes: r.thumb_bytes,
            taken_at: r.taken_at,
            latitude: r.latitude,
            longitude: r.longitude,
            received_at: r.received_at,
            clock_skewed: r.clock_skewed,
        }
    }
}

/// Upload a photo addressed by the SHA-256 of its bytes (JPEG, PNG or WebP). 201 when new, 200
/// when these exact bytes are already stored (a retry is harmless). The phone may send its clock
/// in `X-Device-Time` (RFC 3339).
#[utoipa::path(put, path = "/api/v1/photos/{sha256}", tag = "photos",
    params(("sha256" = String, Path, description = "lower-case hex SHA-256 of the body"), PhotoUploadQuery),
    request_body(content = Vec<u8>, content_type = "image/jpeg"),
    responses((status = 201, body = PhotoInfo), (status = 200, body = PhotoInfo), (status = 400, body = ErrorResponse),
              (status = 401, body = ErrorResponse), (status = 404, body = ErrorResponse), (status = 413, body = ErrorResponse),
              (status = 415, body = ErrorResponse), (status = 422, body = ErrorResponse)))]
async fn upload_photo(
    State(state): State<AppState>,
    caller: Caller,
    extract::ApiPath(sha256): extract::ApiPath<String>,
    extract::ApiQuery(q): extract::ApiQuery<PhotoUploadQuery>,
    headers: axum::http::HeaderMap,
    body: Result<bytes::Bytes, axum::extract::rejection::BytesRejection>,
) -> Result<Response, Error> {
    let body = body.map_err(|_| AppError::TooLarge)?;
    let device_time = headers
        .get("x-device-time")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| chrono::DateTime::parse_from_rfc3339(v).ok())
        .map(|t| t.with_timezone(&chrono::Utc));
    let up = crate::service::photos::Upload {
        sha256: &sha256,
        bytes: &body,
        school_id: q.school,
        device_time,
    };
    let (created, row) = crate::service::photos::upload(&state, &caller, up).await?;
    Ok(created_or_ok(created, PhotoInfo::from(row)))
}

/// One copy of a photo: `original` (the uploaded bytes), `display` (1600 px, caption) or `thumb`
/// (320 px). 404 for anyone who may not see it.
#[utoipa::path(get, path = "/api/v1/photos/{sha256}/{variant}", tag = "photos",
    params(("sha256" = String, Path), ("variant" = String, Path, description = "original, display or thumb")),
    responses((status = 200, content_type = "image/jpeg", body = Vec<u8>), (status = 401, body = ErrorResponse), (status = 404, body = ErrorResponse)))]
async fn get_photo(
    State(state): State<AppState>,
    caller: Caller,
    extract::ApiPath((sha256, variant)): extract::ApiPath<(String, String)>,
) -> Result<Response, Error> {
    let variant = crate::photo::store::Variant::parse(&variant).ok_or(AppError::NotFound)?;
    let (bytes, mime) = crate::service::photos::fetch(&state, &caller, &sha256, variant).await?;
    let ext = if mime == "image/jpeg" { "jpg" } else { mime.trim_start_matches("image/") };
    let disposition = format!(
        "inline; filename=\"{}-{}.{ext}\"",
        &sha256[..12.min(sha256.len())],
        variant.as_str()
    );
    let mut res = (StatusCode::OK, bytes).into_response();
    let h = res.headers_mut();
    h.insert(header::CONTENT_TYPE, HeaderValue::from_static(mime));
    // Addressed by content: a copy never changes. Private: only this user may see it.
    h.insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("private, max-age=31536000, immutable"),
    );
    if let Ok(v) = HeaderValue::from_str(&disposition) {
        h.insert(header::CONTENT_DISPOSITION, v);
    }
    Ok(res)
}
