{{ header }}
-- How the application's commonest queries run, measured the same way before
-- and after the keys change: EXPLAIN (ANALYZE, BUFFERS) of a primary-key
-- lookup of each converted table and of a join over each converted foreign
-- key, for up to {{ samples }} ids sampled from the data when this file runs.
-- Run it after preflight.sql and again after verify_forward.sql. Each run
-- finds which keys the tables have now (integer or uuid), replaces its own
-- earlier results in keyshift_analyze.result, and prints both runs side by
-- side: plan shape, median time, buffers per lookup and the index's size.
-- It reads the converted tables (ACCESS SHARE) and writes only schema
-- keyshift_analyze, which no other file touches: drop it once you have read
-- the comparison (DROP SCHEMA keyshift_analyze CASCADE), or a schema dump
-- taken after rollback.sql will show it.

-- A plan as one line: each node's type and what it reads, its inputs in
-- parentheses.
CREATE FUNCTION pg_temp.keyshift_shape(node jsonb) RETURNS text
LANGUAGE plpgsql AS $keyshift$
BEGIN
    RETURN concat(node->>'Node Type',
        ' using ' || (node->>'Index Name'),
        ' on ' || (node->>'Relation Name'),
        (SELECT ' (' || string_agg(pg_temp.keyshift_shape(p.child), ', ' ORDER BY p.n) || ')'
         FROM jsonb_array_elements(node->'Plans') WITH ORDINALITY AS p (child, n)));
END
$keyshift$;

-- Up to `n` rows of `cols` (as text, none NULL) from `tbl`: a random handful
-- from a sample of about a thousand rows, so a big table is not read whole;
-- the first rows when the sample happens to hold none.
CREATE FUNCTION pg_temp.keyshift_sample(tbl regclass, cols text[], n integer) RETURNS SETOF text[]
LANGUAGE plpgsql AS $keyshift$
DECLARE
    estimate real := (SELECT c.reltuples FROM pg_class c WHERE c.oid = tbl);
    percent numeric := CASE WHEN estimate > 2000 THEN greatest(0.001, round((100000 / estimate)::numeric, 3)) ELSE 100 END;
    list text := (SELECT string_agg(format('s.%I::text', c.col), ', ' ORDER BY c.n) FROM unnest(cols) WITH ORDINALITY AS c (col, n));
    present text := (SELECT string_agg(format('s.%I IS NOT NULL', c.col), ' AND ') FROM unnest(cols) AS c (col));
    found boolean := false;
    r text[];
BEGIN
    FOR r IN EXECUTE format('SELECT ARRAY[%s] FROM %s AS s TABLESAMPLE SYSTEM (%s) WHERE %s ORDER BY random() LIMIT %s',
                            list, tbl, percent, present, n) LOOP
        found := true;
        RETURN NEXT r;
    END LOOP;
    IF NOT found THEN
        RETURN QUERY EXECUTE format('SELECT ARRAY[%s] FROM %s AS s WHERE %s LIMIT %s', list, tbl, present, n);
    END IF;
END
$keyshift$;

-- The size of an index with all its partitions, in bytes
-- (pg_partition_tree lists nothing for an index that is not partitioned).
CREATE FUNCTION pg_temp.keyshift_index_bytes(idx regclass) RETURNS bigint
LANGUAGE sql AS $keyshift$
    SELECT coalesce((SELECT sum(pg_relation_size(t.relid))::bigint FROM pg_partition_tree(idx) AS t),
                    pg_relation_size(idx))
$keyshift$;

-- Runs `query` once for each sample of `cols` from `tbl`, adding a WHERE
-- clause that sets each of `keys` (a column of `alias`) to the sampled value,
-- and records the plan of the first run, the median execution time and the
-- buffers per run.
CREATE FUNCTION pg_temp.keyshift_measure(phase text, pos integer, probe text, tbl regclass, cols text[],
                                         query text, alias text, keys text[], index_bytes bigint) RETURNS void
