//! The follow graph shows only what both members of a follow let the viewer
//! see, and lists of members (follower lists, search) are filtered before
//! they are paged, so hidden members neither leak nor crowd out visible ones.

use std::collections::BTreeSet;

use curtain_tests::{signup_body, ApiClient, TestApp};
use reqwest::{Method, StatusCode};
use serde_json::{json, Value};

const PW: &str = "correct horse battery";

async fn privacy(c: &ApiClient, body: Value) {
    let r = c.send(Method::PATCH, "/api/me/privacy", Some(&body), None).await;
    assert_eq!(r.status, StatusCode::OK, "{:?}", r.body);
}

async fn follow(c: &ApiClient, whom: &str) -> Value {
    let r = c.post(&format!("/api/users/{whom}/follow"), &json!({})).await;
    assert_eq!(r.status, StatusCode::OK, "{:?}", r.body);
    r.body["relation"].clone()
}

/// The followers list of `whom` as `c` gets it, from the profile and from the
/// list endpoint (which must agree).
async fn followers(c: &ApiClient, whom: &str) -> Vec<String> {
    let from_profile = c.get(&format!("/api/users/{whom}")).await.body["followers"].clone();
    let from_list = c.get(&format!("/api/users/{whom}/followers")).await.body["members"].clone();
    assert_eq!(from_profile, from_list, "the profile and the list disagree about {whom}'s followers");
    serde_json::from_value(from_list).unwrap_or_default()
}

/// A birth date that makes someone `years` old today.
fn born_years_ago(years: i32) -> String {
    let today = curtain_server::clock::today().to_string();
    let year: i32 = today[..4].parse().unwrap();
    format!("{}-01-01", year - years - 1)
}

#[tokio::test]
async fn a_minor_following_a_public_member_is_not_shown_on_that_members_list() {
    let app = TestApp::spawn().await;
    let star = app.member("star", PW).await;
    star.edit_profile(json!({"audiences": {"followers": "everyone"}})).await;
    let teen = app.client();
    let r = teen.post("/api/auth/signup", &signup_body("teen", PW, &born_years_ago(15))).await;
    assert_eq!(r.status, StatusCode::CREATED, "{:?}", r.body);
    assert_eq!(follow(&teen, "star").await, "follower");

    assert!(followers(&app.client(), "star").await.is_empty(), "signed out: the minor is hidden");
    let someone = app.member("someone", PW).await;
    assert!(followers(&someone, "star").await.is_empty(), "a member: the minor is hidden");
    assert_eq!(followers(&teen, "star").await, ["teen"], "the minor sees their own follow");
    assert_eq!(followers(&star, "star").await, ["teen"], "the followee sees every follower");
}

// promise: follow-graph
#[tokio::test]
async fn a_member_who_keeps_whom_they_follow_to_themself_is_not_given_away() {
    let app = TestApp::spawn().await;
    let star = app.member("star", PW).await;
    star.edit_profile(json!({"audiences": {"followers": "everyone"}})).await;
    let quiet = app.member("quiet", PW).await;
    quiet.edit_profile(json!({"audiences": {"following": "only_me"}})).await;
    let open = app.member("open", PW).await;
    open.edit_profile(json!({"audiences": {"following": "everyone"}})).await;
    follow(&quiet, "star").await;
    follow(&open, "star").await;

    assert_eq!(followers(&app.client(), "star").await, ["open"]);
    let someone = app.member("someone", PW).await;
    assert_eq!(followers(&someone, "star").await, ["open"]);
    // A follower of quiet would see quiet's list if it were followers-only; it is only-me.
    assert_eq!(followers(&star, "star").await, ["open", "quiet"], "the followee sees both, newest first");
}

// promise: follow-graph
#[tokio::test]
async fn a_private_accounts_follow_shows_only_to_its_followers() {
    let app = TestApp::spawn().await;
    let ana = app.member("ana", PW).await;
    ana.edit_profile(json!({"audiences": {"followers": "everyone"}})).await;
    let bruno = app.member("bruno", PW).await;
    bruno.edit_profile(json!({"audiences": {"following": "everyone"}})).await;
    privacy(&bruno, json!({"private": true})).await;
    follow(&bruno, "ana").await;

    assert!(followers(&app.client(), "ana").await.is_empty(), "bruno's lists are his followers' to see");
    let member = app.member("member", PW).await;
    assert!(followers(&member, "ana").await.is_empty());
    // An approved follower of bruno may see whom he follows, so sees the follow.
    let friend = app.member("friend", PW).await;
    assert_eq!(follow(&friend, "bruno").await, "requested");
    let id = bruno.get("/api/me/follow-requests").await.body["requests"][0]["id"].clone();
    assert_eq!(bruno.post(&format!("/api/me/follow-requests/{id}/approve"), &json!({})).await.status, StatusCode::NO_CONTENT);
    assert_eq!(followers(&friend, "ana").await, ["bruno"]);
    // And bruno's own following list, to the same people.
    assert_eq!(friend.get("/api/users/bruno/following").await.body["members"], json!(["ana"]));
    assert_eq!(member.get("/api/users/bruno/following").await.status, StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn a_preview_shows_the_lists_as_that_audience_would_see_them() {
    let app = TestApp::spawn().await;
    let star = app.member("star", PW).await;
    star.edit_profile(json!({"audiences": {"followers": "everyone"}})).await;
    let members_only = app.member("moe", PW).await; // following: members (the default)
    follow(&members_only, "star").await;
    let preview = |audience: &'static str| {
        let star = &star;
        async move { star.get(&format!("/api/users/star?as={audience}")).await.body["followers"].clone() }
    };
    assert_eq!(preview("public").await, json!([]));
    assert_eq!(preview("member").await, json!(["moe"]));
    assert_eq!(preview("follower").await, json!(["moe"]));
    assert_eq!(star.get("/api/users/star/followers?as=public").await.body["members"], json!([]));
}

/// Inserts `n` members named `{prefix}{i}` straight into the database (setup
/// only: signing up hundreds through argon2 would take minutes), with the
/// given following audience and display name.
async fn bulk_members(app: &TestApp, prefix: &str, n: usize, following: &str, display: &str, name_audience: &str) -> Vec<i64> {
    let mut ids = Vec::new();
    for i in 0..n {
        let name = format!("{prefix}{i:03}");
        let id: i64 = sqlx::query_scalar(
            "INSERT INTO users (username, username_key, email, email_key, password_hash, birth_date, minor,
                                accepted_policy_version, created_at)
             VALUES ($1, $1, $1 || '@example.org', $1 || '@example.org', 'x', '1990-01-01', FALSE, 1, 0) RETURNING id",
        )
        .bind(&name)
        .fetch_one(&app.db)
        .await
        .unwrap();
        sqlx::query(
            "INSERT INTO profiles (user_id, following_audience, display_name, display_name_audience, updated_at)
             VALUES ($1, $2, $3, $4, 0)",
        )
        .bind(id)
        .bind(following)
        .bind(display)
        .bind(name_audience)
        .execute(&app.db)
        .await
        .unwrap();
        ids.push(id);
    }
    ids
}

