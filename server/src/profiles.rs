//! Profiles, follows and watch history in the database. What a viewer may
//! see of them is decided in [`crate::visibility`], not here.

use curtain_api::profile::{
    Audience, EditableProfile, FieldAudiences, FollowRequest, HistoryEntry, NewHistoryEntry, PrivacySettings,
    PrivacyUpdate, ProfileField, ProfileUpdate, Relation, TitleKind,
};
use curtain_api::CivilDate;
use sqlx::{Row, SqliteConnection, SqliteExecutor, SqlitePool};

use crate::clock;
use crate::error::Result;
use crate::visibility::ProfileOwner;

/// Longest list a profile carries; older history and further followers are
/// left for paging, which nothing needs yet.
const LIST_LIMIT: i64 = 200;

fn audience_column(field: ProfileField) -> String {
    format!("{}_audience", field.as_str())
}

fn audience_columns() -> String {
    ProfileField::ALL.iter().map(|f| format!("p.{}", audience_column(*f))).collect::<Vec<_>>().join(", ")
}

/// An unreadable stored audience counts as the narrowest: fail closed.
fn read_audiences(row: &sqlx::sqlite::SqliteRow) -> Result<FieldAudiences> {
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
pub async fn create_default(conn: &mut SqliteConnection, user_id: i64, minor: bool) -> Result<()> {
    let p = PrivacySettings::defaults(minor);
    sqlx::query(
        "INSERT INTO profiles (user_id, private, discoverable, indexable, updated_at) VALUES (?, ?, ?, ?, ?)
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
pub async fn user_id(db: impl SqliteExecutor<'_>, username: &str) -> Result<Option<i64>> {
    Ok(sqlx::query_scalar("SELECT id FROM users WHERE username_key = ?")
        .bind(crate::accounts::key(username))
        .fetch_optional(db)
        .await?)
}

/// Everything a profile can show about `user_id`. The lists (history,
/// followers, following) are read only for a viewer in `lists_for` who may see
/// them: search results need none, and a hidden list is never even loaded.
pub async fn load_owner(db: &SqlitePool, user_id: i64, lists_for: Option<Relation>) -> Result<Option<ProfileOwner>> {
    let sql = format!(
        "SELECT u.username, u.birth_date, u.created_at, p.display_name, p.location, p.about, p.gender,
                p.favourite_genres, p.private, p.indexable, {}
         FROM users u JOIN profiles p ON p.user_id = u.id WHERE u.id = ?",
        audience_columns()
    );
    let Some(row) = sqlx::query(&sql).bind(user_id).fetch_optional(db).await? else {
        return Ok(None);
    };
    let birth: String = row.try_get("birth_date")?;
    let genres: String = row.try_get("favourite_genres")?;
    let mut owner = ProfileOwner {
        username: row.try_get("username")?,
        private: row.try_get("private")?,
        indexable: row.try_get("indexable")?,
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
    if let Some(relation) = lists_for {
        let shown = |field| crate::visibility::may_see(&owner, field, relation);
        let (show_history, show_followers, show_following) =
            (shown(ProfileField::History), shown(ProfileField::Followers), shown(ProfileField::Following));
        if show_history {
            owner.history = history(db, user_id).await?;
        }
        if show_followers {
            owner.followers = follow_list(db, user_id, true).await?;
        }
        if show_following {
            owner.following = follow_list(db, user_id, false).await?;
        }
    }
    Ok(Some(owner))
}

/// How `viewer` (signed in or not) stands towards `owner_id`.
pub async fn relation(db: impl SqliteExecutor<'_>, viewer: Option<i64>, owner_id: i64) -> Result<Relation> {
    let Some(viewer) = viewer else { return Ok(Relation::Anonymous) };
    if viewer == owner_id {
        return Ok(Relation::Owner);
    }
    let status: Option<String> = sqlx::query_scalar("SELECT status FROM follows WHERE follower_id = ? AND followee_id = ?")
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

async fn history(db: &SqlitePool, user_id: i64) -> Result<Vec<HistoryEntry>> {
    let rows: Vec<(i64, String, Option<i32>, String, String)> = sqlx::query_as(
        "SELECT id, title, year, kind, watched_on FROM watch_history WHERE user_id = ?
         ORDER BY watched_on DESC, id DESC LIMIT ?",
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

/// Usernames of accepted followers of `user_id` (`followers`), or of the
/// members `user_id` follows.
async fn follow_list(db: &SqlitePool, user_id: i64, followers: bool) -> Result<Vec<String>> {
    let sql = if followers {
        "SELECT u.username FROM follows f JOIN users u ON u.id = f.follower_id
         WHERE f.followee_id = ? AND f.status = 'accepted' ORDER BY u.username_key LIMIT ?"
    } else {
        "SELECT u.username FROM follows f JOIN users u ON u.id = f.followee_id
         WHERE f.follower_id = ? AND f.status = 'accepted' ORDER BY u.username_key LIMIT ?"
    };
    Ok(sqlx::query_scalar(sql).bind(user_id).bind(LIST_LIMIT).fetch_all(db).await?)
}

/// The owner's editable profile and its version (the ETag's number).
pub async fn editable(db: impl SqliteExecutor<'_>, user_id: i64) -> Result<(EditableProfile, i64)> {
    let sql = format!(
        "SELECT u.username, u.birth_date, u.created_at, p.display_name, p.location, p.about, p.gender,
                p.favourite_genres, p.version, {}
         FROM users u JOIN profiles p ON p.user_id = u.id WHERE u.id = ?",
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
pub async fn update(tx: &mut SqliteConnection, user_id: i64, expected_version: i64, update: ProfileUpdate) -> Result<Updated> {
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
    let sets: Vec<String> = ProfileField::ALL.iter().map(|f| format!("{} = ?", audience_column(*f))).collect();
    let sql = format!(
        "UPDATE profiles SET display_name = ?, location = ?, about = ?, gender = ?, favourite_genres = ?, {},
                version = version + 1, updated_at = ?
         WHERE user_id = ? AND version = ?",
        sets.join(", ")
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

pub async fn privacy(db: impl SqliteExecutor<'_>, user_id: i64) -> Result<PrivacySettings> {
    let (private, discoverable, indexable): (bool, bool, bool) =
        sqlx::query_as("SELECT private, discoverable, indexable FROM profiles WHERE user_id = ?")
            .bind(user_id)
            .fetch_one(db)
            .await?;
    Ok(PrivacySettings { private, discoverable, indexable })
}

/// Changes what is present in `update`. Making an account public does not
/// approve the requests waiting on it: each stays the owner's decision.
pub async fn update_privacy(tx: &mut SqliteConnection, user_id: i64, update: PrivacyUpdate) -> Result<PrivacySettings> {
    sqlx::query(
        "UPDATE profiles SET private = COALESCE(?, private), discoverable = COALESCE(?, discoverable),
                indexable = COALESCE(?, indexable), updated_at = ?
         WHERE user_id = ?",
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
pub async fn follow(tx: &mut SqliteConnection, follower: i64, followee: i64) -> Result<Relation> {
    let private: bool = sqlx::query_scalar("SELECT private FROM profiles WHERE user_id = ?")
        .bind(followee)
        .fetch_one(&mut *tx)
        .await?;
    let now = clock::now();
    sqlx::query(
        "INSERT INTO follows (follower_id, followee_id, status, created_at, accepted_at) VALUES (?, ?, ?, ?, ?)
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
pub async fn unfollow(tx: &mut SqliteConnection, follower: i64, followee: i64) -> Result<()> {
    sqlx::query("DELETE FROM follows WHERE follower_id = ? AND followee_id = ?")
        .bind(follower)
        .bind(followee)
        .execute(&mut *tx)
        .await?;
    Ok(())
}

/// Requests waiting for `user_id`'s answer, oldest first.
pub async fn follow_requests(db: &SqlitePool, user_id: i64) -> Result<Vec<FollowRequest>> {
    let rows: Vec<(i64, String, i64)> = sqlx::query_as(
        "SELECT f.id, u.username, f.created_at FROM follows f JOIN users u ON u.id = f.follower_id
         WHERE f.followee_id = ? AND f.status = 'pending' ORDER BY f.created_at, f.id",
    )
    .bind(user_id)
    .fetch_all(db)
    .await?;
    Ok(rows
        .into_iter()
        .map(|(id, username, at)| FollowRequest { id, username, requested_at: clock::rfc3339(at) })
        .collect())
}

/// Approves or denies request `request_id` addressed to `user_id`. `false`
/// when there is no such pending request.
pub async fn answer_request(tx: &mut SqliteConnection, user_id: i64, request_id: i64, approve: bool) -> Result<bool> {
    let done = if approve {
        sqlx::query(
            "UPDATE follows SET status = 'accepted', accepted_at = ?
             WHERE id = ? AND followee_id = ? AND status = 'pending'",
        )
        .bind(clock::now())
        .bind(request_id)
        .bind(user_id)
        .execute(&mut *tx)
        .await?
    } else {
        sqlx::query("DELETE FROM follows WHERE id = ? AND followee_id = ? AND status = 'pending'")
            .bind(request_id)
            .bind(user_id)
            .execute(&mut *tx)
            .await?
    };
    Ok(done.rows_affected() == 1)
}

/// Removes `follower` from `user_id`'s followers. `false` if they were not one.
pub async fn remove_follower(tx: &mut SqliteConnection, user_id: i64, follower: i64) -> Result<bool> {
    let done = sqlx::query("DELETE FROM follows WHERE follower_id = ? AND followee_id = ? AND status = 'accepted'")
        .bind(follower)
        .bind(user_id)
        .execute(&mut *tx)
        .await?;
    Ok(done.rows_affected() == 1)
}

/// Logs an already validated title.
pub async fn add_history(tx: &mut SqliteConnection, user_id: i64, entry: &NewHistoryEntry) -> Result<HistoryEntry> {
    let title = entry.title.trim().to_string();
    let watched_on = entry.watched_on.trim().to_string();
    let id = sqlx::query(
        "INSERT INTO watch_history (user_id, title, year, kind, watched_on, created_at) VALUES (?, ?, ?, ?, ?, ?)",
    )
    .bind(user_id)
    .bind(&title)
    .bind(entry.year)
    .bind(entry.kind.as_str())
    .bind(&watched_on)
    .bind(clock::now())
    .execute(&mut *tx)
    .await?
    .last_insert_rowid();
    Ok(HistoryEntry { id, title, year: entry.year, kind: entry.kind, watched_on })
}

/// Removes one of `user_id`'s titles; `false` if it is not theirs or not there.
pub async fn delete_history(tx: &mut SqliteConnection, user_id: i64, id: i64) -> Result<bool> {
    let done = sqlx::query("DELETE FROM watch_history WHERE id = ? AND user_id = ?")
        .bind(id)
        .bind(user_id)
        .execute(&mut *tx)
        .await?;
    Ok(done.rows_affected() == 1)
}

/// Discoverable members whose username, or display name, contains `query`
/// (any letter case): candidates only. The caller keeps a display-name match
/// only where the viewer may see that name.
pub async fn search_candidates(db: &SqlitePool, query: &str, limit: i64) -> Result<Vec<i64>> {
    let q = query.to_lowercase();
    Ok(sqlx::query_scalar(
        "SELECT u.id FROM users u JOIN profiles p ON p.user_id = u.id
         WHERE p.discoverable AND (instr(u.username_key, ?1) > 0 OR instr(lower(p.display_name), ?1) > 0)
         ORDER BY u.username_key = ?1 DESC, instr(u.username_key, ?1) = 1 DESC, u.username_key
         LIMIT ?2",
    )
    .bind(q)
    .bind(limit)
    .fetch_all(db)
    .await?)
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
        let logged: bool = sqlx::query_scalar("SELECT EXISTS(SELECT 1 FROM watch_history WHERE user_id = ? AND title = ?)")
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
