//! Failing well: a database outage is a 503 with a kind word, a request that hangs is cut off,
//! and a shutdown ends even while a request hangs.
use crate::support::*;
use axum::routing::get;
use server::startup::{routes_of, serve_until, with_layers};
use std::time::{Duration, Instant};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_receipt_while_the_database_is_down_is_503_not_404() {
    on_each_db(
        |_| {},
        |app| async move {
            let sent = app.post_form("/kontakt", encode(&valid_self())).await;
            assert_eq!(sent.status, 303);
            let receipt = sent.location().to_string();
            assert_eq!(app.get(&receipt).await.status, 200);
            assert_eq!(app.get("/kvitto/AAAA-AAAA").await.status, 404);
            // The database goes away (as in an outage: every query fails).
            app.state.db.clone().close().await.unwrap();
            for (lang, words) in [
                ("sv", "Kvittot kan inte visas just nu"),
                ("en", "The receipt cannot be shown right now"),
                ("ar", "لا يمكن عرض الإيصال الآن"),
            ] {
                let res = app.get(&format!("{receipt}?lang={lang}")).await;
                assert_eq!(
                    res.status, 503,
                    "{lang}: a fault of ours, not \"not found\""
                );
                assert!(res.body.contains(words), "{lang}: {}", res.body);
                assert!(!res.body.contains("Sidan finns inte"));
            }
            // The server function answers the same way.
            let code = receipt.trim_start_matches("/kvitto/");
            let res = app
                .send(
                    "POST",
                    "/api/contact/receipt",
                    None,
                    &[("accept", "application/json")],
                    Some((
                        "application/x-www-form-urlencoded",
                        encode(&[("code", code)]),
                    )),
                )
                .await;
            assert_eq!(res.status, 503);
        },
    )
    .await;
}

/// The app on SQLite with `request_timeout`, the production middleware and one extra route,
/// `/test/hang`, that never answers.
async fn app_with_hanging_route(request_timeout: Duration) -> Option<TestApp> {
    let mut app = TestApp::spawn(Db::Sqlite, &|s| s.request_timeout = request_timeout).await?;
    let hang = || async {
        std::future::pending::<()>().await;
        "never"
    };
    app.router = with_layers(
        routes_of(&app.state).route("/test/hang", get(hang)),
        app.state.clone(),
    );
    Some(app)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_request_that_takes_too_long_gets_503_and_the_server_stays_healthy() {
    let Some(app) = app_with_hanging_route(Duration::from_secs(1)).await else {
        return;
    };
    let started = Instant::now();
    let res = app.get("/test/hang").await;
    assert_eq!(res.status, 503);
    assert!(started.elapsed() < Duration::from_secs(10));
    // Cut off, it still got the security headers; and everything else still works.
    assert_eq!(res.header("x-content-type-options"), "nosniff");
    assert_eq!(app.get("/healthz").await.status, 200);
    assert_eq!(app.get("/").await.status, 200);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn shutdown_ends_within_its_grace_even_with_a_hung_request() {
    // A timeout longer than the test waits: only the grace period can end the hung request.
    let Some(app) = app_with_hanging_route(Duration::from_secs(600)).await else {
        return;
    };
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let grace = Duration::from_secs(1);
    let server = tokio::spawn(serve_until(
        listener,
        app.router.clone(),
        async move {
            let _ = stopped.await;
        },
        grace,
    ));
    // A client whose request hangs, holding its connection open.
    let client = std::thread::spawn(move || {
        use std::io::{Read, Write};
        let mut s = std::net::TcpStream::connect(addr).unwrap();
        s.set_read_timeout(Some(Duration::from_secs(15))).unwrap();
        s.write_all(b"GET /test/hang HTTP/1.1\r\nHost: localhost\r\n\r\n")
            .unwrap();
        let mut buf = Vec::new();
        let _ = s.read_to_end(&mut buf);
    });
    tokio::time::sleep(Duration::from_millis(300)).await;
    let started = Instant::now();
    stop.send(()).unwrap();
    let ended = tokio::time::timeout(Duration::from_secs(10), server).await;
    assert!(ended.is_ok(), "the server did not stop within 10 s");
    assert!(ended.unwrap().unwrap().is_ok());
    assert!(
        started.elapsed() >= grace,
        "the request in flight got its grace"
    );
    drop(app);
    let _ = client.join();
}
