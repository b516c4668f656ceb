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
    pub version: i32,
}
