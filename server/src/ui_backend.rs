//! The server side of the UI's server functions: each resolves the caller and calls one service.

use crate::auth::{self, Caller, RequestMeta};
use crate::error::Result;
use crate::service::{
    accounts, checklists, hazards, home, inspections, notifications, plans, schools,
};
use crate::state::AppState;
use app::api::backend::Backend;
use app::api::{
    HazardPage, HomeData, InspectionPage, ItemForm, NewUserForm, PlanForm, PlansPage, SchoolForm,
};
use app::domain::checklist::{Checklist, ChecklistSummary};
use app::domain::hazard::{EventInput, HazardDetail, HazardFilter, HazardList, ReportInput};
use app::domain::inspection::{Inspection, InspectionDraft, InspectionSummary, SubmitInspection};
use app::domain::notification::Inbox;
use app::domain::{Me, SchoolSummary, UserSummary};
use app::error::AppError;
use axum::http::request::Parts;
use uuid::Uuid;

pub struct UiBackend(pub AppState);

impl UiBackend {
    pub(crate) fn meta(&self, req: &Parts) -> RequestMeta {
        RequestMeta::from_parts(req, self.0.config.trust_proxy)
    }

    pub(crate) async fn caller(&self, req: &Parts) -> Result<Caller> {
        auth::require_caller(&self.0, &self.meta(req)).await
    }
}

/// Maps the server's result to what may cross the wire, logging internal causes once.
pub(crate) fn out<T>(r: Result<T>) -> Result<T, AppError> {
    r.map_err(crate::error::Error::into_app)
}

#[async_trait::async_trait]
impl Backend for UiBackend {
    async fn me(&self, req: &Parts) -> Result<Option<Me>, AppError> {
        out(auth::resolve(&self.0, &self.meta(req)).await.map(|c| c.map(|c| accounts::me(&c.user))))
    }

    async fn login(&self, req: &Parts, username: &str, password: &str) -> Result<String, AppError> {
        out(auth::login(&self.0, &self.meta(req), username, password)
            .await
            .map(|(cookie, _)| cookie))
    }

    async fn logout(&self, req: &Parts) -> Result<String, AppError> {
        out(auth::logout(&self.0, &self.meta(req)).await)
    }

    async fn change_password(
        &self,
        req: &Parts,
        current: &str,
        new: &str,
    ) -> Result<String, AppError> {
        out(async { auth::change_password(&self.0, &self.caller(req).await?, current, new).await }
            .await)
    }

    async fn home(&self, req: &Parts) -> Result<HomeData, AppError> {
        out(async { home::home(&self.0, &self.caller(req).await?).await }.await)
    }

    async fn list_users(&self, req: &Parts) -> Result<Vec<UserSummary>, AppError> {
        out(async { accounts::list(&self.0, &self.caller(req).await?).await }.await)
    }

    async fn audit_log(
        &self,
        req: &Parts,
        filter: app::domain::AuditFilter,
    ) -> Result<app::domain::AuditPage, AppError> {
        out(async { accounts::audit_log(&self.0, &self.caller(req).await?, &filter).await }.await)
    }

    async fn create_user(&self, req: &Parts, form: NewUserForm) -> Result<UserSummary, AppError> {
        out(async { accounts::create(&self.0, &self.caller(req).await?, form).await }.await)
    }

    async fn set_user_disabled(
        &self,
        req: &Parts,
        user_id: i64,
        disabled: bool,
    ) -> Result<(), AppError> {
        out(async {
            accounts::set_disabled(&self.0, &self.caller(req).await?, user_id, disabled).await
        }
        .await)
    }

    async fn reset_password(
        &self,
        req: &Parts,
        user_id: i64,
        password: &str,
    ) -> Result<(), AppError> {
        out(async {
            accounts::reset_password(&self.0, &self.caller(req).await?, user_id, password).await
        }
        .await)
    }

    async fn list_schools(&self, req: &Parts, query: &str) -> Result<Vec<SchoolSummary>, AppError> {
        out(async { schools::list(&self.0, &self.caller(req).await?, query).await }.await)
    }

    async fn save_school(&self, req: &Parts, form: SchoolForm) -> Result<SchoolSummary, AppError> {
        out(async { schools::save(&self.0, &self.caller(req).await?, form).await }.await)
    }

    async fn start_inspection(
        &self,
        req: &Parts,
        id: Uuid,
        school_id: i64,
        kind: &str,
    ) -> Result<(), AppError> {
        out(async {
            inspections::start(&self.0, &self.caller(req).await?, id, school_id, kind).await
        }
        .await)
    }

