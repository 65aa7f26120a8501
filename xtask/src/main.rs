//! `cargo xtask`: see `cargo xtask help`.

use std::process::ExitCode;

use xtask::codegen::{self, Outcome};

const HELP: &str = "\
cargo xtask <command>

Commands:
  codegen          generate zapi-client/src/generated.rs (client) and
                   generated_mock.rs (httpmock helpers) from openapi/zapi.yaml
  codegen --check  write nothing; fail with a diff if the checked-in code is stale
  review [--base REV] [--format markdown|json] [--fail-on breaking]
                   what the spec change since REV does to HTTP clients (wire)
                   and to Rust users, rule by rule, with the semver bump it
                   needs; REV defaults to where the branch left main (HEAD on
                   main); exit 1 with --fail-on breaking and a break not in
                   openapi/accepted-breaks.yaml, 2 when it cannot run
  bench            measure zapi-client against hand-written reqwest, side by side
                   (add --quick for a short trial run); ends with RATIO lines
                   (ratios to the baseline) and FIGURE lines (counts of many
                   instances on one Transport); instructions need valgrind
  help             print this help
";

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let args: Vec<&str> = args.iter().map(String::as_str).collect();
    match args.as_slice() {
        [] | ["help" | "--help" | "-h"] => {
            print!("{HELP}");
            ExitCode::SUCCESS
        }
        ["codegen"] => codegen_command(false),
        ["codegen", "--check"] => codegen_command(true),
        ["review", rest @ ..] => review_command(rest),
        ["bench"] => bench_command(false),
        ["bench", "--quick"] => bench_command(true),
        _ => {
            eprint!("xtask: unknown arguments: {}\n\n{HELP}", args.join(" "));
            ExitCode::from(2)
        }
    }
}

fn codegen_command(check: bool) -> ExitCode {
    // progenitor panics are caught and reported as one-line errors; keep the
    // default hook from printing them a second time.
    std::panic::set_hook(Box::new(|_| {}));
    let report = match codegen::run(&codegen::workspace_root(), check) {
        Ok(report) => report,
        Err(error) => {
            eprintln!("xtask codegen: {error}");
            return ExitCode::FAILURE;
        }
    };
    let ms = report.elapsed.as_millis();
    match report.outcome {
        Outcome::UpToDate => {
            println!(
                "{} and {} are up to date with {} ({ms} ms)",
                codegen::OUTPUT_PATH,
                codegen::MOCK_OUTPUT_PATH,
                codegen::SPEC_PATH
            );
            ExitCode::SUCCESS
        }
        Outcome::Written => {
            println!(
                "wrote {} and {} from {} ({ms} ms)",
                codegen::OUTPUT_PATH,
                codegen::MOCK_OUTPUT_PATH,
                codegen::SPEC_PATH
            );
            ExitCode::SUCCESS
        }
        Outcome::Stale { diff } => {
            print!("{diff}");
            eprintln!(
                "xtask codegen --check: generated code is stale; run `{}` and commit the result ({ms} ms)",
                codegen::COMMAND
            );
            ExitCode::FAILURE
        }
    }
}

fn review_command(args: &[&str]) -> ExitCode {
    use xtask::review::{self, Format, Options};
    let mut options = Options {
        base: None,
        format: Format::Markdown,
        fail_on_breaking: false,
    };
    let mut args = args.iter();
    while let Some(arg) = args.next() {
        match (*arg, args.next().copied()) {
            ("--base", Some(rev)) => options.base = Some(rev.to_owned()),
            ("--format", Some("markdown")) => options.format = Format::Markdown,
            ("--format", Some("json")) => options.format = Format::Json,
            ("--fail-on", Some("breaking")) => options.fail_on_breaking = true,
            (arg, value) => {
                let value = value.unwrap_or("");
                eprintln!("xtask review: unknown argument `{arg} {value}`; see `cargo xtask help`");
                return ExitCode::from(2);
            }
        }
    }
    match review::run(&codegen::workspace_root(), &options) {
        Ok(outcome) => {
            print!("{}", outcome.report);
            if outcome.gate_failed {
                let count = outcome.review.unaccepted_breaks().count();
                eprintln!(
                    "xtask review: {count} breaking change(s) since {} not accepted in {}",
                    outcome.base,
                    review::ACCEPTED_PATH
                );
                return ExitCode::FAILURE;
            }
            ExitCode::SUCCESS
        }
        Err(error) => {
            eprintln!("xtask review: {error}");
            ExitCode::from(2)
        }
    }
}

fn bench_command(quick: bool) -> ExitCode {
    use xtask::bench::{self, FIGURES, Kind};
    let root = codegen::workspace_root();
    let result = (|| -> Result<(), String> {
        eprintln!("codegen wall time (warm)...");
        let (write, check) = bench::codegen_times(&root)?;
        eprintln!("client benchmark (release build, then in-process runs)...");
        let (mut figures, report) = bench::client_bench(&root, quick)?;
        if bench::valgrind_available() {
            eprintln!("instructions per request (callgrind, four runs)...");
            figures.push(bench::instructions(&root)?);
        }
        eprintln!("consumer builds (cold, fresh target dirs; minutes)...");
        figures.push(bench::consumer_build(&root, if quick { 1 } else { 2 })?);

        println!("{report}");
        println!(
            "codegen: `cargo xtask codegen` {:.0} ms, `--check` {:.0} ms (median of 5, warm)",
            write.as_secs_f64() * 1e3,
            check.as_secs_f64() * 1e3
        );
        println!();
        println!("| figure | zapi-client (ratio to baseline, or count) | target | met |");
        println!("| --- | --- | --- | --- |");
        let mut lines = Vec::new();
        for &(name, kind, target) in FIGURES {
            let Some(figure) = figures.iter().find(|f| f.name == name) else {
                if name == "instructions" {
                    println!("| {name} | skipped (valgrind not found) | {target} | |");
                    lines.push(format!("RATIO {name} skipped (valgrind not found)"));
                    continue;
                }
                return Err(format!("no {name} figure"));
            };
            let (value, prefix) = match kind {
                Kind::Ratio => (format!("{:.3}", figure.value), "RATIO"),
                Kind::Count => (format!("{}", figure.value), "FIGURE"),
            };
            let met = if target.met(figure.value) {
                "yes"
            } else {
                "no"
            };
            println!("| {name} | {value} | {target} | {met} |");
            if !figure.detail.is_empty() {
                println!("  {}", figure.detail);
            }
            lines.push(format!("{prefix} {name} {value}"));
        }
        println!();
        for line in lines {
            println!("{line}");
        }
        Ok(())
    })();
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            eprintln!("xtask bench: {error}");
            ExitCode::FAILURE
        }
    }
}
