{{ header }}
-- Puts every converted key back to its integer type, in one transaction.
-- Rows that existed before forward get their old ids back from the maps;
-- rows written since get fresh ids after the highest id ever handed out,
-- and every reference to them follows. A rebuilt table gets back the
-- original forward kept, with the rows written or deleted since put right
-- in it, or else is rebuilt again from its current rows; either is swapped
-- in. The others are altered back in place. Afterwards pg_dump
-- --schema-only matches the database before forward byte for byte.
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
-- The ids of the original's rows deleted since, where rollback looks for them.
CREATE TABLE keyshift.gone (table_name text NOT NULL, old_id bigint NOT NULL);
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

-- Where a table whose key has a map of its own gets its integer rows.
-- forward.sql kept the original (keyshift_before_N) and a trigger that
-- refuses every write to it; every row forward wrote that nobody wrote
-- since (its xmin is forward's transaction) is a row of that original,
-- translated. The other rows of the original were either written since
-- (keyshift.written holds them) or deleted since (their uuids are in the
-- map and in no row, which one anti-join finds where a count says there
-- are any). So:
-- - The original itself comes back where nothing stands in the way: the
--   rows deleted since are taken out of it, those written since replace
--   their old versions in it, and it moves to where its copy would be
--   built, indexes and all. Nothing is copied,
--   no index is built. In the way: a definition that differs from the
--   uuid table's in more than the converted columns' types and defaults
--   (the table changed after forward, and only a copy of it carries
--   that); anything on the original but its indexes, constraints and
--   forward's trigger; row security this role is subject to; more rows
--   written or deleted since than a tenth of the table (and 10,000, below which
--   either way takes moments), where one copy with its indexes built once
--   beats changing that many rows and leaves no dead rows behind.
-- - Otherwise a copy takes the unchanged rows from the original as they
--   were, with no map to join, and only the written ones go through the
--   maps.
-- Where forward's transaction cannot be told from later ones, every row
-- goes through the maps. Says which way, for psql.
CREATE TEMPORARY TABLE keyshift_restored (table_name text PRIMARY KEY) ON COMMIT DROP;
CREATE FUNCTION pg_temp.keyshift_restored(label text) RETURNS boolean
LANGUAGE sql STABLE AS $keyshift$ SELECT EXISTS (SELECT FROM pg_temp.keyshift_restored WHERE table_name = label) $keyshift$;

-- A table as pg_dump shows it, apart from its name, foreign keys,
-- triggers, rules and policies (rollback recreates those either way).
-- With `recorded`, the converted columns of `tbl` read as forward
-- recorded them before it changed them: integer type and default. Their
-- identity and storage are left out: rollback gives a copy the identity
-- back after the swap, and integers and uuids store alike.
CREATE FUNCTION pg_temp.keyshift_definition(rel regclass, tbl regclass, recorded boolean) RETURNS text
LANGUAGE sql STABLE SET search_path = pg_catalog, pg_temp AS $keyshift$
    SELECT concat_ws(E'\n',
        (SELECT format('persistence %s, access method %s, options %s, toast options %s, tablespace %s, owner %s, grants %s, row security %s %s, type %s, replica identity %s, comment %L',
                       c.relpersistence, c.relam, c.reloptions, (SELECT t.reloptions FROM pg_class t WHERE t.oid = c.reltoastrelid),
                       c.reltablespace, c.relowner, c.relacl, c.relrowsecurity, c.relforcerowsecurity, c.reloftype, c.relreplident,
                       obj_description(c.oid, 'pg_class'))
         FROM pg_class c WHERE c.oid = rel),
        (SELECT string_agg(CASE WHEN k.column_name IS NULL
                                THEN format('column %I %s collate %s, not null %s, default %s, storage %s, compression %s, statistics %s, options %s, grants %s, generated %s, identity %s, comment %L',
                                            a.attname, format_type(a.atttypid, a.atttypmod), a.attcollation, a.attnotnull, pg_get_expr(d.adbin, d.adrelid),
                                            a.attstorage, a.attcompression, a.attstattarget, a.attoptions, a.attacl, a.attgenerated, a.attidentity,
                                            col_description(rel, a.attnum))
                                ELSE format('converted column %I %s, not null %s, default %s, statistics %s, options %s, grants %s, comment %L',
                                            a.attname, CASE WHEN recorded THEN to_regtype(k.int_type)::oid ELSE a.atttypid END, a.attnotnull,
                                            CASE WHEN recorded THEN k.int_default ELSE pg_get_expr(d.adbin, d.adrelid) END,
                                            a.attstattarget, a.attoptions, a.attacl, col_description(rel, a.attnum)) END,
                           E'\n' ORDER BY a.attnum)
         FROM pg_attribute a
         LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
         LEFT JOIN keyshift.rebuilt_column k ON to_regclass(k.table_name) = tbl AND k.column_name = a.attname
         WHERE a.attrelid = rel AND a.attnum > 0 AND NOT a.attisdropped),
        (SELECT string_agg(format('constraint %I %s, comment %L', conname, pg_get_constraintdef(oid), obj_description(oid, 'pg_constraint')),
                           E'\n' ORDER BY conname)
         FROM pg_constraint WHERE conrelid = rel AND contype <> 'f'),
        (SELECT string_agg(format('index %I %s, unique %s, primary %s, clustered %s, replica identity %s, tablespace %s, statistics %s, comment %L',
                                  x.relname, keyshift.index_definition_tail(i.indexrelid), i.indisunique, i.indisprimary, i.indisclustered,
                                  i.indisreplident, x.reltablespace,
                                  (SELECT array_agg(s.attstattarget ORDER BY s.attnum) FROM pg_attribute s WHERE s.attrelid = i.indexrelid),
                                  obj_description(i.indexrelid, 'pg_class')),
                           E'\n' ORDER BY x.relname)
         FROM pg_index i JOIN pg_class x ON x.oid = i.indexrelid WHERE i.indrelid = rel))
$keyshift$;

-- Why the original `kept` cannot come back in place of `tbl`'s copy, or
-- NULL when it can.
CREATE FUNCTION pg_temp.keyshift_cannot_restore(tbl regclass, kept regclass) RETURNS text
LANGUAGE sql STABLE SET search_path = pg_catalog, pg_temp AS $keyshift$
    SELECT CASE
        WHEN EXISTS (SELECT FROM pg_trigger WHERE tgrelid = kept AND NOT tgisinternal AND tgname <> 'keyshift_kept') THEN 'it has a trigger'
        WHEN EXISTS (SELECT FROM pg_rewrite WHERE ev_class = kept) THEN 'it has a rule'
        WHEN EXISTS (SELECT FROM pg_policy WHERE polrelid = kept) THEN 'it has a policy'
        WHEN EXISTS (SELECT FROM pg_constraint WHERE contype = 'f' AND kept IN (conrelid, confrelid)) THEN 'a foreign key names it'
        WHEN (SELECT relforcerowsecurity FROM pg_class WHERE oid = kept)
             AND NOT (SELECT rolsuper OR rolbypassrls FROM pg_roles WHERE rolname = current_user) THEN 'row security applies to this role'
        WHEN pg_temp.keyshift_definition(kept, tbl, false) IS DISTINCT FROM pg_temp.keyshift_definition(tbl, tbl, true)
            THEN 'the uuid table differs from it in more than its converted columns'
    END
$keyshift$;

-- Fills `tbl`'s integer copy in schema `build`, or brings the original
-- back there (see above). `map` is its key's map; `written_rows` selects
-- the rows keyshift.written holds, translated, one column for each of
-- `columns`; `translated` selects every row, translated.
CREATE FUNCTION pg_temp.keyshift_rows_back(tbl regclass, kept regclass, map regclass, build name, label text, columns name[], key name,
                                           written_rows text, translated text) RETURNS text
LANGUAGE plpgsql AS $keyshift$
DECLARE
    forward_xmin xid := nullif(current_setting('keyshift.forward_xmin'), '')::xid;
    setup_cost text := current_setting('parallel_setup_cost');
    tuple_cost text := current_setting('parallel_tuple_cost');
    kept_rows bigint;
    unchanged bigint;
    rewritten bigint;
    written bigint;
    gone bigint := 0;
    done bigint;
    why text;
BEGIN
    SELECT count(*) FILTER (WHERE NOT fresh), count(*) INTO rewritten, written FROM keyshift.written WHERE table_name = label;
    IF forward_xmin IS NULL THEN
        why := 'forward''s transaction cannot be told from later ones';
    ELSIF NOT EXISTS (SELECT FROM pg_trigger WHERE tgrelid = kept AND tgname = 'keyshift_kept' AND tgenabled <> 'D') THEN
        why := 'the trigger that kept the original from being written is gone';
    ELSE
        EXECUTE format('SELECT count(*) FROM ONLY %s', kept) INTO kept_rows;
        EXECUTE format('SELECT count(*) FROM ONLY %s t WHERE t.xmin = $1', tbl) INTO unchanged USING forward_xmin;
        -- Rows of the original that are neither unchanged nor written
        -- since were deleted: their uuids are in the map and in no row.
        -- One anti-join, on parallel workers where the server gives them.
        gone := kept_rows - unchanged - rewritten;
        IF gone > 0 THEN
            PERFORM set_config('parallel_setup_cost', '0', true), set_config('parallel_tuple_cost', '0', true);
            EXECUTE format('CREATE TEMPORARY TABLE keyshift_gone ON COMMIT DROP AS SELECT m.old_id FROM %s m WHERE NOT EXISTS (SELECT FROM ONLY %s t WHERE t.%I = m.new_id)',
                           map, tbl, key);
            PERFORM set_config('parallel_setup_cost', setup_cost, true), set_config('parallel_tuple_cost', tuple_cost, true);
            INSERT INTO keyshift.gone SELECT label, old_id FROM pg_temp.keyshift_gone;
            GET DIAGNOSTICS done = ROW_COUNT;
            DROP TABLE pg_temp.keyshift_gone;
            ANALYZE keyshift.gone;
            IF done <> gone THEN
                why := format('%s rows of the original are gone since forward, but the uuids of %s', gone, done);
            END IF;
        ELSIF gone < 0 THEN
            why := format('the rows forward wrote and those written since are %s more than the original holds', -gone);
        END IF;
    END IF;
    IF why IS NOT NULL THEN
        RAISE INFO 'keyshift: %: every row goes through the maps (%)', label, why;
        RETURN keyshift.fill_copy(tbl, keyshift.create_copy(tbl, build, false), columns, translated);
    END IF;
    why := CASE WHEN written + gone > greatest(10000, kept_rows / 10)
                THEN format('%s rows were written or deleted since, more than a tenth of it', written + gone)
                ELSE pg_temp.keyshift_cannot_restore(tbl, kept) END;
    IF why IS NULL THEN
        EXECUTE format('DROP TRIGGER keyshift_kept ON %s', kept);
        EXECUTE format('DELETE FROM ONLY %s o WHERE o.%I IN (SELECT old_id FROM keyshift.written WHERE table_name = $1 AND NOT fresh
                                                              UNION ALL SELECT old_id FROM keyshift.gone WHERE table_name = $1)', kept, key)
            USING label;
        GET DIAGNOSTICS done = ROW_COUNT;
        PERFORM pg_temp.keyshift_assert(done = rewritten + gone,
            format('%s: took %s rows out of the original, expected %s', label, done, rewritten + gone));
        EXECUTE format('INSERT INTO %s (%s) OVERRIDING SYSTEM VALUE %s', kept,
                       (SELECT string_agg(quote_ident(c), ', ' ORDER BY k) FROM unnest(columns) WITH ORDINALITY AS u (c, k)), written_rows);
        GET DIAGNOSTICS done = ROW_COUNT;
        PERFORM pg_temp.keyshift_assert(done = written, format('%s: put %s rows into the original, expected %s', label, done, written));
        -- A key's identity comes back after the swap, as a copy's does.
        EXECUTE format('ALTER TABLE %s ALTER COLUMN %I DROP IDENTITY IF EXISTS', kept, key);
        EXECUTE format('ALTER TABLE %s SET SCHEMA %I', kept, build);
        INSERT INTO pg_temp.keyshift_restored VALUES (label);
        RAISE INFO 'keyshift: %: the original comes back: % rows as forward wrote them, % written since put in through the maps, % deleted since taken out',
            label, unchanged, written, gone;
        RETURN 'the original forward kept, with the rows written since';
    END IF;
    RAISE INFO 'keyshift: %: % rows as forward wrote them come back from the original, % written since go through the maps, % deleted since stay out (the original itself cannot come back: %)',
        label, unchanged, written, gone, why;
    RETURN keyshift.fill_copy(tbl, keyshift.create_copy(tbl, build, false), columns,
        format('SELECT %s FROM ONLY %s o WHERE NOT EXISTS (SELECT 1 FROM keyshift.written w WHERE w.table_name = %L AND w.old_id = o.%I)%s UNION ALL %s',
               (SELECT string_agg('o.' || quote_ident(c), ', ' ORDER BY k) FROM unnest(columns) WITH ORDINALITY AS u (c, k)),
               kept, label, key,
               CASE WHEN gone > 0 THEN format(' AND NOT EXISTS (SELECT 1 FROM keyshift.gone g WHERE g.table_name = %L AND g.old_id = o.%I)', label, key) ELSE '' END,
               written_rows));
END
$keyshift$;

-- A copy's indexes (and then its statistics), built on its rows; an
-- original that came back has both.
CREATE FUNCTION pg_temp.keyshift_index_copy(tbl regclass, copy regclass, label text) RETURNS void
LANGUAGE plpgsql AS $keyshift$
BEGIN
    IF NOT pg_temp.keyshift_restored(label) THEN
        PERFORM keyshift.copy_indexes(tbl, copy);
        EXECUTE format('ANALYZE %s', copy);
        PERFORM pg_temp.keyshift_progress('indexed the copy of', label, tbl::text);
    END IF;
END
$keyshift$;
{%- endif %}
{%- for s in rebuild_schemas %}
CREATE SCHEMA {{ s.build }};
CREATE SCHEMA {{ s.replaced }};
{%- endfor %}
{%- for t in tables %}{% if let Some(b) = t.rebuild %}

{{ t.display|comment }}
{%- if let (false, Some(k)) = (online, b.rows_back.as_ref()) %}
SELECT pg_temp.keyshift_fit_maps({{ b.maps }}) IS NOT NULL AS work_mem_set;
{{ k }};
SELECT pg_temp.keyshift_progress(CASE WHEN pg_temp.keyshift_restored({{ t.literal }}) THEN 'took back the original of' ELSE 'copied' END, {{ t.literal }}, {{ t.regclass }});
SELECT pg_temp.keyshift_index_copy(to_regclass({{ t.regclass }}), to_regclass({{ b.copy_regclass }}), {{ t.literal }});
{%- else %}
SELECT keyshift.create_copy({{ t.regclass }}, {{ b.build_schema_literal }}, false) IS NOT NULL AS created;
SELECT pg_temp.keyshift_fit_maps({{ b.maps }}) IS NOT NULL AS work_mem_set;
{{ b.fill_rollback }};
SELECT pg_temp.keyshift_progress('copied', {{ t.literal }}, {{ t.regclass }});
SELECT keyshift.copy_indexes(to_regclass({{ t.regclass }}), to_regclass({{ b.copy_regclass }}));
ANALYZE {{ b.copy }};
SELECT pg_temp.keyshift_progress('indexed the copy of', {{ t.literal }}, {{ t.regclass }});
{%- endif %}
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
