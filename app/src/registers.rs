//! Register pages: enforcement measures and accountability actions, the responsibility list,
//! activity logs and accidents. Forms without photos are plain forms that work before the page
//! is interactive; forms with photos or a drawn signature upload those first, then send.

use crate::domain::Role;
use crate::domain::register::{
    AccidentInput, AccidentKind, AccidentRecord, ActivityInput, ActivityKind, ActivityRecord,
    Category, Compliance, DutiesView, DutySignature, EnforcementFilter, EnforcementInput,
    EnforcementList, EnforcementRecord, RegisterFilter, RegisterProblem, SchoolCompliance,
    SchoolRef, canonical_text, split_entries,
};
use crate::domain::time::{date_time, long_date, short_date};
use crate::error::AppError;
use crate::i18n::Msg;
use crate::photo::{PhotoPicker, Previews, display_url, thumb_url};
use crate::ui::{Empty, ErrorBox, FormOutcome, Page, t, use_me};
use chrono::NaiveDate;
use leptos::prelude::*;
use leptos_router::components::Form;
use leptos_router::hooks::use_query_map;
use serde::{Deserialize, Serialize};

#[cfg(feature = "ssr")]
pub use backend::SharedRegisterBackend;

/// The sentence for a refused register entry.
pub fn problem_msg(p: RegisterProblem) -> Msg {
    match p {
        RegisterProblem::UnknownKind => Msg::RegProblemUnknownKind,
        RegisterProblem::DateInFuture => Msg::RegProblemDateInFuture,
        RegisterProblem::HazardOfOtherSchool => Msg::RegProblemHazardOfOtherSchool,
        RegisterProblem::TitleMissing => Msg::RegProblemTitleMissing,
        RegisterProblem::SummaryMissing => Msg::RegProblemSummaryMissing,
        RegisterProblem::DutiesMissing => Msg::RegProblemDutiesMissing,
        RegisterProblem::SchoolItemsMissing => Msg::RegProblemSchoolItemsMissing,
        RegisterProblem::TextTooLong => Msg::RegProblemTextTooLong,
        RegisterProblem::TooManyEntries => Msg::RegProblemTooManyEntries,
        RegisterProblem::CountTooLarge => Msg::RegProblemCountTooLarge,
        RegisterProblem::PhotoMissing => Msg::RegProblemPhotoMissing,
        RegisterProblem::SignatureMissing => Msg::RegProblemSignatureMissing,
        RegisterProblem::ListReplaced => Msg::RegProblemListReplaced,
        RegisterProblem::NoList => Msg::RegProblemNoList,
        RegisterProblem::DifferentRecord => Msg::RegProblemDifferentRecord,
        RegisterProblem::AlreadySigned => Msg::RegProblemAlreadySigned,
    }
}

impl From<RegisterProblem> for AppError {
    fn from(problem: RegisterProblem) -> Self {
        AppError::Rule(crate::domain::Rule::Register { problem })
    }
}

// ---- What the pages load and send ----

/// A hazard one may link a record to.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct HazardRef {
    pub id: String,
    pub school_id: i64,
    pub label: String,
}

/// The enforcement page: the filtered list, the configured kinds, what the caller may record,
/// and the id the next record made here takes (so a double tap records once).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct EnforcementPage {
    pub list: EnforcementList,
    pub measure_kinds: Vec<String>,
    pub action_kinds: Vec<String>,
    pub may_record: Vec<Category>,
    pub schools: Vec<SchoolRef>,
    pub hazards: Vec<HazardRef>,
    pub new_id: String,
    pub today: NaiveDate,
}

/// The activities page: the activities, each school's compliance, and the next record's id.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct ActivitiesPage {
    pub items: Vec<ActivityRecord>,
    pub compliance: Vec<SchoolCompliance>,
    pub new_id: String,
    pub today: NaiveDate,
}

/// The accidents page.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct AccidentsPage {
    pub items: Vec<AccidentRecord>,
    pub schools: Vec<SchoolRef>,
    pub hazards: Vec<HazardRef>,
    pub new_id: String,
    pub today: NaiveDate,
}

