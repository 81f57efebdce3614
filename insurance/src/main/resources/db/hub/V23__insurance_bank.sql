-- The partner bank link: batches of premium deductions and of the fund's transfers to hospitals,
-- sent as files; the bank's answer files (each taken once, by its SHA-256) settle each line.
alter table hub.insurance_claim drop constraint insurance_claim_fund_status_check;
-- recover: reversed after the fund had paid it, so the hospital owes it back (netted in the next transfer)
alter table hub.insurance_claim add constraint insurance_claim_fund_status_check
  check (fund_status in ('payable', 'held', 'paid', 'none', 'recover'));

create table hub.insurance_bank_batch (
  id text primary key,
  kind text not null check (kind in ('premium-collection', 'fund-transfer')),
  county text,
  file_name text not null,
  lines int not null,
  amount_fen bigint not null,
  created_at timestamptz not null,
  created_by text not null
);

create table hub.insurance_bank_line (
  batch_id text not null references hub.insurance_bank_batch (id),
  line_no int not null,
  reference text not null,
  card_number text,
  amount_fen bigint not null,
  status text not null check (status in ('sent', 'paid', 'failed')),
  bank_reference text,
  answered_at timestamptz,
  reason text,
  primary key (batch_id, line_no)
);
-- a premium is in at most one batch waiting for the bank's answer
create unique index insurance_bank_line_open on hub.insurance_bank_line (reference) where status = 'sent';

create table hub.insurance_bank_line_claim (
  batch_id text not null,
  line_no int not null,
  claim_id text not null references hub.insurance_claim (id),
  amount_fen bigint not null,
  primary key (batch_id, line_no, claim_id)
);

create table hub.insurance_bank_answer (
  sha256 text primary key,
  file_name text not null,
  received_at timestamptz not null,
  lines int not null,
  reconciliation text
);
