{{ header }}
-- Moves every planned key to uuid in one transaction: either all of it
-- happens or none of it does. Tables PLAN.md lists as rebuilt get a copy
-- with the new values, built beside them and swapped in at the end; the
-- others are altered in place, each rewritten once, except those PLAN.md
-- names (inheritance children with converted columns of their own, tables
-- that get a surrogate key), which are rewritten twice.
-- Locks: a rebuilt table holds SHARE (reads go on, writes wait) until the
-- swap, then ACCESS EXCLUSIVE for the swap's catalog changes until COMMIT;
-- a table altered in place holds ACCESS EXCLUSIVE from its ALTER on.

{% include "_assert.sql" %}
{% include "_fit_maps.sql" %}
{% include "_progress.sql" %}
{%- if !polymorphic.is_empty() %}

-- A polymorphic row whose type keyshift.toml does not map stops forward.
CREATE FUNCTION pg_temp.keyshift_unmapped_type(message text) RETURNS uuid
LANGUAGE plpgsql AS $keyshift$
BEGIN
    RAISE EXCEPTION 'keyshift: %', message;
END
$keyshift$;
{%- endif %}

BEGIN;
SET LOCAL lock_timeout = '{{ lock_timeout }}';
SET LOCAL search_path = pg_catalog, pg_temp;

-- Forward runs once: the schema keyshift it creates outlives it.
SELECT pg_temp.keyshift_assert(to_regnamespace('keyshift') IS NULL,
    'forward.sql already ran on this database (schema keyshift exists; rollback.sql undoes forward); this run changed nothing');
-- Compiling the few large statements below would cost more than it saves.
SET LOCAL jit = off;
SELECT pg_temp.keyshift_progress('forward started', NULL, NULL);
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

{% let stage = "forward" -%}
{% include "_forward_state.sql" %}

-- One map per table whose own key gets new UUIDs: old id → new uuid. The
-- map of a key that partitions or child tables share covers their rows too,
-- and the map of an id space's first table the keys of the whole space.
-- A rebuilt table's key gets random UUIDs, drawn once here: its copy and
-- the copies of its children join this map. A key altered in place gets
-- uuid_for's, which the ALTER computes again without a join (version 4).
-- Drawing a uuid costs far more than reading a row, which the planner
-- cannot know; at zero parallel costs, workers draw the uuids of a big
-- table's map while this session writes them (1.5x faster at 5M rows on
-- two cores). Tables below min_parallel_table_scan_size stay serial.
{%- if uuid.v7 %}
-- A version 7 key without a time column numbers its ids in order first,
-- into the scratch table keyshift.v7_order: over a window function's rows
-- this session would draw every uuid alone.
{%- endif %}
SET LOCAL parallel_setup_cost = 0;
SET LOCAL parallel_tuple_cost = 0;
{%- for t in tables %}{% if let Some(r) = t.root %}{% if r.draws_map %}
{%- if let Some(order) = r.v7_order %}
CREATE UNLOGGED TABLE keyshift.v7_order AS {{ order }};
{%- endif %}
CREATE TABLE {{ r.map }} AS {{ r.forward_fill }};
{%- if r.v7_order.is_some() %}
DROP TABLE keyshift.v7_order;
{%- endif %}
{%- if t.rebuild.is_some() && !r.shared_map %}
-- No index: the copies join it whole, and the copies' keys prove both
-- columns unique. contract.sql indexes the maps it keeps; ANALYZE lets the
-- planner see that the map, not the table, is the side to hash. (A map
-- an id space shares is indexed at once instead: each member probes it.)
ALTER TABLE {{ r.map }} ALTER COLUMN old_id SET NOT NULL, ALTER COLUMN new_id SET NOT NULL;
ANALYZE {{ r.map }};
{%- else %}
ALTER TABLE {{ r.map }} ADD PRIMARY KEY (old_id), ADD UNIQUE (new_id), ALTER COLUMN new_id SET NOT NULL;
{%- if t.rebuild.is_some() %}
ANALYZE {{ r.map }};
{%- endif %}
{%- endif %}
COMMENT ON TABLE {{ r.map }} IS {{ r.comment }};
SELECT pg_temp.keyshift_progress('built the id map of', {{ t.literal }}, {{ r.map_regclass }});
{%- endif %}{% endif %}{% endfor %}
SET LOCAL parallel_setup_cost TO DEFAULT;
SET LOCAL parallel_tuple_cost TO DEFAULT;
{%- include "_forward_records.sql" %}
{%- if !declared.is_empty() || !polymorphic.is_empty() %}

