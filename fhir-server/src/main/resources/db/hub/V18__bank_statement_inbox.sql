-- The durable inbox of bank statement files (issue 16): a row is committed before the file is
-- answered for; the file's SHA-256 is the idempotency key.
create table hub.bank_statement_inbox (
  id           bigserial primary key,
  source       text        not null,
  file_name    text,
  format       text        not null,
  digest       text        not null,
  statements   integer     not null,
  entries      integer     not null,
  raw          bytea       not null,
  status       text        not null default 'RECEIVED'
               check (status in ('RECEIVED', 'STORED', 'FAILED')),
  received_at  timestamptz not null default now(),
  stored_at    timestamptz,
  attempts     integer     not null default 0,
  last_error   text,
  constraint bank_statement_inbox_digest unique (digest)
);

create index bank_statement_inbox_pending on hub.bank_statement_inbox (received_at) where status = 'RECEIVED';
