-- subtheme_list: the codebook's sub-themes in the database (code, theme, name), for the scorecard.
-- params: none
select
    code,
    theme,
    name,
from subthemes
order by theme, code
