//! The `ferrotls` binary end to end over loopback: s_server -rev against
//! s_client (a line comes back reversed, KeyUpdate on `K`, close_notify
//! seen by the server), the loud "not supported" exit status, and usage
//! errors. Certificates are generated at test time.

mod common;

use std::io::Write;
use std::process::{Command, Stdio};

use common::{BIN, Guard, free_port, lines, pki, wait_line};

#[test]
fn s_client_and_s_server_echo_key_update_and_close_notify() {
    let dir = std::env::temp_dir().join(format!("ferrotls-cli-test-{}", std::process::id()));
    let (ca, cert, key) = pki(&dir);
    let port = free_port();
    let mut server = Guard(
        Command::new(BIN)
            .args([
                "s_server",
                "-accept",
                &format!("127.0.0.1:{port}"),
                "-rev",
                "-tls1_3",
            ])
            .arg("-cert")
            .arg(&cert)
            .arg("-key")
            .arg(&key)
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("server"),
    );
    let server_out = lines(server.0.stdout.take().expect("stdout"));
    let mut seen_server = Vec::new();
    assert!(
        wait_line(&server_out, "ACCEPT", &mut seen_server),
        "{seen_server:?}"
    );

    let mut client = Guard(
        Command::new(BIN)
            .args(["s_client", "-connect", &format!("127.0.0.1:{port}")])
            .args(["-servername", "localhost", "-verify_hostname", "localhost"])
            .args(["-verify_return_error", "-groups", "P-256"])
            .arg("-CAfile")
            .arg(&ca)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("client"),
    );
    let out = lines(client.0.stdout.take().expect("stdout"));
    let err = lines(client.0.stderr.take().expect("stderr"));
    let mut stdin = client.0.stdin.take().expect("stdin");
    let mut seen = Vec::new();
    assert!(
        wait_line(&out, "New, TLSv1.3, Cipher is", &mut seen),
        "{seen:?}"
    );
    assert!(
        wait_line(&out, "Verify return code: 0 (ok)", &mut seen),
        "{seen:?}"
    );
    stdin.write_all(b"hello ferrotls\n").expect("write");
    assert!(wait_line(&out, "sltorref olleh", &mut seen), "{seen:?}");
    stdin.write_all(b"K\n").expect("write");
    let mut seen_err = Vec::new();
    assert!(wait_line(&err, "KEYUPDATE", &mut seen_err), "{seen_err:?}");
    stdin.write_all(b"after update\n").expect("write");
    assert!(wait_line(&out, "etadpu retfa", &mut seen), "{seen:?}");
    drop(stdin);
    let status = client.0.wait().expect("wait");
    assert!(status.success(), "{status} {seen:?} {seen_err:?}");
    assert!(
        wait_line(&server_out, "close_notify received", &mut seen_server),
        "{seen_server:?}"
    );
    assert!(
        seen_server.iter().any(|l| l == "Protocol version: TLSv1.3"),
        "{seen_server:?}"
    );
    assert!(
        seen_server
            .iter()
            .any(|l| l == "Negotiated group: secp256r1"),
        "{seen_server:?}"
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
    let dir = std::env::temp_dir().join(format!("ferrotls-cli-www-{}", std::process::id()));
    let (ca, cert, key) = pki(&dir);
    let port = free_port();
    let mut server = Guard(
        Command::new(BIN)
            .args(["s_server", "-accept", &format!("127.0.0.1:{port}"), "-www"])
            .args(["-alpn", "http/1.1"])
            .arg("-cert")
            .arg(&cert)
            .arg("-key")
            .arg(&key)
            .stdin(Stdio::null())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("server"),
    );
    let server_out = lines(server.0.stdout.take().expect("stdout"));
    let mut seen_server = Vec::new();
    assert!(
        wait_line(&server_out, "ACCEPT", &mut seen_server),
        "{seen_server:?}"
    );
    let mut client = Guard(
        Command::new(BIN)
            .args(["s_client", "-connect", &format!("127.0.0.1:{port}")])
            .args([
                "-servername",
                "localhost",
                "-alpn",
                "h2,http/1.1",
                "-ign_eof",
            ])
            .arg("-CAfile")
            .arg(&ca)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("client"),
    );
    let out = lines(client.0.stdout.take().expect("stdout"));
    let mut stdin = client.0.stdin.take().expect("stdin");
    stdin.write_all(b"GET / HTTP/1.0\r\n\r\n").expect("write");
    drop(stdin);
    let mut seen = Vec::new();
    assert!(
        wait_line(&out, "ALPN protocol: http/1.1", &mut seen),
        "{seen:?}"
    );
    assert!(wait_line(&out, "HTTP/1.0 200 ok", &mut seen), "{seen:?}");
    assert!(
        wait_line(&out, "Hostname in TLS extension: \"localhost\"", &mut seen),
        "{seen:?}"
    );
    // The server closes with close_notify after the page; -ign_eof kept
    // the client reading until then.
    assert!(wait_line(&out, "closed", &mut seen), "{seen:?}");
    let status = client.0.wait().expect("wait");
    assert!(status.success(), "{status} {seen:?}");
    let _ = std::fs::remove_dir_all(&dir);
}
