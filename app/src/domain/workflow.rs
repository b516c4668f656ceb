//! The hazard workflow (DESIGN §3) as one pure function: which action may move a hazard from
//! which state, by whom, with what. The server calls it to enforce; the phone calls it to show
//! only the buttons that will work.

use super::account::Role;
use super::hazard::{HazardLevel, HazardStatus};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

/// What someone does to a hazard (report is the hazard's creation, not an action on it).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Action {
    Plan,
    Submit,
    Approve,
    Return,
    Extend,
    Void,
}

impl Action {
    pub const ALL: [Action; 6] = [
        Action::Plan,
        Action::Submit,
        Action::Approve,
        Action::Return,
        Action::Extend,
        Action::Void,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Action::Plan => "plan",
            Action::Submit => "submit",
            Action::Approve => "approve",
            Action::Return => "return",
            Action::Extend => "extend",
            Action::Void => "void",
        }
    }

    pub fn parse(s: &str) -> Option<Action> {
        Action::ALL.into_iter().find(|a| a.as_str() == s)
    }
}

/// The facts about a hazard the rules look at.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct HazardFacts {
    pub status: HazardStatus,
    pub level: HazardLevel,
    pub school_id: i64,
    pub reported_by: i64,
}

/// Who acts, and how they stand to the hazard.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Actor {
    pub user_id: i64,
    pub role: Role,
    /// The org the actor belongs to (a principal's school).
    pub org_id: i64,
    /// The actor's org is the discovering unit or one above it (a bureau over a school that
    /// reported its own hazard).
    pub oversees_discoverer: bool,
}

/// What an action brings with it, checked for presence here (shape is parsed at the edge).
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Supplied {
    /// 五落实: responsible person, measures, funds, deadline, contingency plan.
    pub plan_complete: bool,
    pub after_photos: usize,
    pub note: bool,
    pub signature: bool,
    pub reason: bool,
    pub new_deadline: Option<NaiveDate>,
}

/// Why an action was refused. Each is a rule a user can understand.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Refusal {
    /// Not possible from the hazard's current state.
    WrongState,
    /// Not this role's action.
    WrongRole,
    /// A principal acting on another school's hazard.
    OtherSchool,
    /// Closing or returning: only the discoverer or office staff of the discovering unit.
    NotDiscoverer,
    /// A major hazard is closed or returned by office staff only.
    MajorNeedsOffice,
    PlanIncomplete,
    AfterPhotoMissing,
    NoteMissing,
    SignatureMissing,
    ReasonMissing,
    DeadlineMissing,
}

impl Refusal {
    pub fn code(self) -> &'static str {
        match self {
            Refusal::WrongState => "wrong_state",
            Refusal::WrongRole => "wrong_role",
            Refusal::OtherSchool => "other_school",
            Refusal::NotDiscoverer => "not_discoverer",
            Refusal::MajorNeedsOffice => "major_needs_office",
            Refusal::PlanIncomplete => "plan_incomplete",
            Refusal::AfterPhotoMissing => "after_photo_missing",
            Refusal::NoteMissing => "note_missing",
            Refusal::SignatureMissing => "signature_missing",
            Refusal::ReasonMissing => "reason_missing",
            Refusal::DeadlineMissing => "deadline_missing",
        }
    }

    /// Refusals about who is asking are 403; the rest are rules of the work (422).
    pub fn is_permission(self) -> bool {
        matches!(
            self,
            Refusal::WrongRole
                | Refusal::OtherSchool
                | Refusal::NotDiscoverer
                | Refusal::MajorNeedsOffice
        )
    }
}

