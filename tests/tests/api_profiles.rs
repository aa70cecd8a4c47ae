//! Profiles and visibility over real HTTP: every endpoint that returns profile
//! data, for every relation a viewer can have, plus follows, previews, search,
//! minors' defaults and lost-update protection.

use curtain_tests::{signup_body, ApiClient, Reply, TestApp};
use reqwest::{Method, StatusCode};
use serde_json::{json, Value};

const PW: &str = "correct horse battery";

async fn etag(c: &ApiClient) -> String {
    let r = c.get("/api/me/profile").await;
    assert_eq!(r.status, StatusCode::OK, "{:?}", r.body);
    r.headers.get("etag").expect("an ETag").to_str().unwrap().to_string()
}

async fn edit(c: &ApiClient, body: Value) -> Reply {
    let tag = etag(c).await;
    let r = c.send(Method::PATCH, "/api/me/profile", Some(&body), Some(&tag)).await;
    assert_eq!(r.status, StatusCode::OK, "{:?}", r.body);
    r
}

async fn set_private(c: &ApiClient, private: bool) {
    let r = c.send(Method::PATCH, "/api/me/privacy", Some(&json!({ "private": private })), None).await;
    assert_eq!(r.status, StatusCode::OK, "{:?}", r.body);
    assert_eq!(r.body["private"], private);
}

/// The optional profile keys present in a JSON profile, sorted.
fn shown(body: &Value) -> Vec<String> {
    let always = ["username", "relation", "private", "indexable", "preview"];
    let mut keys: Vec<String> =
        body.as_object().expect("a profile").keys().filter(|k| !always.contains(&k.as_str())).cloned().collect();
    keys.sort();
    keys
}

fn sorted(keys: &[&str]) -> Vec<String> {
    let mut v: Vec<String> = keys.iter().map(|s| s.to_string()).collect();
    v.sort();
    v
}

struct Cast {
    owner: ApiClient,
    follower: ApiClient,
    requester: ApiClient,
    member: ApiClient,
    anonymous: ApiClient,
}

/// olga, with one field per audience; fred follows her (approved), rita's
/// request waits, mia is just a member.
async fn cast(app: &TestApp) -> Cast {
    let owner = app.member("olga", PW).await;
    edit(
        &owner,
        json!({
            "display_name": "Quinta Rivers",
            "about": "Members-only about text",
            "location": "Followers-only Oslo",
            "gender": "only-me gender",
            "favourite_genres": ["Noir"],
            "audiences": {
                "display_name": "everyone", "favourite_genres": "everyone", "joined": "everyone",
                "about": "members", "birth_date": "members", "followers": "members",
                "location": "followers", "history": "followers",
                "gender": "only_me", "following": "only_me"
            }
        }),
    )
    .await;
    let r = owner.post("/api/me/history", &json!({"title": "Vertigo", "year": 1958, "kind": "movie", "watched_on": "2026-01-05"})).await;
    assert_eq!(r.status, StatusCode::CREATED, "{:?}", r.body);

    let follower = app.member("fred", PW).await;
    let requester = app.member("rita", PW).await;
    let m = app.member("mia", PW).await;
    // olga follows mia, so her following list has someone in it.
    assert_eq!(owner.post("/api/users/mia/follow", &json!({})).await.body["relation"], "follower");

    set_private(&owner, true).await;
    assert_eq!(follower.post("/api/users/olga/follow", &json!({})).await.body["relation"], "requested");
    assert_eq!(requester.post("/api/users/olga/follow", &json!({})).await.body["relation"], "requested");
    let requests = owner.get("/api/me/follow-requests").await.body["requests"].as_array().unwrap().clone();
    let fred = requests.iter().find(|r| r["username"] == "fred").expect("fred's request");
    let r = owner.post(&format!("/api/me/follow-requests/{}/approve", fred["id"]), &json!({})).await;
    assert_eq!(r.status, StatusCode::NO_CONTENT, "{:?}", r.body);
    // Making the account public again leaves rita's request waiting.
    set_private(&owner, false).await;
    Cast { owner, follower, requester, member: m, anonymous: app.client() }
}

