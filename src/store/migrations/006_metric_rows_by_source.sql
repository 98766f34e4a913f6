-- 006: rows are appended, never merged. Each metric row carries its source ('s' Summary API, 'c' cAdvisor,
-- 'r' resource metrics) in its primary key, so the two sources' rows of one sample stand side by side and
-- both are written by plain COPY (the merge through a staging table and an update per row is gone).
-- Rows stored before hold merged summary + cAdvisor values and become summary rows.

ALTER TABLE kubepulse.node_metric ADD COLUMN source "char" NOT NULL DEFAULT 's';
ALTER TABLE kubepulse.node_metric DROP CONSTRAINT node_metric_pkey;
ALTER TABLE kubepulse.node_metric ADD PRIMARY KEY (cluster_id, node, ts, source);
COMMENT ON COLUMN kubepulse.node_metric.source IS 'The kubelet endpoint the row came from: ''s'' Summary API, ''c'' cAdvisor, ''r'' resource metrics.';

ALTER TABLE kubepulse.system_container_metric ADD COLUMN source "char" NOT NULL DEFAULT 's';
ALTER TABLE kubepulse.system_container_metric DROP CONSTRAINT system_container_metric_pkey;
ALTER TABLE kubepulse.system_container_metric ADD PRIMARY KEY (cluster_id, node, name, ts, source);
COMMENT ON COLUMN kubepulse.system_container_metric.source IS 'The kubelet endpoint the row came from: ''s'' Summary API, ''c'' cAdvisor, ''r'' resource metrics.';

ALTER TABLE kubepulse.pod_metric ADD COLUMN source "char" NOT NULL DEFAULT 's';
ALTER TABLE kubepulse.pod_metric DROP CONSTRAINT pod_metric_pkey;
ALTER TABLE kubepulse.pod_metric ADD PRIMARY KEY (cluster_id, pod_uid, ts, source);
COMMENT ON COLUMN kubepulse.pod_metric.source IS 'The kubelet endpoint the row came from: ''s'' Summary API, ''c'' cAdvisor, ''r'' resource metrics.';

ALTER TABLE kubepulse.container_metric ADD COLUMN source "char" NOT NULL DEFAULT 's';
ALTER TABLE kubepulse.container_metric DROP CONSTRAINT container_metric_pkey;
ALTER TABLE kubepulse.container_metric ADD PRIMARY KEY (cluster_id, pod_uid, container, ts, source);
COMMENT ON COLUMN kubepulse.container_metric.source IS 'The kubelet endpoint the row came from: ''s'' Summary API, ''c'' cAdvisor, ''r'' resource metrics.';

ALTER TABLE kubepulse.volume_metric ADD COLUMN source "char" NOT NULL DEFAULT 's';
ALTER TABLE kubepulse.volume_metric DROP CONSTRAINT volume_metric_pkey;
ALTER TABLE kubepulse.volume_metric ADD PRIMARY KEY (cluster_id, pod_uid, volume, ts, source);
COMMENT ON COLUMN kubepulse.volume_metric.source IS 'The kubelet endpoint the row came from: ''s'' Summary API, ''c'' cAdvisor, ''r'' resource metrics.';

ALTER TABLE kubepulse.interface_metric ADD COLUMN source "char" NOT NULL DEFAULT 's';
ALTER TABLE kubepulse.interface_metric DROP CONSTRAINT interface_metric_pkey;
ALTER TABLE kubepulse.interface_metric ADD PRIMARY KEY (cluster_id, node, pod_uid, interface, ts, source);
COMMENT ON COLUMN kubepulse.interface_metric.source IS 'The kubelet endpoint the row came from: ''s'' Summary API, ''c'' cAdvisor, ''r'' resource metrics.';

ALTER TABLE kubepulse.disk_io_metric ADD COLUMN source "char" NOT NULL DEFAULT 's';
ALTER TABLE kubepulse.disk_io_metric DROP CONSTRAINT disk_io_metric_pkey;
ALTER TABLE kubepulse.disk_io_metric ADD PRIMARY KEY (cluster_id, node, pod_uid, container, device, ts, source);
COMMENT ON COLUMN kubepulse.disk_io_metric.source IS 'The kubelet endpoint the row came from: ''s'' Summary API, ''c'' cAdvisor, ''r'' resource metrics.';
