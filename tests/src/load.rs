//! A mixed load of simulated members, shared by the load, shutdown and backup
//! tests and by the benchmark.
//!
//! Each simulated member is one client with its own cookie jar and its own
//! loopback address (`127.A.B.C`, so per-address sign-in limits apply to it
//! alone), looping over what members ordinarily do: sign up, answer the
//! consent banner, view pages, read and search profiles, edit their profile
//! (sometimes from a stale copy, expecting 412), change privacy, follow and
//! unfollow, log and remove watched titles, export their data, sign in (now
//! and then with a wrong password) and, at the end of a member's life, delete
//! the account or just sign out and leave.
//!
//! Every answer is recorded (endpoint, status, latency), and every write the
//! server acknowledged with a 2xx goes into the [`Ledger`], so a test can
//! check afterwards that all of it is there, and nothing refused is.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt::Write as _;
use std::net::{IpAddr, Ipv4Addr};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use futures::future::BoxFuture;
use reqwest::Method;
use serde_json::{json, Value};

use crate::{signup_body, ApiClient, Reply};

/// Called with a username, awaited before that client goes on.
pub type MemberHook = Arc<dyn Fn(String) -> BoxFuture<'static, ()> + Send + Sync>;

/// What the simulated members do.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mix {
    /// Everything a member does, deletion included.
    Everything,
    /// Only writes that add rows: sign-ups, consent receipts, page views and
    /// watch-history entries (for the shutdown and backup tests).
    Writes,
}

/// Pages a page view names; never a username, so a count names nobody.
const PAGES: [&str; 5] = ["/", "/privacy", "/privacy/versions", "/search", "/settings/profile"];
const GENRES: [&str; 6] = ["Noir", "Drama", "Comedy", "Documentary", "Sci-fi", "Western"];
const AUDIENCES: [&str; 4] = ["everyone", "members", "followers", "only_me"];
/// Wrong passwords one client may send in a run: the server refuses an
/// address after 20 failures in 15 minutes, which would be a correct 429.
const WRONG_SIGNINS_PER_CLIENT: u32 = 12;
/// Wrong passwords in a row for one member before a right one (the limit per
/// account is 5).
const WRONG_SIGNINS_IN_A_ROW: u32 = 3;

pub struct LoadConfig {
    pub clients: usize,
    pub duration: Duration,
    pub mix: Mix,
    pub seed: u64,
    /// Usernames are `{prefix}{client:03}x{n:04}`: give each run against one
    /// database its own prefix (letters only).
    pub username_prefix: String,
    /// Client `i` connects from `127.{address_block}.{i / 250}.{i % 250 + 1}`.
    pub address_block: u8,
    /// A request still unanswered after this counts as failed.
    pub request_timeout: Duration,
    /// Called when a sign-up is acknowledged, before the member does
    /// anything else (a test can note the member's id).
    pub on_sign_up: Option<MemberHook>,
    /// Called when a deletion is acknowledged (a test can look for what is
    /// left of the member before a new member may be given the same id).
    pub on_deletion: Option<MemberHook>,
}

impl LoadConfig {
    pub fn new(clients: usize, duration: Duration, mix: Mix) -> LoadConfig {
        LoadConfig {
            clients,
            duration,
            mix,
            seed: 0x5eed_c0ff_ee15_900d,
            username_prefix: "m".into(),
            address_block: 20,
            request_timeout: Duration::from_secs(30),
            on_sign_up: None,
            on_deletion: None,
        }
    }
}

/// One answer (or failure to get one).
#[derive(Debug, Clone)]
pub struct Answer {
    pub endpoint: &'static str,
    /// `None`: no answer (connection refused or reset, timeout).
    pub status: Option<u16>,
    /// When the request was sent, since the run started.
    pub sent: Duration,
    pub latency: Duration,
}