// promise: audience-per-field, email-never-shown
#[tokio::test]
async fn each_relation_sees_exactly_its_fields_on_every_endpoint() {
    let app = TestApp::spawn().await;
    let c = cast(&app).await;
    let viewers: [(&str, &ApiClient, &str); 5] = [
        ("anonymous", &c.anonymous, "anonymous"),
        ("member", &c.member, "member"),
        ("requester", &c.requester, "requested"),
        ("follower", &c.follower, "follower"),
        ("owner", &c.owner, "owner"),
    ];
    let public_base = ["display_name", "favourite_genres", "joined_on"];
    let member_adds = ["about", "age", "followers"];
    let follower_adds = ["location", "history"];
    let owner_adds = ["gender", "following"];

    for private in [false, true] {
        set_private(&c.owner, private).await;
        for (who, client, relation) in viewers {
            let mut expected: Vec<&str> = Vec::new();
            let tier = match who {
                "anonymous" => 0,
                "member" | "requester" => 1,
                "follower" => 2,
                _ => 3,
            };
            // A private account shows nothing below followers to anyone else.
            if tier >= 2 || !private {
                expected.extend(public_base);
            }
            if tier >= 2 || (tier >= 1 && !private) {
                expected.extend(member_adds);
            }
            if tier >= 2 {
                expected.extend(follower_adds);
            }
            if tier >= 3 {
                expected.extend(owner_adds);
            }
            let context = format!("{who}, private {private}");

            let r = client.get("/api/users/olga").await;
            assert_eq!(r.status, StatusCode::OK, "{context}: {:?}", r.body);
            assert_eq!(shown(&r.body), sorted(&expected), "{context}: {}", r.body);
            assert_eq!(r.body["relation"], relation, "{context}");
            assert_eq!(r.body["private"], private, "{context}");
            let text = r.body.to_string();
            assert!(!text.contains("olga@example.org") && !text.contains("1990-05-01"), "{context}: {text}");
            for (secret, field) in [("Oslo", "location"), ("only-me gender", "gender"), ("Members-only", "about"), ("Vertigo", "history")] {
                assert_eq!(text.contains(secret), expected.contains(&field), "{context}: {field} in {text}");
            }

            // The list endpoints answer exactly when the profile shows the list.
            for (path, field) in [("history", "history"), ("followers", "followers"), ("following", "following")] {
                let r = client.get(&format!("/api/users/olga/{path}")).await;
                if expected.contains(&field) {
                    assert_eq!(r.status, StatusCode::OK, "{context}: {path} {:?}", r.body);
                } else {
                    assert_eq!((r.status, r.code()), (StatusCode::FORBIDDEN, "hidden"), "{context}: {path}");
                    assert!(!r.body.to_string().contains("Vertigo") && !r.body.to_string().contains("fred"));
                }
            }
            let r = client.get("/api/users/olga/followers").await;
            if r.status == StatusCode::OK {
                assert_eq!(r.body["members"], json!(["fred"]), "rita's pending request is not a follower");
            }

            // Search by display name finds her only where the name is visible;
            // by username always (she is discoverable).
            let r = client.get("/api/users?q=quinta").await;
            let found = r.body["members"].as_array().unwrap();
            assert_eq!(found.len(), usize::from(expected.contains(&"display_name")), "{context}: {}", r.body);
            let r = client.get("/api/users?q=OLG").await;
            assert_eq!(r.body["members"][0]["username"], "olga", "{context}: {}", r.body);
            assert_eq!(
                r.body["members"][0].get("display_name").is_some(),
                expected.contains(&"display_name"),
                "{context}: {}",
                r.body
            );
        }
    }
}

