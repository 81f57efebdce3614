-- How the medical-insurance channel settled a paid order: the pooled fund's share, the insured
-- person's account, the cash the person paid (through a mobile wallet, in the same order).
create table hub.payment_insurance_settlement (
  payment_id    text primary key references hub.payment_order (id),
  settlement_id text not null,
  fund_fen      bigint not null check (fund_fen >= 0),
  account_fen   bigint not null check (account_fen >= 0),
  cash_fen      bigint not null check (cash_fen >= 0),
  recorded_at   timestamptz not null
);
