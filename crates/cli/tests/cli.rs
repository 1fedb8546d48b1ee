//! The `ferrotls` binary end to end over loopback: s_server -rev against
//! s_client (a line comes back reversed, KeyUpdate on `K`, close_notify
//! seen by the server), the loud "not supported" exit status, and usage
//! errors. Certificates are generated at test time.

mod common;

use std::process::Command;

use common::{BIN, free_port, pki, s_client, s_server, temp_dir, wait_line};

#[test]
fn s_client_and_s_server_echo_key_update_and_close_notify() {
    let dir = temp_dir("test");
    let (ca, cert, key) = pki(&dir);
    let port = free_port();
    let mut server = s_server(port, &cert, &key, &["-rev", "-tls1_3"]);
    let mut client = s_client(port, &ca, &["-groups", "P-256"]);
    let mut seen = Vec::new();
    assert!(
        wait_line(&client.out, "New, TLSv1.3, Cipher is", &mut seen),
        "{seen:?}"
    );
    assert!(
        wait_line(&client.out, "Verify return code: 0 (ok)", &mut seen),
        "{seen:?}"
    );
    client.send("hello ferrotls");
    assert!(
        wait_line(&client.out, "sltorref olleh", &mut seen),
        "{seen:?}"
    );
    client.send("K");
    let mut seen_err = Vec::new();
    assert!(
        wait_line(&client.err, "KEYUPDATE", &mut seen_err),
        "{seen_err:?}"
    );
    client.send("after update");
    assert!(
        wait_line(&client.out, "etadpu retfa", &mut seen),
        "{seen:?}"
    );
    assert!(client.finish(), "{seen:?} {seen_err:?}");
    assert!(
        wait_line(&server.out, "close_notify received", &mut server.seen),
        "{:?}",
        server.seen
    );
    assert!(
        server.seen.iter().any(|l| l == "Protocol version: TLSv1.3"),
        "{:?}",
        server.seen
    );
    assert!(
        server
            .seen
            .iter()
            .any(|l| l == "Negotiated group: secp256r1"),
        "{:?}",
        server.seen
    );
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn unsupported_flags_exit_3_with_the_feature_named() {
    let out = Command::new(BIN)
        .args(["s_client", "-connect", "127.0.0.1:1", "-tls1_1"])
        .output()
        .expect("run");
    assert_eq!(out.status.code(), Some(3));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("not supported: -tls1_1: versions below TLS 1.2 are never negotiated"),
        "{err}"
    );
}

#[test]
fn usage_errors_exit_2_and_help_documents_the_commands() {
    let out = Command::new(BIN)
        .args(["s_client", "-bogus"])
        .output()
        .expect("run");
    assert_eq!(out.status.code(), Some(2));
    let help = Command::new(BIN).arg("--help").output().expect("run");
    assert!(help.status.success());
    let text = String::from_utf8_lossy(&help.stdout);
    for needle in [
        "s_client",
        "s_server",
        "-connect",
        "-accept",
        "-www",
        "KeyUpdate",
    ] {
        assert!(text.contains(needle), "--help lacks {needle}");
    }
}

#[test]
fn a_failed_connection_exits_1() {
    let port = free_port();
    let out = Command::new(BIN)
        .args(["s_client", "-connect", &format!("127.0.0.1:{port}")])
        .output()
        .expect("run");
    assert_eq!(out.status.code(), Some(1));
}

#[test]
fn s_server_www_answers_get_with_a_status_page() {
    let dir = temp_dir("www");
    let (ca, cert, key) = pki(&dir);
    let port = free_port();
    let _server = s_server(port, &cert, &key, &["-www", "-alpn", "http/1.1"]);
    let mut client = s_client(port, &ca, &["-alpn", "h2,http/1.1", "-ign_eof"]);
    client.send("GET / HTTP/1.0\r");
    client.send("\r");
    drop(client.stdin.take());
    let mut seen = Vec::new();
    assert!(
        wait_line(&client.out, "ALPN protocol: http/1.1", &mut seen),
        "{seen:?}"
    );
    assert!(
        wait_line(&client.out, "HTTP/1.0 200 ok", &mut seen),
        "{seen:?}"
    );
    assert!(
        wait_line(
            &client.out,
            "Hostname in TLS extension: \"localhost\"",
            &mut seen
        ),
        "{seen:?}"
    );
    // The server closes with close_notify after the page; -ign_eof kept
    // the client reading until then.
    assert!(wait_line(&client.out, "closed", &mut seen), "{seen:?}");
    assert!(client.finish(), "{seen:?}");
    let _ = std::fs::remove_dir_all(&dir);
}