#[tokio::test]
async fn only_the_owner_may_preview_and_the_preview_matches_the_real_view() {
    let app = TestApp::spawn().await;
    let c = cast(&app).await;
    for (preview, viewer) in [("public", &c.anonymous), ("member", &c.member), ("follower", &c.follower)] {
        let mut seen = c.owner.get(&format!("/api/users/olga?as={preview}")).await;
        assert_eq!(seen.status, StatusCode::OK, "{:?}", seen.body);
        assert_eq!(seen.body["preview"], preview);
        let mut real = viewer.get("/api/users/olga").await.body;
        seen.body.as_object_mut().unwrap().remove("preview");
        real.as_object_mut().unwrap().remove("relation");
        seen.body.as_object_mut().unwrap().remove("relation");
        assert_eq!(seen.body, real, "preview as {preview}");
    }
    let r = c.owner.get("/api/users/olga/history?as=public").await;
    assert_eq!(r.status, StatusCode::FORBIDDEN, "the preview applies to the lists too");

    for other in [&c.member, &c.follower, &c.anonymous] {
        let r = other.get("/api/users/olga?as=public").await;
        assert_eq!((r.status, r.code()), (StatusCode::FORBIDDEN, "forbidden"), "{:?}", r.body);
        let r = other.get("/api/users/olga/followers?as=follower").await;
        assert_eq!((r.status, r.code()), (StatusCode::FORBIDDEN, "forbidden"));
    }
    let r = c.owner.get("/api/users/olga?as=admin").await;
    assert_eq!(r.status, StatusCode::BAD_REQUEST);
    let r = c.owner.get("/api/users/olga?as=public&as=member").await;
    assert_eq!((r.status, r.code()), (StatusCode::BAD_REQUEST, "bad_request"), "{:?}", r.body);
}

// promise: private-account
#[tokio::test]
async fn follow_requests_are_approved_denied_withdrawn_and_followers_removed() {
    let app = TestApp::spawn().await;
    let bob = app.member("bob", PW).await;
    let ann = app.member("ann", PW).await;
    let cat = app.member("cat", PW).await;
    set_private(&bob, true).await;
    edit(&bob, json!({"location": "Bergen", "audiences": {"location": "followers"}})).await;

    let r = ann.post("/api/users/BOB/follow", &json!({})).await;
    assert_eq!((r.status, r.body["relation"].clone()), (StatusCode::OK, json!("requested")), "{:?}", r.body);
    // Asking twice changes nothing.
    assert_eq!(ann.post("/api/users/bob/follow", &json!({})).await.body["relation"], "requested");
    assert!(ann.get("/api/users/bob").await.body.get("location").is_none(), "a request grants nothing");
    cat.post("/api/users/bob/follow", &json!({})).await;

    let requests = bob.get("/api/me/follow-requests").await.body["requests"].as_array().unwrap().clone();
    let names: Vec<&str> = requests.iter().map(|r| r["username"].as_str().unwrap()).collect();
    assert_eq!(names, ["ann", "cat"]);
    let (ann_id, cat_id) = (requests[0]["id"].clone(), requests[1]["id"].clone());

    // Nobody else can answer bob's requests.
    let r = cat.post(&format!("/api/me/follow-requests/{ann_id}/approve"), &json!({})).await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);

    assert_eq!(bob.post(&format!("/api/me/follow-requests/{ann_id}/approve"), &json!({})).await.status, StatusCode::NO_CONTENT);
    let r = ann.get("/api/users/bob").await;
    assert_eq!((r.body["relation"].clone(), r.body["location"].clone()), (json!("follower"), json!("Bergen")));
    assert_eq!(bob.post(&format!("/api/me/follow-requests/{ann_id}/approve"), &json!({})).await.status, StatusCode::NOT_FOUND);

    assert_eq!(bob.post(&format!("/api/me/follow-requests/{cat_id}/deny"), &json!({})).await.status, StatusCode::NO_CONTENT);
    assert_eq!(cat.get("/api/users/bob").await.body["relation"], "member");
    assert!(bob.get("/api/me/follow-requests").await.body["requests"].as_array().unwrap().is_empty());
    assert_eq!(bob.post("/api/me/follow-requests/nonsense/deny", &json!({})).await.status, StatusCode::NOT_FOUND);

    // A withdrawn request disappears from the owner's list.
    cat.post("/api/users/bob/follow", &json!({})).await;
    let r = cat.send(Method::DELETE, "/api/users/bob/follow", None, None).await;
    assert_eq!(r.body["relation"], "member");
    assert!(bob.get("/api/me/follow-requests").await.body["requests"].as_array().unwrap().is_empty());

    // Removing a follower takes their access away.
    let r = bob.send(Method::DELETE, "/api/me/followers/ann", None, None).await;
    assert_eq!(r.status, StatusCode::NO_CONTENT, "{:?}", r.body);
    let r = ann.get("/api/users/bob").await;
    assert_eq!(r.body["relation"], "member");
    assert!(r.body.get("location").is_none());
    assert_eq!(bob.send(Method::DELETE, "/api/me/followers/ann", None, None).await.status, StatusCode::NOT_FOUND);

    // A public account is followed at once; unfollowing ends it.
    set_private(&bob, false).await;
    assert_eq!(ann.post("/api/users/bob/follow", &json!({})).await.body["relation"], "follower");
    assert_eq!(ann.send(Method::DELETE, "/api/users/bob/follow", None, None).await.body["relation"], "member");

    let r = bob.post("/api/users/bob/follow", &json!({})).await;
    assert_eq!((r.status, r.code()), (StatusCode::UNPROCESSABLE_ENTITY, "self_follow"));
    assert_eq!(ann.post("/api/users/nobody_here/follow", &json!({})).await.status, StatusCode::NOT_FOUND);
    assert_eq!(app.client().post("/api/users/bob/follow", &json!({})).await.status, StatusCode::UNAUTHORIZED);
    assert_eq!(app.client().get("/api/me/follow-requests").await.status, StatusCode::UNAUTHORIZED);
}

