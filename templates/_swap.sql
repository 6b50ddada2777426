-- Build and swap. A table converted this way is never altered: a copy is
-- built beside it (in a schema of keyshift's own, under the same names, so
-- every index and constraint gets its real name), its rows are written
-- once with the new key values, its indexes and constraints are built on
-- the full data, and a short swap at the end moves the copy into place and
-- the original aside. Until the swap the original holds at most SHARE:
-- reads go on, writes wait.
--
-- Everything below reads the live catalog at run time, so the copy carries
-- what pg_dump shows of the table even where the bundle was made from a
-- DDL file that did not say it. What a copy cannot carry stops the
-- transaction with a message that names it; nothing is changed.
CREATE TABLE keyshift.swap (
    position integer PRIMARY KEY,
    -- The table as to_regclass reads it: '"public"."users"'.
    live text NOT NULL UNIQUE,
    schema_name name NOT NULL,
    table_name name NOT NULL,
    -- Where the copy is built.
    stage_schema name NOT NULL,
    -- Where forward moves the original (kept until contract), and where
    -- rollback moves the uuid table it replaces (dropped at its end).
    kept_schema name NOT NULL,
    discard_schema name NOT NULL
);

-- The converted columns of each rebuilt table: the integer type and the
-- default each had before forward (as the server printed it under this
-- file's search_path, so it names its functions and sequences with their
-- schemas), and the default forward gives it.
CREATE TABLE keyshift.rebuilt_column (
    table_name text NOT NULL,
    column_name name NOT NULL,
    int_type text NOT NULL,
    int_default text,
    uuid_default text,
    PRIMARY KEY (table_name, column_name)
);

-- GRANT statements that rebuild an ACL in its original order, which is
-- the order pg_dump prints.
CREATE FUNCTION keyshift.grants(target text, col name, acl aclitem[]) RETURNS text[]
LANGUAGE sql STABLE AS $keyshift$
    SELECT coalesce(array_agg(format('GRANT %s ON %s TO %s%s', g.privileges, target, g.grantee,
                                     CASE WHEN g.grantable THEN ' WITH GRANT OPTION' ELSE '' END) ORDER BY g.first), '{}')
    FROM (SELECT min(e.ord) AS first,
                 CASE WHEN e.grantee = 0 THEN 'PUBLIC' ELSE quote_ident(pg_get_userbyid(e.grantee)) END AS grantee,
                 e.is_grantable AS grantable,
                 string_agg(e.privilege_type || coalesce(' (' || quote_ident(col) || ')', ''), ', ' ORDER BY e.ord) AS privileges
          FROM aclexplode(acl) WITH ORDINALITY AS e (grantor, grantee, privilege_type, is_grantable, ord)
          GROUP BY e.grantee, e.is_grantable) AS g
$keyshift$;

-- `"schema"."table"` as the server prints a relation it must qualify.
CREATE FUNCTION keyshift.qualified(rel regclass) RETURNS text
LANGUAGE sql STABLE AS $keyshift$
    SELECT quote_ident(n.nspname) || '.' || quote_ident(c.relname)
    FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE c.oid = rel
$keyshift$;

-- Runs each statement, naming the table it was for when one fails.
CREATE FUNCTION keyshift.run(about regclass, statements text[]) RETURNS void
LANGUAGE plpgsql AS $keyshift$
DECLARE
    statement text;
BEGIN
    FOREACH statement IN ARRAY coalesce(statements, '{}') LOOP
        CONTINUE WHEN statement IS NULL;
        BEGIN
            EXECUTE statement;
        EXCEPTION WHEN OTHERS THEN
            RAISE EXCEPTION 'keyshift: could not rebuild %: %', about, SQLERRM
                USING DETAIL = statement,
                      HINT = 'The transaction rolls back as a whole, so nothing has changed.';
        END;
    END LOOP;
END
$keyshift$;

-- Refuses what a copy cannot carry, naming it.
CREATE FUNCTION keyshift.check_copyable(src regclass) RETURNS void
LANGUAGE plpgsql AS $keyshift$
DECLARE
    c pg_class;
    what text;
BEGIN
    SELECT * INTO c FROM pg_class WHERE oid = src;
    IF c.relkind <> 'r' OR c.relispartition OR EXISTS (SELECT 1 FROM pg_inherits WHERE inhrelid = src OR inhparent = src) THEN
        RAISE EXCEPTION 'keyshift: % is partitioned, a partition or in an inheritance family now; run preflight.sql', src;
    END IF;
    SELECT string_agg(pg_describe_object(d.classid, d.objid, d.objsubid), ', ') INTO what
    FROM pg_depend d
    WHERE d.refclassid = 'pg_type'::regclass AND d.refobjid IN (c.reltype, (SELECT typarray FROM pg_type WHERE oid = c.reltype))
      AND d.deptype = 'n';
    IF what IS NOT NULL THEN
        RAISE EXCEPTION 'keyshift: the row type of % is used by %; a rebuilt table would get a new row type', src, what
            USING HINT = 'Change those objects so they do not use the row type, or exclude the table.';
    END IF;
    SELECT string_agg(format('%I', a.attname), ', ') INTO what
    FROM pg_attribute a WHERE a.attrelid = src AND a.attnum > 0 AND NOT a.attisdropped AND a.attidentity <> ''
      AND a.attname <> ALL (SELECT column_name FROM keyshift.rebuilt_column WHERE to_regclass(table_name) = src);
    IF what IS NOT NULL THEN
        RAISE EXCEPTION 'keyshift: % has the identity column % besides its key; a rebuilt table cannot keep its sequence', src, what;
    END IF;
    IF EXISTS (SELECT 1 FROM pg_seclabel WHERE classoid = 'pg_class'::regclass AND objoid = src) THEN
        RAISE EXCEPTION 'keyshift: % has security labels, which a rebuilt table would not keep', src;
    END IF;
    IF EXISTS (SELECT 1 FROM pg_depend WHERE classid = 'pg_class'::regclass AND objid = src AND deptype = 'e') THEN
        RAISE EXCEPTION 'keyshift: % belongs to an extension', src;
    END IF;
