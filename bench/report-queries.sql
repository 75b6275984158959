-- report-queries.sql - the aggregate queries skema-report runs, for the
-- sqlite3 baseline of `make bench` (issue 7: a report over 10,000
-- submissions in under a second, measured beside sqlite3 running the same
-- queries).  Copied from stages/report/report_data.c (counts_sql,
-- per_day_sql, kommune_sql, live_sql, type_sql, criteria_sql and the ranked
-- list); keep them in step when the report changes its queries.
--
-- The harness runs this once per offer in the database, with :offer replaced
-- by the offer id and :from / :to by NULL (the whole database), plus the
-- offer list and the database-state query once.
-- @once
SELECT DISTINCT offer_id FROM submissions WHERE offer_id IS NOT NULL ORDER BY offer_id;
SELECT (SELECT count(*) FROM submissions), (SELECT coalesce(max(id), 0) FROM events);
-- @per-offer
SELECT count(*),
  total(s.status = 'duplicate'), total(s.status = 'superseded'),
  total(s.status = 'withdrawn'), total(s.status = 'failed'),
  total(s.status = 'stored' AND s.validation = 'incomplete'),
  total(s.status = 'stored' AND s.validation = 'not_eligible'),
  total(s.status = 'stored' AND s.validation = 'eligible'),
  total(s.status = 'stored' AND d.outcome = 'bevilget'),
  total(s.status = 'stored' AND d.outcome = 'venteliste'),
  total(s.status = 'stored' AND d.outcome = 'afslag'),
  total(s.status = 'stored' AND d.outcome = 'mangler'),
  total(s.status = 'stored' AND d.outcome = 'bekræftelse'),
  total(s.status = 'stored' AND d.state = 'proposed'),
  total(s.status = 'stored' AND d.id IS NULL)
 FROM submissions s
 LEFT JOIN decisions d ON d.id = (SELECT max(d2.id) FROM decisions d2
   WHERE d2.submission_id = s.id AND d2.current = 1)
 WHERE s.offer_id = :offer
 AND (:from IS NULL OR substr(s.received_at, 1, 10) >= :from)
 AND (:to IS NULL OR substr(s.received_at, 1, 10) <= :to);
SELECT substr(s.received_at, 1, 10) AS day, count(*) FROM submissions s
 WHERE s.offer_id = :offer
 AND (:from IS NULL OR substr(s.received_at, 1, 10) >= :from)
 AND (:to IS NULL OR substr(s.received_at, 1, 10) <= :to)
 GROUP BY day ORDER BY day;
SELECT f.value, count(*) FROM submissions s
 JOIN fields f INDEXED BY fields_kommune ON f.submission_id = s.id AND f.name = 'kommune'
 WHERE s.status = 'stored' AND s.offer_id = :offer
 AND (:from IS NULL OR substr(s.received_at, 1, 10) >= :from)
 AND (:to IS NULL OR substr(s.received_at, 1, 10) <= :to)
 GROUP BY f.value;
SELECT count(*) FROM submissions s WHERE s.status = 'stored' AND s.offer_id = :offer
 AND (:from IS NULL OR substr(s.received_at, 1, 10) >= :from)
 AND (:to IS NULL OR substr(s.received_at, 1, 10) <= :to);
SELECT f.value, count(*) FROM submissions s
 LEFT JOIN fields f INDEXED BY fields_sted_type
  ON f.submission_id = s.id AND f.name = 'sted_type'
 WHERE s.status = 'stored' AND s.offer_id = :offer
 AND (:from IS NULL OR substr(s.received_at, 1, 10) >= :from)
 AND (:to IS NULL OR substr(s.received_at, 1, 10) <= :to)
 GROUP BY f.value ORDER BY count(*) DESC;
SELECT c.criterion_id, count(*) FROM submissions s
 JOIN criteria c ON c.submission_id = s.id
 WHERE s.status = 'stored' AND c.passed = 0 AND c.kind = 'eligibility' AND s.offer_id = :offer
 AND (:from IS NULL OR substr(s.received_at, 1, 10) >= :from)
 AND (:to IS NULL OR substr(s.received_at, 1, 10) <= :to)
 GROUP BY c.criterion_id ORDER BY count(*) DESC, c.criterion_id LIMIT 10;
SELECT d.rank, s.case_number, s.applicant_name, s.received_at, s.validation,
  d.outcome, d.state, d.explanation, s.id, s.original_name
 FROM submissions s
 LEFT JOIN decisions d ON d.id = (SELECT max(d2.id) FROM decisions d2
   WHERE d2.submission_id = s.id AND d2.current = 1)
 WHERE s.status = 'stored' AND s.offer_id = :offer
 AND (:from IS NULL OR substr(s.received_at, 1, 10) >= :from)
 AND (:to IS NULL OR substr(s.received_at, 1, 10) <= :to)
 ORDER BY d.rank IS NULL, d.rank, s.received_at, s.id;
