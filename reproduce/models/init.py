"""Weight initialisation schemes a run may ask for (TrainingConfig.init).

PyTorch's layer defaults (Kaiming-uniform with a = sqrt(5), i.e. U(-1/sqrt(fan_in), 1/sqrt(fan_in))) are
narrower than the Glorot initialisations the TensorFlow/Keras papers trained from: Frankle & Carbin's
Gaussian Glorot, SNIP's variance scaling, Mikler's Glorot-uniform. A lottery ticket is a property of its
initialisation, so those re-runs draw their weights the papers' way.
"""

from __future__ import annotations

from torch import nn

from reproduce.counting import weight_of

CONV_LINEAR = (nn.Conv1d, nn.Conv2d, nn.Conv3d, nn.Linear)


def initialise(model: nn.Module, scheme: str) -> None:
    """Draw fresh weights for every conv and linear layer from the global torch RNG: 'default' re-runs each
    layer's own reset_parameters (BN too); the Glorot schemes draw the weights and zero the biases (Keras)."""
    for module in model.modules():
        if scheme == "default":
            reset = getattr(module, "reset_parameters", None)
            if callable(reset) and next(module.parameters(recurse=False), None) is not None:
                reset()
        elif isinstance(module, CONV_LINEAR):
            draw = {"glorot-uniform": nn.init.xavier_uniform_, "glorot-normal": nn.init.xavier_normal_}[scheme]
            draw(weight_of(module))
            if module.bias is not None:
                nn.init.zeros_(module.bias)
