//! The checked-in generated client must be what the spec produces.

use xtask::codegen::{self, Outcome};

#[test]
fn checked_in_generated_code_is_fresh() {
    let report = codegen::run(&codegen::workspace_root(), true).expect("the spec generates");
    if let Outcome::Stale { diff } = report.outcome {
        panic!(
            "{} is stale: it differs from what {} produces. Run `{}` and commit the result.\n{diff}",
            codegen::OUTPUT_PATH,
            codegen::SPEC_PATH,
            codegen::COMMAND,
        );
    }
}
