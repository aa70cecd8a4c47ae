//! The privacy policy in German and Brazilian Portuguese, over real HTTP:
//! each version's translation with the English version's number, date and
//! sections; the English text, said to be English, where a version has no
//! translation; comparisons, promises, the member's notice and the Atom feed
//! per language; and the rules a translation is published by.

use curtain_api::CivilDate;
use curtain_server::clock;
use curtain_server::policy::document::{self, PolicySource, TranslationError};
use curtain_server::policy::store::{self, PublishError};
use curtain_tests::TestApp;
use curtain_ui::Lang;
use reqwest::StatusCode;
use serde_json::{json, Value};

const PW: &str = "correct horse battery";

/// The shipped translation of version `n` into `lang`, as its file says.
fn shipped(n: u32, lang: Lang) -> PolicySource {
    store_translations()
        .into_iter()
        .find(|t| t.version == n && t.language == lang)
        .unwrap_or_else(|| panic!("no {} translation of version {n} ships", lang.tag()))
}

fn store_translations() -> Vec<PolicySource> {
    curtain_server::policy::published::TRANSLATIONS.iter().map(|(_, text)| document::parse(text).unwrap()).collect()
}

fn english(n: u32) -> PolicySource {
    curtain_server::policy::published::PUBLISHED
        .iter()
        .map(|(_, text)| document::parse(text).unwrap())
        .find(|v| v.version == n)
        .unwrap()
}

fn titles(doc: &Value) -> Vec<(String, String)> {
    doc["sections"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| (s["id"].as_str().unwrap().to_string(), s["title"].as_str().unwrap().to_string()))
        .collect()
}

fn file_titles(v: &PolicySource) -> Vec<(String, String)> {
    v.sections.iter().map(|s| (s.id.clone(), s.title.clone())).collect()
}

fn date_in_days(days: i64) -> String {
    CivilDate::from_unix_days(clock::now().div_euclid(86_400) + days).to_string()
}

/// A version file numbered `n`, in `lang` when given, with the sections `ids`.
fn version_file(n: u32, effective: &str, material: bool, lang: Option<&str>, ids: &[&str]) -> String {
    let mut text = format!(
        "---\nversion: {n}\neffective: {effective}\nmaterial: {}\nsummary: Summary {n} in {}.\n",
        if material { "yes" } else { "no" },
        lang.unwrap_or("en")
    );
    if let Some(lang) = lang {
        text.push_str(&format!("language: {lang}\n"));
    }
    text.push_str("---\n");
    for id in ids {
        text.push_str(&format!("\n## Heading {id} in {} {{#{id}}}\n\nText of {id}.\n", lang.unwrap_or("en")));
    }
    text
}

#[tokio::test]
async fn a_translated_version_keeps_the_english_frame_and_says_it_is_a_translation() {
    let app = TestApp::spawn().await;
    let c = app.client();
    for lang in [Lang::De, Lang::PtBr] {
        let r = c.get(&format!("/api/policies/privacy?lang={}", lang.tag())).await;
        assert_eq!(r.status, StatusCode::OK, "{:?}", r.body);
        let file = shipped(5, lang);
        assert_eq!(r.body["version"], 5);
        assert_eq!(r.body["language"], lang.tag());
        assert_eq!(r.body["effective_date"], english(5).effective.to_string());
        assert_eq!(r.body["summary"], file.summary.as_str());
        assert_ne!(file.summary, english(5).summary);
        assert_eq!(titles(&r.body), file_titles(&file));
        // The same section ids, in the same order, as the English version,
        // with the headings in the translation's words.
        let ids = |t: Vec<(String, String)>| t.into_iter().map(|(id, _)| id).collect::<Vec<_>>();
        assert_eq!(ids(titles(&r.body)), ids(file_titles(&english(5))));
        assert_ne!(titles(&r.body), file_titles(&english(5)));
        // Sanitised HTML, like the English.
        let cookies = r.body["sections"].as_array().unwrap().iter().find(|s| s["id"] == "cookies").unwrap();
        assert!(cookies["html"].as_str().unwrap().contains("curtain_consent"), "{cookies}");
    }
    // Without `lang`, and with `lang=en`, the English: the contract as it was.
    for path in ["/api/policies/privacy", "/api/policies/privacy?lang=en"] {
        let r = c.get(path).await;
        assert_eq!(r.body["language"], "en");
        assert_eq!(titles(&r.body), file_titles(&english(5)));
        assert_eq!(r.body["summary"], english(5).summary.as_str());
    }
}

