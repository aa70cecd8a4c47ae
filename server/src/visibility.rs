//! The one function that decides what a viewer may see of a profile.
//!
//! Every endpoint that returns profile data (the profile, search results,
//! follower and following lists, watch history) builds its answer from
//! [`visible_profile`]; nothing else reads a profile field for someone else.
//! A hidden field is `None`, which serialises to nothing at all.

use curtain_api::profile::{FieldAudiences, HistoryEntry, ProfileField, ProfileView, Relation};
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
    pub followers: Vec<String>,
    pub following: Vec<String>,
}

/// Whether a viewer standing in `relation` may see `field` of `owner`.
pub fn may_see(owner: &ProfileOwner, field: ProfileField, relation: Relation) -> bool {
    relation.may_see(owner.audiences.get(field).effective(owner.private))
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
        followers: show(ProfileField::Followers).then(|| owner.followers.clone()),
        following: show(ProfileField::Following).then(|| owner.following.clone()),
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
            followers: vec!["bruno".into()],
            following: vec!["chloe".into()],
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
