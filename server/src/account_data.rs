//! Everything held about one member: the export of it all, and its deletion.
//!
//! Both read the schema instead of a list of tables, so a table added later
//! is exported and purged without anyone remembering to do it here. A column
//! holds a member when it references `users(id)` or is named `user_id` or
//! `*_user_id`.

use crate::db::Flag;
use std::collections::BTreeMap;

use curtain_api::account::{EmailPreferences, SessionInfo, SigninRecord};
use serde::Serialize;
use serde_json::Value;
use sqlx::{AnyConnection, AnyExecutor, AnyPool};

use crate::db::Db;
use crate::error::Result;
use crate::{accounts, clock, email_preferences, useragent};

/// Version of the export's shape (see docs/export.md).
pub const EXPORT_VERSION: u32 = 1;

/// Tables the export shows in their own, curated sections.
const CURATED: &[&str] = &["users", "sessions", "signin_log", "email_preferences", "privacy_requests"];

/// A table in which some columns point at a member.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MemberTable {
    pub name: String,
    /// Every column, with its declared type.
    pub columns: Vec<(String, String)>,
    /// The columns that hold a member's id.
    pub member_columns: Vec<String>,
}

/// Whether a column with this name (not otherwise known to reference
/// `users`) holds a member's id.
pub fn is_member_column_name(column: &str) -> bool {
    let c = column.to_ascii_lowercase();
    c == "user_id" || c.ends_with("_user_id")
}

/// Columns never exported: credentials and capabilities.
pub fn is_secret_column(column: &str) -> bool {
    let c = column.to_ascii_lowercase();
    ["password", "hash", "token", "secret"].iter().any(|s| c.contains(s))
}

fn quote(identifier: &str) -> String {
    format!("\"{}\"", identifier.replace('"', "\"\""))
}

/// Every application table that can hold rows about a member.
pub async fn member_tables(conn: &mut AnyConnection) -> Result<Vec<MemberTable>> {
    // How each engine describes its schema: tables, columns with their
    // declared types, and foreign keys as (column, referenced table).
    let (tables_sql, columns_sql, references_sql) = match crate::db::engine_of_conn(conn) {
        crate::db::Engine::Sqlite => (
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name NOT LIKE '_sqlx%'
             ORDER BY name",
            "SELECT name, type FROM pragma_table_info($1) ORDER BY cid",
            "SELECT \"from\", \"table\" FROM pragma_foreign_key_list($1)",
        ),
        crate::db::Engine::Postgres => (
            "SELECT table_name::text FROM information_schema.tables
             WHERE table_schema = current_schema() AND table_type = 'BASE TABLE' AND table_name NOT LIKE '\\_sqlx%'
             ORDER BY table_name",
            "SELECT column_name::text, data_type::text FROM information_schema.columns
             WHERE table_schema = current_schema() AND table_name = $1 ORDER BY ordinal_position",
            "SELECT kcu.column_name::text, ccu.table_name::text
             FROM information_schema.table_constraints tc
             JOIN information_schema.key_column_usage kcu
               ON kcu.constraint_name = tc.constraint_name AND kcu.table_schema = tc.table_schema
             JOIN information_schema.constraint_column_usage ccu
               ON ccu.constraint_name = tc.constraint_name AND ccu.table_schema = tc.table_schema
             WHERE tc.constraint_type = 'FOREIGN KEY' AND tc.table_schema = current_schema() AND tc.table_name = $1",
        ),
    };
    let tables: Vec<String> = sqlx::query_scalar(tables_sql).fetch_all(&mut *conn).await?;
    let mut found = Vec::new();
    for name in tables {
        if name == "users" {
            continue;
        }
        let columns: Vec<(String, String)> = sqlx::query_as(columns_sql).bind(&name).fetch_all(&mut *conn).await?;
        let references: Vec<(String, String)> = sqlx::query_as(references_sql).bind(&name).fetch_all(&mut *conn).await?;
        let member_columns: Vec<String> = columns
            .iter()
            .map(|(c, _)| c)
            .filter(|c| {
                is_member_column_name(c) || references.iter().any(|(from, to)| from == *c && to.eq_ignore_ascii_case("users"))
            })
            .cloned()
            .collect();
        if !member_columns.is_empty() {
            found.push(MemberTable { name, columns, member_columns });
        }
    }
    Ok(found)
}

