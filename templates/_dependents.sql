-- Views, materialized views and policies that read converted tables, and
-- triggers and rules on them, can block ALTER COLUMN ... TYPE, so they are dropped
-- before it and recreated after it. Each is recorded here first, exactly as the server prints it, with
-- everything that hangs off it: options, owner, grants, comments, column
-- defaults, indexes, triggers and rules. rollback.sql recreates the same
-- records. A definition that no longer works once the keys are uuid makes
-- this transaction fail as a whole, naming the object; nothing is changed.
CREATE TABLE keyshift.dependent (
    position integer PRIMARY KEY,
    object text NOT NULL UNIQUE,
    drop_statement text NOT NULL,
    create_statements text[] NOT NULL,
    -- Set when the plan gives a view a replacement query for uuid keys.
    forward_create_statements text[]
);

-- GRANT statements that rebuild an ACL in its original order; the order is
-- what pg_dump prints, so it must come back the same.
CREATE FUNCTION pg_temp.keyshift_grants(target text, col name, acl aclitem[]) RETURNS text[]
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

-- The comment on an object, as a COMMENT statement, or nothing.
CREATE FUNCTION pg_temp.keyshift_comment(cat regclass, obj oid, sub integer, target text) RETURNS text[]
LANGUAGE sql STABLE AS $keyshift$
    SELECT coalesce(array_agg(format('COMMENT ON %s IS %L', target, d.description)), '{}')
    FROM pg_description d WHERE d.classoid = cat AND d.objoid = obj AND d.objsubid = sub
$keyshift$;

-- The statement that puts a trigger or rule back in its enabled state
-- (tgenabled / ev_enabled), or nothing for the default, 'O'.
CREATE FUNCTION pg_temp.keyshift_enabled_state(kind text, tbl regclass, obj name, state "char") RETURNS text[]
LANGUAGE sql STABLE AS $keyshift$
    SELECT CASE state
        WHEN 'D' THEN ARRAY[format('ALTER TABLE %s DISABLE %s %I', tbl, kind, obj)]
        WHEN 'R' THEN ARRAY[format('ALTER TABLE %s ENABLE REPLICA %s %I', tbl, kind, obj)]
        WHEN 'A' THEN ARRAY[format('ALTER TABLE %s ENABLE ALWAYS %s %I', tbl, kind, obj)]
        ELSE '{}'::text[] END
$keyshift$;

CREATE FUNCTION pg_temp.keyshift_record_view(pos integer, v regclass, forward_query text) RETURNS void
LANGUAGE plpgsql AS $keyshift$
DECLARE
    c pg_class;
    kind text;
    head text;
    tail text;
    stmts text[];
    r record;
