-- 007: compressed history. Per metric entity a block table (one row per series, source and hour, the
-- sample times and each metric column encoded by src/store/history/codec.ts), the SQL decoders of that
-- format, and <entity>_history(from, to) giving ordinary rows over raw and compacted data alike.
-- Generated once from the declarations (src/store/history/schema.ts historyMigrationSql); frozen since.

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
  IF length(b) < 4 THEN RAISE EXCEPTION 'history column of % bytes is too short for its header', length(b); END IF;
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

CREATE TABLE IF NOT EXISTS kubepulse."node_block" (
  "cluster_id" integer NOT NULL,
  "node" text NOT NULL,
  "source" "char" NOT NULL,
  "start_ts" timestamptz NOT NULL,
  "samples" integer NOT NULL,
  "ts" bytea NOT NULL,
  "cpu_usage_nanocores" bytea,
  "cpu_usage_core_nanoseconds" bytea,
  "cpu_rate_millicores" bytea,
  "cpu_psi_some_total_microseconds" bytea,
  "cpu_psi_some_stalled_percent" bytea,
  "cpu_psi_some_avg10_percent" bytea,
  "cpu_psi_some_avg60_percent" bytea,
  "cpu_psi_some_avg300_percent" bytea,
  "cpu_psi_full_total_microseconds" bytea,
  "cpu_psi_full_stalled_percent" bytea,
  "cpu_psi_full_avg10_percent" bytea,
  "cpu_psi_full_avg60_percent" bytea,
  "cpu_psi_full_avg300_percent" bytea,
  "memory_available_bytes" bytea,
  "memory_usage_bytes" bytea,
  "memory_working_set_bytes" bytea,
  "memory_rss_bytes" bytea,
  "memory_page_faults" bytea,
  "memory_page_faults_per_second" bytea,
  "memory_major_page_faults" bytea,
  "memory_major_page_faults_per_second" bytea,
  "memory_cache_bytes" bytea,
  "memory_mapped_file_bytes" bytea,
  "memory_kernel_bytes" bytea,
  "memory_max_usage_bytes" bytea,
  "memory_failcnt" bytea,
  "memory_failcnt_per_second" bytea,
  "oom_events" bytea,
  "oom_events_per_second" bytea,
  "memory_psi_some_total_microseconds" bytea,
  "memory_psi_some_stalled_percent" bytea,
  "memory_psi_some_avg10_percent" bytea,
  "memory_psi_some_avg60_percent" bytea,
  "memory_psi_some_avg300_percent" bytea,
  "memory_psi_full_total_microseconds" bytea,
  "memory_psi_full_stalled_percent" bytea,
  "memory_psi_full_avg10_percent" bytea,
  "memory_psi_full_avg60_percent" bytea,
  "memory_psi_full_avg300_percent" bytea,
  "io_psi_some_total_microseconds" bytea,
  "io_psi_some_stalled_percent" bytea,
  "io_psi_some_avg10_percent" bytea,
  "io_psi_some_avg60_percent" bytea,
  "io_psi_some_avg300_percent" bytea,
  "io_psi_full_total_microseconds" bytea,
  "io_psi_full_stalled_percent" bytea,
  "io_psi_full_avg10_percent" bytea,
  "io_psi_full_avg60_percent" bytea,
  "io_psi_full_avg300_percent" bytea,
  "swap_available_bytes" bytea,
  "swap_usage_bytes" bytea,
  "network_rx_bytes" bytea,
  "network_rx_bytes_per_second" bytea,
  "network_rx_errors" bytea,
  "network_rx_errors_per_second" bytea,
  "network_tx_bytes" bytea,
  "network_tx_bytes_per_second" bytea,
  "network_tx_errors" bytea,
  "network_tx_errors_per_second" bytea,
  "fs_available_bytes" bytea,
  "fs_capacity_bytes" bytea,
  "fs_used_bytes" bytea,
  "fs_inodes" bytea,
  "fs_inodes_free" bytea,
  "fs_inodes_used" bytea,
  "imagefs_available_bytes" bytea,
  "imagefs_capacity_bytes" bytea,
  "imagefs_used_bytes" bytea,
  "imagefs_inodes" bytea,
  "imagefs_inodes_free" bytea,
  "imagefs_inodes_used" bytea,
  "containerfs_available_bytes" bytea,
  "containerfs_capacity_bytes" bytea,
  "containerfs_used_bytes" bytea,
  "containerfs_inodes" bytea,
  "containerfs_inodes_free" bytea,
  "containerfs_inodes_used" bytea,
  "rlimit_maxpid" bytea,
  "rlimit_curproc" bytea,
  "cpu_cfs_periods" bytea,
  "cpu_cfs_periods_per_second" bytea,
  "cpu_cfs_throttled_periods" bytea,
  "cpu_cfs_throttled_periods_per_second" bytea,
  "cpu_cfs_throttled_seconds" bytea,
  "cpu_cfs_throttled_millicores" bytea,
  "process_count" bytea,
  "threads" bytea,
  "threads_max" bytea,
  "file_descriptors" bytea,
  "sockets" bytea,
  PRIMARY KEY ("cluster_id", "node", "source", "start_ts")
) PARTITION BY RANGE (start_ts);

ALTER TABLE kubepulse."node_block" ALTER COLUMN "ts" SET STORAGE EXTERNAL, ALTER COLUMN "cpu_usage_nanocores" SET STORAGE EXTERNAL, ALTER COLUMN "cpu_usage_core_nanoseconds" SET STORAGE EXTERNAL, ALTER COLUMN "cpu_rate_millicores" SET STORAGE EXTERNAL, ALTER COLUMN "cpu_psi_some_total_microseconds" SET STORAGE EXTERNAL, ALTER COLUMN "cpu_psi_some_stalled_percent" SET STORAGE EXTERNAL, ALTER COLUMN "cpu_psi_some_avg10_percent" SET STORAGE EXTERNAL, ALTER COLUMN "cpu_psi_some_avg60_percent" SET STORAGE EXTERNAL, ALTER COLUMN "cpu_psi_some_avg300_percent" SET STORAGE EXTERNAL, ALTER COLUMN "cpu_psi_full_total_microseconds" SET STORAGE EXTERNAL, ALTER COLUMN "cpu_psi_full_stalled_percent" SET STORAGE EXTERNAL, ALTER COLUMN "cpu_psi_full_avg10_percent" SET STORAGE EXTERNAL, ALTER COLUMN "cpu_psi_full_avg60_percent" SET STORAGE EXTERNAL, ALTER COLUMN "cpu_psi_full_avg300_percent" SET STORAGE EXTERNAL, ALTER COLUMN "memory_available_bytes" SET STORAGE EXTERNAL, ALTER COLUMN "memory_usage_bytes" SET STORAGE EXTERNAL, ALTER COLUMN "memory_working_set_bytes" SET STORAGE EXTERNAL, ALTER COLUMN "memory_rss_bytes" SET STORAGE EXTERNAL, ALTER COLUMN "memory_page_faults" SET STORAGE EXTERNAL, ALTER COLUMN "memory_page_faults_per_second" SET STORAGE EXTERNAL, ALTER COLUMN "memory_major_page_faults" SET STORAGE EXTERNAL, ALTER COLUMN "memory_major_page_faults_per_second" SET STORAGE EXTERNAL, ALTER COLUMN "memory_cache_bytes" SET STORAGE EXTERNAL, ALTER COLUMN "memory_mapped_file_bytes" SET STORAGE EXTERNAL, ALTER COLUMN "memory_kernel_bytes" SET STORAGE EXTERNAL, ALTER COLUMN "memory_max_usage_bytes" SET STORAGE EXTERNAL, ALTER COLUMN "memory_failcnt" SET STORAGE EXTERNAL, ALTER COLUMN "memory_failcnt_per_second" SET STORAGE EXTERNAL, ALTER COLUMN "oom_events" SET STORAGE EXTERNAL, ALTER COLUMN "oom_events_per_second" SET STORAGE EXTERNAL, ALTER COLUMN "memory_psi_some_total_microseconds" SET STORAGE EXTERNAL, ALTER COLUMN "memory_psi_some_stalled_percent" SET STORAGE EXTERNAL, ALTER COLUMN "memory_psi_some_avg10_percent" SET STORAGE EXTERNAL, ALTER COLUMN "memory_psi_some_avg60_percent" SET STORAGE EXTERNAL, ALTER COLUMN "memory_psi_some_avg300_percent" SET STORAGE EXTERNAL, ALTER COLUMN "memory_psi_full_total_microseconds" SET STORAGE EXTERNAL, ALTER COLUMN "memory_psi_full_stalled_percent" SET STORAGE EXTERNAL, ALTER COLUMN "memory_psi_full_avg10_percent" SET STORAGE EXTERNAL, ALTER COLUMN "memory_psi_full_avg60_percent" SET STORAGE EXTERNAL, ALTER COLUMN "memory_psi_full_avg300_percent" SET STORAGE EXTERNAL, ALTER COLUMN "io_psi_some_total_microseconds" SET STORAGE EXTERNAL, ALTER COLUMN "io_psi_some_stalled_percent" SET STORAGE EXTERNAL, ALTER COLUMN "io_psi_some_avg10_percent" SET STORAGE EXTERNAL, ALTER COLUMN "io_psi_some_avg60_percent" SET STORAGE EXTERNAL, ALTER COLUMN "io_psi_some_avg300_percent" SET STORAGE EXTERNAL, ALTER COLUMN "io_psi_full_total_microseconds" SET STORAGE EXTERNAL, ALTER COLUMN "io_psi_full_stalled_percent" SET STORAGE EXTERNAL, ALTER COLUMN "io_psi_full_avg10_percent" SET STORAGE EXTERNAL, ALTER COLUMN "io_psi_full_avg60_percent" SET STORAGE EXTERNAL, ALTER COLUMN "io_psi_full_avg300_percent" SET STORAGE EXTERNAL, ALTER COLUMN "swap_available_bytes" SET STORAGE EXTERNAL, ALTER COLUMN "swap_usage_bytes" SET STORAGE EXTERNAL, ALTER COLUMN "network_rx_bytes" SET STORAGE EXTERNAL, ALTER COLUMN "network_rx_bytes_per_second" SET STORAGE EXTERNAL, ALTER COLUMN "network_rx_errors" SET STORAGE EXTERNAL, ALTER COLUMN "network_rx_errors_per_second" SET STORAGE EXTERNAL, ALTER COLUMN "network_tx_bytes" SET STORAGE EXTERNAL, ALTER COLUMN "network_tx_bytes_per_second" SET STORAGE EXTERNAL, ALTER COLUMN "network_tx_errors" SET STORAGE EXTERNAL, ALTER COLUMN "network_tx_errors_per_second" SET STORAGE EXTERNAL, ALTER COLUMN "fs_available_bytes" SET STORAGE EXTERNAL, ALTER COLUMN "fs_capacity_bytes" SET STORAGE EXTERNAL, ALTER COLUMN "fs_used_bytes" SET STORAGE EXTERNAL, ALTER COLUMN "fs_inodes" SET STORAGE EXTERNAL, ALTER COLUMN "fs_inodes_free" SET STORAGE EXTERNAL, ALTER COLUMN "fs_inodes_used" SET STORAGE EXTERNAL, ALTER COLUMN "imagefs_available_bytes" SET STORAGE EXTERNAL, ALTER COLUMN "imagefs_capacity_bytes" SET STORAGE EXTERNAL, ALTER COLUMN "imagefs_used_bytes" SET STORAGE EXTERNAL, ALTER COLUMN "imagefs_inodes" SET STORAGE EXTERNAL, ALTER COLUMN "imagefs_inodes_free" SET STORAGE EXTERNAL, ALTER COLUMN "imagefs_inodes_used" SET STORAGE EXTERNAL, ALTER COLUMN "containerfs_available_bytes" SET STORAGE EXTERNAL, ALTER COLUMN "containerfs_capacity_bytes" SET STORAGE EXTERNAL, ALTER COLUMN "containerfs_used_bytes" SET STORAGE EXTERNAL, ALTER COLUMN "containerfs_inodes" SET STORAGE EXTERNAL, ALTER COLUMN "containerfs_inodes_free" SET STORAGE EXTERNAL, ALTER COLUMN "containerfs_inodes_used" SET STORAGE EXTERNAL, ALTER COLUMN "rlimit_maxpid" SET STORAGE EXTERNAL, ALTER COLUMN "rlimit_curproc" SET STORAGE EXTERNAL, ALTER COLUMN "cpu_cfs_periods" SET STORAGE EXTERNAL, ALTER COLUMN "cpu_cfs_periods_per_second" SET STORAGE EXTERNAL, ALTER COLUMN "cpu_cfs_throttled_periods" SET STORAGE EXTERNAL, ALTER COLUMN "cpu_cfs_throttled_periods_per_second" SET STORAGE EXTERNAL, ALTER COLUMN "cpu_cfs_throttled_seconds" SET STORAGE EXTERNAL, ALTER COLUMN "cpu_cfs_throttled_millicores" SET STORAGE EXTERNAL, ALTER COLUMN "process_count" SET STORAGE EXTERNAL, ALTER COLUMN "threads" SET STORAGE EXTERNAL, ALTER COLUMN "threads_max" SET STORAGE EXTERNAL, ALTER COLUMN "file_descriptors" SET STORAGE EXTERNAL, ALTER COLUMN "sockets" SET STORAGE EXTERNAL;

