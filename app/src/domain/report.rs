//! Reporting periods (10 China days each) and the three official statistical tables: what they
//! count, their rows (学校, 幼儿园, 合计) and how a school's numbers roll up. Every number comes
//! from the ledger; this module only shapes and sums them.

use chrono::{Days, NaiveDate};
use serde::{Deserialize, Serialize};

/// The kinds of enforcement measure the notice names (table 2); configurable.
pub const DEFAULT_MEASURE_KINDS: &[&str] =
    &["责令限期整改", "责令停止使用", "责令停课整顿", "查封/暂扣", "其他"];

/// The kinds of accountability action the notice names (table 3); configurable.
pub const DEFAULT_ACTION_KINDS: &[&str] = &[
    "约谈",
    "通报批评",
    "诫勉谈话",
    "党纪政务处分",
    "组织处理",
    "移送司法机关",
    "曝光典型问题隐患",
];

/// Days in one reporting period.
pub const PERIOD_DAYS: u64 = 10;

/// China days `[from, until)`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct Window {
    pub from: NaiveDate,
    /// The first day after the window.
    pub until: NaiveDate,
}

impl Window {
    pub fn last_day(self) -> NaiveDate {
        self.until.pred_opt().unwrap_or(self.until)
    }

    pub fn contains(self, day: NaiveDate) -> bool {
        self.from <= day && day < self.until
    }

    /// The same days a year earlier (29 February becomes 28 February).
    pub fn a_year_earlier(self) -> Window {
        let back = |d: NaiveDate| d.checked_sub_months(chrono::Months::new(12)).unwrap_or(d);
        Window { from: back(self.from), until: back(self.until) }
    }
}

/// Period `n` (from 1) of a cycle whose first day is `start`: days `[start + 10(n−1), start + 10n)`.
pub fn period(start: NaiveDate, n: u32) -> Option<Window> {
    if n == 0 {
        return None;
    }
    let from = start.checked_add_days(Days::new(PERIOD_DAYS * u64::from(n - 1)))?;
    let until = from.checked_add_days(Days::new(PERIOD_DAYS))?;
    Some(Window { from, until })
}

/// The period a China day falls in; None before the cycle starts.
pub fn period_of(start: NaiveDate, day: NaiveDate) -> Option<u32> {
    let days = (day - start).num_days();
    if days < 0 {
        return None;
    }
    u32::try_from(days / PERIOD_DAYS as i64 + 1).ok()
}

/// A period's report is due on the first day after it (by the end of that day).
pub fn period_due(start: NaiveDate, n: u32) -> Option<NaiveDate> {
    period(start, n).map(|w| w.until)
}

/// The periods whose reports are due on or before `today` and that end by `last_day`: 1..=N.
pub fn periods_due(start: NaiveDate, last_day: NaiveDate, today: NaiveDate) -> u32 {
    let mut n = 0;
    while let Some(w) = period(start, n + 1) {
        if w.until > today || w.from > last_day {
            break;
        }
        n += 1;
    }
    n
}

/// Which days a table covers: one period, or everything from the cycle's start through a period
/// (or through today).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Span {
    Period(u32),
    Cumulative,
}

impl Span {
    /// `3` or `cumulative` (as in `?period=`); absent means cumulative.
    pub fn parse(s: Option<&str>) -> Option<Span> {
        match s.map(str::trim) {
            None | Some("" | "cumulative" | "all") => Some(Span::Cumulative),
            Some(n) => n.parse::<u32>().ok().filter(|n| *n >= 1).map(Span::Period),
        }
    }

    /// The days covered, for a cycle starting `start`; cumulative runs up to and including `today`.
    pub fn window(self, start: NaiveDate, today: NaiveDate) -> Option<Window> {
        match self {
            Span::Period(n) => period(start, n),
            Span::Cumulative => Some(Window { from: start, until: today.succ_opt()?.max(start) }),
        }
    }
}

/// Which date of a hazard's loop a ledger filter's `from`/`to` (inclusive China days) apply to,
/// so that every number of table 1 opens the hazards behind it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Stage {
    /// Found between `from` and `to` (the default).
    Found,
    /// Plan first recorded between them.
    Planned,
    /// Rectification first submitted between them.
    Rectified,
    Closed,
    Voided,
    /// Open at the start of `from`.
    OpenAtStart,
    /// Open at the end of `to`.
    OpenAtEnd,
    /// Open at the end of `to` and past the deadline by then.
    OverdueAtEnd,
}