/// An enforcement record as its form sends it (text, because a form sends text).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct EnforcementForm {
    #[serde(default)]
    pub id: String,
    #[serde(default)]
    pub category: String,
    #[serde(default)]
    pub kind: String,
    #[serde(default)]
    pub school_id: String,
    #[serde(default)]
    pub hazard_id: String,
    /// One name a line (or separated by commas).
    #[serde(default)]
    pub persons: String,
    #[serde(default)]
    pub taken_on: String,
    #[serde(default)]
    pub doc_no: String,
    #[serde(default)]
    pub note: String,
    /// Photo addresses separated by commas.
    #[serde(default)]
    pub attachments: String,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct ActivityForm {
    #[serde(default)]
    pub id: String,
    #[serde(default)]
    pub school_id: String,
    #[serde(default)]
    pub kind: String,
    #[serde(default)]
    pub held_on: String,
    #[serde(default)]
    pub title: String,
    #[serde(default)]
    pub photo: String,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct AccidentForm {
    #[serde(default)]
    pub id: String,
    #[serde(default)]
    pub school_id: String,
    #[serde(default)]
    pub occurred_on: String,
    #[serde(default)]
    pub kind: String,
    #[serde(default)]
    pub injured: String,
    #[serde(default)]
    pub dead: String,
    #[serde(default)]
    pub summary: String,
    #[serde(default)]
    pub hazard_id: String,
}

#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
pub struct DutyListForm {
    #[serde(default)]
    pub title: String,
    /// One duty a line.
    #[serde(default)]
    pub duties: String,
}

/// Lines of a text area, blank ones dropped (duties and items may contain commas).
fn text_lines(s: &str) -> Vec<String> {
    s.lines().map(str::trim).filter(|l| !l.is_empty()).map(str::to_owned).collect()
}

fn id_of(s: &str) -> Result<uuid::Uuid, AppError> {
    uuid::Uuid::parse_str(s.trim()).map_err(|_| AppError::Malformed)
}

fn date_of(s: &str) -> Result<NaiveDate, AppError> {
    s.trim().parse().map_err(|_| AppError::Malformed)
}

fn school_of(s: &str) -> Result<i64, AppError> {
    s.trim()
        .parse()
        .map_err(|_| AppError::Invalid(crate::domain::account::InputProblem::SchoolRequired))
}

fn hazard_of(s: &str) -> Result<Option<uuid::Uuid>, AppError> {
    match s.trim() {
        "" => Ok(None),
        h => id_of(h).map(Some),
    }
}

impl EnforcementForm {
    pub fn parse(&self) -> Result<(uuid::Uuid, EnforcementInput), AppError> {
        let input = EnforcementInput {
            category: Category::parse(self.category.trim()).ok_or(AppError::Malformed)?,
            kind: self.kind.clone(),
            school_id: school_of(&self.school_id)?,
            hazard_id: hazard_of(&self.hazard_id)?,
            persons: split_entries(&self.persons),
            taken_on: date_of(&self.taken_on)?,
            doc_no: self.doc_no.clone(),
            note: self.note.clone(),
            attachments: self
                .attachments
                .split(',')
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .map(str::to_owned)
                .collect(),
        };
        Ok((id_of(&self.id)?, input))
    }
}

impl ActivityForm {
    pub fn parse(&self) -> Result<(uuid::Uuid, ActivityInput), AppError> {
        let input = ActivityInput {
            school_id: school_of(&self.school_id)?,
            kind: ActivityKind::parse(self.kind.trim()).ok_or(AppError::Malformed)?,
            held_on: date_of(&self.held_on)?,
            title: self.title.clone(),
            photo: self.photo.clone(),
        };
        Ok((id_of(&self.id)?, input))
    }
}

impl AccidentForm {
    pub fn parse(&self) -> Result<(uuid::Uuid, AccidentInput), AppError> {
        let count = |s: &str| match s.trim() {
            "" => Ok(0),
            n => n.parse::<u32>().map_err(|_| AppError::from(RegisterProblem::CountTooLarge)),
        };
        let input = AccidentInput {
            school_id: school_of(&self.school_id)?,
            occurred_on: date_of(&self.occurred_on)?,
            kind: AccidentKind::parse(self.kind.trim()).ok_or(AppError::Malformed)?,
            injured: count(&self.injured)?,
            dead: count(&self.dead)?,
            summary: self.summary.clone(),
            hazard_ids: hazard_of(&self.hazard_id)?.into_iter().collect(),
        };
        Ok((id_of(&self.id)?, input))
    }
}

#[cfg(feature = "ssr")]
pub mod backend {
    //! The contract between these server functions and the server that runs them.
    use super::*;
    use crate::domain::register::{DutyListInput, SignInput};
    use http::request::Parts;

    #[async_trait::async_trait]
    pub trait RegisterBackend: Send + Sync + 'static {
        async fn enforcement_page(
            &self,
            req: &Parts,
            f: EnforcementFilter,
        ) -> Result<EnforcementPage, AppError>;
        async fn record_enforcement(
            &self,
            req: &Parts,
            id: uuid::Uuid,
            input: EnforcementInput,
        ) -> Result<(), AppError>;
        async fn set_typical(
            &self,
            req: &Parts,
            hazard: uuid::Uuid,
            typical: bool,
        ) -> Result<(), AppError>;
        async fn duties(&self, req: &Parts) -> Result<DutiesView, AppError>;
        async fn publish_duties(&self, req: &Parts, input: DutyListInput) -> Result<(), AppError>;
        async fn sign_duties(
            &self,
            req: &Parts,
            list_id: i64,
            input: SignInput,
        ) -> Result<DutySignature, AppError>;
        async fn activities_page(
            &self,
            req: &Parts,
            school: Option<i64>,
        ) -> Result<ActivitiesPage, AppError>;
        async fn record_activity(
            &self,
            req: &Parts,
            id: uuid::Uuid,
            input: ActivityInput,
        ) -> Result<(), AppError>;
        async fn accidents_page(
            &self,
            req: &Parts,
            f: RegisterFilter,
        ) -> Result<AccidentsPage, AppError>;
        async fn record_accident(
            &self,
            req: &Parts,
            id: uuid::Uuid,
            input: AccidentInput,
        ) -> Result<(), AppError>;
    }

    pub type SharedRegisterBackend = std::sync::Arc<dyn RegisterBackend>;

    pub(super) fn get() -> Result<(SharedRegisterBackend, Parts), AppError> {
        let backend = use_context::<SharedRegisterBackend>().ok_or(AppError::Internal)?;
        let parts = use_context::<Parts>().ok_or(AppError::Internal)?;
        Ok((backend, parts))
    }
}

#[server(prefix = "/fn", endpoint = "reg_enforcement_page", input = leptos::server_fn::codec::Json)]
pub async fn load_enforcement(filter: EnforcementFilter) -> Result<EnforcementPage, AppError> {
    let (b, req) = backend::get()?;
    b.enforcement_page(&req, filter).await
}

#[server(prefix = "/fn", endpoint = "reg_record_enforcement")]
pub async fn record_enforcement(form: EnforcementForm) -> Result<(), AppError> {
    let (b, req) = backend::get()?;
    let (id, input) = form.parse()?;
    b.record_enforcement(&req, id, input).await
}

#[server(prefix = "/fn", endpoint = "reg_set_typical")]
/// Sets the flag; answers it as it now is.
pub async fn set_typical(hazard: String, typical: bool) -> Result<bool, AppError> {
    let (b, req) = backend::get()?;
    b.set_typical(&req, id_of(&hazard)?, typical).await.map(|()| typical)
}

#[server(prefix = "/fn", endpoint = "reg_duties")]
pub async fn load_duties() -> Result<DutiesView, AppError> {
    let (b, req) = backend::get()?;
    b.duties(&req).await
}

#[server(prefix = "/fn", endpoint = "reg_publish_duties")]
pub async fn publish_duties(form: DutyListForm) -> Result<(), AppError> {
    let (b, req) = backend::get()?;
    let input = crate::domain::register::DutyListInput {
        title: form.title,
        duties: text_lines(&form.duties),
    };
    b.publish_duties(&req, input).await
}

#[server(prefix = "/fn", endpoint = "reg_sign_duties")]
pub async fn sign_duties(
    list_id: i64,
    items: String,
    signature: String,
) -> Result<DutySignature, AppError> {
    let (b, req) = backend::get()?;
    let input = crate::domain::register::SignInput { school_items: text_lines(&items), signature };
    b.sign_duties(&req, list_id, input).await
}

#[server(prefix = "/fn", endpoint = "reg_activities_page")]
pub async fn load_activities(school: Option<i64>) -> Result<ActivitiesPage, AppError> {
    let (b, req) = backend::get()?;
    b.activities_page(&req, school).await
}

#[server(prefix = "/fn", endpoint = "reg_record_activity")]
pub async fn record_activity(form: ActivityForm) -> Result<(), AppError> {
    let (b, req) = backend::get()?;
    let (id, input) = form.parse()?;
    b.record_activity(&req, id, input).await
}

#[server(prefix = "/fn", endpoint = "reg_accidents_page", input = leptos::server_fn::codec::Json)]
pub async fn load_accidents(filter: RegisterFilter) -> Result<AccidentsPage, AppError> {
    let (b, req) = backend::get()?;
    b.accidents_page(&req, filter).await
}