COMMENT ON TABLE kubepulse."node_block" IS 'Compacted node_metric rows: one row per series, source and hour, columns encoded (read them with kubepulse.node_history(from, to)).';

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
  CROSS JOIN LATERAL unnest(kubepulse.kp_decode_ts(b."ts"), kubepulse.kp_decode_int(b."cpu_usage_nanocores"), kubepulse.kp_decode_int(b."cpu_usage_core_nanoseconds"), kubepulse.kp_decode_float(b."cpu_rate_millicores"), kubepulse.kp_decode_int(b."cpu_psi_some_total_microseconds"), kubepulse.kp_decode_float(b."cpu_psi_some_stalled_percent"), kubepulse.kp_decode_float(b."cpu_psi_some_avg10_percent"), kubepulse.kp_decode_float(b."cpu_psi_some_avg60_percent"), kubepulse.kp_decode_float(b."cpu_psi_some_avg300_percent"), kubepulse.kp_decode_int(b."cpu_psi_full_total_microseconds"), kubepulse.kp_decode_float(b."cpu_psi_full_stalled_percent"), kubepulse.kp_decode_float(b."cpu_psi_full_avg10_percent"), kubepulse.kp_decode_float(b."cpu_psi_full_avg60_percent"), kubepulse.kp_decode_float(b."cpu_psi_full_avg300_percent"), kubepulse.kp_decode_int(b."memory_available_bytes"), kubepulse.kp_decode_int(b."memory_usage_bytes"), kubepulse.kp_decode_int(b."memory_working_set_bytes"), kubepulse.kp_decode_int(b."memory_rss_bytes"), kubepulse.kp_decode_int(b."memory_page_faults"), kubepulse.kp_decode_float(b."memory_page_faults_per_second"), kubepulse.kp_decode_int(b."memory_major_page_faults"), kubepulse.kp_decode_float(b."memory_major_page_faults_per_second"), kubepulse.kp_decode_int(b."memory_cache_bytes"), kubepulse.kp_decode_int(b."memory_mapped_file_bytes"), kubepulse.kp_decode_int(b."memory_kernel_bytes"), kubepulse.kp_decode_int(b."memory_max_usage_bytes"), kubepulse.kp_decode_int(b."memory_failcnt"), kubepulse.kp_decode_float(b."memory_failcnt_per_second"), kubepulse.kp_decode_int(b."oom_events"), kubepulse.kp_decode_float(b."oom_events_per_second"), kubepulse.kp_decode_int(b."memory_psi_some_total_microseconds"), kubepulse.kp_decode_float(b."memory_psi_some_stalled_percent"), kubepulse.kp_decode_float(b."memory_psi_some_avg10_percent"), kubepulse.kp_decode_float(b."memory_psi_some_avg60_percent"), kubepulse.kp_decode_float(b."memory_psi_some_avg300_percent"), kubepulse.kp_decode_int(b."memory_psi_full_total_microseconds"), kubepulse.kp_decode_float(b."memory_psi_full_stalled_percent"), kubepulse.kp_decode_float(b."memory_psi_full_avg10_percent"), kubepulse.kp_decode_float(b."memory_psi_full_avg60_percent"), kubepulse.kp_decode_float(b."memory_psi_full_avg300_percent"), kubepulse.kp_decode_int(b."io_psi_some_total_microseconds"), kubepulse.kp_decode_float(b."io_psi_some_stalled_percent"), kubepulse.kp_decode_float(b."io_psi_some_avg10_percent"), kubepulse.kp_decode_float(b."io_psi_some_avg60_percent"), kubepulse.kp_decode_float(b."io_psi_some_avg300_percent"), kubepulse.kp_decode_int(b."io_psi_full_total_microseconds"), kubepulse.kp_decode_float(b."io_psi_full_stalled_percent"), kubepulse.kp_decode_float(b."io_psi_full_avg10_percent"), kubepulse.kp_decode_float(b."io_psi_full_avg60_percent"), kubepulse.kp_decode_float(b."io_psi_full_avg300_percent"), kubepulse.kp_decode_int(b."swap_available_bytes"), kubepulse.kp_decode_int(b."swap_usage_bytes"), kubepulse.kp_decode_int(b."network_rx_bytes"), kubepulse.kp_decode_float(b."network_rx_bytes_per_second"), kubepulse.kp_decode_int(b."network_rx_errors"), kubepulse.kp_decode_float(b."network_rx_errors_per_second"), kubepulse.kp_decode_int(b."network_tx_bytes"), kubepulse.kp_decode_float(b."network_tx_bytes_per_second"), kubepulse.kp_decode_int(b."network_tx_errors"), kubepulse.kp_decode_float(b."network_tx_errors_per_second"), kubepulse.kp_decode_int(b."fs_available_bytes"), kubepulse.kp_decode_int(b."fs_capacity_bytes"), kubepulse.kp_decode_int(b."fs_used_bytes"), kubepulse.kp_decode_int(b."fs_inodes"), kubepulse.kp_decode_int(b."fs_inodes_free"), kubepulse.kp_decode_int(b."fs_inodes_used"), kubepulse.kp_decode_int(b."imagefs_available_bytes"), kubepulse.kp_decode_int(b."imagefs_capacity_bytes"), kubepulse.kp_decode_int(b."imagefs_used_bytes"), kubepulse.kp_decode_int(b."imagefs_inodes"), kubepulse.kp_decode_int(b."imagefs_inodes_free"), kubepulse.kp_decode_int(b."imagefs_inodes_used"), kubepulse.kp_decode_int(b."containerfs_available_bytes"), kubepulse.kp_decode_int(b."containerfs_capacity_bytes"), kubepulse.kp_decode_int(b."containerfs_used_bytes"), kubepulse.kp_decode_int(b."containerfs_inodes"), kubepulse.kp_decode_int(b."containerfs_inodes_free"), kubepulse.kp_decode_int(b."containerfs_inodes_used"), kubepulse.kp_decode_int(b."rlimit_maxpid"), kubepulse.kp_decode_int(b."rlimit_curproc"), kubepulse.kp_decode_int(b."cpu_cfs_periods"), kubepulse.kp_decode_float(b."cpu_cfs_periods_per_second"), kubepulse.kp_decode_int(b."cpu_cfs_throttled_periods"), kubepulse.kp_decode_float(b."cpu_cfs_throttled_periods_per_second"), kubepulse.kp_decode_float(b."cpu_cfs_throttled_seconds"), kubepulse.kp_decode_float(b."cpu_cfs_throttled_millicores"), kubepulse.kp_decode_int(b."process_count"), kubepulse.kp_decode_int(b."threads"), kubepulse.kp_decode_int(b."threads_max"), kubepulse.kp_decode_int(b."file_descriptors"), kubepulse.kp_decode_int(b."sockets")) AS d("ts", "cpu_usage_nanocores", "cpu_usage_core_nanoseconds", "cpu_rate_millicores", "cpu_psi_some_total_microseconds", "cpu_psi_some_stalled_percent", "cpu_psi_some_avg10_percent", "cpu_psi_some_avg60_percent", "cpu_psi_some_avg300_percent", "cpu_psi_full_total_microseconds", "cpu_psi_full_stalled_percent", "cpu_psi_full_avg10_percent", "cpu_psi_full_avg60_percent", "cpu_psi_full_avg300_percent", "memory_available_bytes", "memory_usage_bytes", "memory_working_set_bytes", "memory_rss_bytes", "memory_page_faults", "memory_page_faults_per_second", "memory_major_page_faults", "memory_major_page_faults_per_second", "memory_cache_bytes", "memory_mapped_file_bytes", "memory_kernel_bytes", "memory_max_usage_bytes", "memory_failcnt", "memory_failcnt_per_second", "oom_events", "oom_events_per_second", "memory_psi_some_total_microseconds", "memory_psi_some_stalled_percent", "memory_psi_some_avg10_percent", "memory_psi_some_avg60_percent", "memory_psi_some_avg300_percent", "memory_psi_full_total_microseconds", "memory_psi_full_stalled_percent", "memory_psi_full_avg10_percent", "memory_psi_full_avg60_percent", "memory_psi_full_avg300_percent", "io_psi_some_total_microseconds", "io_psi_some_stalled_percent", "io_psi_some_avg10_percent", "io_psi_some_avg60_percent", "io_psi_some_avg300_percent", "io_psi_full_total_microseconds", "io_psi_full_stalled_percent", "io_psi_full_avg10_percent", "io_psi_full_avg60_percent", "io_psi_full_avg300_percent", "swap_available_bytes", "swap_usage_bytes", "network_rx_bytes", "network_rx_bytes_per_second", "network_rx_errors", "network_rx_errors_per_second", "network_tx_bytes", "network_tx_bytes_per_second", "network_tx_errors", "network_tx_errors_per_second", "fs_available_bytes", "fs_capacity_bytes", "fs_used_bytes", "fs_inodes", "fs_inodes_free", "fs_inodes_used", "imagefs_available_bytes", "imagefs_capacity_bytes", "imagefs_used_bytes", "imagefs_inodes", "imagefs_inodes_free", "imagefs_inodes_used", "containerfs_available_bytes", "containerfs_capacity_bytes", "containerfs_used_bytes", "containerfs_inodes", "containerfs_inodes_free", "containerfs_inodes_used", "rlimit_maxpid", "rlimit_curproc", "cpu_cfs_periods", "cpu_cfs_periods_per_second", "cpu_cfs_throttled_periods", "cpu_cfs_throttled_periods_per_second", "cpu_cfs_throttled_seconds", "cpu_cfs_throttled_millicores", "process_count", "threads", "threads_max", "file_descriptors", "sockets")
  WHERE b.start_ts > $1 - interval '3600 seconds' AND b.start_ts < $2
    AND d."ts" >= $1 AND d."ts" < $2
