"""Benchmark `havenwatch extract` against spaCy's blank tokenizer on the same texts.

    .venv/bin/python bench/extract.py [--documents 2000] [--seed 7]

A fixed corpus (seeded, so every run sees the same texts) of news-like reports in
English, Russian and Serbian (both scripts), 300-800 words each, is built in memory. Each
contender runs in its own subprocess, so peak memory (ru_maxrss) is its own; start-up
(imports, lexicon compilation, spaCy's `blank()`) is excluded from the timing by warming
up on one document per language (lexicons compile on first use). The baseline is
`spacy.blank(lang)` tokenising the same texts; it needs spaCy (a dev dependency) and
is reported as missing when spaCy is absent.

A third run has the rules decide instead of the model (no learned triggers, no scoring of
candidates): the difference is the model's share of the time, printed under the table.

Targets: >= 200 documents per second, peak memory < 600 MB. On a machine shared with
other work, wall-clock rates vary with load; the CPU-time rate is the steadier figure.
"""

from __future__ import annotations

import argparse
import json
import random
import resource
import subprocess
import sys
import time
from collections.abc import Callable

TARGET_DOCS_PER_SECOND = 200
TARGET_PEAK_MB = 600

NAMES = {
    "en": ["Elena Koposova", "Pavel Gorin", "Irina Volkova", "Gleb Orlov", "Daria Lukina"],
    "ru": ["Елена Копосова", "Павел Горин", "Ирина Волкова", "Глеб Орлов", "Дарья Лукина"],
    "sr": ["Elena Koposova", "Pavel Gorin", "Irina Volkova", "Gleb Orlov", "Darja Lukina"],
    "sr-Cyrl": ["Елена Копосова", "Павел Горин", "Ирина Волкова", "Глеб Орлов", "Дарја Лукина"],
}
EVENTS = {
    "en": [
        "{name}, {age}, was refused entry at Belgrade airport on Tuesday.",
        "The police revoked the residence of {name} and ordered her to leave within 30 days.",
        "{name} was declared a threat to national security by the BIA.",
        "Her lawyer filed an appeal with the Administrative Court last month.",
        "At least a dozen Russian activists have faced similar problems since 2022.",
    ],
    "ru": [
        "{name} не смогла въехать в Сербию во вторник.",
        "Полиция аннулировала вид на жительство и обязала её покинуть страну за 30 дней.",
        "БИА признало {name} угрозой национальной безопасности.",
        "Её адвокат подал жалобу в Административный суд в прошлом месяце.",
        "Более десятка российских активистов столкнулись с похожими проблемами.",
    ],
    "sr": [
        "{name} je zabranjen ulazak u Srbiju u utorak.",
        "Policija je ukinula boravak i naložila joj da napusti zemlju u roku od 30 dana.",
        "BIA je {name} proglasila pretnjom po nacionalnu bezbednost.",
        "Njen advokat je uložio žalbu Upravnom sudu prošlog meseca.",
        "Desetak ruskih aktivista suočilo se sa sličnim problemima.",
    ],
    "sr-Cyrl": [
        "{name} је забрањен улазак у Србију у уторак.",
        "Полиција је укинула боравак и наложила јој да напусти земљу у року од 30 дана.",
        "БИА је {name} прогласила претњом по националну безбедност.",
        "Њен адвокат је уложио жалбу Управном суду прошлог месеца.",
        "Десетак руских активиста суочило се са сличним проблемима.",
    ],
}
FILLER = {
    "en": (
        "The city council discussed new bus lines and the price of heating this winter. "
        "Local markets were busy before the holidays, and traders reported good sales. "
        "A new bridge over the river is expected to open next year after long delays. "
    ),
    "ru": (
        "Городской совет обсуждал новые автобусные маршруты и цены на отопление зимой. "
        "На рынках перед праздниками было оживленно, торговцы отмечали хорошие продажи. "
        "Новый мост через реку планируют открыть в следующем году после долгих задержек. "
    ),
    "sr": (
        "Gradsko veće je raspravljalo o novim autobuskim linijama i ceni grejanja ove zime. "
        "Pijace su bile pune pred praznike, a prodavci su prijavili dobru prodaju. "
        "Novi most preko reke trebalo bi da bude otvoren iduće godine posle dugih kašnjenja. "
    ),
    "sr-Cyrl": (
        "Градско веће је расправљало о новим аутобуским линијама и цени грејања ове зиме. "
        "Пијаце су биле пуне пред празнике, а продавци су пријавили добру продају. "
        "Нови мост преко реке требало би да буде отворен идуће године после дугих кашњења. "
    ),
}
SPACY_LANGUAGE = {"en": "en", "ru": "ru", "sr": "sr", "sr-Cyrl": "sr"}


def build_corpus(documents: int, seed: int) -> list[tuple[str, str]]:
    """(language, text) pairs, the same for the same arguments."""
    generator = random.Random(seed)
    corpus = []
    for _ in range(documents):
        language = generator.choice(list(EVENTS))
        corpus.append((language, _report(generator, language)))
    return corpus


def _report(generator: random.Random, language: str) -> str:
    words_wanted = generator.randint(300, 800)
    name = generator.choice(NAMES[language])
    filler = FILLER[language].split(". ")
    sentences: list[str] = []
    words = 0
    while words < words_wanted:
        if generator.random() < 0.2:
            template = generator.choice(EVENTS[language])
            sentence = template.format(name=name, age=generator.randint(20, 70))
        else:
            sentence = generator.choice(filler).strip().rstrip(".") + "."
        sentences.append(sentence)
        words += len(sentence.split())
    return "Published: 2024-03-14\n" + " ".join(sentences)


