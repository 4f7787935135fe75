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
    /// Days a friend's request waits for the person's own yes before it is erased.
    pub friend_erase_days: u8,
    /// Staff may keep a participant's personnummer (off unless the team turns it on).
    #[serde(default)]
    pub personnummer_allowed: bool,
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
    pub friend_erase_days: u8,
    pub personnummer_allowed: bool,
}

/// The settings form's checkbox for `personnummer_allowed` (checked: `yes`).
pub const PERSONNUMMER_ALLOWED: &str = "personnummer_allowed";

/// The console's field (`--host`) for the host name a team's public pages answer on.
pub const HOST: &str = "host";

/// The promise may be 1 to 30 working days.
pub const DAYS_MAX: u8 = 30;

/// The settings form's field for `friend_erase_days`.
pub const ERASE_DAYS: &str = "friend_erase_days";
/// An unanswered friend request is kept 14 days unless the team says otherwise (1 to 90).
pub const ERASE_DAYS_DEFAULT: u8 = 14;
pub const ERASE_DAYS_MAX: u8 = 90;

/// The erase days from the form: empty means the default.
fn erase_days(form: &RawForm, errors: &mut FieldErrors) -> Option<u8> {
    let raw = form.get(ERASE_DAYS).trim();
    if raw.is_empty() {
        return Some(ERASE_DAYS_DEFAULT);
    }
    let days = raw
        .parse::<u8>()
        .ok()
        .filter(|d| (1..=ERASE_DAYS_MAX).contains(d));
    if days.is_none() {
        errors.add(ERASE_DAYS, K::err_erase_days);
    }
    days
}

pub fn parse_team_settings(form: &RawForm) -> Result<TeamUpdate, FieldErrors> {
    let (d, mut errors) = details(form, true);
    let friend_erase_days = erase_days(form, &mut errors);
    match (d.phone, d.email, d.first_contact_days, friend_erase_days) {
        (Some(phone), Some(email), Some(first_contact_days), Some(friend_erase_days))
            if errors.is_empty() =>
        {
            Ok(TeamUpdate {
                name: d.name,
                municipality: d.municipality,
                phone,
                email,
                first_contact_days,
                require_two_factor: form.get(field::REQUIRE_TWO_FACTOR) == "yes",
                friend_erase_days,
                personnummer_allowed: form.get(PERSONNUMMER_ALLOWED) == "yes",
            })
        }
        _ => Err(errors),
    }
}

/// A new team (`halsolots team add`), checked as the settings form checks them. Phone and e-mail
/// may be left out: the team's admin then fills them in the settings.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct NewTeam {
    pub slug: String,
    pub name: String,
    pub municipality: String,
    pub phone: Option<Phone>,
    pub email: Option<Email>,
    pub first_contact_days: u8,
    /// The host name its public pages answer on (`parse_host`), if it has its own.
    pub public_host: Option<String>,
}

/// The default promise of a new team, in working days.
pub const DAYS_DEFAULT: u8 = 3;

/// A team's key in the installation (and, later, in its addresses): 2–40 characters, lower-case
/// `a`–`z`, digits and `-`.
pub fn parse_slug(raw: &str) -> Option<String> {
    let ok = (2..=40).contains(&raw.len())
        && raw
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-');
    ok.then(|| raw.to_string())
}

/// A host name a team's public pages answer on, as requests name it: lower-case, without a
/// port or a final dot; 1–253 characters in labels of 1–63 letters `a`–`z`, digits and `-` (not
/// first or last), separated by dots. The request's `Host` is compared with exactly this form.
pub fn parse_host(raw: &str) -> Option<String> {
    let host = raw.trim().to_ascii_lowercase();
    let host = host.strip_suffix('.').unwrap_or(&host);
    let label_ok = |l: &str| {
        (1..=63).contains(&l.len())
            && !l.starts_with('-')
            && !l.ends_with('-')
            && l.bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
    };
    ((1..=253).contains(&host.len()) && host.split('.').all(label_ok)).then(|| host.to_string())
}

/// Checks a new team: the slug, then every field as `parse_team_settings` does, except that an
/// empty phone, e-mail or number of days is allowed (none, none, `DAYS_DEFAULT`).
pub fn parse_new_team(form: &RawForm) -> Result<NewTeam, FieldErrors> {
    let (d, mut errors) = details(form, false);
    let slug = parse_slug(form.get(field::SLUG));
    if slug.is_none() {
        errors.add(field::SLUG, K::err_slug);
    }
    let public_host = match form.get(HOST).trim() {
        "" => None,
        raw => {
            let host = parse_host(raw);
            if host.is_none() {
                errors.add(HOST, K::err_host);
            }
            host
        }
    };
    match (slug, d.first_contact_days) {
        (Some(slug), Some(first_contact_days)) if errors.is_empty() => Ok(NewTeam {
            slug,
            name: d.name,
            municipality: d.municipality,
            phone: d.phone,
            email: d.email,
            first_contact_days,
            public_host,
        }),
        _ => Err(errors),
    }
}

/// The details both forms share, each checked; `None` where a field is wrong or (unless
/// `required`) empty.
struct Details {
    name: String,
    municipality: String,
    phone: Option<Phone>,
    email: Option<Email>,
    first_contact_days: Option<u8>,
}