/// The account section of the export.
#[derive(Debug, Serialize)]
struct AccountSection {
    username: String,
    email: String,
    /// When the address was confirmed (RFC 3339); absent while it is not.
    #[serde(skip_serializing_if = "Option::is_none")]
    email_confirmed_at: Option<String>,
    /// A new address waiting for its confirmation link.
    #[serde(skip_serializing_if = "Option::is_none")]
    pending_email: Option<String>,
    birth_date: String,
    minor: bool,
    accepted_policy_version: i64,
    created_at: String,
    /// The language the member chose (`en`, `de`, `pt-BR`); absent while none is.
    #[serde(skip_serializing_if = "Option::is_none")]
    language: Option<String>,
}

/// A failed sign-in counted against the member's account (whatever spelling
/// of the username or address was typed), or typed with the member's address
/// before it named an account.
#[derive(Debug, Serialize)]
struct FailedSignin {
    at: String,
    ip: String,
}

/// A parent's report the member sent.
#[derive(Debug, Serialize)]
struct ReportSent {
    sent_at: String,
    username: String,
    message: String,
}

/// A privacy request of the member's.
#[derive(Debug, Serialize)]
struct PrivacyRequestRow {
    id: i64,
    kind: String,
    email: String,
    message: String,
    sent_at: String,
    /// `YYYY-MM-DD`.
    due_date: String,
    answered_at: Option<String>,
}

/// The whole export: see docs/export.md for the shape.
#[derive(Debug, Serialize)]
pub struct Export {
    pub format: &'static str,
    pub version: u32,
    pub exported_at: String,
    account: AccountSection,
    email_preferences: EmailPreferences,
    sessions: Vec<SessionInfo>,
    /// Sessions that have ended but are not yet purged (within the hour).
    ended_sessions: Vec<SessionInfo>,
    signin_log: Vec<SigninRecord>,
    /// Failed sign-ins against the member's account.
    failed_signins: Vec<FailedSignin>,
    /// Parents' reports sent from the member's address (reports *about* the
    /// member are withheld, to protect whoever sent them).
    reports_sent: Vec<ReportSent>,
    /// Privacy requests sent while signed in or from the member's address.
    privacy_requests: Vec<PrivacyRequestRow>,
    /// Every other table that holds rows about the member, by table name.
    tables: BTreeMap<String, Vec<Value>>,
}

