-- n8n-nodes-pipeline-monitor: the monitor's Postgres schema.
--
-- Idempotent: apply it as often as you like (psql -f, the "Pipeline Monitor: set up database"
-- workflow, or `npm run db:setup -- postgres://...`). Every object lives in schema
-- "pipeline_monitor". Each release appends a block guarded by its version number; applied
-- versions are recorded in pipeline_monitor.schema_version, so later releases migrate in place.
-- Every workflow writes with query parameters ($1, $2, ...) and ON CONFLICT on the unique keys
-- below, so a delivery that arrives twice is stored once.

CREATE SCHEMA IF NOT EXISTS pipeline_monitor;

CREATE TABLE IF NOT EXISTS pipeline_monitor.schema_version (
	version     integer PRIMARY KEY,
	description text NOT NULL,
	applied_at  timestamptz NOT NULL DEFAULT now()
);

DO $migration$
BEGIN
	IF EXISTS (SELECT 1 FROM pipeline_monitor.schema_version WHERE version = 1) THEN
		RETURN;
	END IF;

	-- The pipelines to watch: one row per Airflow DAG or n8n workflow.
	CREATE TABLE pipeline_monitor.pipelines (
		pipeline            text PRIMARY KEY CHECK (length(pipeline) BETWEEN 1 AND 250),
		service             text NOT NULL CHECK (service IN ('airflow', 'n8n')),
		-- cron expression or Airflow preset (@daily ...), read in "timezone"; NULL = not scheduled
		schedule            text,
		timezone            text NOT NULL DEFAULT 'Asia/Seoul',
		-- local time of day (HH:MM) by which a scheduled run must have finished
		deadline            text CHECK (deadline IS NULL OR deadline ~ '^([01][0-9]|2[0-3]):[0-5][0-9]$'),
		expected_duration_min integer CHECK (expected_duration_min IS NULL OR expected_duration_min > 0),
		owner               text,
		description         text,
		-- Teams webhook URL or channel name for this pipeline's failures; NULL = the default channel
		teams_channel       text,
		enabled             boolean NOT NULL DEFAULT true,
		created_at          timestamptz NOT NULL DEFAULT now(),
		updated_at          timestamptz NOT NULL DEFAULT now()
	);

	-- The tables whose daily row counts are watched.
	CREATE TABLE pipeline_monitor.monitored_tables (
		table_name     text PRIMARY KEY CHECK (table_name ~ '^[A-Za-z_][A-Za-z0-9_$]*(\.[A-Za-z_][A-Za-z0-9_$]*)?$'),
		-- which source the row-count monitor counts it in (the name of its database node)
		connection     text NOT NULL DEFAULT 'default',
		pipeline       text REFERENCES pipeline_monitor.pipelines (pipeline) ON UPDATE CASCADE ON DELETE SET NULL,
		cadence        text NOT NULL DEFAULT 'regular' CHECK (cadence IN ('regular', 'regular_holiday', 'monthly', 'irregular')),
		-- exact = count(*); estimate = the planner's statistics (no scan of huge tables)
		count_mode     text NOT NULL DEFAULT 'exact' CHECK (count_mode IN ('exact', 'estimate')),
		description    text,
		-- per-table overrides for Row Count Diff: expectedDay, minAbsChange, warnScore, failScore
		thresholds     jsonb NOT NULL DEFAULT '{}'::jsonb CHECK (jsonb_typeof(thresholds) = 'object'),
		enabled        boolean NOT NULL DEFAULT true,
		created_at     timestamptz NOT NULL DEFAULT now()
	);

	-- Every collected failure, warning or success, with its summary.
	CREATE TABLE pipeline_monitor.events (
		id               bigserial PRIMARY KEY,
		-- idempotency key: source|pipeline|run|task|try (see the collectors); one row per delivery
		event_key        text NOT NULL UNIQUE,
		source           text NOT NULL CHECK (source IN ('airflow', 'n8n')),
		kind             text NOT NULL CHECK (kind IN ('failure', 'warning', 'success')),
		pipeline         text NOT NULL,
		run_id           text,
		task_id          text,
		try_number       integer,
		state            text,
		logical_date     timestamptz,
		started_at       timestamptz,
		ended_at         timestamptz,
		message          text,
		url              text,
		log_url          text,
		summary          text,
		root_cause       text,
		category         text,
		suggested_action text,
		severity         text,
		transient        boolean,
		confidence       numeric,
		summarized_by    text CHECK (summarized_by IS NULL OR summarized_by IN ('llm', 'heuristic', 'cache')),
		model            text,
		fingerprint      text,
		redactions       integer,
		received_at      timestamptz NOT NULL DEFAULT now(),
		summarized_at    timestamptz,
		notified_at      timestamptz,
		teams_status     integer,
		payload          jsonb
	);
	CREATE INDEX events_pipeline_received ON pipeline_monitor.events (pipeline, received_at DESC);
	CREATE INDEX events_kind_received ON pipeline_monitor.events (kind, received_at DESC);
	CREATE INDEX events_fingerprint ON pipeline_monitor.events (fingerprint) WHERE fingerprint IS NOT NULL;

	-- Summaries by failure fingerprint: a failure seen before is not sent to the model again.
	CREATE TABLE pipeline_monitor.summaries (
		fingerprint  text PRIMARY KEY,
		summary      jsonb NOT NULL CHECK (jsonb_typeof(summary) = 'object'),
		hits         integer NOT NULL DEFAULT 1,
		created_at   timestamptz NOT NULL DEFAULT now(),
		last_seen_at timestamptz NOT NULL DEFAULT now()
	);

	-- The latest light per pipeline ...
	CREATE TABLE pipeline_monitor.lights (
		pipeline     text PRIMARY KEY,
		light        text NOT NULL CHECK (light IN ('green', 'yellow', 'red', 'grey')),
		reasons      jsonb NOT NULL DEFAULT '[]'::jsonb,
		last_run     jsonb,
		url          text,
		changed_at   timestamptz NOT NULL DEFAULT now(),
		evaluated_at timestamptz NOT NULL
	);

	-- ... and its history (one row per evaluation).
	CREATE TABLE pipeline_monitor.light_history (
		id           bigserial PRIMARY KEY,
		pipeline     text NOT NULL,
		light        text NOT NULL CHECK (light IN ('green', 'yellow', 'red', 'grey')),
		previous_light text,
		reasons      jsonb NOT NULL DEFAULT '[]'::jsonb,
		last_run     jsonb,
		evaluated_at timestamptz NOT NULL,
		UNIQUE (pipeline, evaluated_at)
	);
	CREATE INDEX light_history_evaluated ON pipeline_monitor.light_history (evaluated_at DESC);

	-- Daily row counts with their deltas and verdicts (one row per table and local day).
	CREATE TABLE pipeline_monitor.row_counts (
		table_name    text NOT NULL,
		measured_on   date NOT NULL,
		measured_at   timestamptz NOT NULL,
		rows          bigint NOT NULL CHECK (rows >= 0),
		delta         bigint,
		expected_low  numeric,
		expected_high numeric,
		score         numeric,
		light         text CHECK (light IS NULL OR light IN ('green', 'yellow', 'red', 'grey')),
		reason        jsonb,
		cadence       text,
		estimated     boolean NOT NULL DEFAULT false,
		PRIMARY KEY (table_name, measured_on)
	);

	-- Heartbeats: when monitoring last said it was alive, and what answered.
	CREATE TABLE pipeline_monitor.heartbeats (
		id         bigserial PRIMARY KEY,
		checked_at timestamptz NOT NULL DEFAULT now(),
		ok         boolean NOT NULL,
		checks     jsonb NOT NULL
	);

	INSERT INTO pipeline_monitor.schema_version (version, description)
	VALUES (1, 'pipelines, monitored tables, events, summaries, lights, light history, row counts, heartbeats');
