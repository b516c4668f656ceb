//! Server functions the UI calls. Each is thin: find the backend and the request, call one
//! backend method, shape the response. The backend (implemented by the server crate) does the work.

use crate::domain::checklist::{Checklist, ChecklistSummary};
use crate::domain::hazard::{
    DeadlinePolicy, EventInput, HazardDetail, HazardFilter, HazardList, ReportInput,
};
use crate::domain::inspection::{Inspection, InspectionDraft, InspectionSummary, SubmitInspection};
use crate::domain::notification::Inbox;
use crate::domain::plan::{Named, Plan, Suggestion};
use crate::domain::{AuditFilter, AuditPage, Me, SchoolSummary, SchoolType, UserSummary};
use crate::error::AppError;
use chrono::NaiveDate;
use leptos::prelude::*;
use leptos::server_fn::codec::Json;
use serde::{Deserialize, Serialize};

/// The campaign card on every home screen.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct CampaignCard {
    pub name: String,
    pub phase_name: String,
    pub phase_ends_on: NaiveDate,
}

/// What a home screen shows besides the per-role sections.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct HomeData {
    pub campaign: Option<CampaignCard>,
    pub users: i64,
    pub schools: i64,
}

/// A user as the admin's form sends it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct NewUserForm {
    pub username: String,
    pub display_name: String,
    pub role: String,
    /// Empty for bureau roles. Text, because an HTML form sends text.
    pub school_id: String,
    pub password: String,
}

/// A school as the admin's form sends it; `id` empty for a new one.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct SchoolForm {
    pub id: Option<i64>,
    pub name: String,
    pub school_type: String,
    pub address: String,
    pub principal_name: String,
    pub phone: String,
    /// Empty or a decimal number; text, because an HTML form sends text.
    pub latitude: String,
    pub longitude: String,
}

/// Everything the inspection screen needs: the inspection, its templates, and the school.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct InspectionPage {
    pub inspection: Inspection,
    pub checklists: Vec<Checklist>,
    pub school_type: SchoolType,
    /// The caller filed it and it is still a draft: the checklist can be walked.
    pub editable: bool,
    pub deadlines: DeadlinePolicy,
    /// Today in China, for the default deadlines of new hazards.
    pub today: NaiveDate,
    /// Submitted on this phone and waiting to be sent (never set by the server).
    #[serde(default)]
    pub queued: bool,
}

/// A school one can start an inspection of, with the id the new inspection will take (made on
/// the server when the list is shown, so a double tap opens one inspection, not two).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct StartTarget {
    pub school: SchoolSummary,
    pub draft_id: String,
}

/// One item as the template editor's form sends it (text, because a form sends text).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct ItemForm {
    pub template_id: i64,
    pub area: String,
    pub code: String,
    pub title: String,
    pub content: String,
    pub standard: String,
    pub level: String,
    pub applies_to: String,
    /// Checkbox: present ("on") when ticked.
    #[serde(default)]
    pub photo_required: Option<String>,
    #[serde(default)]
    pub direct_major: Option<String>,
}

/// The plans screen: plans, schools ranked by risk, and the bureau's inspectors.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct PlansPage {
    pub plans: Vec<Plan>,
    pub suggestions: Vec<Suggestion>,
    pub inspectors: Vec<Named>,
    /// The id the next plan made on this screen takes, so a double submit makes one plan.
    pub new_plan_id: String,
    pub today: NaiveDate,
}

/// A new plan as its form sends it: the schools are picked by risk or drawn at random.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct PlanForm {
    /// Made when the form is rendered, so a double submit creates one plan.
    pub id: String,
    pub kind: String,
    pub starts_on: String,
    pub ends_on: String,
    /// `risk` (the highest-ranked schools) or `random` (双随机).
    pub pick: String,
    pub schools: String,
    pub inspectors: String,
    #[serde(default)]
    pub note: String,
}

/// A hazard's screen: the hazard, and an id for the next action taken on it (made when the
/// screen is shown, so a double tap applies once).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct HazardPage {
    pub detail: HazardDetail,
    pub event_id: String,
    pub today: NaiveDate,
    /// Flagged as a typical case for exposure (典型); office and admin see and change it.
    #[serde(default)]
    pub typical: bool,
}

