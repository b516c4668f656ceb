//! The error that crosses the wire: user-safe variants only, each with a status and a sentence in
//! the user's language. Internal causes stay on the server.

use crate::domain::account::InputProblem;
use crate::domain::hazard::HazardDetail;
use crate::domain::rule::Rule;
use crate::domain::workflow::Refusal;
use crate::i18n::{Lang, Msg};
use leptos::server_fn::codec::JsonEncoding;
use leptos::server_fn::error::{FromServerFnError, ServerFnErrorErr};
use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize, thiserror::Error)]
#[serde(tag = "kind", content = "detail", rename_all = "snake_case")]
pub enum AppError {
    #[error("malformed request")]
    Malformed,
    #[error("invalid input: {0:?}")]
    Invalid(InputProblem),
    #[error("rule broken: {0:?}")]
    Rule(Rule),
    /// A workflow action the rules refuse (403 when it is about who asks, 422 otherwise).
    #[error("action refused: {0:?}")]
    Refused(Refusal),
    /// The action was decided on an old version; the current state comes with the error.
    #[error("stale version")]
    Stale(Box<HazardDetail>),
    #[error("not logged in")]
    NotLoggedIn,
    #[error("wrong username or password")]
    BadCredentials,
    #[error("account disabled")]
    AccountDisabled,
    #[error("wrong current password")]
    WrongCurrentPassword,
    #[error("not allowed for this role")]
    Forbidden,
    #[error("cross-site request refused")]
    CrossSite,
    #[error("not found")]
    NotFound,
    #[error("username taken")]
    UsernameTaken,
    #[error("conflict")]
    Conflict,
    #[error("too large")]
    TooLarge,
    #[error("unsupported media type")]
    UnsupportedMedia,
    #[error("uploaded bytes do not match their hash")]
    HashMismatch,
    #[error("HEIC photo")]
    HeicPhoto,
    #[error("photo has too many pixels")]
    PhotoTooManyPixels,
    #[error("photo cannot be read")]
    PhotoUnreadable,
    #[error("too many attempts; retry after {retry_after_secs} s")]
    Throttled { retry_after_secs: u64 },
    #[error("service unavailable")]
    Unavailable,
    /// The request took longer than the server allows (408; the client may retry).
    #[error("request timed out")]
    TimedOut,
    /// The server's disk is full: nothing was stored (507).
    #[error("storage full")]
    StorageFull,
    #[error("internal error")]
    Internal,
    /// Only on the client: the server could not be reached or answered something not ours.
    #[error("network problem")]
    Network,
}

impl AppError {
    pub fn status(&self) -> u16 {
        match self {
            AppError::Malformed | AppError::Invalid(_) | AppError::HashMismatch => 400,
            AppError::NotLoggedIn | AppError::BadCredentials | AppError::AccountDisabled => 401,
            AppError::Forbidden | AppError::CrossSite => 403,
            AppError::Refused(r) if r.is_permission() => 403,
            AppError::Refused(_) => 422,
            AppError::Stale(_) => 409,
            AppError::NotFound => 404,
            AppError::UsernameTaken | AppError::Conflict => 409,
            AppError::Rule(r) if r.is_conflict() => 409,
            AppError::TooLarge => 413,
            AppError::UnsupportedMedia | AppError::HeicPhoto => 415,
            AppError::WrongCurrentPassword
            | AppError::Rule(_)
            | AppError::PhotoTooManyPixels
            | AppError::PhotoUnreadable => 422,
            AppError::Throttled { .. } => 429,
            AppError::Internal => 500,
            AppError::Unavailable | AppError::Network => 503,
            AppError::TimedOut => 408,
            AppError::StorageFull => 507,
        }
    }

    /// A stable machine-readable code for the API's error body.
    pub fn code(&self) -> &'static str {
        match self {
            AppError::Malformed => "malformed",
            AppError::Invalid(_) => "invalid",
            AppError::Rule(r) => r.code(),
            AppError::Refused(r) => r.code(),
            AppError::Stale(_) => "stale_version",
            AppError::NotLoggedIn => "not_logged_in",
            AppError::BadCredentials => "bad_credentials",
            AppError::AccountDisabled => "account_disabled",
            AppError::WrongCurrentPassword => "wrong_current_password",
            AppError::Forbidden => "forbidden",
            AppError::CrossSite => "cross_site",
            AppError::NotFound => "not_found",
            AppError::UsernameTaken => "username_taken",
            AppError::Conflict => "conflict",
            AppError::TooLarge => "too_large",
            AppError::UnsupportedMedia => "unsupported_media",
            AppError::HashMismatch => "hash_mismatch",
            AppError::HeicPhoto => "heic_photo",
            AppError::PhotoTooManyPixels => "too_many_pixels",
            AppError::PhotoUnreadable => "photo_unreadable",
            AppError::Throttled { .. } => "throttled",
            AppError::Unavailable => "unavailable",
            AppError::TimedOut => "timed_out",
            AppError::StorageFull => "storage_full",
            AppError::Internal => "internal",
            AppError::Network => "network",
        }
    }

    /// What happened and what to do, in the user's language.
    pub fn message(&self, lang: Lang) -> String {
        let m = match self {
            AppError::Malformed => Msg::ErrMalformed,
            AppError::Invalid(p) => problem_msg(*p),
            AppError::Rule(r) => return rule_message(r, lang),
            AppError::Refused(r) => refusal_msg(*r),
            AppError::Stale(_) => Msg::ErrStale,
            AppError::NotLoggedIn => Msg::ErrNotLoggedIn,
            AppError::BadCredentials => Msg::ErrBadCredentials,
            AppError::AccountDisabled => Msg::ErrAccountDisabled,
            AppError::WrongCurrentPassword => Msg::ErrWrongCurrentPassword,
            AppError::Forbidden => Msg::ErrForbidden,
            AppError::CrossSite => Msg::ErrCrossSite,
            AppError::NotFound => Msg::ErrNotFound,
            AppError::UsernameTaken => Msg::ErrUsernameTaken,
            AppError::Conflict => Msg::ErrConflict,
            AppError::TooLarge => Msg::ErrTooLarge,
            AppError::UnsupportedMedia => Msg::ErrUnsupportedMedia,
            AppError::HashMismatch => Msg::ErrHashMismatch,
            AppError::HeicPhoto => Msg::ErrHeicPhoto,
            AppError::PhotoTooManyPixels => Msg::ErrPhotoTooManyPixels,
            AppError::PhotoUnreadable => Msg::ErrPhotoUnreadable,
            AppError::Throttled { retry_after_secs } => {
                let minutes = retry_after_secs.div_ceil(60).max(1);
                return Msg::ErrThrottled.text(lang).replace("{n}", &minutes.to_string());
            }
            AppError::Unavailable => Msg::ErrUnavailable,
            AppError::TimedOut => Msg::ErrTimedOut,
            AppError::StorageFull => Msg::ErrStorageFull,
            AppError::Internal => Msg::ErrInternal,
            AppError::Network => Msg::ErrNetwork,
        };
        m.text(lang).to_owned()
    }
}