END
$migration$;

-- Version 2: a pipeline's schedule zone may be left empty, meaning the Airflow instance's
-- [core] default_timezone (UTC unless airflow.cfg changes it), which the status workflows pass to
-- the Traffic Light as its "Airflow Default Time Zone" (their Settings node: airflowTimezone).
-- Version 1 filled an empty zone with Asia/Seoul, which is wrong for DAGs on Airflow's default.
-- Rows stored before keep the zone they have.
DO $migration$
BEGIN
	IF EXISTS (SELECT 1 FROM pipeline_monitor.schema_version WHERE version = 2) THEN
		RETURN;
	END IF;
	ALTER TABLE pipeline_monitor.pipelines ALTER COLUMN timezone DROP NOT NULL;
	ALTER TABLE pipeline_monitor.pipelines ALTER COLUMN timezone DROP DEFAULT;
	INSERT INTO pipeline_monitor.schema_version (version, description)
	VALUES (2, 'pipelines.timezone optional: empty means the Airflow instance default time zone');
END
$migration$;

-- Version 3: operators' annotations of table-days, and muting a table until a date. An
-- incident or backfill day is left out of the baseline Row Count Diff learns from (a past outage
-- no longer pollutes it); an expected day is not alarmed (a planned migration); a muted table is
-- judged but shown green "muted" up to and including mute_until. The row-count monitor reads both.
DO $migration$
BEGIN
	IF EXISTS (SELECT 1 FROM pipeline_monitor.schema_version WHERE version = 3) THEN
		RETURN;
	END IF;
	CREATE TABLE pipeline_monitor.annotations (
		id         bigserial PRIMARY KEY,
		table_name text NOT NULL,
		from_day   date NOT NULL,
		to_day     date NOT NULL,
		kind       text NOT NULL CHECK (kind IN ('incident', 'backfill', 'expected')),
		note       text,
		created_by text,
		created_at timestamptz NOT NULL DEFAULT now(),
		CHECK (to_day >= from_day)
	);
	CREATE INDEX annotations_table_days ON pipeline_monitor.annotations (table_name, to_day);
	ALTER TABLE pipeline_monitor.monitored_tables ADD COLUMN mute_until date;
	INSERT INTO pipeline_monitor.schema_version (version, description)
	VALUES (3, 'annotations of table-days (incident, backfill, expected) and monitored_tables.mute_until');
