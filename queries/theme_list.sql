-- theme_list: the codebook's themes as stored (code, name, definition, sounds_like,
-- counter_sounds_like), for the .qdc export and for mapping coded projects.
-- params: none
select
    code,
    name,
    definition,
    sounds_like,
    counter_sounds_like,
from themes
order by code
