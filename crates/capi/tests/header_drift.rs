//! The headers cannot drift from the library: every prototype is exported
//! and every export declared, every constant equals the Rust one, and every
//! prototype and constant matches the system's OpenSSL 3 headers (so a
//! program compiles the same against both).

mod common;

use std::collections::BTreeSet;
use std::process::Command;

use common::*;

fn exported_symbols() -> BTreeSet<String> {
    let so = lib_dir().join("libferrotls_ssl.so");
    let out = run_ok(Command::new("nm").args(["-D", "--defined-only"]).arg(&so));
    out.lines()
        .filter_map(|l| {
            let mut f = l.split_whitespace();
            let (_addr, kind, name) = (f.next()?, f.next()?, f.next()?);
            (kind == "T").then(|| name.to_string())
        })
        .collect()
}

#[test]
fn every_prototype_is_exported_and_every_export_declared() {
    let declared: BTreeSet<String> = prototypes().into_iter().map(|p| p.name).collect();
    let exported = exported_symbols();
    let undeclared: Vec<_> = exported.difference(&declared).collect();
    let missing: Vec<_> = declared.difference(&exported).collect();
    assert!(
        undeclared.is_empty(),
        "exported but not in the headers: {undeclared:?}"
    );
    assert!(missing.is_empty(), "declared but not exported: {missing:?}");
    assert!(
        declared.len() > 90,
        "only {} prototypes parsed",
        declared.len()
    );
}

#[test]
fn every_constant_matches_the_rust_table() {
    let header: BTreeSet<(String, i128)> = numeric_defines()
        .into_iter()
        .map(|(n, _, v)| (n, v))
        .collect();
    let rust: BTreeSet<(String, i128)> = ferrotls_ssl::consts::ALL
        .iter()
        .map(|(n, v)| (n.to_string(), *v))
        .collect();
    let only_header: Vec<_> = header.difference(&rust).collect();
    let only_rust: Vec<_> = rust.difference(&header).collect();
    assert!(
        only_header.is_empty(),
        "header constants not in consts::ALL (or different): {only_header:?}"
    );
    assert!(
        only_rust.is_empty(),
        "consts::ALL entries not in the headers (or different): {only_rust:?}"
    );
}

/// Redeclaring our prototypes after the system's `<openssl/*.h>` is a
/// compile error ("conflicting types") if any signature differs, and the
/// static assertions fail if any constant differs from OpenSSL's.
#[test]
fn prototypes_and_constants_match_system_openssl() {
    let dir = TempDir::new("sig");
    let mut c = String::from(
        "#include <openssl/ssl.h>\n#include <openssl/err.h>\n#include <openssl/bio.h>\n\
         #include <openssl/x509.h>\n#include <openssl/crypto.h>\n",
    );
    for p in prototypes() {
        c.push_str(&p.line);
        c.push('\n');
    }
    for (name, text, _) in numeric_defines() {
        c.push_str(&format!(
            "_Static_assert((long long)({name}) == (long long)({text}), \"{name} differs from OpenSSL\");\n"
        ));
    }
    let src = dir.path().join("sig.c");
    std::fs::write(&src, c).expect("write sig.c");
    run_ok(
        Command::new("cc")
            .args(["-std=c11", "-Wno-deprecated-declarations", "-c", "-o"])
            .arg(dir.path().join("sig.o"))
            .arg(&src),
    );
}
