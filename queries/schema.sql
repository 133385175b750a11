-- schema: every table of the data contract (see dashboard/contract.py) and the app-owned tables.
-- A contract table's key is unique, and its references (→) hold, because the importer checks both
-- for the whole batch and upserts by key; they are not declared as primary or foreign keys: a
-- declared key is an index DuckDB keeps in memory for the whole import transaction (over 1 GB for
-- the 15 million rows of scale 1,000), and a batch is validated whole before anything is written.
-- Idempotent: safe to run on every start.

-- the codebook ------------------------------------------------------------------------------
create table if not exists themes (
    code varchar not null,  -- the key
    name varchar not null,
    definition varchar not null,
    sounds_like varchar,
    counter_sounds_like varchar,
);

create table if not exists subthemes (
    code varchar not null,  -- the key
    theme varchar not null,  -- → themes.code
    name varchar not null,
    definition varchar not null,
    sounds_like varchar,
    counter_sounds_like varchar,
);

-- programs and people -----------------------------------------------------------------------
create table if not exists sites (
    site_id varchar not null,  -- the key
    site_name varchar not null,
    region varchar,
);

create table if not exists programs (
    program_id varchar not null,  -- the key
    site_id varchar not null,  -- → sites
    program_name varchar not null,
    population varchar,
);

create table if not exists people (
    person_id varchar not null,  -- the key
    full_name varchar not null,
    email varchar,
);

create table if not exists raters (
    rater_id varchar not null,  -- the key
    full_name varchar not null,
    email varchar,  -- optional; links an interviewer's sign-in (case-insensitive)
);

alter table raters add column if not exists email varchar;  -- a database from before the column

-- hiring and interviews ---------------------------------------------------------------------
create table if not exists applications (
    application_id varchar not null,  -- the key
    person_id varchar not null,  -- → people
    program_id varchar not null,  -- → programs
    position varchar not null,
    applied_on date not null,
    stage varchar not null check (stage in ('applied', 'screened', 'interviewed', 'offered', 'hired')),
    status varchar not null check (status in ('open', 'hired', 'rejected', 'withdrawn', 'declined_offer')),
    status_on date,
);

create table if not exists interviews (
    interview_id varchar not null,  -- the key
    person_id varchar not null,  -- → people
    program_id varchar not null,  -- → programs
    application_id varchar,  -- → applications; blank unless purpose is hiring
    interview_date date not null,
    purpose varchar not null check (purpose in ('hiring', 'intake', 'midpoint', 'exit', 'annual')),
);

create table if not exists ratings (
    interview_id varchar not null,  -- → interviews
    rater_id varchar not null,  -- → raters
    theme varchar not null,  -- → themes
    score tinyint not null check (score between 0 and 4),
    -- the key: (interview_id, rater_id, theme)
);

create table if not exists consensus (
    interview_id varchar not null,  -- → interviews
    theme varchar not null,  -- → themes
    score tinyint not null check (score between 0 and 4),
    agreed_on date,
    -- the key: (interview_id, theme)
);

create table if not exists excerpts (
    excerpt_id varchar not null,  -- the key
    interview_id varchar not null,  -- → interviews
    rater_id varchar not null,  -- → raters
    theme varchar not null,  -- → themes
    subtheme varchar,  -- → subthemes, of the same theme
    stance varchar not null check (stance in ('supports', 'counter')),
    text varchar not null,
);

-- filled only from coded REFI-QDA projects (.qdpx): each source that yields an excerpt, and where
-- every excerpt sits in it (code points from 0, end exclusive, line ends as \n)
create table if not exists transcripts (
    transcript_id varchar not null,  -- the key; the source's GUID in the project
    interview_id varchar not null,  -- → interviews
    source_name varchar not null,
    text varchar not null,
);

create table if not exists excerpt_positions (
    excerpt_id varchar not null,  -- the key; → excerpts
    transcript_id varchar not null,  -- → transcripts
    start_pos integer not null check (start_pos >= 0),
    end_pos integer not null check (end_pos > start_pos),
);