END
$keyshift$;

-- What a table is created with besides its columns, as CREATE TABLE
-- takes it after them: access method, storage options (its TOAST table's
-- too) and tablespace.
CREATE FUNCTION keyshift.table_clauses(rel regclass) RETURNS text
LANGUAGE sql STABLE AS $keyshift$
    SELECT format(' USING %I', (SELECT amname FROM pg_am WHERE oid = c.relam))
        || coalesce(' WITH (' || array_to_string(nullif(
               coalesce(c.reloptions, '{}')
               || coalesce((SELECT array_agg('toast.' || o) FROM pg_class t, unnest(t.reloptions) AS o WHERE t.oid = c.reltoastrelid), '{}'),
               '{}'), ', ') || ')', '')
        || CASE WHEN c.reltablespace <> 0 THEN format(' TABLESPACE %I', (SELECT spcname FROM pg_tablespace WHERE oid = c.reltablespace)) ELSE '' END
    FROM pg_class c WHERE c.oid = rel
$keyshift$;

-- What a copy takes from its original beyond the columns' types, defaults
-- and constraints: per-column statistics targets, options and grants, and
-- the table's owner, grants, comment and row security.
CREATE FUNCTION keyshift.dress(src regclass, dest text) RETURNS text[]
LANGUAGE plpgsql AS $keyshift$
DECLARE
    c pg_class;
    a record;
    stmts text[] := '{}';
BEGIN
    SELECT * INTO c FROM pg_class WHERE oid = src;
    FOR a IN SELECT * FROM pg_attribute WHERE attrelid = src AND attnum > 0 AND NOT attisdropped ORDER BY attnum LOOP
        IF coalesce(a.attstattarget::integer, -1) >= 0 THEN
            stmts := stmts || format('ALTER TABLE %s ALTER COLUMN %I SET STATISTICS %s', dest, a.attname, a.attstattarget);
        END IF;
        IF a.attoptions IS NOT NULL THEN
            stmts := stmts || format('ALTER TABLE %s ALTER COLUMN %I SET (%s)', dest, a.attname, array_to_string(a.attoptions, ', '));
        END IF;
        IF a.attacl IS NOT NULL THEN
            stmts := stmts || keyshift.grants(dest, a.attname, a.attacl);
        END IF;
    END LOOP;
    RETURN stmts
        || format('ALTER TABLE %s OWNER TO %I', dest, pg_get_userbyid(c.relowner))
        || CASE WHEN c.relacl IS NOT NULL
                THEN format('REVOKE ALL ON %s FROM %I', dest, pg_get_userbyid(c.relowner)) || keyshift.grants(dest, NULL, c.relacl)
                ELSE '{}'::text[] END
        || (SELECT format('COMMENT ON TABLE %s IS %L', dest, description)
            FROM pg_description WHERE classoid = 'pg_class'::regclass AND objoid = src AND objsubid = 0)
        || CASE WHEN c.relrowsecurity THEN format('ALTER TABLE %s ENABLE ROW LEVEL SECURITY', dest) END
        || CASE WHEN c.relforcerowsecurity THEN format('ALTER TABLE %s FORCE ROW LEVEL SECURITY', dest) END;
END
$keyshift$;

-- Creates the copy's table with LIKE, which copies expression trees
-- (defaults, generated columns, CHECK constraints, index expressions and
-- predicates) as PostgreSQL holds them: printed and parsed again, some
-- come back different (an IN list over a varchar column does). LIKE also
-- brings column order, types, collations, NOT NULL, storage, compression
-- and comments. The bundle adds what LIKE leaves out: persistence, access
-- method, options, tablespace, owner, grants, the table's comment, row
-- security, statistics targets and column options.
--
-- Indexes whose keys are plain columns (the primary key, most unique and
-- ordinary indexes) are dropped again while the table is empty and built
-- after the rows are in, from their definitions, which hold no expression
-- that could change; the others keep LIKE's exact copy, under their real
-- names, and are filled as rows arrive. Validated CHECK constraints stay,
-- so rows are checked as they arrive; LIKE would make a NOT VALID one
-- valid, so it goes and comes back NOT VALID after the rows.
CREATE FUNCTION keyshift.create_copy(src regclass, dest_schema name, to_uuid boolean) RETURNS regclass
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $keyshift$
DECLARE
    c pg_class;
    dest text;
    stmts text[] := '{}';
    renames text[] := '{}';
    a record;
