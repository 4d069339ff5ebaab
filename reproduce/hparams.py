"""The training hyper-parameters every method shares, as a typed, frozen config.

Defaults never change once released: a run's identity is the hash of its config with defaults left out
(config.py), so changing a default would silently give old hashes new meaning. Add a field with a default
that reproduces the old behaviour instead.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field


class Frozen(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class TrainingConfig(Frozen):
    """How the dense network is trained; methods derive their (re)training phases from it."""

    epochs: int = Field(10, ge=0, description="Epochs of one full training run (T)")
    batch_size: int = Field(128, ge=1)
    optimizer: Literal["sgd", "adam"] = "sgd"
    lr: float = Field(0.1, gt=0)
    momentum: float = Field(0.9, ge=0, lt=1)
    nesterov: bool = False
    weight_decay: float = Field(5e-4, ge=0)
    schedule: Literal["constant", "step", "cosine"] = "step"
    milestones: list[float] = Field(
        default=[0.5, 0.75], description="For 'step': fractions of the epochs where the lr is multiplied by gamma"
    )
    gamma: float = Field(0.1, gt=0)
    test_batch_size: int = Field(1000, ge=1)
    init: Literal["default", "glorot-uniform", "glorot-normal"] = Field(
        "default",
        description="Weight initialisation: PyTorch's layer defaults, or Glorot (Keras/TensorFlow's, which the "
        "lottery-ticket, SNIP and Mikler papers used) with zero biases",
    )


class Phase(Frozen):
    """One stretch of training: how many epochs, from which lr, under which schedule."""

    epochs: int = Field(ge=0)
    lr: float = Field(gt=0)
    schedule: Literal["constant", "step", "cosine"]
    milestones: list[float] = Field(default_factory=list)
    gamma: float = 0.1

    @classmethod
    def full(cls, training: TrainingConfig, epochs: int | None = None) -> Phase:
        """The whole schedule again (dense training, rewinding methods' retraining)."""
        return cls(
            epochs=training.epochs if epochs is None else epochs,
            lr=training.lr,
            schedule=training.schedule,
            milestones=list(training.milestones),
            gamma=training.gamma,
        )

    @classmethod
    def constant(cls, epochs: int, lr: float) -> Phase:
        return cls(epochs=epochs, lr=lr, schedule="constant")

    def lr_at(self, epoch: int) -> float:
        """The lr for 0-based `epoch` of this phase."""
        import math

        if self.schedule == "constant" or self.epochs == 0:
            return self.lr
        if self.schedule == "cosine":
            return 0.5 * self.lr * (1 + math.cos(math.pi * epoch / self.epochs))
        drops = sum(1 for m in self.milestones if epoch >= round(m * self.epochs))
        return self.lr * self.gamma**drops
