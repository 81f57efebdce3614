-- Fixes to the card registry.

-- The status a card was reported lost from (active or frozen): 'found' returns it there. Kept
-- apart from held_from, so a national hold of a lost card does not forget it.
alter table card add column lost_from varchar(24);

-- A Patient has at most one live child card still waiting for its ID number: a second
-- application for the same child is refused (409) instead of making a duplicate card.
create unique index card_one_waiting_child_per_patient on card (patient_id)
  where card_number is null and status not in ('replaced', 'cancelled', 'rejected');