$fn$;

CREATE TABLE IF NOT EXISTS kubepulse."system_container_block" (
  "cluster_id" integer NOT NULL,
  "node" text NOT NULL,
  "name" text NOT NULL,
  "source" "char" NOT NULL,
  "start_ts" timestamptz NOT NULL,
  "samples" integer NOT NULL,
  "ts" bytea NOT NULL,
  "cpu_usage_nanocores" bytea,
  "cpu_usage_core_nanoseconds" bytea,
  "cpu_rate_millicores" bytea,
  "cpu_psi_some_total_microseconds" bytea,
  "cpu_psi_some_stalled_percent" bytea,
  "cpu_psi_some_avg10_percent" bytea,
  "cpu_psi_some_avg60_percent" bytea,
  "cpu_psi_some_avg300_percent" bytea,
  "cpu_psi_full_total_microseconds" bytea,
  "cpu_psi_full_stalled_percent" bytea,
  "cpu_psi_full_avg10_percent" bytea,
  "cpu_psi_full_avg60_percent" bytea,
  "cpu_psi_full_avg300_percent" bytea,
  "memory_available_bytes" bytea,
  "memory_usage_bytes" bytea,
  "memory_working_set_bytes" bytea,
  "memory_rss_bytes" bytea,
  "memory_page_faults" bytea,
  "memory_page_faults_per_second" bytea,
  "memory_major_page_faults" bytea,
  "memory_major_page_faults_per_second" bytea,
  "memory_cache_bytes" bytea,
  "memory_mapped_file_bytes" bytea,
  "memory_kernel_bytes" bytea,
  "memory_max_usage_bytes" bytea,
  "memory_failcnt" bytea,
  "memory_failcnt_per_second" bytea,
  "oom_events" bytea,
  "oom_events_per_second" bytea,
  "memory_psi_some_total_microseconds" bytea,
  "memory_psi_some_stalled_percent" bytea,
  "memory_psi_some_avg10_percent" bytea,
  "memory_psi_some_avg60_percent" bytea,
  "memory_psi_some_avg300_percent" bytea,
  "memory_psi_full_total_microseconds" bytea,
  "memory_psi_full_stalled_percent" bytea,
  "memory_psi_full_avg10_percent" bytea,
  "memory_psi_full_avg60_percent" bytea,
  "memory_psi_full_avg300_percent" bytea,
  "io_psi_some_total_microseconds" bytea,
  "io_psi_some_stalled_percent" bytea,
  "io_psi_some_avg10_percent" bytea,
  "io_psi_some_avg60_percent" bytea,
  "io_psi_some_avg300_percent" bytea,
  "io_psi_full_total_microseconds" bytea,
  "io_psi_full_stalled_percent" bytea,
  "io_psi_full_avg10_percent" bytea,
  "io_psi_full_avg60_percent" bytea,
  "io_psi_full_avg300_percent" bytea,
  "swap_available_bytes" bytea,
  "swap_usage_bytes" bytea,
  "cpu_cfs_periods" bytea,
  "cpu_cfs_periods_per_second" bytea,
  "cpu_cfs_throttled_periods" bytea,
  "cpu_cfs_throttled_periods_per_second" bytea,
  "cpu_cfs_throttled_seconds" bytea,
  "cpu_cfs_throttled_millicores" bytea,
  "process_count" bytea,
  "threads" bytea,
  "threads_max" bytea,
  "file_descriptors" bytea,
  "sockets" bytea,
  PRIMARY KEY ("cluster_id", "node", "name", "source", "start_ts")
) PARTITION BY RANGE (start_ts);

ALTER TABLE kubepulse."system_container_block" ALTER COLUMN "ts" SET STORAGE EXTERNAL, ALTER COLUMN "cpu_usage_nanocores" SET STORAGE EXTERNAL, ALTER COLUMN "cpu_usage_core_nanoseconds" SET STORAGE EXTERNAL, ALTER COLUMN "cpu_rate_millicores" SET STORAGE EXTERNAL, ALTER COLUMN "cpu_psi_some_total_microseconds" SET STORAGE EXTERNAL, ALTER COLUMN "cpu_psi_some_stalled_percent" SET STORAGE EXTERNAL, ALTER COLUMN "cpu_psi_some_avg10_percent" SET STORAGE EXTERNAL, ALTER COLUMN "cpu_psi_some_avg60_percent" SET STORAGE EXTERNAL, ALTER COLUMN "cpu_psi_some_avg300_percent" SET STORAGE EXTERNAL, ALTER COLUMN "cpu_psi_full_total_microseconds" SET STORAGE EXTERNAL, ALTER COLUMN "cpu_psi_full_stalled_percent" SET STORAGE EXTERNAL, ALTER COLUMN "cpu_psi_full_avg10_percent" SET STORAGE EXTERNAL, ALTER COLUMN "cpu_psi_full_avg60_percent" SET STORAGE EXTERNAL, ALTER COLUMN "cpu_psi_full_avg300_percent" SET STORAGE EXTERNAL, ALTER COLUMN "memory_available_bytes" SET STORAGE EXTERNAL, ALTER COLUMN "memory_usage_bytes" SET STORAGE EXTERNAL, ALTER COLUMN "memory_working_set_bytes" SET STORAGE EXTERNAL, ALTER COLUMN "memory_rss_bytes" SET STORAGE EXTERNAL, ALTER COLUMN "memory_page_faults" SET STORAGE EXTERNAL, ALTER COLUMN "memory_page_faults_per_second" SET STORAGE EXTERNAL, ALTER COLUMN "memory_major_page_faults" SET STORAGE EXTERNAL, ALTER COLUMN "memory_major_page_faults_per_second" SET STORAGE EXTERNAL, ALTER COLUMN "memory_cache_bytes" SET STORAGE EXTERNAL, ALTER COLUMN "memory_mapped_file_bytes" SET STORAGE EXTERNAL, ALTER COLUMN "memory_kernel_bytes" SET STORAGE EXTERNAL, ALTER COLUMN "memory_max_usage_bytes" SET STORAGE EXTERNAL, ALTER COLUMN "memory_failcnt" SET STORAGE EXTERNAL, ALTER COLUMN "memory_failcnt_per_second" SET STORAGE EXTERNAL, ALTER COLUMN "oom_events" SET STORAGE EXTERNAL, ALTER COLUMN "oom_events_per_second" SET STORAGE EXTERNAL, ALTER COLUMN "memory_psi_some_total_microseconds" SET STORAGE EXTERNAL, ALTER COLUMN "memory_psi_some_stalled_percent" SET STORAGE EXTERNAL, ALTER COLUMN "memory_psi_some_avg10_percent" SET STORAGE EXTERNAL, ALTER COLUMN "memory_psi_some_avg60_percent" SET STORAGE EXTERNAL, ALTER COLUMN "memory_psi_some_avg300_percent" SET STORAGE EXTERNAL, ALTER COLUMN "memory_psi_full_total_microseconds" SET STORAGE EXTERNAL, ALTER COLUMN "memory_psi_full_stalled_percent" SET STORAGE EXTERNAL, ALTER COLUMN "memory_psi_full_avg10_percent" SET STORAGE EXTERNAL, ALTER COLUMN "memory_psi_full_avg60_percent" SET STORAGE EXTERNAL, ALTER COLUMN "memory_psi_full_avg300_percent" SET STORAGE EXTERNAL, ALTER COLUMN "io_psi_some_total_microseconds" SET STORAGE EXTERNAL, ALTER COLUMN "io_psi_some_stalled_percent" SET STORAGE EXTERNAL, ALTER COLUMN "io_psi_some_avg10_percent" SET STORAGE EXTERNAL, ALTER COLUMN "io_psi_some_avg60_percent" SET STORAGE EXTERNAL, ALTER COLUMN "io_psi_some_avg300_percent" SET STORAGE EXTERNAL, ALTER COLUMN "io_psi_full_total_microseconds" SET STORAGE EXTERNAL, ALTER COLUMN "io_psi_full_stalled_percent" SET STORAGE EXTERNAL, ALTER COLUMN "io_psi_full_avg10_percent" SET STORAGE EXTERNAL, ALTER COLUMN "io_psi_full_avg60_percent" SET STORAGE EXTERNAL, ALTER COLUMN "io_psi_full_avg300_percent" SET STORAGE EXTERNAL, ALTER COLUMN "swap_available_bytes" SET STORAGE EXTERNAL, ALTER COLUMN "swap_usage_bytes" SET STORAGE EXTERNAL, ALTER COLUMN "cpu_cfs_periods" SET STORAGE EXTERNAL, ALTER COLUMN "cpu_cfs_periods_per_second" SET STORAGE EXTERNAL, ALTER COLUMN "cpu_cfs_throttled_periods" SET STORAGE EXTERNAL, ALTER COLUMN "cpu_cfs_throttled_periods_per_second" SET STORAGE EXTERNAL, ALTER COLUMN "cpu_cfs_throttled_seconds" SET STORAGE EXTERNAL, ALTER COLUMN "cpu_cfs_throttled_millicores" SET STORAGE EXTERNAL, ALTER COLUMN "process_count" SET STORAGE EXTERNAL, ALTER COLUMN "threads" SET STORAGE EXTERNAL, ALTER COLUMN "threads_max" SET STORAGE EXTERNAL, ALTER COLUMN "file_descriptors" SET STORAGE EXTERNAL, ALTER COLUMN "sockets" SET STORAGE EXTERNAL;