async fn all_pages(c: &ApiClient, first: &str, key: &str) -> (Vec<String>, usize) {
    let mut names = Vec::new();
    let mut pages = 0;
    let mut url = first.to_string();
    loop {
        let r = c.get(&url).await;
        assert_eq!(r.status, StatusCode::OK, "{url}: {:?}", r.body);
        pages += 1;
        for m in r.body["members"].as_array().unwrap() {
            names.push(if key.is_empty() { m.as_str().unwrap().to_string() } else { m[key].as_str().unwrap().to_string() });
        }
        match r.body["next"].as_str() {
            Some(next) => {
                let sep = if first.contains('?') { '&' } else { '?' };
                url = format!("{first}{sep}after={next}");
            }
            None => return (names, pages),
        }
        assert!(pages < 50, "paging does not end");
    }
}

// promise: follow-graph
#[tokio::test]
async fn follower_lists_page_through_every_visible_follower_and_no_hidden_one() {
    let app = TestApp::spawn().await;
    let star = app.member("star", PW).await;
    star.edit_profile(json!({"audiences": {"followers": "everyone"}})).await;
    let star_id: i64 = sqlx::query_scalar("SELECT id FROM users WHERE username_key = 'star'").fetch_one(&app.db).await.unwrap();
    // Hidden followers first, so a list cut before filtering would show none of the visible ones.
    let hidden = bulk_members(&app, "hidden", 120, "only_me", "", "everyone").await;
    let shown = bulk_members(&app, "shown", 70, "everyone", "", "everyone").await;
    for id in hidden.iter().chain(&shown) {
        sqlx::query("INSERT INTO follows (follower_id, followee_id, status, created_at) VALUES ($1, $2, 'accepted', 0)")
            .bind(id)
            .bind(star_id)
            .execute(&app.db)
            .await
            .unwrap();
    }
    let anon = app.client();
    let profile = anon.get("/api/users/star").await.body;
    assert_eq!(profile["followers"].as_array().unwrap().len(), 50, "a full first page of visible followers");
    assert!(profile["followers_next"].is_string(), "{profile}");
    let (names, pages) = all_pages(&anon, "/api/users/star/followers", "").await;
    assert_eq!(pages, 2);
    let expected: BTreeSet<String> = (0..70).map(|i| format!("shown{i:03}")).collect();
    assert_eq!(names.len(), 70, "no duplicates across pages");
    assert_eq!(names.into_iter().collect::<BTreeSet<_>>(), expected);
    // The owner pages through all of them.
    let (all, _) = all_pages(&star, "/api/users/star/followers?limit=100", "").await;
    assert_eq!(all.len(), 190);
    // A cursor that is not one is a 4xx in the error shape.
    let r = anon.get("/api/users/star/followers?after=yesterday").await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(r.code(), "invalid");
}

#[tokio::test]
async fn search_is_filtered_before_it_is_cut_and_pages_without_repeats() {
    let app = TestApp::spawn().await;
    // 60 members whose display name matches but is hidden, joined first.
    bulk_members(&app, "quiet", 60, "members", "Film buff", "only_me").await;
    // 30 whose display name matches and is shown, 5 whose username matches.
    bulk_members(&app, "loud", 30, "members", "Film lover", "everyone").await;
    bulk_members(&app, "filmfan", 5, "members", "", "everyone").await;
    let anon = app.client();
    let (names, pages) = all_pages(&anon, "/api/users?q=film", "username").await;
    assert!(pages >= 2, "more than one page of results");
    assert_eq!(names.len(), 35, "{names:?}");
    assert!(names.iter().all(|n| n.starts_with("loud") || n.starts_with("filmfan")), "{names:?}");
    assert_eq!(names.iter().collect::<BTreeSet<_>>().len(), 35, "no repeats");

    // An exact username leads the first page, and only there.
    let first = anon.get("/api/users?q=filmfan003").await.body;
    assert_eq!(first["members"][0]["username"], "filmfan003", "{first}");
    let r = anon.get("/api/users?q=Film%20buff").await;
    assert_eq!(r.body["members"], json!([]), "a hidden display name cannot be probed");
    // Short queries find usernames by their start.
    let short = anon.get("/api/users?q=lo").await.body;
    assert_eq!(short["members"].as_array().unwrap().len(), 20, "{short}");
    assert!(short["members"][0]["username"].as_str().unwrap().starts_with("loud"));
}
