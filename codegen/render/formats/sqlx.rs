//! sqlx-cli: reversible `<version>_<name>.up.sql` / `.down.sql`.

use super::{CONTRACT_DIR, CONTRACT_NAME, IRREVERSIBLE_SQL, Migration, UP_NAME};

/// PLAN.md's words for sqlx.
pub const NOTES: &str = "sqlx: copy `migrations/` into the project and run `sqlx migrate run`; \
`sqlx migrate revert` runs down. Every file starts with `-- no-transaction`, sqlx's marker for \
SQL that holds its own transactions (it must be the first line). sqlx has no irreversible \
migrations: the contract's down file fails and changes nothing.";

/// The up and down files of the two migrations.
pub fn files(m: &Migration) -> Vec<(String, String)> {
    let h = format!("-- no-transaction\n{}", m.sql_header());
    let up = format!("migrations/{}_{UP_NAME}", m.version);
    let c = format!(
        "{CONTRACT_DIR}/migrations/{}_{CONTRACT_NAME}",
        m.contract_version()
    );
    vec![
        (format!("{up}.up.sql"), format!("{h}{}", m.up.joined())),
        (format!("{up}.down.sql"), format!("{h}{}", m.down.joined())),
        (format!("{c}.up.sql"), format!("{h}{}", m.contract.joined())),
        (format!("{c}.down.sql"), format!("{h}{IRREVERSIBLE_SQL}")),
    ]
}