-- training ----------------------------------------------------------------------------------
create table if not exists cohorts (
    cohort_id varchar not null,  -- the key
    program_id varchar not null,  -- → programs
    cohort_name varchar not null,
    kind varchar,
    starts_on date not null,
    ends_on date,
);

create table if not exists enrollments (
    person_id varchar not null,  -- → people
    cohort_id varchar not null,  -- → cohorts
    enrolled_on date not null,
    status varchar not null check (status in ('active', 'completed', 'withdrawn')),
    left_on date,
    -- the key: (person_id, cohort_id)
);

create table if not exists modules (
    module_id varchar not null,  -- the key
    module_name varchar not null,
    hours double not null check (hours >= 0),
    description varchar,
);

create table if not exists module_themes (
    module_id varchar not null,  -- → modules
    theme varchar not null,  -- → themes
    emphasis tinyint not null check (emphasis between 1 and 3),
    -- the key: (module_id, theme)
);

create table if not exists module_completions (
    person_id varchar not null,  -- → people
    module_id varchar not null,  -- → modules
    completed_on date not null,
    -- the key: (person_id, module_id)
);

-- staff and outcomes ------------------------------------------------------------------------
create table if not exists staff (
    person_id varchar not null,  -- → people
    program_id varchar not null,  -- → programs
    role_title varchar not null,
    hired_on date not null,
    left_on date,
    exit_reason varchar,
    -- the key: (person_id, program_id, hired_on)
);

create table if not exists peer_nominations (
    nominator_id varchar not null,  -- → people
    nominee_id varchar not null,  -- → people
    nominated_on date not null,
    -- the key: (nominator_id, nominee_id)
);

create table if not exists outcomes (
    person_id varchar not null,  -- → people
    measured_on date not null,
    measure varchar not null,
    value double not null,
    -- the key: (person_id, measured_on, measure)
);

-- optional and restricted: read only by the fairness analysis
create table if not exists demographics (
    person_id varchar not null,  -- the key; → people
    sex varchar,
    race_ethnicity varchar,
);

-- app-owned tables: never touched by an import ----------------------------------------------
create sequence if not exists app_id_seq;

create table if not exists app_imports (
    import_id integer primary key default nextval('app_id_seq'),
    imported_at timestamp not null,
    imported_by varchar,
    files varchar not null,
    checksum varchar not null,
    inserted integer not null,
    updated integer not null,
    unchanged integer not null,
    summary varchar not null,  -- json: per table inserted/updated/unchanged
);

create table if not exists app_decisions (
    decision_id integer primary key default nextval('app_id_seq'),
    application_id varchar not null,
    decision varchar not null check (decision in ('advance', 'hold', 'decline')),
    note varchar,
    decided_by varchar not null,
    decided_at timestamp not null,
);

create table if not exists app_consensus (
    consensus_id integer primary key default nextval('app_id_seq'),
    interview_id varchar not null,
    theme varchar not null,
    score tinyint not null check (score between 0 and 4),
    note varchar,
    recorded_by varchar not null,
    recorded_at timestamp not null,
);

create table if not exists app_user_roles (
    email varchar not null,
    role varchar not null check (role in ('supervisor', 'training_director', 'leadership', 'admin', 'interviewer', 'trainee')),
    program_id varchar not null default '',  -- '' for roles that are not scoped to programs
    added_by varchar,
    added_at timestamp not null,
    primary key (email, role, program_id),
);

create table if not exists app_audit_log (
    audit_id bigint primary key default nextval('app_id_seq'),
    logged_at timestamp not null,
    who varchar not null,
    role varchar,
    action varchar not null,
    object varchar,
    row_count integer,
);

create table if not exists app_meta (
    key varchar primary key,
    value varchar not null,
);

-- Interviews whose materialized rows a small write (a scorecard, a consensus, a scheduling) left
-- to refresh because an import was writing meanwhile (store/write_gate.py): each refreshed, and its
-- rows removed, in one transaction as soon as the import ends, or on the next opening of the database.
create table if not exists app_pending_refresh (
    interview_id varchar not null,
    queued_at timestamp not null,
);

