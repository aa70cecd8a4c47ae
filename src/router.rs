//! The app's router: the address as signals, moving between pages without a
//! page load, and which page an address shows.
//!
//! It does what the app needs and no more: a table of paths (with `:name`
//! parameters, and one level of nesting for the settings), pages shown at
//! once or fetched on first use ([`LazyRoute`]), links that keep the
//! language prefix, and the browser's back and forward buttons. A move to a
//! page whose code is still downloading keeps the current page, and the
//! address bar, until the new page is in the document (`is_routing` says so
//! meanwhile), then scrolls to the top or to the address's `#fragment`.
//!
//! Being this small is the point: a general-purpose router costs the first
//! visit tens of kilobytes of code it never uses.

use std::future::Future;
use std::pin::Pin;

use leptos::prelude::*;
use wasm_bindgen::JsCast;

/// An address inside the site: path, `?query` and `#fragment` (each with
/// its leading character, or empty).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
struct Url {
    path: String,
    search: String,
    hash: String,
}

impl Url {
    /// The address the browser shows.
    fn current() -> Url {
        let location = window().location();
        Url {
            path: location.pathname().unwrap_or_else(|_| "/".into()),
            search: location.search().unwrap_or_default(),
            hash: location.hash().unwrap_or_default(),
        }
    }

    /// `href` (an absolute path, or `?query` / `#fragment` on the current
    /// page) as an address.
    fn parse(href: &str, current: &Url) -> Url {
        let (rest, hash) = match href.find('#') {
            Some(i) => href.split_at(i),
            None => (href, ""),
        };
        let (path, search) = match rest.find('?') {
            Some(i) => rest.split_at(i),
            None => (rest, ""),
        };
        let path = if path.is_empty() { current.path.clone() } else { path.to_string() };
        let search = if search == "?" { "" } else { search };
        Url { path, search: search.to_string(), hash: if hash == "#" { String::new() } else { hash.to_string() } }
    }

    fn full(&self) -> String {
        format!("{}{}{}", self.path, self.search, self.hash)
    }
}

/// A move the address bar has still to make, once the new page is in.
#[derive(Debug, Clone)]
struct Change {
    replace: bool,
    scroll: bool,
}

#[derive(Clone, Copy)]
struct RouterContext {
    url: RwSignal<Url>,
    /// The language prefix every route is under (`""`, `/de`, ...).
    base: &'static str,
    is_routing: RwSignal<bool>,
    /// The path of the page on screen, once a move has finished.
    arrived: RwSignal<String>,
    /// Route views still fetching a page for the latest move.
    loading: StoredValue<u32>,
    pending: StoredValue<Option<Change>>,
}

/// Reactive parts of the address.
#[derive(Clone, Copy)]
pub struct Location {
    /// The path, language prefix included (`/de/privacy`).
    pub pathname: Memo<String>,
    /// The query with its `?`, or empty.
    pub search: Memo<String>,
    /// The path of the page on screen: it changes once a move has finished
    /// (the new page is in), where `pathname` changes as the move starts.
    pub arrived: ReadSignal<String>,
}

/// How [`use_navigate`]'s function moves.
#[derive(Debug, Clone, Copy)]
pub struct NavigateOptions {
    /// Replace the current history entry instead of adding one.
    pub replace: bool,
    /// Scroll to the top (or to the `#fragment`) once there.
    pub scroll: bool,
    /// Put the page's language prefix before an absolute path.
    pub resolve: bool,
}

impl Default for NavigateOptions {
    fn default() -> Self {
        NavigateOptions { replace: false, scroll: true, resolve: true }
    }
}

/// Query or route parameters by name.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct ParamsMap(Vec<(String, String)>);

impl ParamsMap {
    /// The first value named `key`.
    pub fn get(&self, key: &str) -> Option<String> {
        self.0.iter().find(|(k, _)| k == key).map(|(_, v)| v.clone())
    }

