//! View models of online mode's change capture (see `templates/_online.sql`).
//!
//! Each rebuilt table gets a change log keyed by its primary key, filled
//! by a trigger on the original from expand until cutover, and the
//! statements that copy rows and replay changes into its copy. The
//! statements are stored in `keyshift.online_table` as literals, so the
//! procedures that run them in batches need no knowledge of any table.

use super::view::{TableView, keyshift};
use crate::catalog::{QualifiedName, dollar_quote, quote_ident, quote_literal};
use crate::plan::{Plan, TablePlan};

/// One rebuilt table in online mode.
pub struct OnlineTableView {
    /// Statements expand runs for this table: its log, the log's claim
    /// table, the capture function and its row in `keyshift.online_table`.
    pub setup: Vec<String>,
    /// The capture trigger and the TRUNCATE guard on the original.
    pub triggers: Vec<String>,
    /// Their drops, for cutover and abort.
    pub drop_triggers: Vec<String>,
}

/// The online views, in the order of `tables` (rebuilt tables only; a plan
/// with tables altered in place is refused by online mode's blockers).
pub fn tables(plan: &Plan, views: &[TableView]) -> Vec<OnlineTableView> {
    plan.tables
        .iter()
        .zip(views)
        .filter(|(_, v)| v.rebuild.is_some())
        .enumerate()
        .map(|(i, (t, v))| table(plan, t, v, i + 1))
        .collect()
}