END
$migration$;

-- Version 4: freshness and hourly loads. A monitored table may name a timestamp column: the
-- row-count monitor then stores max(that column) as latest_at and its age at the check as
-- lag_minutes, and Row Count Diff judges it against max_lag_minutes (NULL: learnt from earlier
-- lags). hourly_hours > 0 also judges the per-hour counts of that column over the last N hours
-- against the same hour on earlier days and weeks; hours younger than settle_minutes still take
-- late rows and are not judged as drops.
DO $migration$
BEGIN
	IF EXISTS (SELECT 1 FROM pipeline_monitor.schema_version WHERE version = 4) THEN
		RETURN;
	END IF;
	ALTER TABLE pipeline_monitor.monitored_tables
		ADD COLUMN timestamp_column text CHECK (timestamp_column IS NULL OR timestamp_column ~ '^[A-Za-z_][A-Za-z0-9_$]{0,62}$'),
		ADD COLUMN max_lag_minutes integer CHECK (max_lag_minutes IS NULL OR max_lag_minutes > 0),
		ADD COLUMN hourly_hours integer CHECK (hourly_hours IS NULL OR hourly_hours BETWEEN 1 AND 168),
		ADD COLUMN settle_minutes integer NOT NULL DEFAULT 120 CHECK (settle_minutes >= 0),
		ADD CONSTRAINT monitored_tables_hourly_needs_column CHECK (hourly_hours IS NULL OR timestamp_column IS NOT NULL);
	ALTER TABLE pipeline_monitor.row_counts
		ADD COLUMN latest_at timestamptz,
		ADD COLUMN lag_minutes numeric,
		ADD COLUMN allowed_lag_minutes numeric,
		ADD COLUMN hourly jsonb;
	INSERT INTO pipeline_monitor.schema_version (version, description)
	VALUES (4, 'freshness (monitored_tables.timestamp_column, max_lag_minutes; row_counts.latest_at, lag_minutes) and hourly loads (hourly_hours, settle_minutes; row_counts.hourly)');