/// Everything the server acknowledged (answered 2xx) during a run.
#[derive(Debug, Default, Clone)]
pub struct Ledger {
    pub members: BTreeMap<String, Member>,
    pub receipts: Vec<Receipt>,
    pub page_views: PageViews,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Account {
    /// Sign-up acknowledged, no deletion acknowledged.
    Exists,
    /// Deletion acknowledged.
    Deleted,
    /// A deletion was sent and got no acknowledgement: either may be true.
    DeletionUnknown,
}

/// One member's acknowledged state.
#[derive(Debug, Clone)]
pub struct Member {
    pub password: String,
    pub client: usize,
    /// When the sign-up was acknowledged, since the run started.
    pub signed_up: Duration,
    pub account: Account,
    /// The answer to the last acknowledged `PATCH /api/me/profile`, and its ETag.
    pub profile: Option<(Value, String)>,
    /// The answer to the last acknowledged `PATCH /api/me/privacy`.
    pub privacy: Option<Value>,
    /// Watched titles whose addition was acknowledged and not their removal, by id.
    pub history: BTreeMap<i64, Value>,
    /// Titles whose removal was acknowledged.
    pub history_removed: BTreeSet<i64>,
    /// The relation each acknowledged follow or unfollow answered, by followee.
    pub follows: BTreeMap<String, String>,
    /// Writes sent without an acknowledgement (no answer or a 5xx), which
    /// may or may not have happened: "profile", "privacy", "history", "follow:NAME".
    pub uncertain: BTreeSet<String>,
}

impl Member {
    fn new(password: String, client: usize, signed_up: Duration) -> Member {
        Member {
            password,
            client,
            signed_up,
            account: Account::Exists,
            profile: None,
            privacy: None,
            history: BTreeMap::new(),
            history_removed: BTreeSet::new(),
            follows: BTreeMap::new(),
            uncertain: BTreeSet::new(),
        }
    }
}

/// An acknowledged consent receipt.
#[derive(Debug, Clone)]
pub struct Receipt {
    pub consent_id: String,
    pub analytics: bool,
    /// The member it belongs to: signed in when it was given, or the next
    /// member to sign up on that client (the server claims it then).
    pub owner: Option<String>,
    /// When it was acknowledged, since the run started.
    pub at: Duration,
}

/// Page views sent, by what the server must have done with them.
#[derive(Debug, Default, Clone, Copy)]
pub struct PageViews {
    /// Acknowledged with a consent that grants analytics: each one counted.
    pub counted: u64,
    /// Acknowledged without such a consent: none counted.
    pub not_counted: u64,
    /// Sent with analytics consent, no acknowledgement: counted or not.
    pub unknown: u64,
}

/// The outcome of a run.
pub struct LoadReport {
    pub clients: usize,
    /// When the run began: [`Answer::sent`] and the ledger's times count from here.
    pub started: Instant,
    pub elapsed: Duration,
    pub answers: Vec<Answer>,
    pub ledger: Ledger,
    /// Answers a correct server never gives (a right password refused, a
    /// stale edit saved, a title that vanished…), each described.
    pub anomalies: Vec<String>,
}

struct Shared {
    started: Instant,
    deadline: Instant,
    revision: u32,
    config: LoadConfig,
    ledger: Mutex<Ledger>,
    answers: Mutex<Vec<Answer>>,
    anomalies: Mutex<Vec<String>>,
    /// Usernames of members believed to exist, for follows and profile views.
    directory: Mutex<Vec<String>>,
}

/// Runs the load against the server at `base` and returns what happened.
pub async fn run(base: &str, config: LoadConfig) -> LoadReport {
    let revision = consent_revision(base).await;
    let clients = config.clients;
    let started = Instant::now();
    let shared = Arc::new(Shared {
        started,
        deadline: started + config.duration,
        revision,
        config,
        ledger: Mutex::default(),
        answers: Mutex::default(),
        anomalies: Mutex::default(),
        directory: Mutex::default(),
    });
    let tasks: Vec<_> = (0..clients)
        .map(|i| {
            let shared = shared.clone();
            let base = base.to_string();
            tokio::spawn(async move { SimulatedMember::new(i, &base, &shared).run(&shared).await })
        })
        .collect();
    for task in tasks {
        task.await.expect("a simulated member panicked");
    }
    let elapsed = started.elapsed();
    let shared = Arc::into_inner(shared).expect("every client is done");
    LoadReport {
        clients,
        started,
        elapsed,
        answers: shared.answers.into_inner().unwrap(),
        ledger: shared.ledger.into_inner().unwrap(),
        anomalies: shared.anomalies.into_inner().unwrap(),
    }
}

/// The current consent revision, asked until the server answers (10 s at most).
async fn consent_revision(base: &str) -> u32 {
    let client = ApiClient::new(base);
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        match client.try_send(Method::GET, "/api/consent/config", None, None).await {
            Ok(r) if r.status.is_success() => return r.body["revision"].as_u64().expect("a consent revision") as u32,
            other if Instant::now() > deadline => panic!("no consent configuration from {base}: {other:?}"),
            _ => tokio::time::sleep(Duration::from_millis(100)).await,
        }
    }
}

/// The address client `i` connects from.
pub fn client_address(block: u8, i: usize) -> IpAddr {
    IpAddr::V4(Ipv4Addr::new(127, block, (i / 250) as u8, (i % 250 + 1) as u8))
}

/// A small seeded generator (xorshift64*): each client makes the same
/// choices from run to run, though the server interleaves them differently.
struct Dice(u64);

impl Dice {
    fn new(seed: u64) -> Dice {
        Dice(seed.max(1))
    }
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_f491_4f6c_dd1d)
    }
    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
    fn chance(&mut self, percent: u64) -> bool {
        self.next() % 100 < percent
    }
    fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }
}

/// The member signed in on a client.
struct Me {
    name: String,
    password: String,
    /// The ETag before the last acknowledged edit: a stale copy.
    stale_etag: Option<String>,
    history: Vec<i64>,
    follows: Vec<String>,
    /// Operations left before the member deletes the account or leaves.
    ops_left: u32,
    wrong_in_a_row: u32,
}

