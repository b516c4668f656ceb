//! Checklist templates (检查表): sections of items, each with what to check, how, and the
//! standard to hold it to. Templates are versioned; an inspection keeps the version it used.

use super::account::InputProblem;
use super::hazard::HazardLevel;
use super::org::SchoolType;
use serde::{Deserialize, Serialize};

/// The five areas of the campaign (五查五治).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Area {
    Responsibility,
    KeyDomains,
    FiveOnes,
    Supervision,
    Emergency,
}

impl Area {
    pub const ALL: [Area; 5] = [
        Area::Responsibility,
        Area::KeyDomains,
        Area::FiveOnes,
        Area::Supervision,
        Area::Emergency,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Area::Responsibility => "responsibility",
            Area::KeyDomains => "key_domains",
            Area::FiveOnes => "five_ones",
            Area::Supervision => "supervision",
            Area::Emergency => "emergency",
        }
    }

    pub fn parse(s: &str) -> Option<Area> {
        Area::ALL.into_iter().find(|a| a.as_str() == s)
    }
}

/// Which institutions an item applies to.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum AppliesTo {
    #[default]
    All,
    School,
    Kindergarten,
}

impl AppliesTo {
    pub const ALL: [AppliesTo; 3] = [AppliesTo::All, AppliesTo::School, AppliesTo::Kindergarten];

    pub fn as_str(self) -> &'static str {
        match self {
            AppliesTo::All => "all",
            AppliesTo::School => "school",
            AppliesTo::Kindergarten => "kindergarten",
        }
    }

    pub fn parse(s: &str) -> Option<AppliesTo> {
        AppliesTo::ALL.into_iter().find(|a| a.as_str() == s)
    }

    pub fn includes(self, t: SchoolType) -> bool {
        match self {
            AppliesTo::All => true,
            AppliesTo::School => t != SchoolType::Kindergarten,
            AppliesTo::Kindergarten => t == SchoolType::Kindergarten,
        }
    }
}

pub const MAX_TITLE: usize = 60;
pub const MAX_TEXT: usize = 400;
pub const MAX_CODE: usize = 16;

/// One item as written by an editor or the template file, before it is checked.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct ItemInput {
    pub code: String,
    pub title: String,
    pub content: String,
    pub standard: String,
    pub level: HazardLevel,
    #[serde(default)]
    pub photo_required: bool,
    #[serde(default)]
    pub direct_major: bool,
    #[serde(default)]
    pub applies_to: AppliesTo,
}

/// A checked item: every text present and bounded, and a "direct major" item is a major hazard.
#[derive(Clone, Debug, PartialEq)]
pub struct ItemSpec(ItemInput);

impl ItemSpec {
    pub fn parse(mut i: ItemInput) -> Result<ItemSpec, InputProblem> {
        i.code = i.code.trim().to_owned();
        i.title = i.title.trim().to_owned();
        i.content = i.content.trim().to_owned();
        i.standard = i.standard.trim().to_owned();
        let code_ok = !i.code.is_empty()
            && i.code.chars().count() <= MAX_CODE
            && i.code.chars().all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_');
        if !code_ok {
            return Err(InputProblem::ItemCodeShape);
        }
        for (text, max) in [(&i.title, MAX_TITLE), (&i.content, MAX_TEXT), (&i.standard, MAX_TEXT)]
        {
            if text.is_empty() {
                return Err(InputProblem::ItemTextEmpty);
            }
            if text.chars().count() > max {
                return Err(InputProblem::NameTooLong);
            }
        }
        if i.direct_major {
            i.level = HazardLevel::Major;
        }
        Ok(ItemSpec(i))
    }

    pub fn get(&self) -> &ItemInput {
        &self.0
    }
}

/// The shape of a template file (the county default ships as one, `server/seed/`).
#[derive(Clone, Debug, Deserialize)]
pub struct TemplateFile {
    pub code: String,
    pub name: String,
    pub sections: Vec<SectionFile>,
}

