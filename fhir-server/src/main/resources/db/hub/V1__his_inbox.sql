-- The durable inbox of HL7 v2 messages (issue 4). A row is committed before the ACK is sent;
-- (sending_facility, control_id) is the idempotency key.
create table his_inbox (
  id               bigserial primary key,
  sending_facility text        not null,
  control_id       text        not null,
  message_type     text        not null,
  charset          text        not null,
  raw              bytea       not null,
  ack              bytea       not null,
  status           text        not null default 'RECEIVED'
                   check (status in ('RECEIVED', 'STORED', 'FAILED')),
  received_at      timestamptz not null default now(),
  queued_at        timestamptz not null default now(),
  stored_at        timestamptz,
  attempts         integer     not null default 0,
  last_error       text,
  constraint his_inbox_message_key unique (sending_facility, control_id)
);

create index his_inbox_pending on his_inbox (queued_at) where status = 'RECEIVED';
create index his_inbox_failed on his_inbox (received_at) where status = 'FAILED';