/// A workflow action as a plain form sends it (everything but the rectification, which needs
/// photos and a signature).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct ActionForm {
    pub hazard_id: String,
    pub event_id: String,
    pub action: String,
    pub expected_version: i32,
    #[serde(default)]
    pub note: String,
    #[serde(default)]
    pub reason: String,
    #[serde(default)]
    pub deadline: String,
    #[serde(default)]
    pub responsible: String,
    #[serde(default)]
    pub measures: String,
    #[serde(default)]
    pub funds_yuan: String,
    #[serde(default)]
    pub contingency: String,
    /// Where to go afterwards (the queue, or the hazard itself).
    #[serde(default)]
    pub back: String,
}

#[cfg(feature = "ssr")]
pub mod backend {
    //! The contract between these server functions and the server that runs them.
    use super::*;
    use http::request::Parts;

    #[async_trait::async_trait]
    pub trait Backend: Send + Sync + 'static {
        async fn me(&self, req: &Parts) -> Result<Option<Me>, AppError>;
        /// Returns the `Set-Cookie` value of the new session.
        async fn login(
            &self,
            req: &Parts,
            username: &str,
            password: &str,
        ) -> Result<String, AppError>;
        /// Returns the `Set-Cookie` value that clears the session cookie.
        async fn logout(&self, req: &Parts) -> Result<String, AppError>;
        /// Returns the `Set-Cookie` value of the fresh session that replaces every old one.
        async fn change_password(
            &self,
            req: &Parts,
            current: &str,
            new: &str,
        ) -> Result<String, AppError>;
        async fn home(&self, req: &Parts) -> Result<HomeData, AppError>;
        async fn list_users(&self, req: &Parts) -> Result<Vec<UserSummary>, AppError>;
        async fn audit_log(&self, req: &Parts, filter: AuditFilter) -> Result<AuditPage, AppError>;
        async fn create_user(
            &self,
            req: &Parts,
            form: NewUserForm,
        ) -> Result<UserSummary, AppError>;
        async fn set_user_disabled(
            &self,
            req: &Parts,
            user_id: i64,
            disabled: bool,
        ) -> Result<(), AppError>;
        async fn reset_password(
            &self,
            req: &Parts,
            user_id: i64,
            password: &str,
        ) -> Result<(), AppError>;
        async fn list_schools(
            &self,
            req: &Parts,
            query: &str,
        ) -> Result<Vec<SchoolSummary>, AppError>;
        async fn save_school(
            &self,
            req: &Parts,
            form: SchoolForm,
        ) -> Result<SchoolSummary, AppError>;
        async fn start_inspection(
            &self,
            req: &Parts,
            id: uuid::Uuid,
            school_id: i64,
            kind: &str,
        ) -> Result<(), AppError>;
        async fn inspection_page(
            &self,
            req: &Parts,
            id: uuid::Uuid,
        ) -> Result<InspectionPage, AppError>;
        async fn save_inspection(
            &self,
            req: &Parts,
            id: uuid::Uuid,
            draft: InspectionDraft,
        ) -> Result<InspectionSummary, AppError>;
        async fn submit_inspection(
            &self,
            req: &Parts,
            id: uuid::Uuid,
            body: SubmitInspection,
        ) -> Result<Inspection, AppError>;
        async fn list_inspections(&self, req: &Parts) -> Result<Vec<InspectionSummary>, AppError>;
        async fn list_checklists(&self, req: &Parts) -> Result<Vec<ChecklistSummary>, AppError>;
        async fn checklist(&self, req: &Parts, id: i64) -> Result<Checklist, AppError>;
        async fn edit_checklist(
            &self,
            req: &Parts,
            school_id: Option<i64>,
        ) -> Result<i64, AppError>;
        async fn save_item(&self, req: &Parts, form: ItemForm) -> Result<(), AppError>;
        async fn delete_item(
            &self,
            req: &Parts,
            template_id: i64,
            code: &str,
        ) -> Result<(), AppError>;
        async fn publish_checklist(&self, req: &Parts, template_id: i64) -> Result<(), AppError>;
        async fn plans_page(&self, req: &Parts) -> Result<PlansPage, AppError>;
        async fn create_plan(&self, req: &Parts, form: PlanForm) -> Result<(), AppError>;
        async fn cancel_plan(&self, req: &Parts, id: uuid::Uuid) -> Result<(), AppError>;
        async fn hazard_page(&self, req: &Parts, id: uuid::Uuid) -> Result<HazardPage, AppError>;
        async fn hazard_event(
            &self,
            req: &Parts,
            id: uuid::Uuid,
            e: EventInput,
        ) -> Result<HazardDetail, AppError>;
        async fn hazards(
            &self,
            req: &Parts,
            f: HazardFilter,
            queue: bool,
        ) -> Result<HazardList, AppError>;
        async fn report_hazard(
            &self,
            req: &Parts,
            id: uuid::Uuid,
            r: ReportInput,
        ) -> Result<HazardDetail, AppError>;
        async fn inbox(&self, req: &Parts) -> Result<Inbox, AppError>;
        async fn unread(&self, req: &Parts) -> Result<i64, AppError>;
        async fn mark_read(&self, req: &Parts) -> Result<(), AppError>;
    }

    pub type SharedBackend = std::sync::Arc<dyn Backend>;

    pub(super) fn get() -> Result<(SharedBackend, Parts), AppError> {
        let backend = use_context::<SharedBackend>().ok_or(AppError::Internal)?;
        let parts = use_context::<Parts>().ok_or(AppError::Internal)?;
        Ok((backend, parts))
    }

    pub(super) fn set_cookie(value: &str) -> Result<(), AppError> {
        let opts = use_context::<leptos_axum::ResponseOptions>().ok_or(AppError::Internal)?;
        let value = http::HeaderValue::from_str(value).map_err(|_| AppError::Internal)?;
        opts.append_header(http::header::SET_COOKIE, value);
        Ok(())
    }
}

