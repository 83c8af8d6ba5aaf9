"""Commitment (toezegging) and fulfilment statements in Dutch parliamentary text.

`find_statements(text)` splits the text into sentences (`sentences.split_sentences`), keeps only candidate
sentences (a cheap compiled-regex prefilter: promise / delivery / motion / toezegging vocabulary; everything
else is `none`), and labels the candidates in one batch with

1. high-precision rules: compiled regexes plus spaCy `Matcher` patterns on lower-case forms and lemmas
   (`sentences.lemma`), run on the candidate sentences only; and
2. a scikit-learn classifier (TF-IDF word n-grams + char n-grams + the rule hits as features →
   LogisticRegression) trained by `models/statements/train.py` on hand-labelled real sentences
   (`models/statements/data/train.jsonl`).

Hard rules decide where they fire (motion dicta and considerations, "Appreciatie …"/"Uitstel …" subjects are
`none`; "Uitvoering van de motie …" subjects, "Hiermee doe ik de toezegging gestand", "De minister zegt de
Kamer toe …" are decided without the classifier); the classifier decides the rest.

The model is loaded (once) from `models/statements/` next to the package, or from `$KAMERSTUKKEN_MODELS/statements`.
Loading never touches the network. No I/O other than reading that artifact.
"""
from __future__ import annotations

import os
import re
from datetime import date
from pathlib import Path
from typing import Optional

from ..models import Statement
from .sentences import get_nlp, lemma, safe_lower, split_sentences

__all__ = ["find_statements", "classify_sentences", "rule_features", "RULE_NAMES", "model_dir"]

_F = re.I | re.S

# ---------------------------------------------------------------- prefilter

PREFILTER = re.compile(
    r"\b(?:zal|zullen|zult|zou|zouden|informe(?:er|ert|ren)|geïnformeerd|toe ?zeg\w*|toegezegd"
    r"|zeg\w*\b[^.;]{0,300}?\btoe\b|voornem\w*|verwacht\w*|(?:toe|door|na|op)?stur(?:en|e|t)|stuur\w*|zend\w*|bied\w*|stre(?:ef|ven)|toe(?:ge)?zonden"
    r"|toe(?:te)?zenden|toekomen|ontvangt|krijgt|brief|brieven|rapport\w*|terug\s?(?:te\s)?kom\w*|kom\w*\b.{0,80}\bterug"
    r"|op de hoogte|nagezonden|motie\w*|gestand|afgedaan|afdoening|uitvoering|invulling|gevolg aan"
    r"|deel\s+(?:ik|wij|we)|bericht\w*|tegemoet\s+zien|(?:uw|de)\s+kamer\s+(?:ingediend|aangeboden|toegezonden|voorgelegd)"
    r"|la(?:at|ten)\b[^.;]{0,80}?\bweten|(?:ben|zijn)\s+(?:graag\s+|zeker\s+|best\s+)?bereid|mee\s+in\s+(?:de|het|mijn|onze)"
    r"|uitgevoerd|voldaan|presente(?:er|ren)|ligt\s+er|toegezegd\w*"
    r"|(?:volgende|eerstvolgende|komende|eerstkomende)\s+\w*(?:rapportage|brief)"
    r"|volgt\s+(?:\w+\s+){0,4}?(?:een|de|het)\s+\w*(?:brief|reactie|beantwoording|rapportage|evaluatie|rapport|voorstel|notitie|uitwerking)"
    r"|(?:brief|reactie|beantwoording|rapportage|evaluatie|rapport|voorstel|notitie|uitwerking|visie|plan)\b[^.;]{0,120}?\bvolgt)\b",
    _F)


# ---------------------------------------------------------------- rules (regex, on the sentence)

_GOV = r"(?:ik|wij|we|het\s+kabinet|de\s+regering|de\s+minister\w*(?:\s+van\s+[\w\s,-]{3,80}?)?|de\s+staatssecretaris\w*(?:\s+van\s+[\w\s,-]{3,80}?)?)"
_KAMER = r"(?:uw\s+kamer|de\s+(?:tweede\s+|eerste\s+)?kamer|u)"
_DELIVER = (r"(?:informeren|informeer|berichten|bericht|inlichten|toesturen|toezenden|sturen|stuur|zenden|toekomen"
            r"|rapporteren|rapporteer|voorleggen|aanbieden|aanbied|op\s+de\s+hoogte\s+(?:houden|stellen|brengen|houd|stel)"
            r"|terugkomen|terugkom|terug\s+(?:te\s+)?komen|nagezonden|beantwoorden|leveren|presenteren|delen)")
_FUT = r"(?:zal|zullen|zult|ga|gaan|gaat|verwacht\w*|voornemens|voornemen|streef|streven|wil|willen|beoog\w*|kan\s+ik|hoop)"
_THIS_DOC = r"(?:met|bij|in|via|middels|door\s+middel\s+van)\s+(?:deze|dit|de(?:ze)?\s+onderhavige)\s+(?:brief|kamerbrief|notitie|rapportage|verzamelbrief|voortgangsbrief|stand\s+van\s+zakenbrief|nota|bijlage)|hierbij|hiermee|daarmee|bij\s+deze|hierin|bijgaand|met\s+deze\s+(?:en\s+)?\w+|^\W*deze\s+(?:brief|kamerbrief|voortgangsbrief|verzamelbrief|rapportage|voortgangsrapportage)"
_PROMISE_OBJ = r"(?:toezegging\w*|motie\w*|verzoek\w*\s+(?:van|uit)\s+uw\s+kamer|toegezegd\w*)"

