//! Options to an `SslContext`, the way s_client / s_server configure
//! their `SSL_CTX`.

use ferrotls::core_types::AlertDescription;
use ferrotls::{FileType, SniResult, SslContext, SslMethod, SslOptions, VerifyMode};

use crate::args::{CliError, Mode, Options};

fn failed(what: &str, e: impl std::fmt::Display) -> CliError {
    let text = e.to_string();
    // The library's own "not supported: X" keeps its meaning (exit 3).
    match text.strip_prefix("not supported: ") {
        Some(rest) => CliError::NotSupported(rest.to_string()),
        None => CliError::Failed(format!("{what}: {text}")),
    }
}

/// The context for `mode` with every option applied.
pub fn context(mode: Mode, o: &Options) -> Result<SslContext, CliError> {
    let method = match mode {
        Mode::Client => SslMethod::tls_client(),
        Mode::Server => SslMethod::tls_server(),
    };
    let mut b = SslContext::builder(method);
    if let Some(v) = o.version {
        b.set_min_proto_version(Some(v))
            .and_then(|b| b.set_max_proto_version(Some(v)))
            .map_err(|e| failed("protocol version", e))?;
    }
    if let Some(list) = &o.ciphersuites {
        b.set_ciphersuites(list)
            .map_err(|e| failed("-ciphersuites", e))?;
    }
    if let Some(list) = &o.cipher {
        b.set_cipher_list(list).map_err(|e| failed("-cipher", e))?;
    }
    if let Some(list) = &o.groups {
        b.set_groups_list(list).map_err(|e| failed("-groups", e))?;
    }
    if let Some(list) = &o.sigalgs {
        b.set_sigalgs_list(list)
            .map_err(|e| failed("-sigalgs", e))?;
    }
    if let Some(list) = &o.alpn {
        let names: Vec<&[u8]> = list
            .split(',')
            .filter(|p| !p.is_empty())
            .map(str::as_bytes)
            .collect();
        b.set_alpn_protocols(&names)
            .map_err(|e| failed("-alpn", e))?;
    }
    if let Some(cert) = &o.cert {
        b.set_certificate_chain_file(cert)
            .map_err(|e| failed(&format!("-cert {}", cert.display()), e))?;
        // Like OpenSSL, the key defaults to the certificate file.
        let key = o.key.as_ref().unwrap_or(cert);
        b.set_private_key_file(key, FileType::Pem)
            .map_err(|e| failed(&format!("-key {}", key.display()), e))?;
    } else if o.key.is_some() {
        return Err(CliError::Usage("-key needs -cert".into()));
    }
    if o.ca_file.is_some() || o.ca_path.is_some() {
        b.load_verify_locations(o.ca_file.as_deref(), o.ca_path.as_deref())
            .map_err(|e| failed("-CAfile/-CApath", e))?;
    } else if mode == Mode::Client {
        // s_client's default: the system trust store. A machine without
        // one still connects (the verify result then says why it failed).
        let _ = b.set_default_verify_paths();
    }
    let verify = match mode {
        Mode::Client if o.verify_return_error => VerifyMode::PEER,
        Mode::Client => VerifyMode::NONE,
        Mode::Server => match o.verify_client {
            Some(true) => VerifyMode::PEER | VerifyMode::FAIL_IF_NO_PEER_CERT,
            Some(false) => VerifyMode::PEER,
            None => VerifyMode::NONE,
        },
    };
    b.set_verify(verify);
    if let Some(path) = &o.keylogfile {
        b.set_keylog_file(path)
            .map_err(|e| failed(&format!("-keylogfile {}", path.display()), e))?;
    }
    if let Some(n) = o.num_tickets {
        b.set_num_tickets(n);
    }
    let mut options = SslOptions::EMPTY;
    if o.no_ticket {
        options |= SslOptions::NO_TICKET;
    }
    if o.client_renegotiation {
        options |= SslOptions::ALLOW_CLIENT_RENEGOTIATION;
    }
    b.set_options(options);
    if let (Mode::Server, Some(expected)) = (mode, &o.servername) {
        // s_server's servername callback: a mismatch is fatal
        // (unrecognized_name) with -servername_fatal, else only noted.
        let expected = expected.clone();
        let fatal = o.servername_fatal;
        b.set_servername_callback(move |name| match name {
            Some(n) if n == expected => SniResult::Ok(None),
            _ if fatal => SniResult::AlertFatal(AlertDescription::UnrecognizedName),
            _ => SniResult::NoAck(None),
        });
    }
    b.build().map_err(|e| failed("configuration", e))
}
