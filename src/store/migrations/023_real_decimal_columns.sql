-- 023: real decimal columns in history blocks (src/store/history/codec.ts format version 3, kind 7): a real
-- column read from decimal text (PSI averages, percentages) is stored as the integers k of k / 10^d, the
-- value being the float4 nearest that quotient. kp_header accepts version 3, kp_decode_float reads kind 7,
-- kp_decode_rate reads a plain rate column of either version. Drafted once from src/store/history/
-- decode-sql.ts and decode-rate-sql.ts; blocks written before decode unchanged.

CREATE OR REPLACE FUNCTION kubepulse.kp_header(b bytea, OUT kind integer, OUT nulls boolean, OUT n integer,
                                               OUT m integer, OUT body integer)
LANGUAGE plpgsql IMMUTABLE STRICT PARALLEL SAFE AS $fn$
BEGIN
  b := b || ''::bytea;
  IF length(b) < 4 THEN RAISE EXCEPTION 'history column of % bytes is too short for its header', length(b); END IF;
  IF get_byte(b, 0) = 2 THEN
    RAISE EXCEPTION 'history column is a derived rate (format version 2): read it with kubepulse.kp_decode_rate(rate, counter, ts)';
  END IF;
  -- Version 3 is version 1's layout with kind 7 (real decimal).
  IF get_byte(b, 0) NOT IN (1, 3) THEN RAISE EXCEPTION 'history column has unknown format version %', get_byte(b, 0); END IF;
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
  ELSIF h.kind = 7 THEN
    -- The binary32 nearest to k / 10^d: the double quotient rounded by the cast to real, as Math.fround does.
    scale := ('1e' || get_byte(b, h.body))::double precision;
    FOREACH x IN ARRAY kubepulse.kp_int_body(b, h.body + 1, h.m) LOOP
      vals := vals || (x::double precision / scale)::real::double precision;
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
  IF length(rate) >= 1 AND get_byte(rate, 0) IN (1, 3) THEN RETURN kubepulse.kp_decode_float(rate); END IF;
  IF length(rate) < 16 OR get_byte(rate, 0) <> 2 OR get_byte(rate, 1) NOT IN (5, 6) THEN
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
  IF get_byte(rate, 1) = 5 AND c.ok AND t.ok AND c.n = n AND t.n = n AND c.base >= 0 AND n >= 2 THEN
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
    IF get_byte(rate, 1) = 5 THEN
      FOR i IN 2 .. n LOOP
        dc := cs[i] - cs[i - 1];
        dt := tv[i] - tv[i - 1];
        out[i] := CASE WHEN dc >= 0 THEN dc::double precision / (dt::double precision / 1000) * scale END;
      END LOOP;
    ELSE
      -- kind 6: from the previous row whose counter is present
      p := NULL;
      FOR i IN 1 .. n LOOP
        CONTINUE WHEN cs[i] IS NULL;
        IF p IS NOT NULL THEN
          dc := cs[i] - cs[p];
          dt := tv[i] - tv[p];
          out[i] := CASE WHEN dc >= 0 THEN dc::double precision / (dt::double precision / 1000) * scale END;
        END IF;
        p := i;
      END LOOP;
    END IF;
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
