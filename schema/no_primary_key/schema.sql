-- no_primary_key: tables without a primary key whose integer columns
-- reference a converted key. They have no key of their own to convert, but
-- their FK columns still have to follow users.id.

CREATE TABLE users (
    id     serial PRIMARY KEY,
    login  text NOT NULL UNIQUE
);

-- Append-only log: no primary key, NOT NULL FK, duplicate rows allowed.
CREATE TABLE page_views (
    user_id    integer NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    path       text NOT NULL,
    viewed_at  timestamptz NOT NULL DEFAULT now()
);

CREATE INDEX page_views_user_id_viewed_at_idx ON page_views (user_id, viewed_at);

-- No primary key, two nullable FKs to the same table, and a unique constraint
-- that is not a primary key.
CREATE TABLE referrals (
    referrer_id  integer REFERENCES users (id) ON DELETE SET NULL,
    referred_id  integer REFERENCES users (id) ON DELETE SET NULL,
    code         text NOT NULL,
    CONSTRAINT referrals_code_key UNIQUE (code)
);
