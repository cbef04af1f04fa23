-- Issue 13: the search index takes each message's entries as it is appended, instead of through
-- GIN's pending list. With fastupdate on (PostgreSQL's default) entries collect in a 4 MB list
-- that the inserting transaction merges into the tree once it is full: a 100-200 ms append every
-- few seconds at thousands of messages a second, while it holds the conversations' row locks the
-- next batch and push's fold wait on (the slow-statement log of bench/bench.sh pairs at 6,000 msg/s
-- showed it). autovacuum would merge the list in the background where it runs; this does not
-- depend on it. Measured in alternated runs at 6,000 msg/s: p99 47 and 103 ms without the list
-- against 123 and 168 ms with it, PostgreSQL's CPU the same (67-71 % of a core). Searches read
-- the tree only, so they no longer scan an unmerged list either.
ALTER INDEX events_search SET (fastupdate = off);
-- Entries already in the list stay there until merged: merge them now, once.
SELECT gin_clean_pending_list('events_search'::regclass);
