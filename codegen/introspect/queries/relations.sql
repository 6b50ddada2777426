-- Every relation in scope (tables, views, materialized views, sequences),
-- with its oid and relkind: keyshift passes them to the other queries
-- (queries/scoped.sql). For ordinary and partitioned tables, also their
-- partition parent and legacy inheritance parents (in inhseqno order),
-- their size, and for a partitioned table its strategy and the columns its
-- partition key reads (plain key columns and those its expressions read,
-- from the stored trees).
-- total_bytes adds up relpages of the table, its TOAST table and all their
-- indexes, as fresh as reltuples (VACUUM and ANALYZE set both). It never
-- opens a relation: pg_total_relation_size would build a relcache entry
-- and stat every file of each table and index (nearly half of the server's
-- time on 2,000 tables). A table never analyzed or vacuumed (reltuples -1)
-- has relpages 0 whatever it holds, so for it alone the heap's size is read
-- (pg_relation_size: one file stat, about 0.01 ms a table), and row_bound is
-- the most rows that heap can hold: its pages times MaxHeapTuplesPerPage,
-- (block_size - 24) / (24 + 4) (page header; the smallest tuple header and
-- its line pointer), 291 at 8 kB. An empty heap has held no row since its
-- indexes were built, which set their relpages, so relpages stays exact
-- there; only a heap with pages gets pg_total_relation_size, exact (it
-- opens every index: about 0.15 ms a table; ACCESS SHARE on each, released
-- at once, and no row read).
-- Runs with search_path = '' inside keyshift's read-only snapshot.
SELECT s.oid,
       s.nspname::text AS schema,
       s.relname::text AS name,
       s.relkind::text AS relkind,
       c.relpersistence = 'u' AS unlogged,
       c.relispartition AS is_partition,
       coalesce(p.schemas, '{}') AS parent_schemas,
       coalesce(p.names, '{}') AS parent_names,
       CASE WHEN c.reltuples >= 0 THEN pg_catalog.round(c.reltuples)::int8 END AS row_estimate,
       CASE WHEN h.heap_bytes > 0
         THEN pg_catalog.pg_total_relation_size(c.oid)
         ELSE (c.relpages::int8 + coalesce(t.relpages, 0) + coalesce(ix.pages, 0) + coalesce(tx.pages, 0))
           * bs.size
       END AS total_bytes,
       h.heap_bytes / bs.size * ((bs.size - 24) / (24 + 4)) AS row_bound,
       pt.partstrat::text AS partition_strategy,
       CASE WHEN pt.partrelid IS NULL THEN '{}'::text[] ELSE ARRAY(
         SELECT a.attname::text
         FROM pg_catalog.pg_attribute a
         WHERE a.attrelid = c.oid
           AND a.attnum > 0
           AND (a.attnum = ANY (pt.partattrs::int2[])
                OR a.attnum::text IN (
                  SELECT m[1]
                  FROM pg_catalog.regexp_matches(coalesce(pt.partexprs::text, ''), ':varattno (\d+)', 'g') AS m))
         ORDER BY a.attnum
       ) END AS partition_columns
FROM scope s
JOIN pg_catalog.pg_class c ON c.oid = s.oid
CROSS JOIN (SELECT pg_catalog.current_setting('block_size')::int8 AS size) bs
LEFT JOIN LATERAL (
  SELECT pg_catalog.pg_relation_size(c.oid) AS heap_bytes
  WHERE c.reltuples < 0 AND c.relkind = 'r'
) h ON true
LEFT JOIN pg_catalog.pg_partitioned_table pt ON pt.partrelid = c.oid
LEFT JOIN (
  SELECT i.inhrelid,
         pg_catalog.array_agg(pn.nspname::text ORDER BY i.inhseqno) AS schemas,
         pg_catalog.array_agg(pc.relname::text ORDER BY i.inhseqno) AS names
  FROM pg_catalog.pg_inherits i
  JOIN pg_catalog.pg_class pc ON pc.oid = i.inhparent
  JOIN pg_catalog.pg_namespace pn ON pn.oid = pc.relnamespace
  GROUP BY i.inhrelid
) p ON p.inhrelid = c.oid
LEFT JOIN pg_catalog.pg_class t ON t.oid = c.reltoastrelid
LEFT JOIN (
  SELECT x.indrelid, pg_catalog.sum(ic.relpages)::int8 AS pages
  FROM pg_catalog.pg_index x
  JOIN pg_catalog.pg_class ic ON ic.oid = x.indexrelid
  GROUP BY x.indrelid
) ix ON ix.indrelid = c.oid
LEFT JOIN (
  SELECT x.indrelid, pg_catalog.sum(ic.relpages)::int8 AS pages
  FROM pg_catalog.pg_index x
  JOIN pg_catalog.pg_class ic ON ic.oid = x.indexrelid
  GROUP BY x.indrelid
) tx ON tx.indrelid = c.reltoastrelid
