//! Profiles: who may see each field, the profile as a viewer sees it, the
//! owner's editable copy, privacy settings, follows and watch history; plus the
//! pure rules for editing them, shared by the SPA (early messages) and the
//! server (the decision).

use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::{CivilDate, FieldErrors};

/// Who may see one profile field. Ordered from widest to narrowest, so
/// "at most followers" is `max(audience, Followers)`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Audience {
    Everyone,
    Members,
    Followers,
    OnlyMe,
}

impl Audience {
    /// Every audience, widest first: the order a picker lists them in.
    pub const ALL: [Audience; 4] = [Audience::Everyone, Audience::Members, Audience::Followers, Audience::OnlyMe];

    /// The wire (and database) name.
    pub fn as_str(self) -> &'static str {
        match self {
            Audience::Everyone => "everyone",
            Audience::Members => "members",
            Audience::Followers => "followers",
            Audience::OnlyMe => "only_me",
        }
    }

    /// The inverse of [`Audience::as_str`].
    pub fn parse(s: &str) -> Option<Audience> {
        Audience::ALL.into_iter().find(|a| a.as_str() == s)
    }

    /// How a picker names it.
    pub fn label(self) -> &'static str {
        match self {
            Audience::Everyone => "Everyone",
            Audience::Members => "Signed-in members",
            Audience::Followers => "Followers",
            Audience::OnlyMe => "Only me",
        }
    }

    /// What a private account does to a field's audience: nothing wider than
    /// followers.
    pub fn effective(self, private: bool) -> Audience {
        if private {
            self.max(Audience::Followers)
        } else {
            self
        }
    }
}

/// A profile field that has its own audience. The username and the avatar
/// (drawn from the username) are always visible and so are not listed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ProfileField {
    DisplayName,
    Location,
    About,
    BirthDate,
    Gender,
    FavouriteGenres,
    Joined,
    History,
    Followers,
    Following,
}

impl ProfileField {
    /// Every field, in the order the settings page shows them.
    pub const ALL: [ProfileField; 10] = [
        ProfileField::DisplayName,
        ProfileField::Location,
        ProfileField::About,
        ProfileField::BirthDate,
        ProfileField::Gender,
        ProfileField::FavouriteGenres,
        ProfileField::Joined,
        ProfileField::History,
        ProfileField::Followers,
        ProfileField::Following,
    ];

    /// The wire name, also the key of its messages in [`FieldErrors`].
    pub fn as_str(self) -> &'static str {
        match self {
            ProfileField::DisplayName => "display_name",
            ProfileField::Location => "location",
            ProfileField::About => "about",
            ProfileField::BirthDate => "birth_date",
            ProfileField::Gender => "gender",
            ProfileField::FavouriteGenres => "favourite_genres",
            ProfileField::Joined => "joined",
            ProfileField::History => "history",
            ProfileField::Followers => "followers",
            ProfileField::Following => "following",
        }
    }

    /// How people call it.
    pub fn label(self) -> &'static str {
        match self {
            ProfileField::DisplayName => "Display name",
            ProfileField::Location => "Location",
            ProfileField::About => "About you",
            ProfileField::BirthDate => "Age (from your birth date)",
            ProfileField::Gender => "Gender",
            ProfileField::FavouriteGenres => "Favourite genres",
            ProfileField::Joined => "Date you joined",
            ProfileField::History => "Watch history",
            ProfileField::Followers => "Followers list",
            ProfileField::Following => "Following list",
        }
    }
}

/// The audience of every field. Missing entries fall back to [`FieldAudiences::default`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default)]
pub struct FieldAudiences {
    pub display_name: Audience,
    pub location: Audience,
    pub about: Audience,
    pub birth_date: Audience,
    pub gender: Audience,
    pub favourite_genres: Audience,
    pub joined: Audience,
    pub history: Audience,
    pub followers: Audience,
    pub following: Audience,
}

