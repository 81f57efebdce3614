-- How much of an item claims of a principal diagnosis usually bill at a hospital level, refreshed
-- with the cost statistics; a line far above it is a quantity outlier.
create table hub.insurance_quantity_statistic (
  diagnosis text not null,
  level text not null,
  item text not null,
  claims int not null,
  mean_quantity double precision not null,
  stddev_quantity double precision not null,
  computed_at timestamptz not null,
  primary key (diagnosis, level, item)
);