BEGIN
    SELECT * INTO c FROM pg_class WHERE oid = v;
    IF c.relkind NOT IN ('v', 'm') THEN
        RAISE EXCEPTION 'keyshift: % is not a view any more; run preflight.sql', v;
    END IF;
    kind := CASE c.relkind WHEN 'v' THEN 'VIEW' ELSE 'MATERIALIZED VIEW' END;
    head := format('CREATE %s %s', kind, v)
        || CASE WHEN c.relkind = 'm' THEN format(' USING %I', (SELECT amname FROM pg_am WHERE oid = c.relam)) ELSE '' END
        || coalesce(' WITH (' || (SELECT string_agg(split_part(o, '=', 1) || '=' || quote_literal(substr(o, strpos(o, '=') + 1)), ', ')
                                  FROM unnest(c.reloptions) AS o) || ')', '')
        || CASE WHEN c.reltablespace <> 0 THEN format(' TABLESPACE %I', (SELECT spcname FROM pg_tablespace WHERE oid = c.reltablespace)) ELSE '' END
        || ' AS ';
    tail := CASE c.relkind WHEN 'm' THEN CASE WHEN c.relispopulated THEN ' WITH DATA' ELSE ' WITH NO DATA' END ELSE '' END;
    stmts := ARRAY[head || rtrim(pg_get_viewdef(v), ';') || tail];
    stmts := stmts || format('ALTER %s %s OWNER TO %I', kind, v, pg_get_userbyid(c.relowner));
    IF c.relacl IS NOT NULL THEN
        -- Start from an empty ACL so the grants below rebuild it in order.
        stmts := stmts || format('REVOKE ALL ON %s FROM %I', v, pg_get_userbyid(c.relowner))
                       || pg_temp.keyshift_grants(v::text, NULL, c.relacl);
    END IF;
    stmts := stmts || pg_temp.keyshift_comment('pg_class', v, 0, format('%s %s', kind, v));
    FOR r IN SELECT a.attnum, a.attname, a.attacl, pg_get_expr(d.adbin, d.adrelid) AS default_expr
             FROM pg_attribute a LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum
             WHERE a.attrelid = v AND a.attnum > 0 AND NOT a.attisdropped ORDER BY a.attnum LOOP
        IF r.default_expr IS NOT NULL THEN
            stmts := stmts || format('ALTER %s %s ALTER COLUMN %I SET DEFAULT %s', kind, v, r.attname, r.default_expr);
        END IF;
        IF r.attacl IS NOT NULL THEN
            stmts := stmts || pg_temp.keyshift_grants(v::text, r.attname, r.attacl);
        END IF;
        stmts := stmts || pg_temp.keyshift_comment('pg_class', v, r.attnum, format('COLUMN %s.%I', v, r.attname));
    END LOOP;
    FOR r IN SELECT i.indexrelid, i.indisclustered FROM pg_index i WHERE i.indrelid = v ORDER BY i.indexrelid LOOP
        stmts := stmts || pg_get_indexdef(r.indexrelid)
                       || pg_temp.keyshift_comment('pg_class', r.indexrelid, 0, format('INDEX %s', r.indexrelid::regclass));
        IF r.indisclustered THEN
            stmts := stmts || format('ALTER MATERIALIZED VIEW %s CLUSTER ON %I', v, (SELECT relname FROM pg_class WHERE oid = r.indexrelid));
        END IF;
    END LOOP;
    FOR r IN SELECT t.oid, t.tgname FROM pg_trigger t WHERE t.tgrelid = v AND NOT t.tgisinternal ORDER BY t.tgname LOOP
        stmts := stmts || pg_get_triggerdef(r.oid)
                       || pg_temp.keyshift_comment('pg_trigger', r.oid, 0, format('TRIGGER %I ON %s', r.tgname, v));
    END LOOP;
    FOR r IN SELECT w.oid, w.rulename FROM pg_rewrite w WHERE w.ev_class = v AND w.rulename <> '_RETURN' ORDER BY w.rulename LOOP
        stmts := stmts || rtrim(pg_get_ruledef(r.oid), ';')
                       || pg_temp.keyshift_comment('pg_rewrite', r.oid, 0, format('RULE %I ON %s', r.rulename, v));
    END LOOP;
    INSERT INTO keyshift.dependent VALUES (pos, format('%s %s', lower(kind), v), format('DROP %s %s', kind, v), stmts,
        CASE WHEN forward_query IS NOT NULL THEN head || forward_query || tail || stmts[2:] END);
END
$keyshift$;

CREATE FUNCTION pg_temp.keyshift_record_policy(pos integer, tbl regclass, pol name, forward_using text DEFAULT NULL, forward_check text DEFAULT NULL) RETURNS void
LANGUAGE plpgsql AS $keyshift$
DECLARE
    p pg_policy;
    head text;
    comments text[];
BEGIN
    SELECT * INTO p FROM pg_policy WHERE polrelid = tbl AND polname = pol;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'keyshift: policy % on % does not exist; run preflight.sql', quote_ident(pol), tbl;
    END IF;
    head := format('CREATE POLICY %I ON %s AS %s FOR %s TO %s', pol, tbl,
                   CASE WHEN p.polpermissive THEN 'PERMISSIVE' ELSE 'RESTRICTIVE' END,
                   CASE p.polcmd WHEN 'r' THEN 'SELECT' WHEN 'a' THEN 'INSERT' WHEN 'w' THEN 'UPDATE' WHEN 'd' THEN 'DELETE' ELSE 'ALL' END,
                   (SELECT string_agg(CASE WHEN u.role = 0 THEN 'PUBLIC' ELSE quote_ident(pg_get_userbyid(u.role)) END, ', ' ORDER BY u.ord)
                    FROM unnest(p.polroles) WITH ORDINALITY AS u (role, ord)));
    comments := pg_temp.keyshift_comment('pg_policy', p.oid, 0, format('POLICY %I ON %s', pol, tbl));
    -- Expressions with fixed ids come translated (forward_using,
    -- forward_check): forward creates the policy with those.
    INSERT INTO keyshift.dependent (position, object, drop_statement, create_statements, forward_create_statements)
    VALUES (pos, format('policy %I on %s', pol, tbl), format('DROP POLICY %I ON %s', pol, tbl),
        ARRAY[head || coalesce(' USING (' || pg_get_expr(p.polqual, p.polrelid) || ')', '')
                   || coalesce(' WITH CHECK (' || pg_get_expr(p.polwithcheck, p.polrelid) || ')', '')] || comments,
        CASE WHEN forward_using IS NOT NULL OR forward_check IS NOT NULL THEN
            ARRAY[head || coalesce(' USING (' || coalesce(forward_using, pg_get_expr(p.polqual, p.polrelid)) || ')', '')
                       || coalesce(' WITH CHECK (' || coalesce(forward_check, pg_get_expr(p.polwithcheck, p.polrelid)) || ')', '')] || comments
        END);