def run_havenwatch(corpus: list[tuple[str, str]]) -> Callable[[], None]:
    from havenwatch.monitor.extract import extract_document
    from havenwatch.monitor.reader import news_from_text

    documents = [news_from_text(text, id=str(i)) for i, (_, text) in enumerate(corpus)]
    first_of_each_language = {language: index for index, (language, _) in enumerate(corpus)}
    for index in first_of_each_language.values():
        extract_document(documents[index])

    def work() -> None:
        for document in documents:
            extract_document(document)

    return work


def run_rules_alone(corpus: list[tuple[str, str]]) -> Callable[[], None]:
    """The same pipeline with the rules deciding: the difference is the model's share."""
    from havenwatch.monitor.extract.pipeline import analyse, extraction
    from havenwatch.monitor.reader import news_from_text

    documents = [news_from_text(text, id=str(i)) for i, (_, text) in enumerate(corpus)]

    def extract(index: int) -> None:
        document = documents[index]
        analysis = analyse(
            document.text, document=document.id, published=document.published, decisions=None
        )
        extraction(analysis)

    first_of_each_language = {language: index for index, (language, _) in enumerate(corpus)}
    for index in first_of_each_language.values():
        extract(index)

    def work() -> None:
        for index in range(len(documents)):
            extract(index)

    return work


def run_spacy(corpus: list[tuple[str, str]]) -> Callable[[], None]:
    import spacy

    pipelines = {code: spacy.blank(code) for code in set(SPACY_LANGUAGE.values())}
    for pipeline in pipelines.values():
        pipeline("warm up")

    def work() -> None:
        for language, text in corpus:
            pipelines[SPACY_LANGUAGE[language]](text)

    return work


CONTENDERS = {
    "havenwatch extract": run_havenwatch,
    "havenwatch, rules alone": run_rules_alone,
    "spaCy blank tokenizer": run_spacy,
}


def worker(name: str, documents: int, seed: int) -> None:
    corpus = build_corpus(documents, seed)
    work = CONTENDERS[name](corpus)
    started, started_cpu = time.perf_counter(), time.process_time()
    work()
    seconds = time.perf_counter() - started
    cpu_seconds = time.process_time() - started_cpu
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    words = sum(len(text.split()) for _, text in corpus)
    print(
        json.dumps(
            {
                "documents": documents,
                "words": words,
                "seconds": seconds,
                "cpu_seconds": cpu_seconds,
                "peak_mb": peak_mb,
            }
        )
    )


def measure(name: str, documents: int, seed: int) -> dict[str, float] | None:
    command = [sys.executable, __file__, "--worker", name, "--documents", str(documents)]
    command += ["--seed", str(seed)]
    finished = subprocess.run(command, capture_output=True, text=True, check=False)
    if finished.returncode != 0:
        reason = finished.stderr.strip().splitlines()[-1:] or ["failed"]
        print(f"{name}: not measured ({reason[0]})", file=sys.stderr)
        return None
    result: dict[str, float] = json.loads(finished.stdout.strip().splitlines()[-1])
    return result


def report(results: dict[str, dict[str, float] | None]) -> None:
    from rich.console import Console
    from rich.table import Table

    baseline = results.get("spaCy blank tokenizer")
    table = Table(title="Extraction throughput (same corpus, one process each)")
    headings = ("contender", "docs/s", "docs/s (CPU)", "words/s", "peak MB", "vs baseline")
    for heading in headings:
        table.add_column(heading, justify="right" if heading != "contender" else "left")
    for name, result in results.items():
        if result is None:
            table.add_row(name, "-", "-", "-", "-", "not available")
            continue
        rate = result["documents"] / result["seconds"]
        ratio = "-"
        if baseline:
            ratio = f"{rate / (baseline['documents'] / baseline['seconds']):.3f}x"
        table.add_row(
            name,
            f"{rate:,.0f}",
            f"{result['documents'] / result['cpu_seconds']:,.0f}",
            f"{result['words'] / result['seconds']:,.0f}",
            f"{result['peak_mb']:,.0f}",
            ratio,
        )
    Console().print(table)
    ours = results.get("havenwatch extract")
    if ours:
        rate = ours["documents"] / ours["cpu_seconds"]
        verdict = rate >= TARGET_DOCS_PER_SECOND and ours["peak_mb"] < TARGET_PEAK_MB
        targets = f">= {TARGET_DOCS_PER_SECOND} docs/s of CPU time and < {TARGET_PEAK_MB} MB peak"
        print(f"targets ({targets}): " + ("met" if verdict else "NOT met"))
        rules = results.get("havenwatch, rules alone")
        if rules:
            share = 1 - rules["cpu_seconds"] / ours["cpu_seconds"]
            print(
                f"the decision model's share of CPU time (learned triggers, subjects, events): "
                f"{share:.0%}"
            )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--documents", type=int, default=2000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--worker", choices=sorted(CONTENDERS), help=argparse.SUPPRESS)
    arguments = parser.parse_args()
    if arguments.worker:
        worker(arguments.worker, arguments.documents, arguments.seed)
        return
    results = {name: measure(name, arguments.documents, arguments.seed) for name in CONTENDERS}
    report(results)


if __name__ == "__main__":
    main()
