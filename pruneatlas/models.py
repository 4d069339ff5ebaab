"""The typed contract of a paper file: what a result row must capture (DESIGN.md, "A result row").

Values are stored as printed, with their kind; canonical values are derived in `derive.py`, never typed.
Every model forbids unknown keys, so a misspelt field is an error instead of silently dropped data.
Checks that need the vocabularies or other files live in `checks.py`.
"""

from __future__ import annotations

from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, model_validator

from pruneatlas.printed import Printed

PAPER_KEY_PATTERN = r"^[A-Z][A-Za-z]*[0-9]{4}[A-Z][A-Za-z0-9]*$"
RESULT_ID_PATTERN = r"^[a-z0-9][a-z0-9._+-]*$"
FIRST_YEAR, LAST_YEAR = 1940, 2100  # the years a paper file may give
MAX_COUNT = 1_000_000  # runs of one result: a bound that keeps the count a number every table can hold
MAX_SEED = 2**63 - 1  # seeds fit a signed 64-bit column

PaperKey = Annotated[
    str,
    Field(pattern=PAPER_KEY_PATTERN, description="<Author><Year><Word>, e.g. Tessier2022Rethinking"),
]
ResultId = Annotated[
    str,
    Field(pattern=RESULT_ID_PATTERN, max_length=120, description="lower-case slug, unique in its file"),
]
NonEmpty = Annotated[str, Field(min_length=1)]

Granularity = Literal["weight", "n:m", "kernel", "filter", "channel", "neuron", "head", "layer", "block"]
STRUCTURED_GRANULARITIES = frozenset({"kernel", "filter", "channel", "neuron", "head", "layer", "block"})
Scope = Literal["global", "layerwise"]
Schedule = Literal["one_shot", "iterative", "at_init", "during_training"]
Extraction = Literal["table", "text", "figure", "collection", "rerun"]
Collection = Literal["shrinkbench", "state-of-sparsity"]
AccuracyClaim = Literal["no_loss", "improved", "negligible_loss", "comparable"]
ChangeSign = Literal["pruned_minus_baseline", "baseline_minus_pruned"]
SourceKind = Literal["reported", "secondary", "imported", "reproduced"]
BaselineOrigin = Literal["own", "quoting", "reference"]


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True, allow_inf_nan=False)


class Source(Strict):
    """Where in which document the number was read, and how."""

    locator: NonEmpty = Field(description="Where in the document: 'Table 3', 'Sec. 4.2', 'Fig. 4', 'README.md'")
    extraction: Extraction
    quote: str | None = Field(None, description="Short verbatim text containing the number(s)")
    precision: str | None = Field(None, description="For figure read-offs: how precise, e.g. '+-1 pp'")
    url: str | None = Field(None, description="Address of the document when it is not the paper itself")
    commit: str | None = Field(None, pattern=r"^[0-9a-f]{7,40}$", description="Repository commit of `url`")
    collection: Collection | None = None
    collection_row: str | None = None

    @model_validator(mode="after")
    def _how_read_needs_its_evidence(self) -> Source:
        if self.extraction in ("table", "text") and not self.quote:
            raise ValueError(f"a {self.extraction} source needs a verbatim `quote` containing the number(s)")
        if self.extraction == "figure" and not self.precision:
            raise ValueError("a figure read-off needs `precision` (how precisely it was read)")
        if (self.extraction == "collection") != (self.collection is not None):
            raise ValueError("`extraction: collection` and `collection` go together")
        if (self.collection is None) != (self.collection_row is None):
            raise ValueError("`collection` and `collection_row` go together")
        return self


class Accuracy(Strict):
    """One metric, before and after pruning, as printed. The change is derived, never trusted."""

    metric: NonEmpty = Field(description="Id from schema/metrics.yaml: top1, top5, top1_err, map, perplexity ...")
    baseline: Printed | None = None
    pruned: Printed | None = None
    change: Printed | None = Field(None, description="A printed change, kept only to check it")
    change_sign: ChangeSign | None = Field(None, description="How the printed change is signed")
    baseline_std: Printed | None = None
    pruned_std: Printed | None = None
    claim: AccuracyClaim | None = Field(None, description="A qualitative claim ('without loss of accuracy')")

    @model_validator(mode="after")
    def _change_needs_its_sign(self) -> Accuracy:
        if (self.change is None) != (self.change_sign is None):
            raise ValueError("`change` and `change_sign` go together: say how the printed change is signed")
        if self.pruned is None and self.change is None and self.claim is None:
            raise ValueError("give the pruned value, a printed change, or a qualitative `claim`")
        return self


class Cost(Strict):
    """Parameters or FLOPs in every form the paper printed them; canonical values are derived."""

    baseline: Printed | None = Field(None, description="Absolute count of the dense model")
    pruned: Printed | None = Field(None, description="Absolute count after pruning")
    removed_pct: Printed | None = Field(None, description="% removed")
    remaining_pct: Printed | None = Field(None, description="% remaining")
    ratio: Printed | None = Field(None, description="baseline / pruned (x): compression ratio or speed-up")

    @model_validator(mode="after")
    def _says_something(self) -> Cost:
        if not self.model_fields_set & {"baseline", "pruned", "removed_pct", "remaining_pct", "ratio"}:
            raise ValueError("an empty cost block: leave it out instead")
        return self


