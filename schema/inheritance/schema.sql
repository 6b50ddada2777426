-- Legacy inheritance (issue 4): children and a grandchild share their
-- parent's serial key and foreign-key columns; children have keys, foreign
-- keys and columns of their own, and other tables reference a child's key.

CREATE TABLE accounts (
    id serial PRIMARY KEY,
    handle text NOT NULL UNIQUE
);

CREATE TABLE albums (
    id serial PRIMARY KEY,
    owner_id integer NOT NULL REFERENCES accounts (id),
    title text NOT NULL
);

-- Foreign keys are not inherited: each table declares its own.
CREATE TABLE media (
    id serial PRIMARY KEY,
    owner_id integer NOT NULL REFERENCES accounts (id) ON DELETE CASCADE,
    title text NOT NULL,
    created_at timestamptz NOT NULL DEFAULT '2024-01-01 00:00:00+00'
);

-- A child with its own unique key on the shared id and a local foreign-key
-- column, which changes on the child itself. (A child primary key on the
-- shared id converts too, except on PostgreSQL 18: see tests/families.)
CREATE TABLE photos (
    width integer NOT NULL,
    album_id integer REFERENCES albums (id) ON DELETE SET NULL,
    CONSTRAINT photos_id_key UNIQUE (id),
    CONSTRAINT photos_owner_id_fkey FOREIGN KEY (owner_id) REFERENCES accounts (id)
) INHERITS (media);

CREATE INDEX photos_album_id_idx ON photos (album_id);

-- A child without a key of its own.
CREATE TABLE videos (
    seconds integer NOT NULL CHECK (seconds > 0)
) INHERITS (media);

-- A grandchild that redeclares an inherited column (merged, not duplicated).
CREATE TABLE live_videos (
    title text NOT NULL,
    stream_key text NOT NULL,
    host_id integer NOT NULL REFERENCES accounts (id)
) INHERITS (videos);

-- Children whose key has a default of its own: imports number their rows
-- from a sequence of their own, drafts have none. Forward gives both the
-- family's new default; rollback gives each its own back.
CREATE SEQUENCE imports_id_seq START 1000;
CREATE TABLE imports (
    id integer DEFAULT nextval('imports_id_seq'),
    source text NOT NULL
) INHERITS (media);

CREATE TABLE drafts (
    saved boolean NOT NULL DEFAULT false
) INHERITS (media);
ALTER TABLE ONLY drafts ALTER COLUMN id DROP DEFAULT;

-- References a child's key: the values come from the family's map.
CREATE TABLE photo_tags (
    id bigserial PRIMARY KEY,
    photo_id integer NOT NULL REFERENCES photos (id) ON DELETE CASCADE,
    tag text NOT NULL
);

-- An unlogged table in the family's orbit.
CREATE UNLOGGED TABLE media_views (
    media_id integer NOT NULL,
    viewer_id integer REFERENCES accounts (id),
    seen_at timestamptz NOT NULL DEFAULT '2024-01-01 00:00:00+00'
);
