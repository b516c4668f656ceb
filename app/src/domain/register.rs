//! Registers kept beside the hazard ledger: enforcement measures (行政强制措施) and accountability
//! actions (责任追究), the signed responsibility list (安全责任清单), activity logs (宣传 and 警示教育)
//! with their compliance rules, and the accident register. Inputs are parsed once, here, by the
//! same code in the browser and on the server.

use chrono::{DateTime, Datelike, Days, NaiveDate, Utc, Weekday};
use serde::{Deserialize, Serialize};

/// Longest free text (notes, summaries).
pub const MAX_TEXT: usize = 2000;
/// Longest short text (a name, a document number, a title, one duty).
pub const MAX_LINE: usize = 200;
/// Most entries in a list (persons, duties, items, photos, linked hazards).
pub const MAX_ENTRIES: usize = 50;
/// Most attachments of one record.
pub const MAX_PHOTOS: usize = 12;
/// A number of injured or dead above this is a typing error, not an accident.
pub const MAX_CASUALTIES: u32 = 10_000;

/// Why a register entry was refused; each has a sentence in the user's language. All are 422
/// except the two conflicts, which are 409.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum RegisterProblem {
    /// The kind is not one of the configured kinds.
    UnknownKind,
    /// A date after today (China).
    DateInFuture,
    /// A linked hazard that is not this school's.
    HazardOfOtherSchool,
    /// The title (list, activity) is empty.
    TitleMissing,
    /// The accident summary is empty.
    SummaryMissing,
    /// A responsibility list without duties.
    DutiesMissing,
    /// Signing without the school's own items.
    SchoolItemsMissing,
    /// A text longer than allowed.
    TextTooLong,
    /// Too many entries in a list.
    TooManyEntries,
    /// Injured or dead beyond any plausible number.
    CountTooLarge,
    /// An activity without its evidence photo.
    PhotoMissing,
    /// Signing without a drawn signature.
    SignatureMissing,
    /// Signing a list that a newer one has replaced.
    ListReplaced,
    /// Nothing has been published yet to sign.
    NoList,
    /// This id already holds a different record (409).
    DifferentRecord,
    /// The school has signed this list with different content (409).
    AlreadySigned,
}

impl RegisterProblem {
    pub fn code(self) -> &'static str {
        match self {
            RegisterProblem::UnknownKind => "unknown_kind",
            RegisterProblem::DateInFuture => "date_in_future",
            RegisterProblem::HazardOfOtherSchool => "hazard_of_other_school",
            RegisterProblem::TitleMissing => "title_missing",
            RegisterProblem::SummaryMissing => "summary_missing",
            RegisterProblem::DutiesMissing => "duties_missing",
            RegisterProblem::SchoolItemsMissing => "school_items_missing",
            RegisterProblem::TextTooLong => "text_too_long",
            RegisterProblem::TooManyEntries => "too_many_entries",
            RegisterProblem::CountTooLarge => "count_too_large",
            RegisterProblem::PhotoMissing => "photo_missing",
            RegisterProblem::SignatureMissing => "signature_missing",
            RegisterProblem::ListReplaced => "list_replaced",
            RegisterProblem::NoList => "no_list",
            RegisterProblem::DifferentRecord => "different_record",
            RegisterProblem::AlreadySigned => "already_signed",
        }
    }

    /// A conflict with what is stored (409) rather than a broken rule (422).
    pub fn is_conflict(self) -> bool {
        matches!(self, RegisterProblem::DifferentRecord | RegisterProblem::AlreadySigned)
    }
}

type Parsed<T> = Result<T, RegisterProblem>;

/// One line of text: trimmed, inner line breaks folded to spaces (so a numbered canonical text
/// stays unambiguous), at most `max` characters.
fn line(s: &str, max: usize) -> Parsed<String> {
    let t = s.split_whitespace().collect::<Vec<_>>().join(" ");
    if t.chars().count() > max { Err(RegisterProblem::TextTooLong) } else { Ok(t) }
}

/// Free text: trimmed, at most [`MAX_TEXT`] characters.
fn text(s: &str) -> Parsed<String> {
    let t = s.trim();
    if t.chars().count() > MAX_TEXT { Err(RegisterProblem::TextTooLong) } else { Ok(t.to_owned()) }
}

