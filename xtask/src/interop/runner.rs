//! Runs one cell: start the server, wait until it listens, drive the client
//! through the case's script, stop both, and judge what they printed.

use std::path::Path;
use std::time::{Duration, Instant};

use super::model::{Case, Feature};
use super::observe::{self, Evidence};
use super::peers::{Echo, Env, Peer, Role};
use super::process::{self, Running};

/// How long a server may take to listen.
const LISTEN_TIMEOUT: Duration = Duration::from_secs(15);
/// How long one echo may take (a Python RSA handshake is the slow one).
const REPLY_TIMEOUT: Duration = Duration::from_secs(15);
/// How long a client may take to exit after its stdin closed.
const EXIT_TIMEOUT: Duration = Duration::from_secs(10);

/// The verdict of a cell.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Outcome {
    /// The case passed.
    Pass,
    /// The case failed; the reason names the log files.
    Fail(String),
    /// The pair cannot run the case, and why.
    NotApplicable(String),
}

/// The marker the ferrotls CLI (and our peer programs) print for a feature
/// they do not implement; the rest of the line names the feature.
const NOT_SUPPORTED: &str = "not supported: ";

fn not_supported(name: &str, output: &str) -> Option<String> {
    output.lines().find_map(|l| {
        l.find(NOT_SUPPORTED).map(|i| {
            format!(
                "not supported yet: {} in {name}",
                l[i + NOT_SUPPORTED.len()..].trim()
            )
        })
    })
}

fn tail(output: &str, lines: usize) -> String {
    let all: Vec<&str> = output.lines().filter(|l| !l.trim().is_empty()).collect();
    all[all.len().saturating_sub(lines)..].join(" | ")
}

/// The text a server sends back for `line`.
fn reply(echo: Echo, line: &str) -> String {
    match echo {
        Echo::Same => line.to_string(),
        Echo::Reversed => line.chars().rev().collect(),
    }
}

/// One cell: `client` connects to `server` for `case`. Logs go to
/// `logs/<stem>.{server,client}.log`.
pub fn run_cell(
    case: &Case,
    client: &dyn Peer,
    server: &dyn Peer,
    env: &Env,
    stem: &str,
) -> Outcome {
    if let Some(why) = server.lacks(case, Role::Server) {
        return Outcome::NotApplicable(why);
    }
    if let Some(why) = client.lacks(case, Role::Client) {
        return Outcome::NotApplicable(why);
    }
    let logs = env.work.join("logs");
    let server_log = logs.join(format!("{stem}.server.log"));
    let client_log = logs.join(format!("{stem}.client.log"));

    // A free port can be taken between the probe and the server's bind;
    // a few attempts make that race harmless.
    let mut attempt = 0;
    let (mut srv, plan, port) = loop {
        attempt += 1;
        let port = match process::free_port() {
            Ok(p) => p,
            Err(e) => return Outcome::Fail(e),
        };
        let plan = server.server(case, env, port);
        let mut srv = match Running::spawn(&plan.cmd) {
            Ok(s) => s,
            Err(e) => return Outcome::Fail(e),
        };
        match process::wait_listening(&mut srv, port, LISTEN_TIMEOUT) {
            Ok(()) => break (srv, plan, port),
            Err(e) => {
                srv.kill();
                srv.save_log(&server_log);
                let out = srv.output();
                if let Some(na) = not_supported(server.name(), &out) {
                    return Outcome::NotApplicable(na);
                }
                if attempt < 3 && out.to_ascii_lowercase().contains("address already in use") {
                    continue;
                }
                return Outcome::Fail(format!(
                    "{} server: {e}: {} (log: {})",
                    server.name(),
                    tail(&out, 3),
                    server_log.display()
                ));
            }
        }
    };

    let runs = client.client(case, env, port, stem);
    let mut transcript = String::new();
    let mut last_output = String::new();
    let mut failure = None;
    for (i, cmd) in runs.iter().enumerate() {
        let mut cli = match Running::spawn(cmd) {
            Ok(c) => c,
            Err(e) => return Outcome::Fail(e),
        };
        let result = drive_client(case, client, &mut cli, plan.echo, i);
        if result.is_err() {
            // Stop it (if still running) and wait for its last words: a
            // client that exits at once, e.g. with "not supported: X",
            // must be judged on everything it printed.
            cli.kill();
        }
        let out = cli.output();
        transcript.push_str(&format!("$ {}\n{}\n", cli.command, out));
        last_output = out;
        if let Err(e) = result {
            failure = Some(e);
            break;
        }
    }
    let _ = std::fs::write(&client_log, &transcript);

    if case.feature == Feature::CloseNotify && failure.is_none() {
        // The server reports the alert after the client is gone; give it
        // a moment.
        let deadline = Instant::now() + Duration::from_secs(3);
        while Instant::now() < deadline
            && server.observe_server(&srv.output()).close_notify != Some(true)
        {
            std::thread::sleep(Duration::from_millis(20));
        }
    } else {
        std::thread::sleep(Duration::from_millis(20));
    }
    srv.kill();
    srv.save_log(&server_log);
    let server_out = srv.output();

    if let Some(e) = failure {
        for (name, out) in [(client.name(), &last_output), (server.name(), &server_out)] {
            if let Some(na) = not_supported(name, out) {
                return Outcome::NotApplicable(na);
            }
        }
        return Outcome::Fail(format!(
            "{e}: client: {} / server: {} (logs: {})",
            tail(&last_output, 2),
            tail(&server_out, 2),
            log_pair(&client_log, &server_log)
        ));
    }

    let evidence = Evidence {
        client: client.observe_client(&last_output),
        server: server.observe_server(&server_out),
        server_enforces_sni: plan.enforces_sni,
        server_enforces_client_cert: plan.enforces_client_cert,
    };
    match observe::check(case, &evidence) {
        Ok(()) => Outcome::Pass,
        Err(e) => Outcome::Fail(format!(
            "{e} (logs: {})",
            log_pair(&client_log, &server_log)
        )),
    }
}

