//! `cargo xtask dev`: the API server and `trunk serve` side by side.
//!
//! Trunk builds the SPA whole (every page in one module), serves it on
//! 127.0.0.1:8081, rebuilds and reloads the browser when the SPA's sources
//! change, and passes `/api/` and `/policies/` to the server on 127.0.0.1:8080
//! (see `Trunk.toml`), so cookies stay first-party on Trunk's address. This
//! loop watches the server's sources and, when they change, rebuilds the
//! server and restarts it. Ctrl-C reaches both children (they share the
//! terminal's process group) and ends the loop.

use std::path::{Path, PathBuf};
use std::process::Child;
use std::time::{Duration, SystemTime};

use crate::tools::Toolchain;

/// Where Trunk serves; what to open.
pub const ADDRESS: &str = "http://127.0.0.1:8081/";
/// Where the API server listens (Trunk's proxy points here).
const API_ADDR: &str = "127.0.0.1:8080";
/// What the server is built from.
const SERVER_SOURCES: [&str; 4] = ["server/src", "server/migrations", "api/src", "policies"];

pub fn run(tools: &Toolchain, target_dir: &Path) -> Result<(), String> {
    tools.ensure_trunk()?;
    let data = target_dir.join("dev");
    std::fs::create_dir_all(&data).map_err(|e| format!("creating {}: {e}", data.display()))?;
    // Trunk's output, apart from the split build's dist/.
    let trunk_dist = data.join("dist");
    let mut server = start_server(tools, target_dir, &data, &trunk_dist)?;
    let mut trunk = tools
        .command("trunk")
        .args(["serve", "--dist"])
        .arg(&trunk_dist)
        .spawn()
        .map_err(|e| format!("starting trunk serve: {e}"))?;
    println!("\nCurtain's dev loop: open {ADDRESS}\n(the API server restarts when server code changes; Ctrl-C stops both)\n");
    let mut seen = newest_change(tools.root());
    loop {
        std::thread::sleep(Duration::from_millis(700));
        if let Some(status) = trunk.try_wait().map_err(|e| e.to_string())? {
            let _ = server.kill();
            return if status.success() { Ok(()) } else { Err(format!("trunk serve stopped ({status})")) };
        }
        let now = newest_change(tools.root());
        if now > seen {
            seen = now;
            println!("\nserver code changed: rebuilding the server…");
            match build_server(tools, target_dir) {
                Ok(_) => {
                    let _ = server.kill();
                    let _ = server.wait();
                    server = start_server(tools, target_dir, &data, &trunk_dist)?;
                    println!("✓ the server restarted with the change\n");
                }
                Err(e) => println!("the server did not build, so the running one stays: {e}\n"),
            }
        }
    }
}

fn build_server(tools: &Toolchain, target_dir: &Path) -> Result<PathBuf, String> {
    tools.run(tools.cargo().args(["build", "-p", "curtain-server", "--bin", "curtain-server"]))?;
    Ok(target_dir.join("debug").join(format!("curtain-server{}", std::env::consts::EXE_SUFFIX)))
}

fn start_server(tools: &Toolchain, target_dir: &Path, data: &Path, trunk_dist: &Path) -> Result<Child, String> {
    let binary = build_server(tools, target_dir)?;
    tools
        .command(binary)
        .args(["serve", "--demo", "--addr", API_ADDR, "--site-url", ADDRESS.trim_end_matches('/')])
        .arg("--database")
        .arg(format!("sqlite://{}", data.join("curtain.db").display()))
        .arg("--dist")
        .arg(trunk_dist)
        .spawn()
        .map_err(|e| format!("starting the server: {e}"))
}

/// The latest modification time of any file under the server's sources.
fn newest_change(root: &Path) -> SystemTime {
    SERVER_SOURCES
        .iter()
        .filter_map(|dir| crate::spa::files_in(&root.join(dir)).ok())
        .flatten()
        .filter_map(|file| file.metadata().and_then(|m| m.modified()).ok())
        .max()
        .unwrap_or(SystemTime::UNIX_EPOCH)
}
