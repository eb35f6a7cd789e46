from importlib import import_module

from django.conf.urls.i18n import i18n_patterns  # noqa: F401 - language switcher uses set_language
from django.contrib.auth import views as auth_views
from django.urls import include, path
from django.views.generic import RedirectView

from .api import api
from .core.views import healthz


def _optional(prefix: str, module: str) -> list:
    """Include an app's urls only when it has them, so apps can land one at a time."""
    try:
        import_module(module)
    except ModuleNotFoundError as exc:
        if exc.name != module:
            raise
        return []
    return [path(prefix, include(module))]


urlpatterns = [
    path("api/v1/", api.urls),
    path("healthz", healthz, name="healthz"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("login/", auth_views.LoginView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("", RedirectView.as_view(pattern_name="leads:list", permanent=False), name="home"),
    *_optional("", "imbuto.intake.urls"),
    *_optional("", "imbuto.leads.urls"),
    *_optional("", "imbuto.accounts.urls"),
]
