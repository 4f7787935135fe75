//! The public forms and staff sign-in under attack: who the client is behind a proxy, what a
//! refused post costs, slow clients, duplicates across clients, invisible characters.
use crate::support::*;
use app::ssr::infra::net::TrustedProxies;
use app::ssr::repo::contact_requests::{client_fingerprint, insert_or_get_many, Submission};
use app::ssr::repo::entities::audit_log;
use axum::body::{Body, Bytes};
use http::{Request, StatusCode};
use sea_orm::{EntityTrait, QueryOrder};
use std::time::{Duration, Instant};

/// A plain form post from TCP peer `peer`, with `X-Forwarded-For: xff` when given.
async fn post_via(
    app: &TestApp,
    path: &str,
    body: impl Into<Body>,
    peer: &str,
    xff: Option<&str>,
) -> TestResponse {
    let mut req = Request::post(path)
        .header("content-type", "application/x-www-form-urlencoded")
        .header("accept", "text/html");
    if let Some(xff) = xff {
        req = req.header("x-forwarded-for", xff);
    }
    app.call(req.body(body.into()).unwrap(), peer).await
}

/// A valid self-referral whose name differs for each `n`, so no two are one request.
fn self_referral(n: usize) -> String {
    let name = letters_name(n);
    let mut p: Vec<(&str, &str)> = valid_self()
        .into_iter()
        .filter(|(k, _)| *k != "name")
        .collect();
    p.push(("name", &name));
    encode(&p)
}

fn behind_proxy(s: &mut app::ssr::infra::settings::Settings) {
    s.trusted_proxies = TrustedProxies::parse("10.0.0.0/8").unwrap();
}

/// The client forges the first `X-Forwarded-For` entry; our proxy appends the real one. The
/// bucket is the real client's; a peer that is not our proxy has its header ignored.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn behind_a_trusted_proxy_the_rate_limit_counts_the_real_client() {
    on_each_db(
        |s| {
            behind_proxy(s);
            s.form_rate_limit_per_hour = 1;
        },
        |app| async move {
            let post = |n, peer, xff| {
                let app = &app;
                async move {
                    post_via(app, "/kontakt", self_referral(n), peer, Some(xff))
                        .await
                        .status
                }
            };
            assert_eq!(post(0, "10.0.0.1", "198.51.100.1, 203.0.113.9").await, 303);
            // Another forged entry, the same real client: its one submission is used.
            assert_eq!(post(1, "10.0.0.1", "198.51.100.2, 203.0.113.9").await, 429);
            // Through two of our proxies: still the same client.
            assert_eq!(
                post(2, "10.0.0.2", "198.51.100.3, 203.0.113.9, 10.0.0.1").await,
                429
            );
            // Forging the used client's address does not spend its allowance.
            assert_eq!(post(3, "10.0.0.1", "203.0.113.9, 203.0.113.10").await, 303);
            // Not our proxy: the header is ignored, the peer is the client.
            assert_eq!(post(4, "192.0.2.50", "203.0.113.11").await, 303);
            assert_eq!(post(5, "192.0.2.50", "203.0.113.12").await, 429);
            // A malformed header from our proxy: the proxy's own address, not a guess.
            assert_eq!(post(6, "10.0.0.3", "203.0.113.13, nonsense").await, 303);
            assert_eq!(post(7, "10.0.0.3", "203.0.113.14, nonsense").await, 429);
        },
    )
    .await;
}

/// A dual-stack listener reports IPv4 clients as `::ffff:a.b.c.d`: each is its own client (not
/// one shared IPv6 /64), and the same as its plain IPv4 address.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn ipv4_mapped_clients_get_buckets_of_their_own() {
    on_each_db(
        |s| s.form_rate_limit_per_hour = 1,
        |app| async move {
            let post = |n, peer| post_via(&app, "/kontakt", self_referral(n), peer, None);
            assert_eq!(post(0, "::ffff:192.0.2.1").await.status, 303);
            assert_eq!(post(1, "::ffff:192.0.2.2").await.status, 303);
            assert_eq!(post(2, "192.0.2.1").await.status, 429);
            assert_eq!(post(3, "::ffff:192.0.2.2").await.status, 429);
        },
    )
    .await;
}

async fn last_audit(app: &TestApp) -> audit_log::Model {
    audit_log::Entity::find()
        .order_by_desc(audit_log::Column::Seq)
        .one(&app.state.db)
        .await
        .unwrap()
        .expect("an audit entry")
}

async fn login_via(app: &TestApp, email: &str, peer: &str, xff: Option<&str>) -> TestResponse {
    let body = encode(&[
        ("email", email),
        ("password", "fel lösenord"),
        ("next", "/lots"),
    ]);
    post_via(app, "/lots/logga-in", body, peer, xff).await
}

