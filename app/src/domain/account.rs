//! Accounts: roles, usernames and the password policy, parsed once at the edge.

use serde::{Deserialize, Serialize};
use std::fmt;

/// What a user may do. Scope follows the org the user belongs to.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Role {
    Admin,
    Office,
    Inspector,
    Principal,
}

impl Role {
    pub const ALL: [Role; 4] = [Role::Admin, Role::Office, Role::Inspector, Role::Principal];

    pub fn as_str(self) -> &'static str {
        match self {
            Role::Admin => "admin",
            Role::Office => "office",
            Role::Inspector => "inspector",
            Role::Principal => "principal",
        }
    }

    pub fn parse(s: &str) -> Option<Role> {
        Role::ALL.into_iter().find(|r| r.as_str() == s)
    }

    /// Principals belong to a school; every other role belongs to a bureau.
    pub fn belongs_to_school(self) -> bool {
        self == Role::Principal
    }
}

impl fmt::Display for Role {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Why an input was refused; each maps to a sentence in the user's language.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum InputProblem {
    UsernameShape,
    PasswordTooShort,
    PasswordTooLong,
    PasswordTooCommon,
    NameEmpty,
    NameTooLong,
    UnknownRole,
    UnknownSchoolType,
    SchoolRequired,
    CoordinatesOutOfRange,
    ItemCodeShape,
    ItemTextEmpty,
    DuplicateCode,
    UnknownLevel,
}

/// A login name: 3–32 characters of lower-case letters, digits, `_`, `.` and `-`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "String", into = "String")]
pub struct Username(String);

impl Username {
    pub fn parse(raw: &str) -> Result<Username, InputProblem> {
        let s = raw.trim().to_lowercase();
        let ok_len = (3..=32).contains(&s.chars().count());
        let ok_chars =
            s.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || "_.-".contains(c));
        if ok_len && ok_chars { Ok(Username(s)) } else { Err(InputProblem::UsernameShape) }
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl TryFrom<String> for Username {
    type Error = String;
    fn try_from(s: String) -> Result<Self, Self::Error> {
        Username::parse(&s).map_err(|p| format!("{p:?}"))
    }
}

impl From<Username> for String {
    fn from(u: Username) -> String {
        u.0
    }
}

/// A new password that meets the policy. Never printed.
#[derive(Clone, PartialEq, Eq)]
pub struct Password(String);

/// The list [`Password::parse_new`] refuses.
const COMMON_PASSWORDS: &str = include_str!("common_passwords.txt");

impl Password {
    pub const MIN_CHARS: usize = 8;
    pub const MAX_CHARS: usize = 128;

    pub fn parse(raw: &str) -> Result<Password, InputProblem> {
        let n = raw.chars().count();
        if n < Self::MIN_CHARS {
            Err(InputProblem::PasswordTooShort)
        } else if n > Self::MAX_CHARS {
            Err(InputProblem::PasswordTooLong)
        } else {
            Ok(Password(raw.to_owned()))
        }
    }

    /// A password a person chooses for an account: [`Password::parse`], and not one of the most
    /// common passwords, not the username inside it, not one character repeated.
    pub fn parse_new(raw: &str, username: &str) -> Result<Password, InputProblem> {
        let p = Password::parse(raw)?;
        let lower = raw.to_lowercase();
        let mut chars = lower.chars();
        let first = chars.next();
        let one_char = chars.all(|c| Some(c) == first);
        let common = COMMON_PASSWORDS
            .lines()
            .filter(|l| !l.starts_with('#'))
            .any(|l| l.eq_ignore_ascii_case(&lower));
        let has_username = username.len() >= 3 && lower.contains(&username.to_lowercase());
        if one_char || common || has_username {
            Err(InputProblem::PasswordTooCommon)
        } else {
            Ok(p)
        }
    }

    pub fn expose(&self) -> &str {
        &self.0
    }
}

impl fmt::Debug for Password {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Password(***)")
    }
}

/// A person's name as shown in the app: 1–40 characters after trimming.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct DisplayName(String);