#[tokio::test]
async fn a_version_without_a_translation_is_served_in_english_and_says_so() {
    let app = TestApp::spawn().await;
    let c = app.client();
    let r = c.get("/api/policies/privacy/versions/1?lang=de").await;
    assert_eq!(r.status, StatusCode::OK, "{:?}", r.body);
    assert_eq!(r.body["language"], "en");
    assert_eq!(titles(&r.body), file_titles(&english(1)));
    assert!(!r.body["sections"].as_array().unwrap().is_empty(), "never a blank page");

    // The list: each summary in the language where the version has it.
    let r = c.get("/api/policies/privacy/versions?lang=pt-BR").await;
    let languages: Vec<(u64, String)> = r.body["versions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| (v["version"].as_u64().unwrap(), v["language"].as_str().unwrap().to_string()))
        .collect();
    let expect: Vec<(u64, String)> = (1..=5)
        .rev()
        .map(|n| {
            let translated = store_translations().iter().any(|t| t.version == n && t.language == Lang::PtBr);
            (u64::from(n), if translated { "pt-BR" } else { "en" }.to_string())
        })
        .collect();
    assert_eq!(languages, expect);
    assert!(expect.iter().any(|(_, l)| l == "en") && expect.iter().any(|(_, l)| l == "pt-BR"));
}

#[tokio::test]
async fn comparisons_are_made_in_one_language_only() {
    let app = TestApp::spawn().await;
    let c = app.client();
    // Both versions translated: the translations are compared.
    let r = c.get("/api/policies/privacy/diff?from=4&to=5&lang=de").await;
    assert_eq!(r.status, StatusCode::OK, "{:?}", r.body);
    assert_eq!(r.body["language"], "de");
    assert_eq!(r.body["to"]["summary"], shipped(5, Lang::De).summary.as_str());
    let diff_titles: Vec<String> =
        r.body["sections"].as_array().unwrap().iter().map(|s| s["title"].as_str().unwrap().to_string()).collect();
    let german: Vec<String> = shipped(5, Lang::De).sections.iter().map(|s| s.title.clone()).collect();
    assert!(diff_titles.iter().all(|t| german.contains(t)), "{diff_titles:?}");
    let english_diff = c.get("/api/policies/privacy/diff?from=4&to=5").await;
    assert_eq!(english_diff.body["language"], "en");
    assert_ne!(english_diff.body["sections"], r.body["sections"]);

    // One of them not translated: the English texts, never a translation
    // against the original.
    let r = c.get("/api/policies/privacy/diff?from=3&to=5&lang=de").await;
    assert_eq!(r.body["language"], "en");
    assert_eq!(r.body["sections"], c.get("/api/policies/privacy/diff?from=3&to=5").await.body["sections"]);
    assert_eq!(r.body["to"]["summary"], english(5).summary.as_str());
}

#[tokio::test]
async fn a_language_curtain_does_not_speak_is_refused_everywhere() {
    let app = TestApp::spawn().await;
    let c = app.client();
    for path in [
        "/api/policies/privacy?lang=fr",
        "/api/policies/privacy/versions?lang=xx",
        "/api/policies/privacy/versions/5?lang=de-AT",
        "/api/policies/privacy/diff?from=4&to=5&lang=%3Cscript%3E",
        "/api/policies/privacy/promises?lang=EN-GB",
    ] {
        let r = c.get(path).await;
        assert_eq!((r.status, r.code()), (StatusCode::BAD_REQUEST, "invalid_language"), "{path}: {:?}", r.body);
        let said = r.body["error"]["fields"]["lang"][0].as_str().unwrap();
        assert!(said.contains("en, de and pt-BR") && !said.contains('<'), "{said}");
    }
    let r = app.client().http.get(app.url("/policies/privacy.atom?lang=fr")).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::BAD_REQUEST);
}

