//! Stopping the server as a service manager does: SIGTERM to the real
//! `curtain-server` process. It stops taking new connections, finishes the
//! requests in flight, leaves everything it acknowledged in the database file
//! itself (the WAL checkpointed) and exits with status 0.

use std::collections::BTreeMap;
use std::time::{Duration, Instant};

use curtain_tests::load::{self, Answer, Ledger, LoadConfig, Mix};
use curtain_tests::open_database;
use curtain_tests::process::ServerProcess;
use reqwest::{Method, StatusCode};
use sqlx::AnyPool;
use tokio::io::{AsyncReadExt, AsyncWriteExt};

/// What the server must do within this long of SIGTERM: its own bound on
/// draining is 10 s.
const EXIT_WITHIN: Duration = Duration::from_secs(12);

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sigterm_under_load_answers_what_is_in_flight_keeps_every_acknowledged_write_and_exits_0() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("curtain.db");
    let mut server = ServerProcess::spawn(&db, &[]).await;
    let base = server.base().to_string();
    let load =
        tokio::spawn(async move { load::run(&base, LoadConfig::new(16, Duration::from_secs(6), Mix::Writes)).await });

    tokio::time::sleep(Duration::from_secs(3)).await;
    let signalled = Instant::now();
    server.sigterm();
    let status = server.wait_exit(EXIT_WITHIN).await;
    let stopped_after = signalled.elapsed();
    let report = load.await.expect("the load ran");
    println!("{}\nexited {status} {stopped_after:?} after SIGTERM", report.summary());
    assert!(
        status.success(),
        "SIGTERM must end in exit status 0, got {status}; the server printed:\n{}",
        server.output()
    );

    let at_signal = signalled - report.started;
    let finished = |a: &Answer| a.sent + a.latency;
    let after: Vec<&Answer> = report.answers.iter().filter(|a| finished(a) >= at_signal).collect();
    let in_flight_answered =
        after.iter().filter(|a| a.sent < at_signal && a.status.is_some_and(|s| (200..300).contains(&s))).count();
    let mut statuses_after: BTreeMap<String, usize> = BTreeMap::new();
    for a in &after {
        *statuses_after.entry(a.status.map_or("no answer".into(), |s| s.to_string())).or_default() += 1;
    }
    println!(
        "answers after the signal: {statuses_after:?}; {in_flight_answered} requests in flight at the signal got a 2xx"
    );

    assert!(
        report.anomalies.is_empty(),
        "unexpected answers: {:#?}",
        &report.anomalies[..report.anomalies.len().min(15)]
    );
    let server_errors: Vec<&Answer> =
        report.answers.iter().filter(|a| a.status.is_some_and(|s| s >= 500 && s != 503)).collect();
    assert!(
        server_errors.is_empty(),
        "5xx other than 503 (first: {:?}):\n{}",
        server_errors.first(),
        report.status_table()
    );
    assert!(
        in_flight_answered > 0,
        "no request in flight at SIGTERM was answered: the server dropped them\n{}",
        report.summary()
    );
    let acknowledged_before = |endpoint: &str| {
        report
            .answers
            .iter()
            .filter(|a| a.endpoint == endpoint && finished(a) < at_signal && a.status.is_some_and(|s| s < 300))
            .count()
    };
    for (endpoint, at_least) in [
        ("POST /api/auth/signup", 16),
        ("POST /api/me/history", 30),
        ("POST /api/consent", 10),
        ("POST /api/analytics/pageview", 30),
    ] {
        let n = acknowledged_before(endpoint);
        assert!(n >= at_least, "only {n} acknowledged {endpoint} before the signal: the load did not get going");
    }

    // The database file alone, without its WAL, holds every acknowledged
    // write: what "checkpointed at exit" means.
    let main_only = dir.path().join("main-only.db");
    std::fs::copy(&db, &main_only).unwrap();
    let copy = open_database(&main_only).await;
    let integrity: String = sqlx::query_scalar("PRAGMA integrity_check").fetch_one(&copy).await.unwrap();
    assert_eq!(integrity, "ok");
    let problems = missing_acknowledged_writes(&copy, &report.ledger).await;
    assert!(problems.is_empty(), "acknowledged, then lost at shutdown:\n{}", problems.join("\n"));
    copy.close().await;

    // And a new server on the same file carries on where it stopped.
    let mut again = ServerProcess::spawn(&db, &[]).await;
    let c = again.client();
    assert_eq!(c.get("/api/health").await.status, StatusCode::OK);
    let (name, member) = report.ledger.members.iter().next().expect("members signed up");
    let r = c.sign_in(name, &member.password, false).await;
    assert_eq!(r.status, StatusCode::OK, "{name} signing in after the restart: {:?}", r.body);
    again.sigterm();
    assert!(again.wait_exit(EXIT_WITHIN).await.success());
}