/// Everything held about `user_id`. References to members (the member
/// themself, or someone they follow) appear as usernames; nothing but the
/// rows that involve the member is read. All of it is read in one read
/// transaction, so the export is one moment's state even while writes go on.
pub async fn export(db: &AnyPool, user_id: i64, current_session: Option<i64>) -> Result<Export> {
    let mut snapshot = db.begin().await?;
    let conn: &mut AnyConnection = &mut snapshot;
    #[allow(clippy::type_complexity)]
    #[allow(clippy::type_complexity)]
    let (username, email, birth_date, Flag(minor), accepted_policy_version, created_at, confirmed_at, pending_email, language): (
        String,
        String,
        String,
        Flag,
        i64,
        i64,
        Option<i64>,
        Option<String>,
        Option<String>,
    ) = sqlx::query_as(
            "SELECT username, email, birth_date, minor, accepted_policy_version, created_at, email_verified_at, pending_email,
                    language
             FROM users WHERE id = $1",
        )
        .bind(user_id)
        .fetch_one(&mut *conn)
        .await?;
    let prefs = email_preferences::get(&mut *conn, user_id).await?;
    let sessions = sessions(&mut *conn, user_id, current_session).await?;
    let ended_sessions = ended_sessions(&mut *conn, user_id).await?;
    let signin_log = signin_log(&mut *conn, user_id, None).await?;
    let failed_signins = failed_signins(&mut *conn, &username, &email, pending_email.as_deref()).await?;
    let email_key = accounts::key(&email);
    let reports: Vec<(i64, String, String)> = sqlx::query_as(
        "SELECT created_at, username, message FROM child_reports WHERE lower(trim(reporter_email)) = $1 ORDER BY id",
    )
    .bind(&email_key)
    .fetch_all(&mut *conn)
    .await?;
    let reports_sent = reports
        .into_iter()
        .map(|(at, username, message)| ReportSent { sent_at: clock::rfc3339(at), username, message })
        .collect();
    #[allow(clippy::type_complexity)]
    let requests: Vec<(i64, String, String, String, i64, i64, Option<i64>)> = sqlx::query_as(
        "SELECT id, kind, email, message, created_at, due_at, answered_at FROM privacy_requests
         WHERE user_id = $1 OR lower(trim(email)) = $2 ORDER BY id",
    )
    .bind(user_id)
    .bind(&email_key)
    .fetch_all(&mut *conn)
    .await?;
    let privacy_requests = requests
        .into_iter()
        .map(|(id, kind, email, message, created, due, answered)| PrivacyRequestRow {
            id,
            kind,
            email,
            message,
            sent_at: clock::rfc3339(created),
            due_date: clock::rfc3339(due)[..10].to_string(),
            answered_at: answered.map(clock::rfc3339),
        })
        .collect();
    let mut tables = BTreeMap::new();
    for table in member_tables(conn).await? {
        if CURATED.contains(&table.name.as_str()) {
            continue;
        }
        tables.insert(table.name.clone(), table_rows(conn, &table, user_id).await?);
    }
    snapshot.rollback().await?;
    Ok(Export {
        format: "curtain-export",
        version: EXPORT_VERSION,
        exported_at: clock::rfc3339(clock::now()),
        account: AccountSection {
            username,
            email,
            email_confirmed_at: confirmed_at.map(clock::rfc3339),
            pending_email,
            birth_date,
            minor,
            accepted_policy_version,
            created_at: clock::rfc3339(created_at),
            language,
        },
        email_preferences: prefs,
        sessions,
        ended_sessions,
        signin_log,
        failed_signins,
        reports_sent,
        privacy_requests,
        tables,
    })
}

/// The rows of `table` that involve `user_id`, as JSON objects built by
/// SQLite itself (so any column type comes out faithfully).
async fn table_rows(conn: &mut AnyConnection, table: &MemberTable, user_id: i64) -> Result<Vec<Value>> {
    let postgres = crate::db::engine_of_conn(conn) == crate::db::Engine::Postgres;
    let mut fields = Vec::new();
    for (column, declared) in &table.columns {
        let declared = declared.to_ascii_uppercase();
        if is_secret_column(column) || declared.contains("BLOB") || declared.contains("BYTEA") {
            continue;
        }
        let q = format!("t.{}", quote(column));
        let expr = if table.member_columns.contains(column) {
            format!("(SELECT username FROM users WHERE id = {q})")
        } else if (column == "at" || column.ends_with("_at")) && postgres {
            format!("to_char(to_timestamp({q}) AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS\"Z\"')")
        } else if column == "at" || column.ends_with("_at") {
            format!("CASE WHEN typeof({q}) = 'integer' THEN strftime('%Y-%m-%dT%H:%M:%SZ', {q}, 'unixepoch') ELSE {q} END")
        } else if postgres {
            q
        } else if declared.contains("BOOL") {
            format!("CASE WHEN {q} IS NULL THEN NULL WHEN {q} THEN json('true') ELSE json('false') END")
        } else {
            format!("CASE WHEN typeof({q}) = 'blob' THEN NULL ELSE {q} END")
        };
        fields.push(format!("'{}', {expr}", column.replace('\'', "''")));
    }
    let condition = table
        .member_columns
        .iter()
        .map(|c| format!("t.{} = $1", quote(c)))
        .collect::<Vec<_>>()
        .join(" OR ");
    let object = if postgres { "json_build_object" } else { "json_object" };
    // In the order the rows were made, where the table keeps one.
    let order = if table.columns.iter().any(|(c, _)| c == "id") { " ORDER BY t.id" } else { "" };
    let sql = format!(
        "SELECT CAST({object}({}) AS TEXT) FROM {} AS t WHERE {condition}{order}",
        fields.join(", "),
        quote(&table.name)
    );
    let rows: Vec<String> = sqlx::query_scalar(&sql).bind(user_id).fetch_all(conn).await?;
    rows.iter()
        .map(|r| {
            let mut row: Value = serde_json::from_str(r).map_err(|e| crate::error::Error::Internal(e.into()))?;
            without_link_secrets(&mut row);
            Ok(row)
        })
        .collect()
}

