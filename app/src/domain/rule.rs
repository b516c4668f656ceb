//! Rules of the work a request broke (answered 422): each names what is wrong so the user can
//! fix it.

use serde::{Deserialize, Serialize};

#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(tag = "rule", rename_all = "snake_case")]
pub enum Rule {
    /// An answer names an item that no template has.
    UnknownItem { item_id: i64 },
    /// An answer names an item of a template version this inspection was not filled with.
    OtherTemplateVersion { item_id: i64 },
    /// Submitting with items still unanswered.
    Unanswered { count: u32 },
    /// A failed item without its hazard.
    HazardMissing { item_id: i64 },
    /// A failed item whose hazard needs a photo, without one.
    PhotoRequired { item_id: i64 },
    /// A record names a photo that has not been uploaded (upload photos first, then records).
    UnknownPhoto { sha256: String },
    /// The inspection was already submitted and can no longer change.
    AlreadySubmitted,
    /// The template is not published (or is a draft being edited).
    TemplateNotPublished,
    /// A hazard's deadline lies before the day it was found.
    DeadlineBeforeFound,
    /// A submission names an item the campaign does not ask for.
    UnknownDueItem,
    /// A period's report filed before the period's last day.
    NotOpenYet,
    /// A submission's note (5,000 characters) or attachments (20) are too long.
    SubmissionTooLong,
    /// An entry of a register (enforcement, duties, activities, accidents) broke one of its rules.
    Register { problem: super::register::RegisterProblem },
}

impl Rule {
    pub fn code(&self) -> &'static str {
        match self {
            Rule::UnknownItem { .. } => "unknown_item",
            Rule::OtherTemplateVersion { .. } => "other_template_version",
            Rule::Unanswered { .. } => "unanswered",
            Rule::HazardMissing { .. } => "hazard_missing",
            Rule::PhotoRequired { .. } => "photo_required",
            Rule::UnknownPhoto { .. } => "unknown_photo",
            Rule::AlreadySubmitted => "already_submitted",
            Rule::TemplateNotPublished => "template_not_published",
            Rule::DeadlineBeforeFound => "deadline_before_found",
            Rule::UnknownDueItem => "unknown_due_item",
            Rule::NotOpenYet => "not_open_yet",
            Rule::SubmissionTooLong => "submission_too_long",
            Rule::Register { problem } => problem.code(),
        }
    }

    /// A conflict with what is stored (409) rather than a broken rule (422).
    pub fn is_conflict(&self) -> bool {
        matches!(self, Rule::Register { problem } if problem.is_conflict())
    }
}
