//! Inspections (检查): who may file which kind, the answers, and what makes one complete.

use super::account::Role;
use super::hazard::HazardLevel;
use super::rule::Rule;
use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use std::collections::HashMap;

/// 自查 / 督查 / 暗查暗访.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum InspectionKind {
    SelfCheck,
    Supervision,
    Unannounced,
}

impl InspectionKind {
    pub const ALL: [InspectionKind; 3] =
        [InspectionKind::SelfCheck, InspectionKind::Supervision, InspectionKind::Unannounced];

    pub fn as_str(self) -> &'static str {
        match self {
            InspectionKind::SelfCheck => "self_check",
            InspectionKind::Supervision => "supervision",
            InspectionKind::Unannounced => "unannounced",
        }
    }

    pub fn parse(s: &str) -> Option<InspectionKind> {
        InspectionKind::ALL.into_iter().find(|k| k.as_str() == s)
    }

    /// Principals check their own school; the bureau supervises and visits unannounced.
    pub fn may_file(self, role: Role) -> bool {
        match self {
            InspectionKind::SelfCheck => role == Role::Principal,
            InspectionKind::Supervision | InspectionKind::Unannounced => {
                matches!(role, Role::Office | Role::Inspector)
            }
        }
    }

    /// The kinds a role may file, for the form that starts an inspection.
    pub fn for_role(role: Role) -> Vec<InspectionKind> {
        InspectionKind::ALL.into_iter().filter(|k| k.may_file(role)).collect()
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    Pass,
    Fail,
    NotApplicable,
}

impl Outcome {
    pub fn as_str(self) -> &'static str {
        match self {
            Outcome::Pass => "pass",
            Outcome::Fail => "fail",
            Outcome::NotApplicable => "not_applicable",
        }
    }

    pub fn parse(s: &str) -> Option<Outcome> {
        [Outcome::Pass, Outcome::Fail, Outcome::NotApplicable].into_iter().find(|o| o.as_str() == s)
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum InspectionStatus {
    Draft,
    Submitted,
}

/// The hazard a failed item raises, drafted on the phone and reported when the inspection is
/// submitted. Its id is made on the phone, so a retry never reports it twice.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct HazardDraft {
    pub id: uuid::Uuid,
    pub title: String,
    #[serde(default)]
    pub description: String,
    pub level: HazardLevel,
    pub deadline: NaiveDate,
}

/// One answered item. A failure's photos are the hazard's before-photos.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct Answer {
    pub item_id: i64,
    pub outcome: Outcome,
    #[serde(default)]
    pub note: String,
    /// SHA-256 addresses of uploaded photos.
    #[serde(default)]
    pub photos: Vec<String>,
    #[serde(default)]
    pub hazard: Option<HazardDraft>,
}

/// The body of `PUT /api/v1/inspections/{id}`: the whole draft, replacing the previous one.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct InspectionDraft {
    pub kind: InspectionKind,
    pub school_id: i64,
    pub template_id: i64,
    /// The school's own items, when it has published some.
    #[serde(default)]
    pub extension_id: Option<i64>,
    #[serde(default)]
    pub plan_id: Option<uuid::Uuid>,
    /// When the inspector started, by the phone's clock.
    #[serde(default)]
    pub started_at: Option<DateTime<Utc>>,
    #[serde(default)]
    pub note: String,
    #[serde(default)]
    pub answers: Vec<Answer>,
}

/// The body of `POST /api/v1/inspections/{id}/submit`: where and when, by the phone.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct SubmitInspection {
    #[serde(default)]
    pub latitude: Option<f64>,
    #[serde(default)]
    pub longitude: Option<f64>,
    #[serde(default)]
    pub finished_at: Option<DateTime<Utc>>,
}

/// What the completeness check needs to know of an item.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ItemRule {
    pub id: i64,
    pub photo_required: bool,
}

/// Progress of a draft against the items that apply.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Progress {
    pub answered: u32,
    pub total: u32,
    pub failed: u32,
}

pub fn progress(items: &[ItemRule], answers: &[Answer]) -> Progress {
    let by_item: HashMap<i64, &Answer> = answers.iter().map(|a| (a.item_id, a)).collect();
    let mut p = Progress { total: items.len() as u32, ..Progress::default() };
    for i in items {
        if let Some(a) = by_item.get(&i.id) {
            p.answered += 1;
            p.failed += u32::from(a.outcome == Outcome::Fail);
        }
    }
    p
}

