//! Checklist templates, their sections and items. A published version never changes; editing
//! works on a draft copy that becomes the next version when published.

use super::{Db, on_db};
use crate::error::Result;
use app::domain::checklist::{
    AppliesTo, Area, Checklist, ChecklistItem, ChecklistSection, ChecklistSummary, ItemSpec,
    TemplateStatus,
};
use app::domain::hazard::HazardLevel;
use chrono::{DateTime, Utc};

/// A section with its items, as written into a new template version.
pub struct NewSection<'a> {
    pub area: Area,
    pub title: &'a str,
    pub items: Vec<ItemSpec>,
}

#[derive(sqlx::FromRow)]
struct SummaryRow {
    id: i64,
    family: String,
    name: String,
    version: i32,
    school_id: Option<i64>,
    status: String,
    item_count: i64,
}

impl From<SummaryRow> for ChecklistSummary {
    fn from(r: SummaryRow) -> Self {
        ChecklistSummary {
            id: r.id,
            family: r.family,
            name: r.name,
            version: r.version,
            school_id: r.school_id,
            status: if r.status == "published" {
                TemplateStatus::Published
            } else {
                TemplateStatus::Draft
            },
            item_count: r.item_count,
        }
    }
}

#[derive(sqlx::FromRow)]
struct SectionRow {
    id: i64,
    area: String,
    title: String,
}

#[derive(sqlx::FromRow)]
struct ItemRow {
    id: i64,
    section_id: i64,
    code: String,
    title: String,
    content: String,
    standard: String,
    level: String,
    photo_required: bool,
    direct_major: bool,
    applies_to: String,
}

const SELECT_SUMMARY: &str = "SELECT t.id, t.family, t.name, t.version, t.school_id, t.status, \
     (SELECT COUNT(*) FROM checklist_items i WHERE i.template_id = t.id) AS item_count \
     FROM checklist_templates t";

/// Every template version, newest first within a family.
pub async fn list(db: &Db) -> Result<Vec<ChecklistSummary>> {
    let sql =
        format!("{SELECT_SUMMARY} ORDER BY t.school_id IS NOT NULL, t.family, t.version DESC");
    let rows = on_db!(db, p => sqlx::query_as::<_, SummaryRow>(sqlx::AssertSqlSafe(sql)).fetch_all(p).await?);
    Ok(rows.into_iter().map(Into::into).collect())
}

pub async fn summary(db: &Db, id: i64) -> Result<Option<ChecklistSummary>> {
    let sql = format!("{SELECT_SUMMARY} WHERE t.id = $1");
    let row = on_db!(db, p => sqlx::query_as::<_, SummaryRow>(sqlx::AssertSqlSafe(sql)).bind(id).fetch_optional(p).await?);
    Ok(row.map(Into::into))
}

/// The newest published version of a family.
pub async fn latest_published(db: &Db, family: &str) -> Result<Option<i64>> {
    Ok(on_db!(db, p => sqlx::query_scalar::<_, i64>(
        "SELECT id FROM checklist_templates WHERE family = $1 AND status = 'published' ORDER BY version DESC LIMIT 1")
        .bind(family).fetch_optional(p).await?))
}

/// The draft of a family being edited, if any.
pub async fn draft_of(db: &Db, family: &str) -> Result<Option<i64>> {
    Ok(on_db!(db, p => sqlx::query_scalar::<_, i64>(
        "SELECT id FROM checklist_templates WHERE family = $1 AND status = 'draft'")
        .bind(family).fetch_optional(p).await?))
}

/// A template with its sections and items in order.
pub async fn get(db: &Db, id: i64) -> Result<Option<Checklist>> {
    let Some(summary) = summary(db, id).await? else { return Ok(None) };
    let (sections, items) = on_db!(db, p => {
        let s = sqlx::query_as::<_, SectionRow>(
            "SELECT id, area, title FROM checklist_sections WHERE template_id = $1 ORDER BY position, id")
            .bind(id).fetch_all(p).await?;
        let i = sqlx::query_as::<_, ItemRow>(
            "SELECT id, section_id, code, title, content, standard, level, photo_required, direct_major, applies_to \
             FROM checklist_items WHERE template_id = $1 ORDER BY position, id")
            .bind(id).fetch_all(p).await?;
        (s, i)
    });
    let mut out: Vec<ChecklistSection> = sections
        .into_iter()
        .map(|s| ChecklistSection {
            id: s.id,
            area: Area::parse(&s.area).unwrap_or(Area::KeyDomains),
            title: s.title,
            items: Vec::new(),
        })
        .collect();
    for i in items {
        if let Some(section) = out.iter_mut().find(|s| s.id == i.section_id) {
            section.items.push(ChecklistItem {
                id: i.id,
                code: i.code,
                title: i.title,
                content: i.content,
                standard: i.standard,
                level: HazardLevel::parse(&i.level).unwrap_or_default(),
                photo_required: i.photo_required,
                direct_major: i.direct_major,
                applies_to: AppliesTo::parse(&i.applies_to).unwrap_or_default(),
            });
        }
    }
    Ok(Some(Checklist { summary, sections: out }))
}

