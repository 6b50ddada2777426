{{ header }}
-- Puts every converted key back to its integer type, in one transaction.
-- Rows that existed before forward get their old ids back from the maps;
-- rows written since get fresh ids after the highest id ever handed out,
-- and every reference to them follows. Rebuilt tables are rebuilt again,
-- from their current rows, and swapped in; the others are altered back in
-- place. Afterwards pg_dump --schema-only matches the database before
-- forward byte for byte.
-- Locks: a rebuilt table holds SHARE (reads go on, writes wait) until the
-- swap, then ACCESS EXCLUSIVE until COMMIT; a table altered in place holds
-- ACCESS EXCLUSIVE from its ALTER on.

{% include "_assert.sql" %}
{% include "_fit_maps.sql" %}
{% include "_progress.sql" %}

BEGIN;
SET LOCAL lock_timeout = '{{ lock_timeout }}';
SET LOCAL search_path = pg_catalog, pg_temp;
SET LOCAL client_min_messages = warning;
-- Compiling the few large statements below would cost more than it saves.
SET LOCAL jit = off;
SELECT pg_temp.keyshift_progress('rollback started', NULL, NULL);

SELECT pg_temp.keyshift_assert(
    to_regclass('keyshift.state') IS NOT NULL,
    'schema keyshift has no state table: forward.sql has not run, or rollback already ran');
SELECT pg_temp.keyshift_assert(
    (SELECT stage = 'forward' AND plan_hash = '{{ plan_hash }}' FROM keyshift.state),
    (SELECT format('keyshift.state says stage %s of plan %s; this rollback belongs to plan {{ plan_hash }} after forward', stage, plan_hash) FROM keyshift.state));
{%- if !rebuild_schemas.is_empty() %}

-- SHARE keeps every write out of the tables that are rebuilt while their
-- copies are made, and lets reads go on.
LOCK TABLE {{ rebuilt_list }} IN SHARE MODE;
{%- endif %}
{%- if !in_place_list.is_empty() %}

-- Tables altered in place are locked whole from the start, so no row can
-- be written between reading their ids and rewriting them.
LOCK TABLE {{ in_place_list }} IN ACCESS EXCLUSIVE MODE;
{%- endif %}

-- keyshift's own tables (the maps, and the originals forward kept) are
-- dropped at the end, under the locks the swap takes on the converted
-- tables. Locked now, while those tables still serve reads, so that the
-- drop never waits there: for autovacuum, say, which vacuums tables as
-- big as these soon after they are written and yields a lock only after
-- deadlock_timeout.
CREATE FUNCTION pg_temp.keyshift_lock_for_drop(schemas text[]) RETURNS void
LANGUAGE plpgsql AS $keyshift$
DECLARE
    r regclass;
BEGIN
    FOR r IN SELECT c.oid FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
             WHERE n.nspname = ANY (schemas) AND c.relkind IN ('r', 'p', 'm') ORDER BY c.oid LOOP
        EXECUTE format('LOCK TABLE %s IN ACCESS EXCLUSIVE MODE', r);
    END LOOP;
END
$keyshift$;
SELECT pg_temp.keyshift_lock_for_drop(ARRAY['keyshift'{% for s in rebuild_schemas %}, {{ s.before_literal }}{% endfor %}]);
{%- if online %}

-- After an online cutover, validate.sql may not have run yet: the copies
-- below are built from the foreign keys as they stand, which must be the
-- valid ones forward recorded.
SELECT keyshift.validate_foreign_keys();
{%- endif %}

-- Fresh integer ids for rows written after forward, in uuid order, above
-- every id the key's sequence (shared or not) or the map has handed out.
{%- if online %}
-- Finding them compares every key with its map; CREATE TABLE … AS lets
-- parallel workers do that, where an INSERT would run it in one process.
{%- else %}
-- Every row forward.sql wrote carries its transaction id as xmin (freezing
-- keeps it), so only the rows written since, far fewer as a rule, are
-- looked up in the map: a scan by parallel workers instead of hashing a
-- map as big as the table. Where forward's id cannot be told apart from
-- later ones (2^31 transactions on, or none recorded), every row is.
SELECT set_config('keyshift.forward_xmin', coalesce((SELECT (forward_xid % 4294967296)::text FROM keyshift.state
    WHERE txid_current() - forward_xid BETWEEN 1 AND 2147483647), ''), true) IS NOT NULL AS forward_xmin_known;
