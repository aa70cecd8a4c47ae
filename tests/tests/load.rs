//! Many members at once: sixteen simulated members sign up, browse, edit,
//! follow, log titles, export and delete their accounts against one server
//! for twelve seconds. No request may be answered with a 5xx, and afterwards
//! every write the server acknowledged must be there, and every deleted
//! account gone from every table.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use curtain_tests::load::{self, client_address, Account, LoadConfig, LoadReport, MemberHook, Mix};
use curtain_tests::{member_columns, tables, ApiClient, TestApp};
use futures::StreamExt;
use reqwest::StatusCode;
use sqlx::AnyPool;

const CLIENTS: usize = 16;
const SECONDS: u64 = 12;

/// Watches the run from the database: notes each member's id when the
/// sign-up is acknowledged, and the moment a deletion is acknowledged looks
/// for any row still naming that id (later, SQLite may give the id to a new
/// member).
struct Watch {
    db: AnyPool,
    member_columns: Vec<(String, String)>,
    ids: Mutex<BTreeMap<String, i64>>,
    problems: Mutex<Vec<String>>,
    deletions_checked: AtomicUsize,
}

impl Watch {
    async fn signed_up(&self, name: String) {
        let id: Option<i64> = sqlx::query_scalar("SELECT id FROM users WHERE username_key = $1")
            .bind(name.to_lowercase())
            .fetch_optional(&self.db)
            .await
            .expect("reading the users table");
        match id {
            Some(id) => {
                self.ids.lock().unwrap().insert(name, id);
            }
            None => self.problems.lock().unwrap().push(format!("{name}: sign-up answered 201, no such user")),
        }
    }

    async fn deleted(&self, name: String) {
        let Some(id) = self.ids.lock().unwrap().get(&name).copied() else { return };
        let holder: Option<String> = sqlx::query_scalar("SELECT username_key FROM users WHERE id = $1")
            .bind(id)
            .fetch_optional(&self.db)
            .await
            .unwrap();
        let mut problems = Vec::new();
        match holder {
            Some(holder) if holder == name.to_lowercase() => {
                problems.push(format!("{name}: deletion answered 204, the account is still there"))
            }
            // Already someone else's id: only the final text checks apply.
            Some(_) => return,
            None => {}
        }
        for (table, column) in &self.member_columns {
            let n: i64 = sqlx::query_scalar(&format!("SELECT COUNT(*) FROM \"{table}\" WHERE \"{column}\" = $1"))
                .bind(id)
                .fetch_one(&self.db)
                .await
                .unwrap_or_else(|e| panic!("{table}.{column}: {e}"));
            if n > 0 {
                problems.push(format!(
                    "{name}: deletion answered 204, {n} rows of {table}.{column} still hold its id {id}"
                ));
            }
        }
        self.deletions_checked.fetch_add(1, Ordering::Relaxed);
        self.problems.lock().unwrap().extend(problems);
    }

