-- A sampling profile of PostgreSQL for one database: every ~2 ms for :secs seconds, what each
-- active backend of :db runs and what it waits on ("cpu" when it waits on nothing), then the
-- samples per statement and wait. Read-only; run it beside a benchmark (docs/performance.md):
--   psql -h 127.0.0.1 -U postgres -d postgres -v db=parley_bench_pairs_1234 -v secs=10 -f bench/pg-sample.sql
CREATE TEMP TABLE samples (q text, w text);
SELECT set_config('sample.db', :'db', false), set_config('sample.secs', :'secs', false) \gset
DO $$
DECLARE
  t_end timestamptz := clock_timestamp() + make_interval(secs => current_setting('sample.secs')::int);
BEGIN
  WHILE clock_timestamp() < t_end LOOP
    PERFORM pg_stat_clear_snapshot();
    INSERT INTO samples
    SELECT left(regexp_replace(query, '\s+', ' ', 'g'), 100), coalesce(wait_event_type || ':' || wait_event, 'cpu')
    FROM pg_stat_activity
    WHERE datname = current_setting('sample.db') AND state = 'active' AND pid <> pg_backend_pid();
    PERFORM pg_sleep(0.002);
  END LOOP;
END $$;
SELECT count(*) AS samples, round(100.0 * count(*) / sum(count(*)) OVER (), 1) AS pct, w AS waiting_on, q AS statement
FROM samples GROUP BY q, w ORDER BY count(*) DESC LIMIT 25;