RULES: dict[str, re.Pattern] = {
    # ---- commitment
    "c_gov_fut_deliver": re.compile(
        rf"\b{_GOV}\b[^.;]{{0,120}}?\b{_FUT}\b[^.;]{{0,160}}?\b{_DELIVER}\b", _F),
    "c_fut_gov_deliver": re.compile(
        rf"\b(?:zal|zullen|verwacht|ga|wil)\s+(?:ik|wij|we|het\s+kabinet)\b[^.;]{{0,160}}?\b{_DELIVER}\b", _F),
    "c_kamer_fut_informed": re.compile(
        rf"\b{_KAMER}\s+(?:zal|zult|wordt|ontvangt|krijgt)\b[^.;]{{0,160}}?\b(?:geïnformeerd|ingelicht|ontvangen|bericht|toegezonden|op\s+de\s+hoogte|\w*brief|\w*rapportage|voorstel|overzicht|\w*reactie|informatie)\b"
        r"|\b(?:wordt|zal|zullen)\s+(?:u|uw\s+kamer|de\s+kamer)\b[^.;]{0,80}?\b(?:geïnformeerd|ingelicht|bericht|toegezonden|nagezonden)\b", _F),
    "c_zal_passive_informed": re.compile(
        r"\b(?:zal|zullen)\b[^.;]{0,160}?\b(?:worden|zijn)\s*\b(?:geïnformeerd|ingelicht|toegezonden|nagezonden|gestuurd|aangeboden|verzonden)\b"
        r"|\b(?:geïnformeerd|ingelicht|toegezonden|nagezonden|gestuurd|aangeboden)\s+(?:zal|zullen)\s+worden\b"
        r"|\b(?:zal|zullen)\s+(?:u|uw\s+kamer|de\s+kamer)\b[^.;]{0,120}?\b(?:worden\s+)?(?:geïnformeerd|nagezonden|toegezonden)\b", _F),
    "c_zeg_toe": re.compile(
        r"\b(?:zeg|zeggen)\s+(?:ik|wij|we)\b[^.;]{0,160}?\btoe\b|\b(?:ik|wij|we)\s+(?:zeg|zeggen)\b[^.;]{0,200}?\btoe\b"
        r"|\bzegt\b[^.;]{0,300}?\btoe\b|\b(?:wil|kan)\s+(?:ik|wij|we)\b[^.;]{0,80}?\btoezeggen\b"
        r"|\b(?:ik|wij|we)\s+(?:wil|kan|willen|kunnen)\b[^.;]{0,80}?\btoezeggen\b|\bdit\s+is\s+een\s+toezegging\b"
        r"|\btoezegging\s+blijft\s+staan\b|\blaat\s+ik\s+(?:u\s+|de\s+kamer\s+)?toezeggen\b", _F),
    "c_brief_komt": re.compile(
        r"\b(?:er\s+komt|komt\s+er|krijgt\s+u|krijgt\s+de\s+kamer|ontvangt\s+u|ontvangt\s+uw\s+kamer|ontvangt\s+de\s+kamer)\b[^.;]{0,100}?\b(?:\w*brief|\w*rapportage|\w*reactie|overzicht|voorstel|informatie|notitie)\b", _F),
    "c_kom_terug": re.compile(
        r"\b(?:ik|wij|we)\s+(?:kom|komen)\b(?!\s+even)[^.;]{0,60}?\b(?:later|schriftelijk|op\s+schrift|per\s+brief|nog|een\s+keer|binnenkort|spoedig|zo\s+snel|voor\s+de|na\s+de|in\s+(?:mei|juni|het|de)|bij\s+de|daar|hierop|erop|daarop)\b[^.;]{0,60}?\bterug\b"
        r"|\b(?:kom|komen)\s+(?:ik|wij|we)\b(?!\s+even)[^.;]{0,60}?\b(?:later|schriftelijk|op\s+schrift|per\s+brief|nog|een\s+keer|binnenkort|spoedig|bij\s+de|voor\s+de|na\s+de|in\s+de|in\s+het)\b[^.;]{0,60}?\bterug\b"
        r"|\b(?:ik|wij|we)\s+(?:kom|komen)\s+terug\s+op\s+(?:dat|dit|het|de|die)\s+(?!betoog|vraag\s+van\s+de\s+heer|opmerking)\w+"
        r"|\b(?:zal|zullen|ga|gaan)\b[^.;]{0,80}?\bterug(?:te)?komen\b|\b(?:later|schriftelijk|op\s+schrift|per\s+brief)\b[^.;]{0,30}\bop\s+terugkom\w*\b", _F),
    "c_ik_zal_spoken": re.compile(
        r"^\W*(?:(?:ja|nee|maar|en|dus|goed|oké|nou)\W+)?(?:ik\s+zal|wij\s+zullen|we\s+zullen)\s+(?:dit|dat|dus|die|het|al|ook|eens|daar|hier|graag|zeker|er|de\s+kamer|u|uw\s+kamer|mij|me|ervoor|bekijken|nagaan|uitzoeken|navragen|kijken)\b"
        r"(?![^.;]*\b(?:vertellen|zeggen|inbrengen|noemen|vragen|beginnen|afronden|doen\s*\.|blijven|eindverantwoordelijk|moeten)\b)", _F),
    "c_heb_al_toegezegd": re.compile(r"\bik\s+heb\b[^.;]{0,40}\bal\s+toegezegd\b|^\W*nogmaals\b[^.;]{0,60}\btoegezegd\b", _F),
    "f_toegezegd_deze_brief": re.compile(
        r"\b(?:toegezegd|toezegging\w*)\b[^.;]{0,120}\b(?:in|met|bij)\s+deze\s+(?:brief|kamerbrief)\b(?![^.;]*\b(?:zal|zullen)\s+(?:ik|wij|we)\b)", _F),
    # "Ik streef ernaar het wetsvoorstel … aan uw Kamer aan te bieden": separable verbs split around "te"
    "c_streef_te": re.compile(
        r"\b(?:ik|wij|we|het\s+kabinet)\s+(?:streef|streven|verwacht\w*|ben\s+voornemens|zijn\s+voornemens|beoog\w*)\b[^.;]{0,160}?"
        r"\b(?:aan|toe|op|terug|na)\s+te\s+(?:bieden|sturen|zenden|komen)\b", _F),
    # present tense with a due time: "Ik informeer uw Kamer in het najaar over …", "Uw Kamer ontvangt voor het
    # einde van het jaar de evaluatie", "Naar verwachting kan ik uw Kamer in Q1 informeren" (the time part is
    # checked with the deadline finder, see _present_with_time)
    "c_present_deliver": re.compile(
        rf"\b{_GOV}\s+(?:informeer|informeert|informeren|stuur|stuurt|sturen|zend|zendt|zenden|bied|biedt|bieden|kom|komt|komen)\b[^.;]{{0,100}}?\b{_KAMER}\b"
        rf"|\b(?:uw|de)\s+kamer\s+(?:ontvangt|krijgt)\b"
        # "Voor de zomer stuur ik uw Kamer ...", "De resultaten deel ik in Q3 met uw Kamer", "bericht ik uw Kamer"
        rf"|\b(?:informeer|stuur|zend|bied|deel|bericht|rapporteer|presenteer|leg)\s+(?:ik|wij|we)\b[^.;]{{0,120}}?\b{_KAMER}\b"
        # "Nog dit jaar volgt een brief", "De beantwoording ... volgt uiterlijk 1 april"
        r"|\b(?:brief|kamerbrief|beantwoording|reactie|kabinetsreactie|rapportage|voortgangsrapportage|evaluatie|"
        r"rapport|voorstel|wetsvoorstel|notitie|uitwerking|visie|plan)\b[^.;]{0,120}?\bvolgt\b"
        r"|\bvolgt\b[^.;]{0,60}?\b(?:een|de|het)\s+(?:\w+\s+)?(?:brief|kamerbrief|beantwoording|reactie|kabinetsreactie|"
        r"rapportage|voortgangsrapportage|evaluatie|rapport|voorstel|wetsvoorstel|notitie|uitwerking)\b"
        # "Uw Kamer kan de kabinetsreactie ... tegemoet zien", "ligt er een wetsvoorstel bij uw Kamer",
        # "Het wetsvoorstel wordt ... bij uw Kamer ingediend", "Het kabinet komt voor de zomer met een reactie"
        rf"|\b(?:uw|de)\s+kamer\s+(?:kan|mag)\b[^.;]{{0,140}}?\btegemoet\s+zien\b"
        rf"|\bligt\s+er\b[^.;]{{0,120}}?\bbij\s+(?:uw|de)\s+kamer\b"
        rf"|\b(?:wordt|worden)\b[^.;]{{0,120}}?\b(?:bij|aan)\s+(?:uw|de)\s+kamer\s+(?:ingediend|aangeboden|toegezonden|voorgelegd)\b"
        rf"|\b(?:het\s+kabinet|de\s+regering|ik|wij|we)\s+(?:komt|kom|komen)\b[^.;]{{0,80}}?\bmet\s+(?:een|de|het)\s+(?:\w+\s+)?"
        r"(?:brief|reactie|kabinetsreactie|voorstel|wetsvoorstel|plan|visie|notitie|uitwerking|evaluatie)\b"
        # "Ik neem dat mee in de brief ... die ik de Kamer voor de zomer stuur"
        rf"|\b(?:ik|wij|we)\s+ne(?:em|men)\b[^.;]{{0,60}}?\bmee\s+in\s+(?:de|het|mijn|onze)\s+(?:\w+\s+)?\w*(?:brief|rapportage|reactie|evaluatie|voortgangsbrief)\b"
        rf"|\bnaar\s+verwachting\s+(?:kan|zal|kunnen|zullen)\s+{_GOV}\b[^.;]{{0,120}}?\b{_DELIVER}\b", _F),
    # "In de volgende voortgangsrapportage ga ik nader in op ...": the next report is a promised delivery
    "c_next_report": re.compile(
        r"\bin\s+de\s+(?:volgende|eerstvolgende|komende|eerstkomende)\s+\w*(?:rapportage|brief|voortgangsbrief|"
        r"verzamelbrief|stand\s+van\s+zakenbrief)\b[^.;]{0,100}?\b(?:ga|gaan|kom|komen|informeer|bericht|zal|zullen)\s+"
        r"(?:ik|wij|we)\b"
        r"|\b(?:ga|gaan|kom|komen|informeer|bericht|zal|zullen)\s+(?:ik|wij|we)\b[^.;]{0,100}?\bin\s+de\s+(?:volgende|"
        r"eerstvolgende|komende|eerstkomende)\s+\w*(?:rapportage|brief|voortgangsbrief|verzamelbrief)\b", _F),
    # spoken promises: "Ik ben bereid uw Kamer voor de zomer een overzicht te sturen", "Ik ga dat uitzoeken en laat
    # het de Kamer voor het eind van het jaar weten"
    "c_bereid_laat_weten": re.compile(
        rf"\b(?:ik\s+ben|wij\s+zijn|we\s+zijn)\s+(?:graag\s+|zeker\s+|best\s+)?bereid\b[^.;]{{0,140}}?\bte\s+{_DELIVER}\b"
        r"|\b(?:ik|wij|we)\b[^.;]{0,80}?\bla(?:at|ten)\s+(?:ik\s+|wij\s+|we\s+)?(?:het|dat|dit)?\s*(?:u|uw\s+kamer|de\s+kamer)\b"
        r"[^.;]{0,60}?\bweten\b", _F),
    "c_verwacht_te": re.compile(
        rf"\b(?:ik|wij|we|het\s+kabinet)\s+(?:verwacht\w*|ben\s+voornemens|zijn\s+voornemens|streef|streven|beoog\w*)\b[^.;]{{0,160}}?\bte\s+(?:kunnen\s+)?{_DELIVER}\b"
        rf"|\bhet\s+is\s+(?:mijn|ons|het)\s+voornemen\b[^.;]{{0,160}}?\b{_DELIVER}\b|\bhet\s+streven\s+is\b[^.;]{{0,160}}?\b{_DELIVER}\b", _F),
    "c_houd_op_hoogte": re.compile(
        rf"\b(?:houd|houden|hou)\s+(?:ik|wij|we)?\s*{_KAMER}\b[^.;]{{0,60}}?\bop\s+de\s+hoogte\b|\b(?:ik|wij|we)\s+(?:houd|houden)\b[^.;]{{0,40}}\bop\s+de\s+hoogte\b", _F),
    "c_first_zal": re.compile(r"\b(?:ik|wij|we)\s+(?:zal|zullen)\b|\b(?:zal|zullen)\s+(?:ik|wij|we)\b", _F),
    # ---- fulfilment
    "f_subject": re.compile(
        r"^\s*(?:uitvoering|uitwerking|invulling|afdoening|afdoen|opvolging)\s+(?:van\s+)?"
        r"(?:de\s+|het\s+|twee\s+|drie\s+|vier\s+|vijf\s+|zes\s+|diverse\s+|enkele\s+|een\s+aantal\s+|verschillende\s+)?"
        r"(?:aangenomen\s+|aangehouden\s+|ingediende\s+|(?:tweede\s+)?nader\s+|gewijzigde\s+|gewijzigd\s+)*(?:motie|moties|toezegging|toezeggingen)\b"
        r"|^\s*toezegging(?:en)?,?\s+(?:gedaan,?\s+(?:tijdens|tijden|in|bij|op)\b|(?:gedaan\s+)?(?:tijdens|n\.a\.v\.|naar\s+aanleiding|over|inzake|m\.b\.t\.|uit|ao|om|aan\s+het)\b)"
        r"|^\s*(?:kamerbrief\s+(?:bij|over|met)\s+)?(?:het\s+)?(?:overzicht|stand\s+van\s+zaken|verzamelbrief)\b[^;]{0,80}\b(?:moties|toezeggingen)\b"
        r"|^[^.]{0,200}\bnaar\s+aanleiding\s+van\s+(?:de\s+|een\s+)?toezegging\b[^.]*$"
        r"|^\s*reactie\s+op\s+(?:de\s+)?aangenomen\s+motie", _F),
    "f_this_doc_promise": re.compile(
        rf"(?:{_THIS_DOC})\b[^.;]{{0,140}}?\b(?:gevolg|uitvoering|invulling|opvolging|gestand|tegemoet|voldoe\w*|reageer|reageren|informeer|informeren|bericht|kom\w*|ga|geef|bied|stuur|zend|ontvangt)\b[^.;]{{0,160}}?\b{_PROMISE_OBJ}"
        rf"|\b{_PROMISE_OBJ}\b[^.;]{{0,160}}?\b(?:doe\s+ik|doen\s+wij|doen\s+we)\b[^.;]{{0,40}}?(?:{_THIS_DOC})?[^.;]{{0,40}}?\bgestand\b"
        rf"|\b{_PROMISE_OBJ}\b[^.;]{{0,60}}?\b(?:hierbij|hiermee|daarmee|bij\s+deze)\b[^.;]{{0,40}}\bgestand\b", _F),
    "f_gestand": re.compile(r"\b(?:doe|doen)\s+(?:ik|wij|we)\b[^.;]{0,160}?\bgestand\b|\bgestand\s+(?:te\s+)?doen\b", _F),
    "f_afgedaan": re.compile(
        r"\b(?:beschouw|beschouwen|acht|achten)\s+(?:ik|wij|we)\b[^.;]{0,160}?\bmotie\w*\b[^.;]{0,120}?\b(?:als\s+)?afgedaan\b"
        r"|\bmotie\w*\b[^.;]{0,160}?\bals\s+afgedaan\s+te\s+beschouwen\b|\bmotie\s+is\s+(?:hiermee|daarmee|daarmede)\s+afgedaan\b"
        r"|\bmotie\w*\b[^.;]{0,200}?\b(?:hiermee|daarmee)\b[^.;]{0,40}\bafgedaan\b", _F),
    "f_conform_toezegging": re.compile(
        r"\b(?:conform|zoals|overeenkomstig|naar\s+aanleiding\s+van|ter\s+uitvoering\s+van|in\s+lijn\s+met)\s+(?:mijn\s+|de\s+|onze\s+|het\s+)?(?:toezegging\w*|toegezegd\w*|verzoek\s+van\s+uw\s+kamer|motie\w*)\b"
        r"[^.;]{0,200}?\b(?:doe|stuur|zend|informeer|bied|ontvangt|treft|bericht|geef|ga|wordt|is|informeren|sturen|zenden|bieden|geven)\b"
        # the verb first: "Ook informeer ik u, conform toezegging, over …"
        r"|\b(?:informeer|stuur|zend|bied|doe|bericht)\s+(?:ik|wij|we)\b[^.;]{0,80}?\b(?:(?:conform|overeenkomstig|ter\s+uitvoering\s+van)(?:\s+(?:mijn|de|onze|het))?\s+(?:toezegging\w*|motie\w*)|zoals\s+toegezegd)\b", _F),
    "f_present_motion": re.compile(
        r"\b(?:informeer|informeren|bericht|berichten|reageer|reageren|ga|gaan)\s+(?:ik|wij|we)\b[^.;]{0,80}?\b(?:over|op|in\s+op)\s+(?:de\s+)?(?:uitvoering\s+van\s+)?(?:deze\s+|de\s+|die\s+)?(?:aangenomen\s+)?(?:motie|moties|toezegging|toezeggingen)\b"
        r"|\binformeert\b[^.;]{0,60}?\bover\s+de\s+motie\b"
        r"|\b(?:wordt|is)\s+(?:hiermee|daarmee|hierbij|met\s+deze\s+brief)\b[^.;]{0,40}?\b(?:uitvoering|gevolg|invulling|opvolging)\s+gegeven\s+aan\b"
        r"|\b(?:geef|geven)\s+(?:ik|wij|we)\b[^.;]{0,60}?\b(?:uitvoering|gevolg|invulling|opvolging)\s+aan\s+(?:de\s+|mijn\s+|deze\s+|die\s+)?(?:motie|toezegging)", _F),
    # "De motie ... is hiermee uitgevoerd", "Met het toezenden van deze evaluatie is ook voldaan aan de toezegging"
    # (not "... is voldaan met mijn brief van 18 december": an earlier letter did it)
    "f_done_now": re.compile(
        r"\b(?:motie|toezegging|verzoek)\w*\b[^.;]{0,200}?\b(?:is|wordt|zijn|worden)\s+(?:hiermee|daarmee|hierbij|"
        r"met\s+deze\s+brief)\s+(?:uitgevoerd|afgedaan|ingevuld|voldaan|nagekomen)\b"
        r"|\b(?:is|wordt)\s+(?:hiermee\s+|daarmee\s+|hierbij\s+|ook\s+|tevens\s+|eveneens\s+)+voldaan\s+aan\s+(?:de|mijn|het|onze)\s+"
        r"(?:toezegging|motie|verzoek)\w*\b(?![^.;]*\bmet\s+(?:mijn|de|onze)\s+brief\s+van\b)"
        # "Zoals ik ... heb toegezegd, ontvangt u hierbij ...", "Bijgaand treft u de ... toegezegde analyse aan"
        r"|\btoegezegd\w*\b[^.;]{0,140}?\b(?:ontvangt\s+u|treft\s+u|stuur|zend|bied|informeer)\b[^.;]{0,60}?\b(?:hierbij|bijgaand|"
        r"met\s+deze\s+brief)\b"
        r"|\b(?:bijgaand|hierbij)\b[^.;]{0,40}?\b(?:treft|ontvangt)\s+u\b[^.;]{0,120}?\btoegezegd\w*\b", _F),
    "f_toezegging_word": re.compile(r"\btoezegging\w*\b|\btoegezegd\w*\b", _F),
    "f_motie_word": re.compile(r"\bmotie\w*\b", _F),
    # ---- none
    "n_motion_part": re.compile(
        r"^\s*(?:en\s+)?(?:verzoekt|constaterende|overwegende|spreekt\s+(?:zich\s+)?uit|roept|draagt|van\s+mening|gehoord\s+de\s+beraadslaging|gaat\s+over\s+tot)\b", _F),
    # a whole motion text taken as one sentence
    "n_motion_text": re.compile(
        r"\bgehoord\s+de\s+beraadslaging\s*,?\s+(?:en\s+)?(?:constaterende|overwegende|verzoekt|van\s+mening|spreekt|roept|draagt)\b", _F),
    "n_subject": re.compile(r"^\s*(?:appreciatie\w*|uitstel|wijziging\s+appreciatie|kabinetsappreciatie)\b", _F),
    "n_past_promise": re.compile(
        r"\b(?:heb|hebben|heeft|had|hadden|is|zijn|werd|werden)\b[^.;]{0,200}?\b(?:toegezegd|aangekondigd|aangegeven|beloofd)\b"
        r"|\b(?:toezegging|belofte)\s+(?:gedaan|is\s+gedaan)\b|\bzegde\b[^.;]{0,200}\btoe\b|\bde\s+toezegging\s+gedaan\b"
        r"|\b(?:eerdere?|gedane|toegezegde)\s+toezegging\w*\b|\btoezegging\w*\s+(?:die|dat)\b[^.;]{0,80}\b(?:heeft|heb|hebben|had)\s+gedaan\b"
        r"|\b(?:heeft|hebben|heb|had)\b[^.;]{0,120}?\b(?:gezegd|gemeld|laten\s+weten|bericht|geïnformeerd|gestuurd|toegezonden|aangeboden)\b", _F),
    "n_question": re.compile(r"\?\s*[\"'»”]?\s*$|\b(?:vraag\w*|vroeg|verzoek\w*)\b[^.;]{0,60}?\b(?:een\s+)?(?:harde\s+|stellige\s+)?toezegging\w*\b|\bis\s+de\s+(?:minister|staatssecretaris|regering)\s+bereid\b", _F),
    "n_debate": re.compile(
        r"\b(?:in\s+(?:de\s+)?(?:tweede|eerste)\s+termijn|in\s+dit\s+debat|daarna\s+kom\s+ik|dan\s+kom\s+ik|kom\s+ik\s+(?:nu\s+)?(?:bij|op|tot))\b"
        r"|\b(?:vandaag|straks|zo\s+meteen|zometeen)\b[^.;]{0,30}\b(?:ingaan|in\s+gaan|beantwoorden|terugkomen|op\s+terug\w*)\b|\b(?:ingaan|beantwoorden|op\s+terugkom\w*)\b[^.;]{0,20}\b(?:vandaag|straks|zo\s+meteen)\b"
        r"|\b(?:ik|wij|we)\s+(?:zal|zullen|ga|gaan)\s+(?:\w+\s+)?in\s+deze\s+(?:brief|kamerbrief)\b"
        r"|\b(?:in|met)\s+deze\s+(?:brief|kamerbrief)\s+(?:zal|ga)\s+ik\b|\bzal\s+ik\s+in\s+deze\s+brief\b", _F),
    "n_negation": re.compile(r"\b(?:zal|zullen|ga|kan|wil)\s+(?:ik|wij|we)\b[^.;]{0,40}?\b(?:niet|geen|nooit)\b|\b(?:niet|geen)\s+(?:mogelijk|haalbaar)\b"
                             r"|\bniet\s+(?:voornemens|van\s+plan|bereid)\b", _F),
    "n_habitual": re.compile(r"^(?![^.;]*\b(?:zal|zullen)\b)[^.;]*\bwordt\b[^.;]*\b(?:met\s+(?:grote\s+)?regelmaat|regelmatig|periodiek)\b", _F),
    "n_this_doc_passive": re.compile(r"^\s*(?:in|met|via|middels)\s+deze\s+(?:brief|kamerbrief)\s+(?:wordt|worden)\b", _F),
    "n_refusal": re.compile(r"\b(?:moeilijk|lastig)\s+(?:om|te)\b|\bkan\s+(?:ik|wij|we)\s+(?:niet|geen)\s+(?:toezeggen|toezegging)|\bniet\s+toezeggen\b|\bgeen\s+(?:extra\s+)?toezegging", _F),
    "n_delay": re.compile(r"\b(?:uitstel|later\s+dan|vertraging|meer\s+tijd|extra\s+tijd|niet\s+(?:binnen|tijdig|haalbaar))\b", _F),
    "n_hierbij_present": re.compile(
        r"^\s*(?:hierbij|bijgaand|met\s+deze\s+brief|in\s+deze\s+brief|middels\s+deze\s+brief|via\s+deze\s+brief)\b[^.;]{0,30}\b(?:ontvangt|stuur|zend|bied|informeer|informeren|treft|doe|bericht)\b", _F),
    "n_member_speaker": re.compile(r"\b(?:ik\s+vraag|wij\s+vragen|ik\s+wil\s+graag\s+van|ik\s+roep|mijn\s+vraag)\b"
                                   r"|\b(?:ik|wij|we)\s+(?:wil|willen)\s+(?:de|het)\s+(?:minister|staatssecretaris|kabinet|regering)\s+"
                                   r"(?:\w+\s+)?(?:vragen|verzoeken|oproepen)\b"
                                   r"|\b(?:het\s+lid|de\s+heer|mevrouw|de\s+leden|de\s+fractie)\b[^.;]{0,60}?\b(?:vroeg|vraagt|vroegen|vragen|"
                                   r"verzocht|verzoekt)\s+(?:of|om|mij|de\s+minister|het\s+kabinet)\b", _F),
    # a commitment still open is no fulfilment: "De toezegging ... staat nog open."
    "n_open": re.compile(r"\b(?:staat|staan)\s+(?:nog\s+)?open\b|\bnog\s+niet\s+(?:voldaan|afgedaan|uitgevoerd|nagekomen)\b"
                         r"|\bopenstaande?\b", _F),
}
RULE_NAMES = tuple(RULES)

