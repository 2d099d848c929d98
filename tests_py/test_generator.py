"""Tests for the synthetic register generator (studentflow.generator).

Runs the demo scale a few times (a few seconds each); total well under 60 s."""

from __future__ import annotations

import hashlib
import os
import sys
from pathlib import Path

import duckdb
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

from studentflow.cli import main  # noqa: E402
from studentflow.generator import EXTRACTS, SCHEMAS, generate  # noqa: E402

SEEDS = Path(os.environ.get("STUDENTFLOW_SEEDS_DIR", ROOT / "seeds"))
NEEDED = [
    "kommuner",
    "lan",
    "larosaten",
    "sun2020_niva",
    "sni2007_huvudgrupper",
    "ssyk2012_yrkesgrupper",
    "sektorer",
    "matchning",
    "examenskoder",
    "huvudomraden",
    "forskningsamnen",
    "etablering_inkomstgrans",
]
pytestmark = pytest.mark.skipif(
    not all((SEEDS / f"{n}.csv").exists() for n in NEEDED),
    reason=f"code-list seeds missing in {SEEDS}",
)

EXPECTED_TYPES = {  # contract types (spec/raw-extracts.md) as Arrow types
    "personer": {
        "LopNr": "int64",
        "Kon": "int16",
        "FodelseAr": "int16",
        "FodLand": "string",
        "LopNrMor": "int64",
        "LopNrFar": "int64",
    },
    "folkbokforing": {"LopNr": "int64", "Ar": "int16", "Kommun": "string"},
    "utvandringar": {"LopNr": "int64", "UtvandringDatum": "date32[day]"},
    "utbildningsniva": {"LopNr": "int64", "Ar": "int16", "SUN2020Niva": "string"},
    "gymnasieexamina": {"LopNr": "int64", "ExamensAr": "int16", "SkolKommun": "string"},
    "program": {
        "Larosate": "string",
        "Programkod": "string",
        "Programnamn": "string",
        "Examenskod": "string",
        "Niva": "string",
    },
    "registreringar": {
        "LopNr": "int64",
        "Termin": "string",
        "Larosate": "string",
        "Programkod": "string",
        "Huvudomrade": "string",
        "Niva": "string",
        "HpReg": "decimal128(5, 1)",
        "HpPrest": "decimal128(5, 1)",
        "Utbytesstudent": "string",
    },
    "examina": {
        "LopNr": "int64",
        "Larosate": "string",
        "ExamensDatum": "date32[day]",
        "Examenskod": "string",
        "Programkod": "string",
        "Huvudomrade": "string",
    },
    "forskarexamina": {
        "LopNr": "int64",
        "Larosate": "string",
        "ExamensDatum": "date32[day]",
        "Examen": "string",
        "Forskningsamne": "string",
    },
    "sysselsattning": {
        "LopNr": "int64",
        "Ar": "int16",
        "SyssStat": "string",
        "ArbInk": "int32",
        "ArbLos": "string",
        "Studerande": "string",
        "AstSNI2007": "string",
        "AstSektor": "string",
        "SSYK2012": "string",
        "Matchning": "string",
        "AstKommun": "string",
    },
    "befolkning_kommun": {
        "Ar": "int16",
        "Kommun": "string",
        "Kon": "int16",
        "Alder": "int16",
        "UtrikesFodd": "string",
        "Antal": "int32",
    },
}


def _gen(out, **kw):
    args = dict(scale="demo", seed=42, fmt="parquet", end_year=2024, seeds_dir=SEEDS, quiet=True)
    args.update(kw)
    return generate(out_dir=out, **args)


@pytest.fixture(scope="module")
def demo(tmp_path_factory):
    out = tmp_path_factory.mktemp("demo42")
    counts = _gen(out)
    return out, counts


