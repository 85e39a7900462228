-- Appends entries to the hash-chained audit log in ONE statement: the chain lock is taken, the head read,
-- the rows chained and hashed and the anchor moved inside the database, so a writer holds the lock for one
-- statement and its commit instead of three round trips to the application (the queue every writer joined
-- after an outage). The hash is the one lib/audit/hash.ts verifies:
-- sha256(prev_hash || '\n' || JSON array of id, at, actor_type, actor_id, action, entity_type, entity_id, data).
-- A volatile function takes a new snapshot per statement under read committed, so the head is read after
-- the lock is held; any other isolation would read a stale head and fork the chain, so it is refused.
CREATE FUNCTION "audit_append"(p_actor_type text, p_actor_id text, p_entries jsonb) RETURNS void
LANGUAGE plpgsql VOLATILE AS $$
DECLARE
  v_prev text;
  v_at timestamptz;
  v_at_text text;
  v_entry jsonb;
  v_id bigint;
  v_data jsonb;
  v_hash text;
  v_ids bigint[] := '{}';
  v_datas jsonb[] := '{}';
  v_prevs text[] := '{}';
  v_hashes text[] := '{}';
  v_actions text[] := '{}';
  v_entity_types text[] := '{}';
  v_entity_ids text[] := '{}';
BEGIN
  IF current_setting('transaction_isolation') <> 'read committed' THEN
    RAISE EXCEPTION 'emitAudit needs a read committed transaction, not %', current_setting('transaction_isolation');
  END IF;
  PERFORM pg_advisory_xact_lock(7231002);
  -- Links to the anchor's head, not the highest row present: after a tail truncation the gap stays detectable.
  v_prev := coalesce((SELECT last_hash FROM audit_anchor WHERE id = 1),
                     (SELECT hash FROM audit_log ORDER BY id DESC LIMIT 1),
                     repeat('0', 64));
  v_at := clock_timestamp();
  v_at_text := to_char(v_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"');
  FOR v_entry IN SELECT value FROM jsonb_array_elements(p_entries) WITH ORDINALITY ORDER BY ordinality LOOP
    -- Ids are drawn under the lock, so they rise in chain order.
    v_id := nextval(pg_get_serial_sequence('audit_log', 'id'));
    v_data := (v_entry->>'data')::jsonb;
    v_hash := encode(sha256(convert_to(v_prev || E'\n' || '[' || v_id::text
      || ',' || to_json(v_at_text)::text
      || ',' || to_json(p_actor_type)::text
      || ',' || coalesce(to_json(p_actor_id)::text, 'null')
      || ',' || to_json(v_entry->>'action')::text
      || ',' || to_json(v_entry->>'entity_type')::text
      || ',' || coalesce(to_json(v_entry->>'entity_id')::text, 'null')
      || ',' || coalesce(to_json(v_data::text)::text, 'null')
      || ']', 'UTF8')), 'hex');
    v_ids := array_append(v_ids, v_id);
    v_datas := array_append(v_datas, v_data);
    v_prevs := array_append(v_prevs, v_prev);
    v_hashes := array_append(v_hashes, v_hash);
    v_actions := array_append(v_actions, (v_entry->>'action'));
    v_entity_types := array_append(v_entity_types, (v_entry->>'entity_type'));
    v_entity_ids := array_append(v_entity_ids, (v_entry->>'entity_id'));
    v_prev := v_hash;
  END LOOP;
  IF v_id IS NULL THEN
    RETURN;
  END IF;
  INSERT INTO audit_log (id, at, actor_type, actor_id, action, entity_type, entity_id, data, prev_hash, hash)
    OVERRIDING SYSTEM VALUE
    SELECT r.id, v_at, p_actor_type, p_actor_id, r.action, r.entity_type, r.entity_id, r.data, r.prev, r.hash
    FROM unnest(v_ids, v_actions, v_entity_types, v_entity_ids, v_datas, v_prevs, v_hashes)
      AS r(id, action, entity_type, entity_id, data, prev, hash);
  INSERT INTO audit_anchor (id, last_id, last_hash, updated_at) VALUES (1, v_id, v_prev, now())
    ON CONFLICT (id) DO UPDATE SET last_id = excluded.last_id, last_hash = excluded.last_hash,
                                   updated_at = excluded.updated_at;
END;
$$;
