-- A forum without foreign keys whose data has orphans, as real ones do:
-- posts by a system user id no row holds, comments on deleted posts,
-- bookmarks of deleted posts. keyshift.toml decides per reference what
-- happens to such a row (on_orphan): "keep" gives it the nil uuid, "null"
-- NULL, "fail" (the default) refuses; rollback restores every value.

CREATE TABLE users (
    id       bigserial PRIMARY KEY,
    username text NOT NULL UNIQUE
);

CREATE TABLE posts (
    id      bigserial PRIMARY KEY,
    user_id   bigint NOT NULL DEFAULT 0, -- the system user, who has no row
    editor_id bigint,                    -- who last edited it, 0 for the system
    body      text NOT NULL
);

CREATE TABLE comments (
    id      bigserial PRIMARY KEY,
    post_id bigint,
    user_id   bigint NOT NULL DEFAULT 0, -- the system user, who has no row
    editor_id bigint,                    -- who last edited it, 0 for the system
    body      text NOT NULL
);

-- A key that does not convert: its orphans are found again by the code.
CREATE TABLE bookmarks (
    code    text PRIMARY KEY,
    post_id integer
);
