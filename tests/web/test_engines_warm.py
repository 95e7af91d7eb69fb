"""No request compiles: the application compiles the engines while it starts."""

from __future__ import annotations

import pytest
from fastapi.testclient import TestClient
from numba import config

from pledge.analytics.engine import kernels
from pledge.app import create_app


@pytest.mark.skipif(bool(getattr(config, "DISABLE_JIT", False)),
                    reason="numba's JIT is off: nothing compiles")
def test_after_startup_every_kernel_has_its_signature_compiled(demo_url: str) -> None:
    app = create_app(demo_url)
    with TestClient(app):
        # startup has completed: each dispatcher holds the compiled signature requests use
        compiled = {name: len(k.signatures) for name, k in kernels().items()}
        assert compiled == app.state.engines
        assert set(compiled) == {"_waterfall_kernel", "_irr_kernel", "_fused_kernel"}
        assert all(n >= 1 for n in compiled.values()), compiled
        for k in kernels().values():
            # every signature is float64 arrays: the one each request's arguments choose
            assert all("float64" in str(sig) for sig in k.signatures), k.signatures