# spaCy Matcher patterns on lemmas / lower-case forms (run on candidate sentences only)
_MATCHER_PATTERNS = {
    "m_toezeggen_first": [
        [{"LOWER": {"IN": ["ik", "wij", "we"]}}, {"LEMMA": {"IN": ["zeggen", "willen", "kunnen"]}},
         {"OP": "*", "IS_PUNCT": False}, {"LOWER": {"IN": ["toe", "toezeggen"]}}],
        [{"LEMMA": "zeggen"}, {"LOWER": {"IN": ["ik", "wij", "we"]}}, {"OP": "*", "IS_PUNCT": False}, {"LOWER": "toe"}],
    ],
    "m_zullen_informeren": [
        [{"LEMMA": "zullen"}, {"OP": "*", "IS_PUNCT": False},
         {"LEMMA": {"IN": ["informeren", "sturen", "toesturen", "toezenden", "zenden", "toekomen", "rapporteren",
                           "berichten", "terugkomen", "aanbieden", "nazenden"]}}],
    ],
    "m_kamer_informeren": [
        [{"LOWER": {"IN": ["uw", "de"]}}, {"LOWER": "kamer"}, {"OP": "*", "IS_PUNCT": False},
         {"LEMMA": {"IN": ["informeren", "toekomen", "toesturen", "toezenden", "sturen"]}}],
    ],
    "m_toezegging_gestand": [
        [{"LEMMA": {"IN": ["toezegging"]}}, {"OP": "*", "IS_PUNCT": False}, {"LOWER": "gestand"}],
        [{"LOWER": "gevolg"}, {"LOWER": "aan"}, {"OP": "?"}, {"LEMMA": {"IN": ["toezegging", "motie"]}}],
        [{"LOWER": {"IN": ["uitvoering", "invulling", "opvolging"]}}, {"LOWER": "aan"}, {"OP": "*", "IS_PUNCT": False},
         {"LEMMA": {"IN": ["toezegging", "motie"]}}],
    ],
}
MATCHER_NAMES = tuple(_MATCHER_PATTERNS)
FEATURE_NAMES = RULE_NAMES + MATCHER_NAMES