#[tokio::test]
async fn promises_are_quoted_in_the_translation_with_the_same_ids() {
    let app = TestApp::spawn().await;
    let c = app.client();
    let en = c.get("/api/policies/privacy/promises").await;
    let de = c.get("/api/policies/privacy/promises?lang=de").await;
    assert_eq!(de.status, StatusCode::OK, "{:?}", de.body);
    let ids = |r: &Value| r["promises"].as_array().unwrap().iter().map(|p| p["id"].clone()).collect::<Vec<_>>();
    assert_eq!(ids(&en.body), ids(&de.body));
    assert_eq!(de.body["version"]["language"], "de");
    let statements = |r: &Value| r["promises"].as_array().unwrap().iter().map(|p| p["statement"].clone()).collect::<Vec<_>>();
    let (en_s, de_s) = (statements(&en.body), statements(&de.body));
    assert!(en_s.iter().zip(&de_s).all(|(a, b)| a != b), "every statement is in German");
    // How each is kept, and its tests, are the same facts in both.
    let tests = |r: &Value| r["promises"].as_array().unwrap().iter().map(|p| p["tests"].clone()).collect::<Vec<_>>();
    assert_eq!(tests(&en.body), tests(&de.body));
    // A version without the translation quotes the English.
    let r = c.get("/api/policies/privacy/promises?version=3&lang=de").await;
    assert_eq!(r.body["version"]["language"], "en");
}

#[tokio::test]
async fn each_language_has_its_own_feed() {
    let app = TestApp::spawn().await;
    let get = |path: &str| {
        let url = app.url(path);
        async move {
            let resp = reqwest::get(url).await.unwrap();
            assert_eq!(resp.status(), StatusCode::OK);
            let text = resp.text().await.unwrap();
            text.parse::<atom_syndication::Feed>().unwrap_or_else(|e| panic!("not Atom: {e}\n{text}"))
        }
    };
    let en = get("/policies/privacy.atom").await;
    let de = get("/policies/privacy.atom?lang=de").await;
    assert_eq!(en.title().as_str(), "Curtain privacy policy");
    assert_ne!(de.title().as_str(), en.title().as_str());
    assert_eq!(de.lang(), Some("de"));
    assert_ne!(de.id(), en.id(), "each feed is a feed of its own");
    assert_eq!(de.entries().len(), en.entries().len());
    let newest = &de.entries()[0];
    assert!(newest.links().iter().any(|l| l.href() == app.url("/de/privacy/v/5")), "{:?}", newest.links());
    assert!(newest.summary().unwrap().as_str().starts_with(&shipped(5, Lang::De).summary));
    let oldest = de.entries().last().unwrap();
    assert!(oldest.summary().unwrap().as_str().starts_with(&english(1).summary), "untranslated: the English one line");
    assert!(de.links().iter().any(|l| l.rel() == "self" && l.href() == app.url("/policies/privacy.atom?lang=de")));
}