class FlopsCost(Cost):
    unit: Literal["MAC", "FLOP"] | None = Field(None, description="What the paper counts, when it says")


class Conditions(Strict):
    num_runs: int | None = Field(None, ge=1, le=MAX_COUNT)
    finetune_epochs: float | None = Field(None, ge=0)
    distillation: bool | None = None
    architecture_modified: str | None = Field(None, description="Changes beyond pruning, e.g. FC replaced by GAP")
    quantized: bool | None = None
    sweep: bool = Field(False, description="One point of a hyper-parameter sweep or grid")
    reimplemented: bool = Field(
        False,
        description="This document's authors ran `method_paper`'s method themselves (a baseline they re-ran): "
        "the number is their own measurement, not a quote of that paper",
    )
    runtime_speedup: Printed | None = Field(None, description="Measured wall-clock speed-up (x)")
    runtime_device: str | None = None
    variant: str | None = Field(
        None,
        description="A named variant of the method or a condition of the run that makes this another setting than "
        "the method's plain result: 'HRankPlus', 'CCP-AC', 'FPGM-mix, fine-tuned', '5x training', 'trained from "
        "scratch'. Rows of one method compare only within one variant; a quote that names none may match any",
    )


class Protocol(Strict):
    """How an LLM row was evaluated (CURATION.md 14). Perplexities and zero-shot accuracies move with each of
    these, so rows that differ in one the sources both give are not the same setting (conflicts.py)."""

    checkpoint: NonEmpty | None = Field(None, description="Exact weights, e.g. 'meta-llama/Llama-2-7b-hf'")
    eval_split: NonEmpty | None = Field(None, description="Evaluation split, e.g. 'test', 'validation'")
    eval_text: Literal["raw", "tokenized"] | None = Field(
        None, description="WikiText-2 'raw' (wikitext-2-raw-v1) or the pre-tokenised version (wikitext-2-v1)"
    )
    seq_len: int | None = Field(None, ge=1, description="Tokens per evaluation sequence")
    calibration_data: NonEmpty | None = Field(None, description="Calibration set, e.g. 'c4', 'wikitext2'")
    calibration_samples: int | None = Field(None, ge=1, description="Number of calibration sequences")
    calibration_seq_len: int | None = Field(None, ge=1, description="Tokens per calibration sequence")
    seed: int | None = Field(None, ge=0, description="Seed of the calibration sampling")
    harness: NonEmpty | None = Field(None, description="Evaluation harness, e.g. 'lm-evaluation-harness'")
    harness_version: NonEmpty | None = None
    tasks: list[NonEmpty] | None = Field(None, min_length=1, description="Zero-shot tasks averaged, as named")
    task_metric: Literal["acc", "acc_norm", "mixed"] | None = Field(
        None, description="Which harness accuracy the zero-shot numbers are"
    )
    pruned_layers: NonEmpty | None = Field(None, description="Which layers were pruned, e.g. 'all linear layers'")
    recovery_finetuning: bool | None = Field(None, description="Whether the pruned model was fine-tuned after")

    def setting(self) -> dict[str, object]:
        """The fields this row gives, as comparable values."""
        return {k: tuple(v) if isinstance(v, list) else v for k, v in self.model_dump(exclude_none=True).items()}


class Discrepancy(Strict):
    """A published inconsistency we keep as printed, so the check for `field` is waived and shown."""

    field: NonEmpty
    note: NonEmpty


class Provenance(Strict):
    """How a reproduced row was made, so anyone can re-run it."""

    command: NonEmpty
    config_hash: NonEmpty
    git_sha: NonEmpty
    versions: dict[str, str]
    hardware: NonEmpty
    seeds: list[Annotated[int, Field(ge=0, le=MAX_SEED)]] = Field(min_length=1)
    wall_time_s: float = Field(ge=0)
    cpu_time_s: float | None = Field(None, ge=0)
    config: dict[str, object] = Field(default_factory=dict)


class Subject(Strict):
    """What every kind of result names: its id, the method (as an id and as printed), whose method it is, and
    what was pruned on what."""

    id: ResultId
    method: NonEmpty = Field(description="Id or alias from schema/methods.yaml")
    method_label: NonEmpty = Field(description="The label as printed, e.g. AOFP-B2")
    method_paper: PaperKey | None = Field(None, description="Paper the method comes from, when not this file's")
    architecture: NonEmpty
    dataset: NonEmpty