_MATCHER = None


def _get_matcher():
    global _MATCHER
    if _MATCHER is None:
        from spacy.matcher import Matcher
        nlp = get_nlp()
        m = Matcher(nlp.vocab)
        for name, pats in _MATCHER_PATTERNS.items():
            m.add(name, pats)
        _MATCHER = m
    return _MATCHER


# Only these words' lemmas are asked for by the Matcher patterns (zullen, zeggen/willen/kunnen, the deliver
# verbs, toezegging/motie); other tokens keep no lemma, which no pattern reads.
_LEMMA_NEEDED = re.compile(r"(?i)(?:zal|zul|zou|zeg|zei|wil|kan|kun|kon|informe|stu|zend|zond|kom|rapport"
                           r"|bericht|terug|aanbied|bied|bood|nazend|toezeg|moti)")


def _matcher_hits(sentences: list[str]) -> list[set[str]]:
    nlp = get_nlp()
    matcher = _get_matcher()
    out = []
    for s in sentences:
        doc = nlp.make_doc(s)
        for t in doc:
            if _LEMMA_NEEDED.search(t.text):
                t.lemma_ = lemma(t.text)
        if len(doc) and not doc[0].lemma_:
            doc[0].lemma_ = doc[0].lower_  # the Matcher wants the doc marked as lemmatised
        hits = {nlp.vocab.strings[mid] for mid, _, _ in matcher(doc)}
        out.append(hits)
    return out


