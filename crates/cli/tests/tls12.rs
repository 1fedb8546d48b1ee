//! The `ferrotls` binary over TLS 1.2 end to end: client-initiated
//! renegotiation (`R`) declined by an s_server without
//! `-client_renegotiation` (OpenSSL 3's default) and done with it, and
//! resumption with `-reconnect` by ticket and, with `-no_ticket`, by
//! session ID.

mod common;

use common::{free_port, pki, s_client, s_server, temp_dir, wait_line};

#[test]
fn s11_client_renegotiation_needs_the_server_flag() {
    let dir = temp_dir("reneg");
    let (ca, cert, key) = pki(&dir);
    for (flags, outcome) in [
        (&[][..], "RENEGOTIATION DECLINED"),
        (&["-client_renegotiation"][..], "RENEGOTIATION DONE"),
    ] {
        let port = free_port();
        let mut server_args = vec!["-rev", "-tls1_2"];
        server_args.extend_from_slice(flags);
        let _server = s_server(port, &cert, &key, &server_args);
        let mut client = s_client(port, &ca, &["-tls1_2"]);
        let (mut seen, mut seen_err) = (Vec::new(), Vec::new());
        assert!(
            wait_line(&client.out, "New, TLSv1.2, Cipher is", &mut seen),
            "{seen:?}"
        );
        client.send("before");
        assert!(wait_line(&client.out, "erofeb", &mut seen), "{seen:?}");
        client.send("R");
        assert!(
            wait_line(&client.err, outcome, &mut seen_err),
            "{flags:?}: {seen_err:?}"
        );
        // Either way the connection goes on.
        client.send("after");
        assert!(wait_line(&client.out, "retfa", &mut seen), "{seen:?}");
        assert!(client.finish(), "{seen:?} {seen_err:?}");
        let reports = ["RENEGOTIATION DONE", "RENEGOTIATION DECLINED"];
        assert_eq!(
            seen_err
                .iter()
                .filter(|l| reports.iter().any(|r| l.contains(r)))
                .count(),
            1,
            "one outcome reported: {seen_err:?}"
        );
    }
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn p07_tls12_reconnect_resumes_by_ticket_and_by_session_id() {
    let dir = temp_dir("resume");
    let (ca, cert, key) = pki(&dir);
    // Tickets (the default), then session IDs only: -no_ticket on both
    // sides, so only the server's session cache can resume.
    for no_ticket in [false, true] {
        let port = free_port();
        let mut server_args = vec!["-rev", "-tls1_2"];
        let mut client_args = vec!["-tls1_2", "-reconnect"];
        if no_ticket {
            server_args.extend(["-no_ticket", "-context", "cli-test"]);
            client_args.push("-no_ticket");
        }
        let mut server = s_server(port, &cert, &key, &server_args);
        let mut client = s_client(port, &ca, &client_args);
        let mut seen = Vec::new();
        // The first connection is new, the five reconnections resume.
        assert!(
            wait_line(&client.out, "New, TLSv1.2, Cipher is", &mut seen),
            "{seen:?}"
        );
        for _ in 0..5 {
            assert!(
                wait_line(&client.out, "drop connection and then reconnect", &mut seen),
                "{seen:?}"
            );
            assert!(
                wait_line(&client.out, "Reused, TLSv1.2, Cipher is", &mut seen),
                "no_ticket={no_ticket}: {seen:?}"
            );
        }
        client.send("resumed");
        assert!(wait_line(&client.out, "demuser", &mut seen), "{seen:?}");
        assert!(client.finish(), "{seen:?}");
        assert!(
            wait_line(&server.out, "Reused session-id", &mut server.seen),
            "{:?}",
            server.seen
        );
    }
    let _ = std::fs::remove_dir_all(&dir);
}
