//! The members of the benchmark at scale: a deterministic generator of
//! 100,000 members with varied names and privacy, a popular member with
//! 20,000 followers, a few follows for everyone else, and a fill that writes
//! them straight into a stopped server's database.
//!
//! Names are combinations of first names, surnames, film words and numbers,
//! weighted so that a search like `film` matches a few percent of members and
//! `noir` fewer, as on a real film site. Privacy is mixed the way members set
//! it: some private, some not in search, display names and follow lists
//! shared with every audience.

use std::collections::HashSet;
use std::path::Path;
use std::str::FromStr;

use anyhow::{Context, Result};
use curtain_api::CivilDate;
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode};
use sqlx::{Connection, SqliteConnection};

/// The password of every generated member.
pub const PASSWORD: &str = "bench-member-password";
/// The popular member, and how many follow them.
pub const STAR: &str = "star";

/// How many members, how many follow the star, and the seed of every choice.
#[derive(Debug, Clone, Copy)]
pub struct Scale {
    pub members: usize,
    pub star_followers: usize,
    pub seed: u64,
}

impl Default for Scale {
    fn default() -> Self {
        Scale { members: 100_000, star_followers: 20_000, seed: 12 }
    }
}

/// One generated member: the `users` and `profiles` columns that vary.
#[derive(Debug, Clone)]
pub struct Member {
    pub username: String,
    pub email: String,
    pub birth_date: String,
    pub minor: bool,
    pub created_at: i64,
    pub display_name: String,
    pub location: String,
    pub about: String,
    pub display_name_audience: &'static str,
    pub followers_audience: &'static str,
    pub following_audience: &'static str,
    pub private: bool,
    pub discoverable: bool,
}

impl Member {
    /// Whether someone signed out finds this member by searching for
    /// `needle` (lowercase, three letters or more), as the server decides it.
    pub fn found_signed_out(&self, needle: &str) -> bool {
        let name_shown = !self.private && self.display_name_audience == "everyone";
        self.discoverable
            && (self.username.to_lowercase().contains(needle)
                || (name_shown && self.display_name.to_lowercase().contains(needle)))
    }
}

/// One follow, by index into the member list.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Follow {
    pub follower: usize,
    pub followee: usize,
    pub accepted: bool,
}

/// Everything the fill writes.
pub struct Population {
    pub members: Vec<Member>,
    pub follows: Vec<Follow>,
    /// The index of [`STAR`] in `members`.
    pub star: usize,
}

/// SplitMix64: small, seeded, the same on every machine.
struct Dice(u64);

impl Dice {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }

    /// True `per_mille` times in a thousand.
    fn chance(&mut self, per_mille: u64) -> bool {
        self.next() % 1000 < per_mille
    }

    fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }

    /// One of `items`, each as often as its weight says.
    fn weighted<T: Copy>(&mut self, items: &[(T, u64)]) -> T {
        let total: u64 = items.iter().map(|(_, w)| w).sum();
        let mut roll = self.next() % total;
        for (item, weight) in items {
            if roll < *weight {
                return *item;
            }
            roll -= weight;
        }
        items[items.len() - 1].0
    }
}

const FIRST_NAMES: &[&str] = &[
    "ana", "maria", "joao", "lucas", "sofia", "pedro", "ines", "miguel", "beatriz", "tiago", "emma", "liam", "olivia",
    "noah", "ava", "ethan", "mia", "yuki", "hiro", "aiko", "kenji", "fatima", "omar", "amir", "leila", "priya",
    "arjun", "ravi", "mei", "wei", "lin", "ingrid", "lars", "sven", "astrid", "klaus", "greta", "pierre", "amelie",
    "louis", "camille", "giulia", "marco", "luca", "chiara", "pablo", "lucia", "diego", "carmen", "olga", "ivan",
    "nadia", "boris", "kofi", "ama", "zara", "tom", "kate", "jack", "lily", "sam", "alex", "jordan", "taylor",
    "morgan", "casey", "robin", "andre", "anna", "anton", "helena", "rui", "marta", "hugo", "elena", "oscar",
];