fn details(form: &RawForm, required: bool) -> (Details, FieldErrors) {
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
    let given = |name: &str| required || !form.get(name).trim().is_empty();
    let mut phone = None;
    if given(field::PHONE) {
        phone = Phone::parse(form.get(field::PHONE));
        if has_format_chars(form.get(field::PHONE)) {
            errors.add(field::PHONE, K::err_invisible);
        } else if phone.is_none() {
            errors.add(field::PHONE, K::err_phone_invalid);
        }
    }
    let mut email = None;
    if given(field::EMAIL) {
        let checked = Email::check(form.get(field::EMAIL));
        match checked {
            Err(EmailProblem::Invisible) => errors.add(field::EMAIL, K::err_invisible),
            Err(EmailProblem::Invalid) => errors.add(field::EMAIL, K::err_email_invalid),
            Ok(_) => {}
        }
        email = checked.ok();
    }
    let first_contact_days = if given(field::DAYS) {
        let days = form
            .get(field::DAYS)
            .trim()
            .parse::<u8>()
            .ok()
            .filter(|d| (1..=DAYS_MAX).contains(d));
        if days.is_none() {
            errors.add(field::DAYS, K::err_days);
        }
        days
    } else {
        Some(DAYS_DEFAULT)
    };
    let d = Details {
        name,
        municipality,
        phone,
        email,
        first_contact_days,
    };
    (d, errors)
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
        assert!(
            !parse_team_settings(&f("3")).unwrap().personnummer_allowed,
            "off unless ticked"
        );
        let mut on = f("3");
        on.0.push((PERSONNUMMER_ALLOWED.into(), "yes".into()));
        assert!(parse_team_settings(&on).unwrap().personnummer_allowed);
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

    #[test]
    fn slugs_are_short_lower_case_words() {
        for ok in ["ab", "hogsby", "region-kalmar-2", &"a".repeat(40)] {
            assert_eq!(parse_slug(ok).as_deref(), Some(ok), "{ok}");
        }
        for bad in [
            "",
            "a",
            "Hogsby",
            "högsby",
            "a b",
            "a_b",
            "a/b",
            &"a".repeat(41),
        ] {
            assert_eq!(parse_slug(bad), None, "{bad}");
        }
    }

    #[test]
    fn host_names_are_compared_lower_case_without_a_final_dot() {
        for (raw, host) in [
            ("halsolots.hogsby.se", "halsolots.hogsby.se"),
            (" Halsolots.Hogsby.SE. ", "halsolots.hogsby.se"),
            ("localhost", "localhost"),
            ("b.example", "b.example"),
            ("xn--hgsby-jua.se", "xn--hgsby-jua.se"),
        ] {
            assert_eq!(parse_host(raw).as_deref(), Some(host), "{raw}");
        }
        for bad in [
            "",
            ".",
            "a..b",
            ".a.b",
            "-a.se",
            "a-.se",
            "a.se:8080",
            "högsby.se",
            "a b.se",
            "a_b.se",
            "https://a.se",
            "a.se/x",
            &format!("{}.se", "a".repeat(64)),
            &format!("{}a", "a.".repeat(127)),
        ] {
            assert_eq!(parse_host(bad), None, "{bad}");
        }
    }

    #[test]
    fn a_new_team_needs_slug_name_and_municipality_only() {
        let f = |pairs: &[(&str, &str)]| parse_new_team(&RawForm::from_pairs(pairs));
        let t = f(&[
            ("slug", "hogsby"),
            ("team_name", "Hälsolotsen Högsby"),
            ("municipality", "Högsby kommun"),
        ])
        .unwrap();
        assert_eq!(
            (
                t.slug.as_str(),
                t.phone,
                t.email,
                t.first_contact_days,
                t.public_host
            ),
            ("hogsby", None, None, DAYS_DEFAULT, None)
        );
        let t = f(&[
            ("slug", "hogsby"),
            ("team_name", "Hälsolotsen"),
            ("municipality", "Högsby kommun"),
            ("phone", "0491-123 45"),
            ("email", "lots@hogsby.se"),
            ("first_contact_days", "5"),
            ("host", "Halsolots.Hogsby.se"),
        ])
        .unwrap();
        assert_eq!(t.public_host.as_deref(), Some("halsolots.hogsby.se"));
        assert_eq!(t.phone.unwrap().e164(), "+4649112345");
        assert_eq!(t.first_contact_days, 5);
        let e = f(&[
            ("slug", "Högsby"),
            ("phone", "12"),
            ("first_contact_days", "0"),
            ("host", "a.se:80"),
        ])
        .unwrap_err();
        assert_eq!(e.get(HOST), Some(K::err_host));
        assert_eq!(e.get(field::SLUG), Some(K::err_slug));
        assert_eq!(e.get(field::TEAM_NAME), Some(K::err_team_name));
        assert_eq!(e.get(field::MUNICIPALITY), Some(K::err_municipality));
        assert_eq!(e.get(field::PHONE), Some(K::err_phone_invalid));
        assert_eq!(e.get(field::DAYS), Some(K::err_days));
    }
}
