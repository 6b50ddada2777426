//! Django: an app of its own, `keyshift_migrations`, whose migrations run
//! the SQL with `RunSQL`.

use super::{CONTRACT_DIR, CONTRACT_NAME, Migration, UP_NAME, embed::python_str};

/// The app's package name, to add to `INSTALLED_APPS`.
pub const APP: &str = "keyshift_migrations";

/// PLAN.md's words for Django.
pub const NOTES: &str = "Django: copy the `keyshift_migrations` package into the project, add \
`\"keyshift_migrations\"` to `INSTALLED_APPS`, and run `python manage.py migrate keyshift_migrations`; \
`python manage.py migrate keyshift_migrations zero` runs down. Each migration is `atomic = False`, \
Django's marker for SQL that holds its own transactions, and runs each stage as one statement of \
`RunSQL`. The contract migration has no `reverse_sql`, so Django refuses to unapply it. \
`generate --after app_label.migration_name` makes the up migration depend on the application's \
latest migration, so that a database migrated from scratch (a test database) gets the tables \
first; without it the app declares no dependency.";

/// One migration module.
fn module(
    m: &Migration,
    depends: Option<(&str, &str)>,
    up: &[String],
    down: Option<&[String]>,
) -> String {
    let list = |stages: &[String]| {
        let items: String = stages
            .iter()
            .map(|s| format!("                {},\n", python_str(s)))
            .collect();
        format!("[\n{items}            ]")
    };
    let dependencies = depends
        // Letters, digits and `_` only (`check_after`): plain literals.
        .map(|(app, name)| format!("(\"{app}\", \"{name}\")"))
        .unwrap_or_default();
    let reverse = match down {
        Some(stages) => format!(",\n            reverse_sql={}", list(stages)),
        None => String::new(),
    };
    format!(
        "# {}\n\
         # The SQL below is the psql bundle's, stage by stage; each stage holds its\n\
         # own transactions, so Django must not open one.\n\
         from django.db import migrations\n\n\n\
         class Migration(migrations.Migration):\n    atomic = False\n    dependencies = [{dependencies}]\n    operations = [\n        \
         migrations.RunSQL(\n            sql={}{reverse},\n        ),\n    ]\n",
        m.generated(),
        list(up),
    )
}

/// The app's package and its two migrations.
pub fn files(m: &Migration) -> Vec<(String, String)> {
    let init = format!("# {}\n", m.generated());
    vec![
        (format!("{APP}/__init__.py"), init.clone()),
        (format!("{APP}/migrations/__init__.py"), init),
        (
            format!("{APP}/migrations/0001_{UP_NAME}.py"),
            module(
                m,
                m.after.as_deref().and_then(|a| a.split_once('.')),
                &m.up.stages,
                Some(&m.down.stages),
            ),
        ),
        (
            format!("{CONTRACT_DIR}/{APP}/migrations/0002_{CONTRACT_NAME}.py"),
            module(
                m,
                Some((APP, &format!("0001_{UP_NAME}"))),
                &m.contract.stages,
                None,
            ),
        ),
    ]
}
