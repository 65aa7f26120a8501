//! `cargo xtask`: see `cargo xtask help`.

use std::process::ExitCode;

use xtask::codegen::{self, Outcome};

const HELP: &str = "\
cargo xtask <command>

Commands:
  codegen          generate zapi-client/src/generated.rs (client) and
                   generated_mock.rs (httpmock helpers) from openapi/zapi.yaml
  codegen --check  write nothing; fail with a diff if the checked-in code is stale
  review [--base REV|release] [--format markdown|json|changelog]
         [--fail-on breaking,behaviour,version]
                   what the spec change since REV does to HTTP clients (wire),
                   to Rust users and to what zapi-client does (behaviour), with
                   the semver bump it needs; `cargo xtask review --help`
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
                "{}, {} and {} are up to date with {} ({ms} ms)",
                codegen::OUTPUT_PATH,
                codegen::MOCK_OUTPUT_PATH,
                xtask::test_operations::OUTPUT_PATH,
                codegen::SPEC_PATH
            );
            ExitCode::SUCCESS
        }
        Outcome::Written => {
            println!(
                "wrote {}, {} and {} from {} ({ms} ms)",
                codegen::OUTPUT_PATH,
                codegen::MOCK_OUTPUT_PATH,
                xtask::test_operations::OUTPUT_PATH,
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

const REVIEW_HELP: &str = "\
cargo xtask review [--base REV|release] [--format markdown|json|changelog]
                   [--fail-on breaking,behaviour,version] [--rules]

Compares openapi/zapi.yaml, the generated code and the hand-written public
API at REV (read with git show; nothing is built) with the working tree, and
prints what the change does to HTTP clients (wire), to Rust code compiled
against the old crate (Rust) and to what zapi-client does at run time
(behaviour), rule by rule, with the semver bump it needs.

  --base REV        a git revision; `release` is the last release recorded in
                    openapi/accepted-breaks.yaml (`released:`); default: where
                    the branch left main (HEAD on main: the uncommitted edits)
  --format F        markdown (default, for a pull request), json, or changelog
                    (the section to paste in CHANGELOG.md for a release)
  --fail-on KINDS   exit 1 when, comma-separated: `breaking`: a break not
                    accepted in openapi/accepted-breaks.yaml, or an accepted
                    entry whose version is already released; `behaviour`: a
                    behaviour change not accepted; `version`: the version in
                    zapi-client/Cargo.toml is short of the bump
  --rules           print the rules table (xtask/src/review/rules.md) and exit
  -h, --help        this help

Exit: 0, 1 when --fail-on fails (one line per reason on stderr), 2 when it
cannot run (unknown revision, unreadable spec or accepted-breaks file).
";

fn review_command(args: &[&str]) -> ExitCode {
    use xtask::review::{self, FailOn, Format, Options};
    let mut options = Options {
        base: None,
        format: Format::Markdown,
        fail_on: FailOn::default(),
    };
    let usage = |message: String| {
        eprintln!("xtask review: {message}; see `cargo xtask review --help`");
        ExitCode::from(2)
    };
    let mut args = args.iter();
    while let Some(&arg) = args.next() {
        match arg {
            "-h" | "--help" => {
                print!("{REVIEW_HELP}");
                return ExitCode::SUCCESS;
            }
            "--rules" => {
                print!("{}", review::registry::table());
                return ExitCode::SUCCESS;
            }
            "--base" | "--format" | "--fail-on" => {
                let Some(&value) = args.next() else {
                    return usage(format!("`{arg}` needs a value"));
                };
                match (arg, value) {
                    ("--base", rev) => options.base = Some(rev.to_owned()),
                    ("--format", "markdown") => options.format = Format::Markdown,
                    ("--format", "json") => options.format = Format::Json,
                    ("--format", "changelog") => options.format = Format::Changelog,
                    ("--fail-on", kinds) => {
                        for kind in kinds.split(',') {
                            match kind.trim() {
                                "breaking" => options.fail_on.breaking = true,
                                "behaviour" => options.fail_on.behaviour = true,
                                "version" => options.fail_on.version = true,
                                other => return usage(format!("unknown --fail-on kind `{other}`")),
                            }
                        }
                    }
                    (_, value) => return usage(format!("unknown value `{value}` for `{arg}`")),
                }
            }
            other => return usage(format!("unknown argument `{other}`")),
        }
    }
    match review::run(&codegen::workspace_root(), &options) {
        Ok(outcome) => {
            print!("{}", outcome.report);
            for failure in &outcome.failures {
                eprintln!("xtask review: {failure}");
            }
            if outcome.failures.is_empty() {
                ExitCode::SUCCESS
            } else {
                ExitCode::FAILURE
            }
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
