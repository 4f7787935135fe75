//! An acknowledged request survives the process being killed (SIGKILL, no shutdown at all), and a
//! SIGTERM lets requests in flight finish.
use crate::support::{encode, valid_self};
use std::io::{Read, Write};
use std::net::TcpStream;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

pub fn free_port() -> u16 {
    std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

pub fn start(db_url: &str, port: u16) -> Child {
    let mut child = Command::new(env!("CARGO_BIN_EXE_halsolots"))
        .arg("serve")
        .env("DATABASE_URL", db_url)
        .env("HALSOLOTS_KEY", crate::support::key_hex(db_url))
        .env("LEPTOS_SITE_ADDR", format!("127.0.0.1:{port}"))
        .env("HALSOLOTS_FORM_RATE_LIMIT", "0")
        .env("RUST_LOG", "warn")
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap();
    let deadline = Instant::now() + Duration::from_secs(30);
    while Instant::now() < deadline {
        if raw_request(
            port,
            "GET /healthz HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n",
        )
        .is_some_and(|r| r.starts_with("HTTP/1.1 200"))
        {
            return child;
        }
        std::thread::sleep(Duration::from_millis(100));
    }
    let _ = child.kill();
    let _ = child.wait();
    panic!("server did not start");
}

fn raw_request(port: u16, request: &str) -> Option<String> {
    let mut s = TcpStream::connect(("127.0.0.1", port)).ok()?;
    s.set_read_timeout(Some(Duration::from_secs(10))).ok()?;
    s.write_all(request.as_bytes()).ok()?;
    let mut out = String::new();
    s.read_to_string(&mut out).ok()?;
    Some(out)
}

fn post(port: u16, body: &str) -> String {
    let req = format!(
        "POST /kontakt HTTP/1.1\r\nHost: x\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    );
    raw_request(port, &req).unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn acknowledged_requests_survive_sigkill() {
    for db in [crate::support::Db::Sqlite, crate::support::Db::Postgres] {
        let Some((url, _cleanup)) = crate::support::fresh_database_url(db).await else {
            continue;
        };
        let port = free_port();
        let mut child = start(&url, port);
        // Four clients at once, so the writer stores groups, not only single requests.
        let clients: Vec<_> = (0..4)
            .map(|c| {
                std::thread::spawn(move || {
                    let mut codes = Vec::new();
                    for i in 0..10 {
                        let name = crate::support::letters_name(c * 100 + i);
                        let mut p: Vec<(&str, &str)> = valid_self()
                            .into_iter()
                            .filter(|(k, _)| *k != "name")
                            .collect();
                        p.push(("name", &name));
                        let res = post(port, &encode(&p));
                        assert!(res.starts_with("HTTP/1.1 303"), "{res}");
                        let code = res
                            .lines()
                            .find_map(|l| l.strip_prefix("location: /kvitto/"))
                            .unwrap()
                            .trim()
                            .to_string();
                        codes.push(code);
                    }
                    codes
                })
            })
            .collect();
        let codes: Vec<String> = clients
            .into_iter()
            .flat_map(|c| c.join().unwrap())
            .collect();
        child.kill().unwrap(); // SIGKILL: no graceful anything
        child.wait().unwrap();

        let conn = app::ssr::infra::db::connect(&url).await.unwrap();
        use sea_orm::{EntityTrait, QuerySelect};
        let stored: Vec<String> = app::ssr::repo::entities::contact_request::Entity::find()
            .select_only()
            .column(app::ssr::repo::entities::contact_request::Column::ReferenceCode)
            .into_tuple()
            .all(&conn)
            .await
            .unwrap();
        assert_eq!(codes.len(), 40);
        for code in &codes {
            assert!(
                stored.contains(code),
                "acknowledged {code} was lost on {db:?}"
            );
        }
        assert_eq!(
            app::ssr::repo::audit::verify(
                &conn,
                &app::ssr::infra::keys::Keys::from_bytes(app::ssr::infra::digest::sha256(
                    url.as_bytes()
                ))
            )
            .await
            .unwrap(),
            app::ssr::repo::audit::Verdict::Intact { entries: 40 },
            "on {db:?}"
        );
        conn.close().await.unwrap();
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sigterm_stops_the_server_cleanly() {
    let (url, _cleanup) = crate::support::fresh_database_url(crate::support::Db::Sqlite)
        .await
        .unwrap();
    let port = free_port();
    let child = start(&url, port);
    let status = Command::new("kill")
        .arg("-TERM")
        .arg(child.id().to_string())
        .status()
        .unwrap();
    assert!(status.success());
    let output = child.wait_with_output().unwrap();
    assert!(
        output.status.success(),
        "graceful exit on SIGTERM: {:?}",
        output.status
    );
}
