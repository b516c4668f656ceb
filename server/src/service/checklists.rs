//! Checklist templates: the county default loaded at start, reading in scope, and editing a
//! draft that becomes the next version when published. Office staff edit the county template; a
//! principal edits the school's own items, which extend it for that school only.

use super::scope;
use crate::auth::Caller;
use crate::error::Result;
use crate::state::AppState;
use crate::storage::{self, checklists::NewSection, checklists::NewTemplate};
use app::domain::Role;
use app::domain::checklist::{
    Area, Checklist, ChecklistSummary, ItemInput, ItemSpec, TemplateFile, TemplateStatus,
};
use app::error::AppError;
use chrono::Utc;

/// The family of the county template.
pub const COUNTY: &str = "county-default";

/// The county default checklist, shipped in the repository.
const DEFAULT_TEMPLATE: &str = include_str!("../../seed/default_checklist.json");

pub fn default_template() -> TemplateFile {
    // Checked by a unit test; a broken file fails the build's tests, never a server start.
    serde_json::from_str(DEFAULT_TEMPLATE).unwrap_or(TemplateFile {
        code: COUNTY.into(),
        name: String::new(),
        sections: Vec::new(),
    })
}

fn school_family(school_id: i64) -> String {
    format!("school-{school_id}")
}

/// Loads the default template as the first published county version, once.
pub async fn load_default(state: &AppState) -> Result<()> {
    if storage::checklists::latest_published(&state.db, COUNTY).await?.is_some() {
        return Ok(());
    }
    let file = default_template();
    file.check().map_err(|_| AppError::Internal)?;
    let sections = file
        .sections
        .iter()
        .map(|s| NewSection {
            area: s.area,
            title: &s.title,
            items: s.items.iter().filter_map(|i| ItemSpec::parse(i.clone()).ok()).collect(),
        })
        .collect();
    let t = NewTemplate {
        family: COUNTY,
        name: &file.name,
        school_id: None,
        status: TemplateStatus::Published,
        created_by: None,
        sections,
    };
    storage::checklists::insert(&state.db, &t, Utc::now()).await?;
    Ok(())
}

/// Whether the caller may read this template: the county's published versions are for everyone
/// (drafts for office staff); a school's own items for those who can see the school.
async fn may_read(state: &AppState, caller: &Caller, t: &ChecklistSummary) -> Result<bool> {
    Ok(match t.school_id {
        None => t.status == TemplateStatus::Published || caller.role == Role::Office,
        Some(school) => match storage::orgs::get_school(&state.db, school).await? {
            Some(s) => scope::contains_path(caller, &s.path),
            None => false,
        },
    })
}

/// Whether the caller may edit this family.
fn may_edit(caller: &Caller, school_id: Option<i64>) -> bool {
    match school_id {
        None => caller.role == Role::Office,
        Some(s) => caller.role == Role::Principal && caller.user.org_id == s,
    }
}

pub async fn list(state: &AppState, caller: &Caller) -> Result<Vec<ChecklistSummary>> {
    let mut out = Vec::new();
    for t in storage::checklists::list(&state.db).await? {
        if may_read(state, caller, &t).await? {
            out.push(t);
        }
    }
    Ok(out)
}

pub async fn get(state: &AppState, caller: &Caller, id: i64) -> Result<Checklist> {
    let t = storage::checklists::get(&state.db, id).await?.ok_or(AppError::NotFound)?;
    if !may_read(state, caller, &t.summary).await? {
        return Err(AppError::NotFound.into());
    }
    Ok(t)
}

/// What an inspection of a school uses: the newest published county template and the school's
/// newest published own items, if any.
pub async fn current_for_school(state: &AppState, school_id: i64) -> Result<(i64, Option<i64>)> {
    let county = storage::checklists::latest_published(&state.db, COUNTY)
        .await?
        .ok_or(AppError::NotFound)?;
    let ext = storage::checklists::latest_published(&state.db, &school_family(school_id)).await?;
    Ok((county, ext))
}

/// Opens the draft of a family for editing: the existing draft, or a copy of the newest
/// published version (or an empty one for a school's first own items). `school_id` None is the
/// county template.
pub async fn edit(state: &AppState, caller: &Caller, school_id: Option<i64>) -> Result<i64> {
    if let Some(s) = school_id {
        super::schools::get(state, caller, s).await?;
    }
    if !may_edit(caller, school_id) {
        return Err(AppError::Forbidden.into());
    }
    let family = school_id.map_or_else(|| COUNTY.to_owned(), school_family);
    if let Some(id) = storage::checklists::draft_of(&state.db, &family).await? {
        return Ok(id);
    }
    let base = match storage::checklists::latest_published(&state.db, &family).await? {
        Some(id) => storage::checklists::get(&state.db, id).await?,
        None => None,
    };
    let name = match &base {
        Some(b) => b.summary.name.clone(),
        None => format!("{}（本校自定检查项）", caller.user.org_name),
    };
    let sections = base
        .as_ref()
        .map(|b| {
            b.sections
                .iter()
                .map(|s| NewSection {
                    area: s.area,
                    title: &s.title,
                    items: s
                        .items
                        .iter()
                        .filter_map(|i| ItemSpec::parse(item_input(i)).ok())
                        .collect(),
                })
                .collect()
        })
        .unwrap_or_default();
    let t = NewTemplate {
        family: &family,
        name: &name,
        school_id,
        status: TemplateStatus::Draft,
        created_by: Some(caller.id()),
        sections,
    };
    let id = storage::checklists::insert(&state.db, &t, Utc::now()).await?;
    caller.audit(state, "checklist.edit", &format!("checklist:{id}"), &family).await?;
    Ok(id)
}

