-- workflow: writes made after the forward migration, through the UUID keys.
-- Only column names and subqueries reach the converted columns.

INSERT INTO users (email, first_name, last_name, lob_id)
SELECT 'ks-tester@bank.example', 'Kay', 'Ess', lob_id FROM lobs WHERE lob_name = 'Cards';

INSERT INTO lobs (lob_name, parent_lob_id, description, created_by)
SELECT 'ks-lob', l.lob_id, 'written after forward', u.user_id
FROM lobs l, users u
WHERE l.lob_name = 'Corporate' AND u.email = 'ks-tester@bank.example';

-- roles is GENERATED ALWAYS before the migration; afterwards the key defaults to a UUID.
INSERT INTO roles (role_name, description) VALUES ('ks-role', 'written after forward');
INSERT INTO permissions (resource, action) VALUES ('ks-resource', 'read');

INSERT INTO user_roles (user_id, role_id, assigned_by)
SELECT u.user_id, r.role_id, a.user_id
FROM users u, roles r, users a
WHERE u.email = 'ks-tester@bank.example' AND r.role_name = 'ks-role' AND a.email = 'admin@bank.example';

INSERT INTO role_permissions (role_id, permission_id, granted_by)
SELECT r.role_id, p.permission_id, NULL
FROM roles r, permissions p
WHERE r.role_name = 'ks-role' AND p.resource = 'ks-resource' AND p.action = 'read';

INSERT INTO role_permissions (role_id, permission_id, granted_by)
SELECT r.role_id, p.permission_id, u.user_id
FROM roles r, permissions p, users u
WHERE r.role_name = 'ks-role' AND p.resource = 'cycles' AND p.action = 'read'
  AND u.email = 'ks-tester@bank.example';

INSERT INTO test_cycles (cycle_name, start_date, status, test_manager_id, created_by)
SELECT 'ks-cycle', '2025-01-01', 'Active', user_id, user_id
FROM users WHERE email = 'ks-tester@bank.example';

-- reports.report_id has no default before the migration; afterwards it is a UUID default.
INSERT INTO reports (report_name, lob_id, report_owner_id, frequency)
SELECT 'ks-report', l.lob_id, u.user_id, 'Monthly'
FROM lobs l, users u
WHERE l.lob_name = 'ks-lob' AND u.email = 'owner@bank.example';

INSERT INTO cycle_reports (cycle_id, report_id, tester_id, status)
SELECT c.cycle_id, r.report_id, u.user_id, 'In Progress'
FROM test_cycles c, reports r, users u
WHERE c.cycle_name = 'ks-cycle' AND r.report_name = 'ks-report' AND u.email = 'ks-tester@bank.example';

INSERT INTO cycle_reports (cycle_id, report_id, status)
SELECT c.cycle_id, r.report_id, 'Not Started'
FROM test_cycles c, reports r
WHERE c.cycle_name = 'ks-cycle' AND r.report_name = 'FR Y-14Q';

INSERT INTO workflow_phases (cycle_id, report_id, phase_name, status, started_by, notes)
SELECT cr.cycle_id, cr.report_id, 'Planning', 'In Progress', cr.tester_id, 'ks-phase'
FROM cycle_reports cr
JOIN test_cycles c ON c.cycle_id = cr.cycle_id
JOIN reports r ON r.report_id = cr.report_id
WHERE c.cycle_name = 'ks-cycle' AND r.report_name = 'ks-report';

INSERT INTO report_attributes (report_id, attribute_name, data_type, is_cde, created_by)
SELECT r.report_id, 'ks_attr', 'text', true, u.user_id
FROM reports r, users u
WHERE r.report_name = 'ks-report' AND u.email = 'ks-tester@bank.example';

INSERT INTO report_attributes (report_id, attribute_name, data_type, version_number, master_attribute_id)
SELECT report_id, 'ks_attr', 'text', 2, attribute_id
FROM report_attributes
WHERE attribute_name = 'ks_attr' AND version_number = 1;

INSERT INTO cycle_report_planning_attributes
    (cycle_id, report_id, attribute_id, phase_id, information_security_classification, approved_by)
SELECT p.cycle_id, p.report_id, a.attribute_id, p.phase_id, 'ks-classification', m.user_id
FROM workflow_phases p
JOIN report_attributes a ON a.report_id = p.report_id AND a.attribute_name = 'ks_attr' AND a.version_number = 1
JOIN users m ON m.email = 'manager@bank.example'
WHERE p.notes = 'ks-phase';

INSERT INTO cycle_report_scoping_attributes (planning_attribute_id, cycle_id, report_id, is_in_scope, tester_rationale, decided_by)
SELECT pa.id, pa.cycle_id, pa.report_id, true, 'ks-rationale', pa.approved_by
FROM cycle_report_planning_attributes pa
WHERE pa.information_security_classification = 'ks-classification';

INSERT INTO sample_selections (cycle_id, report_id, sample_identifier, sample_data, selected_by)
SELECT cr.cycle_id, cr.report_id, 'ks-sample-1', '{"ks": 1}', cr.tester_id
FROM cycle_reports cr
JOIN test_cycles c ON c.cycle_id = cr.cycle_id
JOIN reports r ON r.report_id = cr.report_id
WHERE c.cycle_name = 'ks-cycle' AND r.report_name = 'ks-report';