/// The client's consent answer as the server holds it.
#[derive(Clone, Copy)]
struct Consent {
    analytics: bool,
}

#[derive(Clone, Copy, Debug)]
enum Op {
    PageView,
    ViewProfile,
    Search,
    EditProfile,
    StaleEdit,
    Privacy,
    Follow,
    Unfollow,
    AddHistory,
    RemoveHistory,
    Export,
    Consent,
    SignIn,
    WrongSignIn,
    NewAccount,
}

const EVERYTHING: [(Op, u32); 14] = [
    (Op::PageView, 18),
    (Op::ViewProfile, 14),
    (Op::Search, 5),
    (Op::EditProfile, 9),
    (Op::StaleEdit, 3),
    (Op::Privacy, 4),
    (Op::Follow, 6),
    (Op::Unfollow, 3),
    (Op::AddHistory, 9),
    (Op::RemoveHistory, 4),
    (Op::Export, 2),
    (Op::Consent, 3),
    (Op::SignIn, 2),
    (Op::WrongSignIn, 2),
];

const WRITES: [(Op, u32); 4] = [(Op::AddHistory, 40), (Op::PageView, 30), (Op::Consent, 20), (Op::NewAccount, 10)];

/// What an answer says about the write it answers.
enum Outcome {
    /// One of the expected statuses.
    Expected(Reply),
    /// Another 2xx–4xx status (an anomaly): for a 4xx, nothing was written.
    Other(Reply),
    /// A 5xx or no answer: the write may or may not have happened.
    Unknown,
}

impl Outcome {
    fn ok(self) -> Option<Reply> {
        match self {
            Outcome::Expected(r) => Some(r),
            _ => None,
        }
    }
}

struct SimulatedMember {
    index: usize,
    api: ApiClient,
    dice: Dice,
    me: Option<Me>,
    consent: Option<Consent>,
    /// The client's latest receipt in the ledger while no member owns it.
    unclaimed_receipt: Option<usize>,
    wrong_signins_left: u32,
    accounts_made: usize,
}

impl SimulatedMember {
    fn new(index: usize, base: &str, shared: &Shared) -> SimulatedMember {
        let config = &shared.config;
        SimulatedMember {
            index,
            api: Self::browser(index, base, config),
            dice: Dice::new(config.seed ^ (index as u64 + 1).wrapping_mul(0x9e37_79b9_7f4a_7c15)),
            me: None,
            consent: None,
            unclaimed_receipt: None,
            wrong_signins_left: WRONG_SIGNINS_PER_CLIENT,
            accounts_made: 0,
        }
    }

    /// A new client (cookie jar and connections) from this member's address.
    fn browser(index: usize, base: &str, config: &LoadConfig) -> ApiClient {
        let builder = reqwest::Client::builder()
            .local_address(client_address(config.address_block, index))
            .timeout(config.request_timeout);
        ApiClient::with(base, builder)
    }

    async fn run(mut self, shared: &Shared) {
        while Instant::now() < shared.deadline {
            let progressed = if self.me.is_none() {
                self.arrive(shared).await
            } else if self.me.as_ref().is_some_and(|m| m.ops_left == 0) {
                self.leave(shared).await
            } else {
                let op = self.choose(shared.config.mix);
                if let Some(me) = self.me.as_mut() {
                    me.ops_left = me.ops_left.saturating_sub(1);
                }
                self.perform(op, shared).await
            };
            if !progressed {
                // No answer: the server is down or going away. Do not spin.
                tokio::time::sleep(Duration::from_millis(50)).await;
            }
        }
    }

    fn choose(&mut self, mix: Mix) -> Op {
        let table: &[(Op, u32)] = match mix {
            Mix::Everything => &EVERYTHING,
            Mix::Writes => &WRITES,
        };
        let total: u32 = table.iter().map(|(_, w)| w).sum();
        let mut roll = self.dice.below(total as usize) as u32;
        for (op, weight) in table {
            if roll < *weight {
                return *op;
            }
            roll -= weight;
        }
        table[0].0
    }

    /// Sends one request and records its answer. `None`: no answer.
    async fn call(
        &self,
        shared: &Shared,
        endpoint: &'static str,
        method: Method,
        path: &str,
        body: Option<&Value>,
        if_match: Option<&str>,
    ) -> Option<Reply> {
        let sent = Instant::now();
        let result = self.api.try_send(method, path, body, if_match).await;
        let latency = sent.elapsed();
        let status = result.as_ref().ok().map(|r| r.status.as_u16());
        shared.answers.lock().unwrap().push(Answer { endpoint, status, sent: sent - shared.started, latency });
        result.ok()
    }

    fn anomaly(&self, shared: &Shared, what: String) {
        shared.anomalies.lock().unwrap().push(format!("client {}: {what}", self.index));
    }

