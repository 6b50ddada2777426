-- same_name_schemas: writes after the forward migration. Every name is qualified.

INSERT INTO north.users (name) VALUES ('ks-north');
INSERT INTO north.posts (user_id, title)
SELECT id, 'ks-north-post' FROM north.users WHERE name = 'ks-north';

INSERT INTO south.users (handle) VALUES ('@ks-south');
INSERT INTO south.posts (user_id, body)
SELECT user_id, 'ks-south-post' FROM south.user_posts WHERE body = 'south one';

INSERT INTO public.fresh (note) VALUES ('written after forward');
UPDATE public.fresh SET note = 'second, updated' WHERE note = 'second';