// promise: hidden-from-search
#[tokio::test]
async fn undiscoverable_members_are_absent_from_search_even_by_exact_username() {
    let app = TestApp::spawn().await;
    let hid = app.member("hidden_hal", PW).await;
    let seeker = app.member("seeker", PW).await;
    edit(&hid, json!({"display_name": "Hal"})).await;
    assert_eq!(seeker.get("/api/users?q=hidden_hal").await.body["members"][0]["username"], "hidden_hal");

    let r = hid.send(Method::PATCH, "/api/me/privacy", Some(&json!({"discoverable": false})), None).await;
    assert_eq!(r.body, json!({"private": false, "discoverable": false, "indexable": true}));
    for q in ["hidden_hal", "HIDDEN_HAL", "hal", "Hal"] {
        for c in [&seeker, &app.client(), &hid] {
            let r = c.get(&format!("/api/users?q={q}")).await;
            assert_eq!(r.status, StatusCode::OK);
            assert_eq!(r.body["members"], json!([]), "{q}: {}", r.body);
        }
    }
    // The profile itself still opens for whoever has the link.
    assert_eq!(seeker.get("/api/users/hidden_hal").await.status, StatusCode::OK);
    assert_eq!(seeker.get("/api/users?q=").await.body["members"], json!([]));
    let long = "x".repeat(61);
    assert_eq!(seeker.get(&format!("/api/users?q={long}")).await.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(seeker.get("/api/users/nobody_at_all").await.status, StatusCode::NOT_FOUND);
}

// promise: minors-start-private
#[tokio::test]
async fn a_minor_starts_private_undiscoverable_unindexed_with_birth_date_only_me() {
    let app = TestApp::spawn().await;
    let teen = app.client();
    // Fourteen or fifteen today, whenever the test runs.
    let born = format!("{}-01-01", curtain_server::clock::today().year - 15);
    let r = teen.post("/api/auth/signup", &signup_body("teen_tia", PW, &born)).await;
    assert_eq!((r.status, r.body["minor"].clone()), (StatusCode::CREATED, json!(true)), "{:?}", r.body);
    assert_eq!(teen.get("/api/me/privacy").await.body, json!({"private": true, "discoverable": false, "indexable": false}));
    assert_eq!(teen.get("/api/me/profile").await.body["audiences"]["birth_date"], "only_me");

    let adult = app.member("adult_al", PW).await;
    assert_eq!(adult.get("/api/me/privacy").await.body, json!({"private": false, "discoverable": true, "indexable": true}));

    let r = adult.get("/api/users/teen_tia").await;
    assert_eq!(r.body["private"], true);
    assert_eq!(r.body["indexable"], false);
    assert!(shown(&r.body).is_empty(), "{}", r.body);
    assert_eq!(adult.get("/api/users?q=teen_tia").await.body["members"], json!([]));
    assert_eq!(adult.post("/api/users/teen_tia/follow", &json!({})).await.body["relation"], "requested");
}

#[tokio::test]
async fn a_stale_etag_gets_412_and_nothing_is_overwritten() {
    let app = TestApp::spawn().await;
    let me = app.member("eve", PW).await;
    let r = me.get("/api/me/profile").await;
    assert_eq!(r.body["username"], "eve");
    assert_eq!(r.body["birth_date"], "1990-05-01");
    assert_eq!(r.body["audiences"]["location"], "only_me", "location starts with its owner");
    let first = etag(&me).await;

    let r = me.send(Method::PATCH, "/api/me/profile", Some(&json!({"location": "Tab A"})), None).await;
    assert_eq!((r.status, r.code()), (StatusCode::PRECONDITION_REQUIRED, "precondition_required"));

    let r = me.send(Method::PATCH, "/api/me/profile", Some(&json!({"location": " Tab A "})), Some(&first)).await;
    assert_eq!(r.status, StatusCode::OK, "{:?}", r.body);
    assert_eq!(r.body["location"], "Tab A");
    let second = r.headers.get("etag").unwrap().to_str().unwrap().to_string();
    assert_ne!(second, first);

    // The other tab still holds the first ETag.
    let r = me.send(Method::PATCH, "/api/me/profile", Some(&json!({"location": "Tab B"})), Some(&first)).await;
    assert_eq!((r.status, r.code()), (StatusCode::PRECONDITION_FAILED, "stale"), "{:?}", r.body);
    assert_eq!(me.get("/api/me/profile").await.body["location"], "Tab A");
    let r = me.send(Method::PATCH, "/api/me/profile", Some(&json!({"location": "Tab B"})), Some("garbage")).await;
    assert_eq!(r.status, StatusCode::PRECONDITION_FAILED);

    // Field errors name their fields; nothing is saved.
    let r = me
        .send(
            Method::PATCH,
            "/api/me/profile",
            Some(&json!({"display_name": "x".repeat(51), "location": "two\nlines"})),
            Some(&second),
        )
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{:?}", r.body);
    assert!(r.body["error"]["fields"]["display_name"].is_array() && r.body["error"]["fields"]["location"].is_array());
    assert_eq!(etag(&me).await, second, "a refused edit does not bump the version");
    let r = me.send(Method::PATCH, "/api/me/profile", Some(&json!({"email": "x@y.z"})), Some(&second)).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "the e-mail is not a profile field");
    let r = me.send(Method::PATCH, "/api/me/profile", Some(&json!({"audiences": {"location": "friends"}})), Some(&second)).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);

    let r = app.client().send(Method::PATCH, "/api/me/profile", Some(&json!({})), Some(&second)).await;
    assert_eq!(r.status, StatusCode::UNAUTHORIZED);
    // Unsafe methods still need the CSRF token.
    let r = me.http.patch(app.url("/api/me/privacy")).json(&json!({"private": true})).send().await.unwrap();
    assert_eq!(r.status(), StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn watch_history_is_logged_checked_and_removed_by_its_owner_only() {
    let app = TestApp::spawn().await;
    let me = app.member("wes", PW).await;
    let other = app.member("xia", PW).await;
    let r = me.post("/api/me/history", &json!({"title": " Paris, Texas ", "year": 1984, "kind": "movie", "watched_on": "2026-02-01"})).await;
    assert_eq!(r.status, StatusCode::CREATED, "{:?}", r.body);
    assert_eq!(r.body["title"], "Paris, Texas");
    let id = r.body["id"].as_i64().unwrap();
    me.post("/api/me/history", &json!({"title": "Fleabag", "kind": "show", "watched_on": "2026-03-01"})).await;

    let r = me.get("/api/users/wes/history").await;
    let titles: Vec<&str> = r.body["entries"].as_array().unwrap().iter().map(|e| e["title"].as_str().unwrap()).collect();
    assert_eq!(titles, ["Fleabag", "Paris, Texas"], "most recent first");

    let r = me.post("/api/me/history", &json!({"title": "", "year": 1500, "kind": "movie", "watched_on": "2999-01-01"})).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    let fields = r.body["error"]["fields"].as_object().unwrap();
    assert!(fields.contains_key("title") && fields.contains_key("year") && fields.contains_key("watched_on"), "{fields:?}");
    let r = me.post("/api/me/history", &json!({"title": "X", "kind": "podcast", "watched_on": "2026-01-01"})).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);

    assert_eq!(other.send(Method::DELETE, &format!("/api/me/history/{id}"), None, None).await.status, StatusCode::NOT_FOUND);
    assert_eq!(me.send(Method::DELETE, &format!("/api/me/history/{id}"), None, None).await.status, StatusCode::NO_CONTENT);
    assert_eq!(me.send(Method::DELETE, &format!("/api/me/history/{id}"), None, None).await.status, StatusCode::NOT_FOUND);
    assert_eq!(me.get("/api/users/wes/history").await.body["entries"].as_array().unwrap().len(), 1);
}