    /// The pairs of a query string (with or without its `?`), decoded as a
    /// form does (`+` is a space, `%XX` a byte of UTF-8).
    fn from_query(search: &str) -> ParamsMap {
        let pairs = search
            .trim_start_matches('?')
            .split('&')
            .filter(|pair| !pair.is_empty())
            .map(|pair| {
                let (key, value) = pair.split_once('=').unwrap_or((pair, ""));
                (decode(key), decode(value))
            })
            .collect();
        ParamsMap(pairs)
    }
}

/// Percent-decoding, with `+` as a space; a malformed escape stays as written.
fn decode(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'+' => out.push(b' '),
            b'%' if i + 2 < bytes.len() => {
                match (hex(bytes[i + 1]), hex(bytes[i + 2])) {
                    (Some(high), Some(low)) => {
                        out.push(high * 16 + low);
                        i += 2;
                    }
                    _ => out.push(b'%'),
                }
            }
            byte => out.push(byte),
        }
        i += 1;
    }
    String::from_utf8_lossy(&out).into_owned()
}

fn hex(byte: u8) -> Option<u8> {
    (byte as char).to_digit(16).map(|d| d as u8)
}

fn router() -> RouterContext {
    expect_context::<RouterContext>()
}

/// Starts the router for addresses under `base` (the page's language
/// prefix): the address becomes a signal, and clicks on links to the app's
/// pages, and the back and forward buttons, move without a page load.
pub fn provide_router(base: &'static str) -> ReadSignal<bool> {
    let url = Url::current();
    let context = RouterContext {
        arrived: RwSignal::new(url.path.clone()),
        url: RwSignal::new(url),
        base,
        is_routing: RwSignal::new(false),
        loading: StoredValue::new(0),
        pending: StoredValue::new(None),
    };
    provide_context(context);
    let url = context.url;
    let pathname = Memo::new(move |_| url.with(|u| u.path.clone()));
    let search = Memo::new(move |_| url.with(|u| u.search.clone()));
    let query = Memo::new(move |_| search.with(|s| ParamsMap::from_query(s)));
    provide_context(Location { pathname, search, arrived: context.arrived.read_only() });
    provide_context(Query(query));

    let clicks = window_event_listener(leptos::ev::click, move |event| on_click(context, &event));
    let history = window_event_listener(leptos::ev::popstate, move |_| {
        // The browser has moved already (back, forward, a `#fragment`).
        context.pending.set_value(None);
        context.url.set(Url::current());
        complete_when_loaded(context);
    });
    on_cleanup(move || {
        clicks.remove();
        history.remove();
    });
    context.is_routing.read_only()
}

#[derive(Clone, Copy)]
struct Query(Memo<ParamsMap>);

/// The current address, as signals.
pub fn use_location() -> Location {
    expect_context::<Location>()
}

/// The current address's query parameters.
pub fn use_query_map() -> Memo<ParamsMap> {
    expect_context::<Query>().0
}

/// The parameters (`:name`) of the route showing this page.
pub fn use_params_map() -> Memo<ParamsMap> {
    expect_context::<RouteParams>().0
}

#[derive(Clone, Copy)]
struct RouteParams(Memo<ParamsMap>);

/// A function that moves to an address: a path as the routes name it (the
/// language prefix is added), with its query and fragment.
pub fn use_navigate() -> impl Fn(&str, NavigateOptions) + Clone + 'static {
    let context = router();
    move |to: &str, options: NavigateOptions| {
        let href = match (options.resolve, to) {
            (true, "/") if !context.base.is_empty() => context.base.to_string(),
            (true, path) if path.starts_with('/') => format!("{}{path}", context.base),
            (_, other) => other.to_string(),
        };
        navigate(context, &href, Change { replace: options.replace, scroll: options.scroll });
    }
}

/// Whether `path` is one of this app's: under the same language prefix.
fn in_app(base: &str, path: &str) -> bool {
    curtain_ui::PageLang::of_path(path).prefix() == base
}