/// Whether a draft may be submitted: every applicable item answered; every failure drafts its
/// hazard, with a photo where the item asks for one; no deadline before the day of the visit.
pub fn check_complete(
    items: &[ItemRule],
    answers: &[Answer],
    today: NaiveDate,
) -> Result<(), Rule> {
    let by_item: HashMap<i64, &Answer> = answers.iter().map(|a| (a.item_id, a)).collect();
    let unanswered = items.iter().filter(|i| !by_item.contains_key(&i.id)).count();
    if unanswered > 0 {
        return Err(Rule::Unanswered { count: unanswered as u32 });
    }
    for i in items {
        let a = by_item[&i.id];
        if a.outcome != Outcome::Fail {
            continue;
        }
        let Some(h) = &a.hazard else {
            return Err(Rule::HazardMissing { item_id: i.id });
        };
        if i.photo_required && a.photos.is_empty() {
            return Err(Rule::PhotoRequired { item_id: i.id });
        }
        if h.deadline < today {
            return Err(Rule::DeadlineBeforeFound);
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn today() -> NaiveDate {
        "2026-11-28".parse().expect("date")
    }

    fn answer(item_id: i64, outcome: Outcome) -> Answer {
        Answer { item_id, outcome, note: String::new(), photos: vec![], hazard: None }
    }

    fn hazard() -> HazardDraft {
        HazardDraft {
            id: uuid::Uuid::nil(),
            title: "灭火器过期".into(),
            description: String::new(),
            level: HazardLevel::General,
            deadline: "2026-12-13".parse().expect("date"),
        }
    }

    const ITEMS: [ItemRule; 2] =
        [ItemRule { id: 1, photo_required: true }, ItemRule { id: 2, photo_required: false }];

    #[test]
    fn who_may_file_which_kind() {
        use InspectionKind::*;
        let cases = [
            (SelfCheck, Role::Principal, true),
            (SelfCheck, Role::Inspector, false),
            (Supervision, Role::Principal, false),
            (Unannounced, Role::Principal, false),
            (Supervision, Role::Inspector, true),
            (Unannounced, Role::Office, true),
            (Unannounced, Role::Admin, false),
        ];
        for (kind, role, want) in cases {
            assert_eq!(kind.may_file(role), want, "{kind:?} by {role:?}");
        }
    }

    #[test]
    fn a_draft_is_complete_only_when_every_rule_holds() {
        let pass1 = answer(1, Outcome::Pass);
        let na2 = answer(2, Outcome::NotApplicable);
        let fail1_bare = answer(1, Outcome::Fail);
        let fail1_no_photo = Answer { hazard: Some(hazard()), ..answer(1, Outcome::Fail) };
        let fail1_ok = Answer { photos: vec!["a".repeat(64)], ..fail1_no_photo.clone() };
        let fail2_no_photo = Answer { hazard: Some(hazard()), ..answer(2, Outcome::Fail) };
        let mut late = hazard();
        late.deadline = "2026-11-27".parse().expect("date");
        let fail1_past = Answer { hazard: Some(late), ..fail1_ok.clone() };
        let cases: [(&str, Vec<Answer>, Result<(), Rule>); 7] = [
            ("nothing answered", vec![], Err(Rule::Unanswered { count: 2 })),
            ("one left", vec![pass1.clone()], Err(Rule::Unanswered { count: 1 })),
            ("all answered", vec![pass1, na2.clone()], Ok(())),
            (
                "failure without hazard",
                vec![fail1_bare, na2.clone()],
                Err(Rule::HazardMissing { item_id: 1 }),
            ),
            (
                "photo missing",
                vec![fail1_no_photo, na2.clone()],
                Err(Rule::PhotoRequired { item_id: 1 }),
            ),
            ("photo optional", vec![fail1_ok, fail2_no_photo], Ok(())),
            ("deadline in the past", vec![fail1_past, na2], Err(Rule::DeadlineBeforeFound)),
        ];
        for (case, answers, want) in cases {
            assert_eq!(check_complete(&ITEMS, &answers, today()), want, "{case}");
        }
    }

    #[test]
    fn progress_counts_answers_and_failures_among_applicable_items() {
        let answers = vec![answer(1, Outcome::Fail), answer(99, Outcome::Pass)];
        assert_eq!(progress(&ITEMS, &answers), Progress { answered: 1, total: 2, failed: 1 });
    }
}

/// An inspection in a list.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct InspectionSummary {
    pub id: uuid::Uuid,
    pub kind: InspectionKind,
    pub status: InspectionStatus,
    pub school_id: i64,
    pub school_name: String,
    pub inspector_name: String,
    pub answered: i64,
    pub failed: i64,
    pub started_at: Option<DateTime<Utc>>,
    pub submitted_at: Option<DateTime<Utc>>,
    pub updated_at: DateTime<Utc>,
}

/// An inspection with its answers and the hazards it raised.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct Inspection {
    pub summary: InspectionSummary,
    pub template_id: i64,
    pub extension_id: Option<i64>,
    pub plan_id: Option<uuid::Uuid>,
    pub note: String,
    pub finished_at: Option<DateTime<Utc>>,
    pub latitude: Option<f64>,
    pub longitude: Option<f64>,
    pub answers: Vec<Answer>,
    pub hazards: Vec<super::hazard::HazardSummary>,
}
