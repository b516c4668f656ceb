//! Schools and kindergartens: list and read in scope; the admin adds and edits them.

use super::scope;
use crate::auth::Caller;
use crate::error::Result;
use crate::state::AppState;
use crate::storage::{
    self,
    orgs::{SchoolFields, SchoolRow},
};
use app::api::SchoolForm;
use app::domain::account::InputProblem;
use app::domain::org::parse_coordinates;
use app::domain::{Role, SchoolName, SchoolSummary, SchoolType};
use app::error::AppError;
use chrono::Utc;

pub fn summary(r: SchoolRow) -> SchoolSummary {
    SchoolSummary {
        id: r.id,
        name: r.name,
        school_type: SchoolType::parse(&r.school_type).unwrap_or(SchoolType::Primary),
        address: r.address,
        latitude: r.latitude,
        longitude: r.longitude,
        principal_name: r.principal_name,
        phone: r.phone,
        bureau_id: r.bureau_id,
        bureau_name: r.bureau_name,
    }
}

pub async fn list(state: &AppState, caller: &Caller, query: &str) -> Result<Vec<SchoolSummary>> {
    let rows = storage::orgs::list_schools(&state.db, &scope::within(caller), query).await?;
    Ok(rows.into_iter().map(summary).collect())
}

/// One school, or 404 when it does not exist or lies outside the caller's scope (the two look
/// the same, so existence does not leak).
pub async fn get(state: &AppState, caller: &Caller, id: i64) -> Result<SchoolSummary> {
    match storage::orgs::get_school(&state.db, id).await? {
        Some(r) if scope::contains_path(caller, &r.path) => Ok(summary(r)),
        _ => Err(AppError::NotFound.into()),
    }
}

fn parse_number(raw: &str) -> Result<Option<f64>, InputProblem> {
    let raw = raw.trim();
    if raw.is_empty() {
        return Ok(None);
    }
    raw.parse::<f64>()
        .ok()
        .filter(|x| x.is_finite())
        .map(Some)
        .ok_or(InputProblem::CoordinatesOutOfRange)
}

/// Adds a school under the admin's bureau, or edits one in scope.
pub async fn save(state: &AppState, caller: &Caller, form: SchoolForm) -> Result<SchoolSummary> {
    caller.require(&[Role::Admin])?;
    let name = SchoolName::parse(&form.name).map_err(AppError::from)?;
    let school_type = SchoolType::parse(&form.school_type)
        .ok_or(AppError::Invalid(InputProblem::UnknownSchoolType))?;
    let coordinates = parse_number(&form.latitude)
        .and_then(|lat| parse_number(&form.longitude).map(|lng| (lat, lng)))
        .and_then(|(lat, lng)| parse_coordinates(lat, lng))
        .map_err(AppError::from)?;
    let fields = SchoolFields {
        name: name.as_str(),
        school_type: school_type.as_str(),
        address: form.address.trim(),
        coordinates,
        principal_name: form.principal_name.trim(),
        phone: form.phone.trim(),
    };
    let now = Utc::now();
    let id = match form.id {
        Some(id) => {
            get(state, caller, id).await?;
            storage::orgs::update_school(&state.db, id, &fields, now)
                .await
                .map_err(duplicate_name)?;
            caller.audit(state, "school.update", &format!("org:{id}"), name.as_str()).await?;
            id
        }
        None => {
            let bureau = (caller.user.org_id, caller.user.org_path.as_str());
            let id = storage::orgs::insert_school(&state.db, bureau, &fields, now)
                .await
                .map_err(duplicate_name)?;
            caller.audit(state, "school.create", &format!("org:{id}"), name.as_str()).await?;
            id
        }
    };
    get(state, caller, id).await
}

fn duplicate_name(e: sqlx::Error) -> crate::error::Error {
    if storage::is_unique_violation(&e) { AppError::Conflict.into() } else { e.into() }
}