/// Lines, blank ones dropped, at most [`MAX_ENTRIES`].
fn lines(v: &[String]) -> Parsed<Vec<String>> {
    let out: Vec<String> = v
        .iter()
        .map(|s| line(s, MAX_LINE))
        .filter(|r| !matches!(r, Ok(s) if s.is_empty()))
        .collect::<Parsed<_>>()?;
    if out.len() > MAX_ENTRIES { Err(RegisterProblem::TooManyEntries) } else { Ok(out) }
}

/// Photo addresses, each once, at most [`MAX_PHOTOS`].
fn photos(v: &[String]) -> Parsed<Vec<String>> {
    let mut out: Vec<String> = Vec::with_capacity(v.len());
    for p in v.iter().map(|p| p.trim().to_owned()).filter(|p| !p.is_empty()) {
        if !out.contains(&p) {
            out.push(p);
        }
    }
    if out.len() > MAX_PHOTOS { Err(RegisterProblem::TooManyEntries) } else { Ok(out) }
}

/// Text with one entry a line (or separated by commas, Chinese or ASCII), as a form sends it.
pub fn split_entries(s: &str) -> Vec<String> {
    s.split(['\n', ',', '，', '、', ';', '；'])
        .map(str::trim)
        .filter(|x| !x.is_empty())
        .map(str::to_owned)
        .collect()
}

// ---- Enforcement measures and accountability actions ----

/// 行政强制措施 (`measure`, table 2) or 责任追究 (`action`, table 3).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Category {
    Measure,
    Action,
}

impl Category {
    pub const ALL: [Category; 2] = [Category::Measure, Category::Action];

    pub fn as_str(self) -> &'static str {
        match self {
            Category::Measure => "measure",
            Category::Action => "action",
        }
    }

    pub fn parse(s: &str) -> Option<Category> {
        Category::ALL.into_iter().find(|c| c.as_str() == s)
    }
}

/// The body of `PUT /api/v1/enforcement/{id}`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct EnforcementInput {
    pub category: Category,
    /// One of the configured kinds of the category, e.g. 责令限期整改 or 约谈.
    pub kind: String,
    pub school_id: i64,
    /// A hazard of that school the record is about.
    #[serde(default)]
    pub hazard_id: Option<uuid::Uuid>,
    /// The names of the persons concerned.
    #[serde(default)]
    pub persons: Vec<String>,
    /// The China day it was taken; not after today.
    pub taken_on: NaiveDate,
    /// 文号, the document number.
    #[serde(default)]
    pub doc_no: String,
    #[serde(default)]
    pub note: String,
    /// Photos (SHA-256 addresses) the caller uploaded.
    #[serde(default)]
    pub attachments: Vec<String>,
}

/// An enforcement record that passed every rule that needs no database.
#[derive(Clone, Debug, PartialEq)]
pub struct Enforcement {
    category: Category,
    kind: String,
    school_id: i64,
    hazard_id: Option<String>,
    persons: Vec<String>,
    taken_on: NaiveDate,
    doc_no: String,
    note: String,
    attachments: Vec<String>,
}

impl Enforcement {
    /// `kinds` are the configured kinds of the input's category; `today` is the China date.
    pub fn parse(i: &EnforcementInput, kinds: &[String], today: NaiveDate) -> Parsed<Enforcement> {
        let kind = i.kind.trim();
        if !kinds.iter().any(|k| k == kind) {
            return Err(RegisterProblem::UnknownKind);
        }
        if i.taken_on > today {
            return Err(RegisterProblem::DateInFuture);
        }
        Ok(Enforcement {
            category: i.category,
            kind: kind.to_owned(),
            school_id: i.school_id,
            hazard_id: i.hazard_id.map(|h| h.to_string()),
            persons: lines(&i.persons)?,
            taken_on: i.taken_on,
            doc_no: line(&i.doc_no, MAX_LINE)?,
            note: text(&i.note)?,
            attachments: photos(&i.attachments)?,
        })
    }

    pub fn category(&self) -> Category {
        self.category
    }
    pub fn kind(&self) -> &str {
        &self.kind
    }
    pub fn school_id(&self) -> i64 {
        self.school_id
    }
    pub fn hazard_id(&self) -> Option<&str> {
        self.hazard_id.as_deref()
    }
    pub fn persons(&self) -> &[String] {
        &self.persons
    }
    pub fn taken_on(&self) -> NaiveDate {
        self.taken_on
    }
    pub fn doc_no(&self) -> &str {
        &self.doc_no
    }
    pub fn note(&self) -> &str {
        &self.note
    }
    pub fn attachments(&self) -> &[String] {
        &self.attachments
    }

