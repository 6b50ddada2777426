{{ header }}
-- Read-only: changes nothing in the database. Checks that it is the one
-- this bundle was generated for and that forward.sql can run without
-- failing or losing data. Every problem found is listed; then the file
-- fails if there was any.

{% include "_assert.sql" %}
{%- if online %}

{% include "_one_process.sql" %}
{%- endif %}

CREATE TEMPORARY TABLE keyshift_problems (problem text NOT NULL);

-- The columns this bundle changes, with the integer type each must have.
CREATE TEMPORARY TABLE keyshift_columns (tbl text NOT NULL, col text NOT NULL, typ text NOT NULL);
{%- if !int_column_rows.is_empty() %}
INSERT INTO pg_temp.keyshift_columns VALUES
{{ int_column_rows }};
{%- endif %}

-- The foreign keys this bundle drops and recreates.
CREATE TEMPORARY TABLE keyshift_foreign_keys (tbl text NOT NULL, con text NOT NULL);
{%- if !foreign_keys.is_empty() %}
INSERT INTO pg_temp.keyshift_foreign_keys VALUES
{%- for f in foreign_keys %}
    ({{ f.table_regclass }}, {{ f.name_literal }}){% if !loop.last %},{% else %};{% endif %}
{%- endfor %}
{%- endif %}

