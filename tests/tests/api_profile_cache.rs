//! The profile cache never shows a profile as it was before a write: an
//! anonymous visitor reads a profile (which fills the cache), the member
//! changes something, and the very next anonymous read shows the change.
//!
//! The server here trusts a cached profile for an hour, so only the
//! invalidation that follows every write can make a change visible; the first
//! test shows the cache really answers without asking the database. Every
//! "the change shows at once" assertion below would therefore fail if a write
//! did not invalidate the cache.

use std::time::Duration;

use curtain_tests::{Options, TestApp};
use reqwest::{Method, StatusCode};
use serde_json::{json, Value};

const PW: &str = "correct horse battery";

async fn spawn() -> TestApp {
    TestApp::spawn_with(Options { profile_cache_max_age: Some(Duration::from_secs(3600)), ..Options::default() }).await
}

/// Saves `body` over the current version of the caller's profile.
/// `username`'s profile as an anonymous visitor sees it (200 expected).
async fn public_view(app: &TestApp, username: &str) -> Value {
    let r = app.client().get(&format!("/api/users/{username}")).await;
    assert_eq!(r.status, StatusCode::OK, "{:?}", r.body);
    r.body
}

async fn user_id(app: &TestApp, username: &str) -> i64 {
    sqlx::query_scalar("SELECT id FROM users WHERE username_key = $1").bind(username).fetch_one(&app.db).await.unwrap()
}

/// The control: a change made behind the server's back (straight into the
/// database, as no request does) is not seen while the cached profile is
/// current, so the other tests' reads really come from the cache. Any
/// request that may write, even one that is refused, makes it stale.
#[tokio::test]
async fn a_cached_profile_is_served_until_a_write_request() {
    let app = spawn().await;
    let ana = app.member("ana", PW).await;
    ana.edit_profile(json!({"about": "Noir on Sundays."})).await;
    assert_eq!(public_view(&app, "ana").await["about"], "Noir on Sundays.");

    sqlx::query("UPDATE profiles SET about = 'Changed behind the server' WHERE user_id = $1")
        .bind(user_id(&app, "ana").await)
        .execute(&app.db)
        .await
        .unwrap();
    assert_eq!(public_view(&app, "ana").await["about"], "Noir on Sundays.", "served from the cache");
    assert_eq!(public_view(&app, "ANA").await["about"], "Noir on Sundays.", "any letter case is the same entry");

    let refused = app.client().post("/api/me/history", &json!({})).await;
    assert_eq!(refused.status, StatusCode::UNAUTHORIZED);
    assert_eq!(public_view(&app, "ana").await["about"], "Changed behind the server");
}

/// Without invalidation the location would still be in the cached answer.
// promise: audience-per-field
#[tokio::test]
async fn a_narrowed_audience_hides_the_field_at_once() {
    let app = spawn().await;
    let ana = app.member("ana", PW).await;
    ana.edit_profile(json!({"location": "Lisbon", "audiences": {"location": "everyone"}})).await;
    assert_eq!(public_view(&app, "ana").await["location"], "Lisbon");

    ana.edit_profile(json!({"audiences": {"location": "members"}})).await;
    let view = public_view(&app, "ana").await;
    assert!(view.get("location").is_none(), "the hidden field is gone from the anonymous JSON: {view}");
    // Members still see it: the cache holds the field, visibility cuts it.
    assert_eq!(app.member("mia", PW).await.get("/api/users/ana").await.body["location"], "Lisbon");
}

/// Without invalidation the cached, public profile would still show `about`.
// promise: private-account
#[tokio::test]
async fn making_the_account_private_applies_at_once() {
    let app = spawn().await;
    let ana = app.member("ana", PW).await;
    ana.edit_profile(json!({"about": "Noir on Sundays."})).await;
    let view = public_view(&app, "ana").await;
    assert_eq!((view["private"].clone(), view["about"].clone()), (json!(false), json!("Noir on Sundays.")));

    let r = ana.send(Method::PATCH, "/api/me/privacy", Some(&json!({"private": true})), None).await;
    assert_eq!(r.status, StatusCode::OK, "{:?}", r.body);
    let view = public_view(&app, "ana").await;
    assert_eq!(view["private"], true, "{view}");
    assert!(view.get("about").is_none(), "a private account shows `everyone` fields to followers only: {view}");
}

