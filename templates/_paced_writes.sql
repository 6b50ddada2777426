-- Paced writes: every 256kB of table and index pages this session writes
-- out of shared buffers, it asks the kernel to start writing them to
-- disk (as the checkpointer does by default), instead of leaving them
-- dirty until a checkpoint's fsync, or the kernel's own threshold, sends
-- them to the disk all at once. The application's commits wait for WAL
-- to reach that disk, and behind such a burst they wait for all of it.
-- PostgreSQL skips this, like every flush, on a server with fsync off.
SET backend_flush_after = '256kB';
