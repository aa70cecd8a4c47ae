//! Precompression of the built SPA: `.br` and `.gz` beside each text or wasm
//! file in `dist/`, so the server sends compressed bytes without compressing
//! on every request.

use std::fs;
use std::io::Write;
use std::path::Path;

/// File types worth compressing; images like PNG are compressed already.
const COMPRESSIBLE: &[&str] = &["html", "js", "wasm", "css", "svg", "json", "xml", "txt"];

/// Writes `NAME.br` (quality 11) and `NAME.gz` (level 9) for every compressible
/// file under `dist`, replacing older ones. Returns how many files it did.
pub fn precompress(dist: &Path) -> Result<usize, String> {
    let mut done = 0;
    for path in crate::spa::files_in(dist)? {
        if !is_compressible(&path) {
            continue;
        }
        let bytes = fs::read(&path).map_err(|e| format!("reading {}: {e}", path.display()))?;
        write_beside(&path, "br", &brotli_bytes(&bytes)?)?;
        write_beside(&path, "gz", &gzip_bytes(&bytes)?)?;
        done += 1;
    }
    Ok(done)
}

fn is_compressible(path: &Path) -> bool {
    path.extension().and_then(|e| e.to_str()).is_some_and(|ext| COMPRESSIBLE.contains(&ext))
}

fn write_beside(path: &Path, suffix: &str, bytes: &[u8]) -> Result<(), String> {
    let mut name = path.as_os_str().to_owned();
    name.push(".");
    name.push(suffix);
    fs::write(&name, bytes).map_err(|e| format!("writing {}: {e}", Path::new(&name).display()))
}

pub fn brotli_bytes(input: &[u8]) -> Result<Vec<u8>, String> {
    let mut out = Vec::new();
    {
        let mut writer = brotli::CompressorWriter::new(&mut out, 64 * 1024, 11, 22);
        writer.write_all(input).map_err(|e| e.to_string())?;
    }
    Ok(out)
}

pub fn gzip_bytes(input: &[u8]) -> Result<Vec<u8>, String> {
    let mut encoder = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::best());
    encoder.write_all(input).map_err(|e| e.to_string())?;
    encoder.finish().map_err(|e| e.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Read;

    #[test]
    fn writes_both_encodings_that_decode_to_the_original() {
        let dir = std::env::temp_dir().join(format!("curtain-precompress-{}", std::process::id()));
        fs::create_dir_all(&dir).unwrap();
        let text = "let curtain = 'rises';\n".repeat(200);
        fs::write(dir.join("app-0123456789abcdef.js"), &text).unwrap();
        fs::write(dir.join("photo.png"), [0u8, 1, 2]).unwrap();
        fs::create_dir_all(dir.join("app-0123456789abcdef")).unwrap();
        fs::write(dir.join("app-0123456789abcdef/chunk.wasm"), &text).unwrap();
        assert_eq!(precompress(&dir).unwrap(), 2);
        assert!(dir.join("app-0123456789abcdef/chunk.wasm.br").exists(), "files in folders too");

        let br = fs::read(dir.join("app-0123456789abcdef.js.br")).unwrap();
        let mut decoded = String::new();
        brotli::Decompressor::new(&br[..], 4096).read_to_string(&mut decoded).unwrap();
        assert_eq!(decoded, text);
        assert!(br.len() < text.len() / 10);

        let gz = fs::read(dir.join("app-0123456789abcdef.js.gz")).unwrap();
        let mut decoded = String::new();
        flate2::read::GzDecoder::new(&gz[..]).read_to_string(&mut decoded).unwrap();
        assert_eq!(decoded, text);

        assert!(!dir.join("photo.png.br").exists(), "PNG is left alone");
        fs::remove_dir_all(&dir).unwrap();
    }
}
