-- The job queue (the design of River and graphile-worker; see docs/jobs.md).
-- A job is claimed with FOR UPDATE SKIP LOCKED, held by a lease that its
-- worker renews, and fenced by lease_token: every write a worker makes checks
-- the token, so a worker that lost its lease changes nothing.
create type job_state as enum (
  'available',  -- waiting for run_at, then claimable
  'running',    -- claimed; lease_token and lease_expires_at are set
  'succeeded',
  'retryable',  -- failed, claimable again at run_at (back-off)
  'dead',       -- failed at max_attempts, or failed permanently
  'cancelled'
);

create table jobs (
  id bigint generated always as identity primary key,
  kind text not null,
  queue text not null default 'default',
  payload jsonb not null default '{}',
  -- Lower runs first, as in graphile-worker.
  priority smallint not null default 0,
  state job_state not null default 'available',
  run_at timestamptz not null default now(),
  -- Attempts started so far; a claim increments it.
  attempt integer not null default 0 check (attempt >= 0),
  max_attempts integer not null default 5 check (max_attempts >= 1),
  unique_key text,
  -- Fencing token: new on every claim, cleared when the job leaves `running`.
  lease_token uuid,
  lease_expires_at timestamptz,
  locked_by text,
  cancel_requested_at timestamptz,
  progress jsonb,
  last_error text,
  -- One entry per failed attempt: {attempt, at, error, retryInMs}.
  errors jsonb not null default '[]',
  created_at timestamptz not null default now(),
  attempted_at timestamptz,
  finished_at timestamptz,
  constraint jobs_lease_iff_running check (
    (state = 'running') = (lease_token is not null and lease_expires_at is not null)
  )
);

-- Shaped like the claim query: equality on queue, then its ORDER BY
-- (priority, run_at, id), only over claimable rows so it stays small.
create index jobs_claim_idx on jobs (queue, priority, run_at, id)
  where state in ('available', 'retryable');

-- The rescuer's scan for expired leases.
create index jobs_lease_idx on jobs (lease_expires_at) where state = 'running';

-- A unique key holds only while its job is not finished, so a double enqueue
-- makes one job, and the same key can be used again once that job is done.
create unique index jobs_unique_key_idx on jobs (unique_key)
  where unique_key is not null and state in ('available', 'running', 'retryable');

-- The pruner deletes finished jobs by age.
create index jobs_finished_idx on jobs (finished_at)
  where state in ('succeeded', 'dead', 'cancelled');

-- Wakes idle runners at once. NOTIFY is sent at commit, so a job enqueued in
-- a transaction that rolls back wakes nobody; identical notifications within
-- one transaction are folded into one by PostgreSQL.
create function jobs_notify_available() returns trigger language plpgsql as $$
begin
  perform pg_notify('revenge_jobs', new.queue);
  return null;
end $$;

create trigger jobs_notify_available
  after insert or update of state on jobs
  for each row when (new.state in ('available', 'retryable'))
  execute function jobs_notify_available();

-- Periodic schedules. next_run_at is advanced under a row lock in the same
-- transaction that enqueues the job, which makes a period fire once across
-- every instance of Revenge.
create table job_schedules (
  name text primary key,
  cron text not null,
  next_run_at timestamptz not null,
  last_run_at timestamptz,
  updated_at timestamptz not null default now()
);