#[server(prefix = "/fn", endpoint = "me")]
pub async fn get_me() -> Result<Option<Me>, AppError> {
    let (b, req) = backend::get()?;
    b.me(&req).await
}

#[server(prefix = "/fn", endpoint = "login")]
pub async fn login(username: String, password: String) -> Result<(), AppError> {
    let (b, req) = backend::get()?;
    let cookie = b.login(&req, &username, &password).await?;
    backend::set_cookie(&cookie)?;
    leptos_axum::redirect("/");
    Ok(())
}

#[server(prefix = "/fn", endpoint = "logout")]
pub async fn logout() -> Result<(), AppError> {
    let (b, req) = backend::get()?;
    let cookie = b.logout(&req).await?;
    backend::set_cookie(&cookie)?;
    leptos_axum::redirect("/login");
    Ok(())
}

#[server(prefix = "/fn", endpoint = "change_password")]
pub async fn change_password(current: String, new: String) -> Result<(), AppError> {
    let (b, req) = backend::get()?;
    let cookie = b.change_password(&req, &current, &new).await?;
    backend::set_cookie(&cookie)
}

#[server(prefix = "/fn", endpoint = "home")]
pub async fn get_home() -> Result<HomeData, AppError> {
    let (b, req) = backend::get()?;
    b.home(&req).await
}

#[server(prefix = "/fn", endpoint = "users")]
pub async fn list_users() -> Result<Vec<UserSummary>, AppError> {
    let (b, req) = backend::get()?;
    b.list_users(&req).await
}

#[server(prefix = "/fn", endpoint = "audit")]
pub async fn load_audit(filter: AuditFilter) -> Result<AuditPage, AppError> {
    let (b, req) = backend::get()?;
    b.audit_log(&req, filter).await
}

#[server(prefix = "/fn", endpoint = "create_user")]
pub async fn create_user(form: NewUserForm) -> Result<UserSummary, AppError> {
    let (b, req) = backend::get()?;
    b.create_user(&req, form).await
}

#[server(prefix = "/fn", endpoint = "set_user_disabled")]
pub async fn set_user_disabled(user_id: i64, disabled: bool) -> Result<(), AppError> {
    let (b, req) = backend::get()?;
    b.set_user_disabled(&req, user_id, disabled).await
}

#[server(prefix = "/fn", endpoint = "reset_password")]
pub async fn reset_password(user_id: i64, password: String) -> Result<(), AppError> {
    let (b, req) = backend::get()?;
    b.reset_password(&req, user_id, &password).await
}

#[server(prefix = "/fn", endpoint = "schools")]
pub async fn list_schools(query: String) -> Result<Vec<SchoolSummary>, AppError> {
    let (b, req) = backend::get()?;
    b.list_schools(&req, &query).await
}

#[server(prefix = "/fn", endpoint = "save_school")]
pub async fn save_school(form: SchoolForm) -> Result<SchoolSummary, AppError> {
    let (b, req) = backend::get()?;
    b.save_school(&req, form).await
}