def _has_due_time(sentence: str) -> bool:
    from .deadlines import find_deadlines
    return bool(find_deadlines(sentence, None))


# ---- necessary conditions (speed only: never change a result)
# For each costly rule: words at least one of which every match of the rule contains, as alternatives (one per
# branch or group of branches of the pattern), each an AND of groups, each group an OR of lower-case words
# that are substrings of the pattern's literal words. If no alternative holds on the lower-cased sentence, the
# pattern cannot match there and is not run. Rules not listed are always run.
_W_DELIVER = ("informe", "bericht", "inlichten", "stur", "stuur", "zenden", "toekomen", "rapporte", "voorleggen",
              "aanbied", "hoogte", "terug", "nagezonden", "beantwoorden", "leveren", "presente", "delen")
_W_GOV = ("ik", "wij", "we", "kabinet", "regering", "minister", "staatssecretaris")
_W_FUT = ("zal", "zul", "ga", "verwacht", "voornemen", "stre", "wil", "beoog", "kan", "hoop")
_W_PROMISE_OBJ = ("toezegging", "motie", "verzoek", "toegezegd")
_W_THIS_DOC = ("deze", "dit", "onderhavige", "hierbij", "hiermee", "daarmee", "hierin", "bijgaand")
_GUARDS: dict[str, tuple] = {
    "c_gov_fut_deliver": ((_W_GOV, _W_FUT, _W_DELIVER),),
    "c_fut_gov_deliver": ((("zal", "zullen", "verwacht", "ga", "wil"), _W_DELIVER),),
    "c_kamer_fut_informed": ((("zal", "zul", "wordt", "ontvangt", "krijgt"),),),
    "c_zal_passive_informed": ((("zal", "zullen"), ("geïnformeerd", "ingelicht", "zonden", "gestuurd", "aangeboden")),),
    "c_zeg_toe": ((("toe",), ("zeg",)),),
    "c_brief_komt": ((("komt", "krijgt", "ontvangt"),
                      ("brief", "rapportage", "reactie", "overzicht", "voorstel", "informatie", "notitie")),),
    "c_kom_terug": ((("terug",), ("kom",)),),
    "c_heb_al_toegezegd": ((("toegezegd",),),),
    "f_toegezegd_deze_brief": ((("toegezegd", "toezegging"), ("deze",), ("brief",)),),
    "c_streef_te": ((("stre", "verwacht", "voornemens", "beoog"), ("bieden", "sturen", "zenden", "komen")),),
    "c_present_deliver": ((("informe", "stu", "zend", "bied", "kom", "deel", "bericht", "rapporte", "presente",
                            "leg", "volgt", "tegemoet", "ligt", "ingediend", "aangeboden", "toegezonden",
                            "voorgelegd", "mee"),),
                          (("kamer",), ("ontvangt", "krijgt")), (("verwachting",), _W_DELIVER)),
    "c_verwacht_te": ((("verwacht", "voornemen", "stre", "beoog"), _W_DELIVER),),
    "c_next_report": ((("volgende", "eerstvolgende", "komende", "eerstkomende"),),),
    "n_motion_text": ((("beraadslaging",),),),
    "c_bereid_laat_weten": ((("bereid",),), (("weten",), ("laat", "laten"))),
    "f_done_now": ((("uitgevoerd", "afgedaan", "ingevuld", "voldaan", "nagekomen"),), (("toegezegd",),)),
    "c_houd_op_hoogte": ((("hou",), ("hoogte",)),),
    "c_first_zal": ((("zal", "zullen"),),),
    "f_this_doc_promise": ((_W_PROMISE_OBJ, _W_THIS_DOC), (_W_PROMISE_OBJ, ("gestand",))),
    "f_gestand": ((("gestand",),),),
    "f_afgedaan": ((("motie",), ("afgedaan",)),),
    "f_conform_toezegging": ((("conform", "zoals", "overeenkomstig", "aanleiding", "uitvoering", "lijn"),
                              ("toezeg", "toegezegd", "verzoek", "motie")),),
    "f_present_motion": ((("motie", "toezegging"),), (("gegeven",),)),
    "f_toezegging_word": ((("toezegging", "toegezegd"),),),
    "f_motie_word": ((("motie",),),),
    "n_past_promise": ((("toegezegd", "aangekondigd", "aangegeven", "beloofd", "gedaan", "zegde", "toezegging"),),
                       (("heb", "heeft", "had"), ("gezegd", "gemeld", "weten", "bericht", "geïnformeerd", "gestuurd",
                                                  "toegezonden", "aangeboden"))),
    "n_question": ((("?", "bereid"),), (("vraag", "vroeg", "verzoek"), ("toezegging",))),
    "n_debate": ((("termijn", "debat", "kom", "vandaag", "straks", "meteen"),), (("brief",), ("deze",))),
    "n_negation": ((("niet", "geen", "nooit"),),),
    "n_habitual": ((("wordt",), ("regelma", "periodiek")),),
    "n_refusal": ((("moeilijk", "lastig", "toezeg"),),),
    "n_open": ((("open",), ("nog niet",)),),
    "n_delay": ((("uitstel", "later", "vertraging", "tijd", "niet"),),),
    "n_member_speaker": ((("vra", "roep", "graag", "verzo"),),),
}