    /// Whether a stored record says exactly this (a retried PUT), as opposed to another record
    /// under the same id.
    pub fn same_as(&self, r: &EnforcementRecord) -> bool {
        self.category == r.category
            && self.kind == r.kind
            && self.school_id == r.school_id
            && self.hazard_id == r.hazard_id
            && self.persons == r.persons
            && self.taken_on == r.taken_on
            && self.doc_no == r.doc_no
            && self.note == r.note
            && self.attachments == r.attachments
    }
}

/// A stored enforcement record.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct EnforcementRecord {
    pub id: String,
    pub category: Category,
    pub kind: String,
    pub school_id: i64,
    pub school_name: String,
    pub hazard_id: Option<String>,
    pub hazard_title: Option<String>,
    pub persons: Vec<String>,
    pub persons_count: i64,
    pub taken_on: NaiveDate,
    pub doc_no: String,
    pub note: String,
    pub attachments: Vec<String>,
    pub created_by_name: String,
    pub created_at: DateTime<Utc>,
}

/// The filters of `GET /api/v1/enforcement` (the statistical tables link here with them).
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::IntoParams))]
pub struct EnforcementFilter {
    pub category: Option<Category>,
    pub kind: Option<String>,
    pub school: Option<i64>,
    /// Taken on or after this China day.
    pub from: Option<NaiveDate>,
    /// Taken before this China day (exclusive).
    pub until: Option<NaiveDate>,
}

/// The matching records, newest first (at most [`LIST_LIMIT`]), with totals over all of them.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct EnforcementList {
    pub items: Vec<EnforcementRecord>,
    /// Records matching the filters.
    pub total: i64,
    /// Persons concerned, summed over the matching records.
    pub persons: i64,
    /// Distinct institutions concerned.
    pub institutions: i64,
}

/// Most records in one answer of a register list.
pub const LIST_LIMIT: i64 = 1000;

/// The body of `PUT /api/v1/hazards/{id}/typical`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct TypicalInput {
    pub typical: bool,
}

// ---- The responsibility list ----

/// The body of `PUT /api/v1/duties`: a new list for the caller's bureau.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct DutyListInput {
    pub title: String,
    /// One duty each, in order.
    pub duties: Vec<String>,
}

/// A list that passed the rules.
#[derive(Clone, Debug, PartialEq)]
pub struct DutyListDraft {
    title: String,
    duties: Vec<String>,
}

impl DutyListDraft {
    pub fn parse(i: &DutyListInput) -> Parsed<DutyListDraft> {
        let title = line(&i.title, MAX_LINE)?;
        if title.is_empty() {
            return Err(RegisterProblem::TitleMissing);
        }
        let duties = lines(&i.duties)?;
        if duties.is_empty() {
            return Err(RegisterProblem::DutiesMissing);
        }
        Ok(DutyListDraft { title, duties })
    }

    pub fn title(&self) -> &str {
        &self.title
    }
    pub fn duties(&self) -> &[String] {
        &self.duties
    }
}

/// The body of `POST /api/v1/duties/{id}/sign`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct SignInput {
    /// The school's own duties, one each, in order.
    pub school_items: Vec<String>,
    /// The drawn signature, uploaded as a photo (PNG or JPEG).
    #[serde(default)]
    pub signature: String,
}

/// A signature that passed the rules.
#[derive(Clone, Debug, PartialEq)]
pub struct Signing {
    school_items: Vec<String>,
    signature: String,
}

impl Signing {
    pub fn parse(i: &SignInput) -> Parsed<Signing> {
        let school_items = lines(&i.school_items)?;
        if school_items.is_empty() {
            return Err(RegisterProblem::SchoolItemsMissing);
        }
        let signature = i.signature.trim().to_owned();
        if signature.is_empty() {
            return Err(RegisterProblem::SignatureMissing);
        }
        Ok(Signing { school_items, signature })
    }

    pub fn school_items(&self) -> &[String] {
        &self.school_items
    }
    pub fn signature(&self) -> &str {
        &self.signature
    }
}

