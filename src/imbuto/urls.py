from django.contrib.auth import views as auth_views
from django.urls import include, path
from django.views.generic import RedirectView

from .api import api
from .core.views import healthz

urlpatterns = [
    path("api/v1/", api.urls),
    path("healthz", healthz, name="healthz"),
    path("i18n/", include("django.conf.urls.i18n")),
    path("login/", auth_views.LoginView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("", RedirectView.as_view(pattern_name="leads:list", permanent=False), name="home"),
    path("", include("imbuto.intake.urls")),
    path("", include("imbuto.leads.urls")),
    path("", include("imbuto.users.urls")),
    path("", include("imbuto.notifications.urls")),
    path("", include("imbuto.scoring.urls")),
    path("", include("imbuto.routing.urls")),
    path("", include("imbuto.sla.urls")),
    path("", include("imbuto.customers.urls")),
    path("", include("imbuto.activities.urls")),
    path("", include("imbuto.nurture.urls")),
    path("", include("imbuto.analytics.urls")),
    path("", include("imbuto.deals.urls")),
]
