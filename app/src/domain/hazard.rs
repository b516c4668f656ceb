//! Hazards (隐患): their level, their state in the closed loop, and deadlines.

use chrono::{Days, NaiveDate};
use serde::{Deserialize, Serialize};

/// 一般隐患 / 重大隐患.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum HazardLevel {
    #[default]
    General,
    Major,
}

impl HazardLevel {
    pub const ALL: [HazardLevel; 2] = [HazardLevel::General, HazardLevel::Major];

    pub fn as_str(self) -> &'static str {
        match self {
            HazardLevel::General => "general",
            HazardLevel::Major => "major",
        }
    }

    pub fn parse(s: &str) -> Option<HazardLevel> {
        HazardLevel::ALL.into_iter().find(|l| l.as_str() == s)
    }
}

/// Where a hazard is in the closed loop (DESIGN §3). Overdue is derived, never stored.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum HazardStatus {
    Reported,
    Rectifying,
    Submitted,
    Closed,
    Voided,
}

impl HazardStatus {
    pub const ALL: [HazardStatus; 5] = [
        HazardStatus::Reported,
        HazardStatus::Rectifying,
        HazardStatus::Submitted,
        HazardStatus::Closed,
        HazardStatus::Voided,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            HazardStatus::Reported => "reported",
            HazardStatus::Rectifying => "rectifying",
            HazardStatus::Submitted => "submitted",
            HazardStatus::Closed => "closed",
            HazardStatus::Voided => "voided",
        }
    }

    pub fn parse(s: &str) -> Option<HazardStatus> {
        HazardStatus::ALL.into_iter().find(|v| v.as_str() == s)
    }

    /// Still asks something of someone.
    pub fn is_open(self) -> bool {
        !matches!(self, HazardStatus::Closed | HazardStatus::Voided)
    }
}

/// Days a school gets to rectify, by level (configurable; the county's default 15 and 30).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct DeadlinePolicy {
    pub general_days: u32,
    pub major_days: u32,
}

impl Default for DeadlinePolicy {
    fn default() -> Self {
        DeadlinePolicy { general_days: 15, major_days: 30 }
    }
}

impl DeadlinePolicy {
    /// The default deadline for a hazard of this level found on `found_on` (China date).
    pub fn deadline(self, level: HazardLevel, found_on: NaiveDate) -> NaiveDate {
        let days = match level {
            HazardLevel::General => self.general_days,
            HazardLevel::Major => self.major_days,
        };
        found_on.checked_add_days(Days::new(days.into())).unwrap_or(NaiveDate::MAX)
    }
}

/// A hazard is overdue on `today` when it is still open and its deadline has passed.
pub fn overdue_days(status: HazardStatus, deadline: NaiveDate, today: NaiveDate) -> Option<i64> {
    let days = (today - deadline).num_days();
    (status.is_open() && days > 0).then_some(days)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        s.parse().expect("date")
    }

    #[test]
    fn deadlines_follow_the_level() {
        let p = DeadlinePolicy::default();
        assert_eq!(p.deadline(HazardLevel::General, d("2026-11-28")), d("2026-12-13"));
        assert_eq!(p.deadline(HazardLevel::Major, d("2026-11-28")), d("2026-12-28"));
    }

    #[test]
    fn only_open_hazards_past_their_deadline_are_overdue() {
        let dl = d("2026-12-01");
        assert_eq!(overdue_days(HazardStatus::Reported, dl, d("2026-12-01")), None);
        assert_eq!(overdue_days(HazardStatus::Reported, dl, d("2026-12-04")), Some(3));
        assert_eq!(overdue_days(HazardStatus::Closed, dl, d("2026-12-04")), None);
        assert_eq!(overdue_days(HazardStatus::Voided, dl, d("2026-12-04")), None);
    }
}

/// A hazard in a list or on an inspection record.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct HazardSummary {
    pub id: String,
    pub school_id: i64,
    pub school_name: String,
    pub inspection_id: Option<String>,
    pub item_id: Option<i64>,
    pub title: String,
    pub description: String,
    pub level: HazardLevel,
    pub status: HazardStatus,
    pub found_on: NaiveDate,
    pub deadline: NaiveDate,
    pub reporter_name: String,
    /// The discoverer's user id (谁发现、谁销号).
    #[serde(default)]
    pub reported_by: i64,
    pub version: i32,
    /// The checklist area of the item that raised it (none for a hazard reported on its own
    /// without one).
    #[serde(default)]
    pub area: Option<super::checklist::Area>,
    /// Days past the deadline while open (derived from today in China, never stored).
    #[serde(default)]
    pub overdue_days: Option<i64>,
}

/// 五落实: who is responsible, the measures, the funds, the deadline, the contingency plan.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct PlanFields {
    pub responsible: String,
    pub measures: String,
    /// Funds committed, in yuan.
    pub funds_yuan: f64,
    pub deadline: NaiveDate,
    pub contingency: String,
}

