//! The three ways to ask for contact, and the one set of rules that checks them.
//!
//! The browser runs these functions as the person types; the server runs the same functions on
//! every submission, with or without JavaScript.
use super::email::{Email, EmailProblem};
use super::form::{FieldErrors, RawForm};
use super::phone::Phone;
use super::text::{check_name, check_text, has_format_chars, NAME_MAX, ORG_MAX, TEXT_MAX};
use crate::i18n::K;
use serde::{Deserialize, Serialize};

/// How a request reached the hälsolots.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(
    feature = "ssr",
    derive(sea_orm::DeriveValueType),
    sea_orm(value_type = "String")
)]
pub enum Channel {
    /// The person asks for themself (`/kontakt`).
    SelfReferral,
    /// A friend or relative asks on the person's behalf (`/kontakt/for-nagon-annan`).
    Friend,
    /// A vårdcentral or municipal service refers the person (`/remiss`).
    Professional,
}

super::ids::stored_name!(Channel);

impl Channel {
    pub const ALL: [Channel; 3] = [
        Channel::SelfReferral,
        Channel::Friend,
        Channel::Professional,
    ];

    /// The stored value.
    pub fn as_str(self) -> &'static str {
        match self {
            Channel::SelfReferral => "self",
            Channel::Friend => "friend",
            Channel::Professional => "professional",
        }
    }

    pub fn from_str_opt(s: &str) -> Option<Channel> {
        s.parse().ok()
    }

    /// The public page that holds this channel's form.
    pub fn path(self) -> &'static str {
        match self {
            Channel::SelfReferral => "/kontakt",
            Channel::Friend => "/kontakt/for-nagon-annan",
            Channel::Professional => "/remiss",
        }
    }

    pub fn from_path(path: &str) -> Option<Channel> {
        Channel::ALL.into_iter().find(|c| c.path() == path)
    }
}

/// The fields' names in the HTML forms (stable: tests and the benchmark post them).
pub mod field {
    pub const NAME: &str = "name";
    pub const PHONE: &str = "phone";
    pub const EMAIL: &str = "email";
    pub const CALL_TIME: &str = "call_time";
    pub const INTERESTS: &str = "interests";
    pub const HELP: &str = "help";
    pub const CONSENT: &str = "consent";
    pub const RELATION: &str = "relation";
    pub const PERSON_NAME: &str = "person_name";
    pub const PERSON_PHONE: &str = "person_phone";
    pub const PERSON_EMAIL: &str = "person_email";
    pub const PERSON_AGREES: &str = "person_agrees";
    pub const MESSAGE: &str = "message";
    pub const ORG: &str = "organisation";
    pub const REASONS: &str = "reasons";
    pub const PERSON_CONSENTED: &str = "person_consented";
    pub const FEEDBACK: &str = "feedback";
    /// The idempotency key: one per page view, so a repeated submit finds the first request.
    pub const KEY: &str = "key";
    /// The honeypot: hidden from people, filled in by some robots.
    pub const HONEYPOT: &str = "website";
    /// The form-level "field" for errors that belong to no single field.
    pub const FORM: &str = "form";
}

/// The choices offered in the checkbox and radio groups: (stored value, label).
pub const CALL_TIMES: [(&str, K); 3] = [
    ("morning", K::ct_morning),
    ("afternoon", K::ct_afternoon),
    ("any", K::ct_any),
];
pub const INTERESTS: [(&str, K); 7] = [
    ("outdoors", K::int_outdoors),
    ("culture", K::int_culture),
    ("crafts", K::int_crafts),
    ("exercise", K::int_exercise),
    ("social", K::int_social),
    ("learning", K::int_learning),
    ("helping", K::int_helping),
];
pub const RELATIONS: [(&str, K); 4] = [
    ("family", K::rel_family),
    ("friend", K::rel_friend),
    ("neighbour", K::rel_neighbour),
    ("other", K::rel_other),
];
pub const REASONS: [(&str, K); 5] = [
    ("loneliness", K::reason_loneliness),
    ("isolation", K::reason_isolation),
    ("life_change", K::reason_life_change),
    ("low_activity", K::reason_low_activity),
    ("other", K::reason_other),
];
pub const YES_NO: [(&str, K); 2] = [("yes", K::choice_yes), ("no", K::choice_no)];

/// How to reach someone: at least one of phone and e-mail.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Reach {
    pub phone: Option<Phone>,
    pub email: Option<Email>,
}

