//! Inspection plans (检查计划): which schools, when, who; ranked suggestions; and the random draw
//! (双随机) whose seed is recorded so anyone can replay it.

use super::inspection::InspectionKind;
use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct PlanInput {
    pub kind: InspectionKind,
    pub starts_on: chrono::NaiveDate,
    pub ends_on: chrono::NaiveDate,
    pub school_ids: Vec<i64>,
    #[serde(default)]
    pub member_ids: Vec<i64>,
    #[serde(default)]
    pub note: String,
    #[serde(default)]
    pub draw_seed: Option<i64>,
    #[serde(default)]
    pub cancelled: bool,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct Named {
    pub id: i64,
    pub name: String,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct Plan {
    pub id: uuid::Uuid,
    pub kind: InspectionKind,
    pub starts_on: chrono::NaiveDate,
    pub ends_on: chrono::NaiveDate,
    pub note: String,
    pub draw_seed: Option<i64>,
    pub cancelled: bool,
    pub schools: Vec<Named>,
    pub members: Vec<Named>,
}

/// A school ranked for the next visits.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct Suggestion {
    pub school_id: i64,
    pub school_name: String,
    pub overdue: i64,
    pub open_major: i64,
    /// None when the bureau never visited it.
    pub days_since_visit: Option<i64>,
    pub score: i64,
}

/// Overdue hazards weigh most, then open major hazards, then time since the last visit (a
/// school never visited counts as a year).
pub fn risk_score(overdue: i64, open_major: i64, days_since_visit: Option<i64>) -> i64 {
    overdue * 10 + open_major * 8 + days_since_visit.unwrap_or(365).min(365) / 30
}

/// The result of a random draw.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct Draw {
    pub seed: i64,
    pub school_ids: Vec<i64>,
    pub inspector_ids: Vec<i64>,
}

/// Picks `n` of `candidates` at random, determined entirely by `seed` (a Fisher–Yates shuffle
/// driven by SplitMix64), so a recorded seed replays the same draw. Candidates are sorted first
/// so the order they come in does not matter.
pub fn draw(seed: i64, candidates: &[i64], n: usize) -> Vec<i64> {
    let mut v = candidates.to_vec();
    v.sort_unstable();
    v.dedup();
    let mut state = seed as u64;
    let mut next = || {
        state = state.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = state;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    };
    let n = n.min(v.len());
    for i in 0..n {
        let span = (v.len() - i) as u64;
        let j = i + (next() % span) as usize;
        v.swap(i, j);
    }
    v.truncate(n);
    v
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_recorded_seed_replays_the_same_draw_whatever_the_candidate_order() {
        let a = draw(42, &[5, 1, 9, 3, 7], 3);
        let b = draw(42, &[9, 7, 5, 3, 1], 3);
        assert_eq!(a, b);
        assert_eq!(a.len(), 3);
        let mut unique = a.clone();
        unique.dedup();
        assert_eq!(unique.len(), 3, "no school drawn twice");
    }

    #[test]
    fn different_seeds_draw_differently_and_never_more_than_there_are() {
        let all: Vec<i64> = (1..=30).collect();
        assert_ne!(draw(1, &all, 5), draw(2, &all, 5));
        assert_eq!(draw(7, &[1, 2], 5).len(), 2);
    }

    #[test]
    fn overdue_hazards_rank_a_school_above_a_long_unvisited_one() {
        assert!(risk_score(2, 0, Some(10)) > risk_score(0, 0, None));
        assert!(risk_score(0, 1, Some(0)) > risk_score(0, 0, Some(60)));
    }
}
