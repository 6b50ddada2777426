-- view_on_key: views that select converted key columns, and a view on a view.
-- A migration has to drop and recreate them (or refuse).

CREATE TABLE users (
    id      serial PRIMARY KEY,
    name    text NOT NULL UNIQUE,
    active  boolean NOT NULL DEFAULT true
);

CREATE TABLE posts (
    id         bigserial PRIMARY KEY,
    author_id  integer NOT NULL REFERENCES users (id),
    title      text NOT NULL,
    published  boolean NOT NULL DEFAULT false
);

CREATE INDEX posts_author_id_idx ON posts (author_id);

-- A simple (auto-updatable) view exposing the key.
CREATE VIEW active_users AS
    SELECT id, name FROM users WHERE active;

-- A join view exposing a PK and an FK.
CREATE VIEW post_authors AS
    SELECT p.id AS post_id,
           p.author_id,
           u.id AS user_id,
           u.name AS author_name,
           p.title,
           p.published
    FROM posts p
    JOIN users u ON u.id = p.author_id;

-- A view on the view.
CREATE VIEW published_post_authors AS
    SELECT post_id, author_id, author_name, title
    FROM post_authors
    WHERE published;
