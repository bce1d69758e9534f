"""The merge model: the float model's Linear layers in int8, its token embeddings shared."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from peninsula.nlp import events_embed

torch = pytest.importorskip("torch")


@pytest.fixture(autouse=True)
def _fresh() -> Iterator[None]:
    events_embed.load_merge_model.cache_clear()
    yield
    events_embed.load_merge_model.cache_clear()


def _tiny() -> Any:
    torch.manual_seed(0)
    return torch.nn.Sequential(torch.nn.Embedding(50, 16), torch.nn.Linear(16, 8))


def test_merge_model_quantises_linear_layers_and_shares_embeddings(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    model = _tiny()
    monkeypatch.setattr(events_embed, "load_model", lambda: model)
    merged = events_embed.load_merge_model()
    assert merged is not model
    assert merged[0] is model[0]  # the token embeddings are not copied
    assert isinstance(model[1], torch.nn.Linear)  # the float model is left as it was
    assert not isinstance(merged[1], torch.nn.Linear)
    tokens = torch.tensor([[1, 2, 3], [4, 5, 6]])
    with torch.no_grad():
        exact, close = model(tokens), merged(tokens)
    assert torch.allclose(exact, close, atol=0.05)


def test_merge_model_is_none_without_the_extra(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(events_embed, "load_model", lambda: None)
    assert events_embed.load_merge_model() is None


def test_merge_model_falls_back_to_the_float_model(monkeypatch: pytest.MonkeyPatch) -> None:
    model = _tiny()
    monkeypatch.setattr(events_embed, "load_model", lambda: model)

    def fails(*args: object, **kwargs: object) -> None:
        raise RuntimeError("no quantised engine")

    monkeypatch.setattr(torch.ao.quantization, "quantize_dynamic", fails)
    assert events_embed.load_merge_model() is model