END
$migration$;

-- Version 5: responding from the card. Operators act on a failure through signed links on its
-- Teams card (acknowledge, retry the failed tasks, mute the pipeline); every action, refused ones
-- included, is one row in "actions", and a link's nonce is unique there, so a link works once.
-- An acknowledged failure records who, when and an optional resolution note, which later
-- failures with the same fingerprint show as "what fixed it last time". Runbooks are per
-- pipeline, with a default per failure category.
DO $migration$
BEGIN
	IF EXISTS (SELECT 1 FROM pipeline_monitor.schema_version WHERE version = 5) THEN
		RETURN;
	END IF;
	CREATE TABLE pipeline_monitor.actions (
		id          bigserial PRIMARY KEY,
		event_id    bigint REFERENCES pipeline_monitor.events (id) ON DELETE SET NULL,
		pipeline    text NOT NULL,
		action      text NOT NULL CHECK (action IN ('acknowledge', 'retry', 'mute')),
		-- the signed link's nonce; NULL for actions taken elsewhere than from a link
		nonce       text UNIQUE,
		actor       text,
		note        text,
		outcome     text NOT NULL CHECK (outcome IN ('done', 'failed')),
		detail      jsonb,
		created_at  timestamptz NOT NULL DEFAULT now()
	);
	CREATE INDEX actions_pipeline_created ON pipeline_monitor.actions (pipeline, created_at DESC);
	ALTER TABLE pipeline_monitor.events ADD COLUMN acknowledged_at timestamptz;
	ALTER TABLE pipeline_monitor.events ADD COLUMN acknowledged_by text;
	ALTER TABLE pipeline_monitor.events ADD COLUMN resolution_note text;
	ALTER TABLE pipeline_monitor.pipelines ADD COLUMN runbook_url text;
	ALTER TABLE pipeline_monitor.pipelines ADD COLUMN muted_until timestamptz;
	CREATE TABLE pipeline_monitor.runbooks (
		category text PRIMARY KEY,
		url      text NOT NULL CHECK (url ~ '^https?://')
	);
	INSERT INTO pipeline_monitor.schema_version (version, description)
	VALUES (5, 'actions from cards (acknowledge, retry, mute), acknowledgement and resolution note on events, runbooks');
END
$migration$;

-- Version 6: escalation, grouping and the weekly reliability report. A red failure nobody
-- acknowledged within escalate_after_min minutes (per pipeline; NULL = the escalation workflow's
-- default) is posted once more to the escalation channel, mentioning the owner: escalated_at is
-- set by the same statement that claims the failure, so it is escalated once. Repeats of the same
-- fingerprint of a pipeline on one local day are grouped: occurrence counts them (1 = the first,
-- which gets its own card) and grouped_into points at the first; repeats are reported by the
-- failure digest as one row per group ("3rd time today").
DO $migration$
BEGIN
	IF EXISTS (SELECT 1 FROM pipeline_monitor.schema_version WHERE version = 6) THEN
		RETURN;
	END IF;
	ALTER TABLE pipeline_monitor.pipelines ADD COLUMN escalate_after_min integer CHECK (escalate_after_min IS NULL OR escalate_after_min > 0);
	ALTER TABLE pipeline_monitor.events ADD COLUMN escalated_at timestamptz;
	ALTER TABLE pipeline_monitor.events ADD COLUMN escalation_status integer;
	ALTER TABLE pipeline_monitor.events ADD COLUMN occurrence integer CHECK (occurrence IS NULL OR occurrence > 0);
	ALTER TABLE pipeline_monitor.events ADD COLUMN grouped_into bigint REFERENCES pipeline_monitor.events (id) ON DELETE SET NULL;
	CREATE INDEX events_unescalated ON pipeline_monitor.events (received_at) WHERE kind = 'failure' AND escalated_at IS NULL AND acknowledged_at IS NULL;
	CREATE INDEX events_pipeline_fingerprint ON pipeline_monitor.events (pipeline, fingerprint, received_at) WHERE fingerprint IS NOT NULL;
	INSERT INTO pipeline_monitor.schema_version (version, description)
	VALUES (6, 'escalation (pipelines.escalate_after_min, events.escalated_at), grouping of repeats (events.occurrence, grouped_into)');
