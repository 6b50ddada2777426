-- rails_app: a Rails-style schema whose references are mostly not foreign
-- keys. comments.post_id and posts.author_id are declared in keyshift.toml;
-- taggings is polymorphic over posts and users; page_views.post_id and the
-- pair notifications.(subject_type, subject_id) are candidates, which
-- keyshift.toml answers (dismissed and declared); audit_log is excluded in
-- keyshift.toml, so its user_id candidate is dismissed there too.

CREATE TABLE users (
    id bigserial PRIMARY KEY,
    email text NOT NULL UNIQUE,
    legacy_id integer
);

CREATE TABLE posts (
    id bigserial PRIMARY KEY,
    author_id bigint NOT NULL,
    title text NOT NULL
);
CREATE INDEX index_posts_on_author_id ON posts (author_id);

CREATE TABLE comments (
    id bigserial PRIMARY KEY,
    post_id bigint,
    user_id bigint NOT NULL REFERENCES users (id),
    body text NOT NULL
);
CREATE INDEX index_comments_on_post_id ON comments (post_id);

CREATE TABLE tags (
    id serial PRIMARY KEY,
    name character varying NOT NULL
);

CREATE TABLE taggings (
    id bigserial PRIMARY KEY,
    tag_id integer NOT NULL REFERENCES tags (id) ON DELETE CASCADE,
    taggable_type character varying,
    taggable_id bigint,
    note text
);
CREATE INDEX index_taggings_on_taggable ON taggings (taggable_type, taggable_id);

CREATE TABLE page_views (
    id bigserial PRIMARY KEY,
    post_id integer NOT NULL,
    viewed_on date NOT NULL
);

-- An undeclared polymorphic pair: listed as a candidate, left alone.
CREATE TABLE notifications (
    id bigserial PRIMARY KEY,
    subject_type text,
    subject_id bigint,
    message text NOT NULL
);

CREATE TABLE audit_log (
    id bigserial PRIMARY KEY,
    user_id bigint,
    action text NOT NULL
);