const SURNAMES: &[&str] = &[
    "silva", "santos", "costa", "oliveira", "pereira", "smith", "jones", "brown", "wilson", "tanaka", "suzuki",
    "sato", "khan", "patel", "singh", "wang", "li", "zhang", "mueller", "schmidt", "larsen", "hansen", "dubois",
    "martin", "rossi", "bianchi", "garcia", "lopez", "ivanova", "petrov", "mensah", "okafor", "lima",
];

/// Film words in usernames, weighted per thousand members; `None` is a
/// username without one. `film` is in about 4% of usernames, `noir` in 0.8%.
const USERNAME_WORDS: &[(Option<&str>, u64)] = &[
    (None, 585),
    (Some("film"), 12),
    (Some("filmfan"), 10),
    (Some("filmbuff"), 8),
    (Some("films"), 6),
    (Some("filmnerd"), 4),
    (Some("noir"), 6),
    (Some("noirfan"), 2),
    (Some("cinema"), 40),
    (Some("movie"), 40),
    (Some("movies"), 20),
    (Some("reel"), 20),
    (Some("kino"), 15),
    (Some("cine"), 25),
    (Some("popcorn"), 20),
    (Some("screen"), 15),
    (Some("matinee"), 10),
    (Some("horror"), 20),
    (Some("scifi"), 20),
    (Some("anime"), 30),
    (Some("drama"), 20),
    (Some("docs"), 10),
    (Some("classics"), 15),
    (Some("indie"), 15),
    (Some("western"), 10),
    (Some("musicals"), 10),
    (Some("arthouse"), 10),
    (Some("trailer"), 12),
];

/// Words for display names that are not `film` or `noir`.
const OTHER_WORDS: &[&str] = &["cinema", "movies", "anime", "horror", "westerns", "musicals", "documentaries", "kino"];

const CITIES: &[&str] = &["Lisbon", "Porto", "Berlin", "Osaka", "Lagos", "Lyon", "Milan", "Toronto", "Pune", "Oslo"];

/// Audiences of display names: most share them with everyone.
const NAME_AUDIENCES: &[(&str, u64)] = &[("everyone", 55), ("members", 25), ("followers", 12), ("only_me", 8)];
/// Audiences of follow lists: members by default, the rest mixed.
const LIST_AUDIENCES: &[(&str, u64)] = &[("everyone", 35), ("members", 40), ("followers", 15), ("only_me", 10)];

fn capitalised(word: &str) -> String {
    let mut chars = word.chars();
    chars.next().map(|c| c.to_ascii_uppercase().to_string() + chars.as_str()).unwrap_or_default()
}