    /// Sorts an answer by its status; an unexpected 2xx–4xx is noted as an anomaly.
    fn expect(&self, shared: &Shared, what: &str, reply: Option<Reply>, expected: &[u16]) -> Outcome {
        match reply {
            Some(r) if expected.contains(&r.status.as_u16()) => Outcome::Expected(r),
            Some(r) if r.status.is_server_error() => Outcome::Unknown,
            Some(r) => {
                self.anomaly(shared, format!("{what}: expected {expected:?}, got {} {}", r.status, r.body));
                Outcome::Other(r)
            }
            None => Outcome::Unknown,
        }
    }

    fn with_member(&self, shared: &Shared, change: impl FnOnce(&mut Member)) {
        if let Some(me) = &self.me {
            if let Some(m) = shared.ledger.lock().unwrap().members.get_mut(&me.name) {
                change(m);
            }
        }
    }

    /// No member on this client: maybe answer the banner, then sign up.
    async fn arrive(&mut self, shared: &Shared) -> bool {
        if self.consent.is_none() && self.dice.chance(60) {
            if !self.answer_consent(shared).await {
                return false;
            }
            if self.dice.chance(50) && !self.page_view(shared).await {
                return false;
            }
        }
        self.sign_up(shared).await
    }

    async fn sign_up(&mut self, shared: &Shared) -> bool {
        let config = &shared.config;
        let name = format!("{}{:03}x{:04}", config.username_prefix, self.index, self.accounts_made);
        self.accounts_made += 1;
        let password = format!("load-test password {}", self.dice.next() % 1_000_000);
        let reply = self
            .call(
                shared,
                "POST /api/auth/signup",
                Method::POST,
                "/api/auth/signup",
                Some(&signup_body(&name, &password, "1990-05-01")),
                None,
            )
            .await;
        let answered = reply.is_some();
        if self.expect(shared, &format!("signing up {name}"), reply, &[201]).ok().is_none() {
            return answered;
        }
        let at = shared.started.elapsed();
        {
            let mut ledger = shared.ledger.lock().unwrap();
            ledger.members.insert(name.clone(), Member::new(password.clone(), self.index, at));
            // Signing up with a valid consent claims its unowned receipt.
            if self.consent.is_some() {
                if let Some(i) = self.unclaimed_receipt.take() {
                    ledger.receipts[i].owner = Some(name.clone());
                }
            }
        }
        if let Some(hook) = &config.on_sign_up {
            hook(name.clone()).await;
        }
        shared.directory.lock().unwrap().push(name.clone());
        let ops_left = match config.mix {
            Mix::Everything => 15 + self.dice.below(30) as u32,
            Mix::Writes => u32::MAX,
        };
        self.me = Some(Me {
            name,
            password,
            stale_etag: None,
            history: Vec::new(),
            follows: Vec::new(),
            ops_left,
            wrong_in_a_row: 0,
        });
        true
    }

    /// The end of a member's life here: most delete their account, the rest
    /// sign out and leave it.
    async fn leave(&mut self, shared: &Shared) -> bool {
        let Some((name, password)) = self.me.as_ref().map(|m| (m.name.clone(), m.password.clone())) else {
            return true;
        };
        if self.dice.chance(30) {
            let reply = self
                .call(shared, "POST /api/auth/signout", Method::POST, "/api/auth/signout", Some(&json!({})), None)
                .await;
            let answered = reply.is_some();
            if self.expect(shared, "signing out", reply, &[204]).ok().is_some() {
                self.me = None;
            }
            return answered;
        }
        let body = json!({"password": password, "confirm_username": name});
        let reply = self.call(shared, "DELETE /api/me", Method::DELETE, "/api/me", Some(&body), None).await;
        let answered = reply.is_some();
        match self.expect(shared, &format!("deleting {name}"), reply, &[204]) {
            Outcome::Expected(_) => {
                self.with_member(shared, |m| m.account = Account::Deleted);
                if let Some(hook) = &shared.config.on_deletion {
                    hook(name.clone()).await;
                }
            }
            Outcome::Other(_) => {
                // Refused (an anomaly, already noted): leave the account be.
                self.me = None;
                return answered;
            }
            Outcome::Unknown => {
                self.with_member(shared, |m| m.account = Account::DeletionUnknown);
                // The session may still be valid: start afresh, as someone
                // who gave up would, so nothing later lands on that account.
                self.api = Self::browser(self.index, self.api.base(), &shared.config);
            }
        }
        // Acknowledged or not, this client moves on to a new member; the
        // consent receipts went with the account (or may have).
        shared.directory.lock().unwrap().retain(|n| *n != name);
        self.me = None;
        self.consent = None;
        self.unclaimed_receipt = None;
        answered
    }