/// Addresses whose last segment is a secret: whoever holds the link can act
/// with it (confirm an address, turn e-mail off).
const LINKS_WITH_SECRETS: &[&str] = &["/verify-email/", "/unsubscribe/"];

/// What a link's secret becomes in the export.
const REMOVED_SECRET: &str = "[removed]";

/// Takes the secret out of every link in `value`'s text (the copies of
/// e-mail hold them): the export leaves out "the secrets behind your links".
fn without_link_secrets(value: &mut Value) {
    match value {
        Value::String(text) => {
            if LINKS_WITH_SECRETS.iter().any(|path| text.contains(path)) {
                *text = redact_links(text);
            }
        }
        Value::Array(items) => items.iter_mut().for_each(without_link_secrets),
        Value::Object(fields) => fields.values_mut().for_each(without_link_secrets),
        _ => {}
    }
}

fn redact_links(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some((at, path)) =
        LINKS_WITH_SECRETS.iter().filter_map(|p| rest.find(p).map(|at| (at, *p))).min_by_key(|(at, _)| *at)
    {
        let secret_start = at + path.len();
        out.push_str(&rest[..secret_start]);
        let secret_len = rest[secret_start..]
            .find(|c: char| !(c.is_ascii_alphanumeric() || c == '-' || c == '_'))
            .unwrap_or(rest.len() - secret_start);
        if secret_len > 0 {
            out.push_str(REMOVED_SECRET);
        }
        rest = &rest[secret_start + secret_len..];
    }
    out.push_str(rest);
    out
}

/// The member's live sessions, most recently used first.
pub async fn sessions(db: impl AnyExecutor<'_>, user_id: i64, current: Option<i64>) -> Result<Vec<SessionInfo>> {
    session_rows(db, user_id, false, current).await
}

/// The member's sessions that have ended but are still kept (the purge
/// removes them within the hour), most recently used first.
async fn ended_sessions(db: impl AnyExecutor<'_>, user_id: i64) -> Result<Vec<SessionInfo>> {
    session_rows(db, user_id, true, None).await
}

async fn session_rows(db: impl AnyExecutor<'_>, user_id: i64, ended: bool, current: Option<i64>) -> Result<Vec<SessionInfo>> {
    let sql = format!(
        "SELECT id, ip, user_agent, created_at, last_seen_at, persistent FROM sessions
         WHERE user_id = $1 AND expires_at {} $2 ORDER BY last_seen_at DESC, id DESC",
        if ended { "<=" } else { ">" }
    );
    let rows: Vec<(i64, String, String, i64, i64, Flag)> =
        sqlx::query_as(&sql).bind(user_id).bind(clock::now()).fetch_all(db).await?;
    Ok(rows
        .into_iter()
        .map(|(id, ip, ua, created, seen, persistent)| SessionInfo {
            id,
            device: useragent::describe(&ua),
            ip,
            created_at: clock::rfc3339(created),
            last_seen_at: clock::rfc3339(seen),
            persistent: persistent.0,
            current: Some(id) == current,
        })
        .collect())
}

/// Failed sign-ins against the member's account, or typed with its address
/// or the address waiting for confirmation, newest first.
async fn failed_signins(
    conn: &mut AnyConnection,
    username: &str,
    email: &str,
    pending_email: Option<&str>,
) -> Result<Vec<FailedSignin>> {
    let keys = [Some(accounts::key(username)), Some(accounts::key(email)), pending_email.map(accounts::key)];
    let rows: Vec<(String, i64)> = sqlx::query_as(
        "SELECT ip, at FROM signin_failures WHERE account_key IN ($1, $2, $3) ORDER BY at DESC, id DESC",
    )
    .bind(&keys[0])
    .bind(&keys[1])
    .bind(&keys[2])
    .fetch_all(conn)
    .await?;
    Ok(rows
        .into_iter()
        .map(|(ip, at)| FailedSignin { at: clock::rfc3339(at), ip })
        .collect())
}