LANGUAGE plpgsql AS $keyshift$
DECLARE
    v text[];
    plan jsonb;
    shape text;
    times double precision[] := '{}';
    buffers bigint := 0;
BEGIN
    FOR v IN SELECT * FROM pg_temp.keyshift_sample(tbl, cols, {{ samples }}) LOOP
        EXECUTE format('EXPLAIN (ANALYZE, BUFFERS, FORMAT JSON) %s WHERE %s', query,
                       (SELECT string_agg(format('%I.%I = %L', alias, keys[i], v[i]), ' AND ' ORDER BY i)
                        FROM generate_subscripts(keys, 1) AS i))
            INTO plan;
        plan := plan->0;
        shape := coalesce(shape, pg_temp.keyshift_shape(plan->'Plan'));
        times := times || (plan->>'Execution Time')::double precision;
        buffers := buffers + (plan->'Plan'->>'Shared Hit Blocks')::bigint + (plan->'Plan'->>'Shared Read Blocks')::bigint;
    END LOOP;
    INSERT INTO keyshift_analyze.result (phase, position, probe, plan, samples, median_ms, buffers, index_bytes)
    VALUES (phase, pos, probe, coalesce(shape, 'no rows to sample'), cardinality(times),
            (SELECT percentile_cont(0.5) WITHIN GROUP (ORDER BY t) FROM unnest(times) AS t),
            buffers / nullif(cardinality(times), 0), index_bytes);
END
$keyshift$;

-- One probe: a lookup of `tbl` by its primary key, or, given a foreign key
-- of `tbl`, a join to its parent for one parent row. Everything is read from
-- the catalog now, so the same probe runs over integer and uuid keys.
CREATE FUNCTION pg_temp.keyshift_probe(phase text, pos integer, tbl regclass, fk text) RETURNS void
LANGUAGE plpgsql AS $keyshift$
DECLARE
    con pg_constraint;
    probe text := CASE WHEN fk IS NULL THEN format('lookup %s', tbl) ELSE format('join %s.%I', tbl, fk) END;
    cols text[];
    parent_cols text[];
    matches text;
    index_bytes bigint;
BEGIN
    IF tbl IS NULL THEN
        RETURN;
    END IF;
    SELECT * INTO con FROM pg_constraint c
     WHERE c.conrelid = tbl AND CASE WHEN fk IS NULL THEN c.contype = 'p' ELSE c.contype = 'f' AND c.conname = fk END;
    IF NOT FOUND THEN
        INSERT INTO keyshift_analyze.result (phase, position, probe, plan, samples)
        VALUES (phase, pos, probe, CASE WHEN fk IS NULL THEN 'no primary key' ELSE 'no such foreign key' END, 0);
        RETURN;
    END IF;
    cols := ARRAY(SELECT a.attname::text FROM unnest(con.conkey) WITH ORDINALITY AS k (num, n)
                  JOIN pg_attribute a ON a.attrelid = tbl AND a.attnum = k.num ORDER BY k.n);
    IF fk IS NULL THEN
        PERFORM pg_temp.keyshift_measure(phase, pos, probe, tbl, cols, format('SELECT * FROM %s AS t', tbl),
                                         't', cols, pg_temp.keyshift_index_bytes(con.conindid));
        RETURN;
    END IF;
    parent_cols := ARRAY(SELECT a.attname::text FROM unnest(con.confkey) WITH ORDINALITY AS k (num, n)
                         JOIN pg_attribute a ON a.attrelid = con.confrelid AND a.attnum = k.num ORDER BY k.n);
    matches := (SELECT string_agg(format('c.%I = p.%I', cols[i], parent_cols[i]), ' AND ' ORDER BY i)
                FROM generate_subscripts(cols, 1) AS i);
    -- The smallest index of the child that leads with the key's columns: the
    -- one the join can use.
    SELECT min(pg_temp.keyshift_index_bytes(i.indexrelid)) INTO index_bytes
      FROM pg_index i
      CROSS JOIN LATERAL (SELECT array_agg(k.num) AS lead FROM unnest(i.indkey) WITH ORDINALITY AS k (num, n)
                          WHERE k.n <= cardinality(con.conkey)) AS l
     WHERE i.indrelid = tbl AND l.lead @> con.conkey AND l.lead <@ con.conkey;
    PERFORM pg_temp.keyshift_measure(phase, pos, probe, tbl, cols,
        format('SELECT * FROM %s AS p JOIN %s AS c ON %s', con.confrelid::regclass, tbl, matches),
        'p', parent_cols, index_bytes);