    async fn perform(&mut self, op: Op, shared: &Shared) -> bool {
        match op {
            Op::PageView => self.page_view(shared).await,
            Op::ViewProfile => self.view_profile(shared).await,
            Op::Search => self.search(shared).await,
            Op::EditProfile => self.edit_profile(shared).await,
            Op::StaleEdit => self.stale_edit(shared).await,
            Op::Privacy => self.privacy(shared).await,
            Op::Follow => self.follow(shared).await,
            Op::Unfollow => self.unfollow(shared).await,
            Op::AddHistory => self.add_history(shared).await,
            Op::RemoveHistory => self.remove_history(shared).await,
            Op::Export => self.export(shared).await,
            Op::Consent => self.answer_consent(shared).await,
            Op::SignIn => self.sign_in(shared, true).await,
            Op::WrongSignIn => self.sign_in(shared, false).await,
            Op::NewAccount => self.sign_up(shared).await,
        }
    }

    /// Answers the banner as the SPA does: a receipt, then the cookie.
    async fn answer_consent(&mut self, shared: &Shared) -> bool {
        let (preferences, analytics) = (self.dice.chance(50), self.dice.chance(70));
        let (record, body) = crate::consent_answer(shared.revision, preferences, analytics);
        let reply = self.call(shared, "POST /api/consent", Method::POST, "/api/consent", Some(&body), None).await;
        let answered = reply.is_some();
        if self.expect(shared, "a consent receipt", reply, &[201]).ok().is_none() {
            // Without an acknowledgement the cookie stays as it was, and so
            // does what it allows (its own receipt is untouched).
            return answered;
        }
        self.api.set_cookie(curtain_api::CONSENT_COOKIE, &record.encode());
        self.consent = Some(Consent { analytics });
        let owner = self.me.as_ref().map(|m| m.name.clone());
        let mut ledger = shared.ledger.lock().unwrap();
        ledger.receipts.push(Receipt {
            consent_id: record.id.clone(),
            analytics,
            owner: owner.clone(),
            at: shared.started.elapsed(),
        });
        self.unclaimed_receipt = owner.is_none().then(|| ledger.receipts.len() - 1);
        answered
    }

    async fn page_view(&mut self, shared: &Shared) -> bool {
        let page = *self.dice.pick(&PAGES);
        let counts = self.consent.is_some_and(|c| c.analytics);
        let reply = self
            .call(
                shared,
                "POST /api/analytics/pageview",
                Method::POST,
                "/api/analytics/pageview",
                Some(&json!({"path": page})),
                None,
            )
            .await;
        let answered = reply.is_some();
        let outcome = self.expect(shared, "a page view", reply, &[204]);
        let mut ledger = shared.ledger.lock().unwrap();
        match outcome {
            Outcome::Expected(_) if counts => ledger.page_views.counted += 1,
            Outcome::Expected(_) => ledger.page_views.not_counted += 1,
            Outcome::Other(_) => {}
            Outcome::Unknown if counts => ledger.page_views.unknown += 1,
            Outcome::Unknown => {}
        }
        answered
    }

    fn someone(&mut self, shared: &Shared) -> Option<String> {
        let me = self.me.as_ref().map(|m| m.name.as_str());
        let directory = shared.directory.lock().unwrap();
        let others: Vec<&String> = directory.iter().filter(|n| Some(n.as_str()) != me).collect();
        (!others.is_empty()).then(|| others[self.dice.below(others.len())].clone())
    }

    async fn view_profile(&mut self, shared: &Shared) -> bool {
        let own = self.dice.chance(20);
        let Some(name) = (if own { self.me.as_ref().map(|m| m.name.clone()) } else { self.someone(shared) }) else {
            return true;
        };
        let reply =
            self.call(shared, "GET /api/users/{name}", Method::GET, &format!("/api/users/{name}"), None, None).await;
        let answered = reply.is_some();
        // Someone else's account may be deleted meanwhile; one's own may not.
        let expected: &[u16] = if own { &[200] } else { &[200, 404] };
        if let Some(r) = self.expect(shared, &format!("viewing {name}"), reply, expected).ok() {
            if r.status == 200 && r.body["username"] != name.as_str() {
                self.anomaly(shared, format!("GET /api/users/{name} answered another profile: {}", r.body));
            }
        }
        answered
    }

    async fn search(&mut self, shared: &Shared) -> bool {
        let q = self.someone(shared).map(|n| n[..n.len().min(5)].to_string()).unwrap_or_else(|| "m0".into());
        let reply = self.call(shared, "GET /api/users?q=", Method::GET, &format!("/api/users?q={q}"), None, None).await;
        let answered = reply.is_some();
        let _ = self.expect(shared, "a search", reply, &[200]);
        answered
    }