fn log_pair(client: &Path, server: &Path) -> String {
    format!("{}, {}", client.display(), server.display())
}

/// The client side of the script: a line and its echo, then the feature's
/// action (KeyUpdate, renegotiation) and a second line proving the
/// connection still works, then EOF on stdin, which makes every client
/// close with close_notify and exit.
fn drive_client(
    case: &Case,
    client: &dyn Peer,
    cli: &mut Running,
    echo: Echo,
    run: usize,
) -> Result<(), String> {
    let nonce = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.subsec_nanos())
        .unwrap_or(0)
        ^ std::process::id();
    let first = format!("ping {run} {nonce:08x} one");
    cli.send(&format!("{first}\n"))?;
    if !cli.wait_for(&reply(echo, &first), REPLY_TIMEOUT) {
        return Err(no_echo(cli, "first line"));
    }
    let action = match case.feature {
        Feature::KeyUpdate => Some(client.key_update_input()),
        Feature::Renegotiation => Some(client.renegotiate_input()),
        _ => None,
    };
    if let Some(input) = action {
        cli.send(input)?;
        if let Some(marker) = client.action_marker(case.feature)
            && !cli.wait_for(marker, REPLY_TIMEOUT)
        {
            return Err(format!("the client never printed {marker:?}"));
        }
        let second = format!("ping {run} {nonce:08x} two");
        cli.send(&format!("{second}\n"))?;
        if !cli.wait_for(&reply(echo, &second), REPLY_TIMEOUT) {
            return Err(no_echo(cli, "line after the key update / renegotiation"));
        }
    }
    cli.close_stdin();
    let status = cli.wait_exit(EXIT_TIMEOUT)?;
    if !status.success() {
        return Err(format!("{} client exited with {status}", client.name()));
    }
    Ok(())
}

fn no_echo(cli: &mut Running, what: &str) -> String {
    if cli.has_exited() {
        format!("client exited before the echo of the {what}")
    } else {
        format!("no echo of the {what} within {}s", REPLY_TIMEOUT.as_secs())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn not_supported_marker_becomes_na() {
        let out = "connecting\nferrotls: not supported: TLS 1.2\n";
        assert_eq!(
            not_supported("ferrotls", out).as_deref(),
            Some("not supported yet: TLS 1.2 in ferrotls")
        );
        assert_eq!(not_supported("ferrotls", "handshake failure"), None);
    }

    #[test]
    fn reversed_echo() {
        assert_eq!(reply(Echo::Reversed, "ab c"), "c ba");
        assert_eq!(reply(Echo::Same, "ab c"), "ab c");
    }
}