impl Default for FieldAudiences {
    /// New members share little: where they live and how old they are stay
    /// with them until they decide otherwise.
    fn default() -> Self {
        FieldAudiences {
            display_name: Audience::Everyone,
            location: Audience::OnlyMe,
            about: Audience::Everyone,
            birth_date: Audience::OnlyMe,
            gender: Audience::OnlyMe,
            favourite_genres: Audience::Everyone,
            joined: Audience::Everyone,
            history: Audience::Members,
            followers: Audience::Members,
            following: Audience::Members,
        }
    }
}

impl FieldAudiences {
    pub fn get(&self, field: ProfileField) -> Audience {
        match field {
            ProfileField::DisplayName => self.display_name,
            ProfileField::Location => self.location,
            ProfileField::About => self.about,
            ProfileField::BirthDate => self.birth_date,
            ProfileField::Gender => self.gender,
            ProfileField::FavouriteGenres => self.favourite_genres,
            ProfileField::Joined => self.joined,
            ProfileField::History => self.history,
            ProfileField::Followers => self.followers,
            ProfileField::Following => self.following,
        }
    }

    pub fn set(&mut self, field: ProfileField, audience: Audience) {
        let slot = match field {
            ProfileField::DisplayName => &mut self.display_name,
            ProfileField::Location => &mut self.location,
            ProfileField::About => &mut self.about,
            ProfileField::BirthDate => &mut self.birth_date,
            ProfileField::Gender => &mut self.gender,
            ProfileField::FavouriteGenres => &mut self.favourite_genres,
            ProfileField::Joined => &mut self.joined,
            ProfileField::History => &mut self.history,
            ProfileField::Followers => &mut self.followers,
            ProfileField::Following => &mut self.following,
        };
        *slot = audience;
    }
}

/// How the viewer stands towards the profile's owner.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Relation {
    /// Not signed in.
    Anonymous,
    /// Signed in, not following.
    Member,
    /// Signed in, with a follow request the owner has not answered.
    Requested,
    /// An approved follower.
    Follower,
    /// The owner.
    Owner,
}

impl Relation {
    /// Every relation, for tables and tests.
    pub const ALL: [Relation; 5] =
        [Relation::Anonymous, Relation::Member, Relation::Requested, Relation::Follower, Relation::Owner];

    /// Whether someone standing here may see a field whose effective audience is `audience`.
    pub fn may_see(self, audience: Audience) -> bool {
        match self {
            Relation::Owner => true,
            Relation::Follower => audience <= Audience::Followers,
            // A request grants nothing until it is approved.
            Relation::Member | Relation::Requested => audience <= Audience::Members,
            Relation::Anonymous => audience == Audience::Everyone,
        }
    }
}

/// The audiences an owner can preview their profile as (`?as=`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum PreviewAs {
    Public,
    Member,
    Follower,
}

impl PreviewAs {
    pub const ALL: [PreviewAs; 3] = [PreviewAs::Public, PreviewAs::Member, PreviewAs::Follower];

    pub fn as_str(self) -> &'static str {
        match self {
            PreviewAs::Public => "public",
            PreviewAs::Member => "member",
            PreviewAs::Follower => "follower",
        }
    }

    pub fn parse(s: &str) -> Option<PreviewAs> {
        PreviewAs::ALL.into_iter().find(|p| p.as_str() == s)
    }

    /// The viewer the preview stands for.
    pub fn relation(self) -> Relation {
        match self {
            PreviewAs::Public => Relation::Anonymous,
            PreviewAs::Member => Relation::Member,
            PreviewAs::Follower => Relation::Follower,
        }
    }

    /// Who, in "how <who> sees your profile".
    pub fn who(self) -> &'static str {
        match self {
            PreviewAs::Public => "everyone",
            PreviewAs::Member => "a signed-in member",
            PreviewAs::Follower => "a follower",
        }
    }
}

/// A film or series in a member's watch history.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TitleKind {
    Movie,
    Show,
}