    /// The current ETag of the member's profile, read as the settings page does.
    async fn read_etag(&mut self, shared: &Shared) -> Option<String> {
        let reply = self.call(shared, "GET /api/me/profile", Method::GET, "/api/me/profile", None, None).await;
        let r = self.expect(shared, "reading my profile", reply, &[200]).ok()?;
        let tag = r.headers.get("etag").and_then(|v| v.to_str().ok()).map(str::to_string);
        let me = self.me.as_ref()?;
        // Only this client edits this member: the version may move only
        // with an edit it sent.
        let moved = {
            let ledger = shared.ledger.lock().unwrap();
            ledger.members.get(&me.name).and_then(|m| match &m.profile {
                Some((_, acked)) if !m.uncertain.contains("profile") && tag.as_deref() != Some(acked.as_str()) => {
                    Some(acked.clone())
                }
                _ => None,
            })
        };
        if let Some(acked) = moved {
            self.anomaly(
                shared,
                format!("{}'s profile is at {tag:?}, the last acknowledged edit made {acked}", me.name),
            );
        }
        tag
    }

    async fn edit_profile(&mut self, shared: &Shared) -> bool {
        let Some(tag) = self.read_etag(shared).await else { return false };
        let n = self.dice.next() % 10_000;
        let mut audiences = serde_json::Map::new();
        for field in ["display_name", "location", "about", "history", "followers"] {
            if self.dice.chance(50) {
                audiences.insert(field.into(), json!(*self.dice.pick(&AUDIENCES)));
            }
        }
        let body = json!({
            "display_name": format!("Member {n}"),
            "location": *self.dice.pick(&["Porto", "Oslo", "Lagos", "Quito", ""]),
            "about": format!("Edit number {n}.\nWatches everything twice."),
            "favourite_genres": [*self.dice.pick(&GENRES), *self.dice.pick(&GENRES)],
            "audiences": audiences,
        });
        let reply =
            self.call(shared, "PATCH /api/me/profile", Method::PATCH, "/api/me/profile", Some(&body), Some(&tag)).await;
        let answered = reply.is_some();
        match self.expect(shared, "editing my profile", reply, &[200]) {
            Outcome::Expected(r) => {
                let new_tag = r.headers.get("etag").and_then(|v| v.to_str().ok()).unwrap_or_default().to_string();
                self.with_member(shared, |m| {
                    m.profile = Some((r.body, new_tag));
                    m.uncertain.remove("profile");
                });
                if let Some(me) = self.me.as_mut() {
                    me.stale_etag = Some(tag);
                }
            }
            Outcome::Other(_) => {}
            Outcome::Unknown => self.with_member(shared, |m| {
                m.uncertain.insert("profile".into());
            }),
        }
        answered
    }

    /// An edit from a copy opened before the last save: must be refused with
    /// 412 and change nothing.
    async fn stale_edit(&mut self, shared: &Shared) -> bool {
        let Some(stale) = self.me.as_ref().and_then(|m| m.stale_etag.clone()) else {
            return self.edit_profile(shared).await;
        };
        let body = json!({"display_name": "A stale copy", "about": "This must never be saved."});
        let reply = self
            .call(shared, "PATCH /api/me/profile (stale)", Method::PATCH, "/api/me/profile", Some(&body), Some(&stale))
            .await;
        let answered = reply.is_some();
        if let Outcome::Other(r) = self.expect(shared, "a stale profile edit", reply, &[412]) {
            if r.status.is_success() {
                // Saved after all: it is acknowledged, so the ledger says so.
                let tag = r.headers.get("etag").and_then(|v| v.to_str().ok()).unwrap_or_default().to_string();
                self.with_member(shared, |m| m.profile = Some((r.body.clone(), tag)));
            }
        }
        answered
    }

    async fn privacy(&mut self, shared: &Shared) -> bool {
        let body = json!({
            "private": self.dice.chance(30),
            "discoverable": self.dice.chance(80),
            "indexable": self.dice.chance(50),
        });
        let reply =
            self.call(shared, "PATCH /api/me/privacy", Method::PATCH, "/api/me/privacy", Some(&body), None).await;
        let answered = reply.is_some();
        match self.expect(shared, "changing privacy", reply, &[200]) {
            Outcome::Expected(r) => {
                if ["private", "discoverable", "indexable"].iter().any(|k| r.body[k] != body[k]) {
                    self.anomaly(shared, format!("privacy {body} answered {}", r.body));
                }
                self.with_member(shared, |m| {
                    m.privacy = Some(r.body.clone());
                    m.uncertain.remove("privacy");
                });
            }
            Outcome::Other(_) => {}
            Outcome::Unknown => self.with_member(shared, |m| {
                m.uncertain.insert("privacy".into());
            }),
        }
        answered
    }

    async fn follow(&mut self, shared: &Shared) -> bool {
        let Some(name) = self.someone(shared) else { return true };
        let path = format!("/api/users/{name}/follow");
        let reply =
            self.call(shared, "POST /api/users/{name}/follow", Method::POST, &path, Some(&json!({})), None).await;
        self.record_follow(shared, &name, reply, &["follower", "requested"])
    }