-- The views, materialized views and policies this bundle drops and
-- recreates: (position, kind, table or view, policy name, whether the plan
-- replaces the view's query).
CREATE TEMPORARY TABLE keyshift_dependents (pos integer NOT NULL, kind text NOT NULL, rel text NOT NULL, name text, replaced boolean NOT NULL);
{%- if !dependents.is_empty() %}
INSERT INTO pg_temp.keyshift_dependents VALUES
{%- for d in dependents %}
    {{ d.preflight_row }}{% if !loop.last %},{% else %};{% endif %}
{%- endfor %}
{%- endif %}

-- Forward changes tables and recreates views only as their owner (or a
-- member of the owning role, or a superuser), and creates schema keyshift.
-- A role that lacks either learns it here, with every object named, rather
-- than from the first failing statement of forward; preflight stops here,
-- since it could not read those tables either.
INSERT INTO pg_temp.keyshift_problems
SELECT format('%s cannot run forward.sql: it does not have CREATE on database %s, which schema keyshift needs', current_user, current_database())
WHERE NOT has_database_privilege(current_database(), 'CREATE');
INSERT INTO pg_temp.keyshift_problems
SELECT format('%s cannot run forward.sql: %s %s is owned by %s; run it as that role, a member of it, or a superuser',
              current_user, CASE c.relkind WHEN 'v' THEN 'view' WHEN 'm' THEN 'materialized view' ELSE 'table' END,
              quote_ident(n.nspname) || '.' || quote_ident(c.relname), pg_get_userbyid(c.relowner))
FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
WHERE c.oid IN (SELECT to_regclass(tbl) FROM pg_temp.keyshift_columns
                UNION SELECT to_regclass(rel) FROM pg_temp.keyshift_dependents)
  AND NOT pg_has_role(current_user, c.relowner, 'MEMBER');

-- On a Citus coordinator a distributed, reference or Citus-local table
-- keeps its rows in shards that this bundle never touches: converting its
-- keys on the coordinator alone would leave every shard behind. keyshift
-- refuses such tables for now. pg_dist_partition exists only where Citus
-- is installed, so it is read through EXECUTE.
CREATE FUNCTION pg_temp.keyshift_citus_tables() RETURNS TABLE (tbl regclass, method "char")
LANGUAGE plpgsql AS $keyshift$
BEGIN
    IF to_regclass('pg_catalog.pg_dist_partition') IS NOT NULL THEN
        RETURN QUERY EXECUTE 'SELECT logicalrelid::regclass, partmethod FROM pg_catalog.pg_dist_partition';
    END IF;
END
$keyshift$;
INSERT INTO pg_temp.keyshift_problems
SELECT format('%s is a Citus %s table: keyshift does not convert keys in its shards on the worker nodes; convert it outside keyshift, or leave it and every table whose key it holds unconverted (--exclude-table)',
              quote_ident(n.nspname) || '.' || quote_ident(c.relname),
              CASE d.method WHEN 'n' THEN 'reference or local' ELSE 'distributed' END)
FROM pg_temp.keyshift_citus_tables() d
JOIN pg_class c ON c.oid = d.tbl JOIN pg_namespace n ON n.oid = c.relnamespace
WHERE d.tbl IN (SELECT to_regclass(tbl) FROM pg_temp.keyshift_columns);
SELECT pg_temp.keyshift_assert(
    NOT EXISTS (SELECT 1 FROM pg_temp.keyshift_problems),
    (SELECT count(*) || ' preflight problem(s): ' || string_agg(problem, '; ' ORDER BY problem) FROM pg_temp.keyshift_problems)
);

-- CHECK constraints, indexes (expressions, WHERE clauses) and generated
-- columns are rebuilt by ALTER COLUMN ... TYPE. Whether PostgreSQL accepts
-- them for uuid is tested exactly: the table's structure is copied into an
-- empty temporary table of this session and the same type change is
-- applied there, inside a block that always ends by raising
-- keyshift_rolled_back, so the copy vanishes with it. Nothing outside this
-- session's temporary schema is written.
--
-- Only the errors that mean "this definition does not work with uuid" are
-- caught and reported: classes 42 (an operator, function or cast missing,
-- a type mismatch), 22 (a constant that is no uuid) and 0A (a feature not
-- supported for the new type). Anything else stops preflight with the
-- server's own error.
--
-- CHECK constraints and partial indexes that compare a key with fixed ids
-- are translated by forward: the change drops such a CHECK, the indexes
-- named in translated_indexes go too, and `translated` then creates each
-- as forward will, with the nil uuid for every constant.
{%- if has_translations %}
{% let tail_schema = "pg_temp" %}{% let tail_prefix = "keyshift_" %}
{%- include "_index_tail.sql" %}

-- Drops the indexes that LIKE copied from src's indexes `names` onto
-- copy; LIKE creates them in src's index order, under names of its own.
CREATE FUNCTION pg_temp.keyshift_drop_like_indexes(src regclass, copy regclass, names name[]) RETURNS void
LANGUAGE plpgsql AS $keyshift$
DECLARE
    r record;
BEGIN
    FOR r IN SELECT n.relname
             FROM (SELECT x.relname, row_number() OVER (ORDER BY i.indexrelid) AS ord FROM pg_index i JOIN pg_class x ON x.oid = i.indexrelid WHERE i.indrelid = src) o
             JOIN (SELECT x.relname, row_number() OVER (ORDER BY i.indexrelid) AS ord FROM pg_index i JOIN pg_class x ON x.oid = i.indexrelid WHERE i.indrelid = copy) n USING (ord)
             WHERE o.relname = ANY (names) LOOP
        EXECUTE format('DROP INDEX pg_temp.%I', r.relname);
    END LOOP;
END
$keyshift$;
{%- endif %}
CREATE FUNCTION pg_temp.keyshift_probe(tbl text, change text, translated_indexes name[] DEFAULT '{}', translated text[] DEFAULT '{}') RETURNS text
LANGUAGE plpgsql AS $keyshift$
DECLARE
    problem text;
    statement text;
BEGIN
    IF to_regclass(tbl) IS NULL THEN
        RETURN NULL; -- the column checks below report the missing table
    END IF;
    BEGIN
        EXECUTE format('CREATE TEMPORARY TABLE keyshift_probe (LIKE %s INCLUDING CONSTRAINTS INCLUDING INDEXES INCLUDING GENERATED)', tbl);
        IF cardinality(translated_indexes) > 0 THEN
            EXECUTE 'SELECT pg_temp.keyshift_drop_like_indexes($1, $2, $3)' USING to_regclass(tbl), 'pg_temp.keyshift_probe'::regclass, translated_indexes;
        END IF;
        EXECUTE 'ALTER TABLE pg_temp.keyshift_probe ' || change;
        FOREACH statement IN ARRAY translated LOOP
            EXECUTE statement;
        END LOOP;
        RAISE EXCEPTION 'keyshift_rolled_back' USING ERRCODE = 'KS000';
    EXCEPTION
        WHEN SQLSTATE 'KS000' THEN
            problem := NULL;
        WHEN syntax_error_or_access_rule_violation OR data_exception OR feature_not_supported THEN
            problem := SQLERRM;
    END;
    RETURN problem;
END
$keyshift$;
{% for t in tables %}
INSERT INTO pg_temp.keyshift_problems
SELECT format('%s cannot change to uuid as planned: %s', {{ t.literal }}, msg)
FROM pg_temp.keyshift_probe({{ t.regclass }}, {{ t.probe_change }}{% if !t.translations.is_empty() %}, {{ t.probe_translated_indexes }}, {{ t.probe_translated }}{% endif %}) AS p (msg) WHERE msg IS NOT NULL;
{%- endfor %}
{%- if !constants.is_empty() %}

-- Each fixed id a CHECK constraint or partial index compares a key with
-- must name a row, and a sentinel compared by order must lie below every
-- id: forward translates them with the uuids rows get (PLAN.md lists
-- them).
{%- for c in constants %}{% if let Some(check) = c.check %}
INSERT INTO pg_temp.keyshift_problems {{ check }};
{%- endif %}{% endfor %}
{%- for t in tables %}{% for x in t.translations %}
INSERT INTO pg_temp.keyshift_problems {{ x.unsupported }};
{%- endfor %}{% endfor %}
{%- endif %}
{%- if !candidates.is_empty() %}

-- Columns that look like references to converted keys but are neither
-- foreign keys nor declared in keyshift.toml: the evidence for each.
{%- else if !orphans.is_empty() %}

-- The orphans keyshift.toml chose to keep (on_orphan), counted.
{%- endif %}
{%- if !candidates.is_empty() || !orphans.is_empty() %}
CREATE FUNCTION pg_temp.keyshift_notice(message text) RETURNS void
LANGUAGE plpgsql AS $keyshift$
BEGIN
    RAISE NOTICE '%', message;
END
$keyshift$;
{%- endif %}

{%- if !dependents.is_empty() %}

-- Forward recreates the views, policies, rules and triggers above from
-- their definitions once the keys are uuid. Whether each definition still
-- works is tested like the tables, one object at a time, each in a block
-- that always ends by raising keyshift_rolled_back:
--  * its closure is read from pg_depend: the converted tables and
--    recreated views it reads, and what those views read in turn (a
--    policy, rule or trigger reads its own table);
--  * the search path becomes pg_temp, the closure's schemas, pg_catalog,
--    and the server prints every definition under it, so each relation
--    visible there is printed unqualified; the schemas are ordered so
--    that none hides a closure relation of another where possible;
--  * every converted table of the closure gets an empty temporary copy of
--    the same name with the planned type change and every recreated view
--    a temporary view of the same name, which now answer to those
--    unqualified names; then the object is created again: a view as a
--    temporary view (a materialized view as a temporary table), with the
--    rules, triggers and indexes forward recreates with it, and a policy,
--    rule or trigger on the copy of its table.
-- No definition is edited: the server's own printer decides what it
-- qualifies. The test is exact only if every relation of the closure is
-- visible on that search path; if another relation of the same name
-- hides one (say the object reads two converted tables of the same name
-- from two schemas), the object is a problem, never skipped. Only one
-- object's copies exist at a time, so same-named tables of different
-- schemas meet only in an object that reads both. A view with a
-- replacement query, and what reads it, are not tested: a NOTICE names
-- them.
-- Policies whose fixed ids forward translates are tested in that shape,
-- with the nil uuid for every id.
CREATE TEMPORARY TABLE keyshift_translated_policy (rel text NOT NULL, name text NOT NULL, using_text text, check_text text);
{%- for p in translated_policies %}
INSERT INTO pg_temp.keyshift_translated_policy VALUES {{ p }};
{%- endfor %}
CREATE TEMPORARY TABLE keyshift_changes (tbl text NOT NULL, change text NOT NULL, translated_indexes name[] NOT NULL);
INSERT INTO pg_temp.keyshift_changes VALUES
{%- for t in tables %}
    ({{ t.regclass }}, {{ t.probe_change }}, {{ t.probe_translated_indexes }}){% if !loop.last %},{% else %};{% endif %}
{%- endfor %}

-- schema.name of a relation, whatever the search path.
CREATE FUNCTION pg_temp.keyshift_qualified(rel oid) RETURNS text
LANGUAGE sql STABLE AS $keyshift$
    SELECT quote_ident(n.nspname) || '.' || quote_ident(c.relname)
    FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE c.oid = rel
$keyshift$;

-- The planned relations: converted tables (kind 't', with their type
-- change) and recreated views, each with what pg_depend says it reads.
CREATE TEMPORARY TABLE keyshift_planned AS
SELECT c.oid AS rel, 't'::text AS kind, 0 AS pos, k.change, k.translated_indexes, false AS replaced
FROM pg_temp.keyshift_changes k JOIN pg_class c ON c.oid = to_regclass(k.tbl)
UNION ALL
SELECT c.oid, k.kind, k.pos, NULL, NULL, k.replaced
FROM pg_temp.keyshift_dependents k JOIN pg_class c ON c.oid = to_regclass(k.rel)
WHERE k.kind IN ('v', 'm');

-- The planned relations the catalog object (classid, objid) reads,
-- directly or through recreated views, by relation or by row type.
CREATE FUNCTION pg_temp.keyshift_closure(classid oid, objid oid) RETURNS SETOF oid
LANGUAGE sql STABLE AS $keyshift$
    WITH RECURSIVE reached (rel) AS (
        SELECT c.oid
        FROM pg_depend e
        JOIN pg_class c ON (e.refclassid = 'pg_class'::regclass AND e.refobjid = c.oid)
                        OR (e.refclassid = 'pg_type'::regclass AND e.refobjid = c.reltype)
        WHERE e.classid = keyshift_closure.classid AND e.objid = keyshift_closure.objid
        UNION
        SELECT c.oid
        FROM reached r
        JOIN pg_temp.keyshift_planned p ON p.rel = r.rel AND p.kind IN ('v', 'm')
        JOIN pg_rewrite w ON w.ev_class = r.rel AND w.rulename = '_RETURN'
        JOIN pg_depend e ON e.classid = 'pg_rewrite'::regclass AND e.objid = w.oid
        JOIN pg_class c ON (e.refclassid = 'pg_class'::regclass AND e.refobjid = c.oid)
                        OR (e.refclassid = 'pg_type'::regclass AND e.refobjid = c.reltype)
    )
    SELECT r.rel FROM reached r WHERE r.rel IN (SELECT p.rel FROM pg_temp.keyshift_planned p)
$keyshift$;

CREATE FUNCTION pg_temp.keyshift_probe_dependents() RETURNS SETOF text
LANGUAGE plpgsql AS $keyshift$
DECLARE
    d record;
    r record;
    closure oid[];
    schemas text;
    left_over oid[];
    next_schema oid;
    replaced text;
    problem text;
    step text;
    part text;
    stmts text[];
    steps text[];
    parts text[];
    part_labels text[];
    visible oid[];
    stand_in text;
BEGIN
    FOR d IN SELECT k.pos, k.kind, k.replaced, o.classid, o.objid, o.rel,
                    CASE k.kind WHEN 'v' THEN 'view ' || pg_temp.keyshift_qualified(o.rel)
                                WHEN 'm' THEN 'materialized view ' || pg_temp.keyshift_qualified(o.rel)
                                ELSE format('%s %I on %s', k.kind, k.name, pg_temp.keyshift_qualified(o.rel)) END AS label,
                    CASE WHEN k.kind IN ('v', 'm') THEN 'Give it a replacement query that works with uuid keys, or exclude the tables it reads'
                         ELSE 'Drop it before generating the bundle and create it for uuid keys after forward, or exclude its table' END AS advice
             FROM pg_temp.keyshift_dependents k
             -- An object missing from the database is reported below, by
             -- the check that every planned object exists.
             JOIN LATERAL (
                 SELECT 'pg_rewrite'::regclass::oid, w.oid, w.ev_class FROM pg_rewrite w
                 WHERE k.kind IN ('v', 'm') AND w.ev_class = to_regclass(k.rel) AND w.rulename = '_RETURN'
                 UNION ALL
                 SELECT 'pg_rewrite'::regclass::oid, w.oid, w.ev_class FROM pg_rewrite w
                 WHERE k.kind = 'rule' AND w.ev_class = to_regclass(k.rel) AND w.rulename = k.name
                 UNION ALL
                 SELECT 'pg_policy'::regclass::oid, p.oid, p.polrelid FROM pg_policy p
                 WHERE k.kind = 'policy' AND p.polrelid = to_regclass(k.rel) AND p.polname = k.name
                 UNION ALL
                 SELECT 'pg_trigger'::regclass::oid, t.oid, t.tgrelid FROM pg_trigger t
                 WHERE k.kind = 'trigger' AND t.tgrelid = to_regclass(k.rel) AND t.tgname = k.name AND NOT t.tgisinternal
             ) AS o (classid, objid, rel) ON true
             ORDER BY k.pos LOOP
        IF d.replaced THEN
            RAISE NOTICE 'keyshift: % is recreated from its replacement query, which preflight does not test', d.label;
            CONTINUE;
        END IF;
        -- A view tested as itself is not a copy it reads.
        SELECT coalesce(array_agg(c.rel), '{}') INTO closure
        FROM pg_temp.keyshift_closure(d.classid, d.objid) AS c (rel)
        WHERE NOT (d.kind IN ('v', 'm') AND c.rel = d.rel);
        SELECT string_agg(DISTINCT pg_temp.keyshift_qualified(p.rel), ', ')
        INTO replaced
        FROM pg_temp.keyshift_planned p WHERE p.rel = ANY (closure) AND p.replaced;
        IF replaced IS NOT NULL THEN
            RAISE NOTICE 'keyshift: % reads %, recreated from a replacement query, which preflight does not test; so it is not tested either', d.label, replaced;
            CONTINUE;
        END IF;
        -- A view with rules, triggers or indexes of its own is stood in for
        -- under its own name, which must then be visible too, so that they
        -- can be created on the stand-in; other views get a fixed name,
        -- which no relation it reads can hide.
        visible := closure;
        stand_in := 'keyshift_tested';
        IF d.kind IN ('v', 'm') AND (EXISTS (SELECT 1 FROM pg_rewrite w WHERE w.ev_class = d.rel AND w.rulename <> '_RETURN')
                                      OR EXISTS (SELECT 1 FROM pg_trigger t WHERE t.tgrelid = d.rel AND NOT t.tgisinternal)
                                      OR EXISTS (SELECT 1 FROM pg_index i WHERE i.indrelid = d.rel)) THEN
            visible := closure || d.rel;
            stand_in := (SELECT relname FROM pg_class WHERE oid = d.rel);
        END IF;
        problem := NULL;
        step := NULL;
        part := NULL;
        BEGIN
            -- The closure's schemas, each placed before every schema that
            -- holds a relation or type named like one of its own closure
            -- relations, so nothing hides them; by name among equals.
            -- With no such order, the check below names what is hidden.
            SELECT coalesce(array_agg(DISTINCT c.relnamespace), '{}') INTO left_over
            FROM pg_class c WHERE c.oid = ANY (visible);
            schemas := NULL;
            WHILE cardinality(left_over) > 0 LOOP
                SELECT n.oid INTO next_schema
                FROM pg_namespace n
                WHERE n.oid = ANY (left_over)
                ORDER BY EXISTS (
                    SELECT 1 FROM pg_class c
                    WHERE c.oid = ANY (visible) AND c.relnamespace = ANY (left_over) AND c.relnamespace <> n.oid
                      AND (EXISTS (SELECT 1 FROM pg_class h WHERE h.relnamespace = n.oid AND h.relname = c.relname)
                           OR EXISTS (SELECT 1 FROM pg_type h WHERE h.typnamespace = n.oid AND h.typname = c.relname))),
                    n.nspname
                LIMIT 1;
                schemas := coalesce(schemas || ', ', '') || quote_ident((SELECT nspname FROM pg_namespace WHERE oid = next_schema));
                left_over := array_remove(left_over, next_schema);
            END LOOP;
            PERFORM set_config('search_path', 'pg_temp, ' || coalesce(schemas || ', ', '') || 'pg_catalog', true);
            SELECT format('%s cannot be tested by preflight: it reads %s, but %s has the same name and hides it on the search path the test needs. Rename one of them, or exclude the tables it reads',
                          d.label, pg_temp.keyshift_qualified(c.oid),
                          CASE WHEN pg_table_is_visible(c.oid) THEN 'a type' ELSE pg_temp.keyshift_qualified(to_regclass(quote_ident(c.relname))) END)
            INTO problem
            FROM pg_class c WHERE c.oid = ANY (visible) AND NOT (pg_table_is_visible(c.oid) AND pg_type_is_visible(c.reltype))
            ORDER BY 1 LIMIT 1;
            IF problem IS NULL THEN
                -- Print every definition before any copy hides a name.
                stmts := '{}';
                steps := '{}';
                FOR r IN SELECT p.rel, p.kind, p.change, p.translated_indexes, c.relname FROM pg_temp.keyshift_planned p JOIN pg_class c ON c.oid = p.rel
                         WHERE p.rel = ANY (closure) ORDER BY p.kind <> 't', p.pos, c.relname LOOP
                    IF r.kind = 't' THEN
                        stmts := stmts || format('CREATE TEMPORARY TABLE %I (LIKE %s INCLUDING CONSTRAINTS INCLUDING INDEXES INCLUDING GENERATED)', r.relname, pg_temp.keyshift_qualified(r.rel))
                                       || CASE WHEN cardinality(r.translated_indexes) > 0
                                               THEN ARRAY[format('SELECT pg_temp.keyshift_drop_like_indexes(%s, %L, %L)', r.rel, 'pg_temp.' || quote_ident(r.relname), r.translated_indexes)]
                                               ELSE '{}'::text[] END
                                       || format('ALTER TABLE pg_temp.%I %s', r.relname, r.change);
                        steps := steps || ('table ' || pg_temp.keyshift_qualified(r.rel))
                                       || CASE WHEN cardinality(r.translated_indexes) > 0 THEN ARRAY['table ' || pg_temp.keyshift_qualified(r.rel)] ELSE '{}'::text[] END
                                       || ('table ' || pg_temp.keyshift_qualified(r.rel));
                    ELSE
                        stmts := stmts || format('CREATE TEMPORARY VIEW %I AS %s', r.relname, rtrim(pg_get_viewdef(r.rel), ';'));
                        steps := steps || (CASE r.kind WHEN 'v' THEN 'view ' ELSE 'materialized view ' END || pg_temp.keyshift_qualified(r.rel));
                    END IF;
                END LOOP;
                stmts := stmts || CASE d.kind
                    WHEN 'trigger' THEN pg_get_triggerdef(d.objid, true)
                    WHEN 'rule' THEN rtrim(pg_get_ruledef(d.objid, true), ';')
                    WHEN 'policy' THEN (
                        SELECT format('CREATE POLICY %I ON pg_temp.%I AS %s FOR %s TO %s', p.polname, c.relname,
                                      CASE WHEN p.polpermissive THEN 'PERMISSIVE' ELSE 'RESTRICTIVE' END,
                                      CASE p.polcmd WHEN 'r' THEN 'SELECT' WHEN 'a' THEN 'INSERT' WHEN 'w' THEN 'UPDATE' WHEN 'd' THEN 'DELETE' ELSE 'ALL' END,
                                      (SELECT string_agg(CASE WHEN u.role = 0 THEN 'PUBLIC' ELSE quote_ident(pg_get_userbyid(u.role)) END, ', ' ORDER BY u.ord)
                                       FROM unnest(p.polroles) WITH ORDINALITY AS u (role, ord)))
                               || coalesce(' USING (' || coalesce(x.using_text, pg_get_expr(p.polqual, p.polrelid)) || ')', '')
                               || coalesce(' WITH CHECK (' || coalesce(x.check_text, pg_get_expr(p.polwithcheck, p.polrelid)) || ')', '')
                        FROM pg_policy p JOIN pg_class c ON c.oid = p.polrelid
                        LEFT JOIN pg_temp.keyshift_translated_policy x ON to_regclass(x.rel) = p.polrelid AND x.name = p.polname
                        WHERE p.oid = d.objid)
                    WHEN 'v' THEN format('CREATE TEMPORARY VIEW %I AS %s', stand_in, rtrim(pg_get_viewdef(d.rel), ';'))
                    -- A temporary table, since there are no temporary
                    -- materialized views: the same query, and indexes.
                    ELSE format('CREATE TEMPORARY TABLE %I AS %s WITH NO DATA', stand_in, rtrim(pg_get_viewdef(d.rel), ';')) END;
                -- What forward recreates with a view: its rules, triggers
                -- and indexes, printed while the view itself is visible.
                SELECT coalesce(array_agg(o.def ORDER BY o.ord, o.label), '{}'), coalesce(array_agg(o.label ORDER BY o.ord, o.label), '{}')
                INTO parts, part_labels
                FROM (SELECT 1 AS ord, rtrim(pg_get_ruledef(w.oid, true), ';') AS def, format('rule %I on %s', w.rulename, d.label) AS label
                      FROM pg_rewrite w WHERE w.ev_class = d.rel AND w.rulename <> '_RETURN' AND stand_in <> 'keyshift_tested'
                      UNION ALL
                      SELECT 2, pg_get_triggerdef(t.oid, true), format('trigger %I on %s', t.tgname, d.label)
                      FROM pg_trigger t WHERE t.tgrelid = d.rel AND NOT t.tgisinternal AND stand_in <> 'keyshift_tested'
                      UNION ALL
                      SELECT 3, pg_get_indexdef(i.indexrelid, 0, true), format('index %I on %s', c.relname, d.label)
                      FROM pg_index i JOIN pg_class c ON c.oid = i.indexrelid WHERE i.indrelid = d.rel AND stand_in <> 'keyshift_tested') AS o;
                FOR i IN 1 .. array_length(stmts, 1) LOOP
                    step := steps[i];
                    EXECUTE stmts[i];
                END LOOP;
                FOR i IN 1 .. coalesce(array_length(parts, 1), 0) LOOP
                    part := part_labels[i];
                    EXECUTE parts[i];
                END LOOP;
            END IF;
            RAISE EXCEPTION 'keyshift_rolled_back' USING ERRCODE = 'KS000';
        EXCEPTION
            WHEN SQLSTATE 'KS000' THEN
                NULL; -- the copies are gone; problem says whether it passed
            WHEN syntax_error_or_access_rule_violation OR data_exception OR feature_not_supported THEN
                problem := CASE
                    WHEN part IS NOT NULL
                    THEN format('%s cannot be recreated once the keys are uuid: %s. Drop it before generating the bundle and create it for uuid keys after forward, or exclude the tables the view reads', part, SQLERRM)
                    WHEN step IS NULL
                    THEN format('%s cannot be recreated once the keys are uuid: %s. %s', d.label, SQLERRM, d.advice)
                    ELSE format('%s cannot be tested once the keys are uuid, because %s, which it reads, fails: %s', d.label, step, SQLERRM) END;
        END;
        IF problem IS NOT NULL THEN
            RETURN NEXT problem;
        END IF;
    END LOOP;
END
$keyshift$;

INSERT INTO pg_temp.keyshift_problems SELECT pg_temp.keyshift_probe_dependents();
{%- endif %}

-- Runs a count whose columns may have gone missing since the bundle was
-- generated; the column checks below report those, so NULL here.
CREATE FUNCTION pg_temp.keyshift_count(query text) RETURNS bigint
LANGUAGE plpgsql AS $keyshift$
DECLARE
    n bigint;
BEGIN
    EXECUTE query INTO n;
    RETURN n;
EXCEPTION WHEN undefined_column OR undefined_table THEN
    RETURN NULL;
END
$keyshift$;

BEGIN TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY;
SET LOCAL search_path = pg_catalog, pg_temp;

INSERT INTO pg_temp.keyshift_problems
SELECT 'keyshift supports PostgreSQL 14 and later; this server is ' || version()
WHERE current_setting('server_version_num')::integer < 140000;

INSERT INTO pg_temp.keyshift_problems
SELECT 'schema keyshift already exists: forward has already run, or a previous run was contracted'
WHERE to_regnamespace('keyshift') IS NOT NULL;


-- Every column that changes must exist with the integer type the plan expects.
INSERT INTO pg_temp.keyshift_problems
SELECT CASE
    WHEN a.attnum IS NULL THEN format('column %s.%s does not exist', coalesce(to_regclass(e.tbl)::text, e.tbl), e.col)
    ELSE format('column %s.%s is %s, but the plan expects %s', a.attrelid::regclass, e.col, format_type(a.atttypid, a.atttypmod), e.typ)
END
FROM pg_temp.keyshift_columns AS e
LEFT JOIN pg_attribute a ON a.attrelid = to_regclass(e.tbl) AND a.attname = e.col AND NOT a.attisdropped
WHERE a.attnum IS NULL OR format_type(a.atttypid, a.atttypmod) <> e.typ;
-- A foreign key that touches a converted column but is not in this bundle
-- (added after the schema was read) would break forward halfway.
INSERT INTO pg_temp.keyshift_problems
SELECT format('foreign key %s on %s touches a column that becomes uuid, but this bundle does not know it; regenerate the bundle from the current schema', c.conname, c.conrelid::regclass)
FROM pg_constraint c
WHERE c.contype = 'f' AND c.conparentid = 0
  AND EXISTS (
      SELECT 1 FROM pg_temp.keyshift_columns AS e
      JOIN pg_attribute a ON a.attrelid = to_regclass(e.tbl) AND a.attname = e.col
      WHERE (a.attrelid = c.confrelid AND a.attnum = ANY (c.confkey))
         OR (a.attrelid = c.conrelid AND a.attnum = ANY (c.conkey)))
  AND NOT EXISTS (
      SELECT 1 FROM pg_temp.keyshift_foreign_keys AS p
      WHERE to_regclass(p.tbl) = c.conrelid AND p.con = c.conname);

{% if !foreign_keys.is_empty() %}
-- Every foreign key the plan recreates must exist under the expected name.
INSERT INTO pg_temp.keyshift_problems
SELECT format('foreign key %s on %s does not exist', e.con, coalesce(to_regclass(e.tbl)::text, e.tbl))
FROM pg_temp.keyshift_foreign_keys AS e
WHERE NOT EXISTS (
    SELECT 1 FROM pg_constraint c
    WHERE c.conrelid = to_regclass(e.tbl) AND c.conname = e.con AND c.contype = 'f'
);

-- Rows whose foreign key has no parent (possible after NOT VALID or with
-- triggers disabled) would make recreating the constraint fail.
{%- for f in foreign_keys %}
INSERT INTO pg_temp.keyshift_problems
SELECT format('%s rows of %s break foreign key %s: their parent row does not exist', n, {{ f.table_literal }}, {{ f.name_literal }})
FROM pg_temp.keyshift_count({{ f.orphans }}) AS o (n)
WHERE n > 0;
{%- endfor %}
{% endif %}
-- Objects that depend on a converted column and that ALTER COLUMN ... TYPE
-- cannot carry over, unless this bundle drops and recreates them: views,
-- rules, policies, column triggers, and publications that publish a column
-- list or a row filter.
INSERT INTO pg_temp.keyshift_problems
SELECT format('%s uses %s, which become uuid, but this bundle does not recreate it; regenerate the bundle from the current schema, or drop it before the migration and recreate it afterwards',
              pg_describe_object(d.classid, d.objid, 0),
              string_agg(DISTINCT a.attrelid::regclass::text || '.' || quote_ident(e.col), ', '))
FROM pg_temp.keyshift_columns AS e
JOIN pg_attribute a ON a.attrelid = to_regclass(e.tbl) AND a.attname = e.col
JOIN pg_depend d ON d.refclassid = 'pg_class'::regclass AND d.refobjid = a.attrelid AND d.refobjsubid = a.attnum
WHERE d.classid IN ('pg_rewrite'::regclass, 'pg_policy'::regclass, 'pg_trigger'::regclass, 'pg_publication_rel'::regclass)
  AND NOT EXISTS (
      SELECT 1 FROM pg_rewrite w JOIN pg_temp.keyshift_dependents k ON to_regclass(k.rel) = w.ev_class
           AND (k.kind IN ('v', 'm') OR (k.kind = 'rule' AND w.rulename = k.name))
      WHERE d.classid = 'pg_rewrite'::regclass AND w.oid = d.objid)
  AND NOT EXISTS (
      SELECT 1 FROM pg_policy p JOIN pg_temp.keyshift_dependents k ON k.kind = 'policy' AND to_regclass(k.rel) = p.polrelid AND k.name = p.polname
      WHERE d.classid = 'pg_policy'::regclass AND p.oid = d.objid)
  AND NOT EXISTS (
      SELECT 1 FROM pg_trigger t JOIN pg_temp.keyshift_dependents k ON k.kind = 'trigger' AND to_regclass(k.rel) = t.tgrelid AND k.name = t.tgname
      WHERE d.classid = 'pg_trigger'::regclass AND t.oid = d.objid)
GROUP BY d.classid, d.objid;
{%- if !dependents.is_empty() %}

-- Every view and policy the bundle recreates must exist as planned.
INSERT INTO pg_temp.keyshift_problems
SELECT format('%s %s does not exist; regenerate the bundle from the current schema',
              CASE k.kind WHEN 'v' THEN 'view' WHEN 'm' THEN 'materialized view' ELSE k.kind || ' ' || quote_ident(k.name) || ' on table' END, k.rel)
FROM pg_temp.keyshift_dependents AS k
WHERE CASE k.kind
    WHEN 'policy' THEN NOT EXISTS (SELECT 1 FROM pg_policy p WHERE p.polrelid = to_regclass(k.rel) AND p.polname = k.name)
    WHEN 'trigger' THEN NOT EXISTS (SELECT 1 FROM pg_trigger t WHERE t.tgrelid = to_regclass(k.rel) AND t.tgname = k.name AND NOT t.tgisinternal)
    WHEN 'rule' THEN NOT EXISTS (SELECT 1 FROM pg_rewrite w WHERE w.ev_class = to_regclass(k.rel) AND w.rulename = k.name)
    ELSE NOT EXISTS (SELECT 1 FROM pg_class c WHERE c.oid = to_regclass(k.rel) AND c.relkind::text = k.kind)
END;

-- Forward drops the views above without CASCADE: anything else that
-- depends on one of them (a view this bundle does not know, a function
-- using its row type) would stop it.
INSERT INTO pg_temp.keyshift_problems
SELECT DISTINCT format('%s depends on %s, which forward drops and recreates; drop it before the migration and recreate it afterwards, or regenerate the bundle if it is a new view',
                       pg_describe_object(d.classid, d.objid, 0), pg_describe_object('pg_class'::regclass, v.oid, 0))
FROM pg_temp.keyshift_dependents AS k
JOIN pg_class v ON v.oid = to_regclass(k.rel) AND k.kind IN ('v', 'm')
JOIN pg_depend d ON d.deptype = 'n'
                AND ((d.refclassid = 'pg_class'::regclass AND d.refobjid = v.oid)
                  OR (d.refclassid = 'pg_type'::regclass AND d.refobjid = v.reltype))
WHERE NOT EXISTS (
      SELECT 1 FROM pg_rewrite w JOIN pg_temp.keyshift_dependents k2 ON to_regclass(k2.rel) = w.ev_class
           AND (k2.kind IN ('v', 'm') OR (k2.kind = 'rule' AND w.rulename = k2.name))
      WHERE d.classid = 'pg_rewrite'::regclass AND w.oid = d.objid)
  AND NOT EXISTS (
      SELECT 1 FROM pg_policy p JOIN pg_temp.keyshift_dependents k2 ON k2.kind = 'policy' AND to_regclass(k2.rel) = p.polrelid AND k2.name = p.polname
      WHERE d.classid = 'pg_policy'::regclass AND p.oid = d.objid);
{%- endif %}

-- A partition or child table that inherits a converted column changes
-- with its parent, so the bundle must know it: it fingerprints, checks and
-- rolls back every table it changes.
INSERT INTO pg_temp.keyshift_problems
SELECT format('table %s inherits %s from %s, which become uuid, but this bundle does not know it; regenerate the bundle from the current schema',
              h.inhrelid::regclass, string_agg(quote_ident(e.col), ', ' ORDER BY a.attnum), h.inhparent::regclass)
FROM pg_temp.keyshift_columns AS e
JOIN pg_inherits h ON h.inhparent = to_regclass(e.tbl)
JOIN pg_attribute a ON a.attrelid = h.inhrelid AND a.attname = e.col AND NOT a.attisdropped
WHERE NOT EXISTS (
    SELECT 1 FROM pg_temp.keyshift_columns AS k
    WHERE to_regclass(k.tbl) = h.inhrelid AND k.col = e.col)
GROUP BY h.inhrelid, h.inhparent;

-- PostgreSQL 18 cannot change the type of an inherited column from the
-- parent when a child also declares the column NOT NULL itself (directly or
-- through its own primary key): it re-creates the child's not-null
-- constraint next to the inherited one and fails. Older servers can.
INSERT INTO pg_temp.keyshift_problems
SELECT format('table %s declares %s NOT NULL itself (constraint %s), but inherits it; PostgreSQL 18 cannot change the type of such a column through its parent; run the migration on PostgreSQL 17 or earlier, or exclude the family with --exclude-table', c.conrelid::regclass, quote_ident(a.attname), quote_ident(c.conname))
FROM pg_temp.keyshift_columns AS e
JOIN pg_attribute a ON a.attrelid = to_regclass(e.tbl) AND a.attname = e.col AND a.attinhcount > 0
JOIN pg_constraint c ON c.conrelid = a.attrelid AND c.contype = 'n' AND c.conislocal AND c.coninhcount > 0 AND a.attnum = ANY (c.conkey)
WHERE current_setting('server_version_num')::integer >= 180000;

-- Rows are routed to partitions by their partition key; a key column that
-- becomes uuid would break integer bounds or move rows between partitions.
INSERT INTO pg_temp.keyshift_problems
SELECT format('table %s is partitioned by %s, which would become uuid; repartition it by a column that keeps its type, or exclude the keys it holds', c.oid::regclass, pg_get_partkeydef(c.oid))
FROM pg_partitioned_table pt
JOIN pg_class c ON c.oid = pt.partrelid
WHERE EXISTS (
    SELECT 1 FROM pg_temp.keyshift_columns AS e
    JOIN pg_attribute a ON a.attrelid = to_regclass(e.tbl) AND a.attname = e.col
    WHERE a.attrelid = pt.partrelid
      AND (a.attnum = ANY (pt.partattrs::int2[])
           OR a.attnum::text IN (SELECT m[1] FROM regexp_matches(coalesce(pt.partexprs::text, ''), ':varattno (\d+)', 'g') AS m)));
{%- for t in tables -%}
{%- if let Some(r) = t.root -%}
{%- if !r.members.is_empty() %}

{{ "{} shares its key with {}; each old id gets one uuid, so an id held by two rows of the family would merge them."|format(t.display, r.members.join(", "))|comment }}
INSERT INTO pg_temp.keyshift_problems
SELECT format('%s id(s) of %s.%s are each held by more than one row of %s and its partitions or children; each old id gets one uuid, so make them unique across the family before migrating', n, {{ t.literal }}, {{ r.literal }}, {{ t.literal }})
FROM (SELECT count(*) FROM (SELECT {{ r.column }} FROM {{ r.scan }} WHERE {{ r.column }} IS NOT NULL GROUP BY {{ r.column }} HAVING count(*) > 1) AS d) AS o (n)
WHERE n > 0;
{%- endif %}
{%- endif %}
{%- endfor %}
{% for t in tables -%}
{%- if let Some(r) = t.root -%}
{%- if let Some(s) = r.sequence -%}
{%- if r.identity.is_some() %}
-- Dropping the identity drops its sequence; grants on it would be lost.
INSERT INTO pg_temp.keyshift_problems
SELECT format('identity sequence %s has grants, which rollback could not restore', {{ s.literal }})
FROM pg_class c WHERE c.oid = to_regclass({{ s.regclass }}) AND c.relacl IS NOT NULL;
{%- else %}
INSERT INTO pg_temp.keyshift_problems
SELECT format('sequence %s behind %s.%s does not exist', {{ s.literal }}, {{ t.literal }}, {{ r.literal }})
WHERE to_regclass({{ s.regclass }}) IS NULL;
{%- endif %}
{%- endif %}
{%- endif %}
{%- endfor %}
{%- for t in tables %}{% if let Some(r) = t.root %}{% if let Some(expected) = r.default_literal %}
-- A key default other than a sequence's must print, schema-qualified, as
-- the bundle expects: verify_rollback.sql compares it with that text.
INSERT INTO pg_temp.keyshift_problems
SELECT format('%s.%s has the default %s, but this bundle expects %s, which verify_rollback.sql checks after rollback; generate the bundle again from the live database or from pg_dump --schema-only output', {{ t.literal }}, {{ r.literal }}, coalesce(pg_get_expr(d.adbin, d.adrelid), 'none'), {{ expected }})
FROM pg_attribute a LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
WHERE a.attrelid = to_regclass({{ t.regclass }}) AND a.attname = {{ r.literal }} AND NOT a.attisdropped
  AND pg_get_expr(d.adbin, d.adrelid) IS DISTINCT FROM {{ expected }};
{%- endif %}{% endif %}{% endfor %}
{%- if !declared.is_empty() || !polymorphic.is_empty() %}

-- References keyshift.toml declares have no constraint to keep them
-- honest: a value with no parent row would convert to a uuid no row holds.
{%- for d in declared %}{% if !d.kept %}
INSERT INTO pg_temp.keyshift_problems
SELECT n || {{ d.message }} FROM ({{ d.orphans }}) AS o (n) WHERE n > 0;
{%- endif %}{% endfor %}
{%- if !orphans.is_empty() %}
-- Where keyshift.toml chose on_orphan = "null" or "keep", orphans are no
-- problem: each count is reported, and forward records every value.
{%- for o in orphans %}
{{ o.notice }}
{%- endfor %}
{%- endif %}
{%- for p in polymorphic %}
INSERT INTO pg_temp.keyshift_problems
SELECT format({{ p.unknown_format }}, n, v) FROM ({{ p.unknown_types }}) AS o (n, v);
{%- for (orphans, message) in p.orphans %}
INSERT INTO pg_temp.keyshift_problems
SELECT n || {{ message }} FROM ({{ orphans }}) AS o (n) WHERE n > 0;
{%- endfor %}
{%- endfor %}
{%- endif %}
{%- if !candidates.is_empty() %}

-- Candidates (see PLAN.md): for each column, how many values lie outside
-- the referenced key's range and how many have no row there; for each
-- polymorphic-looking pair, its type values. A NOTICE; the blockers
-- above, if any, are what stops the migration.
{%- for c in candidates %}
{{ c.notice }}
{%- endfor %}
{%- endif %}
{%- for s in surrogates %}

{{ "Surrogate key of {} (keyshift.toml): the names forward adds must be free."|format(s.display)|comment }}
INSERT INTO pg_temp.keyshift_problems
SELECT format('%s already has a column %s, which its surrogate key would add', {{ s.literal }}, {{ s.column_literal }})
FROM pg_attribute a WHERE a.attrelid = to_regclass({{ s.regclass }}) AND a.attname = {{ s.column_literal }} AND NOT a.attisdropped;
INSERT INTO pg_temp.keyshift_problems
SELECT format('the name %s, which the old key of %s would take as a UNIQUE constraint, is taken', {{ s.unique_literal }}, {{ s.literal }})
FROM pg_class c WHERE c.relname = {{ s.unique_literal }} AND c.relnamespace = (SELECT relnamespace FROM pg_class WHERE oid = to_regclass({{ s.regclass }}));
{%- for r in s.repoints %}
INSERT INTO pg_temp.keyshift_problems
SELECT format('%s already has a column %s, which repointing %s would add', {{ r.table_literal }}, {{ r.column_literal }}, {{ r.name_literal }})
FROM pg_attribute a WHERE a.attrelid = to_regclass({{ r.table_regclass }}) AND a.attname = {{ r.column_literal }} AND NOT a.attisdropped;
{%- endfor %}
{%- endfor %}
{%- for s in uuid.schemas %}

-- Version 7 keys: before PostgreSQL 18, forward makes this function for
-- new rows' defaults, and never replaces one that exists.
INSERT INTO pg_temp.keyshift_problems
SELECT format('function %s exists; forward makes it for version 7 defaults and would not replace it', {{ s.regprocedure }})
WHERE current_setting('server_version_num')::int < 180000 AND to_regprocedure({{ s.regprocedure }}) IS NOT NULL;
{%- endfor %}
{% for b in blockers %}
INSERT INTO pg_temp.keyshift_problems VALUES ({{ b }});
{%- endfor %}

COMMIT;
{% if !warnings.is_empty() %}
-- Not fatal, but a human must check these before running forward.sql:
{%- for w in warnings %}
{{ "* {}"|format(w)|comment }}
{%- endfor %}
{% endif %}
SELECT problem AS "keyshift preflight problem" FROM pg_temp.keyshift_problems ORDER BY problem;

{% if !rebuilt_regclasses.is_empty() %}

-- Forward rebuilds these tables: it builds a copy beside each and swaps it
-- in. The copy must carry everything that names the table, so what would
-- go on naming the original instead, or what a copy cannot have, is a
-- problem here (forward checks the same again and fails without changing
-- anything). `generate --in-place` alters every table instead.
CREATE FUNCTION pg_temp.keyshift_rebuild_problems(tbl text, rebuilt text[]) RETURNS SETOF text
LANGUAGE sql STABLE AS $keyshift$
    SELECT format('table %s %s; generate the bundle again from the live database, or with --in-place', quote_ident(n.nspname) || '.' || quote_ident(c.relname), why)
    FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace,
    LATERAL (
        SELECT 'is partitioned, a partition or in an inheritance family now, which the bundle did not plan for'
        WHERE c.relkind <> 'r' OR c.relispartition OR EXISTS (SELECT 1 FROM pg_inherits WHERE inhrelid = c.oid OR inhparent = c.oid)
        UNION ALL
        SELECT 'has its row type used by ' || string_agg(pg_describe_object(d.classid, d.objid, d.objsubid), ', ') || ', which a rebuilt table cannot keep'
        FROM pg_depend d
        WHERE d.refclassid = 'pg_type'::regclass AND d.refobjid IN (c.reltype, (SELECT typarray FROM pg_type WHERE oid = c.reltype)) AND d.deptype = 'n'
        HAVING count(*) > 0
        UNION ALL
        SELECT format('has the identity column %I besides its key, whose sequence a rebuilt table cannot keep', a.attname)
        FROM pg_attribute a
        WHERE a.attrelid = c.oid AND a.attnum > 0 AND NOT a.attisdropped AND a.attidentity <> ''
          AND a.attname NOT IN (SELECT col FROM pg_temp.keyshift_columns WHERE to_regclass(keyshift_columns.tbl) = c.oid)
        UNION ALL
        SELECT 'has security labels, which a rebuilt table would not keep'
        WHERE EXISTS (SELECT 1 FROM pg_seclabel WHERE classoid = 'pg_class'::regclass AND objoid = c.oid)
        UNION ALL
        SELECT 'belongs to an extension'
        WHERE EXISTS (SELECT 1 FROM pg_depend WHERE classid = 'pg_class'::regclass AND objid = c.oid AND deptype = 'e')
        UNION ALL
        SELECT format('is referenced by foreign key %I of %s, which forward does not rebuild', k.conname, quote_ident(kn.nspname) || '.' || quote_ident(kc.relname))
        FROM pg_constraint k JOIN pg_class kc ON kc.oid = k.conrelid JOIN pg_namespace kn ON kn.oid = kc.relnamespace
        WHERE k.contype = 'f' AND k.confrelid = c.oid AND k.conrelid NOT IN (SELECT to_regclass(r) FROM unnest(rebuilt) AS r)
    ) AS p (why)
    WHERE c.oid = to_regclass(tbl)
$keyshift$;
INSERT INTO pg_temp.keyshift_problems
SELECT p FROM unnest({{ rebuilt_regclasses }}::text[]) AS r (tbl), pg_temp.keyshift_rebuild_problems(r.tbl, {{ rebuilt_regclasses }}::text[]) AS p;
{%- endif %}

SELECT pg_temp.keyshift_assert(
    NOT EXISTS (SELECT 1 FROM pg_temp.keyshift_problems),
    (SELECT count(*) || ' preflight problem(s): ' || string_agg(problem, '; ' ORDER BY problem) FROM pg_temp.keyshift_problems)
);
