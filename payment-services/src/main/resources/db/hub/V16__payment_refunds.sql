-- Refunds of paid orders: one row per refund the hospital asked for (its request number is the
-- idempotency key), its own state beside the order's.
create table hub.payment_refund (
  id text primary key,
  payment_id text not null references hub.payment_order (id),
  refund_request_no text not null,
  amount_fen bigint not null check (amount_fen > 0),
  reason text,
  status text not null,
  channel_refund_id text,
  refunded_at timestamptz,
  created_at timestamptz not null,
  updated_at timestamptz not null,
  constraint payment_refund_request unique (payment_id, refund_request_no)
);
create index payment_refund_payment on hub.payment_refund (payment_id);