/// The part of `path` the routes match: without the language prefix.
fn route_path<'a>(base: &str, path: &'a str) -> &'a str {
    match curtain_ui::Lang::split_path(path) {
        Some((_, rest)) if !base.is_empty() => rest,
        _ => path,
    }
}

fn navigate(context: RouterContext, href: &str, change: Change) {
    let url = context.url.with_untracked(|current| Url::parse(href, current));
    if !in_app(context.base, &url.path) {
        // Another language's app, or not a page of the app at all.
        let _ = window().location().set_href(href);
        return;
    }
    let same_page = context.url.with_untracked(|current| current.path == url.path);
    context.pending.set_value(Some(change));
    context.url.set(url);
    if same_page {
        complete(context);
    } else {
        complete_when_loaded(context);
    }
}

/// Route views choose their page in effects; after them, if none is
/// fetching one, the move is complete (else the last page to arrive
/// completes it).
fn complete_when_loaded(context: RouterContext) {
    set_timeout(
        move || {
            if context.loading.get_value() == 0 {
                complete(context);
            }
        },
        std::time::Duration::ZERO,
    );
}

/// The new page is in: the address bar shows its address, and the window
/// scrolls to its top or to the fragment.
fn complete(context: RouterContext) {
    context.is_routing.set(false);
    let path = context.url.with_untracked(|url| url.path.clone());
    if context.arrived.with_untracked(|arrived| *arrived != path) {
        context.arrived.set(path);
    }
    let Some(change) = context.pending.try_update_value(Option::take).flatten() else { return };
    let url = context.url.get_untracked();
    let full = url.full();
    if let Ok(history) = window().history() {
        let here = Url::current().full();
        let _ = if change.replace || here == full {
            history.replace_state_with_url(&wasm_bindgen::JsValue::NULL, "", Some(&full))
        } else {
            history.push_state_with_url(&wasm_bindgen::JsValue::NULL, "", Some(&full))
        };
    }
    if change.scroll {
        let target = url.hash.strip_prefix('#').and_then(|id| document().get_element_by_id(id));
        match target {
            Some(element) => element.scroll_into_view(),
            None => window().scroll_to_with_x_and_y(0.0, 0.0),
        }
    }
}

/// A click on a link to one of the app's pages moves without a page load;
/// every other click is the browser's, as are links with a target, a
/// download, `rel="external"`, or a modifier key held.
fn on_click(context: RouterContext, event: &web_sys::MouseEvent) {
    if event.default_prevented()
        || event.button() != 0
        || event.meta_key()
        || event.alt_key()
        || event.ctrl_key()
        || event.shift_key()
    {
        return;
    }
    let Some(anchor) = event
        .target()
        .and_then(|t| t.dyn_into::<web_sys::Element>().ok())
        .and_then(|e| e.closest("a[href]").ok().flatten())
        .and_then(|a| a.dyn_into::<web_sys::HtmlAnchorElement>().ok())
    else {
        return;
    };
    let external = anchor.get_attribute("rel").is_some_and(|rel| rel.split_ascii_whitespace().any(|r| r == "external"));
    if !anchor.target().is_empty() || anchor.has_attribute("download") || external {
        return;
    }
    let Ok(origin) = window().location().origin() else { return };
    if anchor.origin() != origin {
        return;
    }
    let url = Url { path: anchor.pathname(), search: anchor.search(), hash: anchor.hash() };
    if !in_app(context.base, &url.path) {
        return;
    }
    // A `#fragment` on this very page: the browser scrolls to it, focuses
    // and styles its target, and tells the router (`popstate`).
    let same_page = context.url.with_untracked(|current| current.path == url.path && current.search == url.search);
    if same_page && !url.hash.is_empty() {
        return;
    }
    event.prevent_default();
    navigate(context, &url.full(), Change { replace: false, scroll: !anchor.has_attribute("data-noscroll") });
}

