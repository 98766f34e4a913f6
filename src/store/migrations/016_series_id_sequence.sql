-- Series ids from sequences. Each <entity>_series.series_id was an integer GENERATED ALWAYS AS IDENTITY
-- (009); Citus refuses to distribute a table with an integer identity column and accepts an integer column
-- whose default is nextval of a sequence (docs/DISTRIBUTED.md, F1). So the identity is dropped and the
-- column's default becomes the next value of a sequence AS integer owned by it, named as `serial` names it
-- (<entity>_series_series_id_seq): the column `serial` declares, as src/store/series-schema.ts
-- seriesTableDdl drafts it. Stored ids do not change; the sequence continues after the highest stored id
-- and after the identity's last value, so ids keep increasing as the identity's did and none is handed out
-- twice (not even a purged series' id). Every writer (series-ids.ts, the views' insert triggers) leaves
-- series_id to its default and is unchanged. All in the migration's transaction: a concurrent insert waits
-- for the table lock and then takes its id from the new sequence.

DO $seq$
DECLARE
  series text;
  sequence_name text;
  identity_last bigint;
  stored_max bigint;
BEGIN
  FOREACH series IN ARRAY ARRAY['node_series', 'system_container_series', 'pod_series', 'container_series',
                                 'volume_series', 'interface_series', 'disk_io_series'] LOOP
    EXECUTE format('SELECT CASE WHEN is_called THEN last_value END FROM %s',
      pg_get_serial_sequence(format('kubepulse.%I', series), 'series_id')) INTO identity_last;
    EXECUTE format('SELECT max(series_id) FROM kubepulse.%I', series) INTO stored_max;
    -- Drops the identity's own sequence with it; the new one takes its name.
    EXECUTE format('ALTER TABLE kubepulse.%I ALTER COLUMN series_id DROP IDENTITY', series);
    sequence_name := format('kubepulse.%I', series || '_series_id_seq');
    EXECUTE format('CREATE SEQUENCE %s AS integer OWNED BY kubepulse.%I.series_id', sequence_name, series);
    EXECUTE format('ALTER TABLE kubepulse.%I ALTER COLUMN series_id SET DEFAULT nextval(%L::regclass)', series, sequence_name);
    IF GREATEST(identity_last, stored_max) IS NOT NULL THEN
      PERFORM setval(sequence_name::regclass, GREATEST(identity_last, stored_max));
    END IF;
  END LOOP;
END
$seq$;