COMMENT ON TABLE kubepulse."system_container_block" IS 'Compacted system_container_metric rows: one row per series, source and hour, columns encoded (read them with kubepulse.system_container_history(from, to)).';

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
  CROSS JOIN LATERAL unnest(kubepulse.kp_decode_ts(b."ts"), kubepulse.kp_decode_int(b."cpu_usage_nanocores"), kubepulse.kp_decode_int(b."cpu_usage_core_nanoseconds"), kubepulse.kp_decode_float(b."cpu_rate_millicores"), kubepulse.kp_decode_int(b."cpu_psi_some_total_microseconds"), kubepulse.kp_decode_float(b."cpu_psi_some_stalled_percent"), kubepulse.kp_decode_float(b."cpu_psi_some_avg10_percent"), kubepulse.kp_decode_float(b."cpu_psi_some_avg60_percent"), kubepulse.kp_decode_float(b."cpu_psi_some_avg300_percent"), kubepulse.kp_decode_int(b."cpu_psi_full_total_microseconds"), kubepulse.kp_decode_float(b."cpu_psi_full_stalled_percent"), kubepulse.kp_decode_float(b."cpu_psi_full_avg10_percent"), kubepulse.kp_decode_float(b."cpu_psi_full_avg60_percent"), kubepulse.kp_decode_float(b."cpu_psi_full_avg300_percent"), kubepulse.kp_decode_int(b."memory_available_bytes"), kubepulse.kp_decode_int(b."memory_usage_bytes"), kubepulse.kp_decode_int(b."memory_working_set_bytes"), kubepulse.kp_decode_int(b."memory_rss_bytes"), kubepulse.kp_decode_int(b."memory_page_faults"), kubepulse.kp_decode_float(b."memory_page_faults_per_second"), kubepulse.kp_decode_int(b."memory_major_page_faults"), kubepulse.kp_decode_float(b."memory_major_page_faults_per_second"), kubepulse.kp_decode_int(b."memory_cache_bytes"), kubepulse.kp_decode_int(b."memory_mapped_file_bytes"), kubepulse.kp_decode_int(b."memory_kernel_bytes"), kubepulse.kp_decode_int(b."memory_max_usage_bytes"), kubepulse.kp_decode_int(b."memory_failcnt"), kubepulse.kp_decode_float(b."memory_failcnt_per_second"), kubepulse.kp_decode_int(b."oom_events"), kubepulse.kp_decode_float(b."oom_events_per_second"), kubepulse.kp_decode_int(b."memory_psi_some_total_microseconds"), kubepulse.kp_decode_float(b."memory_psi_some_stalled_percent"), kubepulse.kp_decode_float(b."memory_psi_some_avg10_percent"), kubepulse.kp_decode_float(b."memory_psi_some_avg60_percent"), kubepulse.kp_decode_float(b."memory_psi_some_avg300_percent"), kubepulse.kp_decode_int(b."memory_psi_full_total_microseconds"), kubepulse.kp_decode_float(b."memory_psi_full_stalled_percent"), kubepulse.kp_decode_float(b."memory_psi_full_avg10_percent"), kubepulse.kp_decode_float(b."memory_psi_full_avg60_percent"), kubepulse.kp_decode_float(b."memory_psi_full_avg300_percent"), kubepulse.kp_decode_int(b."io_psi_some_total_microseconds"), kubepulse.kp_decode_float(b."io_psi_some_stalled_percent"), kubepulse.kp_decode_float(b."io_psi_some_avg10_percent"), kubepulse.kp_decode_float(b."io_psi_some_avg60_percent"), kubepulse.kp_decode_float(b."io_psi_some_avg300_percent"), kubepulse.kp_decode_int(b."io_psi_full_total_microseconds"), kubepulse.kp_decode_float(b."io_psi_full_stalled_percent"), kubepulse.kp_decode_float(b."io_psi_full_avg10_percent"), kubepulse.kp_decode_float(b."io_psi_full_avg60_percent"), kubepulse.kp_decode_float(b."io_psi_full_avg300_percent"), kubepulse.kp_decode_int(b."swap_available_bytes"), kubepulse.kp_decode_int(b."swap_usage_bytes"), kubepulse.kp_decode_int(b."cpu_cfs_periods"), kubepulse.kp_decode_float(b."cpu_cfs_periods_per_second"), kubepulse.kp_decode_int(b."cpu_cfs_throttled_periods"), kubepulse.kp_decode_float(b."cpu_cfs_throttled_periods_per_second"), kubepulse.kp_decode_float(b."cpu_cfs_throttled_seconds"), kubepulse.kp_decode_float(b."cpu_cfs_throttled_millicores"), kubepulse.kp_decode_int(b."process_count"), kubepulse.kp_decode_int(b."threads"), kubepulse.kp_decode_int(b."threads_max"), kubepulse.kp_decode_int(b."file_descriptors"), kubepulse.kp_decode_int(b."sockets")) AS d("ts", "cpu_usage_nanocores", "cpu_usage_core_nanoseconds", "cpu_rate_millicores", "cpu_psi_some_total_microseconds", "cpu_psi_some_stalled_percent", "cpu_psi_some_avg10_percent", "cpu_psi_some_avg60_percent", "cpu_psi_some_avg300_percent", "cpu_psi_full_total_microseconds", "cpu_psi_full_stalled_percent", "cpu_psi_full_avg10_percent", "cpu_psi_full_avg60_percent", "cpu_psi_full_avg300_percent", "memory_available_bytes", "memory_usage_bytes", "memory_working_set_bytes", "memory_rss_bytes", "memory_page_faults", "memory_page_faults_per_second", "memory_major_page_faults", "memory_major_page_faults_per_second", "memory_cache_bytes", "memory_mapped_file_bytes", "memory_kernel_bytes", "memory_max_usage_bytes", "memory_failcnt", "memory_failcnt_per_second", "oom_events", "oom_events_per_second", "memory_psi_some_total_microseconds", "memory_psi_some_stalled_percent", "memory_psi_some_avg10_percent", "memory_psi_some_avg60_percent", "memory_psi_some_avg300_percent", "memory_psi_full_total_microseconds", "memory_psi_full_stalled_percent", "memory_psi_full_avg10_percent", "memory_psi_full_avg60_percent", "memory_psi_full_avg300_percent", "io_psi_some_total_microseconds", "io_psi_some_stalled_percent", "io_psi_some_avg10_percent", "io_psi_some_avg60_percent", "io_psi_some_avg300_percent", "io_psi_full_total_microseconds", "io_psi_full_stalled_percent", "io_psi_full_avg10_percent", "io_psi_full_avg60_percent", "io_psi_full_avg300_percent", "swap_available_bytes", "swap_usage_bytes", "cpu_cfs_periods", "cpu_cfs_periods_per_second", "cpu_cfs_throttled_periods", "cpu_cfs_throttled_periods_per_second", "cpu_cfs_throttled_seconds", "cpu_cfs_throttled_millicores", "process_count", "threads", "threads_max", "file_descriptors", "sockets")
  WHERE b.start_ts > $1 - interval '3600 seconds' AND b.start_ts < $2
    AND d."ts" >= $1 AND d."ts" < $2
$fn$;

CREATE TABLE IF NOT EXISTS kubepulse."pod_block" (
  "cluster_id" integer NOT NULL,
  "pod_uid" text NOT NULL,
  "namespace" text,
  "pod" text,
  "node" text,
  "source" "char" NOT NULL,
  "start_ts" timestamptz NOT NULL,
  "samples" integer NOT NULL,
  "ts" bytea NOT NULL,
  "cpu_usage_nanocores" bytea,
  "cpu_usage_core_nanoseconds" bytea,
  "cpu_rate_millicores" bytea,
  "cpu_psi_some_total_microseconds" bytea,
  "cpu_psi_some_stalled_percent" bytea,
  "cpu_psi_some_avg10_percent" bytea,
  "cpu_psi_some_avg60_percent" bytea,
  "cpu_psi_some_avg300_percent" bytea,
  "cpu_psi_full_total_microseconds" bytea,
  "cpu_psi_full_stalled_percent" bytea,
  "cpu_psi_full_avg10_percent" bytea,
  "cpu_psi_full_avg60_percent" bytea,
  "cpu_psi_full_avg300_percent" bytea,
  "memory_available_bytes" bytea,
  "memory_usage_bytes" bytea,
  "memory_working_set_bytes" bytea,
  "memory_rss_bytes" bytea,
  "memory_page_faults" bytea,
  "memory_page_faults_per_second" bytea,
  "memory_major_page_faults" bytea,
  "memory_major_page_faults_per_second" bytea,
  "memory_cache_bytes" bytea,
  "memory_mapped_file_bytes" bytea,
  "memory_kernel_bytes" bytea,
  "memory_max_usage_bytes" bytea,
  "memory_failcnt" bytea,
  "memory_failcnt_per_second" bytea,
  "oom_events" bytea,
  "oom_events_per_second" bytea,
  "memory_psi_some_total_microseconds" bytea,
  "memory_psi_some_stalled_percent" bytea,
  "memory_psi_some_avg10_percent" bytea,
  "memory_psi_some_avg60_percent" bytea,
  "memory_psi_some_avg300_percent" bytea,
  "memory_psi_full_total_microseconds" bytea,
  "memory_psi_full_stalled_percent" bytea,
  "memory_psi_full_avg10_percent" bytea,
  "memory_psi_full_avg60_percent" bytea,
  "memory_psi_full_avg300_percent" bytea,
  "io_psi_some_total_microseconds" bytea,
  "io_psi_some_stalled_percent" bytea,
  "io_psi_some_avg10_percent" bytea,
  "io_psi_some_avg60_percent" bytea,
  "io_psi_some_avg300_percent" bytea,
  "io_psi_full_total_microseconds" bytea,
  "io_psi_full_stalled_percent" bytea,
  "io_psi_full_avg10_percent" bytea,
  "io_psi_full_avg60_percent" bytea,
  "io_psi_full_avg300_percent" bytea,
  "swap_available_bytes" bytea,
  "swap_usage_bytes" bytea,
  "network_rx_bytes" bytea,
  "network_rx_bytes_per_second" bytea,
  "network_rx_errors" bytea,
  "network_rx_errors_per_second" bytea,
  "network_tx_bytes" bytea,
  "network_tx_bytes_per_second" bytea,
  "network_tx_errors" bytea,
  "network_tx_errors_per_second" bytea,
  "ephemeral_storage_available_bytes" bytea,
  "ephemeral_storage_capacity_bytes" bytea,
  "ephemeral_storage_used_bytes" bytea,
  "ephemeral_storage_inodes" bytea,
  "ephemeral_storage_inodes_free" bytea,
  "ephemeral_storage_inodes_used" bytea,
  "cpu_cfs_periods" bytea,
  "cpu_cfs_periods_per_second" bytea,
  "cpu_cfs_throttled_periods" bytea,
  "cpu_cfs_throttled_periods_per_second" bytea,
  "cpu_cfs_throttled_seconds" bytea,
  "cpu_cfs_throttled_millicores" bytea,
  "process_count" bytea,
  "threads" bytea,
  "threads_max" bytea,
  "file_descriptors" bytea,
  "sockets" bytea,
  PRIMARY KEY ("cluster_id", "pod_uid", "source", "start_ts")
) PARTITION BY RANGE (start_ts);

