-- Raises work_mem, for this transaction only, until the maps a copy (or a
-- comparison) joins fit in memory together: then the planner hashes the
-- maps and reads the table once, where it would otherwise hash the
-- (wider) table or spill both to disk. The hash is allowed at most the
-- larger of 2 GB and maintenance_work_mem: bigger maps (tens of millions
-- of rows) are hashed in batches on disk, slower, rather than in memory
-- the server may not have. Never lowers work_mem. Returns the setting.
-- Session-local, as keyshift_assert is: a file that reads the maps may
-- run where forward created none of keyshift's functions.
CREATE OR REPLACE FUNCTION pg_temp.keyshift_fit_maps(maps regclass[]) RETURNS text
LANGUAGE sql AS $keyshift$
    SELECT set_config('work_mem',
        greatest(pg_size_bytes(current_setting('work_mem')),
                 ceil(least((SELECT sum(pg_relation_size(m)) FROM unnest(maps) AS m) * 1.25,
                            greatest(pg_size_bytes('2GB'), pg_size_bytes(current_setting('maintenance_work_mem'))))
                      / current_setting('hash_mem_multiplier')::float8))::bigint / 1024 + 1 || 'kB', true)
$keyshift$;
