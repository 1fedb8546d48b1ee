//! Child processes for peers: spawned with captured output, killed on drop
//! (so a panic or an early return never leaves a server listening), waited
//! for with a bound.

use std::fs;
use std::io::{Read, Write};
use std::net::{Ipv4Addr, SocketAddr, TcpListener};
use std::path::PathBuf;
use std::process::{Child, ChildStdin, Command, ExitStatus, Stdio};
use std::sync::{Arc, Mutex};
use std::thread::{self, JoinHandle};
use std::time::{Duration, Instant};

/// What a peer command needs to run: the program, its arguments, extra
/// environment, and a working folder.
#[derive(Clone, Debug)]
pub struct Cmd {
    /// The program (a path or a name looked up on PATH).
    pub program: PathBuf,
    /// Its arguments.
    pub args: Vec<String>,
    /// Extra environment variables.
    pub env: Vec<(String, String)>,
}

impl Cmd {
    /// A command with no arguments yet.
    pub fn new(program: impl Into<PathBuf>) -> Cmd {
        Cmd {
            program: program.into(),
            args: Vec::new(),
            env: Vec::new(),
        }
    }

    /// Appends arguments.
    pub fn args<I, S>(mut self, args: I) -> Cmd
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        self.args.extend(args.into_iter().map(Into::into));
        self
    }

    /// Appends one argument.
    pub fn arg(mut self, arg: impl Into<String>) -> Cmd {
        self.args.push(arg.into());
        self
    }

    /// The command line as a shell would show it (for logs and errors).
    pub fn display(&self) -> String {
        let mut s = self.program.display().to_string();
        for a in &self.args {
            s.push(' ');
            if a.is_empty() || a.contains(' ') {
                s.push_str(&format!("'{a}'"));
            } else {
                s.push_str(a);
            }
        }
        s
    }
}

/// A running child whose stdout and stderr are collected (both into one
/// transcript, in arrival order per stream) and which is killed on drop.
pub struct Running {
    child: Child,
    stdin: Option<ChildStdin>,
    output: Arc<Mutex<String>>,
    readers: Vec<JoinHandle<()>>,
    /// The command line, for the log.
    pub command: String,
}

impl Running {
    /// Starts `cmd` with piped stdio.
    pub fn spawn(cmd: &Cmd) -> Result<Running, String> {
        let mut command = Command::new(&cmd.program);
        command
            .args(&cmd.args)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        for (k, v) in &cmd.env {
            command.env(k, v);
        }
        let mut child = command
            .spawn()
            .map_err(|e| format!("cannot start {}: {e}", cmd.program.display()))?;
        let output = Arc::new(Mutex::new(String::new()));
        let mut readers = Vec::new();
        if let Some(out) = child.stdout.take() {
            readers.push(collect(out, Arc::clone(&output)));
        }
        if let Some(err) = child.stderr.take() {
            readers.push(collect(err, Arc::clone(&output)));
        }
        Ok(Running {
            stdin: child.stdin.take(),
            child,
            output,
            readers,
            command: cmd.display(),
        })
    }

    /// Everything the child printed so far.
    pub fn output(&self) -> String {
        self.output.lock().map(|s| s.clone()).unwrap_or_default()
    }

    /// Writes to the child's stdin.
    pub fn send(&mut self, text: &str) -> Result<(), String> {
        let stdin = self
            .stdin
            .as_mut()
            .ok_or_else(|| "stdin already closed".to_string())?;
        stdin
            .write_all(text.as_bytes())
            .and_then(|()| stdin.flush())
            .map_err(|e| format!("writing to the program's stdin: {e}"))
    }

    /// Closes stdin (the EOF that tells an s_client-style program to close).
    pub fn close_stdin(&mut self) {
        self.stdin = None;
    }

    /// Waits until the output contains `needle`, the child exits, or the
    /// timeout passes. Returns whether the needle was seen.
    pub fn wait_for(&mut self, needle: &str, timeout: Duration) -> bool {
        let deadline = Instant::now() + timeout;
        loop {
            if self.output().contains(needle) {
                return true;
            }
            if Instant::now() >= deadline || self.has_exited() {
                // One last look: the output may land just after the exit.
                thread::sleep(Duration::from_millis(50));
                return self.output().contains(needle);
            }
            thread::sleep(Duration::from_millis(10));
        }
    }

    /// Whether the child has exited.
    pub fn has_exited(&mut self) -> bool {
        matches!(self.child.try_wait(), Ok(Some(_)))
    }

