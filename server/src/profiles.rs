//! Profiles, follows and watch history in the database. What a viewer may
//! see of them is decided in [`crate::visibility`], not here.

use crate::db::Flag;
use curtain_api::profile::{
    Audience, EditableProfile, FieldAudiences, FollowRequest, HistoryEntry, MemberCard, NewHistoryEntry, PrivacySettings,
    PrivacyUpdate, ProfileField, ProfileUpdate, Relation, TitleKind,
};
use curtain_api::CivilDate;
use sqlx::{Row, AnyConnection, AnyExecutor, AnyPool};

use crate::clock;
use crate::error::Result;
use crate::visibility::{MemberPage, ProfileOwner};

/// Longest watch history a profile carries; older titles are left for paging,
/// which nothing needs yet.
const LIST_LIMIT: i64 = 200;

fn audience_column(field: ProfileField) -> String {
    format!("{}_audience", field.as_str())
}

fn audience_columns() -> String {
    ProfileField::ALL.iter().map(|f| format!("p.{}", audience_column(*f))).collect::<Vec<_>>().join(", ")
}

/// An unreadable stored audience counts as the narrowest: fail closed.
fn read_audiences(row: &sqlx::any::AnyRow) -> Result<FieldAudiences> {
    let mut audiences = FieldAudiences::default();
    for field in ProfileField::ALL {
        let stored: String = row.try_get(audience_column(field).as_str())?;
        audiences.set(field, Audience::parse(&stored).unwrap_or(Audience::OnlyMe));
    }
    Ok(audiences)
}

fn read_genres(stored: &str) -> Vec<String> {
    serde_json::from_str(stored).unwrap_or_default()
}

fn joined_on(created_at: i64) -> CivilDate {
    CivilDate::from_unix_days(created_at.div_euclid(86_400))
}

/// Creates the profile row of a new account with the defaults for its age:
/// minors start private, undiscoverable and not indexed (their birth date is
/// only-me like everyone's).
pub async fn create_default(conn: &mut AnyConnection, user_id: i64, minor: bool) -> Result<()> {
    let p = PrivacySettings::defaults(minor);
    sqlx::query(
        "INSERT INTO profiles (user_id, private, discoverable, indexable, updated_at) VALUES ($1, $2, $3, $4, $5)
         ON CONFLICT (user_id) DO NOTHING",
    )
    .bind(user_id)
    .bind(p.private)
    .bind(p.discoverable)
    .bind(p.indexable)
    .bind(clock::now())
    .execute(conn)
    .await?;
    Ok(())
}

/// The id of the member called `username` (any letter case).
pub async fn user_id(db: impl AnyExecutor<'_>, username: &str) -> Result<Option<i64>> {
    Ok(sqlx::query_scalar("SELECT id FROM users WHERE username_key = $1")
        .bind(crate::accounts::key(username))
        .fetch_optional(db)
        .await?)
}

/// The usernames of the members who let search engines index their profile,
/// for the sitemap, in the order they joined.
pub async fn indexable_usernames(db: &AnyPool) -> Result<Vec<String>> {
    Ok(sqlx::query_scalar(
        "SELECT u.username FROM users u JOIN profiles p ON p.user_id = u.id WHERE p.indexable ORDER BY u.id",
    )
    .fetch_all(db)
    .await?)
}