-- The rows written since, per table, with their integer ids: those forward
-- wrote (updated since) keep theirs, fresh ones get new ones. The integer
-- copies below take every other row from the originals forward kept.
CREATE TABLE keyshift.written (table_name text NOT NULL, old_id bigint NOT NULL, new_id uuid NOT NULL, fresh boolean NOT NULL);
{%- endif %}
CREATE TABLE keyshift.fresh_ids (table_name text PRIMARY KEY, sequence_name text, max_id bigint);
{%- for t in tables %}{% if let Some(r) = t.root %}
{%- if online %}
{%- if t.rebuild.is_some() %}
SELECT pg_temp.keyshift_fit_maps(ARRAY[{{ r.map_regclass }}]::regclass[]) IS NOT NULL AS work_mem_set;
{%- endif %}
SET LOCAL parallel_setup_cost = 0;
SET LOCAL parallel_tuple_cost = 0;
CREATE TEMPORARY TABLE keyshift_fresh ON COMMIT DROP AS
SELECT t.{{ r.column }} AS new_id FROM {{ r.scan }} t
WHERE NOT EXISTS (SELECT 1 FROM {{ r.map }} m WHERE m.new_id = t.{{ r.column }});
SET LOCAL parallel_setup_cost TO DEFAULT;
SET LOCAL parallel_tuple_cost TO DEFAULT;
{%- else %}
SET LOCAL parallel_setup_cost = 0;
SET LOCAL parallel_tuple_cost = 0;
CREATE TEMPORARY TABLE keyshift_written ON COMMIT DROP AS
SELECT t.{{ r.column }} AS new_id FROM {{ r.scan }} t
WHERE (t.xmin = (SELECT nullif(current_setting('keyshift.forward_xmin'), '')::xid)) IS NOT TRUE;
SET LOCAL parallel_setup_cost TO DEFAULT;
SET LOCAL parallel_tuple_cost TO DEFAULT;
ANALYZE pg_temp.keyshift_written;
-- The map is read only where rows were written, and hashes them, not itself.
INSERT INTO keyshift.written
SELECT {{ t.literal }}, m.old_id, m.new_id, false FROM {{ r.map }} m WHERE m.new_id IN (SELECT new_id FROM pg_temp.keyshift_written);
CREATE TEMPORARY TABLE keyshift_fresh ON COMMIT DROP AS
SELECT new_id FROM pg_temp.keyshift_written
EXCEPT
SELECT new_id FROM keyshift.written WHERE table_name = {{ t.literal }};
DROP TABLE pg_temp.keyshift_written;
{%- endif %}
WITH fresh AS (
    INSERT INTO {{ r.map }} (old_id, new_id)
    SELECT b.base + {{ r.increment }} * row_number() OVER (ORDER BY f.new_id), f.new_id
    FROM pg_temp.keyshift_fresh f,
         (SELECT greatest(
             (SELECT max(old_id) FROM {{ r.map }}),
             {%- if let Some(s) = r.sequence %}
             (SELECT CASE WHEN is_called THEN last_value ELSE last_value - {{ r.increment }} END FROM keyshift.sequence_state WHERE sequence_name = {{ s.regclass }}),
             (SELECT max(max_id) FROM keyshift.fresh_ids WHERE sequence_name = {{ s.regclass }}),
             {%- endif %}
             0) AS base) b
    RETURNING old_id{% if !online %}, new_id{% endif %}
){% if !online %}, recorded AS (
    INSERT INTO keyshift.written SELECT {{ t.literal }}, old_id, new_id, true FROM fresh
){% endif %}
INSERT INTO keyshift.fresh_ids SELECT {{ t.literal }}, {% if let Some(s) = r.sequence %}{{ s.regclass }}{% else %}NULL{% endif %}, max(old_id) FROM fresh;
DROP TABLE pg_temp.keyshift_fresh;
{%- if r.draws_map %}
CREATE FUNCTION {{ r.old_id_fn }}(u uuid) RETURNS {{ r.int_type }}
LANGUAGE sql STABLE PARALLEL SAFE AS {{ r.old_id_body }};
{%- endif %}
{%- endif %}{% endfor %}
{%- if !online %}
ANALYZE keyshift.written;
{%- endif %}
{%- if !surrogates.is_empty() %}

-- Surrogate keys: the application may have written only the new uuid
-- column of a repointed key; the old columns follow it again.
{%- for s in surrogates %}{% for r in s.repoints %}
{{ r.restore }};
{%- endfor %}{% endfor %}
{%- endif %}

