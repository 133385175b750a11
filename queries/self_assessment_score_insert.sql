-- self_assessment_score_insert: one theme of a self-assessment: score (null: not assessed) and the
-- example from the trainee's own practice.
-- params: $self_assessment_id, $theme, $score, $example
insert into app_self_assessment_scores (self_assessment_id, theme, score, example)
values ($self_assessment_id, $theme, $score, $example)
