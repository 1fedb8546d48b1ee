//! Running commands: echoing what is run, and capturing stderr while
//! still showing it live (libFuzzer reports on stderr).

use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Command, ExitStatus, Stdio};

/// Runs `cmd` in `dir`, inheriting stdout and stderr. Returns whether it
/// succeeded; failing to start counts as failure.
pub fn run(cmd: &mut Command, dir: &Path) -> Result<(), String> {
    eprintln!("+ {}", describe(cmd));
    let status = cmd
        .current_dir(dir)
        .status()
        .map_err(|e| format!("cannot start `{}`: {e}", describe(cmd)))?;
    check(status, cmd)
}

/// Runs `cmd` in `dir`, printing its stderr as it comes and returning it.
/// The exit status is returned, not judged: a fuzzer's failure is data.
pub fn run_capturing_stderr(
    cmd: &mut Command,
    dir: &Path,
) -> Result<(ExitStatus, Vec<String>), String> {
    eprintln!("+ {}", describe(cmd));
    let mut child = cmd
        .current_dir(dir)
        .stderr(Stdio::piped())
        .spawn()
        .map_err(|e| format!("cannot start `{}`: {e}", describe(cmd)))?;
    let mut lines = Vec::new();
    if let Some(stderr) = child.stderr.take() {
        for line in BufReader::new(stderr).lines() {
            let Ok(line) = line else { break };
            eprintln!("{line}");
            lines.push(line);
        }
    }
    let status = child
        .wait()
        .map_err(|e| format!("waiting for `{}`: {e}", describe(cmd)))?;
    Ok((status, lines))
}

/// Runs `cmd` quietly and returns its stdout, or None if it cannot run or fails.
pub fn output(cmd: &mut Command) -> Option<String> {
    let out = cmd.stderr(Stdio::null()).output().ok()?;
    out.status
        .success()
        .then(|| String::from_utf8_lossy(&out.stdout).into_owned())
}

fn check(status: ExitStatus, cmd: &Command) -> Result<(), String> {
    match status.success() {
        true => Ok(()),
        false => Err(format!("`{}` failed ({status})", describe(cmd))),
    }
}

/// The command line, for humans.
pub fn describe(cmd: &Command) -> String {
    let mut s = cmd.get_program().to_string_lossy().into_owned();
    for arg in cmd.get_args() {
        s.push(' ');
        s.push_str(&arg.to_string_lossy());
    }
    s
}
