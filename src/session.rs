//! Who is signed in, as far as the app knows, shared through context.
//!
//! The session itself lives in an HttpOnly cookie the page cannot read, so the
//! app asks `GET /api/session` on load; that is why a reload keeps you signed in.

use curtain_api::SessionUser;
use leptos::prelude::*;
use leptos::task::spawn_local;

use crate::api::{self, ApiError};

/// What the header and pages render from.
#[derive(Debug, Clone, PartialEq)]
pub enum SessionView {
    /// Not asked yet, or the server could not be reached: claim nothing.
    Unknown,
    SignedOut,
    SignedIn(SessionUser),
}

/// An app-wide problem, shown in the banner under the header with a way to
/// try the failed step again.
#[derive(Debug, Clone, PartialEq)]
pub struct AppProblem {
    /// `None`: the server could not be reached. `Some`: what it said instead.
    pub refusal: Option<String>,
    pub retry: Retry,
}

impl AppProblem {
    fn from_error(error: &ApiError, retry: Retry) -> Self {
        let refusal = (!error.is_unreachable()).then(|| error.message());
        AppProblem { refusal, retry }
    }
}

/// What "Try again" in the banner does.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Retry {
    SessionCheck,
    SignOut,
}

#[derive(Clone, Copy)]
pub struct Session {
    user: RwSignal<Option<SessionUser>>,
    /// Whether the server has told us who (if anyone) is signed in.
    known: RwSignal<bool>,
    problem: RwSignal<Option<AppProblem>>,
    /// A session check or sign-out is on its way.
    busy: RwSignal<bool>,
    /// Bumped on every change of who is signed in, so a slow session check
    /// cannot undo a sign-in that finished after it started.
    generation: StoredValue<u64>,
}

impl Session {
    /// Creates the state, provides it to every descendant, and asks the server.
    pub fn provide() -> Self {
        let session = Session {
            user: RwSignal::new(None),
            known: RwSignal::new(false),
            problem: RwSignal::new(None),
            busy: RwSignal::new(false),
            generation: StoredValue::new(0),
        };
        provide_context(session);
        // The CSRF cookie lives exactly as long as a session: without it
        // nobody is signed in, and asking would only earn a 401.
        if crate::consent::browser::read_cookie(curtain_api::CSRF_COOKIE).is_some() {
            session.check();
        } else {
            session.known.set(true);
        }
        session
    }

    pub fn view(&self) -> SessionView {
        if !self.known.get() {
            return SessionView::Unknown;
        }
        match self.user.get() {
            Some(user) => SessionView::SignedIn(user),
            None => SessionView::SignedOut,
        }
    }

    pub fn problem(&self) -> Option<AppProblem> {
        self.problem.get()
    }

    pub fn busy(&self) -> bool {
        self.busy.get()
    }

    /// Asks the server who is signed in.
    pub fn check(self) {
        let started_at = self.generation.get_value();
        self.busy.set(true);
        spawn_local(async move {
            let result = api::session().await;
            self.busy.set(false);
            if self.generation.get_value() != started_at {
                return;
            }
            match result {
                Ok(user) => self.set_user(user),
                Err(error) => self.problem.set(Some(AppProblem::from_error(&error, Retry::SessionCheck))),
            }
        });
    }

    /// Records the member that sign-up or sign-in returned.
    pub fn signed_in(self, user: SessionUser) {
        self.set_user(Some(user));
    }

    /// Ends the session on the server. Returns whether it ended; when it did
    /// not, the banner says why and the app still shows the member signed in.
    pub async fn sign_out(self) -> bool {
        self.busy.set(true);
        let result = api::signout().await;
        self.busy.set(false);
        match result {
            Ok(()) => {
                self.set_user(None);
                true
            }
            Err(error) => {
                self.problem.set(Some(AppProblem::from_error(&error, Retry::SignOut)));
                false
            }
        }
    }

    /// The server says nobody is signed in any more (the account was
    /// deleted, or this session was ended from another device).
    pub fn signed_out(self) {
        self.set_user(None);
    }

    /// Call with any error from a signed-in request: a 401 means the session
    /// ended elsewhere, and the app should stop claiming otherwise.
    pub fn note_error(self, error: &ApiError) {
        if matches!(error, ApiError::Http { status: 401, .. }) {
            self.signed_out();
        }
    }

    /// The number of follow requests waiting, as a page that lists them
    /// last read it (the header shows it).
    pub fn set_follow_requests(self, n: u32) {
        let changed = self.user.with_untracked(|u| u.as_ref().is_some_and(|u| u.follow_requests != n));
        if changed {
            self.user.update(|u| {
                if let Some(u) = u {
                    u.follow_requests = n;
                }
            });
        }
    }

    fn set_user(&self, user: Option<SessionUser>) {
        self.generation.update_value(|g| *g += 1);
        self.user.set(user);
        self.known.set(true);
        self.problem.set(None);
    }
}

pub fn use_session() -> Session {
    expect_context::<Session>()
}
