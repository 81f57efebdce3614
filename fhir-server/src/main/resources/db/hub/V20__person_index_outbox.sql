-- Patient writes the person index has not taken yet (issue 17): a row is written in the Patient's
-- own transaction and deleted once the index holds that Patient's current state. Ids and
-- versions only: no name or number.
create table hub.person_index_outbox (
  seq         bigserial   primary key,
  patient_id  text        not null,
  version     bigint      not null,
  deleted     boolean     not null,
  created_at  timestamptz not null default now()
);