INSERT INTO test_executions (cycle_id, report_id, phase_id, sample_id, attribute_id, result, actual_value, executed_by)
SELECT s.cycle_id, s.report_id, p.phase_id, s.sample_id, a.attribute_id, 'Fail', 'ks-exec', s.selected_by
FROM sample_selections s
JOIN workflow_phases p ON p.notes = 'ks-phase'
JOIN report_attributes a ON a.attribute_name = 'ks_attr' AND a.version_number = 2
WHERE s.sample_identifier = 'ks-sample-1';

INSERT INTO observations (cycle_id, report_id, test_execution_id, attribute_id, title, severity, assigned_to, created_by)
SELECT e.cycle_id, e.report_id, e.execution_id, e.attribute_id, 'ks-observation', 'Critical', o.user_id, e.executed_by
FROM test_executions e, users o
WHERE e.actual_value = 'ks-exec' AND o.email = 'owner@bank.example';

INSERT INTO rfi_requests (cycle_id, report_id, sample_id, attribute_id, data_owner_id, requested_by, question)
SELECT s.cycle_id, s.report_id, s.sample_id, NULL, o.user_id, t.user_id, 'ks question'
FROM sample_selections s, users o, users t
WHERE s.sample_identifier = 'ks-sample-1' AND o.email = 'owner@bank.example' AND t.email = 'ks-tester@bank.example';

INSERT INTO data_profiling_rules (cycle_id, report_id, attribute_id, rule_name, rule_type, rule_logic)
SELECT a_cr.cycle_id, a_cr.report_id, a.attribute_id, 'ks rule', 'completeness', 'ks_attr IS NOT NULL'
FROM cycle_reports a_cr
JOIN test_cycles c ON c.cycle_id = a_cr.cycle_id AND c.cycle_name = 'ks-cycle'
JOIN report_attributes a ON a.report_id = a_cr.report_id AND a.attribute_name = 'ks_attr' AND a.version_number = 1;

INSERT INTO audit_logs (user_id, action, table_name, cycle_id, report_id, new_values)
SELECT u.user_id, 'ks-action', 'cycle_reports', c.cycle_id, r.report_id, '{"ks": true}'
FROM users u, test_cycles c, reports r
WHERE u.email = 'ks-tester@bank.example' AND c.cycle_name = 'ks-cycle' AND r.report_name = 'ks-report';

-- cycle only: report_id NULL, so the composite FK is not checked (MATCH SIMPLE)
INSERT INTO audit_logs (user_id, action, table_name, cycle_id)
SELECT NULL, 'ks-cycle-only', 'test_cycles', cycle_id FROM test_cycles WHERE cycle_name = 'ks-cycle';

INSERT INTO llm_audit_logs (cycle_id, report_id, llm_provider, request_payload, executed_by)
SELECT c.cycle_id, r.report_id, 'ks-provider', '{"prompt": "ks"}', u.user_id
FROM test_cycles c, reports r, users u
WHERE c.cycle_name = 'ks-cycle' AND r.report_name = 'ks-report' AND u.email = 'ks-tester@bank.example';

-- Updates of existing rows through the UUID keys.
UPDATE cycle_reports
SET tester_id = (SELECT user_id FROM users WHERE email = 'ks-tester@bank.example')
WHERE cycle_id = (SELECT cycle_id FROM test_cycles WHERE cycle_name = 'Q2 2024')
  AND report_id = (SELECT report_id FROM reports WHERE report_name = 'FR 2052a');

-- move an RFI to another (cycle, report) pair: both composite FK columns change
UPDATE rfi_requests
SET (cycle_id, report_id) = (
    SELECT c.cycle_id, r.report_id FROM test_cycles c, reports r
    WHERE c.cycle_name = 'ks-cycle' AND r.report_name = 'ks-report')
WHERE question = 'Who owns this report?';

-- an audit row moves to the new pair too
UPDATE audit_logs
SET (cycle_id, report_id) = (
    SELECT c.cycle_id, r.report_id FROM test_cycles c, reports r
    WHERE c.cycle_name = 'ks-cycle' AND r.report_name = 'ks-report')
WHERE action = 'system.sync';

UPDATE observations
SET assigned_to = (SELECT user_id FROM users WHERE email = 'ks-tester@bank.example')
WHERE title = 'Balance mismatch';

UPDATE users
SET lob_id = (SELECT lob_id FROM lobs WHERE lob_name = 'ks-lob')
WHERE email = 'tester2@bank.example';

UPDATE lobs
SET parent_lob_id = (SELECT lob_id FROM lobs WHERE lob_name = 'ks-lob'),
    updated_by = (SELECT user_id FROM users WHERE email = 'ks-tester@bank.example')
WHERE lob_name = 'Mortgages';

UPDATE test_cycles
SET test_manager_id = (SELECT user_id FROM users WHERE email = 'ks-tester@bank.example')
WHERE cycle_name = 'Q3 2024';

UPDATE llm_audit_logs
SET cycle_id = (SELECT cycle_id FROM test_cycles WHERE cycle_name = 'ks-cycle')
WHERE llm_provider = 'anthropic';

-- composite-PK row of a join table changes one of its key columns
UPDATE user_roles
SET role_id = (SELECT role_id FROM roles WHERE role_name = 'ks-role')
WHERE user_id = (SELECT user_id FROM users WHERE email = 'manager@bank.example')
  AND role_id = (SELECT role_id FROM roles WHERE role_name = 'Tester');