/// Without invalidation the cached followers list would still be empty.
#[tokio::test]
async fn a_new_follower_appears_at_once() {
    let app = spawn().await;
    let ana = app.member("ana", PW).await;
    ana.edit_profile(json!({"audiences": {"followers": "everyone"}})).await;
    assert_eq!(public_view(&app, "ana").await["followers"], json!([]));
    let anon = app.client();
    assert_eq!(anon.get("/api/users/ana/followers").await.body["members"], json!([]));

    let fan = app.member("fan", PW).await;
    // A follow shows to everyone only when both members' lists do.
    fan.edit_profile(json!({"audiences": {"following": "everyone"}})).await;
    assert_eq!(fan.post("/api/users/ana/follow", &json!({})).await.body["relation"], "follower");
    assert_eq!(public_view(&app, "ana").await["followers"], json!(["fan"]));
    assert_eq!(anon.get("/api/users/ana/followers").await.body["members"], json!(["fan"]));

    // And an approved request to a private account, too.
    let r = ana.send(Method::PATCH, "/api/me/privacy", Some(&json!({"private": true})), None).await;
    assert_eq!(r.status, StatusCode::OK);
    let late = app.member("late", PW).await;
    assert_eq!(late.post("/api/users/ana/follow", &json!({})).await.body["relation"], "requested");
    let fan_view = fan.get("/api/users/ana").await.body;
    assert_eq!(fan_view["followers"], json!(["fan"]), "{fan_view}");
    let request = ana.get("/api/me/follow-requests").await.body["requests"][0]["id"].clone();
    let r = ana.post(&format!("/api/me/follow-requests/{request}/approve"), &json!({})).await;
    assert_eq!(r.status, StatusCode::NO_CONTENT, "{:?}", r.body);
    assert_eq!(fan.get("/api/users/ana").await.body["followers"], json!(["late", "fan"]), "most recent follow first");
}

/// Without invalidation the cached history would still be empty after the
/// entry was added, and still hold it after it was deleted.
#[tokio::test]
async fn history_added_and_deleted_shows_at_once() {
    let app = spawn().await;
    let ana = app.member("ana", PW).await;
    ana.edit_profile(json!({"audiences": {"history": "everyone"}})).await;
    let anon = app.client();
    assert_eq!(public_view(&app, "ana").await["history"], json!([]));
    assert_eq!(anon.get("/api/users/ana/history").await.body["entries"], json!([]));

    let r = ana.post("/api/me/history", &json!({"title": "Vertigo", "year": 1958, "kind": "movie", "watched_on": "2026-01-05"})).await;
    assert_eq!(r.status, StatusCode::CREATED, "{:?}", r.body);
    let id = r.body["id"].as_i64().unwrap();
    let history = public_view(&app, "ana").await["history"].clone();
    assert_eq!(history.as_array().map(Vec::len), Some(1), "{history}");
    assert_eq!(history[0]["title"], "Vertigo");
    assert_eq!(anon.get("/api/users/ana/history").await.body["entries"][0]["title"], "Vertigo");

    let r = ana.send(Method::DELETE, &format!("/api/me/history/{id}"), None, None).await;
    assert_eq!(r.status, StatusCode::NO_CONTENT, "{:?}", r.body);
    assert_eq!(public_view(&app, "ana").await["history"], json!([]));
    assert_eq!(anon.get("/api/users/ana/history").await.body["entries"], json!([]));
}

/// Without invalidation the deleted member's cached profile would still be
/// served, and they would still be in the cached followers list of the member
/// they followed: deletion changes someone else's profile too.
#[tokio::test]
async fn a_deleted_account_disappears_at_once_everywhere() {
    let app = spawn().await;
    let stays = app.member("stays", PW).await;
    stays.edit_profile(json!({"audiences": {"followers": "everyone"}})).await;
    let leaves = app.member("leaves", PW).await;
    leaves.edit_profile(json!({"about": "Here for now.", "audiences": {"following": "everyone"}})).await;
    assert_eq!(leaves.post("/api/users/stays/follow", &json!({})).await.body["relation"], "follower");
    assert_eq!(public_view(&app, "leaves").await["about"], "Here for now.");
    assert_eq!(public_view(&app, "stays").await["followers"], json!(["leaves"]));
    assert_eq!(app.client().get("/api/users/stays/followers").await.body["members"], json!(["leaves"]));

    let r = leaves.send(Method::DELETE, "/api/me", Some(&json!({"password": PW, "confirm_username": "leaves"})), None).await;
    assert_eq!(r.status, StatusCode::NO_CONTENT, "{:?}", r.body);
    let r = app.client().get("/api/users/leaves").await;
    assert_eq!((r.status, r.code()), (StatusCode::NOT_FOUND, "not_found"), "{:?}", r.body);
    assert_eq!(public_view(&app, "stays").await["followers"], json!([]));
    assert_eq!(app.client().get("/api/users/stays/followers").await.body["members"], json!([]));

    // The name is free again, and a newcomer who takes it is not shown as the old member.
    let newcomer = app.member("leaves", PW).await;
    let view = public_view(&app, "leaves").await;
    assert!(view.get("about").is_none(), "{view}");
    drop(newcomer);
}

/// A name nobody has answers 404 until someone signs up with it.
#[tokio::test]
async fn a_new_member_is_found_at_once() {
    let app = spawn().await;
    assert_eq!(app.client().get("/api/users/newbie").await.status, StatusCode::NOT_FOUND);
    app.member("newbie", PW).await;
    assert_eq!(public_view(&app, "newbie").await["username"], "newbie");
}