# the dots of abbreviations inside a sentence ("(Kamerstuk 36600-XII, nr. 45)", "van 6 maart jl. stuur ik"), which
# the rules' "[^.;]" spans would take for a sentence end: blanked, same length, before the rules run
_ABBREVS = frozenset("nr nrs jl blz art bijv resp stb vgl zgn ca mr dr prof min o.a c.s t.v.v d.d m.b.t i.v.m t.a.v "
                     "z.s.m e.a j.l n.a.v".split())


def _mask_abbrev(s: str) -> str:
    i = s.find(".")
    n = len(s) - 1
    if i < 0 or i >= n:
        return s
    chars = None
    while 0 <= i < n:
        j = i
        while j > 0 and (s[j - 1].isalpha() or s[j - 1] == "."):
            j -= 1
        if s[j:i].lower() in _ABBREVS:
            if chars is None:
                chars = list(s)
            for k in range(j, i + 1):
                if chars[k] == ".":
                    chars[k] = " "
        i = s.find(".", i + 1)
    return "".join(chars) if chars is not None else s


def _lowered(s: str) -> Optional[str]:
    """The sentence lower-cased (abbreviation dots blanked) for the rules, or None when the guards must not be
    used."""
    low = safe_lower(s)   # None (İ, ı, ſ): every rule runs on the sentence itself
    return _mask_abbrev(low) if low is not None else None


def _may_match(name: str, low: Optional[str]) -> bool:
    alts = _GUARDS.get(name)
    if alts is None or low is None:
        return True
    for alt in alts:
        for grp in alt:
            for w in grp:
                if w in low:
                    break
            else:
                break   # this group has none of its words: the alternative fails
        else:
            return True
    return False


# The same patterns without re.I, run on the lower-cased sentence: identical matches at identical offsets. Every
# atom of these patterns (lower-case ASCII letters, é, ï, punctuation, \w, \W, \s, \b, [^.;], ., [\w\s,-],
# ["'»”]) accepts a character under re.I exactly when its case-sensitive form accepts the character's str.lower()
# (checked for every code point by `python bench/check_same_outputs.py --audit-fold`), except İ, ı and ſ, and
# str.lower keeps the length of every other character; sentences with İ, ı or ſ run the re.I patterns. The
# case-sensitive patterns are faster (sre's literal fast paths do not apply under re.I).
def _lower_twin(rx: re.Pattern) -> re.Pattern:
    return re.compile(rx.pattern, rx.flags & ~re.I)


_RULES_LOW = {name: _lower_twin(rx) for name, rx in RULES.items()}
_PREFILTER_LOW = _lower_twin(PREFILTER)


def _rule_hit(name: str, s: str, low: Optional[str]) -> bool:
    if low is None:
        return RULES[name].search(_mask_abbrev(s)) is not None
    return _may_match(name, low) and _RULES_LOW[name].search(low) is not None


_UNSET = object()


def _regex_features(s: str, known: Optional[dict[str, bool]] = None, low=_UNSET) -> dict[str, int]:
    """`known`: raw rule hits already computed for `s` (same patterns, same sentence); `low`: `_lowered(s)` when
    the caller has it."""
    if low is _UNSET:
        low = _lowered(s)
    if known is None:
        known = {}
    d = {name: int(known[name] if name in known else _rule_hit(name, s, low)) for name in RULES}
    if d["c_present_deliver"] and not _has_due_time(s):
        d["c_present_deliver"] = 0   # a present tense is only a promise with a due time in it
    return d


def _add_matcher(sentences: list[str], feats: list[dict[str, int]]) -> list[dict[str, int]]:
    for d, hits in zip(feats, _matcher_hits(sentences)):
        for name in MATCHER_NAMES:
            d[name] = int(name in hits)
    return feats


def rule_features(sentences: list[str]) -> list[dict[str, int]]:
    """Rule hits per sentence: {feature name: 0/1} for every regex rule and Matcher pattern."""
    return _add_matcher(sentences, [_regex_features(s) for s in sentences])


_ZAL = re.compile(r"\b(?:zal|zullen|zult)\b", re.I)
_WILL_KEEP = re.compile(r"\b(?:zal|zullen)\s+(?:ik|wij|we)?\b[^.;]{0,60}?\bgestand\s+doen\b", re.I)
_NOT_TOE = re.compile(r"\b(?:niet|geen|nooit)\b[^.;]{0,30}\b(?:toe|toezeggen|toezegging\w*)\b", re.I)
_STRONG_C = ("c_streef_te", "c_present_deliver", "c_next_report", "c_bereid_laat_weten", "c_gov_fut_deliver", "c_fut_gov_deliver", "c_kamer_fut_informed", "c_zal_passive_informed", "c_brief_komt",
             "c_verwacht_te", "c_houd_op_hoogte", "c_kom_terug", "c_ik_zal_spoken")
_NEG_C = ("n_open", "n_past_promise", "n_question", "n_debate", "n_negation", "n_hierbij_present", "n_member_speaker", "n_delay",
          "n_refusal", "n_habitual", "n_this_doc_passive")
_NEG_ANY = ("n_question", "n_debate", "n_member_speaker", "n_delay", "n_refusal", "n_open")


# Rule features that are evidence of a statement (not just the words "toezegging"/"motie" or a bare "ik zal").
_EVIDENCE = frozenset(n for n in FEATURE_NAMES if n.startswith(("c_", "f_", "m_")) and n not in
                      ("f_toezegging_word", "f_motie_word", "c_first_zal"))


# One pass over the regex rules that count as evidence, and a superset of the words the Matcher patterns need
# (their lemmas' inflected forms): used to skip sentences that cannot be a statement.
_EVIDENCE_REGEX = tuple(n for n in RULES if n in _EVIDENCE)
_DELIVER_STEM = re.compile(r"informe|stuu?r|zend|zond|toekom|rapport|bericht|terugkom|bied|bood|nazend", re.I)
_ZULLEN_OR_KAMER = re.compile(r"\b(?:zal|zullen|zult|zou|zouden|kamer)\b", re.I)
_FIRST_PERSON = re.compile(r"\b(?:ik|wij|we)\b", re.I)
_TOE = re.compile(r"\btoe\b|toezeg", re.I)
_PROMISE_WORD = re.compile(r"toezeg|motie", re.I)
_DONE_WORD = re.compile(r"gestand|gevolg|uitvoering|invulling|opvolging", re.I)