#[cfg(feature = "ssr")]
fn parse_id(id: &str) -> Result<uuid::Uuid, AppError> {
    uuid::Uuid::parse_str(id.trim()).map_err(|_| AppError::NotFound)
}

/// The schools the caller can start an inspection of.
#[server(prefix = "/fn", endpoint = "start_targets")]
pub async fn start_targets(query: String) -> Result<Vec<StartTarget>, AppError> {
    let (b, req) = backend::get()?;
    let schools = b.list_schools(&req, &query).await?;
    Ok(schools
        .into_iter()
        .map(|school| StartTarget { school, draft_id: uuid::Uuid::now_v7().to_string() })
        .collect())
}

/// Starts an inspection (a plain form: works before the page is interactive) and opens it.
#[server(prefix = "/fn", endpoint = "start_inspection")]
pub async fn start_inspection(id: String, school_id: i64, kind: String) -> Result<(), AppError> {
    let (b, req) = backend::get()?;
    let id = parse_id(&id)?;
    b.start_inspection(&req, id, school_id, &kind).await?;
    leptos_axum::redirect(&format!("/inspections/{id}"));
    Ok(())
}

#[server(prefix = "/fn", endpoint = "inspection_page")]
pub async fn load_inspection(id: String) -> Result<InspectionPage, AppError> {
    let (b, req) = backend::get()?;
    b.inspection_page(&req, parse_id(&id)?).await
}

#[server(prefix = "/fn", endpoint = "save_inspection", input = Json)]
pub async fn save_inspection(
    id: String,
    draft: InspectionDraft,
) -> Result<InspectionSummary, AppError> {
    let (b, req) = backend::get()?;
    b.save_inspection(&req, parse_id(&id)?, draft).await
}

#[server(prefix = "/fn", endpoint = "submit_inspection", input = Json)]
pub async fn finish_inspection(id: String, body: SubmitInspection) -> Result<Inspection, AppError> {
    let (b, req) = backend::get()?;
    b.submit_inspection(&req, parse_id(&id)?, body).await
}

#[server(prefix = "/fn", endpoint = "inspections")]
pub async fn list_inspections() -> Result<Vec<InspectionSummary>, AppError> {
    let (b, req) = backend::get()?;
    b.list_inspections(&req).await
}

#[server(prefix = "/fn", endpoint = "checklists")]
pub async fn list_checklists() -> Result<Vec<ChecklistSummary>, AppError> {
    let (b, req) = backend::get()?;
    b.list_checklists(&req).await
}

#[server(prefix = "/fn", endpoint = "checklist")]
pub async fn get_checklist(id: i64) -> Result<Checklist, AppError> {
    let (b, req) = backend::get()?;
    b.checklist(&req, id).await
}

/// Opens the draft of a template (the county's, or with `school_id` a school's own items).
#[server(prefix = "/fn", endpoint = "edit_checklist")]
pub async fn edit_checklist(school_id: Option<i64>) -> Result<(), AppError> {
    let (b, req) = backend::get()?;
    let id = b.edit_checklist(&req, school_id).await?;
    leptos_axum::redirect(&format!("/checklists/{id}"));
    Ok(())
}

#[server(prefix = "/fn", endpoint = "save_item")]
pub async fn save_item(form: ItemForm) -> Result<(), AppError> {
    let (b, req) = backend::get()?;
    let id = form.template_id;
    b.save_item(&req, form).await?;
    leptos_axum::redirect(&format!("/checklists/{id}"));
    Ok(())
}

#[server(prefix = "/fn", endpoint = "delete_item")]
pub async fn delete_item(template_id: i64, code: String) -> Result<(), AppError> {
    let (b, req) = backend::get()?;
    b.delete_item(&req, template_id, &code).await
}

#[server(prefix = "/fn", endpoint = "publish_checklist")]
pub async fn publish_checklist(template_id: i64) -> Result<(), AppError> {
    let (b, req) = backend::get()?;
    b.publish_checklist(&req, template_id).await
}

#[server(prefix = "/fn", endpoint = "plans")]
pub async fn load_plans() -> Result<PlansPage, AppError> {
    let (b, req) = backend::get()?;
    b.plans_page(&req).await
}

#[server(prefix = "/fn", endpoint = "create_plan")]
pub async fn create_plan(form: PlanForm) -> Result<(), AppError> {
    let (b, req) = backend::get()?;
    b.create_plan(&req, form).await
}