impl Stage {
    pub const ALL: [Stage; 8] = [
        Stage::Found,
        Stage::Planned,
        Stage::Rectified,
        Stage::Closed,
        Stage::Voided,
        Stage::OpenAtStart,
        Stage::OpenAtEnd,
        Stage::OverdueAtEnd,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Stage::Found => "found",
            Stage::Planned => "planned",
            Stage::Rectified => "rectified",
            Stage::Closed => "closed",
            Stage::Voided => "voided",
            Stage::OpenAtStart => "open_at_start",
            Stage::OpenAtEnd => "open_at_end",
            Stage::OverdueAtEnd => "overdue_at_end",
        }
    }

    pub fn parse(s: &str) -> Option<Stage> {
        Stage::ALL.into_iter().find(|x| x.as_str() == s)
    }
}

/// The rows of every table.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Group {
    School,
    Kindergarten,
    Total,
}

impl Group {
    pub fn of(school_type: super::SchoolType) -> Group {
        if school_type == super::SchoolType::Kindergarten {
            Group::Kindergarten
        } else {
            Group::School
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Group::School => "school",
            Group::Kindergarten => "kindergarten",
            Group::Total => "total",
        }
    }

    pub fn parse(s: &str) -> Option<Group> {
        [Group::School, Group::Kindergarten, Group::Total].into_iter().find(|g| g.as_str() == s)
    }

    pub fn zh(self) -> &'static str {
        match self {
            Group::School => "学校",
            Group::Kindergarten => "幼儿园",
            Group::Total => "合计",
        }
    }
}

/// Table 1 (隐患排查整改销号统计表) for one institution or one row.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct HazardStats {
    /// Institutions with at least one inspection submitted in the window.
    pub inspected: i64,
    pub self_checks: i64,
    pub supervisions: i64,
    pub unannounced: i64,
    /// Open when the window began.
    pub open_at_start: i64,
    pub found_general: i64,
    pub found_major: i64,
    /// Rectification first submitted for review in the window.
    pub rectified: i64,
    /// Closed (销号) in the window.
    pub closed: i64,
    /// Voided in the window.
    pub voided: i64,
    /// Open when the window ended.
    pub open_at_end: i64,
    /// Open when the window ended and past their deadline by then.
    pub overdue_open: i64,
    /// Of the hazards found in the window, how many were closed by its end, and how many voided.
    pub found_closed_by_end: i64,
    pub found_voided_by_end: i64,
    /// Funds committed by rectification plans recorded in the window, in fen.
    pub funds_cents: i64,
}

impl HazardStats {
    pub fn found(&self) -> i64 {
        self.found_general + self.found_major
    }

    /// Closed by the window's end, per cent of the (not voided) hazards it found; None when it
    /// found none. One decimal.
    pub fn closure_rate(&self) -> Option<f64> {
        let base = self.found() - self.found_voided_by_end;
        (base > 0).then(|| (1000.0 * self.found_closed_by_end as f64 / base as f64).round() / 10.0)
    }

    /// open at start + found − closed − voided = open at end.
    pub fn reconciles(&self) -> bool {
        self.open_at_start + self.found() - self.closed - self.voided == self.open_at_end
    }

    pub fn add(&mut self, o: &HazardStats) {
        self.inspected += o.inspected;
        self.self_checks += o.self_checks;
        self.supervisions += o.supervisions;
        self.unannounced += o.unannounced;
        self.open_at_start += o.open_at_start;
        self.found_general += o.found_general;
        self.found_major += o.found_major;
        self.rectified += o.rectified;
        self.closed += o.closed;
        self.voided += o.voided;
        self.open_at_end += o.open_at_end;
        self.overdue_open += o.overdue_open;
        self.found_closed_by_end += o.found_closed_by_end;
        self.found_voided_by_end += o.found_voided_by_end;
        self.funds_cents += o.funds_cents;
    }
}

/// Tables 2 and 3 for one institution or one row: counts per kind (in the table's column order),
/// institutions affected and persons concerned.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct KindStats {
    pub by_kind: Vec<i64>,
    pub total: i64,
    /// Institutions with at least one record in the window.
    pub institutions: i64,
    pub persons: i64,
}

impl KindStats {
    pub fn zero(kinds: usize) -> KindStats {
        KindStats { by_kind: vec![0; kinds], ..KindStats::default() }
    }

