//! What a viewer may see of a profile, and of the follow graph.
//!
//! Every endpoint that returns profile data (the profile, search results,
//! follower and following lists, watch history) builds its answer from
//! [`visible_profile`]; nothing else reads a profile field for someone else.
//! A hidden field is `None`, which serialises to nothing at all.
//!
//! A follow is about two members, so it is shown only where both agree
//! ([`may_see_follow`]). Lists of members are filtered in the database, to
//! page them without hidden entries crowding out visible ones; the SQL there
//! comes from [`sql_viewer_may_see`], which a test holds equal to
//! [`Relation::may_see`] for every audience, private flag and relation.

use curtain_api::profile::{Audience, FieldAudiences, HistoryEntry, ProfileField, ProfileView, Relation};
use curtain_api::CivilDate;

/// Everything stored about a profile's owner that a profile can show.
#[derive(Debug, Clone, Default)]
pub struct ProfileOwner {
    pub username: String,
    pub private: bool,
    pub indexable: bool,
    pub display_name: String,
    pub location: String,
    pub about: String,
    pub gender: String,
    pub favourite_genres: Vec<String>,
    pub birth_date: Option<CivilDate>,
    pub joined_on: Option<CivilDate>,
    pub audiences: FieldAudiences,
    /// Most recent first.
    pub history: Vec<HistoryEntry>,
    /// The first page of each list, as whoever the owner was loaded for may
    /// see it (filtered by [`sql_viewer_may_see`]).
    pub followers: MemberPage,
    pub following: MemberPage,
}

/// One page of a list of members, and where the next one starts.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct MemberPage {
    pub members: Vec<String>,
    pub next: Option<String>,
}

/// Whether a viewer standing in `relation` may see `field` of `owner`.
pub fn may_see(owner: &ProfileOwner, field: ProfileField, relation: Relation) -> bool {
    relation.may_see(owner.audiences.get(field).effective(owner.private))
}

/// One member's side of a follow: who may see that member's list the follow
/// appears in (the follower's "following", the followee's "followers"), and
/// how the viewer stands towards that member.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ListSide {
    pub audience: Audience,
    pub private: bool,
    pub relation: Relation,
}

impl ListSide {
    fn visible(self) -> bool {
        self.relation.may_see(self.audience.effective(self.private))
    }
}

/// Whether a viewer may see that one member follows another. The two
/// members always may (they manage their own lists); anyone else only if
/// they may see both the follower's "following" list and the followee's
/// "followers" list. So a member who hides whom they follow is not given away
/// by the lists of the people they follow, nor a private account by the
/// lists of public ones.
pub fn may_see_follow(follower: ListSide, followee: ListSide) -> bool {
    follower.relation == Relation::Owner || followee.relation == Relation::Owner || (follower.visible() && followee.visible())
}

/// The SQL condition that mirrors `relation.may_see(audience.effective(private))`
/// for the member whose id is the expression `member_id`, whose audience and
/// private flag are the columns `audience` and `private`, seen by the viewer
/// whose id is the expression `viewer` (NULL for someone signed out; an id no
/// member has for "a member who follows no one", as in the owner's previews).
/// Only expressions the server writes go in, never user input.
pub fn sql_viewer_may_see(audience: &str, private: &str, member_id: &str, viewer: &str) -> String {
    format!(
        "({member_id} = {viewer}
          OR (NOT {private} AND {audience} = 'everyone')
          OR (NOT {private} AND {audience} = 'members' AND {viewer} IS NOT NULL)
          OR ({audience} <> 'only_me' AND EXISTS (
                SELECT 1 FROM follows vf
                WHERE vf.follower_id = {viewer} AND vf.followee_id = {member_id} AND vf.status = 'accepted')))"
    )
}

/// The profile as a viewer in `relation` may see it, on `today` (for the age).
/// Empty text fields are left out too: there is nothing to show.
pub fn visible_profile(owner: &ProfileOwner, relation: Relation, today: CivilDate) -> ProfileView {
    let show = |field: ProfileField| may_see(owner, field, relation);
    let text = |field: ProfileField, value: &String| (show(field) && !value.is_empty()).then(|| value.clone());
    ProfileView {
        username: owner.username.clone(),
        relation,
        private: owner.private,
        indexable: owner.indexable,
        preview: None,
        display_name: text(ProfileField::DisplayName, &owner.display_name),
        location: text(ProfileField::Location, &owner.location),
        about: text(ProfileField::About, &owner.about),
        age: owner.birth_date.filter(|_| show(ProfileField::BirthDate)).map(|b| b.age_on(today)),
        gender: text(ProfileField::Gender, &owner.gender),
        favourite_genres: (show(ProfileField::FavouriteGenres) && !owner.favourite_genres.is_empty())
            .then(|| owner.favourite_genres.clone()),
        joined_on: owner.joined_on.filter(|_| show(ProfileField::Joined)).map(|d| d.to_string()),
        // Lists are shown even when empty, so "no history yet" differs from "hidden".
        history: show(ProfileField::History).then(|| owner.history.clone()),
        followers: show(ProfileField::Followers).then(|| owner.followers.members.clone()),
        followers_next: owner.followers.next.clone().filter(|_| show(ProfileField::Followers)),
        following: show(ProfileField::Following).then(|| owner.following.members.clone()),
        following_next: owner.following.next.clone().filter(|_| show(ProfileField::Following)),
    }
}

