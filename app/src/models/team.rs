//! The team settings an admin edits: the public contact details and the first-contact promise.
use super::email::{Email, EmailProblem};
use super::form::{FieldErrors, RawForm};
use super::phone::Phone;
use super::staff::field;
use super::text::{clean, has_format_chars, nfc};
use crate::i18n::K;
use serde::{Deserialize, Serialize};

/// The settings as the form shows them.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct TeamSettingsView {
    pub name: String,
    pub municipality: String,
    pub phone: String,
    pub email: String,
    pub first_contact_days: u8,
    /// Every staff member must log in with a code from an authenticator app too.
    pub require_two_factor: bool,
}

/// Checked settings, ready to store.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TeamUpdate {
    pub name: String,
    pub municipality: String,
    pub phone: Phone,
    pub email: Email,
    pub first_contact_days: u8,
    pub require_two_factor: bool,
}

/// The promise may be 1 to 30 working days.
pub const DAYS_MAX: u8 = 30;

pub fn parse_team_settings(form: &RawForm) -> Result<TeamUpdate, FieldErrors> {
    let mut errors = FieldErrors::default();
    let mut text = |name: &str, missing: K| {
        let raw = form.get(name);
        if has_format_chars(raw) {
            errors.add(name, K::err_invisible);
            return String::new();
        }
        let v = clean(&nfc(raw), false);
        if v.is_empty() || v.chars().count() > 200 {
            errors.add(name, missing);
        }
        v
    };
    let name = text(field::TEAM_NAME, K::err_team_name);
    let municipality = text(field::MUNICIPALITY, K::err_municipality);
    let phone = Phone::parse(form.get(field::PHONE));
    if has_format_chars(form.get(field::PHONE)) {
        errors.add(field::PHONE, K::err_invisible);
    } else if phone.is_none() {
        errors.add(field::PHONE, K::err_phone_invalid);
    }
    let email = Email::check(form.get(field::EMAIL));
    match email {
        Err(EmailProblem::Invisible) => errors.add(field::EMAIL, K::err_invisible),
        Err(EmailProblem::Invalid) => errors.add(field::EMAIL, K::err_email_invalid),
        Ok(_) => {}
    }
    let email = email.ok();
    let days = form
        .get(field::DAYS)
        .trim()
        .parse::<u8>()
        .ok()
        .filter(|d| (1..=DAYS_MAX).contains(d));
    if days.is_none() {
        errors.add(field::DAYS, K::err_days);
    }
    match (phone, email, days) {
        (Some(phone), Some(email), Some(first_contact_days)) if errors.is_empty() => {
            Ok(TeamUpdate {
                name,
                municipality,
                phone,
                email,
                first_contact_days,
                require_two_factor: form.get(field::REQUIRE_TWO_FACTOR) == "yes",
            })
        }
        _ => Err(errors),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn settings_are_checked_per_field() {
        let f = |d: &str| {
            RawForm::from_pairs(&[
                ("team_name", "Hälsolotsen"),
                ("municipality", "Högsby kommun"),
                ("phone", "0491-123 45"),
                ("email", "lots@hogsby.se"),
                ("first_contact_days", d),
            ])
        };
        assert_eq!(parse_team_settings(&f("3")).unwrap().first_contact_days, 3);
        assert_eq!(
            parse_team_settings(&f("0")).unwrap_err().get(field::DAYS),
            Some(K::err_days)
        );
        assert_eq!(
            parse_team_settings(&f("31")).unwrap_err().get(field::DAYS),
            Some(K::err_days)
        );
        let e = parse_team_settings(&RawForm::default()).unwrap_err();
        assert_eq!(e.get(field::TEAM_NAME), Some(K::err_team_name));
        assert_eq!(e.get(field::PHONE), Some(K::err_phone_invalid));
    }
}