#[server(prefix = "/fn", endpoint = "cancel_plan")]
pub async fn cancel_plan(id: String) -> Result<(), AppError> {
    let (b, req) = backend::get()?;
    b.cancel_plan(&req, parse_id(&id)?).await
}

#[server(prefix = "/fn", endpoint = "load_hazard")]
pub async fn load_hazard(id: String) -> Result<HazardPage, AppError> {
    let (b, req) = backend::get()?;
    b.hazard_page(&req, parse_id(&id)?).await
}

/// A workflow action from a plain form (works before the page is interactive).
#[server(prefix = "/fn", endpoint = "hazard_action")]
pub async fn hazard_action(form: ActionForm) -> Result<(), AppError> {
    use crate::domain::hazard::PlanFields;
    use crate::domain::workflow::Action;
    let (b, req) = backend::get()?;
    let id = parse_id(&form.hazard_id)?;
    let action = Action::parse(&form.action).ok_or(AppError::Malformed)?;
    let date = |s: &str| s.trim().parse::<NaiveDate>().ok();
    let plan = (action == Action::Plan).then(|| PlanFields {
        responsible: form.responsible.clone(),
        measures: form.measures.clone(),
        // An unreadable amount fails the completeness rule, with its message.
        funds_yuan: form.funds_yuan.trim().parse().unwrap_or(f64::NAN),
        deadline: date(&form.deadline).unwrap_or_default(),
        contingency: form.contingency.clone(),
    });
    let e = EventInput {
        event_id: parse_id(&form.event_id)?,
        action,
        expected_version: form.expected_version,
        note: form.note,
        reason: form.reason,
        photos: Vec::new(),
        signature: None,
        deadline: if action == Action::Extend { date(&form.deadline) } else { None },
        plan,
    };
    b.hazard_event(&req, id, e).await?;
    let back = if form.back.starts_with('/') && !form.back.starts_with("//") {
        form.back
    } else {
        format!("/hazards/{id}")
    };
    leptos_axum::redirect(&back);
    Ok(())
}

/// The rectification (with after-photos and the signature), sent by the hazard screen.
#[server(prefix = "/fn", endpoint = "submit_rectification", input = Json)]
pub async fn submit_rectification(id: String, event: EventInput) -> Result<HazardDetail, AppError> {
    let (b, req) = backend::get()?;
    b.hazard_event(&req, parse_id(&id)?, event).await
}

#[server(prefix = "/fn", endpoint = "hazards", input = Json)]
pub async fn list_hazards(filter: HazardFilter, queue: bool) -> Result<HazardList, AppError> {
    let (b, req) = backend::get()?;
    b.hazards(&req, filter, queue).await
}

#[server(prefix = "/fn", endpoint = "report_hazard", input = Json)]
pub async fn report_hazard(id: String, report: ReportInput) -> Result<HazardDetail, AppError> {
    let (b, req) = backend::get()?;
    b.report_hazard(&req, parse_id(&id)?, report).await
}

#[server(prefix = "/fn", endpoint = "inbox")]
pub async fn load_inbox() -> Result<Inbox, AppError> {
    let (b, req) = backend::get()?;
    b.inbox(&req).await
}

#[server(prefix = "/fn", endpoint = "unread")]
pub async fn unread_count() -> Result<i64, AppError> {
    let (b, req) = backend::get()?;
    b.unread(&req).await
}

#[server(prefix = "/fn", endpoint = "mark_read")]
pub async fn mark_all_read() -> Result<(), AppError> {
    let (b, req) = backend::get()?;
    b.mark_read(&req).await
}

/// The closure queue: each submitted hazard with its photos, and an id for the action taken on
/// it (made when the queue is shown, so a double tap applies once).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct QueuePage {
    pub total: i64,
    pub items: Vec<(HazardDetail, String)>,
}

#[server(prefix = "/fn", endpoint = "load_queue", input = Json)]
pub async fn load_queue(filter: HazardFilter) -> Result<QueuePage, AppError> {
    let (b, req) = backend::get()?;
    let list = b.hazards(&req, filter, true).await?;
    let mut items = Vec::with_capacity(list.items.len());
    for h in list.items {
        let id = uuid::Uuid::parse_str(&h.id).map_err(|_| AppError::Internal)?;
        let page = b.hazard_page(&req, id).await?;
        items.push((page.detail, page.event_id));
    }
    Ok(QueuePage { total: list.total, items })
}