impl TitleKind {
    pub fn as_str(self) -> &'static str {
        match self {
            TitleKind::Movie => "movie",
            TitleKind::Show => "show",
        }
    }

    pub fn parse(s: &str) -> Option<TitleKind> {
        [TitleKind::Movie, TitleKind::Show].into_iter().find(|k| k.as_str() == s)
    }

    pub fn label(self) -> &'static str {
        match self {
            TitleKind::Movie => "Film",
            TitleKind::Show => "Series",
        }
    }
}

/// One logged title.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct HistoryEntry {
    pub id: i64,
    pub title: String,
    /// Release year, when the member gave it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub year: Option<i32>,
    pub kind: TitleKind,
    /// `YYYY-MM-DD`.
    pub watched_on: String,
}

/// `POST /api/me/history`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct NewHistoryEntry {
    pub title: String,
    #[serde(default)]
    pub year: Option<i32>,
    pub kind: TitleKind,
    /// `YYYY-MM-DD`.
    pub watched_on: String,
}

/// A profile as one viewer may see it: `GET /api/users/{username}`. Every
/// optional field is absent from the JSON when the viewer may not see it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ProfileView {
    pub username: String,
    /// How the viewer (or the previewed audience) stands towards the owner.
    pub relation: Relation,
    /// The owner has a private account: following needs their approval.
    pub private: bool,
    /// The owner lets search engines index the profile page.
    pub indexable: bool,
    /// Set when the owner is looking at a preview (`?as=`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub preview: Option<PreviewAs>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub display_name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub location: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub about: Option<String>,
    /// Whole years, from the birth date (which itself is never sent).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub age: Option<i32>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub gender: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub favourite_genres: Option<Vec<String>>,
    /// `YYYY-MM-DD`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub joined_on: Option<String>,
    /// Most recent first.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub history: Option<Vec<HistoryEntry>>,
    /// Usernames, most recent follow first: the first page of the members
    /// the viewer may see in this list (see `followers_next`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub followers: Option<Vec<String>>,
    /// Where the next page of followers starts, for
    /// `GET /api/users/{username}/followers?after=`; absent on the last page.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub followers_next: Option<String>,
    /// Usernames, most recent follow first, like `followers`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub following: Option<Vec<String>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub following_next: Option<String>,
}

/// A member in search results: the display name only where the viewer may see it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MemberCard {
    pub username: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub display_name: Option<String>,
}

/// `GET /api/users?q=[&after=]`: one page of results.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SearchResults {
    pub query: String,
    pub members: Vec<MemberCard>,
    /// Pass as `after` for the next page; absent on the last page.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub next: Option<String>,
}

/// `GET /api/users/{username}/followers` and `/following` (`?after=`): one
/// page of usernames, most recent follow first.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MemberList {
    pub members: Vec<String>,
    /// Pass as `after` for the next page; absent on the last page.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub next: Option<String>,
}

/// `GET /api/users/{username}/history`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct HistoryList {
    pub entries: Vec<HistoryEntry>,
}

/// The owner's own profile: `GET /api/me/profile`, and the answer to a PATCH.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct EditableProfile {
    pub username: String,
    pub display_name: String,
    pub location: String,
    pub about: String,
    pub gender: String,
    pub favourite_genres: Vec<String>,
    /// Set at sign-up, not editable here; its audience is.
    pub birth_date: String,
    /// `YYYY-MM-DD`.
    pub joined_on: String,
    pub audiences: FieldAudiences,
}

/// `PATCH /api/me/profile`: only what is present changes.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ProfileUpdate {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub display_name: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub location: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub about: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub gender: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub favourite_genres: Option<Vec<String>>,
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub audiences: BTreeMap<ProfileField, Audience>,
}

/// `GET/PATCH /api/me/privacy`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct PrivacySettings {
    /// Follow requests need approval; every field is at most followers-only.
    pub private: bool,
    /// Appears in member search.
    pub discoverable: bool,
    /// Search engines may index the profile page.
    pub indexable: bool,
}