#[server(prefix = "/fn", endpoint = "reg_record_accident")]
pub async fn record_accident(form: AccidentForm) -> Result<(), AppError> {
    let (b, req) = backend::get()?;
    let (id, input) = form.parse()?;
    b.record_accident(&req, id, input).await
}

// ---- Shared pieces ----

type Outcome = RwSignal<Option<Result<(), AppError>>>;

/// The fields of a form (`form[name]`) as the struct its server function takes.
#[cfg(feature = "hydrate")]
fn form_fields<T: serde::de::DeserializeOwned>(form: &web_sys::HtmlFormElement) -> Option<T> {
    let data = web_sys::FormData::new_with_form(form).ok()?;
    let mut map = serde_json::Map::new();
    for entry in data.entries() {
        let pair: js_sys::Array = entry.ok()?.into();
        let key = pair.get(0).as_string()?;
        let value = pair.get(1).as_string().unwrap_or_default();
        let key =
            key.strip_prefix("form[").and_then(|k| k.strip_suffix(']')).unwrap_or(&key).to_owned();
        map.insert(key, serde_json::Value::String(value));
    }
    serde_json::from_value(serde_json::Value::Object(map)).ok()
}

/// Sends a plain form from the page once it is interactive: photos waiting in the outbox go
/// first, then the form's server function; `done` moves on success. Before hydration the browser
/// posts the form itself and the server answers by returning to the page (with any error in the
/// address).
fn send_form<T, F, Fut>(
    send: F,
    outcome: Outcome,
    busy: RwSignal<bool>,
    done: RwSignal<u32>,
) -> impl Fn(leptos::ev::SubmitEvent) + Clone + 'static
where
    T: serde::de::DeserializeOwned + 'static,
    F: Fn(T) -> Fut + Clone + 'static,
    Fut: std::future::Future<Output = Result<(), AppError>> + 'static,
{
    move |ev: leptos::ev::SubmitEvent| {
        #[cfg(feature = "hydrate")]
        {
            use wasm_bindgen::JsCast;
            let Some(form) =
                ev.target().and_then(|t| t.dyn_into::<web_sys::HtmlFormElement>().ok())
            else {
                return;
            };
            let Some(value) = form_fields::<T>(&form) else { return };
            ev.prevent_default();
            if busy.get_untracked() {
                return;
            }
            busy.set(true);
            outcome.set(None);
            let send = send.clone();
            leptos::task::spawn_local(async move {
                if crate::local::available() {
                    let _ = crate::local::js::sync_now().await;
                }
                let r = send(value).await;
                if r.is_ok() {
                    form.reset();
                    done.update(|n| *n += 1);
                }
                outcome.set(Some(r));
                busy.set(false);
            });
        }
        #[cfg(not(feature = "hydrate"))]
        let _ = (ev, &send, outcome, busy, done);
    }
}

fn query_date(q: &leptos_router::params::ParamsMap, k: &str) -> Option<NaiveDate> {
    q.get(k).and_then(|v| v.parse().ok())
}

fn query_school(q: &leptos_router::params::ParamsMap) -> Option<i64> {
    q.get("school").and_then(|v| v.parse().ok())
}

fn category_label(c: Category) -> Msg {
    match c {
        Category::Measure => Msg::RegMeasures,
        Category::Action => Msg::RegActions,
    }
}

fn activity_label(k: ActivityKind) -> Msg {
    match k {
        ActivityKind::Publicity => Msg::RegPublicity,
        ActivityKind::Screening => Msg::RegScreening,
    }
}

fn accident_label(k: AccidentKind) -> Msg {
    match k {
        AccidentKind::Drowning => Msg::RegAccDrowning,
        AccidentKind::Traffic => Msg::RegAccTraffic,
        AccidentKind::Fire => Msg::RegAccFire,
        AccidentKind::Food => Msg::RegAccFood,
        AccidentKind::Stampede => Msg::RegAccStampede,
        AccidentKind::Fall => Msg::RegAccFall,
        AccidentKind::Violence => Msg::RegAccViolence,
        AccidentKind::Other => Msg::RegAccOther,
    }
}

/// `{n}` replaced in a message.
fn with_n(m: Msg, n: impl ToString) -> String {
    t(m).replace("{n}", &n.to_string())
}

#[component]
fn SchoolSelect(
    schools: Vec<SchoolRef>,
    name: &'static str,
    #[prop(optional)] selected: Option<i64>,
    #[prop(optional)] any: bool,
) -> impl IntoView {
    view! {
        <select name=name required=!any>
            <option value="">{if any { t(Msg::All) } else { "—" }}</option>
            {schools.into_iter().map(|s| view! { <option value=s.id selected=selected == Some(s.id)>{s.name}</option> }).collect_view()}
        </select>
    }
}

#[component]
fn HazardSelect(hazards: Vec<HazardRef>, name: &'static str) -> impl IntoView {
    view! {
        <select name=name>
            <option value="">"—"</option>
            {hazards.into_iter().map(|h| view! { <option value=h.id.clone()>{h.label}</option> }).collect_view()}
        </select>
    }
}

#[component]
fn Thumbs(photos: Vec<String>) -> impl IntoView {
    (!photos.is_empty()).then(|| view! {
        <div class="record-thumbs">
            {photos.into_iter().map(|p| view! { <a href=display_url(&p) target="_blank"><img src=thumb_url(&p) alt=t(Msg::PhotoAlt) loading="lazy"/></a> }).collect_view()}
        </div>
    })
}

// ---- 行政强制措施 and 责任追究 ----

/// The records, by category tab and filters from the address (the statistical tables link here
/// with `category`, `kind`, `school`, `from` and `until`), and a form to add one.
#[component]
pub fn EnforcementPageView() -> impl IntoView {
    view! {
        <Page title=Msg::RegEnforcementTitle allow=&[Role::Office, Role::Admin, Role::Inspector, Role::Principal]>
            <EnforcementContent/>
        </Page>
    }
}

fn enforcement_filter(q: &leptos_router::params::ParamsMap) -> EnforcementFilter {
    EnforcementFilter {
        category: q.get("category").and_then(|c| Category::parse(&c)),
        kind: q.get("kind").filter(|k| !k.trim().is_empty()),
        school: query_school(q),
        from: query_date(q, "from"),
        until: query_date(q, "until"),
    }
}

