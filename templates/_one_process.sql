-- One process per session: no parallel workers, for queries or index
-- builds. This file shares the server's cores with the application, so it
-- takes as many as sessions run it, and no more. Parallel workers beside
-- the application's own processes can fill every core, and then each of
-- the application's statements may wait for one.
SET max_parallel_workers_per_gather = 0;
SET max_parallel_maintenance_workers = 0;