def _matcher_possible(s: str) -> bool:
    """A necessary condition for any Matcher pattern: the words each pattern needs, by their stems."""
    return bool((_ZULLEN_OR_KAMER.search(s) and _DELIVER_STEM.search(s))
                or (_FIRST_PERSON.search(s) and _TOE.search(s))
                or (_PROMISE_WORD.search(s) and _DONE_WORD.search(s)))


def untrusted(f: dict[str, int]) -> bool:
    """A sentence no hard rule decided, whose classifier positive would not be trusted: a member's
    question/request, a refusal, a delay, the course of the debate, a commitment still open; or no rule evidence
    at all (the classifier learned "toezegging"/"motie" from subject lines: "Toezeggingen blijven altijd
    geldig."). It is "none" without asking the classifier."""
    return any(f[n] for n in _NEG_ANY) or not any(v for k, v in f.items() if k in _EVIDENCE)


def _hard_decision(s: str, f: dict[str, int]) -> Optional[tuple[str, float]]:
    """Rules that decide without the classifier: (label, score) or None."""
    if f["n_motion_part"] or f["n_motion_text"]:
        return "none", 0.99
    if f["n_subject"]:
        return "none", 0.97
    if f["f_subject"] or f["f_afgedaan"]:
        return "fulfilment", 0.97
    if f["c_zeg_toe"] and not (f["n_past_promise"] or f["n_question"] or _NOT_TOE.search(s)):
        return "commitment", 0.93
    if f["c_heb_al_toegezegd"] and not f["n_question"]:
        return "commitment", 0.85
    neg_f = f["n_question"] or f["n_delay"] or f["n_open"]
    if (f["f_gestand"] or f["f_this_doc_promise"]) and _WILL_KEEP.search(s):
        return "commitment", 0.85    # "Ik zal mijn toezegging gestand doen en uw Kamer voor 1 mei ... sturen"
    if (f["f_gestand"] or f["m_toezegging_gestand"]) and f["f_toezegging_word"] and not neg_f:
        return "fulfilment", 0.95
    if (f["f_this_doc_promise"] or f["f_present_motion"] or f["f_toegezegd_deze_brief"] or f["f_done_now"]) \
            and not neg_f:
        return "fulfilment", 0.9
    if f["f_conform_toezegging"] and not neg_f and not _ZAL.search(s):
        return "fulfilment", 0.85
    if any(f[n] for n in _STRONG_C) and not any(f[n] for n in _NEG_C):
        return "commitment", 0.85
    return None


# ---------------------------------------------------------------- model

class StatementModel:
    """TF-IDF word + char n-grams and rule features → a linear classifier. Built by models/statements/train.py."""

    def __init__(self, C: float = 4.0, random_state: int = 0):
        from sklearn.feature_extraction import DictVectorizer
        from sklearn.feature_extraction.text import TfidfVectorizer
        from sklearn.linear_model import LogisticRegression

        self.word = TfidfVectorizer(lowercase=True, ngram_range=(1, 3), min_df=2, sublinear_tf=True,
                                    token_pattern=r"(?u)\b\w+\b")
        self.char = TfidfVectorizer(lowercase=True, analyzer="char_wb", ngram_range=(3, 5), min_df=3,
                                    sublinear_tf=True, max_features=40000)
        self.rules = DictVectorizer(sparse=True)
        self.rule_weight = 1.0
        self.clf = LogisticRegression(C=C, class_weight="balanced", max_iter=5000, random_state=random_state)

    def _X(self, texts, feats, fit=False):
        from scipy.sparse import hstack
        if fit:
            a = self.word.fit_transform(texts)
            b = self.char.fit_transform(texts)
            c = self.rules.fit_transform(feats)
        else:
            a = _tfidf_transform(self.word, texts)
            b = _tfidf_transform(self.char, texts)
            c = self.rules.transform(feats)
        return hstack([a, b * 0.7, c * self.rule_weight]).tocsr()

    def fit(self, texts, feats, labels):
        self.clf.fit(self._X(texts, feats, fit=True), labels)
        return self

    def predict_proba(self, texts, feats) -> list[dict[str, float]]:
        P = _lr_predict_proba(self.clf, self._X(texts, feats))
        return [dict(zip(self.clf.classes_, map(float, row))) for row in P]


def _tfidf_transform(vec, texts):
    """`vec.transform(texts)` for a fitted TfidfVectorizer, by the same steps without sklearn's per-call input
    checks (scikit-learn 1.9: CountVectorizer._count_vocab, the dtype cast of check_array, sublinear tf, idf,
    l2 row normalisation in place): the same numbers, bit for bit. Any other set-up takes vec.transform."""
    import numpy as np
    tf = getattr(vec, "_tfidf", None)
    if tf is None or tf.norm not in ("l2", None) or not hasattr(vec, "_count_vocab"):
        return vec.transform(texts)
    from sklearn.utils.sparsefuncs_fast import inplace_csr_row_normalize_l2
    vec._check_vocabulary()
    _, X = vec._count_vocab(texts, fixed_vocab=True)
    if vec.binary:
        X.data.fill(1)
    if X.dtype not in (np.float64, np.float32):
        X = X.astype(np.float64)
    if tf.sublinear_tf:
        np.log(X.data, X.data)
        X.data += 1.0
    if hasattr(tf, "idf_"):
        X.data *= tf.idf_[X.indices]
    if tf.norm == "l2":
        inplace_csr_row_normalize_l2(X)
    return X


def _lr_predict_proba(clf, X):
    """`clf.predict_proba(X)` for a fitted binary LogisticRegression and a CSR float64 X, by the same steps
    without sklearn's per-call input checks (scikit-learn 1.9: decision_function = X @ coef_.T + intercept_,
    expit in place, [1 - p, p]): the same numbers, bit for bit. Anything else takes clf.predict_proba."""
    import numpy as np
    import scipy.sparse as sp
    from sklearn.linear_model import LogisticRegression
    if type(clf) is not LogisticRegression or len(clf.classes_) != 2 or not sp.issparse(X) \
            or X.format != "csr" or X.dtype != np.float64 or X.shape[1] != clf.coef_.shape[-1]:
        return clf.predict_proba(X)
    from scipy import special
    from sklearn.utils.extmath import safe_sparse_dot
    coef_t = clf.coef_.T if clf.coef_.ndim == 2 else clf.coef_
    scores = safe_sparse_dot(X, coef_t, dense_output=True) + clf.intercept_
    prob = np.reshape(scores, (-1,)) if (scores.ndim > 1 and scores.shape[1] == 1) else scores
    prob = special.expit(prob, out=prob)
    return np.stack([1 - prob, prob], axis=1)


_MODEL = None


def model_dir() -> Path:
    env = os.environ.get("KAMERSTUKKEN_MODELS")
    if env:
        return Path(env) / "statements"
    import kamerstukken
    return Path(kamerstukken.__file__).resolve().parents[1] / "models" / "statements"


def _load_model():
    global _MODEL
    if _MODEL is None:
        path = model_dir() / "model.joblib"
        if not path.exists():
            raise FileNotFoundError(
                f"statement classifier not found at {path}; build it with "
                f"`python models/statements/train.py` (or set KAMERSTUKKEN_MODELS to a folder holding statements/model.joblib)")
        import joblib
        _MODEL = joblib.load(path)
    return _MODEL