fn problem_msg(p: InputProblem) -> Msg {
    match p {
        InputProblem::UsernameShape => Msg::ProblemUsernameShape,
        InputProblem::PasswordTooShort => Msg::ProblemPasswordTooShort,
        InputProblem::PasswordTooLong => Msg::ProblemPasswordTooLong,
        InputProblem::PasswordTooCommon => Msg::ProblemPasswordTooCommon,
        InputProblem::NameEmpty => Msg::ProblemNameEmpty,
        InputProblem::NameTooLong => Msg::ProblemNameTooLong,
        InputProblem::UnknownRole => Msg::ProblemUnknownRole,
        InputProblem::UnknownSchoolType => Msg::ProblemUnknownSchoolType,
        InputProblem::SchoolRequired => Msg::ProblemSchoolRequired,
        InputProblem::CoordinatesOutOfRange => Msg::ProblemCoordinates,
        InputProblem::ItemCodeShape => Msg::ProblemItemCode,
        InputProblem::ItemTextEmpty => Msg::ProblemItemTextEmpty,
        InputProblem::DuplicateCode => Msg::ProblemDuplicateCode,
        InputProblem::UnknownLevel => Msg::ProblemUnknownLevel,
    }
}

fn refusal_msg(r: Refusal) -> Msg {
    match r {
        Refusal::WrongState => Msg::RefusedWrongState,
        Refusal::WrongRole => Msg::RefusedWrongRole,
        Refusal::OtherSchool => Msg::RefusedOtherSchool,
        Refusal::NotDiscoverer => Msg::RefusedNotDiscoverer,
        Refusal::MajorNeedsOffice => Msg::RefusedMajorNeedsOffice,
        Refusal::PlanIncomplete => Msg::RefusedPlanIncomplete,
        Refusal::AfterPhotoMissing => Msg::RefusedAfterPhotoMissing,
        Refusal::NoteMissing => Msg::RefusedNoteMissing,
        Refusal::SignatureMissing => Msg::RefusedSignatureMissing,
        Refusal::ReasonMissing => Msg::RefusedReasonMissing,
        Refusal::DeadlineMissing => Msg::RefusedDeadlineMissing,
    }
}

fn rule_message(r: &Rule, lang: Lang) -> String {
    let (m, n) = match r {
        Rule::UnknownItem { .. } => (Msg::RuleUnknownItem, None),
        Rule::OtherTemplateVersion { .. } => (Msg::RuleOtherTemplateVersion, None),
        Rule::Unanswered { count } => (Msg::RuleUnanswered, Some(count.to_string())),
        Rule::HazardMissing { .. } => (Msg::RuleHazardMissing, None),
        Rule::PhotoRequired { .. } => (Msg::RulePhotoRequired, None),
        Rule::UnknownPhoto { .. } => (Msg::RuleUnknownPhoto, None),
        Rule::AlreadySubmitted => (Msg::RuleAlreadySubmitted, None),
        Rule::TemplateNotPublished => (Msg::RuleTemplateNotPublished, None),
        Rule::DeadlineBeforeFound => (Msg::RuleDeadlineBeforeFound, None),
        Rule::UnknownDueItem => (Msg::RuleUnknownDueItem, None),
        Rule::NotOpenYet => (Msg::RuleNotOpenYet, None),
        Rule::SubmissionTooLong => (Msg::RuleSubmissionTooLong, None),
        Rule::Register { problem } => (crate::registers::problem_msg(*problem), None),
    };
    let text = m.text(lang);
    match n {
        Some(n) => text.replace("{n}", &n),
        None => text.to_owned(),
    }
}

impl From<Rule> for AppError {
    fn from(r: Rule) -> Self {
        AppError::Rule(r)
    }
}

impl From<InputProblem> for AppError {
    fn from(p: InputProblem) -> Self {
        AppError::Invalid(p)
    }
}

impl FromServerFnError for AppError {
    type Encoder = JsonEncoding;

    fn from_server_fn_error(value: ServerFnErrorErr) -> Self {
        match value {
            ServerFnErrorErr::Args(_) | ServerFnErrorErr::MissingArg(_) => AppError::Malformed,
            ServerFnErrorErr::Request(_) | ServerFnErrorErr::Deserialization(_) => {
                AppError::Network
            }
            _ => AppError::Internal,
        }
    }
}
