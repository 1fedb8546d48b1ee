//! Writes `target/bench/report.md` from the last benchmark and memory runs
//! and prints it. Usage: `report [--quick]` (the flag only labels the run).

fn main() {
    let quick = std::env::args().any(|a| a == "--quick");
    match ferrotls_benches::report::write(quick) {
        Ok(path) => {
            print!("{}", std::fs::read_to_string(&path).unwrap_or_default());
            eprintln!("wrote {}", path.display());
        }
        Err(e) => {
            eprintln!("cannot write the report: {e}");
            std::process::exit(1);
        }
    }
}