-- scorecards: interviews scheduled in Vocation, their panels and the raters' cards ---------
-- An interview scheduled in the app is app-owned: its row in `interviews`, and the ratings and
-- excerpts that its submitted scorecards write into `ratings` and `excerpts`, are never changed
-- by an import (the importer refuses any row whose key collides with them). app_interviews is
-- the key set that says which interviews those are.
create table if not exists app_interviews (
    interview_id varchar primary key,  -- also a row of `interviews`
    scheduled_by varchar not null,
    scheduled_at timestamp not null,
);

create table if not exists app_panel_seats (
    interview_id varchar not null,  -- → app_interviews
    rater_id varchar not null,  -- → raters
    status varchar not null default 'seated' check (status in ('seated', 'confirmed', 'recused')),
    added_by varchar not null,
    added_at timestamp not null,
    conflict_checked_at timestamp,  -- when the rater confirmed no dual relationship, or recused
    recusal_reason varchar,
    primary key (interview_id, rater_id),
);

-- One row per saved state of a rater's card: version 0 is the draft (replaced on each save,
-- removed on submit), version 1 the first submission (kept for ever: Reliability reads it),
-- versions 2+ amendments, each with its reason.
create table if not exists app_scorecards (
    scorecard_id integer primary key default nextval('app_id_seq'),
    interview_id varchar not null,
    rater_id varchar not null,
    version integer not null check (version >= 0),
    reason varchar,  -- why an amendment was made (versions 2+)
    saved_by varchar not null,
    saved_at timestamp not null,
    unique (interview_id, rater_id, version),
);

create table if not exists app_scorecard_scores (
    scorecard_id integer not null,  -- → app_scorecards
    theme varchar not null,
    score tinyint check (score between 0 and 4),  -- null: not assessed (never 0)
    primary key (scorecard_id, theme),
);

create table if not exists app_scorecard_excerpts (
    scorecard_id integer not null,  -- → app_scorecards
    position integer not null,
    theme varchar not null,
    subtheme varchar,
    stance varchar not null check (stance in ('supports', 'counter')),
    text varchar not null,
    primary key (scorecard_id, position),
);

-- self-assessments: a trainee rates themselves at each review (intake, midpoint, exit, annual) -
-- One row per saved state, as scorecards: version 0 the draft (replaced on each save, removed on
-- submit), version 1 the first submission (kept for ever), versions 2+ amendments with a reason.
-- Never a rating: Screening, Reliability and the validation study do not read these tables.
create table if not exists app_self_assessments (
    self_assessment_id integer primary key default nextval('app_id_seq'),
    interview_id varchar not null,  -- → interviews (a review of this person)
    person_id varchar not null,  -- → people (the trainee)
    version integer not null check (version >= 0),
    reason varchar,  -- why an amendment was made (versions 2+)
    saved_by varchar not null,
    saved_at timestamp not null,
    unique (interview_id, person_id, version),
);

create table if not exists app_self_assessment_scores (
    self_assessment_id integer not null,  -- → app_self_assessments
    theme varchar not null,
    score tinyint check (score between 0 and 4),  -- null: not assessed (never 0)
    example varchar,  -- from the trainee's own practice; required for every score
    primary key (self_assessment_id, theme),
);

-- Moves and cancellations of interviews scheduled in Vocation. `sequence` is the iCalendar
-- SEQUENCE of the interview's event (0 at scheduling, +1 on every move and on the cancellation),
-- kept whether or not mail is on. A cancelled interview leaves `interviews` (it is not counted
-- anywhere); its row is kept here with who cancelled it, when and why.
create table if not exists app_interview_calendar (
    interview_id varchar primary key,  -- → app_interviews
    sequence integer not null default 0 check (sequence >= 0),
    cancelled_at timestamp,
    cancelled_by varchar,
    cancel_reason varchar,
    person_id varchar,  -- the cancelled interview's row as it was
    program_id varchar,
    application_id varchar,
    interview_date date,
    purpose varchar,
);

