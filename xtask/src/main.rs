//! `cargo xtask`: see `cargo xtask help`.

use std::process::ExitCode;

use xtask::codegen::{self, Outcome};

const HELP: &str = "\
cargo xtask <command>

Commands:
  codegen          generate zapi-client/src/generated.rs (client) and
                   generated_mock.rs (httpmock helpers) from openapi/zapi.yaml
  codegen --check  write nothing; fail with a diff if the checked-in code is stale
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
