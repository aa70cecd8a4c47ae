//! Keeping records no longer than the policy says: each kind of record is
//! made through the API as a member, a visitor or a parent would make it,
//! then the purge runs with its clock moved to a second before, and to the
//! moment, each period ends. What the policy says each is kept for, the test
//! says again here (and `GET /api/retention` must say the same).

use curtain_server::retention::{self, Kept, RULES};
use curtain_tests::TestApp;
use reqwest::{Method, StatusCode};
use serde_json::json;

const PW: &str = "correct horse battery";
const NEW_PW: &str = "a brand new passphrase";
const DAY: i64 = 86_400;

/// One kind of record: when the policy says it must be gone (the first
/// second at which it may no longer be there), and how many are there now.
struct Case {
    kind: &'static str,
    /// The first moment the record must be gone, from its stored row.
    /// `?1` is ana's user id.
    gone_by: &'static str,
    /// How many such records are there. `?1` is ana's user id.
    count: &'static str,
}

const CASES: &[Case] = &[
    // A session goes as it ends (12 hours unused, here).
    Case {
        kind: "sessions",
        gone_by: "SELECT expires_at FROM sessions WHERE user_id = $1",
        count: "SELECT COUNT(*) FROM sessions WHERE user_id = $1",
    },
    Case {
        kind: "signin_failures",
        gone_by: "SELECT at + 1 * 86400 FROM signin_failures",
        count: "SELECT COUNT(*) FROM signin_failures",
    },
    Case {
        kind: "outbox",
        // The confirmation link from sign-up and the password notice.
        gone_by: "SELECT MAX(created_at) + 30 * 86400 FROM outbox WHERE user_id = $1",
        count: "SELECT CASE WHEN COUNT(*) > 0 THEN 1 ELSE 0 END FROM outbox WHERE user_id = $1",
    },
    // The address on a report is cleared; the report stays (next case but one).
    Case {
        kind: "child_report_ips",
        gone_by: "SELECT created_at + 90 * 86400 FROM child_reports",
        count: "SELECT COUNT(*) FROM child_reports WHERE ip <> ''",
    },
    Case {
        kind: "signin_log",
        gone_by: "SELECT at + 365 * 86400 FROM signin_log WHERE user_id = $1",
        count: "SELECT COUNT(*) FROM signin_log WHERE user_id = $1",
    },
    Case {
        kind: "child_reports",
        gone_by: "SELECT created_at + 365 * 86400 FROM child_reports",
        count: "SELECT COUNT(*) FROM child_reports",
    },
    // An answer lasts 182 days; its receipt is kept a year after that.
    Case {
        kind: "consent_receipts",
        gone_by: "SELECT recorded_at + (182 + 365) * 86400 FROM consent_receipts WHERE user_id = $1",
        count: "SELECT COUNT(*) FROM consent_receipts WHERE user_id = $1",
    },
    // The link sent at sign-up, and the record of sending it.
    Case {
        kind: "confirmation_links",
        gone_by: "SELECT created_at + 7 * 86400 FROM email_tokens WHERE user_id = $1",
        count: "SELECT CASE WHEN (SELECT COUNT(*) FROM email_tokens WHERE user_id = $1)
                           + (SELECT COUNT(*) FROM email_sends WHERE user_id = $1) > 0 THEN 1 ELSE 0 END",
    },
    // The counts behind the per-connection limits (the consent answer, the
    // page view and the report above), each gone when its window ends.
    Case {
        kind: "request_counts",
        gone_by: "SELECT MAX(window_ends_at) FROM request_counts",
        count: "SELECT CASE WHEN COUNT(*) > 0 THEN 1 ELSE 0 END FROM request_counts",
    },
    // Two years after the request was answered.
    Case {
        kind: "privacy_requests",
        gone_by: "SELECT answered_at + 730 * 86400 FROM privacy_requests WHERE user_id = $1",
        count: "SELECT COUNT(*) FROM privacy_requests WHERE user_id = $1",
    },
    // Three years after the decision on a parent's report.
    Case {
        kind: "report_decisions",
        gone_by: "SELECT decided_at + 1095 * 86400 FROM report_decisions",
        count: "SELECT COUNT(*) FROM report_decisions",
    },
    // Two years after the day the count is for has ended.
    Case {
        kind: "page_views",
        gone_by: "day: SELECT day FROM page_views",
        count: "SELECT COUNT(*) FROM page_views",
    },
];

/// Rows of ana's that stay for as long as she has an account.
const FOR_THE_ACCOUNT: &[&str] =
    &["users", "profiles", "follows", "watch_history", "email_preferences", "policy_acceptances"];

