-- CHECK constraints and partial indexes that compare a converted key with
-- fixed ids or sentinels, each as the server prints it
-- (int_definition) and with every constant replaced by the uuid literal
-- its row gets, or the nil uuid for a sentinel (uuid_definition). Such an
-- object cannot take the type change: forward and rollback drop it before
-- and create the other definition after, on a copy or in place.
CREATE TABLE keyshift.translated (
    table_name text NOT NULL,
    kind text NOT NULL CHECK (kind IN ('check', 'index')),
    name name NOT NULL,
    unique_index boolean NOT NULL,
    int_definition text NOT NULL,
    uuid_definition text NOT NULL,
    comment text,
    PRIMARY KEY (table_name, kind, name)
);

-- The uuid literal that replaces constant `id` compared with a key of
-- `root`: the uuid of that row, or the key's sentinel uuid (the nil uuid
-- unless keyshift.toml says otherwise) for a sentinel (zero or negative,
-- naming no row). The checks above proved each positive id names a row
-- and each id compared by order lies below every id; `place` names the
-- object should a row have gone since. The rows come from
-- keyshift_fixed_id, which reads each map once: a rebuilt table's map
-- has no index yet.
CREATE TEMPORARY TABLE keyshift_fixed_id (map regclass NOT NULL, old_id bigint NOT NULL, new_id uuid NOT NULL) ON COMMIT DROP;
CREATE FUNCTION pg_temp.keyshift_constant_uuid(root text, id bigint, ordered boolean, place text, sentinel uuid) RETURNS text
LANGUAGE plpgsql STABLE AS $keyshift$
DECLARE
    u uuid;
BEGIN
    IF ordered THEN
        RETURN quote_literal(sentinel::text) || '::uuid';
    END IF;
    SELECT f.new_id INTO u FROM pg_temp.keyshift_fixed_id f
    WHERE f.map = (SELECT to_regclass(m.map) FROM keyshift.id_map m WHERE to_regclass(m.table_name) = to_regclass(root))
      AND f.old_id = id;
    IF u IS NULL AND id > 0 THEN
        RAISE EXCEPTION 'keyshift: % compares a key of % with %, which names no row of it', place, root, id;
    END IF;
    RETURN quote_literal(coalesce(u, sentinel)::text) || '::uuid';
END
$keyshift$;
{% let tail_schema = "keyshift" %}{% let tail_prefix = "" %}
{%- include "_index_tail.sql" %}

-- The statements that create the recorded objects of table `src` on
-- `target` (src itself, or its copy), for uuid keys or integer keys, with
-- their comments.
CREATE FUNCTION keyshift.translated_objects(src regclass, target regclass, to_uuid boolean) RETURNS text[]
LANGUAGE sql STABLE AS $keyshift$
    SELECT coalesce(array_agg(u.statement ORDER BY t.kind, t.name, u.ord), '{}')
    FROM keyshift.translated t,
         LATERAL (SELECT CASE WHEN to_uuid THEN t.uuid_definition ELSE t.int_definition END AS def,
                         (SELECT quote_ident(n.nspname) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE c.oid = target) AS nsp) d,
         LATERAL unnest(ARRAY[
             CASE t.kind WHEN 'check' THEN format('ALTER TABLE %s ADD CONSTRAINT %I %s', target, t.name, d.def)
                         ELSE format('CREATE %sINDEX %I ON %s USING %s', CASE WHEN t.unique_index THEN 'UNIQUE ' ELSE '' END, t.name, target, d.def) END,
             CASE WHEN t.comment IS NOT NULL THEN
                 CASE t.kind WHEN 'check' THEN format('COMMENT ON CONSTRAINT %I ON %s IS %L', t.name, target, t.comment)
                             ELSE format('COMMENT ON INDEX %s.%I IS %L', d.nsp, t.name, t.comment) END END]) WITH ORDINALITY AS u (statement, ord)
    WHERE to_regclass(t.table_name) = src AND u.statement IS NOT NULL
$keyshift$;

-- In place: drops the recorded objects of `tbl` before its type change,
-- and creates them for the new key type after it.
CREATE FUNCTION keyshift.swap_translated(tbl regclass, to_uuid boolean, before_change boolean) RETURNS void
LANGUAGE plpgsql AS $keyshift$
DECLARE
    t record;
    statement text;
BEGIN
    IF before_change THEN
        FOR t IN SELECT * FROM keyshift.translated WHERE to_regclass(table_name) = tbl ORDER BY kind, name LOOP
            IF t.kind = 'check' THEN
                EXECUTE format('ALTER TABLE %s DROP CONSTRAINT %I', tbl, t.name);
            ELSE
                EXECUTE format('DROP INDEX %s', (SELECT quote_ident(n.nspname) || '.' || quote_ident(t.name) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE c.oid = tbl));
            END IF;
        END LOOP;
    ELSE
        FOREACH statement IN ARRAY keyshift.translated_objects(tbl, tbl, to_uuid) LOOP
            EXECUTE statement;
        END LOOP;
    END IF;
END
$keyshift$;
