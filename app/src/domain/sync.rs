//! What a phone keeps to work offline: `GET /api/v1/changes?since=` answers everything in the
//! caller's scope that changed since a cursor, and the phone merges it into its local copy.

use super::account::Me;
use super::checklist::Checklist;
use super::hazard::{DeadlinePolicy, HazardDetail};
use super::inspection::Inspection;
use super::org::SchoolSummary;
use super::plan::Plan;
use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct ChangeSet {
    /// Pass this back as `since` next time.
    pub cursor: DateTime<Utc>,
    pub me: Me,
    /// Always whole: the schools in scope.
    pub schools: Vec<SchoolSummary>,
    /// Always whole: the published templates the caller inspects with (the county's newest and
    /// schools' own items in scope).
    pub checklists: Vec<Checklist>,
    /// Changed since the cursor (all visible ones when there is none; at most 100).
    pub inspections: Vec<Inspection>,
    /// Changed since the cursor (all open ones and those changed in the last 30 days when there
    /// is none; at most 300).
    pub hazards: Vec<HazardDetail>,
    /// Bureau roles only; never for a school.
    pub plans: Vec<Plan>,
    pub deadlines: DeadlinePolicy,
    pub today: NaiveDate,
}