#[tokio::test]
async fn a_translation_is_published_with_its_version_or_after_it_and_never_changes() {
    let app = TestApp::spawn().await;
    let c = app.client();
    let site = app.public_url();
    let now = clock::now();
    let ids = ["in-short", "children"];
    let date = date_in_days(3);
    let v6 = version_file(6, &date, false, None, &ids);

    // A translation must keep the version's frame: refused, and nothing is published.
    let other_date = version_file(6, &date_in_days(4), false, Some("de"), &ids);
    let e = store::publish_with(&app.command_db, &v6, &[&other_date], None, &site, now).await.unwrap_err();
    assert!(matches!(e, PublishError::Translation(TranslationError::Differs { field: "effective", .. })), "{e}");
    let fewer = version_file(6, &date, false, Some("de"), &ids[..1]);
    let e = store::publish_with(&app.command_db, &v6, &[&fewer], None, &site, now).await.unwrap_err();
    assert!(matches!(e, PublishError::Translation(TranslationError::Sections { .. })), "{e}");
    assert!(e.to_string().contains("#in-short, #children"), "{e}");
    assert_eq!(c.get("/api/policies/privacy/versions/6").await.status, StatusCode::NOT_FOUND);
    let twice = version_file(6, &date, false, Some("de"), &ids);
    let e = store::publish_with(&app.command_db, &v6, &[&twice, &twice], None, &site, now).await.unwrap_err();
    assert!(matches!(e, PublishError::TwoTranslations { language: "de" }), "{e}");

    // Published with its German translation.
    let de = version_file(6, &date, false, Some("de"), &ids);
    let published = store::publish_with(&app.command_db, &v6, &[&de], None, &site, now).await.unwrap();
    assert_eq!(published.translations, [Lang::De]);
    let r = c.get("/api/policies/privacy/versions/6?lang=de").await;
    assert_eq!((r.body["language"].as_str(), r.body["summary"].as_str()), (Some("de"), Some("Summary 6 in de.")));
    // Portuguese follows later, once; then it never changes.
    assert_eq!(c.get("/api/policies/privacy/versions/6?lang=pt-BR").await.body["language"], "en");
    let pt = version_file(6, &date, false, Some("pt-BR"), &ids);
    assert_eq!(store::publish_translation(&app.command_db, &pt, now).await.unwrap(), (6, Lang::PtBr));
    let r = c.get("/api/policies/privacy/versions/6?lang=pt-BR").await;
    assert_eq!(r.body["language"], "pt-BR", "a server that read the version before sees its new translation");
    let e = store::publish_translation(&app.command_db, &pt.replace("Text of", "Texto de"), now).await.unwrap_err();
    assert!(matches!(e, PublishError::TranslationExists { version: 6, language: "pt-BR" }), "{e}");
    let html = c.get("/api/policies/privacy/versions/6?lang=pt-BR").await.body["sections"][0]["html"].clone();
    assert_eq!(html.as_str().map(str::trim), Some("<p>Text of in-short.</p>"));

    // Not for a version that does not exist, and not an English file.
    let e = store::publish_translation(&app.command_db, &version_file(9, &date, false, Some("de"), &ids), now).await.unwrap_err();
    assert!(matches!(e, PublishError::Translation(TranslationError::NoSuchVersion(9))), "{e}");
    let e = store::publish_translation(&app.command_db, &v6, now).await.unwrap_err();
    assert!(matches!(e, PublishError::Translation(TranslationError::NotATranslation)), "{e}");
}

#[tokio::test]
async fn a_member_is_told_of_a_material_change_in_the_pages_language() {
    let app = TestApp::spawn().await;
    let c = app.client();
    assert_eq!(c.sign_up("lina", PW).await.status, StatusCode::CREATED);
    let ids: Vec<String> = english(5).sections.iter().map(|s| s.id.clone()).collect();
    let ids: Vec<&str> = ids.iter().map(String::as_str).collect();
    let today = date_in_days(0);
    let v6 = version_file(6, &today, true, None, &ids);
    let de = version_file(6, &today, true, Some("de"), &ids);
    store::publish_with(&app.command_db, &v6, &[&de], Some("A court order requires it at once."), &app.public_url(), clock::now())
        .await
        .unwrap();
    let r = c.get("/api/me/policy-status?lang=de").await;
    assert_eq!(r.status, StatusCode::OK, "{:?}", r.body);
    assert_eq!(r.body["pending"]["summary"], "Summary 6 in de.");
    let r = c.get("/api/me/policy-status").await;
    assert_eq!(r.body["pending"]["summary"], "Summary 6 in en.");
    // The version itself is acknowledged whatever language it was read in.
    let r = c.post("/api/me/policy-acceptances", &json!({"version": 6})).await;
    assert_eq!(r.status, StatusCode::CREATED, "{:?}", r.body);
    assert!(c.get("/api/me/policy-status?lang=pt-BR").await.body["pending"].is_null());
}