@pytest.fixture(scope="module")
def con(demo):
    c = duckdb.connect()
    for e in EXTRACTS:
        c.execute(f"create view {e} as select * from read_parquet('{demo[0]}/{e}.parquet')")
    c.execute(
        f"create table lar as select * from read_csv('{SEEDS}/larosaten.csv', all_varchar=true)"
    )
    c.execute(
        f"create table ex as select * from read_csv('{SEEDS}/examenskoder.csv', all_varchar=true)"
    )
    c.execute(
        f"create table thr as select year::int y, income_threshold_sek::int t "
        f"from read_csv('{SEEDS}/etablering_inkomstgrans.csv', all_varchar=true)"
    )
    return c


def _sha(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def q1(con, sql):
    return con.execute(sql).fetchone()[0]


# ----------------------------------------------------------------- determinism
def test_same_seed_is_byte_identical(demo, tmp_path):
    out2 = tmp_path / "again"
    counts2 = main(
        ["generate", "--out", str(out2), "--seeds-dir", str(SEEDS), "--quiet"]
    )  # CLI path too
    assert counts2 == 0
    for e in EXTRACTS:
        assert _sha(demo[0] / f"{e}.parquet") == _sha(out2 / f"{e}.parquet"), e


def test_different_seed_differs(demo, tmp_path):
    out2 = tmp_path / "seed7"
    _gen(out2, seed=7)
    assert _sha(demo[0] / "personer.parquet") != _sha(out2 / "personer.parquet")
    a = set(pq.read_table(demo[0] / "personer.parquet", columns=["LopNr"]).column(0).to_pylist())
    b = set(pq.read_table(out2 / "personer.parquet", columns=["LopNr"]).column(0).to_pylist())
    assert len(a & b) < 0.1 * len(a)


# ----------------------------------------------------------------- contract
def test_every_extract_has_contract_columns_and_types(demo):
    out, counts = demo
    assert set(counts) == set(EXPECTED_TYPES)
    for e, cols in EXPECTED_TYPES.items():
        schema = pq.read_schema(out / f"{e}.parquet")
        assert schema.names == list(cols), e
        assert {f.name: str(f.type) for f in schema} == cols, e
        assert SCHEMAS[e].names == list(cols)
        assert counts[e] > 0, e


def test_keys_and_codes(con):
    assert q1(con, "select count(*) - count(distinct LopNr) from personer") == 0
    assert q1(con, "select max(LopNr) from personer") < 10**9
    assert q1(con, "select min(LopNr) from personer") > 0
    assert q1(con, "select count(*) from folkbokforing where length(Kommun) <> 4") == 0
    assert (
        q1(
            con,
            "select count(*) from registreringar "
            "where not regexp_full_match(Termin, '(HT|VT)[0-9]{4}')",
        )
        == 0
    )
    assert q1(con, "select count(*) from registreringar where HpPrest > HpReg") == 0
    assert (
        q1(
            con,
            "select count(*) from "
            "(select LopNr, Ar from folkbokforing group by all having count(*) > 1)",
        )
        == 0
    )
    assert (
        q1(
            con,
            "select count(*) from "
            "(select Larosate, Programkod from program group by all having count(*) > 1)",
        )
        == 0
    )
    # every programme code used exists in the catalogue
    assert (
        q1(
            con,
            "select count(*) from registreringar r "
            "anti join program p using (Larosate, Programkod) "
            "where r.Programkod is not null",
        )
        == 0
    )
    # a few unknown / out-of-list values exist to exercise the Okänt mapping
    assert q1(con, "select count(*) from folkbokforing where Kommun = '9999'") > 0
    assert q1(con, "select count(*) from sysselsattning where AstSektor = 'US'") > 0
    assert q1(con, "select count(*) from personer where LopNrMor is null") > 0
    # every student has a registration; parents are in personer
    assert (
        q1(
            con,
            "select count(*) from personer p where LopNrMor is not null "
            "and LopNrMor not in (select LopNr from personer)",
        )
        == 0
    )


# ----------------------------------------------------------------- CSV
def test_csv_scb_style_matches_parquet(demo, tmp_path):
    out = tmp_path / "csv"
    _gen(out, fmt="csv")
    raw = (out / "program.csv").read_bytes()
    text = raw.decode("cp1252")
    assert text.splitlines()[0] == "Larosate;Programkod;Programnamn;Examenskod;Niva"
    assert "Sjuksköterskeprogrammet" in text and "Ämneslärarprogrammet" in text
    assert "ö".encode("cp1252") in raw and "ö".encode() not in raw
    reg = (out / "registreringar.csv").read_text(encoding="cp1252").splitlines()
    assert reg[0].split(";") == SCHEMAS["registreringar"].names
    assert any(";30,0;" in line for line in reg[1:50])
    c = duckdb.connect()
    for e in EXTRACTS:
        p_cols = ", ".join(f'cast("{n}" as varchar) as "{n}"' for n in SCHEMAS[e].names)
        c_cols = ", ".join(
            (f"replace(\"{n}\", ',', '.') as \"{n}\"" if pa.types.is_decimal(f.type) else f'"{n}"')
            for n, f in zip(SCHEMAS[e].names, SCHEMAS[e], strict=True)
        )
        pq_sql = f"select {p_cols} from read_parquet('{demo[0]}/{e}.parquet')"
        csv_sql = (
            f"select {c_cols} from read_csv('{out}/{e}.csv', encoding='latin-1', delim=';', "
            f"header=true, all_varchar=true)"
        )
        assert q1(c, f"select count(*) from (({pq_sql}) except all ({csv_sql}))") == 0, e
        assert q1(c, f"select count(*) from (({csv_sql}) except all ({pq_sql}))") == 0, e
    # typed read with decimal comma works too
    typed = c.execute(
        f"select sum(HpReg) from read_csv('{out}/registreringar.csv', encoding='latin-1', "
        f"delim=';', decimal_separator=',', header=true, types={{'HpReg': 'DECIMAL(5,1)'}})"
    ).fetchone()[0]
    assert (
        typed
        == c.execute(
            f"select sum(HpReg) from read_parquet('{demo[0]}/registreringar.parquet')"
        ).fetchone()[0]
    )


# ----------------------------------------------------------------- prefix stability
def test_prefix_stable_in_end_year(demo, tmp_path):
    small = tmp_path / "e2023"
    _gen(small, end_year=2023)
    big = demo[0]
    c = duckdb.connect()

    def v(d, e):
        return f"read_parquet('{d}/{e}.parquet')"

    # a person of a cohort before the delivery's start may be in it by a degree alone
    stud = (
        f"select LopNr from {v(big, 'registreringar')} group by 1 "
        f"having min(cast(substr(Termin, 3) as int)) <= 2023 "
        f"union select LopNr from {v(big, 'examina')} where year(ExamensDatum) <= 2023 "
        f"union select LopNr from {v(big, 'forskarexamina')} where year(ExamensDatum) <= 2023"
    )
    keep = (
        f"select LopNr from ({stud}) "
        f"union select LopNrMor from {v(big, 'personer')} where LopNr in ({stud}) "
        f"union select LopNrFar from {v(big, 'personer')} where LopNr in ({stud})"
    )
    pairs = {
        "personer": f"select * from {v(big, 'personer')} where LopNr in ({keep})",
        "registreringar": (
            f"select * from {v(big, 'registreringar')} where cast(substr(Termin, 3) as int) <= 2023"
        ),
        "examina": f"select * from {v(big, 'examina')} where year(ExamensDatum) <= 2023",
        "forskarexamina": (
            f"select * from {v(big, 'forskarexamina')} where year(ExamensDatum) <= 2023"
        ),
        "folkbokforing": (
            f"select * from {v(big, 'folkbokforing')} where Ar <= 2023 and LopNr in ({keep})"
        ),
        "sysselsattning": (
            f"select * from {v(big, 'sysselsattning')} where Ar <= 2023 and LopNr in ({keep})"
        ),
        "utbildningsniva": (
            f"select * from {v(big, 'utbildningsniva')} where Ar <= 2023 and LopNr in ({keep})"
        ),
        "befolkning_kommun": f"select * from {v(big, 'befolkning_kommun')} where Ar <= 2023",
    }
    for e, sql in pairs.items():
        s_sql = f"select * from {v(small, e)}"
        assert q1(c, f"select count(*) from (({s_sql}) except all ({sql}))") == 0, e
        assert q1(c, f"select count(*) from (({sql}) except all ({s_sql}))") == 0, e
    assert q1(c, f"select max(Ar) from {v(small, 'sysselsattning')}") == 2023


# ----------------------------------------------------------------- realism smoke checks
def _entrants(con):
    """First terms from HT2008 on: the delivery starts in VT2008, where the students
    of earlier cohorts still studying have their first delivered term."""
    con.execute("""create or replace temp table ent as
        with t as (select LopNr, Larosate, HpReg,
                          cast(substr(Termin, 3) as int) * 2 + (Termin like 'HT%')::int as t
                   from registreringar where Utbytesstudent = 'N'),
             f as (select LopNr, min(t) t0 from t group by 1 having min(t) > 2 * 2008)
        select f.LopNr, f.t0 // 2 as c, arg_max(t.Larosate, t.HpReg) as inst
        from f join t on t.LopNr = f.LopNr and t.t = f.t0 group by all""")


def test_realism_population(con, demo):
    _entrants(con)
    n = q1(con, "select count(*) from ent")
    assert 42_000 < n < 48_000
    women = q1(con, "select avg((p.Kon = 2)::int) from ent join personer p using (LopNr)")
    assert 0.55 < women < 0.63
    abroad = q1(con, "select avg((p.FodLand <> 'SE')::int) from ent join personer p using (LopNr)")
    assert 0.09 < abroad < 0.17
    liu = q1(con, "select avg((inst = 'liu')::int) from ent")
    assert 0.55 < liu < 0.65
    # nursing is female-dominated, civilingenjör male-dominated
    nurse = q1(
        con,
        "select avg((p.Kon = 2)::int) from (select distinct LopNr from registreringar r "
        "join program g using (Larosate, Programkod) where g.Examenskod = 'SJSK') "
        "join personer p using (LopNr)",
    )
    civ = q1(
        con,
        "select avg((p.Kon = 2)::int) from (select distinct LopNr from registreringar r "
        "join program g using (Larosate, Programkod) where g.Examenskod = 'CING') "
        "join personer p using (LopNr)",
    )
    assert nurse > 0.75 and civ < 0.45


def test_realism_exchange_students(con):
    """Incoming exchange students: about 92 000 with them for 75 000 entrants
    without (UKÄ), only freestanding courses, no residence in Sweden."""
    per_year = con.execute("""
        with f as (select LopNr, min(cast(substr(Termin, 3) as int)) y,
                          bool_and(Utbytesstudent = 'J') ex
                   from registreringar group by 1)
        select y, count(*) filter (where not ex), count(*) from f
        where y between 2010 and 2023 group by y""").fetchall()
    for _, without, with_ in per_year:
        assert 1.17 < with_ / without < 1.29
    assert (
        q1(con, "select count(*) from registreringar where Utbytesstudent not in ('J', 'N')") == 0
    )
    assert (
        q1(
            con,
            "select count(*) from registreringar "
            "where Utbytesstudent = 'J' and Programkod is not null",
        )
        == 0
    )
    exchange = "select LopNr from registreringar where Utbytesstudent = 'J'"
    assert q1(con, f"select count(*) from folkbokforing where LopNr in ({exchange})") == 0


def test_a_world_without_exchange_students(tmp_path):
    """The knob at 0 gives a delivery with no exchange student (it raised
    IndexError: the registrations looked up an empty key list)."""
    _gen(tmp_path, knobs={"share_exchange_students": 0}, end_year=2012)
    exchange = duckdb.execute(
        f"select count(*) filter (where Utbytesstudent = 'J'), count(*) "
        f"from read_parquet('{tmp_path}/registreringar.parquet')"
    ).fetchone()
    assert exchange[0] == 0 and exchange[1] > 0


def test_historical_municipality_codes(con):
    """Registers carry the code valid that year: Heby 1917 up to 2006, 0331 from
    2007; Knivsta's area is Uppsala (0380) before 2003."""
    rows = dict(
        con.execute("""select Kommun, max(Ar) from folkbokforing
        where Kommun in ('1917', '1180', '1583') group by 1""").fetchall()
    )
    assert rows and max(rows.values()) <= 2006
    assert rows.get("1917", 0) <= 2006 and rows.get("1180", 0) <= 1996
    assert q1(con, "select min(Ar) from folkbokforing where Kommun = '0331'") >= 2007
    assert q1(con, "select min(Ar) from folkbokforing where Kommun = '0330'") >= 2003
    assert q1(con, "select count(*) from folkbokforing where Kommun = '1917' and Ar > 2006") == 0


def test_realism_recruitment_own_county(con):
    _entrants(con)
    rows = con.execute("""
        select e.inst, substr(f.Kommun, 1, 2) lan, count(*) n
        from ent e join folkbokforing f on f.LopNr = e.LopNr and f.Ar = e.c - 1
        where e.inst in ('liu', 'umu', 'gu') group by all""").fetchall()
    seat = dict(con.execute("select larosate_code, lan_code from lar").fetchall())
    for inst in ("liu", "umu", "gu"):
        by_lan = {lan: n for i, lan, n in rows if i == inst}
        own = by_lan.pop(seat[inst])
        assert own > max(by_lan.values()), inst


def test_realism_establishment(con):
    rows = dict(
        con.execute("""
        with g as (select e.LopNr, x.degree_type,
                   case when month(ExamensDatum) >= 7 then year(ExamensDatum)
                        else year(ExamensDatum) - 1 end + 2 fy
                   from examina e join ex x on x.degree_code = e.Examenskod)
        select degree_type, avg((s.SyssStat = '1' and s.ArbInk >= thr.t and s.ArbLos = 'N')::int)
        from g join sysselsattning s on s.LopNr = g.LopNr and s.Ar = g.fy and s.Studerande = 'N'
        join thr on thr.y = g.fy group by 1""").fetchall()
    )
    assert 0.80 < rows["yrkesexamen"] < 0.95
    assert rows["yrkesexamen"] > rows["generell examen"] + 0.05


def test_realism_the_first_delivered_years_hold_earlier_cohorts(con):
    """The delivery starts in VT2008 but students of earlier cohorts are in it:
    the first complete academic year has about as many registered persons as
    five years on (it had a third as many when the demo's world began in 2008), and
    liu awards doctoral degrees in the first published window (50 before)."""
    registered = dict(
        con.execute("""select cast(substr(Termin, 3) as int) - (Termin like 'VT%')::int ay,
                              count(distinct LopNr)
                       from registreringar where Utbytesstudent = 'N' group by 1""").fetchall()
    )
    assert registered[2008] > 0.85 * registered[2013]
    doctorates = q1(
        con,
        "select count(*) from forskarexamina where Larosate = 'liu' and Examen = 'DOK' "
        "and ExamensDatum between '2013-07-01' and '2019-06-30'",
    )
    assert doctorates > 100


def test_realism_degrees_and_edges(con):
    assert (
        q1(con, "select count(*) from examina where strftime(ExamensDatum, '%m-%d') = '12-31'") > 0
    )
    assert (
        q1(
            con,
            "select count(*) from examina "
            "where strftime(ExamensDatum, '%m-%d') in ('06-30', '07-01')",
        )
        > 0
    )
    june = q1(con, "select avg((month(ExamensDatum) = 6)::int) from examina")
    assert june > 0.3
    # KAND without programme but with main field; KAND inside a programme leading elsewhere
    assert (
        q1(
            con,
            "select count(*) from examina where Examenskod = 'KAND' and Programkod is null "
            "and Huvudomrade is not null",
        )
        > 0
    )
    assert (
        q1(
            con,
            "select count(*) from examina e join program p using (Larosate, Programkod) "
            "where e.Examenskod = 'KAND' and p.Examenskod = 'CING'",
        )
        > 0
    )
    assert q1(con, "select count(*) from forskarexamina where Examen = 'DOK'") > 0
    # no residence after emigration unless the person returned
    assert (
        q1(
            con,
            """select count(*) from utvandringar u join folkbokforing f on f.LopNr = u.LopNr
                      and f.Ar = year(u.UtvandringDatum)""",
        )
        == 0
    )
