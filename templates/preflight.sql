{{ header }}
-- Read-only: changes nothing in the database. Checks that it is the one
-- this bundle was generated for and that forward.sql can run without
-- failing or losing data. Every problem found is listed; then the file
-- fails if there was any.

{% include "_assert.sql" %}

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

-- CHECK constraints, indexes (expressions, WHERE clauses) and generated
-- columns are rebuilt by ALTER COLUMN ... TYPE. Whether PostgreSQL accepts
-- them for uuid is tested exactly: the table's structure is copied into an
-- empty temporary table of this session and the same type change is
-- applied there. Nothing outside this session's temporary schema is written.
CREATE FUNCTION pg_temp.keyshift_probe(tbl text, change text) RETURNS text
LANGUAGE plpgsql AS $keyshift$
BEGIN
    EXECUTE format('CREATE TEMPORARY TABLE keyshift_probe (LIKE %s INCLUDING CONSTRAINTS INCLUDING INDEXES INCLUDING GENERATED)', tbl);
    BEGIN
        EXECUTE 'ALTER TABLE pg_temp.keyshift_probe ' || change;
    EXCEPTION WHEN OTHERS THEN
        DROP TABLE pg_temp.keyshift_probe;
        RETURN SQLERRM;
    END;
    DROP TABLE pg_temp.keyshift_probe;
    RETURN NULL;
EXCEPTION WHEN OTHERS THEN
    RETURN NULL; -- a missing table is reported by the column checks below
END
$keyshift$;
{% for t in tables %}
INSERT INTO pg_temp.keyshift_problems
SELECT format('%s cannot change to uuid as planned: %s', {{ t.literal }}, msg)
FROM pg_temp.keyshift_probe({{ t.regclass }}, {{ t.probe_change }}) AS p (msg) WHERE msg IS NOT NULL;
{%- endfor %}
{%- if !candidates.is_empty() %}

-- Columns that look like references to converted keys but are neither
-- foreign keys nor declared in keyshift.toml are reported, not refused.
CREATE FUNCTION pg_temp.keyshift_notice(message text) RETURNS void
LANGUAGE plpgsql AS $keyshift$
BEGIN
    RAISE NOTICE '%', message;
END
$keyshift$;
{%- endif %}

BEGIN TRANSACTION ISOLATION LEVEL REPEATABLE READ READ ONLY;
SET LOCAL search_path = pg_catalog, pg_temp;

INSERT INTO pg_temp.keyshift_problems
SELECT 'PostgreSQL 13 or later is needed for gen_random_uuid(); this server is ' || version()
WHERE current_setting('server_version_num')::integer < 130000;

INSERT INTO pg_temp.keyshift_problems
SELECT 'schema keyshift already exists: forward has already run, or a previous run was contracted'
WHERE to_regnamespace('keyshift') IS NOT NULL;

-- Every column that changes must exist with the integer type the plan expects.
INSERT INTO pg_temp.keyshift_problems
SELECT CASE
    WHEN a.attnum IS NULL THEN format('column %s.%s does not exist', e.tbl, e.col)
    ELSE format('column %s.%s is %s, but the plan expects %s', e.tbl, e.col, format_type(a.atttypid, a.atttypmod), e.typ)
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
SELECT format('foreign key %s on %s does not exist', e.con, e.tbl)
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
FROM ({{ f.orphans }}) AS o (n)
WHERE n > 0;
{%- endfor %}
{% endif %}
-- Objects that depend on a converted column and that ALTER COLUMN ... TYPE
-- cannot carry over: views and rules, policies, and column triggers.
INSERT INTO pg_temp.keyshift_problems
SELECT format('%s uses %s, which become uuid; drop it before the migration and recreate it afterwards, or exclude those tables',
              pg_describe_object(d.classid, d.objid, 0),
              string_agg(DISTINCT a.attrelid::regclass::text || '.' || quote_ident(e.col), ', '))
FROM pg_temp.keyshift_columns AS e
JOIN pg_attribute a ON a.attrelid = to_regclass(e.tbl) AND a.attname = e.col
JOIN pg_depend d ON d.refclassid = 'pg_class'::regclass AND d.refobjid = a.attrelid AND d.refobjsubid = a.attnum
WHERE d.classid IN ('pg_rewrite'::regclass, 'pg_policy'::regclass, 'pg_trigger'::regclass)
GROUP BY d.classid, d.objid;

{%- if !tables.is_empty() %}
-- Partitioned and inherited tables are not converted yet.
INSERT INTO pg_temp.keyshift_problems
SELECT format('table %s is partitioned, a partition, or part of an inheritance tree; keyshift cannot convert it yet', c.oid::regclass)
FROM (VALUES
{%- for t in tables %}
    ({{ t.regclass }}){% if !loop.last %},{% endif %}
{%- endfor %}
) AS e (tbl)
JOIN pg_class c ON c.oid = to_regclass(e.tbl)
WHERE c.relkind = 'p' OR c.relispartition
   OR EXISTS (SELECT 1 FROM pg_inherits h WHERE h.inhrelid = c.oid OR h.inhparent = c.oid);
{%- endif %}
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
{%- if !declared.is_empty() || !polymorphic.is_empty() %}

-- References keyshift.toml declares have no constraint to keep them
-- honest: a value with no parent row would convert to a uuid no row holds.
{%- for d in declared %}
INSERT INTO pg_temp.keyshift_problems
SELECT n || {{ d.message }} FROM ({{ d.orphans }}) AS o (n) WHERE n > 0;
{%- endfor %}
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
-- polymorphic-looking pair, its type values. A NOTICE only.
{%- for c in candidates %}
{{ c.notice }}
{%- endfor %}
{%- endif %}
{%- for s in surrogates %}

-- Surrogate key of {{ s.display }} (keyshift.toml): the names forward adds must be free.
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
{% for b in blockers %}
INSERT INTO pg_temp.keyshift_problems VALUES ({{ b }});
{%- endfor %}

COMMIT;
{% if !warnings.is_empty() %}
-- Not fatal, but a human must check these before running forward.sql:
{%- for w in warnings %}
-- * {{ w }}
{%- endfor %}
{% endif %}
SELECT problem AS "keyshift preflight problem" FROM pg_temp.keyshift_problems ORDER BY problem;

SELECT pg_temp.keyshift_assert(
    NOT EXISTS (SELECT 1 FROM pg_temp.keyshift_problems),
    (SELECT count(*) || ' preflight problem(s): ' || string_agg(problem, '; ' ORDER BY problem) FROM pg_temp.keyshift_problems)
);