    pub fn add(&mut self, o: &KindStats) {
        if self.by_kind.len() < o.by_kind.len() {
            self.by_kind.resize(o.by_kind.len(), 0);
        }
        for (a, b) in self.by_kind.iter_mut().zip(&o.by_kind) {
            *a += b;
        }
        self.total += o.total;
        self.institutions += o.institutions;
        self.persons += o.persons;
    }
}

/// One institution's line of a table.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct Line<T> {
    pub school_id: Option<i64>,
    pub name: String,
    pub group: Group,
    pub stats: T,
}

/// Sums institutions' lines into the three rows 学校, 幼儿园, 合计 (in that order).
pub fn roll_up<T: Clone>(
    lines: &[Line<T>],
    zero: impl Fn() -> T,
    add: impl Fn(&mut T, &T),
) -> Vec<Line<T>> {
    let mut rows: Vec<Line<T>> = [Group::School, Group::Kindergarten, Group::Total]
        .into_iter()
        .map(|g| Line { school_id: None, name: g.zh().to_owned(), group: g, stats: zero() })
        .collect();
    for l in lines {
        let i = if l.group == Group::Kindergarten { 1 } else { 0 };
        add(&mut rows[i].stats, &l.stats);
        add(&mut rows[2].stats, &l.stats);
    }
    rows
}

/// The columns of a kind table: the configured kinds, then any other kind found in the records
/// (a kind removed from the configuration is still counted, never dropped).
pub fn kind_columns(configured: &[String], seen: &[String]) -> Vec<String> {
    let mut cols = configured.to_vec();
    for k in seen {
        if !cols.contains(k) {
            cols.push(k.clone());
        }
    }
    cols
}

/// A campaign as the reporting pages show it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct CampaignInfo {
    pub id: i64,
    pub bureau_name: String,
    pub plan: super::campaign::CampaignPlan,
    /// The period `today` falls in, if the cycle has begun and the campaign has not ended.
    pub current_period: Option<u32>,
    /// Periods that have begun (1..=n), for the period pickers.
    pub periods_begun: u32,
    pub today: NaiveDate,
}

/// What a table covers.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct TableHeader {
    pub campaign_id: i64,
    pub campaign_name: String,
    /// The reporting unit (填报单位): the caller's bureau, or the school.
    pub unit: String,
    /// The period number, or None for cumulative to date.
    pub period: Option<u32>,
    pub window: Window,
    pub generated_on: NaiveDate,
}

/// Table 1, 隐患排查整改销号统计表.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct HazardTable {
    pub header: TableHeader,
    /// 学校, 幼儿园, 合计.
    pub rows: Vec<Line<HazardStats>>,
    /// Each institution in scope.
    pub institutions: Vec<Line<HazardStats>>,
}

/// Table 2 (行政强制措施统计表, category `measure`) or 3 (责任追究统计表, category `action`).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct KindTable {
    pub header: TableHeader,
    pub category: String,
    /// The columns of `by_kind`.
    pub kinds: Vec<String>,
    pub rows: Vec<Line<KindStats>>,
    /// Institutions with at least one record in the window.
    pub institutions: Vec<Line<KindStats>>,
}

/// What a school submits during a campaign.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum SubmissionKind {
    /// The 10-day report of period `seq`.
    Period,
    /// Stage report `seq`.
    Stage,
    /// The final summary (`seq` 1).
    Final,
}

impl SubmissionKind {
    pub fn as_str(self) -> &'static str {
        match self {
            SubmissionKind::Period => "period",
            SubmissionKind::Stage => "stage",
            SubmissionKind::Final => "final",
        }
    }

    pub fn parse(s: &str) -> Option<SubmissionKind> {
        [SubmissionKind::Period, SubmissionKind::Stage, SubmissionKind::Final]
            .into_iter()
            .find(|k| k.as_str() == s)
    }
}

/// One thing a school owes: from when it can be filed and by when.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct DueItem {
    pub kind: SubmissionKind,
    pub seq: u32,
    pub opens_on: NaiveDate,
    pub due_on: NaiveDate,
}

/// Where a school stands on one due item.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum DueState {
    OnTime,
    Late,
    /// Past its due day and not filed.
    Missing,
    /// Not filed, not yet due.
    Pending,
}

