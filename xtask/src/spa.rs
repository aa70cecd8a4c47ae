//! The SPA's release build, into `dist/`:
//!
//! 1. `cargo build` the `curtain` binary for wasm32 (with relocations kept, see
//!    `.cargo/config.toml`, which the splitter needs);
//! 2. split the wasm at its `#[lazy]` points (each lazily loaded page) into a
//!    main module and chunks fetched on first use, plus the small JS module that
//!    loads them;
//! 3. `wasm-bindgen` the main module, `wasm-opt -Oz` every module;
//! 4. put those files in `dist/app-<hash>/` (the hash is of their contents, so
//!    they can be cached for a year; they refer to each other by relative path),
//!    the stylesheet and icon beside it with hashed names, and write
//!    `dist/index.html` from the root `index.html` with the tags that load them;
//!
//! once per language (`LANGUAGES`): each language is an app of its own, with
//! its words only, and a page of its own (`index.de.html`);
//! 5. write brotli and gzip twins of everything (`compress.rs`).

use std::fmt::Write as _;
use std::fs;
use std::path::{Path, PathBuf};

use sha2::{Digest, Sha256};

use crate::tools::{Toolchain, WASM_TARGET};

/// The binary the SPA is; wasm-bindgen names its outputs after it.
const BIN: &str = "curtain";
/// Where the build's source files are, relative to the workspace root.
const PAGE: &str = "index.html";
const STYLESHEET: &str = "style/main.css";
const ICON: &str = "public/favicon.svg";
/// The head of `index.html` gets the build's tags just before this.
const HEAD_END: &str = "</head>";

/// What [`build`] did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// Split, bound, optimised and compressed.
    Built,
    /// The compiled wasm and the assets were what the last build had: its
    /// output was copied into `dist/`.
    Reused,
}

/// The build's own code: a change to how the SPA is built must rebuild it.
const BUILD_CODE: [&str; 2] = [include_str!("spa.rs"), include_str!("compress.rs")];

/// The languages, each an app of its own (`CURTAIN_LANG` at compile time:
/// an app carries the words of its language only), and the page that loads
/// it. The server sends each language's pages with its page.
pub const LANGUAGES: [(&str, &str); 3] = [("en", "index.html"), ("de", "index.de.html"), ("pt-BR", "index.pt-BR.html")];

/// Builds the SPA into `dist` (which it replaces), with precompressed twins.
/// When the compiled wasm, the page, the stylesheet, the icon, the tool
/// versions and this build code are all what the last build had (one hash
/// of them all is the key), the last build's output is copied instead.
pub fn build(tools: &Toolchain, target_dir: &Path, dist: &Path) -> Result<Outcome, String> {
    let kept = target_dir.join("spa-compiled");
    fs::create_dir_all(&kept).map_err(|e| format!("creating {}: {e}", kept.display()))?;
    let mut compiled = Vec::new();
    for (lang, _) in LANGUAGES {
        tools.run(
            tools
                .cargo()
                .env("CURTAIN_LANG", lang)
                .args(["build", "--release", "--target", WASM_TARGET, "--bin", BIN, "--features", "split"]),
        )?;
        let out = target_dir.join(WASM_TARGET).join("release").join(format!("{BIN}.wasm"));
        let copy = kept.join(format!("{BIN}-{lang}.wasm"));
        fs::copy(&out, &copy).map_err(|e| format!("copying {}: {e}", out.display()))?;
        compiled.push(copy);
    }
    let key = input_key(tools.root(), &compiled)?;
    cached(&target_dir.join("spa-cache"), &key, dist, |dist| {
        recreate(dist)?;
        let stylesheet = copy_hashed(&tools.root().join(STYLESHEET), dist)?;
        let icon = copy_hashed(&tools.root().join(ICON), dist)?;
        for ((lang, page), compiled) in LANGUAGES.iter().zip(&compiled) {
            let app_dir = build_app(tools, &target_dir.join("spa").join(lang), compiled, dist)?;
            let tags = LoaderTags { app_dir: &app_dir, stylesheet: &stylesheet, icon: &icon };
            let html = with_loader(&read(&tools.root().join(PAGE))?, &tags)?;
            write(&dist.join(page), html.as_bytes())?;
            println!("✓ wrote the app in {lang} into {}", dist.join(&app_dir).display());
        }
        let count = crate::compress::precompress(dist)?;
        println!("✓ precompressed {count} files in dist/ (brotli and gzip)");
        Ok(())
    })
}

