//! Flyway: versioned `V…__name.sql` and undo `U…__name.sql` migrations.

use super::{CONTRACT_DIR, CONTRACT_NAME, FormatError, Migration, UP_NAME};

/// PLAN.md's words for Flyway.
pub const NOTES: &str = "Flyway: copy `sql/` into a location Flyway reads and run `flyway migrate`; \
`flyway undo` runs the `U` file (undo needs a Flyway edition that has it; otherwise run its SQL by \
hand). Each script has a `.sql.conf` beside it with `executeInTransaction=false`, Flyway's marker \
for SQL that holds its own transactions. The contract has no undo file: Flyway refuses to undo \
it. keyshift refuses to write this format when a name or definition puts `${` into the SQL, \
which Flyway would read as a placeholder.";

/// Flyway replaces `${name}` placeholders in every script.
fn refuse_placeholders(text: &str) -> Result<(), FormatError> {
    super::refuse_directives("flyway", text, |line| line.contains("${"))
}

/// `sql/V<version>__keyshift_uuid_keys.sql`, its undo, their configs, and
/// the contract.
pub fn files(m: &Migration) -> Result<Vec<(String, String)>, FormatError> {
    let conf = format!(
        "# {}\n# The script holds its own transactions.\nexecuteInTransaction=false\n",
        m.generated()
    );
    let (up, down, contract) = (m.up.joined(), m.down.joined(), m.contract.joined());
    for text in [&up, &down, &contract] {
        refuse_placeholders(text)?;
    }
    let v = format!("sql/V{}__{UP_NAME}.sql", m.version);
    let u = format!("sql/U{}__{UP_NAME}.sql", m.version);
    let c = format!(
        "{CONTRACT_DIR}/sql/V{}__{CONTRACT_NAME}.sql",
        m.contract_version()
    );
    Ok(vec![
        (format!("{v}.conf"), conf.clone()),
        (format!("{u}.conf"), conf.clone()),
        (format!("{c}.conf"), conf),
        (v, format!("{}{up}", m.sql_header())),
        (u, format!("{}{down}", m.sql_header())),
        (c, format!("{}{contract}", m.sql_header())),
    ])
}
