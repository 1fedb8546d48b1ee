//! The matrix: printed to the terminal, and written as Markdown and JSON
//! under target/interop/. n/a reasons are numbered once and listed under
//! the table, so a wide matrix stays readable and no cell is unexplained.

use std::fmt::Write as _;

use super::runner::Outcome;

/// One column: a peer and which side the subject plays.
#[derive(Clone, Debug)]
pub struct Column {
    /// The peer's name.
    pub peer: String,
    /// True when the subject (ferrotls) is the client and the peer serves.
    pub subject_is_client: bool,
}

impl Column {
    /// `ferrotls→openssl` (subject client, peer server) or `openssl→ferrotls`.
    pub fn label(&self, subject: &str) -> String {
        if self.subject_is_client {
            format!("{subject}→{}", self.peer)
        } else {
            format!("{}→{subject}", self.peer)
        }
    }
}

/// The finished matrix.
#[derive(Debug)]
pub struct Matrix {
    /// The implementation under test.
    pub subject: String,
    /// Column headers.
    pub columns: Vec<Column>,
    /// One row per case: its name and an outcome per column.
    pub rows: Vec<(String, Vec<Outcome>)>,
}

/// Totals over the matrix.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Counts {
    /// Cells that passed.
    pub pass: usize,
    /// Cells that failed.
    pub fail: usize,
    /// Cells that do not apply.
    pub na: usize,
}

impl Matrix {
    /// Totals.
    pub fn counts(&self) -> Counts {
        let mut c = Counts::default();
        for (_, cells) in &self.rows {
            for cell in cells {
                match cell {
                    Outcome::Pass => c.pass += 1,
                    Outcome::Fail(_) => c.fail += 1,
                    Outcome::NotApplicable(_) => c.na += 1,
                }
            }
        }
        c
    }

    /// Distinct n/a reasons, numbered from 1 in order of appearance.
    fn notes(&self) -> Vec<String> {
        let mut notes: Vec<String> = Vec::new();
        for (_, cells) in &self.rows {
            for cell in cells {
                if let Outcome::NotApplicable(r) = cell
                    && !notes.contains(r)
                {
                    notes.push(r.clone());
                }
            }
        }
        notes
    }

    fn cell_text(&self, cell: &Outcome, notes: &[String]) -> String {
        match cell {
            Outcome::Pass => "pass".into(),
            Outcome::Fail(_) => "FAIL".into(),
            Outcome::NotApplicable(r) => {
                let n = notes.iter().position(|x| x == r).map_or(0, |i| i + 1);
                format!("n/a ({n})")
            }
        }
    }

    /// The terminal table plus the notes and failures.
    pub fn to_text(&self) -> String {
        let notes = self.notes();
        let labels: Vec<String> = self
            .columns
            .iter()
            .map(|c| c.label(&self.subject))
            .collect();
        let first = self
            .rows
            .iter()
            .map(|(n, _)| n.len())
            .max()
            .unwrap_or(4)
            .max(4);
        let widths: Vec<usize> = labels.iter().map(|l| l.chars().count().max(8)).collect();
        let mut s = String::new();
        let _ = write!(s, "{:first$}", "case");
        for (l, w) in labels.iter().zip(&widths) {
            let _ = write!(s, "  {l:w$}");
        }
        s.push('\n');
        for (name, cells) in &self.rows {
            let _ = write!(s, "{name:first$}");
            for (cell, w) in cells.iter().zip(&widths) {
                let _ = write!(s, "  {:w$}", self.cell_text(cell, &notes));
            }
            s.push('\n');
        }
        self.append_notes(&mut s, &notes, "");
        s
    }

    fn append_notes(&self, s: &mut String, notes: &[String], bullet: &str) {
        let c = self.counts();
        let _ = writeln!(
            s,
            "\n{bullet}{} pass, {} FAIL, {} n/a ({} cells)",
            c.pass,
            c.fail,
            c.na,
            c.pass + c.fail + c.na
        );
        if !notes.is_empty() {
            let _ = writeln!(s, "\nn/a reasons:");
            for (i, n) in notes.iter().enumerate() {
                let _ = writeln!(s, "{bullet}({}) {n}", i + 1);
            }
        }
        let mut first = true;
        for (name, cells) in &self.rows {
            for (col, cell) in self.columns.iter().zip(cells) {
                if let Outcome::Fail(reason) = cell {
                    if first {
                        let _ = writeln!(s, "\nfailures:");
                        first = false;
                    }
                    let _ = writeln!(s, "{bullet}{name} [{}]: {reason}", col.label(&self.subject));
                }
            }
        }
    }

