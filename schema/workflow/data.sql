-- Seed rows for workflow.

INSERT INTO users (user_id, email, first_name, last_name, phone) VALUES
    (1, 'admin@bank.example',    'Ada',   'Admin',   NULL),
    (2, 'manager@bank.example',  'Max',   'Manager', '+1 555 0100'),
    (3, 'tester@bank.example',   'Tess',  'Tester',  NULL),
    (4, 'owner@bank.example',    'Owen',  'Owner',   '+1 555 0101'),
    (5, 'tester2@bank.example',  'Theo',  'Tester',  NULL),
    (6, 'retired@bank.example',  'Rita',  'Retired', NULL);
UPDATE users SET is_active = false WHERE user_id = 6;
SELECT setval('users_user_id_seq', 6);

INSERT INTO lobs (lob_id, lob_name, parent_lob_id, description, created_by, updated_by) VALUES
    (1, 'Retail Banking', NULL, 'Consumer business',     1,    NULL),
    (2, 'Cards',          1,    'Credit and debit cards', 1,    2),
    (3, 'Mortgages',      1,    NULL,                     2,    NULL),
    (4, 'Corporate',      NULL, NULL,                     NULL, NULL),
    (5, 'Trade Finance',  4,    'Letters of credit',      1,    1);
SELECT setval('lobs_lob_id_seq', 5);

UPDATE users SET lob_id = 1 WHERE user_id IN (1, 2);
UPDATE users SET lob_id = 2 WHERE user_id = 3;
UPDATE users SET lob_id = 5 WHERE user_id = 4;

INSERT INTO roles (role_id, role_name, description, is_system)
OVERRIDING SYSTEM VALUE VALUES
    (1, 'Admin',        'Everything',            true),
    (2, 'Test Manager', 'Runs cycles',           false),
    (3, 'Tester',       'Executes tests',        false),
    (4, 'Data Owner',   'Answers RFIs',          false);
SELECT setval(pg_get_serial_sequence('roles', 'role_id'), 4);

INSERT INTO permissions (permission_id, resource, action, description) VALUES
    (1, 'cycles',       'create',  NULL),
    (2, 'cycles',       'read',    NULL),
    (3, 'observations', 'create',  'Raise observations'),
    (4, 'observations', 'approve', NULL),
    (5, 'rfi',          'respond', NULL);
SELECT setval(pg_get_serial_sequence('permissions', 'permission_id'), 5);

INSERT INTO user_roles (user_id, role_id, assigned_by) VALUES
    (1, 1, NULL), (2, 2, 1), (3, 3, 2), (5, 3, 2), (4, 4, 1), (2, 3, 1);

INSERT INTO role_permissions (role_id, permission_id, granted_by) VALUES
    (1, 1, NULL), (1, 2, NULL), (1, 3, NULL), (1, 4, NULL), (1, 5, NULL),
    (2, 1, 1), (2, 2, 1), (2, 4, 1),
    (3, 2, 1), (3, 3, 1),
    (4, 5, 2);

INSERT INTO test_cycles (cycle_id, cycle_name, start_date, end_date, status, test_manager_id, created_by, updated_by) VALUES
    (1, 'Q1 2024', '2024-01-01', '2024-03-31', 'Completed', 2,    1, 2),
    (2, 'Q2 2024', '2024-04-01', '2024-06-30', 'Active',    2,    1, NULL),
    (3, 'Q3 2024', '2024-07-01', NULL,         'Planning',  NULL, 2, NULL);
SELECT setval('test_cycles_cycle_id_seq', 3);

INSERT INTO reports (report_id, report_name, lob_id, report_owner_id, regulation, frequency, created_by) VALUES
    (1001, 'FR Y-14Q',     2, 4,    'Federal Reserve', 'Quarterly', 1),
    (1002, 'FFIEC 031',    1, 4,    'FFIEC',           'Quarterly', 1),
    (1003, 'FR 2052a',     5, NULL, 'Federal Reserve', 'Daily',     NULL),
    (1004, 'CCAR Summary', 4, 2,    NULL,              'Annual',    2);

INSERT INTO cycle_reports (cycle_id, report_id, tester_id, status, started_at, created_by) VALUES
    (1, 1001, 3,    'Complete',    '2024-01-05 09:00+00', 2),
    (1, 1002, 5,    'Complete',    '2024-01-06 09:00+00', 2),
    (2, 1001, 3,    'In Progress', '2024-04-03 09:00+00', 2),
    (2, 1003, NULL, 'Not Started', NULL,                  2),
    (3, 1004, NULL, 'Not Started', NULL,                  NULL);

INSERT INTO workflow_phases (phase_id, cycle_id, report_id, phase_name, status, started_by, completed_by) VALUES
    (1, 1, 1001, 'Planning',       'Complete',    3,    3),
    (2, 1, 1001, 'Scoping',        'Complete',    3,    2),
    (3, 1, 1001, 'Test Execution', 'Complete',    3,    NULL),
    (4, 2, 1001, 'Planning',       'In Progress', 3,    NULL),
    (5, 1, 1002, 'Planning',       'Complete',    5,    5),
    (6, 2, 1003, 'Planning',       'Not Started', NULL, NULL);
SELECT setval('workflow_phases_phase_id_seq', 6);

INSERT INTO report_attributes (attribute_id, report_id, attribute_name, data_type, is_primary_key, is_cde, version_number, master_attribute_id, created_by) VALUES
    (1, 1001, 'account_id', 'varchar', true,  true,  1, NULL, 3),
    (2, 1001, 'balance',    'numeric', false, true,  1, NULL, 3),
    (3, 1001, 'balance',    'numeric', false, true,  2, 2,    3),
    (4, 1002, 'cusip',      'char(9)', true,  false, 1, NULL, 5),
    (5, 1003, 'ltv_ratio',  'numeric', false, false, 1, NULL, NULL);
