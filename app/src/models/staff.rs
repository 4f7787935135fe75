//! Staff: roles and what each may do, the wire types of the workspace, and the rules for the
//! staff forms (shared, so the browser and the server check the same way).
use super::email::{Email, EmailProblem};
use super::form::{FieldErrors, RawForm};
use super::ids::StaffId;
use super::text::{check_name, NameProblem};
use crate::i18n::K;
use serde::{Deserialize, Serialize};

/// What a staff account is for. Deny by default: a role can do only what `can` lists.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(
    feature = "ssr",
    derive(sea_orm::DeriveValueType),
    sea_orm(value_type = "String")
)]
pub enum Role {
    /// A coordinator: accounts, team settings, the audit log, reports.
    Admin,
    /// A hälsolots: case work.
    Navigator,
    /// Reports only, never a person's data.
    Analyst,
}

super::ids::stored_name!(Role);

/// Something a staff member may be allowed to do.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum Permission {
    /// Inbox, participants, activities: a person's data.
    CaseWork,
    Reports,
    ManageStaff,
    ManageTeam,
    ReadAudit,
}

impl Role {
    pub const ALL: [Role; 3] = [Role::Admin, Role::Navigator, Role::Analyst];

    pub fn as_str(self) -> &'static str {
        match self {
            Role::Admin => "admin",
            Role::Navigator => "navigator",
            Role::Analyst => "analyst",
        }
    }

    pub fn parse(s: &str) -> Option<Role> {
        s.parse().ok()
    }

    pub fn label(self) -> K {
        match self {
            Role::Admin => K::role_admin,
            Role::Navigator => K::role_navigator,
            Role::Analyst => K::role_analyst,
        }
    }

    /// The one place that says which role may do what.
    #[must_use]
    pub fn can(self, p: Permission) -> bool {
        use Permission::*;
        match self {
            Role::Admin => matches!(p, Reports | ManageStaff | ManageTeam | ReadAudit),
            Role::Navigator => matches!(p, CaseWork),
            Role::Analyst => matches!(p, Reports),
        }
    }
}

/// A part of the workspace, as shown in its navigation.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Section {
    Inbox,
    Participants,
    /// The member's own meetings and follow-ups of a week.
    Week,
    Activities,
    Reports,
    Admin,
}

impl Section {
    pub const ALL: [Section; 6] = [
        Section::Inbox,
        Section::Participants,
        Section::Week,
        Section::Activities,
        Section::Reports,
        Section::Admin,
    ];

    pub fn path(self) -> &'static str {
        match self {
            Section::Inbox => "/lots/inkorg",
            Section::Participants => "/lots/deltagare",
            Section::Week => "/lots/vecka",
            Section::Activities => "/lots/aktiviteter",
            Section::Reports => "/lots/rapporter",
            Section::Admin => "/lots/admin",
        }
    }

    pub fn label(self) -> K {
        match self {
            Section::Inbox => K::nav_inbox,
            Section::Participants => K::nav_participants,
            Section::Week => K::nav_week,
            Section::Activities => K::nav_activities,
            Section::Reports => K::nav_reports,
            Section::Admin => K::nav_admin,
        }
    }

    pub fn permission(self) -> Permission {
        match self {
            Section::Inbox | Section::Participants | Section::Week | Section::Activities => {
                Permission::CaseWork
            }
            Section::Reports => Permission::Reports,
            Section::Admin => Permission::ManageStaff,
        }
    }
}

/// The signed-in staff member, as the workspace shell needs them.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Me {
    pub name: String,
    pub role: Role,
    pub team_name: String,
    pub must_change_password: bool,
    /// The team requires two-factor login and it is not set up yet.
    pub needs_two_factor: bool,
    /// New requests in the team's inbox (`None`: the role has no inbox).
    pub inbox_new: Option<u64>,
}

/// A staff account in the admin's lists.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct StaffRow {
    pub id: StaffId,
    pub name: String,
    pub email: String,
    pub role: Role,
    pub active: bool,
    pub must_change_password: bool,
    pub two_factor: bool,
    /// `2026-11-23`
    pub created: String,
}

/// Form field names of the staff forms (also the names the server reads).
pub mod field {
    pub const FORM: &str = "form";
    pub const EMAIL: &str = "email";
    pub const PASSWORD: &str = "password";
    pub const NEXT: &str = "next";
    pub const NAME: &str = "name";
    pub const ROLE: &str = "role";
    pub const ACTION: &str = "action";
    pub const CURRENT: &str = "current";
    pub const NEW: &str = "new_password";
    pub const REPEAT: &str = "repeat";
    pub const TEAM_NAME: &str = "team_name";
    pub const MUNICIPALITY: &str = "municipality";
    pub const PHONE: &str = "phone";
    pub const DAYS: &str = "first_contact_days";
    pub const REQUIRE_TWO_FACTOR: &str = "require_two_factor";
    pub const SLUG: &str = "slug";
}

/// A new account as the admin typed it, checked.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NewStaff {
    pub name: String,
    pub email: String,
    pub role: Role,
}

pub const PASSWORD_MIN: usize = 12;
pub const PASSWORD_MAX: usize = 128;

/// A login name: an e-mail address, compared in lower case.
pub fn login_email(input: &str) -> Option<String> {
    Email::parse(input).map(|e| e.as_str().to_lowercase())
}