END
$keyshift$;

CREATE FUNCTION pg_temp.keyshift_record_trigger(pos integer, tbl regclass, trg name) RETURNS void
LANGUAGE plpgsql AS $keyshift$
DECLARE
    t pg_trigger;
BEGIN
    SELECT * INTO t FROM pg_trigger WHERE tgrelid = tbl AND tgname = trg AND NOT tgisinternal;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'keyshift: trigger % on % does not exist; run preflight.sql', quote_ident(trg), tbl;
    END IF;
    INSERT INTO keyshift.dependent (position, object, drop_statement, create_statements)
    VALUES (pos, format('trigger %I on %s', trg, tbl), format('DROP TRIGGER %I ON %s', trg, tbl),
        ARRAY[pg_get_triggerdef(t.oid)]
        || pg_temp.keyshift_enabled_state('TRIGGER', tbl, trg, t.tgenabled)
        || pg_temp.keyshift_comment('pg_trigger', t.oid, 0, format('TRIGGER %I ON %s', trg, tbl)));
END
$keyshift$;

CREATE FUNCTION pg_temp.keyshift_record_rule(pos integer, tbl regclass, rul name) RETURNS void
LANGUAGE plpgsql AS $keyshift$
DECLARE
    w pg_rewrite;
BEGIN
    SELECT * INTO w FROM pg_rewrite WHERE ev_class = tbl AND rulename = rul;
    IF NOT FOUND THEN
        RAISE EXCEPTION 'keyshift: rule % on % does not exist; run preflight.sql', quote_ident(rul), tbl;
    END IF;
    INSERT INTO keyshift.dependent (position, object, drop_statement, create_statements)
    VALUES (pos, format('rule %I on %s', rul, tbl), format('DROP RULE %I ON %s', rul, tbl),
        ARRAY[rtrim(pg_get_ruledef(w.oid), ';')]
        || pg_temp.keyshift_enabled_state('RULE', tbl, rul, w.ev_enabled)
        || pg_temp.keyshift_comment('pg_rewrite', w.oid, 0, format('RULE %I ON %s', rul, tbl)));
END
$keyshift$;

-- Used by this file and by rollback.sql: policies, rules and triggers go
-- first (they may read a view), then views in reverse creation order.
CREATE FUNCTION keyshift.drop_dependents() RETURNS void
LANGUAGE plpgsql AS $keyshift$
DECLARE
    d record;
BEGIN
    FOR d IN SELECT * FROM keyshift.dependent ORDER BY position DESC LOOP
        EXECUTE d.drop_statement;
    END LOOP;
END
$keyshift$;

-- forward uses the replacement queries the plan gives; rollback does not.
CREATE FUNCTION keyshift.recreate_dependents(for_uuid_keys boolean) RETURNS void
LANGUAGE plpgsql AS $keyshift$
DECLARE
    d record;
    statement text;
BEGIN
    FOR d IN SELECT * FROM keyshift.dependent ORDER BY position LOOP
        FOREACH statement IN ARRAY CASE WHEN for_uuid_keys THEN coalesce(d.forward_create_statements, d.create_statements) ELSE d.create_statements END LOOP
            BEGIN
                EXECUTE statement;
            EXCEPTION WHEN OTHERS THEN
                RAISE EXCEPTION 'keyshift: could not recreate %: %', d.object, SQLERRM
                    USING DETAIL = statement,
                          HINT = 'The transaction rolls back as a whole, so nothing has changed. Rewrite the definition so it does not treat a converted key as an integer, or exclude the tables it reads.';
            END;
        END LOOP;
    END LOOP;
END
$keyshift$;
