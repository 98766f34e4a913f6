-- 008: derived rate columns in history blocks. A rate column is now stored as what its counter column and
-- the block's ts cannot give (src/store/history/rate-codec.ts); kubepulse.kp_decode_rate(rate, counter, ts)
-- gives the stored rates back, and reads rate columns written before as before. The decoders and each
-- <entity>_history(from, to) are replaced. Drafted once by src/store/history/schema.ts historyRatesMigrationSql.

CREATE OR REPLACE FUNCTION kubepulse.kp_bits_float8(b bigint) RETURNS double precision
LANGUAGE sql IMMUTABLE PARALLEL SAFE AS $fn$
  SELECT CASE
    WHEN (b >> 52) & 2047 = 2047 THEN
      CASE WHEN b & 4503599627370495 <> 0 THEN 'NaN'::float8 WHEN b < 0 THEN '-Infinity'::float8 ELSE 'Infinity'::float8 END
    ELSE (CASE WHEN b < 0 THEN -1::float8 ELSE 1::float8 END) * CASE
      WHEN (b >> 52) & 2047 = 0 THEN (b & 4503599627370495)::float8 * 4.9406564584124654e-324::float8
      ELSE ((b & 4503599627370495) + 4503599627370496)::float8 * power(2::float8, ((b >> 52) & 2047) - 1075)
    END
  END
$fn$;

CREATE OR REPLACE FUNCTION kubepulse.kp_int_body(b bytea, pos integer, m integer) RETURNS bigint[]
LANGUAGE plpgsql IMMUTABLE STRICT PARALLEL SAFE AS $fn$
DECLARE
  t integer;
  heads bigint[] := '{}';
  acc numeric;
  scale numeric;
  byte integer;
  w integer;
  e integer := 0;
  pw integer := 0;
  ew integer := 0;
  k integer;
  base bigint;
  z bigint;
  v bigint;
  d bigint;
  vb varbit;
  xs bigint[] := '{}';
  vs bigint[];