#[derive(Clone, Debug, Deserialize)]
pub struct SectionFile {
    pub area: Area,
    pub title: String,
    pub items: Vec<ItemInput>,
}

impl TemplateFile {
    /// Every item parsed, and item codes unique across the template.
    pub fn check(&self) -> Result<(), (String, InputProblem)> {
        let mut seen = std::collections::HashSet::new();
        for s in &self.sections {
            if s.title.trim().is_empty() {
                return Err((s.title.clone(), InputProblem::NameEmpty));
            }
            for i in &s.items {
                ItemSpec::parse(i.clone()).map_err(|p| (i.code.clone(), p))?;
                if !seen.insert(i.code.trim()) {
                    return Err((i.code.clone(), InputProblem::DuplicateCode));
                }
            }
        }
        Ok(())
    }
}

/// Published or still being edited.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum TemplateStatus {
    Draft,
    Published,
}

/// A template in a list.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct ChecklistSummary {
    pub id: i64,
    /// Versions of one template share a family (`county-default`, `school-12`).
    pub family: String,
    pub name: String,
    pub version: i32,
    /// Set for a school's own items, which extend the county template for that school only.
    pub school_id: Option<i64>,
    pub status: TemplateStatus,
    pub item_count: i64,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct ChecklistItem {
    pub id: i64,
    pub code: String,
    pub title: String,
    pub content: String,
    pub standard: String,
    pub level: HazardLevel,
    pub photo_required: bool,
    pub direct_major: bool,
    pub applies_to: AppliesTo,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct ChecklistSection {
    pub id: i64,
    pub area: Area,
    pub title: String,
    pub items: Vec<ChecklistItem>,
}

/// A template with its sections and items.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct Checklist {
    pub summary: ChecklistSummary,
    pub sections: Vec<ChecklistSection>,
}

impl Checklist {
    pub fn items(&self) -> impl Iterator<Item = &ChecklistItem> {
        self.sections.iter().flat_map(|s| s.items.iter())
    }

    /// The items that apply to an institution of this type.
    pub fn items_for(&self, t: SchoolType) -> impl Iterator<Item = &ChecklistItem> {
        self.items().filter(move |i| i.applies_to.includes(t))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn item() -> ItemInput {
        ItemInput {
            code: "F01".into(),
            title: "灭火器".into(),
            content: "查看灭火器".into(),
            standard: "在有效期内，压力在绿区".into(),
            ..ItemInput::default()
        }
    }

    #[test]
    fn a_direct_major_item_is_always_a_major_hazard() {
        let spec = ItemSpec::parse(ItemInput { direct_major: true, ..item() }).expect("valid");
        assert_eq!(spec.get().level, HazardLevel::Major);
    }

    #[test]
    fn items_need_a_code_title_content_and_standard() {
        let cases = [
            (ItemInput { code: " ".into(), ..item() }, InputProblem::ItemCodeShape, "blank code"),
            (ItemInput { code: "a/b".into(), ..item() }, InputProblem::ItemCodeShape, "slash"),
            (ItemInput { title: "".into(), ..item() }, InputProblem::ItemTextEmpty, "no title"),
            (
                ItemInput { standard: " ".into(), ..item() },
                InputProblem::ItemTextEmpty,
                "no standard",
            ),
            (ItemInput { content: "长".repeat(401), ..item() }, InputProblem::NameTooLong, "long"),
        ];
        for (input, want, case) in cases {
            assert_eq!(ItemSpec::parse(input), Err(want), "{case}");
        }
    }

    #[test]
    fn kindergarten_items_apply_only_to_kindergartens() {
        assert!(AppliesTo::Kindergarten.includes(SchoolType::Kindergarten));
        assert!(!AppliesTo::Kindergarten.includes(SchoolType::Primary));
        assert!(!AppliesTo::School.includes(SchoolType::Kindergarten));
        assert!(AppliesTo::All.includes(SchoolType::Junior));
    }
}