impl DueItem {
    /// A period's report opens on its last day and is due the day after; stage reports and the
    /// final summary open when the campaign starts.
    pub fn all(plan: &super::campaign::CampaignPlan) -> Vec<DueItem> {
        let mut items = Vec::new();
        let mut n = 1;
        while let Some(w) = period(plan.reporting_starts_on, n) {
            if w.from > plan.ends_on {
                break;
            }
            items.push(DueItem {
                kind: SubmissionKind::Period,
                seq: n,
                opens_on: w.last_day(),
                due_on: w.until,
            });
            n += 1;
        }
        for (seq, due) in (1..).zip(&plan.stage_reports_due) {
            items.push(DueItem {
                kind: SubmissionKind::Stage,
                seq,
                opens_on: plan.starts_on,
                due_on: *due,
            });
        }
        items.push(DueItem {
            kind: SubmissionKind::Final,
            seq: 1,
            opens_on: plan.starts_on,
            due_on: plan.final_summary_due,
        });
        items
    }

    pub fn is_open(&self, today: NaiveDate) -> bool {
        self.opens_on <= today
    }

    /// On time when filed (China day) by the due day; late after; missing when the due day has
    /// passed without it.
    pub fn state(&self, filed_on: Option<NaiveDate>, today: NaiveDate) -> DueState {
        match filed_on {
            Some(d) if d <= self.due_on => DueState::OnTime,
            Some(_) => DueState::Late,
            None if today > self.due_on => DueState::Missing,
            None => DueState::Pending,
        }
    }
}

/// A school's submission as filed.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct Submission {
    pub id: String,
    pub campaign_id: i64,
    pub school_id: i64,
    pub school_name: String,
    pub kind: SubmissionKind,
    pub seq: u32,
    pub note: String,
    /// A period report's statistics, frozen as filed.
    pub numbers: Option<HazardStats>,
    pub attachments: Vec<String>,
    pub submitted_by: String,
    pub submitted_at: chrono::DateTime<chrono::Utc>,
    pub state: DueState,
}

/// What a school files (the statistics are filled in by the server from the ledger).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct SubmissionInput {
    pub campaign_id: i64,
    pub kind: SubmissionKind,
    pub seq: u32,
    #[serde(default)]
    pub note: String,
    #[serde(default)]
    pub attachments: Vec<String>,
}

/// One school's row of the submissions matrix.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct MatrixRow {
    pub school_id: i64,
    pub name: String,
    /// One per item of the matrix, in its order: the state and the submission's id when filed.
    pub cells: Vec<(DueState, Option<String>)>,
}

/// Schools × due items (those open by today), for office; one row (the caller's school) for a
/// principal, with the statistics the next report would carry.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct SubmissionMatrix {
    pub campaign: CampaignInfo,
    pub items: Vec<DueItem>,
    pub rows: Vec<MatrixRow>,
    /// Per item: how many schools are on time, late, missing, pending.
    pub totals: Vec<[i64; 4]>,
}