    /// Waits for the exit with a bound; kills the child when it runs over.
    pub fn wait_exit(&mut self, timeout: Duration) -> Result<ExitStatus, String> {
        let deadline = Instant::now() + timeout;
        loop {
            match self.child.try_wait() {
                Ok(Some(status)) => {
                    self.join_readers();
                    return Ok(status);
                }
                Ok(None) if Instant::now() < deadline => thread::sleep(Duration::from_millis(10)),
                Ok(None) => {
                    self.kill();
                    return Err(format!("did not exit within {}s", timeout.as_secs()));
                }
                Err(e) => return Err(format!("waiting for the peer: {e}")),
            }
        }
    }

    /// Stops the child now (SIGKILL) and collects what it printed.
    pub fn kill(&mut self) {
        self.stdin = None;
        let _ = self.child.kill();
        let _ = self.child.wait();
        self.join_readers();
    }

    fn join_readers(&mut self) {
        for r in self.readers.drain(..) {
            let _ = r.join();
        }
    }

    /// Saves the transcript to `path` (command line first).
    pub fn save_log(&self, path: &std::path::Path) {
        let _ = fs::write(path, format!("$ {}\n{}", self.command, self.output()));
    }
}

impl Drop for Running {
    fn drop(&mut self) {
        if !matches!(self.child.try_wait(), Ok(Some(_))) {
            let _ = self.child.kill();
            let _ = self.child.wait();
        }
    }
}

fn collect(mut source: impl Read + Send + 'static, sink: Arc<Mutex<String>>) -> JoinHandle<()> {
    thread::spawn(move || {
        let mut buf = [0u8; 4096];
        loop {
            match source.read(&mut buf) {
                Ok(0) | Err(_) => break,
                Ok(n) => {
                    if let Ok(mut s) = sink.lock() {
                        s.push_str(&String::from_utf8_lossy(&buf[..n]));
                    }
                }
            }
        }
    })
}

/// A port on 127.0.0.1 that was free a moment ago (bind to port 0 and
/// release it; the caller retries if a peer loses the race).
pub fn free_port() -> Result<u16, String> {
    let listener = TcpListener::bind(SocketAddr::from((Ipv4Addr::LOCALHOST, 0)))
        .map_err(|e| format!("cannot bind 127.0.0.1:0: {e}"))?;
    listener
        .local_addr()
        .map(|a| a.port())
        .map_err(|e| format!("local_addr: {e}"))
}

/// Whether something listens on `port` (any local address), read from the
/// kernel's socket table rather than by connecting: a probe connection
/// would show up in the server's transcript as a failed handshake.
pub fn is_listening(port: u16) -> bool {
    let wanted = format!(":{port:04X}");
    ["/proc/net/tcp", "/proc/net/tcp6"].iter().any(|table| {
        fs::read_to_string(table).is_ok_and(|text| {
            text.lines().skip(1).any(|line| {
                let cols: Vec<&str> = line.split_whitespace().collect();
                // local_address is column 1, st is column 3 (0A = LISTEN).
                cols.len() > 3 && cols[1].ends_with(&wanted) && cols[3] == "0A"
            })
        })
    })
}

/// Waits until `server` listens on `port`, bounded; fails early when the
/// server exits.
pub fn wait_listening(server: &mut Running, port: u16, timeout: Duration) -> Result<(), String> {
    let deadline = Instant::now() + timeout;
    loop {
        if is_listening(port) {
            return Ok(());
        }
        if server.has_exited() {
            return Err("server exited before listening".to_string());
        }
        if Instant::now() >= deadline {
            return Err(format!(
                "server not listening on port {port} after {}s",
                timeout.as_secs()
            ));
        }
        thread::sleep(Duration::from_millis(10));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn listening_is_seen_and_released() {
        let listener = TcpListener::bind(SocketAddr::from((Ipv4Addr::LOCALHOST, 0))).expect("bind");
        let port = listener.local_addr().expect("addr").port();
        assert!(is_listening(port));
        drop(listener);
        assert!(!is_listening(port));
    }

    #[test]
    fn child_is_killed_on_drop_and_output_is_collected() {
        let mut r = Running::spawn(&Cmd::new("sh").args(["-c", "echo ready; exec sleep 30"]))
            .expect("spawn");
        assert!(r.wait_for("ready", Duration::from_secs(5)));
        let pid = r.child.id();
        drop(r);
        let alive = std::path::Path::new(&format!("/proc/{pid}")).exists()
            && fs::read_to_string(format!("/proc/{pid}/stat")).is_ok_and(|s| !s.contains(") Z "));
        assert!(!alive, "child {pid} survived its guard");
    }

    #[test]
    fn wait_exit_kills_on_timeout() {
        let mut r = Running::spawn(&Cmd::new("sleep").arg("30")).expect("spawn");
        let err = r.wait_exit(Duration::from_millis(200)).unwrap_err();
        assert!(err.contains("did not exit"), "{err}");
        assert!(r.has_exited());
    }
}
