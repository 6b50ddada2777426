//! golang-migrate: `<version>_<name>.up.sql` and `.down.sql`.

use super::{CONTRACT_DIR, CONTRACT_NAME, IRREVERSIBLE_SQL, Migration, UP_NAME};

/// PLAN.md's words for golang-migrate.
pub const NOTES: &str = "golang-migrate: copy `migrations/` into the project and run \
`migrate -path migrations -database URL up`; `migrate … down 1` runs down. golang-migrate has \
no marker for SQL that cannot run in its transaction because it opens none on PostgreSQL: it \
sends each file as one query, and the files' own transactions hold. It has no irreversible \
migrations either: the contract's down file fails and changes nothing. Give `--version` a number \
above the project's latest migration: golang-migrate only applies versions above the one it \
has recorded.";

/// The up and down files of the two migrations.
pub fn files(m: &Migration) -> Vec<(String, String)> {
    let h = m.sql_header();
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
