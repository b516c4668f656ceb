//! Inspections: a draft saved whole by idempotent PUT, submitted once, turning every drafted
//! hazard into a reported one. Unannounced visits stay invisible to the school until submitted.

use super::{checklists, hazards, schools, scope};
use crate::auth::Caller;
use crate::error::Result;
use crate::state::AppState;
use crate::storage::{self, inspections::AnswerRow, inspections::InspectionRow};
use app::domain::checklist::Checklist;
use app::domain::hazard::HazardLevel;
use app::domain::inspection::{
    self as rules, Answer, Inspection, InspectionDraft, InspectionKind, InspectionStatus,
    InspectionSummary, ItemRule, Outcome, SubmitInspection,
};
use app::domain::time::china_date;
use app::domain::{Rule, SchoolType, account::InputProblem};
use app::error::AppError;
use std::collections::{HashMap, HashSet};
use uuid::Uuid;

/// At most this many photos per answer, and answers per inspection.
const MAX_PHOTOS: usize = 12;
const MAX_ANSWERS: usize = 1000;
const MAX_NOTE: usize = 2000;

pub fn summary(r: &InspectionRow) -> InspectionSummary {
    InspectionSummary {
        id: Uuid::parse_str(&r.id).unwrap_or_default(),
        kind: InspectionKind::parse(&r.kind).unwrap_or(InspectionKind::Supervision),
        status: if r.status == "submitted" {
            InspectionStatus::Submitted
        } else {
            InspectionStatus::Draft
        },
        school_id: r.school_id,
        school_name: r.school_name.clone(),
        inspector_name: r.creator_name.clone(),
        answered: r.answered,
        failed: r.failed,
        started_at: r.started_at,
        submitted_at: r.submitted_at,
        updated_at: r.updated_at,
    }
}

fn answer(r: AnswerRow) -> Answer {
    Answer {
        item_id: r.item_id,
        outcome: Outcome::parse(&r.outcome).unwrap_or(Outcome::Pass),
        note: r.note,
        photos: serde_json::from_str(&r.photos).unwrap_or_default(),
        hazard: r.hazard.and_then(|h| serde_json::from_str(&h).ok()),
    }
}

/// The row of an inspection the caller may see; 404 otherwise.
async fn visible(state: &AppState, caller: &Caller, id: Uuid) -> Result<InspectionRow> {
    match storage::inspections::get(&state.db, &id.to_string()).await? {
        Some(r) if scope::may_see_inspection(caller, &r) => Ok(r),
        _ => Err(AppError::NotFound.into()),
    }
}

pub async fn get(state: &AppState, caller: &Caller, id: Uuid) -> Result<Inspection> {
    let r = visible(state, caller, id).await?;
    let answers = storage::inspections::answers(&state.db, &r.id).await?;
    let hazards = storage::hazards::of_inspection(&state.db, &r.id).await?;
    Ok(Inspection {
        summary: summary(&r),
        template_id: r.template_id,
        extension_id: r.extension_id,
        plan_id: r.plan_id.as_deref().and_then(|p| Uuid::parse_str(p).ok()),
        note: r.note.clone(),
        finished_at: r.finished_at,
        latitude: r.latitude,
        longitude: r.longitude,
        answers: answers.into_iter().map(answer).collect(),
        hazards: hazards
            .into_iter()
            .map(|h| hazards::summary(h, china_date(state.clock.now())))
            .collect(),
    })
}

pub async fn list(
    state: &AppState,
    caller: &Caller,
    school_id: Option<i64>,
) -> Result<Vec<InspectionSummary>> {
    let seen = scope::inspections_seen(caller);
    let rows = storage::inspections::list(&state.db, &seen, school_id, 200).await?;
    Ok(rows.iter().map(summary).collect())
}

/// The templates of an inspection, loaded once.
struct Templates {
    county: Checklist,
    extension: Option<Checklist>,
}

