//! How long each kind of record is kept (`GET /api/retention`) and how each
//! promise is kept (`GET /api/policies/privacy/promises`) come back in the
//! language the request asks for (`Accept-Language`, which the app sets to
//! its page's language), in the words of the server's catalogues; without
//! it, in English, word for word as the rules and the promises table say.
//! Runs on SQLite and, with `CURTAIN_TEST_DATABASE=postgres`, on PostgreSQL.

use std::collections::BTreeMap;

use curtain_server::promises;
use curtain_server::retention::RULES;
use curtain_tests::{ApiClient, TestApp};
use reqwest::header::{HeaderMap, HeaderValue};
use reqwest::StatusCode;
use serde_json::Value;

/// A client whose every request asks for `tag`, as the app on a page in that language does.
fn client_in(app: &TestApp, tag: &str) -> ApiClient {
    let mut headers = HeaderMap::new();
    headers.insert("accept-language", HeaderValue::from_str(tag).unwrap());
    ApiClient::with(&app.base, reqwest::Client::builder().default_headers(headers))
}

/// The server's catalogue for `tag`: English sentence to its translation.
fn catalogue(tag: &str) -> BTreeMap<String, String> {
    let path = format!("{}/../server/locales/{tag}.json", env!("CARGO_MANIFEST_DIR"));
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
    serde_json::from_str(&text).unwrap()
}

/// `english` in the catalogue, which must have it, translated.
fn translated<'a>(catalogue: &'a BTreeMap<String, String>, tag: &str, english: &str) -> &'a str {
    let t = catalogue.get(english).unwrap_or_else(|| panic!("{tag}: the catalogue has no {english:?}"));
    assert_ne!(t, english, "{tag}: {english:?} is not translated");
    t
}

fn one_line(text: &str) -> String {
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

fn text<'a>(value: &'a Value, key: &str) -> &'a str {
    value[key].as_str().unwrap_or_else(|| panic!("no {key} in {value}"))
}

#[tokio::test]
async fn retention_periods_come_back_in_the_requests_language() {
    let app = TestApp::spawn().await;

    // English without a language, as the rules word it.
    let r = app.client().get("/api/retention").await;
    assert_eq!(r.status, StatusCode::OK, "{:?}", r.body);
    let english = r.body["periods"].as_array().unwrap().clone();
    assert_eq!(english.len(), RULES.len());
    for (period, rule) in english.iter().zip(RULES) {
        assert_eq!(text(period, "kind"), rule.key);
        assert_eq!(text(period, "name"), rule.name);
        assert_eq!(text(period, "detail"), one_line(rule.detail));
        assert_eq!(text(period, "kept"), rule.kept.words());
    }
    let log = english.iter().find(|p| p["kind"] == "signin_log").unwrap();
    assert_eq!(text(log, "kept"), "one year after the sign-in");
    // A language we do not speak is English too.
    let r = client_in(&app, "fr").get("/api/retention").await;
    assert_eq!(r.body["periods"].as_array().unwrap(), &english);

    for tag in ["de", "pt-BR"] {
        let words = catalogue(tag);
        let r = client_in(&app, tag).get("/api/retention").await;
        assert_eq!(r.status, StatusCode::OK, "{tag}: {:?}", r.body);
        assert_eq!(r.body["purged_every_minutes"], 60);
        let periods = r.body["periods"].as_array().unwrap();
        assert_eq!(periods.len(), RULES.len());
        for ((period, rule), english) in periods.iter().zip(RULES).zip(&english) {
            let what = format!("{tag} {}", rule.key);
            // What identifies a period is the same in every language.
            for key in ["kind", "days", "export_sections"] {
                assert_eq!(period[key], english[key], "{what}: {key}");
            }
            for (key, source) in [("name", rule.name.to_string()), ("detail", one_line(rule.detail)), ("kept", rule.kept.words())] {
                let got = text(period, key);
                assert_ne!(got, text(english, key), "{what}: the {key} is still English");
                assert_eq!(got, translated(&words, tag, &source), "{what}: {key}");
            }
        }
    }
    // The words a German page shows, from the German catalogue.
    let r = client_in(&app, "de-DE,de;q=0.9,en;q=0.5").get("/api/retention").await;
    let log = r.body["periods"].as_array().unwrap().iter().find(|p| p["kind"] == "signin_log").unwrap().clone();
    assert_eq!(text(&log, "kept"), catalogue("de")["one year after the sign-in"]);
    assert_eq!(text(&log, "name"), catalogue("de")["Sign-in log"]);
}

#[tokio::test]
async fn how_each_promise_is_kept_comes_back_in_the_requests_language() {
    let app = TestApp::spawn().await;

    let r = app.client().get("/api/policies/privacy/promises").await;
    assert_eq!(r.status, StatusCode::OK, "{:?}", r.body);
    let english = r.body["promises"].as_array().unwrap().clone();
    assert!(english.len() >= 20, "{}", english.len());
    for p in &english {
        let keeping = promises::keeping(text(p, "id")).unwrap();
        assert_eq!(text(p, "how"), keeping.how);
        match keeping.control {
            Some((href, label)) => assert_eq!((text(&p["control"], "href"), text(&p["control"], "label")), (href, label)),
            None => assert!(p["control"].is_null(), "{p}"),
        }
    }
    let views = english.iter().find(|p| p["id"] == "page-views-are-totals").unwrap();
    assert_eq!(text(views, "retention"), "Page-view counts: kept two years after the end of the day");

    for tag in ["de", "pt-BR"] {
        let words = catalogue(tag);
        let r = client_in(&app, tag).get("/api/policies/privacy/promises").await;
        assert_eq!(r.status, StatusCode::OK, "{tag}: {:?}", r.body);
        let list = r.body["promises"].as_array().unwrap();
        let ids = |l: &[Value]| l.iter().map(|p| p["id"].clone()).collect::<Vec<_>>();
        assert_eq!(ids(list), ids(&english), "{tag}: the same promises");
        let mut retention_lines = 0;
        for (p, english) in list.iter().zip(&english) {
            let id = text(p, "id");
            let keeping = promises::keeping(id).unwrap();
            assert_ne!(text(p, "how"), text(english, "how"), "{tag} {id}: how it is kept is still English");
            assert_eq!(text(p, "how"), translated(&words, tag, keeping.how), "{tag} {id}");
            assert_eq!(p["tests"], english["tests"], "{tag} {id}: the same tests");
            if let Some((href, label)) = keeping.control {
                assert_eq!(text(&p["control"], "href"), href, "{tag} {id}: the link is the same");
                assert_eq!(text(&p["control"], "label"), translated(&words, tag, label), "{tag} {id}");
            }
            if let Some(kind) = keeping.retention {
                let rule = RULES.iter().find(|r| r.kind == kind).unwrap();
                let line = translated(&words, tag, promises::RETENTION_LINE)
                    .replace("{name}", translated(&words, tag, rule.name))
                    .replace("{kept}", translated(&words, tag, &rule.kept.words()));
                assert_eq!(text(p, "retention"), line, "{tag} {id}");
                assert_ne!(text(p, "retention"), text(english, "retention"), "{tag} {id}");
                retention_lines += 1;
            }
        }
        assert!(retention_lines > 0, "{tag}: some promise names its retention rule");
    }
}