/// The state after `action`, or why not. `today` is the day in China (for a new deadline).
pub fn transition(
    h: &HazardFacts,
    action: Action,
    actor: &Actor,
    s: &Supplied,
    today: NaiveDate,
) -> Result<HazardStatus, Refusal> {
    use HazardStatus::*;
    let principal_of_school = || -> Result<(), Refusal> {
        if actor.role != Role::Principal {
            Err(Refusal::WrongRole)
        } else if actor.org_id != h.school_id {
            Err(Refusal::OtherSchool)
        } else {
            Ok(())
        }
    };
    // 谁发现、谁督促、谁销号: the discoverer, or office staff of the discovering unit; a major
    // hazard needs office staff.
    let closer = || -> Result<(), Refusal> {
        let office = actor.role == Role::Office && actor.oversees_discoverer;
        let discoverer = actor.user_id == h.reported_by;
        if !(office || discoverer) {
            return Err(if actor.role == Role::Principal && actor.org_id != h.school_id {
                Refusal::OtherSchool
            } else {
                Refusal::NotDiscoverer
            });
        }
        if h.level == HazardLevel::Major && !office {
            return Err(Refusal::MajorNeedsOffice);
        }
        Ok(())
    };
    let office = || if actor.role == Role::Office { Ok(()) } else { Err(Refusal::WrongRole) };
    let need = |ok: bool, r: Refusal| if ok { Ok(()) } else { Err(r) };
    match action {
        Action::Plan => {
            need(matches!(h.status, Reported | Rectifying), Refusal::WrongState)?;
            principal_of_school()?;
            need(s.plan_complete, Refusal::PlanIncomplete)?;
            Ok(Rectifying)
        }
        Action::Submit => {
            need(matches!(h.status, Reported | Rectifying), Refusal::WrongState)?;
            principal_of_school()?;
            need(s.after_photos > 0, Refusal::AfterPhotoMissing)?;
            need(s.note, Refusal::NoteMissing)?;
            need(s.signature, Refusal::SignatureMissing)?;
            Ok(Submitted)
        }
        Action::Approve => {
            need(h.status == Submitted, Refusal::WrongState)?;
            closer()?;
            need(s.note, Refusal::NoteMissing)?;
            Ok(Closed)
        }
        Action::Return => {
            need(h.status == Submitted, Refusal::WrongState)?;
            closer()?;
            need(s.reason, Refusal::ReasonMissing)?;
            Ok(Rectifying)
        }
        Action::Extend => {
            need(matches!(h.status, Reported | Rectifying), Refusal::WrongState)?;
            office()?;
            need(s.reason, Refusal::ReasonMissing)?;
            need(s.new_deadline.is_some_and(|d| d >= today), Refusal::DeadlineMissing)?;
            Ok(h.status)
        }
        Action::Void => {
            need(!matches!(h.status, Closed | Voided), Refusal::WrongState)?;
            office()?;
            need(s.reason, Refusal::ReasonMissing)?;
            Ok(Voided)
        }
    }
}