BEGIN
    PERFORM keyshift.check_copyable(src);
    SELECT * INTO c FROM pg_class WHERE oid = src;
    dest := quote_ident(dest_schema) || '.' || quote_ident(c.relname);
    PERFORM keyshift.run(src, ARRAY[format(
        'CREATE %sTABLE %s (LIKE %s INCLUDING DEFAULTS INCLUDING CONSTRAINTS INCLUDING GENERATED INCLUDING STORAGE INCLUDING COMPRESSION INCLUDING COMMENTS INCLUDING INDEXES)%s',
        CASE c.relpersistence WHEN 'u' THEN 'UNLOGGED ' ELSE '' END, dest, src, keyshift.table_clauses(src))]);
    -- LIKE creates the indexes in the original's index order (by OID);
    -- each pair must have the same shape, or the copy is refused.
    FOR a IN SELECT o.indexrelid AS src_index, n.indexrelid AS dest_index, ox.relname AS src_name, nx.relname AS dest_name,
                    o.indexprs IS NULL AND o.indpred IS NULL AS plain,
                    (SELECT conname FROM pg_constraint WHERE conindid = n.indexrelid AND conrelid = n.indrelid) AS dest_constraint,
                    o.indkey::text = n.indkey::text AND o.indisunique = n.indisunique AND o.indisprimary = n.indisprimary AS same
             FROM (SELECT i.*, row_number() OVER (ORDER BY i.indexrelid) AS ord FROM pg_index i WHERE i.indrelid = src) o
             FULL JOIN (SELECT i.*, row_number() OVER (ORDER BY i.indexrelid) AS ord FROM pg_index i WHERE i.indrelid = dest::regclass) n USING (ord)
             LEFT JOIN pg_class ox ON ox.oid = o.indexrelid
             LEFT JOIN pg_class nx ON nx.oid = n.indexrelid LOOP
        IF a.same IS NOT TRUE THEN
            RAISE EXCEPTION 'keyshift: the indexes LIKE copied from % do not match its own (% and %)', src, a.src_name, a.dest_name;
        END IF;
        {%- if has_translations %}
        IF a.src_name IN (SELECT t.name FROM keyshift.translated t WHERE to_regclass(t.table_name) = src AND t.kind = 'index') THEN
            -- Compares a key with fixed ids: created again, translated, below.
            stmts := stmts || format('DROP INDEX %I.%I', dest_schema, a.dest_name);
        ELSIF a.plain AND a.dest_constraint IS NOT NULL THEN
        {%- else %}
        IF a.plain AND a.dest_constraint IS NOT NULL THEN
        {%- endif %}
            stmts := stmts || format('ALTER TABLE %s DROP CONSTRAINT %I', dest, a.dest_constraint);
        ELSIF a.plain THEN
            stmts := stmts || format('DROP INDEX %I.%I', dest_schema, a.dest_name);
        ELSE
            -- Through a name of keyshift's own, in case LIKE's choice is
            -- another index's real name.
            stmts := stmts || format('ALTER INDEX %I.%I RENAME TO %I', dest_schema, a.dest_name, 'keyshift_index_' || a.src_index);
            renames := renames || format('ALTER INDEX %I.%I RENAME TO %I', dest_schema, 'keyshift_index_' || a.src_index, a.src_name);
        END IF;
    END LOOP;
    stmts := stmts || renames;
    FOR a IN SELECT conname FROM pg_constraint WHERE conrelid = src AND contype = 'c' AND NOT convalidated LOOP
        stmts := stmts || format('ALTER TABLE %s DROP CONSTRAINT %I', dest, a.conname);
    END LOOP;
    {%- if has_translations %}
    stmts := stmts || ARRAY(SELECT format('ALTER TABLE %s DROP CONSTRAINT %I', dest, t.name) FROM keyshift.translated t
                            WHERE to_regclass(t.table_name) = src AND t.kind = 'check' ORDER BY t.name);
    {%- endif %}
    -- All converted columns change in one statement, as in place: an
    -- index or constraint over two of them must never see mixed types.
    stmts := stmts || (SELECT 'ALTER TABLE ' || dest || ' ' || string_agg(
                                  format('ALTER COLUMN %I DROP DEFAULT, ALTER COLUMN %I TYPE %s USING NULL', k.column_name, k.column_name,
                                         CASE WHEN to_uuid THEN 'uuid' ELSE k.int_type END)
                                  || coalesce(format(', ALTER COLUMN %I SET DEFAULT ', k.column_name)
                                              || CASE WHEN to_uuid THEN k.uuid_default ELSE k.int_default END, ''),
                                  ', ' ORDER BY k.column_name)
                       FROM keyshift.rebuilt_column k WHERE to_regclass(k.table_name) = src);
    {%- if has_translations %}
    stmts := stmts || keyshift.translated_objects(src, dest::regclass, to_uuid);
    {%- endif %}
    PERFORM keyshift.run(src, stmts || keyshift.dress(src, dest));
    RETURN dest::regclass;
END
$keyshift$;


-- Writes the rows of a copy that create_copy made: `query` selects them
-- from the original, joined to the maps, one output column for each of
-- `columns`, in order. PostgreSQL runs INSERT … SELECT in one process, but lets
-- CREATE TABLE … AS spread the scan, the map joins and the uuids over
-- parallel workers, which halves the longest step of forward and rollback
-- on two cores (README, "Maintenance mode"). So where the empty copy holds
-- nothing that cannot be laid on a new table afterwards (no generated or
-- identity column, no storage or compression other than the type's, no
-- index of a constraint left on it), the rows go into a new table under
-- the copy's name; the copy's defaults, NOT NULLs and CHECK constraints
-- (checked in one scan), comments and attributes follow, the two tables
-- must then describe alike (keyshift.shape), the empty copy is dropped,
-- and the expression and partial indexes it held are built on the rows. Otherwise the rows
-- go into the copy itself. Returns which way it took, and why, for psql to
-- print.
CREATE FUNCTION keyshift.fill_copy(src regclass, dest regclass, columns name[], query text) RETURNS text
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $keyshift$
DECLARE
    c pg_class;
    target text;
    shape_before text;
    shape_after text;
    setup_cost text := current_setting('parallel_setup_cost');
    tuple_cost text := current_setting('parallel_tuple_cost');
    names text := (SELECT string_agg(quote_ident(n), ', ' ORDER BY k) FROM unnest(columns) WITH ORDINALITY AS u (n, k));
    defaults text[];
    checks text[];
    probe regclass;
    same boolean;
    why text;
    x record;
    k integer;
    idx_names name[] := '{}';
    idx_unique boolean[] := '{}';
    idx_tails text[] := '{}';
    idx_spaces name[] := '{}';
    idx_notes text[] := '{}';