ALTER TABLE kubepulse."pod_block" ALTER COLUMN "ts" SET STORAGE EXTERNAL, ALTER COLUMN "cpu_usage_nanocores" SET STORAGE EXTERNAL, ALTER COLUMN "cpu_usage_core_nanoseconds" SET STORAGE EXTERNAL, ALTER COLUMN "cpu_rate_millicores" SET STORAGE EXTERNAL, ALTER COLUMN "cpu_psi_some_total_microseconds" SET STORAGE EXTERNAL, ALTER COLUMN "cpu_psi_some_stalled_percent" SET STORAGE EXTERNAL, ALTER COLUMN "cpu_psi_some_avg10_percent" SET STORAGE EXTERNAL, ALTER COLUMN "cpu_psi_some_avg60_percent" SET STORAGE EXTERNAL, ALTER COLUMN "cpu_psi_some_avg300_percent" SET STORAGE EXTERNAL, ALTER COLUMN "cpu_psi_full_total_microseconds" SET STORAGE EXTERNAL, ALTER COLUMN "cpu_psi_full_stalled_percent" SET STORAGE EXTERNAL, ALTER COLUMN "cpu_psi_full_avg10_percent" SET STORAGE EXTERNAL, ALTER COLUMN "cpu_psi_full_avg60_percent" SET STORAGE EXTERNAL, ALTER COLUMN "cpu_psi_full_avg300_percent" SET STORAGE EXTERNAL, ALTER COLUMN "memory_available_bytes" SET STORAGE EXTERNAL, ALTER COLUMN "memory_usage_bytes" SET STORAGE EXTERNAL, ALTER COLUMN "memory_working_set_bytes" SET STORAGE EXTERNAL, ALTER COLUMN "memory_rss_bytes" SET STORAGE EXTERNAL, ALTER COLUMN "memory_page_faults" SET STORAGE EXTERNAL, ALTER COLUMN "memory_page_faults_per_second" SET STORAGE EXTERNAL, ALTER COLUMN "memory_major_page_faults" SET STORAGE EXTERNAL, ALTER COLUMN "memory_major_page_faults_per_second" SET STORAGE EXTERNAL, ALTER COLUMN "memory_cache_bytes" SET STORAGE EXTERNAL, ALTER COLUMN "memory_mapped_file_bytes" SET STORAGE EXTERNAL, ALTER COLUMN "memory_kernel_bytes" SET STORAGE EXTERNAL, ALTER COLUMN "memory_max_usage_bytes" SET STORAGE EXTERNAL, ALTER COLUMN "memory_failcnt" SET STORAGE EXTERNAL, ALTER COLUMN "memory_failcnt_per_second" SET STORAGE EXTERNAL, ALTER COLUMN "oom_events" SET STORAGE EXTERNAL, ALTER COLUMN "oom_events_per_second" SET STORAGE EXTERNAL, ALTER COLUMN "memory_psi_some_total_microseconds" SET STORAGE EXTERNAL, ALTER COLUMN "memory_psi_some_stalled_percent" SET STORAGE EXTERNAL, ALTER COLUMN "memory_psi_some_avg10_percent" SET STORAGE EXTERNAL, ALTER COLUMN "memory_psi_some_avg60_percent" SET STORAGE EXTERNAL, ALTER COLUMN "memory_psi_some_avg300_percent" SET STORAGE EXTERNAL, ALTER COLUMN "memory_psi_full_total_microseconds" SET STORAGE EXTERNAL, ALTER COLUMN "memory_psi_full_stalled_percent" SET STORAGE EXTERNAL, ALTER COLUMN "memory_psi_full_avg10_percent" SET STORAGE EXTERNAL, ALTER COLUMN "memory_psi_full_avg60_percent" SET STORAGE EXTERNAL, ALTER COLUMN "memory_psi_full_avg300_percent" SET STORAGE EXTERNAL, ALTER COLUMN "io_psi_some_total_microseconds" SET STORAGE EXTERNAL, ALTER COLUMN "io_psi_some_stalled_percent" SET STORAGE EXTERNAL, ALTER COLUMN "io_psi_some_avg10_percent" SET STORAGE EXTERNAL, ALTER COLUMN "io_psi_some_avg60_percent" SET STORAGE EXTERNAL, ALTER COLUMN "io_psi_some_avg300_percent" SET STORAGE EXTERNAL, ALTER COLUMN "io_psi_full_total_microseconds" SET STORAGE EXTERNAL, ALTER COLUMN "io_psi_full_stalled_percent" SET STORAGE EXTERNAL, ALTER COLUMN "io_psi_full_avg10_percent" SET STORAGE EXTERNAL, ALTER COLUMN "io_psi_full_avg60_percent" SET STORAGE EXTERNAL, ALTER COLUMN "io_psi_full_avg300_percent" SET STORAGE EXTERNAL, ALTER COLUMN "swap_available_bytes" SET STORAGE EXTERNAL, ALTER COLUMN "swap_usage_bytes" SET STORAGE EXTERNAL, ALTER COLUMN "network_rx_bytes" SET STORAGE EXTERNAL, ALTER COLUMN "network_rx_bytes_per_second" SET STORAGE EXTERNAL, ALTER COLUMN "network_rx_errors" SET STORAGE EXTERNAL, ALTER COLUMN "network_rx_errors_per_second" SET STORAGE EXTERNAL, ALTER COLUMN "network_tx_bytes" SET STORAGE EXTERNAL, ALTER COLUMN "network_tx_bytes_per_second" SET STORAGE EXTERNAL, ALTER COLUMN "network_tx_errors" SET STORAGE EXTERNAL, ALTER COLUMN "network_tx_errors_per_second" SET STORAGE EXTERNAL, ALTER COLUMN "ephemeral_storage_available_bytes" SET STORAGE EXTERNAL, ALTER COLUMN "ephemeral_storage_capacity_bytes" SET STORAGE EXTERNAL, ALTER COLUMN "ephemeral_storage_used_bytes" SET STORAGE EXTERNAL, ALTER COLUMN "ephemeral_storage_inodes" SET STORAGE EXTERNAL, ALTER COLUMN "ephemeral_storage_inodes_free" SET STORAGE EXTERNAL, ALTER COLUMN "ephemeral_storage_inodes_used" SET STORAGE EXTERNAL, ALTER COLUMN "cpu_cfs_periods" SET STORAGE EXTERNAL, ALTER COLUMN "cpu_cfs_periods_per_second" SET STORAGE EXTERNAL, ALTER COLUMN "cpu_cfs_throttled_periods" SET STORAGE EXTERNAL, ALTER COLUMN "cpu_cfs_throttled_periods_per_second" SET STORAGE EXTERNAL, ALTER COLUMN "cpu_cfs_throttled_seconds" SET STORAGE EXTERNAL, ALTER COLUMN "cpu_cfs_throttled_millicores" SET STORAGE EXTERNAL, ALTER COLUMN "process_count" SET STORAGE EXTERNAL, ALTER COLUMN "threads" SET STORAGE EXTERNAL, ALTER COLUMN "threads_max" SET STORAGE EXTERNAL, ALTER COLUMN "file_descriptors" SET STORAGE EXTERNAL, ALTER COLUMN "sockets" SET STORAGE EXTERNAL;

COMMENT ON TABLE kubepulse."pod_block" IS 'Compacted pod_metric rows: one row per series, source and hour, columns encoded (read them with kubepulse.pod_history(from, to)).';

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
  CROSS JOIN LATERAL unnest(kubepulse.kp_decode_ts(b."ts"), kubepulse.kp_decode_int(b."cpu_usage_nanocores"), kubepulse.kp_decode_int(b."cpu_usage_core_nanoseconds"), kubepulse.kp_decode_float(b."cpu_rate_millicores"), kubepulse.kp_decode_int(b."cpu_psi_some_total_microseconds"), kubepulse.kp_decode_float(b."cpu_psi_some_stalled_percent"), kubepulse.kp_decode_float(b."cpu_psi_some_avg10_percent"), kubepulse.kp_decode_float(b."cpu_psi_some_avg60_percent"), kubepulse.kp_decode_float(b."cpu_psi_some_avg300_percent"), kubepulse.kp_decode_int(b."cpu_psi_full_total_microseconds"), kubepulse.kp_decode_float(b."cpu_psi_full_stalled_percent"), kubepulse.kp_decode_float(b."cpu_psi_full_avg10_percent"), kubepulse.kp_decode_float(b."cpu_psi_full_avg60_percent"), kubepulse.kp_decode_float(b."cpu_psi_full_avg300_percent"), kubepulse.kp_decode_int(b."memory_available_bytes"), kubepulse.kp_decode_int(b."memory_usage_bytes"), kubepulse.kp_decode_int(b."memory_working_set_bytes"), kubepulse.kp_decode_int(b."memory_rss_bytes"), kubepulse.kp_decode_int(b."memory_page_faults"), kubepulse.kp_decode_float(b."memory_page_faults_per_second"), kubepulse.kp_decode_int(b."memory_major_page_faults"), kubepulse.kp_decode_float(b."memory_major_page_faults_per_second"), kubepulse.kp_decode_int(b."memory_cache_bytes"), kubepulse.kp_decode_int(b."memory_mapped_file_bytes"), kubepulse.kp_decode_int(b."memory_kernel_bytes"), kubepulse.kp_decode_int(b."memory_max_usage_bytes"), kubepulse.kp_decode_int(b."memory_failcnt"), kubepulse.kp_decode_float(b."memory_failcnt_per_second"), kubepulse.kp_decode_int(b."oom_events"), kubepulse.kp_decode_float(b."oom_events_per_second"), kubepulse.kp_decode_int(b."memory_psi_some_total_microseconds"), kubepulse.kp_decode_float(b."memory_psi_some_stalled_percent"), kubepulse.kp_decode_float(b."memory_psi_some_avg10_percent"), kubepulse.kp_decode_float(b."memory_psi_some_avg60_percent"), kubepulse.kp_decode_float(b."memory_psi_some_avg300_percent"), kubepulse.kp_decode_int(b."memory_psi_full_total_microseconds"), kubepulse.kp_decode_float(b."memory_psi_full_stalled_percent"), kubepulse.kp_decode_float(b."memory_psi_full_avg10_percent"), kubepulse.kp_decode_float(b."memory_psi_full_avg60_percent"), kubepulse.kp_decode_float(b."memory_psi_full_avg300_percent"), kubepulse.kp_decode_int(b."io_psi_some_total_microseconds"), kubepulse.kp_decode_float(b."io_psi_some_stalled_percent"), kubepulse.kp_decode_float(b."io_psi_some_avg10_percent"), kubepulse.kp_decode_float(b."io_psi_some_avg60_percent"), kubepulse.kp_decode_float(b."io_psi_some_avg300_percent"), kubepulse.kp_decode_int(b."io_psi_full_total_microseconds"), kubepulse.kp_decode_float(b."io_psi_full_stalled_percent"), kubepulse.kp_decode_float(b."io_psi_full_avg10_percent"), kubepulse.kp_decode_float(b."io_psi_full_avg60_percent"), kubepulse.kp_decode_float(b."io_psi_full_avg300_percent"), kubepulse.kp_decode_int(b."swap_available_bytes"), kubepulse.kp_decode_int(b."swap_usage_bytes"), kubepulse.kp_decode_int(b."network_rx_bytes"), kubepulse.kp_decode_float(b."network_rx_bytes_per_second"), kubepulse.kp_decode_int(b."network_rx_errors"), kubepulse.kp_decode_float(b."network_rx_errors_per_second"), kubepulse.kp_decode_int(b."network_tx_bytes"), kubepulse.kp_decode_float(b."network_tx_bytes_per_second"), kubepulse.kp_decode_int(b."network_tx_errors"), kubepulse.kp_decode_float(b."network_tx_errors_per_second"), kubepulse.kp_decode_int(b."ephemeral_storage_available_bytes"), kubepulse.kp_decode_int(b."ephemeral_storage_capacity_bytes"), kubepulse.kp_decode_int(b."ephemeral_storage_used_bytes"), kubepulse.kp_decode_int(b."ephemeral_storage_inodes"), kubepulse.kp_decode_int(b."ephemeral_storage_inodes_free"), kubepulse.kp_decode_int(b."ephemeral_storage_inodes_used"), kubepulse.kp_decode_int(b."cpu_cfs_periods"), kubepulse.kp_decode_float(b."cpu_cfs_periods_per_second"), kubepulse.kp_decode_int(b."cpu_cfs_throttled_periods"), kubepulse.kp_decode_float(b."cpu_cfs_throttled_periods_per_second"), kubepulse.kp_decode_float(b."cpu_cfs_throttled_seconds"), kubepulse.kp_decode_float(b."cpu_cfs_throttled_millicores"), kubepulse.kp_decode_int(b."process_count"), kubepulse.kp_decode_int(b."threads"), kubepulse.kp_decode_int(b."threads_max"), kubepulse.kp_decode_int(b."file_descriptors"), kubepulse.kp_decode_int(b."sockets")) AS d("ts", "cpu_usage_nanocores", "cpu_usage_core_nanoseconds", "cpu_rate_millicores", "cpu_psi_some_total_microseconds", "cpu_psi_some_stalled_percent", "cpu_psi_some_avg10_percent", "cpu_psi_some_avg60_percent", "cpu_psi_some_avg300_percent", "cpu_psi_full_total_microseconds", "cpu_psi_full_stalled_percent", "cpu_psi_full_avg10_percent", "cpu_psi_full_avg60_percent", "cpu_psi_full_avg300_percent", "memory_available_bytes", "memory_usage_bytes", "memory_working_set_bytes", "memory_rss_bytes", "memory_page_faults", "memory_page_faults_per_second", "memory_major_page_faults", "memory_major_page_faults_per_second", "memory_cache_bytes", "memory_mapped_file_bytes", "memory_kernel_bytes", "memory_max_usage_bytes", "memory_failcnt", "memory_failcnt_per_second", "oom_events", "oom_events_per_second", "memory_psi_some_total_microseconds", "memory_psi_some_stalled_percent", "memory_psi_some_avg10_percent", "memory_psi_some_avg60_percent", "memory_psi_some_avg300_percent", "memory_psi_full_total_microseconds", "memory_psi_full_stalled_percent", "memory_psi_full_avg10_percent", "memory_psi_full_avg60_percent", "memory_psi_full_avg300_percent", "io_psi_some_total_microseconds", "io_psi_some_stalled_percent", "io_psi_some_avg10_percent", "io_psi_some_avg60_percent", "io_psi_some_avg300_percent", "io_psi_full_total_microseconds", "io_psi_full_stalled_percent", "io_psi_full_avg10_percent", "io_psi_full_avg60_percent", "io_psi_full_avg300_percent", "swap_available_bytes", "swap_usage_bytes", "network_rx_bytes", "network_rx_bytes_per_second", "network_rx_errors", "network_rx_errors_per_second", "network_tx_bytes", "network_tx_bytes_per_second", "network_tx_errors", "network_tx_errors_per_second", "ephemeral_storage_available_bytes", "ephemeral_storage_capacity_bytes", "ephemeral_storage_used_bytes", "ephemeral_storage_inodes", "ephemeral_storage_inodes_free", "ephemeral_storage_inodes_used", "cpu_cfs_periods", "cpu_cfs_periods_per_second", "cpu_cfs_throttled_periods", "cpu_cfs_throttled_periods_per_second", "cpu_cfs_throttled_seconds", "cpu_cfs_throttled_millicores", "process_count", "threads", "threads_max", "file_descriptors", "sockets")
  WHERE b.start_ts > $1 - interval '3600 seconds' AND b.start_ts < $2
    AND d."ts" >= $1 AND d."ts" < $2