impl PrivacySettings {
    /// Where an account starts. Minors (13-17) start closed.
    pub fn defaults(minor: bool) -> Self {
        PrivacySettings { private: minor, discoverable: !minor, indexable: !minor }
    }
}

/// `PATCH /api/me/privacy`: only what is present changes.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PrivacyUpdate {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub private: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub discoverable: Option<bool>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub indexable: Option<bool>,
}

/// The answer to follow and unfollow: where the caller now stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct FollowStatus {
    pub relation: Relation,
}

/// A pending follow request, as its addressee sees it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FollowRequest {
    pub id: i64,
    pub username: String,
    /// RFC 3339.
    pub requested_at: String,
}

/// `GET /api/me/follow-requests`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FollowRequests {
    pub requests: Vec<FollowRequest>,
}

pub const DISPLAY_NAME_MAX: usize = 50;
pub const LOCATION_MAX: usize = 80;
pub const ABOUT_MAX: usize = 1000;
pub const GENDER_MAX: usize = 40;
pub const GENRES_MAX: usize = 10;
pub const GENRE_MAX: usize = 30;
pub const TITLE_MAX: usize = 200;
/// The first film shown to a paying audience.
pub const YEAR_MIN: i32 = 1888;

fn text_field(errors: &mut FieldErrors, field: &str, value: &str, max: usize, multiline: bool) {
    let mut problems = Vec::new();
    if value.trim().chars().count() > max {
        problems.push(format!("Use at most {max} characters."));
    }
    if value.chars().any(|c| c.is_control() && !(multiline && (c == '\n' || c == '\r' || c == '\t'))) {
        problems.push(if multiline {
            "Remove the invisible control characters.".to_string()
        } else {
            "Keep it to one line, without invisible control characters.".to_string()
        });
    }
    if !problems.is_empty() {
        errors.insert(field.to_string(), problems);
    }
}

/// Genres as a member typed them, comma-separated, tidied: trimmed, empty
/// pieces dropped, duplicates (in any letter case) removed.
pub fn parse_genres(typed: &str) -> Vec<String> {
    tidy_genres(typed.split(','))
}

fn tidy_genres<'a>(genres: impl IntoIterator<Item = &'a str>) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for g in genres {
        let g = g.split_whitespace().collect::<Vec<_>>().join(" ");
        if !g.is_empty() && !out.iter().any(|o| o.to_lowercase() == g.to_lowercase()) {
            out.push(g);
        }
    }
    out
}

/// Checks a profile update; the messages are keyed by wire field name.
pub fn profile_update(update: &ProfileUpdate) -> FieldErrors {
    let mut errors = FieldErrors::new();
    if let Some(v) = &update.display_name {
        text_field(&mut errors, "display_name", v, DISPLAY_NAME_MAX, false);
    }
    if let Some(v) = &update.location {
        text_field(&mut errors, "location", v, LOCATION_MAX, false);
    }
    if let Some(v) = &update.about {
        text_field(&mut errors, "about", v, ABOUT_MAX, true);
    }
    if let Some(v) = &update.gender {
        text_field(&mut errors, "gender", v, GENDER_MAX, false);
    }
    if let Some(genres) = &update.favourite_genres {
        let tidy = tidy_genres(genres.iter().map(String::as_str));
        let mut problems = Vec::new();
        if tidy.len() > GENRES_MAX {
            problems.push(format!("Pick at most {GENRES_MAX} genres."));
        }
        if tidy.iter().any(|g| g.chars().count() > GENRE_MAX) {
            problems.push(format!("Keep each genre to {GENRE_MAX} characters."));
        }
        if tidy.iter().any(|g| g.chars().any(char::is_control)) {
            problems.push("Remove the invisible control characters.".into());
        }
        if !problems.is_empty() {
            errors.insert("favourite_genres".into(), problems);
        }
    }
    errors
}

