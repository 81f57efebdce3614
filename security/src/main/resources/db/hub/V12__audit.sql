-- Audit entries recorded on the request path (one small insert before the answer leaves), turned
-- into IHE BALP AuditEvent resources in the background and then deleted from here.
create table audit_outbox (
  id        bigserial primary key,
  recorded  timestamptz not null,
  entry     text not null
);

-- The hash chain over the AuditEvents of each day (province time): each link is the SM3 hash of
-- the previous link and the event's content; the event carries the previous link too.
create table audit_chain (
  day             date not null,
  seq             bigint not null,
  audit_event_id  text not null,
  hash            text not null,
  primary key (day, seq)
);
