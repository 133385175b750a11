-- app_interview_next_id: a new id for an interview scheduled in Vocation ("VI" and a number from
-- the app's sequence, so it never repeats).
-- params: none
select 'VI' || lpad(cast(nextval('app_id_seq') as varchar), 6, '0') as interview_id
