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

-- Migration state lives in its own schema. rollback.sql drops it whole;
-- contract.sql keeps only the old-id → uuid maps.
CREATE SCHEMA keyshift;
COMMENT ON SCHEMA keyshift IS 'keyshift migration state for plan {{ plan_hash }}';
CREATE TABLE keyshift.state (plan_hash text NOT NULL, stage text NOT NULL);
INSERT INTO keyshift.state VALUES ('{{ plan_hash }}', 'forward');

-- New UUIDs are a keyed hash of (table, old id). The key is random, lives
-- only in this transaction, and is never stored, so the UUIDs cannot be
-- predicted from ids; being a function, it lets every referencing column be
-- converted without joining its parent. Version and variant bits make the
-- values valid version-4 UUIDs. Uniqueness is enforced by the maps below.
SELECT set_config('keyshift.key', encode(uuid_send(gen_random_uuid()) || uuid_send(gen_random_uuid()), 'hex'), true) IS NOT NULL AS key_ready;
CREATE FUNCTION keyshift.uuid_for(root text, id bigint) RETURNS uuid
LANGUAGE sql STABLE PARALLEL SAFE AS $keyshift$
    SELECT overlay(overlay(md5(current_setting('keyshift.key') || ':' || root || ':' || id::text) PLACING '4' FROM 13) PLACING '8' FROM 17)::uuid
$keyshift$;
{%- if has_column_defaults %}

-- A referencing column's default must name the parent's new uuid, which is
-- only known inside this transaction.
CREATE FUNCTION keyshift.set_uuid_default(tbl regclass, col name, value uuid) RETURNS void
LANGUAGE plpgsql AS $keyshift$
BEGIN
    EXECUTE format('ALTER TABLE %s ALTER COLUMN %I SET DEFAULT %L::uuid', tbl, col, value);
END
$keyshift$;
{%- endif %}

-- Fingerprint of every table altered in place, so verify_forward.sql can
-- prove that each row, translated back through the maps, is unchanged. A
-- rebuilt table needs none: forward keeps the original until contract, and
-- verify_forward compares with it.
CREATE TABLE keyshift.row_digest (table_name text PRIMARY KEY, row_count bigint NOT NULL, row_hash numeric NOT NULL);
{%- for t in tables %}{% if t.rebuild.is_none() %}
INSERT INTO keyshift.row_digest SELECT {{ t.literal }}, count(*), coalesce(sum(hashtextextended(t::text, 0)), 0) FROM ONLY {{ t.quoted }} t;
{%- endif %}{% endfor %}
SELECT pg_temp.keyshift_progress('fingerprinted the tables altered in place', NULL, NULL);

-- Sequence positions, so rollback.sql can put them back exactly.
CREATE TABLE keyshift.sequence_state (sequence_name text PRIMARY KEY, last_value bigint NOT NULL, is_called boolean NOT NULL);
{%- for s in sequences %}
INSERT INTO keyshift.sequence_state SELECT {{ s.regclass }}, last_value, is_called FROM {{ s.quoted }};
{%- endfor %}

{%- if key_defaults > 0 %}

-- Key defaults other than a sequence's, exactly as the server prints them
-- under this file's search_path, which names everything outside pg_catalog
-- with its schema: rollback.sql restores these records, so each default
-- calls the same function whatever search_path the schema was written under.
CREATE TABLE keyshift.column_default (table_name text NOT NULL, column_name name NOT NULL, expression text NOT NULL, PRIMARY KEY (table_name, column_name));
{%- for t in tables %}{% if let Some(r) = t.root %}{% if r.default_literal.is_some() %}
INSERT INTO keyshift.column_default SELECT {{ t.regclass }}, a.attname, pg_get_expr(d.adbin, d.adrelid) FROM pg_attribute a JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum WHERE a.attrelid = to_regclass({{ t.regclass }}) AND a.attname = {{ r.literal }};
{%- endif %}{% endif %}{% endfor %}
SELECT pg_temp.keyshift_assert(count(*) = {{ key_defaults }}, format('expected {{ key_defaults }} key defaults to record, found %s; run preflight.sql', count(*))) FROM keyshift.column_default;
{%- endif %}

