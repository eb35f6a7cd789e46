"""What deals adds to the extension points of the apps below it: its part of `imbuto demo`
(leads.extensions.DEMO_PARTS): pipelines, products, deals in every stage, won and lost."""

from __future__ import annotations


def register_demo() -> None:
    from imbuto.leads.extensions import DEMO_PARTS

    from .demo import DealsDemo

    DEMO_PARTS.add(DealsDemo(), order=200)