impl PlanFields {
    /// All five filled in, funds a real non-negative amount (below ten billion yuan).
    pub fn is_complete(&self) -> bool {
        !self.responsible.trim().is_empty()
            && !self.measures.trim().is_empty()
            && !self.contingency.trim().is_empty()
            && self.funds_yuan.is_finite()
            && (0.0..1e10).contains(&self.funds_yuan)
    }

    /// The funds in fen (cents), as stored.
    pub fn funds_cents(&self) -> i64 {
        (self.funds_yuan * 100.0).round() as i64
    }
}

/// The body of `POST /api/v1/hazards/{id}/events`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct EventInput {
    /// Made on the phone: a retried event is applied once and answers the same result.
    pub event_id: uuid::Uuid,
    pub action: super::workflow::Action,
    /// The hazard version this action was decided on; a stale one gets 409 with the current state.
    pub expected_version: i32,
    #[serde(default)]
    pub note: String,
    #[serde(default)]
    pub reason: String,
    /// After-photos (submit).
    #[serde(default)]
    pub photos: Vec<String>,
    /// The handwritten signature, uploaded as a PNG photo (submit).
    #[serde(default)]
    pub signature: Option<String>,
    #[serde(default)]
    pub plan: Option<PlanFields>,
    /// The new deadline (extend).
    #[serde(default)]
    pub deadline: Option<NaiveDate>,
}

/// The body of `PUT /api/v1/hazards/{id}`: a hazard reported on its own, outside an inspection.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct ReportInput {
    pub school_id: i64,
    pub title: String,
    #[serde(default)]
    pub description: String,
    pub level: HazardLevel,
    /// Absent: the default deadline for the level.
    #[serde(default)]
    pub deadline: Option<NaiveDate>,
    #[serde(default)]
    pub area: Option<super::checklist::Area>,
    #[serde(default)]
    pub photos: Vec<String>,
}

/// One event in a hazard's timeline.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct EventView {
    pub seq: i32,
    pub action: String,
    pub actor_name: String,
    pub at: chrono::DateTime<chrono::Utc>,
    pub from_status: Option<HazardStatus>,
    pub to_status: HazardStatus,
    /// The note, reason, or plan measures that came with it.
    pub text: String,
    pub deadline: Option<NaiveDate>,
    pub photos: Vec<String>,
}

/// What the checklist item asked, shown to the principal beside the hazard.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct ItemRef {
    pub code: String,
    pub title: String,
    pub content: String,
    pub standard: String,
}

/// A hazard with everything about it: what was found, the plan, the rectification, the
/// timeline, and the actions the caller may take now.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct HazardDetail {
    pub summary: HazardSummary,
    pub item: Option<ItemRef>,
    pub before_photos: Vec<String>,
    pub after_photos: Vec<String>,
    pub signature: Option<String>,
    pub plan: Option<PlanFields>,
    pub submit_note: Option<String>,
    pub return_reason: Option<String>,
    pub events: Vec<EventView>,
    pub actions: Vec<super::workflow::Action>,
}

/// Filters of the ledger and the closure queue.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::IntoParams))]
pub struct HazardFilter {
    pub status: Option<HazardStatus>,
    pub school: Option<i64>,
    pub area: Option<super::checklist::Area>,
    pub level: Option<HazardLevel>,
    /// Only hazards past their deadline and still open.
    pub overdue: Option<bool>,
    /// Found on or after this day.
    pub from: Option<NaiveDate>,
    /// Found on or before this day.
    pub to: Option<NaiveDate>,
    /// Reported by this user.
    pub reporter: Option<i64>,
    /// Which date `from` and `to` apply to (the statistics' drill-down); found by default.
    pub stage: Option<super::report::Stage>,
    /// Schools (`school`) or kindergartens (`kindergarten`) only.
    pub group: Option<super::report::Group>,
    /// 0-based page of 50.
    pub page: Option<u32>,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct StatusCount {
    pub status: HazardStatus,
    pub count: i64,
}

/// A page of hazards with the counts of everything the filters match.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct HazardList {
    pub items: Vec<HazardSummary>,
    /// Per status, over all pages (ignoring the status filter).
    pub counts: Vec<StatusCount>,
    /// Open and past their deadline, over all pages.
    pub overdue: i64,
    /// Matching the filters, over all pages.
    pub total: i64,
}

#[cfg(test)]
mod day_boundary {
    use super::*;
    use crate::domain::time::china_date;

    #[test]
    fn a_deadline_ends_at_midnight_in_china_not_in_utc() {
        let deadline: NaiveDate = "2026-12-01".parse().expect("date");
        let last_second = "2026-12-01T15:59:59Z".parse().expect("instant"); // 23:59:59 in China
        let next_day = "2026-12-01T16:00:00Z".parse().expect("instant"); // 00:00 on the 2nd
        assert_eq!(overdue_days(HazardStatus::Reported, deadline, china_date(last_second)), None);
        assert_eq!(overdue_days(HazardStatus::Reported, deadline, china_date(next_day)), Some(1));
    }
}