impl Templates {
    async fn load(state: &AppState, template_id: i64, extension_id: Option<i64>) -> Result<Self> {
        let county =
            storage::checklists::get(&state.db, template_id).await?.ok_or(AppError::NotFound)?;
        let extension = match extension_id {
            Some(id) => {
                Some(storage::checklists::get(&state.db, id).await?.ok_or(AppError::NotFound)?)
            }
            None => None,
        };
        Ok(Templates { county, extension })
    }

    fn all(&self) -> impl Iterator<Item = &Checklist> {
        std::iter::once(&self.county).chain(self.extension.as_ref())
    }

    fn item_rules(&self, t: SchoolType) -> Vec<ItemRule> {
        self.all()
            .flat_map(|c| c.items_for(t))
            .map(|i| ItemRule { id: i.id, photo_required: i.photo_required })
            .collect()
    }
}

/// Creates or replaces a draft. Returns whether it was created.
pub async fn put(
    state: &AppState,
    caller: &Caller,
    id: Uuid,
    d: InspectionDraft,
) -> Result<(bool, Inspection)> {
    if !d.kind.may_file(caller.role) {
        return Err(AppError::Forbidden.into());
    }
    let school = schools::get(state, caller, d.school_id).await?;
    if d.note.chars().count() > MAX_NOTE || d.answers.len() > MAX_ANSWERS {
        return Err(AppError::Invalid(InputProblem::NameTooLong).into());
    }
    if let Some(existing) = storage::inspections::get(&state.db, &id.to_string()).await? {
        if existing.created_by != caller.id() {
            return Err(AppError::NotFound.into());
        }
        if existing.status == "submitted" {
            return Err(AppError::Rule(Rule::AlreadySubmitted).into());
        }
        let same = existing.kind == d.kind.as_str()
            && existing.school_id == d.school_id
            && existing.template_id == d.template_id
            && existing.extension_id == d.extension_id;
        if !same {
            return Err(AppError::Conflict.into());
        }
    }
    // The templates must be the published ones meant for this school.
    let t = Templates::load(state, d.template_id, d.extension_id)
        .await
        .map_err(|_| Rule::TemplateNotPublished)?;
    let county_ok = t.county.summary.school_id.is_none();
    let ext_ok = t.extension.as_ref().is_none_or(|e| e.summary.school_id == Some(d.school_id));
    let published =
        t.all().all(|c| c.summary.status == app::domain::checklist::TemplateStatus::Published);
    if !(county_ok && ext_ok && published) {
        return Err(AppError::Rule(Rule::TemplateNotPublished).into());
    }
    if let Some(plan) = d.plan_id {
        super::plans::check_school_in_plan(state, caller, plan, d.school_id).await?;
    }
    let known: HashSet<i64> = t.all().flat_map(|c| c.items()).map(|i| i.id).collect();
    let mut seen = HashSet::new();
    let mut photos = Vec::new();
    for a in &d.answers {
        if !seen.insert(a.item_id) {
            return Err(AppError::Malformed.into());
        }
        if !known.contains(&a.item_id) {
            let other = storage::checklists::template_of_item(&state.db, a.item_id).await?;
            let rule = match other {
                Some(_) => Rule::OtherTemplateVersion { item_id: a.item_id },
                None => Rule::UnknownItem { item_id: a.item_id },
            };
            return Err(AppError::Rule(rule).into());
        }
        if a.photos.len() > MAX_PHOTOS || a.note.chars().count() > MAX_NOTE {
            return Err(AppError::Invalid(InputProblem::NameTooLong).into());
        }
        if let Some(h) = &a.hazard {
            let title = h.title.trim();
            if title.is_empty()
                || title.chars().count() > 100
                || h.description.chars().count() > MAX_NOTE
            {
                return Err(AppError::Invalid(InputProblem::ItemTextEmpty).into());
            }
        }
        photos.extend(a.photos.iter().cloned());
    }
    check_photos(state, caller, id, &photos).await?;

    let answers = d
        .answers
        .iter()
        .map(|a| AnswerRow {
            item_id: a.item_id,
            outcome: a.outcome.as_str().to_owned(),
            note: a.note.trim().to_owned(),
            photos: serde_json::to_string(&a.photos).unwrap_or_else(|_| "[]".into()),
            // Only a failure raises a hazard.
            hazard: (a.outcome == Outcome::Fail)
                .then_some(a.hazard.as_ref())
                .flatten()
                .and_then(|h| serde_json::to_string(h).ok()),
        })
        .collect();
    let id_text = id.to_string();
    let write = storage::inspections::DraftWrite {
        id: &id_text,
        kind: d.kind.as_str(),
        school_id: school.id,
        template_id: d.template_id,
        extension_id: d.extension_id,
        plan_id: d.plan_id.map(|p| p.to_string()),
        created_by: caller.id(),
        note: d.note.trim(),
        started_at: d.started_at,
        answers,
    };
    let created = storage::inspections::save_draft(&state.db, &write, state.clock.now()).await?;
    if created {
        caller
            .audit(state, "inspection.create", &format!("inspection:{id}"), d.kind.as_str())
            .await?;
    }
    Ok((created, get(state, caller, id).await?))
}