/// The actions an actor could take now (for the buttons), ignoring what they have not filled in.
pub fn available(h: &HazardFacts, actor: &Actor, today: NaiveDate) -> Vec<Action> {
    let full = Supplied {
        plan_complete: true,
        after_photos: 1,
        note: true,
        signature: true,
        reason: true,
        new_deadline: Some(today),
    };
    Action::ALL.into_iter().filter(|a| transition(h, *a, actor, &full, today).is_ok()).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use HazardStatus::*;

    const SCHOOL: i64 = 10;
    const OTHER_SCHOOL: i64 = 11;
    const BUREAU: i64 = 1;
    const INSPECTOR: i64 = 100;

    fn today() -> NaiveDate {
        "2026-11-28".parse().expect("date")
    }

    fn hazard(status: HazardStatus, level: HazardLevel) -> HazardFacts {
        HazardFacts { status, level, school_id: SCHOOL, reported_by: INSPECTOR }
    }

    /// The cast: who they are relative to a hazard reported by INSPECTOR at SCHOOL.
    fn actor(name: &str) -> Actor {
        let (user_id, role, org_id, oversees) = match name {
            "discoverer" => (INSPECTOR, Role::Inspector, BUREAU, true),
            "other inspector" => (101, Role::Inspector, BUREAU, true),
            "office" => (200, Role::Office, BUREAU, true),
            "office elsewhere" => (201, Role::Office, 2, false),
            "principal" => (300, Role::Principal, SCHOOL, false),
            "other principal" => (301, Role::Principal, OTHER_SCHOOL, false),
            "admin" => (400, Role::Admin, BUREAU, true),
            _ => unreachable!("unknown actor {name}"),
        };
        Actor { user_id, role, org_id, oversees_discoverer: oversees }
    }

    const CAST: [&str; 7] = [
        "discoverer",
        "other inspector",
        "office",
        "office elsewhere",
        "principal",
        "other principal",
        "admin",
    ];

    fn everything() -> Supplied {
        Supplied {
            plan_complete: true,
            after_photos: 1,
            note: true,
            signature: true,
            reason: true,
            new_deadline: Some("2026-12-31".parse().expect("date")),
        }
    }

    /// The expected outcome of every action by every actor from every state, for one level.
    fn expected(
        status: HazardStatus,
        level: HazardLevel,
        action: Action,
        who: &str,
    ) -> Result<HazardStatus, Refusal> {
        use Refusal::*;
        let principal = |to| match who {
            "principal" => Ok(to),
            "other principal" => Err(OtherSchool),
            _ => Err(WrongRole),
        };
        let closer = |to| match (who, level) {
            ("office", _) => Ok(to),
            ("discoverer", HazardLevel::General) => Ok(to),
            ("discoverer", HazardLevel::Major) => Err(MajorNeedsOffice),
            ("other principal", _) => Err(OtherSchool),
            _ => Err(NotDiscoverer),
        };
        let office = |to| match who {
            "office" | "office elsewhere" => Ok(to),
            _ => Err(WrongRole),
        };
        match (action, status) {
            (Action::Plan, Reported | Rectifying) => principal(Rectifying),
            (Action::Submit, Reported | Rectifying) => principal(Submitted),
            (Action::Approve, Submitted) => closer(Closed),
            (Action::Return, Submitted) => closer(Rectifying),
            (Action::Extend, Reported | Rectifying) => office(status),
            (Action::Void, Reported | Rectifying | Submitted) => office(Voided),
            _ => Err(WrongState),
        }
    }

    #[test]
    fn every_state_action_and_actor_gets_exactly_the_designed_answer() {
        let mut cases = 0;
        for level in HazardLevel::ALL {
            for status in HazardStatus::ALL {
                for action in Action::ALL {
                    for who in CAST {
                        let got = transition(
                            &hazard(status, level),
                            action,
                            &actor(who),
                            &everything(),
                            today(),
                        );
                        let want = expected(status, level, action, who);
                        assert_eq!(
                            got, want,
                            "{action:?} by {who} on a {level:?} hazard in {status:?}"
                        );
                        cases += 1;
                    }
                }
            }
        }
        assert_eq!(cases, 2 * 5 * 6 * 7);
    }

    #[test]
    fn each_action_refuses_what_is_missing() {
        let cases: [(Action, HazardStatus, &str, Supplied, Refusal); 7] = [
            (
                Action::Plan,
                Reported,
                "principal",
                Supplied { plan_complete: false, ..everything() },
                Refusal::PlanIncomplete,
            ),
            (
                Action::Submit,
                Rectifying,
                "principal",
                Supplied { after_photos: 0, ..everything() },
                Refusal::AfterPhotoMissing,
            ),
            (
                Action::Submit,
                Rectifying,
                "principal",
                Supplied { note: false, ..everything() },
                Refusal::NoteMissing,
            ),
            (
                Action::Submit,
                Rectifying,
                "principal",
                Supplied { signature: false, ..everything() },
                Refusal::SignatureMissing,
            ),
            (
                Action::Return,
                Submitted,
                "office",
                Supplied { reason: false, ..everything() },
                Refusal::ReasonMissing,
            ),
            (
                Action::Extend,
                Reported,
                "office",
                Supplied { new_deadline: Some("2026-11-27".parse().expect("d")), ..everything() },
                Refusal::DeadlineMissing,
            ),
            (
                Action::Void,
                Submitted,
                "office",
                Supplied { reason: false, ..everything() },
                Refusal::ReasonMissing,
            ),
        ];
        for (action, status, who, supplied, want) in cases {
            let got = transition(
                &hazard(status, HazardLevel::General),
                action,
                &actor(who),
                &supplied,
                today(),
            );
            assert_eq!(got, Err(want), "{action:?} by {who} without {want:?}");
        }
    }

    #[test]
    fn the_buttons_shown_are_the_actions_that_will_work() {
        let h = hazard(Submitted, HazardLevel::Major);
        assert_eq!(
            available(&h, &actor("office"), today()),
            vec![Action::Approve, Action::Return, Action::Void]
        );
        assert!(available(&h, &actor("discoverer"), today()).is_empty());
        assert!(available(&h, &actor("principal"), today()).is_empty());
        let h = hazard(Reported, HazardLevel::General);
        assert_eq!(available(&h, &actor("principal"), today()), vec![Action::Plan, Action::Submit]);
    }
}