/// The digest of everything the split build's output depends on once the
/// wasm is compiled.
pub fn input_key(root: &Path, compiled: &[PathBuf]) -> Result<String, String> {
    let mut hasher = Sha256::new();
    for file in compiled.iter().cloned().chain([root.join(PAGE), root.join(STYLESHEET), root.join(ICON)]) {
        let bytes = fs::read(&file).map_err(|e| format!("reading {}: {e}", file.display()))?;
        hasher.update((bytes.len() as u64).to_le_bytes());
        hasher.update(&bytes);
    }
    for code in BUILD_CODE {
        hasher.update(code.as_bytes());
    }
    hasher.update(crate::tools::BINARYEN_VERSION.as_bytes());
    Ok(hex(&hasher.finalize()))
}

/// `dist` as the build keyed `key` made it: from `cache` when the last build
/// there had that key, else by running `build` on it and keeping a copy.
pub fn cached(
    cache: &Path,
    key: &str,
    dist: &Path,
    build: impl FnOnce(&Path) -> Result<(), String>,
) -> Result<Outcome, String> {
    let key_file = cache.join("key");
    let kept = cache.join("dist");
    if fs::read_to_string(&key_file).is_ok_and(|k| k == key) && kept.is_dir() {
        recreate(dist)?;
        copy_dir(&kept, dist)?;
        println!("✓ the SPA's inputs are unchanged since the last build: reused it (no split, bind, optimise or compress)");
        return Ok(Outcome::Reused);
    }
    build(dist)?;
    // The key last, so a copy cut short is never taken for a whole one.
    let _ = fs::remove_file(&key_file);
    recreate(&kept)?;
    copy_dir(dist, &kept)?;
    write(&key_file, key.as_bytes())?;
    Ok(Outcome::Built)
}

fn hex(digest: &[u8]) -> String {
    digest.iter().fold(String::new(), |mut s, b| {
        let _ = write!(s, "{b:02x}");
        s
    })
}

/// Splits, binds and optimises `compiled` (in `work`) and copies the app into
/// `dist/app-<hash>/`. Returns that folder's name.
fn build_app(tools: &Toolchain, work: &Path, compiled: &Path, dist: &Path) -> Result<String, String> {
    recreate(work)?;
    let app = work.join("app");
    let split_main = work.join(format!("{BIN}_split.wasm"));
    let chunks = split(compiled, &app, &split_main)?;
    println!("✓ split the wasm into a main module and {chunks} lazily loaded modules");

    tools.run(
        tools
            .command("wasm-bindgen")
            .args(["--target", "web", "--keep-lld-exports", "--no-typescript", "--out-name", BIN])
            .arg("--out-dir")
            .arg(&app)
            .arg(&split_main),
    )?;
    for wasm in files_in(&app)?.into_iter().filter(|p| p.extension().is_some_and(|e| e == "wasm")) {
        let bytes = fs::read(&wasm).map_err(|e| format!("reading {}: {e}", wasm.display()))?;
        write(&wasm, &without_custom_sections(&bytes).map_err(|e| format!("{}: {e}", wasm.display()))?)?;
    }
    optimise_all(tools, &app)?;

    let app_dir = format!("app-{}", digest_of_dir(&app)?);
    copy_dir(&app, &dist.join(&app_dir))?;
    Ok(app_dir)
}

/// How many bytes of code (before compression) a page may load without
/// needing them, per fetch that merging shared chunks saves it. A fetch and an
/// instantiation cost about as much as that many bytes on a slow line, and far
/// more on a slow CPU.
const CHUNK_MERGE_BUDGET: usize = 8 * 1024;