SELECT setval('report_attributes_attribute_id_seq', 5);

INSERT INTO cycle_report_planning_attributes (id, cycle_id, report_id, attribute_id, phase_id, information_security_classification, is_scoped, approved_by, created_by) VALUES
    (1, 1, 1001, 1, 1,    'Confidential', true,  2,    3),
    (2, 1, 1001, 2, 1,    'Internal',     true,  2,    3),
    (3, 1, 1002, 4, NULL, NULL,           false, NULL, 5),
    (4, 2, 1001, 3, 4,    'Internal',     false, NULL, 3);
SELECT setval('cycle_report_planning_attributes_id_seq', 4);

INSERT INTO cycle_report_scoping_attributes (id, planning_attribute_id, cycle_id, report_id, is_in_scope, tester_rationale, decision, decided_by)
OVERRIDING SYSTEM VALUE VALUES
    (1, 1, 1, 1001, true,  'Primary key',      'approved', 2),
    (2, 2, 1, 1001, true,  'CDE',              'approved', 2),
    (3, 4, 2, 1001, NULL,  NULL,               'pending',  NULL);
SELECT setval(pg_get_serial_sequence('cycle_report_scoping_attributes', 'id'), 3);

INSERT INTO sample_selections (sample_id, cycle_id, report_id, sample_identifier, sample_data, selection_method, selected_by, approved_by) VALUES
    (1, 1, 1001, 'ACC-0001', '{"balance": 100.5}', 'random',     3, 2),
    (2, 1, 1001, 'ACC-0002', '{"balance": 0}',     'random',     3, NULL),
    (3, 2, 1001, 'ACC-1001', '{}',                 'judgmental', 3, NULL);
SELECT setval('sample_selections_sample_id_seq', 3);

INSERT INTO test_executions (execution_id, cycle_id, report_id, phase_id, sample_id, attribute_id, result, expected_value, actual_value, executed_by) VALUES
    (1, 1, 1001, 3,    1,    1, 'Pass', 'ACC-0001', 'ACC-0001', 3),
    (2, 1, 1001, 3,    2,    2, 'Fail', '0.00',     '12.00',    3),
    (3, 1, 1002, NULL, NULL, 4, NULL,   NULL,       NULL,       NULL);
SELECT setval('test_executions_execution_id_seq', 3);

INSERT INTO observations (observation_id, cycle_id, report_id, test_execution_id, attribute_id, title, severity, status, assigned_to, created_by) VALUES
    (1, 1, 1001, 2,    2,    'Balance mismatch',   'High',   'Open',   4,    3),
    (2, 1, 1002, NULL, NULL, 'Missing CUSIP docs', 'Low',    'Closed', NULL, 5);
SELECT setval('observations_observation_id_seq', 2);

INSERT INTO rfi_requests (rfi_id, cycle_id, report_id, sample_id, attribute_id, data_owner_id, requested_by, question, due_date) VALUES
    (1, 1, 1001, 1,    1,    4,    3, 'Source of account id?', '2024-02-01'),
    (2, 2, 1001, NULL, NULL, NULL, 3, 'Who owns this report?', NULL);
SELECT setval('rfi_requests_rfi_id_seq', 2);

INSERT INTO data_profiling_rules (rule_id, cycle_id, report_id, attribute_id, rule_name, rule_type, rule_logic, created_by) VALUES
    (1, 1, 1001, 1, 'account id present', 'completeness', 'account_id IS NOT NULL', 3),
    (2, 1, 1002, 4, 'cusip format',       'validity',     'cusip ~ ''^[0-9A-Z]{9}$''', NULL);
SELECT setval('data_profiling_rules_rule_id_seq', 2);

INSERT INTO audit_logs (audit_id, user_id, action, table_name, record_id, cycle_id, report_id, new_values, ip_address) VALUES
    (1, 1,    'login',        NULL,            NULL, NULL, NULL, NULL,                     '10.1.1.1'),
    (2, 2,    'cycle.create', 'test_cycles',   1,    1,    NULL, '{"cycle_name": "Q1 2024"}', NULL),
    (3, NULL, 'system.sync',  'cycle_reports', NULL, 1,    1001, NULL,                     NULL),
    (4, 3,    'phase.start',  'workflow_phases', 4,  2,    1001, '{"status": "In Progress"}', '10.1.1.3');
SELECT setval('audit_logs_audit_id_seq', 4);

INSERT INTO llm_audit_logs (log_id, cycle_id, report_id, llm_provider, model_name, request_payload, response_payload, token_usage, execution_time_ms, executed_by) VALUES
    (1, 1,    1001, 'openai',    'gpt-4o',  '{"prompt": "scope"}', '{"ok": true}', '{"in": 10, "out": 20}', 1200, 3),
    (2, NULL, NULL, 'anthropic', 'claude',  '{"prompt": "hello"}', NULL,           NULL,                    NULL, 2),
    (3, 2,    NULL, 'openai',    'gpt-4o',  '{"prompt": "plan"}',  '{}',           NULL,                    800,  3);
SELECT setval(pg_get_serial_sequence('llm_audit_logs', 'log_id'), 3);

-- Later edits fill some updated_by columns.
UPDATE reports SET updated_by = 2 WHERE report_id IN (1001, 1003);
UPDATE cycle_reports SET updated_by = 3 WHERE (cycle_id, report_id) = (1, 1001);
UPDATE cycle_report_planning_attributes SET updated_by = 2 WHERE id = 2;
UPDATE observations SET updated_by = 4 WHERE observation_id = 1;
UPDATE data_profiling_rules SET updated_by = 5 WHERE rule_id = 2;