$fn$;

CREATE TABLE IF NOT EXISTS kubepulse."container_block" (
  "cluster_id" integer NOT NULL,
  "pod_uid" text NOT NULL,
  "container" text NOT NULL,
  "namespace" text,
  "pod" text,
  "node" text,
  "source" "char" NOT NULL,
  "start_ts" timestamptz NOT NULL,
  "samples" integer NOT NULL,
  "ts" bytea NOT NULL,
  "cpu_usage_nanocores" bytea,
  "cpu_usage_core_nanoseconds" bytea,
  "cpu_rate_millicores" bytea,
  "cpu_psi_some_total_microseconds" bytea,
  "cpu_psi_some_stalled_percent" bytea,
  "cpu_psi_some_avg10_percent" bytea,
  "cpu_psi_some_avg60_percent" bytea,
  "cpu_psi_some_avg300_percent" bytea,
  "cpu_psi_full_total_microseconds" bytea,
  "cpu_psi_full_stalled_percent" bytea,
  "cpu_psi_full_avg10_percent" bytea,
  "cpu_psi_full_avg60_percent" bytea,
  "cpu_psi_full_avg300_percent" bytea,
  "memory_available_bytes" bytea,
  "memory_usage_bytes" bytea,
  "memory_working_set_bytes" bytea,
  "memory_rss_bytes" bytea,
  "memory_page_faults" bytea,
  "memory_page_faults_per_second" bytea,
  "memory_major_page_faults" bytea,
  "memory_major_page_faults_per_second" bytea,
  "memory_cache_bytes" bytea,
  "memory_mapped_file_bytes" bytea,
  "memory_kernel_bytes" bytea,
  "memory_max_usage_bytes" bytea,
  "memory_failcnt" bytea,
  "memory_failcnt_per_second" bytea,
  "oom_events" bytea,
  "oom_events_per_second" bytea,
  "memory_psi_some_total_microseconds" bytea,
  "memory_psi_some_stalled_percent" bytea,
  "memory_psi_some_avg10_percent" bytea,
  "memory_psi_some_avg60_percent" bytea,
  "memory_psi_some_avg300_percent" bytea,
  "memory_psi_full_total_microseconds" bytea,
  "memory_psi_full_stalled_percent" bytea,
  "memory_psi_full_avg10_percent" bytea,
  "memory_psi_full_avg60_percent" bytea,
  "memory_psi_full_avg300_percent" bytea,
  "io_psi_some_total_microseconds" bytea,
  "io_psi_some_stalled_percent" bytea,
  "io_psi_some_avg10_percent" bytea,
  "io_psi_some_avg60_percent" bytea,
  "io_psi_some_avg300_percent" bytea,
  "io_psi_full_total_microseconds" bytea,
  "io_psi_full_stalled_percent" bytea,
  "io_psi_full_avg10_percent" bytea,
  "io_psi_full_avg60_percent" bytea,
  "io_psi_full_avg300_percent" bytea,
  "swap_available_bytes" bytea,
  "swap_usage_bytes" bytea,
  "rootfs_available_bytes" bytea,
  "rootfs_capacity_bytes" bytea,
  "rootfs_used_bytes" bytea,
  "rootfs_inodes" bytea,
  "rootfs_inodes_free" bytea,
  "rootfs_inodes_used" bytea,
  "logs_available_bytes" bytea,
  "logs_capacity_bytes" bytea,
  "logs_used_bytes" bytea,
  "logs_inodes" bytea,
  "logs_inodes_free" bytea,
  "logs_inodes_used" bytea,
  "cpu_cfs_periods" bytea,
  "cpu_cfs_periods_per_second" bytea,
  "cpu_cfs_throttled_periods" bytea,
  "cpu_cfs_throttled_periods_per_second" bytea,
  "cpu_cfs_throttled_seconds" bytea,
  "cpu_cfs_throttled_millicores" bytea,
  "process_count" bytea,
  "threads" bytea,
  "threads_max" bytea,
  "file_descriptors" bytea,
  "sockets" bytea,
  PRIMARY KEY ("cluster_id", "pod_uid", "container", "source", "start_ts")
) PARTITION BY RANGE (start_ts);

