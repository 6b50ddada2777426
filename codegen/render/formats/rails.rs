//! Rails: Active Record migrations under `db/migrate/`.

use super::{CONTRACT_DIR, CONTRACT_NAME, Migration, UP_NAME, embed::ruby_heredoc};

/// PLAN.md's words for Rails.
pub const NOTES: &str = "Rails: copy `db/migrate/` into the application and run `bin/rails db:migrate`; \
`bin/rails db:migrate:down VERSION=…` (or `db:rollback`) runs down. Each migration says \
`disable_ddl_transaction!`, Active Record's marker for SQL that holds its own transactions, \
and sends each stage with `execute`. The contract migration raises \
`ActiveRecord::IrreversibleMigration` on the way down.";

/// The migration class: `up` and `down` each `execute` their stages.
fn class(m: &Migration, name: &str, up: &[String], down: Option<&[String]>) -> String {
    let class_name: String = name
        .split('_')
        .map(|w| {
            let mut c = w.chars();
            c.next()
                .map(|f| f.to_ascii_uppercase().to_string() + c.as_str())
                .unwrap_or_default()
        })
        .collect();
    let executes = |stages: &[String]| {
        stages
            .iter()
            .map(|s| {
                let (tag, body) = ruby_heredoc(s);
                format!("    execute <<{tag}\n{body}{tag}\n")
            })
            .collect::<String>()
    };
    let down = match down {
        Some(stages) => executes(stages),
        None => "    raise ActiveRecord::IrreversibleMigration, \"keyshift's contract cannot be undone\"\n".to_string(),
    };
    format!(
        "# {}\n\
         # The SQL below is the psql bundle's, stage by stage; each stage holds its\n\
         # own transactions, so Active Record must not open one.\n\
         class {class_name} < ActiveRecord::Migration[6.1]\n  disable_ddl_transaction!\n\n  \
         def up\n{}  end\n\n  def down\n{down}  end\nend\n",
        m.generated(),
        executes(up),
    )
}

/// `db/migrate/<version>_keyshift_uuid_keys.rb` and the contract.
pub fn files(m: &Migration) -> Vec<(String, String)> {
    vec![
        (
            format!("db/migrate/{}_{UP_NAME}.rb", m.version),
            class(m, UP_NAME, &m.up.stages, Some(&m.down.stages)),
        ),
        (
            format!(
                "{CONTRACT_DIR}/db/migrate/{}_{CONTRACT_NAME}.rb",
                m.contract_version()
            ),
            class(m, CONTRACT_NAME, &m.contract.stages, None),
        ),
    ]
}