/// Exactly the text a principal signs, whose SHA-256 is kept with the signature: the list's
/// title, its duties numbered, the school's name, the school's own items numbered, and the
/// signer's name, one per line. Entries are single lines (see [`line`]), so the numbering cannot
/// be forged by an entry that contains a line break.
pub fn canonical_text(
    title: &str,
    duties: &[String],
    school: &str,
    school_items: &[String],
    signer: &str,
) -> String {
    let mut s = String::new();
    s.push_str("安全责任清单\n");
    s.push_str(&format!("标题：{title}\n"));
    s.push_str("责任条目：\n");
    for (i, d) in duties.iter().enumerate() {
        s.push_str(&format!("{}. {d}\n", i + 1));
    }
    s.push_str(&format!("学校：{school}\n"));
    s.push_str("本校责任：\n");
    for (i, d) in school_items.iter().enumerate() {
        s.push_str(&format!("{}. {d}\n", i + 1));
    }
    s.push_str(&format!("签字人：{signer}\n"));
    s
}

/// A published list.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct DutyList {
    pub id: i64,
    pub bureau_name: String,
    pub title: String,
    pub duties: Vec<String>,
    pub published_by_name: String,
    pub published_at: DateTime<Utc>,
}

/// A school's signed copy of a list.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct DutySignature {
    pub list_id: i64,
    pub school_id: i64,
    pub school_name: String,
    pub school_items: Vec<String>,
    pub signer_name: String,
    pub signed_at: DateTime<Utc>,
    /// SHA-256 of [`canonical_text`] as signed.
    pub content_sha: String,
    /// The drawn signature (a photo address).
    pub signature_sha: String,
}

/// A school that has not signed the current list.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct SchoolRef {
    pub id: i64,
    pub name: String,
}

/// `GET /api/v1/duties`: the current list of the caller's bureau (a principal: their school's
/// bureau), who has signed it and who has not (a principal: their own school only).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct DutiesView {
    pub list: Option<DutyList>,
    pub signed: Vec<DutySignature>,
    pub unsigned: Vec<SchoolRef>,
    /// For a principal: the school and the name the canonical text will carry.
    pub school_name: Option<String>,
    pub signer_name: Option<String>,
}

// ---- Activity logs ----

/// 宣传 (publicity post, ≥ 2 a week) or 警示教育 (warning-education screening, ≥ 1 a semester).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum ActivityKind {
    Publicity,
    Screening,
}

impl ActivityKind {
    pub const ALL: [ActivityKind; 2] = [ActivityKind::Publicity, ActivityKind::Screening];

    pub fn as_str(self) -> &'static str {
        match self {
            ActivityKind::Publicity => "publicity",
            ActivityKind::Screening => "screening",
        }
    }

    pub fn parse(s: &str) -> Option<ActivityKind> {
        ActivityKind::ALL.into_iter().find(|k| k.as_str() == s)
    }
}

/// The body of `PUT /api/v1/activities/{id}`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct ActivityInput {
    pub school_id: i64,
    pub kind: ActivityKind,
    pub held_on: NaiveDate,
    pub title: String,
    /// The evidence photo the caller uploaded.
    #[serde(default)]
    pub photo: String,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Activity {
    school_id: i64,
    kind: ActivityKind,
    held_on: NaiveDate,
    title: String,
    photo: String,
}

impl Activity {
    pub fn parse(i: &ActivityInput, today: NaiveDate) -> Parsed<Activity> {
        if i.held_on > today {
            return Err(RegisterProblem::DateInFuture);
        }
        let title = line(&i.title, MAX_LINE)?;
        if title.is_empty() {
            return Err(RegisterProblem::TitleMissing);
        }
        let photo = i.photo.trim().to_owned();
        if photo.is_empty() {
            return Err(RegisterProblem::PhotoMissing);
        }
        Ok(Activity { school_id: i.school_id, kind: i.kind, held_on: i.held_on, title, photo })
    }

    pub fn school_id(&self) -> i64 {
        self.school_id
    }
    pub fn kind(&self) -> ActivityKind {
        self.kind
    }
    pub fn held_on(&self) -> NaiveDate {
        self.held_on
    }
    pub fn title(&self) -> &str {
        &self.title
    }
    pub fn photo(&self) -> &str {
        &self.photo
    }

