-- Message search (PROTOCOL 2, GET /search). Design, plans and figures: docs/performance.md, "Search".
--
-- No Chinese/Japanese/Korean tokenizer is packaged for PostgreSQL on Debian here (pgroonga, zhparser),
-- and the built-in text-search parser splits by locale-dependent rules (a run of Han characters is
-- one "word", so 撤回 would not find 消息撤回功能). So the lexemes are made here, from rules that
-- do not depend on the database's locale, and the query side (search.SearchQuery, in Java) applies
-- the same rules to the terms:
--   * the text is lower-cased with ICU's root locale (the same mapping as Java's Locale.ROOT);
--   * a CJK run (Han, kana, Hangul, and their extensions) gives its overlapping bigrams plus its last
--     character, so every substring of 2+ characters is the AND of its bigrams (rechecked against
--     the text for adjacency) and a single character is the prefix query 'x':*;
--   * everything else is split into words at whitespace, ASCII and Unicode punctuation and symbols,
--     and emoji; a word is kept whole (no stemming: the 'simple' behaviour, so "cat" never finds
--     "cats" unless asked for as a prefix), cut to 64 characters (a tsvector lexeme is limited to
--     2 KiB; a 4000-letter "word" must not make the append fail).
-- The character classes are written out as code-point ranges, in this order, in SearchQuery too.
--
-- IMMUTABLE because the result depends on the argument only (the ICU collation is named, not the
-- database default); an ICU upgrade that changed lower-casing would call for a REINDEX, as any
-- ICU-collated index does. A plain SQL function: it runs once per stored message (the generated
-- column below), about 60 microseconds for a typical message on this box.
CREATE EXTENSION IF NOT EXISTS btree_gin;

CREATE FUNCTION parley_search_lexemes(p_text text) RETURNS text[]
LANGUAGE sql IMMUTABLE STRICT PARALLEL SAFE AS $$
  WITH lowered AS (SELECT lower(p_text COLLATE "und-x-icu") AS s),
  words AS (
    SELECT left(w, 64) AS lexeme
    FROM lowered, regexp_split_to_table(lowered.s,
      -- separators (ASCII and Latin-1 punctuation and controls, general punctuation, arrows to
      -- symbols, CJK punctuation, variation selectors, full-width punctuation, specials, emoji,
      -- tags), then the CJK ranges (handled as runs below)
      '[\x01-\x2f\x3a-\x40\x5b-\x60\x7b-\xbf\xd7\xf7\u2000-\u206f\u2190-\u2bff\u2e00-\u2e7f\u3000-\u3004\u3008-\u303f\ufe00-\ufe0f\ufe30-\ufe6f\uff00-\uff0f\uff1a-\uff20\uff3b-\uff40\uff5b-\uff65\ufff0-\uffff\U0001f000-\U0001faff\U000e0000-\U000e007f\u1100-\u11ff\u2e80-\u2fdf\u3005-\u3007\u3040-\u30ff\u3100-\u31ff\u3400-\u4dbf\u4e00-\u9fff\ua960-\ua97f\uac00-\ud7ff\uf900-\ufaff\uff66-\uffdc\U00020000-\U0003134f]+') AS w
    WHERE w <> ''
  ),
  runs AS (
    SELECT m[1] AS run FROM lowered, regexp_matches(lowered.s,
      '[\u1100-\u11ff\u2e80-\u2fdf\u3005-\u3007\u3040-\u30ff\u3100-\u31ff\u3400-\u4dbf\u4e00-\u9fff\ua960-\ua97f\uac00-\ud7ff\uf900-\ufaff\uff66-\uffdc\U00020000-\U0003134f]+', 'g') AS m
  ),
  grams AS (
    SELECT substr(run, i, 2) AS lexeme FROM runs, generate_series(1, char_length(run) - 1) AS i
    UNION ALL
    SELECT right(run, 1) FROM runs
  )
  SELECT coalesce(array_agg(DISTINCT lexeme), '{}') FROM (SELECT lexeme FROM words UNION ALL SELECT lexeme FROM grams) l
$$;

-- The searchable form of a message's current text. Generated from events.text, so an edit (which
-- rewrites the message row's text) and a withdrawal (which sets it null) update it, and the index
-- below, in their own transaction: nothing can see a stale entry. Stored rather than an expression
-- index so that a plan that walks messages newest first can test a row without re-tokenizing it,
-- and so that ANALYZE keeps lexeme frequencies for the planner. Null for every other event kind.
ALTER TABLE events ADD COLUMN search_vector tsvector GENERATED ALWAYS AS (
  CASE WHEN kind = 'message' AND text IS NOT NULL THEN array_to_tsvector(parley_search_lexemes(text)) END
) STORED;

-- Term lookups within a set of conversations: btree_gin puts conversation_id beside the lexemes, so
-- "these conversations AND these lexemes" is one GIN scan whose rarest part drives it (a user in one
-- conversation searching a common word reads that conversation's entries, not the word's million).
CREATE INDEX events_search ON events USING gin (conversation_id, search_vector) WHERE search_vector IS NOT NULL;

-- Newest-first walk over messages, for terms so common that the newest few thousand messages of
-- the caller's conversations already hold a page of matches (the GIN plan would fetch and sort every
-- match). Also the cursor order of GET /search (ts, then messageId). Only messages with something to
-- find (withdrawn ones have no vector): that predicate also keeps the index out of every other
-- query on messages. With "kind = 'message'" alone the planner used it, under stale statistics or
-- a generic plan made on an empty table, for the append's (sender, clientMsgId) probe: a walk of
-- every message per appended row (bench/bench.sh pairs: 10,000 index tuples read per message).
CREATE INDEX events_message_recency ON events (ts DESC, message_id DESC)
  WHERE kind = 'message' AND search_vector IS NOT NULL;
