{%- if uuid.v7 %}

-- A version 7 key's uuids carry times no function of the id can know, so
-- what converts without a join (a column altered in place, a default) looks
-- each id up in its root's map.
CREATE FUNCTION keyshift.uuid_for(root text, id bigint) RETURNS uuid
LANGUAGE sql STABLE PARALLEL SAFE AS {{ uuid.uuid_for_body }};
{%- endif %}

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
{%- for batch in foreign_keys.chunks(RECORD_BATCH) %}
INSERT INTO keyshift.foreign_key
SELECT f.table_name, c.conname, pg_get_constraintdef(c.oid), c.oid, f.rebuilt
FROM (VALUES
{%- for f in batch %}
    ({{ f.table_regclass }}, {{ f.name_literal }}, {{ f.rebuilt }}){% if !loop.last %},{% endif %}
{%- endfor %}) AS f (table_name, name, rebuilt)
JOIN pg_constraint c ON c.conrelid = to_regclass(f.table_name) AND c.conname = f.name;
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

{%- if has_translations %}

{% include "_translated.sql" %}
{%- for c in constants %}{% if let Some(check) = c.check %}
SELECT pg_temp.keyshift_assert(false, problem) FROM ({{ check }}) AS p (problem);
{%- endif %}{% endfor %}
{%- for d in constant_draws %}
{{ d }};
{%- endfor %}
{%- for r in fixed_id_reads %}
{{ r }};
{%- endfor %}
{%- for t in tables %}{% for x in t.translations %}
{{ x.display|comment }}
{{ x.record }};
{%- endfor %}{% endfor %}
SELECT pg_temp.keyshift_assert(count(*) = {{ translation_count }}, format('expected {{ translation_count }} CHECK constraints and indexes with fixed ids to record, found %s (one NOT VALID, or an index behind a constraint, is not translated); run preflight.sql', count(*))) FROM keyshift.translated;
{%- endif %}
{%- if !dependents.is_empty() %}

{% include "_dependents.sql" %}
{%- for d in dependents %}
{{ d.display|comment }}
SELECT {{ d.record }};
{%- endfor %}
{%- endif %}