-- mail: the outbox and each person's choice about reminders ------------------------------
-- A message is queued in the same transaction as the event that causes it, as the complete
-- RFC 5322 message; the sender marks it sent (in its own transaction) right after the server
-- accepts it, or records the try and when to try again, or marks it failed with the reply.
create table if not exists app_outbox (
    outbox_id bigint primary key,  -- from app_id_seq; also in the Message-ID
    kind varchar not null,  -- invitation, moved, cancelled, recused, panel_complete, overdue_reminder, test,
    -- and to a trainee: self_assessment_invitation, _moved, _cancelled, _reminder (notify/outbox.py KINDS)
    recipient varchar not null,
    subject varchar not null,
    message blob not null,  -- the whole message as sent
    message_id varchar not null unique,
    status varchar not null default 'queued' check (status in ('queued', 'sent', 'failed')),
    attempts integer not null default 0,
    first_attempt_at timestamp,
    last_attempt_at timestamp,
    next_attempt_at timestamp,  -- null: at the next send
    last_reply varchar,  -- the server's last reply (or why it could not be reached)
    interview_id varchar,  -- the event's interview (null for reminders and tests)
    created_at timestamp not null,
);

create table if not exists app_mail_preferences (
    email varchar primary key,  -- lower-case
    reminders boolean not null,  -- false: no overdue reminders to this address
    changed_at timestamp not null,
);

-- derived views: the score rules every page shares ----------------------------------------

-- effective_consensus: the consensus score in force per interview and theme.
-- A consensus recorded in Vocation (the panel's decision in the app) is used unless an imported
-- consensus carries a later agreed_on date; `source` says which one and `used_because` why.
create or replace view effective_consensus as
with recorded as (
    select
        interview_id,
        theme,
        score,
        recorded_at,
        note,
        recorded_by,
    from app_consensus
    qualify row_number() over (partition by interview_id, theme order by recorded_at desc, consensus_id desc) = 1
),

joined as (
    select
        coalesce(r.interview_id, c.interview_id) as interview_id,
        coalesce(r.theme, c.theme) as theme,
        c.score as imported_score,
        c.agreed_on as imported_on,
        r.score as recorded_score,
        r.recorded_at,
        r.recorded_by,
        r.note as recorded_note,
        r.score is not null
        and (c.agreed_on is null or c.agreed_on <= cast(r.recorded_at as date)) as use_recorded,
    from recorded as r
    full outer join consensus as c on c.interview_id = r.interview_id and c.theme = r.theme
)

select
    interview_id,
    theme,
    case when use_recorded then recorded_score else imported_score end as score,
    case when use_recorded then 'recorded in Vocation' else 'imported' end as source,
    case
        when use_recorded and imported_score is not null
            then 'recorded in Vocation after the imported consensus of ' || coalesce(cast(imported_on as varchar), 'unknown date')
        when use_recorded then 'recorded in Vocation; no imported consensus'
        when recorded_score is not null then 'the imported consensus is dated after the one recorded in Vocation'
        else 'imported consensus'
    end as used_because,
    imported_score,
    imported_on,
    recorded_score,
    recorded_at,
    recorded_by,
    recorded_note,
from joined;

-- interview_theme_scores_live: one row per interview and theme that was rated or agreed.
-- score = the consensus where one exists, else the mean of the independent ratings;
-- disagreement = raters differ by 2 or more; pending = disagreement and no consensus yet.
-- Pages read the materialized copy, the table interview_theme_scores, which the importer
-- refreshes inside its transaction and a recorded consensus refreshes for its interview.
create or replace view interview_theme_scores_live as
with rated as (
    select
        interview_id,
        theme,
        count(*) as n_raters,
        avg(score) as mean_rating,
        min(score) as min_rating,
        max(score) as max_rating,
    from ratings
    group by interview_id, theme
),

keys as (
    select interview_id, theme from rated
    union
    select interview_id, theme from effective_consensus
)

select
    k.interview_id,
    k.theme,
    i.person_id,
    i.program_id,
    i.application_id,
    i.interview_date,
    i.purpose,
    r.n_raters,
    r.mean_rating,
    r.min_rating,
    r.max_rating,
    c.score as consensus_score,
    c.source as consensus_source,
    coalesce(cast(c.score as double), r.mean_rating) as score,
    coalesce(r.max_rating - r.min_rating >= 2, false) as disagreement,
    coalesce(r.max_rating - r.min_rating >= 2, false) and c.score is null as pending,
from keys as k
inner join interviews as i on i.interview_id = k.interview_id
left join rated as r on r.interview_id = k.interview_id and r.theme = k.theme
left join effective_consensus as c on c.interview_id = k.interview_id and c.theme = k.theme;

create table if not exists interview_theme_scores as
select * from interview_theme_scores_live
limit 0;

-- ratings_independent: each rater's independent rating, for Reliability's statistics. An
-- imported rating as it is; for an interview scheduled in Vocation, the rater's first submitted
-- scorecard (made before any discussion), not a later amendment, which `ratings` holds.
create or replace view ratings_independent as
select
    r.interview_id,
    r.rater_id,
    r.theme,
    r.score,
from ratings as r
anti join app_interviews as a on a.interview_id = r.interview_id
union all
select
    c.interview_id,
    c.rater_id,
    s.theme,
    s.score,
from app_scorecards as c
inner join app_scorecard_scores as s on s.scorecard_id = c.scorecard_id
where c.version = 1 and s.score is not null;

-- rater_score_differences: each independent rating against its interview's score (the consensus
-- in force, else the mean of the raters); positive = lenient, negative = severe. Reliability's
-- rater calibration (per theme) and drift (per quarter) both read it.
create or replace view rater_score_differences as
select
    r.rater_id,
    r.theme,
    s.person_id,
    s.program_id,
    s.interview_date,
    r.score - s.score as difference,
    s.consensus_score is not null as against_consensus,
