//! goose: one SQL file with `-- +goose Up` and `-- +goose Down`.

use super::{CONTRACT_DIR, CONTRACT_NAME, FormatError, IRREVERSIBLE_SQL, Migration, UP_NAME};

/// PLAN.md's words for goose.
pub const NOTES: &str = "goose: copy `migrations/` into the project and run `goose up`; \
`goose down` runs down. The file says `-- +goose NO TRANSACTION`, goose's marker for SQL that \
holds its own transactions, and each stage is one `-- +goose StatementBegin` … `StatementEnd` \
block, so goose sends it whole instead of cutting function bodies and DO blocks at their \
semicolons. goose has no irreversible migrations: the contract's down block fails and changes \
nothing. keyshift refuses to write this format when a name or definition puts a line starting \
`-- +goose` into the SQL.";

/// Whether goose reads `line` as an annotation.
fn directive(line: &str) -> bool {
    line.trim_start()
        .strip_prefix("--")
        .is_some_and(|rest| rest.trim_start().starts_with("+goose"))
}

fn blocks(stages: &[String]) -> String {
    stages
        .iter()
        .map(|s| format!("-- +goose StatementBegin\n{s}-- +goose StatementEnd\n"))
        .collect()
}

fn file(m: &Migration, up: &[String], down: &[String]) -> Result<String, FormatError> {
    for s in up.iter().chain(down) {
        super::refuse_directives("goose", s, directive)?;
    }
    Ok(format!(
        "-- +goose NO TRANSACTION\n{}-- +goose Up\n{}\n-- +goose Down\n{}",
        m.sql_header(),
        blocks(up),
        blocks(down)
    ))
}

/// `migrations/<version>_keyshift_uuid_keys.sql` and the contract.
pub fn files(m: &Migration) -> Result<Vec<(String, String)>, FormatError> {
    Ok(vec![
        (
            format!("migrations/{}_{UP_NAME}.sql", m.version),
            file(m, &m.up.stages, &m.down.stages)?,
        ),
        (
            format!(
                "{CONTRACT_DIR}/migrations/{}_{CONTRACT_NAME}.sql",
                m.contract_version()
            ),
            file(m, &m.contract.stages, &[IRREVERSIBLE_SQL.to_string()])?,
        ),
    ])
}