/// The template an item belongs to, if the item exists at all.
pub async fn template_of_item(db: &Db, item_id: i64) -> Result<Option<i64>> {
    Ok(
        on_db!(db, p => sqlx::query_scalar::<_, i64>("SELECT template_id FROM checklist_items WHERE id = $1")
        .bind(item_id).fetch_optional(p).await?),
    )
}

pub struct NewTemplate<'a> {
    pub family: &'a str,
    pub name: &'a str,
    pub school_id: Option<i64>,
    pub status: TemplateStatus,
    pub created_by: Option<i64>,
    pub sections: Vec<NewSection<'a>>,
}

/// Writes a whole template as the next version of its family, in one transaction.
pub async fn insert(db: &Db, t: &NewTemplate<'_>, now: DateTime<Utc>) -> Result<i64> {
    let published_at = (t.status == TemplateStatus::Published).then_some(now);
    let status = status_str(t.status);
    let _writer = db.writer().await;
    on_db!(db, p => {
        let mut tx = p.begin().await?;
        let version: i32 = sqlx::query_scalar(
            "SELECT COALESCE(MAX(version), 0) + 1 FROM checklist_templates WHERE family = $1")
            .bind(t.family).fetch_one(&mut *tx).await?;
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO checklist_templates (family, version, name, school_id, status, created_by, created_at, published_at) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id")
            .bind(t.family).bind(version).bind(t.name).bind(t.school_id).bind(status).bind(t.created_by)
            .bind(now).bind(published_at).fetch_one(&mut *tx).await?;
        for (pos, s) in (1i32..).zip(&t.sections) {
            let section_id: i64 = sqlx::query_scalar(
                "INSERT INTO checklist_sections (template_id, position, area, title) VALUES ($1, $2, $3, $4) RETURNING id")
                .bind(id).bind(pos).bind(s.area.as_str()).bind(s.title).fetch_one(&mut *tx).await?;
            for (ipos, item) in (1i32..).zip(&s.items) {
                let i = item.get();
                sqlx::query(
                    "INSERT INTO checklist_items (template_id, section_id, position, code, title, content, standard, level, \
                     photo_required, direct_major, applies_to) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)")
                    .bind(id).bind(section_id).bind(ipos).bind(&i.code).bind(&i.title).bind(&i.content).bind(&i.standard)
                    .bind(i.level.as_str()).bind(i.photo_required).bind(i.direct_major).bind(i.applies_to.as_str())
                    .execute(&mut *tx).await?;
            }
        }
        tx.commit().await?;
        Ok(id)
    })
}

fn status_str(s: TemplateStatus) -> &'static str {
    match s {
        TemplateStatus::Draft => "draft",
        TemplateStatus::Published => "published",
    }
}

/// Adds a section at the end of a draft.
pub async fn add_section(db: &Db, template_id: i64, area: Area, title: &str) -> Result<i64> {
    Ok(on_db!(db, p => sqlx::query_scalar::<_, i64>(
        "INSERT INTO checklist_sections (template_id, position, area, title) \
         VALUES ($1, (SELECT COALESCE(MAX(position), 0) + 1 FROM checklist_sections WHERE template_id = $1), $2, $3) RETURNING id")
        .bind(template_id).bind(area.as_str()).bind(title).fetch_one(p).await?))
}

/// Changes an item of a draft, found by its code, or adds it at the end of `section_id`.
/// Returns false when the code is new and no section was given.
pub async fn upsert_item(
    db: &Db,
    template_id: i64,
    section_id: i64,
    item: &ItemSpec,
) -> Result<()> {
    let i = item.get();
    on_db!(db, p => sqlx::query(
        "INSERT INTO checklist_items (template_id, section_id, position, code, title, content, standard, level, \
         photo_required, direct_major, applies_to) \
         VALUES ($1, $2, (SELECT COALESCE(MAX(position), 0) + 1 FROM checklist_items WHERE section_id = $2), \
                 $3, $4, $5, $6, $7, $8, $9, $10) \
         ON CONFLICT (template_id, code) DO UPDATE SET title = excluded.title, content = excluded.content, \
         standard = excluded.standard, level = excluded.level, photo_required = excluded.photo_required, \
         direct_major = excluded.direct_major, applies_to = excluded.applies_to")
        .bind(template_id).bind(section_id).bind(&i.code).bind(&i.title).bind(&i.content).bind(&i.standard)
        .bind(i.level.as_str()).bind(i.photo_required).bind(i.direct_major).bind(i.applies_to.as_str())
        .execute(p).await?.rows_affected());
    Ok(())
}

/// Removes an item from a draft. Returns whether there was one.
pub async fn delete_item(db: &Db, template_id: i64, code: &str) -> Result<bool> {
    Ok(
        on_db!(db, p => sqlx::query("DELETE FROM checklist_items WHERE template_id = $1 AND code = $2")
        .bind(template_id).bind(code).execute(p).await?.rows_affected())
            == 1,
    )
}

/// Publishes a draft. Returns false when it is not a draft (already published, or gone).
pub async fn publish(db: &Db, template_id: i64, now: DateTime<Utc>) -> Result<bool> {
    Ok(on_db!(db, p => sqlx::query(
        "UPDATE checklist_templates SET status = 'published', published_at = $2 WHERE id = $1 AND status = 'draft'")
        .bind(template_id).bind(now).execute(p).await?.rows_affected())
        == 1)
}
