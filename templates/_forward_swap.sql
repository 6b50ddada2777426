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
{%- for r in b.record_columns %}
{{ r }};
{%- endfor %}
{%- endif %}{% endfor %}