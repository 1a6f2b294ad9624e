"""Text folding and matching features for Japanese and English.

Japanese has no spaces, so Japanese runs become character bigrams (plus single kanji), which
survive inflection and small typos without a dictionary. Width (「５０００」「ＳＭＢ」, half-width
kana) is folded by NFKC and katakana by code point into hiragana, so 「スタートアップ」 and
「すたーとあっぷ」 meet. Bigrams made only of hiragana are mostly grammar (「ですか」「には」), so
they weigh less than those with kanji or katakana. Common question endings are cut before the
bigrams are taken. English words are lower-cased, stop words dropped and lightly stemmed.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from functools import lru_cache

from handlers.types import Lang

_KATAKANA_START, _KATAKANA_END, _KANA_SHIFT = 0x30A1, 0x30F6, 0x60
_JA_CHAR = r"\u3040-\u309f\u30a0-\u30ff\u3400-\u4dbf\u4e00-\u9fff\u3005"
_RUN = re.compile(rf"[a-z0-9]+|[{_JA_CHAR}]+")
_JAPANESE = re.compile(r"[\u3040-\u30ff\u3400-\u9fff]")
_LATIN = re.compile(r"[A-Za-z]")

# Words that carry no topic (question words included: the nouns around them carry it).
_STOPWORDS = """a an the is are was were be been being am do does did doing i me my we us our you your
    it its this that these those there here of to in on at by for from with about as into and
    or but if so than then can could would should will shall may might must have has had get
    got please tell know want like just also any some what which whom whose hi hello thanks
    thank ok okay yes no not let need s t re ve ll d m im dont one how when who where why
    whats"""
STOPWORDS = frozenset(_STOPWORDS.split())
# Chat shorthand read as the word it stands for ("ppl" → people), so it neither misses the
# entry that uses the word nor is named back as a word the guide never uses.
SHORTHAND = {"ppl": "people", "ppls": "people", "info": "information", "mgmt": "management",
             "yr": "year", "yrs": "years",
             "mo": "month", "mos": "months", "approx": "approximately", "co": "company",
             "cos": "companies", "org": "organisation", "orgs": "organisations",
             "reqs": "requirements", "req": "requirement", "docs": "documents",
             "doc": "document", "pmt": "payment", "mtg": "meeting", "mtgs": "meetings"}

# Question endings and fillers that say nothing about the topic (longest first when used).
_JA_FILLERS = """教えてください おしえてください 教えて下さい 教えて 知りたいです 知りたい しりたい
    でしょうか ですか ますか ください 下さい でしょう ですが ますが んですけど んですが
    なんですが なのですが のですが について ってなに って何 とは いいですか ありますか
    あります ありません ございます ですね ですよね ません です ます よね かな けど
    お願いします お願い みたいなの みたいな みたい っていう という ような とか って
    どうしたらいい どうすればいい どうしたら どうすれば しないといけない ないといけない
    なければならない なきゃいけない になるには するには には"""
JA_FILLERS = sorted(_JA_FILLERS.split(), key=len, reverse=True)
_FILLER = re.compile("|".join(re.escape(f) for f in JA_FILLERS))

# Feature weights: content bigrams (kanji or katakana only) are strong evidence; a bigram that
# straddles a word and a particle (「会の」) less, hiragana-only grammar and single kanji least.
W_WORD, W_BIGRAM, W_MIXED_BIGRAM, W_KANA_BIGRAM, W_KANJI = 1.0, 1.0, 0.5, 0.3, 0.3
KATAKANA_WORD_WEIGHT = 1.5  # total bigram weight of one katakana word


_HIRAGANA = {c: c - _KANA_SHIFT for c in range(_KATAKANA_START, _KATAKANA_END + 1)}


@lru_cache(maxsize=64)
def fold(text: str) -> str:
    """NFKC, lower case, katakana → hiragana; the one form every comparison uses.

    Cached: one message is folded by several readers (facts, topics, intents) in one turn."""
    return _to_hiragana(unicodedata.normalize("NFKC", text).lower())


def _to_hiragana(text: str) -> str:
    return text.translate(_HIRAGANA)  # in C: a 4,000-character message costs microseconds


def detect_lang(text: str) -> Lang | None:
    """'ja' when any Japanese script appears, 'en' for Latin letters only, else None."""
    if _JAPANESE.search(unicodedata.normalize("NFKC", text)):
        return "ja"
    if _LATIN.search(text):
        return "en"
    return None


def stem(word: str) -> str:
    """A light English stemmer: plurals and the commonest verb endings only."""
    if len(word) <= 3:
        return word
    for suffix, repl in (("ies", "y"), ("sses", "ss"), ("ing", ""), ("ed", ""), ("es", "e")):
        if word.endswith(suffix) and len(word) - len(suffix) >= 3:
            return word[: -len(suffix)] + repl
    if word.endswith("s") and not word.endswith(("ss", "us", "is")):
        return word[:-1]
    return word


# Each Japanese character's kind, by str.translate (in C): h hiragana, k katakana, K kanji.
_KIND = {
    **{c: "h" for c in range(0x3040, 0x30A0)},
    **{c: "k" for c in range(0x30A0, 0x3100)},
    **{c: "K" for c in (*range(0x3400, 0x4DC0), *range(0x4E00, 0xA000), 0x3005)},
}
_KATAKANA_WORD = re.compile(r"[\u30a0-\u30ff]{2,}")
_CONTENT_CHAR = re.compile(r"[\u3400-\u9fff\u3005\u30a0-\u30fb\u30fd-\u30ff]")  # not 「ー」


def _bigram_weight(kinds: str) -> float:
    """The weight of a bigram whose two characters are of these kinds, outside katakana words."""
    kana = kinds.count("h")
    if kana == 0 and kinds.count("k") == 1:
        return W_MIXED_BIGRAM  # kanji next to katakana: usually two words meeting
    return (W_BIGRAM, W_MIXED_BIGRAM, W_KANA_BIGRAM)[kana]


def features(text: str) -> Counter[str]:
    """Weighted matching features of `text` (any mix of Japanese and English)."""
    out: Counter[str] = Counter()
    plain = unicodedata.normalize("NFKC", text).lower()  # katakana kept, to tell it from grammar
    plain = _FILLER.sub(" ", plain)
    for run, count in Counter(_RUN.findall(plain)).items():  # a repeated word is read once
        if run[0].isascii():
            run = SHORTHAND.get(run, run)
            word = stem(run)
            if not run.isdigit() and run not in STOPWORDS and word not in STOPWORDS:
                out["w:" + word] += count * W_WORD
        else:
            _japanese_features(run, out, count)
    return out


def content_size(text: str) -> int:
    """English content words plus Japanese kanji/katakana characters: how much a message says.

    「1」「OK」「こんにちは」 or "what is this thing" say too little to be a question worth
    forwarding to the secretariat; 「駐車場はありますか」 says enough.
    """
    plain = unicodedata.normalize("NFKC", text).lower()
    words = [w for w in re.findall(r"[a-z]+", plain) if w not in STOPWORDS]
    return len(words) + len(_CONTENT_CHAR.findall(plain))


def _japanese_features(run: str, out: Counter[str], times: int = 1) -> None:
    """Bigrams and single kanji of one Japanese run. Equal bigrams are counted in C first, so
    the Python work is per distinct bigram, not per character."""
    for bigram, count in Counter(map(str.__add__, run, run[1:])).items():
        kinds = bigram.translate(_KIND)
        if kinds != "kk":  # inside a katakana word: weighed per word below
            out["b:" + _to_hiragana(bigram)] += times * count * _bigram_weight(kinds)
    for word, count in Counter(_KATAKANA_WORD.findall(run)).items():
        # A katakana word of n letters yields n-1 bigrams; cap the word's total so one
        # loanword (「フォーム」) does not outweigh a kanji term (「入力」).
        share = W_BIGRAM * min(1.0, KATAKANA_WORD_WEIGHT / (len(word) - 1))
        for bigram in map(str.__add__, word, word[1:]):
            out["b:" + _to_hiragana(bigram)] += times * count * share
    for char, count in Counter(run).items():
        if char.translate(_KIND) == "K":
            out["k:" + char] += times * count * W_KANJI