    pub fn same_as(&self, r: &ActivityRecord) -> bool {
        self.school_id == r.school_id
            && self.kind == r.kind
            && self.held_on == r.held_on
            && self.title == r.title
            && self.photo == r.photo
    }
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct ActivityRecord {
    pub id: String,
    pub school_id: i64,
    pub school_name: String,
    pub kind: ActivityKind,
    pub held_on: NaiveDate,
    pub title: String,
    pub photo: String,
    pub created_by_name: String,
    pub created_at: DateTime<Utc>,
}

/// The Monday of the week (Monday–Sunday) a day falls in.
pub fn week_start(day: NaiveDate) -> NaiveDate {
    day.week(Weekday::Mon).first_day()
}

/// A semester: China days `[from, until)`. Spring runs 1 February – 31 July, autumn 1 August –
/// 31 January (the winter holiday belongs to the autumn semester).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct Semester {
    pub from: NaiveDate,
    pub until: NaiveDate,
    /// The year the semester starts in, and whether it is the spring one.
    pub year: i32,
    pub spring: bool,
}

fn ymd(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap_or(NaiveDate::MIN)
}

pub fn semester_of(day: NaiveDate) -> Semester {
    let y = day.year();
    match day.month() {
        2..=7 => Semester { from: ymd(y, 2, 1), until: ymd(y, 8, 1), year: y, spring: true },
        1 => Semester { from: ymd(y - 1, 8, 1), until: ymd(y, 2, 1), year: y - 1, spring: false },
        _ => Semester { from: ymd(y, 8, 1), until: ymd(y + 1, 2, 1), year: y, spring: false },
    }
}

/// Publicity posts a week must have.
pub const POSTS_PER_WEEK: usize = 2;
/// Screenings a semester must have.
pub const SCREENINGS_PER_SEMESTER: usize = 1;

/// How a school keeps to the activity rules on a day.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct Compliance {
    pub semester: Semester,
    /// Publicity posts in the week containing `today` so far.
    pub this_week: u32,
    /// Whole weeks (Monday–Sunday) of the semester (from `since`, when later) that have ended.
    pub weeks_checked: u32,
    /// Of those, the weeks with at least two posts.
    pub weeks_met: u32,
    /// The Mondays of the weeks with fewer than two posts.
    pub weeks_missed: Vec<NaiveDate>,
    /// Screenings in the semester so far.
    pub screenings: u32,
    /// Every ended week had its two posts.
    pub publicity_ok: bool,
    /// The semester has had its screening.
    pub screening_ok: bool,
}

/// The rules over a school's activity days. Only weeks that lie wholly inside the semester (and
/// after `since`, e.g. the campaign's start) and have ended before `today` are judged: a week in
/// progress has not failed yet. The screening rule is met once the semester has one.
pub fn compliance(
    publicity: &[NaiveDate],
    screenings: &[NaiveDate],
    since: Option<NaiveDate>,
    today: NaiveDate,
) -> Compliance {
    let semester = semester_of(today);
    let start = since.map_or(semester.from, |s| s.max(semester.from));
    let this_monday = week_start(today);
    let this_week =
        publicity.iter().filter(|d| week_start(**d) == this_monday && **d <= today).count();
    let mut monday = week_start(start);
    if monday < start {
        monday = monday.checked_add_days(Days::new(7)).unwrap_or(NaiveDate::MAX);
    }
    let (mut checked, mut met, mut missed) = (0u32, 0u32, Vec::new());
    while let Some(next) = monday.checked_add_days(Days::new(7)) {
        // The week is judged when its Sunday is before today and inside the semester.
        if next > today || next > semester.until {
            break;
        }
        let posts = publicity.iter().filter(|d| monday <= **d && **d < next).count();
        checked += 1;
        if posts >= POSTS_PER_WEEK {
            met += 1;
        } else {
            missed.push(monday);
        }
        monday = next;
    }
    let screened = screenings
        .iter()
        .filter(|d| semester.from <= **d && **d < semester.until && **d <= today)
        .count();
    Compliance {
        semester,
        this_week: this_week as u32,
        weeks_checked: checked,
        weeks_met: met,
        publicity_ok: missed.is_empty(),
        weeks_missed: missed,
        screenings: screened as u32,
        screening_ok: screened >= SCREENINGS_PER_SEMESTER,
    }
}

/// One school's line of the compliance table.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct SchoolCompliance {
    pub school_id: i64,
    pub school_name: String,
    pub compliance: Compliance,
}

// ---- Accidents ----