/// Every write in `ledger` that `db` does not hold: members, watched titles,
/// consent receipts (with their owner), page views.
async fn missing_acknowledged_writes(db: &AnyPool, ledger: &Ledger) -> Vec<String> {
    let ids: BTreeMap<String, i64> = sqlx::query_as::<_, (String, i64)>("SELECT username_key, id FROM users")
        .fetch_all(db)
        .await
        .unwrap()
        .into_iter()
        .collect();
    let mut problems = Vec::new();
    for (name, member) in &ledger.members {
        let Some(id) = ids.get(&name.to_lowercase()) else {
            problems.push(format!("member {name} (sign-up answered 201) is missing"));
            continue;
        };
        for entry in member.history.keys() {
            let owner: Option<i64> = sqlx::query_scalar("SELECT user_id FROM watch_history WHERE id = $1")
                .bind(entry)
                .fetch_optional(db)
                .await
                .unwrap();
            if owner != Some(*id) {
                problems.push(format!("{name}'s watched title {entry} (answered 201) is missing: found {owner:?}"));
            }
        }
    }
    for receipt in &ledger.receipts {
        let rows: Vec<Option<i64>> = sqlx::query_scalar("SELECT user_id FROM consent_receipts WHERE consent_id = $1")
            .bind(&receipt.consent_id)
            .fetch_all(db)
            .await
            .unwrap();
        // A receipt given signed out may have been claimed by a sign-up whose
        // answer was lost: only its presence is certain.
        let owner_ok = match &receipt.owner {
            Some(owner) => rows == [ids.get(&owner.to_lowercase()).copied()],
            None => rows.len() == 1,
        };
        if !owner_ok {
            problems.push(format!(
                "consent receipt {} of {:?} (answered 201): stored as {rows:?}",
                receipt.consent_id, receipt.owner
            ));
        }
    }
    let views = ledger.page_views;
    let counted: i64 =
        sqlx::query_scalar("SELECT CAST(COALESCE(SUM(count), 0) AS BIGINT) FROM page_views").fetch_one(db).await.unwrap();
    if (counted as u64) < views.counted || counted as u64 > views.counted + views.unknown {
        problems.push(format!(
            "page_views counts {counted}; acknowledged with analytics consent: {}, unanswered: {}",
            views.counted, views.unknown
        ));
    }
    problems.truncate(30);
    problems
}

#[tokio::test]
async fn after_sigterm_new_connections_are_refused_or_answered_503_while_a_request_in_flight_finishes() {
    let dir = tempfile::tempdir().unwrap();
    let mut server = ServerProcess::spawn(&dir.path().join("curtain.db"), &[]).await;
    let c = server.client();
    let r = c.get("/api/health/live").await;
    assert_eq!(r.status, StatusCode::OK, "liveness before shutdown: {:?}", r.body);
    let r = c.get("/api/health").await;
    assert_eq!(r.status, StatusCode::OK, "readiness before shutdown: {:?}", r.body);

    // A request in flight: its headers sent, its body still on the way.
    let host = server.base().trim_start_matches("http://").to_string();
    let body = br#"{"path": "/privacy"}"#;
    let mut in_flight = tokio::net::TcpStream::connect(&host).await.unwrap();
    let head = format!(
        "POST /api/analytics/pageview HTTP/1.1\r\nHost: {host}\r\nContent-Type: application/json\r\nContent-Length: {}\r\n\r\n",
        body.len()
    );
    in_flight.write_all(head.as_bytes()).await.unwrap();
    in_flight.write_all(&body[..5]).await.unwrap();
    tokio::time::sleep(Duration::from_millis(300)).await;

    server.sigterm();
    tokio::time::sleep(Duration::from_millis(500)).await;
    assert!(server.try_exit().is_none(), "the server exited with a request in flight: {}", server.output());
    for path in ["/api/health", "/api/consent/config"] {
        let fresh = curtain_tests::ApiClient::with(
            server.base(),
            reqwest::Client::builder().pool_max_idle_per_host(0).timeout(Duration::from_secs(3)),
        );
        match fresh.try_send(Method::GET, path, None, None).await {
            Err(e) => assert!(e.is_connect(), "GET {path} after SIGTERM: neither refused nor answered: {e}"),
            Ok(r) => assert_eq!(
                r.status,
                StatusCode::SERVICE_UNAVAILABLE,
                "GET {path} on a new connection after SIGTERM: {:?}",
                r.body
            ),
        }
    }

    // The request in flight still gets its answer.
    in_flight.write_all(&body[5..]).await.unwrap();
    let mut answer = String::new();
    tokio::time::timeout(Duration::from_secs(10), in_flight.read_to_string(&mut answer))
        .await
        .expect("an answer to the request in flight within 10 s")
        .expect("reading the answer");
    assert!(answer.starts_with("HTTP/1.1 204"), "the request in flight at SIGTERM was answered: {answer:?}");
    let status = server.wait_exit(EXIT_WITHIN).await;
    assert!(status.success(), "exit status {status}; the server printed:\n{}", server.output());
}