#[cfg(test)]
mod tests {
    use curtain_api::profile::{Audience, TitleKind};

    use super::*;

    fn today() -> CivilDate {
        CivilDate::parse("2026-11-29").unwrap()
    }

    /// An owner with every field filled in and every audience set to `audience`.
    fn owner(audience: Audience, private: bool) -> ProfileOwner {
        let mut audiences = FieldAudiences::default();
        for f in ProfileField::ALL {
            audiences.set(f, audience);
        }
        ProfileOwner {
            username: "ana".into(),
            private,
            indexable: true,
            display_name: "Ana Lima".into(),
            location: "Lisbon".into(),
            about: "Noir and musicals.".into(),
            gender: "woman".into(),
            favourite_genres: vec!["Noir".into()],
            birth_date: CivilDate::parse("1991-04-12"),
            joined_on: CivilDate::parse("2026-01-02"),
            audiences,
            history: vec![HistoryEntry {
                id: 1,
                title: "Vertigo".into(),
                year: Some(1958),
                kind: TitleKind::Movie,
                watched_on: "2026-11-01".into(),
            }],
            followers: MemberPage { members: vec!["bruno".into()], next: None },
            following: MemberPage { members: vec!["chloe".into()], next: None },
        }
    }

    fn present(view: &ProfileView) -> Vec<ProfileField> {
        let mut fields = Vec::new();
        let checks: [(ProfileField, bool); 10] = [
            (ProfileField::DisplayName, view.display_name.is_some()),
            (ProfileField::Location, view.location.is_some()),
            (ProfileField::About, view.about.is_some()),
            (ProfileField::BirthDate, view.age.is_some()),
            (ProfileField::Gender, view.gender.is_some()),
            (ProfileField::FavouriteGenres, view.favourite_genres.is_some()),
            (ProfileField::Joined, view.joined_on.is_some()),
            (ProfileField::History, view.history.is_some()),
            (ProfileField::Followers, view.followers.is_some()),
            (ProfileField::Following, view.following.is_some()),
        ];
        for (f, there) in checks {
            if there {
                fields.push(f);
            }
        }
        fields
    }

    /// The whole table: for each field audience, with the account public and
    /// private, which relations see the field. `A` anonymous, `M` member,
    /// `R` requested (pending), `F` follower, `O` owner.
    #[test]
    fn every_audience_private_flag_and_relation() {
        use Audience::*;
        #[rustfmt::skip]
        let table: &[(Audience, bool, &str)] = &[
            (Everyone,  false, "AMRFO"),
            (Members,   false, "MRFO"),
            (Followers, false, "FO"),
            (OnlyMe,    false, "O"),
            (Everyone,  true,  "FO"),
            (Members,   true,  "FO"),
            (Followers, true,  "FO"),
            (OnlyMe,    true,  "O"),
        ];
        let letter = |r: Relation| match r {
            Relation::Anonymous => 'A',
            Relation::Member => 'M',
            Relation::Requested => 'R',
            Relation::Follower => 'F',
            Relation::Owner => 'O',
        };
        assert_eq!(table.len(), Audience::ALL.len() * 2, "every audience, public and private");
        for &(audience, private, sees) in table {
            let owner = owner(audience, private);
            for relation in Relation::ALL {
                let view = visible_profile(&owner, relation, today());
                let expected = if sees.contains(letter(relation)) { ProfileField::ALL.to_vec() } else { vec![] };
                assert_eq!(
                    present(&view),
                    expected,
                    "audience {audience:?}, private {private}, viewer {relation:?}"
                );
                // Always there, whatever the settings.
                assert_eq!(view.username, "ana");
                assert_eq!(view.relation, relation);
                assert_eq!(view.private, private);
                let json = serde_json::to_string(&view).unwrap();
                if !sees.contains(letter(relation)) {
                    for secret in ["Lisbon", "Ana Lima", "Noir", "Vertigo", "bruno", "chloe", "1991", "age"] {
                        assert!(!json.contains(secret), "{secret} leaked to {relation:?}: {json}");
                    }
                }
            }
        }
    }