/// A name trimmed of surrounding space, not empty, at most `max` characters.
pub(crate) fn bounded_name(raw: &str, max: usize) -> Result<String, InputProblem> {
    let s = raw.trim();
    match s.chars().count() {
        0 => Err(InputProblem::NameEmpty),
        n if n <= max => Ok(s.to_owned()),
        _ => Err(InputProblem::NameTooLong),
    }
}

impl DisplayName {
    pub fn parse(raw: &str) -> Result<DisplayName, InputProblem> {
        bounded_name(raw, 40).map(DisplayName)
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// Who is logged in, as the client sees it.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct Me {
    pub id: i64,
    pub username: String,
    pub display_name: String,
    pub role: Role,
    pub org_id: i64,
    pub org_name: String,
}

/// One account in the admin's list.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct UserSummary {
    pub id: i64,
    pub username: String,
    pub display_name: String,
    pub role: Role,
    pub org_id: i64,
    pub org_name: String,
    pub disabled: bool,
}

/// One line of the audit log: who did what, when, from where.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct AuditEntry {
    pub id: i64,
    pub at: chrono::DateTime<chrono::Utc>,
    /// The account that acted; none for a failed login.
    pub actor_username: Option<String>,
    pub actor_name: Option<String>,
    /// e.g. `login`, `login.failed`, `hazard.approve`, `user.create`.
    pub action: String,
    /// What it was done to, e.g. `hazard:…`, `user:12`.
    pub target: String,
    pub detail: String,
    pub client_addr: String,
}

/// A page of the audit log, newest first.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::ToSchema))]
pub struct AuditPage {
    pub items: Vec<AuditEntry>,
    /// Pass as `before` for the next (older) page; none on the last page.
    pub next_before: Option<i64>,
}

/// Which audit entries to show: an account's (as actor, or as the target of failed logins), an
/// action and the ones under it (`login` covers `login.failed`), older than an entry.
#[derive(Clone, Debug, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "ssr", derive(utoipa::IntoParams))]
pub struct AuditFilter {
    #[serde(default)]
    pub user: String,
    #[serde(default)]
    pub action: String,
    #[serde(default)]
    pub before: Option<i64>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn usernames_are_lowercased_and_limited_to_a_safe_alphabet() {
        let long = "x".repeat(33);
        let cases = [
            ("Inspector2", Ok("inspector2")),
            ("  office ", Ok("office")),
            ("ab", Err(InputProblem::UsernameShape)),
            ("张三", Err(InputProblem::UsernameShape)),
            ("a b c", Err(InputProblem::UsernameShape)),
            (long.as_str(), Err(InputProblem::UsernameShape)),
        ];
        for (raw, want) in cases {
            let got = Username::parse(raw).map(|u| u.as_str().to_owned());
            assert_eq!(got, want.map(str::to_owned), "case {raw:?}");
        }
    }

    #[test]
    fn passwords_need_eight_to_128_characters_counted_as_characters_not_bytes() {
        assert_eq!(Password::parse("1234567").unwrap_err(), InputProblem::PasswordTooShort);
        assert!(Password::parse("安全巡查密码八位").is_ok(), "eight CJK characters are enough");
        assert_eq!(Password::parse(&"a".repeat(129)).unwrap_err(), InputProblem::PasswordTooLong);
        for weak in ["12345678", "Password1", "WOAINI1314", "qqqqqqqq", "li.wei-2024", "88888888"] {
            assert_eq!(
                Password::parse_new(weak, "li.wei").unwrap_err(),
                InputProblem::PasswordTooCommon,
                "{weak}"
            );
        }
        assert!(Password::parse_new("冬季巡查不留死角", "li.wei").is_ok());
        assert!(Password::parse_new("tall-lamp-river-42", "li.wei").is_ok());
    }

    #[test]
    fn a_password_never_shows_in_debug_output() {
        let p = Password::parse("secret-password").unwrap();
        assert!(!format!("{p:?}").contains("secret"));
    }

    #[test]
    fn roles_round_trip_through_their_names() {
        for r in Role::ALL {
            assert_eq!(Role::parse(r.as_str()), Some(r));
        }
        assert_eq!(Role::parse("root"), None);
    }
}
