-- Helpers live in pg_temp and vanish with the session.
CREATE FUNCTION pg_temp.ks_assert(ok boolean, msg text) RETURNS void
LANGUAGE plpgsql AS $$
BEGIN
    IF ok IS NOT TRUE THEN
        RAISE EXCEPTION 'writes_check failed: %', msg;
    END IF;
END $$;

-- True when the sequence behind tbl.col (serial, identity, OWNED BY, or a
-- plain DEFAULT nextval('…')) would hand out a value above every value already
-- in the column.
CREATE FUNCTION pg_temp.ks_seq_ahead(tbl regclass, col text) RETURNS boolean
LANGUAGE plpgsql AS $$
DECLARE
    seq    regclass;
    lv     bigint;
    called boolean;
    inc    bigint;
    mx     bigint;
BEGIN
    seq := pg_get_serial_sequence(tbl::text, col)::regclass;
    IF seq IS NULL THEN
        SELECT replace(substring(pg_get_expr(d.adbin, d.adrelid) FROM '^nextval\(''(.*)''::regclass\)$'), '''''', '''')::regclass
        INTO seq
        FROM pg_attrdef d
        JOIN pg_attribute a ON a.attrelid = d.adrelid AND a.attnum = d.adnum
        WHERE d.adrelid = tbl AND a.attname = col;
    END IF;
    IF seq IS NULL THEN
        RAISE EXCEPTION 'writes_check failed: no sequence behind %.%', tbl, col;
    END IF;
    EXECUTE format('SELECT last_value, is_called FROM %s', seq) INTO lv, called;
    SELECT seqincrement INTO inc FROM pg_sequence WHERE seqrelid = seq;
    EXECUTE format('SELECT max(%I)::bigint FROM %s', col, tbl) INTO mx;
    RETURN mx IS NULL OR (CASE WHEN called THEN lv + inc ELSE lv END) > mx;
END $$;

-- New parents got fresh integer keys.
SELECT pg_temp.ks_assert(
    (SELECT user_id IS NOT NULL AND user_id NOT BETWEEN 1 AND 6 FROM users WHERE email = 'ks-tester@bank.example'),
    'new user missing or has a seeded id');
SELECT pg_temp.ks_assert(
    (SELECT count(*) = 1 FROM users u JOIN lobs l ON l.lob_id = u.lob_id
     WHERE u.email = 'ks-tester@bank.example' AND l.lob_name = 'Cards' AND l.lob_id = 2),
    'new user lost its lob');
SELECT pg_temp.ks_assert(
    (SELECT count(*) = 1 FROM lobs l
     JOIN lobs p ON p.lob_id = l.parent_lob_id
     JOIN users u ON u.user_id = l.created_by
     WHERE l.lob_name = 'ks-lob' AND l.lob_id NOT BETWEEN 1 AND 5
       AND p.lob_name = 'Corporate' AND u.email = 'ks-tester@bank.example'),
    'new lob lost its parent or creator');
SELECT pg_temp.ks_assert(
    (SELECT role_id IS NOT NULL AND role_id NOT BETWEEN 1 AND 4 FROM roles WHERE role_name = 'ks-role'),
    'new role missing or has a seeded id');
SELECT pg_temp.ks_assert(
    (SELECT permission_id IS NOT NULL AND permission_id NOT BETWEEN 1 AND 5
     FROM permissions WHERE resource = 'ks-resource' AND action = 'read'),
    'new permission missing or has a seeded id');
SELECT pg_temp.ks_assert(
    (SELECT count(*) = 1 FROM user_roles ur
     JOIN users u ON u.user_id = ur.user_id
     JOIN roles r ON r.role_id = ur.role_id
     JOIN users a ON a.user_id = ur.assigned_by
     WHERE u.email = 'ks-tester@bank.example' AND r.role_name = 'ks-role' AND a.email = 'admin@bank.example'),
    'user_roles row (new user, new role) lost');
SELECT pg_temp.ks_assert(
    (SELECT count(*) = 2 FROM role_permissions rp
     JOIN roles r ON r.role_id = rp.role_id
     JOIN permissions p ON p.permission_id = rp.permission_id
     WHERE r.role_name = 'ks-role'
       AND ((p.resource = 'ks-resource' AND rp.granted_by IS NULL)
         OR (p.resource = 'cycles' AND p.action = 'read' AND p.permission_id = 2
             AND rp.granted_by = (SELECT user_id FROM users WHERE email = 'ks-tester@bank.example')))),
    'role_permissions rows for ks-role lost');
SELECT pg_temp.ks_assert(
    (SELECT count(*) = 1 FROM test_cycles c JOIN users u ON u.user_id = c.test_manager_id AND u.user_id = c.created_by
     WHERE c.cycle_name = 'ks-cycle' AND c.cycle_id NOT BETWEEN 1 AND 3 AND u.email = 'ks-tester@bank.example'),
    'new cycle lost its manager');
SELECT pg_temp.ks_assert(
    (SELECT count(*) = 1 FROM reports r
     JOIN lobs l ON l.lob_id = r.lob_id
     JOIN users o ON o.user_id = r.report_owner_id
     WHERE r.report_name = 'ks-report' AND r.report_id IS NOT NULL AND r.report_id NOT BETWEEN 1001 AND 1004
       AND l.lob_name = 'ks-lob' AND o.email = 'owner@bank.example'),
    'new report lost its lob/owner or has a seeded id');

-- Composite keys.
SELECT pg_temp.ks_assert(
    (SELECT count(*) = 1 FROM cycle_reports cr
     JOIN test_cycles c ON c.cycle_id = cr.cycle_id
     JOIN reports r ON r.report_id = cr.report_id
     JOIN users t ON t.user_id = cr.tester_id
     WHERE c.cycle_name = 'ks-cycle' AND r.report_name = 'ks-report' AND t.email = 'ks-tester@bank.example'),
    'cycle_reports (ks-cycle, ks-report) lost');
SELECT pg_temp.ks_assert(
    (SELECT count(*) = 1 FROM cycle_reports cr
     JOIN test_cycles c ON c.cycle_id = cr.cycle_id
     WHERE c.cycle_name = 'ks-cycle' AND cr.report_id = 1001 AND cr.tester_id IS NULL),
    'cycle_reports (ks-cycle, FR Y-14Q=1001) lost');
SELECT pg_temp.ks_assert(
    (SELECT count(*) = 1 FROM workflow_phases p
     JOIN cycle_reports cr ON (cr.cycle_id, cr.report_id) = (p.cycle_id, p.report_id)
     JOIN test_cycles c ON c.cycle_id = cr.cycle_id
     JOIN reports r ON r.report_id = cr.report_id
     JOIN users u ON u.user_id = p.started_by
     WHERE p.notes = 'ks-phase' AND p.phase_id NOT BETWEEN 1 AND 6
       AND c.cycle_name = 'ks-cycle' AND r.report_name = 'ks-report' AND u.email = 'ks-tester@bank.example'),
    'new phase lost its (cycle, report) or starter');
SELECT pg_temp.ks_assert(
    (SELECT count(*) = 1 FROM report_attributes a
     JOIN reports r ON r.report_id = a.report_id
     JOIN users u ON u.user_id = a.created_by
     WHERE a.attribute_name = 'ks_attr' AND a.version_number = 1 AND a.master_attribute_id IS NULL
       AND a.attribute_id NOT BETWEEN 1 AND 5 AND r.report_name = 'ks-report' AND u.email = 'ks-tester@bank.example'),
    'new attribute v1 lost its report');
SELECT pg_temp.ks_assert(
    (SELECT count(*) = 1 FROM report_attributes a2
     JOIN report_attributes a1 ON a1.attribute_id = a2.master_attribute_id
     JOIN reports r ON r.report_id = a2.report_id
     WHERE a2.attribute_name = 'ks_attr' AND a2.version_number = 2
       AND a1.attribute_name = 'ks_attr' AND a1.version_number = 1 AND r.report_name = 'ks-report'
       AND a1.attribute_id <> a2.attribute_id),
    'new attribute v2 lost its master (self-reference)');
SELECT pg_temp.ks_assert(
    (SELECT count(*) = 1 FROM cycle_report_planning_attributes pa
     JOIN cycle_reports cr ON (cr.cycle_id, cr.report_id) = (pa.cycle_id, pa.report_id)
     JOIN test_cycles c ON c.cycle_id = cr.cycle_id
     JOIN reports r ON r.report_id = cr.report_id
     JOIN report_attributes a ON a.attribute_id = pa.attribute_id
     JOIN workflow_phases p ON p.phase_id = pa.phase_id
     JOIN users m ON m.user_id = pa.approved_by
     WHERE pa.information_security_classification = 'ks-classification' AND pa.id NOT BETWEEN 1 AND 4
       AND c.cycle_name = 'ks-cycle' AND r.report_name = 'ks-report'
       AND a.attribute_name = 'ks_attr' AND a.version_number = 1
       AND p.notes = 'ks-phase' AND m.email = 'manager@bank.example' AND m.user_id = 2),
    'new planning attribute lost a parent');
SELECT pg_temp.ks_assert(
    (SELECT count(*) = 1 FROM cycle_report_scoping_attributes s
     JOIN cycle_report_planning_attributes pa ON pa.id = s.planning_attribute_id
     JOIN test_cycles c ON c.cycle_id = s.cycle_id
     JOIN reports r ON r.report_id = s.report_id
     WHERE s.tester_rationale = 'ks-rationale' AND s.id NOT BETWEEN 1 AND 3
       AND pa.information_security_classification = 'ks-classification'
       AND c.cycle_name = 'ks-cycle' AND r.report_name = 'ks-report' AND s.decided_by = 2),
    'new scoping attribute lost a parent');
SELECT pg_temp.ks_assert(
    (SELECT count(*) = 1 FROM sample_selections s
     JOIN test_cycles c ON c.cycle_id = s.cycle_id
     JOIN reports r ON r.report_id = s.report_id
     JOIN users u ON u.user_id = s.selected_by
     WHERE s.sample_identifier = 'ks-sample-1' AND s.sample_id NOT BETWEEN 1 AND 3
       AND c.cycle_name = 'ks-cycle' AND r.report_name = 'ks-report' AND u.email = 'ks-tester@bank.example'),
    'new sample lost a parent');
SELECT pg_temp.ks_assert(
    (SELECT count(*) = 1 FROM test_executions e
     JOIN sample_selections s ON s.sample_id = e.sample_id
     JOIN workflow_phases p ON p.phase_id = e.phase_id
     JOIN report_attributes a ON a.attribute_id = e.attribute_id
     JOIN cycle_reports cr ON (cr.cycle_id, cr.report_id) = (e.cycle_id, e.report_id)
     JOIN test_cycles c ON c.cycle_id = cr.cycle_id
     WHERE e.actual_value = 'ks-exec' AND e.execution_id NOT BETWEEN 1 AND 3
       AND s.sample_identifier = 'ks-sample-1' AND p.notes = 'ks-phase'
       AND a.attribute_name = 'ks_attr' AND a.version_number = 2 AND c.cycle_name = 'ks-cycle'),
    'new test execution lost a parent');
SELECT pg_temp.ks_assert(
    (SELECT count(*) = 1 FROM observations o
     JOIN test_executions e ON e.execution_id = o.test_execution_id
     JOIN users a ON a.user_id = o.assigned_to
     JOIN test_cycles c ON c.cycle_id = o.cycle_id
     WHERE o.title = 'ks-observation' AND o.observation_id NOT IN (1, 2)
       AND e.actual_value = 'ks-exec' AND a.email = 'owner@bank.example' AND a.user_id = 4
       AND c.cycle_name = 'ks-cycle'),
    'new observation lost a parent');
SELECT pg_temp.ks_assert(
    (SELECT count(*) = 1 FROM rfi_requests q
     JOIN sample_selections s ON s.sample_id = q.sample_id
     JOIN users o ON o.user_id = q.data_owner_id
     JOIN users t ON t.user_id = q.requested_by
     JOIN reports r ON r.report_id = q.report_id
     WHERE q.question = 'ks question' AND q.rfi_id NOT IN (1, 2) AND q.attribute_id IS NULL
       AND s.sample_identifier = 'ks-sample-1' AND o.email = 'owner@bank.example'
       AND t.email = 'ks-tester@bank.example' AND r.report_name = 'ks-report'),
    'new RFI lost a parent');
SELECT pg_temp.ks_assert(
    (SELECT count(*) = 1 FROM data_profiling_rules d
     JOIN report_attributes a ON a.attribute_id = d.attribute_id
     JOIN test_cycles c ON c.cycle_id = d.cycle_id
     JOIN reports r ON r.report_id = d.report_id
     WHERE d.rule_name = 'ks rule' AND d.rule_id NOT IN (1, 2)
       AND a.attribute_name = 'ks_attr' AND c.cycle_name = 'ks-cycle' AND r.report_name = 'ks-report'),
    'new profiling rule lost a parent');
SELECT pg_temp.ks_assert(
    (SELECT count(*) = 1 FROM audit_logs l
     JOIN users u ON u.user_id = l.user_id
     JOIN cycle_reports cr ON (cr.cycle_id, cr.report_id) = (l.cycle_id, l.report_id)
     JOIN test_cycles c ON c.cycle_id = cr.cycle_id
     JOIN reports r ON r.report_id = cr.report_id
     WHERE l.action = 'ks-action' AND l.audit_id NOT BETWEEN 1 AND 4
       AND u.email = 'ks-tester@bank.example' AND c.cycle_name = 'ks-cycle' AND r.report_name = 'ks-report'),
    'new audit row lost a parent');
SELECT pg_temp.ks_assert(
    (SELECT count(*) = 1 FROM audit_logs l JOIN test_cycles c ON c.cycle_id = l.cycle_id
     WHERE l.action = 'ks-cycle-only' AND l.report_id IS NULL AND l.user_id IS NULL
       AND c.cycle_name = 'ks-cycle'),
    'cycle-only audit row lost its cycle (half-null composite FK)');
SELECT pg_temp.ks_assert(
    (SELECT count(*) = 1 FROM llm_audit_logs g
     JOIN test_cycles c ON c.cycle_id = g.cycle_id
     JOIN reports r ON r.report_id = g.report_id
     JOIN users u ON u.user_id = g.executed_by
     WHERE g.llm_provider = 'ks-provider' AND g.log_id NOT BETWEEN 1 AND 3
       AND c.cycle_name = 'ks-cycle' AND r.report_name = 'ks-report' AND u.email = 'ks-tester@bank.example'),
    'new llm audit row lost a parent');

-- Updated rows.
SELECT pg_temp.ks_assert(
    (SELECT count(*) = 1 FROM cycle_reports cr JOIN users u ON u.user_id = cr.tester_id
     WHERE cr.cycle_id = 2 AND cr.report_id = 1003 AND u.email = 'ks-tester@bank.example'),
    'cycle_reports (2, 1003) did not get the new tester');
SELECT pg_temp.ks_assert(
    (SELECT count(*) = 1 FROM rfi_requests q
     JOIN test_cycles c ON c.cycle_id = q.cycle_id
     JOIN reports r ON r.report_id = q.report_id
     WHERE q.rfi_id = 2 AND q.question = 'Who owns this report?'
       AND c.cycle_name = 'ks-cycle' AND r.report_name = 'ks-report'),
    'RFI 2 was not moved to (ks-cycle, ks-report)');
SELECT pg_temp.ks_assert(
    (SELECT count(*) = 1 FROM audit_logs l
     JOIN test_cycles c ON c.cycle_id = l.cycle_id
     JOIN reports r ON r.report_id = l.report_id
     WHERE l.audit_id = 3 AND l.action = 'system.sync'
       AND c.cycle_name = 'ks-cycle' AND r.report_name = 'ks-report'),
    'audit row 3 was not moved to (ks-cycle, ks-report)');
SELECT pg_temp.ks_assert(
    (SELECT count(*) = 1 FROM observations o JOIN users u ON u.user_id = o.assigned_to
     WHERE o.observation_id = 1 AND o.title = 'Balance mismatch' AND u.email = 'ks-tester@bank.example'
       AND o.test_execution_id = 2 AND o.cycle_id = 1 AND o.report_id = 1001),
    'observation 1 was not reassigned (or lost its original keys)');
SELECT pg_temp.ks_assert(
    (SELECT count(*) = 1 FROM users u JOIN lobs l ON l.lob_id = u.lob_id
     WHERE u.user_id = 5 AND u.email = 'tester2@bank.example' AND l.lob_name = 'ks-lob'),
    'user 5 was not moved to ks-lob');
SELECT pg_temp.ks_assert(
    (SELECT count(*) = 1 FROM lobs l
     JOIN lobs p ON p.lob_id = l.parent_lob_id
     JOIN users u ON u.user_id = l.updated_by
     WHERE l.lob_id = 3 AND l.lob_name = 'Mortgages' AND p.lob_name = 'ks-lob' AND u.email = 'ks-tester@bank.example'),
    'lob Mortgages was not re-parented under ks-lob');
SELECT pg_temp.ks_assert(
    (SELECT count(*) = 1 FROM test_cycles c JOIN users u ON u.user_id = c.test_manager_id
     WHERE c.cycle_id = 3 AND c.cycle_name = 'Q3 2024' AND u.email = 'ks-tester@bank.example'),
    'cycle Q3 2024 did not get the new manager');
SELECT pg_temp.ks_assert(
    (SELECT count(*) = 1 FROM llm_audit_logs g JOIN test_cycles c ON c.cycle_id = g.cycle_id
     WHERE g.log_id = 2 AND g.llm_provider = 'anthropic' AND c.cycle_name = 'ks-cycle' AND g.report_id IS NULL),
    'llm log 2 was not moved to ks-cycle');
SELECT pg_temp.ks_assert(
    (SELECT count(*) = 1 FROM user_roles ur JOIN roles r ON r.role_id = ur.role_id
     WHERE ur.user_id = 2 AND r.role_name = 'ks-role' AND ur.assigned_by = 1),
    'user_roles (2, Tester) was not re-pointed to ks-role');
SELECT pg_temp.ks_assert(
    (SELECT count(*) = 0 FROM user_roles WHERE user_id = 2 AND role_id = 3),
    'user_roles (2, 3) still present');

-- Untouched seed rows keep their original integer keys.
SELECT pg_temp.ks_assert(
    (SELECT array_agg(ARRAY[cycle_id, report_id] ORDER BY cycle_id, report_id)
     FROM cycle_reports WHERE cycle_id BETWEEN 1 AND 3)
    = ARRAY[[1, 1001], [1, 1002], [2, 1001], [2, 1003], [3, 1004]]::bigint[],
    'seeded cycle_reports keys changed');
SELECT pg_temp.ks_assert(
    (SELECT array_agg(ARRAY[id, planning_attribute_id, cycle_id, report_id] ORDER BY id)
     FROM cycle_report_scoping_attributes WHERE id BETWEEN 1 AND 3)
    = ARRAY[[1, 1, 1, 1001], [2, 2, 1, 1001], [3, 4, 2, 1001]]::bigint[],
    'seeded scoping rows changed');
SELECT pg_temp.ks_assert(
    (SELECT count(*) = 5 FROM lobs WHERE lob_id BETWEEN 1 AND 5
       AND (lob_id, coalesce(parent_lob_id, 0)) IN ((1, 0), (2, 1), (3, (SELECT lob_id FROM lobs WHERE lob_name = 'ks-lob')), (4, 0), (5, 4))),
    'seeded lobs self-references changed');

-- Sequences are ahead of the rows.
SELECT pg_temp.ks_assert(pg_temp.ks_seq_ahead('users', 'user_id'), 'users sequence behind');
SELECT pg_temp.ks_assert(pg_temp.ks_seq_ahead('lobs', 'lob_id'), 'lobs sequence behind');
SELECT pg_temp.ks_assert(pg_temp.ks_seq_ahead('roles', 'role_id'), 'roles identity behind');
SELECT pg_temp.ks_assert(pg_temp.ks_seq_ahead('permissions', 'permission_id'), 'permissions identity behind');
SELECT pg_temp.ks_assert(pg_temp.ks_seq_ahead('test_cycles', 'cycle_id'), 'test_cycles sequence behind');
SELECT pg_temp.ks_assert(pg_temp.ks_seq_ahead('workflow_phases', 'phase_id'), 'workflow_phases sequence behind');
SELECT pg_temp.ks_assert(pg_temp.ks_seq_ahead('report_attributes', 'attribute_id'), 'report_attributes sequence behind');
SELECT pg_temp.ks_assert(pg_temp.ks_seq_ahead('cycle_report_planning_attributes', 'id'), 'planning sequence behind');
SELECT pg_temp.ks_assert(pg_temp.ks_seq_ahead('cycle_report_scoping_attributes', 'id'), 'scoping identity behind');
SELECT pg_temp.ks_assert(pg_temp.ks_seq_ahead('sample_selections', 'sample_id'), 'sample_selections sequence behind');
SELECT pg_temp.ks_assert(pg_temp.ks_seq_ahead('test_executions', 'execution_id'), 'test_executions sequence behind');
SELECT pg_temp.ks_assert(pg_temp.ks_seq_ahead('observations', 'observation_id'), 'observations sequence behind');
SELECT pg_temp.ks_assert(pg_temp.ks_seq_ahead('rfi_requests', 'rfi_id'), 'rfi_requests sequence behind');
SELECT pg_temp.ks_assert(pg_temp.ks_seq_ahead('data_profiling_rules', 'rule_id'), 'data_profiling_rules sequence behind');
SELECT pg_temp.ks_assert(pg_temp.ks_seq_ahead('audit_logs', 'audit_id'), 'audit_logs sequence behind');
SELECT pg_temp.ks_assert(pg_temp.ks_seq_ahead('llm_audit_logs', 'log_id'), 'llm_audit_logs identity behind');