/// The stored form of an accepted update: text trimmed, genres tidied.
pub fn normalise_update(mut update: ProfileUpdate) -> ProfileUpdate {
    for v in [&mut update.display_name, &mut update.location, &mut update.about, &mut update.gender]
        .into_iter()
        .flatten()
    {
        *v = v.trim().to_string();
    }
    if let Some(genres) = &update.favourite_genres {
        update.favourite_genres = Some(tidy_genres(genres.iter().map(String::as_str)));
    }
    update
}

/// Checks a watch-history entry against `today` (a title cannot be watched
/// in the future).
pub fn history_entry(entry: &NewHistoryEntry, today: CivilDate) -> FieldErrors {
    let mut errors = FieldErrors::new();
    let title = entry.title.trim();
    if title.is_empty() {
        errors.insert("title".into(), vec!["Enter the title.".into()]);
    } else if title.chars().count() > TITLE_MAX {
        errors.insert("title".into(), vec![format!("Use at most {TITLE_MAX} characters.")]);
    } else if title.chars().any(char::is_control) {
        errors.insert("title".into(), vec!["Keep it to one line.".into()]);
    }
    if let Some(year) = entry.year {
        if year < YEAR_MIN || year > today.year + 5 {
            errors.insert("year".into(), vec![format!("Enter a year from {YEAR_MIN} to {}.", today.year + 5)]);
        }
    }
    match CivilDate::parse(entry.watched_on.trim()) {
        None => {
            errors.insert("watched_on".into(), vec!["Enter the date as YYYY-MM-DD, for example 2026-03-27.".into()]);
        }
        Some(d) if d > today => {
            errors.insert("watched_on".into(), vec!["That date is in the future.".into()]);
        }
        Some(d) if d.year < YEAR_MIN => {
            errors.insert("watched_on".into(), vec!["That date is too long ago.".into()]);
        }
        Some(_) => {}
    }
    errors
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn audiences_round_trip_their_names_and_order_from_widest() {
        for a in Audience::ALL {
            assert_eq!(Audience::parse(a.as_str()), Some(a));
            assert_eq!(serde_json::to_string(&a).unwrap(), format!("\"{}\"", a.as_str()));
        }
        assert!(Audience::Everyone < Audience::Members && Audience::Members < Audience::Followers);
        assert!(Audience::Followers < Audience::OnlyMe);
        assert_eq!(Audience::parse("friends"), None);
    }

    #[test]
    fn a_private_account_narrows_every_audience_to_followers_at_most() {
        assert_eq!(Audience::Everyone.effective(true), Audience::Followers);
        assert_eq!(Audience::Members.effective(true), Audience::Followers);
        assert_eq!(Audience::Followers.effective(true), Audience::Followers);
        assert_eq!(Audience::OnlyMe.effective(true), Audience::OnlyMe);
        for a in Audience::ALL {
            assert_eq!(a.effective(false), a);
        }
    }

    #[test]
    fn fields_have_distinct_wire_names_matching_serde() {
        let mut names: Vec<&str> = ProfileField::ALL.iter().map(|f| f.as_str()).collect();
        for f in ProfileField::ALL {
            assert_eq!(serde_json::to_string(&f).unwrap(), format!("\"{}\"", f.as_str()));
        }
        names.sort();
        names.dedup();
        assert_eq!(names.len(), ProfileField::ALL.len());
    }

    #[test]
    fn field_audiences_get_what_was_set() {
        let mut a = FieldAudiences::default();
        for f in ProfileField::ALL {
            a.set(f, Audience::Followers);
            assert_eq!(a.get(f), Audience::Followers);
        }
        let d = FieldAudiences::default();
        assert_eq!((d.location, d.birth_date), (Audience::OnlyMe, Audience::OnlyMe), "sensitive fields start with the owner");
    }

    #[test]
    fn minors_start_private_undiscoverable_and_unindexed() {
        assert_eq!(PrivacySettings::defaults(true), PrivacySettings { private: true, discoverable: false, indexable: false });
        assert_eq!(PrivacySettings::defaults(false), PrivacySettings { private: false, discoverable: true, indexable: true });
    }

    #[test]
    fn hidden_fields_are_absent_from_the_json() {
        let view = ProfileView {
            username: "ana".into(),
            relation: Relation::Anonymous,
            private: false,
            indexable: true,
            preview: None,
            display_name: Some("Ana".into()),
            location: None,
            about: None,
            age: None,
            gender: None,
            favourite_genres: None,
            joined_on: None,
            history: None,
            followers: None,
            followers_next: None,
            following: None,
            following_next: None,
        };
        let json = serde_json::to_value(&view).unwrap();
        let mut keys: Vec<&String> = json.as_object().unwrap().keys().collect();
        keys.sort();
        assert_eq!(keys, ["display_name", "indexable", "private", "relation", "username"]);
    }

    #[test]
    fn profile_updates_are_checked_per_field() {
        let ok = ProfileUpdate {
            display_name: Some("Ana Lima".into()),
            about: Some("Line one\nLine two".into()),
            favourite_genres: Some(vec!["Noir".into()]),
            ..Default::default()
        };
        assert!(profile_update(&ok).is_empty());

        let bad = ProfileUpdate {
            display_name: Some("x".repeat(DISPLAY_NAME_MAX + 1)),
            location: Some("Lisbon\nPortugal".into()),
            about: Some("a".repeat(ABOUT_MAX + 1)),
            gender: Some("ok".into()),
            favourite_genres: Some((0..=GENRES_MAX).map(|i| format!("g{i}")).collect()),
            audiences: BTreeMap::new(),
        };
        let errors = profile_update(&bad);
        assert_eq!(errors.keys().collect::<Vec<_>>(), ["about", "display_name", "favourite_genres", "location"]);
        assert!(errors["location"][0].contains("one line"));
    }

    #[test]
    fn genres_are_tidied() {
        assert_eq!(parse_genres(" noir,  Sci  fi ,, NOIR, comedy "), vec!["noir", "Sci fi", "comedy"]);
        assert!(parse_genres(" , ").is_empty());
        let n = normalise_update(ProfileUpdate {
            location: Some("  Porto ".into()),
            favourite_genres: Some(vec!["a".into(), "A".into(), " ".into()]),
            ..Default::default()
        });
        assert_eq!(n.location.as_deref(), Some("Porto"));
        assert_eq!(n.favourite_genres, Some(vec!["a".to_string()]));
    }

    #[test]
    fn unknown_fields_in_an_update_are_refused() {
        assert!(serde_json::from_str::<ProfileUpdate>(r#"{"email":"x@y.z"}"#).is_err());
        assert!(serde_json::from_str::<ProfileUpdate>(r#"{"audiences":{"email":"everyone"}}"#).is_err());
        let u: ProfileUpdate = serde_json::from_str(r#"{"audiences":{"location":"followers"}}"#).unwrap();
        assert_eq!(u.audiences[&ProfileField::Location], Audience::Followers);
    }

    #[test]
    fn history_entries_need_a_title_and_a_past_date() {
        let today = CivilDate::parse("2026-11-29").unwrap();
        let good = NewHistoryEntry { title: "Vertigo".into(), year: Some(1958), kind: TitleKind::Movie, watched_on: "2026-11-28".into() };
        assert!(history_entry(&good, today).is_empty());
        let bad = NewHistoryEntry { title: "  ".into(), year: Some(1700), kind: TitleKind::Show, watched_on: "2026-12-01".into() };
        let errors = history_entry(&bad, today);
        assert_eq!(errors.keys().collect::<Vec<_>>(), ["title", "watched_on", "year"]);
        let bad_date = NewHistoryEntry { watched_on: "yesterday".into(), ..good };
        assert!(history_entry(&bad_date, today)["watched_on"][0].contains("YYYY-MM-DD"));
    }

    #[test]
    fn preview_audiences_stand_for_relations() {
        assert_eq!(PreviewAs::parse("public").map(PreviewAs::relation), Some(Relation::Anonymous));
        assert_eq!(PreviewAs::parse("follower").map(PreviewAs::relation), Some(Relation::Follower));
        assert_eq!(PreviewAs::parse("owner"), None);
    }
}
