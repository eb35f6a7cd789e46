"""Intake URLs: each part (review queue, imports, public form and chat) keeps its own module."""

from importlib import import_module

from django.urls import include, path

app_name = "intake"


def _optional(prefix: str, module: str) -> list:
    try:
        import_module(module)
    except ModuleNotFoundError as exc:
        if exc.name != module:
            raise
        return []
    return [path(prefix, include(module))]


urlpatterns = [
    *_optional("", "imbuto.intake.urls_review"),
    *_optional("", "imbuto.intake.urls_imports"),
    *_optional("", "imbuto.intake.urls_public"),
]
