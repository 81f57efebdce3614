-- The newest source event time applied to a resource written from HL7 v2 (issue 4). Kept apart
-- from the resource so a message that changes nothing but the event time writes no new version,
-- yet still moves the ordering point: an older message arriving later cannot roll it back.
create table resource_event_time (
  resource_type text        not null,
  resource_id   text        not null,
  event_time    timestamptz not null,
  primary key (resource_type, resource_id)
);
