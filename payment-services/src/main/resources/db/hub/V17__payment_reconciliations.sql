-- One row per channel and day reconciled: the last run's result in summary (the lines themselves
-- are recomputed from the statement and the ledger; equal lines keep their first-produced time).
create table hub.payment_reconciliation (
  channel text not null,
  day date not null,
  statement_digest text not null,
  report_digest text not null,
  lines integer not null,
  matched integer not null,
  produced_at timestamptz not null,
  last_run_at timestamptz not null,
  runs integer not null,
  primary key (channel, day)
);

create index payment_order_paid on hub.payment_order (channel, paid_at) where paid_at is not null;
create index payment_refund_refunded on hub.payment_refund (refunded_at) where refunded_at is not null;