    #[test]
    fn a_follow_shows_only_where_both_lists_may_be_seen() {
        use Audience::*;
        let side = |audience, private, relation| ListSide { audience, private, relation };
        let open = |r| side(Everyone, false, r);
        // Both lists open: anyone.
        assert!(may_see_follow(open(Relation::Anonymous), open(Relation::Anonymous)));
        // The follower keeps whom they follow to themself: nobody else sees the
        // follow on the followee's open list either.
        for r in [Relation::Anonymous, Relation::Member, Relation::Follower] {
            assert!(!may_see_follow(side(OnlyMe, false, r), open(Relation::Anonymous)), "{r:?}");
        }
        // A private follower: only their followers learn whom they follow.
        assert!(!may_see_follow(side(Everyone, true, Relation::Member), open(Relation::Member)));
        assert!(may_see_follow(side(Everyone, true, Relation::Follower), open(Relation::Member)));
        // A members-only followers list hides the follow from the signed-out.
        assert!(!may_see_follow(open(Relation::Anonymous), side(Members, false, Relation::Anonymous)));
        assert!(may_see_follow(open(Relation::Member), side(Members, false, Relation::Member)));
        // Either member sees their own follow, whatever the settings.
        assert!(may_see_follow(side(OnlyMe, true, Relation::Owner), side(OnlyMe, true, Relation::Member)));
        assert!(may_see_follow(side(OnlyMe, true, Relation::Member), side(OnlyMe, true, Relation::Owner)));
    }

    /// The SQL the lists are filtered with says exactly what `Relation::may_see`
    /// says, for every audience, private flag and relation.
    #[tokio::test]
    async fn the_sql_condition_agrees_with_the_rule() {
        let db = crate::db::connect("sqlite::memory:").await.unwrap();
        let mut tx = db.begin_write().await.unwrap();
        for (id, name) in [(1, "owner"), (2, "member"), (3, "requester"), (4, "follower")] {
            sqlx::query(
                "INSERT INTO users (id, username, username_key, email, email_key, password_hash, birth_date, minor,
                                    accepted_policy_version, created_at)
                 VALUES ($1, $2, $2, $2 || '@example.org', $2 || '@example.org', 'x', '1990-01-01', FALSE, 1, 0)",
            )
            .bind(id)
            .bind(name)
            .execute(&mut *tx)
            .await
            .unwrap();
            crate::profiles::create_default(&mut tx, id, false).await.unwrap();
        }
        sqlx::query("INSERT INTO follows (follower_id, followee_id, status, created_at) VALUES (3, 1, 'pending', 0), (4, 1, 'accepted', 0)")
            .execute(&mut *tx)
            .await
            .unwrap();
        let viewers: [(Relation, Option<i64>); 5] = [
            (Relation::Anonymous, None),
            (Relation::Member, Some(2)),
            (Relation::Requested, Some(3)),
            (Relation::Follower, Some(4)),
            (Relation::Owner, Some(1)),
        ];
        let condition = sql_viewer_may_see("p.followers_audience", "p.private", "p.user_id", "$1");
        for audience in Audience::ALL {
            for private in [false, true] {
                sqlx::query("UPDATE profiles SET followers_audience = $1, private = $2 WHERE user_id = 1")
                    .bind(audience.as_str())
                    .bind(private)
                    .execute(&mut *tx)
                    .await
                    .unwrap();
                for (relation, viewer) in viewers {
                    let sql = format!("SELECT {condition} FROM profiles p WHERE p.user_id = 1");
                    let crate::db::Flag(seen) = sqlx::query_scalar(&sql).bind(viewer).fetch_one(&mut *tx).await.unwrap();
                    let rule = relation.may_see(audience.effective(private));
                    assert_eq!(seen, rule, "audience {audience:?}, private {private}, viewer {relation:?}");
                }
            }
        }
    }

    #[test]
    fn fields_are_judged_one_by_one() {
        let mut o = owner(Audience::Everyone, false);
        o.audiences.location = Audience::OnlyMe;
        o.audiences.history = Audience::Followers;
        let member = visible_profile(&o, Relation::Member, today());
        assert_eq!(member.location, None);
        assert_eq!(member.history, None);
        assert_eq!(member.about.as_deref(), Some("Noir and musicals."));
        let follower = visible_profile(&o, Relation::Follower, today());
        assert_eq!(follower.location, None);
        assert_eq!(follower.history.map(|h| h.len()), Some(1));
    }

    #[test]
    fn birth_date_shows_only_as_an_age() {
        let o = owner(Audience::Everyone, false);
        let view = visible_profile(&o, Relation::Anonymous, today());
        assert_eq!(view.age, Some(35));
        let json = serde_json::to_string(&view).unwrap();
        assert!(!json.contains("1991") && !json.contains("04-12"), "{json}");
    }

    #[test]
    fn empty_text_is_left_out_but_empty_lists_are_shown() {
        let mut o = owner(Audience::Everyone, false);
        o.location.clear();
        o.history.clear();
        let view = visible_profile(&o, Relation::Anonymous, today());
        assert_eq!(view.location, None);
        assert_eq!(view.history, Some(vec![]));
    }
}