/// Everything a profile can show about `user_id`: every field, the history
/// when `with_history`, and the first page of each follow list as
/// `list_viewer` may see it (see [`follow_page`]; hidden lists are cut later
/// by `visible_profile`).
pub async fn load_owner(
    db: &AnyPool,
    user_id: i64,
    with_history: bool,
    list_viewer: Option<i64>,
) -> Result<Option<ProfileOwner>> {
    let sql = format!(
        "SELECT u.username, u.birth_date, u.created_at, p.display_name, p.location, p.about, p.gender,
                p.favourite_genres, p.private, p.indexable, {}
         FROM users u JOIN profiles p ON p.user_id = u.id WHERE u.id = $1",
        audience_columns()
    );
    let Some(row) = sqlx::query(&sql).bind(user_id).fetch_optional(db).await? else {
        return Ok(None);
    };
    let birth: String = row.try_get("birth_date")?;
    let genres: String = row.try_get("favourite_genres")?;
    let mut owner = ProfileOwner {
        username: row.try_get("username")?,
        private: row.try_get::<Flag, _>("private")?.0,
        indexable: row.try_get::<Flag, _>("indexable")?.0,
        display_name: row.try_get("display_name")?,
        location: row.try_get("location")?,
        about: row.try_get("about")?,
        gender: row.try_get("gender")?,
        favourite_genres: read_genres(&genres),
        birth_date: CivilDate::parse(&birth),
        joined_on: Some(joined_on(row.try_get("created_at")?)),
        audiences: read_audiences(&row)?,
        ..ProfileOwner::default()
    };
    if with_history {
        owner.history = history(db, user_id).await?;
    }
    owner.followers = follow_page(db, user_id, FollowList::Followers, list_viewer, None, PAGE).await?;
    owner.following = follow_page(db, user_id, FollowList::Following, list_viewer, None, PAGE).await?;
    Ok(Some(owner))
}

/// Members a list page holds unless asked for fewer.
pub const PAGE: i64 = 50;
/// Stands for "a member who follows no one" in the owner's previews.
pub const NOBODY: i64 = -1;

/// A member's two follow lists.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FollowList {
    Followers,
    Following,
}

/// One page of `member_id`'s followers (or of whom they follow), most recent
/// follow first, holding only the members `viewer` may see there: a follow
/// shows where the viewer may see both members' lists ([`may_see_follow`];
/// the list itself is checked by the caller), and to the two members
/// themselves. Filtered before paging, so hidden members never crowd out
/// visible ones. `viewer` is `None` for someone signed out, [`NOBODY`] for a
/// member who follows no one. `after` is the `next` of the previous page.
///
/// [`may_see_follow`]: crate::visibility::may_see_follow
pub async fn follow_page(
    db: &AnyPool,
    member_id: i64,
    list: FollowList,
    viewer: Option<i64>,
    after: Option<i64>,
    limit: i64,
) -> Result<MemberPage> {
    // The other member of each follow, and which of their lists it shows in.
    let (this_side, other_side, other_list) = match list {
        FollowList::Followers => ("f.followee_id", "f.follower_id", "p.following_audience"),
        FollowList::Following => ("f.follower_id", "f.followee_id", "p.followers_audience"),
    };
    let may_see = crate::visibility::sql_viewer_may_see(other_list, "p.private", other_side, "$2");
    let sql = format!(
        "SELECT f.id, u.username FROM follows f
         JOIN users u ON u.id = {other_side} JOIN profiles p ON p.user_id = {other_side}
         WHERE {this_side} = $1 AND f.status = 'accepted' AND f.id < $3 AND ($1 = $2 OR {may_see})
         ORDER BY f.id DESC LIMIT $4"
    );
    let rows: Vec<(i64, String)> = sqlx::query_as(&sql)
        .bind(member_id)
        .bind(viewer)
        .bind(after.unwrap_or(i64::MAX))
        .bind(limit + 1)
        .fetch_all(db)
        .await?;
    Ok(page_of(rows, limit))
}

/// The first `limit` of `rows` (read with a limit of `limit + 1`), and the
/// cursor of the last one kept when there were more.
fn cut_page<T>(mut rows: Vec<T>, limit: i64, cursor: impl Fn(&T) -> String) -> (Vec<T>, Option<String>) {
    let more = rows.len() as i64 > limit;
    rows.truncate(limit.max(0) as usize);
    let next = if more { rows.last().map(cursor) } else { None };
    (rows, next)
}

fn page_of(rows: Vec<(i64, String)>, limit: i64) -> MemberPage {
    let (rows, next) = cut_page(rows, limit, |(id, _)| id.to_string());
    MemberPage { members: rows.into_iter().map(|(_, name)| name).collect(), next }
}

