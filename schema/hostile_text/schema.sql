-- hostile_text: catalog text that tries to leave the comment or literal
-- it is written into. Names, comments and expressions below hold line
-- breaks followed by psql meta-commands; a bundle that lets one of them
-- escape runs it: `\!` creates a file in the bundle's directory, `\o`
-- redirects output to one, and `\i` of a missing file fails the run.

CREATE FUNCTION public."trg_fn
\! touch pw_fn"() RETURNS trigger LANGUAGE plpgsql AS $f$
BEGIN
    -- a comment in the body
    -- \! touch pw_body */ $$ ' ;
    NEW.note := NEW.note || '';
    RETURN NEW;
END
$f$;

CREATE TABLE public."acct
\! touch pw_t ;*/$$'\\" (
    "id
\o pw_o" bigserial PRIMARY KEY,
    note text NOT NULL DEFAULT 'x
\! touch pw_default',
    CONSTRAINT "chk
\! touch pw_check" CHECK (CASE WHEN note = 'special
\! touch pw_case */ $$ '' ; \o pw_case_o
\i pw_case_i\! touch pw_cr' THEN "id
\o pw_o" IS NOT NULL ELSE true END)
);

CREATE TABLE public."a$keyshift$b
\i pw_i" (
    "id
\o pw_o" serial PRIMARY KEY,
    "acct
\! touch pw_fk" bigint,
    note text NOT NULL DEFAULT '',
    CONSTRAINT "fk
\! touch pw_fkname */" FOREIGN KEY ("acct
\! touch pw_fk") REFERENCES public."acct
\! touch pw_t ;*/$$'\\" ("id
\o pw_o")
);

CREATE INDEX "ix
\! touch pw_ix" ON public."a$keyshift$b
\i pw_i" ("acct
\! touch pw_fk") WHERE "acct
\! touch pw_fk" IS NOT NULL AND note <> 'multi
\! touch pw_pred \\ ;';

CREATE VIEW public."v
\! touch pw_v" AS
SELECT p."id
\o pw_o" AS id, p.note, c."id
\o pw_o" AS child_id, '
\! touch pw_view_text ; $$ */'::text AS x
FROM public."acct
\! touch pw_t ;*/$$'\\" p LEFT JOIN public."a$keyshift$b
\i pw_i" c ON c."acct
\! touch pw_fk" = p."id
\o pw_o";

COMMENT ON TABLE public."acct
\! touch pw_t ;*/$$'\\" IS 'accounts
\! touch pw_comment */ $$ ''';
COMMENT ON VIEW public."v
\! touch pw_v" IS '
\o pw_view_comment';

ALTER TABLE public."acct
\! touch pw_t ;*/$$'\\" ENABLE ROW LEVEL SECURITY;
CREATE POLICY "pol
\! touch pw_pol" ON public."acct
\! touch pw_t ;*/$$'\\" USING (note <> '
\! touch pw_pol_expr');

CREATE RULE "r
\! touch pw_rule" AS ON DELETE TO public."a$keyshift$b
\i pw_i" WHERE old.note = '
\! touch pw_rule_expr' DO INSTEAD NOTHING;

CREATE TRIGGER "t
\! touch pw_trg" BEFORE UPDATE ON public."acct
\! touch pw_t ;*/$$'\\" FOR EACH ROW WHEN (new.note <> '
\! touch pw_when') EXECUTE FUNCTION public."trg_fn
\! touch pw_fn"();