/// The newest policy notice to `address`: (subject, body).
async fn notice_to(app: &TestApp, address: &str) -> (String, String) {
    sqlx::query_as("SELECT subject, body FROM outbox WHERE kind = 'policy_change' AND to_address = $1 ORDER BY id DESC LIMIT 1")
        .bind(address)
        .fetch_one(app.command_db.read())
        .await
        .unwrap_or_else(|e| panic!("no notice to {address}: {e}"))
}

#[tokio::test]
async fn the_command_publishes_a_version_with_its_translations_and_tells_each_member_in_theirs() {
    let app = TestApp::spawn().await;
    for (name, language) in [("greta", Some("de")), ("bruna", Some("pt-BR")), ("emma", None)] {
        let c = app.member(name, PW).await;
        if let Some(language) = language {
            let r = c.send(reqwest::Method::PUT, "/api/me/language", Some(&json!({ "language": language })), None).await;
            assert_eq!(r.status, StatusCode::OK, "{:?}", r.body);
        }
    }
    let ids: Vec<String> = english(5).sections.iter().map(|s| s.id.clone()).collect();
    let ids: Vec<&str> = ids.iter().map(String::as_str).collect();
    let effective = date_in_days(31);
    let dir = tempfile::tempdir().unwrap();
    let write = |name: &str, text: String| {
        let path = dir.path().join(name);
        std::fs::write(&path, text).unwrap();
        path.display().to_string()
    };
    let v6 = write("v6.md", version_file(6, &effective, true, None, &ids));
    let de = write("v6.de.md", version_file(6, &effective, true, Some("de"), &ids));
    let out = curtain_tests::process::run_server_command([
        "policy", "publish", &v6, "--translation", &de, "--public-url", "https://curtain.example/", "--database", &app.database_url,
    ])
    .await;
    let said = format!("{}{}", String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
    assert!(out.status.success(), "{said}");
    assert!(said.contains("With its translations: de."), "{said}");

    // German members read the German one line; Portuguese ones, whose
    // translation is not there yet, the English one in a Portuguese notice.
    let (_, body) = notice_to(&app, "greta@example.org").await;
    assert!(body.contains("Summary 6 in de."), "{body}");
    assert!(body.contains("https://curtain.example/de/privacy/v/6"), "{body}");
    let (subject, body) = notice_to(&app, "bruna@example.org").await;
    assert!(body.contains("Summary 6 in en.") && !subject.starts_with("Our privacy policy"), "{subject}\n{body}");
    let (_, body) = notice_to(&app, "emma@example.org").await;
    assert!(body.contains("Summary 6 in en."), "{body}");

    // The Portuguese translation follows with the same command; a second
    // time, it is refused, and the command says why.
    let pt = write("v6.pt-BR.md", version_file(6, &effective, true, Some("pt-BR"), &ids));
    let publish_pt = || curtain_tests::process::run_server_command(["policy", "publish", &pt, "--database", &app.database_url]);
    let out = publish_pt().await;
    assert!(out.status.success(), "{}", String::from_utf8_lossy(&out.stderr));
    assert_eq!(app.client().get("/api/policies/privacy/versions/6?lang=pt-BR").await.body["language"], "pt-BR");
    let out = publish_pt().await;
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("never changes"), "{}", String::from_utf8_lossy(&out.stderr));
}