/// Splits `compiled` at its split points: chunks and the loader module into
/// `out_dir`, the main module (still to go through wasm-bindgen) to
/// `main_out`. Returns how many chunks there are.
fn split(compiled: &Path, out_dir: &Path, main_out: &Path) -> Result<usize, String> {
    let input = fs::read(compiled).map_err(|e| format!("reading {}: {e}", compiled.display()))?;
    let split = wasm_split_cli_support::transform({
        let mut options = wasm_split_cli_support::Options::new(&input);
        options.output_dir = out_dir;
        options.main_out_path = main_out;
        // The loader imports wasm-bindgen's glue, which sits beside it.
        options.main_module = "./curtain.js";
        options.chunk_merge_budget = CHUNK_MERGE_BUDGET;
        options
    })
    .map_err(|e| format!("splitting {}: {e:#}", compiled.display()))?;
    Ok(split.split_modules.len())
}

/// `wasm` without its custom sections (function names, producers, target
/// features): the browser runs nothing from them, and in the chunks the
/// splitter writes, names can be half the bytes.
fn without_custom_sections(wasm: &[u8]) -> Result<Vec<u8>, String> {
    const HEADER: usize = 8;
    if wasm.len() < HEADER || &wasm[..4] != b"\0asm" {
        return Err("not a wasm module".into());
    }
    let mut out = wasm[..HEADER].to_vec();
    let mut at = HEADER;
    while at < wasm.len() {
        let id = wasm[at];
        let (size, body) = read_leb_u32(wasm, at + 1)?;
        let end = body.checked_add(size as usize).filter(|&end| end <= wasm.len()).ok_or("a section runs past the end")?;
        if id != 0 {
            out.extend_from_slice(&wasm[at..end]);
        }
        at = end;
    }
    Ok(out)
}

/// An unsigned LEB128 number at `at`; returns it and where the bytes after it start.
fn read_leb_u32(bytes: &[u8], mut at: usize) -> Result<(u32, usize), String> {
    let mut value: u32 = 0;
    for shift in (0..35).step_by(7) {
        let byte = *bytes.get(at).ok_or("a section size runs past the end")?;
        at += 1;
        value |= u32::from(byte & 0x7f).checked_shl(shift).ok_or("a section size is too large")?;
        if byte & 0x80 == 0 {
            return Ok((value, at));
        }
    }
    Err("a section size is too long".into())
}

/// Modules smaller than this are left as the compiler wrote them: most chunks
/// are a few hundred bytes, where `wasm-opt` (a few seconds per call) saves
/// next to nothing.
const OPTIMISE_MIN_BYTES: u64 = 8 * 1024;

/// `wasm-opt` on every module in `dir` worth it, on every core.
fn optimise_all(tools: &Toolchain, dir: &Path) -> Result<(), String> {
    let mut modules: Vec<PathBuf> = files_in(dir)?
        .into_iter()
        .filter(|p| p.extension().is_some_and(|e| e == "wasm"))
        .filter(|p| fs::metadata(p).map(|m| m.len() >= OPTIMISE_MIN_BYTES).unwrap_or(true))
        .collect();
    // Largest first, so the main module does not start last.
    modules.sort_by_key(|p| std::cmp::Reverse(fs::metadata(p).map(|m| m.len()).unwrap_or(0)));
    let workers = std::thread::available_parallelism().map_or(1, |n| n.get());
    let queue = std::sync::Mutex::new(modules.into_iter());
    std::thread::scope(|scope| {
        let handles: Vec<_> = (0..workers)
            .map(|_| {
                scope.spawn(|| loop {
                    let next = queue.lock().map_err(|_| "a wasm-opt worker panicked")?.next();
                    match next {
                        Some(wasm) => optimise(tools, &wasm)?,
                        None => return Ok::<(), String>(()),
                    }
                })
            })
            .collect();
        handles.into_iter().try_for_each(|h| h.join().map_err(|_| "a wasm-opt worker panicked".to_string())?)
    })
}