-- A referencing value with no map entry would silently become NULL. (In a
-- rebuilt table every such column is a foreign key, so every value it
-- holds is a parent's key, which the map has by now.)
{%- for t in tables %}{% if t.rebuild.is_none() %}{% for c in t.columns %}{% if !c.is_root %}
SELECT pg_temp.keyshift_assert(n = 0, format('%s rows of %s have a %s value that no row of %s holds', n, {{ t.literal }}, {{ c.display_literal }}, {{ c.root_literal }}))
FROM ({{ c.unmapped }}) AS o (n);
{%- endif %}{% endfor %}{% endif %}{% endfor %}
{%- if !rebuild_schemas.is_empty() %}

-- The integer copies: rows written once with their old ids, then the
-- indexes and constraints, and statistics, then the foreign keys.
{%- if !online %}

-- Where a copy whose key has a map of its own takes its rows from. Every
-- row forward wrote that nobody wrote since (its xmin is forward's
-- transaction) is the row forward copied from the original, translated;
-- when those and the rows keyshift.written holds account for every row of
-- the original (none was deleted since), the first come back from the
-- original as they were, with no map to join, and only the written ones go
-- through the maps. Otherwise every row does. forward.sql's trigger
-- keeps the originals from being written. Says which way, for psql.
CREATE FUNCTION pg_temp.keyshift_rows_source(tbl regclass, kept regclass, label text, from_kept text, translated text) RETURNS text
LANGUAGE plpgsql AS $keyshift$
DECLARE
    forward_xmin xid := nullif(current_setting('keyshift.forward_xmin'), '')::xid;
    kept_rows bigint;
    unchanged bigint;
    rewritten bigint;
    written bigint;
BEGIN
    SELECT count(*) FILTER (WHERE NOT fresh), count(*) INTO rewritten, written FROM keyshift.written WHERE table_name = label;
    IF forward_xmin IS NULL THEN
        RAISE INFO 'keyshift: %: every row goes through the maps (forward''s transaction cannot be told from later ones)', label;
        RETURN translated;
    END IF;
    EXECUTE format('SELECT count(*) FROM ONLY %s', kept) INTO kept_rows;
    EXECUTE format('SELECT count(*) FROM ONLY %s t WHERE t.xmin = $1', tbl) INTO unchanged USING forward_xmin;
    IF kept_rows = unchanged + rewritten THEN
        RAISE INFO 'keyshift: %: % rows as forward wrote them come back from the original, % written since go through the maps', label, unchanged, written;
        RETURN from_kept;
    END IF;
    RAISE INFO 'keyshift: %: every row goes through the maps (% rows of the original were deleted since forward)', label, kept_rows - unchanged - rewritten;
    RETURN translated;
END
$keyshift$;
{%- endif %}
{%- for s in rebuild_schemas %}
CREATE SCHEMA {{ s.build }};
CREATE SCHEMA {{ s.replaced }};
{%- endfor %}
{%- for t in tables %}{% if let Some(b) = t.rebuild %}

{{ t.display|comment }}
SELECT keyshift.create_copy({{ t.regclass }}, {{ b.build_schema_literal }}, false) IS NOT NULL AS created;
SELECT pg_temp.keyshift_fit_maps({{ b.maps }}) IS NOT NULL AS work_mem_set;
{% if online %}{{ b.fill_rollback }}{% else if let Some(k) = b.fill_rollback_kept %}{{ k }}{% else %}{{ b.fill_rollback }}{% endif %};
SELECT pg_temp.keyshift_progress('copied', {{ t.literal }}, {{ t.regclass }});
SELECT keyshift.copy_indexes(to_regclass({{ t.regclass }}), to_regclass({{ b.copy_regclass }}));
ANALYZE {{ b.copy }};
SELECT pg_temp.keyshift_progress('indexed the copy of', {{ t.literal }}, {{ t.regclass }});
{%- endif %}{% endfor %}
{% for t in tables %}{% if let Some(b) = t.rebuild %}
SELECT keyshift.copy_foreign_keys(to_regclass({{ t.regclass }}), to_regclass({{ b.copy_regclass }}), true);
{%- endif %}{% endfor %}
SELECT pg_temp.keyshift_progress('validated the foreign keys of the copies', NULL, NULL);
{%- endif %}

{%- if has_dependents %}

-- The views and policies forward recreated are dropped again, and
-- recreated below from the definitions forward recorded.
SELECT keyshift.drop_dependents();
{%- endif %}
{%- for f in foreign_keys %}{% if !f.rebuilt %}
ALTER TABLE {{ f.table }} DROP CONSTRAINT {{ f.name }};
{%- endif %}{% endfor %}
{%- if !surrogates.is_empty() %}

-- Surrogate keys: drop what forward added and put the old key back.
{%- for s in surrogates %}
{%- for r in s.repoints %}
ALTER TABLE {{ r.table }} DROP COLUMN {{ r.column }};
{%- endfor %}
ALTER TABLE {{ s.quoted }}
    DROP CONSTRAINT {{ s.primary_key }},
    DROP CONSTRAINT {{ s.unique }},
    DROP COLUMN {{ s.column }},
    ADD CONSTRAINT {{ s.primary_key }} PRIMARY KEY ({{ s.key_columns }});
{%- endfor %}
{%- endif %}
{%- for t in tables_reversed %}{% if t.rebuild.is_none() %}

{{ t.heading()|comment }}
{%- if !t.translations.is_empty() %}
SELECT keyshift.swap_translated(to_regclass({{ t.regclass }}), false, true);
{%- endif %}
{%- if !t.altered().is_empty() %}
ALTER TABLE {{ t.quoted }}
{%- for c in t.altered() %}
    {% if c.is_root || c.default.is_some() %}ALTER COLUMN {{ c.quoted }} DROP DEFAULT,
    {% endif %}ALTER COLUMN {{ c.quoted }} TYPE {{ c.int_type_sql }} USING {{ c.rollback_using }}
    {%- if let Some(d) = c.default %},
    ALTER COLUMN {{ c.quoted }} SET DEFAULT {{ d }}
    {%- endif %}
    {%- if c.is_root %}{% if let Some(r) = t.root %}{% if let Some(d) = r.restore_default %},
    ALTER COLUMN {{ c.quoted }} SET DEFAULT {{ d }}
    {%- endif %}{% endif %}{% endif %}{% if !loop.last %},{% else %};{% endif %}
{%- endfor %}
SELECT pg_temp.keyshift_progress('rewrote', {{ t.literal }}, {{ t.regclass }});
{%- endif %}
{%- if !t.translations.is_empty() %}
SELECT keyshift.swap_translated(to_regclass({{ t.regclass }}), false, false);
{%- endif %}
{%- if let Some(r) = t.root %}{% if let Some(s) = r.sequence %}{% if let Some(kind) = r.identity %}
ALTER TABLE {{ t.quoted }} ALTER COLUMN {{ r.column }} ADD GENERATED {{ kind }} AS IDENTITY ({{ s.identity_options }});
{%- endif %}{% endif %}{% endif %}
{%- endif %}{% endfor %}
{%- if !rebuild_schemas.is_empty() %}

-- The swap: catalog changes only. The uuid tables move aside and are
-- dropped with keyshift's schemas at the end.
SELECT keyshift.swap_tables('replaced');
{%- for s in rebuild_schemas %}
DROP SCHEMA {{ s.build }};
{%- endfor %}
SELECT pg_temp.keyshift_progress('swapped the copies in', NULL, NULL);
{%- for t in tables %}{% if t.rebuild.is_some() %}{% if let Some(r) = t.root %}{% if let Some(s) = r.sequence %}{% if let Some(kind) = r.identity %}
ALTER TABLE {{ t.quoted }} ALTER COLUMN {{ r.column }} ADD GENERATED {{ kind }} AS IDENTITY ({{ s.identity_options }});
{%- endif %}{% endif %}{% endif %}{% endif %}{% endfor %}
{%- endif %}
{%- if key_defaults > 0 %}

-- Key defaults other than a sequence's come back from forward's record of
-- them, as the server printed them, so each calls the same function as
-- before whatever this file's search_path; each must print the same again.
CREATE FUNCTION keyshift.restore_column_defaults() RETURNS void
LANGUAGE plpgsql AS $keyshift$
DECLARE
    d record;
BEGIN
    FOR d IN SELECT * FROM keyshift.column_default ORDER BY table_name, column_name LOOP
        EXECUTE format('ALTER TABLE %s ALTER COLUMN %I SET DEFAULT %s', d.table_name, d.column_name, d.expression);
    END LOOP;
END
$keyshift$;
SELECT keyshift.restore_column_defaults();
SELECT pg_temp.keyshift_assert(pg_get_expr(ad.adbin, ad.adrelid) IS NOT DISTINCT FROM k.expression,
       format('the default of %s.%s came back as %s instead of %s', k.table_name, quote_ident(k.column_name), coalesce(pg_get_expr(ad.adbin, ad.adrelid), 'nothing'), k.expression))
FROM keyshift.column_default k
LEFT JOIN pg_attribute a ON a.attrelid = to_regclass(k.table_name) AND a.attname = k.column_name
LEFT JOIN pg_attrdef ad ON ad.adrelid = a.attrelid AND ad.adnum = a.attnum;
{%- endif %}
{%- if own_defaults > 0 %}

-- Inheritance children got their family's key default back above, with
-- every other member; those that had one of their own (or none) get it
-- back now, on themselves only.
CREATE FUNCTION keyshift.restore_own_defaults() RETURNS void
LANGUAGE plpgsql AS $keyshift$
DECLARE
    d record;
BEGIN
    FOR d IN SELECT * FROM keyshift.own_default ORDER BY table_name, column_name LOOP
        IF d.expression IS NULL THEN
            EXECUTE format('ALTER TABLE ONLY %s ALTER COLUMN %I DROP DEFAULT', d.table_name, d.column_name);
        ELSE
            EXECUTE format('ALTER TABLE ONLY %s ALTER COLUMN %I SET DEFAULT %s', d.table_name, d.column_name, d.expression);
        END IF;
    END LOOP;
END
$keyshift$;
SELECT keyshift.restore_own_defaults();
SELECT pg_temp.keyshift_assert(pg_get_expr(ad.adbin, ad.adrelid) IS NOT DISTINCT FROM k.expression,
       format('the default of %s.%s came back as %s instead of %s', k.table_name, quote_ident(k.column_name), coalesce(pg_get_expr(ad.adbin, ad.adrelid), 'nothing'), coalesce(k.expression, 'nothing')))
FROM keyshift.own_default k
LEFT JOIN pg_attribute a ON a.attrelid = to_regclass(k.table_name) AND a.attname = k.column_name
LEFT JOIN pg_attrdef ad ON ad.adrelid = a.attrelid AND ad.adnum = a.attnum;
{%- endif %}
{%- if !sequences.is_empty() %}

-- Sequences continue after the highest id handed out, or exactly where
-- they were when nothing was written after forward. setval alone is never
-- undone; after ALTER SEQUENCE … RESTART, which gives the sequence new
-- storage in this transaction, it is, so a rollback.sql killed before its
-- COMMIT leaves every sequence where it stood.
CREATE FUNCTION pg_temp.keyshift_new_storage(seq regclass) RETURNS regclass
LANGUAGE plpgsql AS $keyshift$
BEGIN
    EXECUTE format('ALTER SEQUENCE %s RESTART', seq);
    RETURN seq;
END
$keyshift$;
{%- for s in sequences %}
SELECT setval(pg_temp.keyshift_new_storage({{ s.regclass }}), coalesce(f.max_id, s.last_value), f.max_id IS NOT NULL OR s.is_called) IS NOT NULL AS sequence_restored
FROM keyshift.sequence_state s, (SELECT max(max_id) FROM keyshift.fresh_ids WHERE sequence_name = {{ s.regclass }}) AS f (max_id)
WHERE s.sequence_name = {{ s.regclass }};
{%- endfor %}
{%- endif %}



-- Recreate the foreign keys as forward found them, in their original order.
SELECT keyshift.recreate_foreign_keys();
{%- if in_place_foreign_keys > 0 %}
SELECT pg_temp.keyshift_progress('recreated and validated {{ in_place_foreign_keys }} foreign keys of tables altered in place', NULL, NULL);
{%- endif %}

SELECT pg_temp.keyshift_assert(pg_get_constraintdef(c.oid) = k.definition,
       format('foreign key %s on %s came back as %s instead of %s', k.name, k.table_name, pg_get_constraintdef(c.oid), k.definition))
FROM keyshift.foreign_key k
LEFT JOIN pg_constraint c ON c.conrelid = to_regclass(k.table_name) AND c.conname = k.name;
{%- if has_dependents %}

-- Views and materialized views (refreshed) and policies, as they were.
SELECT keyshift.recreate_dependents(false);
{%- endif %}

DROP SCHEMA keyshift{% for s in rebuild_schemas %}, {{ s.before }}, {{ s.replaced }}{% endfor %} CASCADE;
{%- if uuid.v7 %}
-- New rows' version 7 default before PostgreSQL 18 (none from 18 on).
{%- for s in uuid.schemas %}
DROP FUNCTION IF EXISTS {{ s.function }};
{%- endfor %}
{%- endif %}

COMMIT;