from ratings_independent as r
inner join interview_theme_scores as s
    on s.interview_id = r.interview_id and s.theme = r.theme;

-- application_scores_live: one row per application: the applicant's name, program, position,
-- stage, status and applied date; the score used per theme (its latest hiring interview that
-- scored it; null when never probed), the themes where raters differed by 2+ ("(pending)" while no
-- consensus), its hiring interviews and the excerpts coded in them. Screening and Compare read the
-- materialized copy, application_scores, which db.refresh_derived keeps equal to this view (every
-- import; every consensus recorded), so their ranked table needs no join but the decisions.
create or replace view application_scores_live as
with latest as (
    select
        application_id,
        theme,
        arg_max(
            {'score': score, 'disagreement': disagreement, 'pending': pending},
            {'on': interview_date, 'id': interview_id}
        ) as used,
    from interview_theme_scores
    where purpose = 'hiring' and application_id is not null
    group by application_id, theme
),

wide as (
    select
        application_id,
        any_value(used.score) filter (where theme = 'balance') as balance,
        any_value(used.score) filter (where theme = 'adaptiveness') as adaptiveness,
        any_value(used.score) filter (where theme = 'transcendence') as transcendence,
        any_value(used.score) filter (where theme = 'learning') as learning,
        any_value(used.score) filter (where theme = 'fit') as fit,
        any_value(used.score) filter (where theme = 'beliefs') as beliefs,
        string_agg(
            case when used.pending then theme || ' (pending)' else theme end,
            ', '
            order by case theme
                when 'balance' then 0
                when 'adaptiveness' then 1
                when 'transcendence' then 2
                when 'learning' then 3
                when 'fit' then 4
                else 5
            end
        ) filter (where used.disagreement) as raters_differ,
    from latest
    group by application_id
),

hiring as (
    select
        application_id,
        count(*) as interviews,
    from interviews
    where purpose = 'hiring' and application_id is not null
    group by application_id
),

evidence as (
    select
        i.application_id,
        count(*) filter (where e.stance = 'supports') as supporting,
        count(*) filter (where e.stance = 'counter') as counter,
    from excerpts as e
    inner join interviews as i on i.interview_id = e.interview_id
    where i.purpose = 'hiring' and i.application_id is not null
    group by i.application_id
)