/// How a route's page comes: at once, or once its code (and data) arrive.
pub enum PageLoad {
    Now(AnyView),
    Later(Pin<Box<dyn Future<Output = AnyView>>>),
}

impl PageLoad {
    /// A page in the main module.
    pub fn now<V: IntoView + 'static>(page: impl FnOnce() -> V) -> PageLoad {
        PageLoad::Now(page().into_any())
    }

    /// A page fetched on first use: its data is asked for now (while the
    /// code downloads), its view once both are there.
    pub fn later<R: LazyRoute + 'static>() -> PageLoad {
        let data = R::data();
        PageLoad::Later(Box::pin(R::view(data)))
    }
}

/// A page whose code is fetched when it is first shown.
pub trait LazyRoute: Sized {
    /// Runs as soon as the route is chosen, in the main module.
    fn data() -> Self;
    /// The page, once its code is there.
    fn view(this: Self) -> impl Future<Output = AnyView>;
}

/// One entry of a route table: a path (`/u/:username`; relative to the
/// parent's for a nested table) and what shows there. A `nested` route
/// matches its path and everything under it; its page holds a [`Routes`] of its own
/// for the rest.
pub struct Route {
    pub path: &'static str,
    pub nested: bool,
    pub page: fn() -> PageLoad,
}

/// Matches `path` against `pattern` segment by segment; `:name` takes any
/// one segment. With `nested`, `path` may go on below `pattern`.
fn match_path(pattern: &str, path: &str, nested: bool) -> Option<ParamsMap> {
    let mut wanted = pattern.split('/').filter(|s| !s.is_empty());
    let mut given = path.split('/').filter(|s| !s.is_empty());
    let mut params = Vec::new();
    loop {
        match (wanted.next(), given.next()) {
            (None, None) => return Some(ParamsMap(params)),
            (None, Some(_)) => return nested.then_some(ParamsMap(params)),
            (Some(_), None) => return None,
            (Some(w), Some(g)) => match w.strip_prefix(':') {
                Some(name) => params.push((name.to_string(), decode_path(g))),
                None if w == g => {}
                None => return None,
            },
        }
    }
}

/// A path segment, percent-decoded (`+` stays a plus).
fn decode_path(segment: &str) -> String {
    decode(&segment.replace('+', "%2B"))
}

/// Which route of `routes` `path` is, and its parameters.
fn choose(routes: &'static [Route], path: &str) -> Option<(usize, ParamsMap)> {
    routes.iter().enumerate().find_map(|(i, route)| match_path(route.path, path, route.nested).map(|p| (i, p)))
}

/// The path below `prefix` (a nested table's parent), or `None` when `path`
/// is not under it.
fn below<'a>(prefix: &str, path: &'a str) -> Option<&'a str> {
    let rest = path.strip_prefix(prefix)?;
    (rest.is_empty() || rest.starts_with('/')).then_some(rest)
}

