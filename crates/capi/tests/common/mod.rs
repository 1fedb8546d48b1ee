//! Shared by the integration tests: where the built library and the
//! headers are, and a parser for the headers' prototypes and constants.
#![allow(dead_code)] // each test binary uses its own part

use std::path::{Path, PathBuf};
use std::process::Command;

/// `target/<profile>/deps`: the directory of this test binary, where
/// cargo writes the `libferrotls_ssl.so` and `libferrotls_ssl.a` of this
/// very build (`cargo test` does not copy them up to `target/<profile>`,
/// and a copy there may be stale).
pub fn lib_dir() -> PathBuf {
    let exe = std::env::current_exe().expect("test binary path");
    let dir = exe.parent().expect("target/<profile>/deps").to_path_buf();
    let so = dir.join("libferrotls_ssl.so");
    assert!(
        so.exists(),
        "{} is missing: cargo builds the cdylib with the library",
        so.display()
    );
    dir
}

/// `crates/capi/include`.
pub fn include_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("include")
}

/// Every header under `include/openssl`, sorted.
pub fn headers() -> Vec<PathBuf> {
    let mut v: Vec<PathBuf> = std::fs::read_dir(include_dir().join("openssl"))
        .expect("include/openssl")
        .map(|e| e.expect("dir entry").path())
        .filter(|p| p.extension().is_some_and(|e| e == "h"))
        .collect();
    v.sort();
    v
}

/// A function prototype of the headers: its name and full line.
pub struct Prototype {
    pub name: String,
    pub line: String,
}

/// The exported prototypes: one per line, ending in `);`, neither
/// preprocessor lines, typedefs nor `static inline` helpers.
pub fn prototypes() -> Vec<Prototype> {
    let mut out = Vec::new();
    for h in headers() {
        let text = std::fs::read_to_string(&h).expect("header");
        for line in text.lines() {
            let t = line.trim();
            if t.starts_with('#')
                || t.starts_with("typedef")
                || t.starts_with("static")
                || t.starts_with("return")
                || t.starts_with("/*")
                || t.starts_with('*')
                || !t.ends_with(");")
            {
                continue;
            }
            let open = t.find('(').expect("prototype has '('");
            let name = t[..open]
                .rsplit(|c: char| c.is_whitespace() || c == '*')
                .next()
                .expect("name")
                .to_string();
            out.push(Prototype {
                name,
                line: t.to_string(),
            });
        }
    }
    out
}

/// `#define NAME VALUE` lines whose value is a number: (name, value text,
/// value).
pub fn numeric_defines() -> Vec<(String, String, i128)> {
    let mut out = Vec::new();
    for h in headers() {
        let text = std::fs::read_to_string(&h).expect("header");
        for line in text.lines() {
            let Some(rest) = line.trim_start().strip_prefix('#') else {
                continue;
            };
            let Some(rest) = rest.trim_start().strip_prefix("define ") else {
                continue;
            };
            let mut it = rest.split_whitespace();
            let (Some(name), Some(value), None) = (it.next(), it.next(), it.next()) else {
                continue;
            };
            if name.contains('(') {
                continue;
            }
            if let Some(v) = parse_number(value) {
                out.push((name.to_string(), value.to_string(), v));
            }
        }
    }
    out
}

fn parse_number(s: &str) -> Option<i128> {
    let s = s.trim_end_matches(['U', 'L', 'u', 'l']);
    if let Some(hex) = s.strip_prefix("0x").or_else(|| s.strip_prefix("0X")) {
        i128::from_str_radix(hex, 16).ok()
    } else {
        s.parse().ok()
    }
}

/// Runs `cmd`, panicking with its output if it fails.
pub fn run_ok(cmd: &mut Command) -> String {
    let out = cmd
        .output()
        .unwrap_or_else(|e| panic!("cannot run {cmd:?}: {e}"));
    assert!(
        out.status.success(),
        "{cmd:?} failed: {}\n{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// A fresh scratch directory, removed on drop.
pub struct TempDir(pub PathBuf);

impl TempDir {
    pub fn new(tag: &str) -> Self {
        use std::sync::atomic::{AtomicUsize, Ordering};
        static N: AtomicUsize = AtomicUsize::new(0);
        let p = std::env::temp_dir().join(format!(
            "ferrotls-capi-{tag}-{}-{}",
            std::process::id(),
            N.fetch_add(1, Ordering::Relaxed)
        ));
        let _ = std::fs::remove_dir_all(&p);
        std::fs::create_dir_all(&p).expect("temp dir");
        Self(p)
    }
    pub fn path(&self) -> &Path {
        &self.0
    }
}

impl Drop for TempDir {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}
