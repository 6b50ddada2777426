{{ header }}
-- Online mode, after cutover: validates the foreign keys cutover created
-- NOT VALID (they already hold for every row written since). Validation
-- reads each table once and takes SHARE UPDATE EXCLUSIVE on it, so the
-- application goes on reading and writing. Then each key must print
-- exactly as before the migration.
-- To go back: rollback.sql.

{% include "_assert.sql" %}

{% include "_one_process.sql" %}

BEGIN;
SET LOCAL lock_timeout = '{{ lock_timeout }}';
SET LOCAL search_path = pg_catalog, pg_temp;
SELECT pg_temp.keyshift_assert(to_regclass('keyshift.online_table') IS NOT NULL, 'expand.sql of plan {{ plan_hash }} has not run on this database');
SELECT pg_temp.keyshift_assert((SELECT stage = 'forward' AND plan_hash = '{{ plan_hash }}' FROM keyshift.state),
       (SELECT format('keyshift.state says stage %s of plan %s; validate.sql of plan {{ plan_hash }} runs after cutover.sql', stage, plan_hash) FROM keyshift.state));
SELECT keyshift.validate_foreign_keys();
SELECT pg_temp.keyshift_assert(c.convalidated IS TRUE, format('foreign key %s on %s is missing or not valid', v.name, v.table_name))
FROM keyshift.to_validate v
LEFT JOIN pg_constraint c ON c.conrelid = to_regclass(v.table_name) AND c.conname = v.name;
SELECT pg_temp.keyshift_assert(pg_get_constraintdef(c.oid) = k.definition,
       format('foreign key %s on %s is %s instead of %s', k.name, k.table_name, coalesce(pg_get_constraintdef(c.oid), 'missing'), k.definition))
FROM keyshift.foreign_key k
LEFT JOIN pg_constraint c ON c.conrelid = to_regclass(k.table_name) AND c.conname = k.name;

COMMIT;
SELECT 'validate: ok; next: verify_forward.sql' AS keyshift;
