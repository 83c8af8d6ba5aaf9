"""Commitment (toezegging) and fulfilment statements in Dutch parliamentary text.

`find_statements(text)` splits the text into sentences (`sentences.split_sentences`) and labels each one
`commitment`, `fulfilment` or `none` with one trained three-class model (`statement_model.StatementModel`, built by
`models/statements/train.py` from two-pass labelled real sentences in `models/statements/data/`).

A cheap compiled-regex gate (`PREFILTER`: promise / delivery / motion / toezegging vocabulary) sends sentences with
none of those words to `none` without features; its recall on the labelled data is part of the model card. The
hand-written patterns of `RULES` are features of the model (each hit is one input), never a decision of their own.

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
from .sentences import safe_lower, split_sentences
from .statement_model import PlainModel, cue_features, decide, has_due_time

__all__ = ["find_statements", "classify_sentences", "sentence_features", "is_candidate", "RULE_NAMES", "model_dir"]

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
    r"|ga|gaat|gaan|komende|binnenkort|eerdaags|aanstaande|(?:eind|medio|begin)\s+20\d\d"
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


def _regex_features(s: str, low=_UNSET) -> dict[str, int]:
    """Every rule's hit on `s`; `low`: `_lowered(s)` when the caller has it."""
    if low is _UNSET:
        low = _lowered(s)
    d = {name: int(_rule_hit(name, s, low)) for name in RULES}
    if d["c_present_deliver"] and not has_due_time(s):   # the cue: a time word that can set a due time
        d["c_present_deliver"] = 0   # a present tense is only a promise with a due time in it
    return d


def sentence_features(s: str, low=_UNSET) -> dict[str, int]:
    """What the model reads besides the words: every rule's hit (`r_` + rule name), what the rules together would
    say (`vote_` + label: the decision the rules made on their own before the model decided), and the cue
    features. Rare rules each fire on few training sentences; their joint vote fires on many, so the model can
    learn how far to trust it."""
    f = _regex_features(s, low)
    d = {"r_" + k: v for k, v in f.items()}
    vote = _rule_vote(s, f)
    for lab in ("commitment", "fulfilment", "none"):
        d["vote_" + lab] = int(vote == lab)
    d.update(cue_features(s))
    return d


_ZAL = re.compile(r"\b(?:zal|zullen|zult)\b", re.I)
_WILL_KEEP = re.compile(r"\b(?:zal|zullen)\s+(?:ik|wij|we)?\b[^.;]{0,60}?\bgestand\s+doen\b", re.I)
_NOT_TOE = re.compile(r"\b(?:niet|geen|nooit)\b[^.;]{0,30}\b(?:toe|toezeggen|toezegging\w*)\b", re.I)
_STRONG_C = ("c_streef_te", "c_present_deliver", "c_next_report", "c_bereid_laat_weten", "c_gov_fut_deliver",
             "c_fut_gov_deliver", "c_kamer_fut_informed", "c_zal_passive_informed", "c_brief_komt", "c_verwacht_te",
             "c_houd_op_hoogte", "c_kom_terug", "c_ik_zal_spoken")
_NEG_C = ("n_open", "n_past_promise", "n_question", "n_debate", "n_negation", "n_hierbij_present", "n_member_speaker",
          "n_delay", "n_refusal", "n_habitual", "n_this_doc_passive")


def _rule_vote(s: str, f: dict[str, int]) -> Optional[str]:
    """The label the hand-written rules give together, or None when they say nothing. A feature of the model."""
    if f["n_motion_part"] or f["n_motion_text"] or f["n_subject"]:
        return "none"
    if f["f_subject"] or f["f_afgedaan"]:
        return "fulfilment"
    if f["c_zeg_toe"] and not (f["n_past_promise"] or f["n_question"] or _NOT_TOE.search(s)):
        return "commitment"
    if f["c_heb_al_toegezegd"] and not f["n_question"]:
        return "commitment"
    neg_f = f["n_question"] or f["n_delay"] or f["n_open"]
    if (f["f_gestand"] or f["f_this_doc_promise"]) and _WILL_KEEP.search(s):
        return "commitment"
    if f["f_gestand"] and f["f_toezegging_word"] and not neg_f:
        return "fulfilment"
    if (f["f_this_doc_promise"] or f["f_present_motion"] or f["f_toegezegd_deze_brief"] or f["f_done_now"]) \
            and not neg_f:
        return "fulfilment"
    if f["f_conform_toezegging"] and not neg_f and not _ZAL.search(s):
        return "fulfilment"
    if any(f[n] for n in _STRONG_C) and not any(f[n] for n in _NEG_C):
        return "commitment"
    if any(f[n] for n in _NEG_C):
        return "none"
    return None


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
        folder = model_dir()
        meta_path, arr_path = folder / "model.json", folder / "model.npz"
        if not (meta_path.exists() and arr_path.exists()):
            raise FileNotFoundError(
                f"statement classifier not found at {folder} (model.json + model.npz); build it with "
                f"`python models/statements/train.py` (or set KAMERSTUKKEN_MODELS to a folder holding statements/)")
        import json

        import numpy as np
        meta = json.loads(meta_path.read_text(encoding="utf-8"))
        with np.load(arr_path) as arrays:
            _MODEL = PlainModel(meta, {k: arrays[k] for k in arrays.files})
    return _MODEL


def is_candidate(s: str, low=_UNSET) -> bool:
    """The cheap gate before the model: a sentence with none of the promise / delivery / motion / toezegging words
    of PREFILTER, or a single word, is `none` without features. Its recall on the labelled data is reported by
    `train.py`."""
    if len(s.split(None, 2)) < 2:
        return False    # one word ("Motie", a heading) says nothing about anyone's promise
    if low is _UNSET:
        low = _lowered(s)
    return bool(PREFILTER.search(s) if low is None else _PREFILTER_LOW.search(low))


def classify_sentences(sentences: list[str]) -> list[tuple[str, float]]:
    """Label each sentence `commitment`, `fulfilment` or `none` with the model's probability of that label."""
    out: list[tuple[str, float]] = [("none", 1.0)] * len(sentences)
    idx, feats = [], []
    for i, s in enumerate(sentences):
        low = _lowered(s)
        if not is_candidate(s, low):
            continue
        idx.append(i)
        feats.append(sentence_features(s, low))
    if idx:
        model = _load_model()
        probs = model.predict_proba([sentences[i] for i in idx], feats)
        weights = getattr(model, "decision_weights", None)
        for i, p in zip(idx, probs):
            lab = decide(p, weights)
            out[i] = (lab, p[lab])
    return out


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