/// The member's sign-in log, newest first, at most `limit` entries.
pub async fn signin_log(db: impl AnyExecutor<'_>, user_id: i64, limit: Option<i64>) -> Result<Vec<SigninRecord>> {
    let rows: Vec<(i64, String, String)> =
        sqlx::query_as("SELECT at, ip, user_agent FROM signin_log WHERE user_id = $1 ORDER BY at DESC, id DESC LIMIT $2")
            .bind(user_id)
            .bind(limit.unwrap_or(i64::MAX))
            .fetch_all(db)
            .await?;
    Ok(rows
        .into_iter()
        .map(|(at, ip, user_agent)| SigninRecord { at: clock::rfc3339(at), ip, device: useragent::describe(&user_agent), user_agent })
        .collect())
}

/// Deletes the member and every row that involves them, in one write
/// transaction (which also reads the schema, so it sees what it deletes
/// from). Cascades would do most of it; deleting explicitly from every table
/// that names the member also covers a table whose reference does not
/// cascade. `false` when there was no such member (deleted meanwhile).
pub async fn delete_member(db: &Db, user_id: i64) -> Result<bool> {
    let mut tx = db.begin_write().await?;
    let deleted = delete_member_in(&mut tx, user_id).await?;
    tx.commit().await?;
    Ok(deleted)
}

/// [`delete_member`] in the caller's write transaction, for a deletion that
/// must commit together with something else (a decision on a report).
pub async fn delete_member_in(tx: &mut AnyConnection, user_id: i64) -> Result<bool> {
    let found: Option<(String, String)> =
        sqlx::query_as("SELECT username, email FROM users WHERE id = $1").bind(user_id).fetch_optional(&mut *tx).await?;
    let Some((username, email)) = found else {
        return Ok(false);
    };
    let tables = member_tables(tx).await?;
    for table in &tables {
        for column in &table.member_columns {
            let sql = format!("DELETE FROM {} WHERE {} = $1", quote(&table.name), quote(column));
            sqlx::query(&sql).bind(user_id).execute(&mut *tx).await?;
        }
    }
    // Failed sign-ins are kept by name, not id.
    sqlx::query("DELETE FROM signin_failures WHERE account_key IN ($1, $2)")
        .bind(accounts::key(&username))
        .bind(accounts::key(&email))
        .execute(&mut *tx)
        .await?;
    sqlx::query("DELETE FROM users WHERE id = $1").bind(user_id).execute(&mut *tx).await?;
    Ok(true)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn member_columns_and_secrets_by_name() {
        assert!(is_member_column_name("user_id"));
        assert!(is_member_column_name("owner_user_id"));
        assert!(!is_member_column_name("username"));
        assert!(is_secret_column("password_hash"));
        assert!(is_secret_column("unsubscribe_token"));
        let body = "Confirm: https://x.example/verify-email/AbC_12-z.\nStop: https://x.example/unsubscribe/tok123\nBye /unsubscribe/";
        assert_eq!(
            redact_links(body),
            "Confirm: https://x.example/verify-email/[removed].\nStop: https://x.example/unsubscribe/[removed]\nBye /unsubscribe/"
        );
        let mut row = serde_json::json!({"body": "https://x/unsubscribe/s3cret", "n": 1});
        without_link_secrets(&mut row);
        assert_eq!(row, serde_json::json!({"body": "https://x/unsubscribe/[removed]", "n": 1}));
        assert!(!is_secret_column("newsletter"));
    }

    #[tokio::test]
    async fn the_schema_names_the_tables_that_hold_members() {
        let db = crate::db::connect("sqlite::memory:").await.unwrap();
        let tables = member_tables(&mut db.read().acquire().await.unwrap()).await.unwrap();
        let names: Vec<&str> = tables.iter().map(|t| t.name.as_str()).collect();
        for expected in ["email_preferences", "outbox", "sessions", "signin_log"] {
            assert!(names.contains(&expected), "{expected} missing from {names:?}");
        }
        assert!(!names.contains(&"child_reports"), "a report is the reporter's, not the member's");
        assert!(!names.contains(&"users"));
    }
}