/// The same population for the same scale, on every run and machine. Member
/// times are relative to `now` (Unix seconds), so minors stay minors.
pub fn population(scale: Scale, now: i64) -> Population {
    let mut dice = Dice(scale.seed);
    let today_days = now.div_euclid(86_400);
    let mut taken: HashSet<String> = HashSet::new();
    let mut members = Vec::with_capacity(scale.members);
    // Members joined over the last three years, in id order.
    let span = 3 * 365 * 86_400;
    for i in 0..scale.members {
        let first = *dice.pick(FIRST_NAMES);
        let last = *dice.pick(SURNAMES);
        let word = dice.weighted(USERNAME_WORDS);
        let digits = if dice.chance(500) { 99 } else { 9999 };
        let number = 1 + dice.below(digits);
        let base = if i == 0 {
            STAR.to_string()
        } else {
            match (word, dice.below(4)) {
                (None, 0) => format!("{first}{last}"),
                (None, 1) => format!("{first}_{last}"),
                (None, 2) => format!("{first}{number}"),
                (None, _) => format!("{first}_{last}{number}"),
                (Some(w), 0) => format!("{first}_{w}"),
                (Some(w), 1) => format!("{w}{first}"),
                (Some(w), 2) => format!("{w}_{first}{number}"),
                (Some(w), _) => format!("{first}{w}{number}"),
            }
        };
        // Some members capitalise; uniqueness ignores letter case, as the server's does.
        let base = if i > 0 && dice.chance(100) { capitalised(&base) } else { base };
        let mut username = base.clone();
        let mut n = 2;
        while !taken.insert(username.to_lowercase()) {
            username = format!("{base}{n}");
            n += 1;
        }

        let minor = i > 0 && dice.chance(40);
        let age_days = if minor { 14 * 365 + dice.below(3 * 365) } else { 19 * 365 + dice.below(55 * 365) } as i64;
        let birth_date = CivilDate::from_unix_days(today_days - age_days).to_string();
        let (first_cap, last_cap) = (capitalised(first), capitalised(last));
        let display_name = match dice.below(1000) {
            _ if i == 0 => "Stella Star".to_string(),
            0..=99 => String::new(),
            100..=199 => first_cap.clone(),
            200..=214 => format!("{first_cap} {last_cap} | film lover"),
            215..=219 => format!("{first_cap} loves noir"),
            220..=259 => format!("{first_cap} {last_cap}, {}", dice.pick(OTHER_WORDS)),
            _ => format!("{first_cap} {last_cap}"),
        };
        let location = if dice.chance(400) { dice.pick(CITIES).to_string() } else { String::new() };
        let about = match word {
            Some(w) if dice.chance(500) => format!("Mostly {w}, some of everything else."),
            _ => String::new(),
        };
        // Minors keep the closed defaults; about 10% of everyone is private
        // and 10% stays out of search.
        let (private, discoverable) = if minor { (true, false) } else { (dice.chance(63), !dice.chance(63)) };
        let (display_name_audience, followers_audience, following_audience) = if i == 0 {
            ("everyone", "everyone", "everyone")
        } else {
            (dice.weighted(NAME_AUDIENCES), dice.weighted(LIST_AUDIENCES), dice.weighted(LIST_AUDIENCES))
        };
        members.push(Member {
            email: format!("{}@example.net", username.to_lowercase()),
            username,
            birth_date,
            minor,
            created_at: now - span + (i as i64 * span) / scale.members as i64,
            display_name,
            location,
            about,
            display_name_audience,
            followers_audience,
            following_audience,
            private: private && i > 0,
            discoverable: discoverable || i == 0,
        });
    }

    let star = 0;
    let mut follows = Vec::new();
    let mut seen: HashSet<(usize, usize)> = HashSet::new();
    // The star's followers: an evenly spread fifth (or whatever the scale
    // asks) of everyone, whatever their privacy.
    let others = scale.members.saturating_sub(1);
    let star_followers = scale.star_followers.min(others);
    for k in 0..star_followers {
        let follower = 1 + k * others / star_followers;
        seen.insert((follower, star));
        follows.push(Follow { follower, followee: star, accepted: true });
    }
    // Everyone follows a few others (three on average); a follow of a
    // private member is sometimes still a request. The star's followers are
    // only those above, so their count is exact.
    if scale.members > 2 {
        for follower in 0..scale.members {
            for _ in 0..dice.below(7) {
                let followee = dice.below(scale.members);
                if followee == follower || followee == star || !seen.insert((follower, followee)) {
                    continue;
                }
                let accepted = !members[followee].private || dice.chance(600);
                follows.push(Follow { follower, followee, accepted });
            }
        }
    }
    // Follows happened over time, the star's among everyone else's: the
    // order they are written in (and so their ids) is shuffled.
    for i in (1..follows.len()).rev() {
        follows.swap(i, dice.below(i + 1));
    }
    Population { members, follows, star }
}

/// What the fill did.
#[derive(Debug, Clone)]
pub struct Filled {
    pub members: usize,
    pub follows: usize,
    /// The database file's size once the fill was checkpointed, in bytes.
    pub database_bytes: u64,
}

/// A value bound to an insert.
enum Value<'a> {
    Int(i64),
    Text(&'a str),
    Null,
}

/// Rows per multi-row INSERT: fewer round trips through sqlx, well under
/// SQLite's limit of bound parameters.
const ROWS_PER_INSERT: usize = 500;

