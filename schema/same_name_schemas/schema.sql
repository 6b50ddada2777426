-- same_name_schemas: two schemas each hold a converted table users, a
-- table posts that references it and a view of the same name over both;
-- north.posts has a policy; a view in public reads one table of each
-- schema. Preflight once skipped every view test when two planned
-- relations shared a name; it must test each view and policy over the
-- uuid copies of the tables it reads, and the bundle must round-trip.
-- public.fresh is named so that its map would be keyshift.fresh_ids, the
-- table rollback records fresh ids in: its map must take another name.

CREATE SCHEMA north;
CREATE SCHEMA south;

CREATE TABLE north.users (
    id    serial PRIMARY KEY,
    name  text NOT NULL
);

CREATE TABLE north.posts (
    id       serial PRIMARY KEY,
    user_id  integer NOT NULL REFERENCES north.users (id),
    title    text NOT NULL
);

CREATE TABLE south.users (
    id      bigserial PRIMARY KEY,
    handle  text NOT NULL
);

CREATE TABLE south.posts (
    id       bigserial PRIMARY KEY,
    user_id  bigint NOT NULL REFERENCES south.users (id),
    body     text NOT NULL
);

-- The same view name, different columns: each must be created over its
-- own schema's copies.
CREATE VIEW north.user_posts AS
    SELECT u.id AS user_id, u.name, p.id AS post_id, p.title
    FROM north.users u JOIN north.posts p ON p.user_id = u.id;

CREATE VIEW south.user_posts AS
    SELECT u.id AS user_id, u.handle, p.id AS post_id, p.body
    FROM south.users u JOIN south.posts p ON p.user_id = u.id;

-- A view on the view, relying on the primary key of its copy through GROUP BY.
CREATE VIEW south.post_counts AS
    SELECT u.id, u.handle, count(v.post_id) AS posts
    FROM south.users u LEFT JOIN south.user_posts v ON v.user_id = u.id
    GROUP BY u.id;

ALTER TABLE north.posts ENABLE ROW LEVEL SECURITY;
CREATE POLICY posts_have_authors ON north.posts
    USING (user_id IN (SELECT user_id FROM north.user_posts));

-- A view reading south.users and north.labels: north also has a users, so
-- south must come first on the search path the test uses, although north
-- sorts first.
CREATE TABLE north.labels (
    id     serial PRIMARY KEY,
    label  text NOT NULL
);

CREATE VIEW public.south_users_with_labels AS
    SELECT u.id AS user_id, u.handle, l.id AS label_id, l.label
    FROM south.users u JOIN north.labels l ON l.label = u.handle;

CREATE TABLE public.fresh (
    id     serial PRIMARY KEY,
    note   text NOT NULL
);
