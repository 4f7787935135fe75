//! The three public forms, without JavaScript (plain form posts) and through the server function.
use crate::support::*;
use app::models::receipt::normalise_code;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn each_form_stores_exactly_one_request_and_redirects_to_its_receipt() {
    on_each_db(
        |_| {},
        |app| async move {
            for (i, (path, pairs)) in valid_forms().into_iter().enumerate() {
                let res = app.post_form(path, encode(&pairs)).await;
                assert_eq!(res.status, 303, "{:?} {path}: {}", app.db, res.body);
                let code = res
                    .location()
                    .strip_prefix("/kvitto/")
                    .expect("redirect to receipt")
                    .to_string();
                assert_eq!(normalise_code(&code).as_deref(), Some(code.as_str()));
                assert_eq!(app.stored_requests().await, i as u64 + 1);

                let receipt = app.get(res.location()).await;
                assert_eq!(receipt.status, 200);
                assert!(receipt.body.contains("Tack! Vi har fått din förfrågan"));
                assert!(receipt.body.contains(&code));
                assert!(receipt.body.contains("Det här händer nu"));
                assert!(
                    receipt.body.contains("031-390 06 12"),
                    "team phone on the receipt"
                );
            }
            let rows = app.all_requests().await;
            let by_channel = |c: &str| rows.iter().find(|r| r.channel == c).expect("row");
            let own = by_channel("self");
            assert_eq!(own.person_name, "Anna");
            assert_eq!(own.person_phone.as_deref(), Some("+46701234567"));
            assert_eq!(own.call_times, "morning");
            assert!(own.consent_to_store);
            let friend = by_channel("friend");
            assert_eq!(friend.person_name, "Karl");
            assert_eq!(friend.requester_name.as_deref(), Some("Eva"));
            assert_eq!(friend.person_phone.as_deref(), Some("+4649112345"));
            assert!(friend.person_informed);
            let pro = by_channel("professional");
            assert_eq!(pro.organisation.as_deref(), Some("Högsby vårdcentral"));
            assert_eq!(pro.reasons, "loneliness,life_change");
            assert!(!pro.feedback_to_referrer);
            assert!(rows
                .iter()
                .all(|r| r.status == "new" && r.team_id == app.state.team_id.0));
        },
    )
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn empty_submits_show_specific_messages_and_store_nothing() {
    on_each_db(
        |_| {},
        |app| async move {
            let expected: [(&str, &[&str]); 3] = [
                (
                    "/kontakt",
                    &[
                        "Skriv ditt namn.",
                        "Skriv ett telefonnummer eller en e-postadress",
                        "Kryssa i rutan om du vill att vi sparar",
                    ],
                ),
                (
                    "/kontakt/for-nagon-annan",
                    &[
                        "Skriv ditt namn.",
                        "Skriv personens namn.",
                        "Välj vad du har för relation",
                        "Svara ja eller nej.",
                    ],
                ),
                (
                    "/remiss",
                    &[
                        "Skriv var du arbetar.",
                        "Välj minst ett skäl.",
                        "Personen behöver ha sagt ja",
                    ],
                ),
            ];
            for (path, messages) in expected {
                let res = app.post_form(path, "").await;
                assert_eq!(res.status, 422, "{path}");
                assert!(
                    res.body.contains("Något behöver rättas till"),
                    "error summary on {path}"
                );
                assert!(
                    res.body.contains("href=\"#f-name\""),
                    "summary links to the field on {path}"
                );
                for m in messages {
                    assert!(res.body.contains(m), "{path} should say {m:?}");
                }
                assert_eq!(res.header("cache-control"), "no-store");
            }
            assert_eq!(app.stored_requests().await, 0);
        },
    )
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_invalid_submit_keeps_what_was_typed() {
    on_each_db(
        |_| {},
        |app| async move {
            let res = app
                .post_form(
                    "/kontakt",
                    encode(&[
                        ("name", "Anna Ölund"),
                        ("phone", "12"),
                        ("interests", "culture"),
                        ("help", "Hej & välkommen"),
                        ("key", "0123456789abcdef0123"),
                    ]),
                )
                .await;
            assert_eq!(res.status, 422);
            assert!(res.body.contains("value=\"Anna Ölund\""), "name kept");
            assert!(res.body.contains("value=\"12\""), "phone kept");
            assert!(
                res.body.contains("Hej &amp; välkommen"),
                "free text kept, escaped"
            );
            assert!(res
                .body
                .contains("Skriv ett telefonnummer med siffror, till exempel 070-123 45 67."));
            assert!(res.body.contains("aria-invalid=\"true\""));
            assert!(
                res.body.contains("0123456789abcdef0123"),
                "the form key is kept for the retry"
            );
            assert_eq!(app.stored_requests().await, 0);
        },
    )
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_repeated_submit_with_the_same_key_stores_one_request() {
    on_each_db(
        |_| {},
        |app| async move {
            let mut pairs = valid_self();
            pairs.push(("key", "double-click-key-000001"));
            let first = app.post_form("/kontakt", encode(&pairs)).await;
            let second = app.post_form("/kontakt", encode(&pairs)).await;
            assert_eq!(first.status, 303);
            assert_eq!(first.location(), second.location(), "same receipt");
            // The hydrated path with the same key finds the same request too.
            let form: Vec<[&str; 2]> = pairs.iter().map(|(k, v)| [*k, *v]).collect();
            let json = serde_json::json!({ "channel": "SelfReferral", "form": form }).to_string();
            let third = app.post_server_fn(&json).await;
            assert_eq!(third.status, 200, "{}", third.body);
            let code: serde_json::Value = serde_json::from_str(&third.body).unwrap();
            assert_eq!(
                format!("/kvitto/{}", code["code"].as_str().unwrap()),
                first.location()
            );
            assert_eq!(app.stored_requests().await, 1);
            // Going back can fetch the form anew (a new key): the same content soon after is
            // still the same request.
            let mut again = valid_self();
            again.push(("key", "double-click-key-000002"));
            assert_eq!(
                app.post_form("/kontakt", encode(&again)).await.location(),
                first.location()
            );
            assert_eq!(app.stored_requests().await, 1);
            // Different content is a different request, whatever the key.
            let mut other: Vec<(&str, &str)> = valid_self()
                .into_iter()
                .filter(|(k, _)| *k != "name")
                .collect();
            other.push(("name", "Berit"));
            other.push(("key", "double-click-key-000001"));
            let res = app.post_form("/kontakt", encode(&other)).await;
            assert_eq!(res.status, 303);
            assert_ne!(res.location(), first.location());
            assert_eq!(app.stored_requests().await, 2);
        },
    )
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn concurrent_repeats_store_one_request() {
    on_each_db(
        |_| {},
        |app| async move {
            let mut pairs = valid_self();
            pairs.push(("key", "concurrent-key-0000001"));
            let body = encode(&pairs);
            let results = futures_join(&app, &body, 8).await;
            assert!(results.iter().all(|l| l == &results[0]), "{results:?}");
            assert_eq!(app.stored_requests().await, 1);
        },
    )
    .await;
}

async fn futures_join(app: &TestApp, body: &str, n: usize) -> Vec<String> {
    let mut handles = Vec::new();
    for _ in 0..n {
        let router = app.router.clone();
        let body = body.to_string();
        handles.push(tokio::spawn(async move {
            use tower::ServiceExt;
            let mut req = http::Request::post("/kontakt")
                .header("content-type", "application/x-www-form-urlencoded")
                .body(axum::body::Body::from(body))
                .unwrap();
            req.extensions_mut()
                .insert(axum::extract::ConnectInfo(std::net::SocketAddr::from((
                    [127, 0, 0, 1],
                    1,
                ))));
            let res = router.oneshot(req).await.unwrap();
            res.headers()
                .get("location")
                .unwrap()
                .to_str()
                .unwrap()
                .to_string()
        }));
    }
    let mut out = Vec::new();
    for h in handles {
        out.push(h.await.unwrap());
    }
    out
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_server_function_checks_with_the_same_rules() {
    on_each_db(|_| {}, |app| async move {
        let bad = serde_json::json!({ "channel": "Friend", "form": [["name", "Eva"], ["email", "eva@exempel.se"], ["relation", "friend"], ["person_name", "Karl"], ["person_phone", "0701234567"], ["person_agrees", "no"], ["consent", "yes"]] }).to_string();
        let res = app.post_server_fn(&bad).await;
        assert_eq!(res.status, 422, "{}", res.body);
        let err: serde_json::Value = serde_json::from_str(&res.body).unwrap();
        assert_eq!(err["Invalid"][0]["field"], "person_agrees");
        assert_eq!(err["Invalid"][0]["key"], "err_person_must_agree");
        assert_eq!(app.stored_requests().await, 0);

        let good = serde_json::json!({ "channel": "Professional", "form": valid_professional().iter().map(|(k, v)| [*k, *v]).collect::<Vec<_>>() }).to_string();
        let res = app.post_server_fn(&good).await;
        assert_eq!(res.status, 200, "{}", res.body);
        let receipt: serde_json::Value = serde_json::from_str(&res.body).unwrap();
        assert_eq!(receipt["channel"], "Professional");
        assert!(receipt["sent_at"].as_str().unwrap().contains(" kl. "));
        assert_eq!(app.stored_requests().await, 1);
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_friend_who_has_not_asked_is_told_kindly_and_nothing_is_stored() {
    on_each_db(
        |_| {},
        |app| async move {
            let mut pairs = valid_friend();
            pairs.retain(|(k, _)| *k != "person_agrees");
            pairs.push(("person_agrees", "no"));
            let res = app
                .post_form("/kontakt/for-nagon-annan", encode(&pairs))
                .await;
            assert_eq!(res.status, 422);
            assert!(res.body.contains("Prata med personen först"));
            assert!(res.body.contains("Vi har inte sparat något."));
            assert_eq!(app.stored_requests().await, 0);
        },
    )
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn english_is_chosen_by_query_and_remembered_by_cookie() {
    on_each_db(
        |_| {},
        |app| async move {
            let res = app.get("/kontakt?lang=en").await;
            assert_eq!(res.status, 200);
            assert!(
                res.body.contains("<html lang=\"en\" dir=\"ltr\""),
                "{}",
                &res.body[..200]
            );
            assert!(res.header("set-cookie").starts_with("lang=en;"));
            let req = http::Request::post("/kontakt")
                .header("content-type", "application/x-www-form-urlencoded")
                .header("cookie", "lang=en")
                .body(axum::body::Body::from(""))
                .unwrap();
            let res = app.call(req, "127.0.0.1").await;
            assert_eq!(res.status, 422);
            assert!(
                res.body.contains("Write your name."),
                "English error messages"
            );
            let ar = app.get("/?lang=ar").await;
            assert!(ar.body.contains("<html lang=\"ar\" dir=\"rtl\""));
            let accept = app
                .get_with("/", ("accept-language", "en-GB,en;q=0.9"))
                .await;
            assert!(accept.body.contains("<html lang=\"en\""));
            let default = app.get("/").await;
            assert!(default.body.contains("<html lang=\"sv\" dir=\"ltr\""));
        },
    )
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_public_page_answers_in_each_language() {
    on_each_db(
        |_| {},
        |app| async move {
            for lang in ["sv", "en", "ar"] {
                for path in [
                    "/",
                    "/kontakt",
                    "/kontakt/for-nagon-annan",
                    "/remiss",
                    "/integritet",
                    "/tillganglighet",
                ] {
                    let res = app.get(&format!("{path}?lang={lang}")).await;
                    assert_eq!(res.status, 200, "{path} {lang}");
                    assert!(res.body.contains("id=\"boot\""), "{path} carries boot data");
                    assert!(
                        res.body.contains("/tillganglighet"),
                        "{path} links the accessibility statement"
                    );
                }
            }
            let home = app.get("/").await;
            for must in [
                "112",
                "1177",
                "90101",
                "gratis",
                "kurator",
                "Exempelby kommun",
            ] {
                assert!(home.body.contains(must), "start page mentions {must}");
            }
            let receipt = app.get("/kvitto/AAAA-BBBB").await;
            assert_eq!(receipt.status, 404);
            assert!(receipt.body.contains("Vi hittar ingen förfrågan"));
        },
    )
    .await;
}

/// Only the public forms are islands: a form page has exactly one, the other pages none, and no
/// page carries hydration data for the rest of the app (resources, markers), which the browser
/// never hydrates.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn only_the_forms_are_islands() {
    on_each_db(
        |_| {},
        |app| async move {
            for path in ["/kontakt", "/kontakt/for-nagon-annan", "/remiss"] {
                let page = app.get(path).await;
                assert_eq!(page.body.matches("<leptos-island").count(), 1, "{path}");
            }
            let receipt = app.post_form("/kontakt", encode(&valid_self())).await;
            for path in [
                "/",
                "/integritet",
                "/tillganglighet",
                "/lots/logga-in",
                receipt.location(),
            ] {
                let page = app.get(path).await;
                assert!(!page.body.contains("<leptos-island"), "{path}");
                // Leptos always writes the (empty) list; nothing may be in it.
                assert_eq!(
                    page.body.matches("__RESOLVED_RESOURCES").count(),
                    page.body.matches("__RESOLVED_RESOURCES=[];").count(),
                    "{path}"
                );
            }
        },
    )
    .await;
}