/// How `viewer` (signed in or not) stands towards `owner_id`.
pub async fn relation(db: impl AnyExecutor<'_>, viewer: Option<i64>, owner_id: i64) -> Result<Relation> {
    let Some(viewer) = viewer else { return Ok(Relation::Anonymous) };
    if viewer == owner_id {
        return Ok(Relation::Owner);
    }
    let status: Option<String> = sqlx::query_scalar("SELECT status FROM follows WHERE follower_id = $1 AND followee_id = $2")
        .bind(viewer)
        .bind(owner_id)
        .fetch_optional(db)
        .await?;
    Ok(match status.as_deref() {
        Some("accepted") => Relation::Follower,
        Some(_) => Relation::Requested,
        None => Relation::Member,
    })
}

async fn history(db: &AnyPool, user_id: i64) -> Result<Vec<HistoryEntry>> {
    let rows: Vec<(i64, String, Option<i32>, String, String)> = sqlx::query_as(
        "SELECT id, title, year, kind, watched_on FROM watch_history WHERE user_id = $1
         ORDER BY watched_on DESC, id DESC LIMIT $2",
    )
    .bind(user_id)
    .bind(LIST_LIMIT)
    .fetch_all(db)
    .await?;
    Ok(rows
        .into_iter()
        .map(|(id, title, year, kind, watched_on)| HistoryEntry {
            id,
            title,
            year,
            kind: TitleKind::parse(&kind).unwrap_or(TitleKind::Movie),
            watched_on,
        })
        .collect())
}

/// The owner's editable profile and its version (the ETag's number).
pub async fn editable(db: impl AnyExecutor<'_>, user_id: i64) -> Result<(EditableProfile, i64)> {
    let sql = format!(
        "SELECT u.username, u.birth_date, u.created_at, p.display_name, p.location, p.about, p.gender,
                p.favourite_genres, p.version, {}
         FROM users u JOIN profiles p ON p.user_id = u.id WHERE u.id = $1",
        audience_columns()
    );
    let row = sqlx::query(&sql).bind(user_id).fetch_one(db).await?;
    let genres: String = row.try_get("favourite_genres")?;
    let profile = EditableProfile {
        username: row.try_get("username")?,
        display_name: row.try_get("display_name")?,
        location: row.try_get("location")?,
        about: row.try_get("about")?,
        gender: row.try_get("gender")?,
        favourite_genres: read_genres(&genres),
        birth_date: row.try_get("birth_date")?,
        joined_on: joined_on(row.try_get("created_at")?).to_string(),
        audiences: read_audiences(&row)?,
    };
    Ok((profile, row.try_get("version")?))
}

/// What became of an update.
pub enum Updated {
    /// Saved; the new profile and version.
    Saved(Box<EditableProfile>, i64),
    /// Someone saved since `expected_version` was read: nothing written.
    Stale,
}

/// Applies an already validated and normalised update, only if the profile is
/// still at `expected_version`; the check and the write are one statement, so
/// two tabs cannot both win.
pub async fn update(tx: &mut AnyConnection, user_id: i64, expected_version: i64, update: ProfileUpdate) -> Result<Updated> {
    let (mut p, version) = editable(&mut *tx, user_id).await?;
    if version != expected_version {
        return Ok(Updated::Stale);
    }
    if let Some(v) = update.display_name {
        p.display_name = v;
    }
    if let Some(v) = update.location {
        p.location = v;
    }
    if let Some(v) = update.about {
        p.about = v;
    }
    if let Some(v) = update.gender {
        p.gender = v;
    }
    if let Some(v) = update.favourite_genres {
        p.favourite_genres = v;
    }
    for (field, audience) in update.audiences {
        p.audiences.set(field, audience);
    }
    // Parameters $1-$5 are the texts, then one per audience, then the rest.
    let sets: Vec<String> =
        ProfileField::ALL.iter().enumerate().map(|(i, f)| format!("{} = ${}", audience_column(*f), 6 + i)).collect();
    let next = 6 + ProfileField::ALL.len();
    let sql = format!(
        "UPDATE profiles SET display_name = $1, location = $2, about = $3, gender = $4, favourite_genres = $5, {},
                version = version + 1, updated_at = ${}
         WHERE user_id = ${} AND version = ${}",
        sets.join(", "),
        next,
        next + 1,
        next + 2
    );
    let mut query = sqlx::query(&sql)
        .bind(&p.display_name)
        .bind(&p.location)
        .bind(&p.about)
        .bind(&p.gender)
        .bind(serde_json::to_string(&p.favourite_genres).map_err(anyhow::Error::from)?);
    for field in ProfileField::ALL {
        query = query.bind(p.audiences.get(field).as_str());
    }
    let done = query.bind(clock::now()).bind(user_id).bind(expected_version).execute(&mut *tx).await?;
    if done.rows_affected() == 0 {
        return Ok(Updated::Stale);
    }
    Ok(Updated::Saved(Box::new(p), expected_version + 1))
}