ALTER TABLE kubepulse."container_block" ALTER COLUMN "ts" SET STORAGE EXTERNAL, ALTER COLUMN "cpu_usage_nanocores" SET STORAGE EXTERNAL, ALTER COLUMN "cpu_usage_core_nanoseconds" SET STORAGE EXTERNAL, ALTER COLUMN "cpu_rate_millicores" SET STORAGE EXTERNAL, ALTER COLUMN "cpu_psi_some_total_microseconds" SET STORAGE EXTERNAL, ALTER COLUMN "cpu_psi_some_stalled_percent" SET STORAGE EXTERNAL, ALTER COLUMN "cpu_psi_some_avg10_percent" SET STORAGE EXTERNAL, ALTER COLUMN "cpu_psi_some_avg60_percent" SET STORAGE EXTERNAL, ALTER COLUMN "cpu_psi_some_avg300_percent" SET STORAGE EXTERNAL, ALTER COLUMN "cpu_psi_full_total_microseconds" SET STORAGE EXTERNAL, ALTER COLUMN "cpu_psi_full_stalled_percent" SET STORAGE EXTERNAL, ALTER COLUMN "cpu_psi_full_avg10_percent" SET STORAGE EXTERNAL, ALTER COLUMN "cpu_psi_full_avg60_percent" SET STORAGE EXTERNAL, ALTER COLUMN "cpu_psi_full_avg300_percent" SET STORAGE EXTERNAL, ALTER COLUMN "memory_available_bytes" SET STORAGE EXTERNAL, ALTER COLUMN "memory_usage_bytes" SET STORAGE EXTERNAL, ALTER COLUMN "memory_working_set_bytes" SET STORAGE EXTERNAL, ALTER COLUMN "memory_rss_bytes" SET STORAGE EXTERNAL, ALTER COLUMN "memory_page_faults" SET STORAGE EXTERNAL, ALTER COLUMN "memory_page_faults_per_second" SET STORAGE EXTERNAL, ALTER COLUMN "memory_major_page_faults" SET STORAGE EXTERNAL, ALTER COLUMN "memory_major_page_faults_per_second" SET STORAGE EXTERNAL, ALTER COLUMN "memory_cache_bytes" SET STORAGE EXTERNAL, ALTER COLUMN "memory_mapped_file_bytes" SET STORAGE EXTERNAL, ALTER COLUMN "memory_kernel_bytes" SET STORAGE EXTERNAL, ALTER COLUMN "memory_max_usage_bytes" SET STORAGE EXTERNAL, ALTER COLUMN "memory_failcnt" SET STORAGE EXTERNAL, ALTER COLUMN "memory_failcnt_per_second" SET STORAGE EXTERNAL, ALTER COLUMN "oom_events" SET STORAGE EXTERNAL, ALTER COLUMN "oom_events_per_second" SET STORAGE EXTERNAL, ALTER COLUMN "memory_psi_some_total_microseconds" SET STORAGE EXTERNAL, ALTER COLUMN "memory_psi_some_stalled_percent" SET STORAGE EXTERNAL, ALTER COLUMN "memory_psi_some_avg10_percent" SET STORAGE EXTERNAL, ALTER COLUMN "memory_psi_some_avg60_percent" SET STORAGE EXTERNAL, ALTER COLUMN "memory_psi_some_avg300_percent" SET STORAGE EXTERNAL, ALTER COLUMN "memory_psi_full_total_microseconds" SET STORAGE EXTERNAL, ALTER COLUMN "memory_psi_full_stalled_percent" SET STORAGE EXTERNAL, ALTER COLUMN "memory_psi_full_avg10_percent" SET STORAGE EXTERNAL, ALTER COLUMN "memory_psi_full_avg60_percent" SET STORAGE EXTERNAL, ALTER COLUMN "memory_psi_full_avg300_percent" SET STORAGE EXTERNAL, ALTER COLUMN "io_psi_some_total_microseconds" SET STORAGE EXTERNAL, ALTER COLUMN "io_psi_some_stalled_percent" SET STORAGE EXTERNAL, ALTER COLUMN "io_psi_some_avg10_percent" SET STORAGE EXTERNAL, ALTER COLUMN "io_psi_some_avg60_percent" SET STORAGE EXTERNAL, ALTER COLUMN "io_psi_some_avg300_percent" SET STORAGE EXTERNAL, ALTER COLUMN "io_psi_full_total_microseconds" SET STORAGE EXTERNAL, ALTER COLUMN "io_psi_full_stalled_percent" SET STORAGE EXTERNAL, ALTER COLUMN "io_psi_full_avg10_percent" SET STORAGE EXTERNAL, ALTER COLUMN "io_psi_full_avg60_percent" SET STORAGE EXTERNAL, ALTER COLUMN "io_psi_full_avg300_percent" SET STORAGE EXTERNAL, ALTER COLUMN "swap_available_bytes" SET STORAGE EXTERNAL, ALTER COLUMN "swap_usage_bytes" SET STORAGE EXTERNAL, ALTER COLUMN "rootfs_available_bytes" SET STORAGE EXTERNAL, ALTER COLUMN "rootfs_capacity_bytes" SET STORAGE EXTERNAL, ALTER COLUMN "rootfs_used_bytes" SET STORAGE EXTERNAL, ALTER COLUMN "rootfs_inodes" SET STORAGE EXTERNAL, ALTER COLUMN "rootfs_inodes_free" SET STORAGE EXTERNAL, ALTER COLUMN "rootfs_inodes_used" SET STORAGE EXTERNAL, ALTER COLUMN "logs_available_bytes" SET STORAGE EXTERNAL, ALTER COLUMN "logs_capacity_bytes" SET STORAGE EXTERNAL, ALTER COLUMN "logs_used_bytes" SET STORAGE EXTERNAL, ALTER COLUMN "logs_inodes" SET STORAGE EXTERNAL, ALTER COLUMN "logs_inodes_free" SET STORAGE EXTERNAL, ALTER COLUMN "logs_inodes_used" SET STORAGE EXTERNAL, ALTER COLUMN "cpu_cfs_periods" SET STORAGE EXTERNAL, ALTER COLUMN "cpu_cfs_periods_per_second" SET STORAGE EXTERNAL, ALTER COLUMN "cpu_cfs_throttled_periods" SET STORAGE EXTERNAL, ALTER COLUMN "cpu_cfs_throttled_periods_per_second" SET STORAGE EXTERNAL, ALTER COLUMN "cpu_cfs_throttled_seconds" SET STORAGE EXTERNAL, ALTER COLUMN "cpu_cfs_throttled_millicores" SET STORAGE EXTERNAL, ALTER COLUMN "process_count" SET STORAGE EXTERNAL, ALTER COLUMN "threads" SET STORAGE EXTERNAL, ALTER COLUMN "threads_max" SET STORAGE EXTERNAL, ALTER COLUMN "file_descriptors" SET STORAGE EXTERNAL, ALTER COLUMN "sockets" SET STORAGE EXTERNAL;

COMMENT ON TABLE kubepulse."container_block" IS 'Compacted container_metric rows: one row per series, source and hour, columns encoded (read them with kubepulse.container_history(from, to)).';

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
  CROSS JOIN LATERAL unnest(kubepulse.kp_decode_ts(b."ts"), kubepulse.kp_decode_int(b."cpu_usage_nanocores"), kubepulse.kp_decode_int(b."cpu_usage_core_nanoseconds"), kubepulse.kp_decode_float(b."cpu_rate_millicores"), kubepulse.kp_decode_int(b."cpu_psi_some_total_microseconds"), kubepulse.kp_decode_float(b."cpu_psi_some_stalled_percent"), kubepulse.kp_decode_float(b."cpu_psi_some_avg10_percent"), kubepulse.kp_decode_float(b."cpu_psi_some_avg60_percent"), kubepulse.kp_decode_float(b."cpu_psi_some_avg300_percent"), kubepulse.kp_decode_int(b."cpu_psi_full_total_microseconds"), kubepulse.kp_decode_float(b."cpu_psi_full_stalled_percent"), kubepulse.kp_decode_float(b."cpu_psi_full_avg10_percent"), kubepulse.kp_decode_float(b."cpu_psi_full_avg60_percent"), kubepulse.kp_decode_float(b."cpu_psi_full_avg300_percent"), kubepulse.kp_decode_int(b."memory_available_bytes"), kubepulse.kp_decode_int(b."memory_usage_bytes"), kubepulse.kp_decode_int(b."memory_working_set_bytes"), kubepulse.kp_decode_int(b."memory_rss_bytes"), kubepulse.kp_decode_int(b."memory_page_faults"), kubepulse.kp_decode_float(b."memory_page_faults_per_second"), kubepulse.kp_decode_int(b."memory_major_page_faults"), kubepulse.kp_decode_float(b."memory_major_page_faults_per_second"), kubepulse.kp_decode_int(b."memory_cache_bytes"), kubepulse.kp_decode_int(b."memory_mapped_file_bytes"), kubepulse.kp_decode_int(b."memory_kernel_bytes"), kubepulse.kp_decode_int(b."memory_max_usage_bytes"), kubepulse.kp_decode_int(b."memory_failcnt"), kubepulse.kp_decode_float(b."memory_failcnt_per_second"), kubepulse.kp_decode_int(b."oom_events"), kubepulse.kp_decode_float(b."oom_events_per_second"), kubepulse.kp_decode_int(b."memory_psi_some_total_microseconds"), kubepulse.kp_decode_float(b."memory_psi_some_stalled_percent"), kubepulse.kp_decode_float(b."memory_psi_some_avg10_percent"), kubepulse.kp_decode_float(b."memory_psi_some_avg60_percent"), kubepulse.kp_decode_float(b."memory_psi_some_avg300_percent"), kubepulse.kp_decode_int(b."memory_psi_full_total_microseconds"), kubepulse.kp_decode_float(b."memory_psi_full_stalled_percent"), kubepulse.kp_decode_float(b."memory_psi_full_avg10_percent"), kubepulse.kp_decode_float(b."memory_psi_full_avg60_percent"), kubepulse.kp_decode_float(b."memory_psi_full_avg300_percent"), kubepulse.kp_decode_int(b."io_psi_some_total_microseconds"), kubepulse.kp_decode_float(b."io_psi_some_stalled_percent"), kubepulse.kp_decode_float(b."io_psi_some_avg10_percent"), kubepulse.kp_decode_float(b."io_psi_some_avg60_percent"), kubepulse.kp_decode_float(b."io_psi_some_avg300_percent"), kubepulse.kp_decode_int(b."io_psi_full_total_microseconds"), kubepulse.kp_decode_float(b."io_psi_full_stalled_percent"), kubepulse.kp_decode_float(b."io_psi_full_avg10_percent"), kubepulse.kp_decode_float(b."io_psi_full_avg60_percent"), kubepulse.kp_decode_float(b."io_psi_full_avg300_percent"), kubepulse.kp_decode_int(b."swap_available_bytes"), kubepulse.kp_decode_int(b."swap_usage_bytes"), kubepulse.kp_decode_int(b."rootfs_available_bytes"), kubepulse.kp_decode_int(b."rootfs_capacity_bytes"), kubepulse.kp_decode_int(b."rootfs_used_bytes"), kubepulse.kp_decode_int(b."rootfs_inodes"), kubepulse.kp_decode_int(b."rootfs_inodes_free"), kubepulse.kp_decode_int(b."rootfs_inodes_used"), kubepulse.kp_decode_int(b."logs_available_bytes"), kubepulse.kp_decode_int(b."logs_capacity_bytes"), kubepulse.kp_decode_int(b."logs_used_bytes"), kubepulse.kp_decode_int(b."logs_inodes"), kubepulse.kp_decode_int(b."logs_inodes_free"), kubepulse.kp_decode_int(b."logs_inodes_used"), kubepulse.kp_decode_int(b."cpu_cfs_periods"), kubepulse.kp_decode_float(b."cpu_cfs_periods_per_second"), kubepulse.kp_decode_int(b."cpu_cfs_throttled_periods"), kubepulse.kp_decode_float(b."cpu_cfs_throttled_periods_per_second"), kubepulse.kp_decode_float(b."cpu_cfs_throttled_seconds"), kubepulse.kp_decode_float(b."cpu_cfs_throttled_millicores"), kubepulse.kp_decode_int(b."process_count"), kubepulse.kp_decode_int(b."threads"), kubepulse.kp_decode_int(b."threads_max"), kubepulse.kp_decode_int(b."file_descriptors"), kubepulse.kp_decode_int(b."sockets")) AS d("ts", "cpu_usage_nanocores", "cpu_usage_core_nanoseconds", "cpu_rate_millicores", "cpu_psi_some_total_microseconds", "cpu_psi_some_stalled_percent", "cpu_psi_some_avg10_percent", "cpu_psi_some_avg60_percent", "cpu_psi_some_avg300_percent", "cpu_psi_full_total_microseconds", "cpu_psi_full_stalled_percent", "cpu_psi_full_avg10_percent", "cpu_psi_full_avg60_percent", "cpu_psi_full_avg300_percent", "memory_available_bytes", "memory_usage_bytes", "memory_working_set_bytes", "memory_rss_bytes", "memory_page_faults", "memory_page_faults_per_second", "memory_major_page_faults", "memory_major_page_faults_per_second", "memory_cache_bytes", "memory_mapped_file_bytes", "memory_kernel_bytes", "memory_max_usage_bytes", "memory_failcnt", "memory_failcnt_per_second", "oom_events", "oom_events_per_second", "memory_psi_some_total_microseconds", "memory_psi_some_stalled_percent", "memory_psi_some_avg10_percent", "memory_psi_some_avg60_percent", "memory_psi_some_avg300_percent", "memory_psi_full_total_microseconds", "memory_psi_full_stalled_percent", "memory_psi_full_avg10_percent", "memory_psi_full_avg60_percent", "memory_psi_full_avg300_percent", "io_psi_some_total_microseconds", "io_psi_some_stalled_percent", "io_psi_some_avg10_percent", "io_psi_some_avg60_percent", "io_psi_some_avg300_percent", "io_psi_full_total_microseconds", "io_psi_full_stalled_percent", "io_psi_full_avg10_percent", "io_psi_full_avg60_percent", "io_psi_full_avg300_percent", "swap_available_bytes", "swap_usage_bytes", "rootfs_available_bytes", "rootfs_capacity_bytes", "rootfs_used_bytes", "rootfs_inodes", "rootfs_inodes_free", "rootfs_inodes_used", "logs_available_bytes", "logs_capacity_bytes", "logs_used_bytes", "logs_inodes", "logs_inodes_free", "logs_inodes_used", "cpu_cfs_periods", "cpu_cfs_periods_per_second", "cpu_cfs_throttled_periods", "cpu_cfs_throttled_periods_per_second", "cpu_cfs_throttled_seconds", "cpu_cfs_throttled_millicores", "process_count", "threads", "threads_max", "file_descriptors", "sockets")
  WHERE b.start_ts > $1 - interval '3600 seconds' AND b.start_ts < $2
    AND d."ts" >= $1 AND d."ts" < $2
