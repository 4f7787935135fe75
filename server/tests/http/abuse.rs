//! Bad input: every case gets a clear answer (never a 500) and stores nothing.
use crate::support::*;

/// The fields each form reads.
fn fields_of(path: &str) -> &'static [&'static str] {
    match path {
        "/kontakt" => &[
            "name",
            "phone",
            "email",
            "call_time",
            "interests",
            "help",
            "consent",
        ],
        "/kontakt/for-nagon-annan" => &[
            "name",
            "phone",
            "email",
            "relation",
            "person_name",
            "person_phone",
            "person_email",
            "person_agrees",
            "consent",
        ],
        _ => &[
            "name",
            "organisation",
            "phone",
            "email",
            "person_name",
            "person_phone",
            "person_email",
            "reasons",
            "person_consented",
            "feedback",
            "message",
        ],
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn huge_fields_are_refused_with_a_message() {
    on_each_db(
        |_| {},
        |app| async move {
            let huge_ascii = "a".repeat(100_000);
            let huge_swedish = "å".repeat(100_000);
            for (path, pairs) in valid_forms() {
                for field in fields_of(path) {
                    for huge in [&huge_ascii, &huge_swedish] {
                        let mut p: Vec<(&str, &str)> =
                            pairs.iter().filter(|(k, _)| k != field).copied().collect();
                        p.push((field, huge.as_str()));
                        let res = app.post_form(path, encode(&p)).await;
                        assert_eq!(res.status, 422, "{path} {field}");
                        assert!(
                            res.body.contains("Något behöver rättas till"),
                            "{path} {field}"
                        );
                    }
                }
            }
            assert_eq!(app.stored_requests().await, 0);
        },
    )
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn markup_in_any_field_is_refused_and_shown_escaped() {
    on_each_db(
        |_| {},
        |app| async move {
            let script = "<script>alert('x')</script>";
            for (path, pairs) in valid_forms() {
                for (field, _) in pairs
                    .iter()
                    .filter(|(k, _)| !matches!(*k, "consent" | "person_consented"))
                {
                    let mut p: Vec<(&str, &str)> =
                        pairs.iter().filter(|(k, _)| k != field).copied().collect();
                    p.push((field, script));
                    let res = app.post_form(path, encode(&p)).await;
                    assert_eq!(res.status, 422, "{path} {field}");
                    assert!(
                        !res.body.contains(script),
                        "{path} {field}: typed markup must never be sent back raw"
                    );
                }
            }
            assert_eq!(app.stored_requests().await, 0);
        },
    )
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn invalid_utf8_and_control_characters() {
    on_each_db(
        |_| {},
        |app| async move {
            // %FF is not UTF-8.
            let res = app
                .post_form("/kontakt", "name=An%FFna&phone=0701234567&consent=yes")
                .await;
            assert_eq!(res.status, 422);
            assert!(res
                .body
                .contains("Texten innehåller tecken som inte går att läsa"));
            // A name of only control characters is no name.
            let res = app
                .post_form("/kontakt", "name=%00%07%1B&phone=0701234567&consent=yes")
                .await;
            assert_eq!(res.status, 422);
            assert!(res.body.contains("Skriv ditt namn."));
            // Raw invalid bytes in the body, not percent-encoded.
            let res = app
                .post_form(
                    "/kontakt",
                    b"name=\xff\xfe&phone=0701234567&consent=yes".to_vec(),
                )
                .await;
            assert_eq!(res.status, 422);
            assert_eq!(app.stored_requests().await, 0);
            // Control characters inside an otherwise good name are removed, not stored.
            let res = app
                .post_form("/kontakt", "name=An%00na%07&phone=0701234567&consent=yes")
                .await;
            assert_eq!(res.status, 303);
            assert_eq!(app.all_requests().await[0].person_name, "Anna");
        },
    )
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn wrong_phone_and_email_formats_are_named() {
    on_each_db(
        |_| {},
        |app| async move {
            for phone in ["123", "070-123 45", "phone", "+46", "0701234567890"] {
                let res = app
                    .post_form(
                        "/kontakt",
                        encode(&[("name", "Bo"), ("phone", phone), ("consent", "yes")]),
                    )
                    .await;
                assert_eq!(res.status, 422, "{phone}");
                assert!(
                    res.body.contains("Skriv ett telefonnummer med siffror"),
                    "{phone}"
                );
            }
            for email in ["bo", "bo@", "bo@exempel", "bo @exempel.se", "@exempel.se"] {
                let res = app
                    .post_form(
                        "/kontakt",
                        encode(&[("name", "Bo"), ("email", email), ("consent", "yes")]),
                    )
                    .await;
                assert_eq!(res.status, 422, "{email}");
                assert!(res.body.contains("Skriv en e-postadress med @"), "{email}");
            }
            assert_eq!(app.stored_requests().await, 0);
        },
    )
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn missing_consent_is_refused() {
    on_each_db(
        |_| {},
        |app| async move {
            for (path, pairs) in valid_forms() {
                let p: Vec<(&str, &str)> = pairs
                    .iter()
                    .filter(|(k, _)| !matches!(*k, "consent" | "person_consented"))
                    .copied()
                    .collect();
                let res = app.post_form(path, encode(&p)).await;
                assert_eq!(res.status, 422, "{path}");
            }
            assert_eq!(app.stored_requests().await, 0);
        },
    )
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_filled_honeypot_is_refused() {
    on_each_db(
        |_| {},
        |app| async move {
            let mut p = valid_self();
            p.push(("website", "http://spam.example"));
            let res = app.post_form("/kontakt", encode(&p)).await;
            assert_eq!(res.status, 400);
            assert!(res.body.contains("Formuläret kunde inte skickas"));
            assert_eq!(app.stored_requests().await, 0);
        },
    )
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn too_many_submits_from_one_client_are_refused_kindly() {
    on_each_db(|s| s.form_rate_limit_per_hour = 3, |app| async move {
        for i in 0..3 {
            let name = letters_name(i);
            let mut p: Vec<(&str, &str)> = valid_self().into_iter().filter(|(k, _)| *k != "name").collect();
            p.push(("name", &name));
            assert_eq!(app.post_form_from("/kontakt", encode(&p), "192.0.2.7").await.status, 303);
        }
        let res = app.post_form_from("/kontakt", encode(&valid_self()), "192.0.2.7").await;
        assert_eq!(res.status, 429);
        assert!(res.body.contains("Du har skickat många förfrågningar på kort tid"));
        assert!(res.body.contains("value=\"Anna\""), "what was typed is kept");
        assert_eq!(app.stored_requests().await, 3);
        // Another client is not affected.
        assert_eq!(app.post_form_from("/kontakt", encode(&valid_self()), "192.0.2.8").await.status, 303);
        // The server function path shares the limit.
        let json = serde_json::json!({ "channel": "SelfReferral", "form": valid_self().iter().map(|(k, v)| [*k, *v]).collect::<Vec<_>>() }).to_string();
        let req = http::Request::post("/api/contact/submit").header("content-type", "application/json").body(axum::body::Body::from(json)).unwrap();
        let res = app.call(req, "192.0.2.7").await;
        assert_eq!(res.status, 429);
        assert_eq!(res.body, "\"RateLimited\"");
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn oversized_bodies_and_garbage_get_clear_answers() {
    on_each_db(
        |_| {},
        |app| async move {
            let res = app
                .post_form("/kontakt", format!("name={}", "a".repeat(2 * 1024 * 1024)))
                .await;
            assert_eq!(res.status, 413);
            assert!(res
                .body
                .contains("Det du skrev var för långt för att skicka"));
            let res = app.post_server_fn("{not json").await;
            assert!(res.status.is_client_error(), "{}", res.status);
            let res = app.post_server_fn(r#"{"channel":"Nope","form":[]}"#).await;
            assert!(res.status.is_client_error(), "{}", res.status);
            assert_eq!(app.stored_requests().await, 0);
        },
    )
    .await;
}