pub async fn privacy(db: impl AnyExecutor<'_>, user_id: i64) -> Result<PrivacySettings> {
    let (Flag(private), Flag(discoverable), Flag(indexable)): (Flag, Flag, Flag) =
        sqlx::query_as("SELECT private, discoverable, indexable FROM profiles WHERE user_id = $1")
            .bind(user_id)
            .fetch_one(db)
            .await?;
    Ok(PrivacySettings { private, discoverable, indexable })
}

/// Changes what is present in `update`. Making an account public does not
/// approve the requests waiting on it: each stays the owner's decision.
pub async fn update_privacy(tx: &mut AnyConnection, user_id: i64, update: PrivacyUpdate) -> Result<PrivacySettings> {
    sqlx::query(
        "UPDATE profiles SET private = COALESCE($1, private), discoverable = COALESCE($2, discoverable),
                indexable = COALESCE($3, indexable), updated_at = $4
         WHERE user_id = $5",
    )
    .bind(update.private)
    .bind(update.discoverable)
    .bind(update.indexable)
    .bind(clock::now())
    .bind(user_id)
    .execute(&mut *tx)
    .await?;
    privacy(&mut *tx, user_id).await
}

/// `follower` follows `followee`: at once for a public account, as a request
/// for a private one. Following again changes nothing.
pub async fn follow(tx: &mut AnyConnection, follower: i64, followee: i64) -> Result<Relation> {
    let Flag(private): Flag = sqlx::query_scalar("SELECT private FROM profiles WHERE user_id = $1")
        .bind(followee)
        .fetch_one(&mut *tx)
        .await?;
    let now = clock::now();
    sqlx::query(
        "INSERT INTO follows (follower_id, followee_id, status, created_at, accepted_at) VALUES ($1, $2, $3, $4, $5)
         ON CONFLICT (follower_id, followee_id) DO NOTHING",
    )
    .bind(follower)
    .bind(followee)
    .bind(if private { "pending" } else { "accepted" })
    .bind(now)
    .bind((!private).then_some(now))
    .execute(&mut *tx)
    .await?;
    relation(&mut *tx, Some(follower), followee).await
}

/// Ends a follow, or withdraws a request.
pub async fn unfollow(tx: &mut AnyConnection, follower: i64, followee: i64) -> Result<()> {
    sqlx::query("DELETE FROM follows WHERE follower_id = $1 AND followee_id = $2")
        .bind(follower)
        .bind(followee)
        .execute(&mut *tx)
        .await?;
    Ok(())
}

/// Requests waiting for `user_id`'s answer, oldest first.
pub async fn follow_requests(db: &AnyPool, user_id: i64) -> Result<Vec<FollowRequest>> {
    let rows: Vec<(i64, String, i64)> = sqlx::query_as(
        "SELECT f.id, u.username, f.created_at FROM follows f JOIN users u ON u.id = f.follower_id
         WHERE f.followee_id = $1 AND f.status = 'pending' ORDER BY f.created_at, f.id",
    )
    .bind(user_id)
    .fetch_all(db)
    .await?;
    Ok(rows
        .into_iter()
        .map(|(id, username, at)| FollowRequest { id, username, requested_at: clock::rfc3339(at) })
        .collect())
}