/// The number `sql` selects (`$1` is ana's user id, when the query names it).
/// A query written `day: SELECT …` selects a `YYYY-MM-DD` day instead, and
/// the answer is when that day's record must be gone: two years after the
/// day ends (the engines share no date arithmetic).
async fn scalar(app: &TestApp, sql: &str, user_id: i64) -> i64 {
    if let Some(sql) = sql.strip_prefix("day: ") {
        let day: String = sqlx::query_scalar(sql).fetch_one(&app.db).await.unwrap_or_else(|e| panic!("{sql}: {e}"));
        let day = curtain_api::CivilDate::parse(&day).unwrap_or_else(|| panic!("{day} is not a day"));
        return curtain_server::policy::document::effective_at(day) + DAY + 730 * DAY;
    }
    let query = sqlx::query_scalar(sql);
    let query = if sql.contains("$1") { query.bind(user_id) } else { query };
    query.fetch_one(&app.db).await.unwrap_or_else(|e| panic!("{sql}: {e}"))
}

// promise: retention-periods
#[tokio::test]
async fn each_kind_of_record_goes_when_its_period_ends_and_not_a_second_before() {
    let app = TestApp::spawn().await;
    app.member("bruno", PW).await;

    // ana answers the banner (analytics on), signs up, and uses the site.
    let ana = app.client();
    ana.give_consent(false, true).await;
    assert_eq!(ana.sign_up("ana", PW).await.status, StatusCode::CREATED);
    assert_eq!(ana.post("/api/analytics/pageview", &json!({"path": "/privacy"})).await.status, StatusCode::NO_CONTENT);
    assert!(ana.post("/api/users/bruno/follow", &json!({})).await.status.is_success());
    let title = json!({"title": "Rear Window", "year": 1954, "kind": "movie", "watched_on": "2024-06-01"});
    assert_eq!(ana.post("/api/me/history", &title).await.status, StatusCode::CREATED);
    let r = ana.send(Method::PATCH, "/api/me/email-preferences", Some(&json!({"newsletter": true})), None).await;
    assert_eq!(r.status, StatusCode::OK, "{:?}", r.body);
    // Changing the password writes a notice to the outbox.
    let r = ana.post("/api/me/password", &json!({"current_password": PW, "new_password": NEW_PW})).await;
    assert_eq!(r.status, StatusCode::OK, "{:?}", r.body);
    // Someone else guesses ana's password, and a parent reports an account.
    assert_eq!(app.client().sign_in("ana", "not her password", false).await.status, StatusCode::UNAUTHORIZED);
    let report = json!({"username": "kid_2015", "reporter_email": "parent@example.org", "message": "My son is 11."});
    assert_eq!(app.client().post("/api/reports/child-account", &report).await.status, StatusCode::ACCEPTED);
    // ana asks for a copy of her information, and is answered; the report is decided.
    let r = ana.post("/api/privacy-requests", &json!({"kind": "access", "email": "ana@example.org"})).await;
    assert_eq!(r.status, StatusCode::CREATED, "{:?}", r.body);
    let request_id: i64 = sqlx::query_scalar("SELECT id FROM privacy_requests").fetch_one(&app.db).await.unwrap();
    let now = curtain_server::clock::now();
    curtain_server::privacy_requests::answer(&app.command_db, request_id, "Sent her the export.", now).await.unwrap();
    let report_id: i64 = sqlx::query_scalar("SELECT id FROM child_reports").fetch_one(&app.db).await.unwrap();
    curtain_server::child_reports::resolve(&app.command_db, report_id, curtain_server::child_reports::Decision::Dismiss, "No such account.", now)
        .await
        .unwrap();
    // The consent receipt ana gave before signing up is hers now.
    let ana_id: i64 = sqlx::query_scalar("SELECT id FROM users WHERE username = 'ana'").fetch_one(&app.db).await.unwrap();
    sqlx::query("UPDATE consent_receipts SET user_id = $1 WHERE user_id IS NULL").bind(ana_id).execute(&app.db).await.unwrap();

    // Every kind of record the policy gives a period is here.
    let mut expected: Vec<&str> = RULES.iter().filter(|r| r.kept != Kept::WhileAccount).map(|r| r.key).collect();
    expected.sort_unstable();
    let mut tested: Vec<&str> = CASES.iter().map(|c| c.kind).collect();
    tested.sort_unstable();
    assert_eq!(tested, expected, "every rule with a period needs a case here");

    let mut cases = Vec::new();
    for case in CASES {
        assert_eq!(scalar(&app, case.count, ana_id).await, 1, "{}: the API calls above made one", case.kind);
        cases.push((scalar(&app, case.gone_by, ana_id).await, case));
    }
    cases.sort_by_key(|(gone_by, _)| *gone_by);
    // Records made in the same second are due together.
    let mut due: Vec<(i64, Vec<&Case>)> = Vec::new();
    for (gone_by, case) in cases {
        match due.last_mut() {
            Some((at, together)) if *at == gone_by => together.push(case),
            _ => due.push((gone_by, vec![case])),
        }
    }
    for (gone_by, together) in &due {
        let purged = retention::purge(&app.command_db, gone_by - 1).await.unwrap();
        for case in together {
            assert_eq!(scalar(&app, case.count, ana_id).await, 1, "{} went a second early ({})", case.kind, purged.summary());
        }
        let purged = retention::purge(&app.command_db, *gone_by).await.unwrap();
        for case in together {
            assert_eq!(scalar(&app, case.count, ana_id).await, 0, "{} outlived its period ({})", case.kind, purged.summary());
            let rule = RULES.iter().find(|r| r.key == case.kind).unwrap();
            assert!(purged.of(rule.kind) >= 1, "the purge reports what it removed: {}", purged.summary());
        }
    }
    let last = due.last().unwrap().0;

    // Ten years on, what is kept for the account is all still there.
    retention::purge(&app.command_db, last + 10 * 365 * DAY).await.unwrap();
    for table in FOR_THE_ACCOUNT {
        let column = if *table == "users" { "id" } else if *table == "follows" { "follower_id" } else { "user_id" };
        let sql = format!("SELECT COUNT(*) FROM {table} WHERE {column} = $1");
        assert!(scalar(&app, &sql, ana_id).await >= 1, "{table} lost ana's rows, but is kept for the account");
    }
    // And ana can still sign in.
    assert_eq!(app.client().sign_in("ana", NEW_PW, false).await.status, StatusCode::OK);
}

