-- report-queries.sql - the aggregate queries skema-report runs, for the
-- sqlite3 baseline of `make bench` (issue 7: a report over 10,000
-- submissions in under a second, measured beside sqlite3 running the same
-- queries).  Copied from stages/report/report_data.c (counts_sql,
-- per_day_sql, kommune_sql, live_sql, type_sql, criteria_sql, and the ranked
-- list of stages/report/report_list.c); keep them in step when the report
-- changes its queries.  :registration and :period are left unbound (NULL):
-- an offer that is neither a registration nor has places per period.
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
  total(s.status = 'stored' AND d.id IS NULL),
  total(s.status = 'stored' AND d.outcome = 'bevilget' AND d.state = 'proposed'),
  total(s.status = 'stored' AND d.outcome = 'venteliste' AND d.state = 'proposed'),
  total(s.status = 'stored' AND d.outcome = 'afslag' AND d.state = 'proposed'),
  total(s.status = 'stored' AND d.outcome = 'mangler' AND d.state = 'proposed'),
  total(s.status = 'stored' AND d.outcome = 'bekræftelse' AND d.state = 'proposed'),
  total(s.status = 'stored' AND d.outcome = 'bevilget' AND s.completed_on IS NOT NULL),
  total(s.status = 'stored' AND d.outcome = 'bevilget'
    AND coalesce(s.validation, '') <> 'eligible'),
  total(s.status = 'stored' AND d.rank IS NOT NULL),
  count(DISTINCT CASE WHEN s.status = 'stored' THEN d.rank END),
  coalesce(max(CASE WHEN s.status = 'stored' THEN d.rank END), 0)
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
SELECT (:registration OR d.rank IS NOT NULL OR d.outcome = 'bevilget'), d.rank,
  s.case_number, s.applicant_name, s.received_at, s.validation, d.outcome, d.state,
  d.explanation, s.id, s.original_name, s.completed_on,
  CASE WHEN d.state = 'final' THEN (SELECT e.event FROM events e
    WHERE e.submission_id = s.id AND e.event IN ('proposed', 'decided', 'reviewed')
    ORDER BY e.id DESC LIMIT 1) END,
  CASE WHEN d.state = 'final' THEN (SELECT e.detail FROM events e
    WHERE e.submission_id = s.id AND e.event IN ('proposed', 'decided')
    ORDER BY e.id DESC LIMIT 1) END
 FROM submissions s
 LEFT JOIN decisions d ON d.id = (SELECT max(d2.id) FROM decisions d2
   WHERE d2.submission_id = s.id AND d2.current = 1)
 WHERE s.status = 'stored' AND s.offer_id = :offer
 AND (:from IS NULL OR substr(s.received_at, 1, 10) >= :from)
 AND (:to IS NULL OR substr(s.received_at, 1, 10) <= :to)
 ORDER BY NOT (:registration OR d.rank IS NOT NULL OR d.outcome = 'bevilget'), d.rank IS NULL,
  CASE WHEN :period IS NULL THEN ''
   WHEN d.period IS NOT NULL THEN d.period
   WHEN d.outcome = 'venteliste' THEN '~'
   WHEN :period = 'year' THEN substr(s.received_at, 1, 4)
   WHEN :period = 'quarter' THEN substr(s.received_at, 1, 4) || '-Q' ||
    ((CAST(substr(s.received_at, 6, 2) AS INTEGER) + 2) / 3)
   ELSE substr(s.received_at, 1, 7) END,
  d.rank, s.received_at, s.id;
