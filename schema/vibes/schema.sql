-- vibes: a small journaling app (the README example).
-- Users write journals, tag them, keep some tags secret, set reminders,
-- and every action lands in an audit log.

CREATE TABLE users (
    id            serial PRIMARY KEY,
    email         text NOT NULL UNIQUE,
    display_name  text,
    password_hash text NOT NULL,
    is_active     boolean NOT NULL DEFAULT true,
    timezone      text NOT NULL DEFAULT 'UTC',
    created_at    timestamptz NOT NULL DEFAULT now(),
    updated_at    timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE journals (
    id          bigserial PRIMARY KEY,
    user_id     integer NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    title       text NOT NULL,
    body        text NOT NULL DEFAULT '',
    mood        smallint CHECK (mood BETWEEN 1 AND 5),
    is_private  boolean NOT NULL DEFAULT true,
    created_at  timestamptz NOT NULL DEFAULT now(),
    updated_at  timestamptz NOT NULL DEFAULT now(),
    deleted_at  timestamptz
);

-- Most queries only look at live journals.
CREATE INDEX journals_user_id_live_idx ON journals (user_id) WHERE deleted_at IS NULL;
CREATE INDEX journals_user_id_created_at_idx ON journals (user_id, created_at DESC);

CREATE TABLE tags (
    id          serial PRIMARY KEY,
    user_id     integer NOT NULL,
    name        varchar(64) NOT NULL,
    color       char(7) DEFAULT '#888888',
    created_at  timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT tags_user_fk FOREIGN KEY (user_id) REFERENCES users (id) ON DELETE CASCADE,
    CONSTRAINT tags_user_name_key UNIQUE (user_id, name)
);

CREATE TABLE journal_tags (
    journal_id  bigint  NOT NULL REFERENCES journals (id) ON DELETE CASCADE,
    tag_id      integer NOT NULL REFERENCES tags (id) ON DELETE CASCADE,
    tagged_at   timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (journal_id, tag_id)
);

CREATE INDEX journal_tags_tag_id_idx ON journal_tags (tag_id);

-- A tag can be marked secret; the label is stored encrypted.
CREATE TABLE secret_tags (
    id               serial PRIMARY KEY,
    tag_id           integer NOT NULL UNIQUE REFERENCES tags (id) ON DELETE CASCADE,
    hint             text,
    encrypted_label  bytea NOT NULL,
    created_at       timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE reminders (
    id          serial PRIMARY KEY,
    user_id     integer NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    journal_id  bigint REFERENCES journals (id) ON DELETE SET NULL,
    remind_at   timestamptz NOT NULL,
    message     text NOT NULL,
    is_sent     boolean NOT NULL DEFAULT false,
    created_at  timestamptz NOT NULL DEFAULT now()
);

CREATE INDEX reminders_user_id_idx ON reminders (user_id);
CREATE INDEX reminders_journal_id_idx ON reminders (journal_id);
CREATE INDEX reminders_due_idx ON reminders (remind_at) WHERE NOT is_sent;

CREATE TABLE audit_logs (
    id           bigserial PRIMARY KEY,
    user_id      integer REFERENCES users (id) ON DELETE SET NULL,
    action       text NOT NULL,
    entity_type  text,
    entity_id    bigint,          -- polymorphic, deliberately not a foreign key
    details      jsonb NOT NULL DEFAULT '{}'::jsonb,
    ip_address   inet,
    created_at   timestamptz NOT NULL DEFAULT now()
);

CREATE INDEX audit_logs_user_id_idx ON audit_logs (user_id);
CREATE INDEX audit_logs_entity_idx ON audit_logs (entity_type, entity_id);

CREATE TABLE user_sessions (
    id           bigserial PRIMARY KEY,
    user_id      integer NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    token_hash   text NOT NULL UNIQUE,
    user_agent   text,
    created_at   timestamptz NOT NULL DEFAULT now(),
    expires_at   timestamptz NOT NULL,
    revoked_at   timestamptz
);

CREATE INDEX user_sessions_user_id_idx ON user_sessions (user_id);
