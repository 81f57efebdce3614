-- The police household-registration system signs the messages that give children their ID
-- numbers: it is registered like the other institutions, with a kind of its own.
alter table hub.card_institution alter column kind type varchar(32);
alter table hub.card_institution drop constraint if exists card_institution_kind_check;
alter table hub.card_institution add constraint card_institution_kind_check
  check (kind in ('bank-branch', 'kiosk', 'service-point', 'card-factory', 'household-registration'));