/// A checked request, ready to be stored. Only what the channel asks for is `Some`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct NewContactRequest {
    pub channel: Channel,
    pub person_name: String,
    pub person: Reach,
    pub call_times: Vec<String>,
    pub interests: Vec<String>,
    pub help_text: Option<String>,
    pub requester_name: Option<String>,
    pub requester: Option<Reach>,
    pub relation: Option<String>,
    pub organisation: Option<String>,
    pub reasons: Vec<String>,
    pub message: Option<String>,
    /// The sender agreed that the details are stored (self and friend forms).
    pub consent_to_store: bool,
    /// The person knows about and wants the contact (friend and referral forms).
    pub person_informed: bool,
    /// The person agreed that the referrer may hear that contact was made (referral form).
    pub feedback_to_referrer: bool,
}

/// Most characters of a phone number or e-mail address shown again (`Phone::parse` and
/// `Email::parse` refuse longer ones).
const PHONE_ECHO_MAX: usize = 40;
const EMAIL_ECHO_MAX: usize = 254;
/// A choice's stored value, or a form key, is short.
const CHOICE_ECHO_MAX: usize = 32;
const KEY_ECHO_MAX: usize = 64;

/// The fields of `channel`'s form as a refused post shows them again: (name, most characters,
/// most values). The honeypot is not among them.
fn echo_fields(channel: Channel) -> Vec<(&'static str, usize, usize)> {
    let one = |name, max| (name, max, 1);
    let mut fields = vec![
        one(field::NAME, NAME_MAX),
        one(field::PHONE, PHONE_ECHO_MAX),
        one(field::EMAIL, EMAIL_ECHO_MAX),
        one(field::KEY, KEY_ECHO_MAX),
    ];
    let person = [
        one(field::PERSON_NAME, NAME_MAX),
        one(field::PERSON_PHONE, PHONE_ECHO_MAX),
        one(field::PERSON_EMAIL, EMAIL_ECHO_MAX),
        one(field::MESSAGE, TEXT_MAX),
    ];
    match channel {
        Channel::SelfReferral => fields.extend([
            (field::CALL_TIME, CHOICE_ECHO_MAX, CALL_TIMES.len()),
            (field::INTERESTS, CHOICE_ECHO_MAX, INTERESTS.len()),
            one(field::HELP, TEXT_MAX),
            one(field::CONSENT, CHOICE_ECHO_MAX),
        ]),
        Channel::Friend => {
            // No free text: until the person agrees, a friend's request holds contact data only.
            fields.extend(person.into_iter().filter(|(f, _, _)| *f != field::MESSAGE));
            fields.extend([
                one(field::RELATION, CHOICE_ECHO_MAX),
                one(field::PERSON_AGREES, CHOICE_ECHO_MAX),
                one(field::CONSENT, CHOICE_ECHO_MAX),
            ]);
        }
        Channel::Professional => {
            fields.extend(person);
            fields.extend([
                one(field::ORG, ORG_MAX),
                (field::REASONS, CHOICE_ECHO_MAX, REASONS.len()),
                one(field::PERSON_CONSENTED, CHOICE_ECHO_MAX),
                one(field::FEEDBACK, CHOICE_ECHO_MAX),
            ]);
        }
    }
    fields
}

/// What a refused post of `channel`'s form shows again: only that form's fields, each cut to the
/// longest value the field allows, a checkbox group at most once per option. Whatever else was
/// posted (thousands of pairs, megabytes of text) is not sent back, so a refusal stays small.
pub fn echo_values(channel: Channel, form: &RawForm) -> RawForm {
    let fields = echo_fields(channel);
    let mut seen = vec![0usize; fields.len()];
    let mut out = Vec::new();
    for (name, value) in &form.0 {
        let Some(i) = fields.iter().position(|(f, _, _)| f == name) else {
            continue;
        };
        let (_, max_chars, max_values) = fields[i];
        if seen[i] < max_values {
            seen[i] += 1;
            out.push((name.clone(), value.chars().take(max_chars).collect()));
        }
    }
    RawForm(out)
}