/// How many requests wait for `user_id`'s answer (those
/// [`follow_requests`] lists).
pub async fn pending_request_count(db: &AnyPool, user_id: i64) -> Result<u32> {
    let n: i64 = sqlx::query_scalar(
        "SELECT COUNT(*) FROM follows f JOIN users u ON u.id = f.follower_id
         WHERE f.followee_id = $1 AND f.status = 'pending'",
    )
    .bind(user_id)
    .fetch_one(db)
    .await?;
    Ok(u32::try_from(n).unwrap_or(u32::MAX))
}

/// Approves or denies request `request_id` addressed to `user_id`. `false`
/// when there is no such pending request.
pub async fn answer_request(tx: &mut AnyConnection, user_id: i64, request_id: i64, approve: bool) -> Result<bool> {
    let done = if approve {
        sqlx::query(
            "UPDATE follows SET status = 'accepted', accepted_at = $1
             WHERE id = $2 AND followee_id = $3 AND status = 'pending'",
        )
        .bind(clock::now())
        .bind(request_id)
        .bind(user_id)
        .execute(&mut *tx)
        .await?
    } else {
        sqlx::query("DELETE FROM follows WHERE id = $1 AND followee_id = $2 AND status = 'pending'")
            .bind(request_id)
            .bind(user_id)
            .execute(&mut *tx)
            .await?
    };
    Ok(done.rows_affected() == 1)
}

/// Removes `follower` from `user_id`'s followers. `false` if they were not one.
pub async fn remove_follower(tx: &mut AnyConnection, user_id: i64, follower: i64) -> Result<bool> {
    let done = sqlx::query("DELETE FROM follows WHERE follower_id = $1 AND followee_id = $2 AND status = 'accepted'")
        .bind(follower)
        .bind(user_id)
        .execute(&mut *tx)
        .await?;
    Ok(done.rows_affected() == 1)
}

/// Logs an already validated title.
pub async fn add_history(tx: &mut AnyConnection, user_id: i64, entry: &NewHistoryEntry) -> Result<HistoryEntry> {
    let title = entry.title.trim().to_string();
    let watched_on = entry.watched_on.trim().to_string();
    let id = sqlx::query_scalar::<_, i64>(
        "INSERT INTO watch_history (user_id, title, year, kind, watched_on, created_at) VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
    )
    .bind(user_id)
    .bind(&title)
    .bind(entry.year)
    .bind(entry.kind.as_str())
    .bind(&watched_on)
    .bind(clock::now())
    .fetch_one(&mut *tx)
    .await?;
    Ok(HistoryEntry { id, title, year: entry.year, kind: entry.kind, watched_on })
}

/// Removes one of `user_id`'s titles; `false` if it is not theirs or not there.
pub async fn delete_history(tx: &mut AnyConnection, user_id: i64, id: i64) -> Result<bool> {
    let done = sqlx::query("DELETE FROM watch_history WHERE id = $1 AND user_id = $2")
        .bind(id)
        .bind(user_id)
        .execute(&mut *tx)
        .await?;
    Ok(done.rows_affected() == 1)
}

/// Shortest query the trigram index can answer; shorter ones match the
/// beginning of usernames only.
const SEARCH_MIN_CONTAINS: usize = 3;