/// Inserts `rows` into `table (columns)`, many rows per statement. Each
/// statement shape is prepared once and reused (sqlx caches it).
async fn insert_rows<'a>(
    conn: &mut SqliteConnection,
    table: &str,
    columns: &[&str],
    rows: impl IntoIterator<Item = Vec<Value<'a>>>,
) -> Result<()> {
    let one = format!("({})", vec!["?"; columns.len()].join(", "));
    let mut batch: Vec<Vec<Value<'a>>> = Vec::with_capacity(ROWS_PER_INSERT);
    let mut rows = rows.into_iter().peekable();
    while rows.peek().is_some() {
        batch.clear();
        batch.extend(rows.by_ref().take(ROWS_PER_INSERT));
        let values = vec![one.as_str(); batch.len()].join(", ");
        let sql = format!("INSERT INTO {table} ({}) VALUES {values}", columns.join(", "));
        let mut query = sqlx::query(&sql);
        for row in &batch {
            for value in row {
                query = match value {
                    Value::Int(v) => query.bind(*v),
                    Value::Text(v) => query.bind(*v),
                    Value::Null => query.bind(None::<i64>),
                };
            }
        }
        query.execute(&mut *conn).await.with_context(|| format!("inserting into {table}"))?;
    }
    Ok(())
}

/// Writes `population` into the database at `path`, which a server has
/// already created and migrated and which no server has open now. Every
/// member's password is the one `password_hash` holds. One transaction; the
/// search index is filled by the schema's own triggers.
pub async fn fill(path: &Path, population: &Population, password_hash: &str) -> Result<Filled> {
    let options = SqliteConnectOptions::from_str(&format!("sqlite://{}", path.display()))?
        .foreign_keys(true)
        .journal_mode(SqliteJournalMode::Wal)
        // A fixture: if the machine fails mid-fill, the bench starts again.
        .pragma("synchronous", "OFF")
        .pragma("cache_size", "-131072");
    let mut conn = SqliteConnection::connect_with(&options).await.context("opening the database to fill")?;
    let mut tx = conn.begin().await?;
    let first_id: i64 = sqlx::query_scalar("SELECT COALESCE(MAX(id), 0) + 1 FROM users").fetch_one(&mut *tx).await?;
    let ids: Vec<i64> = (0..population.members.len() as i64).map(|i| first_id + i).collect();
    let keys: Vec<(String, String)> =
        population.members.iter().map(|m| (m.username.to_lowercase(), m.email.to_lowercase())).collect();
    insert_rows(
        &mut tx,
        "users",
        &[
            "id",
            "username",
            "username_key",
            "email",
            "email_key",
            "password_hash",
            "birth_date",
            "minor",
            "accepted_policy_version",
            "created_at",
        ],
        population.members.iter().zip(&ids).zip(&keys).map(|((m, id), (username_key, email_key))| {
            vec![
                Value::Int(*id),
                Value::Text(&m.username),
                Value::Text(username_key),
                Value::Text(&m.email),
                Value::Text(email_key),
                Value::Text(password_hash),
                Value::Text(&m.birth_date),
                Value::Int(m.minor as i64),
                Value::Int(1),
                Value::Int(m.created_at),
            ]
        }),
    )
    .await?;
    insert_rows(
        &mut tx,
        "profiles",
        &[
            "user_id",
            "display_name",
            "location",
            "about",
            "display_name_audience",
            "followers_audience",
            "following_audience",
            "private",
            "discoverable",
            "indexable",
            "updated_at",
        ],
        population.members.iter().zip(&ids).map(|(m, id)| {
            vec![
                Value::Int(*id),
                Value::Text(&m.display_name),
                Value::Text(&m.location),
                Value::Text(&m.about),
                Value::Text(m.display_name_audience),
                Value::Text(m.followers_audience),
                Value::Text(m.following_audience),
                Value::Int(m.private as i64),
                Value::Int(m.discoverable as i64),
                Value::Int((!m.minor) as i64),
                Value::Int(m.created_at),
            ]
        }),
    )
    .await?;
    // The follow indexes are built once the rows are in (a sort, rather than
    // 300,000 inserts at random places), from the schema's own definitions.
    let indexes: Vec<(String, String)> = sqlx::query_as(
        "SELECT name, sql FROM sqlite_master WHERE type = 'index' AND tbl_name = 'follows' AND sql IS NOT NULL",
    )
    .fetch_all(&mut *tx)
    .await?;
    for (name, _) in &indexes {
        sqlx::query(&format!("DROP INDEX \"{name}\"")).execute(&mut *tx).await?;
    }
    let newest = population.members.iter().map(|m| m.created_at).max().unwrap_or(0);
    insert_rows(
        &mut tx,
        "follows",
        &["follower_id", "followee_id", "status", "created_at", "accepted_at"],
        population.follows.iter().enumerate().map(|(n, f)| {
            // Follows are younger than both members; later ones are newer.
            let at = newest + n as i64;
            vec![
                Value::Int(ids[f.follower]),
                Value::Int(ids[f.followee]),
                Value::Text(if f.accepted { "accepted" } else { "pending" }),
                Value::Int(at),
                if f.accepted { Value::Int(at) } else { Value::Null },
            ]
        }),
    )
    .await?;
    for (_, sql) in &indexes {
        sqlx::query(sql).execute(&mut *tx).await?;
    }
    tx.commit().await?;
    sqlx::query("PRAGMA wal_checkpoint(TRUNCATE)").execute(&mut conn).await?;
    conn.close().await?;
    let database_bytes = std::fs::metadata(path)?.len();
    Ok(Filled { members: population.members.len(), follows: population.follows.len(), database_bytes })
}

