//! Alembic: two revisions on a branch of their own, `keyshift`.

use super::{CONTRACT_DIR, CONTRACT_NAME, Migration, UP_NAME, embed::python_str};

/// PLAN.md's words for Alembic.
pub const NOTES: &str = "Alembic: copy `versions/` into the script directory and run \
`alembic upgrade keyshift@head` (or `heads`); `alembic downgrade keyshift@base` runs down. The \
revisions are a branch of their own (`branch_labels = (\"keyshift\",)`), so they add a head beside \
the application's. Each stage runs inside `op.get_context().autocommit_block()`, Alembic's marker \
for SQL that holds its own transactions, through the driver with no parameters (`%` and `:name` \
stay as written). `generate --after REVISION` sets `depends_on`, so the branch follows the \
application's latest revision on a database migrated from scratch. The contract revision raises \
on downgrade.";

/// One revision module.
fn module(
    m: &Migration,
    revision: &str,
    down_revision: Option<&str>,
    up: &[String],
    down: Option<&[String]>,
) -> String {
    let tuple = |stages: &[String]| {
        stages
            .iter()
            .map(|s| format!("    {},\n", python_str(s)))
            .collect::<String>()
    };
    let (branch, down_rev, depends_on) = match down_revision {
        Some(d) => ("None".to_string(), format!("\"{d}\""), "None".to_string()),
        None => (
            "(\"keyshift\",)".to_string(),
            "None".to_string(),
            // Letters, digits and `_` only (`check_after`): a plain literal.
            m.after
                .as_deref()
                .map_or("None".to_string(), |a| format!("\"{a}\"")),
        ),
    };
    let downgrade = match down {
        Some(stages) => format!("DOWN = (\n{})\n", tuple(stages)),
        None => "DOWN = None\n".to_string(),
    };
    format!(
        "# {}\n\
         # The SQL below is the psql bundle's, stage by stage; each stage holds its\n\
         # own transactions, so each runs in an autocommit block.\n\
         from alembic import op\n\n\
         revision = \"{revision}\"\n\
         down_revision = {down_rev}\n\
         branch_labels = {branch}\n\
         depends_on = {depends_on}\n\n\
         UP = (\n{})\n{downgrade}\n\n\
         def _run(stages):\n    \
         with op.get_context().autocommit_block():\n        \
         connection = op.get_bind().execution_options(no_parameters=True)\n        \
         for sql in stages:\n            connection.exec_driver_sql(sql)\n\n\n\
         def upgrade():\n    _run(UP)\n\n\n\
         def downgrade():\n    \
         if DOWN is None:\n        raise RuntimeError(\"keyshift's contract cannot be undone\")\n    \
         _run(DOWN)\n",
        m.generated(),
        tuple(up),
    )
}

/// `versions/<version>_keyshift_uuid_keys.py` and the contract.
pub fn files(m: &Migration) -> Vec<(String, String)> {
    let up_rev = format!("{}_{UP_NAME}", m.version);
    let contract_rev = format!("{}_{CONTRACT_NAME}", m.contract_version());
    vec![
        (
            format!("versions/{up_rev}.py"),
            module(m, &up_rev, None, &m.up.stages, Some(&m.down.stages)),
        ),
        (
            format!("{CONTRACT_DIR}/versions/{contract_rev}.py"),
            module(m, &contract_rev, Some(&up_rev), &m.contract.stages, None),
        ),
    ]
}
