//! What the tools print about a connection, in OpenSSL's wording where
//! OpenSSL has one, so scripts that grep s_client / s_server output keep
//! working.

use ferrotls::core_types::NamedGroup;
use ferrotls::{Ssl, X509_V_OK};

/// The group's usual name (`X25519`, `secp256r1`, ...).
pub fn group_name(g: NamedGroup) -> String {
    match g {
        NamedGroup::X25519 => "X25519".into(),
        NamedGroup::SECP256R1 => "secp256r1".into(),
        NamedGroup::SECP384R1 => "secp384r1".into(),
        NamedGroup::X25519MLKEM768 => "X25519MLKEM768".into(),
        other => format!("{other:?}"),
    }
}

fn version(ssl: &Ssl) -> &'static str {
    ssl.version().map_or("(none)", |v| v.name())
}

fn cipher(ssl: &Ssl) -> &'static str {
    ssl.current_cipher().map_or("(NONE)", |c| c.name())
}

fn alpn_line(ssl: &Ssl) -> String {
    match ssl.selected_alpn() {
        Some(p) => format!("ALPN protocol: {}", String::from_utf8_lossy(p)),
        None => "No ALPN negotiated".into(),
    }
}

fn verify_text(code: i64) -> String {
    if code == X509_V_OK {
        "0 (ok)".into()
    } else {
        format!("{code} (certificate verification failed)")
    }
}

/// s_client's session printout (`-brief` gives the short form).
pub fn client_summary(ssl: &Ssl, brief: bool) -> String {
    let group = ssl.negotiated_group().map(group_name);
    if brief {
        let mut s = format!(
            "CONNECTION ESTABLISHED\nProtocol version: {}\nCiphersuite: {}\n",
            version(ssl),
            cipher(ssl)
        );
        if let Some(g) = &group {
            s.push_str(&format!("Negotiated group: {g}\n"));
        }
        s.push_str(&format!(
            "Verification: {}\n",
            verify_text(ssl.verify_result())
        ));
        return s;
    }
    let mut s = String::from("---\n");
    s.push_str(&format!(
        "Certificate chain: {} certificate(s) from the server\n",
        ssl.peer_cert_chain().len()
    ));
    if let Some(g) = &group {
        s.push_str(&format!("Server Temp Key: {g}\n"));
    }
    s.push_str("---\n");
    s.push_str(&format!(
        "{}, {}, Cipher is {}\n",
        if ssl.session_reused() {
            "Reused"
        } else {
            "New"
        },
        version(ssl),
        cipher(ssl)
    ));
    s.push_str(&alpn_line(ssl));
    s.push('\n');
    s.push_str(&format!(
        "Verify return code: {}\n---\n",
        verify_text(ssl.verify_result())
    ));
    s
}

/// s_server's per-connection printout (print_ssl_summary's fields).
pub fn server_summary(ssl: &Ssl) -> String {
    let mut s = format!(
        "CONNECTION ESTABLISHED\nProtocol version: {}\nCiphersuite: {}\n",
        version(ssl),
        cipher(ssl)
    );
    if let Some(g) = ssl.negotiated_group() {
        s.push_str(&format!("Negotiated group: {}\n", group_name(g)));
    }
    if let Some(name) = ssl.servername() {
        s.push_str(&format!("Hostname in TLS extension: \"{name}\"\n"));
    }
    s.push_str(&alpn_line(ssl));
    s.push('\n');
    match ssl.peer_cert_chain().len() {
        0 => s.push_str("No peer certificate\n"),
        n => s.push_str(&format!(
            "Peer certificate: {n} certificate(s), verify return code {}\n",
            verify_text(ssl.verify_result())
        )),
    }
    if ssl.session_reused() {
        s.push_str("Reused session-id\n");
    }
    s
}

/// The body of the `-www` status page.
pub fn status_page(ssl: &Ssl) -> String {
    format!(
        "<html><body><pre>\nferrotls s_server status\n\n{}</pre></body></html>\r\n",
        server_summary(ssl)
    )
}