#[tokio::test]
async fn a_remembered_session_is_kept_until_it_ends_then_goes_with_its_address() {
    // A "keep me signed in" session lives 30 days: the purge leaves it alone
    // until then, and its IP address and browser go with it.
    let app = TestApp::spawn().await;
    let c = app.client();
    c.give_consent(true, false).await;
    c.sign_up("carla", PW).await;
    let r = c.sign_in("carla", PW, true).await;
    assert_eq!(r.status, StatusCode::OK);
    let (created, expires): (i64, i64) =
        sqlx::query_as("SELECT created_at, expires_at FROM sessions WHERE persistent").fetch_one(&app.db).await.unwrap();
    assert!(expires - created >= 30 * DAY - 5, "a persistent sign-in: {created} {expires}");
    retention::purge(&app.command_db, expires - 1).await.unwrap();
    let live: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM sessions WHERE persistent").fetch_one(&app.db).await.unwrap();
    assert_eq!(live, 1, "a second before it ends, the session is kept");
    // The server still knows her by it, on the real clock.
    assert_eq!(c.get("/api/session").await.status, StatusCode::OK);
    retention::purge(&app.command_db, expires).await.unwrap();
    let left: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM sessions").fetch_one(&app.db).await.unwrap();
    assert_eq!(left, 0, "every session has ended by then, and none keeps its IP address or browser");
}

#[tokio::test]
async fn anyone_can_read_how_long_each_kind_is_kept() {
    let app = TestApp::spawn().await;
    let r = app.client().get("/api/retention").await;
    assert_eq!(r.status, StatusCode::OK, "{:?}", r.body);
    assert_eq!(r.body["purged_every_minutes"], 60);
    let periods = r.body["periods"].as_array().unwrap();
    let kinds: Vec<&str> = periods.iter().map(|p| p["kind"].as_str().unwrap()).collect();
    assert_eq!(kinds, RULES.iter().map(|r| r.key).collect::<Vec<_>>());
    let period = |kind: &str| periods.iter().find(|p| p["kind"] == kind).unwrap();
    // What the policy says, word for word.
    for (kind, kept, days) in [
        ("account", "as long as you have an account", json!(null)),
        ("sessions", "until the session ends", json!(null)),
        ("signin_log", "one year after the sign-in", json!(365)),
        ("signin_failures", "one day after the attempt", json!(1)),
        ("consent_receipts", "one year after the answer expires", json!(365)),
        ("outbox", "30 days after it is sent", json!(30)),
        ("child_report_ips", "90 days after the report", json!(90)),
        ("page_views", "two years after the end of the day", json!(730)),
    ] {
        assert_eq!((&period(kind)["kept"], &period(kind)["days"]), (&json!(kept), &days), "{kind}");
    }
    assert_eq!(period("signin_log")["export_sections"], json!(["signin_log"]));
    assert_eq!(period("child_reports")["export_sections"], json!(["reports_sent"]));
    assert_eq!(period("privacy_requests")["kept"], "two years after we answer");
    assert_eq!(period("report_decisions")["kept"], "three years after the decision");
    assert!(period("sessions")["detail"].as_str().unwrap().contains("12 hours unused"));
}
