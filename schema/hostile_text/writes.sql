-- hostile_text: writes through the uuid keys after forward.
INSERT INTO public."acct
\! touch pw_t ;*/$$'\\" (note) VALUES ('ks-new');
INSERT INTO public."a$keyshift$b
\i pw_i" ("acct
\! touch pw_fk", note) SELECT "id
\o pw_o", 'ks-child' FROM public."acct
\! touch pw_t ;*/$$'\\" WHERE note = 'ks-new';
UPDATE public."a$keyshift$b
\i pw_i" SET "acct
\! touch pw_fk" = (SELECT "id
\o pw_o" FROM public."acct
\! touch pw_t ;*/$$'\\" WHERE note = 'ks-new') WHERE note = 'child of one';
