-- The unified payment platform's ledger: one row per payment order, one row per change of state.
create table hub.payment_order (
  id text primary key,
  institution text not null,
  merchant_order_no text not null,
  channel text not null,
  amount_fen bigint not null check (amount_fen > 0),
  description text not null,
  patient text,
  encounter text,
  charge_item text,
  invoice text,
  status text not null,
  payload text,
  channel_transaction_id text,
  paid_at timestamptz,
  created_at timestamptz not null,
  updated_at timestamptz not null,
  constraint payment_order_merchant_no unique (institution, merchant_order_no)
);

create table hub.payment_ledger (
  id bigserial primary key,
  payment_id text not null references hub.payment_order (id),
  from_status text,
  to_status text not null,
  amount_fen bigint not null,
  source text not null,
  channel_event_id text,
  recorded_at timestamptz not null
);

-- a channel's notification (its event id) is applied once per order
create unique index payment_ledger_event on hub.payment_ledger (payment_id, channel_event_id)
  where channel_event_id is not null;
create index payment_ledger_payment on hub.payment_ledger (payment_id);