BEGIN
  b := b || ''::bytea;
  IF m = 0 THEN RETURN '{}'; END IF;
  t := get_byte(b, pos);
  pos := pos + 1;
  IF t = 4 THEN
    FOR i IN 0 .. m - 1 LOOP
      xs := xs || ('x' || encode(substring(b FROM pos + 1 + i * 8 FOR 8), 'hex'))::bit(64)::bigint;
    END LOOP;
    RETURN xs;
  END IF;
  IF t > 4 THEN RAISE EXCEPTION 'kp_int_body: unknown integer transform %', t; END IF;
  -- zigzag varints: the constant (t 0), v0 (t 2, 3), d1 (t 3), then the frame base (t 1, 2, 3)
  FOR j IN 1 .. CASE t WHEN 0 THEN 1 WHEN 1 THEN 1 WHEN 2 THEN 2 ELSE 3 END LOOP
    acc := 0;
    scale := 1;
    LOOP
      byte := get_byte(b, pos);
      pos := pos + 1;
      acc := acc + (byte & 127) * scale;
      EXIT WHEN byte < 128;
      scale := scale * 128;
    END LOOP;
    heads := heads || (CASE WHEN acc % 2 = 0 THEN div(acc, 2) ELSE -div(acc + 1, 2) END)::bigint;
  END LOOP;
  IF t = 0 THEN RETURN array_fill(heads[1], ARRAY[m]); END IF;
  base := heads[t];
  w := get_byte(b, pos);
  pos := pos + 1;
  scale := 1;
  LOOP
    byte := get_byte(b, pos);
    pos := pos + 1;
    e := e + (byte & 127) * scale::integer;
    EXIT WHEN byte < 128;
    scale := scale * 128;
  END LOOP;
  IF e > 0 THEN
    pw := get_byte(b, pos);
    ew := get_byte(b, pos + 1);
    pos := pos + 2;
  END IF;
  k := m - (t - 1);
  vb := ('x' || encode(substring(b FROM pos + 1), 'hex'))::varbit;
  IF w = 0 THEN
    xs := array_fill(base, ARRAY[k]);
  ELSE
    FOR i IN 0 .. k - 1 LOOP
      xs := xs || (base + substring(vb FROM i * w + 1 FOR w)::bigint);
    END LOOP;
  END IF;
  FOR j IN 0 .. e - 1 LOOP
    z := substring(vb FROM k * w + e * pw + j * ew + 1 FOR ew)::bigint;
    xs[substring(vb FROM k * w + j * pw + 1 FOR pw)::integer + 1] := base + ((z >> 1) # -(z & 1));
  END LOOP;
  IF t = 1 THEN RETURN xs; END IF;
  v := heads[1];
  vs := ARRAY[v];
  IF t = 2 THEN
    FOR i IN 1 .. k LOOP
      v := v + xs[i];
      vs := vs || v;
    END LOOP;
    RETURN vs;
  END IF;
  d := heads[2];
  v := v + d;
  vs := vs || v;
  FOR i IN 1 .. k LOOP
    d := d + xs[i];
    v := v + d;
    vs := vs || v;
  END LOOP;
  RETURN vs;
END
$fn$;

CREATE OR REPLACE FUNCTION kubepulse.kp_spread(b bytea, n integer, vals anyarray) RETURNS anyarray
LANGUAGE plpgsql IMMUTABLE STRICT PARALLEL SAFE AS $fn$
DECLARE
  out vals%TYPE := '{}';
  j integer := 1;
BEGIN
  b := b || ''::bytea;
  FOR i IN 0 .. n - 1 LOOP
    IF get_bit(b, 32 + i) = 1 THEN
      out[i + 1] := vals[j];
      j := j + 1;
    ELSE
      out[i + 1] := NULL;
    END IF;
  END LOOP;
  RETURN out;
END
$fn$;

CREATE OR REPLACE FUNCTION kubepulse.kp_header(b bytea, OUT kind integer, OUT nulls boolean, OUT n integer,
                                               OUT m integer, OUT body integer)
LANGUAGE plpgsql IMMUTABLE STRICT PARALLEL SAFE AS $fn$
BEGIN
  b := b || ''::bytea;
  IF length(b) < 4 THEN RAISE EXCEPTION 'history column of % bytes is too short for its header', length(b); END IF;
  IF get_byte(b, 0) = 2 THEN
    RAISE EXCEPTION 'history column is a derived rate (format version 2): read it with kubepulse.kp_decode_rate(rate, counter, ts)';
  END IF;
  IF get_byte(b, 0) <> 1 THEN RAISE EXCEPTION 'history column has unknown format version %', get_byte(b, 0); END IF;
  kind := get_byte(b, 1) & 127;
  nulls := get_byte(b, 1) & 128 <> 0;
  n := (get_byte(b, 2) << 8) | get_byte(b, 3);
  IF nulls THEN
    body := 4 + (n + 7) / 8;
    m := bit_count(substring(b FROM 5 FOR (n + 7) / 8))::integer;
  ELSE
    body := 4;
    m := n;
  END IF;
END
$fn$;

CREATE OR REPLACE FUNCTION kubepulse.kp_decode_int(b bytea) RETURNS bigint[]
LANGUAGE plpgsql IMMUTABLE STRICT PARALLEL SAFE AS $fn$
DECLARE
  h record;
BEGIN
  b := b || ''::bytea;
  SELECT * INTO h FROM kubepulse.kp_header(b);
  IF h.kind = 0 THEN RETURN array_fill(NULL::bigint, ARRAY[h.n]); END IF;
  IF h.kind <> 1 THEN RAISE EXCEPTION 'kp_decode_int: history column kind % is not an integer column', h.kind; END IF;
  IF NOT h.nulls THEN RETURN kubepulse.kp_int_body(b, h.body, h.m); END IF;
  RETURN kubepulse.kp_spread(b, h.n, kubepulse.kp_int_body(b, h.body, h.m));
END
$fn$;

CREATE OR REPLACE FUNCTION kubepulse.kp_decode_ts(b bytea) RETURNS timestamptz[]
LANGUAGE plpgsql IMMUTABLE STRICT PARALLEL SAFE AS $fn$
DECLARE
  out timestamptz[] := '{}';
  v bigint;
BEGIN
  FOREACH v IN ARRAY kubepulse.kp_decode_int(b) LOOP
    out := out || to_timestamp(v::double precision / 1000);
  END LOOP;
  RETURN out;
END
$fn$;

CREATE OR REPLACE FUNCTION kubepulse.kp_decode_float(b bytea) RETURNS double precision[]
LANGUAGE plpgsql IMMUTABLE STRICT PARALLEL SAFE AS $fn$
DECLARE
  h record;
  vals double precision[] := '{}';
  bits bigint;
  x bigint;
  scale double precision;
BEGIN
  b := b || ''::bytea;
  SELECT * INTO h FROM kubepulse.kp_header(b);
  IF h.kind = 0 THEN RETURN array_fill(NULL::double precision, ARRAY[h.n]); END IF;
  IF h.kind = 2 THEN
    vals := array_fill(kubepulse.kp_bits_float8(('x' || encode(substring(b FROM h.body + 1 FOR 8), 'hex'))::bit(64)::bigint), ARRAY[h.m]);
  ELSIF h.kind = 3 THEN
    scale := ('1e' || get_byte(b, h.body))::double precision;
    FOREACH x IN ARRAY kubepulse.kp_int_body(b, h.body + 1, h.m) LOOP
      vals := vals || x::double precision / scale;
    END LOOP;
  ELSIF h.kind = 4 THEN
    bits := ('x' || encode(substring(b FROM h.body + 1 FOR 8), 'hex'))::bit(64)::bigint;
    vals := ARRAY[kubepulse.kp_bits_float8(bits)];
    FOREACH x IN ARRAY kubepulse.kp_int_body(b, h.body + 8, h.m - 1) LOOP
      bits := bits # x;
      vals := vals || kubepulse.kp_bits_float8(bits);
    END LOOP;
  ELSE
    RAISE EXCEPTION 'kp_decode_float: history column kind % is not a float column', h.kind;
  END IF;
  IF NOT h.nulls THEN RETURN vals; END IF;
  RETURN kubepulse.kp_spread(b, h.n, vals);
END
$fn$;

CREATE OR REPLACE FUNCTION kubepulse.kp_delta_head(b bytea, OUT ok boolean, OUT n integer, OUT base bigint, OUT w integer,
                                                   OUT e integer, OUT pw integer, OUT ew integer, OUT pos integer)
LANGUAGE plpgsql IMMUTABLE STRICT PARALLEL SAFE AS $fn$
DECLARE
  byte integer;
  shift integer;
  z bigint;
BEGIN
  b := b || ''::bytea;
  ok := length(b) >= 8 AND get_byte(b, 0) = 1 AND get_byte(b, 1) = 1 AND get_byte(b, 4) = 2;
  IF NOT ok THEN RETURN; END IF;
  n := (get_byte(b, 2) << 8) | get_byte(b, 3);
  pos := 5;
  -- v0 (skipped), then the frame base: zigzag varints; more than 8 bytes (56 bits) takes the general path
  FOR j IN 1 .. 2 LOOP
    z := 0;
    shift := 0;
    LOOP
      byte := get_byte(b, pos);
      pos := pos + 1;
      IF shift > 49 THEN ok := false; RETURN; END IF;
      z := z | ((byte & 127)::bigint << shift);
      EXIT WHEN byte < 128;
      shift := shift + 7;
    END LOOP;
  END LOOP;
  base := (z >> 1) # -(z & 1);
  w := get_byte(b, pos);
  pos := pos + 1;
  e := 0;
  shift := 0;
  LOOP
    byte := get_byte(b, pos);
    pos := pos + 1;
    e := e | ((byte & 127) << shift);
    EXIT WHEN byte < 128;
    shift := shift + 7;
    IF shift > 21 THEN ok := false; RETURN; END IF;
  END LOOP;
  pw := 0;
  ew := 0;
  IF e > 0 THEN
    pw := get_byte(b, pos);
    ew := get_byte(b, pos + 1);
    pos := pos + 2;
  END IF;
END
$fn$;

CREATE OR REPLACE FUNCTION kubepulse.kp_decode_rate(rate bytea, counter bytea, ts bytea) RETURNS double precision[]
LANGUAGE plpgsql IMMUTABLE PARALLEL SAFE AS $fn$
DECLARE
  n integer;
  k integer;
  scale double precision;
  lx integer;
  c record;
  t record;
  cvb varbit;
  tvb varbit;
  out double precision[];
  cs bigint[];
  tv bigint[];
  cpos integer[] := '{}';
  cval bigint[] := '{}';
  tpos integer[] := '{}';
  tval bigint[] := '{}';
  p integer;
  z bigint;
  dc bigint;
  dt bigint;
  idx bigint[];
  vals double precision[];
BEGIN
  rate := rate || ''::bytea;
  counter := counter || ''::bytea;
  ts := ts || ''::bytea;
  IF rate IS NULL THEN RETURN NULL; END IF;
  IF length(rate) >= 1 AND get_byte(rate, 0) = 1 THEN RETURN kubepulse.kp_decode_float(rate); END IF;
  IF length(rate) < 16 OR get_byte(rate, 0) <> 2 OR get_byte(rate, 1) <> 5 THEN
    RAISE EXCEPTION 'kp_decode_rate: not a rate column (% bytes, format version %, kind %)', length(rate),
      CASE WHEN length(rate) > 0 THEN get_byte(rate, 0) END, CASE WHEN length(rate) > 1 THEN get_byte(rate, 1) & 127 END;
  END IF;
  IF counter IS NULL OR ts IS NULL THEN
    RAISE EXCEPTION 'kp_decode_rate: a derived rate column needs its counter column and the block''s ts (got NULL)';
  END IF;
  n := (get_byte(rate, 2) << 8) | get_byte(rate, 3);
  scale := kubepulse.kp_bits_float8(('x' || encode(substring(rate FROM 5 FOR 8), 'hex'))::bit(64)::bigint);
  lx := ('x' || encode(substring(rate FROM 13 FOR 4), 'hex'))::bit(32)::bigint;
  c := kubepulse.kp_delta_head(counter);
  t := kubepulse.kp_delta_head(ts);
  IF c.ok AND t.ok AND c.n = n AND t.n = n AND c.base >= 0 AND n >= 2 THEN
    k := n - 1;
    cvb := ('x' || encode(substring(counter FROM c.pos + 1), 'hex'))::varbit;
    tvb := ('x' || encode(substring(ts FROM t.pos + 1), 'hex'))::varbit;
    -- base >= 0: every delta inside the bit width is >= 0, so only a patched one can be a reset.
    -- No ORDER BY in array_agg: a plain aggregate over one function scan takes the rows in the order
    -- generate_series gives them (no parallel plan for a function scan), and the sort cost ~25 %.
    SELECT array_agg((c.base + substring(cvb FROM i * c.w + 1 FOR c.w)::bigint)::double precision
                     / ((t.base + substring(tvb FROM i * t.w + 1 FOR t.w)::bigint)::double precision / 1000) * scale)
      INTO out FROM generate_series(0, k - 1) AS i;
    out := array_prepend(NULL::double precision, out);
    FOR j IN 0 .. c.e - 1 LOOP
      cpos := cpos || substring(cvb FROM k * c.w + j * c.pw + 1 FOR c.pw)::integer;
      z := substring(cvb FROM k * c.w + c.e * c.pw + j * c.ew + 1 FOR c.ew)::bigint;
      cval := cval || (c.base + ((z >> 1) # -(z & 1)));
    END LOOP;
    FOR j IN 0 .. t.e - 1 LOOP
      tpos := tpos || substring(tvb FROM k * t.w + j * t.pw + 1 FOR t.pw)::integer;
      z := substring(tvb FROM k * t.w + t.e * t.pw + j * t.ew + 1 FOR t.ew)::bigint;
      tval := tval || (t.base + ((z >> 1) # -(z & 1)));
    END LOOP;
    FOREACH p IN ARRAY cpos || tpos LOOP
      IF p >= k THEN RAISE EXCEPTION 'kp_decode_rate: exception position % beyond % deltas', p, k; END IF;
      dc := coalesce(cval[array_position(cpos, p)], c.base + substring(cvb FROM p * c.w + 1 FOR c.w)::bigint);
      dt := coalesce(tval[array_position(tpos, p)], t.base + substring(tvb FROM p * t.w + 1 FOR t.w)::bigint);
      out[p + 2] := CASE WHEN dc >= 0 THEN dc::double precision / (dt::double precision / 1000) * scale END;
    END LOOP;
  ELSE
    cs := kubepulse.kp_decode_int(counter);
    tv := kubepulse.kp_decode_int(ts);
    IF cardinality(cs) <> n OR cardinality(tv) <> n THEN
      RAISE EXCEPTION 'kp_decode_rate: rate column of % rows, its counter has % and ts %', n, cardinality(cs), cardinality(tv);
    END IF;
    out := array_fill(NULL::double precision, ARRAY[n]);
    FOR i IN 2 .. n LOOP
      dc := cs[i] - cs[i - 1];
      dt := tv[i] - tv[i - 1];
      out[i] := CASE WHEN dc >= 0 THEN dc::double precision / (dt::double precision / 1000) * scale END;
    END LOOP;
  END IF;
  IF lx > 0 THEN
    idx := kubepulse.kp_decode_int(substring(rate FROM 17 FOR lx));
    vals := kubepulse.kp_decode_float(substring(rate FROM 17 + lx));
    IF cardinality(idx) <> cardinality(vals) THEN
      RAISE EXCEPTION 'kp_decode_rate: % exception rows and % values', cardinality(idx), cardinality(vals);
    END IF;
    FOR j IN 1 .. cardinality(idx) LOOP
      IF idx[j] < 0 OR idx[j] >= n THEN RAISE EXCEPTION 'kp_decode_rate: exception row % outside the block''s % rows', idx[j], n; END IF;
      out[idx[j] + 1] := vals[j];
    END LOOP;
  END IF;
  RETURN out;
END
$fn$;

CREATE OR REPLACE FUNCTION kubepulse."node_history"("from" timestamptz, "to" timestamptz)
RETURNS TABLE (
  "cluster_id" integer,
  "node" text,
  "ts" timestamptz,
  "cpu_usage_nanocores" bigint,
  "cpu_usage_core_nanoseconds" bigint,
  "cpu_rate_millicores" double precision,
  "cpu_psi_some_total_microseconds" bigint,
  "cpu_psi_some_stalled_percent" double precision,
  "cpu_psi_some_avg10_percent" double precision,
  "cpu_psi_some_avg60_percent" double precision,
  "cpu_psi_some_avg300_percent" double precision,
  "cpu_psi_full_total_microseconds" bigint,
  "cpu_psi_full_stalled_percent" double precision,
  "cpu_psi_full_avg10_percent" double precision,
  "cpu_psi_full_avg60_percent" double precision,
  "cpu_psi_full_avg300_percent" double precision,
  "memory_available_bytes" bigint,
  "memory_usage_bytes" bigint,
  "memory_working_set_bytes" bigint,
  "memory_rss_bytes" bigint,
  "memory_page_faults" bigint,
  "memory_page_faults_per_second" double precision,
  "memory_major_page_faults" bigint,
  "memory_major_page_faults_per_second" double precision,
  "memory_cache_bytes" bigint,
  "memory_mapped_file_bytes" bigint,
  "memory_kernel_bytes" bigint,
  "memory_max_usage_bytes" bigint,
  "memory_failcnt" bigint,
  "memory_failcnt_per_second" double precision,
  "oom_events" bigint,
  "oom_events_per_second" double precision,
  "memory_psi_some_total_microseconds" bigint,
  "memory_psi_some_stalled_percent" double precision,
  "memory_psi_some_avg10_percent" double precision,
  "memory_psi_some_avg60_percent" double precision,
  "memory_psi_some_avg300_percent" double precision,
  "memory_psi_full_total_microseconds" bigint,
  "memory_psi_full_stalled_percent" double precision,
  "memory_psi_full_avg10_percent" double precision,
  "memory_psi_full_avg60_percent" double precision,
  "memory_psi_full_avg300_percent" double precision,
  "io_psi_some_total_microseconds" bigint,
  "io_psi_some_stalled_percent" double precision,
  "io_psi_some_avg10_percent" double precision,
  "io_psi_some_avg60_percent" double precision,
  "io_psi_some_avg300_percent" double precision,
  "io_psi_full_total_microseconds" bigint,
  "io_psi_full_stalled_percent" double precision,
  "io_psi_full_avg10_percent" double precision,
  "io_psi_full_avg60_percent" double precision,
  "io_psi_full_avg300_percent" double precision,
  "swap_available_bytes" bigint,
  "swap_usage_bytes" bigint,
  "network_rx_bytes" bigint,
  "network_rx_bytes_per_second" double precision,
  "network_rx_errors" bigint,
  "network_rx_errors_per_second" double precision,
  "network_tx_bytes" bigint,
  "network_tx_bytes_per_second" double precision,
  "network_tx_errors" bigint,
  "network_tx_errors_per_second" double precision,
  "fs_available_bytes" bigint,
  "fs_capacity_bytes" bigint,
  "fs_used_bytes" bigint,
  "fs_inodes" bigint,
  "fs_inodes_free" bigint,
  "fs_inodes_used" bigint,
  "imagefs_available_bytes" bigint,
  "imagefs_capacity_bytes" bigint,
  "imagefs_used_bytes" bigint,
  "imagefs_inodes" bigint,
  "imagefs_inodes_free" bigint,
  "imagefs_inodes_used" bigint,
  "containerfs_available_bytes" bigint,
  "containerfs_capacity_bytes" bigint,
  "containerfs_used_bytes" bigint,
  "containerfs_inodes" bigint,
  "containerfs_inodes_free" bigint,
  "containerfs_inodes_used" bigint,
  "rlimit_maxpid" bigint,
  "rlimit_curproc" bigint,
  "cpu_cfs_periods" bigint,
  "cpu_cfs_periods_per_second" double precision,
  "cpu_cfs_throttled_periods" bigint,
  "cpu_cfs_throttled_periods_per_second" double precision,
  "cpu_cfs_throttled_seconds" double precision,
  "cpu_cfs_throttled_millicores" double precision,
  "process_count" bigint,
  "threads" bigint,
  "threads_max" bigint,
  "file_descriptors" bigint,
  "sockets" bigint,
  "source" "char"
)
LANGUAGE sql STABLE PARALLEL SAFE AS $fn$
  SELECT m."cluster_id", m."node", m."ts", m."cpu_usage_nanocores", m."cpu_usage_core_nanoseconds", m."cpu_rate_millicores", m."cpu_psi_some_total_microseconds", m."cpu_psi_some_stalled_percent", m."cpu_psi_some_avg10_percent", m."cpu_psi_some_avg60_percent", m."cpu_psi_some_avg300_percent", m."cpu_psi_full_total_microseconds", m."cpu_psi_full_stalled_percent", m."cpu_psi_full_avg10_percent", m."cpu_psi_full_avg60_percent", m."cpu_psi_full_avg300_percent", m."memory_available_bytes", m."memory_usage_bytes", m."memory_working_set_bytes", m."memory_rss_bytes", m."memory_page_faults", m."memory_page_faults_per_second", m."memory_major_page_faults", m."memory_major_page_faults_per_second", m."memory_cache_bytes", m."memory_mapped_file_bytes", m."memory_kernel_bytes", m."memory_max_usage_bytes", m."memory_failcnt", m."memory_failcnt_per_second", m."oom_events", m."oom_events_per_second", m."memory_psi_some_total_microseconds", m."memory_psi_some_stalled_percent", m."memory_psi_some_avg10_percent", m."memory_psi_some_avg60_percent", m."memory_psi_some_avg300_percent", m."memory_psi_full_total_microseconds", m."memory_psi_full_stalled_percent", m."memory_psi_full_avg10_percent", m."memory_psi_full_avg60_percent", m."memory_psi_full_avg300_percent", m."io_psi_some_total_microseconds", m."io_psi_some_stalled_percent", m."io_psi_some_avg10_percent", m."io_psi_some_avg60_percent", m."io_psi_some_avg300_percent", m."io_psi_full_total_microseconds", m."io_psi_full_stalled_percent", m."io_psi_full_avg10_percent", m."io_psi_full_avg60_percent", m."io_psi_full_avg300_percent", m."swap_available_bytes", m."swap_usage_bytes", m."network_rx_bytes", m."network_rx_bytes_per_second", m."network_rx_errors", m."network_rx_errors_per_second", m."network_tx_bytes", m."network_tx_bytes_per_second", m."network_tx_errors", m."network_tx_errors_per_second", m."fs_available_bytes", m."fs_capacity_bytes", m."fs_used_bytes", m."fs_inodes", m."fs_inodes_free", m."fs_inodes_used", m."imagefs_available_bytes", m."imagefs_capacity_bytes", m."imagefs_used_bytes", m."imagefs_inodes", m."imagefs_inodes_free", m."imagefs_inodes_used", m."containerfs_available_bytes", m."containerfs_capacity_bytes", m."containerfs_used_bytes", m."containerfs_inodes", m."containerfs_inodes_free", m."containerfs_inodes_used", m."rlimit_maxpid", m."rlimit_curproc", m."cpu_cfs_periods", m."cpu_cfs_periods_per_second", m."cpu_cfs_throttled_periods", m."cpu_cfs_throttled_periods_per_second", m."cpu_cfs_throttled_seconds", m."cpu_cfs_throttled_millicores", m."process_count", m."threads", m."threads_max", m."file_descriptors", m."sockets", m."source"
  FROM kubepulse."node_metric" m
  WHERE m.ts >= $1 AND m.ts < $2
  UNION ALL
  SELECT b."cluster_id", b."node", d."ts", d."cpu_usage_nanocores", d."cpu_usage_core_nanoseconds", d."cpu_rate_millicores", d."cpu_psi_some_total_microseconds", d."cpu_psi_some_stalled_percent", d."cpu_psi_some_avg10_percent", d."cpu_psi_some_avg60_percent", d."cpu_psi_some_avg300_percent", d."cpu_psi_full_total_microseconds", d."cpu_psi_full_stalled_percent", d."cpu_psi_full_avg10_percent", d."cpu_psi_full_avg60_percent", d."cpu_psi_full_avg300_percent", d."memory_available_bytes", d."memory_usage_bytes", d."memory_working_set_bytes", d."memory_rss_bytes", d."memory_page_faults", d."memory_page_faults_per_second", d."memory_major_page_faults", d."memory_major_page_faults_per_second", d."memory_cache_bytes", d."memory_mapped_file_bytes", d."memory_kernel_bytes", d."memory_max_usage_bytes", d."memory_failcnt", d."memory_failcnt_per_second", d."oom_events", d."oom_events_per_second", d."memory_psi_some_total_microseconds", d."memory_psi_some_stalled_percent", d."memory_psi_some_avg10_percent", d."memory_psi_some_avg60_percent", d."memory_psi_some_avg300_percent", d."memory_psi_full_total_microseconds", d."memory_psi_full_stalled_percent", d."memory_psi_full_avg10_percent", d."memory_psi_full_avg60_percent", d."memory_psi_full_avg300_percent", d."io_psi_some_total_microseconds", d."io_psi_some_stalled_percent", d."io_psi_some_avg10_percent", d."io_psi_some_avg60_percent", d."io_psi_some_avg300_percent", d."io_psi_full_total_microseconds", d."io_psi_full_stalled_percent", d."io_psi_full_avg10_percent", d."io_psi_full_avg60_percent", d."io_psi_full_avg300_percent", d."swap_available_bytes", d."swap_usage_bytes", d."network_rx_bytes", d."network_rx_bytes_per_second", d."network_rx_errors", d."network_rx_errors_per_second", d."network_tx_bytes", d."network_tx_bytes_per_second", d."network_tx_errors", d."network_tx_errors_per_second", d."fs_available_bytes", d."fs_capacity_bytes", d."fs_used_bytes", d."fs_inodes", d."fs_inodes_free", d."fs_inodes_used", d."imagefs_available_bytes", d."imagefs_capacity_bytes", d."imagefs_used_bytes", d."imagefs_inodes", d."imagefs_inodes_free", d."imagefs_inodes_used", d."containerfs_available_bytes", d."containerfs_capacity_bytes", d."containerfs_used_bytes", d."containerfs_inodes", d."containerfs_inodes_free", d."containerfs_inodes_used", d."rlimit_maxpid", d."rlimit_curproc", d."cpu_cfs_periods", d."cpu_cfs_periods_per_second", d."cpu_cfs_throttled_periods", d."cpu_cfs_throttled_periods_per_second", d."cpu_cfs_throttled_seconds", d."cpu_cfs_throttled_millicores", d."process_count", d."threads", d."threads_max", d."file_descriptors", d."sockets", b."source"
  FROM kubepulse."node_block" b
  CROSS JOIN LATERAL unnest(kubepulse.kp_decode_ts(b."ts"), kubepulse.kp_decode_int(b."cpu_usage_nanocores"), kubepulse.kp_decode_int(b."cpu_usage_core_nanoseconds"), kubepulse.kp_decode_rate(b."cpu_rate_millicores", b."cpu_usage_core_nanoseconds", b."ts"), kubepulse.kp_decode_int(b."cpu_psi_some_total_microseconds"), kubepulse.kp_decode_rate(b."cpu_psi_some_stalled_percent", b."cpu_psi_some_total_microseconds", b."ts"), kubepulse.kp_decode_float(b."cpu_psi_some_avg10_percent"), kubepulse.kp_decode_float(b."cpu_psi_some_avg60_percent"), kubepulse.kp_decode_float(b."cpu_psi_some_avg300_percent"), kubepulse.kp_decode_int(b."cpu_psi_full_total_microseconds"), kubepulse.kp_decode_rate(b."cpu_psi_full_stalled_percent", b."cpu_psi_full_total_microseconds", b."ts"), kubepulse.kp_decode_float(b."cpu_psi_full_avg10_percent"), kubepulse.kp_decode_float(b."cpu_psi_full_avg60_percent"), kubepulse.kp_decode_float(b."cpu_psi_full_avg300_percent"), kubepulse.kp_decode_int(b."memory_available_bytes"), kubepulse.kp_decode_int(b."memory_usage_bytes"), kubepulse.kp_decode_int(b."memory_working_set_bytes"), kubepulse.kp_decode_int(b."memory_rss_bytes"), kubepulse.kp_decode_int(b."memory_page_faults"), kubepulse.kp_decode_rate(b."memory_page_faults_per_second", b."memory_page_faults", b."ts"), kubepulse.kp_decode_int(b."memory_major_page_faults"), kubepulse.kp_decode_rate(b."memory_major_page_faults_per_second", b."memory_major_page_faults", b."ts"), kubepulse.kp_decode_int(b."memory_cache_bytes"), kubepulse.kp_decode_int(b."memory_mapped_file_bytes"), kubepulse.kp_decode_int(b."memory_kernel_bytes"), kubepulse.kp_decode_int(b."memory_max_usage_bytes"), kubepulse.kp_decode_int(b."memory_failcnt"), kubepulse.kp_decode_rate(b."memory_failcnt_per_second", b."memory_failcnt", b."ts"), kubepulse.kp_decode_int(b."oom_events"), kubepulse.kp_decode_rate(b."oom_events_per_second", b."oom_events", b."ts"), kubepulse.kp_decode_int(b."memory_psi_some_total_microseconds"), kubepulse.kp_decode_rate(b."memory_psi_some_stalled_percent", b."memory_psi_some_total_microseconds", b."ts"), kubepulse.kp_decode_float(b."memory_psi_some_avg10_percent"), kubepulse.kp_decode_float(b."memory_psi_some_avg60_percent"), kubepulse.kp_decode_float(b."memory_psi_some_avg300_percent"), kubepulse.kp_decode_int(b."memory_psi_full_total_microseconds"), kubepulse.kp_decode_rate(b."memory_psi_full_stalled_percent", b."memory_psi_full_total_microseconds", b."ts"), kubepulse.kp_decode_float(b."memory_psi_full_avg10_percent"), kubepulse.kp_decode_float(b."memory_psi_full_avg60_percent"), kubepulse.kp_decode_float(b."memory_psi_full_avg300_percent"), kubepulse.kp_decode_int(b."io_psi_some_total_microseconds"), kubepulse.kp_decode_rate(b."io_psi_some_stalled_percent", b."io_psi_some_total_microseconds", b."ts"), kubepulse.kp_decode_float(b."io_psi_some_avg10_percent"), kubepulse.kp_decode_float(b."io_psi_some_avg60_percent"), kubepulse.kp_decode_float(b."io_psi_some_avg300_percent"), kubepulse.kp_decode_int(b."io_psi_full_total_microseconds"), kubepulse.kp_decode_rate(b."io_psi_full_stalled_percent", b."io_psi_full_total_microseconds", b."ts"), kubepulse.kp_decode_float(b."io_psi_full_avg10_percent"), kubepulse.kp_decode_float(b."io_psi_full_avg60_percent"), kubepulse.kp_decode_float(b."io_psi_full_avg300_percent"), kubepulse.kp_decode_int(b."swap_available_bytes"), kubepulse.kp_decode_int(b."swap_usage_bytes"), kubepulse.kp_decode_int(b."network_rx_bytes"), kubepulse.kp_decode_rate(b."network_rx_bytes_per_second", b."network_rx_bytes", b."ts"), kubepulse.kp_decode_int(b."network_rx_errors"), kubepulse.kp_decode_rate(b."network_rx_errors_per_second", b."network_rx_errors", b."ts"), kubepulse.kp_decode_int(b."network_tx_bytes"), kubepulse.kp_decode_rate(b."network_tx_bytes_per_second", b."network_tx_bytes", b."ts"), kubepulse.kp_decode_int(b."network_tx_errors"), kubepulse.kp_decode_rate(b."network_tx_errors_per_second", b."network_tx_errors", b."ts"), kubepulse.kp_decode_int(b."fs_available_bytes"), kubepulse.kp_decode_int(b."fs_capacity_bytes"), kubepulse.kp_decode_int(b."fs_used_bytes"), kubepulse.kp_decode_int(b."fs_inodes"), kubepulse.kp_decode_int(b."fs_inodes_free"), kubepulse.kp_decode_int(b."fs_inodes_used"), kubepulse.kp_decode_int(b."imagefs_available_bytes"), kubepulse.kp_decode_int(b."imagefs_capacity_bytes"), kubepulse.kp_decode_int(b."imagefs_used_bytes"), kubepulse.kp_decode_int(b."imagefs_inodes"), kubepulse.kp_decode_int(b."imagefs_inodes_free"), kubepulse.kp_decode_int(b."imagefs_inodes_used"), kubepulse.kp_decode_int(b."containerfs_available_bytes"), kubepulse.kp_decode_int(b."containerfs_capacity_bytes"), kubepulse.kp_decode_int(b."containerfs_used_bytes"), kubepulse.kp_decode_int(b."containerfs_inodes"), kubepulse.kp_decode_int(b."containerfs_inodes_free"), kubepulse.kp_decode_int(b."containerfs_inodes_used"), kubepulse.kp_decode_int(b."rlimit_maxpid"), kubepulse.kp_decode_int(b."rlimit_curproc"), kubepulse.kp_decode_int(b."cpu_cfs_periods"), kubepulse.kp_decode_rate(b."cpu_cfs_periods_per_second", b."cpu_cfs_periods", b."ts"), kubepulse.kp_decode_int(b."cpu_cfs_throttled_periods"), kubepulse.kp_decode_rate(b."cpu_cfs_throttled_periods_per_second", b."cpu_cfs_throttled_periods", b."ts"), kubepulse.kp_decode_float(b."cpu_cfs_throttled_seconds"), kubepulse.kp_decode_float(b."cpu_cfs_throttled_millicores"), kubepulse.kp_decode_int(b."process_count"), kubepulse.kp_decode_int(b."threads"), kubepulse.kp_decode_int(b."threads_max"), kubepulse.kp_decode_int(b."file_descriptors"), kubepulse.kp_decode_int(b."sockets")) AS d("ts", "cpu_usage_nanocores", "cpu_usage_core_nanoseconds", "cpu_rate_millicores", "cpu_psi_some_total_microseconds", "cpu_psi_some_stalled_percent", "cpu_psi_some_avg10_percent", "cpu_psi_some_avg60_percent", "cpu_psi_some_avg300_percent", "cpu_psi_full_total_microseconds", "cpu_psi_full_stalled_percent", "cpu_psi_full_avg10_percent", "cpu_psi_full_avg60_percent", "cpu_psi_full_avg300_percent", "memory_available_bytes", "memory_usage_bytes", "memory_working_set_bytes", "memory_rss_bytes", "memory_page_faults", "memory_page_faults_per_second", "memory_major_page_faults", "memory_major_page_faults_per_second", "memory_cache_bytes", "memory_mapped_file_bytes", "memory_kernel_bytes", "memory_max_usage_bytes", "memory_failcnt", "memory_failcnt_per_second", "oom_events", "oom_events_per_second", "memory_psi_some_total_microseconds", "memory_psi_some_stalled_percent", "memory_psi_some_avg10_percent", "memory_psi_some_avg60_percent", "memory_psi_some_avg300_percent", "memory_psi_full_total_microseconds", "memory_psi_full_stalled_percent", "memory_psi_full_avg10_percent", "memory_psi_full_avg60_percent", "memory_psi_full_avg300_percent", "io_psi_some_total_microseconds", "io_psi_some_stalled_percent", "io_psi_some_avg10_percent", "io_psi_some_avg60_percent", "io_psi_some_avg300_percent", "io_psi_full_total_microseconds", "io_psi_full_stalled_percent", "io_psi_full_avg10_percent", "io_psi_full_avg60_percent", "io_psi_full_avg300_percent", "swap_available_bytes", "swap_usage_bytes", "network_rx_bytes", "network_rx_bytes_per_second", "network_rx_errors", "network_rx_errors_per_second", "network_tx_bytes", "network_tx_bytes_per_second", "network_tx_errors", "network_tx_errors_per_second", "fs_available_bytes", "fs_capacity_bytes", "fs_used_bytes", "fs_inodes", "fs_inodes_free", "fs_inodes_used", "imagefs_available_bytes", "imagefs_capacity_bytes", "imagefs_used_bytes", "imagefs_inodes", "imagefs_inodes_free", "imagefs_inodes_used", "containerfs_available_bytes", "containerfs_capacity_bytes", "containerfs_used_bytes", "containerfs_inodes", "containerfs_inodes_free", "containerfs_inodes_used", "rlimit_maxpid", "rlimit_curproc", "cpu_cfs_periods", "cpu_cfs_periods_per_second", "cpu_cfs_throttled_periods", "cpu_cfs_throttled_periods_per_second", "cpu_cfs_throttled_seconds", "cpu_cfs_throttled_millicores", "process_count", "threads", "threads_max", "file_descriptors", "sockets")
  WHERE b.start_ts > $1 - interval '3600 seconds' AND b.start_ts < $2
    AND d."ts" >= $1 AND d."ts" < $2
$fn$;

CREATE OR REPLACE FUNCTION kubepulse."system_container_history"("from" timestamptz, "to" timestamptz)
RETURNS TABLE (
  "cluster_id" integer,
  "node" text,
  "name" text,
  "ts" timestamptz,
  "cpu_usage_nanocores" bigint,
  "cpu_usage_core_nanoseconds" bigint,
  "cpu_rate_millicores" double precision,
  "cpu_psi_some_total_microseconds" bigint,
  "cpu_psi_some_stalled_percent" double precision,
  "cpu_psi_some_avg10_percent" double precision,
  "cpu_psi_some_avg60_percent" double precision,
  "cpu_psi_some_avg300_percent" double precision,
  "cpu_psi_full_total_microseconds" bigint,
  "cpu_psi_full_stalled_percent" double precision,
  "cpu_psi_full_avg10_percent" double precision,
  "cpu_psi_full_avg60_percent" double precision,
  "cpu_psi_full_avg300_percent" double precision,
  "memory_available_bytes" bigint,
  "memory_usage_bytes" bigint,
  "memory_working_set_bytes" bigint,
  "memory_rss_bytes" bigint,
  "memory_page_faults" bigint,
  "memory_page_faults_per_second" double precision,
  "memory_major_page_faults" bigint,
  "memory_major_page_faults_per_second" double precision,
  "memory_cache_bytes" bigint,
  "memory_mapped_file_bytes" bigint,
  "memory_kernel_bytes" bigint,
  "memory_max_usage_bytes" bigint,
  "memory_failcnt" bigint,
  "memory_failcnt_per_second" double precision,
  "oom_events" bigint,
  "oom_events_per_second" double precision,
  "memory_psi_some_total_microseconds" bigint,
  "memory_psi_some_stalled_percent" double precision,
  "memory_psi_some_avg10_percent" double precision,
  "memory_psi_some_avg60_percent" double precision,
  "memory_psi_some_avg300_percent" double precision,
  "memory_psi_full_total_microseconds" bigint,
  "memory_psi_full_stalled_percent" double precision,
  "memory_psi_full_avg10_percent" double precision,
  "memory_psi_full_avg60_percent" double precision,
  "memory_psi_full_avg300_percent" double precision,
  "io_psi_some_total_microseconds" bigint,
  "io_psi_some_stalled_percent" double precision,
  "io_psi_some_avg10_percent" double precision,
  "io_psi_some_avg60_percent" double precision,
  "io_psi_some_avg300_percent" double precision,
  "io_psi_full_total_microseconds" bigint,
  "io_psi_full_stalled_percent" double precision,
  "io_psi_full_avg10_percent" double precision,
  "io_psi_full_avg60_percent" double precision,
  "io_psi_full_avg300_percent" double precision,
  "swap_available_bytes" bigint,
  "swap_usage_bytes" bigint,
  "cpu_cfs_periods" bigint,
  "cpu_cfs_periods_per_second" double precision,
  "cpu_cfs_throttled_periods" bigint,
  "cpu_cfs_throttled_periods_per_second" double precision,
  "cpu_cfs_throttled_seconds" double precision,
  "cpu_cfs_throttled_millicores" double precision,
  "process_count" bigint,
  "threads" bigint,
  "threads_max" bigint,
  "file_descriptors" bigint,
  "sockets" bigint,
  "source" "char"
)
LANGUAGE sql STABLE PARALLEL SAFE AS $fn$
  SELECT m."cluster_id", m."node", m."name", m."ts", m."cpu_usage_nanocores", m."cpu_usage_core_nanoseconds", m."cpu_rate_millicores", m."cpu_psi_some_total_microseconds", m."cpu_psi_some_stalled_percent", m."cpu_psi_some_avg10_percent", m."cpu_psi_some_avg60_percent", m."cpu_psi_some_avg300_percent", m."cpu_psi_full_total_microseconds", m."cpu_psi_full_stalled_percent", m."cpu_psi_full_avg10_percent", m."cpu_psi_full_avg60_percent", m."cpu_psi_full_avg300_percent", m."memory_available_bytes", m."memory_usage_bytes", m."memory_working_set_bytes", m."memory_rss_bytes", m."memory_page_faults", m."memory_page_faults_per_second", m."memory_major_page_faults", m."memory_major_page_faults_per_second", m."memory_cache_bytes", m."memory_mapped_file_bytes", m."memory_kernel_bytes", m."memory_max_usage_bytes", m."memory_failcnt", m."memory_failcnt_per_second", m."oom_events", m."oom_events_per_second", m."memory_psi_some_total_microseconds", m."memory_psi_some_stalled_percent", m."memory_psi_some_avg10_percent", m."memory_psi_some_avg60_percent", m."memory_psi_some_avg300_percent", m."memory_psi_full_total_microseconds", m."memory_psi_full_stalled_percent", m."memory_psi_full_avg10_percent", m."memory_psi_full_avg60_percent", m."memory_psi_full_avg300_percent", m."io_psi_some_total_microseconds", m."io_psi_some_stalled_percent", m."io_psi_some_avg10_percent", m."io_psi_some_avg60_percent", m."io_psi_some_avg300_percent", m."io_psi_full_total_microseconds", m."io_psi_full_stalled_percent", m."io_psi_full_avg10_percent", m."io_psi_full_avg60_percent", m."io_psi_full_avg300_percent", m."swap_available_bytes", m."swap_usage_bytes", m."cpu_cfs_periods", m."cpu_cfs_periods_per_second", m."cpu_cfs_throttled_periods", m."cpu_cfs_throttled_periods_per_second", m."cpu_cfs_throttled_seconds", m."cpu_cfs_throttled_millicores", m."process_count", m."threads", m."threads_max", m."file_descriptors", m."sockets", m."source"
  FROM kubepulse."system_container_metric" m
  WHERE m.ts >= $1 AND m.ts < $2
  UNION ALL
  SELECT b."cluster_id", b."node", b."name", d."ts", d."cpu_usage_nanocores", d."cpu_usage_core_nanoseconds", d."cpu_rate_millicores", d."cpu_psi_some_total_microseconds", d."cpu_psi_some_stalled_percent", d."cpu_psi_some_avg10_percent", d."cpu_psi_some_avg60_percent", d."cpu_psi_some_avg300_percent", d."cpu_psi_full_total_microseconds", d."cpu_psi_full_stalled_percent", d."cpu_psi_full_avg10_percent", d."cpu_psi_full_avg60_percent", d."cpu_psi_full_avg300_percent", d."memory_available_bytes", d."memory_usage_bytes", d."memory_working_set_bytes", d."memory_rss_bytes", d."memory_page_faults", d."memory_page_faults_per_second", d."memory_major_page_faults", d."memory_major_page_faults_per_second", d."memory_cache_bytes", d."memory_mapped_file_bytes", d."memory_kernel_bytes", d."memory_max_usage_bytes", d."memory_failcnt", d."memory_failcnt_per_second", d."oom_events", d."oom_events_per_second", d."memory_psi_some_total_microseconds", d."memory_psi_some_stalled_percent", d."memory_psi_some_avg10_percent", d."memory_psi_some_avg60_percent", d."memory_psi_some_avg300_percent", d."memory_psi_full_total_microseconds", d."memory_psi_full_stalled_percent", d."memory_psi_full_avg10_percent", d."memory_psi_full_avg60_percent", d."memory_psi_full_avg300_percent", d."io_psi_some_total_microseconds", d."io_psi_some_stalled_percent", d."io_psi_some_avg10_percent", d."io_psi_some_avg60_percent", d."io_psi_some_avg300_percent", d."io_psi_full_total_microseconds", d."io_psi_full_stalled_percent", d."io_psi_full_avg10_percent", d."io_psi_full_avg60_percent", d."io_psi_full_avg300_percent", d."swap_available_bytes", d."swap_usage_bytes", d."cpu_cfs_periods", d."cpu_cfs_periods_per_second", d."cpu_cfs_throttled_periods", d."cpu_cfs_throttled_periods_per_second", d."cpu_cfs_throttled_seconds", d."cpu_cfs_throttled_millicores", d."process_count", d."threads", d."threads_max", d."file_descriptors", d."sockets", b."source"
  FROM kubepulse."system_container_block" b
  CROSS JOIN LATERAL unnest(kubepulse.kp_decode_ts(b."ts"), kubepulse.kp_decode_int(b."cpu_usage_nanocores"), kubepulse.kp_decode_int(b."cpu_usage_core_nanoseconds"), kubepulse.kp_decode_rate(b."cpu_rate_millicores", b."cpu_usage_core_nanoseconds", b."ts"), kubepulse.kp_decode_int(b."cpu_psi_some_total_microseconds"), kubepulse.kp_decode_rate(b."cpu_psi_some_stalled_percent", b."cpu_psi_some_total_microseconds", b."ts"), kubepulse.kp_decode_float(b."cpu_psi_some_avg10_percent"), kubepulse.kp_decode_float(b."cpu_psi_some_avg60_percent"), kubepulse.kp_decode_float(b."cpu_psi_some_avg300_percent"), kubepulse.kp_decode_int(b."cpu_psi_full_total_microseconds"), kubepulse.kp_decode_rate(b."cpu_psi_full_stalled_percent", b."cpu_psi_full_total_microseconds", b."ts"), kubepulse.kp_decode_float(b."cpu_psi_full_avg10_percent"), kubepulse.kp_decode_float(b."cpu_psi_full_avg60_percent"), kubepulse.kp_decode_float(b."cpu_psi_full_avg300_percent"), kubepulse.kp_decode_int(b."memory_available_bytes"), kubepulse.kp_decode_int(b."memory_usage_bytes"), kubepulse.kp_decode_int(b."memory_working_set_bytes"), kubepulse.kp_decode_int(b."memory_rss_bytes"), kubepulse.kp_decode_int(b."memory_page_faults"), kubepulse.kp_decode_rate(b."memory_page_faults_per_second", b."memory_page_faults", b."ts"), kubepulse.kp_decode_int(b."memory_major_page_faults"), kubepulse.kp_decode_rate(b."memory_major_page_faults_per_second", b."memory_major_page_faults", b."ts"), kubepulse.kp_decode_int(b."memory_cache_bytes"), kubepulse.kp_decode_int(b."memory_mapped_file_bytes"), kubepulse.kp_decode_int(b."memory_kernel_bytes"), kubepulse.kp_decode_int(b."memory_max_usage_bytes"), kubepulse.kp_decode_int(b."memory_failcnt"), kubepulse.kp_decode_rate(b."memory_failcnt_per_second", b."memory_failcnt", b."ts"), kubepulse.kp_decode_int(b."oom_events"), kubepulse.kp_decode_rate(b."oom_events_per_second", b."oom_events", b."ts"), kubepulse.kp_decode_int(b."memory_psi_some_total_microseconds"), kubepulse.kp_decode_rate(b."memory_psi_some_stalled_percent", b."memory_psi_some_total_microseconds", b."ts"), kubepulse.kp_decode_float(b."memory_psi_some_avg10_percent"), kubepulse.kp_decode_float(b."memory_psi_some_avg60_percent"), kubepulse.kp_decode_float(b."memory_psi_some_avg300_percent"), kubepulse.kp_decode_int(b."memory_psi_full_total_microseconds"), kubepulse.kp_decode_rate(b."memory_psi_full_stalled_percent", b."memory_psi_full_total_microseconds", b."ts"), kubepulse.kp_decode_float(b."memory_psi_full_avg10_percent"), kubepulse.kp_decode_float(b."memory_psi_full_avg60_percent"), kubepulse.kp_decode_float(b."memory_psi_full_avg300_percent"), kubepulse.kp_decode_int(b."io_psi_some_total_microseconds"), kubepulse.kp_decode_rate(b."io_psi_some_stalled_percent", b."io_psi_some_total_microseconds", b."ts"), kubepulse.kp_decode_float(b."io_psi_some_avg10_percent"), kubepulse.kp_decode_float(b."io_psi_some_avg60_percent"), kubepulse.kp_decode_float(b."io_psi_some_avg300_percent"), kubepulse.kp_decode_int(b."io_psi_full_total_microseconds"), kubepulse.kp_decode_rate(b."io_psi_full_stalled_percent", b."io_psi_full_total_microseconds", b."ts"), kubepulse.kp_decode_float(b."io_psi_full_avg10_percent"), kubepulse.kp_decode_float(b."io_psi_full_avg60_percent"), kubepulse.kp_decode_float(b."io_psi_full_avg300_percent"), kubepulse.kp_decode_int(b."swap_available_bytes"), kubepulse.kp_decode_int(b."swap_usage_bytes"), kubepulse.kp_decode_int(b."cpu_cfs_periods"), kubepulse.kp_decode_rate(b."cpu_cfs_periods_per_second", b."cpu_cfs_periods", b."ts"), kubepulse.kp_decode_int(b."cpu_cfs_throttled_periods"), kubepulse.kp_decode_rate(b."cpu_cfs_throttled_periods_per_second", b."cpu_cfs_throttled_periods", b."ts"), kubepulse.kp_decode_float(b."cpu_cfs_throttled_seconds"), kubepulse.kp_decode_float(b."cpu_cfs_throttled_millicores"), kubepulse.kp_decode_int(b."process_count"), kubepulse.kp_decode_int(b."threads"), kubepulse.kp_decode_int(b."threads_max"), kubepulse.kp_decode_int(b."file_descriptors"), kubepulse.kp_decode_int(b."sockets")) AS d("ts", "cpu_usage_nanocores", "cpu_usage_core_nanoseconds", "cpu_rate_millicores", "cpu_psi_some_total_microseconds", "cpu_psi_some_stalled_percent", "cpu_psi_some_avg10_percent", "cpu_psi_some_avg60_percent", "cpu_psi_some_avg300_percent", "cpu_psi_full_total_microseconds", "cpu_psi_full_stalled_percent", "cpu_psi_full_avg10_percent", "cpu_psi_full_avg60_percent", "cpu_psi_full_avg300_percent", "memory_available_bytes", "memory_usage_bytes", "memory_working_set_bytes", "memory_rss_bytes", "memory_page_faults", "memory_page_faults_per_second", "memory_major_page_faults", "memory_major_page_faults_per_second", "memory_cache_bytes", "memory_mapped_file_bytes", "memory_kernel_bytes", "memory_max_usage_bytes", "memory_failcnt", "memory_failcnt_per_second", "oom_events", "oom_events_per_second", "memory_psi_some_total_microseconds", "memory_psi_some_stalled_percent", "memory_psi_some_avg10_percent", "memory_psi_some_avg60_percent", "memory_psi_some_avg300_percent", "memory_psi_full_total_microseconds", "memory_psi_full_stalled_percent", "memory_psi_full_avg10_percent", "memory_psi_full_avg60_percent", "memory_psi_full_avg300_percent", "io_psi_some_total_microseconds", "io_psi_some_stalled_percent", "io_psi_some_avg10_percent", "io_psi_some_avg60_percent", "io_psi_some_avg300_percent", "io_psi_full_total_microseconds", "io_psi_full_stalled_percent", "io_psi_full_avg10_percent", "io_psi_full_avg60_percent", "io_psi_full_avg300_percent", "swap_available_bytes", "swap_usage_bytes", "cpu_cfs_periods", "cpu_cfs_periods_per_second", "cpu_cfs_throttled_periods", "cpu_cfs_throttled_periods_per_second", "cpu_cfs_throttled_seconds", "cpu_cfs_throttled_millicores", "process_count", "threads", "threads_max", "file_descriptors", "sockets")
  WHERE b.start_ts > $1 - interval '3600 seconds' AND b.start_ts < $2
    AND d."ts" >= $1 AND d."ts" < $2
$fn$;

CREATE OR REPLACE FUNCTION kubepulse."pod_history"("from" timestamptz, "to" timestamptz)
RETURNS TABLE (
  "cluster_id" integer,
  "pod_uid" text,
  "ts" timestamptz,
  "namespace" text,
  "pod" text,
  "node" text,
  "cpu_usage_nanocores" bigint,
  "cpu_usage_core_nanoseconds" bigint,
  "cpu_rate_millicores" double precision,
  "cpu_psi_some_total_microseconds" bigint,
  "cpu_psi_some_stalled_percent" double precision,
  "cpu_psi_some_avg10_percent" double precision,
  "cpu_psi_some_avg60_percent" double precision,
  "cpu_psi_some_avg300_percent" double precision,
  "cpu_psi_full_total_microseconds" bigint,
  "cpu_psi_full_stalled_percent" double precision,
  "cpu_psi_full_avg10_percent" double precision,
  "cpu_psi_full_avg60_percent" double precision,
  "cpu_psi_full_avg300_percent" double precision,
  "memory_available_bytes" bigint,
  "memory_usage_bytes" bigint,
  "memory_working_set_bytes" bigint,
  "memory_rss_bytes" bigint,
  "memory_page_faults" bigint,
  "memory_page_faults_per_second" double precision,
  "memory_major_page_faults" bigint,
  "memory_major_page_faults_per_second" double precision,
  "memory_cache_bytes" bigint,
  "memory_mapped_file_bytes" bigint,
  "memory_kernel_bytes" bigint,
  "memory_max_usage_bytes" bigint,
  "memory_failcnt" bigint,
  "memory_failcnt_per_second" double precision,
  "oom_events" bigint,
  "oom_events_per_second" double precision,
  "memory_psi_some_total_microseconds" bigint,
  "memory_psi_some_stalled_percent" double precision,
  "memory_psi_some_avg10_percent" double precision,
  "memory_psi_some_avg60_percent" double precision,
  "memory_psi_some_avg300_percent" double precision,
  "memory_psi_full_total_microseconds" bigint,
  "memory_psi_full_stalled_percent" double precision,
  "memory_psi_full_avg10_percent" double precision,
  "memory_psi_full_avg60_percent" double precision,
  "memory_psi_full_avg300_percent" double precision,
  "io_psi_some_total_microseconds" bigint,
  "io_psi_some_stalled_percent" double precision,
  "io_psi_some_avg10_percent" double precision,
  "io_psi_some_avg60_percent" double precision,
  "io_psi_some_avg300_percent" double precision,
  "io_psi_full_total_microseconds" bigint,
  "io_psi_full_stalled_percent" double precision,
  "io_psi_full_avg10_percent" double precision,
  "io_psi_full_avg60_percent" double precision,
  "io_psi_full_avg300_percent" double precision,
  "swap_available_bytes" bigint,
  "swap_usage_bytes" bigint,
  "network_rx_bytes" bigint,
  "network_rx_bytes_per_second" double precision,
  "network_rx_errors" bigint,
  "network_rx_errors_per_second" double precision,
  "network_tx_bytes" bigint,
  "network_tx_bytes_per_second" double precision,
  "network_tx_errors" bigint,
  "network_tx_errors_per_second" double precision,
  "ephemeral_storage_available_bytes" bigint,
  "ephemeral_storage_capacity_bytes" bigint,
  "ephemeral_storage_used_bytes" bigint,
  "ephemeral_storage_inodes" bigint,
  "ephemeral_storage_inodes_free" bigint,
  "ephemeral_storage_inodes_used" bigint,
  "cpu_cfs_periods" bigint,
  "cpu_cfs_periods_per_second" double precision,
  "cpu_cfs_throttled_periods" bigint,
  "cpu_cfs_throttled_periods_per_second" double precision,
  "cpu_cfs_throttled_seconds" double precision,
  "cpu_cfs_throttled_millicores" double precision,
  "process_count" bigint,
  "threads" bigint,
  "threads_max" bigint,
  "file_descriptors" bigint,
  "sockets" bigint,
  "source" "char"
)
LANGUAGE sql STABLE PARALLEL SAFE AS $fn$
  SELECT m."cluster_id", m."pod_uid", m."ts", m."namespace", m."pod", m."node", m."cpu_usage_nanocores", m."cpu_usage_core_nanoseconds", m."cpu_rate_millicores", m."cpu_psi_some_total_microseconds", m."cpu_psi_some_stalled_percent", m."cpu_psi_some_avg10_percent", m."cpu_psi_some_avg60_percent", m."cpu_psi_some_avg300_percent", m."cpu_psi_full_total_microseconds", m."cpu_psi_full_stalled_percent", m."cpu_psi_full_avg10_percent", m."cpu_psi_full_avg60_percent", m."cpu_psi_full_avg300_percent", m."memory_available_bytes", m."memory_usage_bytes", m."memory_working_set_bytes", m."memory_rss_bytes", m."memory_page_faults", m."memory_page_faults_per_second", m."memory_major_page_faults", m."memory_major_page_faults_per_second", m."memory_cache_bytes", m."memory_mapped_file_bytes", m."memory_kernel_bytes", m."memory_max_usage_bytes", m."memory_failcnt", m."memory_failcnt_per_second", m."oom_events", m."oom_events_per_second", m."memory_psi_some_total_microseconds", m."memory_psi_some_stalled_percent", m."memory_psi_some_avg10_percent", m."memory_psi_some_avg60_percent", m."memory_psi_some_avg300_percent", m."memory_psi_full_total_microseconds", m."memory_psi_full_stalled_percent", m."memory_psi_full_avg10_percent", m."memory_psi_full_avg60_percent", m."memory_psi_full_avg300_percent", m."io_psi_some_total_microseconds", m."io_psi_some_stalled_percent", m."io_psi_some_avg10_percent", m."io_psi_some_avg60_percent", m."io_psi_some_avg300_percent", m."io_psi_full_total_microseconds", m."io_psi_full_stalled_percent", m."io_psi_full_avg10_percent", m."io_psi_full_avg60_percent", m."io_psi_full_avg300_percent", m."swap_available_bytes", m."swap_usage_bytes", m."network_rx_bytes", m."network_rx_bytes_per_second", m."network_rx_errors", m."network_rx_errors_per_second", m."network_tx_bytes", m."network_tx_bytes_per_second", m."network_tx_errors", m."network_tx_errors_per_second", m."ephemeral_storage_available_bytes", m."ephemeral_storage_capacity_bytes", m."ephemeral_storage_used_bytes", m."ephemeral_storage_inodes", m."ephemeral_storage_inodes_free", m."ephemeral_storage_inodes_used", m."cpu_cfs_periods", m."cpu_cfs_periods_per_second", m."cpu_cfs_throttled_periods", m."cpu_cfs_throttled_periods_per_second", m."cpu_cfs_throttled_seconds", m."cpu_cfs_throttled_millicores", m."process_count", m."threads", m."threads_max", m."file_descriptors", m."sockets", m."source"
  FROM kubepulse."pod_metric" m
  WHERE m.ts >= $1 AND m.ts < $2
  UNION ALL
  SELECT b."cluster_id", b."pod_uid", d."ts", b."namespace", b."pod", b."node", d."cpu_usage_nanocores", d."cpu_usage_core_nanoseconds", d."cpu_rate_millicores", d."cpu_psi_some_total_microseconds", d."cpu_psi_some_stalled_percent", d."cpu_psi_some_avg10_percent", d."cpu_psi_some_avg60_percent", d."cpu_psi_some_avg300_percent", d."cpu_psi_full_total_microseconds", d."cpu_psi_full_stalled_percent", d."cpu_psi_full_avg10_percent", d."cpu_psi_full_avg60_percent", d."cpu_psi_full_avg300_percent", d."memory_available_bytes", d."memory_usage_bytes", d."memory_working_set_bytes", d."memory_rss_bytes", d."memory_page_faults", d."memory_page_faults_per_second", d."memory_major_page_faults", d."memory_major_page_faults_per_second", d."memory_cache_bytes", d."memory_mapped_file_bytes", d."memory_kernel_bytes", d."memory_max_usage_bytes", d."memory_failcnt", d."memory_failcnt_per_second", d."oom_events", d."oom_events_per_second", d."memory_psi_some_total_microseconds", d."memory_psi_some_stalled_percent", d."memory_psi_some_avg10_percent", d."memory_psi_some_avg60_percent", d."memory_psi_some_avg300_percent", d."memory_psi_full_total_microseconds", d."memory_psi_full_stalled_percent", d."memory_psi_full_avg10_percent", d."memory_psi_full_avg60_percent", d."memory_psi_full_avg300_percent", d."io_psi_some_total_microseconds", d."io_psi_some_stalled_percent", d."io_psi_some_avg10_percent", d."io_psi_some_avg60_percent", d."io_psi_some_avg300_percent", d."io_psi_full_total_microseconds", d."io_psi_full_stalled_percent", d."io_psi_full_avg10_percent", d."io_psi_full_avg60_percent", d."io_psi_full_avg300_percent", d."swap_available_bytes", d."swap_usage_bytes", d."network_rx_bytes", d."network_rx_bytes_per_second", d."network_rx_errors", d."network_rx_errors_per_second", d."network_tx_bytes", d."network_tx_bytes_per_second", d."network_tx_errors", d."network_tx_errors_per_second", d."ephemeral_storage_available_bytes", d."ephemeral_storage_capacity_bytes", d."ephemeral_storage_used_bytes", d."ephemeral_storage_inodes", d."ephemeral_storage_inodes_free", d."ephemeral_storage_inodes_used", d."cpu_cfs_periods", d."cpu_cfs_periods_per_second", d."cpu_cfs_throttled_periods", d."cpu_cfs_throttled_periods_per_second", d."cpu_cfs_throttled_seconds", d."cpu_cfs_throttled_millicores", d."process_count", d."threads", d."threads_max", d."file_descriptors", d."sockets", b."source"
  FROM kubepulse."pod_block" b
  CROSS JOIN LATERAL unnest(kubepulse.kp_decode_ts(b."ts"), kubepulse.kp_decode_int(b."cpu_usage_nanocores"), kubepulse.kp_decode_int(b."cpu_usage_core_nanoseconds"), kubepulse.kp_decode_rate(b."cpu_rate_millicores", b."cpu_usage_core_nanoseconds", b."ts"), kubepulse.kp_decode_int(b."cpu_psi_some_total_microseconds"), kubepulse.kp_decode_rate(b."cpu_psi_some_stalled_percent", b."cpu_psi_some_total_microseconds", b."ts"), kubepulse.kp_decode_float(b."cpu_psi_some_avg10_percent"), kubepulse.kp_decode_float(b."cpu_psi_some_avg60_percent"), kubepulse.kp_decode_float(b."cpu_psi_some_avg300_percent"), kubepulse.kp_decode_int(b."cpu_psi_full_total_microseconds"), kubepulse.kp_decode_rate(b."cpu_psi_full_stalled_percent", b."cpu_psi_full_total_microseconds", b."ts"), kubepulse.kp_decode_float(b."cpu_psi_full_avg10_percent"), kubepulse.kp_decode_float(b."cpu_psi_full_avg60_percent"), kubepulse.kp_decode_float(b."cpu_psi_full_avg300_percent"), kubepulse.kp_decode_int(b."memory_available_bytes"), kubepulse.kp_decode_int(b."memory_usage_bytes"), kubepulse.kp_decode_int(b."memory_working_set_bytes"), kubepulse.kp_decode_int(b."memory_rss_bytes"), kubepulse.kp_decode_int(b."memory_page_faults"), kubepulse.kp_decode_rate(b."memory_page_faults_per_second", b."memory_page_faults", b."ts"), kubepulse.kp_decode_int(b."memory_major_page_faults"), kubepulse.kp_decode_rate(b."memory_major_page_faults_per_second", b."memory_major_page_faults", b."ts"), kubepulse.kp_decode_int(b."memory_cache_bytes"), kubepulse.kp_decode_int(b."memory_mapped_file_bytes"), kubepulse.kp_decode_int(b."memory_kernel_bytes"), kubepulse.kp_decode_int(b."memory_max_usage_bytes"), kubepulse.kp_decode_int(b."memory_failcnt"), kubepulse.kp_decode_rate(b."memory_failcnt_per_second", b."memory_failcnt", b."ts"), kubepulse.kp_decode_int(b."oom_events"), kubepulse.kp_decode_rate(b."oom_events_per_second", b."oom_events", b."ts"), kubepulse.kp_decode_int(b."memory_psi_some_total_microseconds"), kubepulse.kp_decode_rate(b."memory_psi_some_stalled_percent", b."memory_psi_some_total_microseconds", b."ts"), kubepulse.kp_decode_float(b."memory_psi_some_avg10_percent"), kubepulse.kp_decode_float(b."memory_psi_some_avg60_percent"), kubepulse.kp_decode_float(b."memory_psi_some_avg300_percent"), kubepulse.kp_decode_int(b."memory_psi_full_total_microseconds"), kubepulse.kp_decode_rate(b."memory_psi_full_stalled_percent", b."memory_psi_full_total_microseconds", b."ts"), kubepulse.kp_decode_float(b."memory_psi_full_avg10_percent"), kubepulse.kp_decode_float(b."memory_psi_full_avg60_percent"), kubepulse.kp_decode_float(b."memory_psi_full_avg300_percent"), kubepulse.kp_decode_int(b."io_psi_some_total_microseconds"), kubepulse.kp_decode_rate(b."io_psi_some_stalled_percent", b."io_psi_some_total_microseconds", b."ts"), kubepulse.kp_decode_float(b."io_psi_some_avg10_percent"), kubepulse.kp_decode_float(b."io_psi_some_avg60_percent"), kubepulse.kp_decode_float(b."io_psi_some_avg300_percent"), kubepulse.kp_decode_int(b."io_psi_full_total_microseconds"), kubepulse.kp_decode_rate(b."io_psi_full_stalled_percent", b."io_psi_full_total_microseconds", b."ts"), kubepulse.kp_decode_float(b."io_psi_full_avg10_percent"), kubepulse.kp_decode_float(b."io_psi_full_avg60_percent"), kubepulse.kp_decode_float(b."io_psi_full_avg300_percent"), kubepulse.kp_decode_int(b."swap_available_bytes"), kubepulse.kp_decode_int(b."swap_usage_bytes"), kubepulse.kp_decode_int(b."network_rx_bytes"), kubepulse.kp_decode_rate(b."network_rx_bytes_per_second", b."network_rx_bytes", b."ts"), kubepulse.kp_decode_int(b."network_rx_errors"), kubepulse.kp_decode_rate(b."network_rx_errors_per_second", b."network_rx_errors", b."ts"), kubepulse.kp_decode_int(b."network_tx_bytes"), kubepulse.kp_decode_rate(b."network_tx_bytes_per_second", b."network_tx_bytes", b."ts"), kubepulse.kp_decode_int(b."network_tx_errors"), kubepulse.kp_decode_rate(b."network_tx_errors_per_second", b."network_tx_errors", b."ts"), kubepulse.kp_decode_int(b."ephemeral_storage_available_bytes"), kubepulse.kp_decode_int(b."ephemeral_storage_capacity_bytes"), kubepulse.kp_decode_int(b."ephemeral_storage_used_bytes"), kubepulse.kp_decode_int(b."ephemeral_storage_inodes"), kubepulse.kp_decode_int(b."ephemeral_storage_inodes_free"), kubepulse.kp_decode_int(b."ephemeral_storage_inodes_used"), kubepulse.kp_decode_int(b."cpu_cfs_periods"), kubepulse.kp_decode_rate(b."cpu_cfs_periods_per_second", b."cpu_cfs_periods", b."ts"), kubepulse.kp_decode_int(b."cpu_cfs_throttled_periods"), kubepulse.kp_decode_rate(b."cpu_cfs_throttled_periods_per_second", b."cpu_cfs_throttled_periods", b."ts"), kubepulse.kp_decode_float(b."cpu_cfs_throttled_seconds"), kubepulse.kp_decode_float(b."cpu_cfs_throttled_millicores"), kubepulse.kp_decode_int(b."process_count"), kubepulse.kp_decode_int(b."threads"), kubepulse.kp_decode_int(b."threads_max"), kubepulse.kp_decode_int(b."file_descriptors"), kubepulse.kp_decode_int(b."sockets")) AS d("ts", "cpu_usage_nanocores", "cpu_usage_core_nanoseconds", "cpu_rate_millicores", "cpu_psi_some_total_microseconds", "cpu_psi_some_stalled_percent", "cpu_psi_some_avg10_percent", "cpu_psi_some_avg60_percent", "cpu_psi_some_avg300_percent", "cpu_psi_full_total_microseconds", "cpu_psi_full_stalled_percent", "cpu_psi_full_avg10_percent", "cpu_psi_full_avg60_percent", "cpu_psi_full_avg300_percent", "memory_available_bytes", "memory_usage_bytes", "memory_working_set_bytes", "memory_rss_bytes", "memory_page_faults", "memory_page_faults_per_second", "memory_major_page_faults", "memory_major_page_faults_per_second", "memory_cache_bytes", "memory_mapped_file_bytes", "memory_kernel_bytes", "memory_max_usage_bytes", "memory_failcnt", "memory_failcnt_per_second", "oom_events", "oom_events_per_second", "memory_psi_some_total_microseconds", "memory_psi_some_stalled_percent", "memory_psi_some_avg10_percent", "memory_psi_some_avg60_percent", "memory_psi_some_avg300_percent", "memory_psi_full_total_microseconds", "memory_psi_full_stalled_percent", "memory_psi_full_avg10_percent", "memory_psi_full_avg60_percent", "memory_psi_full_avg300_percent", "io_psi_some_total_microseconds", "io_psi_some_stalled_percent", "io_psi_some_avg10_percent", "io_psi_some_avg60_percent", "io_psi_some_avg300_percent", "io_psi_full_total_microseconds", "io_psi_full_stalled_percent", "io_psi_full_avg10_percent", "io_psi_full_avg60_percent", "io_psi_full_avg300_percent", "swap_available_bytes", "swap_usage_bytes", "network_rx_bytes", "network_rx_bytes_per_second", "network_rx_errors", "network_rx_errors_per_second", "network_tx_bytes", "network_tx_bytes_per_second", "network_tx_errors", "network_tx_errors_per_second", "ephemeral_storage_available_bytes", "ephemeral_storage_capacity_bytes", "ephemeral_storage_used_bytes", "ephemeral_storage_inodes", "ephemeral_storage_inodes_free", "ephemeral_storage_inodes_used", "cpu_cfs_periods", "cpu_cfs_periods_per_second", "cpu_cfs_throttled_periods", "cpu_cfs_throttled_periods_per_second", "cpu_cfs_throttled_seconds", "cpu_cfs_throttled_millicores", "process_count", "threads", "threads_max", "file_descriptors", "sockets")
  WHERE b.start_ts > $1 - interval '3600 seconds' AND b.start_ts < $2
    AND d."ts" >= $1 AND d."ts" < $2
$fn$;

CREATE OR REPLACE FUNCTION kubepulse."container_history"("from" timestamptz, "to" timestamptz)
RETURNS TABLE (
  "cluster_id" integer,
  "pod_uid" text,
  "container" text,
  "ts" timestamptz,
  "namespace" text,
  "pod" text,
  "node" text,
  "cpu_usage_nanocores" bigint,
  "cpu_usage_core_nanoseconds" bigint,
  "cpu_rate_millicores" double precision,
  "cpu_psi_some_total_microseconds" bigint,
  "cpu_psi_some_stalled_percent" double precision,
  "cpu_psi_some_avg10_percent" double precision,
  "cpu_psi_some_avg60_percent" double precision,
  "cpu_psi_some_avg300_percent" double precision,
  "cpu_psi_full_total_microseconds" bigint,
  "cpu_psi_full_stalled_percent" double precision,
  "cpu_psi_full_avg10_percent" double precision,
  "cpu_psi_full_avg60_percent" double precision,
  "cpu_psi_full_avg300_percent" double precision,
  "memory_available_bytes" bigint,
  "memory_usage_bytes" bigint,
  "memory_working_set_bytes" bigint,
  "memory_rss_bytes" bigint,
  "memory_page_faults" bigint,
  "memory_page_faults_per_second" double precision,
  "memory_major_page_faults" bigint,
  "memory_major_page_faults_per_second" double precision,
  "memory_cache_bytes" bigint,
  "memory_mapped_file_bytes" bigint,
  "memory_kernel_bytes" bigint,
  "memory_max_usage_bytes" bigint,
  "memory_failcnt" bigint,
  "memory_failcnt_per_second" double precision,
  "oom_events" bigint,
  "oom_events_per_second" double precision,
  "memory_psi_some_total_microseconds" bigint,
  "memory_psi_some_stalled_percent" double precision,
  "memory_psi_some_avg10_percent" double precision,
  "memory_psi_some_avg60_percent" double precision,
  "memory_psi_some_avg300_percent" double precision,
  "memory_psi_full_total_microseconds" bigint,
  "memory_psi_full_stalled_percent" double precision,
  "memory_psi_full_avg10_percent" double precision,
  "memory_psi_full_avg60_percent" double precision,
  "memory_psi_full_avg300_percent" double precision,
  "io_psi_some_total_microseconds" bigint,
  "io_psi_some_stalled_percent" double precision,
  "io_psi_some_avg10_percent" double precision,
  "io_psi_some_avg60_percent" double precision,
  "io_psi_some_avg300_percent" double precision,
  "io_psi_full_total_microseconds" bigint,
  "io_psi_full_stalled_percent" double precision,
  "io_psi_full_avg10_percent" double precision,
  "io_psi_full_avg60_percent" double precision,
  "io_psi_full_avg300_percent" double precision,
  "swap_available_bytes" bigint,
  "swap_usage_bytes" bigint,
  "rootfs_available_bytes" bigint,
  "rootfs_capacity_bytes" bigint,
  "rootfs_used_bytes" bigint,
  "rootfs_inodes" bigint,
  "rootfs_inodes_free" bigint,
  "rootfs_inodes_used" bigint,
  "logs_available_bytes" bigint,
  "logs_capacity_bytes" bigint,
  "logs_used_bytes" bigint,
  "logs_inodes" bigint,
  "logs_inodes_free" bigint,
  "logs_inodes_used" bigint,
  "cpu_cfs_periods" bigint,
  "cpu_cfs_periods_per_second" double precision,
  "cpu_cfs_throttled_periods" bigint,
  "cpu_cfs_throttled_periods_per_second" double precision,
  "cpu_cfs_throttled_seconds" double precision,
  "cpu_cfs_throttled_millicores" double precision,
  "process_count" bigint,
  "threads" bigint,
  "threads_max" bigint,
  "file_descriptors" bigint,
  "sockets" bigint,
  "source" "char"
)
LANGUAGE sql STABLE PARALLEL SAFE AS $fn$
  SELECT m."cluster_id", m."pod_uid", m."container", m."ts", m."namespace", m."pod", m."node", m."cpu_usage_nanocores", m."cpu_usage_core_nanoseconds", m."cpu_rate_millicores", m."cpu_psi_some_total_microseconds", m."cpu_psi_some_stalled_percent", m."cpu_psi_some_avg10_percent", m."cpu_psi_some_avg60_percent", m."cpu_psi_some_avg300_percent", m."cpu_psi_full_total_microseconds", m."cpu_psi_full_stalled_percent", m."cpu_psi_full_avg10_percent", m."cpu_psi_full_avg60_percent", m."cpu_psi_full_avg300_percent", m."memory_available_bytes", m."memory_usage_bytes", m."memory_working_set_bytes", m."memory_rss_bytes", m."memory_page_faults", m."memory_page_faults_per_second", m."memory_major_page_faults", m."memory_major_page_faults_per_second", m."memory_cache_bytes", m."memory_mapped_file_bytes", m."memory_kernel_bytes", m."memory_max_usage_bytes", m."memory_failcnt", m."memory_failcnt_per_second", m."oom_events", m."oom_events_per_second", m."memory_psi_some_total_microseconds", m."memory_psi_some_stalled_percent", m."memory_psi_some_avg10_percent", m."memory_psi_some_avg60_percent", m."memory_psi_some_avg300_percent", m."memory_psi_full_total_microseconds", m."memory_psi_full_stalled_percent", m."memory_psi_full_avg10_percent", m."memory_psi_full_avg60_percent", m."memory_psi_full_avg300_percent", m."io_psi_some_total_microseconds", m."io_psi_some_stalled_percent", m."io_psi_some_avg10_percent", m."io_psi_some_avg60_percent", m."io_psi_some_avg300_percent", m."io_psi_full_total_microseconds", m."io_psi_full_stalled_percent", m."io_psi_full_avg10_percent", m."io_psi_full_avg60_percent", m."io_psi_full_avg300_percent", m."swap_available_bytes", m."swap_usage_bytes", m."rootfs_available_bytes", m."rootfs_capacity_bytes", m."rootfs_used_bytes", m."rootfs_inodes", m."rootfs_inodes_free", m."rootfs_inodes_used", m."logs_available_bytes", m."logs_capacity_bytes", m."logs_used_bytes", m."logs_inodes", m."logs_inodes_free", m."logs_inodes_used", m."cpu_cfs_periods", m."cpu_cfs_periods_per_second", m."cpu_cfs_throttled_periods", m."cpu_cfs_throttled_periods_per_second", m."cpu_cfs_throttled_seconds", m."cpu_cfs_throttled_millicores", m."process_count", m."threads", m."threads_max", m."file_descriptors", m."sockets", m."source"
  FROM kubepulse."container_metric" m
  WHERE m.ts >= $1 AND m.ts < $2
  UNION ALL
  SELECT b."cluster_id", b."pod_uid", b."container", d."ts", b."namespace", b."pod", b."node", d."cpu_usage_nanocores", d."cpu_usage_core_nanoseconds", d."cpu_rate_millicores", d."cpu_psi_some_total_microseconds", d."cpu_psi_some_stalled_percent", d."cpu_psi_some_avg10_percent", d."cpu_psi_some_avg60_percent", d."cpu_psi_some_avg300_percent", d."cpu_psi_full_total_microseconds", d."cpu_psi_full_stalled_percent", d."cpu_psi_full_avg10_percent", d."cpu_psi_full_avg60_percent", d."cpu_psi_full_avg300_percent", d."memory_available_bytes", d."memory_usage_bytes", d."memory_working_set_bytes", d."memory_rss_bytes", d."memory_page_faults", d."memory_page_faults_per_second", d."memory_major_page_faults", d."memory_major_page_faults_per_second", d."memory_cache_bytes", d."memory_mapped_file_bytes", d."memory_kernel_bytes", d."memory_max_usage_bytes", d."memory_failcnt", d."memory_failcnt_per_second", d."oom_events", d."oom_events_per_second", d."memory_psi_some_total_microseconds", d."memory_psi_some_stalled_percent", d."memory_psi_some_avg10_percent", d."memory_psi_some_avg60_percent", d."memory_psi_some_avg300_percent", d."memory_psi_full_total_microseconds", d."memory_psi_full_stalled_percent", d."memory_psi_full_avg10_percent", d."memory_psi_full_avg60_percent", d."memory_psi_full_avg300_percent", d."io_psi_some_total_microseconds", d."io_psi_some_stalled_percent", d."io_psi_some_avg10_percent", d."io_psi_some_avg60_percent", d."io_psi_some_avg300_percent", d."io_psi_full_total_microseconds", d."io_psi_full_stalled_percent", d."io_psi_full_avg10_percent", d."io_psi_full_avg60_percent", d."io_psi_full_avg300_percent", d."swap_available_bytes", d."swap_usage_bytes", d."rootfs_available_bytes", d."rootfs_capacity_bytes", d."rootfs_used_bytes", d."rootfs_inodes", d."rootfs_inodes_free", d."rootfs_inodes_used", d."logs_available_bytes", d."logs_capacity_bytes", d."logs_used_bytes", d."logs_inodes", d."logs_inodes_free", d."logs_inodes_used", d."cpu_cfs_periods", d."cpu_cfs_periods_per_second", d."cpu_cfs_throttled_periods", d."cpu_cfs_throttled_periods_per_second", d."cpu_cfs_throttled_seconds", d."cpu_cfs_throttled_millicores", d."process_count", d."threads", d."threads_max", d."file_descriptors", d."sockets", b."source"
  FROM kubepulse."container_block" b
  CROSS JOIN LATERAL unnest(kubepulse.kp_decode_ts(b."ts"), kubepulse.kp_decode_int(b."cpu_usage_nanocores"), kubepulse.kp_decode_int(b."cpu_usage_core_nanoseconds"), kubepulse.kp_decode_rate(b."cpu_rate_millicores", b."cpu_usage_core_nanoseconds", b."ts"), kubepulse.kp_decode_int(b."cpu_psi_some_total_microseconds"), kubepulse.kp_decode_rate(b."cpu_psi_some_stalled_percent", b."cpu_psi_some_total_microseconds", b."ts"), kubepulse.kp_decode_float(b."cpu_psi_some_avg10_percent"), kubepulse.kp_decode_float(b."cpu_psi_some_avg60_percent"), kubepulse.kp_decode_float(b."cpu_psi_some_avg300_percent"), kubepulse.kp_decode_int(b."cpu_psi_full_total_microseconds"), kubepulse.kp_decode_rate(b."cpu_psi_full_stalled_percent", b."cpu_psi_full_total_microseconds", b."ts"), kubepulse.kp_decode_float(b."cpu_psi_full_avg10_percent"), kubepulse.kp_decode_float(b."cpu_psi_full_avg60_percent"), kubepulse.kp_decode_float(b."cpu_psi_full_avg300_percent"), kubepulse.kp_decode_int(b."memory_available_bytes"), kubepulse.kp_decode_int(b."memory_usage_bytes"), kubepulse.kp_decode_int(b."memory_working_set_bytes"), kubepulse.kp_decode_int(b."memory_rss_bytes"), kubepulse.kp_decode_int(b."memory_page_faults"), kubepulse.kp_decode_rate(b."memory_page_faults_per_second", b."memory_page_faults", b."ts"), kubepulse.kp_decode_int(b."memory_major_page_faults"), kubepulse.kp_decode_rate(b."memory_major_page_faults_per_second", b."memory_major_page_faults", b."ts"), kubepulse.kp_decode_int(b."memory_cache_bytes"), kubepulse.kp_decode_int(b."memory_mapped_file_bytes"), kubepulse.kp_decode_int(b."memory_kernel_bytes"), kubepulse.kp_decode_int(b."memory_max_usage_bytes"), kubepulse.kp_decode_int(b."memory_failcnt"), kubepulse.kp_decode_rate(b."memory_failcnt_per_second", b."memory_failcnt", b."ts"), kubepulse.kp_decode_int(b."oom_events"), kubepulse.kp_decode_rate(b."oom_events_per_second", b."oom_events", b."ts"), kubepulse.kp_decode_int(b."memory_psi_some_total_microseconds"), kubepulse.kp_decode_rate(b."memory_psi_some_stalled_percent", b."memory_psi_some_total_microseconds", b."ts"), kubepulse.kp_decode_float(b."memory_psi_some_avg10_percent"), kubepulse.kp_decode_float(b."memory_psi_some_avg60_percent"), kubepulse.kp_decode_float(b."memory_psi_some_avg300_percent"), kubepulse.kp_decode_int(b."memory_psi_full_total_microseconds"), kubepulse.kp_decode_rate(b."memory_psi_full_stalled_percent", b."memory_psi_full_total_microseconds", b."ts"), kubepulse.kp_decode_float(b."memory_psi_full_avg10_percent"), kubepulse.kp_decode_float(b."memory_psi_full_avg60_percent"), kubepulse.kp_decode_float(b."memory_psi_full_avg300_percent"), kubepulse.kp_decode_int(b."io_psi_some_total_microseconds"), kubepulse.kp_decode_rate(b."io_psi_some_stalled_percent", b."io_psi_some_total_microseconds", b."ts"), kubepulse.kp_decode_float(b."io_psi_some_avg10_percent"), kubepulse.kp_decode_float(b."io_psi_some_avg60_percent"), kubepulse.kp_decode_float(b."io_psi_some_avg300_percent"), kubepulse.kp_decode_int(b."io_psi_full_total_microseconds"), kubepulse.kp_decode_rate(b."io_psi_full_stalled_percent", b."io_psi_full_total_microseconds", b."ts"), kubepulse.kp_decode_float(b."io_psi_full_avg10_percent"), kubepulse.kp_decode_float(b."io_psi_full_avg60_percent"), kubepulse.kp_decode_float(b."io_psi_full_avg300_percent"), kubepulse.kp_decode_int(b."swap_available_bytes"), kubepulse.kp_decode_int(b."swap_usage_bytes"), kubepulse.kp_decode_int(b."rootfs_available_bytes"), kubepulse.kp_decode_int(b."rootfs_capacity_bytes"), kubepulse.kp_decode_int(b."rootfs_used_bytes"), kubepulse.kp_decode_int(b."rootfs_inodes"), kubepulse.kp_decode_int(b."rootfs_inodes_free"), kubepulse.kp_decode_int(b."rootfs_inodes_used"), kubepulse.kp_decode_int(b."logs_available_bytes"), kubepulse.kp_decode_int(b."logs_capacity_bytes"), kubepulse.kp_decode_int(b."logs_used_bytes"), kubepulse.kp_decode_int(b."logs_inodes"), kubepulse.kp_decode_int(b."logs_inodes_free"), kubepulse.kp_decode_int(b."logs_inodes_used"), kubepulse.kp_decode_int(b."cpu_cfs_periods"), kubepulse.kp_decode_rate(b."cpu_cfs_periods_per_second", b."cpu_cfs_periods", b."ts"), kubepulse.kp_decode_int(b."cpu_cfs_throttled_periods"), kubepulse.kp_decode_rate(b."cpu_cfs_throttled_periods_per_second", b."cpu_cfs_throttled_periods", b."ts"), kubepulse.kp_decode_float(b."cpu_cfs_throttled_seconds"), kubepulse.kp_decode_float(b."cpu_cfs_throttled_millicores"), kubepulse.kp_decode_int(b."process_count"), kubepulse.kp_decode_int(b."threads"), kubepulse.kp_decode_int(b."threads_max"), kubepulse.kp_decode_int(b."file_descriptors"), kubepulse.kp_decode_int(b."sockets")) AS d("ts", "cpu_usage_nanocores", "cpu_usage_core_nanoseconds", "cpu_rate_millicores", "cpu_psi_some_total_microseconds", "cpu_psi_some_stalled_percent", "cpu_psi_some_avg10_percent", "cpu_psi_some_avg60_percent", "cpu_psi_some_avg300_percent", "cpu_psi_full_total_microseconds", "cpu_psi_full_stalled_percent", "cpu_psi_full_avg10_percent", "cpu_psi_full_avg60_percent", "cpu_psi_full_avg300_percent", "memory_available_bytes", "memory_usage_bytes", "memory_working_set_bytes", "memory_rss_bytes", "memory_page_faults", "memory_page_faults_per_second", "memory_major_page_faults", "memory_major_page_faults_per_second", "memory_cache_bytes", "memory_mapped_file_bytes", "memory_kernel_bytes", "memory_max_usage_bytes", "memory_failcnt", "memory_failcnt_per_second", "oom_events", "oom_events_per_second", "memory_psi_some_total_microseconds", "memory_psi_some_stalled_percent", "memory_psi_some_avg10_percent", "memory_psi_some_avg60_percent", "memory_psi_some_avg300_percent", "memory_psi_full_total_microseconds", "memory_psi_full_stalled_percent", "memory_psi_full_avg10_percent", "memory_psi_full_avg60_percent", "memory_psi_full_avg300_percent", "io_psi_some_total_microseconds", "io_psi_some_stalled_percent", "io_psi_some_avg10_percent", "io_psi_some_avg60_percent", "io_psi_some_avg300_percent", "io_psi_full_total_microseconds", "io_psi_full_stalled_percent", "io_psi_full_avg10_percent", "io_psi_full_avg60_percent", "io_psi_full_avg300_percent", "swap_available_bytes", "swap_usage_bytes", "rootfs_available_bytes", "rootfs_capacity_bytes", "rootfs_used_bytes", "rootfs_inodes", "rootfs_inodes_free", "rootfs_inodes_used", "logs_available_bytes", "logs_capacity_bytes", "logs_used_bytes", "logs_inodes", "logs_inodes_free", "logs_inodes_used", "cpu_cfs_periods", "cpu_cfs_periods_per_second", "cpu_cfs_throttled_periods", "cpu_cfs_throttled_periods_per_second", "cpu_cfs_throttled_seconds", "cpu_cfs_throttled_millicores", "process_count", "threads", "threads_max", "file_descriptors", "sockets")
  WHERE b.start_ts > $1 - interval '3600 seconds' AND b.start_ts < $2
    AND d."ts" >= $1 AND d."ts" < $2
$fn$;

CREATE OR REPLACE FUNCTION kubepulse."volume_history"("from" timestamptz, "to" timestamptz)
RETURNS TABLE (
  "cluster_id" integer,
  "pod_uid" text,
  "volume" text,
  "ts" timestamptz,
  "namespace" text,
  "pod" text,
  "node" text,
  "pvc" text,
  "available_bytes" bigint,
  "capacity_bytes" bigint,
  "used_bytes" bigint,
  "inodes" bigint,
  "inodes_free" bigint,
  "inodes_used" bigint,
  "source" "char"
)
LANGUAGE sql STABLE PARALLEL SAFE AS $fn$
  SELECT m."cluster_id", m."pod_uid", m."volume", m."ts", m."namespace", m."pod", m."node", m."pvc", m."available_bytes", m."capacity_bytes", m."used_bytes", m."inodes", m."inodes_free", m."inodes_used", m."source"
  FROM kubepulse."volume_metric" m
  WHERE m.ts >= $1 AND m.ts < $2
  UNION ALL
  SELECT b."cluster_id", b."pod_uid", b."volume", d."ts", b."namespace", b."pod", b."node", b."pvc", d."available_bytes", d."capacity_bytes", d."used_bytes", d."inodes", d."inodes_free", d."inodes_used", b."source"
  FROM kubepulse."volume_block" b
  CROSS JOIN LATERAL unnest(kubepulse.kp_decode_ts(b."ts"), kubepulse.kp_decode_int(b."available_bytes"), kubepulse.kp_decode_int(b."capacity_bytes"), kubepulse.kp_decode_int(b."used_bytes"), kubepulse.kp_decode_int(b."inodes"), kubepulse.kp_decode_int(b."inodes_free"), kubepulse.kp_decode_int(b."inodes_used")) AS d("ts", "available_bytes", "capacity_bytes", "used_bytes", "inodes", "inodes_free", "inodes_used")
  WHERE b.start_ts > $1 - interval '3600 seconds' AND b.start_ts < $2
    AND d."ts" >= $1 AND d."ts" < $2
$fn$;

CREATE OR REPLACE FUNCTION kubepulse."interface_history"("from" timestamptz, "to" timestamptz)
RETURNS TABLE (
  "cluster_id" integer,
  "node" text,
  "pod_uid" text,
  "interface" text,
  "ts" timestamptz,
  "rx_bytes" bigint,
  "rx_bytes_per_second" double precision,
  "rx_errors" bigint,
  "rx_errors_per_second" double precision,
  "tx_bytes" bigint,
  "tx_bytes_per_second" double precision,
  "tx_errors" bigint,
  "tx_errors_per_second" double precision,
  "rx_packets" bigint,
  "rx_packets_per_second" double precision,
  "tx_packets" bigint,
  "tx_packets_per_second" double precision,
  "rx_dropped" bigint,
  "rx_dropped_per_second" double precision,
  "tx_dropped" bigint,
  "tx_dropped_per_second" double precision,
  "source" "char"
)
LANGUAGE sql STABLE PARALLEL SAFE AS $fn$
  SELECT m."cluster_id", m."node", m."pod_uid", m."interface", m."ts", m."rx_bytes", m."rx_bytes_per_second", m."rx_errors", m."rx_errors_per_second", m."tx_bytes", m."tx_bytes_per_second", m."tx_errors", m."tx_errors_per_second", m."rx_packets", m."rx_packets_per_second", m."tx_packets", m."tx_packets_per_second", m."rx_dropped", m."rx_dropped_per_second", m."tx_dropped", m."tx_dropped_per_second", m."source"
  FROM kubepulse."interface_metric" m
  WHERE m.ts >= $1 AND m.ts < $2
  UNION ALL
  SELECT b."cluster_id", b."node", b."pod_uid", b."interface", d."ts", d."rx_bytes", d."rx_bytes_per_second", d."rx_errors", d."rx_errors_per_second", d."tx_bytes", d."tx_bytes_per_second", d."tx_errors", d."tx_errors_per_second", d."rx_packets", d."rx_packets_per_second", d."tx_packets", d."tx_packets_per_second", d."rx_dropped", d."rx_dropped_per_second", d."tx_dropped", d."tx_dropped_per_second", b."source"
  FROM kubepulse."interface_block" b
  CROSS JOIN LATERAL unnest(kubepulse.kp_decode_ts(b."ts"), kubepulse.kp_decode_int(b."rx_bytes"), kubepulse.kp_decode_rate(b."rx_bytes_per_second", b."rx_bytes", b."ts"), kubepulse.kp_decode_int(b."rx_errors"), kubepulse.kp_decode_rate(b."rx_errors_per_second", b."rx_errors", b."ts"), kubepulse.kp_decode_int(b."tx_bytes"), kubepulse.kp_decode_rate(b."tx_bytes_per_second", b."tx_bytes", b."ts"), kubepulse.kp_decode_int(b."tx_errors"), kubepulse.kp_decode_rate(b."tx_errors_per_second", b."tx_errors", b."ts"), kubepulse.kp_decode_int(b."rx_packets"), kubepulse.kp_decode_rate(b."rx_packets_per_second", b."rx_packets", b."ts"), kubepulse.kp_decode_int(b."tx_packets"), kubepulse.kp_decode_rate(b."tx_packets_per_second", b."tx_packets", b."ts"), kubepulse.kp_decode_int(b."rx_dropped"), kubepulse.kp_decode_rate(b."rx_dropped_per_second", b."rx_dropped", b."ts"), kubepulse.kp_decode_int(b."tx_dropped"), kubepulse.kp_decode_rate(b."tx_dropped_per_second", b."tx_dropped", b."ts")) AS d("ts", "rx_bytes", "rx_bytes_per_second", "rx_errors", "rx_errors_per_second", "tx_bytes", "tx_bytes_per_second", "tx_errors", "tx_errors_per_second", "rx_packets", "rx_packets_per_second", "tx_packets", "tx_packets_per_second", "rx_dropped", "rx_dropped_per_second", "tx_dropped", "tx_dropped_per_second")
  WHERE b.start_ts > $1 - interval '3600 seconds' AND b.start_ts < $2
    AND d."ts" >= $1 AND d."ts" < $2
$fn$;

CREATE OR REPLACE FUNCTION kubepulse."disk_io_history"("from" timestamptz, "to" timestamptz)
RETURNS TABLE (
  "cluster_id" integer,
  "node" text,
  "pod_uid" text,
  "container" text,
  "device" text,
  "ts" timestamptz,
  "namespace" text,
  "pod" text,
  "read_bytes" bigint,
  "read_bytes_per_second" double precision,
  "write_bytes" bigint,
  "write_bytes_per_second" double precision,
  "read_ops" bigint,
  "read_ops_per_second" double precision,
  "write_ops" bigint,
  "write_ops_per_second" double precision,
  "read_time_seconds" double precision,
  "read_time_percent" double precision,
  "write_time_seconds" double precision,
  "write_time_percent" double precision,
  "io_time_seconds" double precision,
  "io_busy_percent" double precision,
  "io_in_progress" bigint,
  "source" "char"
)
LANGUAGE sql STABLE PARALLEL SAFE AS $fn$
  SELECT m."cluster_id", m."node", m."pod_uid", m."container", m."device", m."ts", m."namespace", m."pod", m."read_bytes", m."read_bytes_per_second", m."write_bytes", m."write_bytes_per_second", m."read_ops", m."read_ops_per_second", m."write_ops", m."write_ops_per_second", m."read_time_seconds", m."read_time_percent", m."write_time_seconds", m."write_time_percent", m."io_time_seconds", m."io_busy_percent", m."io_in_progress", m."source"
  FROM kubepulse."disk_io_metric" m
  WHERE m.ts >= $1 AND m.ts < $2
  UNION ALL
  SELECT b."cluster_id", b."node", b."pod_uid", b."container", b."device", d."ts", b."namespace", b."pod", d."read_bytes", d."read_bytes_per_second", d."write_bytes", d."write_bytes_per_second", d."read_ops", d."read_ops_per_second", d."write_ops", d."write_ops_per_second", d."read_time_seconds", d."read_time_percent", d."write_time_seconds", d."write_time_percent", d."io_time_seconds", d."io_busy_percent", d."io_in_progress", b."source"
  FROM kubepulse."disk_io_block" b
  CROSS JOIN LATERAL unnest(kubepulse.kp_decode_ts(b."ts"), kubepulse.kp_decode_int(b."read_bytes"), kubepulse.kp_decode_rate(b."read_bytes_per_second", b."read_bytes", b."ts"), kubepulse.kp_decode_int(b."write_bytes"), kubepulse.kp_decode_rate(b."write_bytes_per_second", b."write_bytes", b."ts"), kubepulse.kp_decode_int(b."read_ops"), kubepulse.kp_decode_rate(b."read_ops_per_second", b."read_ops", b."ts"), kubepulse.kp_decode_int(b."write_ops"), kubepulse.kp_decode_rate(b."write_ops_per_second", b."write_ops", b."ts"), kubepulse.kp_decode_float(b."read_time_seconds"), kubepulse.kp_decode_float(b."read_time_percent"), kubepulse.kp_decode_float(b."write_time_seconds"), kubepulse.kp_decode_float(b."write_time_percent"), kubepulse.kp_decode_float(b."io_time_seconds"), kubepulse.kp_decode_float(b."io_busy_percent"), kubepulse.kp_decode_int(b."io_in_progress")) AS d("ts", "read_bytes", "read_bytes_per_second", "write_bytes", "write_bytes_per_second", "read_ops", "read_ops_per_second", "write_ops", "write_ops_per_second", "read_time_seconds", "read_time_percent", "write_time_seconds", "write_time_percent", "io_time_seconds", "io_busy_percent", "io_in_progress")
  WHERE b.start_ts > $1 - interval '3600 seconds' AND b.start_ts < $2
    AND d."ts" >= $1 AND d."ts" < $2
$fn$;