END
$keyshift$;

-- Every probe, in order, under the phase the keys show now.
CREATE FUNCTION pg_temp.keyshift_run(phase text) RETURNS text
LANGUAGE plpgsql AS $keyshift$
DECLARE
    b record;
    n integer := 0;
BEGIN
    DELETE FROM keyshift_analyze.result r WHERE r.phase = keyshift_run.phase;
    FOR b IN SELECT * FROM pg_temp.keyshift_probes ORDER BY position LOOP
        PERFORM pg_temp.keyshift_probe(phase, b.position, to_regclass(b.tbl), b.fk);
        n := n + 1;
    END LOOP;
    RETURN format('analyze: %s probes with %s', n, phase);
END
$keyshift$;

BEGIN;
SET LOCAL search_path = pg_catalog, pg_temp;
SET LOCAL lock_timeout = '{{ lock_timeout }}';
-- The second run finds the schema and table there: no notice for that.
SET LOCAL client_min_messages = warning;
CREATE SCHEMA IF NOT EXISTS keyshift_analyze;
COMMENT ON SCHEMA keyshift_analyze IS 'keyshift analyze.sql: query plans before and after the keys changed; drop it when read';
CREATE TABLE IF NOT EXISTS keyshift_analyze.result (
    phase text NOT NULL,
    position integer NOT NULL,
    probe text NOT NULL,
    plan text NOT NULL,
    samples integer NOT NULL,
    median_ms double precision,
    buffers bigint,
    index_bytes bigint,
    recorded_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (phase, probe)
);
CREATE TEMPORARY TABLE keyshift_probes (position integer NOT NULL, tbl text NOT NULL, fk text);
{%- if !probes.is_empty() %}
INSERT INTO pg_temp.keyshift_probes (position, tbl, fk) VALUES
{{ probes }};
{%- endif %}
-- The keys are uuid once forward has run.
SELECT pg_temp.keyshift_run(CASE WHEN (SELECT a.atttypid = 'uuid'::regtype FROM pg_attribute a
                                       WHERE a.attrelid = to_regclass(e.tbl) AND a.attname = e.col AND NOT a.attisdropped)
                                 THEN 'uuid keys' ELSE 'integer keys' END) AS keyshift
FROM {{ phase_values }} AS e (tbl, col);
COMMIT;

SELECT coalesce(b.probe, a.probe) AS probe,
       b.plan AS "plan, integer keys",
       a.plan AS "plan, uuid keys",
       round(b.median_ms::numeric, 3) AS "ms, integer",
       round(a.median_ms::numeric, 3) AS "ms, uuid",
       b.buffers AS "buffers, integer",
       a.buffers AS "buffers, uuid",
       coalesce(pg_size_pretty(b.index_bytes), CASE WHEN b.probe IS NOT NULL THEN 'no index' END) AS "index, integer",
       coalesce(pg_size_pretty(a.index_bytes), CASE WHEN a.probe IS NOT NULL THEN 'no index' END) AS "index, uuid"
FROM (SELECT * FROM keyshift_analyze.result WHERE phase = 'integer keys') AS b
FULL JOIN (SELECT * FROM keyshift_analyze.result WHERE phase = 'uuid keys') AS a ON a.probe = b.probe
ORDER BY coalesce(b.position, a.position), 1;
