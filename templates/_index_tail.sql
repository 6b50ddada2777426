-- An index's definition after `USING `, as the server prints it, with its
-- WHERE clause replaced by `predicate` when one is given: what forward
-- recreates with translated constants, on a copy or in place.
CREATE FUNCTION {{ tail_schema }}.{{ tail_prefix }}index_tail(idx regclass, predicate text) RETURNS text
LANGUAGE plpgsql STABLE AS $keyshift$
DECLARE
    i pg_index;
    def text := pg_get_indexdef(idx);
    prefix text;
    tail text;
    old_where text;
BEGIN
    SELECT * INTO i FROM pg_index WHERE indexrelid = idx;
    prefix := format('CREATE %sINDEX %I ON %s USING ', CASE WHEN i.indisunique THEN 'UNIQUE ' ELSE '' END,
                     (SELECT relname FROM pg_class WHERE oid = idx),
                     (SELECT quote_ident(n.nspname) || '.' || quote_ident(c.relname) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE c.oid = i.indrelid));
    IF left(def, length(prefix)) <> prefix THEN
        RAISE EXCEPTION 'keyshift: index % does not print as expected: %', idx, def;
    END IF;
    tail := substr(def, length(prefix) + 1);
    IF predicate IS NULL THEN
        RETURN tail;
    END IF;
    old_where := ' WHERE ' || pg_get_expr(i.indpred, i.indrelid);
    IF right(tail, length(old_where)) <> old_where THEN
        RAISE EXCEPTION 'keyshift: the WHERE clause of index % does not print as expected: %', idx, def;
    END IF;
    RETURN left(tail, length(tail) - length(old_where)) || ' WHERE (' || predicate || ')';
END
$keyshift$;
