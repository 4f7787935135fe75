//! A participant's personnummer, on SQLite and PostgreSQL: refused (and nothing changed) unless
//! the team's admin has allowed it; then checked, stored sealed (the raw column never holds the
//! digits), shown masked except in the edit field, kept out of the audit log; turning the setting
//! off erases them.
use super::support::*;
use app::models::staff::Role;
use app::ssr::repo::entities::{audit_log, case, contact_request, participant, team};
use http::StatusCode;
use sea_orm::{EntityTrait, QueryOrder};

const DIGITS: &str = "198112189876";

async fn the_participant(app: &TestApp, case_path: &str) -> participant::Model {
    let id: i64 = case_path
        .trim_start_matches("/lots/deltagare/")
        .parse()
        .unwrap();
    let c = case::Entity::find_by_id(id)
        .one(&app.state.db)
        .await
        .unwrap()
        .unwrap();
    participant::Entity::find_by_id(c.participant_id)
        .one(&app.state.db)
        .await
        .unwrap()
        .unwrap()
}

/// The person form as the case page posts it, with `personnummer` (`None`: not on the form).
async fn save_person(
    app: &TestApp,
    cookie: &str,
    case_path: &str,
    personnummer: Option<&str>,
) -> TestResponse {
    let version = the_participant(app, case_path).await.version.to_string();
    let mut pairs = vec![
        ("action", "person"),
        ("version", version.as_str()),
        ("name", "Pia Person"),
        ("phone", "070-123 45 67"),
    ];
    if let Some(p) = personnummer {
        pairs.push(("personnummer", p));
    }
    app.post_as(case_path, Some(cookie), &pairs).await
}

/// The admin's settings form, with "allow personnummer" ticked or not.
async fn save_settings(app: &TestApp, cookie: &str, allow: bool) {
    let mut pairs = vec![
        ("team_name", "Hälsolotsen"),
        ("municipality", "Exempelby kommun"),
        ("phone", "031-390 06 12"),
        ("email", "halsolots@exempel.se"),
        ("first_contact_days", "3"),
        ("friend_erase_days", "14"),
    ];
    if allow {
        pairs.push(("personnummer_allowed", "yes"));
    }
    let res = app
        .post_as("/lots/admin/installningar", Some(cookie), &pairs)
        .await;
    assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
}

async fn allowed(app: &TestApp) -> bool {
    team::Entity::find_by_id(app.state.team_id)
        .one(&app.state.db)
        .await
        .unwrap()
        .unwrap()
        .personnummer_allowed
}