    async fn unfollow(&mut self, shared: &Shared) -> bool {
        let followed = self.me.as_ref().map(|m| m.follows.clone()).unwrap_or_default();
        let name = if followed.is_empty() { self.someone(shared) } else { Some(self.dice.pick(&followed).clone()) };
        let Some(name) = name else { return true };
        let path = format!("/api/users/{name}/follow");
        let reply = self.call(shared, "DELETE /api/users/{name}/follow", Method::DELETE, &path, None, None).await;
        self.record_follow(shared, &name, reply, &["member"])
    }

    fn record_follow(&mut self, shared: &Shared, name: &str, reply: Option<Reply>, relations: &[&str]) -> bool {
        let answered = reply.is_some();
        // 404: that member deleted the account meanwhile.
        match self.expect(shared, &format!("following or unfollowing {name}"), reply, &[200, 404]) {
            Outcome::Expected(r) if r.status == 200 => {
                let relation = r.body["relation"].as_str().unwrap_or_default().to_string();
                if !relations.contains(&relation.as_str()) {
                    self.anomaly(shared, format!("following or unfollowing {name} answered {relation:?}"));
                }
                self.with_member(shared, |m| {
                    m.follows.insert(name.to_string(), relation.clone());
                    m.uncertain.remove(&format!("follow:{name}"));
                });
                if let Some(me) = self.me.as_mut() {
                    me.follows.retain(|n| n != name);
                    if relation != "member" {
                        me.follows.push(name.to_string());
                    }
                }
            }
            Outcome::Expected(_) => {}
            Outcome::Other(_) => {}
            Outcome::Unknown => self.with_member(shared, |m| {
                m.uncertain.insert(format!("follow:{name}"));
            }),
        }
        answered
    }

    async fn add_history(&mut self, shared: &Shared) -> bool {
        let n = self.dice.next();
        let body = json!({
            "title": format!("Title {}", n % 100_000),
            "year": 1950 + (n % 70) as i64,
            "kind": if n.is_multiple_of(3) { "show" } else { "movie" },
            "watched_on": format!("2024-{:02}-{:02}", 1 + n % 12, 1 + n % 28),
        });
        let reply = self.call(shared, "POST /api/me/history", Method::POST, "/api/me/history", Some(&body), None).await;
        let answered = reply.is_some();
        match self.expect(shared, "logging a title", reply, &[201]) {
            Outcome::Expected(r) => match r.body["id"].as_i64() {
                Some(id) => {
                    self.with_member(shared, |m| {
                        m.history.insert(id, r.body.clone());
                    });
                    if let Some(me) = self.me.as_mut() {
                        me.history.push(id);
                    }
                }
                None => self.anomaly(shared, format!("a logged title without an id: {}", r.body)),
            },
            Outcome::Other(_) => {}
            Outcome::Unknown => self.with_member(shared, |m| {
                m.uncertain.insert("history".into());
            }),
        }
        answered
    }

    async fn remove_history(&mut self, shared: &Shared) -> bool {
        let Some(me) = self.me.as_mut() else { return true };
        if me.history.is_empty() {
            return self.add_history(shared).await;
        }
        let id = me.history.swap_remove(self.dice.below(me.history.len()));
        let reply = self
            .call(shared, "DELETE /api/me/history/{id}", Method::DELETE, &format!("/api/me/history/{id}"), None, None)
            .await;
        let answered = reply.is_some();
        match self.expect(shared, &format!("removing title {id}"), reply, &[204]) {
            Outcome::Expected(_) => self.with_member(shared, |m| {
                m.history.remove(&id);
                m.history_removed.insert(id);
            }),
            Outcome::Other(_) => {}
            Outcome::Unknown => self.with_member(shared, |m| {
                m.uncertain.insert("history".into());
            }),
        }
        answered
    }

    async fn export(&mut self, shared: &Shared) -> bool {
        let reply = self.call(shared, "GET /api/me/export", Method::GET, "/api/me/export", None, None).await;
        let answered = reply.is_some();
        if let (Some(r), Some(me)) = (self.expect(shared, "exporting my data", reply, &[200]).ok(), &self.me) {
            if r.body["account"]["username"] != me.name.as_str() {
                self.anomaly(shared, format!("{}'s export is of someone else: {}", me.name, r.body["account"]));
            }
        }
        answered
    }

    async fn sign_in(&mut self, shared: &Shared, right: bool) -> bool {
        let Some(me) = self.me.as_mut() else { return true };
        let right = right || self.wrong_signins_left == 0 || me.wrong_in_a_row >= WRONG_SIGNINS_IN_A_ROW;
        let (endpoint, password, expected) = if right {
            me.wrong_in_a_row = 0;
            ("POST /api/auth/signin", me.password.clone(), 200)
        } else {
            me.wrong_in_a_row += 1;
            self.wrong_signins_left -= 1;
            ("POST /api/auth/signin (wrong password)", format!("{} but wrong", me.password), 401)
        };
        let name = me.name.clone();
        let body = json!({"login": name, "password": password, "remember": self.dice.chance(50)});
        let reply = self.call(shared, endpoint, Method::POST, "/api/auth/signin", Some(&body), None).await;
        let answered = reply.is_some();
        if let Some(r) = self.expect(shared, &format!("signing in as {name}"), reply, &[expected]).ok() {
            if right && r.body["username"] != name.as_str() {
                self.anomaly(shared, format!("signing in as {name} answered {}", r.body));
            }
        }
        answered
    }
}