-- References keyshift.toml declares have no constraint: a row written
-- since preflight could point at no row, or have a type the file does not
-- map (a rebuilt copy would hold NULL there). Every table is locked by
-- now and nothing has converted yet, so this is exact and names the
-- reference; any such row undoes the whole file.
{%- for d in declared %}{% if !d.kept %}
SELECT pg_temp.keyshift_assert(n = 0, n || {{ d.message }}) FROM ({{ d.orphans }}) AS o (n);
{%- endif %}{% endfor %}
{%- for p in polymorphic %}
SELECT pg_temp.keyshift_assert(false, format({{ p.unknown_format }}, n, v)) FROM ({{ p.unknown_types }}) AS o (n, v);
{%- for (orphans, message) in p.orphans %}
SELECT pg_temp.keyshift_assert(n = 0, n || {{ message }}) FROM ({{ orphans }}) AS o (n);
{%- endfor %}{% endfor %}
{%- endif %}
{%- if !orphans.is_empty() %}

-- Rows whose declared reference names no parent row, where keyshift.toml
-- says to keep them (on_orphan): each is recorded here before anything
-- converts, by its primary key before forward (row_key) and after it
-- (new_key, as text), with the value it held. Such a row then holds NULL
-- ("null") or the nil uuid ("keep"), which names no row; verify_forward
-- reads the recorded value, and rollback restores it wherever the row
-- still holds that. contract.sql keeps this table with the id maps.
CREATE TABLE keyshift.orphan (
    table_name text NOT NULL,
    column_name name NOT NULL,
    on_orphan text NOT NULL,
    row_key text[] NOT NULL,
    new_key text[] NOT NULL,
    old_value bigint NOT NULL,
    PRIMARY KEY (table_name, column_name, new_key)
);
COMMENT ON TABLE keyshift.orphan IS 'keyshift: values of declared references that named no row at forward (old_value), by the row''s primary key before forward (row_key) and after it (new_key)';
{%- for o in orphans %}
{{ o.record }};
{%- endfor %}
ANALYZE keyshift.orphan;
-- A row's recorded value, for rollback's ALTER … USING (which allows no
-- subquery).
CREATE FUNCTION keyshift.orphan_value(tbl text, col name, key text[]) RETURNS bigint
LANGUAGE sql STABLE AS $keyshift$
    SELECT o.old_value FROM keyshift.orphan o WHERE o.table_name = tbl AND o.column_name = col AND o.new_key = key
$keyshift$;
SELECT pg_temp.keyshift_progress('recorded the orphans of declared references', NULL, NULL);
{%- endif %}
{%- if !rebuild_schemas.is_empty() %}

{% include "_forward_swap.sql" %}

