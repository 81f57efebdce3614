-- Hospitals are institutions of the card platform too: their id is their HL7 v2 sending facility
-- (MSH-4), and the hub accepts HL7 v2 only from registered hospitals.
alter table hub.card_institution drop constraint if exists card_institution_kind_check;
alter table hub.card_institution add constraint card_institution_kind_check
  check (kind in ('bank-branch', 'kiosk', 'service-point', 'card-factory', 'household-registration', 'hospital'));