-- One map per table whose own key gets new UUIDs: old id → new uuid. The
-- map of a key that partitions or child tables share covers their rows too.
-- A rebuilt table's key gets random UUIDs, drawn once here: its copy and
-- the copies of its children join this map. A key altered in place gets
-- uuid_for's, which the ALTER computes again without a join.
{%- for t in tables %}{% if let Some(r) = t.root %}
CREATE TABLE {{ r.map }} AS SELECT {{ r.column }} AS old_id, {% if t.rebuild.is_some() %}gen_random_uuid(){% else %}keyshift.uuid_for({{ t.literal }}, {{ r.column }}){% endif %} AS new_id FROM {{ r.scan }};
{%- if t.rebuild.is_some() %}
-- No index: the copies join it whole, and the copies' keys prove both
-- columns unique. contract.sql indexes the maps it keeps; ANALYZE lets the
-- planner see that the map, not the table, is the side to hash.
ALTER TABLE {{ r.map }} ALTER COLUMN old_id SET NOT NULL, ALTER COLUMN new_id SET NOT NULL;
ANALYZE {{ r.map }};
{%- else %}
ALTER TABLE {{ r.map }} ADD PRIMARY KEY (old_id), ADD UNIQUE (new_id), ALTER COLUMN new_id SET NOT NULL;
{%- endif %}
COMMENT ON TABLE {{ r.map }} IS {{ r.comment }};
SELECT pg_temp.keyshift_progress('built the id map of', {{ t.literal }}, {{ r.map_regclass }});
{%- endif %}{% endfor %}

-- Which map translates the ids of which table, for keyshift.new_id() and
-- keyshift.old_id(): applications translate ids found in logs, URLs and
-- caches with them, for as long as the maps are kept. Names are text, not
-- regclass: pg_upgrade refuses user tables with reg* columns.
CREATE TABLE keyshift.id_map (table_name text PRIMARY KEY, map text NOT NULL);
{%- for t in tables %}{% if let Some(r) = t.root %}
INSERT INTO keyshift.id_map VALUES {{ r.id_map_rows.join(", ") }};
{%- endif %}{% endfor %}
-- keyshift.new_id(table, old id): the uuid that replaced an id, or NULL.
CREATE FUNCTION keyshift.new_id(tbl regclass, old_id bigint) RETURNS uuid
LANGUAGE plpgsql STABLE SET search_path = pg_catalog, pg_temp AS $keyshift$
DECLARE
    m regclass := (SELECT to_regclass(map) FROM keyshift.id_map WHERE to_regclass(table_name) = tbl);
    result uuid;
BEGIN
    IF m IS NULL THEN
        RAISE EXCEPTION 'keyshift: table % has no id map', tbl;
    END IF;
    EXECUTE format('SELECT new_id FROM %s WHERE old_id = $1', m) INTO result USING old_id;
    RETURN result;
END
$keyshift$;
-- keyshift.old_id(table, uuid): the old id a uuid replaced, or NULL.
CREATE FUNCTION keyshift.old_id(tbl regclass, new_id uuid) RETURNS bigint
LANGUAGE plpgsql STABLE SET search_path = pg_catalog, pg_temp AS $keyshift$
DECLARE
    m regclass := (SELECT to_regclass(map) FROM keyshift.id_map WHERE to_regclass(table_name) = tbl);
    result bigint;
BEGIN
    IF m IS NULL THEN
        RAISE EXCEPTION 'keyshift: table % has no id map', tbl;
    END IF;
    EXECUTE format('SELECT old_id FROM %s WHERE new_id = $1', m) INTO result USING new_id;
    RETURN result;
END
$keyshift$;

-- The foreign keys dropped below, exactly as PostgreSQL holds them, with
-- their creation order: PostgreSQL fires foreign-key triggers in that
-- order, and whether a delete cascades or is refused can depend on it.
-- A rebuilt table's keys are not dropped: its copy gets them from the live
-- catalog. They are recorded all the same, to be checked at the end.
CREATE TABLE keyshift.foreign_key (table_name text NOT NULL, name text NOT NULL, definition text NOT NULL, creation_order oid NOT NULL, rebuilt boolean NOT NULL, PRIMARY KEY (table_name, name));
{%- for f in foreign_keys %}
INSERT INTO keyshift.foreign_key SELECT {{ f.table_regclass }}, conname, pg_get_constraintdef(oid), oid, {{ f.rebuilt }} FROM pg_constraint WHERE conrelid = to_regclass({{ f.table_regclass }}) AND conname = {{ f.name_literal }};
{%- endfor %}
SELECT pg_temp.keyshift_assert(count(*) = {{ foreign_keys.len() }}, format('expected {{ foreign_keys.len() }} foreign keys to recreate, found %s; run preflight.sql', count(*))) FROM keyshift.foreign_key;

-- Used by this file and by rollback.sql.
CREATE FUNCTION keyshift.recreate_foreign_keys() RETURNS void
LANGUAGE plpgsql AS $keyshift$
DECLARE
    k record;
