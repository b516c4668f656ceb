//! Campaigns (大会战) and their phases, with the seed notice's campaign as the built-in example.

use chrono::{Days, NaiveDate};
use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct PhasePlan {
    pub name: String,
    pub starts_on: NaiveDate,
    pub ends_on: NaiveDate,
    pub expectations: String,
}

/// A campaign as it is first set up; the database gives it an id.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct CampaignPlan {
    pub name: String,
    pub starts_on: NaiveDate,
    pub ends_on: NaiveDate,
    /// Day 1 of the first 10-day reporting period.
    pub reporting_starts_on: NaiveDate,
    pub stage_reports_due: Vec<NaiveDate>,
    pub final_summary_due: NaiveDate,
    pub phases: Vec<PhasePlan>,
}

fn ymd(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).expect("a valid calendar date in the seed notice")
}

/// The winter–spring campaign of the seed notice (2018-11-21 to 2019-05-10), every date moved by
/// the same number of days so that `today` falls 29 days into phase 2 (自查自改): the last day of the
/// third 10-day period, whose report opens today. The demo uses it so that a fresh install looks
/// like a campaign in progress with a report to file.
pub fn seed_campaign_around(today: NaiveDate) -> CampaignPlan {
    let phase2_start = ymd(2018, 11, 26);
    let target = today - Days::new(29);
    let shift = |d: NaiveDate| d + (target - phase2_start);
    CampaignPlan {
        name: "教育系统冬春安全整治大会战".into(),
        starts_on: shift(ymd(2018, 11, 21)),
        ends_on: shift(ymd(2019, 5, 10)),
        reporting_starts_on: shift(ymd(2018, 11, 26)),
        stage_reports_due: vec![shift(ymd(2018, 12, 19)), shift(ymd(2019, 3, 20))],
        final_summary_due: shift(ymd(2019, 4, 22)),
        phases: vec![
            PhasePlan {
                name: "第一阶段：制定方案，全面部署，广泛动员".into(),
                starts_on: shift(ymd(2018, 11, 21)),
                ends_on: shift(ymd(2018, 11, 26)),
                expectations: "结合实际制定实施方案，成立机构，明确任务，落实责任；报送实施方案和本阶段工作情况。".into(),
            },
            PhasePlan {
                name: "第二阶段：自查自改，深入检查，全面整治".into(),
                starts_on: shift(ymd(2018, 11, 26)),
                ends_on: shift(ymd(2019, 4, 20)),
                expectations: "全面自查，建立隐患清单，登记造册；边查边改，落实整改责任、措施、资金、时限、预案；每10天报送统计报表和进展情况。".into(),
            },
            PhasePlan {
                name: "第三阶段：总结经验，完善机制，巩固提高".into(),
                starts_on: shift(ymd(2019, 4, 21)),
                ends_on: shift(ymd(2019, 5, 10)),
                expectations: "研判突出问题，逐条逐项整改到位；总结典型经验，建立长效机制；报送工作总结。".into(),
            },
        ],
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_shifted_seed_campaign_puts_today_in_phase_two_and_keeps_its_shape() {
        let today = ymd(2026, 11, 28);
        let c = seed_campaign_around(today);
        let p2 = &c.phases[1];
        assert!(p2.starts_on <= today && today <= p2.ends_on);
        assert_eq!(
            (c.ends_on - c.starts_on).num_days(),
            (ymd(2019, 5, 10) - ymd(2018, 11, 21)).num_days()
        );
        assert_eq!(c.phases.len(), 3);
        assert!(c.stage_reports_due.iter().all(|d| *d > c.starts_on && *d < c.ends_on));
    }
}