/// Failed logins through our proxy are counted against, and recorded for, the real client.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn behind_a_trusted_proxy_login_throttle_and_audit_see_the_real_client() {
    on_each_db(
        |s| {
            behind_proxy(s);
            s.access.client_failures = 2;
            s.access.account_failures = 100;
        },
        |app| async move {
            let res = login_via(
                &app,
                "x1@a.se",
                "10.0.0.1",
                Some("198.51.100.1, 203.0.113.9"),
            )
            .await;
            assert_ne!(res.status, StatusCode::TOO_MANY_REQUESTS);
            let e = last_audit(&app).await;
            assert_eq!(e.action.as_str(), "login.failed");
            assert_eq!(e.client.as_deref(), Some("203.0.113.9"));
            // A second failure from the real client, under another forged address, locks it.
            let res = login_via(
                &app,
                "x2@a.se",
                "10.0.0.1",
                Some("198.51.100.2, 203.0.113.9"),
            )
            .await;
            assert_ne!(res.status, StatusCode::TOO_MANY_REQUESTS);
            assert_eq!(
                last_audit(&app).await.client.as_deref(),
                Some("203.0.113.9")
            );
            let res = login_via(
                &app,
                "x3@a.se",
                "10.0.0.2",
                Some("198.51.100.3, 203.0.113.9"),
            )
            .await;
            assert_eq!(
                res.status,
                StatusCode::TOO_MANY_REQUESTS,
                "the real client is locked"
            );
            // Someone else, who forges the locked client's address, is not locked.
            let res = login_via(
                &app,
                "x4@a.se",
                "10.0.0.1",
                Some("203.0.113.9, 203.0.113.10"),
            )
            .await;
            assert_ne!(res.status, StatusCode::TOO_MANY_REQUESTS);
            assert_eq!(
                last_audit(&app).await.client.as_deref(),
                Some("203.0.113.10")
            );
            // An IPv4 client of a dual-stack listener is recorded as its IPv4 address.
            login_via(&app, "x5@a.se", "::ffff:192.0.2.3", None).await;
            assert_eq!(last_audit(&app).await.client.as_deref(), Some("192.0.2.3"));
        },
    )
    .await;
}

/// 300 000 pairs in a megabyte: the answer holds only the form's own fields (small), the post
/// counts against the limit, and so do refused posts of every kind.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_megabyte_of_pairs_gets_a_small_answer_and_counts() {
    on_each_db(
        |s| s.form_rate_limit_per_hour = 4,
        |app| async move {
            let mut body = "interests=culture&".repeat(2);
            body.push_str(&"a=&".repeat(300_000));
            body.push_str(&format!(
                "help={}",
                "x".repeat(1024 * 1024 - body.len() - 5)
            ));
            assert!(body.len() <= 1024 * 1024, "{}", body.len());
            let res = post_via(&app, "/kontakt", body, "192.0.2.7", None).await;
            assert_eq!(res.status, 400);
            assert!(
                res.body.len() < 100_000,
                "the answer to a 1 MiB post is {} bytes",
                res.body.len()
            );
            assert!(res.body.contains("Formuläret innehöll för många fält"));
            assert!(
                res.body.contains("value=\"culture\""),
                "known fields are kept"
            );
            // A robot's filled honeypot counts too.
            let mut p = valid_self();
            p.push(("website", "http://spam.example"));
            let res = post_via(&app, "/kontakt", encode(&p), "192.0.2.7", None).await;
            assert_eq!(res.status, 400);
            // So does an invalid post.
            let res = post_via(&app, "/kontakt", "name=", "192.0.2.7", None).await;
            assert_eq!(res.status, 422);
            // Four posts allowed: the fourth is the only one left.
            let res = post_via(&app, "/kontakt", self_referral(0), "192.0.2.7", None).await;
            assert_eq!(res.status, 303);
            let res = post_via(&app, "/kontakt", self_referral(1), "192.0.2.7", None).await;
            assert_eq!(res.status, 429);
            assert_eq!(app.stored_requests().await, 1);
            // The server function refuses too many pairs as well.
            let pairs: Vec<[&str; 2]> = std::iter::repeat_n(["a", ""], 100).collect();
            let json = serde_json::json!({ "channel": "SelfReferral", "form": pairs }).to_string();
            let req = Request::post("/api/contact/submit")
                .header("content-type", "application/json")
                .body(Body::from(json))
                .unwrap();
            let res = app.call(req, "192.0.2.8").await;
            assert_eq!(res.status, 400, "{}", res.body);
            assert!(res.body.contains("err_too_many_fields"), "{}", res.body);
        },
    )
    .await;
}