/// One page of discoverable members whose username, or display name where
/// `viewer` may see it, contains `query` (any letter case; display names
/// compare ASCII letters case-insensitively). What the viewer may see is part
/// of the query, so hidden names never take a place in the page. The first
/// page starts with the member whose username is exactly the query, if any;
/// the rest follow in the order they joined (for queries shorter than three
/// characters, which match the start of usernames: in username order).
/// `after` is a page's `next`.
pub async fn search(
    db: &AnyPool,
    query: &str,
    viewer: Option<i64>,
    after: Option<&str>,
    limit: i64,
) -> Result<(Vec<MemberCard>, Option<String>)> {
    let needle = query.to_ascii_lowercase();
    let name = crate::visibility::sql_viewer_may_see("p.display_name_audience", "p.private", "u.id", "$2");
    let card = format!("u.id, u.username, CASE WHEN p.display_name <> '' AND {name} THEN p.display_name END");
    // The exact match leads the first page and is left out of every page's rest.
    let sql = format!(
        "SELECT {card} FROM users u JOIN profiles p ON p.user_id = u.id WHERE u.username_key = $1 AND p.discoverable"
    );
    let exact: Option<(i64, String, Option<String>)> =
        sqlx::query_as(&sql).bind(crate::accounts::key(query)).bind(viewer).fetch_optional(db).await?;
    let exact_id = exact.as_ref().map(|(id, _, _)| *id);
    let mut cards: Vec<_> = exact.filter(|_| after.is_none()).into_iter().collect();
    let limit = limit - cards.len() as i64;
    let (rows, next) = if query.chars().count() >= SEARCH_MIN_CONTAINS {
        // Walks the index in member order and stops once the page is full.
        let after: i64 = match after {
            Some(a) => a.parse().map_err(|_| bad_cursor())?,
            None => 0,
        };
        // The words typed, as the engine's index looks them up: SQLite's
        // trigram full-text index takes a quoted phrase; PostgreSQL's trigram
        // indexes serve `LIKE '%…%'` (with the wildcards in it escaped).
        // The member order is walked as the index keeps it: SQLite's by the
        // full-text index's own rowid (the member's id), so the plan streams
        // matches in order and stops at the page's end instead of joining and
        // sorting every match (37 times faster for a word 4% of members have).
        let (candidates, pattern, contains, order) = match crate::db::engine_of_pool(db) {
            crate::db::Engine::Sqlite => (
                "member_search s JOIN users u ON u.id = s.rowid JOIN profiles p ON p.user_id = u.id
                 WHERE member_search MATCH $1",
                format!("\"{}\"", query.replace('"', "\"\"")),
                "instr",
                "s.rowid",
            ),
            crate::db::Engine::Postgres => (
                "users u JOIN profiles p ON p.user_id = u.id
                 WHERE (u.username_key LIKE $1 ESCAPE '\\' OR lower(p.display_name) LIKE $1 ESCAPE '\\')",
                format!("%{}%", needle.replace('\\', "\\\\").replace('%', "\\%").replace('_', "\\_")),
                "strpos",
                "u.id",
            ),
        };
        let sql = format!(
            "SELECT {card} FROM {candidates}
               AND {order} > $3 AND u.id IS DISTINCT FROM $5 AND p.discoverable
               AND ({contains}(u.username_key, $4) > 0 OR ({contains}(lower(p.display_name), $4) > 0 AND {name}))
             ORDER BY {order} LIMIT $6"
        );
        let rows: Vec<(i64, String, Option<String>)> = sqlx::query_as(&sql)
            .bind(pattern)
            .bind(viewer)
            .bind(after)
            .bind(&needle)
            .bind(exact_id)
            .bind(limit + 1)
            .fetch_all(db)
            .await?;
        cut_page(rows, limit, |(id, _, _)| id.to_string())
    } else {
        // Short queries match the start of usernames, in username order,
        // along the username index; the cursor is the last username key.
        let key = crate::accounts::key(query);
        let after = after.map(crate::accounts::key).unwrap_or_default();
        let sql = format!(
            "SELECT {card} FROM users u JOIN profiles p ON p.user_id = u.id
             WHERE u.username_key >= $1 AND u.username_key < $1 || '~' AND u.username_key > $3
               AND u.id IS DISTINCT FROM $4 AND p.discoverable
             ORDER BY u.username_key LIMIT $5"
        );
        let rows: Vec<(i64, String, Option<String>)> = sqlx::query_as(&sql)
            .bind(&key)
            .bind(viewer)
            .bind(&after)
            .bind(exact_id)
            .bind(limit + 1)
            .fetch_all(db)
            .await?;
        cut_page(rows, limit, |(_, username, _)| crate::accounts::key(username))
    };
    cards.extend(rows);
    let members = cards.into_iter().map(|(_, username, display_name)| MemberCard { username, display_name }).collect();
    Ok((members, next))
}

fn bad_cursor() -> crate::error::Error {
    crate::error::Error::invalid_field("after", "That is not a page of these results; start again from the first page.")
}