fn table(plan: &Plan, t: &TablePlan, v: &TableView, position: usize) -> OnlineTableView {
    let log = keyshift(&format!("log_{position}"));
    let claim = keyshift(&format!("claim_{position}"));
    let capture = keyshift(&format!("capture_{position}"));
    let b = v.rebuild.as_ref().expect("online tables are rebuilt");
    let copy = QualifiedName::new(
        format!(
            "keyshift_build_{}",
            super::rebuild::schema_numbers(plan)[t.table.schema.as_str()]
        ),
        &t.table.name,
    );
    let key: Vec<String> = t.capture_key.iter().map(|c| quote_ident(c)).collect();
    let list = |prefix: &str| {
        key.iter()
            .map(|k| format!("{prefix}{k}"))
            .collect::<Vec<_>>()
            .join(", ")
    };
    let converted = |name: &str| t.columns.iter().find(|c| c.name == name);

    // Rows of the copy whose key is claimed: converted key columns are
    // found through their root's map.
    let mut delete_joins = String::new();
    let mut delete_on = Vec::new();
    for (i, (name, quoted)) in t.capture_key.iter().zip(&key).enumerate() {
        match converted(name) {
            Some(c) => {
                let map = keyshift(plan.map_table_of(&c.root));
                delete_joins.push_str(&format!(" JOIN {map} m{i} ON m{i}.old_id = k.{quoted}"));
                delete_on.push(format!("c.{quoted} = m{i}.new_id"));
            }
            None => delete_on.push(format!("c.{quoted} = k.{quoted}")),
        }
    }
    let claimed = format!(
        "\nJOIN {claim} k ON {}",
        key.iter()
            .map(|k| format!("t.{k} = k.{k}"))
            .collect::<Vec<_>>()
            .join(" AND ")
    );
    let root = t.root.as_ref();
    // A plain insert that skips the keys the capture trigger has mapped:
    // ON CONFLICT's speculative insertion cost a third of the map's time.
    // A key the trigger maps after this batch's snapshot was taken fails
    // the batch, which the procedure then runs again. The range on the map
    // too: unbounded, the planner hashes the whole map for each batch.
    let fill_map = root.map(|r| {
        let column = quote_ident(&r.column);
        let map = keyshift(&r.map_table);
        format!(
            "INSERT INTO {map} (old_id, new_id) SELECT t.{column}, gen_random_uuid() FROM ONLY {} t WHERE t.{column} BETWEEN $1 AND $2 AND NOT EXISTS (SELECT FROM {map} m WHERE m.old_id = t.{column} AND m.old_id BETWEEN $1 AND $2)",
            t.table.quoted()
        )
    });
    let fill_copy = format!(
        "{}\nWHERE t.ctid >= $1 AND t.ctid < $2",
        super::rebuild::fill_with(plan, t, &copy, ("old_id", "new_id"), "", true)
    );
    // The least and greatest value of each mapped column in the blocks
    // [$1, $2), for fill_copy's $3. The subquery keeps the planner from
    // finding each min and max through an index of the whole table, which
    // reads that index up to the batch's rows.
    let mapped: Vec<String> = super::rebuild::mapped_columns(t)
        .enumerate()
        .map(|(i, c)| format!("t.{}::bigint AS c{}", quote_ident(c), i + 1))
        .collect();
    let bounds = format!(
        "SELECT ARRAY[{}]::bigint[] FROM (SELECT {} FROM ONLY {} t WHERE t.ctid >= $1 AND t.ctid < $2 OFFSET 0) s",
        (1..=mapped.len())
            .map(|i| format!("min(s.c{i}), max(s.c{i})"))
            .collect::<Vec<_>>()
            .join(", "),
        mapped.join(", "),
        t.table.quoted()
    );
    let statements = [
        format!(
            "WITH d AS (DELETE FROM {log} RETURNING {keys}) INSERT INTO {claim} SELECT DISTINCT {keys} FROM d",
            keys = list("")
        ),
        format!(
            "DELETE FROM ONLY {} c USING {claim} k{delete_joins} WHERE {}",
            copy.quoted(),
            delete_on.join(" AND ")
        ),
        super::rebuild::fill(plan, t, &copy, ("old_id", "new_id"), &claimed),
        format!("TRUNCATE {claim}"),
    ];
    let old_key = list("OLD.");
    let new_key = list("NEW.");
    let map_new_row = root
        .map(|r| {
            let column = quote_ident(&r.column);
            format!(
                "\n        IF TG_OP = 'INSERT' OR OLD.{column} IS DISTINCT FROM NEW.{column} THEN\n            INSERT INTO {} (old_id, new_id) VALUES (NEW.{column}, gen_random_uuid()) ON CONFLICT (old_id) DO NOTHING;\n        END IF;",
                keyshift(&r.map_table)
            )
        })
        .unwrap_or_default();
    let body = format!(
        "\nBEGIN\n    IF TG_OP = 'DELETE' OR (TG_OP = 'UPDATE' AND ({old_key}) IS DISTINCT FROM ({new_key})) THEN\n        INSERT INTO {log} VALUES ({old_key});\n    END IF;\n    IF TG_OP <> 'DELETE' THEN\n        INSERT INTO {log} VALUES ({new_key});{map_new_row}\n    END IF;\n    RETURN NULL;\nEND\n"
    );
    let sql_array = |items: &[String]| {
        format!(
            "ARRAY[{}]",
            items
                .iter()
                .map(|s| quote_literal(s))
                .collect::<Vec<_>>()
                .join(", ")
        )
    };
    OnlineTableView {
        setup: vec![
            // Every write to the table inserts here, and the rounds delete:
            // a vacuum that truncated the emptied end would hold ACCESS
            // EXCLUSIVE on a table the application's writes must reach.
            format!(
                "CREATE TABLE {log} WITH (vacuum_truncate = false) AS SELECT {} FROM ONLY {} t LIMIT 0",
                list("t."),
                t.table.quoted()
            ),
            // Emptied by TRUNCATE and analyzed by each round itself: an
            // autovacuum there would only make the round's ANALYZE and
            // TRUNCATE wait for it, under cutover's locks for a second
            // (deadlock_timeout, after which autovacuum gives way).
            format!("CREATE TABLE {claim} (LIKE {log}) WITH (autovacuum_enabled = false)"),
            // SECURITY DEFINER: the application's role writes the log and
            // the maps through it without any grant on schema keyshift.
            format!(
                "CREATE FUNCTION {capture}() RETURNS trigger\nLANGUAGE plpgsql SECURITY DEFINER SET search_path = pg_catalog, pg_temp AS {}",
                dollar_quote(&body)
            ),
            format!(
                "INSERT INTO keyshift.online_table (position, live, copy, key_column, map, fill_map, fill_copy, bounds, catch_up) VALUES ({position}, {}, {}, {}, {}, {}, {}, {}, {})",
                v.regclass,
                b.copy_regclass,
                root.map_or("NULL".to_string(), |r| quote_literal(&r.column)),
                root.map_or("NULL".to_string(), |r| quote_literal(&keyshift(
                    &r.map_table
                ))),
                fill_map
                    .as_deref()
                    .map_or("NULL".to_string(), quote_literal),
                quote_literal(&fill_copy),
                quote_literal(&bounds),
                sql_array(&statements),
            ),
        ],
        triggers: vec![
            format!(
                "CREATE TRIGGER keyshift_capture AFTER INSERT OR UPDATE OR DELETE ON {} FOR EACH ROW EXECUTE FUNCTION {capture}()",
                t.table.quoted()
            ),
            format!(
                "CREATE TRIGGER keyshift_no_truncate BEFORE TRUNCATE ON {} FOR EACH STATEMENT EXECUTE FUNCTION keyshift.refuse_truncate()",
                t.table.quoted()
            ),
            // ALWAYS: a logical replication subscriber applies its changes
            // with session_replication_role = replica, where ordinary
            // triggers stay silent; those rows must be logged too.
            format!(
                "ALTER TABLE {} ENABLE ALWAYS TRIGGER keyshift_capture, ENABLE ALWAYS TRIGGER keyshift_no_truncate",
                t.table.quoted()
            ),
        ],
        drop_triggers: vec![
            format!("DROP TRIGGER keyshift_capture ON {}", t.table.quoted()),
            format!("DROP TRIGGER keyshift_no_truncate ON {}", t.table.quoted()),
        ],
    }
}
