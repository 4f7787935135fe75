//! Operations: health, readiness, headers, compression, not-found.
use crate::support::*;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn health_and_readiness() {
    on_each_db(
        |_| {},
        |app| async move {
            let h = app.get("/healthz").await;
            assert_eq!((h.status.as_u16(), h.body.as_str()), (200, "ok"));
            let r = app.get("/readyz").await;
            assert_eq!((r.status.as_u16(), r.body.as_str()), (200, "ready"));
            // With the database gone, readiness says so (and health does not).
            app.state.db.clone().close().await.unwrap();
            assert_eq!(app.get("/readyz").await.status, 503);
            assert_eq!(app.get("/healthz").await.status, 200);
        },
    )
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_submit_while_the_database_is_down_is_not_acknowledged() {
    on_each_db(
        |_| {},
        |app| async move {
            app.state.db.clone().close().await.unwrap();
            let res = app.post_form("/kontakt", encode(&valid_self())).await;
            assert_eq!(res.status, 503, "never a false receipt");
            assert!(res
                .body
                .contains("Något gick fel hos oss och förfrågan skickades inte"));
            assert!(
                res.body.contains("value=\"Anna\""),
                "what was typed is kept for a retry"
            );
        },
    )
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn headers_compression_and_not_found() {
    on_each_db(
        |_| {},
        |app| async move {
            let res = app.get_with("/", ("accept-encoding", "br, gzip"));
            let res = res.await;
            assert_eq!(res.status, 200);
            assert_eq!(res.header("content-encoding"), "br");
            assert_eq!(res.header("x-content-type-options"), "nosniff");
            assert_eq!(res.header("x-frame-options"), "DENY");
            assert_eq!(res.header("referrer-policy"), "same-origin");
            let nf = app.get("/finns-inte").await;
            assert_eq!(nf.status, 404);
            assert!(nf.body.contains("Sidan finns inte"));
        },
    )
    .await;
}