BEGIN
    SELECT * INTO c FROM pg_class WHERE oid = dest;
    SELECT CASE WHEN a.attgenerated <> '' THEN format('generated column %I', a.attname)
                WHEN a.attidentity <> '' THEN format('identity column %I', a.attname)
                ELSE format('storage or compression of column %I', a.attname) END INTO why
    FROM pg_attribute a JOIN pg_type ty ON ty.oid = a.atttypid
    WHERE a.attrelid = dest AND a.attnum > 0 AND NOT a.attisdropped
      AND (a.attgenerated <> '' OR a.attidentity <> '' OR a.attstorage <> ty.typstorage OR a.attcompression <> '')
    ORDER BY a.attnum LIMIT 1;
    -- The indexes left on the empty copy (expression and partial ones)
    -- are built after the rows on this path, from their definitions.
    FOR x IN SELECT i.indexrelid, r.relname, i.indisunique, keyshift.index_definition_tail(i.indexrelid) AS tail,
                    (SELECT spcname FROM pg_tablespace WHERE oid = r.reltablespace) AS space,
                    obj_description(i.indexrelid, 'pg_class') AS note,
                    EXISTS (SELECT 1 FROM pg_constraint WHERE conindid = i.indexrelid) AS constrained
             FROM pg_index i JOIN pg_class r ON r.oid = i.indexrelid WHERE i.indrelid = dest ORDER BY i.indexrelid LOOP
        IF x.constrained THEN
            why := coalesce(why, format('index %I of a constraint, built as rows arrive', x.relname));
        ELSIF x.tail IS NULL THEN
            why := coalesce(why, format('index %I, which does not print as expected', x.relname));
        ELSE
            idx_names := idx_names || x.relname;
            idx_unique := idx_unique || x.indisunique;
            idx_tails := idx_tails || x.tail;
            idx_spaces := idx_spaces || x.space;
            idx_notes := idx_notes || x.note;
        END IF;
    END LOOP;
    IF why IS NULL AND columns IS DISTINCT FROM ARRAY(SELECT attname FROM pg_attribute WHERE attrelid = dest AND attnum > 0 AND NOT attisdropped ORDER BY attnum) THEN
        why := 'columns the copy does not have';
    END IF;
    IF why IS NOT NULL THEN
        EXECUTE format('INSERT INTO %s (%s) %s', dest, names, query);
        RETURN 'INSERT ... SELECT, in one process (' || why || ')';
    END IF;
    -- Defaults and CHECK constraints reach the new table as text, and not
    -- every expression reads back as it prints (`x = ANY (ARRAY[...]::text[])`
    -- comes back with its casts moved), so they are tried first on an empty
    -- scratch table; where one changes, the rows go into the copy itself.
    defaults := ARRAY(SELECT format('ALTER COLUMN %I SET DEFAULT %s', a.attname, pg_get_expr(d.adbin, d.adrelid))
                      FROM pg_attribute a JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
                      WHERE a.attrelid = dest AND a.attnum > 0 AND NOT a.attisdropped ORDER BY a.attnum);
    checks := ARRAY(SELECT format('ADD CONSTRAINT %I %s', conname, pg_get_constraintdef(oid))
                    FROM pg_constraint WHERE conrelid = dest AND contype = 'c' ORDER BY oid);
    IF cardinality(defaults || checks) > 0 OR cardinality(idx_names) > 0 THEN
        EXECUTE format('CREATE TEMPORARY TABLE %I (LIKE %s) ON COMMIT DROP', 'keyshift_probe_' || src::oid, dest);
        probe := ('pg_temp.' || quote_ident('keyshift_probe_' || src::oid))::regclass;
        BEGIN
            IF cardinality(defaults || checks) > 0 THEN
                EXECUTE 'ALTER TABLE ' || probe || ' ' || array_to_string(defaults || checks, ', ');
            END IF;
            same := keyshift.expressions(probe) = keyshift.expressions(dest);
            FOR k IN 1 .. cardinality(idx_names) LOOP
                EXECUTE format('CREATE %sINDEX %I ON %s USING %s', CASE WHEN idx_unique[k] THEN 'UNIQUE ' ELSE '' END,
                               'keyshift_probe_' || src::oid || '_' || k, probe, idx_tails[k]);
                same := same AND keyshift.index_definition_tail(('pg_temp.' || quote_ident('keyshift_probe_' || src::oid || '_' || k))::regclass)
                                 = idx_tails[k];
            END LOOP;
        EXCEPTION WHEN OTHERS THEN
            same := false;
        END;
        EXECUTE format('DROP TABLE %s', probe);
        IF NOT same THEN
            EXECUTE format('INSERT INTO %s (%s) %s', dest, names, query);
            RETURN 'INSERT ... SELECT, in one process (a default, CHECK constraint or index that does not read back as it prints)';
        END IF;
    END IF;
    target := format('%I.%I', (SELECT nspname FROM pg_namespace WHERE oid = c.relnamespace), c.relname);
    shape_before := keyshift.shape(dest);
    EXECUTE format('ALTER TABLE %s RENAME TO %I', dest, 'keyshift_shape_' || src::oid);
    -- Workers cost little next to a table's rows; with the default costs
    -- the planner would keep the copy in one process. A converted column
    -- is cast to the copy's type: the maps hold bigint old ids, and the
    -- column may be an integer.
    PERFORM set_config('parallel_setup_cost', '0', true), set_config('parallel_tuple_cost', '0', true);
    EXECUTE format('CREATE %sTABLE %s%s AS SELECT %s FROM (%s) AS q (%s)',
        CASE c.relpersistence WHEN 'u' THEN 'UNLOGGED ' ELSE '' END, target, keyshift.table_clauses(src),
        (SELECT string_agg(CASE WHEN a.attname IN (SELECT k.column_name FROM keyshift.rebuilt_column k WHERE to_regclass(k.table_name) = src)
                                THEN format('q.%I::%s AS %I', a.attname, format_type(a.atttypid, a.atttypmod), a.attname)
                                ELSE format('q.%I', a.attname) END, ', ' ORDER BY a.attnum)
         FROM pg_attribute a WHERE a.attrelid = dest AND a.attnum > 0 AND NOT a.attisdropped),
        query, names);
    PERFORM set_config('parallel_setup_cost', setup_cost, true), set_config('parallel_tuple_cost', tuple_cost, true);
    -- One statement, so that the NOT NULLs and CHECKs are proved in one scan.
    PERFORM keyshift.run(src, ARRAY[
        'ALTER TABLE ' || target || ' ' || nullif(array_to_string(
            defaults
            -- From PostgreSQL 18 a NOT NULL is a named constraint.
            || ARRAY(SELECT CASE WHEN n.conname IS NULL THEN format('ALTER COLUMN %I SET NOT NULL', a.attname)
                                 ELSE format('ADD CONSTRAINT %I NOT NULL %I%s', n.conname, a.attname,
                                             CASE WHEN n.connoinherit THEN ' NO INHERIT' ELSE '' END) END
                     FROM pg_attribute a
                     LEFT JOIN pg_constraint n ON n.conrelid = a.attrelid AND n.contype = 'n' AND n.conkey = ARRAY[a.attnum]
                     WHERE a.attrelid = dest AND a.attnum > 0 AND NOT a.attisdropped AND a.attnotnull ORDER BY a.attnum)
            || checks, ', '), '')]
        || ARRAY(SELECT format('COMMENT ON COLUMN %s.%I IS %L', target, a.attname, d.description)
                 FROM pg_description d JOIN pg_attribute a ON a.attrelid = d.objoid AND a.attnum = d.objsubid
                 WHERE d.classoid = 'pg_class'::regclass AND d.objoid = dest AND d.objsubid > 0 ORDER BY a.attnum)
        || ARRAY(SELECT format('COMMENT ON CONSTRAINT %I ON %s IS %L', con.conname, target, d.description)
                 FROM pg_constraint con JOIN pg_description d ON d.classoid = 'pg_constraint'::regclass AND d.objoid = con.oid
                 WHERE con.conrelid = dest ORDER BY con.conname)
        || keyshift.dress(src, target));
    shape_after := keyshift.shape(target::regclass);
    IF shape_after IS DISTINCT FROM shape_before THEN
        RAISE EXCEPTION 'keyshift: the copy of % that CREATE TABLE ... AS wrote does not match the empty copy it replaces; this is a bug in keyshift', src
            USING DETAIL = format(E'expected:\n%s\nfound:\n%s', shape_before, shape_after),
                  HINT = 'The transaction rolls back as a whole, so nothing has changed.';
    END IF;
    EXECUTE format('DROP TABLE %s', dest);
    -- Under the names the dropped copy's indexes held.
    FOR k IN 1 .. cardinality(idx_names) LOOP
        PERFORM keyshift.run(src, ARRAY[
            format('SET LOCAL default_tablespace = %L', coalesce(idx_spaces[k], '')),
            format('CREATE %sINDEX %I ON %s USING %s', CASE WHEN idx_unique[k] THEN 'UNIQUE ' ELSE '' END, idx_names[k], target, idx_tails[k]),
            format('COMMENT ON INDEX %s IS %L', (SELECT quote_ident(n.nspname) FROM pg_namespace n WHERE n.oid = c.relnamespace) || '.' || quote_ident(idx_names[k]), idx_notes[k]),
            'SET LOCAL default_tablespace = '''''::text]);
    END LOOP;
    RETURN 'CREATE TABLE ... AS, on parallel workers where the server gives them';
END
$keyshift$;

-- A table's defaults and CHECK constraints as the server prints them.
CREATE FUNCTION keyshift.expressions(rel regclass) RETURNS text
LANGUAGE sql STABLE SET search_path = pg_catalog, pg_temp AS $keyshift$
    SELECT concat_ws(E'\n',
        (SELECT string_agg(format('default of %s: %s', quote_ident(a.attname), pg_get_expr(d.adbin, d.adrelid)), E'\n' ORDER BY a.attnum)
         FROM pg_attribute a JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
         WHERE a.attrelid = rel AND a.attnum > 0 AND NOT a.attisdropped),
        (SELECT string_agg(format('constraint %s %s', quote_ident(conname), pg_get_constraintdef(oid)), E'\n' ORDER BY conname)
         FROM pg_constraint WHERE conrelid = rel AND contype = 'c'))
$keyshift$;

-- An index's definition after `USING `: its method, keys, options and
-- predicate, without its name or table; NULL if it does not start as
-- expected. The table is named as pg_get_indexdef names it, qualified
-- where the search path does not find it, as a regclass prints. This and
-- the other functions that compare or replay catalog text as the server
-- prints it carry their own search path, the one every file sets: called
-- from a session whose path holds a user schema (`CALL keyshift.backfill`
-- typed by hand), they would print names unqualified and refuse the copy.
CREATE FUNCTION keyshift.index_definition_tail(idx regclass) RETURNS text
LANGUAGE sql STABLE SET search_path = pg_catalog, pg_temp AS $keyshift$
    SELECT CASE WHEN left(d.def, length(d.head)) = d.head THEN substr(d.def, length(d.head) + 1) END
    FROM (SELECT pg_get_indexdef(i.indexrelid) AS def,
                 format('CREATE %sINDEX %I ON %s USING ', CASE WHEN i.indisunique THEN 'UNIQUE ' ELSE '' END,
                        r.relname, i.indrelid::regclass) AS head
          FROM pg_index i JOIN pg_class r ON r.oid = i.indexrelid WHERE i.indexrelid = idx) AS d
$keyshift$;

-- What fill_copy compares: a table as pg_dump shows it, apart from its name
-- and indexes.
CREATE FUNCTION keyshift.shape(rel regclass) RETURNS text
LANGUAGE sql STABLE SET search_path = pg_catalog, pg_temp AS $keyshift$
    SELECT concat_ws(E'\n',
        (SELECT format('persistence %s, access method %s, options %s, tablespace %s, owner %s, grants %s, row security %s %s, type %s, comment %L',
                       relpersistence, relam, reloptions, reltablespace, relowner, relacl, relrowsecurity, relforcerowsecurity, reloftype,
                       obj_description(oid, 'pg_class'))
         FROM pg_class WHERE oid = rel),
        (SELECT string_agg(format('column %s %s collate %s, not null %s, default %s, storage %s, compression %s, statistics %s, options %s, grants %s, generated %s, identity %s, comment %L',
                                  quote_ident(a.attname), format_type(a.atttypid, a.atttypmod), a.attcollation, a.attnotnull,
                                  pg_get_expr(d.adbin, d.adrelid), a.attstorage, a.attcompression, a.attstattarget, a.attoptions, a.attacl,
                                  a.attgenerated, a.attidentity, col_description(rel, a.attnum)),
                           E'\n' ORDER BY a.attnum)
         FROM pg_attribute a LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
         WHERE a.attrelid = rel AND a.attnum > 0 AND NOT a.attisdropped),
        (SELECT string_agg(format('constraint %s %s, comment %L', quote_ident(conname), pg_get_constraintdef(oid),
                                  obj_description(oid, 'pg_constraint')), E'\n' ORDER BY conname)
         FROM pg_constraint WHERE conrelid = rel))
$keyshift$;

-- Once the rows are in: the indexes create_copy left out (primary key,
-- unique and exclusion constraints and indexes over plain columns), built
-- on the full data under their real names, the NOT VALID checks, their
-- comments, the index the table is clustered on and its replica identity.
CREATE FUNCTION keyshift.copy_indexes(src regclass, dest regclass) RETURNS void
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $keyshift$
DECLARE
    r record;
    stmts text[] := '{}';
    nsp text := (SELECT quote_ident(n.nspname) FROM pg_class k JOIN pg_namespace n ON n.oid = k.relnamespace WHERE k.oid = dest);
BEGIN
    FOR r IN SELECT con.oid, con.conname, con.contype, con.conindid, pg_get_constraintdef(con.oid) AS def FROM pg_constraint con
             LEFT JOIN pg_index i ON i.indexrelid = con.conindid
             WHERE con.conrelid = src
               AND ((con.contype IN ('p', 'u', 'x') AND i.indexprs IS NULL AND i.indpred IS NULL) OR (con.contype = 'c' AND NOT con.convalidated))
             ORDER BY con.oid LOOP
        stmts := stmts || format('ALTER TABLE %s ADD CONSTRAINT %I %s', dest, r.conname, r.def)
                       || (SELECT array_agg(format('COMMENT ON CONSTRAINT %I ON %s IS %L', r.conname, dest, description))
                           FROM pg_description WHERE classoid = 'pg_constraint'::regclass AND objoid = r.oid)
                       || (SELECT array_agg(format('COMMENT ON INDEX %s.%I IS %L', nsp, x.relname, description))
                           FROM pg_description JOIN pg_class x ON x.oid = objoid
                           WHERE classoid = 'pg_class'::regclass AND objoid = r.conindid AND r.contype <> 'c');
    END LOOP;
    FOR r IN SELECT i.indexrelid, x.relname, x.reltablespace, i.indisunique, pg_get_indexdef(i.indexrelid) AS def,
                    keyshift.index_definition_tail(i.indexrelid) AS tail
             FROM pg_index i JOIN pg_class x ON x.oid = i.indexrelid
             WHERE i.indrelid = src AND i.indexprs IS NULL AND i.indpred IS NULL
               AND NOT EXISTS (SELECT 1 FROM pg_constraint con WHERE con.conindid = i.indexrelid AND con.conrelid = src)
             ORDER BY i.indexrelid LOOP
        IF r.tail IS NULL THEN
            RAISE EXCEPTION 'keyshift: index % of % does not print as expected: %', r.relname, src, r.def;
        END IF;
        -- pg_get_indexdef leaves the tablespace out, as pg_dump does.
        stmts := stmts || format('SET LOCAL default_tablespace = %L', coalesce((SELECT spcname FROM pg_tablespace WHERE oid = r.reltablespace), ''))
                       || format('CREATE %sINDEX %I ON %s USING %s', CASE WHEN r.indisunique THEN 'UNIQUE ' ELSE '' END, r.relname, dest, r.tail)
                       || (SELECT array_agg(format('COMMENT ON INDEX %s.%I IS %L', nsp, r.relname, description))
                           FROM pg_description WHERE classoid = 'pg_class'::regclass AND objoid = r.indexrelid);
    END LOOP;
    stmts := stmts || 'SET LOCAL default_tablespace = '''''::text;
    FOR r IN SELECT x.relname, i.indisclustered, i.indisreplident FROM pg_index i JOIN pg_class x ON x.oid = i.indexrelid WHERE i.indrelid = src LOOP
        IF r.indisclustered THEN
            stmts := stmts || format('ALTER TABLE %s CLUSTER ON %I', dest, r.relname);
        END IF;
        IF r.indisreplident THEN
            stmts := stmts || format('ALTER TABLE %s REPLICA IDENTITY USING INDEX %I', dest, r.relname);
        END IF;
    END LOOP;
    stmts := stmts || (SELECT CASE c.relreplident
                                  WHEN 'n' THEN format('ALTER TABLE %s REPLICA IDENTITY NOTHING', dest)
                                  WHEN 'f' THEN format('ALTER TABLE %s REPLICA IDENTITY FULL', dest) END
                       FROM pg_class c WHERE c.oid = src AND c.relreplident IN ('n', 'f'));
    PERFORM keyshift.run(src, stmts);
END
$keyshift$;

-- The copy's foreign keys, in the original's creation order (PostgreSQL
-- fires foreign-key triggers in that order). Each references the copy of
-- its parent when the parent is rebuilt too, or else the parent itself.
-- Online mode's cutover creates them NOT VALID (no scan under its locks)
-- and validate.sql validates them afterwards, with writes going on.
CREATE FUNCTION keyshift.copy_foreign_keys(src regclass, dest regclass, validate boolean) RETURNS void
LANGUAGE plpgsql SET search_path = pg_catalog, pg_temp AS $keyshift$
DECLARE
    r record;
    stmts text[] := '{}';
    head text;
    parent text;
BEGIN
    FOR r IN SELECT con.oid, con.conname, con.confrelid, con.convalidated, pg_get_constraintdef(con.oid) AS def,
                    (SELECT string_agg(quote_ident(a.attname), ', ' ORDER BY k.ord)
                     FROM unnest(con.conkey) WITH ORDINALITY AS k (num, ord)
                     JOIN pg_attribute a ON a.attrelid = con.conrelid AND a.attnum = k.num) AS cols
             FROM pg_constraint con WHERE con.conrelid = src AND con.contype = 'f' ORDER BY con.oid LOOP
        -- The definition names the parent qualified (this function's
        -- search_path holds no user schema); the copy's names the parent's
        -- copy instead.
        head := format('FOREIGN KEY (%s) REFERENCES %s(', r.cols, keyshift.qualified(r.confrelid));
        IF left(r.def, length(head)) <> head THEN
            RAISE EXCEPTION 'keyshift: foreign key % of % does not print as expected: %', r.conname, src, r.def;
        END IF;
        parent := CASE WHEN r.confrelid = src THEN dest::text
                       ELSE coalesce((SELECT quote_ident(s.stage_schema) || '.' || quote_ident(s.table_name)
                                      FROM keyshift.swap s WHERE to_regclass(s.live) = r.confrelid),
                                     keyshift.qualified(r.confrelid)) END;
        stmts := stmts || (format('ALTER TABLE %s ADD CONSTRAINT %I FOREIGN KEY (%s) REFERENCES %s(', dest, r.conname, r.cols, parent)
                           || substr(r.def, length(head) + 1)
                           || CASE WHEN r.convalidated AND NOT validate THEN ' NOT VALID' ELSE '' END)
                       || (SELECT array_agg(format('COMMENT ON CONSTRAINT %I ON %s IS %L', r.conname, dest, description))
                           FROM pg_description WHERE classoid = 'pg_constraint'::regclass AND objoid = r.oid);
    END LOOP;
    IF NOT validate THEN
        INSERT INTO keyshift.to_validate
        SELECT keyshift.qualified(src), con.conname FROM pg_constraint con
        WHERE con.conrelid = src AND con.contype = 'f' AND con.convalidated;
    END IF;
    PERFORM keyshift.run(src, stmts);
END
$keyshift$;

-- The swap. For every rebuilt table: the original's foreign keys,
-- statistics objects and publication memberships are dropped (the views,
-- triggers, rules and policies that name it were dropped before, by
-- drop_dependents), and the sequences its columns own are released; the
-- original moves aside (taking its indexes, constraints and row type
-- along) and the copy moves into its place; then the sequences are owned
-- by the copy's columns, and the statistics objects and publication
-- memberships are recreated for it. All of it is catalog work, done in
-- milliseconds under ACCESS EXCLUSIVE.
CREATE FUNCTION keyshift.swap_tables(aside text) RETURNS void
LANGUAGE plpgsql AS $keyshift$
DECLARE
    s record;
    r record;
    live regclass;
    before text[] := '{}';
    after text[] := '{}';
    left_over text;
BEGIN
    FOR s IN SELECT * FROM keyshift.swap ORDER BY position LOOP
        live := to_regclass(s.live);
        FOR r IN SELECT conname FROM pg_constraint WHERE conrelid = live AND contype = 'f' ORDER BY oid LOOP
            before := before || format('ALTER TABLE %s DROP CONSTRAINT %I', live, r.conname);
        END LOOP;
        FOR r IN SELECT d.objid AS seq, a.attname FROM pg_depend d
                 JOIN pg_attribute a ON a.attrelid = d.refobjid AND a.attnum = d.refobjsubid
                 WHERE d.classid = 'pg_class'::regclass AND d.refclassid = 'pg_class'::regclass AND d.refobjid = live
                   AND d.deptype = 'a' AND (SELECT relkind FROM pg_class WHERE oid = d.objid) = 'S'
                 ORDER BY d.objid LOOP
            before := before || format('ALTER SEQUENCE %s OWNED BY NONE', r.seq::regclass);
            after := after || format('ALTER SEQUENCE %s OWNED BY %s.%I', r.seq::regclass, s.live, r.attname);
        END LOOP;
        FOR r IN SELECT pg_get_statisticsobjdef(x.oid) AS def, x.stxowner,
                        quote_ident(n.nspname) || '.' || quote_ident(x.stxname) AS name,
                        (SELECT description FROM pg_description WHERE classoid = 'pg_statistic_ext'::regclass AND objoid = x.oid) AS note
                 FROM pg_statistic_ext x JOIN pg_namespace n ON n.oid = x.stxnamespace WHERE x.stxrelid = live ORDER BY x.oid LOOP
            before := before || format('DROP STATISTICS %s', r.name);
            after := after || r.def || format('ALTER STATISTICS %s OWNER TO %I', r.name, pg_get_userbyid(r.stxowner));
            IF r.note IS NOT NULL THEN
                after := after || format('COMMENT ON STATISTICS %s IS %L', r.name, r.note);
            END IF;
        END LOOP;
        -- Row filters and column lists exist from PostgreSQL 15 on; the
        -- query that reads them is only planned there.
        FOR r IN EXECUTE CASE WHEN current_setting('server_version_num')::integer >= 150000 THEN $q$
                     SELECT p.pubname, pg_get_expr(pr.prqual, pr.prrelid) AS qual,
                            (SELECT string_agg(quote_ident(a.attname), ', ' ORDER BY k.ord)
                             FROM unnest(string_to_array(nullif(pr.prattrs::text, ''), ' ')::int2[]) WITH ORDINALITY AS k (num, ord)
                             JOIN pg_attribute a ON a.attrelid = pr.prrelid AND a.attnum = k.num) AS cols
                     FROM pg_publication_rel pr JOIN pg_publication p ON p.oid = pr.prpubid
                     WHERE pr.prrelid = $1 ORDER BY p.pubname $q$ ELSE $q$
                     SELECT p.pubname, NULL::text AS qual, NULL::text AS cols
                     FROM pg_publication_rel pr JOIN pg_publication p ON p.oid = pr.prpubid
                     WHERE pr.prrelid = $1 ORDER BY p.pubname $q$ END USING live LOOP
            before := before || format('ALTER PUBLICATION %I DROP TABLE %s', r.pubname, live);
            after := after || format('ALTER PUBLICATION %I ADD TABLE ONLY %s%s%s', r.pubname, s.live,
                                     coalesce(' (' || r.cols || ')', ''), coalesce(' WHERE (' || r.qual || ')', ''));
        END LOOP;
    END LOOP;
    PERFORM keyshift.run(NULL, before);
    FOR s IN SELECT * FROM keyshift.swap ORDER BY position LOOP
        live := to_regclass(s.live);
        -- Anything else that names the original would go on naming it.
        SELECT string_agg(pg_describe_object(d.classid, d.objid, d.objsubid), ', ') INTO left_over
        FROM pg_depend d
        WHERE d.refclassid = 'pg_class'::regclass AND d.refobjid = live AND d.deptype = 'n'
          AND NOT (d.classid = 'pg_constraint'::regclass AND (SELECT conrelid FROM pg_constraint WHERE oid = d.objid) = live)
          AND NOT (d.classid = 'pg_class'::regclass AND (SELECT indrelid FROM pg_index WHERE indexrelid = d.objid) = live)
          -- A generated column's expression uses the table's own columns;
          -- the copy has its own.
          AND NOT (d.classid = 'pg_attrdef'::regclass AND (SELECT adrelid FROM pg_attrdef WHERE oid = d.objid) = live);
        IF left_over IS NOT NULL THEN
            RAISE EXCEPTION 'keyshift: % is still used by %, which the plan does not know; run preflight.sql', live, left_over;
        END IF;
        PERFORM keyshift.run(live, ARRAY[
            format('ALTER TABLE %s SET SCHEMA %I', live, CASE aside WHEN 'kept' THEN s.kept_schema ELSE s.discard_schema END),
            format('ALTER TABLE %I.%I SET SCHEMA %I', s.stage_schema, s.table_name, s.schema_name)]);
    END LOOP;
    PERFORM keyshift.run(NULL, after);
END
$keyshift$;
