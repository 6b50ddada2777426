-- A forum whose schema declares no foreign keys at all, as many real ones
-- do: the application knows which integer columns hold which table's ids,
-- the database does not. keyshift must not convert the keys and leave
-- every *_id column holding ids that no longer exist: each such column
-- blocks until keyshift.toml (drafted by `keyshift init`) declares it.

CREATE TABLE users (
    id          bigserial PRIMARY KEY,
    username    text NOT NULL UNIQUE,
    external_id text
);

CREATE TABLE categories (
    id                 serial PRIMARY KEY,
    parent_category_id integer,
    name               text NOT NULL
);

CREATE TABLE topics (
    id           bigserial PRIMARY KEY,
    category_id  integer NOT NULL,
    user_id      bigint NOT NULL,
    last_post_id bigint,
    title        text NOT NULL
);
CREATE INDEX topics_category_id_idx ON topics (category_id);

CREATE TABLE posts (
    id               bigserial PRIMARY KEY,
    topic_id         bigint NOT NULL,
    user_id          bigint NOT NULL,
    reply_to_post_id bigint,
    body             text NOT NULL
);
CREATE INDEX posts_topic_id_idx ON posts (topic_id);

CREATE TABLE post_likes (
    id      bigserial PRIMARY KEY,
    post_id bigint NOT NULL,
    user_id bigint NOT NULL,
    UNIQUE (post_id, user_id)
);