-- The copies: rows written once with their new values, then the indexes
-- and constraints built on the full data, and statistics (the first
-- queries after the swap must not wait for autovacuum's), then the
-- foreign keys, once every copy they reference exists.
{%- for t in tables %}{% if let Some(b) = t.rebuild %}

{{ t.display|comment }}
SELECT keyshift.create_copy({{ t.regclass }}, {{ b.build_schema_literal }}, true) IS NOT NULL AS created;
SELECT pg_temp.keyshift_fit_maps({{ b.maps }}) IS NOT NULL AS work_mem_set;
{{ b.fill_forward }};
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
{%- if !dependents.is_empty() %}

SELECT keyshift.drop_dependents();
{%- endif %}
{%- if in_place %}

-- Foreign keys cannot span an integer and a uuid column, so every key that
-- touches a column altered in place is dropped first and recreated at the
-- end.
{%- for f in foreign_keys %}{% if !f.rebuilt %}
ALTER TABLE {{ f.table }} DROP CONSTRAINT {{ f.name }};
{%- endif %}{% endfor %}

-- One rewrite per table: all its converted columns change in one statement.
-- A column that partitions or child tables inherit changes on the table
-- that declares it; PostgreSQL carries the change, the default included,
-- to every partition and child.
{%- for t in tables %}{% if t.rebuild.is_none() %}

{{ t.heading()|comment }}
{%- if let Some(r) = t.root %}{% if r.identity.is_some() %}
ALTER TABLE {{ t.quoted }} ALTER COLUMN {{ r.column }} DROP IDENTITY;
{%- endif %}{% endif %}
{%- if !t.translations.is_empty() %}
SELECT keyshift.swap_translated(to_regclass({{ t.regclass }}), true, true);
{%- endif %}
{%- if !t.altered().is_empty() %}
ALTER TABLE {{ t.quoted }}
{%- for c in t.altered() %}
    {% if c.is_root || c.default.is_some() %}ALTER COLUMN {{ c.quoted }} DROP DEFAULT,
    {% endif %}ALTER COLUMN {{ c.quoted }} TYPE uuid USING {{ c.forward_using }}{% if c.is_root && !uuid.v7 %},
    ALTER COLUMN {{ c.quoted }} SET DEFAULT gen_random_uuid(){% endif %}{% if !loop.last %},{% else %};{% endif %}
{%- endfor %}
{%- for c in t.altered() %}{% if c.is_root && uuid.v7 %}
SELECT keyshift.set_new_row_default({{ t.regclass }}, {{ c.display_literal }});
{%- endif %}{% endfor %}
SELECT pg_temp.keyshift_progress('rewrote', {{ t.literal }}, {{ t.regclass }});
{%- endif %}
{%- if !t.translations.is_empty() %}
SELECT keyshift.swap_translated(to_regclass({{ t.regclass }}), true, false);
{%- endif %}
{%- for f in t.orphan_fixes %}
{{ f }};
{%- endfor %}
{%- for c in t.altered() %}{% if let Some(d) = c.default %}
{{ "Keep the default pointing at the same parent row: {} DEFAULT {}."|format(c.display, d)|comment }}
SELECT keyshift.set_uuid_default({{ t.regclass }}, {{ c.display_literal }}, keyshift.default_uuid({{ c.root_literal }}, {{ d }}, {{ c.sentinel }}));
{%- endif %}{% endfor %}
{%- endif %}{% endfor %}
{%- endif %}


{%- if !rebuild_schemas.is_empty() %}

-- The swap: catalog changes only. The originals stay, in schema
-- keyshift_before_*, until contract.sql.
SELECT keyshift.swap_tables('kept');
{%- for s in rebuild_schemas %}
DROP SCHEMA {{ s.build }};
{%- endfor %}
-- rollback.sql takes the rows nobody wrote after forward back from the
-- originals, so nothing may write them until contract drops them.
CREATE FUNCTION keyshift.refuse_write() RETURNS trigger
LANGUAGE plpgsql AS $keyshift$
BEGIN
    RAISE EXCEPTION 'keyshift: %.% is the original forward.sql kept for rollback.sql and verify_forward.sql; it must not change', TG_TABLE_SCHEMA, TG_TABLE_NAME;
END
$keyshift$;
{%- for t in tables %}{% if let Some(b) = t.rebuild %}
CREATE TRIGGER keyshift_kept BEFORE INSERT OR UPDATE OR DELETE OR TRUNCATE ON {{ b.before }}
    FOR EACH STATEMENT EXECUTE FUNCTION keyshift.refuse_write();
{%- endif %}{% endfor %}
SELECT pg_temp.keyshift_progress('swapped the copies in', NULL, NULL);
{%- endif %}

-- Recreate the foreign keys exactly as they were, in their original order
-- (those of rebuilt tables came with their copies):
{%- for f in foreign_keys %}
{{ "  {}: {} {}"|format(f.table_display, f.name_display, f.definition)|comment }}
{%- endfor %}
SELECT keyshift.recreate_foreign_keys();
{%- if in_place_foreign_keys > 0 %}
SELECT pg_temp.keyshift_progress('recreated and validated {{ in_place_foreign_keys }} foreign keys of tables altered in place', NULL, NULL);
{%- endif %}

SELECT pg_temp.keyshift_assert(pg_get_constraintdef(c.oid) = k.definition,
       format('foreign key %s on %s came back as %s instead of %s', k.name, k.table_name, pg_get_constraintdef(c.oid), k.definition))
FROM keyshift.foreign_key k
LEFT JOIN pg_constraint c ON c.conrelid = to_regclass(k.table_name) AND c.conname = k.name;
{%- if !dependents.is_empty() %}

-- Recreate the views, materialized views (refreshed) and policies recorded above.
SELECT keyshift.recreate_dependents(true);
{%- endif %}

{%- if !surrogates.is_empty() %}

-- Surrogate keys (keyshift.toml): each table gets an "id" uuid primary key
-- under its old key's constraint name, the old key stays UNIQUE, and every
-- foreign key that referenced it moves to a new uuid column that holds the
-- parent's id. The old referencing columns stay as they are.
{%- for s in surrogates %}
{%- for r in s.repoints %}
ALTER TABLE {{ r.table }} DROP CONSTRAINT {{ r.name }};
{%- endfor %}
ALTER TABLE {{ s.quoted }}
    ADD COLUMN {{ s.column }} uuid NOT NULL DEFAULT gen_random_uuid(),
    DROP CONSTRAINT {{ s.primary_key }},
    ADD CONSTRAINT {{ s.primary_key }} PRIMARY KEY ({{ s.column }}),
    ADD CONSTRAINT {{ s.unique }} UNIQUE ({{ s.key_columns }});
{%- for r in s.repoints %}
ALTER TABLE {{ r.table }} ADD COLUMN {{ r.column }} uuid;
{{ r.fill }};
{%- if r.not_null %}
ALTER TABLE {{ r.table }} ALTER COLUMN {{ r.column }} SET NOT NULL;
{%- endif %}
ALTER TABLE {{ r.table }} ADD CONSTRAINT {{ r.name }} {{ r.definition }};
{%- endfor %}
{%- endfor %}
{%- endif %}

COMMIT;