/// The office dashboard.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct Dashboard {
    pub campaign: Option<CampaignInfo>,
    /// (status, count) over every hazard in scope.
    pub by_status: Vec<(String, i64)>,
    pub overdue: i64,
    /// Per period begun: (period, found, closed by its end, closure rate).
    pub periods: Vec<(u32, i64, i64, Option<f64>)>,
    /// Schools with the most overdue hazards: (school id, name, overdue).
    pub most_overdue: Vec<(i64, String, i64)>,
    /// The latest due period report: its number and how many schools have not filed it.
    pub missing_reports: Option<(u32, i64)>,
    /// Campaign to date and the same days a year earlier: (accidents, injured, dead).
    pub accidents: (i64, i64, i64),
    pub accidents_last_year: (i64, i64, i64),
    pub accident_window: Option<Window>,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    #[test]
    fn period_n_covers_ten_days_from_start_plus_ten_n_minus_one() {
        let s = d(2026, 11, 3);
        assert_eq!(period(s, 1), Some(Window { from: d(2026, 11, 3), until: d(2026, 11, 13) }));
        assert_eq!(period(s, 3), Some(Window { from: d(2026, 11, 23), until: d(2026, 12, 3) }));
        assert_eq!(period(s, 0), None);
        let cases = [
            (d(2026, 11, 2), None),
            (d(2026, 11, 3), Some(1)),
            (d(2026, 11, 12), Some(1)),
            (d(2026, 11, 13), Some(2)),
            (d(2026, 12, 2), Some(3)),
            (d(2026, 12, 3), Some(4)),
        ];
        for (day, want) in cases {
            assert_eq!(period_of(s, day), want, "day {day}");
            if let Some(n) = want {
                assert!(period(s, n).unwrap().contains(day), "period {n} contains {day}");
            }
        }
    }

    #[test]
    fn a_period_is_due_the_day_after_it_and_only_finished_periods_are_due() {
        let s = d(2026, 11, 3);
        assert_eq!(period_due(s, 1), Some(d(2026, 11, 13)));
        assert_eq!(periods_due(s, d(2027, 1, 1), d(2026, 11, 12)), 0);
        assert_eq!(periods_due(s, d(2027, 1, 1), d(2026, 11, 13)), 1);
        assert_eq!(periods_due(s, d(2027, 1, 1), d(2026, 11, 28)), 2);
        // The cycle stops with the campaign's last day.
        assert_eq!(periods_due(s, d(2026, 11, 20), d(2027, 3, 1)), 2);
    }

    #[test]
    fn spans_parse_and_cover_the_right_days() {
        let s = d(2026, 11, 3);
        assert_eq!(Span::parse(None), Some(Span::Cumulative));
        assert_eq!(Span::parse(Some("2")), Some(Span::Period(2)));
        assert_eq!(Span::parse(Some("0")), None);
        assert_eq!(Span::parse(Some("x")), None);
        let today = d(2026, 11, 28);
        assert_eq!(
            Span::Cumulative.window(s, today),
            Some(Window { from: s, until: d(2026, 11, 29) })
        );
        assert_eq!(Span::Period(2).window(s, today), period(s, 2));
        assert_eq!(
            Window { from: d(2028, 2, 29), until: d(2028, 3, 10) }.a_year_earlier(),
            Window { from: d(2027, 2, 28), until: d(2027, 3, 10) }
        );
    }

    #[test]
    fn rows_sum_schools_and_kindergartens_and_the_rate_ignores_voided_hazards() {
        let line = |g, found, closed| Line {
            school_id: Some(1),
            name: String::new(),
            group: g,
            stats: HazardStats {
                found_general: found,
                found_closed_by_end: closed,
                open_at_end: found - closed,
                ..HazardStats::default()
            },
        };
        let rows = roll_up(
            &[
                line(Group::School, 3, 1),
                line(Group::Kindergarten, 2, 2),
                line(Group::School, 1, 0),
            ],
            HazardStats::default,
            HazardStats::add,
        );
        assert_eq!(rows.iter().map(|r| r.stats.found()).collect::<Vec<_>>(), [4, 2, 6]);
        assert_eq!(rows[2].name, "合计");
        assert_eq!(rows[1].stats.closure_rate(), Some(100.0));
        assert_eq!(rows[0].stats.closure_rate(), Some(25.0));
        let voided = HazardStats {
            found_general: 3,
            found_voided_by_end: 1,
            found_closed_by_end: 1,
            ..HazardStats::default()
        };
        assert_eq!(voided.closure_rate(), Some(50.0));
        assert_eq!(HazardStats::default().closure_rate(), None);
    }

    #[test]
    fn due_items_open_and_fall_due_as_the_notice_says() {
        let plan = crate::domain::campaign::seed_campaign_around(d(2026, 11, 28));
        let items = DueItem::all(&plan);
        let first = items[0];
        assert_eq!(first.kind, SubmissionKind::Period);
        assert_eq!(first.due_on, plan.reporting_starts_on + Days::new(10));
        assert_eq!(first.opens_on, plan.reporting_starts_on + Days::new(9));
        assert_eq!(items.iter().filter(|i| i.kind == SubmissionKind::Stage).count(), 2);
        assert_eq!(items.last().map(|i| i.kind), Some(SubmissionKind::Final));
        let due = first.due_on;
        let cases = [
            (Some(due), due + Days::new(5), DueState::OnTime),
            (Some(due - Days::new(1)), due, DueState::OnTime),
            (Some(due + Days::new(1)), due + Days::new(1), DueState::Late),
            (None, due, DueState::Pending),
            (None, due + Days::new(1), DueState::Missing),
        ];
        for (filed, today, want) in cases {
            assert_eq!(first.state(filed, today), want, "filed {filed:?} today {today}");
        }
    }

    #[test]
    fn kind_columns_keep_kinds_no_longer_configured() {
        let cfg = vec!["约谈".to_owned(), "通报批评".to_owned()];
        assert_eq!(
            kind_columns(&cfg, &["约谈".into(), "旧类别".into()]),
            ["约谈", "通报批评", "旧类别"]
        );
    }
}
