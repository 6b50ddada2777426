-- Migration state lives in its own schema. rollback.sql drops it whole;
-- contract.sql keeps only the old-id → uuid maps.
CREATE SCHEMA keyshift;
COMMENT ON SCHEMA keyshift IS 'keyshift migration state for plan {{ plan_hash }}';
-- forward_xid: the transaction forward.sql ran in. Every row it wrote
-- carries that id as its xmin, so rollback.sql searches only the rows
-- written since for keys the maps lack. Online mode's rows come from many
-- transactions, and it records none.
CREATE TABLE keyshift.state (plan_hash text NOT NULL, stage text NOT NULL, forward_xid bigint);
INSERT INTO keyshift.state VALUES ('{{ plan_hash }}', '{{ stage }}', {% if stage == "forward" %}txid_current(){% else %}NULL{% endif %});

{%- if uuid.v7 %}
{% include "_uuid_v7.sql" %}
{%- else %}

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
{%- endif %}
{%- if has_column_defaults %}

-- A referencing column's default must name the parent's new uuid, which is
-- only known inside this transaction.
CREATE FUNCTION keyshift.set_uuid_default(tbl regclass, col name, value uuid) RETURNS void
LANGUAGE plpgsql AS $keyshift$
BEGIN
    EXECUTE format('ALTER TABLE %s ALTER COLUMN %I SET DEFAULT %L::uuid', tbl, col, value);
END
$keyshift$;
-- The uuid an integer default of a column holding root's ids becomes: that
-- row's; for a zero or negative default that names no row, a sentinel,
-- the key's sentinel uuid (as fixed ids in CHECK constraints get).
CREATE FUNCTION keyshift.default_uuid(root text, id bigint, sentinel uuid) RETURNS uuid
LANGUAGE plpgsql STABLE SET search_path = pg_catalog, pg_temp AS $keyshift$
DECLARE
    m regclass := (SELECT to_regclass(map) FROM keyshift.id_map WHERE to_regclass(table_name) = to_regclass(root));
    u uuid;
BEGIN
    EXECUTE format('SELECT new_id FROM %s WHERE old_id = $1', m) INTO u USING id;
    RETURN coalesce(u, CASE WHEN id <= 0 THEN sentinel ELSE keyshift.uuid_for(root, id) END);
END
$keyshift$;
{%- endif %}

-- Fingerprint of every table altered in place, so verify_forward.sql can
-- prove that each row, translated back through the maps, is unchanged. A
-- rebuilt table needs none: forward keeps the original until contract, and
-- verify_forward compares with it.
CREATE TABLE keyshift.row_digest (table_name text PRIMARY KEY, row_count bigint NOT NULL, row_hash numeric NOT NULL);
{%- for t in tables %}{% if t.rebuild.is_none() %}
INSERT INTO keyshift.row_digest SELECT {{ t.literal }}, count(*), coalesce(sum({{ t.row_hash }}), 0) FROM ONLY {{ t.quoted }} t;
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
{%- if own_defaults > 0 %}

-- Inheritance children whose key has a default of its own (or none) where
-- the family's top has another: the family's ALTER gives them its new
-- default, and rollback.sql gives each its own back from this record, as
-- the server prints it (NULL: no default).
CREATE TABLE keyshift.own_default (table_name text NOT NULL, column_name name NOT NULL, expression text, PRIMARY KEY (table_name, column_name));
{%- for t in tables %}{% if let Some(r) = t.root %}{% for m in r.own_defaults %}
INSERT INTO keyshift.own_default SELECT {{ m }}, a.attname, pg_get_expr(d.adbin, d.adrelid) FROM pg_attribute a LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum WHERE a.attrelid = to_regclass({{ m }}) AND a.attname = {{ r.literal }};
{%- endfor %}{% endif %}{% endfor %}
SELECT pg_temp.keyshift_assert(count(*) = {{ own_defaults }}, format('expected {{ own_defaults }} inherited key defaults to record, found %s; run preflight.sql', count(*))) FROM keyshift.own_default;
{%- endif %}