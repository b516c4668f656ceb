//! The server side of the register pages' server functions.

use crate::auth::Caller;
use crate::error::Result;
use crate::service::{hazards, registers, schools};
use crate::state::AppState;
use crate::ui_backend::{UiBackend, out};
use app::domain::Role;
use app::domain::hazard::HazardFilter;
use app::domain::register::{
    AccidentInput, ActivityInput, Category, DutiesView, DutyListInput, DutySignature,
    EnforcementFilter, EnforcementInput, RegisterFilter, SchoolRef, SignInput,
};
use app::domain::time::china_date;
use app::error::AppError;
use app::registers::backend::RegisterBackend;
use app::registers::{AccidentsPage, ActivitiesPage, EnforcementPage, HazardRef};
use axum::http::request::Parts;
use uuid::Uuid;

async fn school_refs(state: &AppState, caller: &Caller) -> Result<Vec<SchoolRef>> {
    Ok(schools::list(state, caller, "")
        .await?
        .into_iter()
        .map(|s| SchoolRef { id: s.id, name: s.name })
        .collect())
}

/// The first page of hazards in scope (open ones first), to link a record to.
async fn hazard_refs(state: &AppState, caller: &Caller) -> Result<Vec<HazardRef>> {
    let list = hazards::list(state, caller, &HazardFilter::default(), false).await?;
    Ok(list
        .items
        .into_iter()
        .map(|h| HazardRef {
            label: format!("{} · {}", h.school_name, h.title),
            id: h.id,
            school_id: h.school_id,
        })
        .collect())
}

#[async_trait::async_trait]
impl RegisterBackend for UiBackend {
    async fn enforcement_page(
        &self,
        req: &Parts,
        f: EnforcementFilter,
    ) -> Result<EnforcementPage, AppError> {
        out(async {
            let (state, caller) = (&self.0, self.caller(req).await?);
            let may_record = match caller.role {
                Role::Office | Role::Admin => vec![Category::Measure, Category::Action],
                Role::Inspector => vec![Category::Measure],
                Role::Principal => vec![],
            };
            let (schools, hazards) = if may_record.is_empty() {
                (Vec::new(), Vec::new())
            } else {
                (school_refs(state, &caller).await?, hazard_refs(state, &caller).await?)
            };
            Ok(EnforcementPage {
                list: registers::list_enforcement(state, &caller, &f).await?,
                measure_kinds: registers::kinds(state, Category::Measure).to_vec(),
                action_kinds: registers::kinds(state, Category::Action).to_vec(),
                may_record,
                schools,
                hazards,
                new_id: Uuid::now_v7().to_string(),
                today: china_date(state.clock.now()),
            })
        }
        .await)
    }

    async fn record_enforcement(
        &self,
        req: &Parts,
        id: Uuid,
        input: EnforcementInput,
    ) -> Result<(), AppError> {
        out(async {
            registers::put_enforcement(&self.0, &self.caller(req).await?, id, input)
                .await
                .map(|_| ())
        }
        .await)
    }

    async fn set_typical(&self, req: &Parts, hazard: Uuid, typical: bool) -> Result<(), AppError> {
        out(async {
            registers::set_typical(&self.0, &self.caller(req).await?, hazard, typical)
                .await
                .map(|_| ())
        }
        .await)
    }

    async fn duties(&self, req: &Parts) -> Result<DutiesView, AppError> {
        out(async { registers::duties(&self.0, &self.caller(req).await?).await }.await)
    }

    async fn publish_duties(&self, req: &Parts, input: DutyListInput) -> Result<(), AppError> {
        out(async {
            registers::publish(&self.0, &self.caller(req).await?, input).await.map(|_| ())
        }
        .await)
    }

    async fn sign_duties(
        &self,
        req: &Parts,
        list_id: i64,
        input: SignInput,
    ) -> Result<DutySignature, AppError> {
        out(async {
            registers::sign(&self.0, &self.caller(req).await?, list_id, input).await.map(|(_, s)| s)
        }
        .await)
    }

    async fn activities_page(
        &self,
        req: &Parts,
        school: Option<i64>,
    ) -> Result<ActivitiesPage, AppError> {
        out(async {
            let (state, caller) = (&self.0, self.caller(req).await?);
            // A principal's page lists their school's activities; a bureau's, the chosen school's.
            let items = if caller.role == Role::Principal || school.is_some() {
                let f = RegisterFilter { school, from: None, until: None };
                registers::list_activities(state, &caller, &f).await?
            } else {
                Vec::new()
            };
            Ok(ActivitiesPage {
                items,
                compliance: registers::compliance_by_school(state, &caller, None).await?,
                new_id: Uuid::now_v7().to_string(),
                today: china_date(state.clock.now()),
            })
        }
        .await)
    }

    async fn record_activity(
        &self,
        req: &Parts,
        id: Uuid,
        input: ActivityInput,
    ) -> Result<(), AppError> {
        out(async {
            registers::put_activity(&self.0, &self.caller(req).await?, id, input).await.map(|_| ())
        }
        .await)
    }

    async fn accidents_page(
        &self,
        req: &Parts,
        f: RegisterFilter,
    ) -> Result<AccidentsPage, AppError> {
        out(async {
            let (state, caller) = (&self.0, self.caller(req).await?);
            let may_record = matches!(caller.role, Role::Principal | Role::Office | Role::Admin);
            Ok(AccidentsPage {
                items: registers::list_accidents(state, &caller, &f).await?,
                schools: school_refs(state, &caller).await?,
                hazards: if may_record { hazard_refs(state, &caller).await? } else { Vec::new() },
                new_id: Uuid::now_v7().to_string(),
                today: china_date(state.clock.now()),
            })
        }
        .await)
    }

    async fn record_accident(
        &self,
        req: &Parts,
        id: Uuid,
        input: AccidentInput,
    ) -> Result<(), AppError> {
        out(async {
            registers::put_accident(&self.0, &self.caller(req).await?, id, input).await.map(|_| ())
        }
        .await)
    }
}