/// Checks a submission of `channel`'s form.
pub fn parse(channel: Channel, form: &RawForm) -> Result<NewContactRequest, FieldErrors> {
    let mut c = Checker {
        form,
        errors: FieldErrors::default(),
    };
    let request = match channel {
        Channel::SelfReferral => {
            let name = c.name(field::NAME, K::err_name_required);
            let reach = c.reach(field::PHONE, field::EMAIL, K::err_contact_missing);
            let call_times = c.choices(field::CALL_TIME, &CALL_TIMES, false);
            let interests = c.choices(field::INTERESTS, &INTERESTS, false);
            let help = c.text(field::HELP);
            let consent = c.checked(field::CONSENT, K::err_consent_required);
            NewContactRequest {
                channel,
                person_name: name,
                person: reach,
                call_times,
                interests,
                help_text: help,
                requester_name: None,
                requester: None,
                relation: None,
                organisation: None,
                reasons: vec![],
                message: None,
                consent_to_store: consent,
                person_informed: true,
                feedback_to_referrer: false,
            }
        }
        Channel::Friend => {
            let requester_name = c.name(field::NAME, K::err_name_required);
            let requester = c.reach(field::PHONE, field::EMAIL, K::err_your_contact_missing);
            let relation = c.choice(field::RELATION, &RELATIONS, K::err_relation_required);
            let person_name = c.name(field::PERSON_NAME, K::err_person_name_required);
            let person = c.reach(
                field::PERSON_PHONE,
                field::PERSON_EMAIL,
                K::err_person_contact_missing,
            );
            let agrees = c.choice(field::PERSON_AGREES, &YES_NO, K::err_agrees_required);
            if agrees.as_deref() == Some("no") {
                c.errors.add(field::PERSON_AGREES, K::err_person_must_agree);
            }
            let consent = c.checked(field::CONSENT, K::err_consent_required);
            NewContactRequest {
                channel,
                person_name,
                person,
                call_times: vec![],
                interests: vec![],
                help_text: None,
                requester_name: Some(requester_name),
                requester: Some(requester),
                relation,
                organisation: None,
                reasons: vec![],
                // Nothing but contact data before the person's own consent.
                message: None,
                consent_to_store: consent,
                person_informed: agrees.as_deref() == Some("yes"),
                feedback_to_referrer: false,
            }
        }
        Channel::Professional => {
            let referrer_name = c.name(field::NAME, K::err_name_required);
            let organisation = c.organisation();
            let referrer = c.reach(field::PHONE, field::EMAIL, K::err_your_contact_missing);
            let person_name = c.name(field::PERSON_NAME, K::err_person_name_required);
            let person = c.reach(
                field::PERSON_PHONE,
                field::PERSON_EMAIL,
                K::err_person_contact_missing,
            );
            let reasons = c.choices(field::REASONS, &REASONS, true);
            let consented = c.checked(field::PERSON_CONSENTED, K::err_person_consented_required);
            let feedback = c.choice(field::FEEDBACK, &YES_NO, K::err_feedback_required);
            let message = c.text(field::MESSAGE);
            NewContactRequest {
                channel,
                person_name,
                person,
                call_times: vec![],
                interests: vec![],
                help_text: None,
                requester_name: Some(referrer_name),
                requester: Some(referrer),
                relation: None,
                organisation,
                reasons,
                message,
                consent_to_store: consented,
                person_informed: consented,
                feedback_to_referrer: feedback.as_deref() == Some("yes"),
            }
        }
    };
    if c.errors.is_empty() {
        Ok(request)
    } else {
        Err(c.errors)
    }
}

/// Collects every field's problems in one pass, so the person sees them all at once.
struct Checker<'a> {
    form: &'a RawForm,
    errors: FieldErrors,
}