impl LoadReport {
    /// Requests sent (answered or not).
    pub fn requests(&self) -> usize {
        self.answers.len()
    }

    pub fn requests_per_second(&self) -> f64 {
        self.answers.len() as f64 / self.elapsed.as_secs_f64()
    }

    /// Answers from `endpoint` whose status satisfies `which`.
    pub fn count(&self, endpoint: &str, which: impl Fn(u16) -> bool) -> usize {
        self.answers.iter().filter(|a| a.endpoint == endpoint && a.status.is_some_and(&which)).count()
    }

    /// Answers with a 5xx status, every endpoint.
    pub fn server_errors(&self) -> usize {
        self.answers.iter().filter(|a| a.status.is_some_and(|s| s >= 500)).count()
    }

    /// Requests that got no answer at all.
    pub fn unanswered(&self) -> usize {
        self.answers.iter().filter(|a| a.status.is_none()).count()
    }

    /// Latency percentile (0–100) of answered requests.
    pub fn latency_percentile(&self, p: f64) -> Option<Duration> {
        let mut latencies: Vec<Duration> =
            self.answers.iter().filter(|a| a.status.is_some()).map(|a| a.latency).collect();
        if latencies.is_empty() {
            return None;
        }
        latencies.sort();
        let rank = ((p / 100.0) * (latencies.len() - 1) as f64).round() as usize;
        Some(latencies[rank.min(latencies.len() - 1)])
    }

    /// Per endpoint: how many answers of each status ("-" for none).
    pub fn status_table(&self) -> String {
        let mut rows: BTreeMap<&str, BTreeMap<String, usize>> = BTreeMap::new();
        for a in &self.answers {
            let status = a.status.map_or("no answer".to_string(), |s| s.to_string());
            *rows.entry(a.endpoint).or_default().entry(status).or_default() += 1;
        }
        let mut out = String::new();
        for (endpoint, statuses) in rows {
            let total: usize = statuses.values().sum();
            let cells: Vec<String> = statuses.iter().map(|(s, n)| format!("{s}×{n}")).collect();
            let _ = writeln!(out, "  {endpoint:<42} {total:>6}   {}", cells.join("  "));
        }
        out
    }

    /// A short account of the run: throughput, latency, the status table.
    pub fn summary(&self) -> String {
        let ms = |d: Option<Duration>| d.map_or("-".into(), |d| format!("{:.1} ms", d.as_secs_f64() * 1000.0));
        let ledger = &self.ledger;
        let deleted = ledger.members.values().filter(|m| m.account == Account::Deleted).count();
        format!(
            "{} clients, {:.1} s: {} requests ({:.0}/s), p50 {}, p99 {}, {} 5xx, {} unanswered\n\
             acknowledged: {} sign-ups, {} deletions, {} consent receipts, page views {} counted / {} not\n{}",
            self.clients,
            self.elapsed.as_secs_f64(),
            self.requests(),
            self.requests_per_second(),
            ms(self.latency_percentile(50.0)),
            ms(self.latency_percentile(99.0)),
            self.server_errors(),
            self.unanswered(),
            ledger.members.len(),
            deleted,
            ledger.receipts.len(),
            ledger.page_views.counted,
            ledger.page_views.not_counted,
            self.status_table()
        )
    }

    /// The figures as JSON (for the benchmark's output).
    pub fn to_json(&self) -> Value {
        let ms = |d: Option<Duration>| d.map(|d| (d.as_secs_f64() * 1000.0 * 100.0).round() / 100.0);
        let mut endpoints = serde_json::Map::new();
        for a in &self.answers {
            let status = a.status.map_or("no answer".to_string(), |s| s.to_string());
            let entry = endpoints.entry(a.endpoint).or_insert_with(|| json!({}));
            let n = entry[&status].as_u64().unwrap_or(0);
            entry[&status] = json!(n + 1);
        }
        json!({
            "clients": self.clients,
            "seconds": (self.elapsed.as_secs_f64() * 10.0).round() / 10.0,
            "requests": self.requests(),
            "requests_per_second": self.requests_per_second().round(),
            "p50_ms": ms(self.latency_percentile(50.0)),
            "p99_ms": ms(self.latency_percentile(99.0)),
            "server_errors": self.server_errors(),
            "unanswered": self.unanswered(),
            "anomalies": self.anomalies.len(),
            "statuses": endpoints,
        })
    }
}