END
$migration$;

-- Version 7 (issue 16): the n8n error collector folds repeats of one error (same workflow, node
-- and error fingerprint) within a window into the first one's card, and counts them.
DO $migration$
BEGIN
	IF EXISTS (SELECT 1 FROM pipeline_monitor.schema_version WHERE version = 7) THEN
		RETURN;
	END IF;
	CREATE TABLE pipeline_monitor.alert_windows (
		alert_key       text PRIMARY KEY,
		opened_at       timestamptz NOT NULL,
		first_event_key text NOT NULL,
		repeats         integer NOT NULL DEFAULT 1 CHECK (repeats >= 1),
		last_seen_at    timestamptz NOT NULL DEFAULT now()
	);
	INSERT INTO pipeline_monitor.schema_version (version, description)
	VALUES (7, 'alert_windows: the n8n error collector posts one card per workflow, node and error fingerprint per window and counts the repeats');
END
$migration$;

-- Version 8 (issue 16): the status page's two-week history, per pipeline and local day. The hourly
-- status workflow (Pipeline Monitor: status changes) writes it: each run recomputes today and
-- yesterday from the Airflow runs it fetched, the stored events and the evaluations; a pipeline
-- with no rows in the workflow's time zone is filled once for the whole history window from
-- Airflow's runs. "day" is the local date in "timezone" (the workflow's Settings, Asia/Seoul by
-- default); a row is rewritten in place (primary key pipeline + day), so a re-run stores nothing
-- twice. The status page reads only these rows for its strips: no Airflow call per page view.
DO $migration$
BEGIN
	IF EXISTS (SELECT 1 FROM pipeline_monitor.schema_version WHERE version = 8) THEN
		RETURN;
	END IF;
	CREATE TABLE pipeline_monitor.pipeline_days (
		pipeline    text NOT NULL,
		day         date NOT NULL,
		timezone    text NOT NULL,
		-- the worst light of the day (red, yellow, grey, green); NULL: nothing ran or was judged that day
		light       text CHECK (light IS NULL OR light IN ('green', 'yellow', 'red', 'grey')),
		-- where that light came from: an Airflow run or callback, an n8n failure, or an evaluation
		source      text CHECK (source IS NULL OR source IN ('airflow', 'n8n', 'evaluation')),
		-- Airflow runs that started that day: all of them, the failed ones, the unfinished or other ones
		runs        integer NOT NULL DEFAULT 0 CHECK (runs >= 0),
		failed      integer NOT NULL DEFAULT 0 CHECK (failed >= 0),
		other       integer NOT NULL DEFAULT 0 CHECK (other >= 0),
		-- stored events of that day (n8n error collector, Airflow callbacks and sweeper)
		failures    integer NOT NULL DEFAULT 0 CHECK (failures >= 0),
		warnings    integer NOT NULL DEFAULT 0 CHECK (warnings >= 0),
		-- stored evaluations (light_history) of that day, and those that were late or warned (yellow)
		evaluations integer NOT NULL DEFAULT 0 CHECK (evaluations >= 0),
		late        integer NOT NULL DEFAULT 0 CHECK (late >= 0),
		computed_at timestamptz NOT NULL DEFAULT now(),
		PRIMARY KEY (pipeline, day)
	);
	CREATE INDEX pipeline_days_day ON pipeline_monitor.pipeline_days (day);
	INSERT INTO pipeline_monitor.schema_version (version, description)
	VALUES (8, 'pipeline_days: worst light per pipeline and local day with its counts, written by the hourly status workflow, read by the status page');
END
$migration$;

