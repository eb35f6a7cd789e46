"""Views with no domain behind them."""

from django.http import HttpRequest, HttpResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET


@never_cache
@require_GET
def healthz(request: HttpRequest) -> HttpResponse:
    """Liveness probe for load balancers; also the "bare hello" baseline of the API benchmark."""
    return HttpResponse("ok", content_type="text/plain")
