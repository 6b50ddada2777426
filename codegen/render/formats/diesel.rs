//! Diesel: one folder per migration with `up.sql`, `down.sql` and
//! `metadata.toml`.

use super::{CONTRACT_DIR, CONTRACT_NAME, IRREVERSIBLE_SQL, Migration, UP_NAME};

/// PLAN.md's words for Diesel.
pub const NOTES: &str = "Diesel: copy `migrations/` into the project and run \
`diesel migration run`; `diesel migration revert` runs down. Each folder's `metadata.toml` says \
`run_in_transaction = false`, Diesel's marker for SQL that holds its own transactions. Diesel \
has no irreversible migrations: the contract's `down.sql` fails and changes nothing.";

/// The two migration folders.
pub fn files(m: &Migration) -> Vec<(String, String)> {
    let h = m.sql_header();
    let metadata = format!(
        "# {}\n# The SQL holds its own transactions.\nrun_in_transaction = false\n",
        m.generated()
    );
    let up = format!("migrations/{}_{UP_NAME}", m.version);
    let c = format!(
        "{CONTRACT_DIR}/migrations/{}_{CONTRACT_NAME}",
        m.contract_version()
    );
    vec![
        (format!("{up}/up.sql"), format!("{h}{}", m.up.joined())),
        (format!("{up}/down.sql"), format!("{h}{}", m.down.joined())),
        (format!("{up}/metadata.toml"), metadata.clone()),
        (format!("{c}/up.sql"), format!("{h}{}", m.contract.joined())),
        (format!("{c}/down.sql"), format!("{h}{IRREVERSIBLE_SQL}")),
        (format!("{c}/metadata.toml"), metadata),
    ]
}
