//! dbmate: one file with `-- migrate:up` and `-- migrate:down` blocks.

use super::{CONTRACT_DIR, CONTRACT_NAME, FormatError, IRREVERSIBLE_SQL, Migration, UP_NAME};

/// PLAN.md's words for dbmate.
pub const NOTES: &str = "dbmate: copy `db/migrations/` into the project and run `dbmate up`; \
`dbmate rollback` runs down. Both blocks say `transaction:false`, dbmate's marker for SQL that \
holds its own transactions. dbmate has no irreversible migrations: the contract's down block \
fails and changes nothing. keyshift refuses to write this format when a name or definition \
puts a line starting `-- migrate:` into the SQL, since dbmate would read it as a block marker.";

/// Whether dbmate reads `line` as a block marker.
fn directive(line: &str) -> bool {
    line.strip_prefix("--")
        .is_some_and(|rest| rest.trim_start().starts_with("migrate:"))
}

fn file(m: &Migration, up: &str, down: &str) -> Result<String, FormatError> {
    super::refuse_directives("dbmate", up, directive)?;
    super::refuse_directives("dbmate", down, directive)?;
    Ok(format!(
        "-- migrate:up transaction:false\n{}{up}\n-- migrate:down transaction:false\n{down}",
        m.sql_header()
    ))
}

/// `db/migrations/<version>_keyshift_uuid_keys.sql` and the contract.
pub fn files(m: &Migration) -> Result<Vec<(String, String)>, FormatError> {
    Ok(vec![
        (
            format!("db/migrations/{}_{UP_NAME}.sql", m.version),
            file(m, &m.up.joined(), &m.down.joined())?,
        ),
        (
            format!(
                "{CONTRACT_DIR}/db/migrations/{}_{CONTRACT_NAME}.sql",
                m.contract_version()
            ),
            file(m, &m.contract.joined(), IRREVERSIBLE_SQL)?,
        ),
    ])
}
