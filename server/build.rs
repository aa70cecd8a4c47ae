//! Collects the tests that prove the privacy policy's promises, so the server
//! can show them on the promises page and a unit test can refuse a promise
//! that no test proves.
//!
//! A test is tagged with a comment line above its test attribute:
//!
//! ```text
//! // promise: export-everything, deletion-is-complete
//! #[tokio::test]
//! async fn the_export_holds_everything() { … }
//! ```
//!
//! The end-to-end tests and the server's and the shared crate's sources are
//! read ([`SOURCES`]); the result is `$OUT_DIR/promise_tests.rs`,
//! a table of `(promise id, file, test name)`.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

/// Folders, relative to the workspace, whose `.rs` files may hold tagged
/// tests: the end-to-end tests and the unit tests of the server and the shared
/// crate. (Not the SPA's: every edit there would rerun this script, and so
/// rebuild the server.)
const SOURCES: &[&str] = &["tests/tests", "server/src", "api/src"];

fn main() {
    let workspace = Path::new(env!("CARGO_MANIFEST_DIR")).parent().expect("the server sits in the workspace").to_path_buf();
    let mut files = Vec::new();
    for dir in SOURCES {
        let dir = workspace.join(dir);
        println!("cargo:rerun-if-changed={}", dir.display());
        rust_files(&dir, &mut files);
    }
    files.sort();
    let mut table = String::from("/// `(promise id, file, test)` for every test tagged `// promise: …`.\n");
    table.push_str("pub const PROMISE_TESTS: &[(&str, &str, &str)] = &[\n");
    for file in files {
        let Ok(text) = std::fs::read_to_string(&file) else { continue };
        let relative = file.strip_prefix(&workspace).unwrap_or(&file).to_string_lossy().replace('\\', "/");
        for (id, test) in tagged_tests(&text).unwrap_or_else(|e| panic!("{relative}: {e}")) {
            writeln!(table, "    ({id:?}, {relative:?}, {test:?}),").unwrap();
        }
    }
    table.push_str("];\n");
    let out = PathBuf::from(std::env::var_os("OUT_DIR").expect("cargo sets OUT_DIR")).join("promise_tests.rs");
    std::fs::write(out, table).expect("writing promise_tests.rs");
}

fn rust_files(dir: &Path, into: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else { return };
    for entry in entries.flatten() {
        let path = entry.path();
        if path.is_dir() {
            rust_files(&path, into);
        } else if path.extension().is_some_and(|e| e == "rs") && !path.ends_with("build.rs") {
            into.push(path);
        }
    }
}

/// `(id, test function)` for each tag in `text`. A tag must be followed,
/// before the function, by a test attribute; otherwise it proves nothing and
/// the build says so.
fn tagged_tests(text: &str) -> Result<Vec<(String, String)>, String> {
    let lines: Vec<&str> = text.lines().collect();
    let mut found = Vec::new();
    for (i, line) in lines.iter().enumerate() {
        let Some(ids) = line.trim().strip_prefix("// promise:") else { continue };
        let mut has_test_attribute = false;
        let mut name = None;
        for next in &lines[i + 1..] {
            let next = next.trim();
            if next.starts_with("#[") {
                has_test_attribute |= next.contains("test");
            } else if let Some(rest) = next.strip_prefix("async fn ").or_else(|| next.strip_prefix("fn ")) {
                name = rest.split(|c: char| !(c.is_alphanumeric() || c == '_')).next().map(str::to_string);
                break;
            } else if !next.starts_with("//") {
                break;
            }
        }
        let (Some(name), true) = (name, has_test_attribute) else {
            return Err(format!("line {}: `// promise:` must sit directly above a test's attribute and function", i + 1));
        };
        for id in ids.split(',').map(str::trim).filter(|id| !id.is_empty()) {
            found.push((id.to_string(), name.clone()));
        }
    }
    Ok(found)
}