/// A refused post sends back only the form's fields, each at most as long as the field allows.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_refused_post_echoes_only_known_fields_cut_to_size() {
    on_each_db(
        |_| {},
        |app| async move {
            let junk = "j".repeat(50_000);
            let name = "n".repeat(20_000);
            let body = encode(&[
                ("name", &name),
                ("unknown_field", &junk),
                ("website", &junk),
            ]);
            let res = post_via(&app, "/kontakt", body, "192.0.2.9", None).await;
            assert_eq!(res.status, 400);
            assert!(
                !res.body.contains(&"j".repeat(1000)),
                "unknown pairs are not sent back"
            );
            assert!(res.body.contains(&"n".repeat(100)));
            assert!(
                !res.body.contains(&"n".repeat(101)),
                "the name is cut at 100"
            );
            assert!(res.body.len() < 100_000, "{}", res.body.len());
        },
    )
    .await;
}

/// A body sent a byte at a time is cut off at the body deadline, and nothing is stored.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_slow_body_is_cut_off() {
    on_each_db(
        |s| s.body_timeout = Duration::from_millis(400),
        |app| async move {
            let form = encode(&valid_self()).into_bytes();
            let (tx, rx) = tokio::sync::mpsc::channel::<Bytes>(1);
            let feeder = tokio::spawn(async move {
                for b in form {
                    tokio::time::sleep(Duration::from_millis(100)).await;
                    if tx.send(Bytes::from(vec![b])).await.is_err() {
                        break;
                    }
                }
            });
            let stream = futures_util::stream::unfold(rx, |mut rx| async move {
                rx.recv().await.map(|b| (Ok::<_, std::io::Error>(b), rx))
            });
            let started = Instant::now();
            let res = post_via(
                &app,
                "/kontakt",
                Body::from_stream(stream),
                "192.0.2.10",
                None,
            )
            .await;
            assert_eq!(res.status, StatusCode::REQUEST_TIMEOUT);
            assert!(
                started.elapsed() < Duration::from_secs(3),
                "cut off after {:?}",
                started.elapsed()
            );
            assert!(res
                .body
                .contains("Det tog för lång tid att ta emot formuläret"));
            feeder.abort();
            assert_eq!(app.stored_requests().await, 0);
        },
    )
    .await;
}

/// A connection that never finishes its headers is closed by the server (hyper's header read
/// timeout, which `axum::serve` left unset), while ordinary requests are served.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn headers_sent_too_slowly_close_the_connection() {
    let Some(app) = TestApp::spawn(Db::Sqlite, &|_| {}).await else {
        return;
    };
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let server = tokio::spawn(server::startup::serve_until_with(
        listener,
        app.router.clone(),
        async move {
            let _ = stopped.await;
        },
        Duration::from_secs(1),
        Duration::from_millis(500),
    ));
    let answer = tokio::task::spawn_blocking(move || {
        use std::io::{Read, Write};
        let ok = {
            let mut s = std::net::TcpStream::connect(addr).unwrap();
            s.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
            s.write_all(b"GET /healthz HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n")
                .unwrap();
            let mut buf = String::new();
            let _ = s.read_to_string(&mut buf);
            buf
        };
        let mut s = std::net::TcpStream::connect(addr).unwrap();
        s.set_read_timeout(Some(Duration::from_secs(8))).unwrap();
        let started = Instant::now();
        s.write_all(b"GET /healthz HTTP/1.1\r\nHost: loc").unwrap();
        let mut buf = Vec::new();
        let read = s.read_to_end(&mut buf);
        (ok, read.is_ok(), started.elapsed())
    })
    .await
    .unwrap();
    let (ok, closed, after) = answer;
    assert!(ok.starts_with("HTTP/1.1 200"), "{ok}");
    assert!(closed, "the slow connection was not closed by the server");
    assert!(after < Duration::from_secs(4), "closed after {after:?}");
    stop.send(()).unwrap();
    assert!(tokio::time::timeout(Duration::from_secs(5), server)
        .await
        .is_ok());
}

fn code_of(res: &TestResponse) -> String {
    assert_eq!(res.status, 303, "{}", res.body);
    res.location().trim_start_matches("/kvitto/").to_string()
}