/// `wasm-opt -Oz` in place, with the wasm features Rust's wasm32 target uses
/// (the split modules carry no feature section to read them from).
fn optimise(tools: &Toolchain, wasm: &Path) -> Result<(), String> {
    let optimised = wasm.with_extension("opt.wasm");
    tools.run(
        tools
            .command("wasm-opt")
            .args([
                "-Oz",
                "--enable-bulk-memory",
                "--enable-nontrapping-float-to-int",
                "--enable-sign-ext",
                "--enable-mutable-globals",
                "--enable-reference-types",
                "--enable-multivalue",
            ])
            .arg(wasm)
            .arg("-o")
            .arg(&optimised),
    )?;
    fs::rename(&optimised, wasm).map_err(|e| format!("replacing {}: {e}", wasm.display()))
}

/// What `index.html` must load, by URL path relative to the site root.
struct LoaderTags<'a> {
    app_dir: &'a str,
    stylesheet: &'a str,
    icon: &'a str,
}

/// `page` with the icon, stylesheet and app loader added at the end of its
/// head. The loader is one inline module (the server allows it by its hash).
/// It starts the app only after the first paint: the page the server sends
/// already shows the consent banner and, on the policy pages, the policy, so
/// nothing the visitor sees first waits for the app, and the app's download
/// no longer competes with the stylesheet. The wasm is fetched while its glue
/// is imported, so the two download in parallel.
fn with_loader(page: &str, tags: &LoaderTags) -> Result<String, String> {
    // Trunk's directives are Trunk's: this build writes its own tags.
    let page: String = page.lines().filter(|line| !line.contains("data-trunk")).map(|line| format!("{line}\n")).collect();
    let page = page.as_str();
    let at = page.find(HEAD_END).ok_or_else(|| format!("{PAGE} has no {HEAD_END}"))?;
    let app = format!("/{}", tags.app_dir);
    let mut head = String::new();
    let _ = writeln!(head, r#"    <link rel="icon" type="image/svg+xml" href="/{}" />"#, tags.icon);
    let _ = writeln!(head, r#"    <link rel="stylesheet" href="/{}" />"#, tags.stylesheet);
    // Once the page has loaded and two frames have drawn it: a timer queued
    // from a frame callback runs after that frame is on screen.
    let _ = writeln!(
        head,
        r#"    <script type="module">const start = () => {{ const wasm = fetch('{app}/{BIN}_bg.wasm'); import('{app}/{BIN}.js').then((app) => app.default({{ module_or_path: wasm }})); }}; const later = () => requestAnimationFrame(() => requestAnimationFrame(() => setTimeout(start))); if (document.readyState === 'complete') later(); else addEventListener('load', later);</script>"#
    );
    Ok(format!("{}{head}  {}", page[..at].trim_end_matches([' ', '\t']), &page[at..]))
}

/// Copies `file` into `dir` as `stem-<hash>.ext`; returns the new name.
fn copy_hashed(file: &Path, dir: &Path) -> Result<String, String> {
    let bytes = fs::read(file).map_err(|e| format!("reading {}: {e}", file.display()))?;
    let stem = file.file_stem().and_then(|s| s.to_str()).ok_or("file without a name")?;
    let ext = file.extension().and_then(|s| s.to_str()).unwrap_or("bin");
    let name = format!("{stem}-{}.{ext}", short_hex(&Sha256::digest(&bytes)));
    write(&dir.join(&name), &bytes)?;
    Ok(name)
}

/// A digest of every file under `dir`, names included, in a fixed order.
fn digest_of_dir(dir: &Path) -> Result<String, String> {
    let mut hasher = Sha256::new();
    let mut files = files_in(dir)?;
    files.sort();
    for file in files {
        let name = file.strip_prefix(dir).unwrap_or(&file).to_string_lossy().replace('\\', "/");
        let bytes = fs::read(&file).map_err(|e| format!("reading {}: {e}", file.display()))?;
        hasher.update((name.len() as u64).to_le_bytes());
        hasher.update(name.as_bytes());
        hasher.update((bytes.len() as u64).to_le_bytes());
        hasher.update(&bytes);
    }
    Ok(short_hex(&hasher.finalize()))
}

/// The first 16 hex digits of a digest: the form the server recognises as a
/// content-addressed name (`server/src/spa.rs`, `is_hashed_asset`).
fn short_hex(digest: &[u8]) -> String {
    digest.iter().take(8).map(|b| format!("{b:02x}")).collect()
}

/// Every file under `dir`, at any depth.
pub fn files_in(dir: &Path) -> Result<Vec<PathBuf>, String> {
    let mut found = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(dir) = stack.pop() {
        let entries = fs::read_dir(&dir).map_err(|e| format!("reading {}: {e}", dir.display()))?;
        for entry in entries.flatten() {
            let path = entry.path();
            if path.is_dir() {
                stack.push(path);
            } else {
                found.push(path);
            }
        }
    }
    Ok(found)
}

fn copy_dir(from: &Path, to: &Path) -> Result<(), String> {
    for file in files_in(from)? {
        let relative = file.strip_prefix(from).unwrap_or(&file);
        let bytes = fs::read(&file).map_err(|e| format!("reading {}: {e}", file.display()))?;
        write(&to.join(relative), &bytes)?;
    }
    Ok(())
}

fn recreate(dir: &Path) -> Result<(), String> {
    if dir.exists() {
        fs::remove_dir_all(dir).map_err(|e| format!("removing {}: {e}", dir.display()))?;
    }
    fs::create_dir_all(dir).map_err(|e| format!("creating {}: {e}", dir.display()))
}

fn read(path: &Path) -> Result<String, String> {
    fs::read_to_string(path).map_err(|e| format!("reading {}: {e}", path.display()))
}

fn write(path: &Path, bytes: &[u8]) -> Result<(), String> {
    if let Some(parent) = path.parent() {
        fs::create_dir_all(parent).map_err(|e| format!("creating {}: {e}", parent.display()))?;
    }
    fs::write(path, bytes).map_err(|e| format!("writing {}: {e}", path.display()))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// An empty folder of the system's temporary folder, for one test.
    fn scratch(name: &str) -> PathBuf {
        let dir = std::env::temp_dir().join(format!("xtask-spa-{name}-{}", std::process::id()));
        let _ = fs::remove_dir_all(&dir);
        fs::create_dir_all(&dir).unwrap();
        dir
    }

    #[test]
    fn a_second_build_with_the_same_inputs_reuses_the_first() {
        let dir = scratch("reuse");
        let (cache, dist) = (dir.join("cache"), dir.join("dist"));
        let builds = std::cell::Cell::new(0);
        let build = |text: &'static str| {
            let builds = &builds;
            move |dist: &Path| {
                builds.set(builds.get() + 1);
                write(&dist.join("app/main.wasm"), text.as_bytes())?;
                write(&dist.join("index.html"), b"<html></html>")
            }
        };
        assert_eq!(cached(&cache, "k1", &dist, build("one")), Ok(Outcome::Built));
        // Something else wrote over dist/ meanwhile (trunk build, say).
        fs::remove_dir_all(&dist).unwrap();
        write(&dist.join("stray.txt"), b"x").unwrap();
        assert_eq!(cached(&cache, "k1", &dist, build("two")), Ok(Outcome::Reused));
        assert_eq!(builds.get(), 1, "nothing was split or optimised the second time");
        assert_eq!(read(&dist.join("app/main.wasm")).unwrap(), "one");
        assert!(!dist.join("stray.txt").exists(), "dist/ is exactly the build's output");
        // Any change to the inputs builds again.
        assert_eq!(cached(&cache, "k2", &dist, build("three")), Ok(Outcome::Built));
        assert_eq!((builds.get(), read(&dist.join("app/main.wasm")).unwrap().as_str()), (2, "three"));
        fs::remove_dir_all(&dir).ok();
    }

    #[test]
    fn a_build_that_fails_leaves_no_reusable_copy() {
        let dir = scratch("failed");
        let (cache, dist) = (dir.join("cache"), dir.join("dist"));
        assert!(cached(&cache, "k", &dist, |_| Err("wasm-opt failed".into())).is_err());
        let built = std::cell::Cell::new(false);
        let outcome = cached(&cache, "k", &dist, |d| {
            built.set(true);
            write(&d.join("index.html"), b"ok")
        });
        assert_eq!((outcome, built.get()), (Ok(Outcome::Built), true));
        fs::remove_dir_all(&dir).ok();
    }

    #[test]
    fn trunks_directives_are_left_out() {
        let page = "<html>\n  <head>\n    <link data-trunk rel=\"rust\" />\n  </head>\n</html>\n";
        let tags = LoaderTags { app_dir: "app-1", stylesheet: "main-1.css", icon: "favicon-1.svg" };
        let out = with_loader(page, &tags).unwrap();
        assert!(!out.contains("data-trunk"), "{out}");
        assert!(out.contains("app-1/curtain.js"), "{out}");
    }

    #[test]
    fn the_loader_goes_at_the_end_of_the_head() {
        let page = "<html>\n  <head>\n    <title>t</title>\n  </head>\n  <body></body>\n</html>\n";
        let tags = LoaderTags {
            app_dir: "app-0123456789abcdef",
            stylesheet: "main-1.css",
            icon: "favicon-2.svg",
        };
        let out = with_loader(page, &tags).unwrap();
        let head = &out[..out.find("</head>").unwrap()];
        assert!(head.contains(r#"<link rel="stylesheet" href="/main-1.css" />"#), "{out}");
        assert!(head.contains(r#"href="/favicon-2.svg""#), "{out}");
        assert!(!head.contains("preload"), "nothing of the app is fetched before the first paint: {out}");
        assert!(
            head.contains("const start = () => { const wasm = fetch('/app-0123456789abcdef/curtain_bg.wasm'); \
                           import('/app-0123456789abcdef/curtain.js').then((app) => app.default({ module_or_path: wasm })); };"),
            "{out}"
        );
        assert!(out.ends_with("  </head>\n  <body></body>\n</html>\n"), "{out}");
        assert!(out.starts_with("<html>\n  <head>\n    <title>t</title>\n    <link rel=\"icon\""), "{out}");
    }

    #[test]
    fn a_page_without_a_head_is_an_error() {
        let tags = LoaderTags { app_dir: "a", stylesheet: "b", icon: "c" };
        assert!(with_loader("<p>no head</p>", &tags).is_err());
    }

    #[test]
    fn custom_sections_go_and_the_rest_stays_byte_for_byte() {
        let header = b"\0asm\x01\0\0\0";
        let types = [1u8, 4, 1, 0x60, 0, 0]; // one type: () -> ()
        let name = [0u8, 7, 4, b'n', b'a', b'm', b'e', 1, 0];
        // A custom section whose size takes two LEB128 bytes (200).
        let mut producers = vec![0u8, 0xc8, 0x01, 9];
        producers.extend_from_slice(b"producers");
        producers.resize(3 + 200, 0);
        let functions = [3u8, 2, 1, 0];
        let module: Vec<u8> = [&header[..], &types, &name, &producers, &functions].concat();
        let stripped = without_custom_sections(&module).unwrap();
        assert_eq!(stripped, [&header[..], &types, &functions].concat());
        assert!(without_custom_sections(b"not wasm").is_err());
        let truncated = &module[..module.len() - 1];
        assert!(without_custom_sections(truncated).is_err());
    }

    #[test]
    fn short_hex_is_sixteen_digits() {
        assert_eq!(short_hex(&Sha256::digest(b"")), "e3b0c44298fc1c14");
    }
}
