//! Each page's title (before " · Curtain") and description, by route, in a
//! language: what the server writes into the first paint. The app sets the
//! same titles from the same words when it shows a page.

use leptos_i18n::td_string;

use crate::Lang;

/// The title and description of the pages whose words do not depend on what
/// they show; `(None, _)` for the home page, which is titled "Curtain".
pub fn route_words(route: &str, lang: Lang) -> (Option<&'static str>, Option<&'static str>) {
    let l = lang.locale();
    match route {
        "/" => (None, Some(td_string!(l, descriptions.home))),
        "/signup" => (Some(td_string!(l, header.sign_up)), Some(td_string!(l, descriptions.signup))),
        "/signin" => (Some(td_string!(l, header.sign_in)), Some(td_string!(l, descriptions.signin))),
        "/privacy/compare" => (Some(td_string!(l, compare.heading)), Some(td_string!(l, descriptions.compare))),
        "/privacy/promises" => (Some(td_string!(l, promises_page.heading)), Some(td_string!(l, descriptions.promises))),
        "/privacy/request" => (Some(td_string!(l, privacy_request.heading)), Some(td_string!(l, descriptions.request))),
        "/report-child-account" => (Some(td_string!(l, report_child.heading)), Some(td_string!(l, descriptions.report_child))),
        "/search" => (Some(td_string!(l, search.title)), Some(td_string!(l, descriptions.search))),
        "/unsubscribe/:token" => (Some(td_string!(l, unsubscribe.heading)), None),
        "/verify-email/:token" => (Some(td_string!(l, verify_email.heading)), None),
        "/account-deleted" => (Some(td_string!(l, account_deleted.title)), None),
        "/settings" => (Some(td_string!(l, header.settings)), None),
        "/settings/cookies" => (Some(td_string!(l, settings.cookies)), None),
        "/settings/account" => (Some(td_string!(l, titles.account_settings)), None),
        "/settings/profile" => (Some(td_string!(l, settings_profile.title)), None),
        "/settings/privacy" => (Some(td_string!(l, titles.privacy_settings)), None),
        "/settings/email" => (Some(td_string!(l, titles.email_settings)), None),
        "/settings/data" => (Some(td_string!(l, settings.data)), None),
        _ => (None, None),
    }
}

/// The not-found page's title and description.
pub fn not_found_words(lang: Lang) -> (&'static str, &'static str) {
    let l = lang.locale();
    (td_string!(l, not_found.title), td_string!(l, descriptions.not_found))
}

/// A profile's description; `name` as the title shows it.
pub fn profile_description(name: &str, lang: Lang) -> String {
    crate::lang::fill(td_string!(lang.locale(), descriptions.profile), &[("name", &name)])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_titled_route_has_words_in_every_language_and_english_is_as_before() {
        assert_eq!(route_words("/signin", Lang::En), (Some("Sign in"), Some("Sign in to Curtain.")));
        assert_eq!(route_words("/", Lang::En).0, None);
        for route in ["/signup", "/signin", "/privacy/compare", "/privacy/promises", "/privacy/request", "/search", "/settings/data"] {
            let english = route_words(route, Lang::En);
            for lang in [Lang::De, Lang::PtBr] {
                let words = route_words(route, lang);
                assert!(words.0.is_some() && words.0 != english.0, "{route} in {}", lang.tag());
            }
        }
        assert_eq!(profile_description("@ana", Lang::De), "@ana bei Curtain: was diese Person über die Filme und Serien teilt, die sie schaut.");
    }
}