impl Checker<'_> {
    fn name(&mut self, name: &str, missing: K) -> String {
        check_name(self.form.get(name)).unwrap_or_else(|p| {
            self.errors.add(name, p.key(missing));
            String::new()
        })
    }

    fn organisation(&mut self) -> Option<String> {
        match check_text(
            self.form.get(field::ORG),
            ORG_MAX,
            false,
            K::err_org_too_long,
        ) {
            Ok(Some(org)) => Some(org),
            Ok(None) => {
                self.errors.add(field::ORG, K::err_org_required);
                None
            }
            Err(key) => {
                self.errors.add(field::ORG, key);
                None
            }
        }
    }

    fn text(&mut self, name: &str) -> Option<String> {
        check_text(self.form.get(name), TEXT_MAX, true, K::err_text_too_long).unwrap_or_else(
            |key| {
                self.errors.add(name, key);
                None
            },
        )
    }

    /// Phone and e-mail, each checked if given; at least one is needed (the error goes on the phone).
    fn reach(&mut self, phone_field: &str, email_field: &str, missing: K) -> Reach {
        let phone_raw = self.form.get(phone_field).trim();
        let email_raw = self.form.get(email_field).trim();
        let phone = if phone_raw.is_empty() {
            None
        } else if has_format_chars(phone_raw) {
            self.errors.add(phone_field, K::err_invisible);
            None
        } else {
            let p = Phone::parse(phone_raw);
            if p.is_none() {
                self.errors.add(phone_field, K::err_phone_invalid);
            }
            p
        };
        let email = if email_raw.is_empty() {
            None
        } else {
            match Email::check(email_raw) {
                Ok(e) => Some(e),
                Err(EmailProblem::Invisible) => {
                    self.errors.add(email_field, K::err_invisible);
                    None
                }
                Err(EmailProblem::Invalid) => {
                    self.errors.add(email_field, K::err_email_invalid);
                    None
                }
            }
        };
        if phone_raw.is_empty() && email_raw.is_empty() {
            self.errors.add(phone_field, missing);
        }
        Reach { phone, email }
    }

    fn checked(&mut self, name: &str, missing: K) -> bool {
        let on = self.form.get(name) == "yes";
        if !on {
            self.errors.add(name, missing);
        }
        on
    }

    fn choice(&mut self, name: &str, options: &[(&str, K)], missing: K) -> Option<String> {
        let value = self.form.get(name);
        if value.is_empty() {
            self.errors.add(name, missing);
            None
        } else if options.iter().any(|(v, _)| *v == value) {
            Some(value.to_string())
        } else {
            self.errors.add(name, K::err_invalid_choice);
            None
        }
    }

    fn choices(&mut self, name: &str, options: &[(&str, K)], required: bool) -> Vec<String> {
        let mut picked: Vec<String> = Vec::new();
        for value in self.form.all(name) {
            if !options.iter().any(|(v, _)| *v == value) {
                self.errors.add(name, K::err_invalid_choice);
                return vec![];
            }
            if !picked.iter().any(|p| p == value) {
                picked.push(value.to_string());
            }
        }
        if required && picked.is_empty() {
            self.errors.add(name, K::err_reasons_required);
        }
        picked
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn form(pairs: &[(&str, &str)]) -> RawForm {
        RawForm::from_pairs(pairs)
    }

    fn keys(e: &FieldErrors) -> Vec<(&str, K)> {
        e.0.iter().map(|e| (e.field.as_str(), e.key)).collect()
    }

    #[test]
    fn self_referral_valid() {
        let r = parse(
            Channel::SelfReferral,
            &form(&[
                ("name", "Anna"),
                ("phone", "070-123 45 67"),
                ("call_time", "morning"),
                ("interests", "culture"),
                ("help", "Träffa folk"),
                ("consent", "yes"),
            ]),
        )
        .expect("valid");
        assert_eq!(r.person_name, "Anna");
        assert_eq!(
            r.person.phone.as_ref().map(|p| p.e164()),
            Some("+46701234567")
        );
        assert_eq!(r.call_times, vec!["morning"]);
        assert!(r.consent_to_store);
    }

    #[test]
    fn self_referral_empty_lists_every_problem_in_order() {
        let e = parse(Channel::SelfReferral, &RawForm::default()).expect_err("empty");
        assert_eq!(
            keys(&e),
            vec![
                ("name", K::err_name_required),
                ("phone", K::err_contact_missing),
                ("consent", K::err_consent_required)
            ]
        );
    }

    #[test]
    fn email_alone_is_enough_and_bad_formats_are_named() {
        assert!(parse(
            Channel::SelfReferral,
            &form(&[
                ("name", "Bo"),
                ("email", "bo@exempel.se"),
                ("consent", "yes")
            ])
        )
        .is_ok());
        let e = parse(
            Channel::SelfReferral,
            &form(&[
                ("name", "Bo"),
                ("phone", "123"),
                ("email", "bo@"),
                ("consent", "yes"),
            ]),
        )
        .expect_err("bad");
        assert_eq!(
            keys(&e),
            vec![
                ("phone", K::err_phone_invalid),
                ("email", K::err_email_invalid)
            ]
        );
    }

    #[test]
    fn tampered_choices_are_refused() {
        let e = parse(
            Channel::SelfReferral,
            &form(&[
                ("name", "Bo"),
                ("phone", "0701234567"),
                ("call_time", "midnight"),
                ("consent", "yes"),
            ]),
        )
        .expect_err("bad");
        assert_eq!(keys(&e), vec![("call_time", K::err_invalid_choice)]);
    }

    #[test]
    fn friend_must_have_the_persons_agreement() {
        let base = [
            ("name", "Eva"),
            ("phone", "0701234567"),
            ("relation", "friend"),
            ("person_name", "Karl"),
            ("person_phone", "0480-123 45"),
            ("consent", "yes"),
        ];
        let mut no = base.to_vec();
        no.push(("person_agrees", "no"));
        let e = parse(Channel::Friend, &form(&no)).expect_err("no agreement");
        assert_eq!(keys(&e), vec![("person_agrees", K::err_person_must_agree)]);
        let mut yes = base.to_vec();
        yes.push(("person_agrees", "yes"));
        let r = parse(Channel::Friend, &form(&yes)).expect("valid");
        assert_eq!(r.person_name, "Karl");
        assert_eq!(r.requester_name.as_deref(), Some("Eva"));
        assert!(r.person_informed);
    }

    #[test]
    fn professional_needs_reason_consent_and_feedback_answer() {
        let e = parse(
            Channel::Professional,
            &form(&[
                ("name", "Dr Lind"),
                ("organisation", "Högsby vårdcentral"),
                ("email", "lind@rkl.se"),
                ("person_name", "Karl"),
                ("person_phone", "0701234567"),
            ]),
        )
        .expect_err("missing");
        assert_eq!(
            keys(&e),
            vec![
                ("reasons", K::err_reasons_required),
                ("person_consented", K::err_person_consented_required),
                ("feedback", K::err_feedback_required)
            ]
        );
        let r = parse(
            Channel::Professional,
            &form(&[
                ("name", "Dr Lind"),
                ("organisation", "Högsby vårdcentral"),
                ("email", "lind@rkl.se"),
                ("person_name", "Karl"),
                ("person_phone", "0701234567"),
                ("reasons", "loneliness"),
                ("reasons", "loneliness"),
                ("person_consented", "yes"),
                ("feedback", "yes"),
            ]),
        )
        .expect("valid");
        assert_eq!(r.reasons, vec!["loneliness"]);
        assert!(r.feedback_to_referrer);
        assert_eq!(r.organisation.as_deref(), Some("Högsby vårdcentral"));
    }

    #[test]
    fn the_echo_keeps_only_known_fields_cut_to_size() {
        let long_name = "a".repeat(5000);
        let mut pairs = vec![
            ("name", long_name.as_str()),
            ("phone", "070-123 45 67"),
            ("website", "http://spam.example"),
            ("person_name", "Karl"),
            ("key", "0123456789abcdef0123"),
        ];
        pairs.extend(std::iter::repeat_n(("interests", "culture"), 50));
        pairs.extend(std::iter::repeat_n(("junk", "x"), 50));
        let echo = echo_values(Channel::SelfReferral, &form(&pairs));
        assert_eq!(echo.get("name").chars().count(), NAME_MAX);
        assert_eq!(echo.get("phone"), "070-123 45 67");
        assert_eq!(echo.get("key"), "0123456789abcdef0123");
        assert_eq!(echo.get("website"), "", "the honeypot is not sent back");
        assert_eq!(echo.get("person_name"), "", "not a field of this form");
        assert_eq!(echo.all("interests").len(), INTERESTS.len());
        assert!(echo.all("junk").is_empty());
        let echo = echo_values(Channel::Friend, &form(&pairs));
        assert_eq!(echo.get("person_name"), "Karl");
    }

    #[test]
    fn invisible_characters_are_named_at_the_field() {
        let e = parse(
            Channel::SelfReferral,
            &form(&[
                ("name", "An\u{202E}na"),
                ("phone", "070\u{200B}1234567"),
                ("email", "anna\u{2066}@exempel.se"),
                ("help", "Hej\u{FEFF}"),
                ("consent", "yes"),
            ]),
        )
        .expect_err("invisible");
        assert_eq!(
            keys(&e),
            vec![
                ("name", K::err_invisible),
                ("phone", K::err_invisible),
                ("email", K::err_invisible),
                ("help", K::err_invisible),
            ]
        );
    }

    #[test]
    fn paths_round_trip() {
        for c in Channel::ALL {
            assert_eq!(Channel::from_path(c.path()), Some(c));
            assert_eq!(Channel::from_str_opt(c.as_str()), Some(c));
        }
    }
}