    async fn inspection_page(&self, req: &Parts, id: Uuid) -> Result<InspectionPage, AppError> {
        out(async { inspections::page(&self.0, &self.caller(req).await?, id).await }.await)
    }

    async fn save_inspection(
        &self,
        req: &Parts,
        id: Uuid,
        draft: InspectionDraft,
    ) -> Result<InspectionSummary, AppError> {
        out(async {
            inspections::put(&self.0, &self.caller(req).await?, id, draft)
                .await
                .map(|(_, i)| i.summary)
        }
        .await)
    }

    async fn submit_inspection(
        &self,
        req: &Parts,
        id: Uuid,
        body: SubmitInspection,
    ) -> Result<Inspection, AppError> {
        out(async { inspections::submit(&self.0, &self.caller(req).await?, id, body).await }.await)
    }

    async fn list_inspections(&self, req: &Parts) -> Result<Vec<InspectionSummary>, AppError> {
        out(async { inspections::list(&self.0, &self.caller(req).await?, None).await }.await)
    }

    async fn list_checklists(&self, req: &Parts) -> Result<Vec<ChecklistSummary>, AppError> {
        out(async { checklists::list(&self.0, &self.caller(req).await?).await }.await)
    }

    async fn checklist(&self, req: &Parts, id: i64) -> Result<Checklist, AppError> {
        out(async { checklists::get(&self.0, &self.caller(req).await?, id).await }.await)
    }

    async fn edit_checklist(&self, req: &Parts, school_id: Option<i64>) -> Result<i64, AppError> {
        out(async { checklists::edit(&self.0, &self.caller(req).await?, school_id).await }.await)
    }

    async fn save_item(&self, req: &Parts, form: ItemForm) -> Result<(), AppError> {
        out(async {
            checklists::save_item_form(&self.0, &self.caller(req).await?, form).await.map(|_| ())
        }
        .await)
    }

    async fn delete_item(&self, req: &Parts, template_id: i64, code: &str) -> Result<(), AppError> {
        out(async {
            checklists::delete_item(&self.0, &self.caller(req).await?, template_id, code).await
        }
        .await)
    }

    async fn publish_checklist(&self, req: &Parts, template_id: i64) -> Result<(), AppError> {
        out(async {
            checklists::publish(&self.0, &self.caller(req).await?, template_id).await.map(|_| ())
        }
        .await)
    }

    async fn plans_page(&self, req: &Parts) -> Result<PlansPage, AppError> {
        out(async { plans::page(&self.0, &self.caller(req).await?).await }.await)
    }

    async fn create_plan(&self, req: &Parts, form: PlanForm) -> Result<(), AppError> {
        out(async { plans::create_from_form(&self.0, &self.caller(req).await?, form).await }.await)
    }

    async fn cancel_plan(&self, req: &Parts, id: Uuid) -> Result<(), AppError> {
        out(async { plans::cancel(&self.0, &self.caller(req).await?, id).await }.await)
    }

    async fn hazard_page(&self, req: &Parts, id: Uuid) -> Result<HazardPage, AppError> {
        out(async { hazards::page(&self.0, &self.caller(req).await?, id).await }.await)
    }

    async fn hazard_event(
        &self,
        req: &Parts,
        id: Uuid,
        e: EventInput,
    ) -> Result<HazardDetail, AppError> {
        out(async { hazards::act(&self.0, &self.caller(req).await?, id, e).await }.await)
    }

    async fn hazards(
        &self,
        req: &Parts,
        f: HazardFilter,
        queue: bool,
    ) -> Result<HazardList, AppError> {
        out(async { hazards::list(&self.0, &self.caller(req).await?, &f, queue).await }.await)
    }

    async fn report_hazard(
        &self,
        req: &Parts,
        id: Uuid,
        r: ReportInput,
    ) -> Result<HazardDetail, AppError> {
        out(async {
            hazards::report(&self.0, &self.caller(req).await?, id, r).await.map(|(_, h)| h)
        }
        .await)
    }

    async fn inbox(&self, req: &Parts) -> Result<Inbox, AppError> {
        out(async { notifications::inbox(&self.0, &self.caller(req).await?).await }.await)
    }

    async fn unread(&self, req: &Parts) -> Result<i64, AppError> {
        out(async { notifications::unread(&self.0, &self.caller(req).await?).await }.await)
    }

    async fn mark_read(&self, req: &Parts) -> Result<(), AppError> {
        out(async { notifications::mark_read(&self.0, &self.caller(req).await?).await }.await)
    }
}
