-- subtheme_list: the codebook's sub-themes as stored (code, theme, name, definition,
-- sounds_like, counter_sounds_like), for the scorecard, the .qdc export and mapping coded projects.
-- params: none
select
    code,
    theme,
    name,
    definition,
    sounds_like,
    counter_sounds_like,
from subthemes
order by theme, code