/// The same content from another client is a new request with its own code (the first sender's
/// code would tell a stranger that someone asked for help); from the same client, or with the
/// same form key, it is the first request again.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn identical_content_from_another_client_is_a_new_request() {
    on_each_db(
        |_| {},
        |app| async move {
            let with_key = |key: &str| {
                let mut p = valid_self();
                p.push(("key", key));
                encode(&p)
            };
            let post = |key: &'static str, peer: &'static str| {
                let app = &app;
                let body = with_key(key);
                async move { code_of(&post_via(app, "/kontakt", body, peer, None).await) }
            };
            let a = post("aaaaaaaaaaaaaaaa1", "192.0.2.1").await;
            let b = post("bbbbbbbbbbbbbbbb1", "192.0.2.2").await;
            assert_ne!(a, b, "another client gets a request and a code of its own");
            assert_eq!(app.stored_requests().await, 2);
            // The same client, the form fetched anew (new key): the same request.
            assert_eq!(post("aaaaaaaaaaaaaaaa2", "192.0.2.1").await, a);
            // The same form key from another network (a phone moving to Wi-Fi): the same request.
            assert_eq!(post("bbbbbbbbbbbbbbbb1", "198.51.100.7").await, b);
            // IPv6: one /64 is one client.
            let c = post("cccccccccccccccc1", "2001:db8:1:2::1").await;
            assert!(c != a && c != b);
            assert_eq!(post("cccccccccccccccc2", "2001:db8:1:2::99").await, c);
            assert_ne!(post("cccccccccccccccc3", "2001:db8:1:3::1").await, c);
            assert_eq!(app.stored_requests().await, 4);
            // No address is stored, only the client's fingerprint.
            for r in app.all_requests().await {
                let stored = r.client_hash.expect("a fingerprint");
                assert_eq!(stored.len(), 64);
                assert!(!stored.contains("192.0.2"));
            }

            // The batched path (one group in the submission writer) decides the same way.
            let request = app::models::contact::parse(
                app::models::contact::Channel::Friend,
                &app::models::form::RawForm::from_pairs(&valid_friend()),
            )
            .unwrap();
            let (x, y) = (
                client_fingerprint(&app.state.keys, "192.0.2.1".parse().unwrap()),
                client_fingerprint(&app.state.keys, "192.0.2.2".parse().unwrap()),
            );
            let z = client_fingerprint(&app.state.keys, "192.0.2.3".parse().unwrap());
            let sub = |key, client| Submission {
                team_id: app.state.team_id.0,
                key,
                request: &request,
                client,
            };
            let subs = [
                sub("key-x-000000000001", &x),
                sub("key-y-000000000001", &y),
                sub("key-x-000000000002", &x),
                sub("key-y-000000000001", &z),
            ];
            let txn = app::ssr::infra::db::write_txn(&app.state.db).await.unwrap();
            let stored = insert_or_get_many(&txn, &subs, chrono::Utc::now())
                .await
                .unwrap();
            txn.commit().await.unwrap();
            let codes: Vec<&str> = stored.iter().map(|s| s.code.as_str()).collect();
            assert_ne!(codes[0], codes[1], "another client: a new request");
            assert_eq!(codes[2], codes[0], "the same client again");
            assert_eq!(codes[3], codes[1], "the same form key from elsewhere");
            assert_eq!(app.stored_requests().await, 6);
        },
    )
    .await;
}

/// Invisible format characters are refused at the field; text is stored in NFC.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn invisible_characters_are_refused_and_text_is_stored_composed() {
    on_each_db(
        |_| {},
        |app| async move {
            let with = |name: &str, help: &str| {
                let mut p: Vec<(&str, &str)> = valid_self()
                    .into_iter()
                    .filter(|(k, _)| !matches!(*k, "name" | "help"))
                    .collect();
                p.push(("name", name));
                p.push(("help", help));
                encode(&p)
            };
            let res = app
                .post_form("/kontakt", with("Anna\u{202E}Lind", "Hej"))
                .await;
            assert_eq!(res.status, 422);
            assert!(res.body.contains(
                "Texten innehåller osynliga styrtecken. Skriv den igen utan att klistra in."
            ));
            let res = app
                .post_form("/kontakt?lang=en", with("Anna", "Hej\u{200B}då"))
                .await;
            assert_eq!(res.status, 422);
            assert!(res.body.contains("invisible control characters"));
            let mut p = valid_self();
            p.retain(|(k, _)| *k != "phone");
            p.push(("email", "anna\u{2066}@exempel.se"));
            let res = app.post_form("/kontakt", encode(&p)).await;
            assert_eq!(res.status, 422);
            assert!(res.body.contains("osynliga styrtecken"));
            assert_eq!(app.stored_requests().await, 0);

            let res = app
                .post_form("/kontakt", with("Ma\u{0308}rta", "Tra\u{0308}ffa folk"))
                .await;
            assert_eq!(res.status, 303, "{}", res.body);
            let stored = &app.all_requests().await[0];
            assert_eq!(stored.person_name, "Märta");
            assert_eq!(stored.person_name.chars().count(), 5);
            assert_eq!(stored.help_text.as_deref(), Some("Träffa folk"));
        },
    )
    .await;
}
