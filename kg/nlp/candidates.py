"""Pure candidate finders over a spaCy ``Doc``: names no gazetteer knows.

Each finder returns ``Candidate`` objects (token spans with a proposed label, canonical name, the rule that
fired and a strength). ``strong`` candidates become mentions on their own; weak ones (head-word phrases,
bare unknown acronyms) are kept only when a linking rule attaches them to the paper.
The spaCy components in ``kg.nlp.components`` are thin wrappers around these functions.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import NamedTuple

from spacy.tokens import Doc, Span, Token

from kg.nlp.rules import Typing, load_typing, load_words

STRONG, WEAK = 2, 1


@dataclass
class Candidate:
    """A proposed entity mention: token span [start, end), label (None = decide later), canonical name."""

    start: int
    end: int
    label: str | None
    canonical: str
    rule: str
    strength: int = STRONG

    def span(self, doc: Doc) -> Span:
        return doc[self.start:self.end]


# --- single-token names -----------------------------------------------------------------------------------

_HAS_DIGIT = re.compile(r"\d")
_NAME_WITH_DIGIT = re.compile(r"^[A-Za-z][A-Za-z0-9.\-_/+']*\d[A-Za-z0-9.\-_/+']*$|^[A-Za-z][A-Za-z0-9.\-_/+']*\d$")
_CAMEL = re.compile(r"^[A-Z]?[a-z]+(?:[A-Z][A-Za-z]*)+$|^[A-Z]{2,}[a-z]+[A-Za-z]*$|^[a-z]+[A-Z][A-Za-z\-]*$")
_HYPHEN_NAME = re.compile(r"^[A-Za-z0-9]*[A-Z][A-Za-z0-9]*(?:-[A-Za-z0-9]+)+$")
_ALLCAPS = re.compile(r"^[A-Z][A-Z0-9\-]{2,}s?$")
_VERSION = re.compile(r"^v?\d+(?:\.\d+)*[a-z]?$")
_SHORT_CODE = re.compile(r"^[a-zA-Z]\d{1,2}(?:-[a-z]+)?$")        # o1, o3-mini, R1 (after "OpenAI", "DeepSeek")
_LOWER_HYPHEN_NAME = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+){2,}$")
_SIZE_TOKEN = re.compile(r"^\d+(?:\.\d+)?[BMKT]$|^\d+x\d+[BMKT]$")
_NUMBERISH = re.compile(r"^[\d.,%x×\-+/:]+[A-Za-z]{0,2}$")
_MEASUREMENT = re.compile(r"^\d+\.\d{2,}$")
_IMPROVED_SUFFIX = "++"      # "MiniWoB++", "UniDexGrasp++": an improved version keeps its name's shape
_CITATION_KEY = re.compile(r"^[a-z]+(?:_[a-z]+)*(?:_(?:19|20)\d\d(?:_?[a-z]+)?|(?:19|20)\d\d[a-z]{2,})$")   # "rosati2024representation", "singh_flava_2022"


class ShapePatterns(NamedTuple):
    """Name-shape expressions built from ``typing.json`` word lists (size words, units, codes)."""

    size: re.Pattern           # "7B", "-XL": a model size
    word_plus_number: re.Pattern   # "top5", "step3": a word and a number
    year_or_unit: re.Pattern   # "12GB", "3rd"
    non_name_code: re.Pattern  # "H100", "COVID-19", "Q3"


_PATTERNS: dict[int, tuple[Typing, ShapePatterns]] = {}


def shape_patterns(typing: Typing) -> ShapePatterns:
    """The compiled ``ShapePatterns`` of ``typing`` (built once per loaded ``Typing``)."""
    hit = _PATTERNS.get(id(typing))
    if hit is None or hit[0] is not typing:
        alt = lambda words: "|".join(words)  # noqa: E731  (data: plain words, or regexes for non_name_codes)
        patterns = ShapePatterns(
            re.compile(r"(?:^|[-_ ])\d+(?:\.\d+)?[BMKT](?:$|[-_])|\d+(?:\.\d+)?[bB]$|-(?:" + alt(typing.size_words) + r")\b", re.I),
            re.compile(r"^(?:" + alt(typing.number_prefix_words) + r")\d+$", re.I),
            re.compile(r"^\d+(?:" + alt(typing.number_units) + r")$"),
            re.compile(r"^(?:" + alt(typing.non_name_codes) + r")$"),
        )
        hit = _PATTERNS[id(typing)] = (typing, patterns)
    return hit[1]


def token_is_name_like(tok: Token, typing: Typing) -> bool:
    """True for tokens shaped like a model/dataset/method name (``GPT-4``, ``ShearedLlama``, ``Uni-DAD``).

    Hyphenated words count only when a part has two capitals or a digit (``LLM-Pruner``, ``UI-TARS``), so
    title-case compounds such as ``Zero-Shot`` or ``Self-Improving`` are not names.
    """
    return text_is_name_like(tok.text, typing)


_NAME_LIKE_CACHE: dict[tuple[int, str], bool] = {}


def text_is_name_like(text: str, typing: Typing) -> bool:
    """``token_is_name_like`` on a string, memoised: most words recur, and a plain lower-case word never is a name."""
    if text.islower() and text.isalpha():
        return False
    key = (id(typing), text)
    hit = _NAME_LIKE_CACHE.get(key)
    if hit is None:
        if len(_NAME_LIKE_CACHE) > 200_000:
            _NAME_LIKE_CACHE.clear()
        hit = _NAME_LIKE_CACHE[key] = _name_like_uncached(text, typing)
    return hit


def _name_like_uncached(text: str, typing: Typing) -> bool:
    base = text.removesuffix(_IMPROVED_SUFFIX)
    if base != text and len(base) >= 3 and base[0].isalpha():
        # Every "X++" token of the training abstracts is (part of) a gold name (5 of 5: "MiniWoB++",
        # "UniDexGrasp++", "DreamBench++"); "C++" (a language) is too short to count.
        return base[0].isupper() or _name_like_uncached(base, typing)
    if len(text) < 2 or text.lower() in typing.non_entities or text.lower() in typing.metric_words:
        return False
    shapes = shape_patterns(typing)
    if _NUMBERISH.match(text) or shapes.year_or_unit.match(text) or shapes.non_name_code.match(text) or text[0].isdigit():
        return False
    if shapes.word_plus_number.match(text):
        return False                        # "top5", "sim3" (a lost "\sim"), "x10": a word and a number
    if _CITATION_KEY.match(text):
        return False                        # a BibTeX key left by a lost "\cite{...}", not a name
    if "-" in text:
        parts = [p for p in text.split("-") if p]
        if parts and parts[-1].lower() in typing.compound_suffixes:
            return False                    # "GPT-4-based": a compound word; its name part is found separately
        if parts and parts[-1].isalpha() and parts[-1].islower() and len(parts[-1]) >= 4 and not any(c.isdigit() for c in text):
            return False                    # "RGB-cameras", "CLIP-based", "LLM-generated": a compound, not a name
        return any(c.isupper() for c in text) and any(
            sum(c.isupper() for c in p) >= 2 or (any(c.isdigit() for c in p) and any(c.isalpha() for c in text)) for p in parts)
    if _NAME_WITH_DIGIT.match(text) and sum(c.isalpha() for c in text) >= 2:
        return True
    return bool(_CAMEL.match(text))


def token_is_capitalised_word(tok: Token, typing: Typing) -> bool:
    """A capitalised ordinary word in mid-sentence (``Adamerging``, ``WebShop`` is caught as CamelCase instead)."""
    text = tok.text
    if tok.is_sent_start or len(text) < 4 or not text[0].isupper() or not text[1:].islower() or not text.isalpha():
        return False
    if tok.i > 0 and tok.doc[tok.i - 1].text in (".", ":", "\"", "“", "?", "!", "(", "\n\n"):
        return False
    for j in (tok.i - 1, tok.i + 1):         # part of a capitalised phrase ("Large Language Models"): not a lone name
        if 0 <= j < len(tok.doc) and tok.doc[j].text[:1].isupper() and tok.doc[j].text.replace("-", "").isalpha():
            return False
    return text.lower() not in typing.capitalised_common and text.lower() not in typing.non_entities


def ends_in_billions(name: str) -> bool:
    """Whether a name ends in a parameter count in billions, its last ``_SIZE_TOKEN`` ("Llama-3.1 405B", "Qwen2.5-7b",
    "Mixtral 8x7B"): a trained model whatever the words around it say (all 37 such gold names of train.jsonl are
    Models). Unlike the broader size shape of ``guess_name_label`` it leaves "ImageNet-1K" and "WebVid-10M" alone.

    >>> ends_in_billions("Llama-3.1 405B"), ends_in_billions("Qwen2.5-7b"), ends_in_billions("GSM8K")
    (True, True, False)
    >>> ends_in_billions("Mixtral 8x7B"), ends_in_billions("ImageNet-1K")
    (True, False)
    """
    parts = re.split(r"[\s_-]", name)
    last = parts[-1]
    return len(parts) > 1 and last[-1:] in ("B", "b") and _SIZE_TOKEN.match(last[:-1] + "B") is not None


def guess_name_label(text: str, typing: Typing) -> str | None:
    """Type a bare name by its shape: sizes and model suffixes -> Model, benchmark suffixes -> Dataset."""
    if shape_patterns(typing).size.search(text):
        return "Model"
    for suffix in typing.dataset_name_suffixes:
        if text.endswith(suffix) and len(text) > len(suffix) + 1 and not (suffix == "K" and not _HAS_DIGIT.search(text)):
            return "Dataset"
    for suffix in typing.model_name_suffixes:
        if text.endswith(suffix) and len(text) > len(suffix):
            return "Model"
    return None


def find_name_tokens(doc: Doc, typing: Typing, words: list[str] | None = None) -> list[Candidate]:
    """Name-shaped tokens, extended over following version/size tokens (``Llama 3.1 8B``, ``GPT-4 Turbo``); a plain
    capitalised word in mid-sentence starts a name when a version or size follows (``Orca 2``, ``Pythia 410M``)."""
    out: list[Candidate] = []
    words = words if words is not None else [t.text for t in doc]
    i = 0
    n = len(doc)
    while i < n:
        w = words[i]
        if (w.isalpha() and w.islower()) or not w[:1].isalnum():
            i += 1                        # plain lower-case words and punctuation: the common case, never a name start
            continue
        tok = doc[i]
        titled_word = tok.text[:1].isupper() and tok.text.isalpha() and not tok.is_sent_start \
            and w.lower() not in typing.plain_capitalised       # "Section 3", "Table 1": references, not names
        name_like = token_is_name_like(tok, typing) or (
            _SHORT_CODE.match(tok.text) is not None and i > 0 and doc[i - 1].text[:1].isupper() and doc[i - 1].text.isalpha())
        if name_like or (titled_word and i + 1 < n and (_VERSION.match(words[i + 1]) or _SIZE_TOKEN.match(words[i + 1]))):
            after = _name_candidates(doc, i, name_like, out, typing)
            if after is not None:
                i = after
                continue
        else:
            cand = _word_candidate(doc, i, typing)
            if cand is not None:
                out.append(cand)
        i += 1
    return out


def _version_run(doc: Doc, i: int) -> int:
    """End of the version/size tokens after token ``i`` ("Llama 3.1 8B"); a four-digit year ends the run."""
    end = i + 1
    while end < len(doc) and (_VERSION.match(doc[end].text) or _SIZE_TOKEN.match(doc[end].text)) and end - i < 4:
        if _VERSION.match(doc[end].text) and len(doc[end].text) == 4 and doc[end].text.isdigit():
            break  # a year, not a version
        if _MEASUREMENT.match(doc[end].text):
            break  # "CLIP 16.12", "FAD 0.79": a score with two decimals, not a version
        end += 1
    return end


def _name_tail(doc: Doc, i: int, end: int, typing: Typing) -> int:
    """Extend a name over further name-shaped, size and model-suffix tokens ("Qwen2.5 7B Deepseek-R1 Distilled")."""
    while end < len(doc) and end - i < 6 and not doc[end].is_sent_start and (
            token_is_name_like(doc[end], typing) or _SIZE_TOKEN.match(doc[end].text)
            or (doc[end].text in typing.model_suffix_words)):
        end += 1
    return end


def _takes_word_before(doc: Doc, i: int, out: list[Candidate], typing: Typing) -> bool:
    """Does the short or lower-case-initial code at ``i`` continue the capitalised word before it ("OpenAI o1")?

    A name-shaped token of at most four characters, or one starting in lower case, right after a plain capitalised
    word is usually a family name's version code, so the name spans both words.

    The word before must be a plain capitalised word that is not a generic modifier or a common capitalised
    word (organisations excepted), and not the end of a strong name already proposed.
    """
    prev, text = doc[i - 1].text, doc[i].text
    return prev.isalpha() and prev[:1].isupper() \
        and prev.lower() not in typing.generic_modifiers \
        and prev.lower() not in typing.plain_capitalised \
        and not (out and out[-1].end == i and out[-1].strength == STRONG) and (len(text) <= 4 or text[:1].islower())


def _name_candidates(doc: Doc, i: int, name_like: bool, out: list[Candidate], typing: Typing) -> int | None:
    """Propose the name starting at token ``i`` (and bare further versions); return where to go on, or None."""
    end = _version_run(doc, i)
    if not name_like and end == i + 1:
        return None
    end = _name_tail(doc, i, end, typing)
    start = i
    if name_like and i > 0 and _takes_word_before(doc, i, out, typing):
        start = i - 1
        if out and out[-1].end == i:
            out.pop()                     # the capitalised word was proposed alone; it is part of this name
    text = doc[start:end].text
    label = guess_name_label(text, typing) or ("Model" if end > i + 1 and any(_SIZE_TOKEN.match(t.text) for t in doc[i + 1:end]) else None)
    out.append(Candidate(start, end, label, text, "pattern:name-shape", STRONG))
    return max(end, _version_ellipsis(doc, start, end, label, out))


def _version_ellipsis(doc: Doc, start: int, end: int, label: str | None, out: list[Candidate]) -> int:
    """A bare version after a versioned name and "and"/"," names the same family's other release ("X 2.1 and 2.4").

    Returns the end of the last such version (``end`` when there is none).
    """
    base_words = [t.text for t in doc[start:end] if not _VERSION.match(t.text)]
    if not (end - start >= 2 and _VERSION.match(doc[end - 1].text) and base_words):
        return end
    connectors = load_words().version_list_connectors
    j = end
    while j + 1 < len(doc) and doc[j].text in connectors and _VERSION.match(doc[j + 1].text) and "." in doc[j + 1].text:
        out.append(Candidate(j + 1, j + 2, label, " ".join(base_words + [doc[j + 1].text]), "pattern:version-ellipsis", STRONG))
        j += 2
    return j


def _word_candidate(doc: Doc, i: int, typing: Typing) -> Candidate | None:
    """A one-token candidate that is not name-shaped: the name in "X-based", a "x-y-z model", an acronym, a capitalised word."""
    tok = doc[i]
    prefix, _, suffix = tok.text.rpartition("-")
    if prefix and suffix.lower() in typing.compound_suffixes and text_is_name_like(prefix, typing):
        return Candidate(i, i + 1, guess_name_label(prefix, typing), prefix, "pattern:name-compound", STRONG)
    if _LOWER_HYPHEN_NAME.match(tok.text) and i + 1 < len(doc) and doc[i + 1].text.lower() in typing.model_nouns \
            and not any(part.endswith("ed") or part in typing.not_name_parts for part in tok.text.split("-")):
        return Candidate(i, i + 1, "Model", tok.text, "pattern:name-shape", STRONG)   # "computer-use-preview model"
    if _ALLCAPS.match(tok.text) and tok.text.lower() not in typing.non_entities and tok.text.lower() not in typing.metric_words:
        return Candidate(i, i + 1, guess_name_label(tok.text, typing), tok.text, "pattern:acronym", WEAK)
    if token_is_capitalised_word(tok, typing):
        return Candidate(i, i + 1, None, tok.text, "pattern:capitalised", WEAK)
    return None


# --- phrases with a typed head ------------------------------------------------------------------------------

def _is_modifier(tok: Token, typing: Typing) -> bool:
    """Can ``tok`` premodify a head word in a method name? (no POS tags: shape and word lists decide)."""
    t = tok.text
    low = t.lower()
    if low in typing.generic_modifiers or low in typing.task_heads or low in typing.metric_words or low in typing.generic_heads:
        return False
    if tok.is_punct or tok.is_space or tok.like_num or not any(c.isalpha() for c in t):
        return False
    if low.endswith("ly") and len(low) > 4:      # adverbs
        return False
    if "-" not in low and low.endswith("ing") and low not in typing.nominal_ing:   # verbs: "constructing", "enabling"
        return False
    if "-" not in low and low.endswith("s") and not low.endswith(load_words().singular_endings) and t.islower():
        return False                             # plurals and verbs: "implements", "reaches"
    return bool(re.match(r"^[A-Za-z][A-Za-z0-9\-']*$", t))


def find_headed_phrases(doc: Doc, typing: Typing, words: list[str] | None = None) -> list[Candidate]:
    """Phrases ending in a typed head word.

    * ``<Name tokens> dataset|benchmark|corpus`` -> Dataset (``the MATH benchmark`` gives ``MATH``; a
      capitalised head such as ``Open LLM Leaderboard`` stays in the name);
    * ``<modifiers> learning|distillation|pruning|...`` -> Technique (weak: kept when linked);
    * ``<Capitalised words> Model|Network|Transformer`` -> Model.
    """
    out: list[Candidate] = []
    heads = typing.dataset_heads | typing.technique_heads | typing.model_heads
    for i, word in enumerate(words if words is not None else [t.text for t in doc]):
        low = word.lower()
        if low not in heads:
            continue
        tok = doc[i]
        if low in typing.dataset_heads:
            j = i
            while j > 0 and i - j < 4 and (doc[j - 1].text[:1].isupper() or token_is_name_like(doc[j - 1], typing)) \
                    and doc[j - 1].text.lower() not in typing.generic_modifiers \
                    and doc[j - 1].text.lower() not in typing.plain_capitalised and not doc[j - 1].is_sent_start:
                j -= 1
            if j < i:
                keep_head = tok.text[:1].isupper() and i - j >= 1 and all(t.text[:1].isupper() for t in doc[j:i])
                end = i + 1 if keep_head else i
                out.append(Candidate(j, end, "Dataset", doc[j:end].text, "pattern:dataset-head", STRONG))
        elif low in typing.technique_heads or low in typing.model_heads:
            j = i
            while j > 0 and i - j < 3 and _is_modifier(doc[j - 1], typing):
                j -= 1
            if j == i:
                continue
            words = doc[j:i + 1]
            capitalised = all(t.text[:1].isupper() for t in words) and not words[0].is_sent_start
            if low in typing.model_heads and capitalised:
                out.append(Candidate(j, i + 1, "Model" if low not in typing.technique_model_heads else "Technique",
                                     words.text, "pattern:model-head", STRONG))
            elif low in typing.technique_heads or low in typing.plural_technique_heads:
                strength = STRONG if capitalised else WEAK
                out.append(Candidate(j, i + 1, "Technique", words.text, "pattern:technique-head", strength))
    return out


_CAPITALISED_PART = re.compile(r"^[A-Z][A-Za-z0-9]*(?:['’-][A-Za-z0-9]+)*$")
MAX_PHRASE_WORDS = 6
_OPENERS = (".", ":", "?", "!", "\"", "“", "\n\n")


def find_capitalised_phrases(doc: Doc, typing: Typing, words: list[str] | None = None,
                             strength: int = WEAK) -> list[Candidate]:
    """Runs of two to six capitalised words in mid-sentence ("the Normalization Loss Balance algorithm", "a
    Multi-Stage Training Framework", "we introduce Neural PG-RANK"): in an abstract, words capitalised where a
    sentence does not start are mostly a name the paper gives or cites. A run whose first word opens a
    sentence, or whose words are all common capitalised words ("In", "Figure", "English"), is not one.

    >>> import spacy
    >>> nlp = spacy.blank("en"); _ = nlp.add_pipe("sentencizer")
    >>> [c.canonical for c in find_capitalised_phrases(nlp("Then we propose the Normalization Loss Balance step."), load_typing())]
    ['Normalization Loss Balance']
    >>> find_capitalised_phrases(nlp("Large Language Models are used here."), load_typing())
    []
    >>> [c.canonical for c in find_capitalised_phrases(nlp("We use Repeated Sampling of Random Subsets here."), load_typing())]
    ['Repeated Sampling of Random Subsets']
    """
    texts = words if words is not None else [t.text for t in doc]
    capitalised = [i for i, text in enumerate(texts) if text[:1].isupper() and _CAPITALISED_PART.match(text)]
    capitalised = _with_joiners(capitalised, texts, typing.capitalised_joiners)
    out: list[Candidate] = []
    k = 0
    while k < len(capitalised):              # one maximal run of adjacent capitalised words at a time
        end = k + 1
        while end < len(capitalised) and capitalised[end] == capitalised[end - 1] + 1:
            end += 1
        if end - k >= 2:
            _capitalised_run(doc, typing, texts, capitalised[k], capitalised[end - 1] + 1, strength, out)
        k = end
    return out


def _with_joiners(capitalised: list[int], texts: list[str], joiners: frozenset[str]) -> list[int]:
    """``capitalised`` (sorted token indices) plus every joiner word ("of") that stands between two capitalised
    words, so "Repeated Sampling of Random Subsets" is one run; not between acronyms ("DA of RE": two names)."""
    cap = set(capitalised)
    joined = [i + 1 for i in capitalised if i + 2 in cap and texts[i + 1] in joiners
              and not texts[i].isupper() and not texts[i + 2].isupper()]
    return sorted(cap.union(joined)) if joined else capitalised


def _capitalised_run(doc: Doc, typing: Typing, texts: list[str], start: int, end: int, strength: int,
                     out: list[Candidate]) -> None:
    """The phrases of one run of capitalised words: cut where a sentence starts, then every
    ``MAX_PHRASE_WORDS`` words; a piece that opens a sentence or follows an opener, or holds only common
    capitalised words, is no phrase (and a run that opens a sentence gives none at all)."""
    cuts = [i for i in range(start + 1, end) if doc[i].is_sent_start]
    for piece_start, piece_end in zip([start, *cuts], [*cuts, end]):
        if piece_start != start or doc[start].is_sent_start:
            continue                          # the words after a sentence start open that sentence
        for i in range(piece_start, piece_end, MAX_PHRASE_WORDS):
            j = min(i + MAX_PHRASE_WORDS, piece_end)
            if j - i >= 2 and (i == 0 or texts[i - 1] not in _OPENERS) \
                    and not all(w.lower() in typing.capitalised_common for w in texts[i:j]):
                out.append(Candidate(i, j, None, doc[i:j].text, "pattern:capitalised-phrase", strength))


# --- acronym definitions ("Long Form (LF)") ----------------------------------------------------------------

_SHORT_FORM = re.compile(r"^(?=.*[A-Z])[A-Za-z][A-Za-z0-9\-]{1,11}$")


def acronym_letters(short: str) -> str:
    """The letters of an acronym that long-form initials must contain, lower case (``LLMs`` -> ``llm``)."""
    if re.search(r"[a-z]{3,}", short):          # CamelCase names: only the capitals are initials
        letters = "".join(c for c in short if c.isupper())
    else:
        letters = "".join(c for c in short if c.isalpha())
        if short.endswith("s") and short[:-1].replace("-", "").isupper():
            letters = letters[:-1]
    return letters.lower()


def initials_match(words: list[str], short: str) -> bool:
    """True when ``words`` read as the long form of ``short`` (first/last initials and all letters in order).

    Mixed-case short forms are also tried on their capitals alone ("NyTT" for "noisy-target training").
    """
    if _initials_match_letters(words, acronym_letters(short)):
        return True
    capitals = "".join(c for c in short if c.isupper()).lower()
    return any(c.islower() for c in short) and len(capitals) >= 2 and _initials_match_letters(words, capitals)


def _initials_match_letters(words: list[str], letters: str) -> bool:
    if len(letters) < 2 or not words:
        return False
    parts = [p for w in words for p in re.split(r"[-/]", w) if p and p[0].isalnum()]
    if not parts or parts[0][0].lower() != letters[0] or parts[-1][0].lower() != letters[-1]:
        return False
    return _subsequence(letters, "".join(p[0] for p in parts).lower())


def find_acronyms(doc: Doc) -> list[tuple[Span, Span]]:
    """Pairs (long form, short form) for ``Long Form (LF)`` and ``LF (Long Form)`` within a sentence.

    The long form is the shortest run of words right before the bracket whose initials spell the
    acronym (first and last letters anchored), as in Schwartz & Hearst's algorithm.
    """
    from kg.extraction.doccache import token_texts

    pairs: list[tuple[Span, Span]] = []
    n = len(doc)
    texts = token_texts(doc)                   # the bracket scan makes no ``Token`` per token
    for i in range(1, n - 2):
        if texts[i] != "(":
            continue
        # Long Form (LF)
        if doc[i + 2].text in (")", ",", ";") and _SHORT_FORM.match(doc[i + 1].text):
            short = doc[i + 1:i + 2]
            k_max = len(acronym_letters(short.text)) + 3
            sent_start = doc[i].sent.start
            for k in range(i - 1, max(sent_start, i - k_max) - 1, -1):
                words = [t.text for t in doc[k:i]]
                if any(t.is_punct and t.text not in ("-", "/") for t in doc[k:i]):
                    break
                if initials_match(words, short.text):
                    pairs.append((doc[k:i], short))
                    break
            continue
        # LF (Long Form)
        if _SHORT_FORM.match(doc[i - 1].text):
            short = doc[i - 1:i]
            k_max = len(acronym_letters(short.text)) + 4
            for k in range(i + 2, min(n, i + 1 + k_max) + 1):
                if k >= n or doc[k].text == ")":
                    if k < n and initials_match([t.text for t in doc[i + 1:k]], short.text):
                        pairs.append((doc[i + 1:k], short))
                    break
    return pairs


# --- names the paper introduces ---------------------------------------------------------------------------

def title_prefix_name(title: str, typing: Typing | None = None) -> str | None:
    """The ``X`` of a ``X: subtitle`` title when it looks like a system name (short, capitalised).

    A prefix with a comma or opening with a bracket is a slogan (in the 400 training papers, none of the five
    title prefixes with a comma names anything). A subtitle that opens with an article ("X Y Z: A Multimodal
    Dataset for ...") describes the prefix, so even a plain title-case prefix is a name; otherwise such a prefix
    reads as a headline and is refused.
    """
    m = re.match(r"^\s*([^:]{1,60}?)\s*:\s+(\S.*)$", title)
    if not m:
        return None
    name = m.group(1).strip().strip('"“”')
    appositive = re.match(r"(?:A|An|The)\s", m.group(2)) is not None
    words = name.split()
    if not (1 <= len(words) <= 4) or name.lower() in (typing or load_typing()).generic_title_prefixes:
        return None
    if not any(c.isupper() for c in name):
        return None
    if "," in name or name.startswith("("):
        return None   # "Train longer, generalize better: ..." and "(Mis)Fitting: ..." are slogans, not names
    if len(words) > 1 and words[0].lower().endswith("ing") and not token_has_inner_caps(words[0]):
        return None   # "Growing Transformers: ..." is a headline (gerund), not a name
    if len(words) > 2 and not appositive and all(w[:1].isupper() for w in words) and not any(token_has_inner_caps(w) for w in words):
        return None   # "Towards Better Models: ..." reads as a headline, not a name
    return name


def token_has_inner_caps(word: str) -> bool:
    """True for ``DarwinLM``, ``eP-ALM``, ``GPT``: a capital after the first character or all capitals."""
    return any(c.isupper() for c in word[1:]) or any(c.isdigit() for c in word)


_PUNCTUATION = re.compile(r"[^\w\s]")


def long_form_in(text: str, short: str) -> str | None:
    """Find the long form of acronym ``short`` among the words of ``text`` (e.g. a subtitle), or None.

    All of the acronym's letters are tried first; a mixed-case acronym then on its capitals alone.

    >>> long_form_in("Improving Reasoning with Multi-Agent LLM Training", "MALT")
    'Multi-Agent LLM Training'
    >>> long_form_in("Efficient Perceptual Augmentation of Language Models", "eP-ALM")
    'Efficient Perceptual Augmentation of Language Models'

    The long form is the text as written from its first to its last word, so a word that opens with a digit
    stays in it; as in ``find_acronyms``, no punctuation may stand between its words:

    >>> long_form_in("Unsupervised Learning for Neural 3D Composition of Humans and Objects", "NCHO")
    'Neural 3D Composition of Humans and Objects'
    >>> long_form_in("Improving Tagging with Pretraining, Sampling, Labeling, and Aggregation", "PSLA") is None
    True
    """
    spans = [m.span() for m in re.finditer(r"[A-Za-z][A-Za-z0-9'’]*(?:-[A-Za-z0-9]+)*", text)]
    words = [text[a:b] for a, b in spans]
    capitals = "".join(c for c in short if c.isupper()).lower()
    tries = [acronym_letters(short)] + ([capitals] if any(c.islower() for c in short) and len(capitals) >= 2 else [])
    for letters in tries:
        if len(letters) < 2:
            continue
        best: str | None = None
        for i in range(len(words)):
            for j in range(i + 1, min(len(words), i + len(letters) + 3) + 1):
                if j - 1 > i and _PUNCTUATION.search(text, spans[j - 2][1], spans[j - 1][0]):
                    break                          # the run would cross a comma, colon or bracket
                if _initials_match_letters(words[i:j], letters):
                    cand = " ".join(text[spans[i][0]:spans[j - 1][1]].split())
                    if best is None or len(cand) < len(best):
                        best = cand
                    break
        if best:
            return best
    return None


def _subsequence(needle: str, hay: str) -> bool:
    it = iter(hay)
    return all(c in it for c in needle)


def is_acronym_like(name: str) -> bool:
    """Mostly capitals (``MALT``, ``eP-ALM``, ``SPA-RL``), unlike CamelCase names (``DarwinLM``, ``FooPrune``)."""
    letters = [c for c in name if c.isalpha()]
    return len(letters) >= 2 and sum(c.isupper() for c in letters) / len(letters) >= 0.6
