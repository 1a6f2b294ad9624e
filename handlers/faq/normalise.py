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


def fold(text: str) -> str:
    """NFKC, lower case, katakana → hiragana; the one form every comparison uses."""
    return _to_hiragana(unicodedata.normalize("NFKC", text).lower())


def _to_hiragana(text: str) -> str:
    return "".join(
        chr(ord(c) - _KANA_SHIFT) if _KATAKANA_START <= ord(c) <= _KATAKANA_END else c
        for c in text
    )


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


def _is_hiragana(char: str) -> bool:
    return "\u3040" <= char <= "\u309f"


def _is_katakana(char: str) -> bool:
    return "\u30a0" <= char <= "\u30ff"


def _katakana_word_lengths(run: str) -> list[int]:
    """For each character, the length of the katakana word it belongs to (0 if none)."""
    lengths = [0] * len(run)
    i = 0
    while i < len(run):
        j = i
        while j < len(run) and _is_katakana(run[j]):
            j += 1
        for k in range(i, j):
            lengths[k] = j - i
        i = max(j, i + 1)
    return lengths


def _is_kanji(char: str) -> bool:
    return "\u3400" <= char <= "\u9fff" or char == "\u3005"


def features(text: str) -> Counter[str]:
    """Weighted matching features of `text` (any mix of Japanese and English)."""
    out: Counter[str] = Counter()
    plain = unicodedata.normalize("NFKC", text).lower()  # katakana kept, to tell it from grammar
    plain = _FILLER.sub(" ", plain)
    for run in _RUN.findall(plain):
        if run[0].isascii():
            word = stem(run)
            if not run.isdigit() and run not in STOPWORDS and word not in STOPWORDS:
                out["w:" + word] += W_WORD
        else:
            _japanese_features(run, out)
    return out


def content_size(text: str) -> int:
    """English content words plus Japanese kanji/katakana characters: how much a message says.

    「1」「OK」「こんにちは」 or "what is this thing" say too little to be a question worth
    forwarding to the secretariat; 「駐車場はありますか」 says enough.
    """
    plain = unicodedata.normalize("NFKC", text).lower()
    words = [w for w in re.findall(r"[a-z]+", plain) if w not in STOPWORDS]
    kanji_kana = [c for c in plain if _is_kanji(c) or (_is_katakana(c) and c != "ー")]
    return len(words) + len(kanji_kana)


def _japanese_features(run: str, out: Counter[str]) -> None:
    folded = _to_hiragana(run)
    katakana_len = _katakana_word_lengths(run)
    for i in range(len(run) - 1):
        kana = _is_hiragana(run[i]) + _is_hiragana(run[i + 1])
        weight = (W_BIGRAM, W_MIXED_BIGRAM, W_KANA_BIGRAM)[kana]
        if kana == 0 and bool(katakana_len[i]) != bool(katakana_len[i + 1]):
            weight = W_MIXED_BIGRAM  # kanji next to katakana: usually two words meeting
        if katakana_len[i] and katakana_len[i + 1]:
            # A katakana word of n letters yields n-1 bigrams; cap the word's total so one
            # loanword (「フォーム」) does not outweigh a kanji term (「入力」).
            weight *= min(1.0, KATAKANA_WORD_WEIGHT / (katakana_len[i] - 1))
        out["b:" + folded[i : i + 2]] += weight
    for char in run:
        if _is_kanji(char):
            out["k:" + char] += W_KANJI
