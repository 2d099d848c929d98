"""The sections of the report, in page order: key, titles, intros and the function
that fills each."""

from __future__ import annotations

from collections.abc import Callable

from .model import Context, Section
from .sections_alumni import (
    sec_employment,
    sec_etablering,
    sec_income,
    sec_matching,
    sec_net_migration,
)
from .sections_students import (
    sec_credits,
    sec_foreign_background,
    sec_institution_choice,
    sec_parents_education,
    sec_recruitment_county,
    sec_students_municipality,
    sec_transition,
)

SECTIONS: list[tuple[str, str, str, str, str, Callable[[Context, Section], None]]] = [
    (
        "rekrytering-lan",
        "Regional rekrytering: nybörjare efter rekryteringslän",
        "Regional recruitment by county",
        "Nybörjare vid lärosätet (första terminen där) i fönstret, efter <em>rekryteringslän</em>: "
        "länet för folkbokföringskommunen den 31 december året före första terminen.",
        "Entrants by recruitment county (residence on 31 December before the first term).",
        sec_recruitment_county,
    ),
    (
        "studenter-kommun",
        "Var studenterna kommer ifrån: registrerade efter rekryteringskommun",
        "Where students come from: registered persons by recruitment municipality",
        "Unika personer registrerade vid lärosätet någon gång i fönstret, efter "
        "rekryteringskommun.",
        "Unique persons registered in the window, by recruitment municipality.",
        sec_students_municipality,
    ),
    (
        "overgang",
        "Övergång till högskolestudier senast vid 25 års ålder",
        "Transition to higher education by age 25",
        "Personer 18–25 år registrerade vid något lärosäte under läsåret, per "
        "folkbokföringskommun, delat med kommunens folkbokförda 18–25 år (offentlig "
        "befolkningsstatistik). Visar kommunerna i lärosätets län.",
        "Registered persons aged 18–25 ÷ residents aged 18–25, per municipality in the "
        "institution's county.",
        sec_transition,
    ),
    (
        "val-av-larosate",
        "Val av lärosäte per kommun",
        "Choice of institution by municipality",
        "Av kommunens registrerade 18–25 år: andelen vars huvudsakliga lärosäte (flest poäng "
        "under läsåret) är detta lärosäte.",
        "Share of a municipality's registered persons aged 18–25 whose main institution is "
        "this one.",
        sec_institution_choice,
    ),
    (
        "foraldrarnas-utbildning",
        "Föräldrarnas utbildningsnivå",
        "Parents' education",
        "Registrerade på program i fönstret efter föräldrarnas högsta utbildningsnivå (SUN 2020) "
        "året före första terminen; den högre av de två föräldrarnas nivåer.",
        "Programme students by the higher of the parents' education levels before entry.",
        sec_parents_education,
    ),
    (
        "utlandsk-bakgrund",
        "Utländsk bakgrund",
        "Foreign background",
        "Registrerade på program i fönstret efter SCB:s fyra grupper: utrikes född; inrikes "
        "född med två utrikes födda föräldrar; med en inrikes och en utrikes född förälder; "
        "med två inrikes födda föräldrar (samt Okänt).",
        "Programme students by SCB's four foreign-background groups.",
        sec_foreign_background,
    ),
    (
        "hogskolepoang",
        "Avklarade högskolepoäng efter bakgrund",
        "Credits achieved by background",
        "Högskolenybörjare med lärosätet som nybörjarhögskola i fönstret, efter avklarade poäng "
        "inom uppföljningstiden (under 120 hp, 120–240 hp, över 240 hp).",
        "Entrants by credits completed within the follow-up period, by background.",
        sec_credits,
    ),
    (
        "etablering",
        "Etablering på arbetsmarknaden efter alumnikategori och program",
        "Labour-market establishment by alumni category and programme",
        "UKÄ:s mått i uppföljningsåret: <em>etablerad</em> = förvärvsarbetande i november med "
        "inkomst minst årets gräns och utan arbetslöshet; <em>osäker position</em> = "
        "förvärvsarbetande men klarar inte inkomst- eller arbetslöshetsvillkoret; "
        "<em>svag position</em> = inte "
        "förvärvsarbetande men har inkomst; <em>utanför</em> = varken arbete eller inkomst. "
        "Studerande och utvandrade är borttagna.",
        "UKÄ's establishment measure in the follow-up year; students and emigrants removed.",
        sec_etablering,
    ),
    (
        "inkomst",
        "Arbetsinkomst efter alumnikategori och program",
        "Earned income by alumni category and programme",
        "Median och kvartiler av årets arbetsinkomst för dem som förvärvsarbetade i november; "
        "publiceras bara när minst k_mag personer ingår.",
        "Median and quartiles of earned income of those employed in November.",
        sec_income,
    ),
    (
        "sysselsattning",
        "Sysselsättning efter examen jämfört med riket",
        "Employment after graduation compared with the national total",
        "Examinerade med en viss examen vid lärosätet och i hela riket, efter sysselsättning i "
        "november uppföljningsåret.",
        "Graduates by employment status in November, institution and national total.",
        sec_employment,
    ),
    (
        "matchning",
        "Matchning mellan utbildning och yrke",
        "Matching of education and occupation",
        "Examinerade per program efter SCB:s matchningsindikator i uppföljningsåret "
        "(utvandrade borttagna).",
        "Graduates per programme by SCB's matching indicator.",
        sec_matching,
    ),
    (
        "nettoflyttning",
        "Nettoflyttning: var bor nybörjarna efter examen?",
        "Net migration of graduates",
        "Högskolenybörjare med lärosätet som nybörjarhögskola, som började i fönstret och tagit "
        "examen: antal bosatta i varje län ett år efter examen minus antal med det länet som "
        "gymnasielän. Positivt tal = länet vinner utbildade.",
        "Graduated entrants living in each county one year after graduation minus those with "
        "that upper-secondary county (positive = the county gains).",
        sec_net_migration,
    ),
]
