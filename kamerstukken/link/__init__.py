"""Link follow-up documents (letters) to the motions and commitments they answer.

The pure part works on plain records (`Target`: a motion or commitment; `LetterRec`: a follow-up document):

    index = build_index(targets)              # inverted index: submitter surnames, dossier, rare terms + TF-IDF
    links = link_letter(index, letter)        # ranked `Link`s with relation, score in [0,1], evidence in words

Evidence, strongest first: an explicit reference (extref / "Kamerstuk 36583-14" in title, text or footnote),
a register entry naming the letter as fulfilment (Toezegging.KamerbriefNakoming) or Zaak.GerelateerdNaar,
a named motion ("motie van de leden Paternotte en Boswijk over …", "motie-Chakor/Van Nispen") matched on
submitter names and topic, a commitment referred to by debate date or member, and ranked text similarity
(TF-IDF) over candidates that share a blocking key (surname, dossier, rare term) and were dated before the
letter inside a time window. Nothing is compared pairwise over the whole store.

`link_store(store)` is the edge: it reads letters, motions and commitments from the store, completes the
`motions` table (rows from motion documents, and rows for motions known only from a citing text), and
writes the table `links` idempotently. `export_links(store, k)` gives the lines of spec/extract-io.md §2.

The package: `text` (names, ids, relation cues), `candidates` (records, the candidate index, the rule scoring,
`link_letter`), `features` and `model` (the learned, calibrated acceptance), `sync` (the store edge).
"""
from .text import *  # noqa: F401,F403
from .candidates import *  # noqa: F401,F403
from .sync import *  # noqa: F401,F403
