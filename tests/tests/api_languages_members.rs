//! Members and languages over HTTP: the API answers in the language the
//! request asks for (`Accept-Language`, which the app sets to its page's
//! language) with the same codes; a member can store a language in their
//! account (sign-up stores the page's), which then decides where an
//! unprefixed page goes and what language their e-mails are written in,
//! policy notices included. Runs on SQLite and, with
//! `CURTAIN_TEST_DATABASE=postgres`, on PostgreSQL.

use std::process::Output;

use curtain_api::CivilDate;
use curtain_server::clock;
use curtain_tests::process::{describe_output, run_server_command};
use curtain_tests::{signup_body, ApiClient, Reply, TestApp};
use reqwest::header::{HeaderMap, HeaderValue};
use reqwest::{Method, StatusCode};
use serde_json::{json, Value};

const PW: &str = "correct horse battery staple";

/// A client whose every request asks for `tag`, as the app on a page in that language does.
fn client_in(app: &TestApp, tag: &str) -> ApiClient {
    let mut headers = HeaderMap::new();
    headers.insert("accept-language", HeaderValue::from_str(tag).unwrap());
    ApiClient::with(&app.base, reqwest::Client::builder().default_headers(headers))
}

async fn member_in(app: &TestApp, tag: &str, username: &str) -> ApiClient {
    let c = client_in(app, tag);
    let r = c.sign_up(username, PW).await;
    assert_eq!(r.status, StatusCode::CREATED, "{:?}", r.body);
    c
}

fn message(r: &Reply) -> &str {
    r.body["error"]["message"].as_str().unwrap_or("")
}

fn field<'a>(r: &'a Reply, name: &str) -> Vec<&'a str> {
    r.body["error"]["fields"][name].as_array().map(|a| a.iter().filter_map(Value::as_str).collect()).unwrap_or_default()
}

async fn put_language(c: &ApiClient, language: Value) -> Reply {
    c.send(Method::PUT, "/api/me/language", Some(&json!({ "language": language })), None).await
}

/// The newest message of `kind` to `address`: (subject, body).
async fn newest_mail(app: &TestApp, kind: &str, address: &str) -> (String, String) {
    sqlx::query_as("SELECT subject, body FROM outbox WHERE kind = $1 AND to_address = $2 ORDER BY id DESC LIMIT 1")
        .bind(kind)
        .bind(address)
        .fetch_one(app.command_db.read())
        .await
        .unwrap_or_else(|e| panic!("no {kind} message to {address}: {e}"))
}

/// A browser request that does not follow redirects, with `c`'s session cookies.
async fn page(app: &TestApp, path: &str, accept_language: &str, c: Option<&ApiClient>) -> (StatusCode, String) {
    let mut req = reqwest::Client::builder()
        .redirect(reqwest::redirect::Policy::none())
        .build()
        .unwrap()
        .get(app.url(path))
        .header("accept-language", accept_language);
    if let Some(c) = c {
        let cookies: Vec<String> = [curtain_api::SESSION_COOKIE, curtain_api::CSRF_COOKIE]
            .iter()
            .filter_map(|name| c.cookie(name).map(|v| format!("{name}={v}")))
            .collect();
        req = req.header("cookie", cookies.join("; "));
    }
    let r = req.send().await.expect("GET");
    let location = r.headers().get("location").and_then(|v| v.to_str().ok()).unwrap_or("").to_string();
    (r.status(), location)
}