BEGIN
    FOR k IN SELECT * FROM keyshift.foreign_key WHERE NOT rebuilt ORDER BY creation_order LOOP
        EXECUTE format('ALTER TABLE %s ADD CONSTRAINT %I %s', k.table_name, k.name, k.definition);
    END LOOP;
END
$keyshift$;

{%- if !dependents.is_empty() %}

{% include "_dependents.sql" %}
{%- for d in dependents %}
{{ d.display|comment }}
SELECT {{ d.record }};
{%- endfor %}
{%- endif %}
{%- if !rebuild_schemas.is_empty() %}

{% include "_swap.sql" %}
{%- for s in rebuild_schemas %}
CREATE SCHEMA {{ s.build }};
CREATE SCHEMA {{ s.before }};
{%- endfor %}
INSERT INTO keyshift.swap VALUES
    {{ swap_rows }};
{%- for t in tables %}{% if let Some(b) = t.rebuild %}
SELECT pg_temp.keyshift_assert(ARRAY(SELECT attname FROM pg_attribute WHERE attrelid = to_regclass({{ t.regclass }}) AND attnum > 0 AND NOT attisdropped ORDER BY attnum) = {{ b.columns }},
       format('the columns of %s are not those this bundle was made for; generate it again', {{ t.literal }}));
{%- for r in b.record_columns %}
{{ r }};
{%- endfor %}
{%- endif %}{% endfor %}

-- The copies: rows written once with their new values, then the indexes
-- and constraints built on the full data, then the foreign keys, once
-- every copy they reference exists.
{%- for t in tables %}{% if let Some(b) = t.rebuild %}

{{ t.display|comment }}
SELECT keyshift.create_copy({{ t.regclass }}, {{ b.build_schema_literal }}, true) IS NOT NULL AS created;
SELECT keyshift.fit_maps({{ b.maps }}) IS NOT NULL AS work_mem_set;
{{ b.fill_forward }};
SELECT pg_temp.keyshift_progress('copied', {{ t.literal }}, {{ t.regclass }});
SELECT keyshift.copy_indexes(to_regclass({{ t.regclass }}), to_regclass({{ b.copy_regclass }}));
SELECT pg_temp.keyshift_progress('indexed the copy of', {{ t.literal }}, {{ t.regclass }});
{%- endif %}{% endfor %}
{% for t in tables %}{% if let Some(b) = t.rebuild %}
SELECT keyshift.copy_foreign_keys(to_regclass({{ t.regclass }}), to_regclass({{ b.copy_regclass }}));
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
{%- if !t.altered.is_empty() %}
ALTER TABLE {{ t.quoted }}
{%- for c in t.altered %}
    {% if c.is_root || c.default.is_some() %}ALTER COLUMN {{ c.quoted }} DROP DEFAULT,
    {% endif %}ALTER COLUMN {{ c.quoted }} TYPE uuid USING {{ c.forward_using }}{% if c.is_root %},
    ALTER COLUMN {{ c.quoted }} SET DEFAULT gen_random_uuid(){% endif %}{% if !loop.last %},{% else %};{% endif %}
{%- endfor %}
SELECT pg_temp.keyshift_progress('rewrote', {{ t.literal }}, {{ t.regclass }});
{%- endif %}
{%- for c in t.altered %}{% if let Some(d) = c.default %}
{{ "Keep the default pointing at the same parent row: {} DEFAULT {}."|format(c.display, d)|comment }}
SELECT keyshift.set_uuid_default({{ t.regclass }}, {{ c.display_literal }}, keyshift.uuid_for({{ c.root_literal }}, {{ d }}));
{%- endif %}{% endfor %}
{%- endif %}{% endfor %}
{%- endif %}
{%- if !declared.is_empty() || !polymorphic.is_empty() %}

-- References keyshift.toml declares have no constraint: a row written
-- since preflight could point at no row. Every table is locked by now, so
-- this is exact; any such row undoes the whole file.
{%- for d in declared %}
SELECT pg_temp.keyshift_assert(n = 0, n || {{ d.message }}) FROM ({{ d.orphans }}) AS o (n);
{%- endfor %}
{%- for p in polymorphic %}{% for (orphans, message) in p.orphans %}
SELECT pg_temp.keyshift_assert(n = 0, n || {{ message }}) FROM ({{ orphans }}) AS o (n);
{%- endfor %}{% endfor %}
{%- endif %}

{%- if !rebuild_schemas.is_empty() %}

-- The swap: catalog changes only. The originals stay, in schema
-- keyshift_before_*, until contract.sql.
SELECT keyshift.swap_tables('kept');
{%- for s in rebuild_schemas %}
DROP SCHEMA {{ s.build }};
{%- endfor %}
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
