-- An index's definition after `USING `, as the server prints it, with its
-- WHERE clause replaced by `predicate` and its key expression k by
-- keys[k] where those are given: what forward recreates with translated
-- constants, on a copy or in place. Each key prints on its own exactly as
-- in the whole definition, so it is found there in order.
CREATE FUNCTION {{ tail_schema }}.{{ tail_prefix }}index_tail(idx regclass, predicate text, keys text[]) RETURNS text
LANGUAGE plpgsql STABLE AS $keyshift$
DECLARE
    i pg_index;
    def text := pg_get_indexdef(idx);
    prefix text;
    tail text;
    old_where text;
    key_text text;
    pos integer;
    at integer;
BEGIN
    SELECT * INTO i FROM pg_index WHERE indexrelid = idx;
    prefix := format('CREATE %sINDEX %I ON %s USING ', CASE WHEN i.indisunique THEN 'UNIQUE ' ELSE '' END,
                     (SELECT relname FROM pg_class WHERE oid = idx),
                     (SELECT quote_ident(n.nspname) || '.' || quote_ident(c.relname) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE c.oid = i.indrelid));
    IF left(def, length(prefix)) <> prefix THEN
        RAISE EXCEPTION 'keyshift: index % does not print as expected: %', idx, def;
    END IF;
    tail := substr(def, length(prefix) + 1);
    IF predicate IS NOT NULL THEN
        old_where := ' WHERE ' || pg_get_expr(i.indpred, i.indrelid);
        IF right(tail, length(old_where)) <> old_where THEN
            RAISE EXCEPTION 'keyshift: the WHERE clause of index % does not print as expected: %', idx, def;
        END IF;
        tail := left(tail, length(tail) - length(old_where)) || ' WHERE (' || predicate || ')';
    END IF;
    pos := strpos(tail, '(') + 1;
    FOR k IN 1 .. coalesce(cardinality(keys), 0) LOOP
        key_text := pg_get_indexdef(idx, k, false);
        at := strpos(substr(tail, pos), key_text);
        IF at = 0 THEN
            RAISE EXCEPTION 'keyshift: key % of index % does not print as expected: %', k, idx, def;
        END IF;
        at := pos + at - 1;
        IF keys[k] IS NOT NULL THEN
            tail := left(tail, at - 1) || '(' || keys[k] || ')' || substr(tail, at + length(key_text));
            pos := at + length(keys[k]) + 2;
        ELSE
            pos := at + length(key_text);
        END IF;
    END LOOP;
    RETURN tail;
END
$keyshift$;