/// Shows the page of `routes` the address matches (`fallback` for none).
/// `prefix` is the path of the parent route for a nested table, `""` at the
/// top. A page stays until the next one is ready; each page has its own
/// reactive owner, cleaned up when it goes.
#[component]
pub fn Routes(
    routes: &'static [Route],
    #[prop(default = "")] prefix: &'static str,
    fallback: fn() -> AnyView,
) -> impl IntoView {
    let context = router();
    let parent = Owner::current().expect("the routes are rendered inside the app");
    let chosen = Memo::new(move |_| {
        context.url.with(|url| {
            below(prefix, route_path(context.base, &url.path)).map(|rest| choose(routes, rest))
        })
    });
    // What is on screen (its route, parameters and owner), and what the
    // address last asked for (on screen, or on its way).
    let shown: StoredValue<Option<(Option<usize>, ParamsMap, Owner)>, LocalStorage> = StoredValue::new_local(None);
    let wanted: StoredValue<Option<(Option<usize>, ParamsMap)>> = StoredValue::new(None);
    let slot: StoredValue<Option<AnyView>, LocalStorage> = StoredValue::new_local(None);
    let version = RwSignal::new(0u64);
    let generation = StoredValue::new(0u64);

    // The key of what is shown: the route and its parameters. A change of
    // query only keeps the page (it reads the query reactively).
    let show = move |choice: Option<(usize, ParamsMap)>| {
        let (index, params) = match choice {
            Some((index, params)) => (Some(index), params),
            None => (None, ParamsMap::default()),
        };
        if wanted.with_value(|w| w.as_ref().is_some_and(|(i, p)| *i == index && *p == params)) {
            return;
        }
        wanted.set_value(Some((index, params.clone())));
        // Any page still on its way is for an earlier move: drop it.
        generation.update_value(|g| *g += 1);
        let this_move = generation.get_value();
        if shown.with_value(|s| s.as_ref().is_some_and(|(i, p, _)| *i == index && *p == params)) {
            return;
        }
        let owner = parent.child();
        let load = owner.with(|| {
            provide_context(RouteParams(Memo::new({
                let params = params.clone();
                move |_| params.clone()
            })));
            match index {
                Some(index) => (routes[index].page)(),
                None => PageLoad::Now(fallback()),
            }
        });
        let kept = owner.clone();
        let swap = move |view: AnyView| {
            slot.set_value(Some(view));
            let old = shown.try_update_value(|s| s.replace((index, params, kept))).flatten();
            version.update(|v| *v += 1);
            if let Some((_, _, old_owner)) = old {
                old_owner.cleanup();
            }
        };
        match load {
            PageLoad::Now(view) => swap(view),
            PageLoad::Later(future) => {
                context.loading.update_value(|n| *n += 1);
                context.is_routing.set(true);
                let owner_for_task = owner.clone();
                owner.with(|| {
                    leptos::reactive::spawn_local_scoped(async move {
                        let view = future.await;
                        context.loading.update_value(|n| *n = n.saturating_sub(1));
                        if generation.get_value() == this_move {
                            swap(view);
                            if context.loading.get_value() == 0 {
                                // After the page's own first render.
                                request_animation_frame(move || complete(context));
                            }
                        } else {
                            // Overtaken by a later move (or the back button),
                            // which may have been waiting for this to finish.
                            owner_for_task.cleanup();
                            if context.loading.get_value() == 0 {
                                complete(context);
                            }
                        }
                    })
                });
            }
        }
    };
    show(chosen.get_untracked().flatten());
    Effect::new(move |_| {
        // Outside this prefix (a nested table whose parent is going): keep
        // what is shown until the parent goes with it.
        if let Some(choice) = chosen.get() {
            show(choice);
        }
    });
    on_cleanup(move || {
        if let Some((_, _, owner)) = shown.try_update_value(Option::take).flatten() {
            owner.cleanup();
        }
    });
    move || {
        version.track();
        slot.try_update_value(Option::take).flatten()
    }
}

/// A link to one of the app's pages: `href` is the path as the routes name
/// it, and the page's language prefix is written in. It is marked
/// `aria-current="page"` while the address is that page or one below it.
#[component]
pub fn A(#[prop(into)] href: String, children: Children) -> impl IntoView {
    let home = href == "/";
    let href = crate::lang::page().path(&href);
    let location = use_location();
    let target = href.split(['?', '#']).next().unwrap_or_default().to_string();
    let current = move || location.pathname.with(|path| is_active_for(&target, path, home)).then_some("page");
    view! { <a href=href aria-current=current>{children()}</a> }
}

