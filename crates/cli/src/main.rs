//! `ferrotls`: `s_client` and `s_server` over the ferrotls stack, with
//! OpenSSL's flags and interactive commands so people and scripts can swap
//! `openssl` for `ferrotls`. Used by `cargo xtask interop`.

#![forbid(unsafe_code)]

mod args;
mod client;
mod conn;
mod report;
mod server;
mod setup;

use std::process::ExitCode;

use args::{CliError, Mode};

const HELP: &str = "\
ferrotls - TLS 1.3 / 1.2 client and server on the ferrotls stack

usage:
  ferrotls s_client -connect host:port [options]
  ferrotls s_server -accept [host:]port -cert FILE [-key FILE] [options]
  ferrotls --help | --version

common options (as in openssl s_client / s_server):
  -CAfile FILE            trust anchors (PEM); -CApath DIR a folder of them
  -cert FILE -key FILE    certificate chain (leaf first) and private key
  -verify_return_error    abort the handshake if the peer's certificate fails
  -tls1_2 | -tls1_3       enable only this version
  -groups LIST            e.g. X25519MLKEM768:X25519:P-256:P-384
  -ciphersuites LIST      TLS 1.3 suites, e.g. TLS_AES_128_GCM_SHA256
  -cipher LIST            TLS 1.2 suites, e.g. ECDHE-ECDSA-AES128-GCM-SHA256
  -sigalgs LIST           e.g. ecdsa_secp256r1_sha256:rsa_pss_rsae_sha256:ed25519
  -alpn LIST              comma-separated protocols, e.g. h2,http/1.1
  -quiet                  no session printout (s_client: implies -ign_eof)
  -brief                  a short session printout

s_client:
  -connect host:port      where to connect
  -servername NAME        SNI to send (default: the -connect host if a name)
  -noservername           send no SNI
  -verify_hostname NAME   check the certificate is for NAME
  -ign_eof                keep the connection open after stdin ends
  -sess_out FILE          save the session (ferrotls' own format)
  -sess_in FILE           resume the session saved in FILE
  -reconnect              reconnect 5 times with the session, then go on
  -keylogfile FILE        append the secrets in NSS key log format

s_server:
  -accept [host:]port     where to listen (default 0.0.0.0:4433)
  -rev                    echo each line back reversed
  -www                    answer HTTP GET with a status page
  -naccept N              exit after N connections
  -verify N | -Verify N   request | require a client certificate
  -servername NAME        the SNI expected; -servername_fatal refuses others
                          with an unrecognized_name alert
  -num_tickets N          TLS 1.3 session tickets per full handshake (default 2)
  -no_ticket              SSL_OP_NO_TICKET: TLS 1.2 resumes by session ID only,
                          TLS 1.3 sends no tickets (also an s_client option)
  -context ID             accepted; the server's session cache has one context
  -client_renegotiation   let clients renegotiate (off by default, as in OpenSSL 3)
  -keylogfile FILE        as for s_client

interactive (stdin), a line holding only:
  Q   close the connection (close_notify) and exit
  k   send a TLS 1.3 KeyUpdate;  K   the same, asking the peer to update too
  R   renegotiate (TLS 1.2); stderr then reports RENEGOTIATION DONE, or
      RENEGOTIATION DECLINED when the peer answers no_renegotiation
Any other line is sent as is. s_client closes with close_notify when stdin
ends (unless -ign_eof).

refused with \"not supported: X\" (exit status 3): -ssl3, -tls1, -tls1_1
(versions below TLS 1.2 are never negotiated).

exit status: 0 success, 1 connection or handshake failure, 2 usage error,
3 a requested feature is not supported.";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let result = match args.split_first() {
        None => Err(CliError::Usage(
            "missing command (s_client or s_server)".into(),
        )),
        Some((cmd, rest)) => match cmd.as_str() {
            "s_client" => args::parse(Mode::Client, rest).and_then(|o| client::run(&o)),
            "s_server" => args::parse(Mode::Server, rest).and_then(|o| server::run(&o)),
            "-h" | "--help" | "help" | "-help" => {
                println!("{HELP}");
                Ok(())
            }
            "--version" | "version" => {
                println!("ferrotls {}", env!("CARGO_PKG_VERSION"));
                Ok(())
            }
            other => Err(CliError::Usage(format!("unknown command `{other}`"))),
        },
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("ferrotls: {e}");
            if let CliError::Usage(_) = e {
                eprintln!("(ferrotls --help lists the commands and options)");
            }
            ExitCode::from(e.exit_code())
        }
    }
}