    fn hooks(self: &Arc<Self>) -> (MemberHook, MemberHook) {
        let watch = self.clone();
        let signed_up: MemberHook = Arc::new(move |name| {
            let watch = watch.clone();
            Box::pin(async move { watch.signed_up(name).await })
        });
        let watch = self.clone();
        let deleted: MemberHook = Arc::new(move |name| {
            let watch = watch.clone();
            Box::pin(async move { watch.deleted(name).await })
        });
        (signed_up, deleted)
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn sixteen_members_at_once_get_no_5xx_and_every_acknowledged_write_stays() {
    let app = TestApp::spawn().await;
    let member_columns = member_columns(&app.db).await;
    assert!(member_columns.len() >= 8, "the schema walk finds the member columns: {member_columns:?}");
    let watch = Arc::new(Watch {
        db: app.db.clone(),
        member_columns,
        ids: Mutex::default(),
        problems: Mutex::default(),
        deletions_checked: AtomicUsize::new(0),
    });
    let mut config = LoadConfig::new(CLIENTS, Duration::from_secs(SECONDS), Mix::Everything);
    let (signed_up, deleted) = watch.hooks();
    config.on_sign_up = Some(signed_up);
    config.on_deletion = Some(deleted);
    let report = load::run(&app.base, config).await;
    let summary = report.summary();
    println!("{summary}");
    let ids = watch.ids.lock().unwrap().clone();
    println!("{} deletions checked for leftovers at once", watch.deletions_checked.load(Ordering::Relaxed));

    let mut problems = Vec::new();
    if report.server_errors() > 0 || report.unanswered() > 0 {
        problems.push(format!(
            "{} answers were 5xx and {} requests got no answer (by endpoint below)",
            report.server_errors(),
            report.unanswered(),
        ));
    }
    problems.extend(watch.problems.lock().unwrap().iter().take(30).cloned());
    if !report.anomalies.is_empty() {
        problems.push(format!(
            "{} answers a correct server never gives, first ones:\n  {}",
            report.anomalies.len(),
            report.anomalies.iter().take(15).cloned().collect::<Vec<_>>().join("\n  ")
        ));
    }
    problems.extend(enough_of_everything(&report));
    problems.extend(deletions_the_server_did_not_acknowledge(&app, &report).await);
    problems.extend(deleted_members_leave_no_row(&app, &report, &ids).await);
    problems.extend(page_views_are_counted_exactly(&app, &report).await);
    problems.extend(consent_receipts_are_kept_or_purged(&app, &report, &ids).await);
    problems.extend(history_is_as_acknowledged(&app, &report, &ids).await);
    // Last: signing in changes the tables the checks above read.
    problems.extend(remaining_members_are_as_acknowledged(&app, &report).await);
    problems.extend(deleted_members_cannot_sign_in(&app, &report).await);

    assert!(problems.is_empty(), "{}\n\n{summary}", problems.join("\n\n"));
}

/// Each kind of request happened often enough for the run to mean something.
fn enough_of_everything(report: &LoadReport) -> Vec<String> {
    let wanted: [(&str, u16, usize); 17] = [
        ("POST /api/auth/signup", 201, 50),
        ("DELETE /api/me", 204, 20),
        ("POST /api/auth/signin", 200, 10),
        ("POST /api/auth/signin (wrong password)", 401, 10),
        ("POST /api/consent", 201, 30),
        ("POST /api/analytics/pageview", 204, 100),
        ("GET /api/users/{name}", 200, 100),
        ("GET /api/users?q=", 200, 30),
        ("GET /api/me/profile", 200, 50),
        ("PATCH /api/me/profile", 200, 50),
        ("PATCH /api/me/profile (stale)", 412, 10),
        ("PATCH /api/me/privacy", 200, 20),
        ("POST /api/users/{name}/follow", 200, 30),
        ("DELETE /api/users/{name}/follow", 200, 10),
        ("POST /api/me/history", 201, 50),
        ("DELETE /api/me/history/{id}", 204, 20),
        ("GET /api/me/export", 200, 10),
    ];
    let mut problems = Vec::new();
    for (endpoint, status, at_least) in wanted {
        let n = report.count(endpoint, |s| s == status);
        if n < at_least {
            problems.push(format!("only {n} × {status} from {endpoint} (the run needs at least {at_least})"));
        }
    }
    problems
}

/// Deletions that got a 5xx or no answer (already counted as failures):
/// whether the server deleted those accounts anyway, which tells a 500 that
/// did the work from one that did nothing.
async fn deletions_the_server_did_not_acknowledge(app: &TestApp, report: &LoadReport) -> Vec<String> {
    let unknown: Vec<&String> =
        report.ledger.members.iter().filter(|(_, m)| m.account == Account::DeletionUnknown).map(|(n, _)| n).collect();
    if unknown.is_empty() {
        return Vec::new();
    }
    let mut stayed = 0;
    for name in &unknown {
        let n: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM users WHERE username_key = $1")
            .bind(name.to_lowercase())
            .fetch_one(&app.db)
            .await
            .unwrap();
        stayed += n;
    }
    vec![format!(
        "{} deletions got a 5xx or no answer: {stayed} of those accounts are still there, {} are gone",
        unknown.len(),
        unknown.len() as i64 - stayed
    )]
}

/// No row anywhere names a deleted member: no member column of the schema
/// holds an id that no account has, and no text value of any table holds a
/// deleted member's username or e-mail address.
async fn deleted_members_leave_no_row(app: &TestApp, report: &LoadReport, ids: &BTreeMap<String, i64>) -> Vec<String> {
    let deleted: Vec<&String> =
        report.ledger.members.iter().filter(|(_, m)| m.account == Account::Deleted).map(|(n, _)| n).collect();
    let mut problems = Vec::new();
    let live: BTreeSet<i64> =
        sqlx::query_scalar("SELECT id FROM users").fetch_all(&app.db).await.unwrap().into_iter().collect();
    let by_id: BTreeMap<i64, &String> = deleted.iter().filter_map(|n| ids.get(*n).map(|id| (*id, *n))).collect();
    for (table, column) in &member_columns(&app.db).await {
        let values: Vec<i64> = sqlx::query_scalar(&format!(
            "SELECT DISTINCT \"{column}\" FROM \"{table}\" WHERE \"{column}\" IS NOT NULL"
        ))
        .fetch_all(&app.db)
        .await
        .unwrap();
        for id in values.iter().filter(|id| !live.contains(id)) {
            let whose =
                by_id.get(id).map_or("a member who no longer exists".to_string(), |n| format!("deleted member {n}"));
            problems.push(format!("{table}.{column} still holds id {id}, of {whose}"));
        }
    }
    let needles: Vec<(String, &String)> = deleted
        .iter()
        .flat_map(|n| [(n.to_lowercase(), *n), (format!("{}@example.org", n.to_lowercase()), *n)])
        .collect();
    for table in tables(&app.db).await {
        // Text columns, and SQLite's untyped ones (the search index's).
        let text_columns = curtain_tests::columns(&app.db, &table)
            .await
            .into_iter()
            .filter(|(_, declared)| declared.is_empty() || declared.to_uppercase().contains("TEXT"));
        for (column, _) in text_columns {
            let values: Vec<String> = sqlx::query_scalar(&format!(
                "SELECT DISTINCT lower(CAST(\"{column}\" AS TEXT)) FROM \"{table}\" WHERE \"{column}\" IS NOT NULL"
            ))
            .fetch_all(&app.db)
            .await
            .unwrap();
            for value in &values {
                if let Some((_, name)) = needles.iter().find(|(needle, _)| value.contains(needle.as_str())) {
                    problems.push(format!("{table}.{column} still names deleted member {name}: {value:?}"));
                }
            }
        }
    }
    problems.truncate(30);
    problems
}

/// The counts in `page_views` are exactly the acknowledged views sent with
/// a consent that grants analytics.
async fn page_views_are_counted_exactly(app: &TestApp, report: &LoadReport) -> Vec<String> {
    let views = report.ledger.page_views;
    let counted: i64 =
        sqlx::query_scalar("SELECT CAST(COALESCE(SUM(count), 0) AS BIGINT) FROM page_views").fetch_one(&app.db).await.unwrap();
    let counted = counted as u64;
    if counted < views.counted || counted > views.counted + views.unknown {
        vec![format!(
            "page_views counts {counted}; acknowledged with analytics consent: {}, without: {}, unanswered with consent: {}",
            views.counted, views.not_counted, views.unknown
        )]
    } else {
        Vec::new()
    }
}

/// Each acknowledged receipt is stored once, tied to its member, unless
/// that member deleted the account, which takes the receipts along.
async fn consent_receipts_are_kept_or_purged(
    app: &TestApp,
    report: &LoadReport,
    ids: &BTreeMap<String, i64>,
) -> Vec<String> {
    let mut problems = Vec::new();
    for receipt in &report.ledger.receipts {
        let rows: Vec<Option<i64>> = sqlx::query_scalar("SELECT user_id FROM consent_receipts WHERE consent_id = $1")
            .bind(&receipt.consent_id)
            .fetch_all(&app.db)
            .await
            .unwrap();
        let owner = receipt.owner.as_ref().map(|n| (n, &report.ledger.members[n]));
        let expected: Option<Vec<Option<i64>>> = match owner {
            None => Some(vec![None]),
            Some((_, m)) if m.account == Account::Deleted => Some(vec![]),
            Some((n, m)) if m.account == Account::Exists => ids.get(n).map(|id| vec![Some(*id)]),
            Some(_) => None,
        };
        if let Some(expected) = expected {
            if rows != expected {
                problems.push(format!(
                    "receipt {} (owner {:?}): stored as {rows:?}, expected {expected:?}",
                    receipt.consent_id, receipt.owner
                ));
            }
        }
    }
    problems.truncate(20);
    problems
}

/// Each remaining member's watch history holds exactly the titles whose
/// logging was acknowledged and whose removal was not.
async fn history_is_as_acknowledged(app: &TestApp, report: &LoadReport, ids: &BTreeMap<String, i64>) -> Vec<String> {
    let mut problems = Vec::new();
    for (name, m) in &report.ledger.members {
        if m.account != Account::Exists || m.uncertain.contains("history") {
            continue;
        }
        let Some(id) = ids.get(name) else { continue };
        let stored: BTreeSet<i64> = sqlx::query_scalar("SELECT id FROM watch_history WHERE user_id = $1")
            .bind(id)
            .fetch_all(&app.db)
            .await
            .unwrap()
            .into_iter()
            .collect();
        let acknowledged: BTreeSet<i64> = m.history.keys().copied().collect();
        if stored != acknowledged {
            problems.push(format!(
                "{name}'s history: stored {stored:?}, acknowledged {acknowledged:?} (removed: {:?})",
                m.history_removed
            ));
        }
    }
    problems.truncate(20);
    problems
}

/// Every account created and not deleted signs in, and shows exactly its
/// last acknowledged profile edit (412s changed nothing), privacy settings
/// and follows.
async fn remaining_members_are_as_acknowledged(app: &TestApp, report: &LoadReport) -> Vec<String> {
    let members = &report.ledger.members;
    let remaining: Vec<(&String, &load::Member)> =
        members.iter().filter(|(_, m)| m.account == Account::Exists).collect();
    let checks = futures::stream::iter(remaining.into_iter().enumerate().map(|(i, (name, m))| async move {
        let mut problems = Vec::new();
        let c = ApiClient::from_address(&app.base, client_address(30, i));
        let r = c.sign_in(name, &m.password, false).await;
        if r.status != StatusCode::OK {
            problems.push(format!("{name} (created, never deleted) cannot sign in: {} {}", r.status, r.body));
            return problems;
        }
        let r = c.get("/api/me/profile").await;
        let etag = r.headers.get("etag").and_then(|v| v.to_str().ok()).unwrap_or_default().to_string();
        if r.body["display_name"] == "A stale copy" {
            problems.push(format!("{name}: an edit refused with 412 was saved: {}", r.body));
        }
        if !m.uncertain.contains("profile") {
            match &m.profile {
                Some((body, tag)) if (&r.body, &etag) != (body, tag) => problems.push(format!(
                    "{name}'s profile is {etag} {}, the last acknowledged edit made {tag} {body}",
                    r.body
                )),
                None if etag != "\"v1\"" => {
                    problems.push(format!("{name}'s profile was never edited, yet is at {etag}: {}", r.body))
                }
                _ => {}
            }
        }
        if let (Some(privacy), false) = (&m.privacy, m.uncertain.contains("privacy")) {
            let r = c.get("/api/me/privacy").await;
            if &r.body != privacy {
                problems
                    .push(format!("{name}'s privacy is {}, the last acknowledged change made it {privacy}", r.body));
            }
        }
        for (followee, relation) in &m.follows {
            let alive = members.get(followee).is_none_or(|f| f.account == Account::Exists);
            if !alive || m.uncertain.contains(&format!("follow:{followee}")) {
                continue;
            }
            let r = c.get(&format!("/api/users/{followee}")).await;
            if r.body["relation"] != relation.as_str() {
                problems.push(format!(
                    "{name} → {followee}: relation {} ({}), the last acknowledged answer was {relation}",
                    r.body["relation"], r.status
                ));
            }
        }
        problems
    }));
    let mut problems: Vec<String> =
        checks.buffer_unordered(4).collect::<Vec<_>>().await.into_iter().flatten().collect();
    problems.truncate(30);
    problems
}

async fn deleted_members_cannot_sign_in(app: &TestApp, report: &LoadReport) -> Vec<String> {
    let deleted: Vec<(&String, &load::Member)> =
        report.ledger.members.iter().filter(|(_, m)| m.account == Account::Deleted).collect();
    let checks = futures::stream::iter(deleted.into_iter().enumerate().map(|(i, (name, m))| async move {
        // Each from its own address, so the per-address limit never answers instead.
        let c = ApiClient::from_address(&app.base, client_address(31, i));
        let r = c.sign_in(name, &m.password, false).await;
        (r.status != StatusCode::UNAUTHORIZED)
            .then(|| format!("deleted member {name} signing in: {} {}", r.status, r.body))
    }));
    let mut problems: Vec<String> = checks.buffer_unordered(4).filter_map(|p| async { p }).collect().await;
    problems.truncate(20);
    problems
}