def classify_sentences(sentences: list[str]) -> list[tuple[str, float]]:
    """Label each sentence `commitment`, `fulfilment` or `none` with a score (prefilter + rules + classifier)."""
    out: list[Optional[tuple[str, float]]] = [None] * len(sentences)
    idx = []
    lows: dict[int, Optional[str]] = {}
    for i, s in enumerate(sentences):
        low = _lowered(s)
        if not (PREFILTER.search(s) if low is None else _PREFILTER_LOW.search(low)):
            continue
        # Motion parts and subject-line negatives decide on a regex alone: skip the costlier Matcher/classifier.
        motion_part = _rule_hit("n_motion_part", s, low) or _rule_hit("n_motion_text", s, low)
        if motion_part or _rule_hit("n_subject", s, low):
            out[i] = ("none", 0.99 if motion_part else 0.97)
            continue
        idx.append(i)
        lows[i] = low
    # A sentence with no rule evidence and no word any Matcher pattern could match can only end up "none"
    # (hard rules need evidence, and a classifier positive without evidence is not trusted): skip the rest.
    kept, feats = [], []
    for i in idx:
        s = sentences[i]
        low = lows[i]
        known: dict[str, bool] = {}
        hit = False
        for n in _EVIDENCE_REGEX:
            known[n] = h = _rule_hit(n, s, low)
            if h:
                hit = True
                break
        if hit or _matcher_possible(s):
            kept.append(i)
            feats.append(_regex_features(s, known, low))
    idx = kept
    if idx:
        cand = [sentences[i] for i in idx]
        # _hard_decision reads one Matcher feature (m_toezegging_gestand): a sentence it decides alike with that
        # feature 0 and 1 is decided without running the Matcher (spaCy tokenisation) on it.
        need = []
        for j, (s, f) in enumerate(zip(cand, feats)):
            hd = _hard_decision(s, dict(f, m_toezegging_gestand=0))
            if hd is not None and hd == _hard_decision(s, dict(f, m_toezegging_gestand=1)):
                out[idx[j]] = hd
            else:
                need.append(j)
        _add_matcher([cand[j] for j in need], [feats[j] for j in need])   # fills those dicts in place
        rest = []
        for j in need:
            hd = _hard_decision(cand[j], feats[j])
            if hd is not None:
                out[idx[j]] = hd
            elif untrusted(feats[j]):
                out[idx[j]] = ("none", 0.9)   # whatever the classifier would say
            else:
                rest.append(j)
        if rest:
            model = _load_model()
            X = [cand[j] for j in rest]
            F = [feats[j] for j in rest]
            import sklearn
            # sklearn's per-call input validation (parameters, finiteness) does not change any number; skipped.
            with sklearn.config_context(assume_finite=True, skip_parameter_validation=True):
                probs = model.predict_proba(X, F)
            for j, p in zip(rest, probs):
                lab = max(p, key=p.get)
                out[idx[j]] = (str(lab), p[lab])
    return [o if o is not None else ("none", 0.99) for o in out]


# ---------------------------------------------------------------- slots

_ACTOR_RE = re.compile(
    r"\b(?:de\s+)?((?:minister|staatssecretaris|minister-president)(?:\s+(?:van|voor)\s+[A-Z][\w&,\-\s]{2,70}?)?)(?=\s+(?:zegt|zal|heeft|informeert|stuurt|wil|gaat|verwacht|biedt)\b)"
    r"|\b(het\s+kabinet|de\s+regering)\b|\b(ik|wij|we)\b", re.I)
_ACTION_RE = re.compile(
    r"\b(informeren|informeer|informeert|berichten|bericht|toesturen|toezenden|sturen|stuur|stuurt|zenden|zend|toekomen|rapporteren|rapporteer"
    r"|terugkomen|terugkom|aanbieden|bied|voorleggen|evalueren|beantwoorden|ingaan|in\s+te\s+gaan|op\s+de\s+hoogte\s+houden|nazenden|nagezonden"
    r"|geïnformeerd|toegezonden|toezeggen|gestand\s+doen|gestand|gevolg\s+geven|uitvoering\s+geven|afgedaan)\b", re.I)
_ACTION_NORM = {"informeer": "informeren", "informeert": "informeren", "geïnformeerd": "informeren", "bericht": "berichten",
                "stuur": "sturen", "stuurt": "sturen", "zend": "zenden", "rapporteer": "rapporteren", "terugkom": "terugkomen",
                "bied": "aanbieden", "in te gaan": "ingaan", "nagezonden": "nazenden", "toegezonden": "toezenden",
                "gestand": "gestand doen", "afgedaan": "afdoen"}
_TOPIC_RE = re.compile(r"\b(?:over|inzake|omtrent|met\s+betrekking\s+tot|aangaande)\s+((?:de|het|een|deze|dit|die)?\s*[^,.;:()]{3,120}?)(?=\s*(?:[,.;:(]|\ben\s+(?:stel|zal|wil)|\bte\s+\w+\b|$))", re.I)
_NAME = r"(?:(?:[Vv]an|[Dd]e|[Dd]en|[Dd]er|[Tt]er|[Tt]en|[Tt]e|[Ii]n\s+'t|'t|[Hh]et)\s+){0,3}[A-Z][\w'\-]+(?:-[A-Z][\w'\-]+)?"
_MEMBER_RE = re.compile(
    rf"\b((?:het\s+lid|de\s+leden|kamerlid|de\s+heer|mevrouw|lid)\s+{_NAME}(?:\s*,\s*{_NAME})*(?:\s+en\s+{_NAME})?"
    rf"(?:\s+(?:c\.s\.|e\.a\.))?(?:\s*\([^)]{{1,30}}\))?)")
# the Kamerstukken a statement names, in the two forms the points_to slot has always read (nlp.references finds
# more forms; using it here would change this slot's output)
_POINT_KST = re.compile(r"Kamerstuk(?:ken)?\s+(?:I{1,2}\s+\d{4}[/–-]\d{2,4},?\s+)?(\d{2})\s?(\d{3})"
                        r"(?:[ ,-]+([A-Z]{1,5}|[IVXL]+|\d{2}))?,?\s+nr\.?\s*(\d{1,4})")
_POINT_DASHED = re.compile(r"\b(\d{5})-((?:[A-Z]{1,5}|[IVXL]+|\d{2})-)?(\d{1,4})\b")


def _points_to(s: str) -> list[str]:
    out: list[str] = []
    for m in _POINT_KST.finditer(s):
        parts = [m.group(1) + m.group(2)] + ([m.group(3)] if m.group(3) else []) + [m.group(4)]
        out.append("kst-" + "-".join(parts))
    for m in _POINT_DASHED.finditer(s):
        kid = "kst-" + m.group(1) + ("-" + m.group(2)[:-1] if m.group(2) else "") + "-" + m.group(3)
        if kid not in out:
            out.append(kid)
    low = s.lower()
    if "toezeg" in low or "toegezegd" in low:
        out.append("toezegging")
    if "motie" in low:
        out.append("motie")
    return out


def _slots(s: str) -> dict:
    actor = None
    m = _ACTOR_RE.search(s)
    if m:
        actor = (m.group(1) or m.group(2) or m.group(3) or "").strip().lower() or None
    action = None
    acts = [a.group(1).lower() for a in _ACTION_RE.finditer(s)]
    if acts:
        a = acts[0]
        action = _ACTION_NORM.get(a, a)
    topic = None
    m = _TOPIC_RE.search(s)
    if m:
        topic = m.group(1).strip() or None
    member = None
    m = _MEMBER_RE.search(s)
    if m:
        member = m.group(1).strip()
    return {"actor": actor, "action": action, "topic": topic, "member": member, "points_to": _points_to(s)}


def find_statements(text: str, anchor: Optional[date] = None) -> list[Statement]:
    """One `Statement` per sentence of `text` that is a commitment or a fulfilment (deadlines left empty)."""
    if not text or not text.strip():
        return []
    spans = split_sentences(text)
    sents = [text[a:b] for a, b in spans]
    labels = classify_sentences(sents)
    out = []
    for (a, b), s, (lab, score) in zip(spans, sents, labels):
        if lab == "none":
            continue
        out.append(Statement(type=lab, text=s, char_start=a, char_end=b, score=float(score), **_slots(s)))
    return out
