-- peer_nominations_for_person: the peer nominations one person received, only when that person
-- is on staff in one of the given programs (no rows otherwise).
-- params: $person_id, $program_ids (list of program ids the reader may see)
with on_staff as (
    select distinct
        person_id,
    from staff
    where person_id = $person_id and list_contains($program_ids, program_id)
)

select
    coalesce(p.full_name, n.nominator_id) as nominated_by,
    n.nominated_on,
from peer_nominations as n
inner join on_staff as s on s.person_id = n.nominee_id
left join people as p on p.person_id = n.nominator_id
order by n.nominated_on desc, nominated_by
