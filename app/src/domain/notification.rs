//! The notification inbox.

use serde::{Deserialize, Serialize};

/// Why someone is told.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum NoticeKind {
    HazardReported,
    HazardPlanned,
    HazardSubmitted,
    HazardClosed,
    HazardReturned,
    HazardExtended,
    HazardVoided,
    DueSoon,
    Overdue,
    /// A campaign report the school has not filed.
    SubmissionReminder,
}

impl NoticeKind {
    pub const ALL: [NoticeKind; 10] = [
        NoticeKind::HazardReported,
        NoticeKind::HazardPlanned,
        NoticeKind::HazardSubmitted,
        NoticeKind::HazardClosed,
        NoticeKind::HazardReturned,
        NoticeKind::HazardExtended,
        NoticeKind::HazardVoided,
        NoticeKind::DueSoon,
        NoticeKind::Overdue,
        NoticeKind::SubmissionReminder,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            NoticeKind::HazardReported => "hazard_reported",
            NoticeKind::HazardPlanned => "hazard_planned",
            NoticeKind::HazardSubmitted => "hazard_submitted",
            NoticeKind::HazardClosed => "hazard_closed",
            NoticeKind::HazardReturned => "hazard_returned",
            NoticeKind::HazardExtended => "hazard_extended",
            NoticeKind::HazardVoided => "hazard_voided",
            NoticeKind::DueSoon => "due_soon",
            NoticeKind::Overdue => "overdue",
            NoticeKind::SubmissionReminder => "submission_reminder",
        }
    }

    pub fn parse(s: &str) -> Option<NoticeKind> {
        NoticeKind::ALL.into_iter().find(|k| k.as_str() == s)
    }
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct Notice {
    pub id: i64,
    pub kind: NoticeKind,
    pub hazard_id: Option<String>,
    pub hazard_title: Option<String>,
    pub school_name: Option<String>,
    pub at: chrono::DateTime<chrono::Utc>,
    pub read: bool,
}

#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct Inbox {
    pub unread: i64,
    pub items: Vec<Notice>,
}