#[tokio::test]
async fn error_and_field_messages_follow_the_requests_language_with_the_same_codes() {
    let app = TestApp::spawn().await;
    let bad = json!({
        "username": "x", "email": "nope", "password": "short", "birth_date": "soon", "accepted_policy_version": 0
    });
    let en = app.client().post("/api/auth/signup", &bad).await;
    assert_eq!(en.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(en.code(), "invalid");
    assert_eq!(message(&en), "Some fields need another look.", "English without a header: as before");
    assert_eq!(field(&en, "username"), ["Use 3 to 30 characters."]);
    assert_eq!(field(&en, "email"), ["Enter an address like name@example.org."]);
    let english = client_in(&app, "en-GB,en;q=0.9").post("/api/auth/signup", &bad).await;
    assert_eq!(english.body, en.body, "English asked for: the same answer, word for word");
    let unknown = client_in(&app, "fr-FR").post("/api/auth/signup", &bad).await;
    assert_eq!(unknown.body, en.body, "a language we do not speak: English");

    let de = client_in(&app, "de-DE,de;q=0.9").post("/api/auth/signup", &bad).await;
    assert_eq!((de.status, de.code()), (StatusCode::UNPROCESSABLE_ENTITY, "invalid"), "the same status and code");
    assert_eq!(message(&de), "Einige Felder müssen Sie sich noch einmal ansehen.");
    assert_eq!(field(&de, "username"), ["Verwenden Sie 3 bis 30 Zeichen."]);
    assert_eq!(field(&de, "password"), ["Verwenden Sie mindestens 10 Zeichen."]);
    assert_eq!(field(&de, "accepted_policy_version"), ["Lesen und akzeptieren Sie die Datenschutzerklärung."]);
    let fields = |r: &Reply| r.body["error"]["fields"].as_object().unwrap().keys().cloned().collect::<Vec<_>>();
    assert_eq!(fields(&de), fields(&en), "the same fields");

    let pt = client_in(&app, "pt-BR").post("/api/auth/signup", &bad).await;
    assert_eq!(pt.code(), "invalid");
    assert_eq!(message(&pt), "Alguns campos precisam de atenção.");
    assert_eq!(field(&pt, "username"), ["Use de 3 a 30 caracteres."]);
    assert_eq!(field(&pt, "email"), ["Informe um endereço como nome@example.org."]);

    // Sign-in, a taken username, a missing page, a signed-out caller, the rate limit's own words.
    let de_client = client_in(&app, "de");
    let r = de_client.post("/api/auth/signin", &json!({"login": "", "password": ""})).await;
    assert_eq!(field(&r, "login"), ["Geben Sie Ihren Benutzernamen oder Ihre E-Mail-Adresse ein."]);
    let r = de_client.sign_in("nobody", "wrong password", false).await;
    assert_eq!((r.status, r.code()), (StatusCode::UNAUTHORIZED, "bad_credentials"));
    assert_eq!(message(&r), "Benutzername oder E-Mail-Adresse und Passwort passen zu keinem Konto.");
    app.member("taken_name", PW).await;
    let r = client_in(&app, "pt-BR").sign_up("taken_name", PW).await;
    assert_eq!((r.status, r.code()), (StatusCode::CONFLICT, "taken"));
    assert_eq!(field(&r, "username"), ["Esse nome de usuário já está em uso. Tente outro."]);
    let r = app.client().sign_up("taken_name", PW).await;
    assert_eq!(field(&r, "username"), ["That username is taken. Try another."]);
    let r = de_client.get("/api/users/nobody_here").await;
    assert_eq!((r.status, r.code()), (StatusCode::NOT_FOUND, "not_found"));
    assert_eq!(message(&r), "Kein Mitglied hat diesen Benutzernamen.");
    let r = client_in(&app, "pt-BR").get("/api/me/profile").await;
    assert_eq!((r.status, r.code(), message(&r)), (StatusCode::UNAUTHORIZED, "unauthorized", "Entre para continuar."));
    let r = de_client.get("/api/policies/privacy/diff?from=x&to=1").await;
    assert_eq!(r.code(), "bad_version");
    assert_eq!(
        message(&r),
        "„x“ ist keine Versionsnummer. Versionen sind mit 1, 2, 3 usw. nummeriert: Wählen Sie die Version, von der aus verglichen wird."
    );
    let r = de_client.post_raw("/api/auth/signin", "application/json", "{").await;
    assert_eq!((r.code(), message(&r)), ("malformed_json", "Der Inhalt der Anfrage ist kein gültiges JSON."));
    for _ in 0..5 {
        de_client.sign_in("taken_name", "not the password", false).await;
    }
    let r = de_client.sign_in("taken_name", "not the password", false).await;
    assert_eq!((r.status, r.code()), (StatusCode::TOO_MANY_REQUESTS, "rate_limited"));
    assert!(message(&r).starts_with("Zu viele fehlgeschlagene Anmeldungen. Versuchen Sie es in "), "{}", message(&r));
    let r = app.client().sign_in("taken_name", "not the password", false).await;
    assert!(message(&r).starts_with("Too many failed sign-ins. Try again in "), "{}", message(&r));

    // The banner's form without JavaScript says what went wrong in the page's language.
    let form = reqwest::Client::new()
        .post(app.url("/consent"))
        .header("origin", app.base.clone())
        .form(&[("answer", "maybe"), ("language", "de"), ("return_to", "/de/privacy")])
        .send()
        .await
        .unwrap();
    assert_eq!(form.status(), StatusCode::BAD_REQUEST);
    assert_eq!(
        form.text().await.unwrap(),
        "Das ist keine der Antworten des Banners. Gehen Sie zurück zur Seite und wählen Sie erneut."
    );
    let form = reqwest::Client::new()
        .post(app.url("/consent"))
        .header("origin", app.base.clone())
        .form(&[("answer", "maybe"), ("return_to", "/privacy")])
        .send()
        .await
        .unwrap();
    assert_eq!(form.text().await.unwrap(), "That is not one of the banner's answers. Go back to the page and choose again.");
}

#[tokio::test]
async fn a_member_stores_changes_and_clears_their_language() {
    let app = TestApp::spawn().await;
    let c = app.member("lena", PW).await;
    // A sign-up that does not say its language (an older app) stores none.
    assert_eq!(c.get("/api/session").await.body["language"], Value::Null);

    let r = put_language(&c, json!("de")).await;
    assert_eq!(r.status, StatusCode::OK, "{:?}", r.body);
    assert_eq!((r.body["username"].as_str(), r.body["language"].as_str()), (Some("lena"), Some("de")));
    assert_eq!(c.get("/api/session").await.body["language"], "de");
    let export = c.get("/api/me/export").await;
    assert_eq!(export.body["account"]["language"], "de", "the export holds it");

    let r = put_language(&c, json!("pt-br")).await;
    assert_eq!(r.body["language"], "pt-BR", "stored as our tag");
    for refused in [json!("fr"), json!(""), json!("de-DE"), json!(42)] {
        let r = put_language(&c, refused.clone()).await;
        assert!(r.status.is_client_error(), "{refused}: {:?}", r.body);
        assert_eq!(c.get("/api/session").await.body["language"], "pt-BR", "{refused} changed nothing");
    }
    let r = put_language(&c, json!("fr")).await;
    assert_eq!((r.status, r.code()), (StatusCode::BAD_REQUEST, "invalid_language"));
    assert_eq!(field(&r, "language"), ["The language must be one of en, de, pt-BR."]);
    let de = client_in(&app, "de");
    de.sign_in("lena", PW, false).await;
    let r = put_language(&de, json!("fr")).await;
    assert_eq!(r.code(), "invalid_language");
    assert_eq!(message(&r), "Das ist keine Sprache, die Curtain spricht.");
    assert_eq!(field(&r, "language"), ["Die Sprache muss eine dieser sein: en, de, pt-BR."]);

    let r = put_language(&c, Value::Null).await;
    assert_eq!((r.status, &r.body["language"]), (StatusCode::OK, &Value::Null));
    assert_eq!(c.get("/api/session").await.body["language"], Value::Null);
    assert!(c.get("/api/me/export").await.body["account"].get("language").is_none(), "none chosen, none exported");

    // A write like every other: CSRF when signed in, and a member to write for.
    let r = reqwest::Client::new()
        .put(app.url("/api/me/language"))
        .header("cookie", format!("{}={}", curtain_api::SESSION_COOKIE, c.cookie(curtain_api::SESSION_COOKIE).unwrap()))
        .json(&json!({"language": "de"}))
        .send()
        .await
        .unwrap();
    assert_eq!(r.status(), StatusCode::FORBIDDEN, "without the CSRF token");
    assert_eq!(c.get("/api/session").await.body["language"], Value::Null);
    let r = put_language(&app.client(), json!("de")).await;
    assert_eq!((r.status, r.code()), (StatusCode::UNAUTHORIZED, "unauthorized"));
}

#[tokio::test]
async fn an_unprefixed_page_goes_to_the_members_language_first() {
    let app = TestApp::spawn().await;
    let c = app.member("jonas", PW).await;
    // Nothing stored: the browser decides, as for anyone.
    assert_eq!(page(&app, "/privacy", "de", Some(&c)).await, (StatusCode::FOUND, "/de/privacy".into()));
    assert_eq!(page(&app, "/privacy", "en", Some(&c)).await.0, StatusCode::OK);

    put_language(&c, json!("de")).await;
    assert_eq!(page(&app, "/privacy?x=1", "en-US,en", Some(&c)).await, (StatusCode::FOUND, "/de/privacy?x=1".into()));
    assert_eq!(page(&app, "/", "pt-BR", Some(&c)).await, (StatusCode::FOUND, "/de".into()), "over the browser's wish");
    assert_eq!(page(&app, "/pt-BR/privacy", "en", Some(&c)).await.0, StatusCode::OK, "a prefixed address never moves");
    assert_eq!(page(&app, "/privacy", "en", None).await.0, StatusCode::OK, "signed out: the browser decides");

    put_language(&c, json!("en")).await;
    assert_eq!(page(&app, "/settings", "de-DE,de", Some(&c)).await.0, StatusCode::OK, "English chosen: no move");
    put_language(&c, json!("pt-BR")).await;
    assert_eq!(page(&app, "/settings", "de", Some(&c)).await, (StatusCode::FOUND, "/pt-BR/settings".into()));
    put_language(&c, Value::Null).await;
    assert_eq!(page(&app, "/settings", "de", Some(&c)).await, (StatusCode::FOUND, "/de/settings".into()));
}

#[tokio::test]
async fn signing_up_in_german_keeps_german_and_mails_in_german() {
    let app = TestApp::spawn().await;
    let de = client_in(&app, "de");
    let mut body = signup_body("greta", PW, "1990-05-01");
    body["language"] = json!("de");
    let r = de.post("/api/auth/signup", &body).await;
    assert_eq!(r.status, StatusCode::CREATED, "{:?}", r.body);
    assert_eq!(r.body["language"], "de");
    assert_eq!(de.get("/api/session").await.body["language"], "de");

    let (subject, mail) = newest_mail(&app, "verify_email", "greta@example.org").await;
    assert_eq!(subject, "Bestätigen Sie Ihre E-Mail-Adresse");
    assert!(mail.starts_with("Bitte bestätigen Sie über diesen Link, dass greta@example.org Ihre Adresse für Curtain ist:\n\n"), "{mail}");
    assert!(mail.contains(&format!("{}/de/verify-email/", app.base)), "{mail}");
    assert!(mail.contains("Der Link funktioniert 7 Tage lang.") && !mail.contains("The link works"), "{mail}");
    assert_eq!(app.confirm_email("greta@example.org").await.status, StatusCode::OK, "the German link works");

    // Later mail follows the stored language whatever page the action came from.
    let en = app.client();
    en.sign_in("greta", PW, false).await;
    let r = en.post("/api/me/password", &json!({"current_password": PW, "new_password": "another long password"})).await;
    assert_eq!(r.status, StatusCode::OK, "{:?}", r.body);
    let (subject, mail) = newest_mail(&app, "password_changed", "greta@example.org").await;
    assert_eq!(subject, "Ihr Curtain-Passwort wurde geändert");
    assert!(mail.starts_with("Das Passwort Ihres Curtain-Kontos wurde gerade geändert"), "{mail}");

    // English as before: no language stored, none asked for.
    app.member("ellis", PW).await;
    let (subject, mail) = newest_mail(&app, "verify_email", "ellis@example.org").await;
    assert_eq!(subject, "Confirm your e-mail address");
    assert!(mail.starts_with("Please confirm that ellis@example.org is your address for Curtain by following this link:\n\n"));
    assert!(mail.contains(&format!("{}/verify-email/", app.base)), "{mail}");
    assert!(mail.ends_with("If you did not sign up for Curtain or ask to use this address, ignore this message: nothing happens without the link.\n"));

    // No language stored: the page the action came from decides.
    let pt = client_in(&app, "pt-BR");
    pt.sign_in("ellis", PW, false).await;
    let r = pt.post("/api/me/email", &json!({"current_password": PW, "new_email": "ellis.new@example.org"})).await;
    assert_eq!(r.status, StatusCode::OK, "{:?}", r.body);
    let (subject, mail) = newest_mail(&app, "verify_email", "ellis.new@example.org").await;
    assert_eq!(subject, "Confirme o seu endereço de e-mail");
    assert!(mail.contains(&format!("{}/pt-BR/verify-email/", app.base)), "{mail}");

    // A language we do not speak is refused at sign-up, and nothing is stored.
    let mut body = signup_body("fritz", PW, "1990-05-01");
    body["language"] = json!("fr");
    let r = app.client().post("/api/auth/signup", &body).await;
    assert_eq!((r.status, r.code()), (StatusCode::BAD_REQUEST, "invalid_language"));
    let fritz: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM users WHERE username = 'fritz'")
        .fetch_one(app.command_db.read())
        .await
        .unwrap();
    assert_eq!(fritz, 0);
}

fn in_days(days: i64) -> CivilDate {
    CivilDate::from_unix_days(clock::now().div_euclid(86_400) + days)
}

async fn publish(app: &TestApp, source: &str, args: &[&str]) -> Output {
    let file = tempfile::NamedTempFile::new().unwrap();
    std::fs::write(file.path(), source).unwrap();
    let mut all = vec!["policy".to_string(), "publish".into(), file.path().display().to_string()];
    all.extend(args.iter().map(|a| a.to_string()));
    all.extend(["--database".to_string(), app.database_url.clone()]);
    run_server_command(all).await
}

#[tokio::test]
async fn a_material_policy_notice_reaches_each_member_in_their_language() {
    let app = TestApp::spawn().await;
    member_in(&app, "de", "hanna").await;
    let hanna = client_in(&app, "de");
    hanna.sign_in("hanna", PW, false).await;
    put_language(&hanna, json!("de")).await;
    let bia = app.member("bia", PW).await;
    put_language(&bia, json!("pt-BR")).await;
    app.member("eddie", PW).await;
    // Asked in German, but nothing stored: a notice is not an answer to a page, so English.
    member_in(&app, "de", "anon").await;

    let n = curtain_server::policy::published::PUBLISHED.len() as u32 + 1;
    let effective = in_days(3);
    let source = format!(
        "---\nversion: {n}\neffective: {effective}\nmaterial: yes\nsummary: Names the company that hosts our servers.\n---\n\n\
         ## In short {{#in-short}}\n\nShort, version {n}.\n\n## Children {{#children}}\n\nNot for children.\n"
    );
    let out = publish(&app, &source, &["--urgent", "A new law requires it.", "--public-url", "https://curtain.example/"]).await;
    assert!(out.status.success(), "{}", describe_output(&out));

    let (subject, body) = newest_mail(&app, "policy_change", "hanna@example.org").await;
    let de_date = curtain_ui::dates::civil(effective, curtain_ui::Lang::De);
    assert_eq!(subject, format!("Unsere Datenschutzerklärung ändert sich am {de_date}"));
    assert!(body.starts_with(&format!("Wir ändern die Datenschutzerklärung von Curtain. Version {n} gilt ab dem {de_date}.\n\n")), "{body}");
    assert!(body.contains("Was sich ändert: Names the company that hosts our servers.\n"), "the summary is the version's own: {body}");
    assert!(body.contains(&format!("https://curtain.example/de/privacy/v/{n}\n")), "{body}");
    assert!(body.contains("https://curtain.example/de/privacy/compare?from="), "{body}");
    assert!(!body.contains("You receive this"), "{body}");

    let (subject, body) = newest_mail(&app, "policy_change", "bia@example.org").await;
    assert!(subject.starts_with("A nossa política de privacidade muda em "), "{subject}");
    assert!(body.contains(&format!("https://curtain.example/pt-BR/privacy/v/{n}\n")), "{body}");

    let en_date = curtain_tests::long_date(effective);
    for english in ["eddie@example.org", "anon@example.org"] {
        let (subject, body) = newest_mail(&app, "policy_change", english).await;
        assert_eq!(subject, format!("Our privacy policy changes on {en_date}"), "{english}");
        assert!(body.starts_with(&format!("We are changing the Curtain privacy policy. Version {n} takes effect on {en_date}.\n")));
        assert!(body.contains(&format!("Read version {n}: https://curtain.example/privacy/v/{n}\n")), "{body}");
    }
    let told: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM outbox WHERE kind = 'policy_change'")
        .fetch_one(app.command_db.read())
        .await
        .unwrap();
    assert_eq!(told, 4, "one notice per member, whatever the language");
}