#[component]
fn EnforcementContent() -> impl IntoView {
    let query = use_query_map();
    let done = RwSignal::new(0u32);
    let page = Resource::new(
        move || (query.with(enforcement_filter), done.get()),
        |(f, _)| load_enforcement(f),
    );
    let tab = move || query.with(|q| q.get("category")).and_then(|c| Category::parse(&c));
    let tab_link = |c: Option<Category>, label: Msg| {
        let href = c
            .map_or("/enforcement".to_owned(), |c| format!("/enforcement?category={}", c.as_str()));
        view! { <a href=href aria-current=move || (tab() == c).then_some("page")>{t(label)}</a> }
    };
    view! {
        <nav class="reg-tabs">
            {tab_link(None, Msg::All)}
            {tab_link(Some(Category::Measure), Msg::RegMeasures)}
            {tab_link(Some(Category::Action), Msg::RegActions)}
        </nav>
        <Suspense fallback=|| view! { <p class="loading">{t(Msg::Loading)}</p> }>
            {move || Suspend::new(async move {
                match page.await {
                    Ok(p) => view! { <EnforcementBody p tab=tab() done/> }.into_any(),
                    Err(e) => view! { <ErrorBox error=e/> }.into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
fn EnforcementBody(
    p: EnforcementPage,
    tab: Option<Category>,
    done: RwSignal<u32>,
) -> impl IntoView {
    let query = use_query_map();
    let q = move |k: &'static str| query.with(|q| q.get(k).unwrap_or_default());
    let is_principal = use_me().role == Role::Principal;
    let kinds: Vec<(Category, Vec<String>)> =
        [(Category::Measure, p.measure_kinds.clone()), (Category::Action, p.action_kinds.clone())]
            .into_iter()
            .filter(|(c, _)| tab.is_none_or(|t| t == *c))
            .collect();
    let filter_kinds = kinds.clone();
    let l = p.list.clone();
    let may: Vec<Category> =
        p.may_record.iter().copied().filter(|c| tab.is_none_or(|t| t == *c)).collect();
    let schools = p.schools.clone();
    view! {
        <details class="card filters" open=move || query.with(|q| ["kind", "school", "from", "until"].iter().any(|k| q.get(k).is_some_and(|v| !v.is_empty())))>
            <summary>{t(Msg::Filters)}</summary>
            <Form method="GET" action="" attr:class="stack">
                {tab.map(|c| view! { <input type="hidden" name="category" value=c.as_str()/> })}
                <label><span>{t(Msg::RegKind)}</span>
                    <select name="kind">
                        <option value="">{t(Msg::All)}</option>
                        {filter_kinds.into_iter().map(|(c, ks)| view! {
                            <optgroup label=t(category_label(c))>
                                {ks.into_iter().map(|k| { let sel = q("kind") == k; view! { <option value=k.clone() selected=sel>{k.clone()}</option> } }).collect_view()}
                            </optgroup>
                        }).collect_view()}
                    </select></label>
                {(!is_principal).then(|| view! {
                    <label><span>{t(Msg::School)}</span>
                        <SchoolSelect schools=schools.clone() name="school" selected=query.with_untracked(query_school).unwrap_or_default() any=true/></label>
                })}
                <div class="row">
                    <label><span>{t(Msg::From)}</span><input type="date" name="from" value=q("from")/></label>
                    <label><span>{t(Msg::RegUntil)}</span><input type="date" name="until" value=q("until")/></label>
                </div>
                <button type="submit" class="button secondary">{t(Msg::ApplyFilters)}</button>
            </Form>
        </details>
        <p class="reg-totals" role="status">{with_n(Msg::RegTotals, l.total).replace("{p}", &l.persons.to_string()).replace("{i}", &l.institutions.to_string())}</p>
        {(!may.is_empty()).then(|| view! { <RecordEnforcement p=p.clone() kinds=kinds.clone() may done/> })}
        {l.items.is_empty().then(|| view! { <Empty text=Msg::RegEmptyEnforcement/> })}
        <ul class="list">{l.items.into_iter().map(|r| view! { <EnforcementItem r/> }).collect_view()}</ul>
    }
}

#[component]
fn EnforcementItem(r: EnforcementRecord) -> impl IntoView {
    let persons = (!r.persons.is_empty()).then(|| {
        format!(
            "{}{}（{}）",
            t(Msg::RegPersonsLabel),
            r.persons.join("、"),
            with_n(Msg::RegPersonsN, r.persons_count)
        )
    });
    view! {
        <li class="item reg-item">
            <div class="item-head">
                <strong>{r.kind.clone()}</strong>
                <span class="badge" class:action=r.category == Category::Action>{t(category_label(r.category))}</span>
            </div>
            <p class="muted">{r.school_name.clone()}" · "{long_date(r.taken_on)}</p>
            {(!r.doc_no.is_empty()).then(|| view! { <p class="small">{t(Msg::RegDocNo)}"："{r.doc_no.clone()}</p> })}
            {persons.map(|p| view! { <p>{p}</p> })}
            {r.hazard_id.clone().map(|h| view! {
                <p><a href=format!("/hazards/{h}")>{t(Msg::RegLinkedHazard)}"："{r.hazard_title.clone().unwrap_or_default()}</a></p>
            })}
            {(!r.note.is_empty()).then(|| view! { <p class="muted">{r.note.clone()}</p> })}
            <Thumbs photos=r.attachments.clone()/>
            <p class="muted small">{r.created_by_name.clone()}" · "{date_time(r.created_at)}</p>
        </li>
    }
}

#[component]
fn RecordEnforcement(
    p: EnforcementPage,
    kinds: Vec<(Category, Vec<String>)>,
    may: Vec<Category>,
    done: RwSignal<u32>,
) -> impl IntoView {
    let outcome: Outcome = RwSignal::new(None);
    let busy = RwSignal::new(false);
    let photos = RwSignal::new(Vec::<String>::new());
    let school = RwSignal::new(0i64);
    let previews = Previews::new();
    let (on_added, on_removed) = crate::photo::keep_in(photos);
    let on_submit = send_form(record_enforcement, outcome, busy, done);
    Effect::new(move || {
        if done.get() > 0 {
            photos.set(Vec::new());
        }
    });
    let kinds: Vec<(Category, Vec<String>)> =
        kinds.into_iter().filter(|(c, _)| may.contains(c)).collect();
    let summary = match may.as_slice() {
        [Category::Action] => Msg::RegRecordAction,
        _ => Msg::RegRecordMeasure,
    };
    let summary = if may.len() > 1 { Msg::RegRecord } else { summary };
    view! {
        <details class="card reg-form" open=move || outcome.with(|o| matches!(o, Some(Err(_))))>
            <summary>{t(summary)}</summary>
            <form method="post" action="/fn/reg_record_enforcement" class="stack" on:submit=on_submit>
                <input type="hidden" name="form[id]" value=p.new_id.clone()/>
                {match may.as_slice() {
                    [one] => view! { <input type="hidden" name="form[category]" value=one.as_str()/> }.into_any(),
                    _ => view! {
                        <label><span>{t(Msg::RegCategory)}</span>
                            <select name="form[category]">
                                {may.iter().map(|c| view! { <option value=c.as_str()>{t(category_label(*c))}</option> }).collect_view()}
                            </select></label>
                    }.into_any(),
                }}
                <label><span>{t(Msg::RegKind)}</span>
                    <select name="form[kind]" required>
                        <option value="">"—"</option>
                        {kinds.into_iter().map(|(c, ks)| view! {
                            <optgroup label=t(category_label(c))>
                                {ks.into_iter().map(|k| view! { <option value=k.clone()>{k.clone()}</option> }).collect_view()}
                            </optgroup>
                        }).collect_view()}
                    </select></label>
                <label><span>{t(Msg::School)}</span>
                    <select name="form[school_id]" required on:change=move |ev| school.set(event_target_value(&ev).parse().unwrap_or(0))>
                        <option value="">"—"</option>
                        {p.schools.iter().map(|s| view! { <option value=s.id>{s.name.clone()}</option> }).collect_view()}
                    </select></label>
                <label><span>{t(Msg::RegLinkedHazard)}" "<small class="muted">{t(Msg::Optional)}</small></span>
                    <HazardSelect hazards=p.hazards.clone() name="form[hazard_id]"/></label>
                <div class="row">
                    <label><span>{t(Msg::RegTakenOn)}</span><input type="date" name="form[taken_on]" required value=p.today.to_string() max=p.today.to_string()/></label>
                    <label><span>{t(Msg::RegDocNo)}</span><input name="form[doc_no]" placeholder=t(Msg::RegDocNoHint)/></label>
                </div>
                <label><span>{t(Msg::RegPersons)}</span><textarea name="form[persons]" rows="2"></textarea></label>
                <label><span>{t(Msg::Note)}</span><textarea name="form[note]" rows="2"></textarea></label>
                <input type="hidden" name="form[attachments]" value=move || photos.get().join(",")/>
                <p class="label">{t(Msg::RegAttachments)}</p>
                {move || {
                    // The school's name goes into the photos' caption band.
                    let dest = crate::photo::Dest { school_id: school.get(), group: "enforcement".into() };
                    view! { <PhotoPicker photos=Signal::derive(move || photos.get()) on_added on_removed previews dest/> }
                }}
                <FormOutcome value=outcome.into() ok=Msg::RegRecorded path="/fn/reg_record_enforcement"/>
                <button type="submit" class="button primary wide" disabled=move || busy.get()>
                    {move || t(if busy.get() { Msg::Submitting } else { Msg::RegSave })}
                </button>
            </form>
        </details>
    }
}

/// On a hazard's page: office and admin flag it as a typical case for exposure (曝光). The flag
/// comes with the hazard's page and each change's answer shows at once: no data of its own is
/// loaded (a resource created here, inside the page's suspense, was made anew each time the
/// server rendered the page, so its id no longer matched the browser's when the page hydrated).
#[component]
pub fn TypicalToggle(hazard_id: String, typical: bool) -> impl IntoView {
    let set = ServerAction::<SetTypical>::new();
    let current = RwSignal::new(typical);
    Effect::new(move |_| {
        if let Some(Ok(now)) = set.value().get() {
            current.set(now);
        }
    });
    view! {
        <ActionForm action=set attr:class="typical-toggle">
            <input type="hidden" name="hazard" value=hazard_id/>
            <input type="hidden" name="typical" value=move || (!current.get()).to_string()/>
            {move || current.get().then(|| view! { <span class="badge typical">{t(Msg::RegTypical)}</span> })}
            <button type="submit" class="button secondary">
                {move || t(if current.get() { Msg::RegUnmarkTypical } else { Msg::RegMarkTypical })}
            </button>
        </ActionForm>
    }
}

// ---- 安全责任清单 ----

/// Office publishes the list and sees who has signed; a principal fills in the school's own
/// items and signs on the phone.
#[component]
pub fn DutiesPage() -> impl IntoView {
    view! {
        <Page title=Msg::RegDutiesTitle allow=&[Role::Office, Role::Admin, Role::Inspector, Role::Principal]>
            <DutiesContent/>
        </Page>
    }
}

#[component]
fn DutiesContent() -> impl IntoView {
    let role = use_me().role;
    let publish = ServerAction::<PublishDuties>::new();
    let done = RwSignal::new(0u32);
    let duties = Resource::new(move || (publish.version().get(), done.get()), |_| load_duties());
    view! {
        {(role == Role::Office).then(|| view! {
            <details class="card reg-form" open=move || publish.value().with(|v| matches!(v, Some(Err(_))))>
                <summary>{t(Msg::RegPublishList)}</summary>
                <ActionForm action=publish attr:class="stack">
                    <label><span>{t(Msg::RegListTitle)}</span><input name="form[title]" required placeholder=t(Msg::RegListTitleHint)/></label>
                    <label><span>{t(Msg::RegDutiesOnePerLine)}</span><textarea name="form[duties]" rows="6" required></textarea></label>
                    <p class="hint">{t(Msg::RegPublishHint)}</p>
                    <button type="submit" class="button primary wide">{t(Msg::RegPublish)}</button>
                </ActionForm>
            </details>
            <FormOutcome value=publish.value().into() ok=Msg::RegPublished path="/fn/reg_publish_duties"/>
        })}
        <Suspense fallback=|| view! { <p class="loading">{t(Msg::Loading)}</p> }>
            {move || Suspend::new(async move {
                match duties.await {
                    Ok(v) => view! { <DutiesBody v role done/> }.into_any(),
                    Err(e) => view! { <ErrorBox error=e/> }.into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
fn DutiesBody(v: DutiesView, role: Role, done: RwSignal<u32>) -> impl IntoView {
    let Some(list) = v.list.clone() else {
        return view! { <Empty text=Msg::RegNoListYet/> }.into_any();
    };
    let mine = v.signed.first().cloned();
    let list_card = view! {
        <section class="card duty-list">
            <p class="label">{list.bureau_name.clone()}</p>
            <h2>{list.title.clone()}</h2>
            <ol class="duties">{list.duties.iter().map(|d| view! { <li>{d.clone()}</li> }).collect_view()}</ol>
            <p class="muted small">{with_n(Msg::RegPublishedBy, &list.published_by_name)}" · "{date_time(list.published_at)}</p>
        </section>
    };
    if role == Role::Principal {
        let body = match mine {
            Some(s) => view! { <SignedCard s/> }.into_any(),
            None => view! { <SignForm v=v.clone() done/> }.into_any(),
        };
        return view! { {list_card} {body} }.into_any();
    }
    let signed_n = v.signed.len();
    let unsigned_n = v.unsigned.len();
    view! {
        {list_card}
        <section class="section">
            <h2>{with_n(Msg::RegSignedSchools, signed_n)}</h2>
            {(signed_n == 0).then(|| view! { <Empty text=Msg::RegNoneSigned/> })}
            <ul class="list">
                {v.signed.into_iter().map(|s| view! {
                    <li class="item signed-school">
                        <div class="item-head"><strong>{s.school_name.clone()}</strong><span class="status closed">{t(Msg::RegSigned)}</span></div>
                        <p class="muted">{t(Msg::RegSignedBy)}" "{s.signer_name.clone()}" · "{date_time(s.signed_at)}</p>
                        <p class="sha small" title=s.content_sha.clone()>"SHA-256 "{s.content_sha[..16.min(s.content_sha.len())].to_owned()}"…"</p>
                        <details>
                            <summary>{t(Msg::RegShowSigned)}</summary>
                            <ol class="duties">{s.school_items.iter().map(|d| view! { <li>{d.clone()}</li> }).collect_view()}</ol>
                            <img class="signature" src=format!("/api/v1/photos/{}/original", s.signature_sha) alt=t(Msg::Signature)/>
                        </details>
                    </li>
                }).collect_view()}
            </ul>
        </section>
        <section class="section">
            <h2>{with_n(Msg::RegUnsignedSchools, unsigned_n)}</h2>
            {(unsigned_n == 0).then(|| view! { <p class="notice ok">{t(Msg::RegAllSigned)}</p> })}
            <ul class="list compact">
                {v.unsigned.into_iter().map(|s| view! { <li class="item unsigned-school"><strong>{s.name}</strong></li> }).collect_view()}
            </ul>
        </section>
    }
    .into_any()
}

#[component]
fn SignedCard(s: DutySignature) -> impl IntoView {
    view! {
        <section class="card signed-card">
            <p class="notice ok" role="status">{t(Msg::RegYouSigned)}</p>
            <h2>{t(Msg::RegSchoolItems)}</h2>
            <ol class="duties">{s.school_items.iter().map(|d| view! { <li>{d.clone()}</li> }).collect_view()}</ol>
            <dl class="facts">
                <dt>{t(Msg::RegSignedBy)}</dt><dd>{s.signer_name.clone()}</dd>
                <dt>{t(Msg::RegSignedAt)}</dt><dd>{date_time(s.signed_at)}</dd>
                <dt>"SHA-256"</dt><dd class="sha">{s.content_sha.clone()}</dd>
            </dl>
            <img class="signature" src=format!("/api/v1/photos/{}/original", s.signature_sha) alt=t(Msg::Signature)/>
        </section>
    }
}

/// The school's own items, the exact text to be signed, the signature pad.
#[component]
fn SignForm(v: DutiesView, done: RwSignal<u32>) -> impl IntoView {
    let list =
        v.list.clone().unwrap_or_else(|| unreachable!("a sign form is shown only with a list"));
    let list_id = list.id;
    let items = RwSignal::new(String::new());
    let error = RwSignal::new(None::<AppError>);
    let sending = RwSignal::new(false);
    let canvas = NodeRef::<leptos::html::Canvas>::new();
    let school = v.school_name.clone().unwrap_or_default();
    let signer = v.signer_name.clone().unwrap_or_default();
    let (title, duties) = (list.title.clone(), list.duties.clone());
    let text = move || canonical_text(&title, &duties, &school, &text_lines(&items.get()), &signer);
    let school_id = use_me().org_id;
    let send = move |_| {
        if sending.get_untracked() {
            return;
        }
        sending.set(true);
        error.set(None);
        #[cfg(feature = "hydrate")]
        leptos::task::spawn_local(async move {
            let dest = crate::photo::Dest { school_id, group: format!("duties:{list_id}") };
            let signature = match canvas.get_untracked() {
                Some(c) => crate::photo::client::store_signature(&c, &dest).await,
                None => None,
            };
            let r = match signature {
                None => Err(AppError::from(RegisterProblem::SignatureMissing)),
                Some(_) if text_lines(&items.get_untracked()).is_empty() => {
                    Err(AppError::from(RegisterProblem::SchoolItemsMissing))
                }
                Some(sig) => {
                    if crate::local::available() {
                        let _ = crate::local::js::sync_now().await;
                    }
                    sign_duties(list_id, items.get_untracked(), sig).await.map(|_| ())
                }
            };
            match r {
                Ok(()) => done.update(|n| *n += 1),
                Err(e) => error.set(Some(e)),
            }
            sending.set(false);
        });
        #[cfg(not(feature = "hydrate"))]
        let _ = (school_id, list_id, done);
    };
    let lang = crate::use_lang();
    view! {
        <section class="card stack sign-form">
            <h2>{t(Msg::RegFillAndSign)}</h2>
            <label><span>{t(Msg::RegSchoolItemsOnePerLine)}</span>
                <textarea rows="4" placeholder=t(Msg::RegSchoolItemsHint) prop:value=move || items.get()
                    on:input=move |ev| items.set(event_target_value(&ev))></textarea></label>
            <p class="label">{t(Msg::RegWhatYouSign)}</p>
            <pre class="signed-text">{text}</pre>
            <crate::photo::SignaturePad canvas/>
            {move || error.get().map(|e| view! { <p class="notice error" role="alert">{e.message(lang)}</p> })}
            <button type="button" class="button primary wide" on:click=send disabled=move || sending.get()>
                {move || t(if sending.get() { Msg::Submitting } else { Msg::RegSignConfirm })}
            </button>
        </section>
    }
}

// ---- 宣传 and 警示教育 ----

/// A principal records the school's activities with a photo; bureau roles see each school's
/// compliance and open a school's activities.
#[component]
pub fn ActivitiesPageView() -> impl IntoView {
    view! {
        <Page title=Msg::RegActivitiesTitle allow=&[Role::Office, Role::Admin, Role::Inspector, Role::Principal]>
            <ActivitiesContent/>
        </Page>
    }
}

#[component]
fn ActivitiesContent() -> impl IntoView {
    let query = use_query_map();
    let done = RwSignal::new(0u32);
    let page =
        Resource::new(move || (query.with(query_school), done.get()), |(s, _)| load_activities(s));
    let is_principal = use_me().role == Role::Principal;
    view! {
        <Suspense fallback=|| view! { <p class="loading">{t(Msg::Loading)}</p> }>
            {move || Suspend::new(async move {
                match page.await {
                    Ok(p) if is_principal => view! { <SchoolActivities p done/> }.into_any(),
                    Ok(p) => view! { <ComplianceTable p/> }.into_any(),
                    Err(e) => view! { <ErrorBox error=e/> }.into_any(),
                }
            })}
        </Suspense>
    }
}

fn semester_name(c: &Compliance) -> String {
    let m = if c.semester.spring { Msg::RegSpring } else { Msg::RegAutumn };
    with_n(m, c.semester.year)
}

/// The most recent missed weeks (a whole semester's list would fill the screen).
fn missed_weeks(weeks: &[NaiveDate]) -> String {
    let recent: Vec<String> = weeks.iter().rev().take(6).rev().map(|d| short_date(*d)).collect();
    let more = if weeks.len() > recent.len() { "…、" } else { "" };
    format!("{more}{}", recent.join("、"))
}

#[component]
fn ComplianceSummary(c: Compliance) -> impl IntoView {
    let flag = |ok: bool| {
        if ok { ("status closed", Msg::RegMet) } else { ("status reported", Msg::RegNotMet) }
    };
    let (pc, pm) = flag(c.publicity_ok);
    let (sc, sm) = flag(c.screening_ok);
    view! {
        <section class="card compliance">
            <p class="label">{semester_name(&c)}</p>
            <div class="rule">
                <p><strong>{t(Msg::RegPublicityRule)}</strong><span class=pc>{t(pm)}</span></p>
                <p class="muted">{with_n(Msg::RegThisWeek, c.this_week)}" · "{with_n(Msg::RegWeeksMet, c.weeks_met).replace("{m}", &c.weeks_checked.to_string())}</p>
                {(!c.weeks_missed.is_empty()).then(|| view! {
                    <p class="small">{t(Msg::RegWeeksMissed)}{missed_weeks(&c.weeks_missed)}</p>
                })}
            </div>
            <div class="rule">
                <p><strong>{t(Msg::RegScreeningRule)}</strong><span class=sc>{t(sm)}</span></p>
                <p class="muted">{with_n(Msg::RegScreeningsN, c.screenings)}</p>
            </div>
        </section>
    }
}

#[component]
fn ActivityList(items: Vec<ActivityRecord>) -> impl IntoView {
    view! {
        {items.is_empty().then(|| view! { <Empty text=Msg::RegEmptyActivities/> })}
        <ul class="list">
            {items.into_iter().map(|a| view! {
                <li class="item reg-item activity">
                    <a href=display_url(&a.photo) target="_blank"><img class="activity-photo" src=thumb_url(&a.photo) alt=t(Msg::PhotoAlt) loading="lazy"/></a>
                    <div>
                        <div class="item-head"><strong>{a.title.clone()}</strong><span class="badge">{t(activity_label(a.kind))}</span></div>
                        <p class="muted">{a.school_name.clone()}" · "{long_date(a.held_on)}</p>
                    </div>
                </li>
            }).collect_view()}
        </ul>
    }
}

#[component]
fn SchoolActivities(p: ActivitiesPage, done: RwSignal<u32>) -> impl IntoView {
    let school_id = use_me().org_id;
    let outcome: Outcome = RwSignal::new(None);
    let busy = RwSignal::new(false);
    let photos = RwSignal::new(Vec::<String>::new());
    let previews = Previews::new();
    let (on_added, on_removed) = crate::photo::keep_in(photos);
    let on_submit = send_form(record_activity, outcome, busy, done);
    let compliance = p.compliance.into_iter().next().map(|c| c.compliance);
    view! {
        {compliance.map(|c| view! { <ComplianceSummary c/> })}
        <section class="card reg-form">
            <h2>{t(Msg::RegRecordActivity)}</h2>
            <form method="post" action="/fn/reg_record_activity" class="stack" on:submit=on_submit>
                <input type="hidden" name="form[id]" value=p.new_id.clone()/>
                <input type="hidden" name="form[school_id]" value=school_id/>
                <div class="row">
                    <label><span>{t(Msg::RegActivityKind)}</span>
                        <select name="form[kind]">
                            {ActivityKind::ALL.into_iter().map(|k| view! { <option value=k.as_str()>{t(activity_label(k))}</option> }).collect_view()}
                        </select></label>
                    <label><span>{t(Msg::RegHeldOn)}</span><input type="date" name="form[held_on]" required value=p.today.to_string() max=p.today.to_string()/></label>
                </div>
                <label><span>{t(Msg::RegActivityTitle)}</span><input name="form[title]" required placeholder=t(Msg::RegActivityTitleHint)/></label>
                <input type="hidden" name="form[photo]" value=move || photos.get().first().cloned().unwrap_or_default()/>
                <PhotoPicker photos=Signal::derive(move || photos.get()) on_added on_removed previews required=true
                    dest=crate::photo::Dest { school_id, group: "activity".into() }/>
                <FormOutcome value=outcome.into() ok=Msg::RegRecorded path="/fn/reg_record_activity"/>
                <button type="submit" class="button primary wide" disabled=move || busy.get() || photos.with(Vec::is_empty)>
                    {move || t(if busy.get() { Msg::Submitting } else { Msg::RegSave })}
                </button>
            </form>
        </section>
        <section class="section">
            <h2>{t(Msg::RegOurActivities)}</h2>
            <ActivityList items=p.items/>
        </section>
    }
}

#[component]
fn ComplianceTable(p: ActivitiesPage) -> impl IntoView {
    let query = use_query_map();
    let chosen = query.with_untracked(query_school);
    let semester = p.compliance.first().map(|c| semester_name(&c.compliance)).unwrap_or_default();
    let short = p
        .compliance
        .iter()
        .filter(|c| !c.compliance.publicity_ok || !c.compliance.screening_ok)
        .count();
    let mark = |ok: bool| if ok { ("ok", "✔") } else { ("miss", "✘") };
    view! {
        <p class="reg-totals" role="status">{semester}" · "{with_n(Msg::RegSchoolsShort, short)}</p>
        <div class="table-wrap">
            <table class="reg-table">
                <thead><tr>
                    <th>{t(Msg::School)}</th>
                    <th>{t(Msg::RegColThisWeek)}</th>
                    <th>{t(Msg::RegColWeeks)}</th>
                    <th>{t(Msg::RegColScreenings)}</th>
                </tr></thead>
                <tbody>
                    {p.compliance.into_iter().map(|r| {
                        let c = r.compliance;
                        let (pc, pm) = mark(c.publicity_ok);
                        let (sc, sm) = mark(c.screening_ok);
                        view! {
                            <tr class:chosen=chosen == Some(r.school_id)>
                                <td><a href=format!("/activities?school={}", r.school_id)>{r.school_name}</a></td>
                                <td class="num">{c.this_week}</td>
                                <td class=format!("num {pc}")>{format!("{}/{} ", c.weeks_met, c.weeks_checked)}{pm}</td>
                                <td class=format!("num {sc}")>{format!("{} ", c.screenings)}{sm}</td>
                            </tr>
                        }
                    }).collect_view()}
                </tbody>
            </table>
        </div>
        <p class="hint">{t(Msg::RegComplianceHint)}</p>
        {chosen.map(|_| view! {
            <section class="section">
                <h2>{t(Msg::RegSchoolActivities)}</h2>
                <ActivityList items=p.items.clone()/>
            </section>
        })}
    }
}

// ---- 事故登记 ----

#[component]
pub fn AccidentsPageView() -> impl IntoView {
    view! {
        <Page title=Msg::RegAccidentsTitle allow=&[Role::Office, Role::Admin, Role::Inspector, Role::Principal]>
            <AccidentsContent/>
        </Page>
    }
}

fn accident_filter(q: &leptos_router::params::ParamsMap) -> RegisterFilter {
    RegisterFilter {
        school: query_school(q),
        from: query_date(q, "from"),
        until: query_date(q, "until"),
    }
}

#[component]
fn AccidentsContent() -> impl IntoView {
    let query = use_query_map();
    let record = ServerAction::<RecordAccident>::new();
    let page = Resource::new(
        move || (query.with(accident_filter), record.version().get()),
        |(f, _)| load_accidents(f),
    );
    let me = use_me();
    let may_record = matches!(me.role, Role::Principal | Role::Office | Role::Admin);
    let is_principal = me.role == Role::Principal;
    let q = move |k: &'static str| query.with(|q| q.get(k).unwrap_or_default());
    view! {
        <Suspense fallback=|| view! { <p class="loading">{t(Msg::Loading)}</p> }>
            {move || Suspend::new(async move {
                match page.await {
                    Ok(p) => {
                        let total_injured: i64 = p.items.iter().map(|a| a.injured).sum();
                        let total_dead: i64 = p.items.iter().map(|a| a.dead).sum();
                        let schools = p.schools.clone();
                        view! {
                            <details class="card filters">
                                <summary>{t(Msg::Filters)}</summary>
                                <Form method="GET" action="" attr:class="stack">
                                    {(!is_principal).then(|| view! {
                                        <label><span>{t(Msg::School)}</span>
                                            <SchoolSelect schools=schools.clone() name="school" selected=query.with_untracked(query_school).unwrap_or_default() any=true/></label>
                                    })}
                                    <div class="row">
                                        <label><span>{t(Msg::From)}</span><input type="date" name="from" value=q("from")/></label>
                                        <label><span>{t(Msg::RegUntil)}</span><input type="date" name="until" value=q("until")/></label>
                                    </div>
                                    <button type="submit" class="button secondary">{t(Msg::ApplyFilters)}</button>
                                </Form>
                            </details>
                            <p class="reg-totals" role="status">{with_n(Msg::RegAccidentTotals, p.items.len()).replace("{i}", &total_injured.to_string()).replace("{d}", &total_dead.to_string())}</p>
                            {may_record.then(|| view! { <AccidentForm p=p.clone() record/> })}
                            {p.items.is_empty().then(|| view! { <Empty text=Msg::RegEmptyAccidents/> })}
                            <ul class="list">
                                {p.items.into_iter().map(|a| view! {
                                    <li class="item reg-item">
                                        <div class="item-head">
                                            <strong>{t(accident_label(a.kind))}</strong>
                                            {(a.dead > 0).then(|| view! { <span class="badge major">{with_n(Msg::RegDeadN, a.dead)}</span> })}
                                            {(a.injured > 0).then(|| view! { <span class="badge">{with_n(Msg::RegInjuredN, a.injured)}</span> })}
                                        </div>
                                        <p class="muted">{a.school_name.clone()}" · "{long_date(a.occurred_on)}</p>
                                        <p>{a.summary.clone()}</p>
                                        {a.hazard_ids.iter().map(|h| view! { <p><a href=format!("/hazards/{h}")>{t(Msg::RegLinkedHazard)}</a></p> }).collect_view()}
                                        <p class="muted small">{a.created_by_name.clone()}" · "{date_time(a.created_at)}</p>
                                    </li>
                                }).collect_view()}
                            </ul>
                        }.into_any()
                    }
                    Err(e) => view! { <ErrorBox error=e/> }.into_any(),
                }
            })}
        </Suspense>
    }
}

#[component]
fn AccidentForm(p: AccidentsPage, record: ServerAction<RecordAccident>) -> impl IntoView {
    let me = use_me();
    let is_principal = me.role == Role::Principal;
    view! {
        <details class="card reg-form" open=move || record.value().with(|v| matches!(v, Some(Err(_))))>
            <summary>{t(Msg::RegReportAccident)}</summary>
            <ActionForm action=record attr:class="stack">
                <input type="hidden" name="form[id]" value=p.new_id.clone()/>
                {if is_principal {
                    view! { <input type="hidden" name="form[school_id]" value=me.org_id/> }.into_any()
                } else {
                    view! { <label><span>{t(Msg::School)}</span><SchoolSelect schools=p.schools.clone() name="form[school_id]"/></label> }.into_any()
                }}
                <div class="row">
                    <label><span>{t(Msg::RegOccurredOn)}</span><input type="date" name="form[occurred_on]" required value=p.today.to_string() max=p.today.to_string()/></label>
                    <label><span>{t(Msg::RegAccidentKind)}</span>
                        <select name="form[kind]">
                            {AccidentKind::ALL.into_iter().map(|k| view! { <option value=k.as_str()>{t(accident_label(k))}</option> }).collect_view()}
                        </select></label>
                </div>
                <div class="row">
                    <label><span>{t(Msg::RegInjured)}</span><input type="number" name="form[injured]" min="0" inputmode="numeric" value="0"/></label>
                    <label><span>{t(Msg::RegDead)}</span><input type="number" name="form[dead]" min="0" inputmode="numeric" value="0"/></label>
                </div>
                <label><span>{t(Msg::RegSummary)}</span><textarea name="form[summary]" rows="3" required></textarea></label>
                <label><span>{t(Msg::RegLinkedHazard)}" "<small class="muted">{t(Msg::Optional)}</small></span>
                    <HazardSelect hazards=p.hazards.clone() name="form[hazard_id]"/></label>
                <button type="submit" class="button primary wide">{t(Msg::RegSave)}</button>
            </ActionForm>
        </details>
        <FormOutcome value=record.value().into() ok=Msg::RegRecorded path="/fn/reg_record_accident"/>
    }
}
