# TEMPORARY STUB (not committed)
import polars as pl
THEME_ORDER=("balance", "adaptiveness", "transcendence", "learning", "fit", "beliefs")
STUDY_CAVEAT="stub"
STUDY_LIMITS="stub"
def load_themes():
    return pl.DataFrame({"code":list(THEME_ORDER),"name":[t.title() for t in THEME_ORDER],"definition":["d"]*6,"sounds_like":["s"]*6,"counter_sounds_like":["c"]*6})
def load_subthemes():
    rows=[("spiritual","transcendence"),("communal","transcendence"),("intimacy","fit"),("motivation","fit"),("aesthetic","fit"),("uniqueness","fit"),("strengths","beliefs"),("equality","beliefs"),("challenge","adaptiveness"),("core_skills","adaptiveness"),("feedback","adaptiveness")]
    return pl.DataFrame({"code":[r[0] for r in rows],"theme":[r[1] for r in rows],"name":[r[0] for r in rows],"definition":["d"]*len(rows),"sounds_like":["s"]*len(rows),"counter_sounds_like":["c"]*len(rows)})