/// Fills in the demonstration profiles so their different visibility shows
/// at once: ana shares openly, bruno is private (ana's request to follow him
/// waits for his answer), chloe keeps a minor's closed defaults. Only a
/// profile nobody has edited yet (version 1) is filled in, so loading again
/// changes nothing.
pub async fn load_demo(db: &crate::db::Db) -> Result<()> {
    let mut tx = db.begin_write().await?;
    struct Demo {
        username: &'static str,
        display_name: &'static str,
        location: &'static str,
        about: &'static str,
        gender: &'static str,
        genres: &'static [&'static str],
        /// (field, audience) beyond the defaults.
        audiences: &'static [(ProfileField, Audience)],
        private: bool,
    }
    use Audience::*;
    use ProfileField as F;
    let demos = [
        Demo {
            username: "ana",
            display_name: "Ana Lima",
            location: "Lisbon",
            about: "Film noir on Sundays, musicals when it rains. Working through every Hitchcock.",
            gender: "woman",
            genres: &["Film noir", "Musicals", "Documentary"],
            audiences: &[(F::Location, Everyone), (F::Gender, Members), (F::History, Everyone), (F::BirthDate, Followers)],
            private: false,
        },
        Demo {
            username: "bruno",
            display_name: "Bruno Costa",
            location: "Porto",
            about: "Slow cinema and long series. Ask to follow and say hello.",
            gender: "",
            genres: &["Drama", "Science fiction"],
            audiences: &[(F::Location, Followers), (F::History, Followers)],
            private: true,
        },
        Demo {
            username: "chloe",
            display_name: "Chloe",
            location: "",
            about: "Animation and anything with dragons.",
            gender: "",
            genres: &["Animation", "Fantasy"],
            audiences: &[],
            private: true,
        },
    ];
    for demo in demos {
        let Some(id) = user_id(&mut *tx, demo.username).await? else { continue };
        let (_, version) = editable(&mut *tx, id).await?;
        if version != 1 {
            continue;
        }
        let changes = ProfileUpdate {
            display_name: Some(demo.display_name.into()),
            location: Some(demo.location.into()),
            about: Some(demo.about.into()),
            gender: Some(demo.gender.into()),
            favourite_genres: Some(demo.genres.iter().map(|g| g.to_string()).collect()),
            audiences: demo.audiences.iter().copied().collect(),
        };
        update(&mut tx, id, 1, changes).await?;
        update_privacy(&mut tx, id, PrivacyUpdate { private: Some(demo.private), ..Default::default() }).await?;
    }
    let history = [
        ("ana", "Vertigo", 1958, TitleKind::Movie, "2026-11-20"),
        ("ana", "Singin' in the Rain", 1952, TitleKind::Movie, "2026-11-08"),
        ("ana", "The Bear", 2022, TitleKind::Show, "2026-10-30"),
        ("bruno", "Stalker", 1979, TitleKind::Movie, "2026-11-15"),
        ("bruno", "Twin Peaks", 1990, TitleKind::Show, "2026-10-02"),
    ];
    for (username, title, year, kind, watched_on) in history {
        let Some(id) = user_id(&mut *tx, username).await? else { continue };
        let Flag(logged): Flag = sqlx::query_scalar("SELECT EXISTS(SELECT 1 FROM watch_history WHERE user_id = $1 AND title = $2)")
            .bind(id)
            .bind(title)
            .fetch_one(&mut *tx)
            .await?;
        if !logged {
            let entry = NewHistoryEntry { title: title.into(), year: Some(year), kind, watched_on: watched_on.into() };
            add_history(&mut tx, id, &entry).await?;
        }
    }
    // bruno follows ana (she is public: at once); ana asks to follow bruno (private: a request).
    for (follower, followee) in [("bruno", "ana"), ("ana", "bruno")] {
        if let (Some(a), Some(b)) = (user_id(&mut *tx, follower).await?, user_id(&mut *tx, followee).await?) {
            follow(&mut tx, a, b).await?;
        }
    }
    tx.commit().await?;
    Ok(())
}