/// What kind of accident. The notice names drowning, traffic, food and fire among the key
/// domains; the rest are the usual classes of student injury.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum AccidentKind {
    Drowning,
    Traffic,
    Fire,
    Food,
    Stampede,
    Fall,
    Violence,
    Other,
}

impl AccidentKind {
    pub const ALL: [AccidentKind; 8] = [
        AccidentKind::Drowning,
        AccidentKind::Traffic,
        AccidentKind::Fire,
        AccidentKind::Food,
        AccidentKind::Stampede,
        AccidentKind::Fall,
        AccidentKind::Violence,
        AccidentKind::Other,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            AccidentKind::Drowning => "drowning",
            AccidentKind::Traffic => "traffic",
            AccidentKind::Fire => "fire",
            AccidentKind::Food => "food",
            AccidentKind::Stampede => "stampede",
            AccidentKind::Fall => "fall",
            AccidentKind::Violence => "violence",
            AccidentKind::Other => "other",
        }
    }

    pub fn parse(s: &str) -> Option<AccidentKind> {
        AccidentKind::ALL.into_iter().find(|k| k.as_str() == s)
    }
}

/// The body of `PUT /api/v1/accidents/{id}`.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct AccidentInput {
    pub school_id: i64,
    pub occurred_on: NaiveDate,
    pub kind: AccidentKind,
    #[serde(default)]
    pub injured: u32,
    #[serde(default)]
    pub dead: u32,
    pub summary: String,
    /// Hazards of that school the accident is linked to.
    #[serde(default)]
    pub hazard_ids: Vec<uuid::Uuid>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Accident {
    school_id: i64,
    occurred_on: NaiveDate,
    kind: AccidentKind,
    injured: u32,
    dead: u32,
    summary: String,
    hazard_ids: Vec<String>,
}

impl Accident {
    pub fn parse(i: &AccidentInput, today: NaiveDate) -> Parsed<Accident> {
        if i.occurred_on > today {
            return Err(RegisterProblem::DateInFuture);
        }
        if i.injured > MAX_CASUALTIES || i.dead > MAX_CASUALTIES {
            return Err(RegisterProblem::CountTooLarge);
        }
        let summary = text(&i.summary)?;
        if summary.is_empty() {
            return Err(RegisterProblem::SummaryMissing);
        }
        let mut hazard_ids: Vec<String> = Vec::new();
        for h in &i.hazard_ids {
            let h = h.to_string();
            if !hazard_ids.contains(&h) {
                hazard_ids.push(h);
            }
        }
        if hazard_ids.len() > MAX_ENTRIES {
            return Err(RegisterProblem::TooManyEntries);
        }
        Ok(Accident {
            school_id: i.school_id,
            occurred_on: i.occurred_on,
            kind: i.kind,
            injured: i.injured,
            dead: i.dead,
            summary,
            hazard_ids,
        })
    }

    pub fn school_id(&self) -> i64 {
        self.school_id
    }
    pub fn occurred_on(&self) -> NaiveDate {
        self.occurred_on
    }
    pub fn kind(&self) -> AccidentKind {
        self.kind
    }
    pub fn injured(&self) -> u32 {
        self.injured
    }
    pub fn dead(&self) -> u32 {
        self.dead
    }
    pub fn summary(&self) -> &str {
        &self.summary
    }
    pub fn hazard_ids(&self) -> &[String] {
        &self.hazard_ids
    }

    pub fn same_as(&self, r: &AccidentRecord) -> bool {
        self.school_id == r.school_id
            && self.occurred_on == r.occurred_on
            && self.kind == r.kind
            && i64::from(self.injured) == r.injured
            && i64::from(self.dead) == r.dead
            && self.summary == r.summary
            && self.hazard_ids == r.hazard_ids
    }
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct AccidentRecord {
    pub id: String,
    pub school_id: i64,
    pub school_name: String,
    pub occurred_on: NaiveDate,
    pub kind: AccidentKind,
    pub injured: i64,
    pub dead: i64,
    pub summary: String,
    pub hazard_ids: Vec<String>,
    pub created_by_name: String,
    pub created_at: DateTime<Utc>,
}

/// The filters of `GET /api/v1/accidents` and `GET /api/v1/activities`.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::IntoParams))]
pub struct RegisterFilter {
    pub school: Option<i64>,
    /// On or after this China day.
    pub from: Option<NaiveDate>,
    /// Before this China day (exclusive).
    pub until: Option<NaiveDate>,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        s.parse().expect("date")
    }

