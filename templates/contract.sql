{{ header }}
-- IRREVERSIBLE. Run only once the application works on uuid keys and you
-- no longer need rollback.sql: it removes what forward kept for rollback.
--   * the sequences that fed the old integer keys;
{%- if !rebuild_schemas.is_empty() %}
--   * the tables as they were before forward, which forward kept beside
--     the rebuilt ones (schemas keyshift_before_*);
{%- endif %}
--   * the fingerprints and helper functions in schema keyshift.
{%- if keep_id_map %}
-- The old id → uuid maps stay in schema keyshift, so ids found in logs,
-- URLs and other systems can still be translated.
{%- else %}
-- The old id → uuid maps are dropped too (--drop-id-map).
{%- endif %}

{% include "_assert.sql" %}

BEGIN;
SET LOCAL lock_timeout = '{{ lock_timeout }}';
SET LOCAL search_path = pg_catalog, pg_temp;
SET LOCAL client_min_messages = warning;

SELECT pg_temp.keyshift_assert(to_regclass('keyshift.state') IS NOT NULL, 'contract needs forward.sql of plan {{ plan_hash }} to have run, and not rollback.sql');
SELECT pg_temp.keyshift_assert((SELECT stage = 'forward' AND plan_hash = '{{ plan_hash }}' FROM keyshift.state), 'contract needs forward.sql of plan {{ plan_hash }} to have run, and not rollback.sql');
{%- for s in rebuild_schemas %}
DROP SCHEMA {{ s.before }} CASCADE;
{%- endfor %}
{%- for s in sequences %}{% if !s.is_identity %}
DROP SEQUENCE {{ s.quoted }};
{%- endif %}{% endfor %}
{%- if keep_id_map %}
DROP FUNCTION keyshift.uuid_for(text, bigint);
DROP FUNCTION keyshift.recreate_foreign_keys();
{%- if has_column_defaults %}
DROP FUNCTION keyshift.set_uuid_default(regclass, name, uuid), keyshift.default_uuid(text, bigint, uuid);
{%- endif %}
{%- if has_dependents %}
DROP FUNCTION keyshift.drop_dependents(), keyshift.recreate_dependents(boolean);
DROP TABLE keyshift.dependent;
{%- endif %}
DROP TABLE keyshift.row_digest, keyshift.sequence_state, keyshift.foreign_key;
{%- if has_translations %}
DROP FUNCTION keyshift.index_tail(regclass, text, text[]),
    keyshift.translated_objects(regclass, regclass, boolean), keyshift.swap_translated(regclass, boolean, boolean);
DROP TABLE keyshift.translated;
{%- endif %}
{%- if has_orphans %}
-- keyshift.orphan stays with the maps: it is the only record of the values
-- declared references held where they named no row.
DROP FUNCTION keyshift.orphan_value(text, name, text[]);
{%- endif %}
{%- if !rebuild_schemas.is_empty() %}
DROP FUNCTION keyshift.grants(text, name, aclitem[]), keyshift.qualified(regclass), keyshift.run(regclass, text[]),
    keyshift.check_copyable(regclass), keyshift.create_copy(regclass, name, boolean), keyshift.copy_indexes(regclass, regclass),
    keyshift.copy_foreign_keys(regclass, regclass, boolean), keyshift.swap_tables(text),
    keyshift.dress(regclass, text), keyshift.fill_copy(regclass, regclass, name[], text), keyshift.expressions(regclass),
    keyshift.shape(regclass), keyshift.index_definition_tail(regclass), keyshift.table_clauses(regclass);
DROP TABLE keyshift.swap, keyshift.rebuilt_column;
{%- endif %}
{%- if !rebuild_schemas.is_empty() %}

-- Forward left the maps of rebuilt tables unindexed (online mode's have a
-- primary key already); lookups by old id or uuid need both. (A map that
-- has gone missing is verify_contract's to report.)
CREATE FUNCTION pg_temp.keyshift_index_map(map text) RETURNS void
LANGUAGE plpgsql AS $keyshift$
BEGIN
    IF to_regclass(map) IS NOT NULL AND NOT EXISTS (SELECT 1 FROM pg_index WHERE indrelid = to_regclass(map) AND indisprimary) THEN
        EXECUTE format('ALTER TABLE %s ADD PRIMARY KEY (old_id)', to_regclass(map));
    END IF;
    IF to_regclass(map) IS NOT NULL AND NOT EXISTS (SELECT 1 FROM pg_index WHERE indrelid = to_regclass(map) AND indisunique AND NOT indisprimary) THEN
        EXECUTE format('ALTER TABLE %s ADD UNIQUE (new_id)', to_regclass(map));
    END IF;
END
$keyshift$;
{%- for t in tables %}{% if t.rebuild.is_some() %}{% if let Some(r) = t.root %}{% if r.draws_map %}
SELECT pg_temp.keyshift_index_map({{ r.map_regclass }});
{%- endif %}{% endif %}{% endif %}{% endfor %}
{%- endif %}
UPDATE keyshift.state SET stage = 'contracted';
COMMENT ON SCHEMA keyshift IS 'keyshift: old integer id → uuid maps, kept by contract for plan {{ plan_hash }}';
{%- else %}
DROP SCHEMA keyshift CASCADE;
{%- endif %}

COMMIT;
