//! A very small command-line parser: positionals and `--name value` /
//! `--name=value` options, with leftovers reported as errors so that a
//! typo never passes silently.

use std::collections::VecDeque;

/// The arguments after the program name.
#[derive(Debug, Default)]
pub struct Args {
    items: VecDeque<String>,
}

impl Args {
    /// The process arguments, without the program name.
    pub fn from_env() -> Self {
        Self::from_vec(std::env::args().skip(1).collect())
    }

    /// Arguments from a list (for tests and for commands calling commands).
    pub fn from_vec(items: Vec<String>) -> Self {
        Self {
            items: items.into(),
        }
    }

    /// Removes and returns the first argument that is not an option (nor
    /// an option's value).
    pub fn next_positional(&mut self) -> Option<String> {
        let mut i = 0;
        while i < self.items.len() {
            if self.items[i].starts_with("--") {
                // Skip the option and, for the `--name value` form, its value.
                i += if self.items[i].contains('=') { 1 } else { 2 };
                continue;
            }
            return self.items.remove(i);
        }
        None
    }

    /// Removes and returns the value of option `--name`, if given.
    pub fn option(&mut self, name: &str) -> Result<Option<String>, String> {
        let flag = format!("--{name}");
        let prefix = format!("--{name}=");
        let Some(i) = self
            .items
            .iter()
            .position(|a| *a == flag || a.starts_with(&prefix))
        else {
            return Ok(None);
        };
        let item = self.items.remove(i).unwrap_or_default();
        if let Some(value) = item.strip_prefix(&prefix) {
            return Ok(Some(value.to_string()));
        }
        match self.items.remove(i) {
            Some(value) if !value.starts_with("--") => Ok(Some(value)),
            _ => Err(format!("{flag} needs a value")),
        }
    }

    /// The value of `--name` as a number, if given.
    pub fn number(&mut self, name: &str) -> Result<Option<u64>, String> {
        match self.option(name)? {
            None => Ok(None),
            Some(v) => v
                .parse()
                .map(Some)
                .map_err(|_| format!("--{name}: `{v}` is not a number")),
        }
    }

    /// Fails if anything was not consumed.
    pub fn finish(self) -> Result<(), String> {
        match self.items.is_empty() {
            true => Ok(()),
            false => Err(format!(
                "unexpected arguments: {}",
                Vec::from(self.items).join(" ")
            )),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(s: &str) -> Args {
        Args::from_vec(s.split_whitespace().map(String::from).collect())
    }

    #[test]
    fn positionals_and_options_in_any_order() {
        let mut a = args("fuzz --seconds 5 record_parser --jobs=2");
        assert_eq!(a.next_positional().as_deref(), Some("fuzz"));
        assert_eq!(a.next_positional().as_deref(), Some("record_parser"));
        assert_eq!(a.number("seconds"), Ok(Some(5)));
        assert_eq!(a.number("jobs"), Ok(Some(2)));
        assert_eq!(a.next_positional(), None);
        assert!(a.finish().is_ok());
    }

    #[test]
    fn leftovers_and_missing_values_are_errors() {
        let mut a = args("fuzz --seconds");
        a.next_positional();
        assert!(a.number("seconds").is_err());
        let mut a = args("ci --bogus 1");
        a.next_positional();
        assert!(a.finish().is_err());
        let mut a = args("--seconds x");
        assert!(a.number("seconds").is_err());
    }
}