fn item_input(i: &app::domain::checklist::ChecklistItem) -> ItemInput {
    ItemInput {
        code: i.code.clone(),
        title: i.title.clone(),
        content: i.content.clone(),
        standard: i.standard.clone(),
        level: i.level,
        photo_required: i.photo_required,
        direct_major: i.direct_major,
        applies_to: i.applies_to,
    }
}

/// The draft the caller may change, or the reason not.
async fn editable_draft(state: &AppState, caller: &Caller, id: i64) -> Result<Checklist> {
    let t = get(state, caller, id).await?;
    if !may_edit(caller, t.summary.school_id) {
        return Err(AppError::Forbidden.into());
    }
    if t.summary.status != TemplateStatus::Draft {
        return Err(AppError::Conflict.into());
    }
    Ok(t)
}

/// Saves one item of a draft (found by its code), into the first section of `area` (made if the
/// draft has none) when it is new.
pub async fn put_item(
    state: &AppState,
    caller: &Caller,
    id: i64,
    area: Area,
    section_title: &str,
    item: ItemInput,
) -> Result<Checklist> {
    let t = editable_draft(state, caller, id).await?;
    let spec = ItemSpec::parse(item)?;
    let code = spec.get().code.clone();
    let existing = t.sections.iter().find(|s| s.items.iter().any(|i| i.code == code));
    let section_id = match existing.or_else(|| t.sections.iter().find(|s| s.area == area)) {
        Some(s) => s.id,
        None => storage::checklists::add_section(&state.db, id, area, section_title).await?,
    };
    storage::checklists::upsert_item(&state.db, id, section_id, &spec).await?;
    caller.audit(state, "checklist.item", &format!("checklist:{id}"), &code).await?;
    get(state, caller, id).await
}

pub async fn delete_item(state: &AppState, caller: &Caller, id: i64, code: &str) -> Result<()> {
    editable_draft(state, caller, id).await?;
    if !storage::checklists::delete_item(&state.db, id, code).await? {
        return Err(AppError::NotFound.into());
    }
    caller.audit(state, "checklist.item.delete", &format!("checklist:{id}"), code).await
}

pub async fn publish(state: &AppState, caller: &Caller, id: i64) -> Result<Checklist> {
    editable_draft(state, caller, id).await?;
    if !storage::checklists::publish(&state.db, id, Utc::now()).await? {
        return Err(AppError::Conflict.into());
    }
    caller.audit(state, "checklist.publish", &format!("checklist:{id}"), "").await?;
    get(state, caller, id).await
}

/// Saves an item from the editor's form.
pub async fn save_item_form(
    state: &AppState,
    caller: &Caller,
    f: app::api::ItemForm,
) -> Result<Checklist> {
    use app::domain::checklist::AppliesTo;
    use app::domain::hazard::HazardLevel;
    let area = Area::parse(&f.area).ok_or(AppError::Malformed)?;
    let item = ItemInput {
        code: f.code,
        title: f.title,
        content: f.content,
        standard: f.standard,
        level: HazardLevel::parse(&f.level)
            .ok_or(app::domain::account::InputProblem::UnknownLevel)?,
        photo_required: f.photo_required.is_some(),
        direct_major: f.direct_major.is_some(),
        applies_to: AppliesTo::parse(&f.applies_to).unwrap_or_default(),
    };
    put_item(state, caller, f.template_id, area, area_title(area), item).await
}

/// The title of a section made for a new item of this area.
pub fn area_title(a: Area) -> &'static str {
    match a {
        Area::Responsibility => "安全责任落实",
        Area::KeyDomains => "重点领域",
        Area::FiveOnes => "“五个一”工程",
        Area::Supervision => "督导检查",
        Area::Emergency => "应急处置",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use app::domain::checklist::Area;

    #[test]
    fn the_default_template_has_sixty_checkable_items_across_all_five_areas() {
        let file: TemplateFile = serde_json::from_str(DEFAULT_TEMPLATE).expect("valid JSON");
        file.check().expect("every item valid, codes unique");
        let items: Vec<_> = file.sections.iter().flat_map(|s| &s.items).collect();
        assert!(items.len() >= 60, "only {} items", items.len());
        for i in &items {
            assert!(
                !i.title.trim().is_empty()
                    && !i.content.trim().is_empty()
                    && !i.standard.trim().is_empty(),
                "{}",
                i.code
            );
        }
        for area in Area::ALL {
            assert!(
                file.sections.iter().any(|s| s.area == area && !s.items.is_empty()),
                "{area:?} has no items"
            );
        }
    }
}