    /// The same as a Markdown table.
    pub fn to_markdown(&self) -> String {
        let notes = self.notes();
        let mut s = String::from("| case |");
        for c in &self.columns {
            let _ = write!(s, " {} |", c.label(&self.subject));
        }
        s.push_str("\n|---|");
        for _ in &self.columns {
            s.push_str("---|");
        }
        s.push('\n');
        for (name, cells) in &self.rows {
            let _ = write!(s, "| {name} |");
            for cell in cells {
                let text = match cell {
                    Outcome::Fail(_) => "**FAIL**".to_string(),
                    other => self.cell_text(other, &notes),
                };
                let _ = write!(s, " {text} |");
            }
            s.push('\n');
        }
        self.append_notes(&mut s, &notes, "- ");
        s
    }

    /// The same as JSON: `{"subject", "counts", "cells": [{case, peer,
    /// direction, outcome, reason}]}`.
    pub fn to_json(&self) -> String {
        let c = self.counts();
        let mut s = format!(
            "{{\n  \"subject\": {},\n  \"counts\": {{\"pass\": {}, \"fail\": {}, \"na\": {}}},\n  \"cells\": [",
            json_str(&self.subject),
            c.pass,
            c.fail,
            c.na
        );
        let mut first = true;
        for (name, cells) in &self.rows {
            for (col, cell) in self.columns.iter().zip(cells) {
                let (outcome, reason) = match cell {
                    Outcome::Pass => ("pass", None),
                    Outcome::Fail(r) => ("fail", Some(r)),
                    Outcome::NotApplicable(r) => ("n/a", Some(r)),
                };
                let direction = if col.subject_is_client {
                    "subject-client"
                } else {
                    "subject-server"
                };
                let _ = write!(
                    s,
                    "{}\n    {{\"case\": {}, \"peer\": {}, \"direction\": \"{direction}\", \"column\": {}, \"outcome\": \"{outcome}\", \"reason\": {}}}",
                    if first { "" } else { "," },
                    json_str(name),
                    json_str(&col.peer),
                    json_str(&col.label(&self.subject)),
                    reason.map_or("null".to_string(), |r| json_str(r)),
                );
                first = false;
            }
        }
        s.push_str("\n  ]\n}\n");
        s
    }
}

/// A JSON string literal (RFC 8259 escaping).
pub fn json_str(text: &str) -> String {
    let mut s = String::with_capacity(text.len() + 2);
    s.push('"');
    for ch in text.chars() {
        match ch {
            '"' => s.push_str("\\\""),
            '\\' => s.push_str("\\\\"),
            '\n' => s.push_str("\\n"),
            '\r' => s.push_str("\\r"),
            '\t' => s.push_str("\\t"),
            c if (c as u32) < 0x20 => {
                let _ = write!(s, "\\u{:04x}", c as u32);
            }
            c => s.push(c),
        }
    }
    s.push('"');
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample() -> Matrix {
        Matrix {
            subject: "ferrotls".into(),
            columns: vec![
                Column {
                    peer: "openssl".into(),
                    subject_is_client: true,
                },
                Column {
                    peer: "openssl".into(),
                    subject_is_client: false,
                },
            ],
            rows: vec![
                (
                    "tls13 alpn".into(),
                    vec![Outcome::Pass, Outcome::Fail("no echo \"x\"".into())],
                ),
                (
                    "tls12 alpn".into(),
                    vec![
                        Outcome::NotApplicable("not supported yet: TLS 1.2 in ferrotls".into()),
                        Outcome::NotApplicable("not supported yet: TLS 1.2 in ferrotls".into()),
                    ],
                ),
            ],
        }
    }

    #[test]
    fn i01_counts_and_notes() {
        let m = sample();
        assert_eq!(
            m.counts(),
            Counts {
                pass: 1,
                fail: 1,
                na: 2
            }
        );
        let text = m.to_text();
        assert!(text.contains("ferrotls→openssl"), "{text}");
        assert!(text.contains("openssl→ferrotls"), "{text}");
        assert!(text.contains("n/a (1)"), "{text}");
        assert!(
            text.contains("(1) not supported yet: TLS 1.2 in ferrotls"),
            "{text}"
        );
        assert!(
            text.contains("tls13 alpn [openssl→ferrotls]: no echo"),
            "{text}"
        );
        assert!(m.to_markdown().contains("| tls13 alpn | pass | **FAIL** |"));
    }

    #[test]
    fn i01_json_is_escaped() {
        let json = sample().to_json();
        assert!(json.contains(r#""reason": "no echo \"x\"""#), "{json}");
        assert!(
            json.contains(r#""counts": {"pass": 1, "fail": 1, "na": 2}"#),
            "{json}"
        );
        assert_eq!(json_str("a\u{1}b"), "\"a\\u0001b\"");
    }
}
