//! The avatar: initials on a colour drawn from the username, so every member
//! has a recognisable one without uploading anything.

use leptos::prelude::*;

/// How many colours the stylesheet defines (`.profile-avatar--0` …).
pub const AVATAR_COLOURS: u32 = 8;

/// One or two capital letters: the first letters of the first two parts of
/// the username (split at underscores), or its first letter.
pub fn initials(username: &str) -> String {
    let mut parts = username.split('_').filter(|p| !p.is_empty());
    let first = parts.next().and_then(|p| p.chars().next());
    let second = parts.next().and_then(|p| p.chars().next());
    first.into_iter().chain(second).flat_map(char::to_uppercase).collect()
}

/// A stable colour index for a username (FNV-1a over its lowercase form, so
/// the colour does not change with letter case).
pub fn colour_index(username: &str) -> u32 {
    let mut hash: u32 = 0x811c_9dc5;
    for byte in username.to_lowercase().bytes() {
        hash ^= u32::from(byte);
        hash = hash.wrapping_mul(0x0100_0193);
    }
    hash % AVATAR_COLOURS
}

/// Decorative: the username beside it says who this is.
#[component]
pub fn Avatar(#[prop(into)] username: String, #[prop(default = false)] large: bool) -> impl IntoView {
    let class = format!(
        "profile-avatar profile-avatar--{}{}",
        colour_index(&username),
        if large { " profile-avatar--large" } else { "" }
    );
    view! { <span class=class aria-hidden="true">{initials(&username)}</span> }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn initials_come_from_the_first_two_parts() {
        assert_eq!(initials("ana"), "A");
        assert_eq!(initials("ana_lima"), "AL");
        assert_eq!(initials("_x__y_z"), "XY");
        assert_eq!(initials(""), "");
    }

    #[test]
    fn colours_are_stable_spread_and_ignore_case() {
        assert_eq!(colour_index("Bruno"), colour_index("bruno"));
        assert_eq!(colour_index("ana"), colour_index("ana"));
        let used: std::collections::BTreeSet<u32> =
            ["ana", "bruno", "chloe", "dora", "eve", "fred", "gil", "hal", "ivo", "jo"].iter().map(|u| colour_index(u)).collect();
        assert!(used.len() >= 4, "ten names should not share one or two colours: {used:?}");
        assert!(used.iter().all(|c| *c < AVATAR_COLOURS));
    }
}
