//! `halsolots team add | list` with the real binary, on SQLite and PostgreSQL: checked like the
//! team settings, a taken slug refused, audited as the console's, and `user add --team` works
//! with the new team.
use super::support::*;
use app::ssr::repo::entities::{audit_log, team};
use sea_orm::{ColumnTrait, EntityTrait, QueryFilter, QueryOrder};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn team_add_and_list_from_the_console() {
    on_each_db(
        |_| {},
        |app| async move {
            let app = app;
            let out = halsolots(
                &app,
                &[
                    "team",
                    "add",
                    "--slug",
                    "hogsby",
                    "--name",
                    "Hälsolotsen Högsby",
                    "--municipality",
                    "Högsby kommun",
                    "--phone",
                    "0491-123 45",
                    "--email",
                    "lots@hogsby.se",
                    "--first-contact-days",
                    "5",
                ],
            );
            assert!(out.status.success(), "{}", stderr(&out));
            let added = team::Entity::find()
                .filter(team::Column::Slug.eq("hogsby"))
                .one(&app.state.db)
                .await
                .unwrap()
                .expect("the new team");
            assert_eq!(
                stdout(&out).trim(),
                format!("Added team hogsby (id {}).", added.id)
            );
            assert_eq!(
                (
                    added.name.as_str(),
                    added.municipality.as_str(),
                    added.phone.as_str(),
                    added.email.as_str(),
                    added.first_contact_days
                ),
                (
                    "Hälsolotsen Högsby",
                    "Högsby kommun",
                    "+4649112345",
                    "lots@hogsby.se",
                    5
                )
            );
            // Audited as the console's, in the new team's log.
            let entry = audit_log::Entity::find()
                .order_by_desc(audit_log::Column::Seq)
                .one(&app.state.db)
                .await
                .unwrap()
                .unwrap();
            assert_eq!(entry.action.as_str(), "team.create");
            assert_eq!(entry.team_id, Some(added.id));
            assert_eq!(entry.actor_staff_id, None);
            assert_eq!(entry.subject_id, Some(added.id.to_string()));
            assert_eq!(entry.detail.as_deref(), Some("console"));

            // Only the required options: phone and e-mail left for the team's admin.
            let out = halsolots(
                &app,
                &[
                    "team",
                    "add",
                    "--slug",
                    "ab-2",
                    "--name",
                    "Lotsen",
                    "--municipality",
                    "Ab",
                ],
            );
            assert!(out.status.success(), "{}", stderr(&out));

            // Refused, with a message naming the option, and nothing written.
            for (args, says) in [
                (
                    vec!["--slug", "hogsby", "--name", "Igen", "--municipality", "X"],
                    "--slug: There is already a team with that short name.",
                ),
                (
                    vec![
                        "--slug",
                        "Högsby",
                        "--name",
                        "Lotsen",
                        "--municipality",
                        "X",
                    ],
                    "--slug: Enter a short name of 2–40 characters",
                ),
                (
                    vec!["--slug", "x", "--name", "Lotsen", "--municipality", "X"],
                    "--slug:",
                ),
                (
                    vec!["--slug", "ok", "--name", " ", "--municipality", "X"],
                    "--name: Enter the name of the service.",
                ),
                (
                    vec![
                        "--slug",
                        "ok",
                        "--name",
                        "L",
                        "--municipality",
                        "X",
                        "--phone",
                        "12",
                    ],
                    "--phone:",
                ),
                (
                    vec![
                        "--slug",
                        "ok",
                        "--name",
                        "L",
                        "--municipality",
                        "X",
                        "--first-contact-days",
                        "31",
                    ],
                    "--first-contact-days:",
                ),
            ] {
                let mut all = vec!["team", "add"];
                all.extend(args.iter().copied());
                let out = halsolots(&app, &all);
                assert!(!out.status.success(), "{args:?} on {:?}", app.db);
                assert!(stderr(&out).contains(says), "{args:?}: {}", stderr(&out));
            }
            assert_eq!(
                team::Entity::find().all(&app.state.db).await.unwrap().len(),
                3
            );

            // An account in the new team, and the list with its count of active staff.
            let out = std::process::Command::new(env!("CARGO_BIN_EXE_halsolots"))
                .args([
                    "user",
                    "add",
                    "--email",
                    "lots@hogsby.se",
                    "--name",
                    "Nora Lots",
                    "--role",
                    "navigator",
                    "--team",
                    "hogsby",
                ])
                .env("DATABASE_URL", &app.state.settings.database_url)
                .env("HALSOLOTS_KEY", key_hex(&app.state.settings.database_url))
                .env("HALSOLOTS_PASSWORD", PASSWORD)
                .output()
                .unwrap();
            assert!(out.status.success(), "{}", stderr(&out));
            use app::ssr::repo::entities::staff;
            let nora = staff::Entity::find()
                .filter(staff::Column::Email.eq("lots@hogsby.se"))
                .one(&app.state.db)
                .await
                .unwrap()
                .unwrap();
            assert_eq!(nora.team_id, added.id);

            let out = halsolots(&app, &["team", "list"]);
            assert!(out.status.success(), "{}", stderr(&out));
            assert_eq!(
                stdout(&out),
                "slug\tname\tmunicipality\thost\tactive staff\n\
                 ab-2\tLotsen\tAb\t-\t0\n\
                 demo\tHälsolotsen\tExempelby kommun\t-\t0\n\
                 hogsby\tHälsolotsen Högsby\tHögsby kommun\t-\t1\n"
            );
            // Nora logs in and lands in her own team.
            let cookie = app.login("lots@hogsby.se").await;
            let page = app.send("GET", "/lots", Some(&cookie), &[], None).await;
            assert!(page.body.contains("Hälsolotsen Högsby"), "{}", page.body);
        },
    )
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn console_commands_start_no_background_jobs() {
    on_each_db(
        |_| {},
        |app| async move {
            let app = app;
            let out = halsolots(&app, &["migrate"]);
            assert!(out.status.success(), "{}", stderr(&out));
            let out = halsolots(&app, &["team", "list"]);
            assert!(out.status.success(), "{}", stderr(&out));
            use app::ssr::repo::entities::job;
            assert!(job::Entity::find()
                .all(&app.state.db)
                .await
                .unwrap()
                .is_empty());
        },
    )
    .await;
}