async fn audit_details(app: &TestApp) -> Vec<(String, Option<String>)> {
    audit_log::Entity::find()
        .order_by_asc(audit_log::Column::Seq)
        .all(&app.state.db)
        .await
        .unwrap()
        .into_iter()
        .map(|e| (e.action.as_str().to_string(), e.detail))
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_personnummer_is_kept_sealed_and_masked_only_where_the_team_allows_it() {
    on_each_db(
        |_| {},
        |app| async move {
            let app = app;
            let a = app.state.team_id;
            app.add_staff(a, Role::Admin, "admin@a.se", "Alva Admin")
                .await;
            app.add_staff(a, Role::Navigator, "lots@a.se", "Nora Lots")
                .await;
            let admin = app.login("admin@a.se").await;
            let nav = app.login("lots@a.se").await;
            let sent = app.post_form("/kontakt", encode(&valid_self())).await;
            assert_eq!(sent.status, StatusCode::SEE_OTHER, "{}", sent.body);
            let r = contact_request::Entity::find()
                .one(&app.state.db)
                .await
                .unwrap()
                .unwrap();
            let v = r.version.to_string();
            let res = app
                .post_as(
                    &format!("/lots/inkorg/{}/acceptera", r.id),
                    Some(&nav),
                    &[("version", &v)],
                )
                .await;
            assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
            let case_path = res.location().to_string();

            // Off by default: no field on the page, and one posted anyway is refused with the
            // message at the field, and nothing is changed.
            assert!(!allowed(&app).await);
            let page = app.send("GET", &case_path, Some(&nav), &[], None).await;
            assert_eq!(page.status, StatusCode::OK);
            assert!(!page.body.contains(r#"name="personnummer""#));
            let settings = app
                .send("GET", "/lots/admin/installningar", Some(&admin), &[], None)
                .await;
            assert!(settings.body.contains("Tillåt personnummer"));
            assert!(settings.body.contains("raderas alla personnummer"));
            let before = the_participant(&app, &case_path).await;
            let res = save_person(&app, &nav, &case_path, Some("811218-9876")).await;
            assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY);
            assert!(
                res.body.contains("Ert team sparar inte personnummer."),
                "{}",
                res.body
            );
            assert_eq!(the_participant(&app, &case_path).await, before);
            // Saving without it works as before.
            let res = save_person(&app, &nav, &case_path, None).await;
            assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);

            // The admin allows it: audited as a change of the team's settings.
            save_settings(&app, &admin, true).await;
            assert!(allowed(&app).await);
            assert_eq!(audit_details(&app).await.last().unwrap().0, "team.update");
            let settings = app
                .send("GET", "/lots/admin/installningar", Some(&admin), &[], None)
                .await;
            let checkbox = settings
                .body
                .split("<input")
                .find(|tag| tag.contains(r#"id="s-personnummer_allowed""#))
                .and_then(|tag| tag.split('>').next())
                .unwrap_or_default();
            assert!(checkbox.contains("checked"), "{checkbox}");
            let page = app.send("GET", &case_path, Some(&nav), &[], None).await;
            assert!(page.body.contains(r#"name="personnummer""#));

            // Checked at the field, in plain words.
            for (typed, says) in [
                ("811218-9875", "Den sista siffran stämmer inte"),
                ("811231-98761", "Skriv personnumret med 12 siffror"),
                ("810230-9876", "Datumet i personnumret finns inte"),
                ("20991218-9876", "har inte varit än"),
            ] {
                let res = save_person(&app, &nav, &case_path, Some(typed)).await;
                assert_eq!(res.status, StatusCode::UNPROCESSABLE_ENTITY, "{typed}");
                assert!(res.body.contains(says), "{typed}: {}", res.body);
                assert!(
                    res.body.contains(&format!(r#"value="{typed}""#)),
                    "kept in the field"
                );
            }

            // Saved sealed: the raw column holds neither the 12 nor the 10 digits.
            let res = save_person(&app, &nav, &case_path, Some("811218-9876")).await;
            assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
            let stored = the_participant(&app, &case_path)
                .await
                .personnummer
                .expect("kept");
            assert!(stored.starts_with("k1:"), "sealed");
            assert!(!stored.contains(DIGITS) && !stored.contains(&DIGITS[2..]));
            // Never in the audit log.
            for (action, detail) in audit_details(&app).await {
                assert!(
                    !detail.unwrap_or_default().contains("9876"),
                    "{action} names the personnummer"
                );
            }

            // The case page: masked where it is read, whole only in the edit field.
            let page = app.send("GET", &case_path, Some(&nav), &[], None).await;
            assert!(page.body.contains("19811218-****"), "{}", page.body);
            assert_eq!(
                page.body.matches("19811218-9876").count(),
                1,
                "{}",
                page.body
            );
            assert!(!page.body.contains(DIGITS));
            assert!(page.body.contains(r#"value="19811218-9876""#));
            // Not in the caseload.
            let list = app
                .send("GET", "/lots/deltagare?vem=teamet", Some(&nav), &[], None)
                .await;
            assert_eq!(list.status, StatusCode::OK);
            assert!(!list.body.contains("19811218"));

            // The 10-digit form with `+` (aged 100 or more) and a samordningsnummer.
            let res = save_person(&app, &nav, &case_path, Some("201010+1232")).await;
            assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
            let page = app.send("GET", &case_path, Some(&nav), &[], None).await;
            assert!(page.body.contains("19201010-****"), "{}", page.body);
            let res = save_person(&app, &nav, &case_path, Some("701063-2391")).await;
            assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
            let page = app.send("GET", &case_path, Some(&nav), &[], None).await;
            assert!(page.body.contains("19701063-****"));

            // Emptied: none kept.
            let res = save_person(&app, &nav, &case_path, Some("")).await;
            assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
            assert_eq!(the_participant(&app, &case_path).await.personnummer, None);

            // Turning the setting off erases every one the team kept, and the entry counts them.
            let res = save_person(&app, &nav, &case_path, Some("19811218-9876")).await;
            assert_eq!(res.status, StatusCode::SEE_OTHER, "{}", res.body);
            save_settings(&app, &admin, false).await;
            assert!(!allowed(&app).await);
            assert_eq!(the_participant(&app, &case_path).await.personnummer, None);
            let last = audit_details(&app).await.pop().unwrap();
            assert_eq!(
                last,
                ("team.update".into(), Some("personnummer_erased:1".into()))
            );
            let page = app.send("GET", &case_path, Some(&nav), &[], None).await;
            assert!(!page.body.contains("19811218"));
            assert!(!page.body.contains(r#"name="personnummer""#));
        },
    )
    .await;
}