#[tokio::test]
async fn profile_rows_go_with_the_account() {
    let app = TestApp::spawn().await;
    let a = app.member("gone_gil", PW).await;
    let b = app.member("stays_sam", PW).await;
    a.post("/api/me/history", &json!({"title": "Heat", "kind": "movie", "watched_on": "2026-01-01"})).await;
    a.post("/api/users/stays_sam/follow", &json!({})).await;
    b.post("/api/users/gone_gil/follow", &json!({})).await;
    assert_eq!(b.get("/api/users/stays_sam/followers").await.body["members"].as_array().map(Vec::len), Some(1));
    let gil: i64 = sqlx::query_scalar("SELECT id FROM users WHERE username = 'gone_gil'").fetch_one(&app.db).await.unwrap();
    // Deleted the way a member deletes their account, through the API.
    let r = a.send(Method::DELETE, "/api/me", Some(&json!({"password": PW, "confirm_username": "gone_gil"})), None).await;
    assert_eq!(r.status, StatusCode::NO_CONTENT, "{:?}", r.body);
    for (table, columns) in [("profiles", &["user_id"][..]), ("follows", &["follower_id", "followee_id"]), ("watch_history", &["user_id"])] {
        for column in columns {
            let n: i64 = sqlx::query_scalar(&format!("SELECT COUNT(*) FROM {table} WHERE {column} = $1"))
                .bind(gil)
                .fetch_one(&app.db)
                .await
                .unwrap();
            assert_eq!(n, 0, "{table}.{column} keeps rows of a deleted account");
        }
    }
    // And the other member's lists no longer name them.
    assert_eq!(b.get("/api/users/stays_sam/followers").await.body["members"], json!([]));
    assert_eq!(b.get("/api/users/stays_sam/following").await.body["members"], json!([]));
    assert_eq!(b.get("/api/users/gone_gil").await.status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn demo_members_show_their_different_visibility() {
    let app = TestApp::spawn().await;
    curtain_server::demo::load(&app.command_db, &app.public_url()).await.expect("demo loads");
    curtain_server::demo::load(&app.command_db, &app.public_url()).await.expect("and loads again without change");
    let anon = app.client();
    let ana = anon.get("/api/users/ana").await.body;
    assert_eq!((ana["location"].clone(), ana["private"].clone()), (json!("Lisbon"), json!(false)), "{ana}");
    assert_eq!(ana["history"].as_array().map(Vec::len), Some(3));
    let bruno = anon.get("/api/users/bruno").await.body;
    assert_eq!(bruno["private"], true);
    assert!(shown(&bruno).is_empty(), "{bruno}");
    let chloe = anon.get("/api/users/chloe").await.body;
    assert!(shown(&chloe).is_empty() && chloe["indexable"] == false, "{chloe}");
    assert_eq!(anon.get("/api/users?q=chloe").await.body["members"], json!([]));

    let as_ana = app.client();
    assert_eq!(as_ana.sign_in("ana", curtain_server::demo::DEMO_PASSWORD, false).await.status, StatusCode::OK);
    assert_eq!(as_ana.get("/api/users/bruno").await.body["relation"], "requested");
    let as_bruno = app.client();
    as_bruno.sign_in("bruno", curtain_server::demo::DEMO_PASSWORD, false).await;
    let requests = as_bruno.get("/api/me/follow-requests").await.body;
    assert_eq!(requests["requests"][0]["username"], "ana", "{requests}");
}