select
    a.application_id,
    a.person_id,
    p.full_name,
    a.program_id,
    a.position,
    a.applied_on,
    a.stage,
    a.status,
    w.balance,
    w.adaptiveness,
    w.transcendence,
    w.learning,
    w.fit,
    w.beliefs,
    w.raters_differ,
    coalesce(h.interviews, 0) as interviews,
    coalesce(e.supporting, 0) as supporting,
    coalesce(e.counter, 0) as counter,
from applications as a
inner join people as p on p.person_id = a.person_id
left join hiring as h on h.application_id = a.application_id
left join wide as w on w.application_id = a.application_id
left join evidence as e on e.application_id = a.application_id;

create table if not exists application_scores as
select * from application_scores_live
limit 0;

-- rating_units: each interview's independent scores on one theme (ratings_independent: a Vocation
-- scorecard's first submission) as a pattern, how many raters gave 0, 1, 2, 3 and 4, with the
-- interview's program, person and quarter of its date: the unit Reliability's alpha and agreement
-- count. rating_patterns_live, rating_patterns_insert_for_program_quarter and
-- rating_patterns_by_theme_blind all count these (filtered by constants, which DuckDB applies
-- before grouping).
create or replace view rating_units as
select
    i.program_id,
    i.person_id,
    r.theme,
    strftime(i.interview_date, '%Y') || '-Q' || cast(quarter(i.interview_date) as varchar) as quarter,
    count(*) filter (where r.score = 0) as n_0,
    count(*) filter (where r.score = 1) as n_1,
    count(*) filter (where r.score = 2) as n_2,
    count(*) filter (where r.score = 3) as n_3,
    count(*) filter (where r.score = 4) as n_4,
from ratings_independent as r
inner join interviews as i on i.interview_id = r.interview_id
group by i.program_id, i.person_id, r.theme, r.interview_id, i.interview_date;

-- rating_patterns_live: per program, theme and quarter, each pattern of independent scores an
-- interview received (rating_units) with the number of interviews showing it. Reliability reads
-- the materialized copy, rating_patterns (kept equal to this view by db.refresh_derived), and sums
-- it over the reader's programs.
create or replace view rating_patterns_live as
select
    program_id,
    theme,
    quarter,
    n_0,
    n_1,
    n_2,
    n_3,
    n_4,
    count(*) as n_units,
from rating_units
group by program_id, theme, quarter, n_0, n_1, n_2, n_3, n_4;

create table if not exists rating_patterns as
select * from rating_patterns_live
limit 0;

-- hire_profiles_live: one row per hire (staff row) with a scored hiring interview on or before the
-- hire date: the six theme scores at their latest such interview and how many were 3 or more.
-- Evidence reads the materialized copy, hire_profiles (kept equal by db.refresh_derived).
create or replace view hire_profiles_live as
with profile as (
    select
        h.person_id,
        h.program_id,
        h.hired_on,
        s.theme,
        arg_max(s.score, s.interview_date) as score,
    from staff as h
    inner join interview_theme_scores as s
        on s.person_id = h.person_id and s.purpose = 'hiring' and s.interview_date <= h.hired_on
    where s.score is not null
    group by h.person_id, h.program_id, h.hired_on, s.theme
)

select
    p.person_id,
    p.program_id,
    p.hired_on,
    any_value(h.left_on) as left_on,
    count(*) filter (where p.score >= 3) as themes_shown,
    max(p.score) filter (where p.theme = 'balance') as balance,
    max(p.score) filter (where p.theme = 'adaptiveness') as adaptiveness,
    max(p.score) filter (where p.theme = 'transcendence') as transcendence,
    max(p.score) filter (where p.theme = 'learning') as learning,
    max(p.score) filter (where p.theme = 'fit') as fit,
    max(p.score) filter (where p.theme = 'beliefs') as beliefs,
from profile as p
inner join staff as h on h.person_id = p.person_id and h.program_id = p.program_id and h.hired_on = p.hired_on
group by p.person_id, p.program_id, p.hired_on;

create table if not exists hire_profiles as
select * from hire_profiles_live
limit 0;