class Result(Subject):
    granularity: Granularity | None = Field(None, description="Defaults to the method's")
    scope: Scope | None = None
    schedule: Schedule | None = None
    accuracy: Accuracy
    baseline_origin: BaselineOrigin | None = Field(
        None,
        description="Whose dense baseline `accuracy.baseline` is: `own` (the method's paper's own), `quoting` (the "
        "quoting document's own model), `reference` (a common model such as torchvision's weights). Unset: `own` "
        "for rows of the method's own paper, unknown for quotes. Baselines and drops are compared only between "
        "rows that both carry the method's own baseline",
    )
    secondary: Accuracy | None = Field(None, description="A second metric for the same point, e.g. top-5")
    params: Cost | None = None
    flops: FlopsCost | None = None
    conditions: Conditions = Field(default_factory=Conditions)
    protocol: Protocol | None = Field(None, description="LLM evaluation protocol, where the source gives it")
    source: Source
    reproduces: str | None = Field(None, description="result_id of the published row this re-runs")
    provenance: Provenance | None = None
    discrepancies: list[Discrepancy] = Field(default_factory=list)
    notes: str | None = None


CostQuantity = Literal["time", "epochs"]
CostComparison = Literal["less", "same", "more"]
DENSE_TRAINING = "dense"
CostUnit = Literal["s", "min", "h", "epochs"]
SECONDS_PER_UNIT = {"s": 1.0, "min": 60.0, "h": 3600.0}


class TrainingCost(Strict):
    """What running a method costs, as printed: an amount of time or epochs, and/or its size against a named
    reference method's cost ("13 % of execution time" of SAP; 4352 s per epoch, +48 % over plain training)."""

    quantity: CostQuantity = Field(description="What is counted: wall-clock time or training epochs")
    scope: NonEmpty = Field(description="What was measured: 'one epoch incl. testing', 'whole run of 15 iterations'")
    value: Printed | None = Field(None, description="The amount, in `unit`")
    std: Printed | None = Field(None, description="Its printed spread (± over runs)")
    unit: CostUnit | None = None
    relative_to: NonEmpty | None = Field(
        None,
        description=f"Method id or alias of the reference whose cost is compared, or '{DENSE_TRAINING}' for the "
        "same network trained without pruning",
    )
    relative_label: str | None = Field(None, description="The reference as printed, e.g. 'SAP', 'no SWD'")
    percent_of_reference: Printed | None = Field(None, description="This cost as % of the reference's (13 -> 13 %)")
    increase_pct: Printed | None = Field(None, description="% more than the reference (48 -> +48 %)")
    comparison: CostComparison | None = Field(
        None, description="A comparison printed in words only ('notably reduced')"
    )
    hardware: str | None = Field(None, description="Where it was measured, as the source says")

    @model_validator(mode="after")
    def _amount_or_comparison(self) -> TrainingCost:
        printed = (self.percent_of_reference, self.increase_pct, self.comparison)
        if self.value is None and all(c is None for c in printed):
            raise ValueError("give the amount (`value` with `unit`) or a comparison with `relative_to`")
        if (self.value is None) != (self.unit is None):
            raise ValueError("`value` and `unit` go together")
        if self.unit is not None and (self.unit == "epochs") != (self.quantity == "epochs"):
            raise ValueError(f"unit {self.unit!r} does not count {self.quantity}")
        if self.std is not None and self.value is None:
            raise ValueError("a `std` needs the `value` it spreads around")
        if any(c is not None for c in printed) != (self.relative_to is not None):
            raise ValueError(
                "`relative_to` and a comparison (`percent_of_reference`, `increase_pct` or `comparison`) go together"
            )
        if sum(c is not None for c in printed) > 1:
            raise ValueError("give one comparison as printed: `percent_of_reference`, `increase_pct` or `comparison`")
        return self


class CostClaim(Subject):
    """A claim about what a pruning method costs to run (time or epochs), a result kind of its own: it is
    validated, shown and re-run like an accuracy result, but carries no accuracy numbers."""

    cost: TrainingCost
    accuracy_claim: AccuracyClaim | None = Field(
        None, description="What the source says of accuracy at this cost (against `relative_to` when set)"
    )
    conditions: Conditions = Field(default_factory=Conditions)
    source: Source
    reproduces: str | None = Field(None, description="result_id of the published cost claim this re-runs")
    provenance: Provenance | None = None
    notes: str | None = None


class Reference(Strict):
    """A paper cited by this file's results (method_paper) that has no paper file of its own."""

    title: NonEmpty
    year: int = Field(ge=FIRST_YEAR, le=LAST_YEAR)
    authors: list[str] = Field(default_factory=list)
    venue: str | None = Field(None, description="As in a paper file: 'CVPR 2019', 'arXiv preprint arXiv:ID'")
    url: str | None = None
    arxiv: str | None = None
    doi: str | None = None
    bibtex: str | None = None


class PaperFile(Strict):
    """One source document and every result read from it: the unit of a pull request."""

    key: PaperKey
    title: NonEmpty
    authors: list[NonEmpty] = Field(min_length=1)
    year: int = Field(ge=FIRST_YEAR, le=LAST_YEAR)
    venue: str | None = None
    url: str | None = None
    doi: str | None = None
    arxiv: str | None = None
    bibtex: str | None = None
    license_note: str | None = Field(None, description="Attribution for data derived from licensed collections")
    references: dict[PaperKey, Reference] = Field(default_factory=dict)
    results: list[Result] = Field(default_factory=list, description="Empty only while a new file is being filled")
    cost_claims: list[CostClaim] = Field(
        default_factory=list, description="Claims about training time or epochs (ids shared with `results`)"
    )
