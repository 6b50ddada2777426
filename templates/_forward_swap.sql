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
{%- for c in b.record_columns %}
INSERT INTO keyshift.rebuilt_column SELECT {{ t.regclass }}, {{ c.literal }}, {{ c.int_type }}, pg_get_expr(d.adbin, d.adrelid), {% if c.is_root %}{{ uuid.new_row_default }}{% else %}NULL{% endif %} FROM pg_attribute a LEFT JOIN pg_attrdef d ON d.adrelid = a.attrelid AND d.adnum = a.attnum WHERE a.attrelid = to_regclass({{ t.regclass }}) AND a.attname = {{ c.literal }};
{%- endfor %}
{%- endif %}{% endfor %}