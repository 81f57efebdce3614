-- What claims of a principal diagnosis usually cost at a hospital level, refreshed by the nightly
-- supervision pass; a claim far above it is a cost outlier.
create table hub.insurance_cost_statistic (
  diagnosis text not null,
  level text not null,
  setting text not null,
  claims int not null,
  mean_fen double precision not null,
  stddev_fen double precision not null,
  computed_at timestamptz not null,
  primary key (diagnosis, level, setting)
);

-- the nightly passes: one per day of settlements, done once (several instances: the first takes it)
create table hub.insurance_supervision_run (
  day date primary key,
  started_at timestamptz not null,
  finished_at timestamptz,
  claims int not null default 0,
  findings int not null default 0,
  taken_by text not null
);
create index insurance_claim_settled_at on hub.insurance_claim (settled_at);