    fn days(list: &[&str]) -> Vec<NaiveDate> {
        list.iter().map(|s| d(s)).collect()
    }

    #[test]
    fn weeks_run_monday_to_sunday() {
        // 2026-03-02 is a Monday.
        let cases = [
            ("2026-03-02", "2026-03-02"),
            ("2026-03-04", "2026-03-02"),
            ("2026-03-08", "2026-03-02"),
            ("2026-03-09", "2026-03-09"),
            ("2026-01-01", "2025-12-29"),
        ];
        for (day, monday) in cases {
            assert_eq!(week_start(d(day)), d(monday), "week of {day}");
        }
    }

    #[test]
    fn semesters_split_the_year_on_1_february_and_1_august() {
        let cases = [
            ("2026-02-01", "2026-02-01", "2026-08-01", true),
            ("2026-07-31", "2026-02-01", "2026-08-01", true),
            ("2026-08-01", "2026-08-01", "2027-02-01", false),
            ("2026-12-31", "2026-08-01", "2027-02-01", false),
            ("2027-01-31", "2026-08-01", "2027-02-01", false),
        ];
        for (day, from, until, spring) in cases {
            let s = semester_of(d(day));
            assert_eq!(
                (s.from, s.until, s.spring),
                (d(from), d(until), spring),
                "semester of {day}"
            );
        }
    }

    #[test]
    fn publicity_is_judged_on_whole_weeks_that_have_ended() {
        // Spring 2026 starts on a Sunday; the first whole week is 2–8 February.
        struct Case {
            name: &'static str,
            posts: Vec<NaiveDate>,
            since: Option<NaiveDate>,
            today: &'static str,
            checked: u32,
            met: u32,
            missed: Vec<NaiveDate>,
            this_week: u32,
        }
        let cases = [
            Case {
                name: "in the first week nothing is judged yet",
                posts: vec![],
                since: None,
                today: "2026-02-05",
                checked: 0,
                met: 0,
                missed: vec![],
                this_week: 0,
            },
            Case {
                name: "a week ends on Sunday: judged from the Monday after",
                posts: days(&["2026-02-02", "2026-02-08"]),
                since: None,
                today: "2026-02-09",
                checked: 1,
                met: 1,
                missed: vec![],
                this_week: 0,
            },
            Case {
                name: "on Sunday itself the week is still in progress",
                posts: days(&["2026-02-02"]),
                since: None,
                today: "2026-02-08",
                checked: 0,
                met: 0,
                missed: vec![],
                this_week: 1,
            },
            Case {
                name: "one post is not enough; posts of the next week do not count back",
                posts: days(&["2026-02-03", "2026-02-09", "2026-02-10", "2026-02-16"]),
                since: None,
                today: "2026-02-17",
                checked: 2,
                met: 1,
                missed: days(&["2026-02-02"]),
                this_week: 1,
            },
            Case {
                name: "the days before the semester's first whole week are not judged",
                posts: days(&["2026-01-31", "2026-02-01"]),
                since: None,
                today: "2026-02-09",
                checked: 1,
                met: 0,
                missed: days(&["2026-02-02"]),
                this_week: 0,
            },
            Case {
                name: "weeks before `since` (the campaign's start) are not judged",
                posts: days(&["2026-03-10", "2026-03-12"]),
                since: Some(d("2026-03-04")),
                today: "2026-03-16",
                checked: 1,
                met: 1,
                missed: vec![],
                this_week: 0,
            },
        ];
        for c in cases {
            let got = compliance(&c.posts, &[], c.since, d(c.today));
            assert_eq!(got.weeks_checked, c.checked, "{}: weeks checked", c.name);
            assert_eq!(got.weeks_met, c.met, "{}: weeks met", c.name);
            assert_eq!(got.weeks_missed, c.missed, "{}: weeks missed", c.name);
            assert_eq!(got.this_week, c.this_week, "{}: this week", c.name);
            assert_eq!(got.publicity_ok, c.missed.is_empty(), "{}: ok", c.name);
        }
    }