#[cfg(test)]
mod tests {
    use super::*;

    const NOW: i64 = 1_780_000_000;

    fn small() -> Population {
        population(Scale { members: 20_000, star_followers: 4_000, seed: 12 }, NOW)
    }

    fn share(p: &Population, found: impl Fn(&Member) -> bool) -> f64 {
        p.members.iter().filter(|m| found(m)).count() as f64 / p.members.len() as f64
    }

    #[test]
    fn the_same_seed_makes_the_same_members() {
        let (a, b) = (small(), small());
        let names = |p: &Population| p.members.iter().map(|m| m.username.clone()).collect::<Vec<_>>();
        assert_eq!(names(&a), names(&b));
        assert_eq!(a.follows, b.follows);
    }

    #[test]
    fn usernames_are_valid_and_unique_in_any_letter_case() {
        let p = small();
        let mut keys = HashSet::new();
        for m in &p.members {
            assert_eq!(curtain_api::validate::username(&m.username), Ok(()), "{}", m.username);
            assert!(keys.insert(m.username.to_lowercase()), "{} twice", m.username);
        }
        assert_eq!(p.members[p.star].username, STAR);
    }

    #[test]
    fn film_matches_a_few_percent_and_noir_fewer() {
        let p = small();
        let film = share(&p, |m| m.found_signed_out("film"));
        let noir = share(&p, |m| m.found_signed_out("noir"));
        assert!((0.02..0.08).contains(&film), "film: {film}");
        assert!((0.003..0.02).contains(&noir) && noir < film / 2.0, "noir: {noir}");
    }

    #[test]
    fn privacy_is_mixed() {
        let p = small();
        let private = share(&p, |m| m.private);
        let hidden = share(&p, |m| !m.discoverable);
        assert!((0.07..0.13).contains(&private), "private: {private}");
        assert!((0.07..0.13).contains(&hidden), "undiscoverable: {hidden}");
        for audience in ["everyone", "members", "followers", "only_me"] {
            assert!(p.members.iter().any(|m| m.display_name_audience == audience), "{audience}");
            assert!(p.members.iter().any(|m| m.following_audience == audience), "{audience}");
        }
        assert!(p.members.iter().filter(|m| m.minor).all(|m| m.private && !m.discoverable));
    }

    #[test]
    fn the_star_has_their_followers_and_follows_are_well_formed() {
        let p = small();
        let star_followers = p.follows.iter().filter(|f| f.followee == p.star).count();
        assert_eq!(star_followers, 4_000);
        let spread = p.follows.iter().filter(|f| f.followee == p.star).map(|f| f.follower).max();
        assert!(spread > Some(19_000), "the star's followers reach the newest members: {spread:?}");
        let mut pairs = HashSet::new();
        for f in &p.follows {
            assert_ne!(f.follower, f.followee);
            assert!(pairs.insert((f.follower, f.followee)));
        }
        let ordinary = p.follows.len() - star_followers;
        assert!((2 * p.members.len()..4 * p.members.len()).contains(&ordinary), "{ordinary}");
    }
}
