-- interview_id_list: every interview's id, for matching a coded project's sources to interviews.
-- params: none
select interview_id
from interviews
order by interview_id