/// Checks a new account's name, e-mail and role.
pub fn parse_new_staff(form: &RawForm) -> Result<NewStaff, FieldErrors> {
    let mut errors = FieldErrors::default();
    let name = check_name(form.get(field::NAME))
        .map_err(|p| match p {
            NameProblem::Missing => K::err_name_required,
            other => other.key(K::err_name_required),
        })
        .map_err(|k| errors.add(field::NAME, k))
        .ok();
    let email = match Email::check(form.get(field::EMAIL)) {
        Ok(e) => Some(e.as_str().to_lowercase()),
        Err(EmailProblem::Invisible) => {
            errors.add(field::EMAIL, K::err_invisible);
            None
        }
        Err(EmailProblem::Invalid) => {
            errors.add(field::EMAIL, K::err_staff_email);
            None
        }
    };
    let role = Role::parse(form.get(field::ROLE));
    if role.is_none() {
        errors.add(field::ROLE, K::err_role);
    }
    match (name, email, role) {
        (Some(name), Some(email), Some(role)) if errors.is_empty() => {
            Ok(NewStaff { name, email, role })
        }
        _ => Err(errors),
    }
}

/// The rule for a password a person chooses: long enough to resist guessing (NIST SP 800-63B asks
/// for length, not character classes), not absurdly long, not one character repeated.
pub fn check_password(password: &str) -> Result<(), K> {
    let n = password.chars().count();
    if n < PASSWORD_MIN {
        return Err(K::err_password_short);
    }
    if n > PASSWORD_MAX {
        return Err(K::err_password_long);
    }
    let mut chars = password.chars();
    let first = chars.next();
    if chars.all(|c| Some(c) == first) {
        return Err(K::err_password_weak);
    }
    Ok(())
}

/// Checks the change-password form (the current password is checked by the server).
pub fn parse_new_password(form: &RawForm) -> Result<String, FieldErrors> {
    let mut errors = FieldErrors::default();
    if form.get(field::CURRENT).is_empty() {
        errors.add(field::CURRENT, K::err_current_password);
    }
    let new = form.get(field::NEW);
    if let Err(k) = check_password(new) {
        errors.add(field::NEW, k);
    }
    if form.get(field::REPEAT) != new {
        errors.add(field::REPEAT, K::err_password_repeat);
    }
    if errors.is_empty() {
        Ok(new.to_string())
    } else {
        Err(errors)
    }
}

/// A place inside the workspace to return to after login; anything else goes to `/lots`.
pub fn safe_next(next: &str) -> &str {
    let inside = next == "/lots" || next.starts_with("/lots/");
    let plain = !next.contains("//") && !next.contains('\\') && !next.contains("..");
    if inside && plain && next != "/lots/logga-in" {
        next
    } else {
        "/lots"
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn form(pairs: &[(&str, &str)]) -> RawForm {
        RawForm::from_pairs(pairs)
    }

    #[test]
    fn roles_are_denied_by_default() {
        use Permission::*;
        assert!(Role::Admin.can(ManageStaff) && Role::Admin.can(ReadAudit));
        assert!(!Role::Admin.can(CaseWork));
        assert!(Role::Navigator.can(CaseWork));
        assert!(!Role::Navigator.can(ManageStaff) && !Role::Navigator.can(Reports));
        assert!(Role::Analyst.can(Reports));
        assert!(!Role::Analyst.can(CaseWork) && !Role::Analyst.can(ReadAudit));
        for r in Role::ALL {
            assert_eq!(Role::parse(r.as_str()), Some(r));
        }
        assert_eq!(Role::parse("root"), None);
    }

    #[test]
    fn new_staff_is_checked_per_field() {
        let ok = parse_new_staff(&form(&[
            ("name", "Sara Lind"),
            ("email", " Sara.Lind@Exempel.SE "),
            ("role", "navigator"),
        ]))
        .unwrap();
        assert_eq!(ok.email, "sara.lind@exempel.se");
        assert_eq!(ok.role, Role::Navigator);
        let bad =
            parse_new_staff(&form(&[("name", ""), ("email", "x"), ("role", "root")])).unwrap_err();
        assert_eq!(bad.get(field::NAME), Some(K::err_name_required));
        assert_eq!(bad.get(field::EMAIL), Some(K::err_staff_email));
        assert_eq!(bad.get(field::ROLE), Some(K::err_role));
        let hidden = parse_new_staff(&form(&[
            ("name", "Sara\u{200D}Lind"),
            ("email", "sara\u{202E}@exempel.se"),
            ("role", "navigator"),
        ]))
        .unwrap_err();
        assert_eq!(hidden.get(field::NAME), Some(K::err_invisible));
        assert_eq!(hidden.get(field::EMAIL), Some(K::err_invisible));
    }

    #[test]
    fn passwords_need_length_and_variety() {
        assert_eq!(check_password("kort"), Err(K::err_password_short));
        assert_eq!(
            check_password("aaaaaaaaaaaaaaaa"),
            Err(K::err_password_weak)
        );
        assert_eq!(check_password(&"ab".repeat(65)), Err(K::err_password_long));
        assert_eq!(check_password("hästar springer fort"), Ok(()));
        let e = parse_new_password(&form(&[
            ("current", ""),
            ("new_password", "ett långt lösenord"),
            ("repeat", "ett annat lösenord"),
        ]))
        .unwrap_err();
        assert_eq!(e.get(field::CURRENT), Some(K::err_current_password));
        assert_eq!(e.get(field::REPEAT), Some(K::err_password_repeat));
    }

    #[test]
    fn next_stays_inside_the_workspace() {
        assert_eq!(safe_next("/lots/admin"), "/lots/admin");
        assert_eq!(safe_next("https://evil.example/"), "/lots");
        assert_eq!(safe_next("//evil.example"), "/lots");
        assert_eq!(safe_next("/lots/../kontakt"), "/lots");
        assert_eq!(safe_next("/lotsx"), "/lots");
        assert_eq!(safe_next("/lots/logga-in"), "/lots");
    }
}