/// Every photo an answer names must be stored, and uploaded by the caller (or already on this
/// inspection): naming someone else's photo must not become a way to see it.
async fn check_photos(state: &AppState, caller: &Caller, id: Uuid, shas: &[String]) -> Result<()> {
    let owned: HashSet<String> =
        storage::photos::owned_by(&state.db, shas, caller.id()).await?.into_iter().collect();
    for sha in shas {
        if owned.contains(sha) {
            continue;
        }
        let refs = storage::photos::references(&state.db, sha).await?;
        let on_this = refs.iter().any(|(k, r)| k == "inspection" && *r == id.to_string());
        if !on_this {
            return Err(AppError::Rule(Rule::UnknownPhoto { sha256: sha.clone() }).into());
        }
    }
    Ok(())
}

/// Submits a draft: checks it is complete, then reports its hazards. Submitting again answers
/// the submitted inspection and changes nothing.
pub async fn submit(
    state: &AppState,
    caller: &Caller,
    id: Uuid,
    body: SubmitInspection,
) -> Result<Inspection> {
    let r = visible(state, caller, id).await?;
    if r.created_by != caller.id() {
        return Err(AppError::Forbidden.into());
    }
    if r.status == "submitted" {
        return get(state, caller, id).await;
    }
    let now = state.clock.now();
    let today = china_date(now);
    let t = Templates::load(state, r.template_id, r.extension_id).await?;
    let school_type = SchoolType::parse(&r.school_type).unwrap_or(SchoolType::Primary);
    let items = t.item_rules(school_type);
    let applicable: HashSet<i64> = items.iter().map(|i| i.id).collect();
    let answers: Vec<Answer> = storage::inspections::answers(&state.db, &r.id)
        .await?
        .into_iter()
        .map(answer)
        .filter(|a| applicable.contains(&a.item_id))
        .collect();
    rules::check_complete(&items, &answers, today)?;
    let coordinates = app::domain::org::parse_coordinates(body.latitude, body.longitude)?;
    let item_levels: HashMap<i64, (HazardLevel, app::domain::checklist::Area)> = t
        .all()
        .flat_map(|c| c.sections.iter())
        .flat_map(|s| s.items.iter().map(move |i| (i.id, (i.level, s.area))))
        .collect();
    let mut new_hazards = Vec::new();
    for a in answers.iter().filter(|a| a.outcome == Outcome::Fail) {
        let Some(h) = &a.hazard else { continue };
        // A direct-major item is a major hazard whatever the draft says.
        let (item_level, area) = item_levels.get(&a.item_id).copied().unzip();
        let level =
            if item_level == Some(HazardLevel::Major) { HazardLevel::Major } else { h.level };
        new_hazards.push(hazards::new_report(hazards::Report {
            id: h.id,
            school_id: r.school_id,
            inspection_id: Some(r.id.clone()),
            item_id: Some(a.item_id),
            title: h.title.trim(),
            description: h.description.trim(),
            level,
            found_on: today,
            deadline: h.deadline,
            area,
            photos: a.photos.clone(),
            caller,
            at: now,
        }));
    }
    // Told and queued in the same transaction as the hazards: a retry after a lost answer finds
    // the inspection submitted and must not be the only chance to tell anyone.
    let principals = hazards::principals_of(state, r.school_id).await?;
    let notify = new_hazards
        .iter()
        .flat_map(|h| principals.iter().map(move |p| (*p, h.id.clone())))
        .collect();
    let school_name = r.school_name.clone();
    let webhooks = if state.config.webhook_url.is_some() {
        new_hazards
            .iter()
            .map(|h| ("hazard.reported".to_owned(), hazards::new_hazard_payload(h, &school_name)))
            .collect()
    } else {
        Vec::new()
    };
    let write = storage::inspections::SubmitWrite {
        latitude: coordinates.map(|c| c.0),
        longitude: coordinates.map(|c| c.1),
        finished_at: body.finished_at,
        hazards: new_hazards,
        notify,
        webhooks,
    };
    if storage::inspections::submit(&state.db, &r.id, &write, now).await? {
        let detail = format!("{} hazards", write.hazards.len());
        caller.audit(state, "inspection.submit", &format!("inspection:{id}"), &detail).await?;
    }
    get(state, caller, id).await
}