/// Whether a link to `href` is to the page at `path` or, unless `exact` (the
/// home page), one of its parents.
fn is_active_for(href: &str, path: &str, exact: bool) -> bool {
    let href = href.trim_end_matches('/');
    let path = path.trim_end_matches('/');
    path == href || (!exact && !href.is_empty() && path.strip_prefix(href).is_some_and(|rest| rest.starts_with('/')))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn query_values_are_decoded_as_forms_send_them() {
        let q = ParamsMap::from_query("?q=film+noir&as=everyone&x=%C3%A9t%C3%A9&bad=%zz&empty=");
        assert_eq!(q.get("q").as_deref(), Some("film noir"));
        assert_eq!(q.get("as").as_deref(), Some("everyone"));
        assert_eq!(q.get("x").as_deref(), Some("été"));
        assert_eq!(q.get("bad").as_deref(), Some("%zz"));
        assert_eq!(q.get("empty").as_deref(), Some(""));
        assert_eq!(q.get("missing"), None);
        assert_eq!(ParamsMap::from_query("").get("q"), None);
        assert_eq!(ParamsMap::from_query("a=%").get("a").as_deref(), Some("%"));
        assert_eq!(ParamsMap::from_query("a=%4").get("a").as_deref(), Some("%4"));
    }

    #[test]
    fn paths_match_segment_by_segment() {
        assert_eq!(match_path("/", "/", false), Some(ParamsMap::default()));
        assert_eq!(match_path("/privacy", "/privacy/", false), Some(ParamsMap::default()));
        assert_eq!(match_path("/privacy", "/privacy/v", false), None);
        assert_eq!(match_path("/privacy/v/:n", "/privacy/v/3", false).unwrap().get("n").as_deref(), Some("3"));
        assert_eq!(match_path("/u/:username", "/u/ana%20b", false).unwrap().get("username").as_deref(), Some("ana b"));
        assert_eq!(match_path("/u/:username", "/u/a+b", false).unwrap().get("username").as_deref(), Some("a+b"));
        assert_eq!(match_path("/u/:username", "/u", false), None);
        assert_eq!(match_path("/settings", "/settings/profile", true), Some(ParamsMap::default()));
        assert_eq!(match_path("/settings", "/settingsx", true), None);
        assert_eq!(match_path("", "/", false), Some(ParamsMap::default()));
        assert_eq!(match_path("/cookies", "/cookies", false), Some(ParamsMap::default()));
    }

    #[test]
    fn nested_tables_see_the_rest_of_the_path() {
        assert_eq!(below("/settings", "/settings/profile"), Some("/profile"));
        assert_eq!(below("/settings", "/settings"), Some(""));
        assert_eq!(below("/settings", "/settingsx"), None);
        assert_eq!(below("", "/privacy"), Some("/privacy"));
    }

    #[test]
    fn routes_see_the_path_without_the_language() {
        assert_eq!(route_path("/de", "/de/privacy"), "/privacy");
        assert_eq!(route_path("/de", "/de"), "/");
        assert_eq!(route_path("", "/privacy"), "/privacy");
        assert!(in_app("/de", "/de/privacy"));
        assert!(!in_app("/de", "/privacy"));
        assert!(!in_app("", "/de/privacy"));
        assert!(!in_app("", "/en/privacy"));
        assert!(in_app("/en", "/en"));
        assert!(in_app("", "/u/ana"));
    }

    #[test]
    fn addresses_parse_relative_to_the_current_page() {
        let here = Url { path: "/search".into(), search: "?q=a".into(), hash: String::new() };
        assert_eq!(Url::parse("?q=b", &here), Url { path: "/search".into(), search: "?q=b".into(), hash: String::new() });
        assert_eq!(Url::parse("/privacy#children", &here).full(), "/privacy#children");
        assert_eq!(Url::parse("/privacy?", &here).full(), "/privacy");
    }

    #[test]
    fn links_are_current_for_their_page_and_those_below_it() {
        assert!(is_active_for("/settings/profile", "/settings/profile", false));
        assert!(is_active_for("/settings", "/settings/profile", false));
        assert!(!is_active_for("/settings/profile", "/settings", false));
        assert!(!is_active_for("/settings", "/settingsx", false));
        assert!(is_active_for("/", "/", true));
        assert!(!is_active_for("/", "/privacy", true));
        assert!(is_active_for("/de", "/de/", true));
        assert!(!is_active_for("/de", "/de/privacy", true));
    }
}
