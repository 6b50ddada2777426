{% include "_swap.sql" %}
{%- for s in rebuild_schemas %}
CREATE SCHEMA {{ s.build }};
CREATE SCHEMA {{ s.before }};
{%- endfor %}
INSERT INTO keyshift.swap VALUES
    {{ swap_rows }};
{%- for t in tables %}{% if let Some(b) = t.rebuild %}
SELECT pg_temp.keyshift_assert(ARRAY(SELECT attname FROM pg_attribute WHERE attrelid = to_regclass({{ t.regclass }}) AND attnum > 0 AND NOT attisdropped ORDER BY attnum) = {{ b.columns }},
       format('the columns of %s are not those this bundle was made for; generate it again', {{ t.literal }}));
{%- endif %}{% endfor %}
{%- for batch in self.recorded_column_batches() %}
INSERT INTO keyshift.rebuilt_column
SELECT c.table_name, c.column_name, c.int_type, pg_get_expr(d.adbin, d.adrelid), CASE WHEN c.is_key THEN {{ uuid.new_row_default }} END
FROM (VALUES
{%- for (table, c) in batch %}
    ({{ table }}, {{ c.literal }}, {{ c.int_type }}, {{ c.is_root }}){% if !loop.last %},{% endif %}
{%- endfor %}) AS c (table_name, column_name, int_type, is_key)
JOIN pg_attribute a ON a.attrelid = to_regclass(c.table_name) AND a.attname = c.column_name
LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum;
{%- endfor %}