/// What the phone needs to start an inspection of a school: the templates it will use.
pub async fn templates_for(
    state: &AppState,
    caller: &Caller,
    school_id: i64,
) -> Result<(i64, Option<i64>)> {
    schools::get(state, caller, school_id).await?;
    checklists::current_for_school(state, school_id).await
}

/// Starts an empty draft of a school with the templates it uses now. Starting the same id again
/// opens the same draft.
pub async fn start(
    state: &AppState,
    caller: &Caller,
    id: Uuid,
    school_id: i64,
    kind: &str,
) -> Result<()> {
    let kind = InspectionKind::parse(kind).ok_or(AppError::Malformed)?;
    if let Some(existing) = storage::inspections::get(&state.db, &id.to_string()).await?
        && existing.created_by == caller.id()
    {
        return Ok(());
    }
    let (template_id, extension_id) = templates_for(state, caller, school_id).await?;
    let draft = InspectionDraft {
        kind,
        school_id,
        template_id,
        extension_id,
        plan_id: None,
        started_at: Some(state.clock.now()),
        note: String::new(),
        answers: Vec::new(),
    };
    put(state, caller, id, draft).await.map(|_| ())
}

/// The inspection screen: the inspection, its templates, the school's type, whether the caller
/// may still change it.
pub async fn page(state: &AppState, caller: &Caller, id: Uuid) -> Result<app::api::InspectionPage> {
    let inspection = get(state, caller, id).await?;
    let t = Templates::load(state, inspection.template_id, inspection.extension_id).await?;
    let school = storage::orgs::get_school(&state.db, inspection.summary.school_id)
        .await?
        .ok_or(AppError::NotFound)?;
    let row = visible(state, caller, id).await?;
    Ok(app::api::InspectionPage {
        editable: row.created_by == caller.id() && row.status == "draft",
        school_type: SchoolType::parse(&school.school_type).unwrap_or(SchoolType::Primary),
        checklists: std::iter::once(t.county).chain(t.extension).collect(),
        inspection,
        deadlines: state.config.deadlines,
        today: china_date(state.clock.now()),
        queued: false,
    })
}