    #[test]
    fn a_semester_needs_one_screening_of_its_own() {
        let cases = [
            ("none", vec![], "2026-03-01", 0, false),
            ("one this semester", days(&["2026-02-20"]), "2026-03-01", 1, true),
            ("last semester's does not count", days(&["2026-01-20"]), "2026-03-01", 0, false),
            ("autumn runs over new year", days(&["2026-09-10"]), "2027-01-15", 1, true),
            ("after today is not counted", days(&["2026-03-05"]), "2026-03-01", 0, false),
        ];
        for (name, screenings, today, n, ok) in cases {
            let got = compliance(&[], &screenings, None, d(today));
            assert_eq!((got.screenings, got.screening_ok), (n, ok), "{name}");
        }
    }

    #[test]
    fn the_week_in_progress_at_the_end_of_spring_is_not_judged() {
        // 27 July – 2 August 2026 straddles the end of spring and has not ended on 31 July.
        let got = compliance(&[], &[], None, d("2026-07-31"));
        assert_eq!(got.weeks_missed.last(), Some(&d("2026-07-20")));
    }

    #[test]
    fn the_canonical_text_numbers_duties_and_items_in_order() {
        let text = canonical_text(
            "2026年安全责任清单",
            &["落实校园安全主体责任".into(), "每月开展隐患排查".into()],
            "白榆县实验小学",
            &["校门口上下学时段护导".into()],
            "赵丽华",
        );
        assert_eq!(
            text,
            "安全责任清单\n标题：2026年安全责任清单\n责任条目：\n1. 落实校园安全主体责任\n2. 每月开展隐患排查\n\
             学校：白榆县实验小学\n本校责任：\n1. 校门口上下学时段护导\n签字人：赵丽华\n"
        );
    }

    #[test]
    fn an_entry_cannot_smuggle_a_line_break_into_the_signed_text() {
        let s = Signing::parse(&SignInput {
            school_items: vec!["护导\n2. 伪造条目".into(), "  ".into()],
            signature: "ab".into(),
        })
        .expect("parses");
        assert_eq!(s.school_items(), ["护导 2. 伪造条目"]);
    }

    #[test]
    fn inputs_are_refused_with_the_rule_they_break() {
        let kinds = vec!["约谈".to_owned()];
        let today = d("2026-03-10");
        let base = EnforcementInput {
            category: Category::Action,
            kind: "约谈".into(),
            school_id: 1,
            hazard_id: None,
            persons: vec!["张三".into(), " ".into(), "李四".into()],
            taken_on: today,
            doc_no: "白教发〔2026〕3号".into(),
            note: String::new(),
            attachments: vec![],
        };
        let ok = Enforcement::parse(&base, &kinds, today).expect("valid");
        assert_eq!(ok.persons(), ["张三", "李四"], "blank names dropped");
        let cases: Vec<(&str, EnforcementInput, RegisterProblem)> = vec![
            (
                "unknown kind",
                EnforcementInput { kind: "罚款".into(), ..base.clone() },
                RegisterProblem::UnknownKind,
            ),
            (
                "tomorrow",
                EnforcementInput { taken_on: d("2026-03-11"), ..base.clone() },
                RegisterProblem::DateInFuture,
            ),
            (
                "too many persons",
                EnforcementInput { persons: vec!["甲".into(); MAX_ENTRIES + 1], ..base.clone() },
                RegisterProblem::TooManyEntries,
            ),
            (
                "note too long",
                EnforcementInput { note: "长".repeat(MAX_TEXT + 1), ..base.clone() },
                RegisterProblem::TextTooLong,
            ),
        ];
        for (name, input, want) in cases {
            assert_eq!(Enforcement::parse(&input, &kinds, today), Err(want), "{name}");
        }
        let list = DutyListInput { title: " ".into(), duties: vec!["x".into()] };
        assert_eq!(DutyListDraft::parse(&list), Err(RegisterProblem::TitleMissing));
        let list = DutyListInput { title: "清单".into(), duties: vec!["".into()] };
        assert_eq!(DutyListDraft::parse(&list), Err(RegisterProblem::DutiesMissing));
        let acc = AccidentInput {
            school_id: 1,
            occurred_on: today,
            kind: AccidentKind::Traffic,
            injured: MAX_CASUALTIES + 1,
            dead: 0,
            summary: "放学途中".into(),
            hazard_ids: vec![],
        };
        assert_eq!(Accident::parse(&acc, today), Err(RegisterProblem::CountTooLarge));
    }

    #[test]
    fn form_text_splits_into_entries() {
        assert_eq!(split_entries("张三，李四\n王五、 \n"), ["张三", "李四", "王五"]);
    }
}