$fn$;

CREATE TABLE IF NOT EXISTS kubepulse."volume_block" (
  "cluster_id" integer NOT NULL,
  "pod_uid" text NOT NULL,
  "volume" text NOT NULL,
  "namespace" text,
  "pod" text,
  "node" text,
  "pvc" text,
  "source" "char" NOT NULL,
  "start_ts" timestamptz NOT NULL,
  "samples" integer NOT NULL,
  "ts" bytea NOT NULL,
  "available_bytes" bytea,
  "capacity_bytes" bytea,
  "used_bytes" bytea,
  "inodes" bytea,
  "inodes_free" bytea,
  "inodes_used" bytea,
  PRIMARY KEY ("cluster_id", "pod_uid", "volume", "source", "start_ts")
) PARTITION BY RANGE (start_ts);

ALTER TABLE kubepulse."volume_block" ALTER COLUMN "ts" SET STORAGE EXTERNAL, ALTER COLUMN "available_bytes" SET STORAGE EXTERNAL, ALTER COLUMN "capacity_bytes" SET STORAGE EXTERNAL, ALTER COLUMN "used_bytes" SET STORAGE EXTERNAL, ALTER COLUMN "inodes" SET STORAGE EXTERNAL, ALTER COLUMN "inodes_free" SET STORAGE EXTERNAL, ALTER COLUMN "inodes_used" SET STORAGE EXTERNAL;

COMMENT ON TABLE kubepulse."volume_block" IS 'Compacted volume_metric rows: one row per series, source and hour, columns encoded (read them with kubepulse.volume_history(from, to)).';

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

CREATE TABLE IF NOT EXISTS kubepulse."interface_block" (
  "cluster_id" integer NOT NULL,
  "node" text NOT NULL,
  "pod_uid" text NOT NULL,
  "interface" text NOT NULL,
  "source" "char" NOT NULL,
  "start_ts" timestamptz NOT NULL,
  "samples" integer NOT NULL,
  "ts" bytea NOT NULL,
  "rx_bytes" bytea,
  "rx_bytes_per_second" bytea,
  "rx_errors" bytea,
  "rx_errors_per_second" bytea,
  "tx_bytes" bytea,
  "tx_bytes_per_second" bytea,
  "tx_errors" bytea,
  "tx_errors_per_second" bytea,
  "rx_packets" bytea,
  "rx_packets_per_second" bytea,
  "tx_packets" bytea,
  "tx_packets_per_second" bytea,
  "rx_dropped" bytea,
  "rx_dropped_per_second" bytea,
  "tx_dropped" bytea,
  "tx_dropped_per_second" bytea,
  PRIMARY KEY ("cluster_id", "node", "pod_uid", "interface", "source", "start_ts")
) PARTITION BY RANGE (start_ts);

ALTER TABLE kubepulse."interface_block" ALTER COLUMN "ts" SET STORAGE EXTERNAL, ALTER COLUMN "rx_bytes" SET STORAGE EXTERNAL, ALTER COLUMN "rx_bytes_per_second" SET STORAGE EXTERNAL, ALTER COLUMN "rx_errors" SET STORAGE EXTERNAL, ALTER COLUMN "rx_errors_per_second" SET STORAGE EXTERNAL, ALTER COLUMN "tx_bytes" SET STORAGE EXTERNAL, ALTER COLUMN "tx_bytes_per_second" SET STORAGE EXTERNAL, ALTER COLUMN "tx_errors" SET STORAGE EXTERNAL, ALTER COLUMN "tx_errors_per_second" SET STORAGE EXTERNAL, ALTER COLUMN "rx_packets" SET STORAGE EXTERNAL, ALTER COLUMN "rx_packets_per_second" SET STORAGE EXTERNAL, ALTER COLUMN "tx_packets" SET STORAGE EXTERNAL, ALTER COLUMN "tx_packets_per_second" SET STORAGE EXTERNAL, ALTER COLUMN "rx_dropped" SET STORAGE EXTERNAL, ALTER COLUMN "rx_dropped_per_second" SET STORAGE EXTERNAL, ALTER COLUMN "tx_dropped" SET STORAGE EXTERNAL, ALTER COLUMN "tx_dropped_per_second" SET STORAGE EXTERNAL;

COMMENT ON TABLE kubepulse."interface_block" IS 'Compacted interface_metric rows: one row per series, source and hour, columns encoded (read them with kubepulse.interface_history(from, to)).';

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
  CROSS JOIN LATERAL unnest(kubepulse.kp_decode_ts(b."ts"), kubepulse.kp_decode_int(b."rx_bytes"), kubepulse.kp_decode_float(b."rx_bytes_per_second"), kubepulse.kp_decode_int(b."rx_errors"), kubepulse.kp_decode_float(b."rx_errors_per_second"), kubepulse.kp_decode_int(b."tx_bytes"), kubepulse.kp_decode_float(b."tx_bytes_per_second"), kubepulse.kp_decode_int(b."tx_errors"), kubepulse.kp_decode_float(b."tx_errors_per_second"), kubepulse.kp_decode_int(b."rx_packets"), kubepulse.kp_decode_float(b."rx_packets_per_second"), kubepulse.kp_decode_int(b."tx_packets"), kubepulse.kp_decode_float(b."tx_packets_per_second"), kubepulse.kp_decode_int(b."rx_dropped"), kubepulse.kp_decode_float(b."rx_dropped_per_second"), kubepulse.kp_decode_int(b."tx_dropped"), kubepulse.kp_decode_float(b."tx_dropped_per_second")) AS d("ts", "rx_bytes", "rx_bytes_per_second", "rx_errors", "rx_errors_per_second", "tx_bytes", "tx_bytes_per_second", "tx_errors", "tx_errors_per_second", "rx_packets", "rx_packets_per_second", "tx_packets", "tx_packets_per_second", "rx_dropped", "rx_dropped_per_second", "tx_dropped", "tx_dropped_per_second")
  WHERE b.start_ts > $1 - interval '3600 seconds' AND b.start_ts < $2
    AND d."ts" >= $1 AND d."ts" < $2
$fn$;

CREATE TABLE IF NOT EXISTS kubepulse."disk_io_block" (
  "cluster_id" integer NOT NULL,
  "node" text NOT NULL,
  "pod_uid" text NOT NULL,
  "container" text NOT NULL,
  "device" text NOT NULL,
  "namespace" text,
  "pod" text,
  "source" "char" NOT NULL,
  "start_ts" timestamptz NOT NULL,
  "samples" integer NOT NULL,
  "ts" bytea NOT NULL,
  "read_bytes" bytea,
  "read_bytes_per_second" bytea,
  "write_bytes" bytea,
  "write_bytes_per_second" bytea,
  "read_ops" bytea,
  "read_ops_per_second" bytea,
  "write_ops" bytea,
  "write_ops_per_second" bytea,
  "read_time_seconds" bytea,
  "read_time_percent" bytea,
  "write_time_seconds" bytea,
  "write_time_percent" bytea,
  "io_time_seconds" bytea,
  "io_busy_percent" bytea,
  "io_in_progress" bytea,
  PRIMARY KEY ("cluster_id", "node", "pod_uid", "container", "device", "source", "start_ts")
) PARTITION BY RANGE (start_ts);

ALTER TABLE kubepulse."disk_io_block" ALTER COLUMN "ts" SET STORAGE EXTERNAL, ALTER COLUMN "read_bytes" SET STORAGE EXTERNAL, ALTER COLUMN "read_bytes_per_second" SET STORAGE EXTERNAL, ALTER COLUMN "write_bytes" SET STORAGE EXTERNAL, ALTER COLUMN "write_bytes_per_second" SET STORAGE EXTERNAL, ALTER COLUMN "read_ops" SET STORAGE EXTERNAL, ALTER COLUMN "read_ops_per_second" SET STORAGE EXTERNAL, ALTER COLUMN "write_ops" SET STORAGE EXTERNAL, ALTER COLUMN "write_ops_per_second" SET STORAGE EXTERNAL, ALTER COLUMN "read_time_seconds" SET STORAGE EXTERNAL, ALTER COLUMN "read_time_percent" SET STORAGE EXTERNAL, ALTER COLUMN "write_time_seconds" SET STORAGE EXTERNAL, ALTER COLUMN "write_time_percent" SET STORAGE EXTERNAL, ALTER COLUMN "io_time_seconds" SET STORAGE EXTERNAL, ALTER COLUMN "io_busy_percent" SET STORAGE EXTERNAL, ALTER COLUMN "io_in_progress" SET STORAGE EXTERNAL;

COMMENT ON TABLE kubepulse."disk_io_block" IS 'Compacted disk_io_metric rows: one row per series, source and hour, columns encoded (read them with kubepulse.disk_io_history(from, to)).';

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
  CROSS JOIN LATERAL unnest(kubepulse.kp_decode_ts(b."ts"), kubepulse.kp_decode_int(b."read_bytes"), kubepulse.kp_decode_float(b."read_bytes_per_second"), kubepulse.kp_decode_int(b."write_bytes"), kubepulse.kp_decode_float(b."write_bytes_per_second"), kubepulse.kp_decode_int(b."read_ops"), kubepulse.kp_decode_float(b."read_ops_per_second"), kubepulse.kp_decode_int(b."write_ops"), kubepulse.kp_decode_float(b."write_ops_per_second"), kubepulse.kp_decode_float(b."read_time_seconds"), kubepulse.kp_decode_float(b."read_time_percent"), kubepulse.kp_decode_float(b."write_time_seconds"), kubepulse.kp_decode_float(b."write_time_percent"), kubepulse.kp_decode_float(b."io_time_seconds"), kubepulse.kp_decode_float(b."io_busy_percent"), kubepulse.kp_decode_int(b."io_in_progress")) AS d("ts", "read_bytes", "read_bytes_per_second", "write_bytes", "write_bytes_per_second", "read_ops", "read_ops_per_second", "write_ops", "write_ops_per_second", "read_time_seconds", "read_time_percent", "write_time_seconds", "write_time_percent", "io_time_seconds", "io_busy_percent", "io_in_progress")
  WHERE b.start_ts > $1 - interval '3600 seconds' AND b.start_ts < $2
    AND d."ts" >= $1 AND d."ts" < $2
$fn$;