-- Version 9 (issue 15): the cheaper intake. The collector's webhook execution only checks and
-- stores the callback; the failure reporter (workflows/failure-reporter.json) claims unreported
-- Airflow failures in batches and does the log, summary, routing and card. A claim is a lease
-- (claimed_by: the reporter's execution, claimed_until): a run that dies leaves it to expire and a
-- later run takes the failure; after 3 claims the failure is left to the failure digest. reported_at:
-- the reporter has decided (own card, grouped into an earlier card, or muted: then suppressed_at and
-- suppressed_reason of version 11 say so). Rows stored before this version count as reported.
DO $migration$
BEGIN
	IF EXISTS (SELECT 1 FROM pipeline_monitor.schema_version WHERE version = 9) THEN
		RETURN;
	END IF;
	ALTER TABLE pipeline_monitor.events ADD COLUMN reported_at timestamptz;
	ALTER TABLE pipeline_monitor.events ADD COLUMN claimed_by text;
	ALTER TABLE pipeline_monitor.events ADD COLUMN claimed_until timestamptz;
	ALTER TABLE pipeline_monitor.events ADD COLUMN claims integer NOT NULL DEFAULT 0 CHECK (claims >= 0);
	UPDATE pipeline_monitor.events SET reported_at = coalesce(notified_at, received_at);
	CREATE INDEX events_unreported ON pipeline_monitor.events (id)
		WHERE source = 'airflow' AND kind = 'failure' AND reported_at IS NULL AND notified_at IS NULL;
	INSERT INTO pipeline_monitor.schema_version (version, description)
	VALUES (9, 'cheaper intake: the failure reporter claims unreported failures (events.reported_at, claimed_by, claimed_until, claims)');
END
$migration$;

-- Version 10 (issue 15): a sweep's watermark outside n8n's workflow static data, for queue mode
-- (n8n 2.x workers save static data but the next execution in a worker does not read it back).
-- One row per workflow and node, scoped to the Airflow it was read from. The workflow reads
-- `state` before the Airflow node (Keep Watermark In: Input Item) and saves the node's
-- sweepWatermark only after the items it covers are stored, with a compare-and-set: a row moves
-- forward only (a later `since`), or over to another Airflow, so an overlapping older sweep that
-- finishes last cannot move it back.
DO $migration$
BEGIN
	IF EXISTS (SELECT 1 FROM pipeline_monitor.schema_version WHERE version = 10) THEN
		RETURN;
	END IF;
	CREATE TABLE pipeline_monitor.sweep_watermarks (
		workflow_id text NOT NULL,
		node        text NOT NULL,
		airflow_url text NOT NULL,
		since       timestamptz NOT NULL,
		state       jsonb NOT NULL,
		updated_at  timestamptz NOT NULL DEFAULT now(),
		PRIMARY KEY (workflow_id, node)
	);
	INSERT INTO pipeline_monitor.schema_version (version, description)
	VALUES (10, 'sweep_watermarks: the Airflow node''s sweep watermark in Postgres (queue mode), saved after the events with a compare-and-set');
END
$migration$;

-- Version 11 (issue 14, the rest): a failure of a muted pipeline (pipelines.muted_until later than
-- now) is stored but gets no card: suppressed_at and suppressed_reason say so ("muted until …"),
-- and neither the failure digest nor escalation picks it up later, also after the mute ended.
-- A monitored table may name its own Teams channel (else its pipeline's).
DO $migration$
BEGIN
	IF EXISTS (SELECT 1 FROM pipeline_monitor.schema_version WHERE version = 11) THEN
		RETURN;
	END IF;
	ALTER TABLE pipeline_monitor.events ADD COLUMN suppressed_at timestamptz;
	ALTER TABLE pipeline_monitor.events ADD COLUMN suppressed_reason text;
	ALTER TABLE pipeline_monitor.monitored_tables ADD COLUMN teams_channel text;
	INSERT INTO pipeline_monitor.schema_version (version, description)
	VALUES (11, 'failures of muted pipelines stored without a card (events.suppressed_at, suppressed_reason); monitored_tables.teams_channel');
END
$migration$;
